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

from .._validation import describe
from ..packed import packed
from ..registry import get
from ._build import ParamSpec, flag, made, positive, resolved

__all__ = [
    "ForgetBias",
    "batch_normalization",
    "conv1d",
    "conv2d",
    "conv3d",
    "dense",
    "embedding",
    "gru",
    "layer_normalization",
    "lstm",
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

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> Any:
        """The bias of ``shape`` ``(4u,)``."""
        units = shape[0] // 4
        values = packed(self.init, (units, units, 2 * units), axis=0)(shape, rng=rng, dtype=dtype)
        values[units : 2 * units] = 1
        return values


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
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec(
            (n_out,), resolved("bias_initializer", bias_initializer, get("zeros"))
        )
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
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec(
            (n_out,), resolved("bias_initializer", bias_initializer, get("zeros"))
        )
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

    conv.__name__ = conv.__qualname__ = f"conv{rank}d"
    conv.__doc__ = (
        f"``keras.layers.Conv{rank}D``: ``kernel`` (*kernel_size, input_channels/groups, "
        "filters) glorot_uniform, ``bias`` (filters,) zeros.\n\n"
        "    keras/src/layers/convolutional/base_conv.py:193-196 (``kernel_shape =\n"
        "    kernel_size + (input_channel // groups, filters)``); glorot's fans are\n"
        "    Keras' (the receptive field times the last two axes).\n"
    )
    return conv


conv1d = _convolution(1)
conv2d = _convolution(2)
conv3d = _convolution(3)


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
    if forget is not None:
        packed(bias, (n, n, 2 * n), axis=0).check((4 * n,), dtype)
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
