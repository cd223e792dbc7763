"""Limits and ``out=``: refused before allocating; every kind of view filled in place."""

from __future__ import annotations

import math
import os
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY, REQUIRED_PARAMS, first_shape

import weightinit as wi
from weightinit import _engine
from weightinit._validation import check_allocation, machine_memory

# Real out= arrays; complex-only schemes fill complex ones in tests/test_complex.py.
INITIALIZERS = [wi.get(name) for name in wi.available() if name not in COMPLEX_ONLY]


def case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A (3, 4, 8, 16) array suits the kernels; the rank-2 schemes get (16, 8)."""
    if name == "fixed":
        return (16, 8), {"value": np.arange(128.0).reshape(16, 8)}
    return first_shape(name, ((3, 4, 8, 16), (16, 8))), REQUIRED_PARAMS.get(name, {})


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
        (np.zeros((4, 4), dtype=np.clongdouble), TypeError, "out.dtype must be float16"),
        (np.zeros((4, 4), dtype=">f8"), TypeError, "out.dtype must be float16"),
        (np.zeros((4, 4)).tolist(), TypeError, "out must be a numpy.ndarray"),
        (np.broadcast_to(np.zeros(4), (4, 4)), ValueError, "out must be a writeable array"),
    ],
    ids=["int32", "complex256", "big-endian", "list", "broadcast (read-only)"],
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


#: Views of a few MiB, larger than a block, none of them C-contiguous.
LARGE_VIEWS: dict[str, Callable[[tuple[int, int], Any], np.ndarray]] = {
    "fortran order": lambda shape, dtype: np.zeros(shape, dtype, order="F"),
    "transposed": lambda shape, dtype: np.zeros(shape[::-1], dtype).T,
    "sliced": lambda shape, dtype: np.zeros((shape[0], shape[1] + 3), dtype)[:, 2:-1],
    "negative strides": lambda shape, dtype: np.zeros(shape, dtype)[::-1, ::-1],
    "every other column": lambda shape, dtype: np.zeros((shape[0], 2 * shape[1]), dtype)[:, ::2],
}


#: What two threads' scratch arrays may add up to while filling.
SCRATCH = 3 << 20


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("view", LARGE_VIEWS, ids=list(LARGE_VIEWS))
@pytest.mark.parametrize(
    "init", [wi.random_normal, wi.glorot_uniform, wi.trunc_normal], ids=lambda i: i.name
)
def test_a_non_contiguous_out_needs_no_copy_of_its_size(
    init: wi.Initializer, view: str, dtype: type
) -> None:
    shape = (2048, 1600)  # 12.5 blocks of the engine; 6.25 MiB in float16
    out = LARGE_VIEWS[view](shape, dtype)
    assert not out.flags.c_contiguous
    expected = init(shape, dtype=dtype, rng=5)
    with wi.set_workers(2):
        # The threads' scratch arrays exist before measuring: twice, since a thread that
        # still held other dtypes' scratch from earlier tests drops all of it after the first.
        init(out=out, rng=4)
        init(out=out, rng=4)
        tracemalloc.start()
        try:
            result = init(out=out, rng=5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result is out
    np.testing.assert_array_equal(out, expected)
    # Scratch per thread (a block's buffer and its random bits), not a copy of the array.
    assert peak < SCRATCH <= out.nbytes // 2, peak


def test_a_non_contiguous_out_of_a_region_is_the_region() -> None:
    shape = (3000, 700)
    region = (slice(500, 2900), slice(3, 600))
    out = np.zeros((2400, 597), dtype=np.float32, order="F")
    wi.he_normal(shape, dtype=np.float32, rng=2, region=region, out=out)
    np.testing.assert_array_equal(out, wi.he_normal(shape, dtype=np.float32, rng=2)[region])


class Guarded(np.ndarray):  # type: ignore[type-arg]
    """An array subclass with its own arithmetic and indexing, as units or tracking types have."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise TypeError("Guarded arrays take no ufuncs")

    def __getitem__(self, index: Any) -> Any:
        return np.asarray(self)[index] * 0  # a copy: writes through it are lost


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["matrix", "custom subclass"])
def test_an_out_of_an_ndarray_subclass_gets_the_exact_values(kind: str, dtype: type) -> None:
    shape = (1024, 512)  # 2**19 elements: more than one block
    base = np.zeros(shape, dtype=dtype)
    out = np.asmatrix(base) if kind == "matrix" else base.view(Guarded)
    expected = wi.he_normal(shape, dtype=dtype, rng=9)
    for workers in (1, 2):
        base[...] = 0
        with wi.set_workers(workers):
            result = wi.he_normal(out=out, rng=9)
        assert result is out and type(result) is type(out)
        np.testing.assert_array_equal(base, expected)


# --- reach: what each sampler can produce in each dtype, checked on both sides -----------


