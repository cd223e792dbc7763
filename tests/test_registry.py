"""Names, configs and serialization: weightinit.registry."""

from __future__ import annotations

import builtins
import functools
import importlib
import json
import math
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from cases import REQUIRED_PARAMS, call_options
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import registry
from weightinit._names import keras_snake_case
from weightinit.distributions import Normal, TruncatedNormal, Uniform
from weightinit.initializers import TRUNCATED_NORMAL_STD

KERAS = "keras.initializers"

# Parameters without defaults, and shapes for schemes that need a particular one.
REQUIRED = {**REQUIRED_PARAMS, "fixed": {"value": [1.0, 2.0]}}
SHAPES = {"eye": (4, 5), "sparse": (4, 5), "fixed": (2,), "martens_sparse": (20, 30)}


def shape_for(name: str) -> tuple[int, ...]:
    return SHAPES.get(name, (3, 4, 5))


def builtins_() -> list[str]:
    return [name for name in wi.available() if registry._names.builtin(name)]


def json_round_trip(data: Any) -> Any:
    return json.loads(json.dumps(data, allow_nan=False))  # strict JSON: no NaN, no Infinity


def user_names() -> set[str]:
    return {name for name in wi.available() if not registry._names.builtin(name)}


def assert_same_samples(
    a: wi.Initializer, b: wi.Initializer, shape: tuple[int, ...], **options: Any
) -> None:
    np.testing.assert_array_equal(a(shape, rng=123, **options), b(shape, rng=123, **options))


@pytest.fixture
def clean_registry() -> Iterator[None]:
    before = user_names()
    yield
    for name in user_names() - before:
        registry.unregister(name)


# --- every name resolves ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(registry.names()))
def test_every_accepted_name_resolves_to_its_canonical_initializer(name: str) -> None:
    canonical = registry.names()[name]
    found = wi.get(name)
    assert found is wi.get(canonical)
    assert found.name == canonical


@pytest.mark.parametrize("name", builtins_())
def test_canonical_names_are_the_module_attributes(name: str) -> None:
    assert wi.get(name) is getattr(wi, name)


def test_keras_class_names_and_their_snake_case_resolve_alike() -> None:
    classes = {wi.get(n).info.keras_class for n in builtins_()} - {None}
    assert classes == {
        "Zeros",
        "Ones",
        "Constant",
        "RandomNormal",
        "RandomUniform",
        "TruncatedNormal",
        "VarianceScaling",
        "GlorotNormal",
        "GlorotUniform",
        "HeNormal",
        "HeUniform",
        "LecunNormal",
        "LecunUniform",
        "Orthogonal",
        "Identity",
    }
    for cls in classes:
        snake = keras_snake_case(cls)
        assert wi.get(cls) is wi.get(f"keras.{snake}") is wi.get(f"keras.{cls}")
        # The plain snake-case name is Keras' too, except where it is a canonical
        # name of another meaning: variance_scaling is JAX's ('normal' untruncated).
        if snake != "variance_scaling":
            assert wi.get(snake) is wi.get(cls)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("normal", "random_normal"),
        ("uniform", "random_uniform"),
        ("one", "ones"),
        ("zero", "zeros"),
        ("IdentityInitializer", "identity"),
        ("OrthogonalInitializer", "orthogonal"),
        ("kaiming_normal_", "kaiming_normal"),
        ("kaiming_uniform_", "kaiming_uniform"),
        ("xavier_normal_", "xavier_normal"),
        ("xavier_uniform_", "xavier_uniform"),
        ("uniform_", "torch_uniform"),
        ("normal_", "torch_normal"),
        ("constant_", "torch_constant"),
        ("ones_", "ones"),
        ("zeros_", "zeros"),
        ("eye_", "eye"),
        ("dirac_", "dirac"),
        ("orthogonal_", "torch_orthogonal"),
        ("sparse_", "sparse"),
        ("trunc_normal_", "trunc_normal"),
        ("constant", "constant"),
        ("jax.normal", "jax_normal"),
        ("jax.uniform", "jax_uniform"),
        ("jax.truncated_normal", "jax_truncated_normal"),
        ("jax.orthogonal", "jax_orthogonal"),
        ("jax.kaiming_normal", "he_normal"),
        ("jax.xavier_normal", "glorot_normal"),
        ("jax.delta_orthogonal", "delta_orthogonal"),
        ("delta_orthogonal", "delta_orthogonal"),
        ("torch.normal", "torch_normal"),
        ("keras.normal", "random_normal"),
        ("UniformScaling", "uniform_scaling"),
        ("haiku.UniformScaling", "uniform_scaling"),
        ("haiku.VarianceScaling", "haiku_variance_scaling"),
    ],
)
def test_aliases(alias: str, canonical: str) -> None:
    assert wi.get(alias) is wi.get(canonical)


def test_names_keep_the_semantics_of_their_library() -> None:
    shape = (10, 4)
    assert isinstance(wi.get("kaiming_normal").distribution(shape=shape), Normal)
    assert isinstance(wi.get("jax.kaiming_normal").distribution(shape=shape), TruncatedNormal)
    assert isinstance(wi.get("xavier_normal").distribution(shape=shape), Normal)
    assert isinstance(wi.get("jax.xavier_normal").distribution(shape=shape), TruncatedNormal)
    assert wi.get("normal").variance(shape=shape) == pytest.approx(0.05**2)
    assert wi.get("normal_").variance(shape=shape) == pytest.approx(1.0)
    assert wi.get("jax.normal").variance(shape=shape) == pytest.approx(1e-4)
    assert wi.get("uniform").distribution(shape=shape) == Uniform(-0.05, 0.05)
    assert wi.get("uniform_").distribution(shape=shape) == Uniform(0.0, 1.0)
    assert wi.get("jax.uniform").distribution(shape=shape) == Uniform(0.0, 0.01)
    assert wi.get("uniform_", a=-2, b=3).distribution(shape=shape) == Uniform(-2.0, 3.0)
    torch_normal = wi.get("normal_", mean=1.0, std=2.0).distribution(shape=shape)
    # PyTorch's normal_ with mean != 0 has no complex form here (tests/test_complex.py).
    assert (type(torch_normal), torch_normal.loc, torch_normal.scale) == (Normal, 1.0, 2.0)
    np.testing.assert_array_equal(wi.get("constant_", val=0.3)((2,)), [0.3, 0.3])
    law = wi.get("jax.truncated_normal", stddev=0.5, lower=-1.0).distribution(shape=shape)
    assert law == TruncatedNormal(0.0, 0.5, -0.5, 1.0)
    assert wi.get("trunc_normal_", a=-1.0, b=0.5).distribution(shape=shape).support == (-1.0, 0.5)


