r"""Every initializer scheme of Keras, PyTorch, JAX and Haiku, each defined once.

Names mean what they mean where they come from: Keras' ``he_normal`` is
truncated, PyTorch's ``kaiming_normal`` is not. The variance-scaling presets
are one line each:

==================  =====  ========  =================  ======
name                scale  mode      distribution       origin
==================  =====  ========  =================  ======
glorot_normal       1      fan_avg   truncated_normal   Keras
glorot_uniform      1      fan_avg   uniform            Keras
he_normal           2      fan_in    truncated_normal   Keras
he_uniform          2      fan_in    uniform            Keras
lecun_normal        1      fan_in    truncated_normal   Keras
lecun_uniform       1      fan_in    uniform            Keras
xavier_normal       gain²  fan_avg   normal             PyTorch
xavier_uniform      gain²  fan_avg   uniform            PyTorch
kaiming_normal      gain²  mode      normal             PyTorch
kaiming_uniform     gain²  mode      uniform            PyTorch
uniform_scaling     scale² fan_in    uniform            Haiku
==================  =====  ========  =================  ======

The schemes live in one module per family: :mod:`.constants` (zeros, ones,
constant, fixed), :mod:`.plain` (normal, uniform, truncated normal),
:mod:`.variance` (variance scaling and its Keras presets), :mod:`.presets`
(PyTorch's, JAX's and Haiku's presets) and :mod:`.structured` (orthogonal,
identity, dirac, sparse). Importing this package defines and registers them
all, in that order.
"""

from __future__ import annotations

from ..gain import NONLINEARITIES as NONLINEARITIES  # importable here, as it always was
from .constants import constant, fixed, ones, zeros
from .plain import random_normal, random_uniform, trunc_normal, truncated_normal
from .presets import (
    jax_normal,
    jax_truncated_normal,
    jax_uniform,
    kaiming_normal,
    kaiming_uniform,
    torch_constant,
    torch_normal,
    torch_uniform,
    uniform_scaling,
    xavier_normal,
    xavier_uniform,
)
from .structured import delta_orthogonal, dirac, eye, identity, jax_orthogonal, orthogonal, sparse
from .variance import (
    MODES,
    TRUNCATED_NORMAL_STD,
    VS_DISTRIBUTIONS,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
    variance_scaling,
)

__all__ = [
    "MODES",
    "TRUNCATED_NORMAL_STD",
    "VS_DISTRIBUTIONS",
    "constant",
    "delta_orthogonal",
    "dirac",
    "eye",
    "fixed",
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
