"""Measure weightinit against naive NumPy, PyTorch and the machine's raw limits.

Run with ``python benchmarks/run.py`` (a few minutes). It writes
``docs/performance.md``: the machine, the versions and every figure, each
target with its measured value and whether it was met. Pairs are timed side
by side in one process, alternating which runs first, and each figure is the
median over rounds of the per-round ratio. PyTorch rows appear only when
PyTorch is installed; nothing is installed here. The whole-model comparison
(GPT-2 small through ``init_params``) lives in ``benchmarks/gpt2.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import weightinit as wi
from weightinit import _engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dask_zarr  # benchmarks/dask_zarr.py: its own section, kept when the page is rewritten
import gpt2  # benchmarks/gpt2.py: the whole-model comparison

try:  # PyTorch is compared when present, never required.
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

ROOT = Path(__file__).resolve().parent.parent
SIDE = 4096
MATRIX = 1024


@dataclass
class Pair:
    """One side-by-side comparison and its target."""

    name: str
    ours: float  # median seconds
    theirs: float
    ratio: float  # median over rounds of ours / theirs
    baseline: str
    target: str
    met: bool | None


def _clock(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _side_by_side(
    first: Callable[[], Any], second: Callable[[], Any], index: int
) -> tuple[float, float]:
    """Times of ``first`` and ``second``, run in that order on even rounds, reversed on odd."""
    if index % 2:
        b = _clock(second)
        return _clock(first), b
    a = _clock(first)
    return a, _clock(second)


def compare(
    ours: Callable[[], Any], theirs: Callable[[], Any], rounds: int
) -> tuple[float, float, float]:
    """Median times and the median per-round ratio ours/theirs, alternating order."""
    ours()
    theirs()
    mine, other, ratios = [], [], []
    for index in range(rounds):
        a, b = _side_by_side(ours, theirs, index)
        mine.append(a)
        other.append(b)
        ratios.append(a / b)
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def pair(
    name: str,
    ours: Callable[[], Any],
    theirs: Callable[[], Any],
    baseline: str,
    *,
    rounds: int,
    at_most: float | None = None,
    speedup: float | None = None,
) -> Pair:
    a, b, ratio = compare(ours, theirs, rounds)
    if at_most is not None:
        target, met = f"<= {at_most:g}x its time", ratio <= at_most
    elif speedup is not None:
        target, met = f">= {speedup:g}x faster", 1.0 / ratio >= speedup
    else:
        target, met = "for context", None
    return Pair(name, a, b, ratio, baseline, target, met)


def machine() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return [
        f"- CPU: {model}; cores available: {len(os.sched_getaffinity(0))} "
        f"(nproc); weightinit workers: {wi.get_workers()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, weightinit "
        f"{wi.__version__}, PyTorch "
        + (
            f"{torch.__version__} ({torch.get_num_threads()} threads)" if torch else "not installed"
        ),
        f"- Load average when the run started: {load[0]:.2f} (1 min)",
    ]


# --- the comparisons ---------------------------------------------------------------------


def elementwise(rounds: int) -> list[Pair]:
    shape = (SIDE, SIDE)
    out = np.empty(shape, dtype=np.float32)
    rng = np.random.default_rng(0)
    limit = float(np.sqrt(6.0 / (2 * SIDE)))
    std = float(np.sqrt(2.0 / SIDE))
    rows = [
        pair(
            "glorot_uniform",
            lambda: wi.glorot_uniform(shape, dtype=np.float32, rng=rng),
            lambda: rng.uniform(-limit, limit, shape).astype(np.float32),
            "naive NumPy: rng.uniform(...).astype(np.float32)",
            rounds=rounds,
            speedup=3.0,
        ),
        pair(
            "kaiming_normal",
            lambda: wi.kaiming_normal(shape, dtype=np.float32, rng=rng),
            lambda: rng.normal(0.0, std, shape).astype(np.float32),
            "naive NumPy: rng.normal(...).astype(np.float32)",
            rounds=rounds,
            speedup=4.0,
        ),
    ]
    if torch is not None:
        t = torch.empty(shape, dtype=torch.float32)
        init = torch.nn.init
        # (weightinit name, torch function, its target, rounds): trunc_normal_ is slow.
        against = [
            ("glorot_uniform", init.xavier_uniform_, 0.8, rounds),
            ("kaiming_normal", init.kaiming_normal_, 1.0, rounds),
            ("trunc_normal", init.trunc_normal_, 0.8, max(3, rounds // 3)),
            ("he_normal", init.trunc_normal_, 1.0, max(3, rounds // 3)),
        ]
        for name, function, at_most, count in against:
            ours = wi.get(name)
            rows.append(
                pair(
                    f"{name} (out=)",
                    lambda ours=ours: ours(out=out, rng=rng),
                    lambda function=function: function(t),
                    f"torch.nn.init.{function.__name__}",
                    rounds=count,
                    at_most=at_most,
                )
            )
    rows.append(
        pair(
            "he_normal (out=), against the untruncated normal",
            lambda: wi.he_normal(out=out, rng=rng),
            lambda: wi.kaiming_normal(out=out, rng=rng),
            "kaiming_normal (out=), untruncated",
            rounds=rounds,
            at_most=1.3,
        )
    )
    raw = np.empty(shape, dtype=np.float32)
    rows += [
        pair(
            "raw limit: Generator.random(out=, float32), one thread",
            lambda: rng.random(out=raw, dtype=np.float32),
            lambda: wi.glorot_uniform(out=out, rng=rng),
            "glorot_uniform (out=)",
            rounds=rounds,
        ),
        pair(
            "raw limit: memset (ndarray.fill(0))",
            lambda: raw.fill(0.0),
            lambda: wi.glorot_uniform(out=out, rng=rng),
            "glorot_uniform (out=)",
            rounds=rounds,
        ),
    ]
    return rows


def orthogonal(rounds: int) -> list[Pair]:
    shape = (MATRIX, MATRIX)
    out = np.empty(shape, dtype=np.float32)
    rng = np.random.default_rng(1)
    gaussian = rng.standard_normal(shape, dtype=np.float32)
    rows = [
        pair(
            f"orthogonal {MATRIX}x{MATRIX} float32",
            lambda: wi.orthogonal(out=out, rng=rng),
            lambda: np.linalg.qr(gaussian),
            "np.linalg.qr of a normal matrix of that shape",
            rounds=rounds,
            at_most=1.15,
        )
    ]
    if torch is not None:
        t = torch.empty(shape, dtype=torch.float32)
        rows.append(
            pair(
                f"orthogonal {MATRIX}x{MATRIX} float32",
                lambda: wi.orthogonal(out=out, rng=rng),
                lambda: torch.nn.init.orthogonal_(t),
                "torch.nn.init.orthogonal_",
                rounds=rounds,
                at_most=1.0,
            )
        )
    return rows


def orthogonality_error() -> tuple[float, float]:
    q = wi.orthogonal((MATRIX, MATRIX), dtype=np.float32, rng=2).astype(np.float64)
    gaussian = np.random.default_rng(2).standard_normal((MATRIX, MATRIX), dtype=np.float32)
    r = np.linalg.qr(gaussian)[0].astype(np.float64)
    eye = np.eye(MATRIX)
    return float(np.abs(q.T @ q - eye).max()), float(np.abs(r.T @ r - eye).max())


MEMORY_SCRIPT = """
import sys
import numpy as np
import weightinit as wi

