"""Fidelity: each library's names, layouts, axes and configs mean what they mean there.

Checked against closed forms and the peers' rules as written in their source
(file and line cited at each test, in the versions read: Keras 3, JAX, Haiku,
Flax and PyTorch's ``torch/nn/init.py``), never against the peers installed;
``tools/compare_peers.py`` compares against them where they are installed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.distributions import Normal, TruncatedNormal, Uniform
from weightinit.initializers import TRUNCATED_NORMAL_STD

# --- 1. PyTorch's names read PyTorch's layout ------------------------------------------------

TORCH_SCHEMES = [name for name in wi.available() if wi.get(name).info.origin == "PyTorch"]


def test_every_pytorch_scheme_defaults_to_pytorchs_layout() -> None:
    assert {"kaiming_normal", "xavier_uniform", "trunc_normal", "eye", "dirac", "sparse"} <= set(
        TORCH_SCHEMES
    )
    for name in wi.available():
        init = wi.get(name)
        assert init.layout == ("torch" if name in TORCH_SCHEMES else "keras"), name


def test_every_pytorch_name_resolves_to_a_scheme_in_pytorchs_layout() -> None:
    # Every torch.-prefixed name and every trailing-underscore name; zeros_ and ones_
    # read no fans, so their layout changes no value.
    for name, canonical in wi.registry.names().items():
        if name.startswith("torch.") or name.endswith("_"):
            init = wi.get(canonical)
            assert init.layout == "torch" or init.info.axes == "—", name


@pytest.mark.parametrize(
    ("name", "variance"),
    [
        # torch/nn/init.py, kaiming_normal_: std = gain / sqrt(fan), fan from
        # _calculate_fan_in_and_fan_out: fan_in = tensor.size(1) * receptive field.
        ("kaiming_normal_", 2.0 / 784),
        ("torch.kaiming_uniform_", 2.0 / 784),  # gain(leaky_relu, a=0)**2 = 2
        ("xavier_normal_", 2.0 / (784 + 256)),
    ],
)
def test_a_pytorch_linear_weight_is_read_out_by_in(name: str, variance: float) -> None:
    init = wi.get(name)
    assert init.variance(shape=(256, 784)) == pytest.approx(variance, rel=1e-14)
    # The layout still yields to a call's layout=.
    assert init.variance(shape=(784, 256), layout="keras") == pytest.approx(variance, rel=1e-14)
    sample = init((256, 784), rng=0)
    # 200,704 values: the sample variance is within 6 sd of the exact one (sd = var·sqrt(2/n)
    # for the normal, smaller for the uniform).
    assert abs(sample.var() / variance - 1.0) < 6 * math.sqrt(2.0 / sample.size)


def test_a_pytorch_conv_kernel_is_read_out_in_kernel() -> None:
    # torch/nn/init.py, _calculate_fan_in_and_fan_out: fan_in = size(1) * prod(size[2:]).
    assert wi.kaiming_uniform.variance(shape=(128, 64, 3, 3)) == pytest.approx(2.0 / 576)
    assert wi.he_uniform.variance(shape=(3, 3, 64, 128)) == pytest.approx(2.0 / 576)


def test_pytorch_sparse_zeros_a_fraction_of_each_column() -> None:
    # torch/nn/init.py, sparse_: rows, cols = tensor.shape; num_zeros = ceil(sparsity * rows);
    # for each column, num_zeros of its rows are zero.
    w = wi.get("sparse_")((10, 20), sparsity=0.25, rng=0)
    assert ((w == 0).sum(axis=0) == math.ceil(0.25 * 10)).all()


def test_pytorch_dirac_is_read_out_in_kernel() -> None:
    # torch/nn/init.py, dirac_: tensor[d, d, size(2) // 2, size(3) // 2] = 1.
    k = wi.get("dirac_")((4, 4, 3, 3))
    np.testing.assert_array_equal(k[:, :, 1, 1], np.eye(4))
    assert k.sum() == 4


def test_pytorch_orthogonal_has_orthonormal_rows_of_the_out_by_rest_matrix() -> None:
    # torch/nn/init.py, orthogonal_: rows = tensor.size(0), cols = numel // rows.
    w = wi.get("orthogonal_")((8, 4, 3, 3), rng=0).reshape(8, -1)
    np.testing.assert_allclose(w @ w.T, np.eye(8), atol=1e-12)


def test_fans_given_without_a_shape_follow_the_layout() -> None:
    assert wi.kaiming_normal(fan_in=5, fan_out=3, rng=0).shape == (3, 5)
    assert wi.he_normal(fan_in=5, fan_out=3, rng=0).shape == (5, 3)


# --- 2. Keras' VarianceScaling by name --------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["VarianceScaling", "keras.VarianceScaling", "keras.variance_scaling"]
)
@pytest.mark.parametrize(
    "spelling", ["normal", "Normal", "NORMAL", "truncated_normal", "Truncated_Normal"]
)
def test_keras_variance_scaling_reads_normal_as_truncated_in_any_case(
    name: str, spelling: str
) -> None:
    # keras/src/initializers/random_initializers.py:273-275:
    # `distribution = distribution.lower()`; `if distribution == "normal": "truncated_normal"`.
    init = wi.get(name, scale=2.0, distribution=spelling)
    law = init.distribution(shape=(50, 10))
    assert isinstance(law, TruncatedNormal)
    assert law.scale == pytest.approx(math.sqrt(2.0 / 50) / TRUNCATED_NORMAL_STD, rel=1e-15)
    assert (law.low, law.high) == (-2.0 * law.scale, 2.0 * law.scale)
    # The same at call time, not only when bound.
    assert isinstance(
        wi.get(name).distribution(shape=(5, 5), distribution=spelling), TruncatedNormal
    )


@pytest.mark.parametrize(
    ("spelling", "law"), [("Uniform", Uniform), ("UNTRUNCATED_NORMAL", Normal)]
)
def test_keras_variance_scaling_reads_every_distribution_in_any_case(
    spelling: str, law: type
) -> None:
    assert isinstance(
        wi.get("VarianceScaling", distribution=spelling).distribution(shape=(4, 4)), law
    )
    config = {"class_name": "VarianceScaling", "config": {"distribution": spelling}}
    assert isinstance(wi.get(config).distribution(shape=(4, 4)), law)


def test_keras_mode_is_exact_as_in_keras() -> None:
    # keras/src/initializers/random_initializers.py:266-271: `mode not in allowed_modes`,
    # with no .lower() (only distribution is lowered), and no fan_geo_avg.
    for mode in ("FAN_IN", "fan_geo_avg"):
        with pytest.raises(ValueError, match="mode must be one of 'fan_avg', 'fan_in', 'fan_out'"):
            wi.get("VarianceScaling", mode=mode)


def test_the_canonical_and_jax_variance_scaling_keep_normal_untruncated() -> None:
    # jax/_src/nn/initializers.py, variance_scaling: 'normal' draws random.normal.
    for name in ("variance_scaling", "jax.variance_scaling"):
        assert isinstance(wi.get(name, distribution="normal").distribution(shape=(4, 4)), Normal)
    with pytest.raises(ValueError, match="distribution must be one of"):
        wi.variance_scaling((4, 4), distribution="Normal")  # JAX's spellings are exact


def test_haiku_variance_scaling_reads_distribution_in_any_case_normal_untruncated() -> None:
    # haiku/_src/initializers.py:204: `distribution = distribution.lower()`; 'normal'
    # draws RandomNormal (untruncated).
    init = wi.get("haiku.VarianceScaling", distribution="Normal")
    assert isinstance(init.distribution(shape=(4, 4)), Normal)
    assert isinstance(
        init.distribution(shape=(4, 4), distribution="TRUNCATED_NORMAL"), TruncatedNormal
    )


# --- 3. Axes: Keras', JAX's and Haiku's rules ---------------------------------------------------


def test_keras_axes_are_the_fans_with_no_receptive_field() -> None:
    # keras/src/initializers/random_initializers.py:675-682: with input_axes and
    # output_axes both given, fan_in = prod(shape[input_axes]), fan_out likewise.
    assert wi.compute_fans((3, 3, 64, 128), input_axes=[2], output_axes=[3]) == (64, 128)
    init = wi.get("HeNormal", input_axes=[2], output_axes=[3])
    assert init.variance(shape=(3, 3, 64, 128)) == pytest.approx(2.0 / 64)
    config = {
        "module": "keras.initializers",
        "class_name": "VarianceScaling",
        "config": {"scale": 1.0, "mode": "fan_in", "input_axes": [2], "output_axes": [3]},
    }
    assert wi.get(config).variance(shape=(3, 3, 64, 128)) == pytest.approx(1.0 / 64)


def test_keras_ignores_one_axis_given_without_the_other() -> None:
    # keras/src/initializers/random_initializers.py:675: only `if input_axes is not None
    # and output_axes is not None`; otherwise the default rule (lines 684-698).
    shape = (32, 3, 5, 128)
    assert wi.compute_fans(shape, input_axes=[0]) == wi.compute_fans(shape) == (480, 12288)
    config = {"class_name": "HeNormal", "config": {"input_axes": [0]}}
    assert wi.get(config).variance(shape=shape) == pytest.approx(2.0 / 480)


def test_jax_axes_take_the_other_dimensions_as_the_receptive_field() -> None:
    # jax/_src/nn/initializers.py:233-248: receptive_field_size = prod(shape) / in_size /
    # out_size / batch_size; fan_in = in_size * receptive_field_size.
    shape = (3, 3, 64, 128)
    assert wi.compute_fans(shape, in_axis=2, out_axis=3) == (576, 1152)
    assert wi.get("jax.he_normal", in_axis=2, out_axis=3).variance(shape=shape) == pytest.approx(
        2.0 / 576
    )


@pytest.mark.parametrize(
    ("shape", "axes", "fans"),
    [
        ((10, 4, 6), {"batch_axis": 0}, (4, 6)),  # the batch counts in neither fan
        ((2, 3, 5, 7), {"batch_axis": (0,), "in_axis": 2, "out_axis": 3}, (15, 21)),
        ((1000, 64), {"in_axis": 0, "out_axis": 0}, (64, 64)),  # Flax Embed's
        ((6, 4), {"in_axis": -1}, (6, 6)),  # in = out = the last axis
        ((2, 3, 4), {"in_axis": (0, 1), "out_axis": (1, 2)}, (2, 4)),
    ],
)
def test_jax_batch_and_overlapping_axes(
    shape: tuple[int, ...], axes: dict[str, Any], fans: tuple[int, int]
) -> None:
    # The closed form of jax/_src/nn/initializers.py:233-248, in exact arithmetic.
    in_axis, out_axis = axes.get("in_axis", -2), axes.get("out_axis", -1)
    batch_axis = axes.get("batch_axis", ())

    def size(axis: Any) -> int:
        return math.prod(shape[i] for i in ((axis,) if isinstance(axis, int) else axis))

    receptive = math.prod(shape) / size(in_axis) / size(out_axis) / size(batch_axis)
    assert fans == (round(size(in_axis) * receptive), round(size(out_axis) * receptive))
    assert wi.compute_fans(shape, **axes) == fans


def test_flax_embed_default_init_is_accepted() -> None:
    # flax/linen/linear.py:1105: default_embed_init = variance_scaling(1.0, 'fan_in',
    # 'normal', out_axis=0); on an (num_embeddings, features) table, fan_in = features.
    init = wi.get(
        "jax.variance_scaling", scale=1.0, mode="fan_in", distribution="normal", out_axis=0
    )
    assert init.variance(shape=(1000, 64)) == pytest.approx(1.0 / 64)
    assert init((1000, 64), rng=0).shape == (1000, 64)


def test_a_batch_axis_that_is_also_an_input_or_output_axis_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_axis must not be an input or output axis"):
        wi.compute_fans((4, 5), batch_axis=1)


def test_haiku_fan_in_axes() -> None:
    # haiku/_src/initializers.py:38-57: for rank >= 3 with fan_in_axes, fan_in =
    # prod(shape[i] for i in fan_in_axes), fan_out = prod of the other axes; below
    # rank 3 they are not read.
    assert wi.compute_fans((3, 3, 4, 5), fan_in_axes=(0, 1, 2)) == (36, 5)
    assert wi.compute_fans((8, 4, 16), fan_in_axes=(0,)) == (8, 64)
    assert wi.compute_fans((6, 7), fan_in_axes=(1,)) == (6, 7)
    init = wi.get("haiku.VarianceScaling", fan_in_axes=(0,))
    assert init.variance(shape=(8, 4, 16)) == pytest.approx(1.0 / 8)
    with pytest.raises(ValueError, match="fan_in_axes must be non-negative"):
        wi.compute_fans((3, 3, 4, 5), fan_in_axes=(-2,))


def test_axes_of_two_rules_are_refused_together() -> None:
    with pytest.raises(ValueError, match="one library's rule at a time"):
        wi.he_normal((3, 4, 5), in_axis=0, input_axes=[1], output_axes=[2])


def test_keras_writes_keras_axes_and_refuses_to_write_jax_axes_as_keras() -> None:
    keras = wi.serialize(wi.he_normal.partial(input_axes=(0,), output_axes=(1,)))
    assert keras is not None and keras["module"] == "keras.initializers"
    assert keras["config"]["input_axes"] == [0]
    jax = wi.serialize(wi.he_normal.partial(in_axis=0, out_axis=1))
    assert jax is not None and jax["module"] == "weightinit"  # Keras has no such rule


# --- Keras' seed -------------------------------------------------------------------------------


def test_keras_seed_binds_a_repeating_seed() -> None:
    # keras/src/initializers/random_initializers.py:240-246: "an initializer seeded with
    # an integer ... will produce the same random values across multiple calls". (Keras'
    # seed=None repeats too, from a seed drawn once; here it binds nothing: docs/names.md.)
    for init in (wi.get("HeNormal", seed=7), wi.he_normal.partial(seed=7)):
        first = init((6, 6))
        np.testing.assert_array_equal(first, init((6, 6)))
        np.testing.assert_array_equal(first, wi.he_normal((6, 6), rng=7))
    assert wi.get("HeNormal", seed=None) == wi.he_normal


def test_a_jax_axis_never_overlaps_the_pytorch_layouts_default() -> None:
    # JAX's axes overlap only as JAX makes them: both given, or one from JAX's own
    # defaults (-2, -1); PyTorch's layout supplying the other would invent an overlap.
    with pytest.raises(ValueError, match="overlap where PyTorch's layout supplies"):
        wi.kaiming_normal.variance(shape=(64, 128), in_axis=0)
    assert wi.compute_fans((64, 128), layout="torch", in_axis=1, out_axis=1) == (64, 64)
    assert wi.kaiming_normal.variance(shape=(64, 128), in_axis=1) == pytest.approx(2.0 / 128)


def test_pytorch_mode_is_read_in_any_case() -> None:
    # torch/nn/init.py, _calculate_correct_fan: `mode = mode.lower()`.
    init = wi.get("kaiming_normal_", mode="Fan_Out")
    assert init.variance(shape=(256, 784)) == pytest.approx(2.0 / 256)


def test_a_bound_layout_is_the_initializers_layout() -> None:
    assert wi.kaiming_normal.partial(layout="keras").layout == "keras"
    assert wi.he_normal.partial(layout="torch").layout == "torch"


def test_bound_axes_are_values_not_the_callers_list() -> None:
    axes = [2]
    init = wi.he_normal.partial(input_axes=axes, output_axes=[3])
    axes[0] = 0
    assert init.variance(shape=(3, 3, 64, 128)) == pytest.approx(2.0 / 64)


def test_a_call_with_seed_points_to_rng() -> None:
    with pytest.raises(TypeError, match=r"a call takes its seed as rng= \(rng=7\)"):
        wi.he_normal((3, 3), seed=7)
    with pytest.raises(TypeError, match="seed"):
        wi.kaiming_normal.partial(seed=7)  # PyTorch's names take no seed
    with pytest.raises(ValueError, match="give seed or rng, not both"):
        wi.he_normal.partial(seed=1, rng=2)


# --- Zero-size shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shape", "kwargs"),
    [
        ("he_normal", (0, 4), {}),
        ("kaiming_uniform", (3, 0), {}),
        ("glorot_uniform", (3, 3, 0, 8), {}),
        ("xavier_normal_", (0, 0), {}),
        ("VarianceScaling", (5, 0), {"mode": "fan_out"}),
        ("orthogonal", (0, 3), {}),
    ],
)
def test_an_empty_shape_gives_the_empty_array(
    name: str, shape: tuple[int, ...], kwargs: dict[str, Any]
) -> None:
    # keras/src/initializers/random_initializers.py:298-303 divides by max(1.0, fan);
    # torch/nn/init.py, kaiming_uniform_: `if 0 in tensor.shape: ... return tensor`.
    result = wi.get(name)(shape, rng=0, **kwargs)
    assert result.shape == shape and result.dtype == np.float64
    out = np.empty(shape, dtype=np.float32)
    assert wi.get(name)(out=out, rng=0, **kwargs) is out


def test_the_moments_of_a_zero_fan_are_still_refused() -> None:
    with pytest.raises(ValueError, match="a zero fan has no variance-scaling scale"):
        wi.he_normal.variance(fan_in=0, fan_out=4)
    with pytest.raises(ValueError, match="a zero fan"):
        wi.he_normal.variance(shape=(0, 4))


def test_an_empty_shape_still_gets_every_other_check() -> None:
    with pytest.raises(ValueError, match="eye needs a shape of rank 2"):
        wi.eye((0, 2, 2))
    with pytest.raises(ValueError, match="scale must be"):
        wi.variance_scaling((0, 4), scale=-1.0)
