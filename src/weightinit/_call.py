"""A call's plan: every check of an initializer call's arguments, made once per argument set.

A call ``init(shape, dtype=..., out=..., **params)`` is checked in full the
first time its arguments are seen (:func:`make_plan`): parameters, ``out``,
``progress``, dtype, geometry, region, the allocation and whether the law can
be drawn into the dtype. The result, a :class:`Plan`, holds the law and what
filling needs. Plans are kept per initializer, keyed by the arguments' types
and values (:func:`plan_key`), so a repeated call (the hundreds of small
tensors of one model, the thousands of calls of a property test) costs a
dictionary lookup, the seed and the fill. Arguments that cannot be keyed
exactly (lists, arrays, NaN) are checked afresh every call. Law functions
are pure (a law is a value of its geometry and parameters), which is what
makes a plan reusable.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _engine
from ._validation import ALLOCATION_CHECKED, check_allocation, check_dtype, describe, listed, shown
from .distributions import Distribution
from .fans import AXIS_OPTIONS, Geometry, make_geometry

if TYPE_CHECKING:
    from numpy.typing import NDArray

if TYPE_CHECKING:
    from ._initializer import Initializer

__all__ = ["Plan", "check_out", "make_plan", "plan_key", "run"]

#: Plans an initializer keeps; beyond, its table is emptied and refilled.
MAX_PLANS = 256


@dataclass(frozen=True)
class Plan:
    """What a checked call fills: its law, dtype and window, and what messages call it."""

    law: Distribution
    dtype: np.dtype[Any]
    window: _engine.Window
    progress: bool | None
    described: str


def check_out(out: Any) -> NDArray[Any]:
    """``out`` as given, once it is a writeable ndarray."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray; got {describe('out', out)}.")
    if not out.flags.writeable:
        raise ValueError("out must be a writeable array; got a read-only array.")
    return out


class _UnkeyedError(Exception):
    """An argument whose type and value no key can hold exactly."""


def _key(value: Any) -> Any:
    """``value`` as a key that equals another only for an identical argument (1, 1.0, True differ).

    ``None``, strs and ints are their own keys (no other kind's key is a bare
    value that could equal them); everything else is tagged with its type.
    """
    kind = type(value)
    if value is None or kind is str or kind is int:
        return value
    if kind is tuple:
        return kind, tuple(map(_key, value))
    if kind is bool or kind is type or isinstance(value, np.dtype):
        return kind, value
    if kind is float:
        return kind, value.hex()  # tells -0.0 from 0.0
    if kind is slice:
        return kind, _key(value.start), _key(value.stop), _key(value.step)
    if isinstance(value, np.integer):
        return kind, int(value)
    raise _UnkeyedError


def plan_key(arguments: tuple[Any, ...], params: Mapping[str, Any], out: Any) -> Any:
    """The key of a call's plan, or ``None`` where an argument cannot be keyed exactly."""
    try:
        key = tuple(map(_key, arguments))
        if params:
            key += tuple((name, _key(value)) for name, value in params.items())
    except _UnkeyedError:
        return None
    if out is None:
        return key
    if not isinstance(out, np.ndarray) or not out.flags.writeable:
        return None  # checked, and refused, by make_plan
    return key, out.shape, out.dtype


