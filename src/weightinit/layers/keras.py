"""Keras' layer defaults: each layer's weights, named, shaped and drawn as its build() draws them.

Keras infers input sizes at build time, so ``input_dim=`` / ``input_channels=``
/ ``input_features=`` are keyword arguments here. Each ``*_initializer``
argument takes anything :func:`weightinit.get` resolves — a Keras name, a
Keras config dict, an :class:`~weightinit.Initializer` — so a layer config's
initializers apply to the shapes Keras gives them. Sources: keras 3.15.1,
``keras/src/layers/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_shape, describe
from ..packed import packed
from ..registry import get
from ._build import ParamSpec, flag, made, positive, resolved
from ._einsum import Einsum, analyzed, projection

__all__ = [
    "ForgetBias",
    "batch_normalization",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "dense",
    "depthwise_conv1d",
    "depthwise_conv2d",
    "einsum_dense",
    "embedding",
    "gru",
    "layer_normalization",
    "lstm",
    "multi_head_attention",
    "separable_conv1d",
    "separable_conv2d",
    "simple_rnn",
]


class ForgetBias:
    """An LSTM bias with its forget gate's quarter set to 1 (Keras' ``unit_forget_bias``).

    keras/src/layers/rnn/lstm.py:165-181: ``concatenate([bias_initializer((u,)),
    ones((u,)), bias_initializer((2u,))])``. Here the parts are those of
    ``packed(bias_initializer, (u, u, 2u), axis=0)`` (each its own tensor and
    seed) with the second set to 1.
    """

    def __init__(self, init: Any) -> None:
        self.init = init

    def _parts(self, shape: Any) -> Any:
        dims = check_shape(shape)
        if len(dims) != 1 or dims[0] % 4:
            raise ValueError(
                f"an LSTM bias with a forget gate must have shape (4 * units,); got shape={dims!r}."
            )
        units = dims[0] // 4
        return packed(self.init, (units, units, 2 * units), axis=0)

    def check(self, shape: Any, dtype: Any = None) -> None:
        """Every check a call makes before it draws: the shape (4u,), the parts' laws, the dtype."""
        self._parts(shape).check(shape, dtype)

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> Any:
        """The bias of ``shape`` ``(4u,)``."""
        parts = self._parts(shape)  # checks shape: (4u,)
        units = check_shape(shape)[0] // 4
        values = parts(shape, rng=rng, dtype=dtype)
        values[units : 2 * units] = 1
        return values


def _bias(filters: int, use_bias: bool, bias_initializer: Any) -> dict[str, ParamSpec]:
    """A layer's ``bias`` (filters,), Keras' zeros by default, if ``use_bias``."""
    if not flag("use_bias", use_bias):
        return {}
    return {
        "bias": ParamSpec((filters,), resolved("bias_initializer", bias_initializer, get("zeros")))
    }


