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
from ._initializer import REQUIRED, Initializer, LawFunction, Param
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
    adapt: Callable[[Distribution], Distribution] | None = None,
    **fixed: Any,
) -> Initializer:
    """Define and register ``name``, a specialization of the scheme ``base``.

    ``fixed`` are ``base``'s parameters, fixed for good and checked here,
    once. With ``params`` and ``translate``, the preset has parameters of its
    own: a call checks them with the preset's checks, and
    ``translate(**values)`` maps them onto ``base``'s (e.g. PyTorch's ``gain``
    onto ``scale = gain**2``). What ``translate`` returns is not checked again:
    it must be values ``base``'s checks accept unchanged, which is verified
    here on the preset's defaults (and ``info.example``). ``adapt`` maps
    ``base``'s law to the preset's where they differ in what no parameter
    says (the dtypes a law is drawn in: :class:`~weightinit.distributions.Forms`).
    """
    base_law = base._law
    base_values = base._resolve(fixed)
    if translate is None:

        def law(geometry: Geometry, **values: Any) -> Distribution:
            return base_law(geometry, **base_values)

    else:
        _check_translation(base, name, params, translate, fixed, info)
        mapped = translate

        def law(geometry: Geometry, **values: Any) -> Distribution:
            return base_law(geometry, **{**base_values, **mapped(**values)})

    made = law if adapt is None else _adapted(law, adapt)
    created = Initializer(name, made, params=params, random=base.random, info=info, doc=doc)
    _names.add(created)
    return created


def _adapted(law: LawFunction, adapt: Callable[[Distribution], Distribution]) -> LawFunction:
    """``law`` followed by ``adapt``."""

    def adapted(geometry: Geometry, **values: Any) -> Distribution:
        return adapt(law(geometry, **values))

    return adapted


def _check_translation(
    base: Initializer,
    name: str,
    params: tuple[Param, ...],
    translate: Callable[..., dict[str, Any]],
    fixed: dict[str, Any],
    info: SchemeInfo,
) -> None:
    """Refuse a ``translate`` whose values, for the preset's defaults, ``base`` would change."""
    given = {p.name: p.default for p in params if p.default is not REQUIRED}
    given.update(info.example)
    if len(given) < len(params):
        return  # a parameter without default or example: nothing to translate
    translated = translate(**{p.name: p.check(p.name, given[p.name]) for p in params})
    checked = base._resolve({**fixed, **translated})
    for key, value in translated.items():
        if not (isinstance(value, type(checked[key])) and bool(checked[key] == value)):
            raise ValueError(
                f"preset {name!r}: translate gives {key}={value!r}, which {base.name}'s "
                f"check makes {checked[key]!r}; translate must give checked values."
            )
