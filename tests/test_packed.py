"""Packed weights: wi.packed splits an array along an axis into parts, each its own tensor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi

#: The spawn-key word of a part's seed (src/weightinit/packed.py, ``_PART_TAG``: ASCII "part").
PART_TAG = int.from_bytes(b"part", "big")


def part_seed(rng: int, index: int) -> np.random.SeedSequence:
    root = np.random.SeedSequence(rng)
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, PART_TAG, index))


def test_packed_qkv_gives_each_projection_the_variance_of_a_separate_one() -> None:
    # torch/nn/modules/activation.py, MultiheadAttention._reset_parameters: xavier_uniform_ on
    # the whole (3E, E) in_proj_weight, so fan_out = 3E (pytorch/pytorch issue 166378).
    embed = 64
    whole = wi.get("xavier_uniform_").variance(shape=(3 * embed, embed))
    assert math.isclose(whole, 2 / (4 * embed))
    qkv = wi.packed("xavier_uniform_", 3, axis=0)
    for part, variance in zip(
        qkv.parts((3 * embed, embed)), qkv.variance((3 * embed, embed)), strict=True
    ):
        assert part.shape == (embed, embed)
        assert math.isclose(variance, 2 / (2 * embed))
        bound = math.sqrt(6 / (2 * embed))
        assert part.distribution.support == pytest.approx((-bound, bound), rel=1e-15)
    assert qkv.mean((3 * embed, embed)) == (0.0, 0.0, 0.0)


def test_each_part_is_the_initializer_called_on_its_own_shape_with_its_own_seed() -> None:
    qkv = wi.packed("xavier_uniform_", 3, axis=0)
    w = qkv((96, 32), rng=4)
    for index in range(3):
        expected = wi.get("xavier_uniform_")((32, 32), rng=part_seed(4, index))
        np.testing.assert_array_equal(w[32 * index : 32 * (index + 1)], expected)


def test_parts_of_given_sizes_along_the_last_axis() -> None:
    init = wi.packed(wi.glorot_normal, (3, 5, 2), axis=-1)
    w = init((4, 10), rng=1)
    starts = [0, 3, 8, 10]
    for index in range(3):
        size = starts[index + 1] - starts[index]
        expected = wi.glorot_normal((4, size), rng=part_seed(1, index))
        np.testing.assert_array_equal(w[:, starts[index] : starts[index + 1]], expected)
    variances = init.variance((4, 10))
    assert all(math.isclose(v, 2 / (4 + s)) for v, s in zip(variances, (3, 5, 2), strict=True))


def test_recurrent_gates_are_each_orthogonal() -> None:
    # Keras' LSTM recurrent kernel is (units, 4 * units); one orthogonal matrix per gate.
    units = 16
    k = wi.packed("orthogonal", 4, axis=-1)((units, 4 * units), rng=2)
    for gate in range(4):
        block = k[:, gate * units : (gate + 1) * units]
        np.testing.assert_allclose(block.T @ block, np.eye(units), atol=1e-12)
    whole = k.T @ k  # the gates are independent: the whole kernel is not orthogonal
    assert np.abs(whole - np.diag(np.diag(whole))).max() > 1e-3


@pytest.mark.parametrize(
    "region",
    [slice(10, 70), slice(32, 64), slice(0, 1), (slice(5, 90), slice(3, 17)), slice(95, 96)],
)
@pytest.mark.parametrize("name", ["xavier_uniform_", "orthogonal_", "zeros"])
def test_a_region_is_the_region_of_the_whole_array(region: Any, name: str) -> None:
    init = wi.packed(name, 3, axis=0)
    whole = init((96, 20), rng=6)
    np.testing.assert_array_equal(init((96, 20), rng=6, region=region), whole[region])


def test_a_region_along_the_leading_axis_when_the_parts_lie_along_another() -> None:
    init = wi.packed("he_normal", 4, axis=1)
    whole = init((30, 8, 5), rng=3)
    region = (slice(4, 20), slice(1, 7))
    np.testing.assert_array_equal(init((30, 8, 5), rng=3, region=region), whole[region])


def test_out_is_filled_in_place_with_its_dtype_and_strides() -> None:
    init = wi.packed("he_uniform", 2, axis=0)
    base = np.zeros((8, 12), dtype=np.float32)
    out = base[:, ::2]
    result = init(out=out, rng=9)
    assert result is out and out.dtype == np.float32
    np.testing.assert_array_equal(out, init((8, 6), rng=9, dtype="float32"))
    assert (base[:, 1::2] == 0).all()
    region_out = np.empty((3, 6), dtype=np.float32)
    init((8, 6), rng=9, out=region_out, region=slice(2, 5))
    np.testing.assert_array_equal(region_out, out[2:5])


def test_in_a_tree_a_packed_rule_draws_from_the_parameters_path_seed() -> None:
    tree = {"attn": {"in_proj_weight": (3 * 16, 16), "in_proj_bias": (48,)}}
    qkv = wi.packed("xavier_uniform_", 3, axis=0)
    params = wi.init_params(tree, {"*weight": qkv, "*bias": "zeros"}, rng=5, dtype="float32")
    expected = qkv((48, 16), rng=wi.param_seed(5, "attn.in_proj_weight"), dtype="float32")
    np.testing.assert_array_equal(params["attn"]["in_proj_weight"], expected)
    filled = np.empty((48, 16))
    wi.init_params({"w": filled}, {"w": qkv}, rng=5)
    np.testing.assert_array_equal(filled, qkv((48, 16), rng=wi.param_seed(5, "w")))
    with pytest.raises(ValueError, match="the parameter 'w': parts=3 must divide"):
        wi.init_params({"w": (10, 4)}, {"w": qkv})


def test_a_law_that_draws_nothing_takes_nothing_from_a_generator() -> None:
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    np.testing.assert_array_equal(wi.packed("ones", 2, axis=0)((4, 2), rng=gen), np.ones((4, 2)))
    assert gen.bit_generator.state == state


@pytest.mark.parametrize(
    ("args", "shape", "error", "match"),
    [
        (("he_normal", 3), (10, 4), ValueError, r"parts=3 must divide shape\[0\] = 10"),
        (("he_normal", (2, 3)), (6, 4), ValueError, r"must sum to shape\[0\] = 6 .* sum to 5"),
        (("he_normal", 0), (6, 4), ValueError, "parts must be an int >= 1; got parts=0"),
        (("he_normal", (2, 0)), (6, 4), ValueError, r"parts\[1\] must be an int >= 1"),
        (("he_normal", ()), (6, 4), ValueError, "at least one size"),
        (("he_normal", True), (6, 4), TypeError, "parts must be an int or a sequence"),
        (("he_normal", 2.0), (6, 4), TypeError, "parts must be an int or a sequence"),
        (("eye", 2), (6, 4, 2), ValueError, "the part of shape"),
        (("he_normal", 2), (), ValueError, "rank >= 1"),
    ],
)
def test_bad_parts_are_refused_before_anything_is_drawn(
    args: tuple[Any, Any], shape: tuple[int, ...], error: type[Exception], match: str
) -> None:
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    with pytest.raises(error, match=match):
        wi.packed(*args, axis=0)(shape, rng=gen)
    assert gen.bit_generator.state == state


def test_bad_axis_init_and_out_are_refused() -> None:
    with pytest.raises(
        ValueError, match=r"axis must be an axis of shape=\(6, 4\) \(from -2 to 1\); got axis=2"
    ):
        wi.packed("he_normal", 2, axis=2)((6, 4))
    with pytest.raises(TypeError, match="axis must be an int"):
        wi.packed("he_normal", 2, axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="init must name or be an Initializer"):
        wi.packed(lambda shape, **_: np.zeros(shape), 2, axis=0)
    init = wi.packed("he_normal", 2, axis=0)
    out = np.zeros((6, 4), dtype=np.float32)
    with pytest.raises(ValueError, match=r"dtype=float64 disagrees with out\.dtype=float32"):
        init(out=out, dtype="float64", rng=0)
    with pytest.raises(ValueError, match=r"out must have shape \(2, 4\)"):
        init((6, 4), out=out, region=slice(0, 2), rng=0)
    with pytest.raises(TypeError, match="dtype"):
        init((6, 4), dtype="int32", rng=0)
    assert (out == 0).all()
