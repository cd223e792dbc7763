"""Every initializer: formulas, samples, structure, reproducibility, dtypes and errors.

The closed forms here are written by hand from the papers and the reference
libraries' source; they are never read back from the library's metadata.
"""

from __future__ import annotations

import math
import pickle
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import pytest
from cases import (
    CANDIDATE_SHAPES,
    COMPLEX_ONLY,
    REQUIRED_PARAMS,
    builtins,
    call_options,
    first_shape,
    load_tool,
    required_params,
)
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import _names
from weightinit._define import preset, scheme
from weightinit._initializer import REQUIRED, Param
from weightinit._names import SchemeInfo
from weightinit._validation import int_check
from weightinit.distributions import Constant, Distribution
from weightinit.fans import Geometry
from weightinit.testing import assert_moments

fans = st.integers(1, 10**6)
positive_scales = st.floats(1e-3, 1e3)
modes = st.sampled_from(["fan_in", "fan_out", "fan_avg", "fan_geo_avg"])


def fan(mode: str, fan_in: int, fan_out: int) -> float:
    return {
        "fan_in": fan_in,
        "fan_out": fan_out,
        "fan_avg": (fan_in + fan_out) / 2,
        "fan_geo_avg": math.sqrt(fan_in * fan_out),
    }[mode]


def torch_gain(nonlinearity: str, a: float) -> float:
    """PyTorch's calculate_gain table, written out by hand."""
    table = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5 / 3, "relu": math.sqrt(2), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        return math.sqrt(2 / (1 + a * a))
    if nonlinearity.startswith("conv"):
        return 1.0
    return table[nonlinearity]


def truncated_standard(a: float, b: float) -> tuple[float, float]:
    """Mean and variance of N(0, 1) on [a, b]: the textbook closed form, in 50-digit arithmetic."""
    with mpmath.workdps(50):
        lo, hi = mpmath.mpf(a), mpmath.mpf(b)
        mass = (mpmath.erfc(lo / mpmath.sqrt(2)) - mpmath.erfc(hi / mpmath.sqrt(2))) / 2
        mean = (mpmath.npdf(lo) - mpmath.npdf(hi)) / mass
        variance = 1 + (lo * mpmath.npdf(lo) - hi * mpmath.npdf(hi)) / mass - mean**2
        return float(mean), float(variance)


def close(actual: float, expected: float, rel: float = 1e-12) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-300)


# --- the variance formulas, property-tested --------------------------------------------


@given(fans, fans)
def test_keras_presets(fan_in: int, fan_out: int) -> None:
    assert close(wi.glorot_uniform.variance(fan_in, fan_out), 2 / (fan_in + fan_out))
    assert close(wi.glorot_normal.variance(fan_in, fan_out), 2 / (fan_in + fan_out))
    assert close(wi.he_uniform.variance(fan_in, fan_out), 2 / fan_in)
    assert close(wi.he_normal.variance(fan_in, fan_out), 2 / fan_in)
    assert close(wi.lecun_uniform.variance(fan_in, fan_out), 1 / fan_in)
    assert close(wi.lecun_normal.variance(fan_in, fan_out), 1 / fan_in)
    for init in (wi.glorot_uniform, wi.he_normal, wi.lecun_normal):
        assert init.mean(fan_in, fan_out) == 0.0


@given(fans, fans)
def test_keras_truncated_presets_use_the_keras_bounds(fan_in: int, fan_out: int) -> None:
    # Keras: stddev = sqrt(scale / n) / .87962566103423978, cut at +-2 stddev.
    law = wi.he_normal.distribution(fan_in, fan_out)
    stddev = math.sqrt(2 / fan_in) / 0.87962566103423978
    assert close(law.support[1], 2 * stddev) and close(law.support[0], -2 * stddev)
    law = wi.glorot_uniform.distribution(fan_in, fan_out)
    assert close(law.support[1], math.sqrt(6 / (fan_in + fan_out)))


@given(fans, fans, st.floats(0.01, 100.0))
def test_xavier(fan_in: int, fan_out: int, gain: float) -> None:
    expected = gain**2 * 2 / (fan_in + fan_out)
    assert close(wi.xavier_uniform.variance(fan_in, fan_out, gain=gain), expected)
    assert close(wi.xavier_normal.variance(fan_in, fan_out, gain=gain), expected)
    # PyTorch: the uniform bound is gain * sqrt(6 / (fan_in + fan_out)); the normal is untruncated.
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    assert close(wi.xavier_uniform.distribution(fan_in, fan_out, gain=gain).support[1], bound)
    assert wi.xavier_normal.distribution(fan_in, fan_out).support == (-math.inf, math.inf)


