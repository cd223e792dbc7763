r"""Statistical assertions for initializers: the kit the project's own tests use.

:func:`assert_moments` tests a sample's mean and variance; :func:`assert_initializer`
draws from an initializer and checks everything its law declares (moments,
support, the shape of the distribution, structure). Both need nothing beyond
NumPy. The hypothesis strategies live in :mod:`weightinit.testing.strategies`
(the ``testing`` extra); importing this module never imports hypothesis.

Every assertion takes ``alpha``: the probability that a correct sample makes
that one call fail. The default, 1e-6, lets a test suite make thousands of
assertions with fixed seeds and essentially never see a false alarm. How
closely the false-alarm rate matches ``alpha``, and how small an error the
tests detect, is measured in ``docs/testing.md`` (by
``tools/calibrate_testing.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._special import log_mass, normal_cdf, truncnorm_cdf
from .._validation import check_int, check_real, check_rng, check_shape, describe
from ..distributions import (
    DeltaOrthogonal,
    Distribution,
    Normal,
    Orthogonal,
    Sparse,
    TruncatedNormal,
    Uniform,
)
from ..fans import resolve_axes

__all__ = [
    "MIN_SAMPLE",
    "KSResult",
    "MomentScores",
    "assert_initializer",
    "assert_moments",
    "kolmogorov_sf",
    "kolmogorov_smirnov",
    "law_cdf",
    "moment_scores",
    "moment_threshold",
    "normal_quantile",
]

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


def _checked_size(sample: NDArray[Any]) -> int:
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
    n = _checked_size(x)
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


# --- Kolmogorov-Smirnov ---------------------------------------------------------------


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
    n = _checked_size(x)
    if not np.all(np.isfinite(x)):
        raise ValueError("sample must hold only finite values for a Kolmogorov-Smirnov test.")
    above = cdf(np.nextafter(x, np.inf).astype(np.float64))
    below = cdf(np.nextafter(x, -np.inf).astype(np.float64))
    steps = np.arange(1, n + 1, dtype=np.float64) / n
    statistic = max(float(np.max(steps - above)), float(np.max(below - (steps - 1.0 / n))), 0.0)
    root = math.sqrt(n)
    return KSResult(statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic))


# --- initializers ------------------------------------------------------------------------

#: The laws whose elements are i.i.d., so that a Kolmogorov-Smirnov test applies.
_IID = (Uniform, Normal, TruncatedNormal)


def law_cdf(law: Distribution) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """The CDF of one element of an i.i.d. law (uniform, normal, truncated normal)."""
    if isinstance(law, Uniform):
        low, width = law.low, law.high - law.low
        return lambda x: np.clip((x - low) / width, 0.0, 1.0)
    if isinstance(law, Normal):
        loc, scale = law.loc, law.scale
        return lambda x: normal_cdf((x - loc) / scale)
    if isinstance(law, TruncatedNormal):
        loc, scale = law.loc, law.scale
        a, b = (law.low - loc) / scale, (law.high - loc) / scale
        return lambda x: truncnorm_cdf((x - loc) / scale, a, b)
    raise TypeError(
        "law must be a Uniform, Normal or TruncatedNormal distribution; "
        f"got {describe('law', law)}."
    )


def _max_density(law: Distribution) -> float:
    """The largest value of the law's density (i.i.d. laws)."""
    if isinstance(law, Uniform):
        return 1.0 / (law.high - law.low)
    root = math.sqrt(2.0 * math.pi)
    if isinstance(law, Normal):
        return 1.0 / (law.scale * root)
    assert isinstance(law, TruncatedNormal)
    a, b = (law.low - law.loc) / law.scale, (law.high - law.loc) / law.scale
    peak = min(max(0.0, a), b)
    return math.exp(-peak * peak / 2.0 - log_mass(a, b)) / (law.scale * root)


def _log_tie_chance(law: Distribution, dtype: np.dtype[Any], units: int, length: int) -> float:
    """Log of an upper bound on the chance that two of ``units`` i.i.d. vectors are equal.

    Each element lands on one representable value with probability at most
    ``q = max density * largest spacing`` of ``dtype`` over the law's range;
    two vectors of ``length`` elements agree with probability at most
    ``q**length``, and there are ``units * (units - 1) / 2`` pairs.
    """
    low, high = law.support
    if isinstance(law, (Normal, TruncatedNormal)):
        # Beyond 40 standard deviations a normal value has probability < 1e-347.
        low = max(low, law.loc - 40.0 * law.scale)
        high = min(high, law.loc + 40.0 * law.scale)
    magnitude = max(abs(low), abs(high))
    spacing = float(np.spacing(dtype.type(magnitude)))
    chance = min(1.0, _max_density(law) * spacing)
    pairs = units * (units - 1) / 2.0
    if chance == 0.0:
        return -math.inf
    return math.log(pairs) + length * math.log(chance)


