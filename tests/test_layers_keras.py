"""Keras' layer defaults: names, shapes and laws of keras 3.15.1's own build().

Sources (keras/src/layers/): core/dense.py (``kernel`` (input_dim, units), ``bias``),
convolutional/base_conv.py:193-196 (``kernel_size + (input_channel // groups, filters)``),
core/embedding.py:91 and 157-160 (``embeddings``, ``"uniform"`` = RandomUniform(-0.05, 0.05)),
rnn/simple_rnn.py, rnn/lstm.py:147-191 (``unit_forget_bias``: ``[b(u), 1(u), b(2u)]``),
rnn/gru.py:164-173 (bias (2, 3u) with ``reset_after``), normalization/ (``gamma``, ``beta``,
``moving_mean``, ``moving_variance``), core/einsum_dense.py:165-228 and 1614-1813 (shapes from
the equation; a VarianceScaling initializer lacking ``input_axes``/``output_axes`` gets the
equation's), convolutional/base_depthwise_conv.py:161-180, base_separable_conv.py:169-206,
base_conv_transpose.py:188-206, attention/multi_head_attention.py:266-362 and 948-974.
The expected einsum shapes and axes below are those keras 3.15.1's ``_analyze_einsum_string``
returns for the same arguments.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.layers import keras as kl

SEED = 6


def glorot_bound(shape: tuple[int, ...]) -> float:
    """Keras' glorot_uniform bound: receptive field times the last two axes."""
    receptive = math.prod(shape[:-2])
    return math.sqrt(6.0 / (receptive * (shape[-2] + shape[-1])))


def law(spec: Any, shape: tuple[int, ...]) -> Any:
    return spec.init.distribution(shape=shape)


def axes_bound(shape: tuple[int, ...], inputs: tuple[int, ...], outputs: tuple[int, ...]) -> float:
    """glorot_uniform's bound with Keras' ``input_axes``/``output_axes``: each fan the product of its axes."""
    fan_in = math.prod(shape[i] for i in inputs)
    fan_out = math.prod(shape[i] for i in outputs)
    return math.sqrt(6.0 / (fan_in + fan_out))


def test_dense_and_its_initializer_arguments() -> None:
    specs = kl.dense(4, input_dim=3, spec=True)
    assert list(specs) == ["kernel", "bias"]
    assert specs["kernel"].shape == (3, 4) and specs["bias"].shape == (4,)
    bound = glorot_bound((3, 4))
    assert law(specs["kernel"], (3, 4)).support == pytest.approx((-bound, bound), rel=1e-15)
    drawn = kl.dense(4, input_dim=3, rng=SEED)
    np.testing.assert_array_equal(
        drawn["kernel"], wi.glorot_uniform((3, 4), rng=wi.param_seed(SEED, "kernel"))
    )
    np.testing.assert_array_equal(drawn["bias"], np.zeros(4))
    config = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.5, "seed": None}}
    specs = kl.dense(4, input_dim=3, kernel_initializer=config, bias_initializer="ones", spec=True)
    assert law(specs["kernel"], (3, 4)).variance == pytest.approx(0.25, rel=1e-15)
    assert list(kl.dense(4, input_dim=3, use_bias=False, rng=0)) == ["kernel"]


@pytest.mark.parametrize(
    ("layer", "kernel_size", "groups", "shape"),
    [
        (kl.conv1d, 5, 1, (5, 8, 16)),
        (kl.conv2d, 3, 2, (3, 3, 4, 16)),
        (kl.conv3d, (1, 2, 3), 4, (1, 2, 3, 2, 16)),
    ],
)
def test_conv_kernels(layer: Any, kernel_size: Any, groups: int, shape: tuple[int, ...]) -> None:
    specs = layer(16, kernel_size, input_channels=8, groups=groups, spec=True)
    assert specs["kernel"].shape == shape and specs["bias"].shape == (16,)
    bound = glorot_bound(shape)
    assert law(specs["kernel"], shape).support == pytest.approx((-bound, bound), rel=1e-15)
    drawn = layer(16, kernel_size, input_channels=8, groups=groups, rng=SEED)
    np.testing.assert_array_equal(
        drawn["kernel"], wi.glorot_uniform(shape, rng=wi.param_seed(SEED, "kernel"))
    )


def test_embedding_is_kerass_uniform() -> None:
    specs = kl.embedding(10, 4, spec=True)
    assert specs["embeddings"].shape == (10, 4)
    assert law(specs["embeddings"], (10, 4)).support == (-0.05, 0.05)


