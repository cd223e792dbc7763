"""Every registered initializer draws from the law it declares.

Each case goes through :func:`weightinit.testing.assert_initializer` (moments,
support, Kolmogorov-Smirnov, structure, identical units) at its default
alpha of 1e-6, with a fixed seed, on float32 and float64, for every shape and
layout of a small set that the scheme accepts. A new initializer is picked up
from the registry, with the example values its definition gives parameters
without default; only schemes with parameters worth varying are named here.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY, REQUIRED_PARAMS

import weightinit as wi
from weightinit.testing import assert_initializer

SHAPES: tuple[tuple[tuple[int, ...], str], ...] = (
    ((256, 128), "keras"),
    ((96, 320), "torch"),
    ((3, 3, 32, 64), "keras"),
    ((64, 32, 3, 3), "torch"),
    ((5, 16, 24), "keras"),
)
DTYPES = (np.float32, np.float64)

#: Parameter sets per scheme; a scheme not named here runs with its defaults (and the
#: example values its definition gives parameters without default).
PARAMS: dict[str, tuple[dict[str, Any], ...]] = {
    "constant": ({}, {"value": -0.75}),
    "dirac": ({}, {"groups": 2}),
    "fixed": ({"value": np.linspace(-1.0, 1.0, 256 * 128).reshape(256, 128)},),
    "jax_orthogonal": ({}, {"scale": 2.0, "column_axis": 0}),
    "jax_truncated_normal": ({}, {"stddev": 0.5, "lower": -1.0, "upper": 3.0}),
    "jax_uniform": ({}, {"scale": 3.0}),
    "torch_constant": ({"val": 0.5},),
    "torch_normal": ({}, {"mean": -1.0, "std": 0.25}),
    "torch_uniform": ({}, {"a": -3.0, "b": 2.0}),
    "delta_orthogonal": ({}, {"scale": 2.0}),
    "identity": ({}, {"gain": 0.5}),
    "kaiming_normal": ({}, {"a": 0.1, "mode": "fan_out"}, {"nonlinearity": "tanh"}),
    "kaiming_uniform": ({}, {"a": 0.1, "mode": "fan_out"}, {"nonlinearity": "selu"}),
    "orthogonal": ({}, {"gain": 0.5}),
    "random_normal": ({}, {"mean": 1.0, "stddev": 2.0}),
    "random_uniform": ({}, {"minval": 0.0, "maxval": 2.0}),
    "sparse": ({"sparsity": 0.1}, {"sparsity": 0.75, "std": 0.5}),
    "trunc_normal": (
        {},
        {"a": 2.0, "b": 3.0},
        {"mean": 1.0, "std": 0.02, "a": -2.0, "b": 2.0},
        {"a": -30.0, "b": -29.0},
    ),
    "truncated_normal": (
        {},
        {"lower": -1.0, "upper": 3.0},
        {"mean": 0.5, "lower": 4.0, "upper": 9.0},
    ),
    "uniform_scaling": ({}, {"scale": 3.0}),
    "variance_scaling": tuple(
        {"scale": 0.5, "mode": mode, "distribution": distribution}
        for mode, distribution in (
            ("fan_in", "truncated_normal"),
            ("fan_out", "normal"),
            ("fan_avg", "untruncated_normal"),
            ("fan_geo_avg", "uniform"),
        )
    ),
    "xavier_normal": ({}, {"gain": 5 / 3}),
    "xavier_uniform": ({}, {"gain": 5 / 3}),
}


def _accepts(name: str, shape: tuple[int, ...], layout: str, params: dict[str, Any]) -> bool:
    try:
        wi.get(name).distribution(shape=shape, layout=layout, **params)
    except ValueError:
        return False
    return True


def _case(
    name: str, params: dict[str, Any], shape: tuple[int, ...], layout: str, dtype: type
) -> Any:
    label = f"{name}-{params}-{shape}-{layout}-{np.dtype(dtype).name}"
    # A fixed seed per case, stable across runs and across added cases.
    return pytest.param(name, shape, layout, params, dtype, zlib.crc32(label.encode()), id=label)


CASES = [
    _case(name, params, shape, layout, dtype)
    for name in wi.available()
    if name not in COMPLEX_ONLY  # the kit checks real laws: tests/test_complex.py
    for params in PARAMS.get(name, (REQUIRED_PARAMS.get(name, {}),))
    for shape, layout in SHAPES
    if _accepts(name, shape, layout, params)
    for dtype in DTYPES
]


def test_every_registered_initializer_is_tested() -> None:
    tested = {case.values[0] for case in CASES}
    assert tested == set(wi.available()) - COMPLEX_ONLY
    assert set(PARAMS) <= set(wi.available()), "PARAMS names an unregistered scheme"


@pytest.mark.parametrize(("name", "shape", "layout", "params", "dtype", "seed"), CASES)
def test_initializer_follows_its_law(
    name: str, shape: tuple[int, ...], layout: str, params: dict[str, Any], dtype: type, seed: int
) -> None:
    assert_initializer(wi.get(name), shape, rng=seed, layout=layout, dtype=dtype, **params)