@dataclass
class _Report:
    """Failures found so far, and what to print with them."""

    header: str
    failures: list[str]

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def raise_if_failed(self) -> None:
        if self.failures:
            raise AssertionError(self.header + "\n" + "\n".join(f"- {f}" for f in self.failures))


def _matrix(array: NDArray[Any], out_axes: tuple[int, ...]) -> NDArray[Any]:
    """``array`` as a (rows, cols) matrix whose columns run over ``out_axes``."""
    order = tuple(axis for axis in range(array.ndim) if axis not in out_axes) + out_axes
    cols = math.prod(array.shape[axis] for axis in out_axes)
    matrix: NDArray[Any] = array.transpose(order).reshape(-1, cols)
    return matrix


def _orthogonality_error(matrix: NDArray[Any], gain: float) -> float:
    """Largest entry of ``|Q^T Q - I|`` (or ``Q Q^T``) for ``Q = matrix / gain``."""
    q = matrix.astype(np.float64) / gain
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    return float(np.max(np.abs(gram - np.eye(gram.shape[0]))))


def _orthogonality_tolerance(matrix: NDArray[Any]) -> float:
    # Householder QR keeps orthogonality to a small multiple of eps * sqrt(size)
    # in practice; rounding the result to a narrower dtype adds eps of that dtype.
    return 4.0 * float(np.finfo(matrix.dtype).eps) * math.sqrt(max(matrix.shape))


def _check_orthogonal(report: _Report, matrix: NDArray[Any], gain: float, what: str) -> None:
    if gain == 0.0:
        if np.any(matrix != 0):
            report.fail(f"{what}: gain is 0 but the matrix is not all zeros.")
        return
    error = _orthogonality_error(matrix, gain)
    tolerance = _orthogonality_tolerance(matrix)
    if not error <= tolerance:
        report.fail(
            f"{what}: the {matrix.shape[0]}x{matrix.shape[1]} matrix divided by gain={gain:g} "
            f"is not orthogonal: max |Q^T Q - I| = {error:.3g} > {tolerance:.3g}."
        )