class _ExtremeWords:
    """A stand-in generator whose bit generator returns one raw 64-bit word, always."""

    def __init__(self, word: int) -> None:
        self.bit_generator = self
        self.word = np.uint64(word)

    def random_raw(self, size: int) -> np.ndarray:
        return np.full(size, self.word, dtype=np.uint64)


def _largest_accepted(accepts: Callable[[float], bool], low: float, high: float) -> float:
    """The largest float in ``[low, high)`` that ``accepts``, which holds at low and not at high."""
    assert accepts(low) and not accepts(high)
    while np.nextafter(low, high) < high:
        middle = low / 2 + high / 2
        if middle in (low, high):
            break
        low, high = (middle, high) if accepts(middle) else (low, middle)
    return low


def _normal_accepts(dtype: Any) -> Callable[[float], bool]:
    return lambda stddev: wi.random_normal.distribution(1, 1, stddev=stddev).refusal(dtype) is None


def _uniform_accepts(dtype: Any) -> Callable[[float], bool]:
    def accepts(half: float) -> bool:
        law = wi.random_uniform.distribution(1, 1, minval=-half, maxval=half)
        return law.refusal(dtype) is None

    return accepts


def _box_muller_extreme(stddev: float) -> np.ndarray:
    """The float32 normal sampler's sample for the word 0, its largest radius at angle 0."""
    piece = np.empty(1, dtype=np.float32)  # one radius, at the angle of the word 0
    _engine.kernels._box_muller(piece, _ExtremeWords(0), stddev)  # type: ignore[arg-type]
    return piece


def _uniform32_extremes(half: float) -> np.ndarray:
    """The float32 uniform sampler's samples for k = -2**23 and 2**23 - 1, its extremes."""
    piece = np.empty(2, dtype=np.float32)
    _engine.kernels._uniform32(piece, _ExtremeWords(0x7FFFFFFF_80000000), half)  # type: ignore[arg-type]
    return piece


def test_float16_normal_reach_is_the_float32_sampler_radius() -> None:
    assert np.isfinite(wi.random_normal((1000,), stddev=2000.0, dtype=np.float16, rng=0)).all()
    best = _largest_accepted(_normal_accepts(np.float16), 2000.0, 20000.0)
    assert 9680.0 < best < 9690.0  # 65520 / 6.7637 (NORMAL32_LIMIT), not 65504 / 40
    with np.errstate(over="ignore"):
        assert np.isfinite(_box_muller_extreme(best).astype(np.float16)).all()
        assert np.isinf(_box_muller_extreme(float(np.nextafter(best, np.inf))).astype(np.float16))[
            0
        ]
    assert np.isfinite(wi.random_normal((100,), stddev=best, dtype=np.float16, rng=0)).all()
    with pytest.raises(ValueError, match=r"stddev=9.*beyond the range of dtype=float16"):
        wi.random_normal((100,), stddev=float(np.nextafter(best, np.inf)), dtype=np.float16, rng=0)


def test_float32_normal_reach_is_the_sampler_radius() -> None:
    best = _largest_accepted(_normal_accepts(np.float32), 1e36, 1e38)
    assert 5.0e37 < best < 5.1e37  # 3.4e38 / 6.7637
    with np.errstate(over="ignore"):
        assert np.isfinite(_box_muller_extreme(best)).all()
        assert np.isinf(_box_muller_extreme(float(np.nextafter(best, np.inf))))[0]


def test_float64_normal_reach_is_the_ziggurat_tail() -> None:
    w = wi.random_normal((1000,), stddev=1.31e307, rng=0)  # 13.71 sigma fits, not 40 sigma
    assert np.isfinite(w).all()
    with pytest.raises(ValueError, match=r"stddev=1\.312e"):
        wi.random_normal((4,), stddev=1.312e307, rng=0)


@pytest.mark.parametrize(
    ("dtype", "low", "high", "largest"),
    [(np.float16, 40000.0, 1e5, 65519.0), (np.float32, 3.4e38, 1e300, None)],
    ids=["float16", "float32"],
)
def test_uniform_reach_is_the_bounds_not_the_width(
    dtype: Any, low: float, high: float, largest: float | None
) -> None:
    w = wi.random_uniform((1000,), minval=-low, maxval=low, dtype=dtype, rng=0)
    assert np.isfinite(w).all()
    best = _largest_accepted(_uniform_accepts(dtype), low, high)
    if largest is not None:
        assert largest <= best < 65520.0  # -65520 rounds to -inf in float16
    else:
        assert best >= float(np.finfo(np.float32).max)  # the largest float32 itself
    with np.errstate(over="ignore"):
        assert np.isfinite(_uniform32_extremes(best).astype(dtype)).all()
        beyond = _uniform32_extremes(float(np.nextafter(best, np.inf))).astype(dtype)
    assert np.isinf(beyond[0])
    assert np.isfinite(
        wi.random_uniform((100,), minval=-best, maxval=best, dtype=dtype, rng=0)
    ).all()
    with pytest.raises(ValueError, match=r"minval=-.*beyond the range"):
        wi.random_uniform((4,), minval=-np.nextafter(best, np.inf), maxval=best, dtype=dtype)


