"""A recipe's roles and their glob patterns: the defaults, with a caller's ``patterns={role: glob}`` put over them.

Every recipe names its parameters' roles (``"residual"``, ``"bias"``, ...)
and gives each a default glob on its reference code's parameter paths;
:func:`patterns_of` is the one place a caller's overrides are merged and
checked.
"""

from __future__ import annotations

from collections.abc import Mapping

from .._validation import describe, shown

__all__ = ["patterns_of"]


def patterns_of(defaults: dict[str, str], patterns: Mapping[str, str] | None) -> dict[str, str]:
    """The recipe's role -> glob map: ``defaults`` with ``patterns`` put over them, roles checked."""
    if patterns is None:
        return dict(defaults)
    if not isinstance(patterns, Mapping):
        raise TypeError(
            f"patterns must be a mapping from role to glob; got {describe('patterns', patterns)}."
        )
    merged = dict(defaults)
    for role, glob in patterns.items():
        if role not in defaults:
            roles = ", ".join(map(repr, defaults))
            raise ValueError(f"patterns has no role {shown(role)}; its roles are {roles}.")
        if not isinstance(glob, str):
            raise TypeError(
                f"patterns[{role!r}] must be a str glob; got {describe(repr(role), glob)}."
            )
        merged[role] = glob
    return merged
