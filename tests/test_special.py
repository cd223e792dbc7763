"""Truncated-normal moments and mass against 50-digit references, far into the tails."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weightinit._special import erfcx, log_mass, truncnorm_moments


def reference(a: float, b: float) -> tuple[float, float, float]:
    """Mean, variance and log mass of N(0, 1) on [a, b], in 60-digit arithmetic."""
    if b <= 0:
        mean, variance, log_z = reference(-b, -a)
        return -mean, variance, log_z
    with mpmath.workdps(60):
        lo = mpmath.mpf(a) if math.isfinite(a) else -mpmath.inf
        hi = mpmath.mpf(b) if math.isfinite(b) else mpmath.inf

        def pdf(x: mpmath.mpf) -> mpmath.mpf:
            return mpmath.mpf(0) if mpmath.isinf(x) else mpmath.npdf(x)

        def x_pdf(x: mpmath.mpf) -> mpmath.mpf:
            return mpmath.mpf(0) if mpmath.isinf(x) else x * mpmath.npdf(x)

        mass = (mpmath.erfc(lo / mpmath.sqrt(2)) - mpmath.erfc(hi / mpmath.sqrt(2))) / 2
        mean = (pdf(lo) - pdf(hi)) / mass
        variance = 1 + (x_pdf(lo) - x_pdf(hi)) / mass - mean**2
        return float(mean), float(variance), float(mpmath.log(mass))


CASES = [
    (-2.0, 2.0),
    (2.0, 3.0),
    (-3.0, -2.0),
    (10.0, 11.0),
    (40.0, 41.0),
    (100.0, math.inf),
    (-math.inf, -30.0),
    (0.5, 0.5000001),
    (-1e-5, 2e-5),
    (-100.0, 100.0),
    (5.0, 5.001),
    (3.0, math.inf),
    (-1.0, math.inf),
    (20.0, 20.5),
    (1000.0, 1001.0),
    (-math.inf, math.inf),
]


@pytest.mark.parametrize(("a", "b"), CASES)
def test_moments_match_reference(a: float, b: float) -> None:
    mean, variance = truncnorm_moments(a, b)
    ref_mean, ref_variance, ref_log = reference(a, b)
    assert math.isclose(mean, ref_mean, rel_tol=1e-13, abs_tol=1e-300)
    assert math.isclose(variance, ref_variance, rel_tol=1e-13)
    assert math.isclose(log_mass(a, b), ref_log, rel_tol=1e-11, abs_tol=1e-15)


@given(
    st.one_of(st.floats(-50, 50), st.floats(0, 12)),
    st.floats(-9, 1.5).map(lambda e: 10.0**e),
)
def test_moments_everywhere(a: float, width: float) -> None:
    b = a + width
    if b <= a:
        return
    mean, variance = truncnorm_moments(a, b)
    ref_mean, ref_variance, _ = reference(a, b)
    assert math.isclose(mean, ref_mean, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(variance, ref_variance, rel_tol=1e-12)


@pytest.mark.parametrize("x", [0.0, 0.5, 1.9, 2.0, 2.1, 10.0, 24.9, 25.0, 30.0, 1e3, 1e8])
def test_erfcx(x: float) -> None:
    with mpmath.workdps(40):
        expected = float(mpmath.exp(mpmath.mpf(x) ** 2) * mpmath.erfc(x))
    assert math.isclose(erfcx(x), expected, rel_tol=1e-14)
