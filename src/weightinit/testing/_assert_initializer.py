r""":func:`assert_initializer`: draws from an initializer, checked against all its law states.

The law says what to check (see
:class:`~weightinit.distributions.Distribution`): its support and moments,
for i.i.d. laws the CDF and the chance of ties, for the others the structure
of every array.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import check_int, check_real, check_rng, check_shape, describe
from ..distributions import Distribution
from ..distributions.structured import as_matrix
from ..fans import resolve_axes
from ._kolmogorov_smirnov import kolmogorov_smirnov, law_cdf
from ._moments import MIN_SAMPLE, assert_moments


def _log_tie_chance(law: Distribution, dtype: np.dtype[Any], units: int, length: int) -> float:
    """Log of an upper bound on the chance that two of ``units`` i.i.d. vectors are equal.

    Each element lands on one representable value with probability at most
    ``q``, the law's :meth:`~weightinit.distributions.Distribution.tie_chance`
    (its largest density times the largest spacing of ``dtype`` over its
    range); two vectors of ``length`` elements agree with probability at most
    ``q**length``, and there are ``units * (units - 1) / 2`` pairs.
    """
    chance = law.tie_chance(dtype)
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

    def ask(self, check: Callable[..., None], *args: Any) -> None:
        """Run ``check(self, *args)``, a check that asks the law; a law that cannot answer fails."""
        try:
            check(self, *args)
        except NotImplementedError as error:
            self.fail(str(error))


def _check_structure(report: _Report, law: Distribution, draws: list[NDArray[Any]]) -> None:
    """Checks of structured laws that hold exactly, draw by draw (the law's ``structure``)."""
    for index, draw in enumerate(draws):
        for failure in law.structure(draw, f"draw {index}"):
            report.fail(failure)


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
        matrix = as_matrix(draw, out_axes)
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
    """Kolmogorov-Smirnov test of the values the law says are i.i.d. (all of an i.i.d. law's)."""
    compared = law.compared(pooled)
    if compared is None or compared.values.size < MIN_SAMPLE:
        return
    values, reference, what = compared
    result = kolmogorov_smirnov(values, law_cdf(reference))
    if result.pvalue < alpha:
        report.fail(
            f"{what} do not follow {reference!r}: Kolmogorov-Smirnov D = "
            f"{result.statistic:.4g} over {values.size} values, p = {result.pvalue:.3g} "
            f"< {alpha:g}."
        )


def _check_random(
    report: _Report,
    law: Distribution,
    draws: list[NDArray[Any]],
    out_axes: tuple[int, ...] | None,
    alpha: float,
) -> None:
    """Every check of a random law's draws: support, structure, moments, shape, ties."""
    pooled = np.concatenate([draw.ravel() for draw in draws])
    if not np.all(np.isfinite(pooled)):
        report.fail(f"{int(np.count_nonzero(~np.isfinite(pooled)))} values are NaN or infinite.")
        report.raise_if_failed()
    tie_budget = alpha / 1000.0
    share = (alpha - tie_budget) / 2.0
    _check_support(report, law, pooled)
    report.ask(_check_structure, law, draws)
    try:
        assert_moments(pooled, mean=law.mean, variance=law.variance, alpha=share)
    except AssertionError as error:
        report.fail(str(error))
    report.ask(_check_shape_of_law, law, pooled, share)
    report.ask(_check_ties, law, draws, out_axes, tie_budget)


def _draws(
    report: _Report, count: int, dims: tuple[int, ...], dtype: np.dtype[Any], draw: Any
) -> list[NDArray[Any]]:
    """``count`` arrays from ``draw()``, each of shape ``dims`` and ``dtype`` or a failure."""
    draws = []
    for _ in range(count):
        array = np.asarray(draw())
        if array.shape != dims or array.dtype != dtype:
            report.fail(
                f"a draw has shape {array.shape!r} and dtype {array.dtype.name}; expected "
                f"shape {dims!r} and dtype {dtype.name}."
            )
            report.raise_if_failed()
        draws.append(array)
    return draws


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

    What to check is asked of the law: a random law either declares
    ``elementwise = True`` and defines ``cdf``, ``density`` and
    ``tie_chance``, or defines ``structure`` and ``compared`` (see
    :class:`~weightinit.distributions.Distribution`). A law of your own that
    lacks one of them fails the assertion, with a message naming it.

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
    draws = _draws(
        report,
        count,
        dims,
        expected_dtype,
        lambda: init(dims, rng=generator, layout=layout, dtype=dtype, **params),
    )
    if not law.random:
        _check_exact(report, law, draws[0], dims)
    else:
        out_axes = None
        if law.elementwise and len(dims) >= 2:
            _, out_axes = resolve_axes(
                dims, layout=layout, in_axis=params.get("in_axis"), out_axis=params.get("out_axis")
            )
        _check_random(report, law, draws, out_axes, alpha)
    report.raise_if_failed()
