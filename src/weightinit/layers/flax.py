"""Flax's layer defaults (linen): each module's parameters, named, shaped and drawn as its default initializers.

Flax infers input sizes at call time, so ``input_features=`` is a keyword
argument here. ``kernel_init`` / ``bias_init`` / ``embedding_init`` /
``scale_init`` take anything :func:`weightinit.get` resolves (``"flax.*"``
names keep JAX's meaning). Sources: flax 0.12.8, ``flax/linen/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._validation import describe
from ..initializers import lecun_normal, ones, variance_scaling, zeros
from ._build import ParamSpec, flag, made, positive, resolved

__all__ = ["conv", "dense", "embed", "layer_norm"]

#: linear.py:1105-1107, ``default_embed_init``.
_EMBED = variance_scaling.partial(scale=1.0, mode="fan_in", distribution="normal", out_axis=0)


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


def _kernel_size(value: Any) -> tuple[int, ...]:
    """Flax's ``kernel_size``: an int (1-D) or a sequence of ints (linear.py:582-585)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (positive("kernel_size", value),)
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return tuple(positive(f"kernel_size[{i}]", k) for i, k in enumerate(value))
    raise TypeError(
        f"kernel_size must be an int or a non-empty sequence of ints; got "
        f"{describe('kernel_size', value)}."
    )


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
    shape = (*_kernel_size(kernel_size), n_in // groups, n_out)
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
