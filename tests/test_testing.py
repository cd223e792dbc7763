"""The testing kit itself: it passes correct samples and catches real errors."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import mpmath
import numpy as np
import pytest
from cases import COMPLEX_ONLY
from hypothesis import assume, given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import _special
from weightinit.distributions import (
    Constant,
    Distribution,
    Normal,
    Orthogonal,
    Sparse,
    TruncatedNormal,
    Uniform,
)
from weightinit.initializers import TRUNCATED_NORMAL_STD
from weightinit.testing import (
    MIN_SAMPLE,
    assert_initializer,
    assert_moments,
    kolmogorov_sf,
    kolmogorov_smirnov,
    law_cdf,
    moment_scores,
    moment_threshold,
    normal_quantile,
)
from weightinit.testing import strategies as wst

ROOT = Path(__file__).resolve().parents[1]
N = 2**16


def draw(law: Distribution, size: int = N, seed: int = 0) -> np.ndarray:
    return law.sample((size,), rng=seed)


class Impostor:
    """An initializer that declares one law and draws from another (or tampers with draws)."""

    name = "impostor"

    def __init__(
        self, declared: Distribution, drawn: Distribution | None = None, tamper: Any = None
    ) -> None:
        self.declared = declared
        self.drawn = declared if drawn is None else drawn
        self.tamper = tamper

    def distribution(self, *, shape: Any, layout: Any, **params: Any) -> Distribution:
        return self.declared

    def __call__(self, shape: Any, *, rng: Any, layout: Any, dtype: Any, **params: Any) -> Any:
        out = self.drawn.sample(shape, dtype=np.float64 if dtype is None else dtype, rng=rng)
        if self.tamper is not None:
            out = self.tamper(out)
        return out


# --- optional dependency ---------------------------------------------------------------


def test_importing_weightinit_and_testing_never_imports_hypothesis() -> None:
    code = (
        "import sys, weightinit, weightinit.testing; "
        "weightinit.testing.assert_initializer(weightinit.he_normal, (64, 64), rng=0); "
        "assert 'hypothesis' not in sys.modules, 'hypothesis was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- special functions -------------------------------------------------------------------

GRID = np.concatenate(
    [np.linspace(-27.0, 27.0, 5401), [0.0, 5e-324, -1e-300, 2.0, -2.0, np.nextafter(2.0, 0)]]
)


def test_erf_array_is_accurate_to_a_few_ulps() -> None:
    expected = np.array([float(mpmath.erf(v)) for v in GRID])
    got = _special.erf_array(GRID)
    scale = np.maximum(np.abs(expected), np.finfo(float).tiny)
    assert np.max(np.abs(got - expected) / scale) < 6 * np.finfo(float).eps
    assert _special.erf_array(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]


def test_erfcx_array_matches_the_scalar_erfcx() -> None:
    x = np.abs(GRID)
    expected = np.array([_special.erfcx(v) for v in x])
    # Below 2 the scalar uses math.erfc; 1 - erf loses at most erfc(2) ~ 5e-3 of it.
    assert np.max(np.abs(_special.erfcx_array(x) - expected) / expected) < 2e-13
    assert _special.erfcx_array(np.array([np.inf])).tolist() == [0.0]


def upper_tail(t: float) -> Any:
    return mpmath.erfc(mpmath.mpf(t) / mpmath.sqrt(2)) / 2


def reference_truncnorm_cdf(x: float, a: float, b: float) -> float:
    if b <= 0:
        return 1.0 - reference_truncnorm_cdf(-x, -b, -a)
    with mpmath.workdps(60):
        return float((upper_tail(a) - upper_tail(x)) / (upper_tail(a) - upper_tail(b)))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (-2.0, 2.0),
        (2.0, 3.0),
        (8.0, 9.0),
        (30.0, 31.0),
        (-31.0, -30.0),
        (-1e-8, 1e-8),
        (5.0, math.inf),
        (-math.inf, -5.0),
        (-1.0, 40.0),
        (-math.inf, math.inf),
    ],
)
def test_truncnorm_cdf_is_accurate_far_in_the_tails(a: float, b: float) -> None:
    low = a if math.isfinite(a) else (b - 12.0 if math.isfinite(b) else -12.0)
    high = b if math.isfinite(b) else low + 12.0
    x = np.linspace(low, high, 61)
    expected = np.array([reference_truncnorm_cdf(v, a, b) for v in x])
    got = _special.truncnorm_cdf(x, a, b)
    assert np.max(np.abs(got - expected)) < 1e-13
    assert got[0] == pytest.approx(expected[0], abs=1e-15)


def test_normal_cdf_matches_mpmath() -> None:
    x = np.linspace(-38.0, 8.0, 461)
    expected = np.array([float(mpmath.ncdf(v)) for v in x])
    assert np.max(np.abs(_special.normal_cdf(x) - expected)) < 3e-16


# --- quantiles and limit laws -----------------------------------------------------------


@pytest.mark.parametrize(("tail", "z"), [(0.025, 1.959963984540054), (1e-6, 4.753424308822899)])
def test_normal_quantile(tail: float, z: float) -> None:
    assert normal_quantile(tail) == pytest.approx(z, rel=1e-12)


@pytest.mark.parametrize(
    ("x", "tail"),
    # Kolmogorov's classic critical values: 1.358 at 5%, 1.628 at 1%, 1.949 at 0.1%.
    [(0.0, 1.0), (0.5, 0.9639452436648751), (1.3580986393225507, 0.05), (1.6276236115189502, 0.01)],
)
def test_kolmogorov_sf_known_values(x: float, tail: float) -> None:
    assert kolmogorov_sf(x) == pytest.approx(tail, rel=1e-9)


def test_kolmogorov_sf_series_agree_where_they_meet() -> None:
    below, above = kolmogorov_sf(np.nextafter(1.0, 0.0)), kolmogorov_sf(1.0)
    assert below == pytest.approx(above, rel=1e-12)


# --- assert_moments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "law",
    [
        Normal(0.5, 2.0),
        Uniform(-3.0, 1.0),
        TruncatedNormal(0.0, 1.0 / TRUNCATED_NORMAL_STD, -2.0 / TRUNCATED_NORMAL_STD, 2.0),
    ],
)
def test_assert_moments_passes_correct_samples(law: Distribution) -> None:
    assert_moments(draw(law), mean=law.mean, variance=law.variance)


@pytest.mark.parametrize("law", [Normal(0.0, 1.0), Uniform(-1.0, 1.0)])
@pytest.mark.parametrize("error", [-0.05, 0.05])
def test_assert_moments_catches_a_five_percent_variance_error(
    law: Distribution, error: float
) -> None:
    with pytest.raises(AssertionError, match="variance: observed"):
        assert_moments(draw(law), mean=law.mean, variance=law.variance * (1 + error))


def test_assert_moments_catches_a_shifted_mean() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_moments(draw(Normal(0.03, 1.0)), mean=0.0, variance=1.0)
    message = str(failure.value)
    # A shift of 0.03 sd over 2**16 values is z = 0.03 * 256 = 7.7 on average.
    found = re.search(r"mean: +observed (0\.0[234]\d*), expected 0, z = (\d+\.\d+)", message)
    assert found is not None, message
    assert float(found.group(2)) > 5.026
    assert "|z| must be <= 5.026" in message


def test_assert_moments_constant_samples_compare_exactly() -> None:
    assert_moments(np.full(N, 0.25), mean=0.25, variance=0.0)
    with pytest.raises(AssertionError, match="z = -inf"):
        assert_moments(np.full(N, 0.25), mean=0.25 + 1e-6, variance=0.0)
    with pytest.raises(AssertionError, match="z = -inf"):
        assert_moments(np.full(N, 0.25), mean=0.25, variance=1e-3)


def test_assert_moments_refuses_small_samples_and_bad_alpha() -> None:
    with pytest.raises(
        ValueError, match=f"at least {MIN_SAMPLE} values for the stated alpha to hold; got 100"
    ):
        assert_moments(np.zeros(100), mean=0.0, variance=0.0)
    with pytest.raises(ValueError, match=r"alpha must be <= 0\.5; got alpha=0\.7"):
        assert_moments(draw(Normal(0, 1)), mean=0.0, variance=1.0, alpha=0.7)
    with pytest.raises(TypeError, match="variance must be a real number"):
        assert_moments(draw(Normal(0, 1)), mean=0.0, variance="1")


def test_assert_moments_rejects_nan() -> None:
    sample = draw(Normal(0, 1))
    sample[5] = np.nan
    with pytest.raises(AssertionError, match="non-finite"):
        assert_moments(sample, mean=0.0, variance=1.0)


def test_thresholds_split_alpha_between_the_two_tests() -> None:
    # Šidák: each two-sided test at 1 - sqrt(1 - alpha).
    per_test = 1 - math.sqrt(1 - 1e-6)
    assert moment_threshold(1e-6) == pytest.approx(normal_quantile(per_test / 2), rel=1e-9)


def test_variance_z_is_the_plain_z_for_small_errors() -> None:
    sample = draw(Normal(0.0, 1.0), size=2**18)
    scores = moment_scores(sample, mean=0.0, variance=1.0)
    kurtosis = float(np.mean((sample - sample.mean()) ** 4) / np.var(sample) ** 2)
    plain = (scores.variance - 1.0) / math.sqrt(
        (kurtosis - 1 + 2 / (sample.size - 1)) / sample.size
    )
    assert scores.z_variance == pytest.approx(plain, abs=0.01)


# --- Kolmogorov-Smirnov ----------------------------------------------------------------------


def test_kolmogorov_smirnov_accepts_the_right_law() -> None:
    law = Normal(1.0, 3.0)
    assert kolmogorov_smirnov(draw(law), law_cdf(law)).pvalue > 1e-3


def test_kolmogorov_smirnov_sees_uniform_passed_off_as_normal() -> None:
    sample = draw(Uniform(-math.sqrt(3), math.sqrt(3)))
    result = kolmogorov_smirnov(sample, law_cdf(Normal(0.0, 1.0)))
    assert result.statistic > 0.03
    assert result.pvalue < 1e-30


def test_kolmogorov_smirnov_float16_grid_is_no_false_alarm() -> None:
    # Rounded to float16 the ECDF jumps by the mass of a whole rounding cell.
    law = Normal(0.0, 1.0)
    sample = draw(law, size=2**18).astype(np.float16)
    assert kolmogorov_smirnov(sample, law_cdf(law)).pvalue > 1e-3


def test_kolmogorov_smirnov_refuses_small_samples() -> None:
    with pytest.raises(ValueError, match="at least"):
        kolmogorov_smirnov(np.zeros(10), law_cdf(Normal(0.0, 1.0)))


def test_law_cdf_refuses_structured_laws() -> None:
    with pytest.raises(TypeError, match="law must be a Uniform, Normal or TruncatedNormal"):
        law_cdf(Constant(np.zeros(())))
    with pytest.raises(TypeError, match=r"another law whose elements are i\.i\.d\."):
        law_cdf(Sparse(1.0, 2, (4, 4), 1))


# --- assert_initializer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shape", "params"),
    [
        ("he_normal", (3, 3, 64, 128), {}),
        ("kaiming_uniform", (128, 64, 3, 3), {"a": 0.2}),
        ("trunc_normal", (256, 256), {"a": 2.0, "b": 3.0}),
        ("orthogonal", (300, 200), {"gain": 2.0}),
        ("sparse", (256, 256), {"sparsity": 0.5}),
        ("identity", (4, 16, 8), {"gain": 0.5}),
    ],
)
def test_assert_initializer_passes_correct_initializers(
    name: str, shape: tuple[int, ...], params: dict[str, Any]
) -> None:
    layout = "torch" if name == "kaiming_uniform" else "keras"
    assert_initializer(wi.get(name), shape, rng=0, layout=layout, **params)


def test_assert_initializer_catches_a_wrong_variance() -> None:
    impostor = Impostor(Normal(0.0, 1.0), Normal(0.0, math.sqrt(1.05)))
    with pytest.raises(AssertionError, match=r"variance: observed 1\.0[45]"):
        assert_initializer(impostor, (256, 256), rng=0)


def test_assert_initializer_catches_values_outside_the_support() -> None:
    # Shifted by a thousandth of the width: invisible to the moments and to KS.
    impostor = Impostor(Uniform(-1.0, 1.0), Uniform(-1.001, 0.999))
    with pytest.raises(AssertionError) as failure:
        assert_initializer(impostor, (256, 256), rng=0)
    message = str(failure.value)
    assert "outside the declared support [-1.0, 1.0]" in message
    assert "Kolmogorov" not in message and "variance:" not in message


@pytest.mark.parametrize(
    ("declared", "drawn"),
    [
        # Same mean and variance, another shape.
        (Normal(0.0, 1.0), Uniform(-math.sqrt(3), math.sqrt(3))),
        # Keras' truncated he_normal passed off as PyTorch's untruncated kaiming_normal.
        (Normal(0.0, 1.0), TruncatedNormal(0.0, 1 / TRUNCATED_NORMAL_STD, -2.2736, 2.2736)),
    ],
)
def test_assert_initializer_catches_the_wrong_shape_of_distribution(
    declared: Distribution, drawn: Distribution
) -> None:
    impostor = Impostor(declared, drawn)
    with pytest.raises(AssertionError, match="Kolmogorov-Smirnov D") as failure:
        assert_initializer(impostor, (256, 256), rng=0)
    assert "variance:" not in str(failure.value)


def duplicate_row(out: np.ndarray) -> np.ndarray:
    out[7] = out[3]
    return out


def duplicate_column(out: np.ndarray) -> np.ndarray:
    out[:, 5] = out[:, 0]
    return out


@pytest.mark.parametrize(
    ("tamper", "what"), [(duplicate_row, "rows"), (duplicate_column, "columns")]
)
def test_assert_initializer_catches_identical_units(tamper: Any, what: str) -> None:
    impostor = Impostor(Uniform(-1.0, 1.0), tamper=tamper)
    with pytest.raises(AssertionError, match=f"1 of its 256 {what}"):
        assert_initializer(impostor, (256, 256), rng=0)


def test_ties_are_not_checked_where_chance_makes_them_likely() -> None:
    # 65536 rows of one float16 each: ties are certain for a correct sampler.
    assert_initializer(wi.random_uniform, (2**16, 1), rng=0, dtype=np.float16)


def test_assert_initializer_catches_a_matrix_that_is_not_orthogonal() -> None:
    shape = (256, 256)
    impostor = Impostor(Orthogonal(1.0, shape, (1,)), Normal(0.0, 1 / 16))
    with pytest.raises(AssertionError, match=r"is not orthogonal: max \|Q\^T Q - I\|"):
        assert_initializer(impostor, shape, rng=0)


def test_assert_initializer_catches_missing_zeros_of_sparse() -> None:
    shape = (256, 256)
    impostor = Impostor(Sparse(1.0, 64, shape, 1), Normal(0.0, math.sqrt(0.75)))
    with pytest.raises(AssertionError, match="has 0 zeros along the output axis"):
        assert_initializer(impostor, shape, rng=0)


def test_assert_initializer_checks_constant_laws_exactly() -> None:
    off = Impostor(Constant(np.full((), 0.5)), Constant(np.full((), 0.5 + 2**-40)))
    with pytest.raises(AssertionError, match="4096 of 4096 values differ"):
        assert_initializer(off, (64, 64))


def test_assert_initializer_reports_a_wrong_shape_or_dtype() -> None:
    impostor = Impostor(Normal(0.0, 1.0), tamper=lambda out: out.astype(np.float32))
    with pytest.raises(AssertionError, match="dtype float32; expected shape"):
        assert_initializer(impostor, (256, 256), rng=0)


def test_assert_initializer_reports_nan() -> None:
    def poison(out: np.ndarray) -> np.ndarray:
        out[0, 0] = np.nan
        return out

    with pytest.raises(AssertionError, match="1 values are NaN or infinite"):
        assert_initializer(Impostor(Normal(0.0, 1.0), tamper=poison), (256, 256), rng=0)


def test_a_failure_without_rng_names_the_seed_that_replays_it() -> None:
    impostor = Impostor(Normal(0.0, 1.0), Normal(0.0, 1.2))
    with pytest.raises(AssertionError) as failure:
        assert_initializer(impostor, (256, 256))
    seed = int(re.search(r"rng=(\d+)", str(failure.value)).group(1))  # type: ignore[union-attr]
    with pytest.raises(AssertionError) as replay:
        assert_initializer(impostor, (256, 256), rng=seed)
    assert str(replay.value) == str(failure.value)


def test_assert_initializer_argument_errors() -> None:
    with pytest.raises(TypeError, match="init must be an initializer"):
        assert_initializer(np.zeros, (4, 4))
    with pytest.raises(ValueError, match=r"at least one element; got shape=\(0, 4\)"):
        assert_initializer(wi.he_normal, (0, 4))
    with pytest.raises(ValueError, match=f"min_size must be an int >= {MIN_SAMPLE}"):
        assert_initializer(wi.he_normal, (4, 4), min_size=10)
    with pytest.raises(TypeError, match="unexpected keyword argument 'gain'"):
        assert_initializer(wi.he_normal, (4, 4), gain=2.0)


# --- what the kit asks of a law ------------------------------------------------------------


@dataclass(frozen=True)
class Undeclared(Distribution):
    """A new random law with moments, a support and a fill, but none of what the kit asks."""

    kind: ClassVar[str] = "undeclared"
    windowed: ClassVar[bool] = True
    scale: float

    @property
    def mean(self) -> float:
        return 0.0

    @property
    def variance(self) -> float:
        return self.scale * self.scale

    @property
    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def _fill(self, out: np.ndarray, request: Any) -> None:
        out[...] = Normal(0.0, self.scale).sample(out.shape, dtype=out.dtype, rng=0)


@dataclass(frozen=True)
class UndeclaredElementwise(Undeclared):
    """The same law declared i.i.d., without a CDF, a density or a tie chance."""

    elementwise: ClassVar[bool] = True


def test_a_law_that_does_not_say_what_to_check_fails_the_kit() -> None:
    # Its draws are correct N(0, 1): the assertion fails only because the law is silent.
    impostor = Impostor(Undeclared(1.0), Normal(0.0, 1.0))
    with pytest.raises(AssertionError) as failure:
        assert_initializer(impostor, (256, 256), rng=0)
    message = str(failure.value)
    assert "Undeclared does not define structure(draw, what), which weightinit.testing" in message
    assert "Undeclared does not define compared(values)" in message


def test_an_elementwise_law_without_its_cdf_fails_the_kit() -> None:
    impostor = Impostor(UndeclaredElementwise(1.0), Normal(0.0, 1.0))
    with pytest.raises(AssertionError) as failure:
        assert_initializer(impostor, (256, 256), rng=0)
    message = str(failure.value)
    assert "UndeclaredElementwise does not define cdf(x)" in message
    assert "UndeclaredElementwise does not define tie_chance(dtype)" in message
    with pytest.raises(NotImplementedError, match=r"does not define density\(x\)"):
        UndeclaredElementwise(1.0).density(np.zeros(3))


def test_every_random_law_of_the_library_answers_the_kit() -> None:
    laws = [getattr(wi.distributions, name) for name in wi.distributions.__all__]
    for law in laws:
        if law is Distribution or not issubclass(law, Distribution) or not law.random:
            continue
        iid = ("cdf", "density", "tie_chance")
        asked = iid if law.elementwise else ("structure", "compared")
        for member in asked:
            assert getattr(law, member) is not getattr(Distribution, member), (law, member)


@pytest.mark.parametrize(
    "law",
    [Uniform(-3.0, 1.0), Normal(0.5, 2.0), TruncatedNormal(0.0, 2.0, -1.0, 3.0)],
    ids=repr,
)
def test_density_is_the_derivative_of_the_cdf(law: Distribution) -> None:
    low, high = law.support
    x = np.linspace(max(low, -6.0), min(high, 6.0), 201)[1:-1]
    step = 1e-6
    slope = (law.cdf(x + step) - law.cdf(x - step)) / (2 * step)
    np.testing.assert_allclose(law.density(x), slope, rtol=1e-6, atol=1e-9)
    assert law.tie_chance(np.dtype(np.float16)) > law.tie_chance(np.dtype(np.float64)) > 0.0


# --- strategies --------------------------------------------------------------------------------


@given(wst.shapes(min_dims=1, max_dims=3, min_side=2, max_side=5))
def test_shapes_respect_their_bounds(shape: tuple[int, ...]) -> None:
    assert 1 <= len(shape) <= 3
    assert all(2 <= side <= 5 for side in shape)


@given(wst.initializers(random=True), wst.float_dtypes(), wst.seeds())
def test_every_random_initializer_accepts_every_float_dtype_and_seed(
    name: str, dtype: np.dtype[Any], seed: int
) -> None:
    assume(name not in COMPLEX_ONLY)  # complex dtypes only: tests/test_complex.py
    init = wi.get(name)
    params = {**init.info.example, **({"k": 3} if name == "martens_sparse" else {})}
    assert (
        init(
            (3, 3, 4, 4) if name == "delta_orthogonal" else (4, 4), dtype=dtype, rng=seed, **params
        ).dtype
        == dtype
    )


@given(wst.fans(min_fan=3, max_fan=7))
def test_fans_respect_their_bounds(pair: tuple[int, int]) -> None:
    assert all(3 <= fan <= 7 for fan in pair)


@given(st.data())
def test_initializers_are_registered_names(data: st.DataObject) -> None:
    assert data.draw(wst.initializers()) in wi.available()
    assert not wi.get(data.draw(wst.initializers(random=False))).random


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: wst.shapes(max_side=1.5),
            TypeError,
            r"max_side must be an int; got max_side=1.5 \(type=float\)",
        ),
        (
            lambda: wst.shapes(min_dims=3, max_dims=2),
            ValueError,
            "min_dims must be <= max_dims; got min_dims=3, max_dims=2",
        ),
        (lambda: wst.shapes(max_dims=40), ValueError, "max_dims must be <= 32"),
        (lambda: wst.fans(min_fan=-1), ValueError, "min_fan must be an int >= 0; got min_fan=-1"),
        (lambda: wst.initializers(random="yes"), TypeError, "random must be None or a bool"),
    ],
)
def test_strategies_check_their_arguments(call: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


# --- docs/testing.md ---------------------------------------------------------------------------


def test_calibration_tables_are_present_and_current() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import calibrate_testing
    finally:
        sys.path.pop(0)
    page = (ROOT / "docs" / "testing.md").read_text()
    assert calibrate_testing.fingerprint() in page, (
        "docs/testing.md is stale: run python tools/calibrate_testing.py"
    )
    for heading in ("## False alarms", "## Power"):
        assert heading in page
    assert page.count("| law |") >= 2


def test_the_end_to_end_example_in_docs_runs() -> None:
    page = (ROOT / "docs" / "testing.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    assert blocks, "docs/testing.md has no Python example"
    namespace: dict[str, Any] = {"__name__": "docs_testing_example"}
    for block in blocks:
        exec(compile(block, "docs/testing.md", "exec"), namespace)
    tests = [value for key, value in namespace.items() if key.startswith("test_")]
    assert tests, "the example defines no test"
    for test in tests:
        test()
