"""Argument checks shared by every public entry point.

Each check either returns the normalised value or raises ``TypeError`` (wrong
type) or ``ValueError`` (wrong value) with a message that names the parameter,
the constraint and what was given.
"""

from __future__ import annotations

import functools
import math
import numbers
import os
import reprlib
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._dtypes import LOW_PRECISION, float_info, for_dtype, is_low_precision, ml_dtype

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "MAX_DIMS",
    "MAX_ELEMENTS",
    "check_allocation",
    "check_bool",
    "check_dtype",
    "check_int",
    "check_int_seed",
    "check_keras_seed",
    "check_option",
    "check_real",
    "check_representable",
    "check_rng",
    "check_shape",
    "describe",
    "did_you_mean",
    "listed",
    "seed_as_rng",
    "shown",
]

#: The largest number of elements any initializer will allocate or fill
#: (2**40, about 1.1e12; 2**40 itself is allowed). Larger requests are refused
#: before anything is allocated, so a typo such as ``(10**6, 10**6)`` fails
#: fast instead of exhausting memory. A result the call allocates must also
#: fit in the machine's memory (:func:`check_allocation`).
MAX_ELEMENTS = 2**40


def _numpy_max_dims() -> int:
    """The most dimensions an array of the installed NumPy can have (32 in 1.x, 64 in 2.x)."""
    low, high = 1, 1024  # np.empty((1,) * low) works; np.empty((1,) * high) does not
    while high - low > 1:
        middle = (low + high) // 2
        try:
            np.empty((1,) * middle, dtype=np.bool_)
        except ValueError:
            high = middle
        else:
            low = middle
    return low


#: The most dimensions a shape may have: NumPy's own maximum (32 in NumPy 1.x,
#: 64 in NumPy 2.x), found once from the installed NumPy.
MAX_DIMS = _numpy_max_dims()


