"""Flax's layer defaults (linen): names, shapes and laws of flax 0.12.8's own initialization.

Sources (flax/linen/): linear.py:49 (``default_kernel_init = lecun_normal()``), 247-272
(``Dense``: ``kernel`` (in, features), ``bias`` zeros), 521-522 and 617-683 (``Conv``:
``kernel_size + (in // feature_group_count, features)``, ``bias`` (features,)),
1105-1107 (``Embed``: ``variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)``),
normalization.py:489-494 and 205-221 (``LayerNorm``: ``scale`` ones then ``bias`` zeros).
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


def check(specs: dict[str, Any], drawn: dict[str, Any], expected: dict[str, Any]) -> None:
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
        (lambda: fl.dense(2, input_features=3, use_bias=1), TypeError, "use_bias must be a bool"),
        (lambda: fl.conv(8, (3, 0), input_features=4), ValueError, r"kernel_size\[1\]"),
        (lambda: fl.conv(8, "3", input_features=4), TypeError, "kernel_size must be an int"),
        (lambda: fl.conv(8, 3, input_features=5, feature_group_count=2), ValueError, "divisible"),
        (lambda: fl.embed(5, 4, embedding_init="nope"), ValueError, "embedding_init: "),
    ],
)
def test_bad_arguments(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