def make_plan(
    init: Initializer,
    arguments: tuple[Any, ...],
    params: Mapping[str, Any],
    out: Any,
) -> tuple[Plan, bool]:
    """Check a call's arguments in full; the plan, and whether it may be kept.

    ``arguments`` are the call's ``(shape, dtype, layout, *axis options,
    fan_in, fan_out, region, progress)`` (the axis options in the order of
    :data:`~weightinit.fans.AXIS_OPTIONS`) with the initializer's bound
    options and default layout already applied.
    """
    shape, dtype, layout, *rest = arguments
    axes = dict(zip(AXIS_OPTIONS, rest[: len(AXIS_OPTIONS)], strict=True))
    fan_in, fan_out, region, progress = rest[len(AXIS_OPTIONS) :]
    values = init._resolve(params)
    target = None if out is None else check_out(out)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(
            f"progress must be None, True or False; got {describe('progress', progress)}."
        )
    resolved = _call_dtype(init, dtype, target)
    geometry = make_geometry(
        shape,
        fan_in=fan_in,
        fan_out=fan_out,
        layout=layout,
        out_shape=None if target is None or region is not None else target.shape,
        **axes,
    )
    window = _engine.make_window(geometry.shape, region)
    if target is not None and target.shape != window.region_shape:
        raise ValueError(
            f"out.shape must be the region's shape {shown(window.region_shape)}; "
            f"got out.shape={shown(target.shape)}."
        )
    law = init._law(_law_geometry(geometry), **values)
    # What the call allocates, checked before the seed is taken: the result unless
    # it fills out= in place, and the whole array where a structured law is asked
    # for a region or works in a float64 copy of the whole.
    source = (
        f"shape={shown(shape)}"
        if shape is not None
        else "out"
        if target is not None
        else f"fan_in={fan_in}, fan_out={fan_out}"
    )
    allocations = []
    if target is None:
        allocations.append((window.region_shape, resolved))
    if not law.windowed and (law.whole_in_float64 or not window.whole):
        allocations.append((geometry.shape, np.dtype(np.float64)))
    for dims, kind in allocations:
        check_allocation(dims, kind, given=source)
    described = f"{init.name} with {listed(values)}" if law.random or values else init.name
    try:
        law.check_drawable(resolved, described)
    except (TypeError, ValueError) as error:
        if target is None:
            raise
        raise type(error)(
            f"{str(error).rstrip('.')} (the dtype of out, out.dtype={resolved})."
        ) from None
    # Allocations above the checked size ask the machine's memory, which may change.
    keep = all(math.prod(dims) * kind.itemsize < ALLOCATION_CHECKED for dims, kind in allocations)
    return Plan(law, resolved, window, progress, described), keep


def _law_geometry(geometry: Geometry) -> Geometry:
    """The geometry a call's law is built from: the call's, with zero fans read as 1 for an empty array.

    An empty array holds no value, so no fan is divided by: Keras divides by
    ``max(1.0, fan)`` (keras/src/initializers/random_initializers.py,
    ``VarianceScaling.__call__``) and PyTorch returns a zero-element tensor
    untouched (torch/nn/init.py, ``_no_grad_*``/``kaiming_*``: "Initializing
    zero-element tensors is a no-op"). The law's other checks (rank,
    parameters) still run; its moments, asked through ``init.variance``,
    still refuse a zero fan.
    """
    if math.prod(geometry.shape):
        return geometry
    return dataclasses.replace(
        geometry, fan_in=max(1, geometry.fan_in), fan_out=max(1, geometry.fan_out)
    )


def _call_dtype(init: Initializer, dtype: Any, target: NDArray[Any] | None) -> np.dtype[Any]:
    """The dtype a call fills: ``out``'s, which a ``dtype`` given must equal, else ``dtype``'s."""
    if target is None:
        return check_dtype(dtype, random=init.random, name=init.name)
    resolved = check_dtype(target.dtype, random=init.random, name=init.name, param="out.dtype")
    given = None if dtype is None else check_dtype(dtype, random=init.random, name=init.name)
    if given is not None and given != target.dtype:
        raise ValueError(
            f"dtype must match out.dtype; got dtype={given.name} and out.dtype={target.dtype.name}."
        )
    return resolved


def run(plan: Plan, rng: Any, out: NDArray[Any] | None) -> NDArray[Any]:
    """Take the call's seed from ``rng`` and fill ``out`` (or a new array) by ``plan``."""
    seed = plan.law.seed(rng)
    request = _engine.Request(seed, plan.window, plan.progress)
    if out is not None:
        # Filled through a plain ndarray view of the same memory, so that a
        # subclass's own indexing or shapes (np.matrix) change no value; any
        # strides are filled block by block, without a copy of the array.
        plan.law.fill(np.ndarray.view(out, np.ndarray), request)
        return out
    buffer = np.empty(plan.window.region_shape, dtype=plan.dtype)
    plan.law.fill(buffer, request)
    return buffer
