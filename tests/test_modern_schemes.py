"""ZerO, sinusoidal, spectral and Martens' sparse: values against their papers' formulas.

Sources: Zhao, Schäfer & Anandkumar (2022), ZerO, TMLR, Algorithms 1 and 2
(and the authors' jiaweizzhao/ZerO-initialization ``example_mnist.ipynb``,
``ZerO_Init_on_matrix``, whose constant is 2**(-m/2), the paper's divided by
√2); Fernández-Hernández et al. (2025), Sinusoidal Initialization, NeurIPS
(the authors' jmiravet/Sinusoidal-Initialization ``initialize.py``,
``sinusoidal_``); Yang, Simon & Bernstein (2023), the spectral condition;
Martens (2010), §5. tools/compare_modern.py runs the authors' code itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import weightinit as wi
from weightinit import registry
from weightinit.testing import assert_initializer

R = 2.0**-0.5  # c = 2**(-(m - 1) / 2) for m = 2


def _sylvester(order: int) -> np.ndarray:
    """Sylvester's Hadamard matrix of ``order`` (a power of 2), by Kronecker products."""
    matrix = np.ones((1, 1))
    while matrix.shape[0] < order:
        matrix = np.kron(np.array([[1.0, 1.0], [1.0, -1.0]]), matrix)
    return matrix


# --- zero_hadamard ---------------------------------------------------------------


def test_zero_square_is_the_identity() -> None:
    assert np.array_equal(wi.zero_hadamard((4, 4)), np.eye(4))
    assert np.array_equal(wi.zero_hadamard((4, 4), layout="torch"), np.eye(4))


def test_zero_fewer_outputs_is_the_partial_identity_in_either_layout() -> None:
    # (out, in) = (2, 4): output i passes input i, inputs 2 and 3 are dropped.
    torch_w = wi.zero_hadamard((2, 4), layout="torch")
    assert np.array_equal(torch_w, np.eye(2, 4))
    keras_w = wi.zero_hadamard((4, 2))  # Keras (in, out) of the same layer
    assert np.array_equal(keras_w, np.eye(2, 4).T)


