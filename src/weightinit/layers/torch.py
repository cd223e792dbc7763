"""PyTorch's layer defaults: each ``torch.nn`` layer's parameters, named, shaped and drawn as its ``reset_parameters``.

Every function takes the layer's constructor arguments with PyTorch's names
and defaults, plus ``rng=``, ``dtype=`` and ``spec=``, and returns its
``state_dict`` entries: ``{name: array}``, or ``{name: ParamSpec}`` with
``spec=True``. Parameters PyTorch does not create (``bias=False``,
``affine=False``) are absent. Sources: torch 2.14, ``torch/nn/modules/``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_int, check_option, describe
from ..initializers import (
    kaiming_uniform,
    ones,
    torch_normal,
    torch_uniform,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from ..models import ZeroRow
from ._build import ParamSpec, flag, made, positive

__all__ = [
    "batch_norm", "bilinear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "embedding", "group_norm", "gru",
    "layer_norm", "linear", "lstm", "multihead_attention", "rnn",
]  # fmt: skip

#: Linear's and Conv's weight law: ``kaiming_uniform_(w, a=sqrt(5))``, i.e. U(±1/√fan_in).
_KAIMING = kaiming_uniform.partial(a=math.sqrt(5))


def _uniform(shape: tuple[int, ...], bound: float) -> ParamSpec:
    return ParamSpec(shape, torch_uniform.partial(a=-bound, b=bound))


def linear(
    in_features: int, out_features: int, bias: bool = True, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.Linear``: ``weight`` (out, in) U(±1/√in); ``bias`` (out,) U(±1/√in).

    torch/nn/modules/linear.py:117-128: ``kaiming_uniform_(weight,
    a=sqrt(5))`` (bound gain·√(3/fan_in) = 1/√fan_in) and the bias
    U(-1/√fan_in, 1/√fan_in), fan_in = in_features.

    Examples
    --------
    >>> from weightinit.layers import torch as tl
    >>> {k: v.shape for k, v in tl.linear(3, 2, rng=0).items()}
    {'weight': (2, 3), 'bias': (2,)}
    """
    n_in, n_out = positive("in_features", in_features), positive("out_features", out_features)
    specs = {"weight": ParamSpec((n_out, n_in), _KAIMING)}
    if flag("bias", bias):
        specs["bias"] = _uniform((n_out,), 1.0 / math.sqrt(n_in))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def bilinear(
    in1_features: int, in2_features: int, out_features: int, bias: bool = True, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.Bilinear``: ``weight`` (out, in1, in2) and ``bias`` (out,), both U(±1/√in1).

    torch/nn/modules/linear.py:230-241: ``bound = 1 / sqrt(weight.size(1))``.
    """
    n1, n2 = positive("in1_features", in1_features), positive("in2_features", in2_features)
    n_out = positive("out_features", out_features)
    bound = 1.0 / math.sqrt(n1)
    specs = {"weight": _uniform((n_out, n1, n2), bound)}
    if flag("bias", bias):
        specs["bias"] = _uniform((n_out,), bound)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _tuple(name: str, value: Any, n: int) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints (torch's ``_single``/``_pair``/``_triple``), each >= 1."""
    values = (
        tuple(value) if isinstance(value, Sequence) and not isinstance(value, str) else (value,) * n
    )
    if len(values) != n:
        raise ValueError(f"{name} must be an int or {n} ints; got {describe(name, value)}.")
    return tuple(positive(name, v) for v in values)


def _conv(
    n: int, transposed: bool, in_channels: Any, out_channels: Any, kernel_size: Any,
    stride: Any, padding: Any, groups: Any, bias: Any, padding_mode: Any,
    rng: Any, dtype: Any, spec: bool,
) -> dict[str, Any]:  # fmt: skip
    """torch/nn/modules/conv.py:_ConvNd.__init__ (104-176) and reset_parameters (182-201)."""
    c_in, c_out = positive("in_channels", in_channels), positive("out_channels", out_channels)
    kernel = _tuple("kernel_size", kernel_size, n)
    g = positive("groups", groups)
    if c_in % g:
        raise ValueError(
            f"in_channels must be divisible by groups; got in_channels={c_in}, groups={g}."
        )
    if c_out % g:
        raise ValueError(
            f"out_channels must be divisible by groups; got out_channels={c_out}, groups={g}."
        )
    if isinstance(padding, str):
        if transposed:
            raise ValueError(
                f"padding must be an int or a tuple of ints for a transposed convolution; got padding={padding!r}."
            )
        check_option("padding", padding, ("same", "valid"))
        if padding == "same" and any(s != 1 for s in _tuple("stride", stride, n)):
            raise ValueError(
                f"padding='same' is not supported for strided convolutions; got stride={stride!r}."
            )
    check_option(
        "padding_mode",
        padding_mode,
        ("zeros",) if transposed else ("zeros", "reflect", "replicate", "circular"),
    )
    # conv.py:162-172: (in, out/groups, *k) transposed, else (out, in/groups, *k); torch's
    # fan_in is size(1)·∏k of that shape (init.py:465-473), which the PyTorch layout reads.
    shape = (c_in, c_out // g, *kernel) if transposed else (c_out, c_in // g, *kernel)
    specs = {"weight": ParamSpec(shape, _KAIMING)}
    if flag("bias", bias):
        specs["bias"] = _uniform((c_out,), 1.0 / math.sqrt(shape[1] * math.prod(kernel)))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _conv_doc(n: int, transposed: bool) -> str:
    name = f"ConvTranspose{n}d" if transposed else f"Conv{n}d"
    shape = "(in, out/groups, *kernel)" if transposed else "(out, in/groups, *kernel)"
    fan = "out_channels/groups" if transposed else "in_channels/groups"
    return (
        f"``torch.nn.{name}``: ``weight`` {shape} and ``bias`` (out,), both U(±1/√fan_in).\n\n"
        f"    fan_in = {fan} · ∏kernel_size: torch's fan_in of the weight's shape\n"
        "    (torch/nn/init.py:465-474), for ``kaiming_uniform_(a=sqrt(5))`` and the bias\n"
        "    bound alike (torch/nn/modules/conv.py:182-201).\n"
    )


def _convolution(n: int) -> Any:
    """``torch.nn.Conv{n}d``'s signature (conv.py), over :func:`_conv`."""

    def conv(
        in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
        dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros", *,
        rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        given = (in_channels, out_channels, kernel_size, stride, padding, groups, bias)
        return _conv(n, False, *given, padding_mode, rng, dtype, spec)

    conv.__name__ = conv.__qualname__ = f"conv{n}d"
    conv.__doc__ = _conv_doc(n, False)
    return conv


def _transposed(n: int) -> Any:
    """``torch.nn.ConvTranspose{n}d``'s signature (conv.py), over :func:`_conv`."""

    def conv_transpose(
        in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
        output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
        padding_mode: str = "zeros", *, rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        given = (in_channels, out_channels, kernel_size, stride, padding, groups, bias)
        return _conv(n, True, *given, padding_mode, rng, dtype, spec)

    conv_transpose.__name__ = conv_transpose.__qualname__ = f"conv_transpose{n}d"
    conv_transpose.__doc__ = _conv_doc(n, True)
    return conv_transpose


conv1d, conv2d, conv3d = _convolution(1), _convolution(2), _convolution(3)
conv_transpose1d, conv_transpose2d, conv_transpose3d = (
    _transposed(1),
    _transposed(2),
    _transposed(3),
)


def embedding(
    num_embeddings: int, embedding_dim: int, padding_idx: int | None = None, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.Embedding``: ``weight`` (num_embeddings, embedding_dim) N(0, 1), row ``padding_idx`` zero.

    torch/nn/modules/sparse.py:152-160 (a negative ``padding_idx`` counts from
    the end) and 179-186 (``normal_`` then the padding row filled with 0).
    """
    rows, dim = (
        positive("num_embeddings", num_embeddings),
        positive("embedding_dim", embedding_dim),
    )
    init: Any = torch_normal
    if padding_idx is not None:
        index = check_int("padding_idx", padding_idx)
        if not -rows <= index < rows:
            raise ValueError(
                f"padding_idx must be within num_embeddings ({-rows} <= padding_idx < {rows}); "
                f"got padding_idx={index}."
            )
        init = ZeroRow(torch_normal, index)
    return made({"weight": ParamSpec((rows, dim), init)}, rng=rng, dtype=dtype, spec=spec)


def _recurrent(
    gates: int, input_size: Any, hidden_size: Any, num_layers: Any, bias: Any,
    dropout: Any, bidirectional: Any, proj_size: Any, rng: Any, dtype: Any, spec: bool,
) -> dict[str, Any]:  # fmt: skip
    """torch/nn/modules/rnn.py:RNNBase.__init__ (98-212) and reset_parameters (308-311)."""
    n_in, hidden = positive("input_size", input_size), positive("hidden_size", hidden_size)
    layers = positive("num_layers", num_layers)
    if (
        isinstance(dropout, (bool, np.bool_))
        or not isinstance(dropout, (int, float))
        or not 0 <= dropout <= 1
    ):
        raise ValueError(f"dropout must be a number in [0, 1]; got {describe('dropout', dropout)}.")
    proj = check_int("proj_size", proj_size, minimum=0)
    if proj >= hidden:
        raise ValueError(
            f"proj_size must be smaller than hidden_size ({hidden}); got proj_size={proj}."
        )
    with_bias, directions = flag("bias", bias), 2 if flag("bidirectional", bidirectional) else 1
    real_hidden = proj or hidden
    stdv = 1.0 / math.sqrt(hidden)  # rnn.py:309, every parameter U(-stdv, stdv)
    specs: dict[str, ParamSpec] = {}
    for layer in range(layers):
        layer_in = n_in if layer == 0 else real_hidden * directions
        for direction in range(directions):
            tail = f"_l{layer}{'_reverse' if direction else ''}"
            specs["weight_ih" + tail] = _uniform((gates * hidden, layer_in), stdv)
            specs["weight_hh" + tail] = _uniform((gates * hidden, real_hidden), stdv)
            if with_bias:
                specs["bias_ih" + tail] = _uniform((gates * hidden,), stdv)
                specs["bias_hh" + tail] = _uniform((gates * hidden,), stdv)
            if proj:
                specs["weight_hr" + tail] = _uniform((proj, hidden), stdv)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def rnn(
    input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
    bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.RNN``: per layer and direction ``weight_ih_l{k}`` (hidden, in), ``weight_hh_l{k}``.

    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (hidden,); ``_reverse`` for the second
    direction; every one U(±1/√hidden_size) (torch/nn/modules/rnn.py:308-311;
    nonlinearity checked as rnn.py:647-653).
    """
    check_option("nonlinearity", nonlinearity, ("tanh", "relu"))
    given = (input_size, hidden_size, num_layers, bias, dropout, bidirectional, 0)
    return _recurrent(1, *given, rng, dtype, spec)


def lstm(
    input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
    batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.LSTM``: as :func:`rnn` with 4·hidden rows, and ``weight_hr_l{k}`` (proj, hidden) if proj_size.

    With ``proj_size > 0`` the recurrent input is the projection:
    ``weight_hh_l{k}`` is (4·hidden, proj) and a later layer's input
    proj·directions (torch/nn/modules/rnn.py:166-205). Every one U(±1/√hidden_size).
    """
    given = (input_size, hidden_size, num_layers, bias, dropout, bidirectional, proj_size)
    return _recurrent(4, *given, rng, dtype, spec)


def gru(
    input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
    batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.GRU``: as :func:`rnn` with 3·hidden rows; every one U(±1/√hidden_size)."""
    given = (input_size, hidden_size, num_layers, bias, dropout, bidirectional, 0)
    return _recurrent(3, *given, rng, dtype, spec)


def multihead_attention(
    embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
    add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
    vdim: int | None = None, batch_first: bool = False, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.MultiheadAttention``: its state_dict, as torch/nn/modules/activation.py:1170-1247 makes it.

    ``in_proj_weight`` (3E, E) xavier_uniform_ as one matrix, U(±√(6/(4E)));
    or, when kdim or vdim differ from E, ``q_proj_weight`` (E, E),
    ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim), each
    xavier_uniform_. ``in_proj_bias`` (3E,) and ``out_proj.bias`` (E,) zero;
    ``bias_k``, ``bias_v`` (1, 1, E) xavier_normal_, N(0, 1/E);
    ``out_proj.weight`` (E, E) Linear's U(±1/√E).
    """
    e, heads = (
        check_int("embed_dim", embed_dim, minimum=1),
        check_int("num_heads", num_heads, minimum=1),
    )
    if e % heads:
        raise ValueError(
            f"embed_dim must be divisible by num_heads; got embed_dim={e}, num_heads={heads}."
        )
    k = e if kdim is None else positive("kdim", kdim)
    v = e if vdim is None else positive("vdim", vdim)
    with_bias = flag("bias", bias)
    specs: dict[str, ParamSpec] = {}
    if k == e and v == e:
        specs["in_proj_weight"] = ParamSpec((3 * e, e), xavier_uniform)
    else:
        for name, width in (("q", e), ("k", k), ("v", v)):
            specs[f"{name}_proj_weight"] = ParamSpec((e, width), xavier_uniform)
    if with_bias:
        specs["in_proj_bias"] = ParamSpec((3 * e,), zeros)
    if flag("add_bias_kv", add_bias_kv):
        specs["bias_k"] = ParamSpec((1, 1, e), xavier_normal)
        specs["bias_v"] = ParamSpec((1, 1, e), xavier_normal)
    specs["out_proj.weight"] = ParamSpec((e, e), _KAIMING)
    if with_bias:
        specs["out_proj.bias"] = ParamSpec((e,), zeros)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _affine(shape: tuple[int, ...], weight: bool, bias: bool) -> dict[str, ParamSpec]:
    """``weight`` ones, ``bias`` zeros (normalization.py:221-225, batchnorm.py:99-104)."""
    specs = {"weight": ParamSpec(shape, ones)} if weight else {}
    if weight and bias:
        specs["bias"] = ParamSpec(shape, zeros)
    return specs


def layer_norm(
    normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.LayerNorm``: ``weight`` ones and ``bias`` zeros of ``normalized_shape`` (normalization.py:199-225)."""
    if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    if not isinstance(normalized_shape, Sequence) or isinstance(normalized_shape, str):
        raise TypeError(
            f"normalized_shape must be an int or a sequence of ints; got {describe('normalized_shape', normalized_shape)}."
        )
    shape = tuple(positive("normalized_shape", d) for d in normalized_shape)
    specs = _affine(shape, flag("elementwise_affine", elementwise_affine), flag("bias", bias))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def batch_norm(
    num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
    track_running_stats: bool = True, *, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.BatchNorm1d/2d/3d``: ``weight`` ones, ``bias`` zeros, and the running-stat buffers.

    With ``track_running_stats`` the state_dict also holds ``running_mean``
    zeros, ``running_var`` ones (num_features,) and ``num_batches_tracked``,
    an int64 scalar 0, whatever ``dtype`` (torch/nn/modules/batchnorm.py:52-104).
    """
    n = positive("num_features", num_features)
    specs = _affine((n,), flag("affine", affine), True)
    if flag("track_running_stats", track_running_stats):
        specs["running_mean"] = ParamSpec((n,), zeros)
        specs["running_var"] = ParamSpec((n,), ones)
        specs["num_batches_tracked"] = ParamSpec((), zeros.partial(dtype="int64"))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def group_norm(
    num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, *,
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``torch.nn.GroupNorm``: ``weight`` ones and ``bias`` zeros (num_channels,) (normalization.py:305-331)."""
    groups, channels = positive("num_groups", num_groups), positive("num_channels", num_channels)
    if channels % groups:
        raise ValueError(
            f"num_channels must be divisible by num_groups; got num_channels={channels}, num_groups={groups}."
        )
    specs = _affine((channels,), flag("affine", affine), True)
    return made(specs, rng=rng, dtype=dtype, spec=spec)
