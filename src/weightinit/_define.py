"""Defining schemes: the one place a scheme is made and given its names.

A scheme is written once, as a function from its checked parameters and the
array's :class:`~weightinit.fans.Geometry` to a
:class:`~weightinit.distributions.Distribution`. :func:`scheme` turns such a
function into an :class:`~weightinit._initializer.Initializer` and registers
it; :func:`preset` makes a named specialization of a scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _names
from ._initializer import Initializer, LawFunction, Param
from ._names import SchemeInfo
from .distributions import Distribution
from .fans import Geometry

__all__ = ["preset", "scheme"]


def scheme(
    name: str,
    *,
    params: tuple[Param, ...] = (),
    random: bool = True,
    info: SchemeInfo,
) -> Callable[[LawFunction], Initializer]:
    """Define and register a scheme from its law function.

    The decorated function takes the :class:`Geometry` and the checked
    parameters and returns the :class:`~weightinit.distributions.Distribution`;
    its docstring becomes the initializer's.
    """

    def define(law: LawFunction) -> Initializer:
        created = Initializer(name, law, params=params, random=random, info=info, doc=law.__doc__)
        _names.add(created)
        return created

    return define


def preset(
    base: Initializer,
    name: str,
    *,
    info: SchemeInfo,
    doc: str,
    params: tuple[Param, ...] = (),
    translate: Callable[..., dict[str, Any]] | None = None,
    **fixed: Any,
) -> Initializer:
    """Define and register ``name``, a specialization of the scheme ``base``.

    ``fixed`` are ``base``'s parameters, fixed for good; with
    ``params`` and ``translate``, the preset has parameters of its own that
    ``translate(**values)`` maps onto ``base``'s (e.g. PyTorch's
    ``gain`` onto ``scale = gain**2``).
    """
    base_law = base._law
    base_values = base._resolve(fixed)

    def law(geometry: Geometry, **values: Any) -> Distribution:
        mapped = dict(base_values)
        if translate is not None:
            mapped.update(base._resolve({**fixed, **translate(**values)}))
        return base_law(geometry, **mapped)

    created = Initializer(name, law, params=params, random=base.random, info=info, doc=doc)
    _names.add(created)
    return created


# --- config and identity -----------------------------------------------------