class _BoundedRepr(reprlib.Repr):
    """``repr`` with a bounded depth and a bounded length at every level."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxarray = self.maxset = self.maxfrozenset = 8
        self.maxdeque = self.maxdict = 8
        self.maxstring = self.maxother = self.maxlong = _SHOWN

    def repr_bytes(self, value: bytes, level: int) -> str:
        text = repr(value[: self.maxstring])
        return text if len(value) <= self.maxstring else text[:-1] + "..." + text[-1]

    def repr_int(self, value: int, level: int) -> str:
        if value.bit_length() > 3 * _SHOWN:  # repr of a huge int is slow, or refused
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"<{'negative ' if value < 0 else ''}int of about {digits} digits>"
        return super().repr_int(value, level)

    def repr_instance(self, value: Any, level: int) -> str:
        try:
            text = repr(value)
        except Exception:  # a repr that fails, or recurses too deep (an object array)
            return f"<{type(value).__name__} object>"
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


#: How many characters of a value a message shows.
_SHOWN = 80
_REPR = _BoundedRepr()


def shown(value: Any, *, plain: bool = False) -> str:
    """``repr(value)`` as messages show it: at most 80 characters, nesting cut at depth 3.

    Any value can be shown: a deeply nested list, a huge string or int, an
    object whose ``repr`` fails. With ``plain``, a str is shown as ``str``
    shows it, without quotes (as PyTorch's messages show names).
    """
    if plain and isinstance(value, str):
        return value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."
    try:
        text = _REPR.repr(value)
    except Exception:  # a container whose items cannot be listed
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def listed(values: dict[str, Any]) -> str:
    """``name=value, ...`` for messages about a combination of values (``"its defaults"`` if none)."""
    return ", ".join(f"{key}={shown(value)}" for key, value in values.items()) or "its defaults"


def describe(name: str, value: Any) -> str:
    """Render ``name=value (type=...)`` for error messages, the value as :func:`shown`."""
    return f"{name}={shown(value)} (type={shown_type(value)})"


def shown_type(value: Any) -> str:
    """The name of ``value``'s type, as messages show it (bounded like :func:`shown`)."""
    name = type(value).__name__
    return name if len(name) <= _SHOWN else name[: _SHOWN - 3] + "..."


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
    are refused, as is a shape with more than :data:`MAX_DIMS` dimensions or
    more than :data:`MAX_ELEMENTS` elements (exactly ``MAX_ELEMENTS`` passes).
    """
    if _is_int(shape):
        dims: Sequence[Any] = (shape,)
    elif isinstance(shape, (tuple, list)):
        dims = shape
    else:
        raise TypeError(f"{name} must be an int or a tuple of ints; got {describe(name, shape)}.")
    if len(dims) > MAX_DIMS:
        raise ValueError(
            f"{name} must have at most {MAX_DIMS} dimensions (NumPy's maximum); got "
            f"{name}={shown(shape)} with {len(dims)} dimensions."
        )
    result = []
    for index, dim in enumerate(dims):
        if not _is_int(dim):
            raise TypeError(
                f"{name} must contain only ints; got {describe(f'{name}[{index}]', dim)} "
                f"in {name}={shown(shape)}."
            )
        if dim < 0:
            raise ValueError(
                f"{name} must contain only non-negative ints; got {name}[{index}]={shown(int(dim))} "
                f"in {name}={shown(shape)}."
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
            f"got {name}={shown(tuple(result))} with {size} elements."
        )
    return tuple(result)


@functools.cache
def machine_memory() -> int | None:
    """Bytes of memory this machine has, RAM and swap; ``None`` where unknown."""
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf, or not these names
        return None
    if ram <= 0:
        return None
    swap = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("SwapTotal:"):
                    swap = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):  # not Linux: RAM alone
        swap = 0
    return ram + swap


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{count} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


#: Arrays from this size up are checked against the machine's memory; smaller
#: ones fit any machine this library runs on.
ALLOCATION_CHECKED = 1 << 28


def check_allocation(shape: tuple[int, ...], dtype: np.dtype[Any], *, given: str) -> None:
    """Refuse an array of ``shape`` and ``dtype`` larger than the machine's memory.

    Such an array can never be allocated and filled, so it is a
    ``ValueError`` before anything is allocated, not a ``MemoryError`` (or
    the system running out of memory) later. ``given`` names the arguments
    the shape came from, as the message shows them (``"shape=(...)"``).
    """
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < ALLOCATION_CHECKED:  # the common case costs no system call
        return
    memory = machine_memory()
    if memory is not None and nbytes > memory:
        raise ValueError(
            f"{given} asks for {_bytes(nbytes)} (an array of shape {shown(shape)} and dtype "
            f"{dtype.name}), more than the {_bytes(memory)} of memory (RAM and swap) this "
            "machine has; pass a smaller shape, or out=np.memmap(...) to fill a file."
        )


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
        raise ValueError(f"{name} must be a number, not NaN; got {name}={shown(value)}.")
    if math.isinf(result) and not allow_inf:
        raise ValueError(f"{name} must be finite; got {name}={shown(value)}.")
    if positive and not result > 0:
        raise ValueError(f"{name} must be > 0; got {name}={shown(value)}.")
    if nonnegative and not result >= 0:
        raise ValueError(f"{name} must be >= 0; got {name}={shown(value)}.")
    if at_most is not None and result > at_most:
        raise ValueError(f"{name} must be <= {at_most!r}; got {name}={shown(value)}.")
    return result


def check_option(name: str, value: Any, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options`` (exact, case-sensitive)."""
    choices = sorted(options)
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(repr(option) for option in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}; got {describe(name, value)}.")
    raise ValueError(f"{name} must be one of {listed}; got {name}={shown(value)}.")


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` as a Python bool if it is ``True`` or ``False`` (a NumPy bool too; not 0 or 1).

    The one check of a switch: layers, recipes, the registry and diagnostics use it.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(name, value)}.")
    return bool(value)


def check_keras_seed(seed: Any) -> int:
    """A Keras ``seed`` (not None): an int, which is this library's ``rng``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            "seed must be an int or None (a serialized Keras SeedGenerator is not "
            f"supported); got {describe('seed', seed)}."
        )
    if seed < 0:
        raise ValueError(
            "seed must be a non-negative int (the seed of this library's rng); got "
            f"seed={int(seed)}."
        )
    return int(seed)


def seed_as_rng(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with Keras' ``seed`` read as this library's ``rng`` (``seed=None`` binds nothing)."""
    result = dict(values)
    if "seed" in result:
        seed = result.pop("seed")
        if "rng" in result:
            raise ValueError(
                f"give seed or rng, not both seed and rng; got seed={shown(seed)}, "
                f"rng={shown(result['rng'])}."
            )
        if seed is not None:
            result["rng"] = check_keras_seed(seed)
    return result


def check_int_seed(rng: Any) -> int:
    """Return an int ``rng`` (not a bool) as a Python int, refusing a negative one.

    The one check of an int seed: :func:`check_rng` and a call's seed use it.
    """
    if rng < 0:
        raise ValueError(f"rng must be a non-negative int seed; got rng={shown(int(rng))}.")
    return int(rng)


def check_seed_source(rng: Any) -> Any:
    """Check that ``rng`` is a seed source Scientific Python SPEC 7 allows, drawing nothing.

    ``None``, an int (>= 0), a :class:`numpy.random.SeedSequence`, a
    :class:`numpy.random.BitGenerator` or a :class:`numpy.random.Generator`;
    returned as given. The one check of an ``rng`` argument: :func:`check_rng`
    and the call seed use it.
    """
    if rng is None or isinstance(
        rng, (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)
    ):
        return rng
    if _is_int(rng):
        check_int_seed(rng)
        return rng
    raise TypeError(
        "rng must be None, an int, a numpy.random.SeedSequence, a "
        f"numpy.random.BitGenerator or a numpy.random.Generator; got {describe('rng', rng)}."
    )


def check_rng(rng: Any) -> np.random.Generator:
    """Normalise ``rng`` as Scientific Python SPEC 7 describes.

    ``None`` draws fresh entropy from the operating system; an int (>= 0) or a
    :class:`numpy.random.SeedSequence` seeds a new generator; a
    :class:`numpy.random.BitGenerator` is wrapped; a
    :class:`numpy.random.Generator` is used as it is, and advances.
    NumPy's global random state is never read nor changed.
    """
    check_seed_source(rng)
    return np.random.default_rng(int(rng) if _is_int(rng) else rng)


#: The dtypes random initializers draw in, without ml_dtypes.
RANDOM_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_ALLOWED = (
    "float16, float32 or float64 (or complex64, complex128 where its law has a complex form; "
    "with ml_dtypes installed, bfloat16 or a float8 type)"
)
#: The complex dtypes they also draw in, where their law has a complex form
#: (:meth:`~weightinit.distributions.Distribution.kind_refusal` refuses the others).
COMPLEX_DTYPES = (np.dtype(np.complex64), np.dtype(np.complex128))


def check_dtype(dtype: Any, *, random: bool, name: str, param: str = "dtype") -> np.dtype[Any]:
    """The dtype a call returns; ``param`` is what the message calls it (``out.dtype``)."""
    allowed = _ALLOWED if random else "a numeric dtype"
    if isinstance(dtype, (list, tuple, dict)):  # structured or sub-array: never numeric
        raise TypeError(f"{param} must be {allowed} for {name}; got {describe(param, dtype)}.")
    try:
        with warnings.catch_warnings():  # a deprecated spelling ('a') is refused, not warned of
            warnings.simplefilter("error")
            resolved = np.dtype(np.float64 if dtype is None else dtype)
    except (TypeError, ValueError, Warning):
        resolved = ml_dtype(dtype, param)  # type: ignore[assignment]
        if resolved is None:
            raise TypeError(
                f"{param} must be {allowed} for {name}; got {describe(param, dtype)}."
            ) from None
    if resolved.type.__module__ == "ml_dtypes" and not is_low_precision(resolved):
        raise TypeError(
            f"{param} must be a NumPy dtype or one of the ml_dtypes types "
            f"{', '.join(LOW_PRECISION)} for {name}; got {param}={resolved.name}."
        )
    if random and resolved.kind in "fc" and not resolved.isnative:
        native = resolved.newbyteorder("=")
        order = "big" if resolved.byteorder == ">" else "little"
        instead = (
            f"an out array of dtype {native.name} (out.astype({native.name!r}))"
            if param != "dtype"
            else f"dtype={native.name!r}"
        )
        raise TypeError(
            f"{param} must be float16, float32 or float64 in this machine's byte order for the "
            f"random initializer {name}; got {param}={resolved.str!r} ({native.name} in "
            f"{order}-endian byte order, not this machine's); pass {instead} instead."
        )
    if random and resolved not in RANDOM_DTYPES + COMPLEX_DTYPES and not is_low_precision(resolved):
        raise TypeError(
            f"{param} must be {_ALLOWED} for the random initializer {name}; "
            f"got {param}={resolved.name}."
        )
    if not random and resolved.kind not in "biufc" and not is_low_precision(resolved):
        raise TypeError(f"{param} must be a numeric dtype for {name}; got {param}={resolved.name}.")
    return resolved


def _exact(value: Any) -> Any:
    """A NumPy scalar as the Python int or float it holds, for exact comparisons."""
    return value.item() if isinstance(value, np.generic) else value


def check_representable(values: NDArray[Any], dtype: np.dtype[Any], name: str) -> None:
    """Refuse to write values that ``dtype`` would change (e.g. 0.5 into int32).

    Integer dtypes take integers within their range, compared exactly (so
    ``2**63`` is refused by int64 rather than wrapped to ``-2**63``); float and
    complex dtypes refuse a value that overflows them, and a nonzero value
    that they round to 0.
    """
    if values.size == 0:
        return
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        low, high = _exact(values.min()), _exact(values.max())
        if not (info.min <= low and high <= info.max):
            raise ValueError(
                f"{name} writes values that dtype={dtype.name} cannot hold exactly (its range is "
                f"[{info.min}, {info.max}]): {shown(values.tolist())}."
            )
    if dtype.kind in "biu":
        with np.errstate(invalid="ignore", over="ignore"):
            converted = values.astype(dtype)
        if not np.array_equal(converted.astype(values.dtype), values):
            raise ValueError(
                f"{name} writes values that dtype={dtype.name} cannot hold exactly: "
                f"{shown(values.tolist())}."
            )
    elif dtype.kind in "fc" or is_low_precision(dtype):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            converted = np.asarray(for_dtype(values, dtype)).astype(dtype)
        if not np.all(np.isfinite(converted)):
            raise ValueError(
                f"{name} writes values that overflow dtype={dtype.name}: {shown(values.tolist())}."
            )
        vanished = (converted == 0) & np.asarray(values != 0, dtype=bool)
        if np.any(vanished):
            tiny = float(float_info(dtype).smallest_subnormal)
            raise ValueError(
                f"{name} writes nonzero values that dtype={dtype.name} rounds to 0 (its smallest "
                f"positive value is {tiny:.3g}): {shown(values[vanished].tolist())}."
            )


def did_you_mean(name: str, among: Iterable[str]) -> str:
    """A ``"; did you mean ..."`` clause naming the (at most 3) closest of ``among``, or ``""``.

    Closeness is :func:`difflib.get_close_matches`' ratio, at least 0.6.

    Examples
    --------
    >>> did_you_mean("glorot_unifrom", ["glorot_uniform", "glorot_normal", "zeros"])
    "; did you mean 'glorot_uniform' or 'glorot_normal'?"
    >>> did_you_mean("xyz", ["glorot_uniform"])
    ''
    """
    candidates = list(among)
    # difflib's ratio is at most 2 * len(b) / (len(a) + len(b)), under the 0.6 cutoff
    # once a name is over 7/3 times the longest: skip the (slow) comparisons then.
    if 3 * len(name) > 7 * max(map(len, candidates), default=0):
        return ""
    import difflib  # only when a name is not found: kept out of import weightinit

    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


# --- parameter checks: what a scheme's Param holds ---------------------------------------

#: A parameter check: ``check(name, value)`` returns the normalised value or raises.
ParamCheck = Callable[[str, Any], Any]


def real_check(
    *,
    positive: bool = False,
    nonnegative: bool = False,
    allow_inf: bool = False,
    at_most: float | None = None,
) -> Callable[[str, Any], float]:
    """The parameter check :func:`check_real` with these constraints."""

    def check(name: str, value: Any) -> float:
        return check_real(
            name,
            value,
            positive=positive,
            nonnegative=nonnegative,
            allow_inf=allow_inf,
            at_most=at_most,
        )

    return check


def option_check(
    options: tuple[str, ...], *, any_case: bool = False, read_as: Mapping[str, str] | None = None
) -> Callable[[str, Any], str]:
    """The parameter check :func:`check_option` with these options.

    ``any_case`` accepts the options in any case (``'Uniform'``), as Keras
    and Haiku read ``distribution``; ``read_as`` maps accepted spellings to
    the option they mean (Keras reads ``'normal'`` as ``'truncated_normal'``).
    The check returns the option meant.
    """
    renamed = dict(read_as or {})

    def check(name: str, value: Any) -> str:
        spelled = value.lower() if any_case and isinstance(value, str) else value
        if isinstance(spelled, str) and spelled in renamed:
            return renamed[spelled]
        try:
            return check_option(name, spelled, (*options, *renamed))
        except ValueError:
            if spelled is value:
                raise
            raise ValueError(
                f"{name} must be one of {', '.join(map(repr, sorted((*options, *renamed))))} "
                f"(in any case); got {name}={shown(value)}."
            ) from None

    return check


def int_check(
    *, minimum: int | None = None, maximum: int | None = None
) -> Callable[[str, Any], int]:
    """The parameter check :func:`check_int` with these bounds."""

    def check(name: str, value: Any) -> int:
        return check_int(name, value, minimum=minimum, maximum=maximum)

    return check


def check_number(name: str, value: Any) -> float:
    """A real number, as :func:`check_real`, but an int stays an exact Python int.

    So ``2**60 + 1`` reaches an int64 array exactly, and an int no integer
    dtype holds is refused by that dtype rather than rounded.
    """
    checked = check_real(name, value)
    return int(value) if isinstance(value, (int, np.integer)) else checked


def check_less(low_name: str, low: float, high_name: str, high: float) -> None:
    """Refuse bounds that are not in order: ``low`` must be < ``high``."""
    if not low < high:
        raise ValueError(
            f"{low_name} must be < {high_name}; got {low_name}={low!r}, {high_name}={high!r}."
        )


__all__ += ["ParamCheck", "check_less", "check_number", "int_check", "option_check", "real_check"]
