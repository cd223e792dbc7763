"""weightinit: neural-network weight initializers for NumPy.

Every scheme of Keras, PyTorch, JAX and Haiku, keyed by fan_in and fan_out,
with exact theoretical moments and reproducible sampling.

>>> import weightinit as wi
>>> W = wi.glorot_uniform((784, 256), rng=0)
>>> W.shape, W.dtype
((784, 256), dtype('float64'))
>>> import math
>>> math.isclose(wi.glorot_uniform.variance(fan_in=784, fan_out=256), 2 / (784 + 256))
True
"""

from __future__ import annotations

from . import registry
from ._base import Aliases, Geometry, Initializer, Param, SchemeInfo
from ._validation import MAX_ELEMENTS
from .fans import compute_fans
from .gain import calculate_gain
from .initializers import (
    constant,
    delta_orthogonal,
    dirac,
    eye,
    fixed,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    identity,
    jax_normal,
    jax_orthogonal,
    jax_truncated_normal,
    jax_uniform,
    kaiming_normal,
    kaiming_uniform,
    lecun_normal,
    lecun_uniform,
    ones,
    orthogonal,
    random_normal,
    random_uniform,
    sparse,
    torch_constant,
    torch_normal,
    torch_uniform,
    trunc_normal,
    truncated_normal,
    uniform_scaling,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from .registry import available, deserialize, get, register, serialize

__version__ = "0.1.0.dev0"


__all__ = [
    "MAX_ELEMENTS",
    "Aliases",
    "Geometry",
    "Initializer",
    "Param",
    "SchemeInfo",
    "available",
    "calculate_gain",
    "compute_fans",
    "constant",
    "delta_orthogonal",
    "deserialize",
    "dirac",
    "eye",
    "fixed",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "jax_normal",
    "jax_orthogonal",
    "jax_truncated_normal",
    "jax_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "register",
    "registry",
    "serialize",
    "sparse",
    "torch_constant",
    "torch_normal",
    "torch_uniform",
    "trunc_normal",
    "truncated_normal",
    "uniform_scaling",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
