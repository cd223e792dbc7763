"""Published initialization recipes: ``wi.recipes.<name>(...)``, each an ordered rule list for ``init_params``.

Each recipe returns ``[(pattern, initializer), ...]`` for a model's parameter
roles, with its reference codebase's parameter names as default patterns
(overridable), and cites its source and formula. The recipes' modules are
loaded on first use. See docs/models.md.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Each recipe, and the module that defines it.
_HOMES = {
    "gpt2": "published",
    "bert": "published",
    "llama": "published",
    "t5": "published",
    "vit": "published",
    "resnet": "published",
    "fixup": "scaled",
    "t_fixup": "scaled",
    "deepnorm": "scaled",
    "mup": "width",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Each recipe: its module imported when first used."""
    if name in _HOMES:
        value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
