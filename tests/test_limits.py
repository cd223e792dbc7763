"""Limits and ``out=``: refused before allocating; every kind of view filled in place."""

from __future__ import annotations

import os
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit._validation import check_allocation, machine_memory

INITIALIZERS = [wi.get(name) for name in wi.available()]
#: Parameters an initializer cannot be called without.
PARAMS: dict[str, dict[str, Any]] = {"sparse": {"sparsity": 0.25}, "torch_constant": {"val": 0.5}}
#: A (16, 8, 3, 4) array suits the kernels; the rank-2 schemes get (16, 8).
RANK2 = {"eye", "sparse", "fixed"}


def case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    if name == "fixed":
        return (16, 8), {"value": np.arange(128.0).reshape(16, 8)}
    if name == "delta_orthogonal":
        return (3, 4, 8, 16), {}
    return ((16, 8) if name in RANK2 else (3, 4, 8, 16)), PARAMS.get(name, {})


VIEWS: dict[str, Callable[[tuple[int, ...]], np.ndarray]] = {
    "transposed": lambda shape: np.full(shape[::-1], np.nan).T,
    "strided": lambda shape: np.full((*shape[:-1], 3 * shape[-1]), np.nan)[..., ::3],
    "negative strides": lambda shape: np.full(shape, np.nan)[::-1, ::-1],
    "fortran order": lambda shape: np.full(shape, np.nan, order="F"),
    "sliced from a larger array": lambda shape: np.full(tuple(s + 2 for s in shape), np.nan)[
        tuple(slice(1, -1) for _ in shape)
    ],
}


@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
@pytest.mark.parametrize("init", INITIALIZERS, ids=[i.name for i in INITIALIZERS])
def test_every_kind_of_view_is_filled_in_place(init: wi.Initializer, view: str) -> None:
    shape, params = case(init.name)
    out = VIEWS[view](shape)
    assert out.shape == shape and not out.flags.c_contiguous
    base = out.base
    result = init(out=out, rng=3, **params)
    assert result is out
    np.testing.assert_array_equal(out, init(shape, rng=3, **params))
    if base is not None and base.size > out.size:  # the elements around the view are untouched
        assert np.isnan(base).sum() == base.size - out.size


@pytest.mark.parametrize(
    ("out", "error", "match"),
    [
        (np.zeros((4, 4), dtype=np.int32), TypeError, "out.dtype must be float16"),
        (np.zeros((4, 4), dtype=np.complex128), TypeError, "out.dtype must be float16"),
        (np.zeros((4, 4), dtype=">f8"), TypeError, "out.dtype must be float16"),
        (np.zeros((4, 4)).tolist(), TypeError, "out must be a numpy.ndarray"),
        (np.broadcast_to(np.zeros(4), (4, 4)), ValueError, "out must be a writeable array"),
    ],
    ids=["int32", "complex", "big-endian", "list", "broadcast (read-only)"],
)
def test_wrong_out_is_a_clear_error(out: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        wi.glorot_uniform(out=out, rng=0)


def test_read_only_out_is_left_alone() -> None:
    out = np.zeros((4, 4))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="out must be a writeable array"):
        wi.he_normal(out=out, rng=0)
    assert not out.any()


@pytest.mark.parametrize("init", INITIALIZERS, ids=[i.name for i in INITIALIZERS])
def test_refused_huge_request_allocates_nothing(init: wi.Initializer) -> None:
    _, params = case(init.name)
    shape = (2**21, 2**20)  # 2**41 elements: twice the limit
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="at most 1099511627776"):
            init(shape, rng=0, **params)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak  # bookkeeping only, nowhere near one element per entry


def test_limit_is_exact() -> None:
    assert wi.MAX_ELEMENTS == 2**40
    with pytest.raises(ValueError, match="at most"):
        wi.zeros((2**40 + 1,))
    with pytest.raises(ValueError, match="fan_in and fan_out give"):
        wi.he_normal(fan_in=2**21, fan_out=2**20)


MEMORY = machine_memory()
TOO_BIG_FOR_MEMORY = MEMORY is None or MEMORY >= 8 * 2**40


@pytest.mark.skipif(TOO_BIG_FOR_MEMORY, reason="needs a machine with less than 8 TiB of memory")
@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"shape": (2**40,)}, "shape=(1099511627776,)"),  # exactly MAX_ELEMENTS: passes the limit
        ({"shape": (2**20, 2**20)}, "shape=(1048576, 1048576)"),
        ({"fan_in": 2**20, "fan_out": 2**20}, "fan_in=1048576, fan_out=1048576"),
    ],
    ids=["2**40", "2**20 x 2**20", "fans"],
)
@pytest.mark.parametrize("init", [wi.zeros, wi.he_normal, wi.orthogonal], ids=lambda i: i.name)
def test_request_larger_than_memory_is_refused_before_allocating(
    init: wi.Initializer, kwargs: dict[str, Any], named: str
) -> None:
    generator = np.random.default_rng(0)
    state = generator.bit_generator.state
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="of memory") as raised:
            init(**kwargs, rng=generator)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak
    assert str(raised.value).startswith(f"{named} asks for 8.0 TiB")
    assert generator.bit_generator.state == state  # refused before the seed is taken


@pytest.mark.skipif(TOO_BIG_FOR_MEMORY, reason="needs a machine with less than 8 TiB of memory")
def test_memory_limit_applies_to_the_region_only() -> None:
    region = wi.zeros((2**40,), region=slice(0, 3))
    np.testing.assert_array_equal(region, np.zeros(3))
    with pytest.raises(ValueError, match="of memory"):
        wi.zeros((2**40,), region=slice(0, 2**39))


def test_memory_limit_is_this_machines() -> None:
    memory = machine_memory()
    if sys.platform.startswith("linux"):
        assert memory is not None and memory >= os.sysconf("SC_PHYS_PAGES") * os.sysconf(
            "SC_PAGE_SIZE"
        )
    if memory is not None:  # just above: refused; well below: allocated
        with pytest.raises(ValueError, match="of memory"):
            check_allocation((memory // 8 + 1,), np.dtype(np.float64), given="shape=(...)")
        check_allocation((memory // 64,), np.dtype(np.float64), given="shape=(...)")
