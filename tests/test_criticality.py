"""Mean-field theory and critical initialization against the papers' figures and independent quadrature.

Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), "Deep Information Propagation", ICLR,
Fig. 1 and §3: the critical line of tanh networks. Fig. 1 is a plot; the figures below
(σ_b² → σ_w², q*) are independent reference values of that line to 4 digits, to be met to 0.1%. The expectations here are recomputed by a plain
trapezoid rule on a fine grid, an independent method.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.activations import get_activation

#: Reference values (4 digits) of the critical line of Schoenholz et al. (2017), Fig. 1.
SCHOENHOLZ_TANH = [
    (0.01, 1.4242, 0.2733),
    (0.05, 1.7610, 0.5700),
    (0.3, 2.5051, 1.4612),
    (1.0, 3.4432, 3.0364),
]

Z = np.linspace(-12.0, 12.0, 240_001)
PDF = np.exp(-0.5 * Z * Z) / math.sqrt(2.0 * math.pi)
DZ = float(Z[1] - Z[0])


def expect(values: np.ndarray) -> float:
    """E[f(Z)], Z ~ N(0, 1), by the trapezoid rule on a fine grid (an independent method)."""
    return float(np.sum(values * PDF) * DZ)


@pytest.mark.parametrize(("sb2", "sw2", "q"), SCHOENHOLZ_TANH)
def test_tanh_critical_line_reproduces_schoenholz_fig_1(sb2: float, sw2: float, q: float) -> None:
    point = wi.critical("tanh", sigma_b=math.sqrt(sb2))
    assert point.sigma_w**2 == pytest.approx(sw2, rel=1e-3)
    assert point.q_star == pytest.approx(q, rel=1e-3)
    assert point.phase == "critical" and point.depth_scale == math.inf
    root = math.sqrt(point.q_star)  # q* is a fixed point, chi_1 = 1, by independent quadrature
    image = point.sigma_w**2 * expect(np.tanh(root * Z) ** 2) + sb2
    assert image == pytest.approx(point.q_star, rel=1e-9)
    chi = point.sigma_w**2 * expect((1.0 - np.tanh(root * Z) ** 2) ** 2)
    assert chi == pytest.approx(1.0, rel=1e-9)


def test_relu_is_critical_at_he_and_has_no_critical_point_with_biases() -> None:
    point = wi.critical("relu")
    assert point.sigma_w**2 == pytest.approx(2.0, rel=1e-14) and point.q_star == 1.0
    assert wi.critical("relu", q0=3.0).q_star == 3.0  # every q is a fixed point there
    with pytest.raises(ValueError, match=r"no critical point with sigma_b=0\.1.*homogeneous"):
        wi.critical("relu", sigma_b=0.1)
    assert wi.critical("leaky_relu", param=0.2).sigma_w ** 2 == pytest.approx(2 / 1.04, rel=1e-12)
    assert wi.critical("linear").sigma_w == pytest.approx(1.0, rel=1e-14)


def test_tanh_without_biases_is_critical_at_one_with_the_signal_vanishing() -> None:
    point = wi.critical("tanh")
    assert point.sigma_w == pytest.approx(1.0, rel=1e-14) and point.q_star == 0.0
    below = wi.mean_field("tanh", sigma_w=0.8)
    assert below.q_star == 0.0 and below.phase == "ordered"
    assert below.chi == pytest.approx(0.64, rel=1e-12)
    assert below.depth_scale == pytest.approx(-1.0 / math.log(0.64), rel=1e-12)
    assert wi.mean_field("tanh", sigma_w=0.0, sigma_b=0.1).depth_scale == 0.0  # chi = 0


@pytest.mark.parametrize("activation", ["gelu", "silu", "mish", "softplus"])
def test_activations_without_a_critical_point_at_zero_bias_say_why(activation: str) -> None:
    with pytest.raises(ValueError, match=r"no critical point with sigma_b=0\.0: .* chi_1 is"):
        wi.critical(activation)


@pytest.mark.parametrize(
    ("activation", "sigma_b"), [("gelu", 0.5), ("silu", 0.1), ("sigmoid", 0.0), ("elu", 0.3)]
)
def test_other_critical_points_are_fixed_points_with_chi_one(
    activation: str, sigma_b: float
) -> None:
    point = wi.critical(activation, sigma_b=sigma_b)
    phi = get_activation(activation)
    root = math.sqrt(point.q_star)
    image = point.sigma_w**2 * expect(phi.function(root * Z) ** 2) + sigma_b**2
    assert image == pytest.approx(point.q_star, rel=1e-6)
    chi = point.sigma_w**2 * expect(phi.derivative(root * Z) ** 2)
    assert chi == pytest.approx(1.0, rel=1e-6)


def test_mean_field_fixed_point_chi_and_phases() -> None:
    state = wi.mean_field("tanh", sigma_w=1.5, sigma_b=0.1)
    root = math.sqrt(state.q_star)
    assert 2.25 * expect(np.tanh(root * Z) ** 2) + 0.01 == pytest.approx(state.q_star, rel=1e-9)
    assert state.chi == pytest.approx(2.25 * expect((1 - np.tanh(root * Z) ** 2) ** 2), rel=1e-9)
    assert state.phase == "chaotic" and state.chi > 1.0
    ordered = wi.mean_field("tanh", sigma_w=0.9, sigma_b=0.1)
    assert ordered.phase == "ordered" and ordered.c_star == 1.0
    assert ordered.depth_scale == pytest.approx(-1.0 / math.log(ordered.chi), rel=1e-12)
    assert wi.mean_field("relu", sigma_w=math.sqrt(2.0)).phase == "critical"
    with pytest.raises(ValueError, match=r"no finite fixed point above q0=1\.0.*explode"):
        wi.mean_field("relu", sigma_w=1.5)


def test_chaotic_correlation_fixed_point_and_depth_scale() -> None:
    odd = wi.mean_field("tanh", sigma_w=1.5)  # odd φ, no bias: c* = 0, χ_c = σ_w² E[φ'(u)]²
    assert odd.c_star == 0.0
    root = math.sqrt(odd.q_star)
    chi_c = 2.25 * expect(1 - np.tanh(root * Z) ** 2) ** 2
    assert odd.depth_scale == pytest.approx(-1.0 / math.log(chi_c), rel=1e-9)
    state = wi.mean_field("tanh", sigma_w=1.5, sigma_b=0.1)
    c = state.c_star
    assert 0.0 < c < 1.0
    grid = np.linspace(-9.0, 9.0, 3601)  # the correlation map at c*, by a 2-D trapezoid rule
    z1, z2 = np.meshgrid(grid, grid, indexing="ij")
    weights = np.exp(-0.5 * (z1**2 + z2**2)) / (2 * math.pi) * (grid[1] - grid[0]) ** 2
    root = math.sqrt(state.q_star)
    u1, u2 = root * z1, root * (c * z1 + math.sqrt(1 - c * c) * z2)
    image = (2.25 * np.sum(np.tanh(u1) * np.tanh(u2) * weights) + 0.01) / state.q_star
    assert image == pytest.approx(c, rel=1e-6)
    slope = 2.25 * np.sum((1 - np.tanh(u1) ** 2) * (1 - np.tanh(u2) ** 2) * weights)
    assert state.depth_scale == pytest.approx(-1.0 / math.log(slope), rel=1e-6)


def test_the_critical_schemes_declare_their_laws() -> None:
    point = wi.critical("tanh", sigma_b=math.sqrt(0.05))
    init = wi.critical_normal.partial(activation="tanh", sigma_b=math.sqrt(0.05))
    law = init.distribution(shape=(300, 200))
    assert law.kind == "normal" and law.mean == 0.0
    assert law.variance == pytest.approx(point.sigma_w**2 / 300, rel=1e-14)
    w = wi.critical_orthogonal((128, 64), activation="tanh", sigma_b=math.sqrt(0.05), rng=3)
    np.testing.assert_allclose(w.T @ w, point.sigma_w**2 * np.eye(64), atol=1e-12)
    orth = wi.critical_orthogonal.partial(activation="tanh").distribution(shape=(128, 64))
    assert orth.kind == "orthogonal" and orth.variance == pytest.approx(1.0 / 128, rel=1e-12)
    assert wi.get("critical_normal") is wi.critical_normal
    config = wi.serialize(init)
    assert wi.deserialize(config).get_config() == init.get_config()
    assert point.bias.distribution(shape=(5,)).variance == pytest.approx(0.05, rel=1e-14)
    assert wi.critical("tanh").bias is wi.zeros


def test_a_critical_tanh_network_keeps_its_variance_at_q_star() -> None:
    # Layer by layer mean(h²) fluctuates by about 3% at width 1000 (one weight matrix and one
    # bias vector per layer); averaged over 30 layers by about 0.5%: 4% is 8 of those.
    sigma_b = math.sqrt(0.3)
    point = wi.critical("tanh", sigma_b=sigma_b)
    x = np.random.default_rng(0).standard_normal((100, 1000))
    seen = []
    for layer in range(40):
        w = wi.critical_normal((1000, 1000), activation="tanh", sigma_b=sigma_b, rng=layer)
        h = x @ w + point.bias((1000,), rng=100 + layer)
        x = np.tanh(h)
        seen.append(float(np.mean(h * h)))
    assert float(np.mean(seen[10:])) == pytest.approx(point.q_star, rel=0.04)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: wi.critical("tanh", sigma_b=-0.1), ValueError, "sigma_b must be"),
        (lambda: wi.mean_field("tanh", sigma_w=float("nan")), ValueError, "sigma_w must be"),
        (lambda: wi.mean_field("tanh", sigma_w=1.0, q0=0.0), ValueError, "q0 must be > 0"),
        (lambda: wi.critical("tanhh"), ValueError, "unknown activation"),
        (lambda: wi.critical_normal((4, 4), activation="nope"), ValueError, "activation"),
        (lambda: wi.critical_normal((4, 4)), TypeError, "activation"),
        (
            lambda: wi.critical_normal((4, 4), activation="relu", sigma_b=0.5),
            ValueError,
            "no critical point",
        ),
    ],
)
def test_bad_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
