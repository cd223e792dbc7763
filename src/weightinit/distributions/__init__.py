"""The laws initializers draw from, with their exact moments: one class per law.

An initializer, given its parameters and the array's shape and fans, builds
one of these; the law knows its per-element mean and variance in closed form,
its support, how to fill an array through the sampling engine, and what the
testing kit checks of its arrays. The moments are those of the value at a
uniformly chosen position of the array: for i.i.d. laws that is every
element's law; for structured arrays (orthogonal, identity, sparse, ...) it
is the mixture over positions, which is what the sample mean and variance of
the whole array estimate.

The base class is in :mod:`.base`, the laws filled element by element in
:mod:`.elementwise`, the laws of one whole array in :mod:`.structured`; every
name is importable from here. Obtain a law with
:meth:`weightinit.Initializer.distribution`.
"""

from __future__ import annotations

from .base import Compared, Distribution, Forms
from .elementwise import Constant, Normal, TruncatedNormal, Uniform
from .structured import DeltaOrthogonal, Indicator, Orthogonal, Sparse

__all__ = [
    "Compared",
    "Constant",
    "DeltaOrthogonal",
    "Distribution",
    "Forms",
    "Indicator",
    "Normal",
    "Orthogonal",
    "Sparse",
    "TruncatedNormal",
    "Uniform",
]