@given(
    fans,
    fans,
    st.floats(-10.0, 10.0),
    st.sampled_from(["fan_in", "fan_out"]),
    st.sampled_from(["linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]),
)
def test_kaiming(fan_in: int, fan_out: int, a: float, mode: str, nonlinearity: str) -> None:
    expected = torch_gain(nonlinearity, a) ** 2 / (fan_in if mode == "fan_in" else fan_out)
    kwargs = {"a": a, "mode": mode, "nonlinearity": nonlinearity}
    assert close(wi.kaiming_normal.variance(fan_in, fan_out, **kwargs), expected)
    assert close(wi.kaiming_uniform.variance(fan_in, fan_out, **kwargs), expected)
    bound = torch_gain(nonlinearity, a) * math.sqrt(3 / (fan_in if mode == "fan_in" else fan_out))
    assert close(wi.kaiming_uniform.distribution(fan_in, fan_out, **kwargs).support[1], bound)


def test_kaiming_defaults_are_pytorch_defaults() -> None:
    # a=0, mode='fan_in', nonlinearity='leaky_relu' gives gain sqrt(2 / (1 + 0)) = sqrt(2).
    assert close(wi.kaiming_normal.variance(100, 7), 2 / 100)


@given(
    fans,
    fans,
    positive_scales,
    modes,
    st.sampled_from(["truncated_normal", "normal", "untruncated_normal", "uniform"]),
)
def test_variance_scaling(
    fan_in: int, fan_out: int, scale: float, mode: str, distribution: str
) -> None:
    variance = wi.variance_scaling.variance(
        fan_in, fan_out, scale=scale, mode=mode, distribution=distribution
    )
    assert close(variance, scale / fan(mode, fan_in, fan_out), rel=1e-12)


def test_variance_scaling_normal_is_untruncated() -> None:
    # Keras remaps 'normal' to truncated; here it means an untruncated normal.
    law = wi.variance_scaling.distribution(10, 10, distribution="normal")
    assert law.kind == "normal" and law.support == (-math.inf, math.inf)
    assert wi.variance_scaling.distribution(10, 10).kind == "truncated_normal"


def test_keras_and_haiku_variance_scaling() -> None:
    # keras/src/initializers/random_initializers.py:273-275 ('normal' is truncated, any
    # case); haiku/_src/initializers.py:204 (any case, 'normal' untruncated).
    keras = wi.keras_variance_scaling.distribution(50, 10, scale=2.0, distribution="Normal")
    assert keras.kind == "truncated_normal"
    assert close(keras.variance, 2.0 / 50, rel=1e-12)
    assert close(wi.keras_variance_scaling.variance(50, 10, mode="fan_avg"), 1.0 / 30)
    haiku = wi.haiku_variance_scaling.distribution(50, 10, scale=3.0, distribution="NORMAL")
    assert haiku.kind == "normal" and close(haiku.variance, 3.0 / 50, rel=1e-15)
    uniform = wi.haiku_variance_scaling.distribution(50, 10, mode="fan_out", distribution="Uniform")
    assert close(uniform.support[1], math.sqrt(3.0 / 10), rel=1e-15)


def test_torch_orthogonal_is_pytorchs_layout() -> None:
    # torch/nn/init.py, orthogonal_: rows = tensor.size(0), cols = numel // rows; the
    # matrix has orthonormal rows when rows <= cols.
    w = wi.torch_orthogonal((8, 4, 3, 3), gain=2.0, rng=0).reshape(8, -1)
    np.testing.assert_allclose(w @ w.T, 4.0 * np.eye(8), atol=1e-12)
    assert close(wi.torch_orthogonal.variance(shape=(8, 36), gain=2.0), 4.0 / 36)


@given(fans, fans, st.floats(0.01, 100.0))
def test_uniform_scaling(fan_in: int, fan_out: int, scale: float) -> None:
    assert close(wi.uniform_scaling.variance(fan_in, fan_out, scale=scale), scale**2 / fan_in)


@given(st.floats(-10, 10), st.floats(1e-3, 10))
def test_random_normal(mean: float, stddev: float) -> None:
    assert wi.random_normal.mean(3, 4, mean=mean, stddev=stddev) == mean
    assert close(wi.random_normal.variance(3, 4, mean=mean, stddev=stddev), stddev**2)


@given(st.floats(-10, 10), st.floats(1e-3, 10))
def test_random_uniform(low: float, width: float) -> None:
    high = low + width
    assert close(wi.random_uniform.mean(3, 4, minval=low, maxval=high), (low + high) / 2, rel=1e-9)
    assert close(
        wi.random_uniform.variance(3, 4, minval=low, maxval=high), (high - low) ** 2 / 12, rel=1e-9
    )


@given(st.floats(-5, 5), st.floats(1e-3, 10), st.floats(-5.0, 4.0), st.floats(0.05, 4.0))
def test_truncated_normal(mean: float, stddev: float, lower: float, width: float) -> None:
    upper = lower + width
    m, v = truncated_standard(lower, upper)
    kwargs = {"mean": mean, "stddev": stddev, "lower": lower, "upper": upper}
    assert math.isclose(
        wi.truncated_normal.mean(2, 2, **kwargs),
        mean + stddev * m,
        rel_tol=1e-9,
        abs_tol=1e-9 * stddev,
    )
    # The law holds absolute bounds, mean + lower * stddev: with |mean| / stddev up to 5e3
    # their rounding moves the standardized bounds by ~1e-12, hence 1e-9 and not 1e-12.
    assert close(wi.truncated_normal.variance(2, 2, **kwargs), stddev**2 * v, rel=1e-9)


def test_truncated_normal_keras_default() -> None:
    # Keras TruncatedNormal(stddev=0.05): cut at +-2 stddev; variance 0.05^2 * 0.7737413...
    _, v = truncated_standard(-2.0, 2.0)
    assert close(wi.truncated_normal.variance(1, 1), 0.05**2 * v, rel=1e-12)
    assert wi.truncated_normal.distribution(1, 1).support == (-0.1, 0.1)
    # The Keras correction constant is the std of N(0, 1) cut at +-2.
    assert abs(math.sqrt(v) - 0.87962566103423978) < 1e-15


@given(st.floats(-3, 3), st.floats(0.01, 10), st.floats(-6, 5), st.floats(0.05, 3))
def test_trunc_normal_absolute_bounds(mean: float, std: float, a_std: float, width: float) -> None:
    a, b = mean + a_std * std, mean + (a_std + width) * std
    m, v = truncated_standard(a_std, a_std + width)
    assert math.isclose(
        wi.trunc_normal.mean(2, 2, mean=mean, std=std, a=a, b=b),
        mean + std * m,
        rel_tol=1e-8,
        abs_tol=1e-8 * std,
    )
    assert close(wi.trunc_normal.variance(2, 2, mean=mean, std=std, a=a, b=b), std**2 * v, rel=1e-9)


@given(st.integers(1, 300), st.integers(1, 300), st.floats(-5, 5))
def test_orthogonal(rows: int, cols: int, gain: float) -> None:
    assert close(wi.orthogonal.variance(rows, cols, gain=gain), gain**2 / max(rows, cols))
    assert wi.orthogonal.mean(rows, cols, gain=gain) == 0.0


def test_orthogonal_conv_flattens_like_keras() -> None:
    # Keras flattens (..., out) to (prod(shape[:-1]), shape[-1]); PyTorch to (shape[0], rest).
    assert close(wi.orthogonal.variance(shape=(3, 3, 4, 8)), 1 / 36)
    assert close(wi.orthogonal.variance(shape=(8, 4, 3, 3), layout="torch"), 1 / 36)
    assert close(wi.orthogonal.variance(shape=(3, 3, 64, 8)), 1 / 576)


@given(st.integers(1, 50), st.integers(1, 50), st.integers(1, 4), st.floats(-3, 3))
def test_identity(n: int, m: int, batch: int, gain: float) -> None:
    share = min(n, m) / (n * m)
    shape = (batch, n, m)
    assert close(wi.identity.mean(shape=shape, gain=gain), gain * share)
    assert close(wi.identity.variance(shape=shape, gain=gain), gain**2 * share * (1 - share))


@given(st.integers(1, 6), st.integers(1, 8), st.integers(1, 8), st.integers(1, 3))
def test_dirac(kernel: int, n_in: int, per_group: int, groups: int) -> None:
    n_out = per_group * groups
    shape = (n_out, n_in, kernel, kernel)
    share = groups * min(per_group, n_in) / math.prod(shape)
    assert close(wi.dirac.mean(shape=shape, layout="torch", groups=groups), share)
    assert close(wi.dirac.variance(shape=shape, layout="torch", groups=groups), share * (1 - share))


@given(st.integers(1, 200), st.integers(1, 200), st.floats(0, 1), st.floats(1e-3, 1))
def test_sparse(n_in: int, n_out: int, sparsity: float, std: float) -> None:
    zeros = math.ceil(sparsity * n_out)
    expected = std**2 * (1 - zeros / n_out)
    assert close(wi.sparse.variance(n_in, n_out, sparsity=sparsity, std=std), expected)


@given(st.integers(1, 5), st.integers(1, 16), st.integers(0, 16), st.floats(0.1, 3))
def test_delta_orthogonal(kernel: int, n_in: int, extra: int, scale: float) -> None:
    n_out = n_in + extra
    shape = (kernel, kernel, n_in, n_out)
    assert close(
        wi.delta_orthogonal.variance(shape=shape, scale=scale), scale**2 / (kernel**2 * n_out)
    )


def test_constants() -> None:
    assert wi.zeros.variance(3, 4) == 0.0 and wi.zeros.mean(3, 4) == 0.0
    assert wi.ones.mean(3, 4) == 1.0
    assert wi.constant.mean(3, 4, value=2.5) == 2.5 and wi.constant.variance(3, 4, value=2.5) == 0.0
    assert close(wi.constant.variance(shape=(5, 2), value=[1.0, 3.0]), 1.0)


@given(st.floats(-10, 10), st.floats(1e-3, 10), st.floats(1e-3, 10))
def test_library_specific_plain_laws(low: float, width: float, scale: float) -> None:
    # PyTorch uniform_(a, b), normal_(mean, std), constant_(val); JAX normal(stddev),
    # uniform(scale) on [0, scale), truncated_normal(stddev, lower, upper) around 0.
    high = low + width
    assert close(wi.torch_uniform.variance(2, 2, a=low, b=high), width**2 / 12, rel=1e-9)
    assert (
        close(wi.torch_uniform.mean(2, 2, a=low, b=high), (low + high) / 2, rel=1e-9)
        or abs(low + high) < 1e-9
    )
    assert close(wi.torch_normal.variance(2, 2, mean=low, std=scale), scale**2)
    assert wi.torch_normal.mean(2, 2, mean=low, std=scale) == low
    assert (
        wi.torch_constant.mean(2, 2, val=low) == low
        and wi.torch_constant.variance(2, 2, val=low) == 0
    )
    assert close(wi.jax_normal.variance(2, 2, stddev=scale), scale**2)
    assert close(wi.jax_uniform.mean(2, 2, scale=scale), scale / 2)
    assert close(wi.jax_uniform.variance(2, 2, scale=scale), scale**2 / 12)
    _, v = truncated_standard(-2.0, 2.0)
    assert close(wi.jax_truncated_normal.variance(2, 2, stddev=scale), scale**2 * v)


def test_library_specific_defaults() -> None:
    assert wi.torch_uniform.distribution(1, 1).support == (0.0, 1.0)
    assert close(wi.torch_normal.variance(1, 1), 1.0)
    assert close(wi.jax_normal.variance(1, 1), 1e-4)
    assert wi.jax_uniform.distribution(1, 1).support == (0.0, 0.01)


@given(st.integers(1, 100), st.integers(1, 100), st.integers(1, 5), st.floats(-3, 3))
def test_jax_orthogonal(rows: int, cols: int, depth: int, scale: float) -> None:
    shape = (depth, rows, cols)
    # Columns along column_axis, every other axis flattened into rows.
    assert close(
        wi.jax_orthogonal.variance(shape=shape, scale=scale), scale**2 / max(depth * rows, cols)
    )
    assert close(
        wi.jax_orthogonal.variance(shape=shape, scale=scale, column_axis=1),
        scale**2 / max(depth * cols, rows),
    )


def test_fixed_value() -> None:
    value = np.arange(6.0).reshape(2, 3)
    assert close(wi.fixed.mean(shape=(2, 3), value=value), 2.5)
    assert close(wi.fixed.variance(shape=(2, 3), value=value), 35 / 12)
    np.testing.assert_array_equal(wi.fixed((2, 3), value=value), value)


def test_every_initializer_has_a_hand_formula_here() -> None:
    # Each scheme the library defines is called by name (wi.<name>) in this module's
    # hand-written tests, or in test_fidelity_schemes.py's (the other libraries' own
    # schemes, each against its source); a new scheme needs its own closed form here.
    here = Path(__file__)
    text = "".join(
        path.read_text(encoding="utf-8")
        for path in (here, here.with_name("test_fidelity_schemes.py"))
    )
    called = set(re.findall(r"\bwi\.(\w+)", text))
    missing = set(builtins()) - called - EXTRA_NAMES_TESTED_ELSEWHERE
    assert not missing, f"no hand-written test calls {sorted(missing)}"


# Initializers added by later modules are formula-tested in their own test modules.
EXTRA_NAMES_TESTED_ELSEWHERE: set[str] = {
    "complex_rayleigh",  # tests/test_complex.py
    *("zero_hadamard", "sinusoidal", "spectral", "martens_sparse"),  # tests/test_modern_schemes.py
    *("critical_normal", "critical_orthogonal"),  # tests/test_criticality.py
}


# --- tables derived from the registry ---------------------------------------------------


def test_derived_tables_cover_exactly_the_registered_schemes() -> None:
    golden = load_tool("make_golden")
    assert {name for _, name, _ in golden.cases()} == set(builtins()) - COMPLEX_ONLY
    needing = {
        name for name in builtins() if any(p.default is REQUIRED for p in wi.get(name).params)
    }
    assert set(REQUIRED_PARAMS) == needing - {"fixed"}  # fixed's value is the shape's
    for name in builtins():
        shape, params = _small_case(name)
        wi.get(name)(shape, rng=0, **params)  # every scheme is callable with the derived case


def test_a_new_scheme_is_picked_up_by_every_derived_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # The name table is an immutable snapshot: restoring it undoes the registration.
    monkeypatch.setattr(_names, "_STATE", _names._STATE)

    @scheme(
        "test_halves",
        params=(Param("count", REQUIRED, int_check(minimum=1)),),
        random=False,
        info=SchemeInfo(
            origin="weightinit", distribution="constant", formula="count / 2", example={"count": 3}
        ),
    )
    def halves(geometry: Geometry, *, count: int) -> Distribution:
        """Fill with half of ``count``, a scheme defined by this test only."""
        return Constant(np.asarray(count / 2))

    assert "test_halves" in builtins()
    assert required_params()["test_halves"] == {"count": 3}
    assert first_shape("test_halves") == CANDIDATE_SHAPES[0]
    keys = [key for key, name, _ in load_tool("make_golden").cases() if name == "test_halves"]
    assert "test_halves/dense/keras/float64/seed=0" in keys
    assert "| `test_halves` |" in load_tool("gen_formulas").render()
    assert "| `test_halves` |" in load_tool("gen_names_doc").render()


def test_a_preset_whose_translation_the_base_would_change_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A call does not check translated values again, so the definition checks them once.
    monkeypatch.setattr(_names, "_STATE", _names._STATE)
    info = SchemeInfo(origin="weightinit", distribution="normal", formula="N(0, s²)")
    with pytest.raises(ValueError, match="translate gives stddev=1, which random_normal"):
        preset(
            wi.random_normal,
            "test_int_stddev",
            params=(Param("s", 1, int_check(minimum=1)),),
            translate=lambda s: {"stddev": s},  # an int, which random_normal makes a float
            info=info,
            doc="A preset whose translation gives an unchecked value.",
        )
    assert "test_int_stddev" not in wi.available()


# --- samples agree with the declared law --------------------------------------------------
# Every registered initializer is checked with the testing kit in test_statistics.py;
# here, the truncated normal at bounds where naive samplers fail.

PARAMS: dict[str, dict[str, Any]] = {
    **REQUIRED_PARAMS,
    "fixed": {"value": np.linspace(-1.0, 1.0, 512 * 512).reshape(512, 512)},
}
#: Shapes chosen by hand; every other scheme gets the first of cases.CANDIDATE_SHAPES it takes.
SAMPLE_SHAPES: dict[str, tuple[int, ...]] = {"dirac": (64, 64, 3, 3), "fixed": (512, 512)}


def _sample_case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    return SAMPLE_SHAPES.get(name) or first_shape(name), PARAMS.get(name, {})


@pytest.mark.parametrize(
    ("kwargs", "low", "high"),
    [
        ({"std": 0.02, "a": -2.0, "b": 2.0}, -2.0, 2.0),  # bounds 100 std away
        ({"a": 2.0, "b": 3.0}, 2.0, 3.0),  # one tail only
        ({"a": -3.0, "b": -2.0}, -3.0, -2.0),
        ({"a": 8.0, "b": math.inf}, 8.0, math.inf),  # far tail
        ({"mean": 1.0, "std": 2.0, "a": 0.999, "b": 1.001}, 0.999, 1.001),  # narrow
        ({"a": 30.0, "b": 30.5}, 30.0, 30.5),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trunc_normal_is_exact_for_any_bounds(
    kwargs: dict[str, float], low: float, high: float, dtype: type
) -> None:
    sample = wi.trunc_normal((256, 256), dtype=dtype, rng=7, **kwargs)
    assert sample.min() >= low and sample.max() <= high
    law = wi.trunc_normal.distribution(shape=(256, 256), **kwargs)
    assert_moments(sample, mean=law.mean, variance=law.variance)


def test_truncated_presets_stay_within_two_sigma() -> None:
    sample = wi.he_normal((1000, 1000), rng=3, dtype=np.float32)
    stddev = math.sqrt(2 / 1000) / 0.87962566103423978
    assert abs(sample).max() <= 2 * stddev
    assert abs(sample).max() > 1.9 * stddev  # the cut is at 2 sigma, not narrower


# --- structure ------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(64, 64), (100, 30), (30, 100), (3, 3, 16, 32), (2, 5, 7)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_orthogonal_is_orthogonal(shape: tuple[int, ...], dtype: type) -> None:
    q = wi.orthogonal(shape, gain=2.0, dtype=dtype, rng=1).reshape(-1, shape[-1])
    small = min(q.shape)
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=tolerance)


def test_orthogonal_torch_layout_has_orthonormal_rows_over_outputs() -> None:
    w = wi.orthogonal((8, 4, 3, 3), layout="torch", rng=0).reshape(8, -1)
    np.testing.assert_allclose(w @ w.T, np.eye(8), atol=1e-12)


def test_orthogonal_sign_correction_makes_it_haar() -> None:
    # Without the sign fix, QR's Q has a positive-biased diagonal; Haar's diagonal has mean 0.
    diagonals = np.array([np.diagonal(wi.orthogonal((8, 8), rng=seed)) for seed in range(4000)])
    assert_moments(diagonals, mean=0.0, variance=1 / 8)


def test_identity_and_eye() -> None:
    np.testing.assert_array_equal(
        wi.identity((3, 2, 4), gain=0.5), np.broadcast_to(0.5 * np.eye(2, 4), (3, 2, 4))
    )
    np.testing.assert_array_equal(wi.eye((3, 5)), np.eye(3, 5))
    np.testing.assert_array_equal(wi.eye((2, 2), dtype=np.int8), np.eye(2, dtype=np.int8))


def test_dirac_matches_pytorch_definition() -> None:
    # PyTorch dirac_(groups=2) on (out=6, in=2, 3, 3): out channel g*3 + d passes input d.
    w = wi.dirac((6, 2, 3, 3), groups=2, layout="torch")
    expected = np.zeros((6, 2, 3, 3))
    for g in range(2):
        for d in range(2):
            expected[g * 3 + d, d, 1, 1] = 1
    np.testing.assert_array_equal(w, expected)
    # PyTorch's layout is dirac's default; the Keras layout holds the same kernel
    # transposed to (h, w, in, out).
    np.testing.assert_array_equal(wi.dirac((6, 2, 3, 3), groups=2), expected)
    np.testing.assert_array_equal(
        wi.dirac((3, 3, 2, 6), groups=2, layout="keras"), expected.transpose(2, 3, 1, 0)
    )
    x = np.random.default_rng(0).normal(size=(5, 4))
    conv_1d = wi.dirac((3, 4, 4), layout="keras")  # (width, in, out): the identity convolution
    np.testing.assert_array_equal(x @ conv_1d[1], x)


def test_dirac_of_a_zero_size_kernel_takes_any_groups() -> None:
    # Every groups divides 0 output channels (as in PyTorch); none may be built as a range.
    for shape in ((0, 0, 0, 0), (0, 4, 3, 3), (4, 0, 3, 3)):  # (out, in, h, w)
        groups = 2**64 if shape[0] == 0 else 2
        w = wi.dirac(shape, groups=groups)
        assert w.shape == shape and w.size == 0


def test_sparse_zeros_per_input() -> None:
    w = wi.sparse((40, 30), sparsity=0.1, layout="keras", rng=0)  # (in, out): per row
    assert ((w == 0).sum(axis=1) == math.ceil(0.1 * 30)).all()
    t = wi.sparse((30, 40), sparsity=0.1, rng=0)  # PyTorch's (out, in), the default: per column
    assert ((t == 0).sum(axis=0) == math.ceil(0.1 * 30)).all()
    assert (wi.sparse((4, 5), sparsity=1.0, rng=0) == 0).all()


def test_delta_orthogonal_torch_layout() -> None:
    k = wi.delta_orthogonal((32, 16, 3, 3), layout="torch", rng=0)  # (out, in, h, w)
    center = k[:, :, 1, 1]
    np.testing.assert_allclose(center.T @ center, np.eye(16), atol=1e-12)
    assert np.count_nonzero(k) == np.count_nonzero(center)


def test_constant_broadcast_and_dtypes() -> None:
    np.testing.assert_array_equal(
        wi.constant((2, 3), value=[1, 2, 3], dtype=np.int16), [[1, 2, 3]] * 2
    )
    assert wi.constant((2,), value=7).dtype == np.float64
    assert wi.zeros((2,), dtype=bool).dtype == bool
    assert wi.ones((2,), dtype=np.complex64).dtype == np.complex64


# --- fans, layouts and shapes -----------------------------------------------------------


def test_fans_given_directly() -> None:
    w = wi.he_normal(fan_in=784, fan_out=256, rng=0)
    assert w.shape == (784, 256)
    assert wi.he_normal(fan_in=784, fan_out=256, layout="torch", rng=0).shape == (256, 784)


def test_explicit_fans_override_shape() -> None:
    # A packed (d, 3d) attention weight initialized as three (d, d) blocks.
    d = 64
    law = wi.glorot_uniform.distribution(shape=(d, 3 * d), fan_out=d)
    assert close(law.variance, 2 / (2 * d))
    w = wi.glorot_uniform((d, 3 * d), fan_out=d, rng=0)
    assert abs(w).max() <= math.sqrt(6 / (2 * d))


def test_torch_layout_kaiming() -> None:
    law = wi.kaiming_normal.distribution(shape=(128, 64, 3, 3), layout="torch")
    assert close(law.variance, 2 / (64 * 9))


def test_empty_shapes() -> None:
    assert wi.glorot_uniform((0, 5), rng=0).shape == (0, 5)
    assert wi.he_normal((5, 0), rng=0).shape == (5, 0)
    assert wi.orthogonal((0, 5), rng=0).shape == (0, 5)
    assert wi.zeros((0,)).shape == (0,)
    assert wi.he_normal((0, 5)).shape == (0, 5)  # as Keras and PyTorch: nothing to draw
    with pytest.raises(ValueError, match="divides by a fan that is 0"):
        wi.he_normal.variance(shape=(0, 5))


def test_scalar_and_vector_shapes() -> None:
    assert wi.he_uniform((), rng=0).shape == ()
    assert close(wi.he_uniform.variance(shape=7), 2 / 7)
    assert wi.glorot_normal(5, rng=0).shape == (5,)


# --- randomness -----------------------------------------------------------------------


def _small_case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape, params = _sample_case(name)
    if name == "fixed":
        return (3, 5), {"value": np.arange(15.0).reshape(3, 5)}
    return tuple(min(side, 48) for side in shape), {**params, **call_options(name)}


@pytest.mark.parametrize("name", wi.available())
def test_same_seed_same_array(name: str) -> None:
    init = wi.get(name)
    assert isinstance(init, wi.Initializer)
    shape, params = _small_case(name)
    first = init(shape, rng=123, **params)
    np.testing.assert_array_equal(first, init(shape, rng=123, **params))
    np.testing.assert_array_equal(first, init(shape, rng=np.random.SeedSequence(123), **params))
    if init.random:
        assert not np.array_equal(first, init(shape, rng=124, **params))


def test_none_draws_fresh_entropy() -> None:
    assert not np.array_equal(wi.he_normal((10, 10)), wi.he_normal((10, 10)))


def test_global_random_state_untouched() -> None:
    # The legacy global-state API is used on purpose: it is what must stay untouched.
    np.random.seed(0)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    for name in wi.available():
        init = wi.get(name)
        assert isinstance(init, wi.Initializer)
        shape, params = _small_case(name)
        init(shape, **params)
        init(shape, rng=1, **params)
    after = np.random.get_state()[1]  # noqa: NPY002
    np.testing.assert_array_equal(before, after)
    np.random.seed(99)  # noqa: NPY002
    a = wi.he_normal((4, 4), rng=1)
    np.random.seed(100)  # noqa: NPY002
    np.testing.assert_array_equal(a, wi.he_normal((4, 4), rng=1))


# --- dtypes and out= ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.float16, np.float32, np.float64, "float32", np.dtype("float16")]
)
def test_float_dtypes_preserved(dtype: Any) -> None:
    for name in set(wi.available()) - COMPLEX_ONLY:
        init = wi.get(name)
        assert isinstance(init, wi.Initializer)
        shape, params = _small_case(name)
        result = init(shape, dtype=dtype, rng=0, **params)
        assert result.dtype == np.dtype(dtype), name
        assert np.isfinite(result).all(), name


def test_float32_sampling_allocates_no_float64_temporary() -> None:
    # 32 MiB in float32, 64 MiB in float64; each worker thread also keeps a few
    # MiB of chunk-sized scratch, the same whatever the array's size.
    shape = (4096, 2048)
    for init in (wi.glorot_uniform, wi.kaiming_normal, wi.he_normal, wi.trunc_normal):
        tracemalloc.start()
        result = init(shape, dtype=np.float32, rng=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 1.5 * result.nbytes, (init.name, peak / result.nbytes)


@pytest.mark.parametrize(
    "name", ["glorot_uniform", "he_normal", "orthogonal", "identity", "constant"]
)
def test_out_fills_in_place(name: str) -> None:
    init = wi.get(name)
    assert isinstance(init, wi.Initializer)
    out = np.full((32, 16), np.nan, dtype=np.float32)
    result = init(out=out, rng=9)
    assert result is out and np.isfinite(out).all()
    np.testing.assert_array_equal(out, init((32, 16), dtype=np.float32, rng=9))


def test_out_non_contiguous_view_is_filled() -> None:
    base = np.full((20, 40), np.nan)
    view = base[:, ::2]
    wi.glorot_uniform(out=view, rng=4)
    np.testing.assert_array_equal(view, wi.glorot_uniform((20, 20), rng=4))
    assert np.isnan(base[:, 1::2]).all()


def test_out_float16() -> None:
    out = np.empty((8, 8), dtype=np.float16)
    wi.he_uniform(out=out, rng=0)
    np.testing.assert_array_equal(out, wi.he_uniform((8, 8), dtype=np.float16, rng=0))


# --- partial, signature, config ---------------------------------------------------------


def test_partial_binds_and_validates_early() -> None:
    vs = wi.variance_scaling.partial(scale=2.0, mode="fan_out", distribution="uniform")
    assert vs.name == "variance_scaling"
    assert close(vs.variance(256, 128), 2 / 128)
    assert vs.get_config() == {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}
    with pytest.raises(ValueError, match="mode must be one of"):
        wi.variance_scaling.partial(mode="fan_sum")
    with pytest.raises(TypeError, match="unexpected keyword argument 'gain'"):
        wi.he_normal.partial(gain=2.0)


def test_partial_binds_call_options() -> None:
    seeded = wi.glorot_uniform.partial(rng=42, dtype=np.float32, layout="torch")
    np.testing.assert_array_equal(seeded((4, 3)), seeded((4, 3)))
    assert seeded((4, 3)).dtype == np.float32
    assert not np.array_equal(seeded((4, 3)), seeded((4, 3), rng=1))


def test_signature_shows_parameters() -> None:
    import inspect

    signature = inspect.signature(wi.kaiming_normal)
    assert list(signature.parameters)[:4] == ["shape", "a", "mode", "nonlinearity"]
    assert signature.parameters["mode"].default == "fan_in"
    assert "sparsity" in inspect.signature(wi.sparse).parameters


def test_pickle_and_equality() -> None:
    vs = wi.variance_scaling.partial(scale=3.0)
    assert pickle.loads(pickle.dumps(vs)) == vs
    assert pickle.loads(pickle.dumps(wi.he_normal)) == wi.he_normal
    assert vs != wi.variance_scaling
    assert "scale=3.0" in repr(vs)


def test_docstrings_carry_formula_and_reference() -> None:
    for name in wi.available():
        init = wi.get(name)
        assert isinstance(init, wi.Initializer)
        assert init.__doc__ and len(init.__doc__) > 40, name


# --- errors ------------------------------------------------------------------------------

Call = Callable[[], object]

ERRORS: list[tuple[Call, type[Exception], str]] = [
    (
        lambda: wi.he_normal((4, 4), dtype=np.int32),
        TypeError,
        "float16, float32 or float64.*got dtype=int32",
    ),
    (lambda: wi.he_normal((4, 4), dtype=bool), TypeError, "got dtype=bool"),
    (lambda: wi.he_normal((4, 4), dtype="nonsense"), TypeError, "dtype must be"),
    (lambda: wi.orthogonal((4, 4), dtype=np.complex128), TypeError, "got dtype=complex128"),
    (lambda: wi.zeros((4,), dtype=object), TypeError, "numeric dtype"),
    (lambda: wi.constant((4,), value=0.5, dtype=np.int32), ValueError, "cannot hold exactly"),
    (lambda: wi.constant((4,), value=300, dtype=np.int8), ValueError, "cannot hold exactly"),
    (
        lambda: wi.constant(out=np.zeros(4, np.int32), value=0.5),
        ValueError,
        r"cannot hold exactly.*\(the dtype of out, out\.dtype=int32\)",
    ),
    (lambda: wi.constant((4,), value=1e6, dtype=np.float16), ValueError, "overflow"),
    (
        lambda: wi.constant((4,), value=[1, 2]),
        ValueError,
        r"value of shape \(2,\) cannot be broadcast to shape=\(4,\)",
    ),
    (lambda: wi.constant((4,), value="1"), TypeError, "value must be a real number"),
    (lambda: wi.constant((4,), value=True), TypeError, "value must be a real number"),
    (lambda: wi.constant((4,), value=[1.0, math.nan, 1.0, 1.0]), ValueError, "finite"),
    (lambda: wi.random_normal((4,), stddev=0.0), ValueError, "stddev must be > 0; got stddev=0.0"),
    (
        lambda: wi.random_normal((4,), stddev=math.nan),
        ValueError,
        "stddev must be a number, not NaN",
    ),
    (lambda: wi.random_normal((4,), mean=math.inf), ValueError, "mean must be finite"),
    (lambda: wi.random_normal((4,), mean="0"), TypeError, "mean must be a real number"),
    (
        lambda: wi.random_uniform((4,), minval=1.0, maxval=1.0),
        ValueError,
        "minval must be < maxval",
    ),
    (lambda: wi.truncated_normal((4,), lower=1.0, upper=-1.0), ValueError, "lower must be < upper"),
    (lambda: wi.trunc_normal((4,), a=2.0, b=-2.0), ValueError, "a must be < b; got a=2.0, b=-2.0"),
    (lambda: wi.trunc_normal((4,), std=-1.0), ValueError, "std must be > 0"),
    (
        lambda: wi.variance_scaling((4, 4), scale=0.0),
        ValueError,
        "scale must be > 0; got scale=0.0",
    ),
    (lambda: wi.variance_scaling((4, 4), scale=math.inf), ValueError, "scale must be finite"),
    (
        lambda: wi.variance_scaling((4, 4), mode="fan_sum"),
        ValueError,
        "mode must be one of 'fan_avg', 'fan_geo_avg', 'fan_in', 'fan_out'; got mode='fan_sum'",
    ),
    (
        lambda: wi.variance_scaling((4, 4), distribution="gaussian"),
        ValueError,
        "distribution must be one of",
    ),
    (
        lambda: wi.kaiming_normal((4, 4), mode="fan_avg"),
        ValueError,
        "mode must be one of 'fan_in', 'fan_out'",
    ),
    (
        lambda: wi.kaiming_normal((4, 4), nonlinearity="gelu"),
        ValueError,
        "nonlinearity must be one of",
    ),
    (lambda: wi.xavier_uniform((4, 4), gain=-1.0), ValueError, "gain must be > 0"),
    (
        lambda: wi.he_normal((4, 4), scale=2.0),
        TypeError,
        "he_normal\\(\\) got an unexpected keyword argument 'scale'",
    ),
    (lambda: wi.sparse((4, 4)), TypeError, "needs the parameter 'sparsity'"),
    (lambda: wi.sparse((4, 4), sparsity=1.5), ValueError, "sparsity must be <= 1.0"),
    (lambda: wi.sparse((4, 4, 4), sparsity=0.5), ValueError, "sparse needs a shape of rank 2"),
    (lambda: wi.dirac((4, 4), groups=1), ValueError, "dirac needs a shape of rank 3, 4 or 5"),
    (lambda: wi.dirac((3, 3, 4, 6), groups=4), ValueError, "groups must divide"),
    (lambda: wi.dirac((3, 3, 4, 6), groups=0), ValueError, "groups must be an int >= 1"),
    (lambda: wi.eye((2, 2, 2)), ValueError, "eye needs a shape of rank 2"),
    (lambda: wi.identity((4,)), ValueError, "identity needs a shape of rank >= 2"),
    (lambda: wi.orthogonal((4,)), ValueError, "orthogonal needs a shape of rank >= 2"),
    (lambda: wi.delta_orthogonal((3, 3, 8, 4)), ValueError, "no more input than output channels"),
    (lambda: wi.delta_orthogonal((8, 4)), ValueError, "rank 3, 4 or 5"),
    (lambda: wi.he_normal(), TypeError, "shape is required unless both fan_in and fan_out"),
    (lambda: wi.he_normal(fan_in=3), TypeError, "shape is required"),
    (
        lambda: wi.he_normal(fan_in=3, fan_out=4, in_axis=0),
        ValueError,
        "axes need a shape; got shape=None with in_axis=0",
    ),
    (lambda: wi.he_normal((3, 4), fan_in=-1), ValueError, "fan_in must be an int >= 0"),
    (lambda: wi.he_normal((3, 4), fan_in=2.5), TypeError, "fan_in must be an int"),
    (lambda: wi.he_normal((3, 4), fan_in=0), ValueError, "divides by a fan that is 0"),
    (lambda: wi.he_normal((2**21, 2**20)), ValueError, "at most 1099511627776"),
    (lambda: wi.he_normal((3, 4.0)), TypeError, r"shape\[1\]=4.0"),
    (
        lambda: wi.he_normal((3, 4), rng=-5),
        ValueError,
        r"rng must be a non-negative int seed; got rng=-5",
    ),
    (lambda: wi.he_normal((3, 4), rng="seed"), TypeError, "rng must be None, an int"),
    (lambda: wi.he_normal((3, 4), layout="tf"), ValueError, "layout must be one of"),
    (lambda: wi.he_normal(out=[1.0, 2.0]), TypeError, "out must be a numpy.ndarray"),
    (lambda: wi.he_normal(out=np.zeros(3, dtype=np.int64)), TypeError, "got out.dtype=int64"),
    (lambda: wi.he_normal((2, 2), out=np.zeros((3, 3))), ValueError, "shape must match out.shape"),
    (
        lambda: wi.he_normal(out=np.zeros(3), dtype=np.float32),
        ValueError,
        "dtype must match out.dtype",
    ),
]


def _readonly() -> object:
    array = np.zeros((3, 3))
    array.flags.writeable = False
    return wi.he_normal(out=array)


ERRORS.append((_readonly, ValueError, "out must be a writeable array"))


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_errors_name_the_parameter(call: Call, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_errors_before_drawing_anything() -> None:
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    with pytest.raises(ValueError):
        wi.he_normal((3, 4), in_axis=5, rng=gen)
    with pytest.raises(TypeError):
        wi.he_normal((3, 4), dtype=np.int8, rng=gen)
    assert gen.bit_generator.state == state


# --- values written exactly or refused --------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: wi.constant((2,), value=2**63 - 1, dtype="int64"), 2**63 - 1),
        (lambda: wi.constant((2,), value=-(2**63), dtype="int64"), -(2**63)),
        (lambda: wi.constant((2,), value=2**64 - 1, dtype="uint64"), 2**64 - 1),
        (lambda: wi.constant((2,), value=[2**63], dtype="uint64"), 2**63),
        (lambda: wi.constant((2,), value=np.uint64(2**63), dtype="uint64"), 2**63),
        (lambda: wi.torch_constant((2,), val=2**60 + 1, dtype="int64"), 2**60 + 1),
        (lambda: wi.torch_constant((2,), val=2**64 - 1, dtype="uint64"), 2**64 - 1),
        (lambda: wi.identity((2, 2), gain=2**60 + 1, dtype="int64")[0], 2**60 + 1),
        (lambda: wi.identity((2, 2), gain=2**63, dtype="uint64")[0], 2**63),
    ],
    ids=[
        "int64 max",
        "int64 min",
        "uint64 max",
        "list into uint64",
        "np.uint64",
        "torch_constant 2**60+1",
        "torch_constant uint64 max",
        "identity 2**60+1",
        "identity uint64",
    ],
)
def test_ints_that_fit_are_written_exactly(call: Call, expected: int) -> None:
    result = call()
    assert isinstance(result, np.ndarray)
    assert int(result.flat[0]) == expected


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: wi.constant((2,), value=2**63, dtype="int64"), r"value=9223372036854775808"),
        (lambda: wi.constant((2,), value=2**64 - 1, dtype="int64"), r"value=18446744073709551615"),
        (lambda: wi.constant((2,), value=[2**63], dtype="int64"), r"value=array"),
        (lambda: wi.constant((2,), value=np.uint64(2**63), dtype="int64"), r"value=9223372036854"),
        (lambda: wi.constant((2,), value=2**64, dtype="uint64"), r"value=18446744073709551616"),
        (
            lambda: wi.constant((2,), value=-(2**63) - 1, dtype="int64"),
            r"value=-9223372036854775809",
        ),
        (lambda: wi.constant((2,), value=2.0**63, dtype="int64"), r"value=9.223372036854776e\+18"),
        (lambda: wi.torch_constant((2,), val=2**63, dtype="int64"), r"val=9223372036854775808"),
        (lambda: wi.identity((2, 2), gain=2**63, dtype="int64"), r"gain=9223372036854775808"),
        (lambda: wi.identity((2, 2), gain=-1, dtype="uint64"), r"gain=-1"),
    ],
    ids=[
        "2**63 int64",
        "2**64-1 int64",
        "[2**63] int64",
        "np.uint64(2**63) int64",
        "2**64 uint64",
        "-2**63-1 int64",
        "float 2**63 int64",
        "torch_constant",
        "identity",
        "identity negative uint64",
    ],
)
def test_ints_that_do_not_fit_are_refused(call: Call, match: str) -> None:
    with pytest.raises(ValueError, match=match + r".* cannot hold exactly \(its range is"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: wi.constant((2,), value=1e300, dtype="complex64"),
        lambda: wi.identity((2, 2), gain=1e300, dtype="complex64"),
        lambda: wi.constant((2,), value=[1.0, -1e39], dtype="complex64"),
    ],
    ids=["constant", "identity", "array"],
)
def test_complex_overflow_is_refused_without_a_warning(call: Call) -> None:
    with pytest.raises(ValueError, match="overflow dtype=complex64"):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: wi.constant((2,), value=1e-8, dtype="float16"), r"value=1e-08 writes nonzero"),
        (lambda: wi.constant((2,), value=[1.0, 1e-8], dtype="float16"), r"value=array"),
        (lambda: wi.constant((2,), value=1e-50, dtype="complex64"), r"value=1e-50 writes nonzero"),
        (lambda: wi.identity((2, 2), gain=1e-8, dtype="float16"), r"gain=1e-08 writes nonzero"),
        (lambda: wi.torch_constant((2,), val=1e-46, dtype="float32"), r"val=1e-46 writes nonzero"),
        (lambda: wi.random_normal((4,), stddev=1e-300, dtype="float32"), r"stddev=1e-300 draws"),
        (lambda: wi.random_normal((4,), stddev=1e-9, dtype="float16"), r"stddev=1e-09 draws"),
        (
            lambda: wi.variance_scaling((4, 4), scale=1e-320, dtype="float32"),
            r"scale=1e-320, .* draws",
        ),
        (
            lambda: wi.variance_scaling(
                (4, 4), scale=1e-320, distribution="uniform", dtype="float32"
            ),
            r"scale=1e-320, .* draws",
        ),
        (
            lambda: wi.random_uniform((4,), minval=0.0, maxval=1e-320, dtype="float32"),
            r"maxval=1e-320 draws",
        ),
        (lambda: wi.jax_uniform((4,), scale=1e-9, dtype="float16"), r"scale=1e-09 draws"),
        (lambda: wi.trunc_normal((4,), std=1e-300, a=-1.0, b=1.0, dtype="float32"), r"std=1e-300"),
        (lambda: wi.orthogonal((4, 4), gain=1e-300, dtype="float32"), r"gain=1e-300 draws"),
        (
            lambda: wi.delta_orthogonal((3, 3, 2, 2), scale=-1e-300, dtype="float32"),
            r"scale=-1e-300, column_axis=-1 draws",
        ),
        (lambda: wi.sparse((4, 4), sparsity=0.5, std=1e-300, dtype="float32"), r"std=1e-300"),
    ],
    ids=[
        "constant",
        "constant array",
        "constant complex",
        "identity",
        "torch_constant",
        "random_normal float32",
        "random_normal float16",
        "variance_scaling",
        "variance_scaling uniform",
        "random_uniform",
        "jax_uniform float16",
        "trunc_normal",
        "orthogonal",
        "delta_orthogonal",
        "sparse",
    ],
)
def test_nonzero_values_that_round_to_zero_are_refused(call: Call, match: str) -> None:
    with pytest.raises(ValueError, match=match + ".* (rounds to 0|round to 0) .*smallest positive"):
        call()


