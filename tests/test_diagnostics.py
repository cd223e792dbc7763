"""The classic claims about initialization, as assertions on propagate() and train()."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import weightinit as wi
from weightinit.activations import Activation
from weightinit.diagnostics import MAX_PROPAGATION_VALUES, propagate, synthetic_regression, train

N01 = wi.random_normal.partial(stddev=1.0)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_zeros_leave_units_symmetric(activation: str) -> None:
    result = propagate("zeros", activation, depth=6, width=32, rng=0)
    assert result.verdicts[0] == "symmetric"
    assert np.all(result.unit_spread == 0.0)
    # Zero weights pass no gradient below the top layer, whatever the activation.
    assert "vanishing" in result.verdicts
    assert "gradient std falls to exactly 0 going down" in result.explanation
    assert result.verdict == " + ".join(result.verdicts)
    assert result.explanation == "; ".join(result.reasons)


def test_zero_weights_kill_relu_units_but_not_tanh_units() -> None:
    # relu(0) = 0 with slope 0: dead; tanh(0) = 0 with slope 1: not dead.
    relu = propagate("zeros", "relu", depth=6, width=32, rng=0)
    tanh = propagate("zeros", "tanh", depth=6, width=32, rng=0)
    assert relu.verdicts == ("symmetric", "dead", "vanishing")
    assert np.all(relu.dead == 1.0)
    assert "on average over the layers 100% of the units output 0 with slope 0" in relu.explanation
    assert tanh.verdicts == ("symmetric", "vanishing")
    assert np.all(tanh.dead == 0.0)


def test_negative_biases_kill_relu_units() -> None:
    # Biases of -0.5 under He weights: most units end up off on every example (dying ReLU).
    result = propagate("he_normal", "relu", depth=30, width=256, rng=0, bias=-0.5)
    assert result.verdicts[0] == "dead"
    assert result.dead.mean() > 0.5
    worst = int(np.argmax(result.dead))
    assert result.reasons[0].startswith(
        f"on average over the layers {result.dead.mean():.0%} of the units output 0 with "
        f"slope 0 on every example ({result.dead[worst]:.0%} at layer {worst + 1})"
    )


@pytest.mark.parametrize("width", [32, 256])
def test_he_relu_is_not_called_dead_for_its_usual_share_of_off_units(width: int) -> None:
    # Deep zero-bias ReLU stacks have 30-50% units off in their deeper layers: not 'dead'.
    for seed in range(5):
        result = propagate("he_normal", "relu", depth=30, width=width, rng=seed)
        assert result.dead.max() > 0.2
        assert "dead" not in result.verdicts


def test_a_signal_underflowed_to_zero_is_not_symmetric() -> None:
    result = propagate(wi.random_normal.partial(stddev=1e-12), "tanh", depth=120, width=16, rng=0)
    assert result.std[0] > 0 and result.std[-1] == 0
    assert "symmetric" not in result.verdicts
    assert "forward std falls to exactly 0" in result.explanation


def test_a_gradient_overflow_is_placed_where_the_gradient_overflows() -> None:
    # The forward signal overflows at layer 63; the gradient coming down first at 57, not at
    # the top, whose weight gradient is inf only because its input is.
    init = wi.random_normal.partial(stddev=100.0)
    result = propagate(init, "linear", depth=120, width=8, batch=8, rng=0)
    first = int(np.flatnonzero(~np.isfinite(result.grad_std))[-1]) + 1
    assert f"the gradient overflows float64 (inf or NaN) at layer {first} of 120" in (
        result.explanation
    )
    assert np.isfinite(result.grad_std[first:]).all()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_constant_weights_leave_units_symmetric(activation: str) -> None:
    ones = wi.constant.partial(value=0.05)
    result = propagate(ones, activation, depth=6, width=32, rng=0)
    assert result.verdicts[0] == "symmetric"
    assert result.unit_spread[-1] <= 1e-12


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_standard_normal_weights_saturate(activation: str) -> None:
    result = propagate(N01, activation, depth=10, width=256, rng=1)
    assert result.saturated.mean() > 0.6
    assert result.reasons[0].startswith(
        f"{result.saturated.mean():.0%} of units sit on the flat tails of {activation}"
    )
    # Saturated, and where the gradient still grows going down, that is said too.
    assert result.verdicts[0] == "saturated"
    assert ("exploding" in result.verdicts) == (result.backward_ratio > 10)
    assert "gradients barely pass" not in result.explanation


def test_standard_normal_weights_saturate_tanh_and_explode_its_gradient() -> None:
    result = propagate(N01, "tanh", depth=10, width=256, rng=1)
    assert result.verdict == "saturated + exploding"
    assert result.backward_ratio > 10
    assert result.reasons[1] == (
        f"gradient std grows ×{result.backward_ratio:.2g} going down across 10 layers, "
        "the weights' scale outweighing the small slopes"
    )


def test_a_saturated_run_whose_ratios_hold_says_so() -> None:
    # critical_normal for sigmoid (sigma_b = 0) sits at a large q*: most units on the
    # tails, while chi = 1 keeps the gradient's scale.
    init = wi.critical_normal.partial(activation="sigmoid")
    result = propagate(init, "sigmoid", depth=30, width=256, rng=0)
    assert result.verdicts == ("saturated",)
    assert 0.1 < result.backward_ratio < 10
    assert "both within ×10" in result.explanation


def test_standard_normal_weights_blow_up_relu() -> None:
    result = propagate(N01, "relu", depth=10, width=256, rng=1)
    assert result.verdict == "exploding"
    assert result.explanation == (
        f"forward std grows ×{result.forward_ratio:.2g} and gradient std grows "
        f"×{result.backward_ratio:.2g} going down, across 10 layers"
    )
    # Each layer multiplies the second moment by width * Var(W) / 2 = 128.
    rate = np.exp(np.polyfit(np.arange(10), np.log(result.std), 1)[0])
    assert 0.9 * math.sqrt(128) < rate < 1.1 * math.sqrt(128)


@pytest.mark.parametrize("init", ["glorot_uniform", "glorot_normal", "orthogonal"])
def test_xavier_keeps_tanh_alive(init: str) -> None:
    result = propagate(init, "tanh", depth=30, width=256, rng=2)
    assert result.verdict == "healthy"
    assert result.forward_ratio > 0.1
    assert result.backward_ratio > 0.1


@pytest.mark.parametrize("seed", [3, 4])
def test_he_keeps_deep_relu_alive(seed: int) -> None:
    result = propagate("he_normal", "relu", depth=30, width=256, rng=seed)
    assert result.verdict == "healthy"
    assert 0.1 < result.forward_ratio < 10
    assert 0.1 < result.backward_ratio < 10


@pytest.mark.parametrize("init", ["glorot_uniform", "glorot_normal", "lecun_normal"])
def test_xavier_variance_halves_per_relu_layer(init: str) -> None:
    result = propagate(init, "relu", depth=30, width=256, rng=5)
    assert result.verdict == "vanishing"
    assert result.forward_ratio < 1e-2
    # Var(x_l) ∝ 2^-l: the fitted slope of log2 Var per layer is -1.
    slope = np.polyfit(np.arange(30), np.log2(result.std**2), 1)[0]
    assert -1.2 < slope < -0.8


@pytest.mark.parametrize(("gain", "verdict"), [(1.5, "exploding"), (0.5, "vanishing")])
def test_scaled_identity_linear_stack(gain: float, verdict: str) -> None:
    result = propagate(wi.identity.partial(gain=gain), "linear", depth=10, width=64, rng=6)
    assert result.verdict == verdict
    assert result.forward_ratio == pytest.approx(gain**9, rel=1e-12)
    assert result.backward_ratio == pytest.approx(gain**9, rel=1e-12)


def test_zero_biases_are_fine() -> None:
    zero = propagate("he_normal", "relu", depth=20, width=128, rng=7, bias=0.0)
    named = propagate("he_normal", "relu", depth=20, width=128, rng=7, bias="zeros")
    assert zero.verdict == named.verdict == "healthy"
    np.testing.assert_array_equal(zero.std, named.std)
    assert zero.unit_spread.min() > 0.1


def test_random_biases_are_used() -> None:
    plain = propagate("he_normal", "tanh", depth=4, width=32, rng=8)
    biased = propagate("he_normal", "tanh", depth=4, width=32, rng=8, bias=N01)
    assert biased.pre_std[0] > plain.pre_std[0] * 1.1


def test_statistics_are_consistent() -> None:
    result = propagate("he_normal", "relu", depth=5, width=64, batch=128, rng=9)
    for key in ("pre_mean", "pre_std", "mean", "std", "saturated", "dead", "grad_std"):
        assert getattr(result, key).shape == (5,)
    assert np.all(result.saturated == 0.0)  # relu does not saturate
    assert np.all((result.dead >= 0) & (result.dead <= 1))
    assert result.grad_std[-1] == pytest.approx(1.0, rel=0.05)  # the injected N(0, 1) gradient
    # ReLU of a symmetric pre-activation halves its second moment. That holds for the
    # first layer, whose input is N(0, 1) (deeper inputs are positive, so a unit's
    # pre-activation has a mean of its own). Over 2,000 seeds the relative deviation at
    # this size had sd 0.020 (max 0.072): 0.15 is 7.5 sd.
    second = result.std[0] ** 2 + result.mean[0] ** 2
    assert second == pytest.approx((result.pre_std[0] ** 2 + result.pre_mean[0] ** 2) / 2, rel=0.15)


def test_propagate_is_deterministic() -> None:
    first = propagate("glorot_uniform", "tanh", depth=4, width=16, rng=10)
    again = propagate("glorot_uniform", "tanh", depth=4, width=16, rng=10)
    other = propagate("glorot_uniform", "tanh", depth=4, width=16, rng=11)
    np.testing.assert_array_equal(first.std, again.std)
    np.testing.assert_array_equal(first.grad_std, again.grad_std)
    assert not np.array_equal(first.std, other.std)
    gen = np.random.default_rng(12)
    assert not np.array_equal(
        propagate("he_normal", "relu", depth=2, width=8, rng=gen).std,
        propagate("he_normal", "relu", depth=2, width=8, rng=gen).std,
    )


def test_to_dict_is_json_safe() -> None:
    result = propagate("zeros", "relu", depth=3, width=8, rng=0)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["verdict"] == "symmetric + dead + vanishing"
    assert data["verdicts"] == ["symmetric", "dead", "vanishing"]
    assert data["reasons"] == list(result.reasons)
    assert data["forward_ratio"] is None  # 0 / 0
    assert len(data["forward_std"]) == len(data["backward_std"]) == 3


def test_overflow_is_exploding() -> None:
    result = propagate(wi.random_normal.partial(stddev=100.0), "linear", depth=80, width=64, rng=0)
    assert result.verdict == "exploding"
    assert "overflows" in result.explanation


@pytest.mark.parametrize(
    ("stddev", "activation", "layer"),
    [(1e150, "relu", 2), (1e150, "linear", 2), (1e300, "tanh", 1), (1e300, "sigmoid", 1)],
)
def test_overflow_is_exploding_at_the_layer_it_happens(
    stddev: float, activation: str, layer: int
) -> None:
    # Stds [1.7e150, inf, nan, ...] used to read as 'symmetric' (NaN spreads compare as 0).
    # filterwarnings = error: no NumPy warning may leak either.
    init = wi.random_normal.partial(stddev=stddev)
    result = propagate(init, activation, depth=10, width=8, rng=0)
    assert "exploding" in result.verdicts
    assert "symmetric" not in result.verdicts  # an overflowed signal has no units to compare
    assert (
        f"the forward signal's statistics overflow float64 (inf or NaN) at layer {layer} of 10"
        in result.explanation
    )


def test_gradient_overflow_is_exploding() -> None:
    # A bounded forward signal (tanh) with a huge slope: only the gradient overflows.
    # Layer 6's gradient has std ~1, layer 5's ~1e100 (finite), whose weight gradient's
    # std (squares of ~1e100) overflows first.
    steep = Activation("steep", np.tanh, lambda x: np.full_like(x, 1e100), saturating=False)
    result = propagate("he_normal", steep, depth=6, width=8, rng=0)
    assert np.all(np.isfinite(result.std))
    assert np.isfinite(result.grad_std[4]) and not np.isfinite(result.grad_std[3])
    assert result.verdict == "exploding"
    assert result.explanation == (
        "the gradient overflows float64 (inf or NaN) at layer 5 of 6, going down"
    )


def test_nan_from_the_activation_is_an_error() -> None:
    holes = Activation("holes", lambda x: np.where(x > 1.0, np.nan, x), lambda x: np.ones_like(x))
    with pytest.raises(
        ValueError, match=r"activation 'holes' returned NaN \(its value\) at layer 1"
    ):
        propagate("he_normal", holes, depth=4, width=8, rng=0)
    flat = Activation("flat", np.tanh, lambda x: np.where(x > 1.0, np.nan, 1.0))
    with pytest.raises(ValueError, match=r"'flat' returned NaN \(its derivative\)"):
        propagate("he_normal", flat, depth=4, width=8, rng=0)


def test_huge_stacks_are_refused_before_drawing() -> None:
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    message = (
        r"depth \* width \* \(width \+ 2 \* batch\) must be at most 134217728 \(2\*\*27\) "
        r"float64 values, 1 GiB; got depth=1000000, width=256, batch=256 with 196608000000 values"
    )
    with pytest.raises(ValueError, match=message):
        propagate("he_normal", "relu", depth=10**6, width=256, rng=gen)
    assert gen.bit_generator.state == state
    with pytest.raises(ValueError, match="batch=4096"):
        propagate("he_normal", "relu", depth=2, width=16384, batch=4096)
    # One layer more than the largest stack allowed.
    depth = MAX_PROPAGATION_VALUES // (8 * (8 + 2 * 2))
    assert depth * 8 * (8 + 2 * 2) <= MAX_PROPAGATION_VALUES
    with pytest.raises(ValueError, match=f"depth={depth + 1},"):
        propagate("he_normal", "relu", depth=depth + 1, width=8, batch=2)


def test_propagate_errors() -> None:
    with pytest.raises(ValueError, match="depth must be an int >= 1; got depth=0"):
        propagate("he_normal", "relu", depth=0, width=8)
    with pytest.raises(TypeError, match="width must be an int"):
        propagate("he_normal", "relu", depth=2, width=8.0)
    with pytest.raises(ValueError, match="'he_normal'"):
        propagate("he_norml", "relu", depth=2, width=8)
    with pytest.raises(ValueError, match="'tanh'"):
        propagate("he_normal", "tahn", depth=2, width=8)
    with pytest.raises(TypeError, match="initializer must be"):
        propagate(3, "relu", depth=2, width=8)
    with pytest.raises(TypeError, match="bias must be a real number"):
        propagate("he_normal", "relu", depth=2, width=8, bias=True)
    with pytest.raises(ValueError, match="bias must be finite"):
        propagate("he_normal", "relu", depth=2, width=8, bias=math.inf)


# --- training -----------------------------------------------------------------------------


def test_synthetic_regression() -> None:
    x, y = synthetic_regression(4000, 8, rng=0)
    assert x.shape == (4000, 8) and y.shape == (4000, 1)
    assert np.all(np.abs(y) <= 1.0)
    # Var(sin(2Z)) = (1 - e^-8) / 2; the sample variance has sd < 0.01 here.
    assert abs(float(y.var()) - (1 - math.exp(-8)) / 2) < 0.05


def test_he_trains_and_zeros_do_not() -> None:
    he = train("he_normal", "relu", steps=150, rng=0)
    zeros = train("zeros", "relu", steps=150, rng=0)
    # Over 40 seeds, He's final/initial loss was at most 0.37 and its final loss at most
    # 0.89 of the zero-initialized net's (median 0.49).
    assert he.loss[-1] < 0.5 * he.loss[0]
    # Zero weights: every hidden unit outputs relu(0) = 0, so only the output bias learns.
    assert zeros.loss[-1] > 0.98 * zeros.loss[0]
    assert he.loss[-1] < zeros.loss[-1]


def test_clipping_caps_exploding_updates() -> None:
    free = train(N01, "relu", steps=20, rng=0)
    clipped = train(N01, "relu", steps=20, clip_norm=1.0, learning_rate=0.05, rng=0)
    assert clipped.update_norm.max() <= 0.05 * 1.0 * (1 + 1e-12)
    assert free.update_norm.max() > 1e6
    assert np.all(np.isfinite(clipped.loss))
    # Clipping changes only steps whose gradient is longer than clip_norm.
    small = train("he_normal", "tanh", steps=20, clip_norm=1e9, rng=0)
    plain = train("he_normal", "tanh", steps=20, rng=0)
    np.testing.assert_array_equal(small.loss, plain.loss)


def test_train_errors() -> None:
    with pytest.raises(ValueError, match="clip_norm must be > 0"):
        train("he_normal", "relu", clip_norm=0.0)
    with pytest.raises(ValueError, match="steps must be an int >= 1"):
        train("he_normal", "relu", steps=0)


@pytest.mark.parametrize(
    ("bias", "error", "match"),
    [
        (float("nan"), ValueError, "bias"),
        ("x", ValueError, r"bias='x' cannot make the \(4,\) biases: unknown initializer"),
        ("orthogonal", ValueError, r"bias='orthogonal' cannot make the \(4,\) biases"),
        ("sparse", TypeError, r"bias='sparse' cannot make the \(4,\) biases: sparse\(\) needs"),
    ],
)
def test_a_bad_bias_is_refused_before_drawing(bias: object, error: type, match: str) -> None:
    gen = np.random.default_rng(4)
    state = gen.bit_generator.state
    with pytest.raises(error, match=match):
        wi.propagate("glorot_normal", "relu", depth=3, width=4, batch=4, rng=gen, bias=bias)
    assert gen.bit_generator.state == state
