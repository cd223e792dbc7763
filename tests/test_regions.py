"""``region=`` over any axes: exactly ``full[region]``, drawing only the blocks that hold it."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY, ELEMENTWISE, bound
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import _engine

FANS = {"fan_in": 5, "fan_out": 5}  # zero-size shapes have no fan to scale by


def test_the_elementwise_schemes_are_found() -> None:
    assert {"he_normal", "trunc_normal", "random_uniform", "complex_rayleigh"} <= set(ELEMENTWISE)
    assert not {"orthogonal", "sparse", "identity", "dirac"} & set(ELEMENTWISE)


class _Recorder:
    """Stands in for the engine's per-block seeds and records which blocks are drawn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.blocks: list[int] = []
        lock = threading.Lock()
        base = _engine.blocks._StreamSeeds
        record = self.blocks

        class Seeds(base):  # type: ignore[misc, valid-type]
            def generator(self, block: int) -> np.random.Generator:
                with lock:
                    record.append(block)
                return super().generator(block)

        monkeypatch.setattr(_engine.blocks, "_StreamSeeds", Seeds)


def _needed_blocks(shape: tuple[int, ...], region: tuple[slice, ...], block: int) -> set[int]:
    """The blocks holding an element of ``full[region]``, by brute force."""
    positions = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[region]
    return {int(p) for p in np.unique(positions // block)}


def _region(data: st.DataObject, shape: tuple[int, ...]) -> tuple[slice, ...]:
    """Any step-1 slices (None, negative and out-of-range bounds too) over the first few axes."""
    depth = data.draw(st.integers(0, len(shape)))
    bound = st.none() | st.integers(-12, 12)
    return tuple(
        slice(data.draw(bound), data.draw(bound), data.draw(st.sampled_from([None, 1])))
        for _ in range(depth)
    )


@pytest.fixture
def blocks_of(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_engine.blocks, "BLOCK", 8)
    monkeypatch.setattr(_engine.blocks, "CHUNK", 4)
    yield


@given(
    shape=st.lists(st.integers(0, 9), min_size=1, max_size=4).map(tuple),
    data=st.data(),
    name=st.sampled_from(ELEMENTWISE),
    workers=st.sampled_from([1, 2, 3]),
)
def test_any_region_is_the_slice_of_the_whole(
    shape: tuple[int, ...], data: st.DataObject, name: str, workers: int
) -> None:
    complex_only = name in COMPLEX_ONLY
    dtypes = [np.complex64, np.complex128] if complex_only else [np.float16, np.float32, np.float64]
    dtype = data.draw(st.sampled_from(dtypes))
    region = _region(data, shape)
    init = bound(name)
    # Patched by hand: hypothesis runs one fixture instance for every example.
    blocks = _engine.blocks
    saved = blocks.BLOCK, blocks.CHUNK, blocks._StreamSeeds
    blocks.BLOCK, blocks.CHUNK = 8, 4
    try:
        whole = init(shape, dtype=dtype, rng=7, **FANS)
        drawn: list[int] = []
        base = saved[2]

        class Seeds(base):  # type: ignore[misc, valid-type]
            def generator(self, block: int) -> np.random.Generator:
                drawn.append(block)
                return super().generator(block)

        blocks._StreamSeeds = Seeds
        with wi.set_workers(workers):
            part = init(shape, dtype=dtype, rng=7, region=region, **FANS)
    finally:
        blocks.BLOCK, blocks.CHUNK, blocks._StreamSeeds = saved
    assert part.dtype == np.dtype(dtype)
    assert part.shape == whole[region].shape
    assert np.array_equal(part, whole[region])
    if part.size and part.size != whole.size:
        assert sorted(drawn) == sorted(_needed_blocks(shape, region, 8)), region


@pytest.mark.parametrize(
    ("shape", "region"),
    [
        ((4, 2 * 2**18), (slice(None), slice(0, 10))),  # rows of two blocks: the first of each
        ((4, 2 * 2**18), (slice(1, 3), slice(2**18 - 5, 2**18 + 5))),  # both of rows 1, 2
        ((3, 2, 2**18), (slice(None), slice(1, 2), slice(7, 8))),  # one element per block
        ((2**10, 2**10), (slice(None), slice(3, 4))),  # a column: every block the rows touch
    ],
)
def test_only_the_blocks_holding_the_region_are_drawn(
    shape: tuple[int, ...], region: tuple[slice, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = wi.random_normal(shape, dtype=np.float32, rng=5)
    recorder = _Recorder(monkeypatch)
    part = wi.random_normal(shape, dtype=np.float32, rng=5, region=region)
    assert np.array_equal(part, whole[region])
    assert sorted(recorder.blocks) == sorted(_needed_blocks(shape, region, 2**18))


def test_a_column_of_a_tall_table_takes_no_memory_per_row() -> None:
    shape = (2**20, 64)  # 256 MiB whole in float32; the column is 4 MiB
    with wi.set_workers(1):
        wi.random_normal((4, 4), rng=0)  # warm up the thread's scratch arrays
        tracemalloc.start()
        try:
            column = wi.random_normal(
                shape, dtype=np.float32, rng=3, region=(slice(None), slice(5, 6))
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert column.shape == (2**20, 1)
    assert peak < column.nbytes + (4 << 20), peak  # the result and a few blocks' scratch
    rows = wi.random_normal(shape, dtype=np.float32, rng=3, region=slice(1000, 1010))
    assert np.array_equal(column[1000:1010], rows[:, 5:6])


@pytest.mark.parametrize("order", ["C", "F"])
def test_out_of_a_trailing_region_has_the_region_shape(order: str, blocks_of: None) -> None:
    shape, region = (30, 7, 5), (slice(3, 25), slice(2, 6), slice(1, 2))
    whole = wi.he_uniform(shape, rng=2, dtype=np.float32)
    out = np.empty((22, 4, 1), dtype=np.float32, order=order)  # type: ignore[call-overload]
    assert wi.he_uniform(shape, rng=2, region=region, out=out) is out
    assert np.array_equal(out, whole[region])
    with pytest.raises(ValueError, match="region's shape"):
        wi.he_uniform(shape, rng=2, region=region, out=np.empty((22, 7, 5), dtype=np.float32))


@pytest.mark.parametrize("name", ["orthogonal", "sparse", "identity", "zeros"])
def test_structured_and_constant_schemes_slice_their_whole(name: str) -> None:
    init = bound(name)
    shape, region = (40, 30), (slice(5, 35), slice(10, 12))
    whole = init(shape, rng=4)
    assert np.array_equal(init(shape, rng=4, region=region), whole[region])


def test_a_packed_scheme_takes_a_trailing_region() -> None:
    qkv = wi.packed(wi.glorot_uniform, parts=3, axis=0)
    whole = qkv((96, 40), rng=1)
    region: Any = (slice(20, 80), slice(30, 35))
    assert np.array_equal(qkv((96, 40), rng=1, region=region), whole[region])
