"""PyTorch's layer defaults: state_dict names and shapes, each parameter's law, and the draws.

Expected names, shapes and laws are read from torch 2.14's source:
torch/nn/modules/linear.py:117-128 (Linear), 230-241 (Bilinear);
conv.py:104-176 (shapes), 182-201 (kaiming_uniform_(a=√5), bias U(±1/√fan_in));
torch/nn/init.py:465-474 (fan_in = size(1)·∏kernel); sparse.py:152-186 (Embedding);
rnn.py:166-212 (names, shapes), 308-311 (U(±1/√hidden)); activation.py:1170-1247
(MultiheadAttention); normalization.py:199-225, 305-331; batchnorm.py:52-104.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.layers import torch as tl

SEED = 20260


def _u(bound: float) -> tuple[str, float, float, tuple[float, float]]:
    return ("uniform", 0.0, bound**2 / 3, (-bound, bound))


def _n(var: float) -> tuple[str, float, float, tuple[float, float]]:
    return ("normal", 0.0, var, (-math.inf, math.inf))


def _c(value: float) -> tuple[str, float, float, tuple[float, float]]:
    return ("constant", value, 0.0, (value, value))


def _xu(fan_in: int, fan_out: int) -> Any:
    return _u(math.sqrt(6 / (fan_in + fan_out)))


# (function, args, kwargs, {name: (shape, law)}) in state_dict order.
CASES: list[tuple[Any, tuple[Any, ...], dict[str, Any], dict[str, Any]]] = [
    (
        tl.linear,
        (6, 4),
        {},
        {"weight": ((4, 6), _u(1 / math.sqrt(6))), "bias": ((4,), _u(1 / math.sqrt(6)))},
    ),
    (tl.linear, (6, 4), {"bias": False}, {"weight": ((4, 6), _u(1 / math.sqrt(6)))}),
    (
        tl.bilinear,
        (5, 3, 2),
        {},
        {"weight": ((2, 5, 3), _u(1 / math.sqrt(5))), "bias": ((2,), _u(1 / math.sqrt(5)))},
    ),
    (
        tl.conv1d,
        (4, 6, 3),
        {},
        {"weight": ((6, 4, 3), _u(1 / math.sqrt(12))), "bias": ((6,), _u(1 / math.sqrt(12)))},
    ),
    (
        tl.conv2d,
        (4, 6, (3, 2)),
        {"groups": 2},
        {"weight": ((6, 2, 3, 2), _u(1 / math.sqrt(12))), "bias": ((6,), _u(1 / math.sqrt(12)))},
    ),
    (tl.conv3d, (2, 4, 2), {"bias": False}, {"weight": ((4, 2, 2, 2, 2), _u(1 / 4))}),
    # Transposed: weight (in, out/groups, *k); torch's fan_in = size(1)·∏k = out/groups·∏k.
    (
        tl.conv_transpose1d,
        (4, 6, 3),
        {},
        {"weight": ((4, 6, 3), _u(1 / math.sqrt(18))), "bias": ((6,), _u(1 / math.sqrt(18)))},
    ),
    (
        tl.conv_transpose2d,
        (4, 6, 3),
        {"groups": 2},
        {"weight": ((4, 3, 3, 3), _u(1 / math.sqrt(27))), "bias": ((6,), _u(1 / math.sqrt(27)))},
    ),
    (
        tl.conv_transpose3d,
        (2, 4, (1, 2, 3)),
        {"groups": 2},
        {"weight": ((2, 2, 1, 2, 3), _u(1 / math.sqrt(12))), "bias": ((4,), _u(1 / math.sqrt(12)))},
    ),
    (tl.embedding, (7, 3), {}, {"weight": ((7, 3), _n(1.0))}),
    (
        tl.rnn,
        (3, 4),
        {"nonlinearity": "relu"},
        {
            "weight_ih_l0": ((4, 3), _u(0.5)),
            "weight_hh_l0": ((4, 4), _u(0.5)),
            "bias_ih_l0": ((4,), _u(0.5)),
            "bias_hh_l0": ((4,), _u(0.5)),
        },
    ),
    (
        tl.gru,
        (3, 4),
        {"num_layers": 2, "bias": False, "bidirectional": True},
        {
            "weight_ih_l0": ((12, 3), _u(0.5)),
            "weight_hh_l0": ((12, 4), _u(0.5)),
            "weight_ih_l0_reverse": ((12, 3), _u(0.5)),
            "weight_hh_l0_reverse": ((12, 4), _u(0.5)),
            "weight_ih_l1": ((12, 8), _u(0.5)),
            "weight_hh_l1": ((12, 4), _u(0.5)),
            "weight_ih_l1_reverse": ((12, 8), _u(0.5)),
            "weight_hh_l1_reverse": ((12, 4), _u(0.5)),
        },
    ),
    (
        tl.lstm,
        (3, 16),
        {"num_layers": 2, "proj_size": 5},
        {
            "weight_ih_l0": ((64, 3), _u(0.25)),
            "weight_hh_l0": ((64, 5), _u(0.25)),
            "bias_ih_l0": ((64,), _u(0.25)),
            "bias_hh_l0": ((64,), _u(0.25)),
            "weight_hr_l0": ((5, 16), _u(0.25)),
            "weight_ih_l1": ((64, 5), _u(0.25)),
            "weight_hh_l1": ((64, 5), _u(0.25)),
            "bias_ih_l1": ((64,), _u(0.25)),
            "bias_hh_l1": ((64,), _u(0.25)),
            "weight_hr_l1": ((5, 16), _u(0.25)),
        },
    ),
    (
        tl.multihead_attention,
        (8, 2),
        {},
        {
            "in_proj_weight": ((24, 8), _xu(8, 24)),
            "in_proj_bias": ((24,), _c(0.0)),
            "out_proj.weight": ((8, 8), _u(1 / math.sqrt(8))),
            "out_proj.bias": ((8,), _c(0.0)),
        },
    ),
    (
        tl.multihead_attention,
        (8, 4),
        {"kdim": 3, "vdim": 5, "add_bias_kv": True, "bias": False},
        {
            "q_proj_weight": ((8, 8), _xu(8, 8)),
            "k_proj_weight": ((8, 3), _xu(3, 8)),
            "v_proj_weight": ((8, 5), _xu(5, 8)),
            "bias_k": ((1, 1, 8), _n(1 / 8)),
            "bias_v": ((1, 1, 8), _n(1 / 8)),
            "out_proj.weight": ((8, 8), _u(1 / math.sqrt(8))),
        },
    ),
    (tl.layer_norm, ((2, 3),), {}, {"weight": ((2, 3), _c(1.0)), "bias": ((2, 3), _c(0.0))}),
    (tl.layer_norm, (5,), {"bias": False}, {"weight": ((5,), _c(1.0))}),
    (tl.layer_norm, (5,), {"elementwise_affine": False}, {}),
    (
        tl.batch_norm,
        (4,),
        {},
        {
            "weight": ((4,), _c(1.0)),
            "bias": ((4,), _c(0.0)),
            "running_mean": ((4,), _c(0.0)),
            "running_var": ((4,), _c(1.0)),
            "num_batches_tracked": ((), _c(0.0)),
        },
    ),
    (tl.batch_norm, (4,), {"affine": False, "track_running_stats": False}, {}),
    (tl.group_norm, (2, 6), {}, {"weight": ((6,), _c(1.0)), "bias": ((6,), _c(0.0))}),
    (tl.group_norm, (2, 6), {"affine": False}, {}),
]
IDS = [f"{f.__name__}-{i}" for i, (f, *_rest) in enumerate(CASES)]


@pytest.mark.parametrize(("layer", "args", "kwargs", "expected"), CASES, ids=IDS)
def test_names_shapes_and_laws(
    layer: Any, args: Any, kwargs: Any, expected: dict[str, Any]
) -> None:
    specs = layer(*args, spec=True, **kwargs)
    assert list(specs) == list(expected)
    for name, (shape, (kind, mean, variance, support)) in expected.items():
        assert specs[name].shape == shape, name
        law = specs[name].init.distribution(shape=shape)
        assert law.kind == kind, name
        assert law.mean == pytest.approx(mean, rel=1e-12, abs=1e-15), name
        assert law.variance == pytest.approx(variance, rel=1e-12, abs=1e-15), name
        assert law.support == pytest.approx(support, rel=1e-12), name


@pytest.mark.parametrize(("layer", "args", "kwargs", "expected"), CASES, ids=IDS)
def test_draws_are_the_scheme_seeded_by_name(
    layer: Any, args: Any, kwargs: Any, expected: Any
) -> None:
    drawn = layer(*args, rng=SEED, dtype="float32", **kwargs)
    specs = layer(*args, spec=True, **kwargs)
    assert list(drawn) == list(expected)
    assert (
        drawn == {} or wi.init_params(specs, [], rng=SEED, dtype="float32").keys() == drawn.keys()
    )
    for name, values in drawn.items():
        init = specs[name].init
        # num_batches_tracked's zeros binds int64 (batchnorm.py:75-80), which dtype= leaves alone.
        options = {} if name == "num_batches_tracked" else {"dtype": "float32"}
        again = init(specs[name].shape, rng=wi.param_seed(SEED, name), **options)
        assert values.dtype == again.dtype and np.array_equal(values, again), name
    if "num_batches_tracked" in drawn:
        assert drawn["num_batches_tracked"].dtype == np.int64 and drawn["num_batches_tracked"] == 0


@pytest.mark.parametrize(("padding_idx", "row"), [(0, 0), (3, 3), (-1, 6), (-7, 0)])
def test_embedding_padding_row_is_zero(padding_idx: int, row: int) -> None:
    weight = tl.embedding(7, 300, padding_idx=padding_idx, rng=SEED)["weight"]
    plain = wi.torch_normal((7, 300), rng=wi.param_seed(SEED, "weight"))
    assert np.all(weight[row] == 0)
    others = np.arange(7) != row
    assert np.array_equal(weight[others], plain[others])
    spec = tl.embedding(7, 300, padding_idx=padding_idx, spec=True)["weight"]
    assert (
        spec.init.index % 7 == row and spec.init.init.distribution(shape=(7, 300)).variance == 1.0
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: tl.conv2d(3, 4, 3, groups=2),
            ValueError,
            "in_channels must be divisible by groups; got in_channels=3",
        ),
        (lambda: tl.conv1d(4, 3, 3, groups=2), ValueError, "out_channels=3"),
        (lambda: tl.conv2d(4, 4, 3, groups=0), ValueError, "groups"),
        (lambda: tl.conv2d(4, 4, (3, 3, 3)), ValueError, "kernel_size must be an int or 2 ints"),
        (lambda: tl.conv2d(4, 4, 3, padding="full"), ValueError, "padding"),
        (lambda: tl.conv2d(4, 4, 3, stride=2, padding="same"), ValueError, "strided"),
        (lambda: tl.conv2d(4, 4, 3, padding_mode="wrap"), ValueError, "padding_mode"),
        (lambda: tl.conv_transpose2d(4, 4, 3, padding_mode="reflect"), ValueError, "padding_mode"),
        (
            lambda: tl.conv_transpose2d(4, 4, 3, padding="same"),
            ValueError,
            "padding must be an int",
        ),
        (lambda: tl.embedding(5, 3, padding_idx=5), ValueError, "padding_idx=5"),
        (lambda: tl.embedding(5, 3, padding_idx=-6), ValueError, "padding_idx=-6"),
        (
            lambda: tl.multihead_attention(10, 3),
            ValueError,
            "embed_dim must be divisible by num_heads; got embed_dim=10, num_heads=3",
        ),
        (lambda: tl.multihead_attention(8, 0), ValueError, "num_heads"),
        (lambda: tl.rnn(3, 4, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
        (
            lambda: tl.lstm(3, 4, proj_size=4),
            ValueError,
            "proj_size must be smaller than hidden_size",
        ),
        (lambda: tl.lstm(3, 4, proj_size=-1), ValueError, "proj_size"),
        (lambda: tl.gru(3, 4, dropout=1.5), ValueError, "dropout"),
        (lambda: tl.gru(3, 4, bias="yes"), TypeError, "bias must be True or False"),
        (lambda: tl.linear(0, 3), ValueError, "in_features"),
        (lambda: tl.linear(3.0, 3), TypeError, "in_features"),
        (
            lambda: tl.group_norm(4, 6),
            ValueError,
            "num_channels must be divisible by num_groups; got num_channels=6",
        ),
        (lambda: tl.layer_norm("5"), TypeError, "normalized_shape"),
    ],
)
def test_bad_arguments_raise(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match.replace("(", r"\(")):
        call()
