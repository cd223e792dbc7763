"""Config values as strict JSON data and back: nesting bounded, non-finite floats spelled out.

:func:`json_safe` turns a bound value into data ``json.dumps(d,
allow_nan=False)`` takes, refusing what no round trip could give back as it
is; :func:`decoded` reads it back. A float strict JSON cannot hold is written
as Keras writes a NumPy float64 scalar, ``{"class_name": "__numpy__",
"config": {"value": "-inf", "dtype": "float64"}}``, which Keras reads back too.
Lists and dicts may nest at most :data:`MAX_NESTING` deep, in both directions,
so reading an untrusted config never exhausts the recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._settings import plain as _plain
from ._validation import describe

__all__ = ["MAX_NESTING", "decoded", "encoded", "json_safe"]

#: How deep lists and dicts in a config value may nest: NumPy's own most
#: dimensions in 2.x, so every array fits, and far within Python's recursion limit.
MAX_NESTING = 64

# Floats strict JSON cannot hold, as json_safe spells them.
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _nesting_checked(key: str, value: Any, depth: int) -> None:
    if depth > MAX_NESTING:
        raise TypeError(
            f"config values may nest lists and dicts at most {MAX_NESTING} deep; got "
            f"{describe(key, value)} nested deeper."
        )


def encoded(config: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of ``config`` as :func:`json_safe` writes it."""
    return {key: json_safe(key, value) for key, value in config.items()}


def json_safe(key: str, value: Any, depth: int = 0) -> Any:
    """``value`` as strict JSON data that :func:`decoded` gives back as it is."""
    _nesting_checked(key, value, depth)
    plain = _plain(value)
    if plain is None or isinstance(plain, (bool, int, str)):
        return plain
    if isinstance(plain, float):
        if math.isfinite(plain):
            return plain
        spelling = "nan" if math.isnan(plain) else "inf" if plain > 0 else "-inf"
        return {"class_name": "__numpy__", "config": {"value": spelling, "dtype": "float64"}}
    if isinstance(plain, list):
        return [json_safe(key, item, depth + 1) for item in plain]
    if isinstance(plain, dict):
        if not all(isinstance(name, str) for name in plain):
            raise TypeError(
                "config values must be JSON-safe: a dict's keys must be str, as JSON's are "
                f"(others would come back as str); got {describe(key, value)}."
            )
        if _non_finite(plain) is not None:
            raise TypeError(
                "config values must be JSON-safe: this dict is the form serialize writes for "
                f"a non-finite float, so it would come back as that float; got {describe(key, value)}."
            )
        return {name: json_safe(key, item, depth + 1) for name, item in plain.items()}
    raise TypeError(f"config values must be JSON-safe; got {describe(key, value)}.")


def _non_finite(value: Any) -> float | None:
    """The float ``value`` spells in json_safe's form of a non-finite float, or None."""
    if not isinstance(value, Mapping) or set(value) != {"class_name", "config"}:
        return None
    inner = value["config"]
    if value["class_name"] != "__numpy__" or not isinstance(inner, Mapping):
        return None
    spelling = inner.get("value")
    if set(inner) != {"value", "dtype"} or inner["dtype"] != "float64":
        return None
    return _NON_FINITE.get(spelling) if isinstance(spelling, str) else None


def decoded(key: str, value: Any, depth: int = 0) -> Any:
    """The inverse of :func:`json_safe` (on JSON data)."""
    _nesting_checked(key, value, depth)
    special = _non_finite(value)
    if special is not None:
        return special
    if isinstance(value, list):
        return [decoded(key, item, depth + 1) for item in value]
    if isinstance(value, Mapping):
        return {name: decoded(key, item, depth + 1) for name, item in value.items()}
    return value
