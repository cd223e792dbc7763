"""The recipes' building blocks: each role's default patterns, a caller's ``patterns=`` put over them, and the rule list.

A recipe names each role of a model's parameters with its default glob
patterns and its initializer; :func:`rules` replaces the patterns a user
gives (``patterns={role: glob or globs or None}``) and fills a per-layer
role's ``{layer}``; :func:`patterns_of` is the same check for the recipes
that build their rules from a role -> glob map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .._initializer import Initializer
from .._validation import check_bool, describe, shown
from ..initializers import torch_normal, torch_uniform

__all__ = ["Role", "flag", "normal", "patterns_of", "rules", "torch_bias"]

#: One role of a recipe: its name, its default patterns, its initializer (None: no rule).
Role = tuple[str, tuple[str, ...], Any]


def flag(name: str, value: Any) -> bool:
    """A recipe's switch: ``True`` or ``False`` (:func:`~weightinit._validation.check_bool`)."""
    return check_bool(name, value)


def _globs(recipe: str, role: str, value: Any) -> tuple[str, ...] | None:
    """A role's patterns as given: a str, a sequence of strs, or None (no rule)."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(
        f"patterns[{role!r}] of {recipe} must be a glob (str), a non-empty sequence of globs "
        f"or None; got {describe(f'patterns[{role!r}]', value)}."
    )


def _given(recipe: str, names: Sequence[str], patterns: Any) -> Mapping[str, Any]:
    """A caller's ``patterns=``: a mapping whose every key is one of the recipe's roles ``names``."""
    given: Mapping[str, Any] = {} if patterns is None else patterns
    if not isinstance(given, Mapping):
        raise TypeError(
            f"patterns of {recipe} must be a mapping of role to glob(s); got "
            f"{describe('patterns', patterns)}."
        )
    unknown = [key for key in given if key not in names]
    if unknown:
        raise ValueError(
            f"patterns of {recipe} has unknown role(s) {', '.join(map(shown, unknown))}; its "
            f"roles are {', '.join(names)}."
        )
    return given


def rules(
    recipe: str,
    roles: Sequence[Role],
    patterns: Any,
    layers: Mapping[str, Sequence[tuple[str, Any]]],
) -> list[tuple[str, Any]]:
    """The rule list: each role's patterns (its defaults, or as given) with its initializer.

    ``layers`` maps a per-layer role to ``(index, initializer)`` pairs (an
    index ``"3"``, or ``"*"`` for every layer); that role's patterns must
    hold ``{layer}``, replaced by each index.
    """
    given = _given(recipe, [role for role, _, _ in roles], patterns)
    result: list[tuple[str, Any]] = []
    for role, default, init in roles:
        globs = _globs(recipe, role, given[role]) if role in given else default
        if globs is None or (init is None and role not in layers):
            continue
        if role not in layers:
            result.extend((glob, init) for glob in globs)
            continue
        if not all("{layer}" in glob for glob in globs):
            raise ValueError(
                f"patterns[{role!r}] of {recipe} is a per-layer role: each glob must hold "
                f"'{{layer}}'; got {shown(list(globs))}."
            )
        for index, layer_init in layers[role]:
            result.extend((glob.replace("{layer}", index), layer_init) for glob in globs)
    return result


def normal(std: float) -> Initializer:
    """PyTorch's ``normal_(mean=0, std=std)``."""
    return torch_normal.partial(mean=0.0, std=std)


def torch_bias(fan_in: int) -> Initializer:
    """``nn.Linear``/``nn.Conv2d``'s default bias: ``uniform_(-1/sqrt(fan_in), 1/sqrt(fan_in))``."""
    bound = 1 / math.sqrt(fan_in)
    return torch_uniform.partial(a=-bound, b=bound)


def patterns_of(
    recipe: str, defaults: dict[str, str], patterns: Mapping[str, str] | None
) -> dict[str, str]:
    """The role -> glob map of a recipe with one glob per role: ``defaults`` with ``patterns`` put over them."""
    merged = dict(defaults)
    for role, glob in _given(recipe, list(defaults), patterns).items():
        if not isinstance(glob, str):
            raise TypeError(
                f"patterns[{role!r}] of {recipe} must be a glob (str); got "
                f"{describe(f'patterns[{role!r}]', glob)}."
            )
        merged[role] = glob
    return merged
