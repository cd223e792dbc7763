r"""The moment test: z-scores of a sample's mean and variance, and :func:`assert_moments`.

Also the sizes and levels the kit's other tests share: :data:`MIN_SAMPLE`
and the normal quantile.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_real

#: The fewest values :func:`assert_moments` and :func:`kolmogorov_smirnov`
#: accept. Their p-values come from normal and Kolmogorov limit laws whose
#: error in the far tail (``alpha`` near 1e-6) shrinks like ``1/sqrt(n)``;
#: below this size the stated ``alpha`` would not be the false-alarm rate.
MIN_SAMPLE = 4096


def normal_quantile(upper_tail: float) -> float:
    """The ``z`` with ``P(Z > z) = upper_tail`` for a standard normal ``Z``.

    Solved by bisection on ``erfc``, accurate to double precision for
    ``1e-300 < upper_tail <= 0.5``.

    Examples
    --------
    >>> from weightinit.testing import normal_quantile
    >>> round(normal_quantile(0.025), 4)
    1.96
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


# The Box-Cox power of the variance test is kept within +-_MAX_POWER, where
# sampling noise in the sixth moment could otherwise carry it.
_MAX_POWER = 2.0


def checked_size(sample: NDArray[Any]) -> int:
    if sample.size < MIN_SAMPLE:
        raise ValueError(
            f"sample must hold at least {MIN_SAMPLE} values for the stated alpha to hold; "
            f"got {sample.size}."
        )
    return int(sample.size)


def _per_test(alpha: float, tests: int) -> float:
    """Šidák's level ``1 - (1 - alpha)**(1/tests)`` for each of ``tests`` tests.

    For two-sided normal tests the family then fails with probability at most
    ``alpha`` whatever their correlation (Šidák, 1967, JASA 62:626-633), and
    exactly ``alpha`` when they are independent.
    """
    return -math.expm1(math.log1p(-alpha) / tests)


class MomentScores(NamedTuple):
    """The two z-scores of :func:`assert_moments` and what they came from."""

    n: int
    mean: float
    variance: float
    z_mean: float
    z_variance: float


def moment_scores(
    sample: ArrayLike, *, mean: float, variance: float, rtol: float = 1e-9
) -> MomentScores:
    """The z-scores :func:`assert_moments` compares with its threshold.

    See :func:`assert_moments` for the statistics. Exposed for calibration:
    one pass over a sample gives the scores, which can then be compared with
    the thresholds of several ``alpha``.
    """
    expected_mean = check_real("mean", mean)
    expected_variance = check_real("variance", variance, nonnegative=True)
    x = np.asarray(sample, dtype=np.float64).ravel()
    n = checked_size(x)
    if not np.all(np.isfinite(x)):
        raise AssertionError("sample holds non-finite values (NaN or inf).")
    observed_mean = float(x.mean())
    centred = x - observed_mean
    squares = centred * centred
    second = float(squares.mean())
    fourth = float(np.dot(squares, squares)) / n
    sixth = float(np.dot(squares, squares * squares)) / n
    unbiased_variance = second * n / (n - 1)
    slack_mean = rtol * max(abs(expected_mean), math.sqrt(expected_variance), 1e-300)
    slack_variance = rtol * max(expected_variance, 1e-300)
    # The mean's standard error under the hypothesis being tested: with the
    # expected variance, z is exactly N(0, 1) for normal samples at any n.
    z_mean = _z(observed_mean - expected_mean, math.sqrt(expected_variance / n), slack_mean)
    difference = unbiased_variance - expected_variance
    if second == 0.0 or expected_variance == 0.0 or abs(difference) <= slack_variance:
        z_variance = _z(difference, 0.0, slack_variance)
    else:
        z_variance = _variance_z(unbiased_variance / expected_variance, n, second, fourth, sixth)
    return MomentScores(n, observed_mean, unbiased_variance, z_mean, z_variance)


def _variance_z(ratio: float, n: int, second: float, fourth: float, sixth: float) -> float:
    r"""The variance test's z for ``ratio = s2 / sigma2`` (see :func:`assert_moments`)."""
    kurtosis = fourth / second**2
    moment6 = sixth / second**3
    # Var(s2) / sigma**4, exact for i.i.d. values (Cramér, 1946, Mathematical
    # Methods of Statistics, ch. 27).
    spread = math.sqrt((kurtosis - 1.0 + 2.0 / (n - 1)) / n)
    excess = kurtosis - 1.0
    if excess <= 0.0:
        return (ratio - 1.0) / spread
    # The Box-Cox power that cancels the statistic's skewness to order
    # 1/sqrt(n): that of s2 (third cumulant mu6 - 3 mu4 + 2) and that of
    # studentizing (covariance of s2 with the kurtosis, mu6 - mu4 - 2 mu4 (mu4 - 1)),
    # standardized moments throughout. 1/3 for the normal (Wilson-Hilferty).
    third = moment6 - 3.0 * kurtosis + 2.0
    covariance = moment6 - kurtosis - 2.0 * kurtosis * excess
    power = 1.0 - third / (3.0 * excess**2) + covariance / excess**2
    power = min(max(power, -_MAX_POWER), _MAX_POWER)
    if abs(power) < 1e-8:
        return math.log(ratio) / spread
    return math.expm1(power * math.log(ratio)) / power / spread