# torch.nn.init's signatures (without tensor and generator); None marks a required parameter.
TORCH_SIGNATURES: dict[str, dict[str, Any]] = {
    "constant_": {"val": None},
    "dirac_": {"groups": 1},
    "eye_": {},
    "kaiming_normal_": {"a": 0, "mode": "fan_in", "nonlinearity": "leaky_relu"},
    "kaiming_uniform_": {"a": 0, "mode": "fan_in", "nonlinearity": "leaky_relu"},
    "normal_": {"mean": 0.0, "std": 1.0},
    "ones_": {},
    "orthogonal_": {"gain": 1},
    "sparse_": {"sparsity": None, "std": 0.01},
    "trunc_normal_": {"mean": 0.0, "std": 1.0, "a": -2.0, "b": 2.0},
    "uniform_": {"a": 0.0, "b": 1.0},
    "xavier_normal_": {"gain": 1.0},
    "xavier_uniform_": {"gain": 1.0},
    "zeros_": {},
}
# jax.nn.initializers' signatures, without dtype.
JAX_SIGNATURES: dict[str, dict[str, Any]] = {
    "jax.normal": {"stddev": 1e-2},
    "jax.uniform": {"scale": 1e-2},
    "jax.truncated_normal": {"stddev": 1e-2, "lower": -2.0, "upper": 2.0},
    "jax.orthogonal": {"scale": 1.0, "column_axis": -1},
    "jax.delta_orthogonal": {"scale": 1.0, "column_axis": -1},
}


@pytest.mark.parametrize(
    ("name", "signature"), [*TORCH_SIGNATURES.items(), *JAX_SIGNATURES.items()]
)
def test_library_names_take_that_librarys_parameters(name: str, signature: dict[str, Any]) -> None:
    init = wi.get(name)
    defaults = init.defaults()
    assert {p.name: defaults.get(p.name) for p in init.params} == signature


def test_every_torch_underscore_name_is_known() -> None:
    underscored = {name for name in registry.names() if name.endswith("_") and "." not in name}
    assert underscored == set(TORCH_SIGNATURES)


def test_torch_uniform_names_its_own_bounds_in_errors() -> None:
    with pytest.raises(ValueError, match=r"a must be < b; got a=2\.0, b=1\.0"):
        wi.get("uniform_", a=2.0, b=1.0)((3,))


def test_jax_orthogonal_takes_column_axis() -> None:
    q = wi.get("jax.orthogonal", column_axis=0, scale=2.0)((3, 8), rng=0)
    np.testing.assert_allclose(q @ q.T, 4.0 * np.eye(3), atol=1e-12)
    with pytest.raises(ValueError, match="column_axis must be an axis"):
        wi.get("jax.orthogonal", column_axis=2)((3, 8))


def test_get_returns_objects_and_none_as_they_are() -> None:
    def mine(shape: Any, dtype: Any = None) -> Any:
        return np.zeros(shape)

    assert wi.get(None) is None
    assert wi.get(wi.he_normal) is wi.he_normal
    assert wi.get(mine) is mine
    bound = wi.get(mine, dtype="float32")
    assert isinstance(bound, functools.partial) and bound.keywords == {"dtype": "float32"}
    with pytest.raises(TypeError, match="cannot bind"):
        wi.get(mine, scale=2.0)


def test_params_give_a_partial() -> None:
    vs = wi.get("VarianceScaling", scale=2.0, mode="fan_out", distribution="uniform")
    assert vs == wi.keras_variance_scaling.partial(
        scale=2.0, mode="fan_out", distribution="uniform"
    )
    np.testing.assert_array_equal(wi.get("constant", value=2.0)((2,)), [2.0, 2.0])
    with pytest.raises(TypeError, match="unexpected keyword argument 'scal'"):
        wi.get("VarianceScaling", scal=2.0)


def test_numpy_array_is_a_fixed_value_checked_against_the_shape() -> None:
    value = np.arange(6.0).reshape(2, 3)
    init = wi.get(value)
    np.testing.assert_array_equal(init((2, 3)), value)
    assert init((2, 3), dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=r"shape must be the fixed value's shape \(2, 3\)"):
        init((3, 2))
    assert wi.get(np.float64(2.5))(()) == 2.5


# --- bad identifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    [1, 1.5, True, b"he_normal", ["he_normal"], ("he_normal",), {"he_normal"}, object()],
)
def test_identifiers_of_other_types_are_a_type_error(identifier: Any) -> None:
    with pytest.raises(TypeError, match="identifier must be a name, a config dict"):
        wi.get(identifier)


def test_params_without_identifier() -> None:
    with pytest.raises(TypeError, match="parameters need an initializer"):
        wi.get(None, scale=2.0)


