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

import typing

from . import initializers, registry
from ._engine import get_workers, set_workers
from ._initializer import Initializer, Param
from ._names import Aliases, SchemeInfo
from ._validation import MAX_ELEMENTS
from .criticality import MeanField, critical, mean_field
from .fans import Geometry, compute_fans
from .gains import calculate_gain, gain
from .initializers import *  # noqa: F403  (every scheme, listed once in initializers.__all__)
from .packed import Packed, packed
from .registry import available, deserialize, get, register, serialize

if typing.TYPE_CHECKING:
    from . import layers, recipes
    from .diagnostics import propagate, train
    from .models import ParamSpec, init_params, param_seed
    from .unit_variance import lsuv

__version__ = "0.1.0.dev0"

#: Names loaded on first use, so that ``import weightinit`` stays light.
_LAZY = {
    "propagate": "diagnostics",
    "train": "diagnostics",
    "init_params": "models",
    "param_seed": "models",
    "ParamSpec": "models",
    "layers": "layers",
    "recipes": "recipes",
    "lsuv": "unit_variance",
}


def __getattr__(name: str) -> object:
    """``propagate``, ``train``, ``init_params``, ``param_seed``, ``ParamSpec``, ``layers``, ``recipes``, ``lsuv``: imported when first used."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        value = module if name == _LAZY[name] else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    names = set(globals()) | set(__all__)
    return sorted(name for name in names if not name.startswith("_") or name.startswith("__"))


__all__ = [
    "MAX_ELEMENTS",
    "Aliases",
    "Geometry",
    "Initializer",
    "MeanField",
    "Packed",
    "Param",
    "ParamSpec",
    "SchemeInfo",
    "available",
    "calculate_gain",
    "compute_fans",
    "critical",
    "deserialize",
    "gain",
    "get",
    "get_workers",
    "init_params",
    "layers",
    "lsuv",
    "mean_field",
    "packed",
    "param_seed",
    "propagate",
    "recipes",
    "register",
    "registry",
    "serialize",
    "set_workers",
    "train",
]
__all__ += initializers.__all__