def moment_threshold(alpha: float) -> float:
    """The ``|z|`` above which :func:`assert_moments` fails at level ``alpha``."""
    check_real("alpha", alpha, positive=True, at_most=0.5)
    return normal_quantile(_per_test(alpha, 2) / 2.0)


def assert_moments(
    sample: ArrayLike,
    *,
    mean: float,
    variance: float,
    alpha: float = 1e-6,
    rtol: float = 1e-9,
) -> None:
    r"""Assert that a sample's mean and variance agree with the given values.

    Two two-sided z-tests, each at Šidák's level
    :math:`1 - \sqrt{1 - \alpha}` (about ``alpha / 2``), so that a sample
    from a law with exactly this mean and variance fails the assertion with
    probability at most ``alpha`` (exactly ``alpha`` for symmetric laws, whose
    sample mean and variance are uncorrelated):

    - mean: :math:`z = (\bar x - \mu) / \sqrt{\sigma^2 / n}`, with the
      *expected* variance :math:`\sigma^2`, the standard error under the
      hypothesis; exactly standard normal for normal samples;
    - variance: with :math:`r = s^2/\sigma^2` (:math:`s^2` the unbiased
      sample variance) and the sample's standardized moments
      :math:`\kappa = m_4/m_2^2`, :math:`\mu_6 = m_6/m_2^3`,

      .. math:: z = \frac{(r^p - 1)/p}{\sqrt{(\kappa - 1 + 2/(n-1))/n}},
                \qquad p = 1 - \frac{\mu_6 - 3\kappa + 2}{3(\kappa-1)^2}
                          + \frac{\mu_6 - \kappa - 2\kappa(\kappa-1)}{(\kappa-1)^2}.

      The denominator is the exact standard error of :math:`r` for i.i.d.
      values, from the sample's own fourth moment, so the test holds for any
      law with finite moments (uniform, normal, truncated normal, mixtures
      with zeros), not only the normal. The Box-Cox power :math:`p` cancels
      the statistic's skewness to order :math:`1/\sqrt n` (that of
      :math:`s^2` and that of dividing by an estimated standard error);
      :math:`p = 1/3` for normal samples, the Wilson-Hilferty cube root. For
      a small error, :math:`z \approx (r - 1)` over its standard error.

    Parameters
    ----------
    sample : array_like
        The values (flattened); at least :data:`MIN_SAMPLE`.
    mean, variance : float
        The expected values.
    alpha : float, default 1e-6
        Probability that a correct sample fails this assertion.
    rtol : float, default 1e-9
        Relative slack for samples without spread (constants), where the
        standard errors are zero and only rounding separates the values.

    Raises
    ------
    AssertionError
        With the observed and expected values, the z-scores and the threshold.
    ValueError
        For fewer than :data:`MIN_SAMPLE` values, or parameters out of range.

    Notes
    -----
    The thresholds are those of the normal limit law; their error in the far
    tail shrinks like :math:`1/\sqrt{n}`. The false-alarm rate and the power
    (the smallest variance error detected) are measured in
    ``docs/testing.md``.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.testing import assert_moments
    >>> x = np.random.default_rng(0).uniform(-1, 1, 100_000)
    >>> assert_moments(x, mean=0.0, variance=1 / 3)
    >>> assert_moments(1.1 * x, mean=0.0, variance=1 / 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: sample of 100000 values is inconsistent with the expected moments ...
      mean:     observed ..., expected 0, z = ...
      variance: observed 0.40..., expected 0.3333333333, z = 63...
    """
    check_real("alpha", alpha, positive=True, at_most=0.5)
    check_real("rtol", rtol, nonnegative=True)
    scores = moment_scores(sample, mean=mean, variance=variance, rtol=rtol)
    critical = moment_threshold(alpha)
    if abs(scores.z_mean) > critical or abs(scores.z_variance) > critical:
        raise AssertionError(
            f"sample of {scores.n} values is inconsistent with the expected moments at "
            f"alpha={alpha:g} (|z| must be <= {critical:.3f}):\n"
            f"  mean:     observed {scores.mean:.10g}, expected {float(mean):.10g}, "
            f"z = {scores.z_mean:.3f}\n"
            f"  variance: observed {scores.variance:.10g}, expected {float(variance):.10g}, "
            f"z = {scores.z_variance:.3f}"
        )


def _z(difference: float, error: float, slack: float) -> float:
    if abs(difference) <= slack:
        return 0.0
    if error == 0.0:
        return math.copysign(math.inf, difference)
    return difference / error