def test_recurrent_layers_names_shapes_and_the_forget_bias() -> None:
    simple = kl.simple_rnn(8, input_dim=3, spec=True)
    assert {k: v.shape for k, v in simple.items()} == {
        "kernel": (3, 8),
        "recurrent_kernel": (8, 8),
        "bias": (8,),
    }
    lstm = kl.lstm(8, input_dim=3, rng=SEED)
    assert {k: v.shape for k, v in lstm.items()} == {
        "kernel": (3, 32),
        "recurrent_kernel": (8, 32),
        "bias": (32,),
    }
    expected = np.zeros(32)
    expected[8:16] = 1.0
    np.testing.assert_array_equal(lstm["bias"], expected)
    recurrent = lstm["recurrent_kernel"]  # Keras' orthogonal on the whole (u, 4u) matrix
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(8), atol=1e-12)
    plain = kl.lstm(8, input_dim=3, unit_forget_bias=False, bias_initializer="ones", rng=0)
    np.testing.assert_array_equal(plain["bias"], np.ones(32))
    random = kl.lstm(4, input_dim=3, bias_initializer="random_normal", rng=1)["bias"]
    assert (random[4:8] == 1).all() and (random[:4] != 1).all() and (random[8:] != 1).all()
    assert kl.gru(8, input_dim=3, spec=True)["bias"].shape == (2, 24)
    assert kl.gru(8, input_dim=3, reset_after=False, spec=True)["bias"].shape == (24,)


def test_normalization_layers() -> None:
    assert list(kl.layer_normalization(input_features=5, rng=0)) == ["gamma", "beta"]
    batch = kl.batch_normalization(input_features=5, rng=0)
    assert list(batch) == ["gamma", "beta", "moving_mean", "moving_variance"]
    np.testing.assert_array_equal(batch["moving_variance"], np.ones(5))
    assert list(kl.batch_normalization(input_features=5, scale=False, rng=0)) == [
        "beta",
        "moving_mean",
        "moving_variance",
    ]


@pytest.mark.parametrize(
    ("equation", "bias_axes", "input_shape", "output_shape", "kernel", "bias", "inputs", "outputs"),
    [
        ("ab,bc->ac", "c", (None, 32), 64, (32, 64), (64,), (0,), (1,)),
        ("abc,cd->abd", "bd", (2, 7, 32), (7, 64), (32, 64), (7, 64), (0,), (1,)),
        ("abc,cde->abde", "de", (None, 7, 16), (None, 4, 8), (16, 4, 8), (4, 8), (0,), (1, 2)),
        ("abcd,cde->abe", "e", (None, 7, 4, 8), (None, 16), (4, 8, 16), (16,), (0, 1), (2,)),
        ("...b,bc->...c", "c", (None, 32, 128), 64, (128, 64), (64,), (0,), (1,)),
        ("...ab,bc->...ac", "c", (None, 3, 32, 128), (32, 64), (128, 64), (64,), (0,), (1,)),
        ("abc...,cd->abd...", "bd", (None, 32, 128, 5, 6), (32, 64), (128, 64), (32, 64, 1, 1),
         (0,), (1,)),
        ("ab,bcd->acd", None, (None, 32), (4, 8), (32, 4, 8), None, (0,), (1, 2)),
    ],
)  # fmt: skip
def test_einsum_dense_shapes_and_fans_from_the_equation(
    equation: str, bias_axes: str | None, input_shape: Any, output_shape: Any,
    kernel: tuple[int, ...], bias: tuple[int, ...] | None, inputs: tuple[int, ...],
    outputs: tuple[int, ...],
) -> None:  # fmt: skip
    kwargs = {"input_shape": input_shape, "bias_axes": bias_axes}
    specs = kl.einsum_dense(equation, output_shape, **kwargs, spec=True)
    assert list(specs) == (["kernel"] if bias is None else ["kernel", "bias"])
    assert specs["kernel"].shape == kernel
    if bias is not None:
        assert specs["bias"].shape == bias
    b = axes_bound(kernel, inputs, outputs)
    assert law(specs["kernel"], kernel).support == pytest.approx((-b, b), rel=1e-15)
    drawn = kl.einsum_dense(equation, output_shape, **kwargs, rng=SEED)
    direct = wi.glorot_uniform(
        kernel, input_axes=inputs, output_axes=outputs, rng=wi.param_seed(SEED, "kernel")
    )
    np.testing.assert_array_equal(drawn["kernel"], direct)


