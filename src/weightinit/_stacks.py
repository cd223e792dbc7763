"""What the diagnostic networks share: an initializer read in the ``x @ W`` layout, and unit normal draws.

:func:`weightinit.diagnostics.propagate` and :func:`weightinit.training.train`
both build multilayer perceptrons whose layers compute ``x @ W + b``; both
resolve their initializer and draw their inputs here, so the two read an
initializer, and seed their draws, the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._initializer import Initializer
from ._validation import describe
from .initializers import random_normal
from .registry import get

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["stack_initializer", "standard_normal"]

FloatArray: TypeAlias = "NDArray[np.float64]"


def stack_initializer(identifier: Any) -> tuple[str, Callable[..., FloatArray]]:
    """The initializer's name, and the initializer drawing (fan_in, fan_out) matrices.

    Anything :func:`weightinit.get` resolves; a scheme of another layout (PyTorch's
    schemes default to (out, in)) is bound to the Keras layout, since the weights
    multiply as ``x @ W``.
    """
    if isinstance(identifier, str) or callable(identifier):
        resolved = get(identifier)
    else:
        raise TypeError(
            "initializer must be a name, an Initializer or a callable; "
            f"got {describe('initializer', identifier)}."
        )
    name = getattr(resolved, "name", None) or getattr(resolved, "__name__", "initializer")
    if isinstance(resolved, Initializer) and resolved.layout != "keras":
        resolved = resolved.partial(layout="keras")
    return str(name), resolved


def standard_normal(shape: tuple[int, ...], gen: np.random.Generator) -> FloatArray:
    """Standard normal inputs and gradients, drawn through the library like the weights."""
    return random_normal(shape, stddev=1.0, rng=gen)
