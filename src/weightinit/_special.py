"""Closed forms of the standard normal restricted to an interval, and of the complex one to a disk.

Everything here works on Python floats with :mod:`math` and stays accurate far
in the tails, where ``Phi(b) - Phi(a)`` underflows or cancels: the tail mass
is written with the scaled complementary error function
``erfcx(x) = exp(x**2) * erfc(x)``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "JAX_COMPLEX_TRUNCATED_STD",
    "circular_truncated_moment",
    "erf_array",
    "erfcx_array",
    "log_mass",
    "normal_cdf",
    "truncnorm_cdf",
    "truncnorm_moments",
]

Real = TypeVar("Real", float, "NDArray[np.float64]")

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# Intervals at most this wide, over which the log-density changes by at most
# _QUADRATURE_SPAN, are integrated by Gauss-Legendre quadrature: there the
# closed forms subtract nearly equal tail masses, while 32 nodes integrate
# the smooth density to double precision.
_QUADRATURE_WIDTH = 1.0
_QUADRATURE_SPAN = 8.0


def _fraction_tails(u: Real) -> tuple[Real, Real]:
    """First two remainders ``t1, t2`` of the continued fraction of erfc at ``u >= 2``.

    ``erfc(u) = exp(-u**2) / sqrt(pi) / (u + t1)`` with
    ``t_k = (k/2) / (u + t_{k+1})``; 200 terms reach double precision for
    ``u >= 2``. Written this way the tail's moments need no subtraction of
    nearly equal numbers. Works elementwise on arrays too.
    """
    tail: Any = 0.0
    following: Any = 0.0
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


# Below this argument the power series of erf is summed; at and above it, the
# continued fraction of erfc, as in :func:`erfcx`.
_SERIES_LIMIT = 2.0
# Terms of the series: at |x| = 2 the 33rd is below 1e-17 of the sum.
_SERIES_TERMS = 40


def _erf_series(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``erf(x)`` for ``|x| < 2`` from ``exp(-x**2) * 2/sqrt(pi) * sum 2**n x**(2n+1) / (2n+1)!!``.

    Every term has the sign of ``x`` (Abramowitz & Stegun 7.1.6), so the sum
    loses no digits to cancellation: the result is accurate to a few units in
    the last place, relative to ``erf(x)`` itself, down to ``x = 0``.
    """
    square = x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, _SERIES_TERMS + 1):
        term *= square
        term *= 2.0 / (2 * n + 1)
        total += term
    result: NDArray[np.float64] = total * np.exp(-square) * (2.0 / math.sqrt(math.pi))
    return result


def erfcx_array(x: ArrayLike) -> NDArray[np.float64]:
    """Vectorized :func:`erfcx`: ``exp(x**2) * erfc(x)`` elementwise, for ``x >= 0``.

    The same split as the scalar function: ``exp(x**2) * (1 - erf(x))`` below
    2, the continued fraction of :func:`_fraction_tails` at and above.
    """
    values = np.asarray(x, dtype=np.float64)
    result = np.empty_like(values)
    small = values < _SERIES_LIMIT
    near = values[small]
    result[small] = np.exp(near * near) * (1.0 - _erf_series(near))
    far = values[~small]
    t1, _ = _fraction_tails(far)
    result[~small] = 1.0 / (math.sqrt(math.pi) * (far + t1))
    return result


def erf_array(x: ArrayLike) -> NDArray[np.float64]:
    """Vectorized ``math.erf``, accurate to a few units in the last place.

    NumPy has no erf ufunc. Below ``|x| = 2`` the positive power series of
    :func:`_erf_series`; above, ``1 - exp(-x**2) * erfcx(|x|)`` with the sign
    of ``x``.
    """
    values = np.asarray(x, dtype=np.float64)
    result = np.empty_like(values)
    magnitude = np.abs(values)
    small = magnitude < _SERIES_LIMIT
    result[small] = _erf_series(values[small])
    far = magnitude[~small]
    tail = np.exp(-far * far) * erfcx_array(far)
    result[~small] = np.copysign(1.0 - tail, values[~small])
    return result


def _upper_tail_ratio(a: float, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``Phic(x) / Phic(a)`` elementwise for ``0 <= a <= x`` (``x`` may be inf)."""
    finite = np.where(np.isinf(x), a, x)
    # The same erfcx for both, so the ratio is exactly 1 at x = a.
    scaled = erfcx_array(np.append(finite, a) / _SQRT2)
    ratio = np.exp((a - finite) * (a + finite) / 2.0) * scaled[:-1] / scaled[-1]
    return np.where(np.isinf(x), 0.0, ratio)


def normal_cdf(x: ArrayLike) -> NDArray[np.float64]:
    """The standard normal CDF ``Phi(x) = (1 + erf(x / sqrt(2))) / 2``, elementwise."""
    result: NDArray[np.float64] = (1.0 + erf_array(np.asarray(x, dtype=np.float64) / _SQRT2)) / 2.0
    return result


def truncnorm_cdf(x: ArrayLike, a: float, b: float) -> NDArray[np.float64]:
    """CDF of the standard normal restricted to ``[a, b]``, elementwise.

    ``(Phi(x) - Phi(a)) / (Phi(b) - Phi(a))`` for ``a < b`` (either may be
    infinite), computed without cancellation: for an interval in the upper
    tail (``a >= 0``) as ``(1 - Phic(x)/Phic(a)) / (1 - Phic(b)/Phic(a))`` with
    the tail ratios of :func:`_tail_ratio`, for the lower tail by symmetry, and
    for an interval holding the mode as a difference of ``erf`` values, which
    are accurate relative to themselves near 0. Stays accurate tens of
    standard deviations into a tail, where ``Phi(b) - Phi(a)`` underflows.
    """
    values = np.clip(np.asarray(x, dtype=np.float64), a, b)
    if b <= 0.0:
        mirrored: NDArray[np.float64] = 1.0 - truncnorm_cdf(-values, -b, -a)
        return mirrored
    if a >= 0.0:
        kept = 1.0 - _tail_ratio(a, b)
        upper: NDArray[np.float64] = np.clip((1.0 - _upper_tail_ratio(a, values)) / kept, 0.0, 1.0)
        return upper
    low, high = erf_array(np.array([a, b]) / _SQRT2)
    middle: NDArray[np.float64] = (erf_array(values / _SQRT2) - low) / (high - low)
    return middle


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


#: The constant JAX's ``variance_scaling`` divides by for a complex truncated
#: normal (jax/_src/nn/initializers.py, ``variance_scaling``): ``sqrt(1 - 5 e^{-4})``,
#: the root of ``E[|Z|^2; |Z| <= 2]`` before dividing by the disk's mass
#: ``1 - e^{-4}``. Its E|W|^2 is the target times ``1 / (1 - e^{-4})``, 1.87% more.
JAX_COMPLEX_TRUNCATED_STD = 0.95311164380491208


def circular_truncated_moment(bound: float) -> float:
    r"""``E[|Z|^2 | |Z| <= bound]`` for ``Z`` the circular standard complex normal (E|Z|^2 = 1).

    ``|Z|^2`` is Exp(1), so with :math:`a = \mathrm{bound}^2` the moment is
    :math:`1 - a e^{-a} / (1 - e^{-a})`; 0.925370... at ``bound = 2``.

    Examples
    --------
    >>> round(circular_truncated_moment(2.0), 12)
    0.925370558545
    """
    area = bound * bound
    if area == 0.0:
        return 0.0
    if math.isinf(area):
        return 1.0
    return 1.0 - area * math.exp(-area) / -math.expm1(-area)
