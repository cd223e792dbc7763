"""Complex dtypes: the complex forms of the variance-scaling family and of the normal.

Each name's complex meaning is its peer's (JAX's for the JAX names and the
canonical variance-scaling family), or a TypeError saying why it has none:

- jax/_src/nn/initializers.py (jax-ml/jax HEAD), ``variance_scaling`` lines
  355-368: 'normal' is ``random.normal`` on the complex dtype (independent
  parts of variance 1/2, jax/_src/random/core.py lines 956-963),
  'uniform' is ``_complex_uniform`` (line 250, the unit disk of E|W|² = 1)
  times sqrt(variance), 'truncated_normal' is
  ``_complex_truncated_normal(upper=2)`` (line 264) divided by
  0.95311164380491208 (line 358);
- jax/_src/random/core.py: ``uniform`` (line 506) and ``truncated_normal``
  (line 1122) refuse complex dtypes;
- torch/nn/init.py (torch 2.13.0): ``_no_grad_uniform_`` (line 73) calls
  ``tensor.uniform_(a, b)``, which on a complex tensor draws each part from
  U(a, b); ``_no_grad_normal_`` (line 83) calls ``tensor.normal_(mean, std)``,
  each part N(mean, std² / 2); ``trunc_normal_`` (line 301) raises on complex.

Statistical assertions use fixed seeds and bounds a correct sampler fails
with probability below 1e-6 each: z-scores beyond 5.3 (two-sided 1.2e-7),
Kolmogorov-Smirnov p-values below 1e-7.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit._special import JAX_COMPLEX_TRUNCATED_STD, circular_truncated_moment, normal_cdf
from weightinit.testing._kolmogorov_smirnov import kolmogorov_smirnov

COMPLEX = ("complex64", "complex128")
#: z beyond which a correct sampler fails with probability 1.2e-7 (two-sided).
Z = 5.3
#: KS p-values below this fail; a correct sampler gets one with probability 1e-7.
P_MIN = 1e-7
SHAPE = (1024, 1024)
#: E[E] and E[E²] of E ~ Exp(1) restricted to [0, 4]: the radial truncation at 2.
TRUNC_MASS = -math.expm1(-4.0)
TRUNC_M1 = circular_truncated_moment(2.0)
TRUNC_M2 = (2.0 - 26.0 * math.exp(-4.0)) / TRUNC_MASS


def _draw(
    name: str, dtype: str, seed: int = 0, shape: tuple[int, ...] = SHAPE, **params: Any
) -> Any:
    return wi.get(name)(shape, dtype=dtype, rng=seed, **params)


# name, params, target E|W|² for a (1024, 1024) Keras-layout array, the modulus law.
VS_CASES = [
    ("glorot_uniform", {}, 2.0 / 2048, "disk"),
    ("he_uniform", {}, 2.0 / 1024, "disk"),
    ("lecun_uniform", {}, 1.0 / 1024, "disk"),
    ("glorot_normal", {}, 2.0 / 2048, "truncated"),
    ("he_normal", {}, 2.0 / 1024, "truncated"),
    ("lecun_normal", {}, 1.0 / 1024, "truncated"),
    ("variance_scaling", {"scale": 3.0, "mode": "fan_avg", "distribution": "normal"}, 3.0 / 1024, "exponential"),
    ("variance_scaling", {"scale": 0.5, "mode": "fan_geo_avg", "distribution": "uniform"}, 0.5 / 1024, "disk"),
    ("xavier_normal", {"gain": 2.0}, 4.0 * 2.0 / 2048, "exponential"),
    ("kaiming_normal", {"nonlinearity": "relu"}, 2.0 / 1024, "exponential"),
    ("jax.normal", {"stddev": 0.5}, 0.25, "exponential"),
    ("random_normal", {}, 0.05**2, "exponential"),
    ("torch_normal", {"std": 3.0}, 9.0, "exponential"),
]  # fmt: skip


def _modulus_cdf(law: str, target: float) -> Callable[[np.ndarray], np.ndarray]:
    """The closed-form CDF of |W|² for E|W|² = ``target``."""
    if law == "disk":  # |W|² uniform on [0, r²], r² = 2 target
        return lambda x: np.clip(x / (2.0 * target), 0.0, 1.0)
    if law == "exponential":  # |W|² exponential of mean target
        return lambda x: -np.expm1(-np.maximum(x, 0.0) / target)
    scale = target / TRUNC_M1  # |W|² = scale · E, E ~ Exp(1) on [0, 4]
    return lambda x: np.clip(-np.expm1(-np.maximum(x, 0.0) / scale) / TRUNC_MASS, 0.0, 1.0)


def _modulus_sd(law: str, target: float) -> float:
    """The standard deviation of |W|², exact."""
    if law == "disk":
        return 2.0 * target / math.sqrt(12.0)
    if law == "exponential":
        return target
    return target / TRUNC_M1 * math.sqrt(TRUNC_M2 - TRUNC_M1**2)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize(("name", "params", "target", "law"), VS_CASES)
def test_second_moment_is_the_target_exactly(
    name: str, params: dict[str, Any], target: float, law: str, dtype: str
) -> None:
    w = _draw(name, dtype, seed=11, **params)
    assert w.dtype == np.dtype(dtype) and w.shape == SHAPE
    # The declared moments are those of the real law, and hold for the complex one.
    law_obj = wi.get(name).distribution(shape=SHAPE, **params)
    assert math.isclose(law_obj.variance, target, rel_tol=1e-12)
    assert law_obj.mean == 0.0
    n = w.size
    power = np.abs(w.astype(np.complex128)) ** 2
    z = (power.mean() - target) / (_modulus_sd(law, target) / math.sqrt(n))
    assert abs(z) < Z, (name, z)
    # E W = 0: each part's mean within Z standard errors (Var of a part <= target).
    for part in (w.real, w.imag):
        assert abs(part.astype(np.float64).mean()) < Z * math.sqrt(target / n)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize(("name", "params", "target", "law"), VS_CASES)
def test_modulus_and_phase_laws(
    name: str, params: dict[str, Any], target: float, law: str, dtype: str
) -> None:
    w = _draw(name, dtype, seed=5, **params).astype(np.complex128).ravel()
    power = np.abs(w) ** 2
    assert kolmogorov_smirnov(power, _modulus_cdf(law, target)).pvalue > P_MIN
    phase = (np.angle(w) / (2.0 * math.pi)) % 1.0
    assert kolmogorov_smirnov(phase, lambda x: np.clip(x, 0.0, 1.0)).pvalue > P_MIN
    # The phase is independent of the modulus: their ranks are uncorrelated.
    assert abs(np.corrcoef(power, phase)[0, 1]) < Z / math.sqrt(w.size)


def test_the_modulus_test_sees_a_wrong_law() -> None:
    # PyTorch's square (each part U(-l, l)) has a different |W|² law from JAX's disk.
    limit = math.sqrt(3.0 * 2.0 / 2048)
    gen = np.random.default_rng(0)
    square = gen.uniform(-limit, limit, SHAPE) + 1j * gen.uniform(-limit, limit, SHAPE)
    power = np.abs(square.ravel() / math.sqrt(2.0)) ** 2  # E|W|² rescaled to the target
    assert kolmogorov_smirnov(power, _modulus_cdf("disk", 2.0 / 2048)).pvalue < P_MIN
    # And JAX's constant, 1.87% high in E|W|², is seen by the moment test.
    w = _draw("glorot_normal", "complex128", seed=11)
    jax_level = w * (math.sqrt(TRUNC_M1) / JAX_COMPLEX_TRUNCATED_STD)
    power = np.abs(jax_level) ** 2
    sd = _modulus_sd("truncated", 2.0 / 2048) * (TRUNC_M1 / JAX_COMPLEX_TRUNCATED_STD**2)
    assert (power.mean() - 2.0 / 2048) / (sd / math.sqrt(w.size)) > Z


@pytest.mark.parametrize("dtype", COMPLEX)
def test_normal_parts_are_independent_normals(dtype: str) -> None:
    # jax/_src/random/core.py lines 956-963: (re + 1j im) / sqrt(2), re, im i.i.d. N(0, 1).
    w = _draw("random_normal", dtype, seed=3, mean=1.5, stddev=2.0).ravel()
    re, im = w.real.astype(np.float64), w.imag.astype(np.float64)
    half = 2.0 / math.sqrt(2.0)

    def normal(loc: float) -> Callable[[np.ndarray], np.ndarray]:
        return lambda x: normal_cdf((x - loc) / half)

    for part, loc in ((re[:100_000], 1.5), (im[:100_000], 0.0)):
        assert kolmogorov_smirnov(part, normal(loc)).pvalue > P_MIN
    n = re.size
    assert abs(np.corrcoef(re, im)[0, 1]) < Z / math.sqrt(n)
    assert abs(np.corrcoef((re - 1.5) ** 2, im**2)[0, 1]) < Z / math.sqrt(n)
    law = wi.random_normal.distribution(shape=SHAPE, mean=1.5, stddev=2.0)
    assert law.mean == 1.5 and law.variance == 4.0
    assert abs(w.mean() - 1.5) < Z * math.sqrt(4.0 / n)


def test_truncated_modulus_bound_and_jax_constant() -> None:
    # JAX's constant is sqrt(1 - 5 e^-4), E[|Z|², |Z| <= 2] without the division by the
    # disk's mass 1 - e^-4: its E|W|² is the target times 1 / (1 - e^-4).
    assert math.isclose(JAX_COMPLEX_TRUNCATED_STD**2, 1.0 - 5.0 * math.exp(-4.0), rel_tol=1e-12)
    assert math.isclose(TRUNC_M1, (1.0 - 5.0 * math.exp(-4.0)) / TRUNC_MASS, rel_tol=1e-14)
    excess = TRUNC_M1 / JAX_COMPLEX_TRUNCATED_STD**2
    assert math.isclose(excess, 1.0 / TRUNC_MASS, rel_tol=1e-12)
    assert round(100.0 * (excess - 1.0), 2) == 1.87
    # The numeric integral of the truncated Exp(1)'s mean agrees with the closed form.
    x = np.linspace(0.0, 4.0, 200_001)
    trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz", None)  # NumPy 1.x: trapz
    integral = trapezoid(x * np.exp(-x), x) / TRUNC_MASS
    assert math.isclose(integral, TRUNC_M1, rel_tol=1e-9)
    doc = wi.variance_scaling.__doc__ or ""
    assert "0.95311164380491208" in doc and "1.87%" in doc
    # Every modulus lies within the cut: |W| <= 2 c, c = sqrt(target / m).
    target = 2.0 / 1024
    w = _draw("he_normal", "complex128", seed=2)
    assert np.abs(w).max() <= 2.0 * math.sqrt(target / TRUNC_M1) * (1.0 + 1e-12)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "xavier_normal"])
def test_reproducible_for_any_workers_region_and_out(name: str, dtype: str) -> None:
    shape = (600, 500)  # more than one block of 2**18 elements
    whole = _draw(name, dtype, seed=7, shape=shape)
    assert np.array_equal(whole, _draw(name, dtype, seed=7, shape=shape))
    assert not np.array_equal(whole, _draw(name, dtype, seed=8, shape=shape))
    init = wi.get(name)
    for workers in (1, 2, 3):
        with wi.set_workers(workers):
            assert np.array_equal(whole, init(shape, dtype=dtype, rng=7))
            region = (slice(100, 560), slice(7, 493))
            part = init(shape, dtype=dtype, rng=7, region=region)
            assert np.array_equal(part, whole[region])
    out = np.zeros(shape, dtype=dtype, order="F")
    assert init(shape, out=out, rng=7) is out
    assert np.array_equal(out, whole)
    view = np.zeros((500, 600), dtype=dtype).T
    init(shape, out=view, rng=7)
    assert np.array_equal(view, whole)
    # The real dtype of the same call is unchanged by the complex form's existence.
    real = init(shape, dtype="float64", rng=7)
    assert np.array_equal(real, wi.get(name).distribution(shape=shape).sample(shape, rng=7))


NO_COMPLEX = [
    ("random_uniform", {}, "JAX's random.uniform refuses complex"),
    ("jax.uniform", {}, "JAX's random.uniform refuses complex"),
    ("torch.uniform_", {}, "PyTorch's uniform_ draws each part"),
    ("truncated_normal", {}, "JAX's random.truncated_normal and PyTorch's trunc_normal_"),
    ("jax.truncated_normal", {}, "JAX's random.truncated_normal"),
    ("trunc_normal", {}, "PyTorch's trunc_normal_ refuse"),
    ("xavier_uniform", {}, "PyTorch's uniform_ draws the real and imaginary parts each"),
    ("kaiming_uniform", {}, "PyTorch's uniform_ draws the real and imaginary parts each"),
    ("uniform_scaling", {}, "Haiku's UniformScaling draws with jax.random.uniform"),
    ("torch_normal", {"mean": 1.0}, "PyTorch's normal_ adds mean to the real and the imaginary"),
    ("orthogonal", {}, "its complex form is not implemented"),
    ("sparse", {"sparsity": 0.5}, "its complex form is not implemented"),
]


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize(("name", "params", "why"), NO_COMPLEX)
def test_names_without_a_complex_form_refuse_it(
    name: str, params: dict[str, Any], why: str, dtype: str
) -> None:
    pattern = rf"has no complex form \(.*{re.escape(why)}.*got dtype={dtype}"
    with pytest.raises(TypeError, match=pattern):
        wi.get(name)((8, 8), dtype=dtype, rng=0, **params)
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    out = np.full((8, 8), 7.0, dtype=dtype)
    with pytest.raises(TypeError, match=pattern):
        wi.get(name)((8, 8), out=out, rng=gen, **params)
    assert gen.bit_generator.state == state and np.all(out == 7.0)  # nothing drawn


def test_torch_normal_with_mean_zero_is_the_circular_normal() -> None:
    # torch/nn/init.py line 83: normal_(0, std) on complex: each part N(0, std² / 2).
    a = wi.torch_normal((64, 64), std=2.0, dtype="complex64", rng=4)
    b = wi.random_normal((64, 64), stddev=2.0, dtype="complex64", rng=4)
    assert np.array_equal(a, b)


def test_overflow_and_underflow_are_refused_in_complex() -> None:
    # As in float32, the parts' range decides: a part of std 5e39 overflows complex64 ...
    with pytest.raises(ValueError, match="beyond the range of dtype=complex64"):
        wi.variance_scaling((4, 4), scale=1e80, dtype="complex64", rng=0)
    with pytest.raises(ValueError, match="beyond the range of dtype=complex128"):
        wi.random_normal((4, 4), stddev=1e308, dtype="complex128", rng=0)
    # ... and a disk of radius 7e-48 rounds to 0 in it.
    with pytest.raises(ValueError, match="round to 0 in dtype=complex64"):
        wi.variance_scaling((4, 4), scale=1e-95, distribution="uniform", dtype="complex64", rng=0)
    for distribution in ("normal", "uniform", "truncated_normal"):  # the same scale fits float64
        w = wi.variance_scaling(
            (4, 4), scale=1e-95, distribution=distribution, dtype="complex128", rng=0
        )
        assert np.all(w != 0)


def test_constants_take_complex() -> None:
    assert wi.zeros((2, 2), dtype="complex64").dtype == np.complex64
    assert np.array_equal(wi.ones((2,), dtype="complex128"), np.ones(2, dtype=complex))
    assert np.array_equal(wi.constant((2,), value=0.5, dtype="complex64"), [0.5, 0.5])


@pytest.mark.xfail(
    strict=True,
    reason="weightinit.testing checks real laws (cdf, support, tie chance of one real element): "
    "it needs a clear refusal of complex dtypes, an edit in testing/ not made here",
)
def test_the_testing_kit_refuses_complex_clearly() -> None:
    from weightinit.testing import assert_initializer

    with pytest.raises(TypeError, match="dtype=complex64"):
        assert_initializer(wi.glorot_uniform, (64, 64), dtype="complex64")


# --- Trabelsi et al. (2018), Deep Complex Networks, Section 3.6 ------------------------------
# Var(W) = E|W|² - |E W|² = 2σ², |W| ~ Rayleigh(σ), phase ~ U[-π, π]; 'glorot':
# σ = 1/sqrt(fan_in + fan_out), 'he': σ = 1/sqrt(fan_in).


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize(("criterion", "sigma2"), [("glorot", 1.0 / 2048), ("he", 1.0 / 1024)])
def test_complex_rayleigh_is_trabelsi(criterion: str, sigma2: float, dtype: str) -> None:
    w = wi.complex_rayleigh(SHAPE, criterion=criterion, dtype=dtype, rng=9)
    assert w.dtype == np.dtype(dtype)
    assert math.isclose(wi.complex_rayleigh.variance(1024, 1024, criterion=criterion), 2.0 * sigma2)
    assert wi.complex_rayleigh.mean(1024, 1024, criterion=criterion) == 0.0
    flat = w.astype(np.complex128).ravel()
    modulus = np.abs(flat)
    z = ((modulus**2).mean() - 2.0 * sigma2) / (2.0 * sigma2 / math.sqrt(flat.size))
    assert abs(z) < Z
    # Rayleigh(σ): P(|W| <= r) = 1 - exp(-r² / (2σ²)).
    rayleigh = lambda r: -np.expm1(-(np.maximum(r, 0.0) ** 2) / (2.0 * sigma2))  # noqa: E731
    assert kolmogorov_smirnov(modulus, rayleigh).pvalue > P_MIN
    phase = (np.angle(flat) + math.pi) / (2.0 * math.pi)
    assert kolmogorov_smirnov(phase, lambda x: np.clip(x, 0.0, 1.0)).pvalue > P_MIN
    assert abs(np.corrcoef(modulus, phase)[0, 1]) < Z / math.sqrt(flat.size)
    # A wrong σ (the real scheme's, 2σ² taken as σ²) is seen.
    wrong = lambda r: -np.expm1(-(np.maximum(r, 0.0) ** 2) / sigma2)  # noqa: E731
    assert kolmogorov_smirnov(modulus, wrong).pvalue < P_MIN


def test_complex_rayleigh_refuses_real_dtypes_and_bad_criteria() -> None:
    for dtype in (None, "float16", "float32", "float64"):
        with pytest.raises(
            TypeError, match=r"has no real form .*complex64 or complex128 arrays only"
        ):
            wi.complex_rayleigh((4, 4), dtype=dtype, rng=0)
    with pytest.raises(TypeError, match="has no real form"):
        wi.complex_rayleigh(out=np.zeros((4, 4)), rng=0)
    with pytest.raises(ValueError, match="criterion"):
        wi.complex_rayleigh((4, 4), criterion="lecun", dtype="complex64", rng=0)
    empty = wi.complex_rayleigh((0, 4), criterion="he", dtype="complex64", rng=0)
    assert empty.shape == (0, 4) and empty.dtype == np.complex64  # nothing to draw
    with pytest.raises(ValueError, match="fan that is 0"):
        wi.complex_rayleigh.variance(shape=(0, 4), criterion="he")
    with wi.set_workers(2):
        a = wi.complex_rayleigh((600, 500), dtype="complex64", rng=1)
    assert np.array_equal(
        a[5:400], wi.complex_rayleigh((600, 500), dtype="complex64", rng=1, region=(slice(5, 400),))
    )


def test_the_complex_only_table_is_every_scheme_that_refuses_real_dtypes() -> None:
    from cases import COMPLEX_ONLY, REQUIRED_PARAMS, builtins, first_shape

    refusing = set()
    for name in builtins():
        if name == "fixed" or not wi.get(name).random:
            continue
        law = wi.get(name).distribution(shape=first_shape(name), **REQUIRED_PARAMS.get(name, {}))
        if law.kind_refusal("float64") is not None:
            refusing.add(name)
    assert refusing == COMPLEX_ONLY