@pytest.mark.parametrize(
    ("name", "close"),
    [
        ("he_norml", "'he_normal'"),
        ("glorotuniform", "'glorot_uniform'"),
        ("GlorotUnifrom", "'GlorotUniform'"),
        ("Glorot_Uniform", "'glorot_uniform'"),
        ("kaiming_normal__", "'kaiming_normal_'"),
        ("jax.normall", "'jax.normal'"),
    ],
)
def test_unknown_names_suggest_the_closest(name: str, close: str) -> None:
    with pytest.raises(ValueError, match="did you mean") as info:
        wi.get(name)
    message = str(info.value)
    assert f"unknown initializer name {name!r}" in message
    assert close in message
    assert "weightinit.available()" in message


@pytest.mark.parametrize("name", ["", " he_normal", "HE_NORMAL", "he-normal", "xyzzy"])
def test_names_match_exactly(name: str) -> None:
    with pytest.raises(ValueError, match="unknown initializer name"):
        wi.get(name)


@pytest.mark.parametrize("name", ["STFT", "STFTInitializer", "stft"])
def test_stft_is_reported_as_not_supported(name: str) -> None:
    with pytest.raises(ValueError, match=r"STFT initializer .* is not implemented"):
        wi.get(name)
    with pytest.raises(ValueError, match="is not implemented"):
        wi.get({"module": KERAS, "class_name": name, "config": {"side": "real"}})


