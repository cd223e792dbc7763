"""Keras' layer defaults: names, shapes and laws of keras 3.15.1's own build().

Sources (keras/src/layers/): core/dense.py (``kernel`` (input_dim, units), ``bias``),
convolutional/base_conv.py:193-196 (``kernel_size + (input_channel // groups, filters)``),
core/embedding.py:91 and 157-160 (``embeddings``, ``"uniform"`` = RandomUniform(-0.05, 0.05)),
rnn/simple_rnn.py, rnn/lstm.py:147-191 (``unit_forget_bias``: ``[b(u), 1(u), b(2u)]``),
rnn/gru.py:164-173 (bias (2, 3u) with ``reset_after``), normalization/ (``gamma``, ``beta``,
``moving_mean``, ``moving_variance``).
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
            "reset_after must be a bool",
        ),
    ],
)
def test_bad_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
