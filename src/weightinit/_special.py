"""Closed forms of the standard normal restricted to an interval.

Everything here works on Python floats with :mod:`math` and stays accurate far
in the tails, where ``Phi(b) - Phi(a)`` underflows or cancels: the tail mass
is written with the scaled complementary error function
``erfcx(x) = exp(x**2) * erfc(x)``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["log_mass", "truncnorm_moments"]

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# Intervals at most this wide, over which the log-density changes by at most
# _QUADRATURE_SPAN, are integrated by Gauss-Legendre quadrature: there the
# closed forms subtract nearly equal tail masses, while 32 nodes integrate
# the smooth density to double precision.
_QUADRATURE_WIDTH = 1.0
_QUADRATURE_SPAN = 8.0


def _fraction_tails(u: float) -> tuple[float, float]:
    """First two remainders ``t1, t2`` of the continued fraction of erfc at ``u >= 2``.

    ``erfc(u) = exp(-u**2) / sqrt(pi) / (u + t1)`` with
    ``t_k = (k/2) / (u + t_{k+1})``; 200 terms reach double precision for
    ``u >= 2``. Written this way the tail's moments need no subtraction of
    nearly equal numbers.
    """
    tail = 0.0
    following = 0.0
    for k in range(200, 0, -1):
        following = tail
        tail = (k / 2.0) / (u + tail)
    return tail, following


def erfcx(x: float) -> float:
    """Scaled complementary error function ``exp(x**2) * erfc(x)`` for ``x >= 0``."""
    if x < 2.0:
        return math.exp(x * x) * math.erfc(x)
    t1, _ = _fraction_tails(x)
    return 1.0 / (math.sqrt(math.pi) * (x + t1))


def _one_sided(a: float) -> tuple[float, float]:
    """``(mean - a, variance)`` of N(0, 1) restricted to ``[a, inf)``, ``a >= 0``."""
    u = a / _SQRT2
    if u < 2.0:
        mills = _SQRT_2_OVER_PI / erfcx(u)
        offset = mills - a
        return offset, 1.0 - mills * offset
    # mills = sqrt(2) * (u + t1), so mean - a = sqrt(2) * t1 and
    # 1 - mills * (mills - a) = 2 * t1 * (t2 - t1) (use t1 * (u + t2) = 1/2).
    t1, t2 = _fraction_tails(u)
    return _SQRT2 * t1, 2.0 * t1 * (t2 - t1)


def _tail_ratio(a: float, b: float) -> float:
    """``Phic(b) / Phic(a)`` for ``0 <= a < b <= inf``."""
    if math.isinf(b):
        return 0.0
    return math.exp((a - b) * (a + b) / 2.0) * erfcx(b / _SQRT2) / erfcx(a / _SQRT2)


def log_mass(a: float, b: float) -> float:
    """Return ``log(Phi(b) - Phi(a))`` for ``a < b`` (either may be infinite)."""
    if a >= 0.0:
        # log Phic(a) + log(1 - Phic(b)/Phic(a)), with log Phic(a) = -a^2/2 + log(erfcx/2).
        ratio = _tail_ratio(a, b)
        if ratio > 0.5:  # a narrow interval: 1 - ratio would cancel (to log(0) at worst)
            return _log_mass_narrow(a, b)
        return -a * a / 2.0 + math.log(erfcx(a / _SQRT2) / 2.0) + math.log1p(-ratio)
    if b <= 0.0:
        return log_mass(-b, -a)
    # The interval holds the mode. With tails of less than half the mass, log1p
    # keeps the log accurate near 0; otherwise the interval is narrow and the
    # sum of two positive erfs gives its mass to full relative precision
    # (log1p(-tails) would round to log(0) for a width near 1e-16).
    tails = (math.erfc(-a / _SQRT2) + math.erfc(b / _SQRT2)) / 2.0
    if tails < 0.5:
        return math.log1p(-tails)
    return math.log((math.erf(b / _SQRT2) + math.erf(-a / _SQRT2)) / 2.0)


@lru_cache(maxsize=1)
def _legendre(order: int = 32) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.legendre.leggauss(order)
    return nodes, weights


def _log_mass_narrow(a: float, b: float) -> float:
    """``log(Phi(b) - Phi(a))`` for ``0 <= a < b`` with ``Phic(b) > Phic(a) / 2``.

    Such an interval is at most about ``log(2) / a`` wide, where the density
    relative to its value at ``a`` is smooth and 32-point Gauss-Legendre
    quadrature is exact to double precision.
    """
    nodes, weights = _legendre()
    x = (a + b) / 2.0 + (b - a) / 2.0 * nodes
    relative = float((weights * np.exp((a - x) * (a + x) / 2.0)).sum())
    log_density_a = -a * a / 2.0 - 0.5 * math.log(2.0 * math.pi)
    return log_density_a + math.log(b - a) + math.log(relative / 2.0)


def _quadrature_moments(a: float, b: float) -> tuple[float, float]:
    """Mean and variance of N(0, 1) on a narrow [a, b] by Gauss-Legendre quadrature."""
    nodes, weights = _legendre()
    middle, half = (a + b) / 2.0, (b - a) / 2.0
    # Work with offsets from the middle so the spread is not lost to rounding of x.
    offsets = half * nodes
    x = middle + offsets
    peak = min(abs(a), abs(b)) if a * b > 0 else 0.0
    density = weights * np.exp((peak - x) * (peak + x) / 2.0)
    total = float(density.sum())
    shift = float((density * offsets).sum()) / total
    variance = float((density * (offsets - shift) ** 2).sum()) / total
    return middle + shift, variance


def truncnorm_moments(a: float, b: float) -> tuple[float, float]:
    """Mean and variance of the standard normal restricted to ``[a, b]``.

    ``a < b``; either bound may be infinite. Exact closed forms (Johnson,
    Kotz and Balakrishnan, *Continuous Univariate Distributions*, vol. 1,
    ch. 13) written with inverse Mills ratios so they hold tens of standard
    deviations into a tail; intervals too narrow for those formulas to keep
    their digits use 32-point Gauss-Legendre quadrature of the density, which
    is exact to double precision there.
    """
    if b <= 0.0:
        mean, variance = truncnorm_moments(-b, -a)
        return -mean, variance
    if b - a <= _QUADRATURE_WIDTH and abs(b * b - a * a) / 2.0 <= _QUADRATURE_SPAN:
        return _quadrature_moments(a, b)
    if a >= 0.0:
        # [a, b] is [a, inf) less [b, inf), whose mass is `ratio` of the first.
        ratio = _tail_ratio(a, b)
        keep = 1.0 - ratio
        offset_a, variance_a = _one_sided(a)
        if ratio == 0.0:
            return a + offset_a, variance_a
        offset_b, variance_b = _one_sided(b)
        offset_b += b - a  # mean of [b, inf) minus a
        offset = (offset_a - ratio * offset_b) / keep
        second = (variance_a + offset_a**2 - ratio * (variance_b + offset_b**2)) / keep
        return a + offset, second - offset * offset
    # a < 0 < b: the interval holds the mode, so no tail formula is needed.
    mass = math.exp(log_mass(a, b))
    pdf_a = 0.0 if math.isinf(a) else math.exp(-a * a / 2.0) / math.sqrt(2.0 * math.pi)
    pdf_b = 0.0 if math.isinf(b) else math.exp(-b * b / 2.0) / math.sqrt(2.0 * math.pi)
    mean = (pdf_a - pdf_b) / mass
    a_term = 0.0 if math.isinf(a) else a * pdf_a
    b_term = 0.0 if math.isinf(b) else b * pdf_b
    variance = 1.0 + (a_term - b_term) / mass - mean * mean
    return mean, variance
