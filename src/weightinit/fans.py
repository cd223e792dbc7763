"""Fans: how many inputs and outputs a weight array connects.

This module is the one place fans are computed, by the layout and by each
library's axis rule: JAX's (:func:`resolve_axes`), Keras' and Haiku's. Every
initializer, and the public :func:`compute_fans`, go through
:func:`fans_and_axes`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from ._validation import MAX_ELEMENTS, check_int, check_option, check_shape, listed, shown

__all__ = ["AXIS_OPTIONS", "LAYOUTS", "Layout", "check_axes", "compute_fans", "resolve_axes"]

Layout = Literal["keras", "torch"]

#: The named layouts. ``"keras"`` is (…receptive field…, in, out), the layout
#: of Keras, JAX and ``x @ W`` in NumPy; ``"torch"`` is PyTorch's
#: (out, in, …receptive field…).
LAYOUTS = ("keras", "torch")

AxisArg = int | tuple[int, ...] | list[int] | None

#: The call options that say which axes hold a weight's inputs and outputs,
#: by the library whose rule they follow: JAX's ``in_axis``/``out_axis``/
#: ``batch_axis``, Keras' ``input_axes``/``output_axes``, Haiku's ``fan_in_axes``.
AXIS_OPTIONS = ("in_axis", "out_axis", "batch_axis", "input_axes", "output_axes", "fan_in_axes")
_RULES = {
    "in_axis": "JAX",
    "out_axis": "JAX",
    "batch_axis": "JAX",
    "input_axes": "Keras",
    "output_axes": "Keras",
    "fan_in_axes": "Haiku",
}


def check_axes(name: str, axes: Any) -> tuple[int, ...]:
    """Return ``axes`` (an int, or a tuple or list of ints) as a tuple of ints.

    The checks that need no shape; :func:`fans_and_axes` checks the rest
    against the shape. An empty tuple is allowed only for ``batch_axis``
    (JAX's default). A bound axis option is checked here when it is bound.
    """
    items = list(axes) if isinstance(axes, (tuple, list)) else [axes]
    if not items and name != "batch_axis":
        raise ValueError(f"{name} must name at least one axis; got {name}={shown(axes)}.")
    return tuple(check_int(name, item) for item in items)


def _normalize_axes(name: str, axes: Any, rank: int, *, negative: bool = True) -> tuple[int, ...]:
    result = []
    for axis in check_axes(name, axes):
        low = -rank if negative else 0
        if not low <= axis < rank:
            raise ValueError(
                f"{name} must be in [{low}, {rank - 1}] for a shape of rank {rank}; "
                f"got {name}={shown(axes)}."
            )
        result.append(axis % rank)
    if len(set(result)) != len(result):
        raise ValueError(f"{name} must not repeat an axis; got {name}={shown(axes)}.")
    return tuple(sorted(result))


def resolve_axes(
    shape: tuple[int, ...],
    *,
    layout: Any = "keras",
    in_axis: Any = None,
    out_axis: Any = None,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the (input axes, output axes) of a shape of rank >= 2.

    Parameters
    ----------
    shape : tuple of int
        A validated shape of rank at least 2.
    layout : {'keras', 'torch'}
        Supplies whichever of ``in_axis``/``out_axis`` is not given: Keras
        puts inputs on axis -2 and outputs on axis -1; PyTorch puts outputs on
        axis 0 and inputs on axis 1.
    in_axis, out_axis : int or tuple of int, optional
        Explicit axes, as ``in_axis``/``out_axis`` of
        ``jax.nn.initializers.variance_scaling``.

    Returns
    -------
    tuple of (tuple of int, tuple of int)
        Non-negative and sorted; the two may share axes, as JAX allows
        (``variance_scaling(..., out_axis=0)`` of Flax's ``Embed``).
    """
    return _axes(shape, check_option("layout", layout, LAYOUTS), in_axis, out_axis)


def _axes(
    shape: tuple[int, ...], layout: str, in_axis: Any, out_axis: Any
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """:func:`resolve_axes` for a layout already checked."""
    rank = len(shape)
    if rank < 2:
        raise ValueError(
            f"in_axis and out_axis need a shape of rank >= 2; got shape={shown(shape)}."
        )
    default_in, default_out = (rank - 2, rank - 1) if layout == "keras" else (1, 0)
    ins = (default_in,) if in_axis is None else _normalize_axes("in_axis", in_axis, rank)
    outs = (default_out,) if out_axis is None else _normalize_axes("out_axis", out_axis, rank)
    # JAX lets the axes overlap when both are given, or when one falls back on JAX's own
    # default (-2 in, -1 out: the Keras layout); PyTorch's layout never makes them overlap.
    one_from_torch = layout == "torch" and (in_axis is None) != (out_axis is None)
    if one_from_torch and set(ins) & set(outs):
        raise ValueError(
            "in_axis and out_axis overlap where PyTorch's layout supplies the one not given "
            f"(out on axis 0, in on axis 1); got in_axis={shown(in_axis)}, "
            f"out_axis={shown(out_axis)} (layout='torch') for shape={shown(shape)}: give both "
            "axes, or the other one."
        )
    return ins, outs


def compute_fans(
    shape: Any,
    *,
    layout: Layout = "keras",
    in_axis: AxisArg = None,
    out_axis: AxisArg = None,
    batch_axis: AxisArg = None,
    input_axes: AxisArg = None,
    output_axes: AxisArg = None,
    fan_in_axes: AxisArg = None,
) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight array of the given shape.

    Parameters
    ----------
    shape : int or tuple of int
        The weight array's shape.
    layout : {'keras', 'torch'}, default 'keras'
        ``'keras'``: (…receptive field…, in, out), as Keras, JAX and
        ``x @ W``. ``'torch'``: (out, in, …receptive field…), as PyTorch.
    in_axis, out_axis, batch_axis : int or tuple of int, optional
        JAX's rule (``jax.nn.initializers.variance_scaling``): explicit input,
        output and batch axes, overriding the layout's; every other axis is
        the receptive field, and the batch axes count in neither fan. The
        input and output axes may overlap, as JAX allows.
    input_axes, output_axes : int or tuple of int, optional
        Keras' rule (``keras.initializers.VarianceScaling``): given both,
        each fan is the product of its named axes only, with no receptive
        field; one given without the other is ignored, as Keras ignores it.
    fan_in_axes : int or tuple of int, optional
        Haiku's rule (``haiku.initializers.VarianceScaling``): for a shape
        of rank >= 3, ``fan_in`` is the product of these axes and ``fan_out``
        that of all the others; below rank 3 Haiku ignores them, and so does
        this function.

    Returns
    -------
    tuple of (int, int)
        By default (and with JAX's axes), ``fan_in = receptive_field *
        prod(shape[in_axis])`` and ``fan_out = receptive_field *
        prod(shape[out_axis])``, where the receptive field is the product of
        the remaining dimensions (batch axes excluded).

    Raises
    ------
    TypeError
        If ``shape`` is not an int or a tuple of ints.
    ValueError
        If ``shape`` has a negative dimension, more dimensions than NumPy
        allows or more than ``MAX_ELEMENTS`` elements, if ``layout`` is unknown, if
        the axes are out of range or repeated, if axes of two libraries'
        rules are mixed, if a batch axis is also an input or output axis, or
        if JAX's axes are given for a shape of rank below 2.

    Notes
    -----
    Rank 0 gives ``(1, 1)`` and rank 1 ``(n, n)``, as in Keras, whatever the
    layout. A zero-size dimension gives zero fans; initializers whose formula
    divides by such a fan refuse it for their moments, and return the empty
    array when called.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.compute_fans((784, 256))
    (784, 256)
    >>> wi.compute_fans((3, 3, 64, 128))          # Keras/JAX conv kernel
    (576, 1152)
    >>> wi.compute_fans((128, 64, 3, 3), layout="torch")
    (576, 1152)
    >>> wi.compute_fans((3, 3, 64, 128), input_axes=[2], output_axes=[3])  # Keras' rule
    (64, 128)
    >>> wi.compute_fans((1000, 64), in_axis=0, out_axis=0)  # JAX's rule, as Flax's Embed
    (64, 64)
    >>> wi.compute_fans(10)
    (10, 10)
    """
    dims = check_shape(shape)
    fan_in, fan_out, _ = fans_and_axes(
        dims,
        layout=check_option("layout", layout, LAYOUTS),
        in_axis=in_axis,
        out_axis=out_axis,
        batch_axis=batch_axis,
        input_axes=input_axes,
        output_axes=output_axes,
        fan_in_axes=fan_in_axes,
    )
    return fan_in, fan_out


FansAndAxes = tuple[int, int, tuple[tuple[int, ...], tuple[int, ...]] | None]


def fans_and_axes(dims: tuple[int, ...], *, layout: Any, **axes: Any) -> FansAndAxes:
    """:func:`compute_fans` of a checked shape and layout, with the axes read (``None`` below rank 2).

    ``axes`` are the :data:`AXIS_OPTIONS` (``None`` where not given).
    """
    given = {key: value for key, value in axes.items() if value is not None}
    rules = sorted({_RULES[key] for key in given})
    if len(rules) > 1:
        raise ValueError(
            "axes follow one library's rule at a time: in_axis/out_axis/batch_axis (JAX), "
            f"input_axes/output_axes (Keras) or fan_in_axes (Haiku); got {listed(given)}."
        )
    rule = rules[0] if rules else None
    if rule == "Keras":
        return _keras_fans(dims, layout, given)
    if rule == "Haiku":
        return _haiku_fans(dims, layout, given["fan_in_axes"])
    rank = len(dims)
    if rank < 2:
        if given:
            raise ValueError(
                "in_axis, out_axis and batch_axis need a shape of rank >= 2; got "
                f"shape={shown(dims)} with {listed(given)}."
            )
        fan = 1 if rank == 0 else dims[0]
        return fan, fan, None
    ins, outs = _axes(dims, layout, given.get("in_axis"), given.get("out_axis"))
    batch = _normalize_axes("batch_axis", given.get("batch_axis", ()), rank)
    if set(batch) & (set(ins) | set(outs)):
        raise ValueError(
            "batch_axis must not be an input or output axis; got "
            f"{listed(given)} (layout={layout!r}) for shape={shown(dims)}."
        )
    # JAX: fan_in = in_size * prod(shape) / (in_size * out_size * batch_size), written
    # as a product so that overlapping in/out axes and zero sizes stay exact ints.
    fan_in = math.prod(d for axis, d in enumerate(dims) if axis not in outs and axis not in batch)
    fan_out = math.prod(d for axis, d in enumerate(dims) if axis not in ins and axis not in batch)
    return fan_in, fan_out, (ins, outs)


def _keras_fans(dims: tuple[int, ...], layout: Any, given: dict[str, Any]) -> FansAndAxes:
    """Keras' ``compute_fans``: the named axes' products, both or neither.

    keras/src/initializers/random_initializers.py, ``compute_fans``: with
    ``input_axes`` and ``output_axes`` both given, each fan is the product
    of its axes (no receptive field); otherwise the default rule.
    """
    if "input_axes" not in given or "output_axes" not in given:
        for key, value in given.items():
            check_axes(key, value)
        return fans_and_axes(dims, layout=layout)  # Keras ignores a lone one
    rank = len(dims)
    if rank == 0:
        raise ValueError(
            f"input_axes and output_axes need a shape of rank >= 1; got shape=() with "
            f"{listed(given)}."
        )
    ins = _normalize_axes("input_axes", given["input_axes"], rank)
    outs = _normalize_axes("output_axes", given["output_axes"], rank)
    fan_in = math.prod(dims[axis] for axis in ins)
    fan_out = math.prod(dims[axis] for axis in outs)
    return fan_in, fan_out, (ins, outs) if rank >= 2 else None


def _haiku_fans(dims: tuple[int, ...], layout: Any, fan_in_axes: Any) -> FansAndAxes:
    """Haiku's ``_compute_fans`` with ``fan_in_axes``: used from rank 3 on.

    haiku/_src/initializers.py, ``_compute_fans``: for rank >= 3, ``fan_in``
    is the product of ``shape[i]`` over ``fan_in_axes`` and ``fan_out`` that
    of every other axis; below rank 3 the axes are not read.
    """
    given = check_axes("fan_in_axes", fan_in_axes)
    rank = len(dims)
    if rank < 3:
        return fans_and_axes(dims, layout=layout)  # Haiku ignores them below rank 3
    if any(axis < 0 for axis in given):
        raise ValueError(
            "fan_in_axes must be non-negative: Haiku multiplies shape[i] into fan_in but "
            f"keeps a negative i in fan_out; got fan_in_axes={shown(fan_in_axes)}."
        )
    ins = _normalize_axes("fan_in_axes", fan_in_axes, rank)
    outs = tuple(axis for axis in range(rank) if axis not in ins)
    fan_in = math.prod(dims[axis] for axis in ins)
    fan_out = math.prod(dims[axis] for axis in outs)
    return fan_in, fan_out, (ins, outs)


@dataclass(frozen=True)
class Geometry:
    """The array being initialized: shape, fans and the axes they came from.

    ``in_axes``/``out_axes`` are ``None`` for shapes of rank below 2.
    """

    shape: tuple[int, ...]
    fan_in: int
    fan_out: int
    layout: str
    in_axes: tuple[int, ...] | None
    out_axes: tuple[int, ...] | None
    #: Whether the call gave ``fan_in`` or ``fan_out`` itself, overriding the shape's.
    fans_given: bool = False

    def fan(self, mode: str) -> float:
        """The fan a variance-scaling ``mode`` divides by."""
        if mode == "fan_in":
            return float(self.fan_in)
        if mode == "fan_out":
            return float(self.fan_out)
        if mode == "fan_avg":
            return (self.fan_in + self.fan_out) / 2.0
        return math.sqrt(self.fan_in * self.fan_out)  # fan_geo_avg

    def require_rank(self, scheme: str, ranks: tuple[int, ...] | None = None) -> None:
        """Refuse a shape whose rank ``scheme`` cannot take: one of ``ranks``, or >= 2 if ``None``.

        The one message for a rank a scheme does not support, e.g.
        ``"eye needs a shape of rank 2; got shape=(2, 2, 2) (rank 3)."``.
        """
        rank = len(self.shape)
        if (rank >= 2) if ranks is None else (rank in ranks):
            return
        if ranks is None:
            allowed = ">= 2"
        else:
            allowed = ", ".join(map(str, ranks[:-1])) + (" or " if len(ranks) > 1 else "")
            allowed += str(ranks[-1])
        raise ValueError(
            f"{scheme} needs a shape of rank {allowed}; got shape={shown(self.shape)} "
            f"(rank {rank})."
        )

    def axes(self, scheme: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The input and output axes, for schemes that need a shape of rank >= 2."""
        if self.in_axes is None or self.out_axes is None:
            self.require_rank(scheme)
        assert self.in_axes is not None and self.out_axes is not None  # rank >= 2 has axes
        if not self.in_axes or not self.out_axes:
            raise ValueError(
                f"{scheme} needs at least one input axis and one output axis; got "
                f"in_axes={self.in_axes!r}, out_axes={self.out_axes!r} for "
                f"shape={shown(self.shape)}."
            )
        return self.in_axes, self.out_axes

    def single_axes(self, scheme: str) -> tuple[int, int]:
        """The one input axis and one output axis, for schemes that need exactly one each."""
        in_axes, out_axes = self.axes(scheme)
        if len(in_axes) != 1 or len(out_axes) != 1 or in_axes == out_axes:
            raise ValueError(
                f"{scheme} needs exactly one input axis and one other output axis; got "
                f"in_axis={in_axes!r}, out_axis={out_axes!r} "
                f"for shape={shown(self.shape)}."
            )
        return in_axes[0], out_axes[0]


def make_geometry(
    shape: Any,
    *,
    fan_in: Any = None,
    fan_out: Any = None,
    layout: Any = "keras",
    out_shape: tuple[int, ...] | None = None,
    **axes: Any,
) -> Geometry:
    """Resolve the shape and fans of a call; fans given explicitly win.

    ``axes`` are the :data:`AXIS_OPTIONS` of the call.
    """
    check_option("layout", layout, LAYOUTS)
    if fan_in is not None:
        fan_in = check_int("fan_in", fan_in, minimum=0, maximum=MAX_ELEMENTS)
    if fan_out is not None:
        fan_out = check_int("fan_out", fan_out, minimum=0, maximum=MAX_ELEMENTS)
    if shape is None and out_shape is not None:
        dims = out_shape
    elif shape is None:
        dims = _dims_of_fans(fan_in, fan_out, layout, axes)
    else:
        dims = check_shape(shape)
        if out_shape is not None and dims != out_shape:
            raise ValueError(
                f"shape must match out.shape; got shape={shown(dims)} and "
                f"out.shape={shown(out_shape)}."
            )
    computed_in, computed_out, read = fans_and_axes(dims, layout=layout, **axes)
    ins, outs = (None, None) if read is None else read
    return Geometry(
        shape=dims,
        fan_in=computed_in if fan_in is None else fan_in,
        fan_out=computed_out if fan_out is None else fan_out,
        layout=layout,
        in_axes=ins,
        out_axes=outs,
        fans_given=fan_in is not None or fan_out is not None,
    )


def _dims_of_fans(fan_in: Any, fan_out: Any, layout: str, axes: dict[str, Any]) -> tuple[int, int]:
    """The (fan_in, fan_out) matrix, in the layout, of a call given fans and no shape."""
    if fan_in is None or fan_out is None:
        raise TypeError(
            "shape is required unless both fan_in and fan_out are given; got "
            f"shape=None, fan_in={shown(fan_in)}, fan_out={shown(fan_out)}."
        )
    given = {key: value for key, value in axes.items() if value is not None}
    if given:
        raise ValueError(f"axes need a shape; got shape=None with {listed(given)}.")
    if fan_in * fan_out > MAX_ELEMENTS:
        raise ValueError(
            f"fan_in and fan_out give an array of {fan_in * fan_out} elements, more than "
            f"{MAX_ELEMENTS} (2**40); got fan_in={fan_in}, fan_out={fan_out}."
        )
    return (fan_in, fan_out) if layout != "torch" else (fan_out, fan_in)