def peak():
    # VmHWM, the peak RSS of this process image (ru_maxrss would keep the
    # parent's peak across exec on Linux).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

shape = (8192, 4096)  # 128 MiB of float32
wi.he_normal((64, 64), dtype=np.float32, rng=0)  # start the worker threads
before = peak()
if sys.argv[1] == "weightinit":
    x = wi.he_normal(shape, dtype=np.float32, rng=0)
else:
    x = np.random.default_rng(0).normal(0.0, (2 / 4096) ** 0.5, shape).astype(np.float32)
print((peak() - before) / x.nbytes)
"""


def peak_memory() -> tuple[float, float]:
    """Growth of peak RSS over the array's size, each in a fresh process."""
    results = []
    for which in ("weightinit", "naive"):
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, which],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(float(done.stdout.strip()))
    return results[0], results[1]


class _BareFill:
    """The engine's blocks with nothing around them: what the block scheme alone costs.

    The calling thread and ``threads - 1`` helpers, each woken through a lock,
    take blocks of ``_engine.BLOCK`` elements from a shared counter and draw each as
    glorot_uniform's float32 path does (the engine's block generator and
    uniform draw), with no argument checks, call seeding, scratch or region
    bookkeeping. Its time per element across sizes is the control for the
    scaling target: how far the block scheme itself, on this machine, is from
    the same time per element at every size.
    """

    def __init__(self, threads: int) -> None:
        self._seeds = _engine.seeds._StreamSeeds(_engine.call_seed(6), 0)
        self._task: Callable[[], None] | None = None
        self._helpers: list[tuple[threading.Lock, threading.Lock, threading.Thread]] = []
        for _ in range(threads - 1):
            wake, done = threading.Lock(), threading.Lock()
            wake.acquire()
            done.acquire()
            thread = threading.Thread(target=self._serve, args=(wake, done))
            thread.start()
            self._helpers.append((wake, done, thread))

    def _serve(self, wake: threading.Lock, done: threading.Lock) -> None:
        while True:
            wake.acquire()
            task = self._task
            if task is None:
                return
            task()
            done.release()

    def fill(self, out: Any) -> None:
        blocks = iter(range(-(-out.size // _engine.BLOCK)))
        lock = threading.Lock()

        def drain() -> None:
            while True:
                with lock:
                    block = next(blocks, None)
                if block is None:
                    return
                start = block * _engine.BLOCK
                piece = out[start : start + _engine.BLOCK]
                _engine.kernels._uniform32(piece, self._seeds.generator(block), 0.05)  # any width

        self._task = drain
        for wake, _, _ in self._helpers:
            wake.release()
        drain()
        for _, done, _ in self._helpers:
            done.acquire()

    def close(self) -> None:
        self._task = None
        for wake, _, thread in self._helpers:
            wake.release()
            thread.join()


Scale = tuple[list[tuple[int, float, float, float, float]], float, float, float]


def scaling(rounds: int) -> Scale:
    """ns per element of kaiming_normal, glorot_uniform and the bare fill, 2**20 to 2**28.

    Sizes are interleaved round by round (alternating direction), so a change in
    the machine's load touches every size alike; each measurement times enough
    calls to cover at least 2**24 elements, and each figure is the median over
    rounds. The bare fill (:class:`_BareFill`, with as many threads as
    weightinit's workers) is measured in the same rounds, as the control.
    Returns the table (with, per size, the median over rounds of glorot_uniform's
    time over the control's in the same round) and each column's largest over
    smallest time per element.
    """
    rng = np.random.default_rng(3)
    powers = list(range(20, 29, 2))
    arrays = {power: np.zeros(2**power, dtype=np.float32) for power in powers}
    bare = _BareFill(wi.get_workers())
    fills: list[Callable[..., Any]] = [
        partial(wi.kaiming_normal, fan_in=1024, fan_out=1024, rng=rng),
        partial(wi.glorot_uniform, fan_in=1024, fan_out=1024, rng=rng),
        bare.fill,
    ]
    times: dict[tuple[int, int], list[float]] = {}
    try:
        for index in range(rounds + 1):
            order = powers if index % 2 else powers[::-1]
            for power in order:
                out = arrays[power]
                calls = max(1, 2**24 // out.size)
                for which, fill in enumerate(fills):

                    def run(fill: Any = fill, out: Any = out, calls: int = calls) -> None:
                        for _ in range(calls):
                            fill(out=out)

                    elapsed = _clock(run)
                    if index:  # the first round warms up
                        times.setdefault((power, which), []).append(elapsed / (calls * out.size))
    finally:
        bare.close()
    medians = {key: statistics.median(values) * 1e9 for key, values in times.items()}
    paired = {
        power: statistics.median(
            a / b for a, b in zip(times[(power, 1)], times[(power, 2)], strict=True)
        )
        for power in powers
    }
    table = [
        (power, medians[(power, 0)], medians[(power, 1)], medians[(power, 2)], paired[power])
        for power in powers
    ]
    normal, uniform, control = (
        max(row[column] for row in table) / min(row[column] for row in table)
        for column in (1, 2, 3)
    )
    return table, normal, uniform, control


def _with_workers(count: int, init: Any, out: Any, rng: Any) -> None:
    with wi.set_workers(count):
        init(out=out, rng=rng)


def workers(rounds: int) -> tuple[list[tuple[str, float]], float]:
    """Speed-up from 1 to 2 worker threads, and what two threads give this machine meanwhile.

    Each round times every initializer with one and with two workers, and the
    control (``np.sin`` on two cache-sized arrays, one thread against two), so
    that all share the machine's conditions; each figure is the median over
    rounds of the per-round ratio.
    """
    out = np.empty((SIDE, SIDE), dtype=np.float32)
    rng = np.random.default_rng(4)
    # The control computes in cache (np.sin, 64 passes over 1 MiB per thread), so it
    # measures the cores the machine gives, not its memory bandwidth.
    sources = [np.linspace(0.0, 1.0, 1 << 18, dtype=np.float32) for _ in range(2)]
    targets = [np.empty_like(source) for source in sources]
    pool = ThreadPoolExecutor(2)

    def sine_half(index: int) -> None:
        for _ in range(64):
            np.sin(sources[index], out=targets[index])

    def sequential() -> None:
        sine_half(0)
        sine_half(1)

    def threaded() -> None:
        list(pool.map(sine_half, (0, 1)))

    cases: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "control": (sequential, threaded)
    }
    names = ("glorot_uniform", "kaiming_normal", "he_normal")
    for name in names:
        init = wi.get(name)
        cases[name] = (
            partial(_with_workers, 1, init, out, rng),
            partial(_with_workers, 2, init, out, rng),
        )
    ratios: dict[str, list[float]] = {name: [] for name in cases}
    for index in range(rounds + 1):  # the first round warms up
        for name, (first, second) in cases.items():
            a, b = _side_by_side(first, second, index)
            if index:
                ratios[name].append(a / b)
    pool.shutdown()
    speedups = [(name, statistics.median(ratios[name])) for name in names]
    return speedups, statistics.median(ratios["control"])


#: Targets on a call's time over PyTorch's, float32, by shape (fixed-cost table).
CALL_TARGETS = {(4, 4): 4.0, (64, 64): 1.0, (256, 256): 0.8}


@dataclass
class Call:
    """One small call against PyTorch's: medians per call and the median paired ratio."""

    name: str
    shape: tuple[int, ...]
    ours: float  # seconds per call
    share: float  # the law's fill alone over the whole call, paired (the engine's share)
    theirs: float | None
    ratio: float | None  # median over rounds of ours / theirs
    target: float


@dataclass
class Fixed:
    """What one call and one block cost besides drawing values (medians, seconds)."""

    seed_ours: float  # deriving a block's generator, as the engine does
    seed_numpy: float  # the same generator built with SeedSequence and SFC64
    call_seed: float  # an int seed's call seed
    block: float  # one block of glorot_uniform, one thread
    calls: list[Call]
    wake: float  # a lock handed to a thread that slept 0.5 ms, until it runs


def _median_time(run: Callable[[], Any], number: int, rounds: int) -> float:
    run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            run()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def _wake_latency(rounds: int) -> float:
    """Median time from releasing a lock to the thread waiting on it running again.

    The releasing thread has just computed for about 0.5 ms and the waiting one
    slept meanwhile, as when a fill wakes a helper, or a helper that finishes last
    wakes the calling thread.
    """
    wake, back = threading.Lock(), threading.Lock()
    wake.acquire()
    back.acquire()
    woke: list[float] = []
    source = np.linspace(0.0, 1.0, 1 << 14, dtype=np.float32)
    target = np.empty_like(source)

    def serve() -> None:
        for _ in range(rounds):
            wake.acquire()
            woke.append(time.perf_counter())
            back.release()

    thread = threading.Thread(target=serve)
    thread.start()
    delays = []
    for _ in range(rounds):
        busy = time.perf_counter()
        while time.perf_counter() - busy < 0.0005:
            np.sin(source, out=target)
        start = time.perf_counter()
        wake.release()
        back.acquire()
        delays.append(woke[-1] - start)
    thread.join()
    return statistics.median(delays)


def _paired(
    ours: Callable[[], Any], theirs: Callable[[], Any], number: int, rounds: int
) -> tuple[float, float, float]:
    """Median seconds per call of each and the median per-round ratio, alternating order."""
    mine, other, ratios = [], [], []

    def many(run: Callable[[], Any]) -> Callable[[], None]:
        def repeat() -> None:
            for _ in range(number):
                run()

        return repeat

    first, second = many(ours), many(theirs)
    first()
    second()
    for index in range(rounds):
        a, b = _side_by_side(first, second, index)
        mine.append(a / number)
        other.append(b / number)
        ratios.append(a / b)
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def _call(name: str, shape: tuple[int, int], rng: Any, rounds: int) -> Call:
    """A float32 call of ``shape`` against PyTorch's, and the share of it the engine takes."""
    number = max(10, 2**14 // (shape[0] * shape[1]))  # about 0.1 s per round at 4x4
    out = np.empty(shape, dtype=np.float32)
    init = wi.get(name)
    ours = partial(init, out=out, rng=rng)
    law = init.distribution(shape=shape)
    request = _engine.Request(_engine.call_seed(1), _engine.Window(shape))
    _, whole, share = _paired(partial(law.fill, out, request), ours, number, rounds)
    theirs = ratio = None
    if torch is not None:
        function = getattr(torch.nn.init, TORCH_NAMES[name])
        tensor = torch.empty(shape, dtype=torch.float32)
        whole, theirs, ratio = _paired(ours, partial(function, tensor), number, rounds)
    return Call(name, shape, whole, share, theirs, ratio, CALL_TARGETS[shape])


#: The PyTorch function each fixed-cost row is set against.
TORCH_NAMES = {"glorot_uniform": "xavier_uniform_", "kaiming_normal": "kaiming_normal_"}


def fixed_costs(rounds: int) -> Fixed:
    """Per-block and per-call costs: what makes small fills dearer per element."""
    seed = _engine.call_seed(5)
    seeds = _engine.seeds._StreamSeeds(seed, 0)
    block = np.empty(_engine.BLOCK, dtype=np.float32)
    rng = np.random.default_rng(5)
    with wi.set_workers(1):
        block_time = _median_time(lambda: wi.glorot_uniform(out=block, rng=rng), 5, rounds)
    calls = [
        _call(name, shape, rng, rounds)
        for shape in CALL_TARGETS
        for name in ("kaiming_normal", "glorot_uniform")
    ]
    return Fixed(
        seed_ours=_median_time(lambda: seeds.generator(7), 2000, rounds),
        seed_numpy=_median_time(lambda: _engine.block_generator(seed, 7), 2000, rounds),
        call_seed=_median_time(lambda: _engine.call_seed(12345), 2000, rounds),
        block=block_time,
        calls=calls,
        wake=_wake_latency(200 * rounds),
    )


IMPORT_SCRIPT = """
import time
start = time.perf_counter()
import numpy
middle = time.perf_counter()
import weightinit
print(time.perf_counter() - middle, middle - start)
"""


def import_time(runs: int = 9) -> tuple[float, float]:
    """Median seconds of ``import weightinit`` after ``import numpy``, and of ``import numpy``.

    Each in a fresh interpreter, with compiled bytecode used as installed
    code uses it (``PYTHONDONTWRITEBYTECODE`` unset); one run first writes it.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    ours, numpy = [], []
    for index in range(runs + 1):
        done = subprocess.run(
            [sys.executable, "-c", IMPORT_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        if index:  # the first run writes the bytecode
            after, before = map(float, done.stdout.split())
            ours.append(after)
            numpy.append(before)
    return statistics.median(ours), statistics.median(numpy)


# --- the page ------------------------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return "—" if met is None else ("met" if met else "**not met**")


def _model_section(model: dict[str, Any]) -> list[str]:
    """The whole-model comparison (benchmarks/gpt2.py) as lines of the page."""
    lines = [
        "",
        "## Whole model: GPT-2 small",
        "",
        f"`wi.init_params` on GPT-2 small's {model['tensors']} tensors "
        f"({model['parameters']:,} parameters, float32; Hugging Face names and shapes) with",
        "the rules of `GPT2PreTrainedModel._init_weights`: weights and embeddings",
        "N(0, 0.02), `*c_proj.weight` N(0, 0.02/√24), biases 0, LayerNorm weights 1",
        "(`wi.recipes.gpt2(n_layer=12)`: `wi.torch_normal`, `wi.zeros`, `wi.ones`). Both sides",
        "allocate and fill: weightinit's call makes the float32 arrays; the PyTorch loop",
        "runs `torch.empty(shape, dtype=torch.float32)` then `normal_`, `zeros_` or `ones_`",
        "per tensor, choosing by the tensor's name. Standalone: `python benchmarks/gpt2.py`.",
        "",
    ]
    if model["torch"] is None:
        return [*lines, "PyTorch is not installed: this comparison was skipped."]
    lines += [
        f"PyTorch {model['torch']}, `torch.set_num_threads(n)` with n the weightinit workers",
        f"(`wi.set_workers(n)`); medians over {model['rounds']} rounds; `ratio` is the median",
        "over rounds of weightinit's time over PyTorch's, alternating which runs first. The",
        "target is judged on the first row (weightinit's default workers).",
        "",
        "| threads each side | weightinit ms | PyTorch ms | ratio | target | |",
        "|---:|---:|---:|---:|---|---|",
    ]
    for index, (threads, ours, theirs, ratio) in enumerate(model["rows"]):
        target, met = (f"<= {gpt2.TARGET:g}x", ratio <= gpt2.TARGET) if not index else ("—", None)
        lines.append(
            f"| {threads} | {ours * 1e3:.0f} | {theirs * 1e3:.0f} | {ratio:.3f} | {target} "
            f"| {_verdict(met)} |"
        )
    return lines


def render(
    pairs: list[Pair],
    errors: tuple[float, float],
    memory: tuple[float, float],
    scale: Scale,
    speedups: list[tuple[str, float]],
    info: list[str],
    seconds: float,
    busy: float,
    control: float,
    fixed: Fixed,
    imports: tuple[float, float],
    model: dict[str, Any],
) -> str:
    cores = len(os.sched_getaffinity(0))
    lines = [
        "# Performance",
        "",
        "Generated by `python benchmarks/run.py`; every figure below was measured by that",
        "run on the machine it describes. Do not edit by hand.",
        "",
        "## Machine",
        "",
        *info,
        f"- Load average when it ended: {os.getloadavg()[0]:.2f}; the run took {seconds:.0f} s.",
        "",
        "A load average above the number of cores means other work shared the machine and",
        "the absolute times are noisy; the ratios, taken round by round from runs side by",
        "side, are what the targets are judged on.",
        f"- Two threads against one on a compute-bound control (`np.sin` in cache, "
        f"measured in the same rounds as the worker speed-ups): {control:.2f}x.",
        *(
            [
                "",
                f"**This run shared the machine**: the load average reached {busy:.2f} on "
                f"{cores} cores and the two-thread control gave {control:.2f}x. Figures that",
                "need idle cores (1 → 2 workers, time per element across sizes, and every",
                "multi-threaded time) understate what an idle machine gives.",
            ]
            if busy >= cores / 2 or control < 1.8
            else []
        ),
        "",
        "## Side by side",
        "",
        f"float32 {SIDE}x{SIDE} unless noted. `ratio` is the median over rounds of",
        "weightinit's time divided by the baseline's (alternating which runs first);",
        "below 1 weightinit is faster.",
        "",
        "| weightinit | baseline | weightinit ms | baseline ms | ratio | speed-up | target | |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for p in pairs:
        lines.append(
            f"| {p.name} | {p.baseline} | {p.ours * 1e3:.1f} | {p.theirs * 1e3:.1f} | "
            f"{p.ratio:.3f} | {1 / p.ratio:.2f}x | {p.target} | {_verdict(p.met)} |"
        )
    ours_error, qr_error = errors
    lines += [
        "",
        "`he_normal` is Keras's: a normal truncated at ±2σ, so it is set against",
        "`trunc_normal_`. Rows marked `out=` fill a preallocated array, as the PyTorch",
        "functions do; the naive NumPy rows allocate, as the naive code does.",
        "",
        "The two raw-limit rows put the baseline's time in the ratio column's denominator:",
        "they say how close glorot_uniform comes to drawing uniforms with one thread, and",
        "to writing the memory at all.",
        "",
        "## Orthogonality",
        "",
        f"max|QᵀQ − I| of a {MATRIX}x{MATRIX} float32 result: weightinit "
        f"{ours_error:.3g}, `np.linalg.qr` on a normal matrix of the same shape "
        f"{qr_error:.3g} (ratio {ours_error / qr_error:.2f}; target <= 2: "
        f"{_verdict(ours_error <= 2 * qr_error)}).",
        "",
        "## Peak memory",
        "",
        "Growth of the process's peak RSS while making a 128 MiB float32 he_normal array,",
        "over the array's size (fresh process each):",
        "",
        f"- weightinit: {memory[0]:.3f}x (target <= 1.15x: {_verdict(memory[0] <= 1.15)})",
        f"- naive NumPy (`rng.normal(...).astype(np.float32)`): {memory[1]:.3f}x",
        "",
        "## Scaling",
        "",
        "Time per element, float32, filling a preallocated array (sizes interleaved",
        "round by round; calls repeated to cover at least 2^24 elements per measurement;",
        "medians over rounds). The control, measured in the same rounds, is a bare fill",
        "of the same blocks: the engine's block generators and float32 uniform draw on",
        "as many threads as weightinit uses, taking blocks from a shared counter, with",
        "nothing else (no argument checks, call seed, scratch or region bookkeeping).",
        "",
        "`glorot_uniform / control` is the median over rounds of glorot_uniform's time",
        "over the control's in the same round: what a call adds to the blocks it draws",
        "(target <= 1.1 at every size).",
        "",
        "| elements | kaiming_normal ns/element | glorot_uniform ns/element "
        "| control: bare block fill ns/element | glorot_uniform / control | |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    table, spread_normal, spread_uniform, spread_control = scale
    for power, normal, uniform, bare, ratio in table:
        lines.append(
            f"| 2^{power} | {normal:.3f} | {uniform:.3f} | {bare:.3f} | {ratio:.3f} "
            f"| {_verdict(ratio <= 1.1)} |"
        )
    lines += [
        "",
        f"Largest over smallest time per element: kaiming_normal {spread_normal:.2f}, "
        f"glorot_uniform {spread_uniform:.2f} (target <= 1.2: "
        f"{_verdict(max(spread_normal, spread_uniform) <= 1.2)}); the control "
        f"{spread_control:.2f}.",
        "The control's spread is what the block scheme itself gave across sizes on this",
        "machine during this run. glorot_uniform draws the same blocks the same way, so",
        "its excess over the control is what a call adds around them: argument checks,",
        'the call seed, and the engine\'s queue and scratch bookkeeping (see "Fixed costs").',
        "",
        f"From 1 to 2 worker threads ({SIDE}x{SIDE} float32, median of per-round ratios):",
        "",
    ]
    for name, ratio in speedups:
        lines.append(f"- {name}: {ratio:.2f}x faster (target >= 1.7x: {_verdict(ratio >= 1.7)})")
    lines += [
        "",
        "Control, measured in the same rounds: `np.sin` (which releases the GIL) 64 times",
        "over two cache-sized arrays, one thread against two: "
        f"{control:.2f}x. That is what two threads",
        "could give on this machine during this run; near 1 means another process held",
        "the second core.",
    ]
    lines += [
        "",
        "## Fixed costs",
        "",
        "Calls filling a preallocated float32 array, timed side by side with PyTorch's",
        "function on a tensor of the same shape (medians per call; `ratio` is the median",
        "over rounds of weightinit's time over PyTorch's, alternating which runs first;",
        "PyTorch with its default threads). A 4x4 call is nearly all fixed cost: argument",
        "checks, seeding and the NumPy calls' own overhead; a 256x256 call is one block",
        "of values. `engine share` is the law's fill alone (`law.fill(out, request)`, the",
        "call seed made beforehand) over the whole call, timed side by side with it.",
        "",
        "| call | weightinit µs | engine share | PyTorch µs | ratio | target | |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for call in fixed.calls:
        case = f"{call.name}, float32 {call.shape[0]}x{call.shape[1]}"
        other = "—" if call.theirs is None else f"{call.theirs * 1e6:.1f}"
        ratio = "—" if call.ratio is None else f"{call.ratio:.2f}"
        met = None if call.ratio is None else call.ratio <= call.target
        lines.append(
            f"| {case} | {call.ours * 1e6:.1f} | {call.share:.0%} | {other} | {ratio} | "
            f"<= {call.target:g}x | "
            f"{_verdict(met)} |"
        )
    lines += [
        "",
        f"- Deriving a block's generator: {fixed.seed_ours * 1e6:.1f} µs in the engine, "
        f"which repeats `SeedSequence`'s mixing in Python integers; {fixed.seed_numpy * 1e6:.1f} µs",
        "  when built with NumPy's `SeedSequence` and `SFC64` (the same generator). A",
        f"  glorot_uniform call filling one block takes {fixed.block * 1e6:.0f} µs on one thread.",
        f"- An int seed's call seed: {fixed.call_seed * 1e6:.2f} µs (kept per seed once made).",
        f"- Waking a thread that slept while another computed for 0.5 ms (a lock released, "
        "until the thread runs): "
        f"{fixed.wake * 1e6:.1f} µs.",
        "  A fill of a few blocks pays it twice: to start a helper thread, and to resume",
        "  the calling thread when the helper finishes last.",
    ]
    ours_import, numpy_import = imports
    lines += [
        "",
        "## Import time",
        "",
        "`import weightinit` after `import numpy`, in a fresh interpreter with compiled",
        "bytecode (median of 9 runs): "
        f"{ours_import * 1e3:.1f} ms (target <= 30 ms: {_verdict(ours_import <= 0.030)}); "
        f"`import numpy` itself {numpy_import * 1e3:.1f} ms.",
    ]
    lines += _model_section(model)
    lines += [
        "",
        "## How the engine gets there",
        "",
        textwrap.dedent(
            f"""\
            - The output is cut into blocks of {_engine.BLOCK} elements; each block has its
              own SFC64 generator seeded from (call seed, block), so blocks are filled by
              threads (NumPy's generators and ufuncs release the GIL), in any order, with
              results that do not depend on the number of threads. The calling thread
              fills blocks too, taking the next one from the same queue as the helper
              threads. Deriving a block's generator costs a few per cent of drawing its
              values (see "Fixed costs").
            - A call whose array is one block or less is drawn on the calling thread,
              with no helper, queue or progress bookkeeping; an int seed's call seed is
              kept once made, and the constants that mix a stream and a block into it are
              kept per kind of call seed, so a small call's fixed cost is mostly NumPy's
              own per-call overhead (see "Fixed costs").
            - The smallest size of the scaling table, 2^20 elements, is four blocks, two
              per thread: there a call's fixed costs (argument checks, seeding, waking a
              helper thread and waiting for it to finish) weigh most, and if one core runs
              slower than the other during the call, two blocks each cannot even out.
            - A block is drawn in one piece: every NumPy call works on a whole block
              (1 MiB of float32), so the Python between calls, during which a thread
              holds the GIL, is a small share of the time and two threads rarely wait
              for each other. Scratch arrays are kept per thread from call to call, so
              filling allocates nothing but the generator's raw words; draw, scale and
              shift happen on the block, never as passes over the whole array, and
              float32 is drawn as float32.
            - float32 normals use Box–Muller on 32-bit uniforms with float32 `log`, `sqrt`,
              `sin` and `cos`, about 2.5x faster per thread than NumPy's float32 ziggurat;
              magnitudes stop at {_engine.NORMAL32_LIMIT:.3f} standard deviations (see
              docs/usage.md, "Reproducibility").
            - Truncated normals are drawn by rejection from the best of four proposals
              (Robert, 1995), so their cost is that of a normal draw for PyTorch's default
              bounds, and exact in far tails where inverting the CDF fails. Spare proposals
              for the rejected values are drawn with the first ones, in the same calls.
            - Orthogonal matrices are formed straight from Householder reflectors built on
              normal vectors, in compact WY blocks of {_engine.HAAR_BLOCK} columns, with
              matrix products only (no QR factorization; float64 arithmetic, one working
              copy). See `weightinit.distributions.Orthogonal`.
            """
        ).rstrip(),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds per comparison")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "performance.md", help="page to write"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to this long for the 1-minute load average to drop below 1",
    )
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait_quiet
    while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
        time.sleep(10)
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    info = machine()
    print("elementwise ...", file=sys.stderr)
    pairs = elementwise(args.rounds)
    print("orthogonal ...", file=sys.stderr)
    pairs += orthogonal(args.rounds)
    errors = orthogonality_error()
    print("memory ...", file=sys.stderr)
    memory = peak_memory()
    print("scaling ...", file=sys.stderr)
    scale = scaling(args.rounds)
    speedups, control = workers(args.rounds)
    print("fixed costs ...", file=sys.stderr)
    fixed = fixed_costs(args.rounds)
    print("import time ...", file=sys.stderr)
    imports = import_time()
    print("GPT-2 small ...", file=sys.stderr)
    model = gpt2.measure(max(5, args.rounds // 2))
    busy = max(load_at_start, os.getloadavg()[0])
    elapsed = time.perf_counter() - started
    page = render(
        pairs, errors, memory, scale, speedups, info, elapsed, busy, control, fixed, imports, model
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    kept = dask_zarr.kept_section(old)  # written by benchmarks/dask_zarr.py, not by this run
    page = f"{page.rstrip()}\n\n{kept}" if kept else page
    args.output.write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()
