"""LSUV (Mishkin & Matas 2016) on NumPy models: a deep tanh MLP and a small CNN (docs/models.md)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import weightinit as wi
from weightinit.unit_variance import LSUVLayer, lsuv

DEPTH, WIDTH = 10, 64


def mlp(bias: Any = "zeros", seed: int = 0) -> dict[str, Any]:
    tree = {"layers": [{"w": (WIDTH, WIDTH), "b": (WIDTH,)} for _ in range(DEPTH)]}
    return wi.init_params(tree, {"*.w": "glorot_uniform", "*.b": bias}, rng=seed)


def mlp_forward(params: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
    """Each layer's pre-activation ``h @ w + b``, keyed by its weight's path."""
    outputs, h = {}, x
    for index, layer in enumerate(params["layers"]):
        z = h @ layer["w"] + layer["b"]
        outputs[f"layers.{index}.w"] = z
        h = np.tanh(z)
    return outputs


def mlp_variances(params: dict[str, Any], x: np.ndarray) -> list[float]:
    """The pre-activations' variances, recomputed from the arrays alone."""
    variances, h = [], x
    for layer in params["layers"]:
        z = h @ layer["w"] + layer["b"]
        variances.append(float(np.var(z)))
        h = np.tanh(z)
    return variances


def batch(shape: tuple[int, ...], std: float = 3.0, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) * std


X = batch((512, WIDTH))
PATHS = [f"layers.{i}.w" for i in range(DEPTH)]


def conv(x: np.ndarray, kernel: np.ndarray, layout: str) -> np.ndarray:
    """A 'valid' 2-D convolution of NHWC ``x``, the kernel HWIO (Keras) or OIHW (PyTorch)."""
    kh, kw = kernel.shape[:2] if layout == "keras" else kernel.shape[2:]
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))  # (n, h, w, c, kh, kw)
    spec = "nhwcij,ijco->nhwo" if layout == "keras" else "nhwcij,ocij->nhwo"
    return np.einsum(spec, windows, kernel)


def cnn(layout: str, seed: int = 0) -> dict[str, Any]:
    keras = {"conv1": (3, 3, 3, 8), "conv2": (3, 3, 8, 16), "fc": (16, 10)}
    torch = {"conv1": (8, 3, 3, 3), "conv2": (16, 8, 3, 3), "fc": (10, 16)}
    shapes = keras if layout == "keras" else torch
    tree = {
        name: {"w": shape, "b": (shape[-1] if layout == "keras" else shape[0],)}
        for name, shape in shapes.items()
    }
    rules = {"*.w": "he_normal", "*.b": wi.random_normal.partial(stddev=0.1)}
    return wi.init_params(tree, rules, rng=seed)


