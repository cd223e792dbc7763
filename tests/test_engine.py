"""The sampling engine: reproducibility by block, regions, memmaps, workers, quality."""

from __future__ import annotations

import doctest
import math
import signal
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY, REQUIRED_PARAMS
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import _engine
from weightinit.testing import assert_moments, normal_quantile

ALPHA = 1e-6


def _initializer(name: str) -> wi.Initializer:
    init = wi.get(name)
    assert isinstance(init, wi.Initializer)
    return init.partial(**REQUIRED_PARAMS.get(name, {}))


def _shape_for(name: str, rows: int, cols: int) -> tuple[int, ...]:
    if name in ("delta_orthogonal", "dirac"):
        return (3, 3, rows % 7 + 1, cols % 7 + 1)
    return (rows, cols)


# Real dtypes; complex-only schemes' workers and regions are in tests/test_complex.py.
RANDOM = [name for name in wi.available() if wi.get(name).random and name not in COMPLEX_ONLY]
ELEMENTWISE = ["glorot_uniform", "he_normal", "kaiming_normal", "trunc_normal", "random_uniform"]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blocks of 64 elements and chunks of 16, so small arrays span many blocks."""
    monkeypatch.setattr(_engine.blocks, "BLOCK", 64)
    monkeypatch.setattr(_engine.blocks, "CHUNK", 16)
    yield


# --- a Kolmogorov-Smirnov test with a bound that holds for every n ---------------------


def assert_cdf(sample: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray]) -> None:
    """sup |F_n - F| within the Dvoretzky-Kiefer-Wolfowitz-Massart bound at ALPHA.

    P(sup |F_n - F| > eps) <= 2 exp(-2 n eps**2) for any continuous F
    (Massart, 1990), so a correct sampler fails with probability <= ALPHA.
    """
    x = np.sort(np.asarray(sample, dtype=np.float64).ravel())
    n = x.size
    f = cdf(x)
    above = np.arange(1, n + 1) / n - f
    below = f - np.arange(n) / n
    distance = max(float(above.max()), float(below.max()))
    bound = math.sqrt(math.log(2.0 / ALPHA) / (2.0 * n))
    assert distance <= bound, f"KS distance {distance:.3g} > {bound:.3g} for n={n}"


def _phi(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * (1.0 + erf(x / math.sqrt(2.0)))


def _upper(x: np.ndarray | float) -> np.ndarray:
    erfc = np.vectorize(math.erfc, otypes=[float])
    return 0.5 * erfc(np.asarray(x, dtype=float) / math.sqrt(2.0))


def _truncated_cdf(a: float, b: float) -> Callable[[np.ndarray], np.ndarray]:
    """CDF of N(0, 1) on [a, b], written with upper tails when a >= 0 (no cancellation)."""
    if a >= 0:
        qa, qb = float(_upper(a)), float(_upper(b))
        return lambda x: (qa - _upper(x)) / (qa - qb)
    pa, pb = float(_phi(np.array(a))), float(_phi(np.array(b)))
    return lambda x: (_phi(x) - pa) / (pb - pa)


def _binomial_ok(count: int, n: int, p: float) -> bool:
    """Two-sided normal-approximation test of a count, with a +-3 slack for tiny p."""
    spread = math.sqrt(n * p * (1 - p))
    return abs(count - n * p) <= normal_quantile(ALPHA / 2) * spread + 3


# --- reproducibility ---------------------------------------------------------------------


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_result_for_any_worker_count(name: str, dtype: type) -> None:
    init = _initializer(name)
    # Over 2**18 elements: at least two blocks (orthogonal's normal matrix too).
    shape = (520, 510) if name == "orthogonal" else _shape_for(name, 700, 1000)
    with wi.set_workers(1):
        expected = init(shape, dtype=dtype, rng=11)
    for workers in (2, 3, 7):
        with wi.set_workers(workers):
            assert np.array_equal(init(shape, dtype=dtype, rng=11), expected), workers


@pytest.mark.parametrize("name", RANDOM)
def test_region_is_the_slice_of_the_whole(name: str, small_blocks: None) -> None:
    init = _initializer(name)
    shape = _shape_for(name, 23, 17)
    whole = init(shape, dtype=np.float32, rng=3)
    for region in [(slice(5, 19),), (slice(2, 3), slice(4, 16)), (slice(0, 23), slice(16, 17))]:
        part = init(shape, dtype=np.float32, rng=3, region=region)
        assert np.array_equal(part, whole[region]), region


@given(
    shape=st.lists(st.integers(0, 9), min_size=1, max_size=3).map(tuple),
    data=st.data(),
    name=st.sampled_from(ELEMENTWISE),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    workers=st.sampled_from([1, 2, 3]),
)
def test_any_region_of_an_elementwise_scheme(
    shape: tuple[int, ...], data: st.DataObject, name: str, dtype: type, workers: int
) -> None:
    # Patched by hand: hypothesis runs one fixture instance for every example.
    blocks = _engine.blocks
    block, chunk = blocks.BLOCK, blocks.CHUNK
    blocks.BLOCK, blocks.CHUNK = 8, 4
    try:
        depth = data.draw(st.integers(1, len(shape)))
        region = []
        for size in shape[:depth]:
            start = data.draw(st.integers(0, size))
            region.append(slice(start, data.draw(st.integers(start, size))))
        init = _initializer(name)
        fans = {"fan_in": 5, "fan_out": 5}  # zero-size shapes have no fan to scale by
        whole = init(shape, dtype=dtype, rng=7, **fans)
        with wi.set_workers(workers):
            part = init(shape, dtype=dtype, rng=7, region=tuple(region), **fans)
    finally:
        blocks.BLOCK, blocks.CHUNK = block, chunk
    assert part.dtype == np.dtype(dtype)
    assert np.array_equal(part, whole[tuple(region)])


def test_region_fills_out_of_the_region_shape() -> None:
    whole = wi.he_uniform((600, 900), rng=2)
    out = np.empty((100, 900))
    assert wi.he_uniform((600, 900), rng=2, region=slice(250, 350), out=out) is out
    assert np.array_equal(out, whole[250:350])


@pytest.mark.parametrize(
    ("region", "error"),
    [
        ((slice(0, 4, 2),), ValueError),
        ((1,), TypeError),
        ((slice(None),) * 3, ValueError),
        ("rows", TypeError),
    ],
)
def test_bad_regions_are_refused(region: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="region"):
        wi.glorot_uniform((4, 5), rng=0, region=region)


def test_out_must_have_the_region_shape() -> None:
    with pytest.raises(ValueError, match="region's shape"):
        wi.glorot_uniform((4, 5), rng=0, region=slice(0, 2), out=np.empty((4, 5)))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_memmap_is_filled_in_place(tmp_path: Any, dtype: type) -> None:
    shape = (300, 2000)
    table = np.memmap(tmp_path / "table.bin", dtype=dtype, mode="w+", shape=shape)
    assert wi.he_normal(out=table, rng=5) is table
    table.flush()
    again = np.memmap(tmp_path / "table.bin", dtype=dtype, mode="r", shape=shape)
    assert np.array_equal(again, wi.he_normal(shape, dtype=dtype, rng=5))


def test_a_generator_gives_the_seed_and_advances() -> None:
    gen = np.random.default_rng(4)
    first = wi.glorot_normal((50, 40), rng=gen)
    second = wi.glorot_normal((50, 40), rng=gen)
    assert not np.array_equal(first, second)
    replay = np.random.default_rng(4)
    assert np.array_equal(wi.glorot_normal((50, 40), rng=replay), first)
    # A bit generator is wrapped and advances the same way.
    bits = np.random.PCG64(4)
    assert np.array_equal(wi.glorot_normal((50, 40), rng=bits), first)
    assert not np.array_equal(wi.glorot_normal((50, 40), rng=bits), first)


def test_int_seeds_and_seed_sequences_are_the_call_seed() -> None:
    a = wi.he_uniform((30, 30), rng=9)
    assert np.array_equal(a, wi.he_uniform((30, 30), rng=np.random.SeedSequence(9)))
    assert not np.array_equal(a, wi.he_uniform((30, 30), rng=10))
    assert not np.array_equal(wi.he_uniform((30, 30)), wi.he_uniform((30, 30)))


def test_the_seed_scheme_is_as_documented() -> None:
    # Block k of a float64 uniform is SFC64(SeedSequence(seed, spawn_key=(0, k))).random().
    size = _engine.BLOCK + 1000
    result = wi.random_uniform(size, minval=0.0, maxval=1.0, rng=21)
    for k, length in ((0, _engine.BLOCK), (1, 1000)):
        child = np.random.SeedSequence(21, spawn_key=(0, k))
        expected = np.random.Generator(np.random.SFC64(child)).random(length)
        assert np.array_equal(result[k * _engine.BLOCK : k * _engine.BLOCK + length], expected)
    # A Generator gives SeedSequence([w0, w1, w2, w3]), w the low 32 bits of four raw outputs.
    words = np.random.default_rng(8).bit_generator.random_raw(4)
    root = [int(word) & 0xFFFFFFFF for word in words]
    result = wi.random_uniform(1000, minval=0.0, maxval=1.0, rng=np.random.default_rng(8))
    child = np.random.SeedSequence(root, spawn_key=(0, 0))
    assert np.array_equal(result, np.random.Generator(np.random.SFC64(child)).random(1000))
    # Large int seeds are split into 32-bit words as SeedSequence splits them.
    for seed in (0, 2**32 - 1, 2**32, 2**100 + 7):
        ours = _engine.call_seed(seed)
        assert np.array_equal(ours.pool, np.random.SeedSequence(seed).pool), seed


def _seed_cases() -> list[np.random.SeedSequence]:
    """Call seeds of every shape SeedSequence takes: short and long entropy, spawn keys, pools."""
    draw = np.random.default_rng(1)
    cases = [_engine.call_seed(seed) for seed in (0, 1, 2**32 - 1, 2**32, 2**127 + 5, 2**300)]
    cases.append(_engine.call_seed(np.random.default_rng(3)))
    cases += [np.random.SeedSequence(list(range(length))) for length in range(7)]
    cases += [np.random.SeedSequence(9, spawn_key=key) for key in ((0,), (2**40, 3), (1, 2, 3))]
    cases += [np.random.SeedSequence(11, pool_size=size) for size in (5, 8)]
    cases.append(np.random.SeedSequence(draw.integers(0, 2**62, 3), spawn_key=(np.int64(4),)))
    cases.append(np.random.SeedSequence(np.arange(5, dtype=np.uint32), spawn_key=(7,)))
    cases.append(np.random.SeedSequence(["12", "0x10", "077", "0"]))  # read as ints
    cases.append(np.random.SeedSequence(3, spawn_key=("5",)))
    cases.append(np.random.SeedSequence(5).spawn(3)[2].spawn(2)[1])
    cases.append(np.random.SeedSequence())  # fresh entropy, held as an int
    return cases


@pytest.mark.parametrize("stream", [0, 1, 2, 2**33 + 1])
def test_stream_seeds_are_numpys_block_generators(stream: int) -> None:
    # The fill's per-block seeding repeats SeedSequence's mixing in Python ints: it must
    # give the very generator block_generator builds with NumPy, for any call seed.
    for seed in _seed_cases():
        seeds = _engine.seeds._StreamSeeds(seed, stream)
        for block in (0, 1, 2, 255, 4096, 2**22 - 1, 2**32 - 1):
            ours = seeds.generator(block).bit_generator.random_raw(8)
            numpy = _engine.block_generator(seed, block, stream).bit_generator.random_raw(8)
            assert np.array_equal(ours, numpy), (seed, stream, block)


def test_stream_tables_depend_on_the_kind_of_seed_alone() -> None:
    # The tables kept for one call seed serve every call seed of the same pool size,
    # entropy length and spawn key: the generators must still be NumPy's for each.
    _engine.seeds._stream_tables.cache_clear()
    kinds = [(1, 2), (2**40, 2**41 + 1), (2**200, 2**201 + 5)]  # same word counts
    for first, second in kinds:
        _engine.seeds._StreamSeeds(_engine.call_seed(first), 1)  # warms the tables
        seed = _engine.call_seed(second)
        seeds = _engine.seeds._StreamSeeds(seed, 1)
        for block in (0, 1, 77):
            ours = seeds.generator(block).bit_generator.random_raw(4)
            numpy = _engine.block_generator(seed, block, 1).bit_generator.random_raw(4)
            assert np.array_equal(ours, numpy), (first, second, block)
    assert _engine.seeds._stream_tables.cache_info().hits >= len(kinds)


def test_an_int_seed_is_kept_and_never_changed() -> None:
    seed = _engine.call_seed(2**70 + 3)
    wi.he_normal((300, 300), rng=2**70 + 3)
    assert _engine.call_seed(2**70 + 3) is seed
    assert np.array_equal(seed.pool, np.random.SeedSequence(2**70 + 3).pool)
    assert seed.spawn_key == () and seed.n_children_spawned == 0


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (64, 64), (512, 512)])
def test_a_one_block_fill_is_block_zeros_draw(
    shape: tuple[int, int], dtype: type, order: str
) -> None:
    # Arrays of one block or less are drawn straight on the calling thread: the same
    # values as block 0's generator and the sampler give, in any layout and dtype.
    seed = _engine.call_seed(9)
    request = _engine.Request(seed, _engine.Window(shape))
    work = np.float64 if dtype == np.float64 else np.float32
    size = shape[0] * shape[1]
    expected = np.empty(size, dtype=work)
    _engine.kernels._standard_normal(expected, _engine.block_generator(seed, 0), 0.5)
    out = np.empty(shape, dtype=dtype, order=order)
    _engine.fill_normal(out, 0.0, 0.5, request)
    np.testing.assert_array_equal(out, expected.astype(dtype).reshape(shape))
    if work == np.float32:
        _engine.kernels._uniform32(expected, _engine.block_generator(seed, 0), 0.25)
        _engine.fill_uniform(out, -0.25, 0.25, request)
        np.testing.assert_array_equal(out, expected.astype(dtype).reshape(shape))


def test_generators_are_not_shared_between_threads() -> None:
    # The call draws its seed once, before any worker starts.
    gen = np.random.default_rng(8)
    state = gen.bit_generator.state
    with wi.set_workers(2):
        wi.he_normal((2000, 1000), rng=gen)
    replay = np.random.default_rng(8)
    replay.bit_generator.state = state
    replay.bit_generator.random_raw(4)
    assert gen.bit_generator.state == replay.bit_generator.state


# --- workers ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["caller", "helper"])
def test_an_error_in_any_thread_reaches_the_caller(where: str) -> None:
    out = np.empty(8 * _engine.BLOCK, dtype=np.float32)
    request = _engine.Request(np.random.SeedSequence(0), _engine.Window(out.shape))
    caller = threading.get_ident()

    def sample(buffer: np.ndarray, gen: np.random.Generator) -> None:
        in_caller = threading.get_ident() == caller
        if in_caller == (where == "caller"):
            raise RuntimeError(where)
        time.sleep(0.01)  # leave blocks for the other thread

    with wi.set_workers(2), pytest.raises(RuntimeError, match=where):
        _engine.fill_blocks(out, request, sample)
    # The helpers are free again: a fill on two threads gives the usual result.
    with wi.set_workers(2):
        threaded = wi.he_normal((1000, 1000), rng=3)
    with wi.set_workers(1):
        assert np.array_equal(threaded, wi.he_normal((1000, 1000), rng=3))


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs signal.pthread_kill")
def test_an_interrupt_while_waiting_frees_the_helpers() -> None:
    caller = threading.get_ident()
    helping = threading.Event()

    def run(block: int) -> None:
        if threading.get_ident() == caller:
            helping.wait(5.0)  # leave blocks to the helpers, then wait for them
        else:
            helping.set()
            time.sleep(0.5)

    # Ctrl-C reaches the caller while it waits for the helpers' blocks.
    timer = threading.Timer(0.2, signal.pthread_kill, (caller, signal.SIGINT))
    with wi.set_workers(3):
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            _engine.threads._run_blocks(run, list(range(4)), None)
        timer.join()
        assert not any(helper.busy for helper in _engine.threads._helpers)
        used: set[int] = set()

        def note(block: int) -> None:
            used.add(threading.get_ident())
            time.sleep(0.05)

        _engine.threads._run_blocks(note, list(range(12)), None)
    assert len(used) == 3, used  # the caller and both helpers again


def test_a_fill_inside_a_fill_keeps_its_own_scratch() -> None:
    shape = (3, _engine.BLOCK)  # windows cut blocks, so both fills use scratch buffers
    region = (slice(1, 3), slice(5, None))
    seed = np.random.SeedSequence(3)
    inner = np.empty((2, _engine.BLOCK - 5), dtype=np.float32)

    def sample(buffer: np.ndarray, gen: np.random.Generator) -> None:
        gen.random(out=buffer, dtype=np.float32)
        request = _engine.Request(seed, _engine.make_window(shape, region))
        _engine.fill_uniform(inner, 0.0, 1.0, request)  # the same thread, nested

    expected = np.empty((2, _engine.BLOCK - 5), dtype=np.float32)
    outer = np.empty_like(expected)
    request = _engine.Request(seed, _engine.make_window(shape, region))
    with wi.set_workers(1):
        _engine.fill_blocks(expected, request, lambda b, g: g.random(out=b, dtype=np.float32))
        _engine.fill_blocks(outer, request, sample)
    assert np.array_equal(outer, expected)


def test_threads_keep_little_scratch_between_calls() -> None:
    with wi.set_workers(1):
        # A narrow interval: the uniform proposal, with its extra scratch arrays.
        wi.trunc_normal((4, _engine.BLOCK), a=1.1, b=1.1001, dtype=np.float64, rng=0)
    workspace = _engine.workspace._workspace
    kept = sum(array.nbytes for array in workspace.arrays.values())
    assert kept <= _engine.workspace.KEEP_BYTES
    assert workspace.nbytes == kept  # the count the thread keeps, checked at every fill


def test_set_workers_is_a_call_and_a_context_manager() -> None:
    default = wi.get_workers()
    with wi.set_workers(3):
        assert wi.get_workers() == 3
        with wi.set_workers(1):
            assert wi.get_workers() == 1
        assert wi.get_workers() == 3
    assert wi.get_workers() == default
    wi.set_workers(2)
    try:
        assert wi.get_workers() == 2
    finally:
        wi.set_workers(None)
    assert wi.get_workers() == default


def test_the_environment_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_engine.ENV_WORKERS, "5")
    assert wi.get_workers() == 5
    monkeypatch.setenv(_engine.ENV_WORKERS, "many")
    with pytest.raises(ValueError, match="WEIGHTINIT_WORKERS"):
        wi.get_workers()
    monkeypatch.setenv(_engine.ENV_WORKERS, "0")
    with pytest.raises(ValueError, match="WEIGHTINIT_WORKERS"):
        wi.get_workers()


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_bad_worker_counts_are_refused(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="n must be"):
        wi.set_workers(value)


# --- memory and progress -------------------------------------------------------------


@pytest.mark.parametrize("name", ["he_normal", "kaiming_normal", "glorot_uniform", "trunc_normal"])
def test_float32_fills_make_no_float64_temporaries(name: str) -> None:
    init = _initializer(name)
    out = np.empty((4096, 1024), dtype=np.float32)  # 16 MiB; a float64 copy would be 32 MiB
    with wi.set_workers(2):
        init(out=out, rng=0)  # start the worker pool
        tracemalloc.start()
        try:
            init(out=out, rng=0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Per-worker chunk buffers only: far below one float32 copy of the array.
    assert peak < out.nbytes // 4, peak


@pytest.mark.parametrize("layout", ["keras", "torch"])
def test_sparse_float32_makes_no_array_sized_temporaries(layout: str) -> None:
    out = np.empty((2048, 2048), dtype=np.float32)  # 16 MiB; its float64 keys would be 32 MiB
    with wi.set_workers(2):
        wi.sparse(out=out, sparsity=0.3, layout=layout, rng=0)  # start the worker pool
        tracemalloc.start()
        try:
            wi.sparse(out=out, sparsity=0.3, layout=layout, rng=0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < out.nbytes // 2, peak  # a few groups' keys at a time


@pytest.mark.parametrize("batch", [1, 100, 10_000])
@pytest.mark.parametrize("shape", [(300, 37), (37, 300), (5, 2000)])
@pytest.mark.parametrize("layout", ["keras", "torch"])
def test_sparse_by_groups_is_the_same_draw(
    monkeypatch: pytest.MonkeyPatch, batch: int, shape: tuple[int, int], layout: str
) -> None:
    expected = wi.sparse(shape, sparsity=0.4, layout=layout, rng=3)
    monkeypatch.setattr(_engine, "SUBSET_BATCH", batch)  # one group, a few, or all per step
    np.testing.assert_array_equal(wi.sparse(shape, sparsity=0.4, layout=layout, rng=3), expected)
    request = _engine.Request(np.random.SeedSequence(3), _engine.Window(shape))
    whole = _engine.choose_subsets(shape[0], shape[1], 7, request, stream=1)
    part = _engine.choose_subsets(shape[0], shape[1], 7, request, stream=1, rows=(2, 4))
    np.testing.assert_array_equal(part, whole[2:4])


def test_progress_is_shown_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    a = wi.he_normal((1000, 1000), dtype=np.float32, rng=1, progress=True)
    assert "100%" in capsys.readouterr().err
    b = wi.he_normal((1000, 1000), dtype=np.float32, rng=1)
    assert capsys.readouterr().err == ""
    assert np.array_equal(a, b)
    with pytest.raises(TypeError, match="progress"):
        wi.he_normal((3, 3), rng=1, progress="yes")


# --- statistical quality of the fast paths ------------------------------------------------


def test_float32_normal_moments_distribution_and_tails() -> None:
    n = 1 << 22
    x = wi.random_normal(n, mean=0.0, stddev=1.0, dtype=np.float32, rng=31)
    assert x.dtype == np.float32
    assert_moments(x, mean=0.0, variance=1.0, alpha=ALPHA)
    assert_moments(x * x, mean=1.0, variance=2.0, alpha=ALPHA)  # the 4th moment is 3
    assert_cdf(x[: 1 << 20], _phi)
    magnitude = np.abs(x).astype(np.float64)
    for level in (2.0, 3.0, 4.0, 4.5, 5.0):
        count = int((magnitude > level).sum())
        assert _binomial_ok(count, n, 2 * float(_upper(level))), (level, count)
    assert magnitude.max() <= _engine.NORMAL32_LIMIT


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("stddev", [1e-30, 1e-16, 1e16, 2.0**64, 1e36])
def test_float32_normal_at_extreme_scales(stddev: float) -> None:
    # Scales whose square leaves float32 (under- or overflows) still give normals of
    # that scale, with no warning: a tiny stddev once gave zeros, a huge one infinities.
    n = 1 << 16
    x = wi.random_normal(n, mean=0.0, stddev=stddev, dtype=np.float32, rng=17)
    z = x.astype(np.float64) / stddev
    assert np.isfinite(z).all()
    assert_moments(z, mean=0.0, variance=1.0, alpha=ALPHA)
    assert np.abs(z).max() <= _engine.NORMAL32_LIMIT * (1 + 1e-6)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("half", [1e-30, 1e-36, 1e-38, 1e-40])
def test_float32_uniform_of_a_tiny_width(half: float) -> None:
    # Half-widths near and below float32's smallest normal number: the law keeps its
    # variance (a scale factor rounded to a subnormal once made it 38% too large, or 0).
    x = wi.random_uniform(1 << 16, minval=-half, maxval=half, dtype=np.float32, rng=23)
    u = x.astype(np.float64) / half
    assert np.abs(u).max() <= 1.0
    assert_moments(u, mean=0.0, variance=1.0 / 3.0, alpha=ALPHA)


def test_float32_normal_tail_up_to_the_documented_limit() -> None:
    # Conditioned on |z| > 3.5 the tail must follow the normal's, up to 6.76.
    x = wi.random_normal(1 << 24, mean=0.0, stddev=1.0, dtype=np.float32, rng=41)
    tail = np.abs(x[np.abs(x) > 3.5]).astype(np.float64)
    q = float(_upper(3.5))
    assert_cdf(tail, lambda t: 1.0 - _upper(t) / q)


def test_float32_uniform_distribution() -> None:
    x = wi.random_uniform(1 << 20, minval=-2.0, maxval=3.0, dtype=np.float32, rng=5)
    assert_cdf(x, lambda t: (t + 2.0) / 5.0)
    assert_moments(x, mean=0.5, variance=25 / 12, alpha=ALPHA)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("mean", "std", "a", "b"),
    [
        (0.0, 1.0, -2.0, 2.0),  # the usual case: rejection from the normal
        (0.0, 0.02, -2.0, 2.0),  # absolute bounds at +-100 sigma
        (0.0, 1.0, 2.0, 3.0),  # a tail only
        (0.0, 1.0, 8.0, 9.0),  # far in the tail: translated exponential
        (1.0, 1.0, 1.1, 1.1001),  # a narrow interval: uniform proposal
        (0.0, 1.0, -math.inf, -3.0),  # mirrored half-line
    ],
)
def test_truncated_normal_is_exact(
    mean: float, std: float, a: float, b: float, dtype: type
) -> None:
    x = wi.trunc_normal(1 << 19, mean=mean, std=std, a=a, b=b, dtype=dtype, rng=13)
    assert x.dtype == np.dtype(dtype)
    assert float(x.min()) >= a and float(x.max()) <= b
    lo, hi = (a - mean) / std, (b - mean) / std
    law = wi.trunc_normal.distribution(shape=(4, 4), mean=mean, std=std, a=a, b=b)
    assert_moments(x, mean=law.mean, variance=law.variance, alpha=ALPHA)
    if hi <= 0:  # compare the mirrored sample with the mirrored law
        cdf = _truncated_cdf(-hi, -lo)
        assert_cdf(-(x.astype(np.float64) - mean) / std, cdf)
    elif b - a > 1e-3 or dtype is np.float64:
        # (float32 rounding is coarser than the narrow interval's width)
        assert_cdf((x.astype(np.float64) - mean) / std, _truncated_cdf(lo, hi))


@pytest.mark.parametrize("spares", [0, 1])
@pytest.mark.parametrize(
    ("mean", "std", "a", "b"),
    [(0.0, 1.0, -2.0, 2.0), (0.0, 1.0, 2.0, 3.0), (1.0, 1.0, 1.1, 1.1001)],
)
def test_truncated_normal_without_enough_spares_is_exact(
    monkeypatch: pytest.MonkeyPatch, spares: int, mean: float, std: float, a: float, b: float
) -> None:
    # Spares for the rejected positions run short with probability < 1e-11 per
    # chunk; starve them so every chunk takes the rounds that draw more.
    monkeypatch.setattr(_engine.truncated, "_spares", lambda count, rate: spares)
    x = wi.trunc_normal(1 << 19, mean=mean, std=std, a=a, b=b, dtype=np.float32, rng=17)
    assert float(x.min()) >= a and float(x.max()) <= b
    law = wi.trunc_normal.distribution(shape=(4, 4), mean=mean, std=std, a=a, b=b)
    assert_moments(x, mean=law.mean, variance=law.variance, alpha=ALPHA)
    if b - a > 1e-3:
        assert_cdf(
            (x.astype(np.float64) - mean) / std, _truncated_cdf((a - mean) / std, (b - mean) / std)
        )
    monkeypatch.undo()
    assert not np.array_equal(
        x, wi.trunc_normal(1 << 19, mean=mean, std=std, a=a, b=b, dtype=np.float32, rng=17)
    ), "the starved path was not taken"


def test_spares_cover_the_rejections() -> None:
    # Accepted spares minus rejected positions: mean at least SPARE_MARGIN
    # standard deviations above zero, unless capped for low acceptance.
    for count in (1, 16, 1 << 10, 1 << 18):
        for rate in (1.0 - 1e-12, 0.999, 0.95, 0.6, 0.1, 0.01):
            n = _engine.truncated._spares(count, rate)
            surplus = n * rate - count * (1 - rate)
            spread = math.sqrt((n + count) * rate * (1 - rate))
            assert surplus >= _engine.truncated.SPARE_MARGIN * spread or n == 8 * count + 64
            assert n <= 8 * count + 64
    assert _engine.truncated._spares(1000, 1.0) == 0


def test_the_usage_page_examples_run() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "usage.md"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process:DeprecationWarning")
def test_a_forked_child_starts_its_own_threads() -> None:
    import multiprocessing

    with wi.set_workers(2):
        expected = wi.he_uniform((1000, 1000), rng=1)  # the parent's pool now exists
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            fresh = pool.apply_async(_engine_state).get(timeout=20)
            result = pool.apply_async(_sum_in_child).get(timeout=20)
    assert fresh == (0, None)  # no helper threads, cores to be counted again
    assert result == float(expected.sum())


def _engine_state() -> tuple[int, int | None]:
    return len(_engine.threads._helpers), _engine.threads._cores


def _sum_in_child() -> float:
    with wi.set_workers(2):
        return float(wi.he_uniform((1000, 1000), rng=1).sum())


@pytest.mark.parametrize("value", [_engine.MAX_WORKERS + 1, 10**6])
def test_worker_counts_above_the_maximum_are_refused(value: int) -> None:
    assert _engine.MAX_WORKERS == 256
    with pytest.raises(ValueError, match=f"n must be an int <= 256; got n={value}"):
        wi.set_workers(value)
    with wi.set_workers(_engine.MAX_WORKERS):
        assert wi.get_workers() == 256


@pytest.mark.parametrize("text", ["257", "99999999999999999999", "-3", "2.5"])
def test_an_out_of_range_environment_is_refused_before_drawing(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv(_engine.ENV_WORKERS, text)
    with pytest.raises(ValueError, match=f"WEIGHTINIT_WORKERS.*{text}"):
        wi.get_workers()
    generator = np.random.default_rng(0)
    state = generator.bit_generator.state
    out = np.zeros(4 * _engine.BLOCK, dtype=np.float32)
    with pytest.raises(ValueError, match="WEIGHTINIT_WORKERS must be an int"):
        wi.he_normal(out=out, rng=generator)
    assert generator.bit_generator.state == state and not out.any()
    with wi.set_workers(2):  # an explicit count does not read it
        assert wi.get_workers() == 2


def test_the_default_stops_at_the_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_engine.ENV_WORKERS, raising=False)
    monkeypatch.setattr(_engine.threads, "_cores", 4096)
    assert wi.get_workers() == _engine.MAX_WORKERS