def test_einsum_dense_gives_axes_only_to_variance_scaling_initializers_lacking_them() -> None:
    shape = (16, 4, 8)
    kwargs: dict[str, Any] = {"input_shape": (None, 7, 16)}

    def kernel(init: Any) -> Any:
        return kl.einsum_dense("abc,cde->abde", (None, 4, 8), kernel_initializer=init, **kwargs,
                               spec=True)["kernel"].init  # fmt: skip

    he = kernel({"class_name": "HeNormal", "config": {"seed": None}}).distribution(shape=shape)
    assert he.variance == pytest.approx(2.0 / 16, rel=1e-12)  # fan_in: the input axis only
    own = wi.get("glorot_uniform").partial(input_axes=[0, 1], output_axes=[2])
    assert kernel(own).get_config() == own.get_config()  # both set: kept (einsum_dense.py:191-196)
    half = wi.get("glorot_uniform").partial(input_axes=[0, 1])
    assert kernel(half).get_config() == {"input_axes": [0], "output_axes": [1, 2]}
    normal = kernel("random_normal")  # not VarianceScaling: Keras calls it as it is
    assert normal.get_config() == wi.get("random_normal").get_config()
    flat = kernel("orthogonal")((16, 4, 8), rng=0).reshape(
        64, 8
    )  # Keras': (∏shape[:-1], shape[-1])
    np.testing.assert_allclose(flat.T @ flat, np.eye(8), atol=1e-12)


@pytest.mark.parametrize(
    ("layer", "args", "kwargs", "expected"),
    [
        (kl.depthwise_conv2d, (3,), {"depth_multiplier": 4},
         {"kernel": (3, 3, 8, 4), "bias": (32,)}),
        (kl.depthwise_conv1d, ((5,),), {"use_bias": False}, {"kernel": (5, 8, 1)}),
        (kl.separable_conv2d, (16, (3, 2)), {"depth_multiplier": 2},
         {"depthwise_kernel": (3, 2, 8, 2), "pointwise_kernel": (1, 1, 16, 16), "bias": (16,)}),
        (kl.separable_conv1d, (16, 3), {}, {"depthwise_kernel": (3, 8, 1),
                                           "pointwise_kernel": (1, 8, 16), "bias": (16,)}),
        (kl.conv2d_transpose, (16, 3), {}, {"kernel": (3, 3, 16, 8), "bias": (16,)}),
        (kl.conv1d_transpose, (16, 5), {}, {"kernel": (5, 16, 8), "bias": (16,)}),
        (kl.conv3d_transpose, (16, (1, 2, 3)), {"use_bias": False}, {"kernel": (1, 2, 3, 16, 8)}),
    ],
)  # fmt: skip
def test_depthwise_separable_and_transposed_convolutions(
    layer: Any, args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict[str, Any]
) -> None:
    specs = layer(*args, input_channels=8, **kwargs, spec=True)
    assert {k: v.shape for k, v in specs.items()} == expected
    assert list(specs) == list(expected)
    drawn = layer(*args, input_channels=8, **kwargs, rng=SEED)
    for name, shape in expected.items():
        if name == "bias":
            np.testing.assert_array_equal(drawn[name], np.zeros(shape))
            continue
        bound = glorot_bound(shape)  # Keras' fans for the shape as Keras builds it
        assert law(specs[name], shape).support == pytest.approx((-bound, bound), rel=1e-15)
        direct = wi.glorot_uniform(shape, rng=wi.param_seed(SEED, name))
        np.testing.assert_array_equal(drawn[name], direct)