def cnn_forward(layout: str) -> Any:
    def forward(params: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        z1 = conv(x, params["conv1"]["w"], layout) + params["conv1"]["b"]
        z2 = conv(np.maximum(z1, 0), params["conv2"]["w"], layout) + params["conv2"]["b"]
        pooled = np.maximum(z2, 0).mean(axis=(1, 2))
        fc = params["fc"]["w"] if layout == "keras" else params["fc"]["w"].T
        return {"conv1.w": z1, "conv2.w": z2, "fc.w": pooled @ fc + params["fc"]["b"]}

    return forward


IMAGES = batch((64, 10, 10, 3), std=1.0, seed=2)


def weight(params: dict[str, Any], path: str) -> np.ndarray:
    found: np.ndarray = dict(wi.models.leaves(params))[path]
    return found


# --- the guarantee: every layer's output variance within tol of 1 on the batch ----------


def test_a_10_layer_tanh_mlp_without_biases_reaches_unit_variance_in_one_pass_per_layer() -> None:
    params = mlp()
    report = lsuv(params, mlp_forward, X, rng=0)
    assert list(report) == PATHS
    variances = mlp_variances(params, X)
    # Without biases a layer's output is linear in its weight: one pass gives v = 1 up to rounding.
    assert all(abs(v - 1.0) < 1e-12 for v in variances), variances
    for path, v in zip(PATHS, variances, strict=True):
        r = report[path]
        assert r.iterations == 1 and r.converged and r.variance == v
        assert abs(r.initial_variance - 1.0) >= 0.1  # the first pass was needed
        assert math.isclose(r.scale, 1 / math.sqrt(r.initial_variance), rel_tol=1e-15)


@pytest.mark.parametrize("tol", [0.1, 0.01])
def test_a_10_layer_tanh_mlp_with_biases_converges_within_tol_and_keeps_its_biases(
    tol: float,
) -> None:
    params = mlp(bias=wi.random_normal.partial(stddev=0.3))
    biases = [layer["b"].copy() for layer in params["layers"]]
    report = lsuv(params, mlp_forward, X, tol=tol, rng=0)
    variances = mlp_variances(params, X)
    assert all(abs(v - 1.0) < tol for v in variances), variances
    assert [r.variance for r in report.values()] == variances
    assert all(r.converged for r in report.values())
    assert any(r.iterations > 1 for r in report.values())  # a bias takes more than one pass
    for layer, before in zip(params["layers"], biases, strict=True):
        np.testing.assert_array_equal(layer["b"], before)  # the paper leaves biases alone


@pytest.mark.parametrize("layout", ["keras", "torch"])
def test_a_small_relu_cnn_converges_within_tol_with_orthonormal_filters(layout: str) -> None:
    params = cnn(layout)
    forward = cnn_forward(layout)
    scheme = wi.orthogonal if layout == "keras" else wi.orthogonal.partial(layout="torch")
    report = lsuv(params, forward, IMAGES, orthonormal=scheme, rng=11)
    outputs = forward(params, IMAGES)
    assert list(report) == list(outputs) == ["conv1.w", "conv2.w", "fc.w"]
    for path, out in outputs.items():
        assert abs(np.var(out) - 1.0) < 0.1 and report[path].converged
        w, scale = weight(params, path), report[path].scale
        q = scheme(w.shape, rng=wi.param_seed(11, path))
        np.testing.assert_array_equal(w, q * scale)  # the orthonormal matrix, rescaled
        # Each filter (a column in HWIO, a row in OIHW) is a unit vector, orthogonal to the others.
        filters = (
            (w / scale).reshape(-1, w.shape[-1]).T
            if layout == "keras"
            else (w / scale).reshape(w.shape[0], -1)
        )
        np.testing.assert_allclose(filters @ filters.T, np.eye(len(filters)), atol=1e-12)


def test_the_keras_and_torch_layouts_give_the_same_network() -> None:
    """Keras' HWIO kernels with the default scheme and OIHW ones with layout='torch' agree."""
    keras, torch = cnn("keras"), cnn("torch")
    lsuv(keras, cnn_forward("keras"), IMAGES, rng=3)
    lsuv(torch, cnn_forward("torch"), IMAGES, orthonormal="torch_orthogonal", rng=3)
    for name in ("conv1", "conv2"):
        k, t = keras[name]["w"], torch[name]["w"]
        for w in (k, t):  # each filter has norm scale: the Gram matrix of filters is scale^2 I
            filters = w.reshape(-1, w.shape[-1]).T if w is k else w.reshape(w.shape[0], -1)
            gram = filters @ filters.T
            np.testing.assert_allclose(gram, gram[0, 0] * np.eye(len(gram)), atol=1e-12)


# --- determinism, per-path seeds, in place ------------------------------------------------


def test_the_same_rng_gives_bit_identical_weights_and_reports() -> None:
    first, second = (
        mlp(bias=wi.random_normal.partial(stddev=0.3)),
        mlp(bias=wi.random_normal.partial(stddev=0.3)),
    )
    r1 = lsuv(first, mlp_forward, X, rng=42)
    r2 = lsuv(second, mlp_forward, X, rng=42)
    assert r1 == r2
    for (p1, a), (p2, b) in zip(wi.models.leaves(first), wi.models.leaves(second), strict=True):
        assert p1 == p2 and a.tobytes() == b.tobytes()
    third = mlp(bias=wi.random_normal.partial(stddev=0.3))
    lsuv(third, mlp_forward, X, rng=43)
    assert not np.array_equal(third["layers"][0]["w"], first["layers"][0]["w"])


def test_each_orthonormal_matrix_is_the_scheme_drawn_from_its_path_seed() -> None:
    params = mlp(bias=wi.random_normal.partial(stddev=0.3))
    report = lsuv(params, mlp_forward, X, rng=5)
    for path in PATHS:
        q = wi.orthogonal((WIDTH, WIDTH), rng=wi.param_seed(5, path))
        np.testing.assert_array_equal(weight(params, path), q * report[path].scale)
        np.testing.assert_allclose(q.T @ q, np.eye(WIDTH), atol=1e-12)


def test_a_generator_gives_one_root_so_the_seeds_do_not_depend_on_the_order() -> None:
    params = mlp()
    report = lsuv(params, mlp_forward, X, rng=np.random.default_rng(8))
    for path in PATHS:  # a fresh generator gives the same root, drawn once
        q = wi.orthogonal((WIDTH, WIDTH), rng=wi.param_seed(np.random.default_rng(8), path))
        np.testing.assert_array_equal(weight(params, path), q * report[path].scale)


def test_paths_are_taken_in_forwards_order_whatever_their_order() -> None:
    given, reversed_ = mlp(), mlp()
    r1 = lsuv(given, mlp_forward, X, rng=2)
    r2 = lsuv(reversed_, mlp_forward, X, paths=PATHS[::-1], rng=2)
    assert list(r2) == PATHS and r1 == r2


def test_only_the_listed_weights_change() -> None:
    params = mlp()
    before = {path: leaf.copy() for path, leaf in wi.models.leaves(params)}
    report = lsuv(params, mlp_forward, X, paths=["layers.3.w", "layers.0.w"], rng=2)
    assert list(report) == ["layers.0.w", "layers.3.w"]
    for path, leaf in wi.models.leaves(params):
        assert np.array_equal(leaf, before[path]) == (path not in report), path
    q = wi.orthogonal((WIDTH, WIDTH), rng=wi.param_seed(2, "layers.3.w"))
    np.testing.assert_array_equal(params["layers"][3]["w"], q * report["layers.3.w"].scale)


def test_the_weights_change_in_place() -> None:
    params = mlp()
    arrays = [leaf for _, leaf in wi.models.leaves(params)]
    layers = params["layers"]
    lsuv(params, mlp_forward, X, rng=0)
    assert params["layers"] is layers
    assert all(a is b for a, (_, b) in zip(arrays, wi.models.leaves(params), strict=True))


def test_without_orthonormal_the_weights_as_given_are_rescaled() -> None:
    params = mlp(seed=4)
    given = {path: weight(params, path).copy() for path in PATHS}
    report = lsuv(params, mlp_forward, X, orthonormal=False)
    for path in PATHS:
        np.testing.assert_array_equal(weight(params, path), given[path] * report[path].scale)
    assert all(abs(v - 1.0) < 1e-12 for v in mlp_variances(params, X))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_low_precision_weights_are_rescaled_in_their_dtype(dtype: str) -> None:
    tree = {"layers": [{"w": (WIDTH, WIDTH), "b": (WIDTH,)} for _ in range(3)]}
    params = wi.init_params(tree, {"*.w": "he_normal", "*.b": "zeros"}, rng=0, dtype=dtype)
    x = X.astype(dtype)
    report = lsuv(params, mlp_forward, x, rng=6)
    for index, layer in enumerate(params["layers"]):
        path = f"layers.{index}.w"
        assert layer["w"].dtype == np.dtype(dtype)
        q = wi.orthogonal((WIDTH, WIDTH), rng=wi.param_seed(6, path), dtype=dtype)
        expected = (q.astype(np.float64) * report[path].scale).astype(dtype)  # rounded once
        np.testing.assert_array_equal(layer["w"], expected)
        assert report[path].converged


def test_an_output_missing_from_a_later_call_is_an_error_and_restores_every_weight() -> None:
    params = mlp()
    before = {path: leaf.copy() for path, leaf in wi.models.leaves(params)}
    calls = []

    def forward(p: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        calls.append(1)
        outputs = mlp_forward(p, x)
        if len(calls) > 3:
            del outputs["layers.2.w"]
        return outputs

    with pytest.raises(
        ValueError, match=r"must return an output for every weight .* 'layers\.2\.w'"
    ):
        lsuv(params, forward, X, rng=0)
    for path, leaf in wi.models.leaves(params):
        np.testing.assert_array_equal(leaf, before[path])


def test_a_layer_already_within_tol_takes_no_pass() -> None:
    params = {"w": np.zeros((WIDTH, WIDTH))}
    x = batch((512, WIDTH), std=1.0)  # an orthogonal map keeps the sum of squares of each row
    report = lsuv(params, lambda p, x: {"w": x @ p["w"]}, x, rng=0)
    r = report["w"]
    assert r.iterations == 0 and r.scale == 1.0 and r.converged
    assert r.variance == r.initial_variance and abs(r.variance - 1.0) < 0.1
    np.testing.assert_array_equal(
        params["w"], wi.orthogonal((WIDTH, WIDTH), rng=wi.param_seed(0, "w"))
    )


def test_a_layer_that_cannot_converge_is_reported_after_max_iter_passes() -> None:
    offset = batch((512, WIDTH), std=2.0, seed=9)  # variance about 4 whatever the weight

    def forward(p: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        return {"w": x @ p["w"] + offset}

    params = {"w": np.zeros((WIDTH, WIDTH))}
    report = lsuv(params, forward, X, max_iter=3, rng=0)
    r = report["w"]
    assert isinstance(r, LSUVLayer)
    assert r.iterations == 3 and not r.converged and r.variance > 3.0
    assert r.variance == float(np.var(forward(params, X)["w"]))


# --- errors: clear, and before anything changes -----------------------------------------


def _forward_returning(value: Any) -> Any:
    return lambda params, x: value


BAD_CALLS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"tol": 0.0}, ValueError, r"tol must be > 0; got tol=0\.0"),
    ({"tol": -0.1}, ValueError, r"tol must be > 0"),
    ({"tol": float("nan")}, ValueError, r"tol must be a number, not NaN"),
    ({"tol": "0.1"}, TypeError, r"tol must be a real number"),
    ({"max_iter": 0}, ValueError, r"max_iter must be an int >= 1; got max_iter=0"),
    ({"max_iter": 2.0}, TypeError, r"max_iter must be an int"),
    ({"max_iter": True}, TypeError, r"max_iter must be an int"),
    ({"orthonormal": 3}, TypeError, r"orthonormal must be True, False or an orthogonal"),
    (
        {"orthonormal": "glorot_uniform"},
        ValueError,
        r"orthonormal must be an orthogonal initializer of gain 1; .* 'layers\.0\.w'",
    ),
    ({"orthonormal": wi.orthogonal.partial(gain=2.0)}, ValueError, r"gain 1.*gain=2\.0"),
    ({"rng": "seed"}, TypeError, r"rng must be None, an int"),
    ({"rng": -1}, ValueError, r"rng must be a non-negative int seed"),
    ({"paths": "layers.0.w"}, TypeError, r"paths must be None or a sequence of str paths"),
    ({"paths": [0]}, TypeError, r"paths must contain strs; got paths\[0\]=0"),
    (
        {"paths": ["layers.0.W"]},
        ValueError,
        r"paths\[0\]='layers\.0\.W', which is not a path of params; did you mean 'layers\.0\.w'",
    ),
    (
        {"paths": ["layers.1.w", "layers.1.w"]},
        ValueError,
        r"each weight once; got 'layers\.1\.w' twice",
    ),
    ({"paths": []}, ValueError, r"paths must name at least one weight"),
    (
        {"paths": ["layers.0.b"]},
        ValueError,
        r"an output for every path in paths; got none for 'layers\.0\.b'",
    ),
    ({"forward": None}, TypeError, r"forward must be callable; got forward=None"),
    (
        {"forward": _forward_returning([1.0])},
        TypeError,
        r"must return a mapping .* got forward\(params, batch\)=\[1\.0\] \(type=list\)",
    ),
    (
        {"forward": _forward_returning({"layers.0.x": X})},
        ValueError,
        r"the key 'layers\.0\.x', which is not a path of params",
    ),
    (
        {"forward": _forward_returning({"layers.0.w": np.array([])})},
        ValueError,
        r"non-empty real array .* 'layers\.0\.w'",
    ),
    ({"forward": _forward_returning({"layers.0.w": X + 1j})}, ValueError, r"dtype complex128"),
    (
        {"forward": _forward_returning({"layers.0.b": X})},
        ValueError,
        r"orthogonal needs a shape of rank >= 2",
    ),
    (
        {"forward": _forward_returning({"layers.0.w": np.ones((4, 4))})},
        ValueError,
        r"the layer 'layers\.0\.w': its output's variance on the batch is 0\.0",
    ),
    (
        {"forward": _forward_returning({"layers.0.w": np.full(3, np.inf)})},
        ValueError,
        r"the layer 'layers\.0\.w': its output's variance on the batch is nan",
    ),
]


