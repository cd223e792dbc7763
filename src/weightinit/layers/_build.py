"""A layer's parameters from their specs: drawn, each seeded by its name, or returned as specs.

The one place the layer-default modules turn ``{name: ParamSpec(shape,
initializer)}`` into arrays: through :func:`weightinit.init_params`, so a
layer's parameter ``name`` is drawn with ``param_seed(rng, name)``, exactly
as it would be in a tree given those specs.
"""

from __future__ import annotations

from typing import Any

from ..models import ParamSpec, init_params

__all__ = ["ParamSpec", "made"]


def made(specs: dict[str, ParamSpec], *, rng: Any, dtype: Any, spec: bool) -> dict[str, Any]:
    """The layer's parameters: ``specs`` themselves if ``spec``, else arrays drawn from them.

    Parameter ``name`` is drawn with ``param_seed(rng, name)`` in ``dtype``
    (an initializer that binds its own dtype keeps it), as
    ``init_params(specs, [], rng=rng, dtype=dtype)`` draws it.
    """
    if spec:
        return dict(specs)
    drawn: dict[str, Any] = init_params(specs, [], rng=rng, dtype=dtype)
    return drawn
