"""The table of names, filled where each initializer is defined.

Every name a lookup accepts is a :class:`Name` record: canonical names, Keras
class names, and the aliases each definition declares (its
:class:`~weightinit.Aliases`), plain and prefixed by their library
(``'jax.normal'``). The public interface is :mod:`weightinit.registry`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._validation import shown

if TYPE_CHECKING:
    from ._base import Initializer

__all__ = [
    "NAMESPACES",
    "Name",
    "add",
    "add_user",
    "available",
    "builtin",
    "canonical_of",
    "declared",
    "keras_snake_case",
    "lookup",
    "record",
    "remove_user",
    "suggest",
    "table",
    "target",
]

#: Library → the prefix of its namespaced names.
NAMESPACES = {"Keras": "keras", "PyTorch": "torch", "JAX": "jax", "Haiku": "haiku"}

# Which spelling gets a plain name two libraries use: lower ranks win.
_RANK = {"canonical": 0, "Keras": 1, "PyTorch": 2, "JAX": 3, "Haiku": 4}


@dataclass(frozen=True)
class Name:
    """One accepted name: what it resolves to and where it comes from.

    ``kind`` is ``'canonical'``, ``'Keras class'``, ``'alias'`` or
    ``'namespaced'``; ``origin`` is the library that uses the name
    (``'Keras'``, ``'PyTorch'``, ``'JAX'``, ``'Haiku'``) or ``'user'``.
    """

    name: str
    canonical: str
    origin: str
    kind: str


_TARGETS: dict[str, Any] = {}  # built-in canonical name -> its initializer
_USER: dict[str, Any] = {}  # the user's canonical name -> their initializer or callable
_BUILTIN: set[str] = set()  # canonical names the library defines
_NAMES: dict[str, Name] = {}  # every accepted name -> its record
_DECLARED: list[Name] = []  # every declaration of a built-in, shadowed ones included


def keras_snake_case(name: str) -> str:
    """Keras' ``to_snake_case``: ``'GlorotUniform'`` -> ``'glorot_uniform'``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _rank(entry: Name) -> int:
    return _RANK["canonical"] if entry.kind == "canonical" else _RANK.get(entry.origin, 0)


def _insert(entry: Name) -> None:
    """Record a plain name, resolving clashes between libraries by rank."""
    existing = _NAMES.get(entry.name)
    if existing is None or existing.canonical == entry.canonical:
        if existing is None or _rank(entry) < _rank(existing):
            _NAMES[entry.name] = entry
        return
    if _rank(entry) == _rank(existing):
        raise ValueError(
            f"the name {entry.name!r} is declared for both {existing.canonical!r} and "
            f"{entry.canonical!r} by {entry.origin}."
        )
    if _rank(entry) < _rank(existing):
        _NAMES[entry.name] = entry


def _declare(name: str, canonical: str, origin: str, kind: str) -> None:
    entry = Name(name, canonical, origin, kind)
    _DECLARED.append(entry)
    _insert(entry)
    if kind != "canonical" and origin in NAMESPACES:
        spaced = f"{NAMESPACES[origin]}.{name}"
        _NAMES[spaced] = Name(spaced, canonical, origin, "namespaced")


def add(init: Initializer) -> None:
    """Record a newly defined built-in initializer under every name it declares."""
    name, info = init.name, init.info
    if name in _TARGETS:
        raise ValueError(f"an initializer named {name!r} is already registered.")
    _TARGETS[name] = init
    _BUILTIN.add(name)
    _declare(name, name, info.origin, "canonical")
    if info.keras_class is not None:
        _declare(info.keras_class, name, "Keras", "Keras class")
        _declare(keras_snake_case(info.keras_class), name, "Keras", "alias")
    for origin, aliases in (
        ("Keras", info.aliases.keras),
        ("PyTorch", info.aliases.torch),
        ("JAX", info.aliases.jax),
        ("Haiku", info.aliases.haiku),
    ):
        for alias in aliases:
            _declare(alias, name, origin, "alias")


def add_user(name: str, target: Any, aliases: tuple[str, ...], overwrite: bool) -> None:
    """Record a user's initializer; a clash is an error unless ``overwrite``.

    With ``overwrite`` a user's name may shadow a built-in one: lookups of that
    name (configs included) then give the user's object, the built-in's other
    names still give the built-in, and :func:`remove_user` brings it back.
    """
    for each in (name, *aliases):
        existing = _NAMES.get(each)
        if existing is None or overwrite:
            continue
        if existing.origin != "user":
            raise ValueError(
                f"{shown(each)} is a built-in name (of {existing.canonical!r}); pass "
                "overwrite=True to shadow it, or choose another name."
            )
        raise ValueError(
            f"{shown(each)} is already registered (for {shown(existing.canonical)}); pass "
            "overwrite=True to replace it."
        )
    for each in (name, *aliases):
        existing = _NAMES.get(each)
        if existing is not None and existing.origin == "user":
            remove_user(existing.canonical)
    _USER[name] = target
    _NAMES[name] = Name(name, name, "user", "canonical")
    for alias in aliases:
        _NAMES[alias] = Name(alias, name, "user", "alias")


def remove_user(name: str) -> None:
    """Forget a user's initializer and its aliases, bringing back any built-in they shadowed."""
    if name not in _USER:
        raise ValueError(
            f"{shown(name)} is not a name registered by the user; got name={shown(name)}."
        )
    del _USER[name]
    freed = [
        key for key, entry in _NAMES.items() if entry.origin == "user" and entry.canonical == name
    ]
    for key in freed:
        del _NAMES[key]
    for entry in _DECLARED:
        if entry.name in freed:
            _insert(entry)


def target(name: str) -> Any:
    """The object registered under a canonical name: the built-in one if there is one."""
    return _TARGETS[name] if name in _TARGETS else _USER[name]


def record(name: str) -> Name | None:
    """The record of an accepted name, or ``None``."""
    return _NAMES.get(name)


def lookup(name: str) -> Any:
    """The initializer a name resolves to (exact, case-sensitive match)."""
    entry = _NAMES.get(name)
    if entry is None:
        raise ValueError(
            f"unknown initializer name {shown(name)}{suggest(name)}; "
            "weightinit.available() lists the canonical names and docs/names.md every name."
        )
    return _USER[entry.canonical] if entry.origin == "user" else _TARGETS[entry.canonical]


def suggest(name: str, among: list[str] | None = None) -> str:
    """A ``"; did you mean ..."`` clause naming the closest accepted names."""
    if among is None:  # prefixed names only for a prefixed query: no near-duplicates
        among = [key for key in _NAMES if ("." in key) == ("." in name)]
    close = difflib.get_close_matches(name, among, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def canonical_of(target: Any) -> str | None:
    """The canonical name a callable is registered under (by identity), or ``None``."""
    for name, registered in (*_USER.items(), *_TARGETS.items()):
        if registered is target:
            return name
    return None


def builtin(name: str) -> bool:
    """Whether a canonical name is one the library defines."""
    return name in _BUILTIN


def declared() -> list[Name]:
    """Every name the library's definitions declare, in definition order."""
    return list(_DECLARED)


def available() -> list[str]:
    """Sorted canonical names of every registered initializer, the user's included."""
    return sorted(set(_TARGETS) | set(_USER))


def table() -> dict[str, Name]:
    """Every accepted name and its record, sorted by name."""
    return dict(sorted(_NAMES.items()))