@pytest.mark.parametrize(("options", "error", "message"), BAD_CALLS)
def test_bad_arguments_are_refused_with_the_parameters_name_and_nothing_changes(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    params = mlp()
    before = {path: leaf.copy() for path, leaf in wi.models.leaves(params)}
    arguments = {"forward": mlp_forward, **options}
    forward = arguments.pop("forward")
    with pytest.raises(error, match=message):
        lsuv(params, forward, X, **arguments)
    for path, leaf in wi.models.leaves(params):
        np.testing.assert_array_equal(leaf, before[path])


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (
            np.zeros((4, 4), dtype=np.int64),
            TypeError,
            r"float16, float32 or float64 array; got dtype='<i8'",
        ),
        (np.zeros((4, 4), dtype=">f8"), TypeError, r"got dtype='>f8'"),
        ((4, 4), TypeError, r"must be a numpy array .* got w=\(4, 4\) \(type=tuple\)"),
        (
            np.zeros((0, 4)),
            ValueError,
            r"writeable, non-empty array .* an empty array of shape \(0, 4\)",
        ),
    ],
)
def test_a_weight_that_cannot_be_rescaled_in_place_is_refused(
    value: Any, error: type[Exception], message: str
) -> None:
    params = {"w": value}
    with pytest.raises(error, match=r"the weight 'w' .*" + message):
        lsuv(params, lambda p, x: {"w": np.ones(3)}, None)


