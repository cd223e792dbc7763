"""A layer's parameters from their specs: drawn, each seeded by its name, or returned as specs.

The one place the layer-default modules turn ``{name: ParamSpec(shape,
initializer)}`` into arrays: through :func:`weightinit.init_params`, so a
layer's parameter ``name`` is drawn with ``param_seed(rng, name)``, exactly
as it would be in a tree given those specs.
"""

from __future__ import annotations

from typing import Any

from .._validation import check_bool, check_int
from ..models import ParamSpec, init_params
from ..registry import get

__all__ = ["ParamSpec", "flag", "made", "positive", "resolved"]


def positive(name: str, value: Any) -> int:
    """A layer's size: an int >= 1."""
    return check_int(name, value, minimum=1)


def flag(name: str, value: Any) -> bool:
    """A layer's switch: ``True`` or ``False`` (:func:`~weightinit._validation.check_bool`)."""
    return check_bool(name, value)


def resolved(name: str, given: Any, default: Any) -> Any:
    """A layer's initializer argument ``name``: ``given`` resolved by :func:`weightinit.get`, or the framework's default when None."""
    if given is None:
        return default
    try:
        return get(given)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name}: {error}") from None


def made(specs: dict[str, Any], *, rng: Any, dtype: Any, spec: bool) -> dict[str, Any]:
    """The layer's parameters: ``specs`` themselves if ``spec``, else arrays drawn from them.

    ``specs`` maps names to ParamSpecs, or to dicts of them (a module's
    submodules). Parameter ``name`` (a path, such as ``"hi.kernel"``) is
    drawn with ``param_seed(rng, name)`` in ``dtype`` (an initializer that
    binds its own dtype keeps it), as ``init_params(specs, [], rng=rng,
    dtype=dtype)`` draws it.
    """
    if spec:
        return dict(specs)
    drawn: dict[str, Any] = init_params(specs, [], rng=rng, dtype=dtype)
    return drawn
