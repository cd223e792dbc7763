"""Keras' einsum equations read as EinsumDense reads them: its kernel's and bias's shapes, and the kernel's input and output axes.

A port of keras 3.15.1 ``keras/src/layers/core/einsum_dense.py``,
``_analyze_einsum_string`` (1614-1676) and ``_analyze_split_string``
(1679-1813), and of ``_build_proj_equation`` (keras/src/layers/attention/
multi_head_attention.py:948-974), the equations MultiHeadAttention gives
its projections. Where Keras would fail later (at call time, or with an
index error) this refuses at once, naming the argument.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .._validation import check_int, describe

__all__ = ["Einsum", "analyzed", "projection"]

#: The three forms Keras accepts ("..." written as "0"): none, on the left, on the right.
_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


class Einsum(NamedTuple):
    """An EinsumDense's weights: shapes, and the kernel axes Keras gives a VarianceScaling initializer."""

    kernel_shape: tuple[int, ...]
    bias_shape: tuple[int, ...] | None
    input_axes: tuple[int, ...]
    output_axes: tuple[int, ...]


def _dims(name: str, value: Any, *, scalar: bool) -> list[int | None]:
    """``input_shape`` / ``output_shape``: ints >= 1 or None (unknown), or one int for ``output_shape``."""
    if scalar and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, Sequence) and not isinstance(value, str):
        dims: list[int | None] = []
        for i, dim in enumerate(value):
            dims.append(None if dim is None else check_int(f"{name}[{i}]", dim, minimum=1))
        return dims
    kind = "an int or a sequence" if scalar else "a sequence"
    raise TypeError(f"{name} must be {kind} of ints or None; got {describe(name, value)}.")


def _known(what: str, dim: str, size: int | None) -> int:
    if size is None:
        raise ValueError(
            f"the {what} needs the size of dimension {dim!r}, which is unknown (None) "
            "in input_shape and output_shape."
        )
    return size


def analyzed(equation: Any, bias_axes: Any, input_shape: Any, output_shape: Any) -> Einsum:
    """The weights an ``EinsumDense(equation, output_shape, bias_axes)`` builds for ``input_shape``.

    ``input_shape`` is the full input shape as ``build`` receives it (the
    batch axis first, None where unknown); ``output_shape`` the layer's
    argument, without the batch axis.

    Examples
    --------
    >>> from weightinit.layers._einsum import analyzed
    >>> analyzed("abc,cde->abde", "de", (None, 7, 16), (None, 4, 8))
    Einsum(kernel_shape=(16, 4, 8), bias_shape=(4, 8), input_axes=(0,), output_axes=(1, 2))
    """
    if not isinstance(equation, str):
        raise TypeError(f"equation must be a str; got {describe('equation', equation)}.")
    if bias_axes is not None and not isinstance(bias_axes, str):
        raise TypeError(f"bias_axes must be a str or None; got {describe('bias_axes', bias_axes)}.")
    form = equation.replace("...", "0")
    matches = ((pattern.fullmatch(form), left) for pattern, left in _FORMS)
    match, left = next(((m, side) for m, side in matches if m is not None), (None, False))
    if match is None:
        raise ValueError(
            f"equation must be of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...; "
            f"got {equation!r}."
        )
    source, weight, target = match.groups()
    inputs = _dims("input_shape", input_shape, scalar=False)
    elided = len(inputs) - len(source)
    if elided < 0 or (elided and form == equation):
        more = " or more" if form != equation else ""
        raise ValueError(
            f"input_shape must have {len(source)}{more} axes for equation {equation!r}; "
            f"got {tuple(inputs)}."
        )
    outputs = [inputs[0], *_dims("output_shape", output_shape, scalar=True)]
    if left:
        for i in range(1, elided):
            outputs.insert(1, inputs[i])
    else:
        outputs.extend(inputs[len(source) :])
    if len(outputs) != len(target) + elided:
        raise ValueError(
            f"output_shape must have {len(target) - (0 if left else 1)} axes for equation "
            f"{equation!r} (without the batch axis); got {output_shape!r}."
        )
    shift = elided if left else 0
    in_map = {dim: i + shift - len(inputs) if left else i for i, dim in enumerate(source)}
    out_map = {dim: i + shift for i, dim in enumerate(target)}
    for dim in source:
        if dim in out_map and outputs[out_map[dim]] not in (None, inputs[in_map[dim]]):
            raise ValueError(
                f"input_shape and output_shape disagree at shared dimension {dim!r} of equation "
                f"{equation!r}: {inputs[in_map[dim]]} and {outputs[out_map[dim]]}."
            )
    for dim in target:
        if dim not in source and dim not in weight:
            raise ValueError(
                f"equation {equation!r}: output dimension {dim!r} is in neither the input nor "
                "the weight spec."
            )
    kernel, input_axes, output_axes = _kernel(equation, weight, inputs, outputs, in_map, out_map)
    bias = None
    if bias_axes is not None:
        sizes = {dim: outputs[i + shift] for i, dim in enumerate(target)}
        bias = _bias(bias_axes, target, sizes, 0 if left else elided)
    return Einsum(kernel, bias, input_axes, output_axes)


def _kernel(
    equation: str, weight: str, inputs: list[int | None], outputs: list[int | None],
    in_map: dict[str, int], out_map: dict[str, int],
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:  # fmt: skip
    """The kernel's shape, input axes and output axes: an output dimension first, as Keras looks it up."""
    shape, input_axes, output_axes = [], [], []
    for i, dim in enumerate(weight):
        if dim in out_map:
            shape.append(_known("kernel", dim, outputs[out_map[dim]]))
            output_axes.append(i)
        elif dim in in_map:
            shape.append(_known("kernel", dim, inputs[in_map[dim]]))
            input_axes.append(i)
        else:
            raise ValueError(
                f"equation {equation!r}: weight dimension {dim!r} is in neither the input nor "
                "the output spec."
            )
    return tuple(shape), tuple(input_axes), tuple(output_axes)


def _bias(
    bias_axes: str, target: str, sizes: dict[str, int | None], trailing: int
) -> tuple[int, ...]:
    """The bias: from the first bias axis of the output on, its size on bias axes and 1 elsewhere."""
    if not bias_axes or any(dim not in target for dim in bias_axes):
        raise ValueError(
            f"bias_axes must be letters of the output spec {target!r}; got {bias_axes!r}."
        )
    first = min(target.find(dim) for dim in bias_axes)
    dims = [_known("bias", dim, sizes[dim]) if dim in bias_axes else 1 for dim in target[first:]]
    return (*dims, *([1] * trailing))


def projection(free_dims: int, bound_dims: int, output_dims: int) -> tuple[str, str]:
    """MultiHeadAttention's projection equation and bias axes (multi_head_attention.py:948-974).

    Examples
    --------
    >>> from weightinit.layers._einsum import projection
    >>> projection(2, 1, 2)
    ('abc,cde->abde', 'de')
    """
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims : free_dims + bound_dims]
    out = letters[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}", out