def dense(
    units: int, *, input_dim: int, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros", rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.Dense``: ``kernel`` (input_dim, units) glorot_uniform, ``bias`` (units,) zeros.

    keras/src/layers/core/dense.py (``__init__`` defaults; ``build``: ``kernel``
    of shape ``(input_dim, units)``, then ``bias`` ``(units,)``).

    Examples
    --------
    >>> from weightinit.layers import keras as kl
    >>> {k: v.shape for k, v in kl.dense(4, input_dim=3, rng=0).items()}
    {'kernel': (3, 4), 'bias': (4,)}
    """
    n_out, n_in = positive("units", units), positive("input_dim", input_dim)
    specs = {
        "kernel": ParamSpec(
            (n_in, n_out), resolved("kernel_initializer", kernel_initializer, get("glorot_uniform"))
        )
    }
    specs.update(_bias(n_out, use_bias, bias_initializer))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _sizes(name: str, value: Any, rank: int) -> tuple[int, ...]:
    """Keras' ``kernel_size``: an int (the same for every axis) or ``rank`` ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (positive(name, value),) * rank
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == rank:
        return tuple(positive(f"{name}[{i}]", k) for i, k in enumerate(value))
    raise TypeError(
        f"{name} must be an int or a sequence of {rank} ints; got {describe(name, value)}."
    )


def _named(function: Any, name: str, doc: str) -> Any:
    """A layer function made by a factory, under its Keras-style name and with its docstring."""
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _conv(
    rank: int, filters: int, kernel_size: Any, input_channels: int, groups: int, use_bias: bool,
    kernel_initializer: Any, bias_initializer: Any, rng: Any, dtype: Any, spec: bool,
) -> dict[str, Any]:  # fmt: skip
    n_out, n_in = positive("filters", filters), positive("input_channels", input_channels)
    count = positive("groups", groups)
    if n_in % count or n_out % count:
        raise ValueError(
            "input_channels and filters must be divisible by groups; got "
            f"input_channels={n_in}, filters={n_out}, groups={count}."
        )
    shape = (*_sizes("kernel_size", kernel_size, rank), n_in // count, n_out)
    specs = {
        "kernel": ParamSpec(
            shape, resolved("kernel_initializer", kernel_initializer, get("glorot_uniform"))
        )
    }
    specs.update(_bias(n_out, use_bias, bias_initializer))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _convolution(rank: int) -> Any:
    def conv(
        filters: int, kernel_size: Any, *, input_channels: int, groups: int = 1,
        use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros", rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        return _conv(
            rank, filters, kernel_size, input_channels, groups, use_bias,
            kernel_initializer, bias_initializer, rng, dtype, spec,
        )  # fmt: skip

    return _named(
        conv,
        f"conv{rank}d",
        f"``keras.layers.Conv{rank}D``: ``kernel`` (*kernel_size, input_channels/groups, "
        "filters) glorot_uniform, ``bias`` (filters,) zeros.\n\n"
        "    keras/src/layers/convolutional/base_conv.py:193-196 (``kernel_shape =\n"
        "    kernel_size + (input_channel // groups, filters)``); glorot's fans are\n"
        "    Keras' (the receptive field times the last two axes).\n",
    )


conv1d = _convolution(1)
conv2d = _convolution(2)
conv3d = _convolution(3)


def _depthwise(
    rank: int, kernel_size: Any, input_channels: int, depth_multiplier: int, initializer: Any,
    name: str = "depthwise_initializer",
) -> ParamSpec:  # fmt: skip
    """A depthwise kernel (*kernel_size, input_channels, depth_multiplier) (base_depthwise_conv.py:161-164)."""
    shape = (
        *_sizes("kernel_size", kernel_size, rank),
        positive("input_channels", input_channels),
        positive("depth_multiplier", depth_multiplier),
    )
    return ParamSpec(shape, resolved(name, initializer, get("glorot_uniform")))


def _depthwise_convolution(rank: int) -> Any:
    def depthwise_conv(
        kernel_size: Any, *, input_channels: int, depth_multiplier: int = 1, use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        kernel = _depthwise(
            rank, kernel_size, input_channels, depth_multiplier, depthwise_initializer
        )
        specs = {
            "kernel": kernel,
            **_bias(kernel.shape[-1] * kernel.shape[-2], use_bias, bias_initializer),
        }
        return made(specs, rng=rng, dtype=dtype, spec=spec)

    return _named(
        depthwise_conv,
        f"depthwise_conv{rank}d",
        f"``keras.layers.DepthwiseConv{rank}D``: ``kernel`` (*kernel_size, input_channels, "
        "depth_multiplier) glorot_uniform, ``bias`` (depth_multiplier·input_channels,) zeros.\n\n"
        "    keras/src/layers/convolutional/base_depthwise_conv.py:94-95 (defaults),\n"
        "    161-180 (shapes). glorot's fans are Keras' for that shape: the receptive\n"
        "    field times input_channels and times depth_multiplier.\n",
    )


def _separable_convolution(rank: int) -> Any:
    def separable_conv(
        filters: int, kernel_size: Any, *, input_channels: int, depth_multiplier: int = 1,
        use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        n_out = positive("filters", filters)
        depthwise = _depthwise(
            rank, kernel_size, input_channels, depth_multiplier, depthwise_initializer
        )
        pointwise = (*(1,) * rank, depthwise.shape[-1] * depthwise.shape[-2], n_out)
        specs = {
            "depthwise_kernel": depthwise,
            "pointwise_kernel": ParamSpec(
                pointwise,
                resolved("pointwise_initializer", pointwise_initializer, get("glorot_uniform")),
            ),
            **_bias(n_out, use_bias, bias_initializer),
        }
        return made(specs, rng=rng, dtype=dtype, spec=spec)

    return _named(
        separable_conv,
        f"separable_conv{rank}d",
        f"``keras.layers.SeparableConv{rank}D``: ``depthwise_kernel`` (*kernel_size, "
        "input_channels, depth_multiplier), ``pointwise_kernel`` (1, …, "
        "depth_multiplier·input_channels, filters), both glorot_uniform, ``bias`` "
        "(filters,) zeros.\n\n"
        "    keras/src/layers/convolutional/base_separable_conv.py:89-91 (defaults),\n"
        "    169-206 (shapes, in this order).\n",
    )


def _transposed_convolution(rank: int) -> Any:
    def conv_transpose(
        filters: int, kernel_size: Any, *, input_channels: int, use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
        rng: Any = None, dtype: Any = None, spec: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        n_out, n_in = positive("filters", filters), positive("input_channels", input_channels)
        shape = (*_sizes("kernel_size", kernel_size, rank), n_out, n_in)
        init = resolved("kernel_initializer", kernel_initializer, get("glorot_uniform"))
        specs = {"kernel": ParamSpec(shape, init), **_bias(n_out, use_bias, bias_initializer)}
        return made(specs, rng=rng, dtype=dtype, spec=spec)

    return _named(
        conv_transpose,
        f"conv{rank}d_transpose",
        f"``keras.layers.Conv{rank}DTranspose``: ``kernel`` (*kernel_size, filters, "
        "input_channels) glorot_uniform, ``bias`` (filters,) zeros.\n\n"
        "    keras/src/layers/convolutional/base_conv_transpose.py:83-84 (defaults),\n"
        "    188-206 (``kernel_shape = kernel_size + (filters, input_channel)``).\n"
        "    glorot reads the last two axes as Keras does, (…, in, out) =\n"
        "    (filters, input_channels): fan_in is ∏kernel_size·filters.\n",
    )


depthwise_conv1d = _depthwise_convolution(1)
depthwise_conv2d = _depthwise_convolution(2)
separable_conv1d = _separable_convolution(1)
separable_conv2d = _separable_convolution(2)
conv1d_transpose = _transposed_convolution(1)
conv2d_transpose = _transposed_convolution(2)
conv3d_transpose = _transposed_convolution(3)


def _kernel_axes(init: Any, weights: Einsum) -> Any:
    """EinsumDense's kernel initializer: a VarianceScaling one gets the equation's axes unless it has both.

    keras/src/layers/core/einsum_dense.py:165-178 and 190-196: an initializer
    of Keras' VarianceScaling family (glorot, he, lecun, VarianceScaling)
    lacking ``input_axes`` or ``output_axes`` takes both from the equation.
    """
    keras_args = getattr(getattr(init, "info", None), "keras_args", ())
    config = init.get_config() if "input_axes" in keras_args else {}
    if "input_axes" not in keras_args or None not in (
        config.get("input_axes"),
        config.get("output_axes"),
    ):
        return init
    return init.partial(input_axes=list(weights.input_axes), output_axes=list(weights.output_axes))


def _einsum(
    equation: Any, output_shape: Any, input_shape: Any, bias_axes: Any, kernel_initializer: Any,
    bias_initializer: Any,
) -> dict[str, ParamSpec]:  # fmt: skip
    """An EinsumDense's ``kernel`` and (with ``bias_axes``) ``bias`` specs."""
    weights = analyzed(equation, bias_axes, input_shape, output_shape)
    init = resolved("kernel_initializer", kernel_initializer, get("glorot_uniform"))
    specs = {"kernel": ParamSpec(weights.kernel_shape, _kernel_axes(init, weights))}
    if weights.bias_shape is not None:
        specs["bias"] = ParamSpec(
            weights.bias_shape, resolved("bias_initializer", bias_initializer, get("zeros"))
        )
    return specs


def einsum_dense(
    equation: str, output_shape: Any, *, input_shape: Any, bias_axes: str | None = None,
    kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros", rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.EinsumDense``: ``kernel`` from the equation, glorot_uniform with the equation's fans; ``bias`` zeros.

    keras/src/layers/core/einsum_dense.py:180-228: the shapes from the
    equation (``_analyze_einsum_string``, 1614-1813; here
    :func:`weightinit.layers._einsum.analyzed`) for ``input_shape``, the
    input's full shape as ``build`` receives it (batch axis first, None where
    unknown). A VarianceScaling-family kernel initializer reads fan_in from
    the kernel's input axes and fan_out from its output axes (Keras'
    ``input_axes``/``output_axes``), unless it has both set already.

    Examples
    --------
    >>> from weightinit.layers import keras as kl
    >>> specs = kl.einsum_dense("abc,cde->abde", (None, 4, 8), input_shape=(None, 7, 16),
    ...                         bias_axes="de", spec=True)
    >>> {k: v.shape for k, v in specs.items()}
    {'kernel': (16, 4, 8), 'bias': (4, 8)}
    >>> round(specs["kernel"].init.distribution(shape=(16, 4, 8)).support[1] ** 2, 12)  # 6/(16+32)
    0.125
    """
    specs = _einsum(
        equation, output_shape, input_shape, bias_axes, kernel_initializer, bias_initializer
    )
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _attention_output(output_shape: Any, query_features: int) -> tuple[int, ...]:
    """MultiHeadAttention's ``output_shape``: the query's feature size when falsy (multi_head_attention.py:163-174, 413-416)."""
    if output_shape is None or (
        isinstance(output_shape, (int, np.integer, tuple, list))
        and not isinstance(output_shape, bool)
        and not output_shape
    ):  # Keras: ``if output_shape:``, so 0 and () mean the default too
        return (query_features,)
    if isinstance(output_shape, (int, np.integer)) and not isinstance(output_shape, bool):
        return (positive("output_shape", output_shape),)
    if isinstance(output_shape, (tuple, list)):
        return tuple(positive(f"output_shape[{i}]", n) for i, n in enumerate(output_shape))
    raise TypeError(
        f"output_shape must be None, an int or a tuple of ints; got {describe('output_shape', output_shape)}."
    )


def multi_head_attention(
    num_heads: int, key_dim: int, *, query_features: int, value_features: int | None = None,
    key_features: int | None = None, value_dim: int | None = None, use_bias: bool = True,
    output_shape: Any = None, use_gate: bool = False, kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros", rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.MultiHeadAttention``: ``query``, ``key``, (``gate``), ``value``, ``attention_output``, each EinsumDense.

    keras/src/layers/attention/multi_head_attention.py:266-362: the
    projections' equations (``_build_proj_equation``, 948-974) for the input
    feature sizes (``value_features`` defaults to ``query_features``,
    ``key_features`` to ``value_features``, as ``build`` does): ``query``
    kernel (query_features, num_heads, key_dim), bias (num_heads, key_dim);
    ``key`` and ``value`` (value_dim, default key_dim) likewise; ``gate``
    (``use_gate``) like ``value`` from the query; ``attention_output`` kernel
    (num_heads, value_dim, *output_shape), bias (output_shape,), output_shape
    the query's feature size by default. glorot_uniform's fans are the
    einsum's: for ``query`` fan_in = query_features, fan_out =
    num_heads·key_dim; for the output fan_in = num_heads·value_dim.

    Examples
    --------
    >>> from weightinit.layers import keras as kl
    >>> params = kl.multi_head_attention(2, 4, query_features=8, rng=0)
    >>> {k: v["kernel"].shape for k, v in params.items()}
    {'query': (8, 2, 4), 'key': (8, 2, 4), 'value': (8, 2, 4), 'attention_output': (2, 4, 8)}
    """
    heads, size = positive("num_heads", num_heads), positive("key_dim", key_dim)
    width = positive("query_features", query_features)
    value_width = width if value_features is None else positive("value_features", value_features)
    key_width = value_width if key_features is None else positive("key_features", key_features)
    value_size = size if value_dim is None else positive("value_dim", value_dim)
    bias = flag("use_bias", use_bias)
    inits = (kernel_initializer, bias_initializer)
    equation, bias_axes = projection(2, 1, 2)
    projections = [("query", width, size), ("key", key_width, size)]
    if flag("use_gate", use_gate):
        projections.append(("gate", width, value_size))
    projections.append(("value", value_width, value_size))
    specs: dict[str, Any] = {
        name: _einsum(
            equation, (None, heads, dim), (None, None, n), bias_axes if bias else None, *inits
        )
        for name, n, dim in projections
    }
    out = _attention_output(output_shape, width)
    equation, bias_axes = projection(2, 2, len(out))
    specs["attention_output"] = _einsum(
        equation, (None, *out), (None, None, heads, value_size), bias_axes if bias else None, *inits
    )
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def embedding(
    input_dim: int, output_dim: int, *, embeddings_initializer: Any = "uniform", rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.Embedding``: ``embeddings`` (input_dim, output_dim), Keras' ``'uniform'``: U(-0.05, 0.05).

    keras/src/layers/core/embedding.py:91 (``embeddings_initializer="uniform"``)
    and 157-160 (``embeddings`` of shape ``(input_dim, output_dim)``).

    Examples
    --------
    >>> from weightinit.layers import keras as kl
    >>> kl.embedding(10, 4, spec=True)["embeddings"].init.distribution(shape=(10, 4)).support
    (-0.05, 0.05)
    """
    rows, width = positive("input_dim", input_dim), positive("output_dim", output_dim)
    init = resolved("embeddings_initializer", embeddings_initializer, get("uniform"))
    return made({"embeddings": ParamSpec((rows, width), init)}, rng=rng, dtype=dtype, spec=spec)


def _recurrent(
    gates: int, units: int, input_dim: int, use_bias: bool, initializers: tuple[Any, Any, Any],
    bias_shape: tuple[int, ...], bias_init: Any = None,
) -> dict[str, ParamSpec]:  # fmt: skip
    """A recurrent cell's ``kernel`` (input_dim, gates·units), ``recurrent_kernel`` (units, gates·units), ``bias``."""
    kernel, recurrent, bias = initializers
    specs = {
        "kernel": ParamSpec(
            (input_dim, gates * units),
            resolved("kernel_initializer", kernel, get("glorot_uniform")),
        ),
        "recurrent_kernel": ParamSpec(
            (units, gates * units), resolved("recurrent_initializer", recurrent, get("orthogonal"))
        ),
    }
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec(
            bias_shape, bias_init or resolved("bias_initializer", bias, get("zeros"))
        )
    return specs


def simple_rnn(
    units: int, *, input_dim: int, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
    recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros", rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.SimpleRNN``: ``kernel`` (input_dim, units), ``recurrent_kernel`` (units, units), ``bias`` (units,).

    keras/src/layers/rnn/simple_rnn.py (``SimpleRNNCell``: glorot_uniform,
    Keras' orthogonal on the whole recurrent kernel, zeros).
    """
    n, n_in = positive("units", units), positive("input_dim", input_dim)
    inits = (kernel_initializer, recurrent_initializer, bias_initializer)
    return made(_recurrent(1, n, n_in, use_bias, inits, (n,)), rng=rng, dtype=dtype, spec=spec)


def lstm(
    units: int, *, input_dim: int, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
    recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
    unit_forget_bias: bool = True, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.LSTM``: ``kernel`` (input_dim, 4u), ``recurrent_kernel`` (u, 4u), ``bias`` (4u,).

    keras/src/layers/rnn/lstm.py:147-191: glorot_uniform on the whole kernel,
    Keras' orthogonal on the whole (u, 4u) recurrent kernel (one matrix, as
    Keras draws it: ``wi.packed`` gives one per gate), and with
    ``unit_forget_bias`` the bias ``[b(u), 1(u), b(2u)]`` (:class:`ForgetBias`).
    """
    n, n_in = positive("units", units), positive("input_dim", input_dim)
    bias = resolved("bias_initializer", bias_initializer, get("zeros"))
    forget = ForgetBias(bias) if flag("unit_forget_bias", unit_forget_bias) else None
    inits = (kernel_initializer, recurrent_initializer, bias)
    specs = _recurrent(4, n, n_in, use_bias, inits, (4 * n,), forget)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def gru(
    units: int, *, input_dim: int, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
    recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
    reset_after: bool = True, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.GRU``: ``kernel`` (input_dim, 3u), ``recurrent_kernel`` (u, 3u), ``bias`` (2, 3u) or (3u,).

    keras/src/layers/rnn/gru.py:164-173: the bias is ``(2, 3 * units)`` with
    ``reset_after`` (the default), ``(3 * units,)`` without.
    """
    n, n_in = positive("units", units), positive("input_dim", input_dim)
    shape = (2, 3 * n) if flag("reset_after", reset_after) else (3 * n,)
    inits = (kernel_initializer, recurrent_initializer, bias_initializer)
    return made(_recurrent(3, n, n_in, use_bias, inits, shape), rng=rng, dtype=dtype, spec=spec)


def _scale_and_center(
    n: int, scale: bool, center: bool, gamma_initializer: Any, beta_initializer: Any
) -> dict[str, ParamSpec]:
    """A normalization layer's ``gamma`` (if ``scale``) then ``beta`` (if ``center``), of shape (n,)."""
    specs = {}
    if flag("scale", scale):
        specs["gamma"] = ParamSpec(
            (n,), resolved("gamma_initializer", gamma_initializer, get("ones"))
        )
    if flag("center", center):
        specs["beta"] = ParamSpec(
            (n,), resolved("beta_initializer", beta_initializer, get("zeros"))
        )
    return specs


def layer_normalization(
    *, input_features: int, center: bool = True, scale: bool = True,
    beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.LayerNormalization`` (``axis=-1``): ``gamma`` ones then ``beta`` zeros, (input_features,).

    keras/src/layers/normalization/layer_normalization.py (``build``: ``gamma``
    if ``scale``, then ``beta`` if ``center``).
    """
    n = positive("input_features", input_features)
    specs = _scale_and_center(n, scale, center, gamma_initializer, beta_initializer)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def batch_normalization(
    *, input_features: int, center: bool = True, scale: bool = True,
    beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
    moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
    rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``keras.layers.BatchNormalization`` (``axis=-1``): ``gamma``, ``beta``, ``moving_mean``, ``moving_variance``.

    keras/src/layers/normalization/batch_normalization.py (``build``: ``gamma``
    if ``scale``, ``beta`` if ``center``, then the two moving statistics).
    """
    n = positive("input_features", input_features)
    specs = _scale_and_center(n, scale, center, gamma_initializer, beta_initializer)
    specs["moving_mean"] = ParamSpec(
        (n,), resolved("moving_mean_initializer", moving_mean_initializer, get("zeros"))
    )
    specs["moving_variance"] = ParamSpec(
        (n,), resolved("moving_variance_initializer", moving_variance_initializer, get("ones"))
    )
    return made(specs, rng=rng, dtype=dtype, spec=spec)