def _check_structure(report: _Report, law: Distribution, draws: list[NDArray[Any]]) -> None:
    """Checks of structured laws that hold exactly, draw by draw."""
    if isinstance(law, Orthogonal):
        for index, draw in enumerate(draws):
            _check_orthogonal(
                report, _matrix(draw, law.out_axes), law.gain, f"draw {index} (orthogonal)"
            )
    elif isinstance(law, DeltaOrthogonal):
        for index, draw in enumerate(draws):
            centre: list[Any] = [size // 2 for size in law.shape]
            centre[law.in_axis] = slice(None)
            centre[law.out_axis] = slice(None)
            matrix = draw[tuple(centre)]
            if law.in_axis > law.out_axis:
                matrix = matrix.T
            _check_orthogonal(report, matrix, law.scale, f"draw {index} (centre of the kernel)")
            outside = draw.copy()
            outside[tuple(centre)] = 0
            if np.any(outside != 0):
                report.fail(
                    f"draw {index}: {int(np.count_nonzero(outside))} nonzero values outside "
                    "the kernel's centre (delta_orthogonal writes zeros there)."
                )
    elif isinstance(law, Sparse):
        for index, draw in enumerate(draws):
            zeros = np.count_nonzero(draw == 0, axis=law.out_axis)
            # A normal value can round to 0 in float16, never fewer zeros than drawn.
            short = np.flatnonzero(zeros < law.zeros)
            if short.size:
                report.fail(
                    f"draw {index}: input unit {int(short[0])} has {int(zeros[short[0]])} zeros "
                    f"along the output axis; sparse writes {law.zeros} per input unit."
                )


def _check_exact(
    report: _Report, law: Distribution, draw: NDArray[Any], shape: tuple[int, ...]
) -> None:
    """Non-random laws: every value exactly, and the closed-form moments."""
    exact = law.sample(shape)
    expected = exact.astype(draw.dtype)
    wrong = np.flatnonzero((draw != expected).ravel())
    if wrong.size:
        position = np.unravel_index(int(wrong[0]), shape)
        report.fail(
            f"{wrong.size} of {draw.size} values differ from the law's; first at "
            f"{tuple(int(i) for i in position)}: got {draw[position]!r}, "
            f"expected {expected[position]!r}."
        )
    for name, observed, declared in (
        ("mean", float(exact.mean()), law.mean),
        ("variance", float(exact.var()), law.variance),
    ):
        if not math.isclose(observed, declared, rel_tol=1e-9, abs_tol=1e-300):
            report.fail(
                f"the declared {name} {declared!r} differs from the {name} {observed!r} "
                "of the values the law writes."
            )


def _check_support(report: _Report, law: Distribution, pooled: NDArray[Any]) -> None:
    low, high = law.support
    dtype = pooled.dtype.type
    # A bound rounded to the sample's dtype, and one more unit in the last
    # place for the arithmetic that scales and shifts in that dtype.
    lowest = np.nextafter(dtype(low), dtype(-np.inf)) if math.isfinite(low) else -np.inf
    highest = np.nextafter(dtype(high), dtype(np.inf)) if math.isfinite(high) else np.inf
    smallest, largest = pooled.min(), pooled.max()
    if smallest < lowest or largest > highest:
        report.fail(
            f"values outside the declared support [{low!r}, {high!r}]: "
            f"min {smallest!r}, max {largest!r}."
        )


def _check_ties(
    report: _Report,
    law: Distribution,
    draws: list[NDArray[Any]],
    out_axes: tuple[int, ...] | None,
    budget: float,
) -> None:
    """No two rows and no two columns of a draw identical, where chance makes that negligible."""
    if out_axes is None:
        return
    for index, draw in enumerate(draws):
        matrix = _matrix(draw, out_axes)
        for what, units in (("rows", matrix), ("columns", matrix.T)):
            count, length = units.shape
            if count < 2 or length == 0:
                continue
            if _log_tie_chance(law, draw.dtype, count, length) > math.log(budget / len(draws)):
                continue
            distinct = np.unique(units, axis=0).shape[0]
            if distinct < count:
                report.fail(
                    f"draw {index}: {count - distinct} of its {count} {what} (as a "
                    f"{matrix.shape[0]}x{matrix.shape[1]} matrix, outputs along columns) "
                    "repeat another exactly; units initialized alike stay alike."
                )


def _check_shape_of_law(
    report: _Report, law: Distribution, pooled: NDArray[Any], alpha: float
) -> None:
    """Kolmogorov-Smirnov test of i.i.d. laws; sparse: of its nonzero entries."""
    if isinstance(law, Sparse):
        values = pooled[pooled != 0]
        if values.size < MIN_SAMPLE:
            return
        reference: Distribution = Normal(0.0, law.std)
        what = "the nonzero values"
    elif isinstance(law, _IID):
        values, reference, what = pooled, law, "the values"
    else:
        return
    result = kolmogorov_smirnov(values, law_cdf(reference))
    if result.pvalue < alpha:
        report.fail(
            f"{what} do not follow {reference!r}: Kolmogorov-Smirnov D = "
            f"{result.statistic:.4g} over {values.size} values, p = {result.pvalue:.3g} "
            f"< {alpha:g}."
        )


def assert_initializer(
    init: Any,
    shape: Any,
    *,
    rng: Any = None,
    alpha: float = 1e-6,
    layout: str = "keras",
    dtype: Any = None,
    min_size: int = 2**16,
    **params: Any,
) -> None:
    r"""Assert that an initializer's samples follow the law it declares.

    Draws arrays of ``shape`` from ``init`` (as many as it takes to hold
    ``min_size`` values; one for non-random laws) and checks them against
    ``law = init.distribution(shape=shape, layout=layout, **params)``:

    - every draw has the requested shape and dtype, and only finite values;
    - every value lies in ``law.support`` (rounded outward to the dtype);
    - mean and variance against ``law.mean``/``law.variance``
      (:func:`assert_moments`);
    - the shape of the distribution: for the i.i.d. laws (uniform, normal,
      truncated normal), a Kolmogorov-Smirnov test against their CDF
      (:func:`kolmogorov_smirnov`); for ``sparse``, the same test of the
      nonzero values against N(0, std²) (when there are at least
      :data:`MIN_SAMPLE` of them), and at least the declared number of zeros
      per input unit;
    - structure: ``orthogonal`` draws, divided by the gain, are orthogonal
      matrices (to a tolerance of ``4 * eps * sqrt(size)``);
      ``delta_orthogonal`` draws are orthogonal at the kernel's centre and 0
      elsewhere; constant and indicator laws (``zeros``, ``ones``,
      ``constant``, ``identity``, ``eye``, ``dirac``) write exactly the law's
      values, whose moments must equal the declared ones;
    - no two rows and no two columns of a draw of an i.i.d. law (as a matrix
      with outputs along the columns) are identical, wherever the chance of
      such a tie for a correct sample is below ``alpha / 1000``.

    Laws of other kinds (a user's own :class:`~weightinit.distributions.Distribution`)
    get the shape, support and moment checks.

    Parameters
    ----------
    init : Initializer
        Anything with ``init(shape, rng=..., layout=..., dtype=..., **params)``
        and ``init.distribution(shape=..., layout=..., **params)``.
    shape : int or tuple of int
        Shape of each draw; must not be empty.
    rng : {None, int, numpy.random.SeedSequence, numpy.random.BitGenerator, numpy.random.Generator}, optional
        Source of the draws, as for every initializer. With ``None`` a seed is
        taken from the operating system and shown in the failure message, so
        that a failure can be replayed with ``rng=<that seed>``.
    alpha : float, default 1e-6
        Probability that a correct initializer fails this assertion: the
        moment test and the Kolmogorov-Smirnov test each get
        ``0.4995 * alpha``, the tie check at most ``alpha / 1000``.
    layout : {'keras', 'torch'}, default 'keras'
        Passed to the initializer and to its law.
    dtype : data-type, optional
        Passed to the initializer; ``None`` expects float64.
    min_size : int, default 65536
        The fewest values to draw in all; at least :data:`MIN_SAMPLE`.
    **params
        The initializer's parameters.

    Raises
    ------
    AssertionError
        Listing every check that failed, with the observed and expected values.
    TypeError, ValueError
        For arguments of the wrong type or value.

    Examples
    --------
    >>> import weightinit as wi
    >>> from weightinit.testing import assert_initializer
    >>> assert_initializer(wi.he_normal, (3, 3, 64, 128), rng=0)
    >>> assert_initializer(wi.kaiming_uniform, (256, 128), rng=0, layout="torch", a=0.1)
    """
    if not callable(init) or not callable(getattr(init, "distribution", None)):
        raise TypeError(
            "init must be an initializer: a callable with a distribution() method; "
            f"got {describe('init', init)}."
        )
    dims = check_shape(shape)
    if math.prod(dims) == 0:
        raise ValueError(f"shape must hold at least one element; got shape={dims!r}.")
    check_real("alpha", alpha, positive=True, at_most=0.5)
    min_size = check_int("min_size", min_size, minimum=MIN_SAMPLE)
    expected_dtype = np.dtype(np.float64 if dtype is None else dtype)
    seed: Any = rng
    if rng is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    generator = check_rng(seed)
    law = init.distribution(shape=dims, layout=layout, **params)
    if not isinstance(law, Distribution):
        raise TypeError(
            "init.distribution() must return a weightinit.distributions.Distribution; "
            f"got {describe('law', law)}."
        )
    count = math.ceil(min_size / math.prod(dims)) if law.random else 1
    settings = ", ".join(f"{key}={value!r}" for key, value in params.items())
    report = _Report(
        header=(
            f"{getattr(init, 'name', repr(init))}({settings}) with shape={dims!r}, "
            f"layout={layout!r}, dtype={expected_dtype.name}, rng={seed!r} "
            f"({count} draw{'s' if count > 1 else ''}) does not follow {law!r}:"
        ),
        failures=[],
    )
    draws = []
    for _ in range(count):
        draw = np.asarray(init(dims, rng=generator, layout=layout, dtype=dtype, **params))
        if draw.shape != dims or draw.dtype != expected_dtype:
            report.fail(
                f"a draw has shape {draw.shape!r} and dtype {draw.dtype.name}; expected "
                f"shape {dims!r} and dtype {expected_dtype.name}."
            )
            report.raise_if_failed()
        draws.append(draw)
    if not law.random:
        _check_exact(report, law, draws[0], dims)
        report.raise_if_failed()
        return
    pooled = np.concatenate([draw.ravel() for draw in draws])
    if not np.all(np.isfinite(pooled)):
        report.fail(f"{int(np.count_nonzero(~np.isfinite(pooled)))} values are NaN or infinite.")
        report.raise_if_failed()
    tie_budget = alpha / 1000.0
    share = (alpha - tie_budget) / 2.0
    _check_support(report, law, pooled)
    _check_structure(report, law, draws)
    try:
        assert_moments(pooled, mean=law.mean, variance=law.variance, alpha=share)
    except AssertionError as error:
        report.fail(str(error))
    _check_shape_of_law(report, law, pooled, share)
    if isinstance(law, _IID) and len(dims) >= 2:
        _, out_axes = resolve_axes(
            dims, layout=layout, in_axis=params.get("in_axis"), out_axis=params.get("out_axis")
        )
        _check_ties(report, law, draws, out_axes, tie_budget)
    report.raise_if_failed()
