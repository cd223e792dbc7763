"""Statistical assertions for initializers: the kit the project's own tests use.

Needs nothing beyond NumPy; the hypothesis strategies live in
:mod:`weightinit.testing.strategies` (the ``testing`` extra).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_real

__all__ = ["assert_moments", "normal_quantile"]


def normal_quantile(upper_tail: float) -> float:
    """The ``z`` with ``P(Z > z) = upper_tail`` for a standard normal ``Z``.

    Solved by bisection on ``erfc``, accurate to double precision for
    ``1e-300 < upper_tail < 0.5``.
    """
    check_real("upper_tail", upper_tail, positive=True, at_most=0.5)
    low, high = 0.0, 40.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if math.erfc(middle / math.sqrt(2.0)) / 2.0 > upper_tail:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def _moments(sample: ArrayLike) -> tuple[int, float, float, float]:
    x = np.asarray(sample, dtype=np.float64).ravel()
    if x.size < 2:
        raise ValueError(f"sample must hold at least 2 values; got {x.size}.")
    if not np.all(np.isfinite(x)):
        raise AssertionError("sample holds non-finite values (NaN or inf).")
    mean = float(x.mean())
    centred = x - mean
    squares = centred * centred
    variance = float(squares.mean())
    fourth = float((squares * squares).mean())
    return x.size, mean, variance, fourth


def assert_moments(
    sample: ArrayLike,
    *,
    mean: float,
    variance: float,
    alpha: float = 1e-6,
    rtol: float = 1e-9,
) -> None:
    """Assert that a sample's mean and variance agree with the given values.

    Each moment is tested with a two-sided z-test at significance ``alpha``,
    using standard errors estimated from the sample itself:
    ``sqrt(s2 / n)`` for the mean and ``sqrt((m4 - s2**2) / n)`` for the
    variance, where ``s2`` and ``m4`` are the sample's second and fourth
    central moments. The fourth moment makes the variance test valid for any
    law with finite fourth moment (uniform, normal, truncated normal, ...),
    not only the normal.

    Parameters
    ----------
    sample : array_like
        The values; flattened.
    mean, variance : float
        The expected values.
    alpha : float, default 1e-6
        Probability that a correct sample fails each of the two tests.
    rtol : float, default 1e-9
        Relative slack for samples without spread (constants), where the
        standard errors are zero and only rounding separates the values.

    Raises
    ------
    AssertionError
        With the observed and expected values and the z-scores.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.testing import assert_moments
    >>> x = np.random.default_rng(0).uniform(-1, 1, 100_000)
    >>> assert_moments(x, mean=0.0, variance=1 / 3)
    """
    expected_mean = check_real("mean", mean)
    expected_variance = check_real("variance", variance, nonnegative=True)
    check_real("alpha", alpha, positive=True, at_most=0.5)
    n, observed_mean, observed_variance, fourth = _moments(sample)
    critical = normal_quantile(alpha / 2.0)
    mean_error = math.sqrt(observed_variance / n)
    # Sample variance with Bessel's correction is unbiased; its standard error
    # comes from the fourth moment: Var(s2) ~ (m4 - s2^2) / n.
    unbiased_variance = observed_variance * n / (n - 1)
    variance_error = math.sqrt(max(fourth - observed_variance**2, 0.0) / n)
    slack_mean = rtol * max(abs(expected_mean), math.sqrt(expected_variance), 1e-300)
    slack_variance = rtol * max(expected_variance, 1e-300)
    z_mean = _z(observed_mean - expected_mean, mean_error, slack_mean)
    z_variance = _z(unbiased_variance - expected_variance, variance_error, slack_variance)
    if abs(z_mean) > critical or abs(z_variance) > critical:
        raise AssertionError(
            f"sample of {n} values is inconsistent with the expected moments at alpha={alpha:g} "
            f"(|z| must be <= {critical:.3f}):\n"
            f"  mean:     observed {observed_mean:.10g}, expected {expected_mean:.10g}, z = {z_mean:.3f}\n"
            f"  variance: observed {unbiased_variance:.10g}, expected {expected_variance:.10g}, "
            f"z = {z_variance:.3f}"
        )


def _z(difference: float, error: float, slack: float) -> float:
    if abs(difference) <= slack:
        return 0.0
    if error == 0.0:
        return math.copysign(math.inf, difference)
    return difference / error
