"""Haiku's layer defaults: parameter names and shapes, each parameter's law, and the draws.

Read from dm-haiku 0.0.17's source: haiku/_src/basic.py:157, 174-183 (Linear:
``w`` [input_size, output_size] TruncatedNormal(1/√input_size), ``b`` zeros);
conv.py:139, 191-228 (ConvND: ``w`` kernel + (in/groups, out) TruncatedNormal
(1/√prod(w_shape[:-1])), ``b`` (out,) or (out, 1, 1) channels first);
embed.py:134-139 (``embeddings`` TruncatedNormal()); initializers.py:99-130
(TruncatedNormal: stddev before truncation, cut at ±2).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.layers import haiku as hl

SEED = 4111


def _t(stddev: float) -> tuple[str, float, tuple[float, float], float]:
    """Haiku's TruncatedNormal(stddev): N(0, stddev²) cut at ±2·stddev."""
    phi = math.exp(-2) / math.sqrt(2 * math.pi)
    z = math.erf(2 / math.sqrt(2))
    return ("truncated_normal", stddev, (-2 * stddev, 2 * stddev), stddev**2 * (1 - 4 * phi / z))


ZERO = ("constant", 0.0, (0.0, 0.0), 0.0)

CASES: list[tuple[Any, tuple[Any, ...], dict[str, Any], dict[str, Any]]] = [
    (hl.linear, (5,), {"input_size": 9}, {"w": ((9, 5), _t(1 / 3)), "b": ((5,), ZERO)}),
    (hl.linear, (5,), {"input_size": 9, "with_bias": False}, {"w": ((9, 5), _t(1 / 3))}),
    (hl.conv2d, (8, 3), {"input_channels": 4}, {"w": ((3, 3, 4, 8), _t(1 / 6)), "b": ((8,), ZERO)}),
    (
        hl.conv2d,
        (8, (1, 2)),
        {"input_channels": 6, "feature_group_count": 3, "data_format": "NCHW"},
        {"w": ((1, 2, 2, 8), _t(1 / 2)), "b": ((8, 1, 1), ZERO)},
    ),
    (
        hl.conv2d,
        (8, 3),
        {"input_channels": 4, "with_bias": False},
        {"w": ((3, 3, 4, 8), _t(1 / 6))},
    ),
    (hl.embed, (11, 4), {}, {"embeddings": ((11, 4), _t(1.0))}),
]
IDS = [f"{f.__name__}-{i}" for i, (f, *_rest) in enumerate(CASES)]


@pytest.mark.parametrize(("layer", "args", "kwargs", "expected"), CASES, ids=IDS)
def test_names_shapes_and_laws(
    layer: Any, args: Any, kwargs: Any, expected: dict[str, Any]
) -> None:
    specs = layer(*args, spec=True, **kwargs)
    assert list(specs) == list(expected)
    for name, (shape, (kind, scale, support, variance)) in expected.items():
        assert specs[name].shape == shape
        law = specs[name].init.distribution(shape=shape)
        assert law.kind == kind
        assert law.mean == 0.0
        assert law.support == pytest.approx(support, rel=1e-12)
        assert law.variance == pytest.approx(variance, rel=1e-9, abs=1e-15)
        if kind == "truncated_normal":
            assert law.scale == pytest.approx(scale, rel=1e-12)


@pytest.mark.parametrize(("layer", "args", "kwargs", "expected"), CASES, ids=IDS)
def test_draws_are_the_scheme_seeded_by_name(
    layer: Any, args: Any, kwargs: Any, expected: Any
) -> None:
    drawn = layer(*args, rng=SEED, dtype="float32", **kwargs)
    specs = layer(*args, spec=True, **kwargs)
    assert list(drawn) == list(expected)
    for name, values in drawn.items():
        again = specs[name].init(specs[name].shape, rng=wi.param_seed(SEED, name), dtype="float32")
        assert values.dtype == np.float32 and np.array_equal(values, again)


def test_w_init_and_b_init_take_what_get_resolves() -> None:
    specs = hl.linear(3, input_size=4, w_init="glorot_uniform", b_init=wi.ones, spec=True)
    assert specs["w"].init is wi.glorot_uniform and specs["b"].init is wi.ones
    table = hl.embed(5, 2, w_init={"class_name": "Zeros", "config": {}}, rng=0)["embeddings"]
    assert table.shape == (5, 2) and np.all(table == 0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: hl.conv2d(8, 3, input_channels=5, feature_group_count=2),
            ValueError,
            "input_channels=5",
        ),
        (lambda: hl.conv2d(8, (3, 3, 3), input_channels=4), ValueError, "kernel_shape"),
        (lambda: hl.conv2d(8, 3, input_channels=4, data_format="NDHWC"), ValueError, "data_format"),
        (lambda: hl.linear(3, input_size=0), ValueError, "input_size"),
        (lambda: hl.linear(3, input_size=2, w_init="no_such_init"), ValueError, "w_init"),
        (lambda: hl.embed(0, 3), ValueError, "vocab_size"),
    ],
)
def test_bad_arguments_raise(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
