"""Haiku's layer defaults: each ``hk`` module's parameters, named, shaped and drawn as its default initializers.

Haiku infers input sizes at call time, so ``input_size=`` / ``input_channels=``
are keyword arguments here. ``w_init`` / ``b_init`` take anything
:func:`weightinit.get` resolves. Sources: dm-haiku 0.0.17, ``haiku/_src/``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._validation import describe
from ..initializers import haiku_truncated_normal, zeros
from ._build import ParamSpec, made, positive, resolved

__all__ = ["conv2d", "embed", "linear"]


def linear(
    output_size: int, *, input_size: int, with_bias: bool = True, w_init: Any = None,
    b_init: Any = None, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``hk.Linear``: ``w`` (input_size, output_size) TruncatedNormal(1/√input_size), ``b`` zeros.

    haiku/_src/basic.py:157 (``b_init or jnp.zeros``), 174-183 (default
    ``TruncatedNormal(stddev=1/sqrt(input_size))``: N(0, σ²) cut at ±2σ).

    Examples
    --------
    >>> from weightinit.layers import haiku as hl
    >>> {k: v.shape for k, v in hl.linear(2, input_size=3, rng=0).items()}
    {'w': (3, 2), 'b': (2,)}
    """
    n_out, n_in = positive("output_size", output_size), positive("input_size", input_size)
    w = resolved("w_init", w_init, haiku_truncated_normal.partial(stddev=1.0 / math.sqrt(n_in)))
    specs = {"w": ParamSpec((n_in, n_out), w)}
    if with_bias:
        specs["b"] = ParamSpec((n_out,), resolved("b_init", b_init, zeros))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _channel_index(data_format: Any) -> int:
    """haiku/_src/utils.py:get_channel_index for a 2-D convolution's formats: -1 or 1."""
    if data_format in ("NHWC", "channels_last"):
        return -1
    if data_format in ("NCHW", "channels_first"):
        return 1
    raise ValueError(
        "data_format must be one of 'NHWC', 'NCHW', 'channels_last', 'channels_first'; got "
        f"{describe('data_format', data_format)}."
    )


def conv2d(
    output_channels: int, kernel_shape: Any, stride: Any = 1, rate: Any = 1, padding: Any = "SAME",
    with_bias: bool = True, w_init: Any = None, b_init: Any = None, data_format: str = "NHWC",
    mask: Any = None, feature_group_count: int = 1, *, input_channels: int,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``hk.Conv2D``: ``w`` kernel + (input_channels/groups, output_channels), ``b`` zeros.

    haiku/_src/conv.py:191-208: ``w`` TruncatedNormal(1/√fan_in), fan_in =
    ∏kernel · input_channels/feature_group_count (``prod(w_shape[:-1])``);
    conv.py:222-228: ``b`` (output_channels,), or (output_channels, 1, 1)
    channels first.
    """
    n_out, c_in = (
        positive("output_channels", output_channels),
        positive("input_channels", input_channels),
    )
    if isinstance(kernel_shape, Sequence) and not isinstance(kernel_shape, str):
        kernel = tuple(positive("kernel_shape", k) for k in kernel_shape)
    else:
        kernel = (positive("kernel_shape", kernel_shape),) * 2
    if len(kernel) != 2:
        raise ValueError(
            f"kernel_shape must be an int or 2 ints; got {describe('kernel_shape', kernel_shape)}."
        )
    groups = positive("feature_group_count", feature_group_count)
    if c_in % groups:
        raise ValueError(
            f"input_channels must be a multiple of feature_group_count; got input_channels={c_in}, "
            f"feature_group_count={groups}."
        )
    channel_index = _channel_index(data_format)
    w_shape = (*kernel, c_in // groups, n_out)
    default = haiku_truncated_normal.partial(stddev=1.0 / math.sqrt(math.prod(w_shape[:-1])))
    specs = {"w": ParamSpec(w_shape, resolved("w_init", w_init, default))}
    if with_bias:
        b_shape = (n_out,) if channel_index == -1 else (n_out, 1, 1)
        specs["b"] = ParamSpec(b_shape, resolved("b_init", b_init, zeros))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def embed(
    vocab_size: int, embed_dim: int, *, w_init: Any = None, lookup_style: str = "ARRAY_INDEX",
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``hk.Embed``: ``embeddings`` (vocab_size, embed_dim) TruncatedNormal(stddev=1), cut at ±2.

    haiku/_src/embed.py:134 (``w_init or hk.initializers.TruncatedNormal()``)
    and 136-139 (the parameter ``embeddings``).
    """
    rows, dim = positive("vocab_size", vocab_size), positive("embed_dim", embed_dim)
    init = resolved("w_init", w_init, haiku_truncated_normal)
    return made({"embeddings": ParamSpec((rows, dim), init)}, rng=rng, dtype=dtype, spec=spec)