def test_a_read_only_weight_is_refused() -> None:
    w = np.eye(4)
    w.flags.writeable = False
    with pytest.raises(
        ValueError,
        match=r"the weight 'w' must be a writeable, non-empty array .* a read-only array",
    ):
        lsuv({"w": w}, lambda p, x: {"w": x @ p["w"]}, np.eye(4))


def test_weights_that_share_memory_are_refused() -> None:
    w = np.eye(4)
    params = {"a": w, "b": w[:2]}
    with pytest.raises(ValueError, match=r"the weights 'a' and 'b' share memory"):
        lsuv(params, lambda p, x: {"a": x @ p["a"], "b": x @ p["b"].T}, np.eye(4))
    np.testing.assert_array_equal(w, np.eye(4))


def test_a_dead_layer_found_after_the_changes_began_restores_every_weight() -> None:
    params = mlp()
    before = {path: leaf.copy() for path, leaf in wi.models.leaves(params)}

    def forward(p: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        outputs = mlp_forward(p, x)
        outputs["layers.4.w"] = np.zeros_like(outputs["layers.4.w"])  # a dead layer
        return outputs

    with pytest.raises(
        ValueError, match=r"the layer 'layers\.4\.w': its output's variance on the batch is 0\.0"
    ):
        lsuv(params, forward, X, rng=0)
    for path, leaf in wi.models.leaves(params):
        np.testing.assert_array_equal(leaf, before[path])


def test_an_error_in_forward_midway_restores_every_weight() -> None:
    params = mlp()
    before = {path: leaf.copy() for path, leaf in wi.models.leaves(params)}
    calls = []

    def forward(p: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("out of memory")
        return mlp_forward(p, x)

    with pytest.raises(RuntimeError, match="out of memory"):
        lsuv(params, forward, X, rng=0)
    for path, leaf in wi.models.leaves(params):
        np.testing.assert_array_equal(leaf, before[path])


def test_forward_is_called_to_check_then_after_the_draw_then_once_per_pass() -> None:
    params = mlp()
    calls = []

    def forward(p: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
        calls.append(1)
        return mlp_forward(p, x)

    report = lsuv(params, forward, X, rng=0)
    assert len(calls) == 2 + sum(r.iterations for r in report.values()) == 2 + DEPTH
    calls.clear()
    report = lsuv(params, forward, X, orthonormal=False)  # the checking call is the first
    assert len(calls) == 1 + sum(r.iterations for r in report.values())
