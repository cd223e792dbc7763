"""Flax's layer defaults (linen): names, shapes and laws of flax 0.12.8's own initialization.

Sources (flax/linen/): linear.py:49 (``default_kernel_init = lecun_normal()``), 247-272
(``Dense``: ``kernel`` (in, features), ``bias`` zeros), 521-522 and 617-683 (``Conv``:
``kernel_size + (in // feature_group_count, features)``, ``bias`` (features,)),
1105-1107 (``Embed``: ``variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)``),
normalization.py:489-494 and 205-221 (``LayerNorm``: ``scale`` ones then ``bias`` zeros),
linear.py:103-110, 129-185 (``DenseGeneral``: ``kernel`` batch + in + features, ``bias``
batch + features, both drawn by ``kernel_init_wrap`` / ``bias_init_wrap`` on the flat shapes
``(∏batch·∏in, ∏features)`` and ``(∏batch·∏features,)`` and reshaped; ``batch_dims`` the
leading axes), recurrent.py:127-170 (``LSTMCell``: Denses ``ii`` ... ``ho``, the hidden ones
with a bias; lecun_normal, JAX's ``orthogonal()``, zeros), 547-592 (``GRUCell``: the input
Denses and ``hn`` with a bias), attention.py:383-396, 525-567, 676-688
(``MultiHeadDotProductAttention``: ``query``/``key``/``value`` DenseGeneral to
``(num_heads, head_dim)``, ``query_ln``/``key_ln`` with ``normalize_qk``, ``out`` over axes
(-2, -1)).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.layers import flax as fl

SEED = 4
#: JAX's truncated normal cut at ±2 of its unit-variance form: its std is 1/√fan_in exactly.
CUT = 2.0


def paths(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested dict's leaves by path (``"hi.kernel"``), in its order."""
    found: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        found.update(paths(value, path) if isinstance(value, dict) else {path: value})
    return found


def check(specs: dict[str, Any], drawn: dict[str, Any], expected: dict[str, Any]) -> None:
    specs, drawn = paths(specs), paths(drawn)
    assert list(specs) == list(expected) == list(drawn)
    for name, (shape, law) in expected.items():
        spec = specs[name]
        assert spec.shape == shape, name
        got = spec.init.distribution(shape=shape)
        kind, *values = law
        assert got.kind == kind, name
        if kind == "constant":
            np.testing.assert_array_equal(drawn[name], np.full(shape, values[0]))
            continue
        assert got.mean == 0.0 and math.isclose(got.variance, values[0], rel_tol=1e-12), name
        if kind == "truncated_normal":
            bound = CUT * got.scale  # cut at ±2 of the pre-truncation scale, as jax.random
            assert got.support == pytest.approx((-bound, bound), rel=1e-15), name
        direct = spec.init(shape, rng=wi.param_seed(SEED, name))
        np.testing.assert_array_equal(drawn[name], direct)


@pytest.mark.parametrize(("n_in", "n_out", "bias"), [(3, 4, True), (512, 256, False)])
def test_dense(n_in: int, n_out: int, bias: bool) -> None:
    kwargs = {"input_features": n_in, "use_bias": bias}
    expected = {"kernel": ((n_in, n_out), ("truncated_normal", 1.0 / n_in))}
    if bias:
        expected["bias"] = ((n_out,), ("constant", 0.0))
    check(fl.dense(n_out, **kwargs, spec=True), fl.dense(n_out, **kwargs, rng=SEED), expected)


@pytest.mark.parametrize(
    ("kernel_size", "n_in", "groups", "shape"),
    [(3, 4, 1, (3, 4, 8)), ((3, 3), 4, 2, (3, 3, 2, 8)), ((2, 3, 1), 6, 3, (2, 3, 1, 2, 8))],
)
def test_conv(kernel_size: Any, n_in: int, groups: int, shape: tuple[int, ...]) -> None:
    kwargs = {"input_features": n_in, "feature_group_count": groups}
    fan_in = math.prod(shape[:-1])
    expected = {
        "kernel": (shape, ("truncated_normal", 1.0 / fan_in)),
        "bias": ((8,), ("constant", 0.0)),
    }
    check(
        fl.conv(8, kernel_size, **kwargs, spec=True),
        fl.conv(8, kernel_size, **kwargs, rng=SEED),
        expected,
    )


