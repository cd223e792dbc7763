"""propagate(jacobian=True): the input–output Jacobian's singular values, checked exactly."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit import diagnostics
from weightinit.activations import get_activation
from weightinit.diagnostics import (
    MAX_JACOBIAN_WORK,
    MAX_PROPAGATION_VALUES,
    Propagation,
    propagate,
)

JACOBIAN_FIELDS = ("jacobian_singular_values", "jacobian_mean", "jacobian_spread", "jacobian_max")
BIAS = wi.random_normal.partial(stddev=0.3)


def _stack(init: Any, bias: Any, depth: int, width: int, batch: int, seed: int) -> Any:
    """The weights, biases and input propagate draws, in its order, from the same seed."""
    gen = np.random.default_rng(seed)
    weights = [init((width, width), rng=gen) for _ in range(depth)]
    biases = [bias((width,), rng=gen) for _ in range(depth)]
    x = wi.random_normal((batch, width), stddev=1.0, rng=gen)
    return weights, biases, x


def _forward(x: Any, weights: Any, biases: Any, function: Any) -> Any:
    for w, b in zip(weights, biases, strict=True):
        x = function(x @ w + b)
    return x


@pytest.mark.parametrize("activation", ["tanh", "gelu", "sigmoid", "softplus"])
def test_the_jacobian_is_the_finite_difference_jacobian(activation: str) -> None:
    depth, width, batch, seed = 3, 5, 4, 11
    init = wi.glorot_normal
    weights, biases, x = _stack(init, BIAS, depth, width, batch, seed)
    act = get_activation(activation)
    result = propagate(
        init, activation, depth=depth, width=width, batch=batch, rng=seed, bias=BIAS, jacobian=True
    )
    # The draws are reproduced: the first layer's pre-activation statistics agree exactly.
    assert result.pre_mean[0] == float((x @ weights[0] + biases[0]).mean())
    # Central differences of x_L (example 0) with respect to x_0 (example 0).
    step = 1e-6
    columns = []
    for j in range(width):
        up, down = x[:1].copy(), x[:1].copy()
        up[0, j] += step
        down[0, j] -= step
        top = _forward(up, weights, biases, act.function) - _forward(
            down, weights, biases, act.function
        )
        columns.append(top[0] / (2 * step))
    numeric = np.column_stack(columns)  # numeric[i, j] = ∂x_L,i / ∂x_0,j
    # The chain rule written out: J = D_L W_L^T ... D_1 W_1^T (column convention).
    direct = np.eye(width)
    h = x[:1]
    for w, b in zip(weights, biases, strict=True):
        pre = h @ w + b
        direct = np.diag(act.derivative(pre[0])) @ w.T @ direct
        h = act.function(pre)
    np.testing.assert_allclose(direct, numeric, rtol=0, atol=1e-8)
    expected = np.linalg.svd(direct, compute_uv=False)
    np.testing.assert_allclose(result.jacobian_singular_values, expected, rtol=1e-12, atol=1e-14)
    assert np.all(np.diff(result.jacobian_singular_values) <= 0)  # descending
    assert result.jacobian_mean == float(np.mean(result.jacobian_singular_values))
    assert result.jacobian_spread == float(np.std(result.jacobian_singular_values))
    assert result.jacobian_max == float(result.jacobian_singular_values[0])


@pytest.mark.parametrize(("depth", "width"), [(1, 2), (10, 16), (200, 64)])
def test_linear_orthogonal_stacks_are_isometries(depth: int, width: int) -> None:
    result = propagate("orthogonal", "linear", depth=depth, width=width, batch=2, rng=depth,
                       jacobian=True)  # fmt: skip
    assert result.jacobian_singular_values is not None
    assert result.jacobian_singular_values.shape == (width,)
    np.testing.assert_allclose(result.jacobian_singular_values, 1.0, rtol=0, atol=1e-12)
    assert result.jacobian_spread is not None and result.jacobian_spread < 1e-12


@pytest.mark.parametrize("gain", [0.5, 1.5])
def test_the_gain_of_keras_orthogonal_multiplies_every_singular_value(gain: float) -> None:
    # keras 3.15.1, keras/src/initializers/random_initializers.py:772,
    # Orthogonal.__call__ returns ``self.gain * ops.reshape(q, shape)``.
    depth = 12
    init = wi.orthogonal.partial(gain=gain)
    result = propagate(init, "linear", depth=depth, width=8, batch=2, rng=0, jacobian=True)
    np.testing.assert_allclose(result.jacobian_singular_values, gain**depth, rtol=1e-12)


def test_relu_jacobians_are_rank_deficient() -> None:
    # J = D_L W_L^T ... D_1 W_1^T: its rank is at most the number of units of any layer
    # that are active (h > 0) on the first example, so that many singular values at most
    # are not 0, whatever the weights' scale.
    depth, width, seed = 6, 32, 3
    init = wi.orthogonal.partial(gain=math.sqrt(2.0))
    weights, _, x = _stack(init, wi.zeros, depth, width, 2, seed)
    active, h = width, x[:1]
    for w in weights:
        pre = h @ w
        active = min(active, int(np.sum(pre > 0)))
        h = np.maximum(pre, 0.0)
    assert active < width
    result = propagate(init, "relu", depth=depth, width=width, batch=2, rng=seed, jacobian=True)
    values = result.jacobian_singular_values
    assert values is not None
    assert np.all(values[active:] <= 1e-12 * values[0])
    assert values[active - 1] > 1e-6 * values[0]


def test_identity_stacks_give_the_gain_to_the_depth() -> None:
    result = propagate(
        wi.identity.partial(gain=0.5), "linear", depth=30, width=4, rng=0, jacobian=True
    )
    assert result.jacobian_singular_values is not None
    assert list(result.jacobian_singular_values) == [0.5**30] * 4


def _same(left: Propagation, right: Propagation) -> None:
    for item in dataclasses.fields(Propagation):
        if item.name in JACOBIAN_FIELDS:
            continue
        a, b = getattr(left, item.name), getattr(right, item.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, item.name
            assert np.array_equal(a, b, equal_nan=True), item.name
        elif isinstance(a, float) and math.isnan(a):
            assert math.isnan(b), item.name
        else:
            assert a == b, item.name


CASES = [
    ("he_normal", "relu", {}),
    ("kaiming_uniform", "tanh", {"bias": BIAS}),  # a PyTorch scheme, read in x @ W
    ("zeros", "tanh", {}),
    (wi.random_normal.partial(stddev=1.0), "relu", {}),  # exploding
    (wi.identity.partial(gain=1e3), "linear", {}),  # overflows float64
    ("glorot_uniform", "sigmoid", {"bias": 0.1, "batch": 3}),
]


@pytest.mark.parametrize(("init", "activation", "options"), CASES)
def test_jacobian_true_leaves_every_other_result_identical(
    init: Any, activation: str, options: dict[str, Any]
) -> None:
    plain = propagate(init, activation, depth=120, width=16, rng=7, **options)
    full = propagate(init, activation, depth=120, width=16, rng=7, jacobian=True, **options)
    _same(plain, full)
    for name in JACOBIAN_FIELDS:
        assert getattr(plain, name) is None
        assert getattr(full, name) is not None
    assert not any(key.startswith("jacobian") for key in plain.to_dict())
    extended = full.to_dict()
    assert {key: value for key, value in extended.items() if key in plain.to_dict()} == (
        plain.to_dict()
    )
    assert len(extended["jacobian_singular_values"]) == 16


def test_jacobian_false_is_what_it_was() -> None:
    # Figures of propagate before jacobian= existed (recorded with NumPy 2.x; NumPy 1.x's
    # reductions differ in the last bit, hence a relative 1e-13 rather than bit equality).
    def same(value: float, recorded: str) -> None:
        assert float(value) == pytest.approx(float.fromhex(recorded), rel=1e-13, abs=0.0)

    result = propagate("he_normal", "relu", depth=20, width=128, rng=0)
    same(result.forward_ratio, "0x1.235de1c260b86p+0")
    same(result.backward_ratio, "0x1.3cd302b54a2a1p+0")
    same(result.grad_std[0], "0x1.3b7ab7135c7e5p+0")
    result = propagate("kaiming_uniform", "tanh", depth=6, width=32, rng=5, bias=BIAS)
    same(result.forward_ratio, "0x1.9d9508410df3dp-1")
    same(result.backward_ratio, "0x1.c6fbf55285999p-1")
    same(result.weight_grad_std[0], "0x1.f043caffd39b5p-6")


def test_an_overflowing_jacobian_has_nan_singular_values() -> None:
    result = propagate(wi.identity.partial(gain=1e3), "linear", depth=120, width=4, rng=0,
                       jacobian=True)  # fmt: skip
    assert "exploding" in result.verdicts
    assert result.jacobian_singular_values is not None
    assert np.all(np.isnan(result.jacobian_singular_values))
    assert result.jacobian_mean is not None and math.isnan(result.jacobian_mean)
    record = result.to_dict()
    assert record["jacobian_max"] is None
    assert record["jacobian_singular_values"] == [None] * 4


@pytest.mark.parametrize("value", [1, 0, "yes", None])
def test_jacobian_must_be_a_bool(value: Any) -> None:
    with pytest.raises(TypeError, match="jacobian must be True or False; got jacobian="):
        propagate("he_normal", "relu", depth=2, width=8, jacobian=value)


def test_a_numpy_bool_is_a_bool() -> None:
    given = propagate("he_normal", "relu", depth=2, width=8, rng=0, jacobian=np.bool_(True))
    assert (
        given.jacobian_max
        == propagate("he_normal", "relu", depth=2, width=8, rng=0, jacobian=True).jacobian_max
    )


def _recording() -> tuple[list[tuple[int, ...]], Any]:
    calls: list[tuple[int, ...]] = []

    def init(shape: tuple[int, ...], dtype: Any = None, rng: Any = None) -> Any:
        calls.append(shape)
        return np.zeros(shape)

    return calls, init


def test_jacobian_stacks_beyond_the_limits_are_refused_before_drawing() -> None:
    calls, init = _recording()
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    # 9 layers of width 2048: 9 * 2048**3 multiply-adds, over 2**36.
    work = 9 * 2048**3
    assert work > MAX_JACOBIAN_WORK
    message = (
        r"with jacobian=True, depth \* width\*\*3 \(the multiply-adds of the Jacobian's "
        rf"product\) must be at most 68719476736 \(2\*\*36\); got depth=9, width=2048 with {work}\."
    )
    with pytest.raises(ValueError, match=message):
        propagate(init, "tanh", depth=9, width=2048, batch=2, rng=gen, jacobian=True)
    # One layer fewer passes the checks (not run: it would take seconds), and so does
    # the same stack without the Jacobian.
    diagnostics._check_size(8, 2048, 2, jacobian=True)
    diagnostics._check_size(9, 2048, 2, jacobian=False)
    # One layer of width 6000: the Jacobian's three 6000 x 6000 arrays exceed 2**27
    # values, where the stack without them does not.
    assert 6000 * (6000 + 4) <= MAX_PROPAGATION_VALUES < 6000 * (6000 + 4) + 3 * 6000**2
    diagnostics._check_size(1, 6000, 2, jacobian=False)
    message = (
        r"depth \* width \* \(width \+ 2 \* batch\) \+ 3 \* width\*\*2 \(the Jacobian\) must be "
        r"at most 134217728 \(2\*\*27\) float64 values, 1 GiB; got depth=1, width=6000, batch=2 "
        r"with 144024000 values\."
    )
    with pytest.raises(ValueError, match=message):
        propagate(init, "tanh", depth=1, width=6000, batch=2, rng=gen, jacobian=True)
    assert calls == []
    assert gen.bit_generator.state == state


def test_jacobian_is_checked_before_anything_is_drawn() -> None:
    calls, init = _recording()
    with pytest.raises(TypeError, match="jacobian"):
        propagate(init, "tanh", depth=2, width=4, jacobian="no")
    assert calls == []


def test_input_std_scales_the_inputs_and_nothing_else() -> None:
    identity = wi.identity  # h_1 = x_0 @ I: the input itself
    unit = propagate(identity, "linear", depth=3, width=16, batch=8, rng=4, jacobian=True)
    double = propagate(
        identity, "linear", depth=3, width=16, batch=8, rng=4, jacobian=True, input_std=2.0
    )
    assert np.array_equal(double.pre_std, 2.0 * unit.pre_std)
    assert np.array_equal(double.pre_mean, 2.0 * unit.pre_mean)
    assert np.array_equal(double.grad_std, unit.grad_std)  # the same top gradient
    assert np.array_equal(double.jacobian_singular_values, unit.jacobian_singular_values)
    # The default is exactly the unscaled draw.
    _same(propagate("he_normal", "relu", depth=4, width=16, rng=1),
          propagate("he_normal", "relu", depth=4, width=16, rng=1, input_std=1.0))  # fmt: skip
    # tanh's Jacobian depends on where the input sits.
    small = propagate("orthogonal", "tanh", depth=4, width=16, rng=1, jacobian=True,
                      input_std=1e-4)  # fmt: skip
    assert small.jacobian_singular_values is not None
    np.testing.assert_allclose(small.jacobian_singular_values, 1.0, atol=1e-6)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0.0, ValueError, "input_std must be > 0; got input_std=0.0"),
        (-1.0, ValueError, "input_std must be > 0; got input_std=-1.0"),
        (math.nan, ValueError, "input_std must be a number, not NaN"),
        (math.inf, ValueError, "input_std must be finite"),
        ("1", TypeError, "input_std must be a real number"),
        (True, TypeError, "input_std must be a real number"),
    ],
)
def test_input_std_is_checked_before_drawing(value: Any, error: type, message: str) -> None:
    calls, init = _recording()
    with pytest.raises(error, match=message):
        propagate(init, "tanh", depth=2, width=4, input_std=value)
    assert calls == []