def test_zero_more_outputs_is_the_scaled_hadamard_block() -> None:
    # (out, in) = (4, 2): m = ceil(log2 4) = 2, c = 2**(-1/2), W = c * H_2[:4, :2].
    expected = R * np.array([[1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    assert np.array_equal(wi.zero_hadamard((4, 2), layout="torch"), expected)
    assert np.array_equal(wi.zero_hadamard((2, 4)), expected.T)  # Keras (in, out)


@pytest.mark.parametrize(("n_out", "n_in"), [(3, 2), (5, 3), (16, 7), (17, 16), (100, 30)])
def test_zero_expanding_matches_the_algorithm(n_out: int, n_in: int) -> None:
    m = math.ceil(math.log2(n_out))
    expected = 2.0 ** (-(m - 1) / 2) * _sylvester(2**m)[:n_out, :n_in]
    assert np.array_equal(wi.zero_hadamard((n_out, n_in), layout="torch"), expected)


def test_zero_expanding_singular_values_are_root_two() -> None:
    # c * H_m has orthogonal columns of norm sqrt(2^m) * 2^(-(m-1)/2) = sqrt(2).
    w = wi.zero_hadamard((16, 64))  # Keras (in=16, out=64), m = 6
    assert np.allclose(np.linalg.svd(w, compute_uv=False), math.sqrt(2.0), rtol=0, atol=1e-12)


def test_zero_convolution_sits_at_the_kernel_centre() -> None:
    k = wi.zero_hadamard((3, 5, 2, 4))  # Keras (h, w, in, out); out > in
    expected = np.zeros((3, 5, 2, 4))
    expected[1, 2] = R * _sylvester(4)[:4, :2].T
    assert np.array_equal(k, expected)
    t = wi.zero_hadamard((4, 2, 3, 3), layout="torch")  # (out, in, h, w)
    assert np.array_equal(t[:, :, 1, 1], R * _sylvester(4)[:, :2])
    assert np.count_nonzero(t) == np.count_nonzero(t[:, :, 1, 1])


def test_zero_declared_moments_are_the_entries() -> None:
    law = wi.zero_hadamard.distribution(shape=(4, 2), layout="torch")
    assert not wi.zero_hadamard.random and law.kind == "constant"
    # entries: c * (1, 1, 1, -1, 1, 1, 1, -1): mean c/2, E W^2 = c^2 = 1/2.
    assert law.mean == pytest.approx(R / 2, rel=1e-15)
    assert law.variance == pytest.approx(0.5 - R**2 / 4, rel=1e-15)
    assert law.support == pytest.approx((-R, R), rel=1e-15)
    partial = wi.zero_hadamard.distribution(shape=(6, 3))  # Keras (in=6, out=3): eye(3, 6)
    assert (partial.mean, partial.support) == (pytest.approx(3 / 18, rel=1e-15), (0.0, 1.0))


def test_zero_identity_is_exact_in_integer_dtypes() -> None:
    assert wi.zero_hadamard((3, 3), dtype="int32").dtype == np.int32
    with pytest.raises(ValueError, match="int32"):
        wi.zero_hadamard((2, 4), dtype="int32")  # c = 2**(-1/2)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((4,), "rank 2, 3, 4 or 5"),
        ((2, 2, 2, 2, 2, 2), "rank 2, 3, 4 or 5"),
        ((2, 2, 3, 4), "odd spatial sizes.*got spatial size 2"),
    ],
)
def test_zero_bad_shapes(shape: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wi.zero_hadamard(shape)


def test_zero_is_reachable_by_its_names() -> None:
    assert wi.get("ZerO") is wi.get("zero_hadamard")
    assert registry.names()["ZerO"] == "zero_hadamard"


# --- sinusoidal --------------------------------------------------------------------


def _sinusoidal_reference(n_out: int, n_in: int, target: float) -> np.ndarray:
    """W_ij = a sin(k_i x_j + phi_i), k_i = i, x_j = 2 pi j / n_in, phi_i = 2 pi i / n_out."""
    w = np.empty((n_out, n_in))
    for i in range(1, n_out + 1):
        for j in range(n_in):
            w[i - 1, j] = math.sin(i * (2 * math.pi * j / n_in + 2 * math.pi / n_out))
    return w * math.sqrt(target / w.var(ddof=1))


@pytest.mark.parametrize(("n_out", "n_in"), [(4, 3), (7, 5), (16, 9)])
def test_sinusoidal_matches_the_formula(n_out: int, n_in: int) -> None:
    expected = _sinusoidal_reference(n_out, n_in, 2.0 / (n_out + n_in))
    got = wi.sinusoidal((n_out, n_in), layout="torch")
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
    assert np.allclose(wi.sinusoidal((n_in, n_out)), expected.T, rtol=0, atol=1e-12)


def test_sinusoidal_scale_and_mode() -> None:
    got = wi.sinusoidal((6, 4), layout="torch", scale=2.0, mode="fan_in")
    assert np.allclose(got, _sinusoidal_reference(6, 4, 2.0 / 4), rtol=0, atol=1e-12)
    assert float(got.var(ddof=1)) == pytest.approx(0.5, rel=1e-12)


def test_sinusoidal_kernel_flattens_input_and_kernel_in_torch_order() -> None:
    torch_k = wi.sinusoidal((5, 2, 3, 3), layout="torch")  # a (5, 18) matrix: 2 / (18 + 5)
    flat = _sinusoidal_reference(5, 18, 2.0 / (18 + 5))
    assert np.allclose(torch_k.reshape(5, 18), flat, rtol=0, atol=1e-12)
    keras_k = wi.sinusoidal((3, 3, 2, 5))
    assert np.array_equal(keras_k, torch_k.transpose(2, 3, 1, 0))


def test_sinusoidal_declared_moments_are_the_entries() -> None:
    law = wi.sinusoidal.distribution(shape=(7, 5), layout="torch")
    n = 35
    assert law.variance == pytest.approx(2.0 / 12 * (n - 1) / n, rel=1e-12)
    values = wi.sinusoidal((7, 5), layout="torch")
    assert law.mean == float(values.mean())
    assert law.support == (float(values.min()), float(values.max()))


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (2, 1)])
def test_sinusoidal_refuses_a_flat_pattern(shape: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="zero up to rounding"):
        wi.sinusoidal(shape)


def test_sinusoidal_bad_parameters() -> None:
    with pytest.raises(ValueError, match="scale"):
        wi.sinusoidal((4, 4), scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        wi.sinusoidal((4, 4), mode="fan_sum")
    with pytest.raises(ValueError, match="rank 2, 3, 4 or 5"):
        wi.sinusoidal((4,))


# --- spectral ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "layout", "scale", "d_in", "d_out"),
    [
        ((64, 256), "keras", 1.0, 64, 256),
        ((256, 64), "keras", 0.5, 256, 64),
        ((40, 90), "torch", 2.0, 90, 40),
        ((3, 3, 8, 16), "keras", 1.0, 72, 16),
    ],
)
def test_spectral_singular_values_are_all_equal(
    shape: tuple[int, ...], layout: str, scale: float, d_in: int, d_out: int
) -> None:
    w = wi.spectral(shape, layout=layout, scale=scale, rng=wi.param_seed(3, "w"))
    matrix = w.reshape(-1, shape[-1]) if layout == "keras" else w.reshape(shape[0], -1).T
    sigma = np.linalg.svd(matrix, compute_uv=False)
    assert np.max(np.abs(sigma - scale * math.sqrt(d_out / d_in))) < 1e-12
    law = wi.spectral.distribution(shape=shape, layout=layout, scale=scale)
    assert law.kind == "orthogonal" and law.mean == 0.0
    assert law.variance == pytest.approx(scale**2 * (d_out / d_in) / max(d_in, d_out), rel=1e-15)


