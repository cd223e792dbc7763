"""Flax's layer defaults (linen): each module's parameters, named, shaped and drawn as its default initializers.

Flax infers input sizes at call time, so ``input_features=`` (and
``input_shape=``, ``in_features=``) are keyword arguments here. Modules made
of submodules (``lstm_cell``, ``gru_cell``,
``multi_head_dot_product_attention``) return nested dicts, as
``module.init(...)['params']``, each parameter seeded by its path
(``"hi.kernel"``). ``DenseGeneral``'s kernel and bias are drawn on a flat
shape and reshaped, as Flax draws them (:class:`Flattened`). Each ``*_init``
argument takes anything :func:`weightinit.get` resolves (``"flax.*"`` names
keep JAX's meaning). Sources: flax 0.12.8, ``flax/linen/``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._initializer import Initializer
from .._validation import check_dtype, check_int, check_shape, describe, shown
from ..distributions import Distribution
from ..initializers import jax_orthogonal, lecun_normal, ones, variance_scaling, zeros
from ._build import ParamSpec, flag, made, positive, resolved

__all__ = [
    "Flattened",
    "conv",
    "dense",
    "dense_general",
    "embed",
    "gru_cell",
    "layer_norm",
    "lstm_cell",
    "multi_head_dot_product_attention",
]

#: linear.py:1105-1107, ``default_embed_init``.
_EMBED = variance_scaling.partial(scale=1.0, mode="fan_in", distribution="normal", out_axis=0)


@dataclass(frozen=True)
class Flattened:
    """An initializer drawn on a flat shape and reshaped: ``DenseGeneral``'s ``kernel_init_wrap``.

    flax/linen/linear.py:144-155 and 173-181: Flax calls ``kernel_init`` on
    the 2-D shape ``(∏batch·∏in, ∏features)`` and ``bias_init`` on the 1-D
    ``(∏batch·∏features,)``, then reshapes. ``groups`` says how many
    consecutive axes of the shape make each flat axis (``(len(batch) +
    len(in), len(features))``, ``(len(batch) + len(features),)``); a call is
    ``init(flat, rng=rng, dtype=dtype).reshape(shape)``, so fans, and an
    orthogonal matrix's structure, are those of the flat matrix. An ``init``
    that binds its own dtype keeps it, whatever ``dtype`` a call gives, as
    :func:`weightinit.init_params` keeps such an initializer's dtype.
    :meth:`distribution` is the law of the flat array, which is the law of
    every element of the reshaped one (same mean, variance and support).

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> init = Flattened(wi.jax_orthogonal, (1, 2))
    >>> Q = init((12, 2, 3), rng=0).reshape(12, 6)
    >>> bool(np.allclose(Q.T @ Q, np.eye(6)))
    True
    >>> round(Flattened(wi.lecun_normal, (1, 2)).variance((12, 2, 3)) * 12, 12)  # fan_in 12
    1.0
    """

    init: Any
    groups: tuple[int, ...]

    def __post_init__(self) -> None:
        if not callable(self.init):
            raise TypeError(f"init must be an initializer; got {describe('init', self.init)}.")
        if not isinstance(self.groups, tuple) or not self.groups:
            raise TypeError(
                f"groups must be a non-empty tuple of ints; got {describe('groups', self.groups)}."
            )
        for i, count in enumerate(self.groups):
            check_int(f"groups[{i}]", count, minimum=0)

    def flat(self, shape: Any) -> tuple[int, ...]:
        """The flat shape ``init`` is drawn on: the product of each group of ``shape``'s axes."""
        dims = check_shape(shape)
        if len(dims) != sum(self.groups):
            raise ValueError(
                f"Flattened(groups={self.groups!r}) takes a shape of rank {sum(self.groups)}; "
                f"got shape={shown(dims)}."
            )
        cuts = itertools.accumulate(self.groups, initial=0)
        return tuple(math.prod(dims[a:b]) for a, b in itertools.pairwise(cuts))

    def distribution(self, *, shape: Any) -> Distribution:
        """The law of the flat array ``init`` draws, so of each element of the array of ``shape``."""
        if not isinstance(self.init, Initializer):
            raise TypeError(
                f"the law of {shown(self.init)} is not declared: it is a callable, not an "
                "Initializer."
            )
        law: Distribution = self.init.distribution(shape=self.flat(shape))
        return law

    def mean(self, shape: Any) -> float:
        """Exact mean of an element of the array of ``shape``."""
        return self.distribution(shape=shape).mean

    def variance(self, shape: Any) -> float:
        """Exact variance of an element of the array of ``shape``."""
        return self.distribution(shape=shape).variance

    def _dtype(self, dtype: Any) -> Any:
        """The draw's dtype: ``dtype``, unless ``init`` binds its own (kept, as by init_params)."""
        bound = isinstance(self.init, Initializer) and "dtype" in self.init._options
        return None if bound else dtype

    def check(self, shape: Any, dtype: Any = None) -> tuple[int, ...]:
        """Every check a call makes before it draws: the flat shape, ``init``'s law for it, ``dtype``."""
        flat, dtype = self.flat(shape), self._dtype(dtype)
        if isinstance(self.init, Initializer):
            law = self.distribution(shape=shape)
            if dtype is not None:
                resolved_dtype = check_dtype(dtype, random=self.init.random, name=self.init.name)
                law.check_drawable(resolved_dtype, self.init.name)
        return flat

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> np.ndarray[Any, Any]:
        """``init`` drawn on the flat shape with this ``rng`` and ``dtype``, reshaped to ``shape``."""
        flat, dtype = self.check(shape, dtype), self._dtype(dtype)
        options: dict[str, Any] = {"rng": rng} if dtype is None else {"rng": rng, "dtype": dtype}
        return np.reshape(self.init(flat, **options), check_shape(shape))


