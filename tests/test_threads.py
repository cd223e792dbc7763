"""Concurrent calls from many threads lose nothing and duplicate nothing.

- With their own int seeds, calls in threads return exactly what the same
  calls return one after another.
- With one shared ``Generator``, every NumPy draw holds the bit generator's
  lock, so no two calls ever receive the same random numbers; which call gets
  which part of the stream depends on scheduling. A call that draws once (a
  small array of a plain uniform or normal law) is atomic, so the calls'
  results are those of *some* sequential order.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from cases import REQUIRED_PARAMS, call_options

import weightinit as wi

THREADS = 8
CALLS = 24


def run_in_threads(calls: list[Callable[[], np.ndarray]]) -> list[np.ndarray]:
    """Run ``calls`` on THREADS threads that all start together; results in call order."""
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> list[tuple[int, np.ndarray]]:
        barrier.wait()
        return [(i, calls[i]()) for i in range(index, len(calls), THREADS)]

    with ThreadPoolExecutor(THREADS) as pool:
        parts = list(pool.map(worker, range(THREADS)))
    results: list[Any] = [None] * len(calls)
    for part in parts:
        for i, array in part:
            results[i] = array
    return results


def sample_case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    """A shape and parameters (and call options) every registered initializer accepts."""
    shape, params = _sample_case(name)
    return shape, {**params, **call_options(name)}


def _sample_case(name: str) -> tuple[tuple[int, ...], dict[str, Any]]:
    return {
        "dirac": ((4, 4, 3, 3), {}),
        "delta_orthogonal": ((3, 3, 4, 8), {}),
        "sparse": ((24, 16), {"sparsity": 0.25}),
        "torch_constant": ((24, 16), {"val": 0.5}),
        "fixed": ((2, 2), {"value": np.eye(2)}),
    }.get(name, ((24, 16), dict(REQUIRED_PARAMS.get(name, {}))))


@pytest.mark.parametrize("name", wi.available())
def test_own_seeds_equal_sequential_results(name: str) -> None:
    init = wi.get(name)
    shape, params = sample_case(name)
    seeds = list(range(THREADS * 4))
    sequential = [init(shape, rng=seed, **params) for seed in seeds]
    threaded = run_in_threads([lambda s=seed: init(shape, rng=s, **params) for seed in seeds])
    for seed, one, other in zip(seeds, sequential, threaded, strict=True):
        np.testing.assert_array_equal(one, other, err_msg=f"{name} seed={seed}")


@pytest.mark.parametrize(
    "init", [wi.glorot_uniform, wi.he_normal, wi.trunc_normal, wi.orthogonal], ids=lambda i: i.name
)
def test_own_seeds_equal_sequential_results_for_large_arrays(init: wi.Initializer) -> None:
    # Larger than one block of the engine, so each call also runs on the pool.
    shape = (600, 500)
    seeds = [11, 12, 13, 14, 15, 16, 17, 18]
    sequential = [init(shape, dtype=np.float32, rng=seed) for seed in seeds]
    threaded = run_in_threads([lambda s=s: init(shape, dtype=np.float32, rng=s) for s in seeds])
    for one, other in zip(sequential, threaded, strict=True):
        np.testing.assert_array_equal(one, other)


@pytest.mark.parametrize(
    "init",
    [wi.glorot_uniform, wi.kaiming_normal, wi.random_normal, wi.he_normal, wi.trunc_normal],
    ids=lambda i: i.name,
)
@pytest.mark.parametrize("shape", [(16, 16), (600, 500)], ids=["one block", "blocks"])
def test_shared_generator_gives_some_sequential_order(
    init: wi.Initializer, shape: tuple[int, int]
) -> None:
    # A call draws from the generator once (its call seed), whatever its size:
    # each call is atomic.
    generator = np.random.default_rng(2026)
    threaded = run_in_threads([lambda: init(shape, rng=generator)] * (THREADS * CALLS))
    fresh = np.random.default_rng(2026)
    sequential = [init(shape, rng=fresh) for _ in range(THREADS * CALLS)]
    # The same arrays, each exactly once, whatever order the threads ran in.
    assert sorted(a.tobytes() for a in threaded) == sorted(a.tobytes() for a in sequential)


@pytest.mark.parametrize(
    ("init", "support"),
    [(wi.glorot_uniform, None), (wi.he_normal, None), (wi.trunc_normal, (-2.0, 2.0))],
    ids=["glorot_uniform", "he_normal", "trunc_normal"],
)
def test_shared_generator_never_duplicates_draws(
    init: wi.Initializer, support: tuple[float, float] | None
) -> None:
    # Several blocks per call, filled by the pool while other calls run.
    shape = (600, 500)
    generator = np.random.default_rng(7)
    results = run_in_threads([lambda: init(shape, rng=generator)] * (THREADS * 2))
    if support is None:
        low, high = init.distribution(shape=shape).support
    else:
        low, high = support
    blocks: set[bytes] = set()
    for array in results:
        assert array.shape == shape and np.isfinite(array).all()
        assert low <= array.min() and array.max() <= high
        flat = array.reshape(-1)
        # A stream handed out twice would repeat whole blocks of values.
        for start in range(0, flat.size, 16):
            block = flat[start : start + 16].tobytes()
            assert block not in blocks, "two calls received the same random numbers"
            blocks.add(block)


# --- Ctrl-C ----------------------------------------------------------------------------

#: A child that fills on two threads in a loop until its deadline, taking every
#: SIGINT that lands inside a fill as KeyboardInterrupt, then checks that a fill
#: gives the usual result and that the helper is back at work.
STORM_CHILD = r"""
import signal, sys, threading, time
import numpy as np
import weightinit as wi
from weightinit import _engine

wi.set_workers(2)
out = np.empty(2**20, np.float32)
expected = wi.random_uniform(out=out, rng=7).copy()
armed = False


def interrupt(signum, frame):
    if armed:  # only inside a fill: the loop itself must survive the storm
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, interrupt)
deadline = time.monotonic() + float(sys.argv[1])
print("ready", flush=True)
interrupted = 0
while time.monotonic() < deadline:
    try:
        armed = True
        wi.random_uniform(out=out, rng=interrupted % 3)
        armed = False
    except KeyboardInterrupt:
        armed = False
        interrupted += 1
same = bool(np.array_equal(wi.random_uniform(out=out, rng=7), expected))
used = set()


def note(block):
    used.add(threading.get_ident())
    time.sleep(0.02)


_engine.threads._run_blocks(note, list(range(12)), None)  # the helper takes blocks again
print(interrupted, same, len(used) == 2, flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_a_storm_of_ctrl_c_never_freezes_a_fill() -> None:
    # SIGINT every 0.2-3 ms at a process filling on two threads: each trial must
    # end on its own, every interrupt propagated, and the process still work.
    pace = random.Random(2)
    for trial in range(3):
        storm = 1.0
        child = subprocess.Popen(
            [sys.executable, "-c", STORM_CHILD, str(storm + 0.3)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
            end = time.monotonic() + storm
            while time.monotonic() < end and child.poll() is None:
                child.send_signal(signal.SIGINT)
                time.sleep(pace.uniform(0.0002, 0.003))
            out, err = child.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            pytest.fail(f"trial {trial}: the process froze under Ctrl-C")
        assert child.returncode == 0, err
        interrupted, same, idle = out.split()
        assert int(interrupted) > 0, "no interrupt landed inside a fill"
        assert same == "True", "a fill after the storm gave another result"
        assert idle == "True", "a helper stayed busy"
