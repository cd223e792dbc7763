"""JAX's, Haiku's and Flax's schemes against their source: centres, divisors, names and defaults.

Each rule is written here by hand from the peer's source, cited by file and
line (jax-ml/jax, google-deepmind/dm-haiku, google/flax); none of the peers is
imported. The closed forms are never read back from the library's metadata.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit import registry
from weightinit.distributions import Constant, Normal, TruncatedNormal, Uniform

# scipy.stats.truncnorm.std(a=-2, b=2): the standard deviation of N(0, 1) cut at ±2.
TRUNCATED_STD = 0.87962566103423978


def orthonormal(matrix: np.ndarray, scale: float) -> bool:
    """Whether ``matrix / scale`` has orthonormal rows (wide) or columns (tall)."""
    q = matrix / scale
    gram = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
    return bool(np.allclose(gram, np.eye(gram.shape[0]), atol=1e-12))


# --- JAX's delta_orthogonal ----------------------------------------------------------------
# jax/_src/nn/initializers.py:646 delta_orthogonal(scale=1.0, column_axis=-1): rank 3, 4 or 5
# (line 689), shape[-1] >= shape[-2] (line 692), the orthogonal of shape[-2:] with column_axis
# (lines 694-695) written at W.at[(k-1)//2, ...] of each spatial axis (lines 699, 702, 705).


def jax_centre(kernel: tuple[int, ...]) -> tuple[int, ...]:
    return tuple((k - 1) // 2 for k in kernel)


@pytest.mark.parametrize(
    "kernel", [(4,), (2,), (5,), (4, 4), (2, 3), (6, 1), (4, 2, 2), (3, 4, 5), (1, 1, 1)]
)
@pytest.mark.parametrize("scale", [1.0, -2.5])
def test_delta_orthogonal_centre_is_jaxs(kernel: tuple[int, ...], scale: float) -> None:
    n_in, n_out = 3, 5
    w = wi.delta_orthogonal((*kernel, n_in, n_out), scale=scale, rng=7)
    centre = jax_centre(kernel)
    assert orthonormal(w[centre], scale)
    outside = w.copy()
    outside[centre] = 0.0
    assert not outside.any()  # zeros everywhere else


def test_delta_orthogonal_even_kernel_takes_the_first_middle() -> None:
    # (4 - 1) // 2 = 1 and (2 - 1) // 2 = 0, where k // 2 would give 2 and 1.
    w = wi.delta_orthogonal((4, 2, 2, 2), rng=0)
    nonzero = {tuple(int(i) for i in idx[:2]) for idx in np.argwhere(w != 0)}
    assert nonzero == {(1, 0)}


def test_delta_orthogonal_torch_layout_even_kernel() -> None:
    # The same centre rule, on the spatial axes of PyTorch's (out, in, *kernel) layout.
    w = wi.delta_orthogonal((6, 2, 4, 2), layout="torch", rng=0)
    centre = w[:, :, 1, 0]
    assert orthonormal(centre.T, 1.0)
    assert np.count_nonzero(w) == np.count_nonzero(centre)


def test_dirac_keeps_pytorchs_centre() -> None:
    # torch/nn/init.py, dirac_: tensor[g * out_chans_per_grp + d, d, tensor.size(2) // 2,
    # tensor.size(3) // 2] = 1 — k // 2, not JAX's (k - 1) // 2.
    w = wi.dirac((2, 2, 4, 6), layout="torch")  # JAX's rule would give (1, 2)
    assert {tuple(int(i) for i in idx[2:]) for idx in np.argwhere(w != 0)} == {(2, 3)}
    k = wi.dirac((4, 4, 2, 2), layout="keras")  # (h, w, in, out)
    assert {tuple(int(i) for i in idx[:2]) for idx in np.argwhere(k != 0)} == {(2, 2)}


@pytest.mark.parametrize("column_axis", [-2, -1, 0, 1])
def test_delta_orthogonal_takes_jaxs_column_axis(column_axis: int) -> None:
    # jax/_src/nn/initializers.py:638-641: orthogonal of the (in, out) centre with
    # n_cols = shape[column_axis]; in <= out, so every axis gives orthonormal rows (Haar).
    shape = (3, 3, 4, 6)
    w = wi.delta_orthogonal(shape, column_axis=column_axis, scale=2.0, rng=3)
    assert orthonormal(w[1, 1], 2.0)
    law = wi.delta_orthogonal.variance(shape=shape, column_axis=column_axis, scale=2.0)
    assert math.isclose(law, 4.0 / (9 * 6), rel_tol=1e-15)
    # The law does not depend on column_axis, and here neither do the values.
    np.testing.assert_array_equal(w, wi.delta_orthogonal(shape, scale=2.0, rng=3))


@pytest.mark.parametrize(
    ("column_axis", "error", "pattern"),
    [
        (2, ValueError, r"column_axis must be an int <= 1; got column_axis=2"),
        (-3, ValueError, r"column_axis must be an int >= -2; got column_axis=-3"),
        (True, TypeError, r"column_axis must be an int; got column_axis=True"),
        (1.0, TypeError, r"column_axis must be an int; got column_axis=1\.0"),
    ],
)
def test_delta_orthogonal_column_axis_is_an_axis_of_the_centre(
    column_axis: Any, error: type[Exception], pattern: str
) -> None:
    # JAX indexes shape[-2:][column_axis] (line 638): only -2, -1, 0 and 1 mean anything.
    with pytest.raises(error, match=pattern):
        wi.delta_orthogonal((3, 3, 2, 2), column_axis=column_axis)


@pytest.mark.parametrize(
    ("shape", "pattern"),
    [
        ((3, 3), r"rank 3, 4 or 5"),  # line 689
        ((1, 1, 1, 1, 1, 1), r"rank 3, 4 or 5"),
        ((3, 3, 5, 4), r"no more input than output channels; got 5 inputs and 4 outputs"),  # 692
    ],
)
def test_delta_orthogonal_refuses_what_jax_refuses(shape: tuple[int, ...], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        wi.delta_orthogonal(shape)


# --- Haiku's UniformScaling -----------------------------------------------------------------
# haiku/_src/initializers.py:245 UniformScaling(scale=1.0); lines 254-256:
#   input_size = np.prod(shape[:-1]); max_val = np.sqrt(3 / input_size) * self.scale
#   return RandomUniform(-max_val, max_val)(shape, dtype)


def haiku_input_size(shape: tuple[int, ...]) -> int:
    return math.prod(shape[:-1])  # np.prod of an empty tuple is 1: ranks 0 and 1


@pytest.mark.parametrize(
    "shape", [(), (1,), (5,), (300,), (7, 3), (3, 7), (3, 3, 16, 8), (2, 3, 4, 5, 6)]
)
@pytest.mark.parametrize("scale", [1.0, 0.3, 4.0])
def test_uniform_scaling_is_haikus(shape: tuple[int, ...], scale: float) -> None:
    input_size = haiku_input_size(shape)
    limit = math.sqrt(3 / input_size) * scale  # Haiku's expression, in float64
    assert wi.uniform_scaling.distribution(shape=shape, scale=scale) == Uniform(-limit, limit)
    variance = wi.uniform_scaling.variance(shape=shape, scale=scale)
    assert math.isclose(variance, scale**2 / input_size, rel_tol=1e-14)
    assert wi.uniform_scaling.mean(shape=shape, scale=scale) == 0.0
    w = np.asarray(wi.uniform_scaling(shape, scale=scale, rng=1))
    assert w.shape == shape and bool(np.all(np.abs(w) <= limit))


def test_uniform_scaling_bias_bound_is_root_three() -> None:
    # A bias (n,): Haiku's shape[:-1] is empty, input_size 1, so U(±√3 · scale), not ±√(3/n).
    law = wi.get("haiku.UniformScaling", scale=2.0).distribution(shape=(64,))
    assert law.support == (-2.0 * math.sqrt(3.0), 2.0 * math.sqrt(3.0))
    assert math.isclose(law.variance, 4.0, rel_tol=1e-15)
    w = wi.uniform_scaling((100_000,), rng=0)
    # 100000 draws of U(±√3): P(all |x| < 1.7) = (1.7/√3)^100000 < 1e-300.
    assert float(np.abs(w).max()) > 1.7


def test_uniform_scaling_torch_layout_divides_by_every_axis_but_the_output() -> None:
    # Haiku has no layout; with layout="torch" the output axis is the first.
    law = wi.uniform_scaling.distribution(shape=(8, 4, 3, 3), layout="torch")
    limit = math.sqrt(3 / 36)
    assert law == Uniform(-limit, limit)


@pytest.mark.parametrize("shape", [(0, 5), (4, 0, 5), (0, 0)])
def test_uniform_scaling_refuses_a_zero_input_size(shape: tuple[int, ...]) -> None:
    # Haiku's sqrt(3 / 0) is infinite: no bound, no moments.
    with pytest.raises(ValueError, match=r"input_size.* which is 0 for shape="):
        wi.uniform_scaling.distribution(shape=shape)


@pytest.mark.parametrize(
    ("scale", "shape"), [(1e200, (4,)), (1e155, (3, 3)), (1e-200, (4,)), (1e-160, (10**6, 2))]
)
def test_uniform_scaling_refuses_a_bound_without_finite_moments(
    scale: float, shape: tuple[int, ...]
) -> None:
    with pytest.raises(
        ValueError, match=re.escape(f"scale={scale!r} gives the bound") + ".* not a positive"
    ):
        wi.uniform_scaling.distribution(shape=shape, scale=scale)


@pytest.mark.parametrize("scale", [0.0, -1.0, math.inf])
def test_uniform_scaling_scale_must_be_positive(scale: float) -> None:
    with pytest.raises(ValueError, match="scale must be"):
        wi.uniform_scaling((3, 3), scale=scale)


# --- Haiku's names ------------------------------------------------------------------------
# haiku/initializers.py:18-26 and __all__ (line 29): Constant, Identity, Orthogonal,
# RandomNormal, RandomUniform, TruncatedNormal, UniformScaling, VarianceScaling, Initializer.

HAIKU_SIGNATURES: dict[str, dict[str, Any]] = {
    "haiku.Constant": {"constant": None},  # line 64-66: no default
    "haiku.RandomNormal": {"stddev": 1.0, "mean": 0.0},  # line 81
    "haiku.TruncatedNormal": {"stddev": 1.0, "mean": 0.0, "lower": -2.0, "upper": 2.0},  # 100-105
    "haiku.RandomUniform": {"minval": 0.0, "maxval": 1.0},  # line 137
    "haiku.UniformScaling": {"scale": 1.0},  # line 245
    "haiku.Orthogonal": {"scale": 1.0, "axis": -1},  # line 262
    "haiku.Identity": {"gain": 1.0},  # line 308
}


@pytest.mark.parametrize(("name", "signature"), HAIKU_SIGNATURES.items())
def test_haiku_names_take_haikus_parameters_in_haikus_order(
    name: str, signature: dict[str, Any]
) -> None:
    init = wi.get(name)
    defaults = init.defaults()
    assert [(p.name, defaults.get(p.name)) for p in init.params] == list(signature.items())


def test_every_haiku_initializer_has_a_haiku_name() -> None:
    exported = {"Constant", "Identity", "Orthogonal", "RandomNormal", "RandomUniform"}
    exported |= {"TruncatedNormal", "UniformScaling", "VarianceScaling"}
    names = registry.names()
    assert {name[len("haiku.") :] for name in names if name.startswith("haiku.")} == exported
    # haiku.Initializer is a type (haiku/_src/typing.py), not an initializer.
    with pytest.raises(ValueError, match=r"unknown initializer name 'haiku\.Initializer'"):
        wi.get("haiku.Initializer")


@pytest.mark.parametrize(
    ("plain", "keras", "haiku"),
    [
        ("RandomNormal", "random_normal", "haiku_random_normal"),
        ("TruncatedNormal", "truncated_normal", "haiku_truncated_normal"),
        ("RandomUniform", "random_uniform", "haiku_random_uniform"),
        ("Constant", "constant", "haiku_constant"),
        ("Orthogonal", "orthogonal", "haiku_orthogonal"),
    ],
)
def test_plain_class_names_stay_keras(plain: str, keras: str, haiku: str) -> None:
    assert wi.get(plain) is wi.get(keras) is wi.get(f"keras.{plain}")
    assert wi.get(f"haiku.{plain}") is wi.get(haiku)


def test_haiku_random_normal() -> None:
    # haiku/_src/initializers.py:94: m + s * jax.random.normal(...)
    assert wi.haiku_random_normal.distribution(shape=(3,)) == Normal(0.0, 1.0)
    law = wi.get("haiku.RandomNormal", stddev=2.0, mean=-1.0).distribution(shape=(3,))
    assert law == Normal(-1.0, 2.0) and law.variance == 4.0 and law.mean == -1.0
    with pytest.raises(ValueError, match=r"stddev must be .*; got stddev=0\.0"):
        wi.haiku_random_normal((3,), stddev=0.0)


def test_haiku_truncated_normal_is_not_corrected() -> None:
    # haiku/_src/initializers.py:127-131: s * truncated_normal(lower, upper) + m, with stddev
    # "the standard deviation parameter of the untruncated normal" (line 109): no 0.8796 factor.
    assert wi.haiku_truncated_normal.distribution(shape=(3,)) == TruncatedNormal(
        0.0, 1.0, -2.0, 2.0
    )
    assert math.isclose(
        wi.haiku_truncated_normal.variance(shape=(3,)), TRUNCATED_STD**2, rel_tol=1e-14
    )
    law = wi.get("haiku.TruncatedNormal", stddev=2.0, mean=1.0, lower=-1.0, upper=3.0)
    truncated = law.distribution(shape=(3,))
    assert truncated == TruncatedNormal(1.0, 2.0, 1.0 - 2.0, 1.0 + 3.0 * 2.0)
    w = law((10_000,), rng=5)
    assert float(w.min()) >= -1.0 and float(w.max()) <= 7.0
    with pytest.raises(ValueError, match=r"lower must be < upper; got lower=1\.0, upper=1\.0"):
        wi.haiku_truncated_normal((3,), lower=1.0, upper=1.0)


def test_haiku_random_uniform() -> None:
    # haiku/_src/initializers.py:148: jax.random.uniform(key, shape, dtype, minval, maxval)
    assert wi.haiku_random_uniform.distribution(shape=(3,)) == Uniform(0.0, 1.0)
    law = wi.get("haiku.RandomUniform", minval=-3.0, maxval=1.0).distribution(shape=(3,))
    assert law == Uniform(-3.0, 1.0) and math.isclose(law.variance, 16.0 / 12.0)
    with pytest.raises(ValueError, match=r"minval must be < maxval; got minval=2\.0, maxval=1\.0"):
        wi.haiku_random_uniform((3,), minval=2.0, maxval=1.0)


def test_haiku_constant() -> None:
    # haiku/_src/initializers.py:75: jnp.broadcast_to(jnp.asarray(self.constant), shape)
    np.testing.assert_array_equal(
        wi.haiku_constant((2, 3), constant=[1.0, 2.0, 3.0]), [[1, 2, 3]] * 2
    )
    assert wi.get("haiku.Constant", constant=0.25).distribution(shape=(2,)) == Constant(0.25)
    with pytest.raises(TypeError, match="needs the parameter 'constant', which has no default"):
        wi.haiku_constant((2,))


@pytest.mark.parametrize(
    ("shape", "axis"),
    [((3, 8), -1), ((3, 8), 0), ((8, 3), 1), ((3, 4, 5), 0), ((3, 4, 5), 1), ((3, 4, 5), -1),
     ((2, 2, 3, 16), 2), ((4, 4), 0)],
)  # fmt: skip
def test_haiku_orthogonal_is_orthonormal_along_axis(shape: tuple[int, ...], axis: int) -> None:
    # haiku/_src/initializers.py:288-298: n_rows = shape[axis], the rest flattened in order;
    # Q of shape (n_rows, n_cols) or its transpose, reshaped to (n_rows, *others), moved to axis.
    w = wi.get("haiku.Orthogonal", axis=axis, scale=2.0)(shape, rng=2)
    matrix = np.moveaxis(w, axis, 0).reshape(shape[axis], -1)
    assert orthonormal(matrix, 2.0)
    n_rows, n_cols = shape[axis], math.prod(shape) // shape[axis]
    variance = wi.haiku_orthogonal.variance(shape=shape, axis=axis, scale=2.0)
    assert math.isclose(variance, 4.0 / max(n_rows, n_cols), rel_tol=1e-15)


def test_haiku_orthogonal_refuses_what_haiku_cannot_do() -> None:
    # line 286: at least 2-D; shape[self.axis] must be an axis.
    with pytest.raises(ValueError, match=r"haiku_orthogonal needs a shape of rank >= 2"):
        wi.haiku_orthogonal((5,))
    with pytest.raises(ValueError, match=r"axis must be an axis of shape=\(3, 4\); got axis=2"):
        wi.haiku_orthogonal((3, 4), axis=2)
    with pytest.raises(TypeError, match=r"axis must be an int; got axis=0\.5"):
        wi.haiku_orthogonal((3, 4), axis=0.5)


def test_haiku_identity_is_batched() -> None:
    # haiku/_src/initializers.py:321-325: gain * broadcast_to(eye(shape[-2], shape[-1]), shape).
    w = wi.get("haiku.Identity", gain=3.0)((2, 3, 4))
    np.testing.assert_array_equal(w, np.broadcast_to(3.0 * np.eye(3, 4), (2, 3, 4)))


# --- JAX's constant ------------------------------------------------------------------------


def test_jax_constant_has_no_default() -> None:
    # jax/_src/nn/initializers.py:96: def constant(value: ArrayLike, dtype=...): value required.
    assert wi.get("jax.constant") is wi.jax_constant
    with pytest.raises(TypeError, match="needs the parameter 'value', which has no default"):
        wi.jax_constant((2,))
    np.testing.assert_array_equal(wi.jax_constant((2, 2), value=[1.0, 2.0]), [[1, 2], [1, 2]])
    assert wi.get("constant") is wi.constant  # the plain name stays Keras'


# --- Flax ------------------------------------------------------------------------------------
# flax/linen/initializers.py:19-37 (and flax/nnx/nn/initializers.py:17-35) re-export these from
# jax.nn.initializers; lines 43 and 56 (nnx: 41 and 54) add zeros_init() -> zeros and
# ones_init() -> ones. Initializer (line 38) is a type, not an initializer.

FLAX_FROM_JAX = (
    "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones",
    "orthogonal", "truncated_normal", "uniform", "variance_scaling", "xavier_normal",
    "xavier_uniform", "zeros",
)  # fmt: skip


@pytest.mark.parametrize("name", FLAX_FROM_JAX)
def test_flax_names_are_jaxs(name: str) -> None:
    assert wi.get(f"flax.{name}") is wi.get(f"jax.{name}")


@pytest.mark.parametrize(("name", "target"), [("zeros_init", "zeros"), ("ones_init", "ones")])
def test_flax_zeros_init_and_ones_init(name: str, target: str) -> None:
    assert wi.get(name) is wi.get(f"flax.{name}") is wi.get(target)


def test_every_flax_name_is_a_jax_name_or_flaxs_own() -> None:
    names = registry.names()
    flax = {name[len("flax.") :] for name in names if name.startswith("flax.")}
    jax = {name[len("jax.") :] for name in names if name.startswith("jax.")}
    assert flax == jax | {"zeros_init", "ones_init"}
    assert set(FLAX_FROM_JAX) <= jax
    with pytest.raises(ValueError, match=r"unknown initializer name 'flax\.Initializer'"):
        wi.get("flax.Initializer")


def test_flax_takes_no_plain_name_from_another_library() -> None:
    # Flax ranks after Haiku: its plain names are JAX's, which already lose to Keras and PyTorch.
    names = registry.names()
    assert names["normal"] == "random_normal" and names["flax.normal"] == "jax_normal"
    assert (
        names["kaiming_normal"] == "kaiming_normal" and names["flax.kaiming_normal"] == "he_normal"
    )
    flax = [entry for entry in registry.declarations() if entry.origin == "Flax"]
    assert {entry.name for entry in flax} == set(FLAX_FROM_JAX) | {"zeros_init", "ones_init"}
