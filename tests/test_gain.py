"""Gains: PyTorch's table, and exact gains against closed forms and mpmath."""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_SCALE,
    Activation,
    central_difference,
    get_activation,
)
from weightinit.gains import LINEAR_NONLINEARITIES, normal_expectation

# --- calculate_gain: PyTorch's table ----------------------------------------------------


@pytest.mark.parametrize("name", [*LINEAR_NONLINEARITIES, "sigmoid"])
def test_calculate_gain_one(name: str) -> None:
    assert wi.calculate_gain(name) == 1.0


@pytest.mark.parametrize(
    ("name", "param", "expected"),
    [
        ("tanh", None, 5.0 / 3.0),
        ("relu", None, math.sqrt(2.0)),
        ("selu", None, 0.75),
        ("leaky_relu", None, math.sqrt(2.0 / (1.0 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2.0 / 1.04)),
        ("leaky_relu", 1, 1.0),
        ("relu", "ignored", math.sqrt(2.0)),
    ],
)
def test_calculate_gain_table(name: str, param: object, expected: float) -> None:
    assert wi.calculate_gain(name, param) == expected


@pytest.mark.parametrize("name", ["elu", "Relu", "gelu", ""])
def test_calculate_gain_unknown_name(name: str) -> None:
    with pytest.raises(ValueError, match=f"^Unsupported nonlinearity {name}"):
        wi.calculate_gain(name)


@pytest.mark.parametrize("param", [True, "x", [0.1]])
def test_calculate_gain_bad_slope(param: object) -> None:
    with pytest.raises(
        ValueError, match="^" + re.escape(f"negative_slope {param} not a valid number")
    ):
        wi.calculate_gain("leaky_relu", param)


# --- quadrature ------------------------------------------------------------------------------


@pytest.mark.parametrize(("power", "moment"), [(0, 1), (2, 1), (4, 3), (6, 15), (8, 105)])
def test_normal_expectation_of_powers(power: int, moment: int) -> None:
    assert normal_expectation(lambda z: z**power) == pytest.approx(moment, rel=1e-13)


def test_normal_expectation_splits_at_kinks() -> None:
    # |Z - 1| = 2 max(Z - 1, 0) + (1 - Z), and E[max(Z - 1, 0)] = phi(1) - P(Z > 1).
    tail = math.exp(-0.5) / math.sqrt(2 * math.pi) - 0.5 * math.erfc(1 / math.sqrt(2))
    assert normal_expectation(lambda z: np.abs(z - 1.0), kinks=(1.0,)) == pytest.approx(
        2 * tail + 1.0, rel=1e-13
    )


def test_normal_expectation_refuses_non_finite() -> None:
    with pytest.raises(ValueError, match="not finite"):
        normal_expectation(lambda z: np.exp(z**4))


# --- exact gains -------------------------------------------------------------------------------

mpmath.mp.dps = 30


def _mp_phi(name: str, z: mpmath.mpf) -> mpmath.mpf:
    sig = 1 / (1 + mpmath.exp(-z))
    sp = mpmath.log1p(mpmath.exp(z))
    c = mpmath.sqrt(2 / mpmath.pi)
    table = {
        "linear": lambda: z,
        "relu": lambda: max(z, 0),
        "leaky_relu": lambda: z if z > 0 else 0.01 * z,
        "elu": lambda: z if z > 0 else mpmath.expm1(z),
        "selu": lambda: SELU_SCALE * (z if z > 0 else SELU_ALPHA * mpmath.expm1(z)),
        "gelu": lambda: z * mpmath.ncdf(z),
        "gelu_tanh": lambda: z / 2 * (1 + mpmath.tanh(c * (z + mpmath.mpf("0.044715") * z**3))),
        "silu": lambda: z * sig,
        "mish": lambda: z * mpmath.tanh(sp),
        "tanh": lambda: mpmath.tanh(z),
        "sigmoid": lambda: sig,
        "softsign": lambda: z / (1 + abs(z)),
        "softplus": lambda: sp,
    }
    return table[name]()


def _mp_gain(name: str, kind: str) -> float:
    density = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
    if kind == "forward":
        integrand = lambda z: _mp_phi(name, z) ** 2 * density(z)  # noqa: E731
    else:
        integrand = lambda z: mpmath.diff(lambda t: _mp_phi(name, t), z) ** 2 * density(z)  # noqa: E731
    moment = mpmath.quad(integrand, [-mpmath.inf, -8, 0, 8, mpmath.inf])
    return float(1 / mpmath.sqrt(moment))


@pytest.mark.parametrize("kind", ["forward", "backward"])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_gain_matches_mpmath(name: str, kind: str) -> None:
    assert wi.gain(name, kind=kind) == pytest.approx(_mp_gain(name, kind), rel=1e-13)


@pytest.mark.parametrize("kind", ["forward", "backward"])
def test_gain_closed_forms(kind: str) -> None:
    assert wi.gain("relu", kind=kind) == pytest.approx(math.sqrt(2.0), rel=1e-14)
    assert wi.gain("linear", kind=kind) == pytest.approx(1.0, rel=1e-14)
    for slope in (0.01, 0.2, 0.5, 1.0, 3.0):
        expected = math.sqrt(2.0 / (1.0 + slope**2))
        assert wi.gain("leaky_relu", kind=kind, param=slope) == pytest.approx(expected, rel=1e-14)
        assert wi.calculate_gain("leaky_relu", slope) == pytest.approx(expected, rel=1e-15)


def test_selu_forward_gain_is_one() -> None:
    # SELU's constants make E[selu(z)^2] = 1 for z ~ N(0, 1) (the self-normalizing fixed point).
    assert wi.gain("selu") == pytest.approx(1.0, abs=1e-9)


def test_swish_is_silu() -> None:
    assert wi.gain("swish") == wi.gain("silu")


def test_tanh_gain_differs_from_pytorch_table() -> None:
    assert wi.gain("tanh") == pytest.approx(1.5925374197228314, rel=1e-12)
    assert wi.gain("tanh", kind="backward") == pytest.approx(1.4674135916307951, rel=1e-12)
    assert wi.calculate_gain("tanh") - wi.gain("tanh") > 0.07


CALLABLES = {
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(0.0, x),
    "silu": lambda x: x / (1.0 + np.exp(-x)),
}


@pytest.mark.parametrize("kind", ["forward", "backward"])
@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_gain_of_a_callable_reaches_1e_7(name: str, kind: str) -> None:
    exact = _mp_gain(name, kind)
    assert wi.gain(CALLABLES[name], kind=kind) == pytest.approx(exact, rel=1e-10)


def test_callable_with_a_kink_elsewhere() -> None:
    relu6 = Activation("relu6", lambda x: np.clip(x, 0.0, 6.0), kinks=(0.0, 6.0))
    # E[relu6'(z)^2] = P(0 < z < 6)
    expected = 1.0 / math.sqrt(0.5 * (math.erf(6 / math.sqrt(2)) - 0.0))
    assert wi.gain(relu6, kind="backward") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_agree_with_central_differences(name: str) -> None:
    activation = get_activation(name)
    x = np.random.default_rng(7).normal(scale=3.0, size=200)
    x = x[np.abs(x) > 1e-3]  # away from the kink at 0
    numeric = central_difference(activation.function)(x)
    np.testing.assert_allclose(activation.derivative(x), numeric, rtol=1e-8, atol=1e-9)


def test_gain_errors() -> None:
    with pytest.raises(ValueError, match="'relu'"):
        wi.gain("rellu")
    with pytest.raises(ValueError, match="kind must be one of 'backward', 'forward'"):
        wi.gain("relu", kind="both")
    with pytest.raises(ValueError, match="takes no param"):
        wi.gain("tanh", param=0.1)
    with pytest.raises(TypeError, match="activation must be"):
        wi.gain(3)
    with pytest.raises(TypeError, match="negative_slope must be a real number"):
        wi.gain("leaky_relu", param="0.1")
    with pytest.raises(ValueError, match="undefined"):
        wi.gain(lambda x: 0.0 * x)
    with pytest.raises(ValueError, match="undefined"):
        wi.gain(np.sign, kind="backward")


@given(slope=st.floats(min_value=-10.0, max_value=10.0, allow_nan=False))
def test_leaky_relu_gain_closed_form(slope: float) -> None:
    expected = math.sqrt(2.0 / (1.0 + slope**2))
    for kind in ("forward", "backward"):
        assert wi.gain("leaky_relu", kind=kind, param=slope) == pytest.approx(expected, rel=1e-13)


@given(
    scale=st.floats(min_value=0.01, max_value=100.0),
    name=st.sampled_from(["relu", "tanh", "gelu", "elu"]),
)
def test_gain_scales_inversely_with_the_activation(scale: float, name: str) -> None:
    activation = get_activation(name)
    scaled = Activation(
        "scaled",
        lambda x: scale * activation.function(x),
        lambda x: scale * activation.derivative(x),
        kinks=activation.kinks,
    )
    for kind in ("forward", "backward"):
        assert wi.gain(scaled, kind=kind) == pytest.approx(
            wi.gain(name, kind=kind) / scale, rel=1e-13
        )


@pytest.mark.parametrize("growth", [4.0, 3.0, 2.5, 1.0])
def test_gain_refuses_a_divergent_second_moment(growth: float) -> None:
    # E[exp(z**2 / 4)**2] = E[exp(z**2 / 2)] is infinite, and more so for faster growth;
    # the integral over [-16, 16] alone gave finite gains (0.28, 1e-9, 7e-17).
    with pytest.raises(ValueError, match=r"forward gain of <lambda> is undefined.*diverges"):
        wi.gain(lambda z: np.exp(z * z / growth))


def test_gain_refuses_a_slowly_divergent_second_moment() -> None:
    # phi(z)**2 * pdf(z) ~ |z|**-0.8: divergent, though it decays.
    with pytest.raises(ValueError, match="diverges"):
        wi.gain(lambda z: np.exp(z * z / 4) / (1 + np.abs(z)) ** 0.4)


def test_normal_expectation_accepts_heavy_but_negligible_tails() -> None:
    # E[exp(a Z**2)] = 1 / sqrt(1 - 2a): finite, the tail beyond 16 still below 1e-12.
    assert normal_expectation(lambda z: np.exp(0.4 * z * z)) == pytest.approx(
        1 / math.sqrt(0.2), rel=1e-11
    )
    assert normal_expectation(lambda z: np.exp(2 * np.abs(z))) == pytest.approx(
        2 * math.exp(2) * (1 - 0.5 * math.erfc(2 / math.sqrt(2))), rel=1e-13
    )
    with pytest.raises(ValueError, match="converges too slowly"):
        normal_expectation(lambda z: np.exp(0.45 * z * z))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_are_not_nan_at_huge_finite_inputs(name: str) -> None:
    # gelu_tanh's slope was 0 * inf = NaN beyond |x| = 1e154.
    x = np.array([-1.7e308, -1e300, -1e155, -1e20, 1e20, 1e155, 1e300, 1.7e308])
    with np.errstate(over="ignore"):
        assert not np.isnan(get_activation(name).derivative(x)).any()


def test_gain_is_a_function_and_gains_its_module() -> None:
    import importlib

    import weightinit.gains as gains

    assert wi.gain is gains.gain and wi.calculate_gain is gains.calculate_gain
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("weightinit.gain")


def test_gelu_is_quiet_and_exact_at_huge_inputs() -> None:
    gelu = get_activation("gelu")
    x = np.array([1e200, 1e308, -1e200, 40.0, -40.0])
    assert gelu.function(x).tolist() == [1e200, 1e308, -0.0, 40.0, -0.0]