def test_spectral_is_orthogonal_with_that_gain() -> None:
    seed = wi.param_seed(11, "layer/w")
    gain = 0.5 * math.sqrt(48 / 64)
    assert np.array_equal(
        wi.spectral((64, 48), scale=0.5, rng=seed), wi.orthogonal((64, 48), gain=gain, rng=seed)
    )


# --- martens_sparse ----------------------------------------------------------------


@pytest.mark.parametrize(("shape", "layout"), [((100, 20), "keras"), ((20, 100), "torch")])
def test_martens_exactly_k_incoming_per_unit(shape: tuple[int, int], layout: str) -> None:
    w = wi.martens_sparse(shape, layout=layout, k=15, rng=wi.param_seed(0, "w"))
    incoming_axis = 0 if layout == "keras" else 1
    assert set(np.count_nonzero(w, axis=incoming_axis).tolist()) == {15}


def test_martens_declared_law() -> None:
    law = wi.martens_sparse.distribution(shape=(100, 20), k=15, scale=0.5)
    assert law.kind == "sparse" and law.mean == 0.0
    assert law.variance == pytest.approx(0.25 * 15 / 100, rel=1e-15)


def test_martens_nonzeros_are_normal_by_the_kit() -> None:
    assert_initializer(wi.martens_sparse, (400, 300), rng=20261202, k=40, scale=2.0)
    assert_initializer(wi.martens_sparse, (300, 400), rng=20261203, layout="torch")


def test_martens_differs_from_torch_sparse() -> None:
    # sparse counts zeros per input (column of (out, in)); martens nonzeros per output.
    w = wi.martens_sparse((50, 30), k=5, layout="torch", rng=1)
    assert set(np.count_nonzero(w, axis=1).tolist()) == {5}
    assert len(set(np.count_nonzero(w, axis=0).tolist())) > 1


def test_martens_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"k=16 with fan_in=15 for shape=\(15, 4\)"):
        wi.martens_sparse((15, 4), k=16)
    with pytest.raises(ValueError, match="k"):
        wi.martens_sparse((15, 4), k=0)
    with pytest.raises(ValueError, match="scale"):
        wi.martens_sparse((15, 4), scale=-1.0)
    with pytest.raises(ValueError, match="rank 2"):
        wi.martens_sparse((3, 3, 15, 4))


# --- every one of the four ----------------------------------------------------------


@pytest.mark.parametrize("name", ["zero_hadamard", "sinusoidal", "spectral", "martens_sparse"])
def test_registered_and_listed(name: str) -> None:
    assert name in wi.available()
    assert wi.get(name).layout == "keras"
    assert name in wi.__all__


@pytest.mark.parametrize("name", ["zero_hadamard", "sinusoidal", "spectral", "martens_sparse"])
@pytest.mark.parametrize("shape", [(0, 0), (0, 20), (20, 0)])
def test_an_empty_shape_gives_the_empty_array(name: str, shape: tuple[int, int]) -> None:
    assert wi.get(name)(shape, rng=0).shape == shape


def test_sinusoidal_default_is_the_paper_versions_scale_for_kernels() -> None:
    # jmiravet/Sinusoidal-Initialization, initialize.py at 9b601fb ("Update for NeurIPS share"):
    # n_out, n_in = shape[0], shape[1] * prod(shape[2:]) (line 49) and
    # amplitude = sqrt(2 / (var * (n_in + n_out))) (line 65): n_out is the output channels alone.
    w = wi.sinusoidal((16, 3, 3, 3), layout="torch")
    assert float(np.var(w, ddof=1)) == pytest.approx(2.0 / (27 + 16), rel=1e-12)
    keras = wi.sinusoidal((3, 3, 3, 16))  # the same values in (…kernel…, in, out)
    np.testing.assert_array_equal(keras, np.transpose(w, (2, 3, 1, 0)))
    fan_out = wi.sinusoidal((16, 3, 3, 3), layout="torch", scale=2.0, mode="fan_out")
    assert float(np.var(fan_out, ddof=1)) == pytest.approx(2.0 / (16 * 9), rel=1e-12)  # PyTorch's
    with pytest.raises(ValueError, match="mode"):
        wi.sinusoidal((4, 4), mode="fan_geo_avg")
