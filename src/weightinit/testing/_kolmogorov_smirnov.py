r"""The shape test: one-sample Kolmogorov-Smirnov against a law's CDF."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import describe
from ..distributions import Distribution
from ._moments import checked_size


class KSResult(NamedTuple):
    """The Kolmogorov-Smirnov statistic ``D`` and its p-value."""

    statistic: float
    pvalue: float


def kolmogorov_sf(x: float) -> float:
    r"""``P(K > x)`` for Kolmogorov's limit law :math:`K = \sup |B(t)|`.

    :math:`2 \sum_{k \ge 1} (-1)^{k-1} e^{-2 k^2 x^2}` for ``x >= 1``; below,
    the complementary theta-function form
    :math:`1 - \sqrt{2\pi}/x \sum_{k \ge 1} e^{-(2k-1)^2 \pi^2 / (8 x^2)}`,
    which converges fast there. Both are summed to double precision.
    """
    if x <= 0.0:
        return 1.0
    if x >= 1.0:
        total = 0.0
        for k in range(1, 101):
            term = math.exp(-2.0 * k * k * x * x)
            total += term if k % 2 else -term
            if term < 1e-300:
                break
        return min(1.0, 2.0 * total)
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-((2 * k - 1) ** 2) * math.pi**2 / (8.0 * x * x))
        total += term
        if term < 1e-300:
            break
    return max(0.0, 1.0 - math.sqrt(2.0 * math.pi) / x * total)


def kolmogorov_smirnov(
    sample: ArrayLike, cdf: Callable[[NDArray[np.float64]], NDArray[np.float64]]
) -> KSResult:
    r"""One-sample Kolmogorov-Smirnov test of ``sample`` against a continuous ``cdf``.

    :math:`D = \sup_x |F_n(x) - F(x)|`; the p-value is Kolmogorov's limit law
    at Stephens' finite-``n`` argument
    :math:`(\sqrt n + 0.12 + 0.11/\sqrt n) D` (Stephens, 1970, "Use of the
    Kolmogorov-Smirnov, Cramér-Von Mises and related statistics without
    extensive tables", JRSS B 32:115-122), accurate to a few percent of the
    p-value from ``n`` of a few dozen and far better at :data:`MIN_SAMPLE`
    and above, the sizes accepted.

    Values of a floating dtype stand for the real numbers that round to
    them: each sample value is compared with the CDF at its neighbours in
    its dtype (``F(next) `` for the step up, ``F(previous)`` before it), so
    the coarse grid of float16 never causes a false alarm.

    Parameters
    ----------
    sample : array_like of float
        At least :data:`MIN_SAMPLE` finite values.
    cdf : callable
        Maps a float64 array to the CDF's values, elementwise.

    Returns
    -------
    KSResult
        ``(statistic, pvalue)``.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.testing import kolmogorov_smirnov
    >>> x = np.random.default_rng(0).uniform(size=10_000)
    >>> kolmogorov_smirnov(x, lambda t: np.clip(t, 0, 1)).pvalue > 1e-6
    True
    """
    x = np.sort(np.asarray(sample).ravel())
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    n = checked_size(x)
    if not np.all(np.isfinite(x)):
        raise ValueError("sample must hold only finite values for a Kolmogorov-Smirnov test.")
    above = cdf(np.nextafter(x, np.inf).astype(np.float64))
    below = cdf(np.nextafter(x, -np.inf).astype(np.float64))
    steps = np.arange(1, n + 1, dtype=np.float64) / n
    statistic = max(float(np.max(steps - above)), float(np.max(below - (steps - 1.0 / n))), 0.0)
    root = math.sqrt(n)
    return KSResult(statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic))


def law_cdf(law: Distribution) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """The CDF of one element of an i.i.d. law (uniform, normal, truncated normal, ...).

    The law's own :meth:`~weightinit.distributions.Distribution.cdf`; a law
    whose elements are not i.i.d. has none.
    """
    if not isinstance(law, Distribution) or not law.elementwise:
        raise TypeError(
            "law must be a Uniform, Normal or TruncatedNormal distribution, or another law "
            f"whose elements are i.i.d. (elementwise = True); got {describe('law', law)}."
        )
    return law.cdf