def test_embed_has_variance_one_over_features() -> None:
    expected = {"embedding": ((50, 16), ("normal", 1.0 / 16))}
    check(fl.embed(50, 16, spec=True), fl.embed(50, 16, rng=SEED), expected)


def test_layer_norm_scale_then_bias() -> None:
    expected = {"scale": ((6,), ("constant", 1.0)), "bias": ((6,), ("constant", 0.0))}
    check(
        fl.layer_norm(input_features=6, spec=True),
        fl.layer_norm(input_features=6, rng=SEED),
        expected,
    )
    assert list(fl.layer_norm(input_features=6, use_bias=False, rng=0)) == ["scale"]


def test_initializer_arguments_are_honoured() -> None:
    specs = fl.dense(
        4, input_features=3, kernel_init="flax.zeros_init", bias_init=wi.ones, spec=True
    )
    assert specs["kernel"].init is wi.zeros and specs["bias"].init is wi.ones
    law = fl.embed(5, 4, embedding_init="flax.normal", spec=True)["embedding"].init
    assert law.distribution(shape=(5, 4)).kind == "normal"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: fl.dense(0, input_features=3), ValueError, "features must be an int >= 1"),
        (
            lambda: fl.dense(2, input_features=3, use_bias=1),
            TypeError,
            "use_bias must be True or False",
        ),
        (lambda: fl.conv(8, (3, 0), input_features=4), ValueError, r"kernel_size\[1\]"),
        (lambda: fl.conv(8, "3", input_features=4), TypeError, "kernel_size must be an int"),
        (lambda: fl.conv(8, 3, input_features=5, feature_group_count=2), ValueError, "divisible"),
        (lambda: fl.embed(5, 4, embedding_init="nope"), ValueError, "embedding_init: "),
        (
            lambda: fl.dense_general((), input_shape=(3,)),
            TypeError,
            r"features must be an int or a non-empty sequence of ints; got features=\(\)",
        ),
        (
            lambda: fl.dense_general((4, 0), input_shape=(3,)),
            ValueError,
            r"features\[1\] must be an int >= 1",
        ),
        (
            lambda: fl.dense_general(4, input_shape="3"),
            TypeError,
            "input_shape must be an int or a tuple",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3), axis=2),
            ValueError,
            r"axis must name axes of input_shape \(from -2 to 1\); got axis=2",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3), axis=(1, -1)),
            ValueError,
            r"axis must name distinct axes; got axis=\(1, -1\)",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3), axis=1.0),
            TypeError,
            "axis must be an int; got axis=1.0",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3, 5), batch_dims=(1,)),
            ValueError,
            r"batch_dims must be the leading axes .*got batch_dims=\(1,\)",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3, 5), batch_dims=(-3,)),
            ValueError,
            r"batch_dims must name axes of input_shape \(from 0 to 2\); got batch_dims=\(-3,\)",
        ),
        (
            lambda: fl.dense_general(4, input_shape=(2, 3), axis=0, batch_dims=(0,)),
            ValueError,
            r"axis and batch_dims must not share an axis; got axis=0, batch_dims=\(0,\)",
        ),
        (
            lambda: fl.lstm_cell(0, input_features=3),
            ValueError,
            "features must be an int >= 1; got features=0",
        ),
        (
            lambda: fl.gru_cell(4, input_features=3, recurrent_kernel_init="nope"),
            ValueError,
            "recurrent_kernel_init: ",
        ),
        (
            lambda: fl.multi_head_dot_product_attention(3, in_features=8),
            ValueError,
            "qkv_features must be divisible by num_heads; got qkv_features=8, num_heads=3",
        ),
        (
            lambda: fl.multi_head_dot_product_attention(2, in_features=8, key_features=0),
            ValueError,
            "key_features must be an int >= 1; got key_features=0",
        ),
        (
            lambda: fl.multi_head_dot_product_attention(2, in_features=8, normalize_qk=1),
            TypeError,
            "normalize_qk must be True or False",
        ),
        (
            lambda: fl.multi_head_dot_product_attention(2, in_features=8, out_kernel_init="dirac"),
            ValueError,
            "the parameter 'out.kernel': dirac needs a shape of rank 3",
        ),
        (
            lambda: fl.multi_head_dot_product_attention(2, in_features=8, dtype="int32", rng=0),
            TypeError,
            "the parameter 'query.kernel': dtype must be",
        ),
    ],
)
def test_bad_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("features", "input_shape", "axis", "batch_dims", "kernel", "bias", "fan_in"),
    [
        (4, (3,), -1, (), (3, 4), (4,), 3),
        ((4, 5), (2, 3, 6, 7), (1, -1), (), (3, 7, 4, 5), (4, 5), 21),
        ((4, 5), (2, 3, 6, 7), (-1, 1), (0,), (2, 3, 7, 4, 5), (2, 4, 5), 42),
        (8, (2, 3, 5), -1, (1, 0), (2, 3, 5, 8), (2, 3, 8), 30),
        ((4, 5), (2, 3), (), (), (4, 5), (4, 5), 1),
    ],
)
def test_dense_general_draws_flat_so_fan_in_is_batch_times_in(
    features: Any, input_shape: Any, axis: Any, batch_dims: Any, kernel: Any, bias: Any,
    fan_in: int,
) -> None:  # fmt: skip
    kwargs = {"input_shape": input_shape, "axis": axis, "batch_dims": batch_dims}
    specs = fl.dense_general(features, **kwargs, spec=True)
    expected = {
        "kernel": (kernel, ("truncated_normal", 1.0 / fan_in)),
        "bias": (bias, ("constant", 0.0)),
    }
    check(specs, fl.dense_general(features, **kwargs, rng=SEED), expected)
    assert specs["kernel"].init.flat(kernel) == (fan_in, math.prod(kernel) // fan_in)
    assert specs["bias"].init.flat(bias) == (math.prod(bias),)


@pytest.mark.parametrize("kernel_init", [None, wi.lecun_normal.partial(dtype="float32")])
def test_dense_general_on_one_axis_is_dense(kernel_init: Any) -> None:
    kwargs = {"kernel_init": kernel_init, "rng": SEED, "dtype": "float64"}
    got = fl.dense_general(4, input_shape=(2, 3), **kwargs)
    want = fl.dense(4, input_features=3, **kwargs)
    assert list(got) == list(want)
    assert got["kernel"].dtype == (np.float64 if kernel_init is None else np.float32)
    for name in want:
        assert got[name].dtype == want[name].dtype
        np.testing.assert_array_equal(got[name], want[name])


def test_an_orthogonal_kernel_is_orthogonal_over_the_flat_matrix() -> None:
    specs = fl.dense_general(
        (2, 3), input_shape=(4, 5, 7), axis=(1, 2), kernel_init="flax.orthogonal", spec=True
    )
    kernel = fl.dense_general(
        (2, 3), input_shape=(4, 5, 7), axis=(1, 2), kernel_init="flax.orthogonal", rng=SEED
    )["kernel"]
    assert kernel.shape == specs["kernel"].shape == (5, 7, 2, 3)
    flat = kernel.reshape(35, 6)
    np.testing.assert_allclose(flat.T @ flat, np.eye(6), atol=1e-12)
    direct = wi.jax_orthogonal((35, 6), rng=wi.param_seed(SEED, "kernel"))
    np.testing.assert_array_equal(flat, direct)
    law = specs["kernel"].init.distribution(shape=(5, 7, 2, 3))
    assert law.kind == "orthogonal" and law.shape == (35, 6)
    assert math.isclose(specs["kernel"].init.variance((5, 7, 2, 3)), 1.0 / 35, rel_tol=1e-12)
    assert specs["kernel"].init.mean((5, 7, 2, 3)) == 0.0
    # JAX's orthogonal on the 4-D shape itself would be another law: rows 5·7·2, variance 1/70.
    assert math.isclose(wi.jax_orthogonal.variance(shape=(5, 7, 2, 3)), 1.0 / 70, rel_tol=1e-12)


def test_flattened_draws_its_initializer_on_the_flat_shape() -> None:
    calls: list[Any] = []

    def recorded(shape: Any, *, rng: Any = None, dtype: Any = None) -> Any:
        calls.append((shape, rng, dtype))
        return np.arange(math.prod(shape), dtype=float).reshape(shape)

    init = fl.Flattened(recorded, (2, 1))
    np.testing.assert_array_equal(init((2, 3, 4), rng=7), np.arange(24.0).reshape(2, 3, 4))
    init((2, 3, 4), rng=8, dtype="float32")
    assert calls == [((6, 4), 7, None), ((6, 4), 8, "float32")]
    with pytest.raises(TypeError, match="is not declared: it is a callable, not an Initializer"):
        init.distribution(shape=(2, 3, 4))
    with pytest.raises(ValueError, match=r"takes a shape of rank 3; got shape=\(6, 4\)"):
        init((6, 4), rng=0)
    with pytest.raises(TypeError, match="dtype must be"):
        fl.Flattened(wi.lecun_normal, (2, 1))((2, 3, 4), rng=0, dtype="int32")
    assert len(calls) == 2
    with pytest.raises(TypeError, match="init must be an initializer; got init='lecun_normal'"):
        fl.Flattened("lecun_normal", (2, 1))
    with pytest.raises(TypeError, match="groups must be a non-empty tuple of ints; got groups=3"):
        fl.Flattened(wi.lecun_normal, 3)
    with pytest.raises(ValueError, match=r"groups\[1\] must be an int >= 0; got groups\[1\]=-1"):
        fl.Flattened(wi.lecun_normal, (2, -1))


def test_nothing_is_drawn_before_a_refusal() -> None:
    calls: list[Any] = []

    def recorded(shape: Any, *, rng: Any = None, dtype: Any = None) -> Any:
        calls.append(shape)
        return np.zeros(shape)

    with pytest.raises(ValueError, match=r"the parameter 'out\.kernel': dirac"):
        fl.multi_head_dot_product_attention(
            2, in_features=8, kernel_init=recorded, out_kernel_init="dirac", rng=0
        )
    assert calls == []


@pytest.mark.parametrize(("n_in", "n"), [(3, 4), (64, 32)])
def test_lstm_cell_hidden_denses_carry_the_bias(n_in: int, n: int) -> None:
    expected: dict[str, Any] = {}
    for gate in "ifgo":
        expected[f"i{gate}.kernel"] = ((n_in, n), ("truncated_normal", 1.0 / n_in))
        expected[f"h{gate}.kernel"] = ((n, n), ("orthogonal", 1.0 / n))
        expected[f"h{gate}.bias"] = ((n,), ("constant", 0.0))
    kwargs = {"input_features": n_in}
    check(fl.lstm_cell(n, **kwargs, spec=True), fl.lstm_cell(n, **kwargs, rng=SEED), expected)
    hidden = fl.lstm_cell(n, **kwargs, rng=SEED)["hf"]["kernel"]
    np.testing.assert_allclose(hidden.T @ hidden, np.eye(n), atol=1e-12)


def test_gru_cell_input_denses_and_hn_carry_the_bias() -> None:
    n_in, n = 5, 6
    lecun, orthogonal = ("truncated_normal", 1.0 / n_in), ("orthogonal", 1.0 / n)
    zero = ((n,), ("constant", 0.0))
    expected = {
        "ir.kernel": ((n_in, n), lecun), "ir.bias": zero, "hr.kernel": ((n, n), orthogonal),
        "iz.kernel": ((n_in, n), lecun), "iz.bias": zero, "hz.kernel": ((n, n), orthogonal),
        "in.kernel": ((n_in, n), lecun), "in.bias": zero, "hn.kernel": ((n, n), orthogonal),
        "hn.bias": zero,
    }  # fmt: skip
    kwargs = {"input_features": n_in}
    check(fl.gru_cell(n, **kwargs, spec=True), fl.gru_cell(n, **kwargs, rng=SEED), expected)


def test_recurrent_initializer_arguments_are_honoured() -> None:
    specs = fl.lstm_cell(
        4, input_features=3, kernel_init="flax.zeros_init", recurrent_kernel_init="flax.ones",
        bias_init=wi.ones, spec=True,
    )  # fmt: skip
    assert specs["ii"]["kernel"].init is wi.zeros and specs["hi"]["kernel"].init is wi.ones
    assert specs["hi"]["bias"].init is wi.ones


@pytest.mark.parametrize(
    ("kwargs", "sizes", "qkv", "out", "heads"),
    [
        ({}, (8, 8, 8), 8, 8, 2),
        ({"qkv_features": 12, "out_features": 5}, (8, 8, 8), 12, 5, 3),
        ({"key_features": 6, "value_features": 4, "normalize_qk": True}, (8, 6, 4), 8, 8, 4),
        ({"key_features": 6, "use_bias": False}, (8, 6, 6), 8, 8, 2),
    ],
)
def test_attention_projects_to_heads_and_back(
    kwargs: dict[str, Any], sizes: tuple[int, int, int], qkv: int, out: int, heads: int
) -> None:
    head, bias = qkv // heads, kwargs.get("use_bias", True)
    expected: dict[str, Any] = {}
    for name, n in zip(("query", "key", "value"), sizes, strict=True):
        expected[f"{name}.kernel"] = ((n, heads, head), ("truncated_normal", 1.0 / n))
        if bias:
            expected[f"{name}.bias"] = ((heads, head), ("constant", 0.0))
    if kwargs.get("normalize_qk"):
        expected["query_ln.scale"] = ((head,), ("constant", 1.0))
        expected["key_ln.scale"] = ((head,), ("constant", 1.0))
    expected["out.kernel"] = ((heads, head, out), ("truncated_normal", 1.0 / qkv))
    if bias:
        expected["out.bias"] = ((out,), ("constant", 0.0))
    call = fl.multi_head_dot_product_attention
    specs = call(heads, in_features=8, **kwargs, spec=True)
    drawn = call(heads, in_features=8, **kwargs, rng=SEED)
    check(specs, drawn, expected)
    tree = wi.init_params(specs, [], rng=SEED)
    for path, values in paths(drawn).items():
        np.testing.assert_array_equal(paths(tree)[path], values)


def test_attention_out_initializers_fall_back_to_the_shared_ones() -> None:
    call = fl.multi_head_dot_product_attention
    shared = call(2, in_features=4, kernel_init="flax.ones", bias_init="flax.ones", spec=True)
    assert (
        shared["out"]["kernel"].init.init is wi.ones and shared["out"]["bias"].init.init is wi.ones
    )
    own = call(2, in_features=4, out_kernel_init=wi.zeros, out_bias_init="flax.ones", spec=True)
    assert own["query"]["kernel"].init.init is wi.lecun_normal
    assert own["out"]["kernel"].init.init is wi.zeros and own["out"]["bias"].init.init is wi.ones


def test_a_rule_keeps_flax_reading_when_wrapped() -> None:
    specs = fl.multi_head_dot_product_attention(2, in_features=6, qkv_features=8, spec=True)
    groups = specs["query"]["kernel"].init.groups
    rule = fl.Flattened(wi.get("flax.orthogonal"), groups)
    tree = wi.init_params(specs, {"query.kernel": rule}, rng=SEED)
    flat = tree["query"]["kernel"].reshape(6, 8)
    np.testing.assert_allclose(flat @ flat.T, np.eye(6), atol=1e-12)
    direct = wi.jax_orthogonal((6, 8), rng=wi.param_seed(SEED, "query.kernel"))
    np.testing.assert_array_equal(flat, direct)
