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
==================  =====  ========  =================  ======

Haiku's ``uniform_scaling`` is uniform with variance scale² / n, n Haiku's
``prod(shape[:-1])`` (1 for a shape of rank 0 or 1).

The schemes live in one module per family: :mod:`.constants` (zeros, ones,
constant, fixed), :mod:`.plain` (normal, uniform, truncated normal),
:mod:`.variance` (variance scaling and its Keras presets), :mod:`.presets`
(PyTorch's, JAX's and Haiku's presets) and :mod:`.structured` (orthogonal,
identity, dirac, sparse) and :mod:`.critical` (critical initialization). Importing this package defines and registers them
all, in that order.
"""

from __future__ import annotations

from ..gains import NONLINEARITIES as NONLINEARITIES  # importable here, as it always was
from . import constants, critical, plain, presets, structured, variance
from .constants import *  # noqa: F403
from .critical import *  # noqa: F403
from .plain import *  # noqa: F403
from .presets import *  # noqa: F403
from .structured import *  # noqa: F403
from .variance import *  # noqa: F403

#: Every scheme, and the constants of variance scaling: each module's ``__all__``.
__all__ = (
    constants.__all__
    + plain.__all__
    + variance.__all__
    + presets.__all__
    + structured.__all__
    + critical.__all__
)
__all__.sort()
