"""The table of named initializers, filled where each one is defined."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Initializer

__all__ = ["add", "available", "lookup", "suggest"]

_CANONICAL: dict[str, Initializer] = {}


def add(init: Initializer) -> None:
    """Record a newly defined initializer under its canonical name."""
    if init.name in _CANONICAL:
        raise ValueError(f"an initializer named {init.name!r} is already registered.")
    _CANONICAL[init.name] = init


def lookup(name: str) -> Initializer:
    """The registered initializer of that canonical name (exact match)."""
    try:
        return _CANONICAL[name]
    except KeyError:
        raise ValueError(
            f"unknown initializer name {name!r}{suggest(name)}; "
            "weightinit.available() lists every name."
        ) from None


def suggest(name: str) -> str:
    """A ``"; did you mean ..."`` clause naming the closest registered names."""
    close = difflib.get_close_matches(name, list(_CANONICAL), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def available() -> list[str]:
    """Sorted canonical names of every registered initializer."""
    return sorted(_CANONICAL)