def test_tiny_values_the_dtype_holds_stay_allowed() -> None:
    smallest16, smallest32 = 2.0**-24, 2.0**-149
    assert wi.constant((2,), value=smallest16, dtype="float16").tolist() == [smallest16] * 2
    assert wi.identity((2, 2), gain=smallest32, dtype="float32")[0, 0] == smallest32
    assert wi.constant((2,), value=0.0, dtype="float16").tolist() == [0.0, 0.0]
    assert not wi.orthogonal((4, 4), gain=0.0, dtype="float32", rng=0).any()  # zero asked for
    assert not wi.sparse((4, 4), sparsity=1.0, std=1e-300, dtype="float32", rng=0).any()
    # A scale the dtype holds draws values that are not all 0, however coarse.
    assert wi.random_normal((4096,), stddev=1e-44, dtype="float32", rng=0).any()
    assert wi.random_uniform((64,), minval=0.0, maxval=1e-320, rng=0).any()  # float64 holds it
    assert wi.random_normal((64,), stddev=1e-300, rng=0).any()
    assert wi.random_normal((64,), mean=1.0, stddev=1e-300, dtype="float32", rng=0).all()


#: Calls refused for their values, each given a Generator that must not advance.
REFUSED_WITH_GENERATOR: list[Callable[[np.random.Generator], object]] = [
    lambda g: wi.trunc_normal((4,), a=1e38, b=math.inf, dtype="float32", rng=g),
    lambda g: wi.trunc_normal((4,), a=1.0001, b=1.0002, dtype="float16", rng=g),
    lambda g: wi.trunc_normal((4,), std=8e36, a=8e38, b=math.inf, dtype="float32", rng=g),
    lambda g: wi.trunc_normal((4,), std=1e-300, a=-1.0, b=1.0, dtype="float32", rng=g),
    lambda g: wi.trunc_normal((4,), std=3.5e38, dtype="float16", rng=g),
    lambda g: wi.truncated_normal(
        (4,), mean=1.0, stddev=1e-4, lower=1.0, upper=1.5, dtype="float16", rng=g
    ),
    lambda g: wi.random_normal((4,), stddev=1e-300, dtype="float32", rng=g),
    lambda g: wi.random_normal((4,), stddev=1e5, dtype="float16", rng=g),
    lambda g: wi.random_uniform((4,), minval=0.0, maxval=1e-320, dtype="float32", rng=g),
    lambda g: wi.random_uniform((4,), minval=-1e308, maxval=1e308, rng=g),
    lambda g: wi.random_uniform((4,), minval=-65520.0, maxval=65520.0, dtype="float16", rng=g),
    lambda g: wi.variance_scaling((4, 4), scale=1e-320, dtype="float32", rng=g),
    lambda g: wi.jax_normal((4,), stddev=1e308, rng=g),
    lambda g: wi.orthogonal((4, 4), gain=1e-300, dtype="float32", rng=g),
    lambda g: wi.orthogonal((4, 4), gain=1e5, dtype="float16", rng=g),
    lambda g: wi.sparse((4, 4), sparsity=0.5, std=1e-300, dtype="float32", rng=g),
    lambda g: wi.delta_orthogonal((3, 3, 2, 2), scale=1e-300, dtype="float32", rng=g),
    lambda g: wi.constant((2,), value=2**63, dtype="int64", rng=g),
    lambda g: wi.constant((2,), value=1e-8, dtype="float16", rng=g),
    lambda g: wi.identity((2, 2), gain=1e300, dtype="complex64", rng=g),
    lambda g: wi.he_normal((3, 4), in_axis=5, rng=g),
    lambda g: wi.he_normal((3, 4), dtype=np.int8, rng=g),
    lambda g: wi.distributions.Normal(0.0, 1e-300).sample((3,), dtype="float32", rng=g),
    lambda g: wi.distributions.TruncatedNormal(0.0, 1.0, 1.0001, 1.0002).sample(
        (3,), dtype="float16", rng=g
    ),
]


@pytest.mark.parametrize("call", REFUSED_WITH_GENERATOR)
def test_refused_calls_leave_the_generator_as_it_was(
    call: Callable[[np.random.Generator], object],
) -> None:
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    with pytest.raises((TypeError, ValueError)):
        call(gen)
    assert gen.bit_generator.state == state


def test_int_parameters_give_float_moments() -> None:
    assert wi.identity.mean(shape=(2, 2), gain=2**60 + 1) == float(2**60 + 1) / 2
    assert wi.constant.mean(shape=(2,), value=10**30) == 1e30
    assert wi.constant.variance(shape=(2,), value=10**30) == 0.0
    with pytest.raises(ValueError, match="variance of identity with gain="):
        wi.identity.variance(shape=(2, 2), gain=10**200)  # its square overflows float64


@pytest.mark.parametrize(
    ("value", "dtype"),
    [(np.arange(10000.0) + 2**40, np.int32), (np.arange(1, 10001.0) * 1e-60, np.float32)],
)
def test_refusals_of_many_values_are_short(value: np.ndarray, dtype: type) -> None:
    with pytest.raises(ValueError) as caught:
        wi.constant((10000,), value=value, dtype=dtype)
    assert len(str(caught.value)) < 1000
