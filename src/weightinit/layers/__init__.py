"""Framework layer defaults: ``wi.layers.<framework>.<layer>(...)``, each framework's module loaded on first use.

Each function takes a layer's constructor arguments, with its framework's
names and defaults, plus ``rng=`` and ``dtype=``, and returns a dict of arrays
named and shaped as the framework names and shapes that layer's parameters,
each drawn from the law of the framework's own default initialization
(``spec=True``: ``{name: ParamSpec(shape, initializer)}``, for
:func:`weightinit.init_params`). See docs/models.md.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["flax", "haiku", "keras", "torch"]


def __getattr__(name: str) -> ModuleType:
    """``torch``, ``keras``, ``flax``, ``haiku``: each imported when first used."""
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