def dense(
    features: int, *, input_features: int, use_bias: bool = True, kernel_init: Any = None,
    bias_init: Any = None, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.Dense``: ``kernel`` (input_features, features) lecun_normal, ``bias`` (features,) zeros.

    flax/linen/linear.py:49 (``default_kernel_init = lecun_normal()``: JAX's,
    a normal truncated at ±2σ with variance 1/fan_in), 247-248 (defaults),
    263-272 (shapes).

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> {k: v.shape for k, v in fl.dense(4, input_features=3, rng=0).items()}
    {'kernel': (3, 4), 'bias': (4,)}
    """
    n_out, n_in = positive("features", features), positive("input_features", input_features)
    specs = {"kernel": ParamSpec((n_in, n_out), resolved("kernel_init", kernel_init, lecun_normal))}
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec((n_out,), resolved("bias_init", bias_init, zeros))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def dense_general(
    features: Any, *, input_shape: Any, axis: Any = -1, batch_dims: Any = (),
    use_bias: bool = True, kernel_init: Any = None, bias_init: Any = None, rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.DenseGeneral``: ``kernel`` batch + in + features lecun_normal, ``bias`` batch + features zeros.

    ``input_shape`` is the shape of the input ``x`` as Flax gets it, nothing
    removed (its axes that are neither contracted nor batch change
    nothing); ``axis`` (an int or ints, negative ones counting from the end
    of ``input_shape``) are the contracted axes, ``in`` their sizes in
    increasing axis order, and ``batch_dims`` the leading axes 0, ..., k-1
    of ``input_shape``, ``batch`` their sizes; ``features`` is an int or
    ints. flax/linen/linear.py:103-110 (defaults), 129-141 (the axes),
    161-185 (shapes). The kernel and the bias are drawn on a flat shape and
    reshaped (:class:`Flattened`, linear.py:144-155, 173-181): lecun_normal's
    fan_in is ∏batch·∏in, and an orthogonal ``kernel_init`` is orthogonal
    over the flat ``(∏batch·∏in, ∏features)`` matrix.

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> p = fl.dense_general((4, 5), input_shape=(2, 3, 6, 7), axis=(1, -1), rng=0)
    >>> {k: v.shape for k, v in p.items()}
    {'kernel': (3, 7, 4, 5), 'bias': (4, 5)}
    """
    specs = _general(features, input_shape, axis, batch_dims, use_bias, kernel_init, bias_init)
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def _general(
    features: Any, input_shape: Any, axis: Any, batch_dims: Any, use_bias: bool,
    kernel_init: Any, bias_init: Any,
) -> dict[str, ParamSpec]:  # fmt: skip
    """:func:`dense_general`'s specs, its arguments checked."""
    out = _sizes("features", features)
    dims = check_shape(input_shape, name="input_shape")
    contracted = _axes("axis", axis, len(dims))
    batch = _axes("batch_dims", batch_dims, len(dims), signed=False)
    if batch != tuple(range(len(batch))):
        raise ValueError(
            "batch_dims must be the leading axes 0, 1, ..., k-1 of input_shape, as Flax requires; "
            f"got batch_dims={shown(batch_dims)}."
        )
    if set(batch) & set(contracted):
        raise ValueError(
            f"axis and batch_dims must not share an axis; got axis={shown(axis)}, "
            f"batch_dims={shown(batch_dims)}."
        )
    lead = tuple(dims[a] for a in batch)
    kernel = resolved("kernel_init", kernel_init, lecun_normal)
    specs = {
        "kernel": ParamSpec(
            (*lead, *(dims[a] for a in contracted), *out),
            Flattened(kernel, (len(lead) + len(contracted), len(out))),
        )
    }
    if flag("use_bias", use_bias):
        bias = Flattened(resolved("bias_init", bias_init, zeros), (len(lead) + len(out),))
        specs["bias"] = ParamSpec((*lead, *out), bias)
    return specs


def _sizes(name: str, value: Any) -> tuple[int, ...]:
    """Flax's ``kernel_size`` or ``features``: an int or a non-empty sequence of ints >= 1 (linear.py:57-61, 582-585)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (positive(name, value),)
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return tuple(positive(f"{name}[{i}]", k) for i, k in enumerate(value))
    raise TypeError(
        f"{name} must be an int or a non-empty sequence of ints; got {describe(name, value)}."
    )


def _axes(name: str, value: Any, rank: int, *, signed: bool = True) -> tuple[int, ...]:
    """Flax's ``axis`` / ``batch_dims`` (not ``signed``): distinct axes of ``input_shape``, made non-negative and sorted (linear.py:52-54)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [check_int(f"{name}[{i}]", a) for i, a in enumerate(value)]
    else:
        items = [check_int(name, value)]
    lowest = -rank if signed else 0
    if not all(lowest <= a < rank for a in items):
        raise ValueError(
            f"{name} must name axes of input_shape (from {lowest} to {rank - 1}); got "
            f"{name}={shown(value)} for an input_shape of rank {rank}."
        )
    found = sorted(a % rank for a in items)
    if len(set(found)) != len(found):
        raise ValueError(f"{name} must name distinct axes; got {name}={shown(value)}.")
    return tuple(found)


def conv(
    features: int, kernel_size: Any, *, input_features: int, feature_group_count: int = 1,
    use_bias: bool = True, kernel_init: Any = None, bias_init: Any = None, rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.Conv``: ``kernel`` (*kernel_size, input_features/groups, features) lecun_normal, ``bias`` zeros.

    flax/linen/linear.py:521-522 (defaults), 617-624 (``kernel_shape =
    kernel_size + (in_features // feature_group_count, features)``, the input
    features divisible by the group count), 675-683 (``bias`` (features,)).
    lecun_normal's fan_in is ∏kernel_size · input_features/groups.

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> fl.conv(8, (3, 3), input_features=4, rng=0)["kernel"].shape
    (3, 3, 4, 8)
    """
    n_out, n_in = positive("features", features), positive("input_features", input_features)
    groups = positive("feature_group_count", feature_group_count)
    if n_in % groups:
        raise ValueError(
            f"input_features must be divisible by feature_group_count; got input_features={n_in}"
            f", feature_group_count={groups}."
        )
    shape = (*_sizes("kernel_size", kernel_size), n_in // groups, n_out)
    specs = {"kernel": ParamSpec(shape, resolved("kernel_init", kernel_init, lecun_normal))}
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec((n_out,), resolved("bias_init", bias_init, zeros))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def embed(
    num_embeddings: int, features: int, *, embedding_init: Any = None, rng: Any = None,
    dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.Embed``: ``embedding`` (num_embeddings, features) N(0, 1/features).

    flax/linen/linear.py:1105-1107: ``variance_scaling(1.0, 'fan_in',
    'normal', out_axis=0)``, untruncated, with JAX's default ``in_axis=-2``:
    for a matrix the two axes overlap, and JAX's fans (jax/_src/nn/initializers.py,
    ``_compute_fans``: the receptive field is ∏shape / (shape[in] · shape[out]))
    give fan_in = features.

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> law = fl.embed(10, 4, spec=True)["embedding"].init.distribution(shape=(10, 4))
    >>> round(law.variance, 12)
    0.25
    """
    rows, width = positive("num_embeddings", num_embeddings), positive("features", features)
    init = resolved("embedding_init", embedding_init, _EMBED)
    return made({"embedding": ParamSpec((rows, width), init)}, rng=rng, dtype=dtype, spec=spec)


def layer_norm(
    *, input_features: int, use_bias: bool = True, use_scale: bool = True, bias_init: Any = None,
    scale_init: Any = None, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.LayerNorm``: ``scale`` (input_features,) ones, ``bias`` (input_features,) zeros.

    flax/linen/normalization.py:489-494 (defaults, ``feature_axes=-1``) and
    205-221 (``scale`` then ``bias``, of the feature axes' shape).

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> sorted(fl.layer_norm(input_features=3, rng=0))
    ['bias', 'scale']
    """
    width = positive("input_features", input_features)
    specs = {}
    if flag("use_scale", use_scale):
        specs["scale"] = ParamSpec((width,), resolved("scale_init", scale_init, ones))
    if flag("use_bias", use_bias):
        specs["bias"] = ParamSpec((width,), resolved("bias_init", bias_init, zeros))
    return made(specs, rng=rng, dtype=dtype, spec=spec)


#: recurrent.py:167-170 and 588-592: each gate's input (``i*``) and hidden (``h*``) Dense, in
#: the order Flax creates them; ``+`` marks the Dense that carries a bias.
_LSTM = ("ii", "hi+", "if", "hf+", "ig", "hg+", "io", "ho+")
_GRU = ("ir+", "hr", "iz+", "hz", "in+", "hn+")


def _cell(
    denses: tuple[str, ...], features: int, input_features: int, inits: tuple[Any, Any, Any],
    rng: Any, dtype: Any, spec: bool,
) -> dict[str, Any]:  # fmt: skip
    """A recurrent cell's Denses: ``i*`` (input_features, features), ``h*`` (features, features)."""
    n, n_in = positive("features", features), positive("input_features", input_features)
    kernel = resolved("kernel_init", inits[0], lecun_normal)
    recurrent = resolved("recurrent_kernel_init", inits[1], jax_orthogonal)
    bias = resolved("bias_init", inits[2], zeros)
    specs = {}
    for name in denses:
        hidden = name[0] == "h"
        specs[name.rstrip("+")] = dense(
            n, input_features=n if hidden else n_in, use_bias=name.endswith("+"),
            kernel_init=recurrent if hidden else kernel, bias_init=bias, spec=True,
        )  # fmt: skip
    return made(specs, rng=rng, dtype=dtype, spec=spec)


def lstm_cell(
    features: int, *, input_features: int, kernel_init: Any = None,
    recurrent_kernel_init: Any = None, bias_init: Any = None, rng: Any = None, dtype: Any = None,
    spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.LSTMCell``: ``ii``, ``if``, ``ig``, ``io`` ``{kernel}`` and ``hi``, ... ``ho`` ``{kernel, bias}``.

    flax/linen/recurrent.py:127-129 (defaults: lecun_normal, JAX's
    ``orthogonal()`` — :func:`~weightinit.jax_orthogonal`, over each
    (features, features) hidden kernel — and zeros), 150-170 (each gate a
    ``Dense``: the input ones (input_features, features) without bias, the
    hidden ones (features, features) with a bias (features,)).

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> p = fl.lstm_cell(4, input_features=3, rng=0)
    >>> list(p), {k: v.shape for k, v in p["hi"].items()}
    (['ii', 'hi', 'if', 'hf', 'ig', 'hg', 'io', 'ho'], {'kernel': (4, 4), 'bias': (4,)})
    """
    inits = (kernel_init, recurrent_kernel_init, bias_init)
    return _cell(_LSTM, features, input_features, inits, rng, dtype, spec)


def gru_cell(
    features: int, *, input_features: int, kernel_init: Any = None,
    recurrent_kernel_init: Any = None, bias_init: Any = None, rng: Any = None, dtype: Any = None,
    spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.GRUCell``: ``ir``, ``iz``, ``in`` and ``hn`` ``{kernel, bias}``, ``hr``, ``hz`` ``{kernel}``.

    flax/linen/recurrent.py:547-549 (defaults as :func:`lstm_cell`'s),
    570-592 (the input Denses (input_features, features) with a bias, the
    hidden ones (features, features) without, but for ``hn``).

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> p = fl.gru_cell(4, input_features=3, rng=0)
    >>> {k: list(v) for k, v in p.items()}["hn"], p["ir"]["kernel"].shape
    (['kernel', 'bias'], (3, 4))
    """
    inits = (kernel_init, recurrent_kernel_init, bias_init)
    return _cell(_GRU, features, input_features, inits, rng, dtype, spec)


def multi_head_dot_product_attention(
    num_heads: int, *, in_features: int, qkv_features: int | None = None,
    out_features: int | None = None, key_features: int | None = None,
    value_features: int | None = None, use_bias: bool = True, normalize_qk: bool = False,
    kernel_init: Any = None, bias_init: Any = None, out_kernel_init: Any = None,
    out_bias_init: Any = None, rng: Any = None, dtype: Any = None, spec: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``nn.MultiHeadDotProductAttention``: ``query``, ``key``, ``value``, (``query_ln``, ``key_ln``,) ``out``.

    ``in_features``, ``key_features`` and ``value_features`` are the last
    axes of ``inputs_q``, ``inputs_k`` and ``inputs_v`` (``inputs_k``
    defaults to ``inputs_q``, ``inputs_v`` to ``inputs_k``: attention.py:505-509).
    flax/linen/attention.py:383-396 (defaults), 525-551 (``qkv_features`` and
    ``out_features`` default to ``in_features``; ``qkv_features`` divisible by
    ``num_heads``; ``query``, ``key``, ``value``: :func:`dense_general` with
    ``features=(num_heads, head_dim)``, kernel (in, heads, head_dim), bias
    (heads, head_dim)), 553-567 (``normalize_qk``: ``LayerNorm(use_bias=False)``
    ``scale`` (head_dim,) ones), 676-688 (``out``: over ``axis=(-2, -1)``,
    kernel (heads, head_dim, out_features), bias (out_features,), with
    ``out_kernel_init or kernel_init``, ``out_bias_init or bias_init``).
    Kernels are drawn flat (:class:`Flattened`): lecun_normal's fan_in is
    the input's features for ``query``/``key``/``value``, ``qkv_features``
    for ``out``.

    Examples
    --------
    >>> from weightinit.layers import flax as fl
    >>> p = fl.multi_head_dot_product_attention(2, in_features=6, qkv_features=8, rng=0)
    >>> list(p), p["query"]["kernel"].shape, p["out"]["kernel"].shape
    (['query', 'key', 'value', 'out'], (6, 2, 4), (2, 4, 6))
    """
    heads, n_in = positive("num_heads", num_heads), positive("in_features", in_features)
    qkv = n_in if qkv_features is None else positive("qkv_features", qkv_features)
    n_out = n_in if out_features is None else positive("out_features", out_features)
    n_k = n_in if key_features is None else positive("key_features", key_features)
    n_v = n_k if value_features is None else positive("value_features", value_features)
    if qkv % heads:
        raise ValueError(
            f"qkv_features must be divisible by num_heads; got qkv_features={qkv}, "
            f"num_heads={heads}."
        )
    kernel = resolved("kernel_init", kernel_init, lecun_normal)
    bias = resolved("bias_init", bias_init, zeros)
    head = qkv // heads
    specs: dict[str, Any] = {}
    for name, n in (("query", n_in), ("key", n_k), ("value", n_v)):
        specs[name] = _general((heads, head), (n,), -1, (), use_bias, kernel, bias)
    if flag("normalize_qk", normalize_qk):
        for name in ("query_ln", "key_ln"):
            specs[name] = layer_norm(input_features=head, use_bias=False, spec=True)
    out_kernel = resolved("out_kernel_init", out_kernel_init, kernel)
    out_bias = resolved("out_bias_init", out_bias_init, bias)
    specs["out"] = _general(n_out, (heads, head), (-2, -1), (), use_bias, out_kernel, out_bias)
    return made(specs, rng=rng, dtype=dtype, spec=spec)
