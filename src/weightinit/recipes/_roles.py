"""The recipes' building blocks: roles' patterns to an ordered rule list, and two shape-aware initializers.

A recipe names each role of a model's parameters with its default glob
patterns and its initializer; :func:`rules` replaces the patterns a user
gives (``patterns={role: glob or globs or None}``) and fills a per-layer
role's ``{layer}``. :class:`ZeroRow` (an embedding's padding row) and
:class:`StackedFanOut` (a fused qkv's per-projection fans) are what a
scheme's ``partial`` cannot bind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._initializer import Initializer
from .._validation import describe, shown
from ..distributions import Distribution
from ..initializers import torch_normal, torch_uniform

__all__ = ["Role", "StackedFanOut", "ZeroRow", "flag", "normal", "rules", "torch_bias"]

#: One role of a recipe: its name, its default patterns, its initializer (None: no rule).
Role = tuple[str, tuple[str, ...], Any]


@dataclass(frozen=True)
class ZeroRow:
    """An initializer's values with one row set to zero: ``nn.Embedding(padding_idx=...)``.

    ``init(shape, rng=rng, dtype=dtype)`` with row ``index`` (of axis 0;
    negative counts from the end, as PyTorch's ``padding_idx``) then set to
    0, as Hugging Face's ``_init_weights`` zeroes an embedding's padding row
    after drawing it. Every other element has the law of ``init``
    (``self.init.distribution(shape=...)``); the whole array's moments are
    not declared (the row of zeros is not that law).

    Examples
    --------
    >>> import weightinit as wi
    >>> init = ZeroRow(wi.torch_normal.partial(std=0.02), 0)
    >>> W = init((5, 3), rng=1)
    >>> bool((W[0] == 0).all()), bool((W[1:] == wi.torch_normal((5, 3), std=0.02, rng=1)[1:]).all())
    (True, True)
    """

    init: Initializer
    index: int

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> np.ndarray[Any, Any]:
        """Draw ``init``'s array for ``shape`` and zero its row ``index``."""
        dims = (shape,) if isinstance(shape, int) else tuple(shape)
        rows = dims[0] if dims else 0
        if not -rows <= self.index < rows:
            raise ValueError(
                f"padding_idx must be within the embedding's {rows} rows (-{rows} <= padding_idx "
                f"< {rows}); got padding_idx={self.index!r} for shape={shown(dims)}."
            )
        values: np.ndarray[Any, Any] = self.init(dims, rng=rng, dtype=dtype)
        values[self.index] = 0
        return values


@dataclass(frozen=True)
class StackedFanOut:
    """``init`` with the fans of one of ``parts`` projections stacked on axis 0 (a fused qkv).

    For a 2-D weight of PyTorch's layout ``(out, in)``: ``init(shape,
    fan_in=shape[1], fan_out=shape[0] // parts)``, as MoCo v3 (and timm's
    ``init_weights_vit_moco``) treats the query, key and value of one
    ``qkv`` Linear separately. The law is ``init``'s for those fans
    (:meth:`distribution`).

    Examples
    --------
    >>> import weightinit as wi
    >>> init = StackedFanOut(wi.xavier_uniform, 3)
    >>> init.distribution(shape=(24, 8)).support == wi.xavier_uniform.distribution(fan_in=8, fan_out=8).support
    True
    """

    init: Initializer
    parts: int

    def fans(self, shape: Any) -> tuple[int, int]:
        """``(fan_in, fan_out)``: ``(shape[1], shape[0] // parts)``, for a 2-D shape."""
        dims = (shape,) if isinstance(shape, int) else tuple(shape)
        if len(dims) != 2 or dims[0] < self.parts:
            raise ValueError(
                f"a stacked projection's shape must be 2-D (out, in) with out >= {self.parts}; "
                f"got shape={shown(dims)}."
            )
        return int(dims[1]), int(dims[0]) // self.parts

    def distribution(self, *, shape: Any) -> Distribution:
        """The law of every element for ``shape``."""
        fan_in, fan_out = self.fans(shape)
        return self.init.distribution(shape=shape, fan_in=fan_in, fan_out=fan_out)

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> np.ndarray[Any, Any]:
        """Draw ``init`` for ``shape`` with the stacked projection's fans."""
        fan_in, fan_out = self.fans(shape)
        values: np.ndarray[Any, Any] = self.init(
            shape, fan_in=fan_in, fan_out=fan_out, rng=rng, dtype=dtype
        )
        return values


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool; got {describe(name, value)}.")
    return value


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
    names = [role for role, _, _ in roles]
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