@pytest.mark.parametrize(
    ("config", "error", "pattern"),
    [
        ({"config": {}}, ValueError, "needs 'class_name'"),
        ({"class_name": 3}, TypeError, "class_name must be a str"),
        ({"class_name": "Zeros", "config": []}, TypeError, r"config\['config'\] must be a dict"),
        ({"class_name": "Zeros", "config": {1: 2}}, TypeError, "with str keys"),
        ({"class_name": "Zeros", "module": 5}, TypeError, "module must be a str or None"),
        ({"class_name": "Zeros", "registered_name": 5}, TypeError, "registered_name must be"),
        ({"class_name": "Zeros", "extra": 1}, ValueError, "unknown key 'extra'.*class_name"),
        (
            {"class_name": "glorot_uniform", "config": {"scale": 2.0}},
            ValueError,
            "unknown config key 'scale' for glorot_uniform; accepted keys: dtype, rng",
        ),
        (
            {"class_name": "TruncatedNormal", "config": {"lower": -3.0}},
            ValueError,
            "unknown config key 'lower' for Keras' TruncatedNormal; accepted keys: mean, stddev, seed, dtype",
        ),
        (
            {"class_name": "VarianceScaling", "config": {"distribution": "gamma"}},
            ValueError,
            r"distribution must be one of .*'truncated_normal'.* \(in any case\); got distribution='gamma'",
        ),
        (
            {"class_name": "VarianceScaling", "config": {"mode": "fan_geo_avg"}},
            ValueError,
            "mode must be one of 'fan_avg', 'fan_in', 'fan_out'; got mode='fan_geo_avg'",
        ),
        (
            {"class_name": "HeNormal", "config": {"seed": {"class_name": "SeedGenerator"}}},
            TypeError,
            "seed must be an int or None",
        ),
        ({"class_name": "HeNormal", "config": {"seed": True}}, TypeError, "seed must be an int"),
        (
            {"class_name": "HeNormal", "config": {"seed": -1}},
            ValueError,
            "seed must be a non-negative int",
        ),
        (
            {"class_name": "he_normal", "config": {"seed": 1, "rng": 2}},
            ValueError,
            "both seed and rng",
        ),
        ({"class_name": "Constant", "config": {"value": "1"}}, TypeError, "value must be a real"),
        (
            {"class_name": "RandomNormal", "config": {"stddev": -1.0}},
            ValueError,
            "stddev must be > 0",
        ),
        (
            {"module": KERAS, "class_name": "kaiming_normal"},
            ValueError,
            "'kaiming_normal' is not a Keras initializer name.*did you mean",
        ),
    ],
)
def test_bad_configs(config: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        wi.get(config)


def keras_array(value: Any, dtype: Any) -> dict[str, Any]:
    """A Keras Constant config whose value is an array as Keras serializes it."""
    array = {"class_name": "__numpy__", "config": {"value": value, "dtype": dtype}}
    return {"module": KERAS, "class_name": "Constant", "config": {"value": array}}


DTYPE_POLICY = {
    "module": "keras",
    "class_name": "DTypePolicy",
    "config": {"name": "float32"},
    "registered_name": None,
}


@pytest.mark.parametrize(
    ("value", "dtype", "error", "pattern"),
    [
        ([2**70], "int64", ValueError, r"value .* out of range for dtype 'int64'; got value=\["),
        ([-1], "uint8", ValueError, "out of range for dtype 'uint8'"),
        ([1e300], "float32", ValueError, "out of range for dtype 'float32'"),
        ([2**70], None, ValueError, "a value no NumPy int or float dtype holds"),
        ([1.5], "int32", ValueError, "of dtype 'int32', which holds no floats; got item=1.5"),
        ("abc", None, TypeError, "values must be ints or floats; got item='abc'"),
        ([1.0, "abc"], "float32", TypeError, r"got item='abc' \(type=str\) in value=\[1.0"),
        ([True], None, TypeError, "values must be ints or floats; got item=True"),
        ([[1.0], [1.0, 2.0]], None, ValueError, r"not rectangular.*got value=\[\[1.0\]"),
        ([1.0], "nonsense", ValueError, "must name a NumPy int or float dtype.*dtype='nonsense'"),
        ([1.0], "V8", ValueError, "value's dtype must name a NumPy int or float dtype"),
        ([1.0], "complex64", ValueError, "dtype='complex64'"),
        ([1.0], "bool", ValueError, "dtype='bool'"),
        ([1.0], DTYPE_POLICY, TypeError, "value's dtype must be a str; got dtype="),
    ],
)
def test_keras_arrays_in_configs_are_checked(
    value: Any, dtype: Any, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        wi.get(keras_array(value, dtype))


def test_keras_arrays_in_configs_keep_their_values() -> None:
    init = wi.get(keras_array([[1, 2], [3, 2**40]], "int64"))
    np.testing.assert_array_equal(init((2, 2)), [[1, 2], [3, 2**40]])
    assert wi.get(keras_array(1.5, None)) == wi.constant.partial(value=1.5)


def test_a_keras_dtype_policy_is_refused_naming_dtype() -> None:
    config = {"class_name": "Constant", "config": {"value": 1.0, "dtype": DTYPE_POLICY}}
    with pytest.raises(TypeError, match=r"dtype must be a dtype name .* got dtype=\{"):
        wi.get(config)


def test_a_seed_in_this_librarys_config_binds_rng() -> None:
    init = wi.get({"class_name": "kaiming_normal", "config": {"seed": 3, "mode": "fan_out"}})
    assert init == wi.kaiming_normal.partial(mode="fan_out", rng=3)
    assert wi.get({"class_name": "he_normal", "config": {"seed": None}}) == wi.he_normal


def test_deserialize_takes_only_dicts_and_names() -> None:
    assert wi.deserialize("HeNormal") is wi.he_normal
    with pytest.raises(TypeError, match="config must be a dict or a name"):
        wi.deserialize(["HeNormal"])


# --- Keras' serialized forms --------------------------------------------------------------

# Every Keras 3 initializer class, written as Keras serializes it.
KERAS_FORMS: list[tuple[dict[str, Any], wi.Initializer]] = [
    ({"module": KERAS, "class_name": "Zeros", "config": {}, "registered_name": None}, wi.zeros),
    ({"module": KERAS, "class_name": "Ones", "config": {}, "registered_name": None}, wi.ones),
    (
        {
            "module": KERAS,
            "class_name": "Constant",
            "config": {"value": 0.25},
            "registered_name": None,
        },
        wi.constant.partial(value=0.25),
    ),
    (
        {
            "module": KERAS,
            "class_name": "RandomNormal",
            "config": {"seed": 7, "mean": 1.0, "stddev": 0.5},
            "registered_name": None,
        },
        wi.random_normal.partial(mean=1.0, stddev=0.5, rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "RandomUniform",
            "config": {"seed": 7, "minval": -1.0, "maxval": 2.0},
            "registered_name": None,
        },
        wi.random_uniform.partial(minval=-1.0, maxval=2.0, rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "TruncatedNormal",
            "config": {"seed": 7, "mean": 0.5, "stddev": 0.3},
            "registered_name": None,
        },
        wi.truncated_normal.partial(mean=0.5, stddev=0.3, rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "VarianceScaling",
            "config": {"seed": 7, "scale": 2.0, "mode": "fan_out", "distribution": "normal"},
            "registered_name": None,
        },
        wi.keras_variance_scaling.partial(scale=2.0, mode="fan_out", distribution="normal", rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "VarianceScaling",
            "config": {
                "seed": None,
                "scale": 0.5,
                "mode": "fan_avg",
                "distribution": "untruncated_normal",
            },
            "registered_name": None,
        },
        wi.keras_variance_scaling.partial(
            scale=0.5, mode="fan_avg", distribution="untruncated_normal"
        ),
    ),
    (
        {
            "module": KERAS,
            "class_name": "GlorotNormal",
            "config": {"seed": 7},
            "registered_name": None,
        },
        wi.glorot_normal.partial(rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "GlorotUniform",
            "config": {"seed": None},
            "registered_name": None,
        },
        wi.glorot_uniform,
    ),
    (
        {"module": KERAS, "class_name": "HeNormal", "config": {"seed": 7}, "registered_name": None},
        wi.he_normal.partial(rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "HeUniform",
            "config": {"seed": 7},
            "registered_name": None,
        },
        wi.he_uniform.partial(rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "LecunNormal",
            "config": {"seed": 7},
            "registered_name": None,
        },
        wi.lecun_normal.partial(rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "LecunUniform",
            "config": {"seed": 7},
            "registered_name": None,
        },
        wi.lecun_uniform.partial(rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "Orthogonal",
            "config": {"seed": 7, "gain": 2.0},
            "registered_name": None,
        },
        wi.orthogonal.partial(gain=2.0, rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "OrthogonalInitializer",
            "config": {"seed": 7, "gain": 2.0},
            "registered_name": None,
        },
        wi.orthogonal.partial(gain=2.0, rng=7),
    ),
    (
        {
            "module": KERAS,
            "class_name": "Identity",
            "config": {"gain": 3.0},
            "registered_name": None,
        },
        wi.identity.partial(gain=3.0),
    ),
    (
        {
            "module": KERAS,
            "class_name": "IdentityInitializer",
            "config": {},
            "registered_name": None,
        },
        wi.identity,
    ),
    # Keras 2 (tf.keras) wrote no module, and under TensorFlow 1 a dtype.
    (
        {
            "class_name": "VarianceScaling",
            "config": {
                "scale": 1.0,
                "mode": "fan_avg",
                "distribution": "uniform",
                "seed": None,
                "dtype": "float32",
            },
        },
        wi.keras_variance_scaling.partial(
            scale=1.0, mode="fan_avg", distribution="uniform", dtype="float32"
        ),
    ),
    (
        {"class_name": "Identity", "config": {"gain": 1.0, "dtype": "float32"}},
        wi.identity.partial(dtype="float32"),
    ),
    ({"class_name": "HeNormal", "config": {"seed": 7}}, wi.he_normal.partial(rng=7)),
    ({"class_name": "glorot_uniform"}, wi.glorot_uniform),
    (
        {"class_name": "VarianceScaling", "config": {"distribution": "normal"}},
        wi.keras_variance_scaling.partial(distribution="normal"),
    ),
    (
        {"module": KERAS, "class_name": "variance_scaling", "config": {"distribution": "normal"}},
        wi.keras_variance_scaling.partial(distribution="normal"),
    ),
    (
        {
            "module": KERAS,
            "class_name": "Constant",
            "config": {
                "value": {
                    "class_name": "__numpy__",
                    "config": {"value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "dtype": "float32"},
                }
            },
        },
        wi.constant.partial(value=np.arange(1.0, 7.0, dtype=np.float32)),
    ),
]


def test_the_literals_cover_every_keras_class() -> None:
    written = {cfg["class_name"] for cfg, _ in KERAS_FORMS}
    assert {wi.get(n).info.keras_class for n in builtins_()} - {None} <= written


@pytest.mark.parametrize(("config", "expected"), KERAS_FORMS)
def test_keras_serialized_forms_resolve_with_keras_semantics(
    config: dict[str, Any], expected: wi.Initializer
) -> None:
    init = wi.get(config)
    assert init == expected
    shape = (6, 6)
    assert_same_samples(init, expected, shape)
    if config.get("config", {}).get("seed") is not None:
        first, second = init(shape), init(shape)
        np.testing.assert_array_equal(first, second)  # a Keras seed repeats, call after call
        np.testing.assert_array_equal(first, expected(shape, rng=7))
        assert not np.array_equal(init(shape, rng=8), first)  # unless the call passes rng


def test_keras_variance_scaling_normal_is_truncated_with_the_exact_variance() -> None:
    init = wi.get(
        {"class_name": "VarianceScaling", "config": {"scale": 2.0, "distribution": "normal"}}
    )
    law = init.distribution(shape=(50, 10))
    assert isinstance(law, TruncatedNormal)
    assert law.scale == pytest.approx(math.sqrt(2.0 / 50) / TRUNCATED_NORMAL_STD, rel=1e-15)
    assert init.variance(shape=(50, 10)) == pytest.approx(2.0 / 50, rel=1e-12)
    own = wi.get({"class_name": "variance_scaling", "config": {"distribution": "normal"}})
    assert isinstance(own.distribution(shape=(50, 10)), Normal)  # this library's meaning


def test_keras_input_and_output_axes_are_the_fan_axes() -> None:
    init = wi.get(
        {
            "class_name": "VarianceScaling",
            "config": {"mode": "fan_out", "input_axes": [0], "output_axes": [1, 2]},
        }
    )
    assert init == wi.keras_variance_scaling.partial(
        mode="fan_out", input_axes=(0,), output_axes=(1, 2)
    )
    assert init.variance(shape=(8, 4, 5)) == pytest.approx(1.0 / 20)
    data = wi.serialize(init)
    assert data["config"]["input_axes"] == [0] and data["config"]["output_axes"] == [1, 2]
    assert wi.deserialize(json_round_trip(data)) == init


# --- serialize ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("init", "expected"),
    [
        (
            wi.he_normal.partial(rng=42),
            {
                "module": KERAS,
                "class_name": "HeNormal",
                "config": {"seed": 42},
                "registered_name": None,
            },
        ),
        (
            wi.identity.partial(gain=2.0),
            {
                "module": KERAS,
                "class_name": "Identity",
                "config": {"gain": 2.0},
                "registered_name": None,
            },
        ),
        (
            wi.keras_variance_scaling.partial(distribution="untruncated_normal"),
            {
                "module": KERAS,
                "class_name": "VarianceScaling",
                "config": {
                    "seed": None,
                    "scale": 1.0,
                    "mode": "fan_in",
                    "distribution": "untruncated_normal",
                },
                "registered_name": None,
            },
        ),
        (
            wi.variance_scaling.partial(distribution="normal"),
            {
                "module": "weightinit",
                "class_name": "variance_scaling",
                "config": {"scale": 1.0, "mode": "fan_in", "distribution": "normal"},
                "registered_name": None,
            },
        ),
        (
            wi.truncated_normal.partial(lower=-3.0),
            {
                "module": "weightinit",
                "class_name": "truncated_normal",
                "config": {"mean": 0.0, "stddev": 0.05, "lower": -3.0, "upper": 2.0},
                "registered_name": None,
            },
        ),
        (
            wi.kaiming_normal.partial(mode="fan_out", rng=3),
            {
                "module": "weightinit",
                "class_name": "kaiming_normal",
                "config": {"a": 0.0, "mode": "fan_out", "nonlinearity": "leaky_relu", "rng": 3},
                "registered_name": None,
            },
        ),
        (
            wi.glorot_uniform.partial(dtype=np.float32, layout="torch"),
            {
                "module": "weightinit",
                "class_name": "glorot_uniform",
                "config": {"dtype": "float32", "layout": "torch"},
                "registered_name": None,
            },
        ),
        (
            wi.constant.partial(value=np.array([[1, 2]])),
            {
                "module": "weightinit",
                "class_name": "constant",
                "config": {"value": [[1, 2]]},
                "registered_name": None,
            },
        ),
    ],
)
def test_serialize_writes_keras_classes_where_keras_can_express_them(
    init: wi.Initializer, expected: dict[str, Any]
) -> None:
    assert wi.serialize(init) == expected


def test_serialize_none_is_none() -> None:
    assert wi.serialize(None) is None


PARTIALS = [
    wi.variance_scaling.partial(scale=2.0, mode="fan_geo_avg", distribution="normal", rng=3),
    wi.variance_scaling.partial(distribution="untruncated_normal", mode="fan_out"),
    wi.he_normal.partial(rng=11, in_axis=(0, 1), out_axis=2),
    wi.glorot_uniform.partial(dtype="float32", layout="torch"),
    wi.lecun_normal.partial(dtype=np.float16),
    wi.truncated_normal.partial(lower=-1.0, upper=3.0, stddev=0.2),
    wi.trunc_normal.partial(a=-np.inf, b=1.0),
    wi.constant.partial(value=[[1.0, 2.0, 3.0, 4.0, 5.0]]),
    wi.constant.partial(value=3, dtype="int32"),
    wi.identity.partial(gain=2.5),
    wi.orthogonal.partial(gain=0.5, rng=1),
    wi.kaiming_normal.partial(a=0.1, mode="fan_out", nonlinearity="leaky_relu"),
    wi.kaiming_uniform.partial(nonlinearity="tanh", layout="torch"),
    wi.xavier_normal.partial(gain=2.0),
    wi.uniform_scaling.partial(scale=3.0),
    wi.torch_uniform.partial(a=-3.0, b=-1.0),
    wi.torch_normal.partial(std=0.1),
    wi.jax_orthogonal.partial(scale=2.0, column_axis=0),
    wi.jax_truncated_normal.partial(lower=-3.0),
    wi.delta_orthogonal.partial(scale=0.5),
    wi.dirac.partial(groups=3),
    wi.random_uniform.partial(minval=0.0, maxval=1.0, rng=2),
]


def _round_trip(init: wi.Initializer) -> wi.Initializer:
    data = wi.serialize(init)
    assert data is not None
    assert json_round_trip(data) == data  # JSON-safe as it is
    back = wi.deserialize(json_round_trip(data))
    assert isinstance(back, wi.Initializer)
    return back


@pytest.mark.parametrize("name", builtins_())
def test_round_trip_of_every_registered_initializer(name: str) -> None:
    init = wi.get(name, **REQUIRED.get(name, {}))
    back = _round_trip(init)
    assert back == init
    assert back.get_config() == init.get_config()
    assert_same_samples(back, init, shape_for(name), **call_options(name))
    assert init.from_config(init.get_config()) == init


@pytest.mark.parametrize("init", PARTIALS, ids=repr)
def test_round_trip_of_partials_keeps_every_parameter(init: wi.Initializer) -> None:
    back = _round_trip(init)
    assert back == init
    assert back.get_config() == init.get_config()
    assert_same_samples(back, init, (3, 4, 5))
    data = wi.serialize(init)
    assert data is not None
    if data["module"] == "weightinit":
        assert data["config"] == {
            key: non_finite_form(value) if value in (math.inf, -math.inf) else value
            for key, value in init.get_config().items()
        }


def non_finite_form(value: float) -> dict[str, Any]:
    """How serialize writes a float strict JSON cannot hold (see its docstring)."""
    spelling = "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    return {"class_name": "__numpy__", "config": {"value": spelling, "dtype": "float64"}}


def test_non_finite_floats_serialize_as_strict_json_and_come_back() -> None:
    for init in (
        wi.trunc_normal.partial(a=-np.inf, b=np.inf),
        wi.truncated_normal.partial(lower=-np.inf, upper=1.0),
    ):
        data = wi.serialize(init)
        assert data is not None
        json.dumps(data, allow_nan=False)
        back = wi.deserialize(json_round_trip(data))
        assert back == init and back.get_config() == init.get_config()
        assert_same_samples(back, init, (3, 4))


@pytest.mark.usefixtures("clean_registry")
def test_user_parameters_round_trip_through_strict_json_or_are_refused() -> None:
    wi.register("halves")(halves)
    for level in (math.nan, -math.inf, [1.0, math.inf, [math.nan]], {"a": [math.nan, 2]}):
        data = wi.serialize(wi.get("halves", level=level))
        assert data is not None
        back = wi.deserialize(json_round_trip(data))
        assert isinstance(back, functools.partial) and back.func is halves
        # NaN != NaN: compare the reprs, where NaN is spelled the same each time
        assert repr(back.keywords["level"]) == repr(level)
    with pytest.raises(TypeError, match=r"a dict's keys must be str.*got level=\{1: 2\}"):
        wi.serialize(wi.get("halves", level={1: 2}))
    with pytest.raises(TypeError, match="the form serialize writes for a non-finite float"):
        wi.serialize(wi.get("halves", level=non_finite_form(math.inf)))
    with pytest.raises(TypeError, match=r"config values must be JSON-safe; got level=<object"):
        wi.serialize(wi.get("halves", level=object()))


@given(
    scale=st.floats(1e-3, 1e3),
    mode=st.sampled_from(["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]),
    distribution=st.sampled_from(["truncated_normal", "untruncated_normal", "normal", "uniform"]),
    seed=st.none() | st.integers(0, 2**63),
)
def test_variance_scaling_round_trip(
    scale: float, mode: str, distribution: str, seed: int | None
) -> None:
    init = wi.variance_scaling.partial(scale=scale, mode=mode, distribution=distribution)
    if seed is not None:
        init = init.partial(rng=seed)
    back = _round_trip(init)
    assert back == init
    assert_same_samples(back, init, (4, 3))


def test_fixed_value_round_trips() -> None:
    init = wi.get(np.arange(6.0).reshape(2, 3))
    back = _round_trip(init)
    np.testing.assert_array_equal(back((2, 3)), init((2, 3)))


def test_generator_rng_cannot_be_serialized() -> None:
    init = wi.he_normal.partial(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="bind an int seed"):
        wi.serialize(init)
    with pytest.raises(ValueError, match="bind an int seed"):
        init.get_config()


def test_unregistered_objects_cannot_be_serialized() -> None:
    with pytest.raises(ValueError, match="init must be registered"):
        wi.serialize(lambda shape: np.zeros(shape))
    stranger = wi.Initializer("stranger", lambda geometry: None, info=wi.he_normal.info)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="is not registered under its name 'stranger'"):
        wi.serialize(stranger)


def test_from_config_rejects_unknown_keys() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown config key 'gain' for he_normal; accepted keys: dtype, rng, layout",
    ):
        wi.he_normal.from_config({"gain": 2.0})
    with pytest.raises(TypeError, match="config must be a dict"):
        wi.he_normal.from_config([("rng", 1)])  # type: ignore[arg-type]


# --- register -----------------------------------------------------------------------------


def halves(shape: Any, dtype: Any = None, rng: Any = None, level: float = 0.5) -> Any:
    return np.full(shape, level, dtype=dtype)


@pytest.mark.usefixtures("clean_registry")
def test_register_a_function_with_aliases() -> None:
    assert wi.register("halves", aliases=("half",))(halves) is halves
    assert wi.get("halves") is halves and wi.get("half") is halves
    assert "halves" in wi.available() and "half" not in wi.available()
    bound = wi.get("half", level=0.25)
    np.testing.assert_array_equal(bound((2,)), [0.25, 0.25])
    data = wi.serialize(bound)
    assert data == {
        "module": "weightinit",
        "class_name": "halves",
        "config": {"level": 0.25},
        "registered_name": None,
    }
    back = wi.deserialize(json_round_trip(data))
    assert isinstance(back, functools.partial)
    assert back.func is halves and back.keywords == {"level": 0.25}
    assert wi.deserialize(wi.serialize(halves)) is halves
    registry.unregister("halves")
    with pytest.raises(ValueError, match="unknown initializer name 'half'"):
        wi.get("half")


@pytest.mark.usefixtures("clean_registry")
def test_register_an_initializer_under_a_new_name() -> None:
    registered = wi.register("wide_he")(wi.variance_scaling.partial(scale=2.0, mode="fan_out"))
    assert registered.name == "wide_he"
    assert wi.get("wide_he") is registered
    init = wi.get("wide_he", rng=5)
    data = wi.serialize(init)
    assert data is not None and data["module"] == "weightinit" and data["class_name"] == "wide_he"
    back = wi.deserialize(json_round_trip(data))
    assert back == init
    assert_same_samples(back, wi.variance_scaling.partial(scale=2.0, mode="fan_out"), (4, 6))


@pytest.mark.usefixtures("clean_registry")
def test_register_clashes() -> None:
    wi.register("mine", aliases=("mine_too",))(halves)
    with pytest.raises(ValueError, match=r"'mine' is already registered .* overwrite=True"):
        wi.register("mine")(np.zeros)
    wi.register("mine", overwrite=True)(np.ones)
    assert wi.get("mine") is np.ones
    with pytest.raises(ValueError, match="unknown initializer name 'mine_too'"):
        wi.get("mine_too")  # the replaced registration went with all its names
    for taken in ("he_normal", "GlorotUniform", "normal", "kaiming_normal_"):
        with pytest.raises(ValueError, match=r"is a built-in name .* can never be replaced"):
            wi.register(taken)(halves)
    with pytest.raises(ValueError, match="is a built-in name"):
        wi.register("fresh", aliases=("one",))(halves)
    assert "fresh" not in wi.available()


@pytest.mark.usefixtures("clean_registry")
@pytest.mark.parametrize("taken", ["he_normal", "HeNormal", "normal", "one", "kaiming_normal_"])
def test_overwrite_never_replaces_a_builtin_name(taken: str) -> None:
    before = registry.names()
    assert taken in before
    for name, aliases in ((taken, ()), ("fresh", (taken,))):
        with pytest.raises(
            ValueError,
            match=rf"'{taken}' is a built-in name \(of .*\), which can never be replaced",
        ):
            wi.register(name, aliases=aliases, overwrite=True)(halves)
    assert registry.names() == before and "fresh" not in wi.available()
    init = wi.he_normal.partial(dtype="float32")
    assert wi.deserialize(wi.serialize(init)) == init
    assert wi.get("he_normal") is wi.he_normal and wi.get("HeNormal") is wi.he_normal
    assert wi.get({"class_name": "he_normal"}) == wi.he_normal
    assert wi.get("normal") is wi.random_normal


@pytest.mark.usefixtures("clean_registry")
def test_unpickling_a_name_no_longer_registered_says_to_register_it() -> None:
    wide = wi.register("wide_he")(wi.variance_scaling.partial(scale=2.0))
    data = pickle.dumps(wide.partial(rng=3))
    assert pickle.loads(data) == wide.partial(rng=3)
    registry.unregister("wide_he")
    with pytest.raises(
        ValueError,
        match=r"cannot unpickle the initializer named 'wide_he'.* no Initializer is registered "
        r"under it \(got nothing\); register it again with weightinit.register\('wide_he'\) "
        "before unpickling",
    ):
        pickle.loads(data)
    wi.register("wide_he")(halves)  # the name now means a plain function
    with pytest.raises(ValueError, match=r"no Initializer is registered under it \(got target="):
        pickle.loads(data)
    registry.unregister("wide_he")
    wi.register("wide_he")(wide)
    assert pickle.loads(data) == wide.partial(rng=3)  # registered again: it unpickles


@pytest.mark.parametrize(
    ("name", "aliases", "error", "pattern"),
    [
        ("my-init", (), ValueError, "name must be a Python identifier; got name='my-init'"),
        ("1st", (), ValueError, "Python identifier"),
        ("jax.mine", (), ValueError, "Python identifier"),
        (3, (), TypeError, "name must be a str"),
        ("ok", ("bad alias",), ValueError, r"aliases\[0\] must be a Python identifier"),
        ("ok", "single", TypeError, "aliases must be a tuple"),
        ("ok", ("ok",), ValueError, "must all differ"),
    ],
)
def test_register_checks_names(
    name: Any, aliases: Any, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        wi.register(name, aliases=aliases)


def test_register_checks_what_it_registers() -> None:
    with pytest.raises(TypeError, match="only callables can be registered"):
        wi.register("not_callable")(42)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="overwrite must be True or False"):
        wi.register("x", overwrite=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a name registered by the user"):
        registry.unregister("he_normal")


# --- threads ------------------------------------------------------------------------------


def run_threads(targets: list[Callable[[], None]], seconds: float) -> list[BaseException]:
    """Run each target on its own thread, with a short GIL switch interval; their errors."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(target), daemon=True) for target in targets]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that races show
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in threads), "threads did not finish in time"
    return errors


def steady(shape: Any, dtype: Any = None, rng: Any = None, level: float = 0.5) -> Any:
    return np.full(shape, level, dtype=dtype)


@pytest.mark.usefixtures("clean_registry")
def test_concurrent_register_unregister_get_and_serialize() -> None:
    wi.register("steady")(steady)
    deadline = time.monotonic() + 10.0
    done = threading.Event()
    churned = [f"mine_{k}_{i}" for k in range(2) for i in range(5)]

    def writer(k: int) -> Callable[[], None]:
        def run() -> None:
            try:
                for i in range(3000):
                    if time.monotonic() > deadline:
                        break
                    name = f"mine_{k}_{i % 5}"
                    wi.register(name, aliases=(f"{name}_a", f"{name}_b"))(halves)
                    registry.unregister(name)
            finally:
                done.set()

        return run

    def reader() -> None:
        while not done.is_set() and time.monotonic() < deadline:
            assert wi.get("he_normal") is wi.he_normal
            assert wi.serialize(wi.get("steady", level=0.25))["class_name"] == "steady"
            assert wi.serialize(wi.he_normal.partial(rng=1))["class_name"] == "HeNormal"
            for name in ("mine_0_1", "mine_1_3_a", "mine_0_4_bb"):
                try:
                    found = wi.get(name)  # an unknown name's error suggests close ones
                except ValueError:
                    continue  # not registered at that moment
                assert found is halves
                try:
                    data = wi.serialize(found)
                except ValueError as error:  # unregistered since
                    assert "init must be registered" in str(error)
                else:
                    assert data is not None and data["class_name"] in churned

    errors = run_threads([writer(0), writer(1), reader, reader], seconds=60.0)
    assert not errors, errors[:3]
    for name in churned:  # nothing stale is left: every name is gone and can be taken again
        with pytest.raises(ValueError, match="unknown initializer name"):
            wi.get(name)
        with pytest.raises(ValueError, match="unknown initializer name"):
            wi.get(f"{name}_a")
        wi.register(name, aliases=(f"{name}_a",))(halves)
        registry.unregister(name)


@pytest.mark.usefixtures("clean_registry")
def test_concurrent_readers_never_see_a_half_registered_name() -> None:
    names = [f"grown_{i}" for i in range(300)]
    aliases = {name: tuple(f"{name}_{j}" for j in range(30)) for name in names}
    deadline = time.monotonic() + 10.0
    done = threading.Event()

    def writer() -> None:
        try:
            for name in names:  # only additions: what a reader once sees stays resolvable
                wi.register(name, aliases=aliases[name])(halves)
        finally:
            done.set()

    def reader() -> None:
        while not done.is_set() and time.monotonic() < deadline:
            listed = set(wi.available())
            for name in names:
                if name in listed:  # listed: get resolves it and its last alias
                    assert wi.get(aliases[name][-1]) is halves and wi.get(name) is halves
            accepted = registry.names()
            for name in names:
                if aliases[name][0] in accepted:  # resolvable: listed, with every alias
                    assert name in wi.available() and aliases[name][-1] in registry.names()

    errors = run_threads([writer, reader, reader], seconds=60.0)
    assert not errors, errors[:3]
    assert set(names) <= set(wi.available())


# --- untrusted configs --------------------------------------------------------------------


@pytest.fixture
def no_imports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempted: list[str] = []
    real_import = builtins.__import__

    def watch(name: str, *args: Any, **kwargs: Any) -> Any:
        attempted.append(name)
        return real_import(name, *args, **kwargs)

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        attempted.append(name)
        raise AssertionError(f"import_module({name!r}) was called")

    monkeypatch.setattr(builtins, "__import__", watch)
    monkeypatch.setattr(importlib, "import_module", refuse)
    return attempted


@pytest.mark.parametrize(
    "config",
    [
        {"module": "os", "class_name": "system", "config": {"command": "echo hi"}},
        {"module": "subprocess", "class_name": "run"},
        {"module": "weightinit_probe_module", "class_name": "Probe"},
        {"class_name": "os.system"},
        {"class_name": "__import__", "config": {"name": "os"}},
        {"class_name": "eval", "config": {"source": "1"}},
        {"class_name": "weightinit.initializers.he_normal"},
        {"class_name": "registry.get"},
        {"class_name": "__class__"},
        {"class_name": "Initializer"},
        {"module": KERAS, "class_name": "Initializer"},
        {"module": "builtins", "class_name": "exec", "registered_name": "builtins>exec"},
    ],
)
def test_configs_never_import_or_evaluate(no_imports: list[str], config: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        wi.get(config)
    assert not [
        name
        for name in no_imports
        if name.split(".")[0] in {"os", "subprocess", "weightinit_probe_module", "builtins"}
    ]
    assert "weightinit_probe_module" not in sys.modules


def test_module_names_no_lookup(no_imports: list[str]) -> None:
    init = wi.get(
        {"module": "weightinit_probe_module", "class_name": "he_normal", "config": {"rng": 1}}
    )
    assert init == wi.he_normal.partial(rng=1)
    assert "weightinit_probe_module" not in no_imports
    with pytest.raises(TypeError, match="value must be a real number"):
        wi.get({"class_name": "Constant", "config": {"value": "__import__('os').getcwd()"}})
    with pytest.raises(ValueError, match="unknown config key '__class__'"):
        wi.get({"class_name": "he_normal", "config": {"__class__": "x"}})


def test_the_keras_dialect_and_config_values_do_not_import_the_registry() -> None:
    import ast
    from pathlib import Path

    package = Path(wi.__file__).parent
    for module in ("keras.py", "_config.py"):
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not imported & {"registry", "cli", "report"}, module