def test_truncated_normal_reach_follows_its_proposals() -> None:
    # Normal proposals in float32 stop at 6.76 sigma, as random_normal's draws do.
    w = wi.trunc_normal((1000,), std=2000.0, a=-math.inf, b=math.inf, dtype=np.float16, rng=0)
    assert np.isfinite(w).all()
    # Bounds within range: the scale may exceed float16's range, it is applied in float32.
    w = wi.trunc_normal((1000,), std=1e5, a=-1.0, b=1.0, dtype=np.float16, rng=0)
    assert np.isfinite(w).all() and abs(w).max() <= 1.0
    # A far tail with no upper bound: values near a, which float32 cannot hold.
    with pytest.raises(ValueError, match=r"a=8e\+38.*beyond the range of dtype=float32"):
        wi.trunc_normal((4,), std=8e36, a=8e38, b=math.inf, dtype=np.float32, rng=0)
    w = wi.trunc_normal((1000,), std=1e36, a=1e38, b=math.inf, dtype=np.float32, rng=0)
    assert np.isfinite(w).all() and w.min() >= np.float32(1e38)


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
    # A shape the scheme cannot take is refused for that first (orthogonal needs a matrix).
    unfit = init is wi.orthogonal and len(kwargs.get("shape", (0, 0))) == 1
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="rank >= 2" if unfit else "of memory") as raised:
            init(**kwargs, rng=generator)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak
    assert unfit or str(raised.value).startswith(f"{named} asks for 8.0 TiB")
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


# --- what the memory check counts -----------------------------------------------------------


@pytest.fixture
def small_machine(monkeypatch: pytest.MonkeyPatch) -> int:
    """A machine of 1 MiB, whose memory check applies to every array."""
    from weightinit import _validation

    monkeypatch.setattr(_validation, "machine_memory", lambda: 1 << 20)
    monkeypatch.setattr(_validation, "ALLOCATION_CHECKED", 0)
    return 1 << 20


@pytest.mark.parametrize("order", ["C", "F"])
def test_an_out_larger_than_memory_is_filled_in_place(small_machine: int, order: str) -> None:
    out = np.zeros((512, 1024), dtype=np.float32, order=order)  # 2 MiB: twice the "machine"
    assert out.nbytes > small_machine
    wi.glorot_uniform(out=out, rng=3)
    with pytest.raises(ValueError, match=r"shape=\(512, 1024\) asks for 2\.0 MiB"):
        wi.glorot_uniform((512, 1024), dtype=np.float32, rng=3)
    expected = np.zeros((512, 1024), dtype=np.float32)
    wi.glorot_uniform(out=expected, rng=3)
    np.testing.assert_array_equal(out, expected)


def test_a_structured_law_counts_the_whole_array_for_a_region() -> None:
    gen = np.random.default_rng(1)
    state = gen.bit_generator.state
    for init in (wi.orthogonal, wi.sparse.partial(sparsity=0.5), wi.identity):
        with pytest.raises(ValueError, match="of memory"):
            init((10**6, 10**6), rng=gen, region=(slice(0, 1),))
    assert gen.bit_generator.state == state


def test_orthogonal_counts_its_float64_working_copy(small_machine: int) -> None:
    out = np.zeros((256, 1024), dtype=np.float16)  # 512 KiB, but a 2 MiB float64 copy
    with pytest.raises(ValueError, match="of memory"):
        wi.orthogonal(out=out, rng=0)
    wi.orthogonal(out=np.zeros((128, 256), dtype=np.float16), rng=0)


def test_a_law_samples_with_the_calls_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from weightinit.distributions import Normal

    law = Normal(0.0, 1.0)
    gen = np.random.default_rng(2)
    state = gen.bit_generator.state
    monkeypatch.setenv("WEIGHTINIT_WORKERS", "0")
    with pytest.raises(ValueError, match="WEIGHTINIT_WORKERS"):
        law.sample((4, 4), rng=gen)
    monkeypatch.delenv("WEIGHTINIT_WORKERS")
    with pytest.raises(ValueError, match="of memory"):
        law.sample((2**40,), rng=gen)
    with pytest.raises(TypeError, match="dtype must be float16, float32 or float64"):
        law.sample((4,), dtype="int32", rng=gen)
    assert gen.bit_generator.state == state
    half = wi.constant.distribution(shape=(2, 2), value=0.5)
    with pytest.raises(ValueError, match="cannot hold exactly"):
        half.sample((2, 2), dtype=np.int32)
    with pytest.raises(TypeError, match="numeric dtype"):
        half.sample((2, 2), dtype="U3")
    with pytest.raises(ValueError, match="overflow"):
        wi.identity.distribution(shape=(2, 2), gain=1e6).sample((2, 2), dtype=np.float16)
    assert law.sample((3,), dtype=np.float32, rng=5).dtype == np.float32
