"""Argument checks shared by every public entry point.

Each check either returns the normalised value or raises ``TypeError`` (wrong
type) or ``ValueError`` (wrong value) with a message that names the parameter,
the constraint and what was given.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "MAX_ELEMENTS",
    "check_int",
    "check_option",
    "check_real",
    "check_rng",
    "check_shape",
    "describe",
]

#: The largest number of elements any initializer will allocate or fill
#: (2**40, about 1.1e12). Larger requests are refused before anything is
#: allocated, so a typo such as ``(10**6, 10**6)`` fails fast instead of
#: exhausting memory.
MAX_ELEMENTS = 2**40


def describe(name: str, value: Any) -> str:
    """Render ``name=value (type=...)`` for error messages."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{name}={text} (type={type(value).__name__})"


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(
    name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as a Python int, refusing bools, floats and strings."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an int; got {describe(name, value)}.")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {describe(name, result)}.")
    if maximum is not None and result > maximum:
        raise ValueError(f"{name} must be an int <= {maximum}; got {describe(name, result)}.")
    return result


def check_shape(shape: Any, *, name: str = "shape") -> tuple[int, ...]:
    """Return ``shape`` as a tuple of non-negative Python ints.

    An int ``n`` means ``(n,)``. Bools, floats, strings and nested sequences
    are refused, as is a shape with more than :data:`MAX_ELEMENTS` elements.
    """
    if _is_int(shape):
        dims: Iterable[Any] = (shape,)
    elif isinstance(shape, (tuple, list)):
        dims = shape
    else:
        raise TypeError(f"{name} must be an int or a tuple of ints; got {describe(name, shape)}.")
    result = []
    for index, dim in enumerate(dims):
        if not _is_int(dim):
            raise TypeError(
                f"{name} must contain only ints; got {describe(f'{name}[{index}]', dim)} "
                f"in {name}={shape!r}."
            )
        if dim < 0:
            raise ValueError(
                f"{name} must contain only non-negative ints; got {name}[{index}]={int(dim)} "
                f"in {name}={shape!r}."
            )
        if dim > MAX_ELEMENTS:  # even beside a zero: NumPy cannot index such an axis
            raise ValueError(
                f"{name} must have dimensions of at most {MAX_ELEMENTS} (2**40); got "
                f"{describe(f'{name}[{index}]', int(dim))}."
            )
        result.append(int(dim))
    size = math.prod(result)
    if size > MAX_ELEMENTS:
        raise ValueError(
            f"{name} must have at most {MAX_ELEMENTS} (2**40) elements; "
            f"got {name}={tuple(result)!r} with {size} elements."
        )
    return tuple(result)


def check_real(
    name: str,
    value: Any,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    allow_inf: bool = False,
    at_most: float | None = None,
) -> float:
    """Return ``value`` as a Python float after checking its type and range.

    Bools, strings, complex numbers and ``None`` are a ``TypeError``; NaN, and
    infinity unless ``allow_inf``, are a ``ValueError``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(name, value)}.")
    try:
        result = float(value)
    except OverflowError:  # an int beyond float64's range
        raise ValueError(
            f"{name} must be finite (within float64's range); got {describe(name, value)}."
        ) from None
    if math.isnan(result):
        raise ValueError(f"{name} must be a number, not NaN; got {name}={value!r}.")
    if math.isinf(result) and not allow_inf:
        raise ValueError(f"{name} must be finite; got {name}={value!r}.")
    if positive and not result > 0:
        raise ValueError(f"{name} must be > 0; got {name}={value!r}.")
    if nonnegative and not result >= 0:
        raise ValueError(f"{name} must be >= 0; got {name}={value!r}.")
    if at_most is not None and result > at_most:
        raise ValueError(f"{name} must be <= {at_most!r}; got {name}={value!r}.")
    return result


def check_option(name: str, value: Any, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options`` (exact, case-sensitive)."""
    choices = sorted(options)
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(repr(option) for option in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}; got {describe(name, value)}.")
    raise ValueError(f"{name} must be one of {listed}; got {name}={value!r}.")


def check_rng(rng: Any) -> np.random.Generator:
    """Normalise ``rng`` as Scientific Python SPEC 7 describes.

    ``None`` draws fresh entropy from the operating system; an int (>= 0) or a
    :class:`numpy.random.SeedSequence` seeds a new generator; a
    :class:`numpy.random.BitGenerator` is wrapped; a
    :class:`numpy.random.Generator` is used as it is, and advances.
    NumPy's global random state is never read nor changed.
    """
    if rng is None or isinstance(
        rng, (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)
    ):
        return np.random.default_rng(rng)
    if _is_int(rng):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative int seed; got rng={int(rng)}.")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be None, an int, a numpy.random.SeedSequence, a "
        f"numpy.random.BitGenerator or a numpy.random.Generator; got {describe('rng', rng)}."
    )