def test_multi_head_attention_projections() -> None:
    specs = kl.multi_head_attention(4, 16, query_features=64, spec=True)
    assert list(specs) == ["query", "key", "value", "attention_output"]
    for name in ("query", "key", "value"):
        assert {k: v.shape for k, v in specs[name].items()} == {"kernel": (64, 4, 16),
                                                               "bias": (4, 16)}  # fmt: skip
        b = axes_bound((64, 4, 16), (0,), (1, 2))
        assert law(specs[name]["kernel"], (64, 4, 16)).support == pytest.approx((-b, b), rel=1e-15)
    out = specs["attention_output"]
    assert out["kernel"].shape == (4, 16, 64) and out["bias"].shape == (64,)
    b = axes_bound((4, 16, 64), (0, 1), (2,))
    assert law(out["kernel"], (4, 16, 64)).support == pytest.approx((-b, b), rel=1e-15)
    drawn = kl.multi_head_attention(4, 16, query_features=64, rng=SEED)
    direct = specs["key"]["kernel"].init((64, 4, 16), rng=wi.param_seed(SEED, "key.kernel"))
    np.testing.assert_array_equal(drawn["key"]["kernel"], direct)
    assert not np.array_equal(drawn["query"]["kernel"], drawn["key"]["kernel"])
    other = kl.multi_head_attention(
        2, 8, query_features=12, value_features=10, key_features=6, value_dim=3,
        output_shape=(5, 7), use_gate=True, use_bias=False, spec=True,
    )  # fmt: skip
    assert {n: {k: v.shape for k, v in p.items()} for n, p in other.items()} == {
        "query": {"kernel": (12, 2, 8)}, "key": {"kernel": (6, 2, 8)},
        "gate": {"kernel": (12, 2, 3)}, "value": {"kernel": (10, 2, 3)},
        "attention_output": {"kernel": (2, 3, 5, 7)},
    }  # fmt: skip
    b = axes_bound((2, 3, 5, 7), (0, 1), (2, 3))
    kernel = other["attention_output"]["kernel"]
    assert law(kernel, (2, 3, 5, 7)).support == pytest.approx((-b, b), rel=1e-15)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: kl.einsum_dense("ab,bc", 4, input_shape=(None, 3)), ValueError, "of the form"),
        (lambda: kl.einsum_dense("ab,bc->ac", 4, input_shape=(None, 3, 2)), ValueError,
         "input_shape must have 2 axes"),
        (lambda: kl.einsum_dense("abc,cd->abd", 4, input_shape=(None, 5, 3)), ValueError,
         "output_shape must have 2 axes"),
        (lambda: kl.einsum_dense("abc,cd->abd", (6, 4), input_shape=(None, 5, 3)), ValueError,
         "disagree at shared dimension 'b'"),
        (lambda: kl.einsum_dense("ab,bz->ac", 4, input_shape=(None, 3)), ValueError,
         "output dimension 'c'"),
        (lambda: kl.einsum_dense("ab,bcz->ac", 4, input_shape=(None, 3)), ValueError,
         "weight dimension 'z'"),
        (lambda: kl.einsum_dense("ab,bc->ac", None, input_shape=(None, 3)), TypeError,
         "output_shape must be an int or a sequence"),
        (lambda: kl.einsum_dense("ab,bc->ac", (None,), input_shape=(None, 3)), ValueError,
         "dimension 'c', which is unknown"),
        (lambda: kl.einsum_dense("ab,bc->ac", 4, input_shape=(None, 0)), ValueError,
         r"input_shape\[1\] must be an int >= 1"),
        (lambda: kl.einsum_dense("ab,bc->ac", 4, input_shape=(None, 3), bias_axes="b"),
         ValueError, "bias_axes must be letters of the output spec 'ac'"),
        (lambda: kl.einsum_dense("ab,bc->ac", 4, input_shape=(None, 3), bias_axes=""),
         ValueError, "bias_axes must be letters"),
        (lambda: kl.depthwise_conv2d(3, input_channels=4, depth_multiplier=0), ValueError,
         "depth_multiplier must be an int >= 1"),
        (lambda: kl.separable_conv2d(8, 3, input_channels=4, pointwise_initializer="nope"),
         ValueError, "pointwise_initializer: "),
        (lambda: kl.multi_head_attention(2, 4, query_features=8, output_shape="8"), TypeError,
         "output_shape must be None, an int or a tuple"),
        (lambda: kl.multi_head_attention(0, 4, query_features=8), ValueError,
         "num_heads must be an int >= 1"),
        (lambda: kl.multi_head_attention(2, 4, query_features=8, use_gate=1), TypeError,
         "use_gate must be True or False"),
    ],
)  # fmt: skip
def test_bad_einsum_and_attention_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: kl.dense(0, input_dim=3), ValueError, "units must be an int >= 1"),
        (lambda: kl.conv2d(16, 3, input_channels=6, groups=4), ValueError, "divisible by groups"),
        (lambda: kl.conv2d(16, (3, 3, 3), input_channels=4), TypeError, "sequence of 2 ints"),
        (
            lambda: kl.dense(2, input_dim=3, kernel_initializer="nope"),
            ValueError,
            "kernel_initializer: ",
        ),
        (lambda: kl.lstm(4, input_dim=3, bias_initializer="eye"), ValueError, "rank 2"),
        (
            lambda: kl.gru(4, input_dim=3, reset_after="yes"),
            TypeError,
            "reset_after must be True or False",
        ),
    ],
)
def test_bad_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
