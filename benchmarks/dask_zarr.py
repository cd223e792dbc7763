"""Time ``weightinit.dask.array(...).to_zarr(...)`` on 1 and 2 worker processes against the in-memory fill.

The table is float32, ``ROWS x WIDTH`` (2 GiB), ``random_normal`` with
stddev 0.02, chunked along its rows. Three ways to make it:

- in memory: ``wi.random_normal(out=table)`` in this process (weightinit's
  own threads, one per core), and that array written to a Zarr store by
  ``zarr`` from this process (the disk's share, for context);
- ``wid.array(...).to_zarr(store)`` on a ``dask.distributed.LocalCluster``
  of 1 and of 2 worker processes (one thread each, weightinit's workers 1),
  each worker limited to ``MEMORY_LIMIT`` bytes, a quarter of the table.

Every store is uncompressed (normal samples do not compress) and is checked
against direct region calls at a few spots. Peak memory per worker is its
process's maximum resident set size (``getrusage``), on a fresh cluster for
each count. Run on its own with ``python benchmarks/dask_zarr.py`` (a few
minutes): it rewrites its own section of docs/performance.md, which
``benchmarks/run.py`` keeps when it rewrites the rest of the page.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import weightinit as wi

ROOT = Path(__file__).resolve().parents[1]
ROWS, WIDTH = 2**23, 64
ROWS_PER_CHUNK = 2**17  # 32 MiB chunks, borders on block borders: no block drawn twice
MEMORY_LIMIT = 512 * 2**20
SEED = wi.param_seed(2026, "embed.weight")
SECTION = "## Scale out: Dask and Zarr"


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _zarr_options() -> dict[str, Any]:
    import zarr

    major = int(zarr.__version__.split(".")[0])
    return {"compressors": None} if major >= 3 else {"compressor": None}


def _check(store: Path) -> None:
    import zarr

    table = zarr.open_array(str(store), mode="r")
    for region in [slice(0, 5), slice(ROWS // 2 - 3, ROWS // 2 + 3), slice(ROWS - 4, ROWS)]:
        expected = wi.random_normal(
            (ROWS, WIDTH), rng=SEED, dtype=np.float32, stddev=0.02, region=region
        )
        if not np.array_equal(table[region], expected):
            raise AssertionError(f"the store differs from region calls at rows {region}")


def in_memory(rounds: int, folder: Path) -> tuple[float, float]:
    """Seconds (median) to fill the table in memory, and to write it to Zarr from this process."""
    import zarr

    table = np.empty((ROWS, WIDTH), dtype=np.float32)
    fills, writes = [], []
    for round_ in range(rounds):
        start = time.perf_counter()
        wi.random_normal(out=table, rng=SEED, stddev=0.02)
        fills.append(time.perf_counter() - start)
        store = folder / f"memory-{round_}.zarr"
        start = time.perf_counter()
        layout: dict[str, Any] = {"shape": table.shape, "chunks": (ROWS_PER_CHUNK, WIDTH)}
        if int(zarr.__version__.split(".")[0]) >= 3:
            target = zarr.create_array(str(store), dtype=np.float32, **layout, **_zarr_options())
        else:  # Zarr 2
            target = zarr.open_array(
                str(store), mode="w", dtype=np.float32, **layout, **_zarr_options()
            )
        target[...] = table
        writes.append(time.perf_counter() - start)
        _check(store)
        shutil.rmtree(store)
    return statistics.median(fills), statistics.median(writes)


def on_cluster(workers: int, rounds: int, folder: Path) -> tuple[float, float, list[int]]:
    """Seconds (medians) of ``to_zarr`` and of the draw alone on ``workers`` processes, and each worker's peak memory."""
    from distributed import Client, LocalCluster

    from weightinit import dask as wid

    times, draws = [], []
    with (
        LocalCluster(
            n_workers=workers,
            processes=True,
            threads_per_worker=1,
            memory_limit=MEMORY_LIMIT,
            dashboard_address=None,
            env={"WEIGHTINIT_WORKERS": "1"},
        ) as cluster,
        Client(cluster) as client,
    ):
        for round_ in range(rounds):
            store = folder / f"dask-{workers}-{round_}.zarr"
            table = wid.array(
                "random_normal",
                (ROWS, WIDTH),
                chunks=(ROWS_PER_CHUNK, -1),
                rng=SEED,
                dtype=np.float32,
                stddev=0.02,
            )
            start = time.perf_counter()
            table.to_zarr(str(store), **_zarr_options())
            times.append(time.perf_counter() - start)
            _check(store)
            shutil.rmtree(store)
            start = time.perf_counter()
            table.sum(dtype=np.float64).compute()  # the draw alone: a number per chunk comes back
            draws.append(time.perf_counter() - start)
        peaks = sorted(client.run(_peak_rss).values())
    return statistics.median(times), statistics.median(draws), peaks


def render(
    memory: tuple[float, float],
    clusters: dict[int, tuple[float, float, list[int]]],
    loads: tuple[float, float],
) -> list[str]:
    """The section's lines."""
    gib = ROWS * WIDTH * 4 / 2**30
    fill, write = memory
    mib = MEMORY_LIMIT / 2**20

    def rate(seconds: float) -> str:
        return f"{gib / seconds:.2f} GiB/s"

    lines = [
        SECTION,
        "",
        f"A float32 table of {ROWS:,} x {WIDTH} ({gib:.0f} GiB), `random_normal` (stddev 0.02),",
        f"chunked by {ROWS_PER_CHUNK:,} rows (32 MiB) and written uncompressed. Median of the",
        "rounds; each store is checked against direct region calls. Standalone:",
        "`python benchmarks/dask_zarr.py` (it rewrites this section only).",
        f"Load average (1 min) when the run started: {loads[0]:.2f}, when it ended: "
        f"{loads[1]:.2f}, on {os.cpu_count()} cores.",
        "",
        "| how | seconds | throughput | peak memory per worker |",
        "|---|---:|---:|---|",
        f"| in memory: `wi.random_normal(out=table)`, {wi.get_workers()} threads | {fill:.2f} | "
        f"{rate(fill)} | the whole table, {gib:.0f} GiB |",
        f"| that array written to Zarr by one process (the disk's share) | {write:.2f} | "
        f"{rate(write)} | — |",
    ]
    for workers, (seconds, draw, peaks) in sorted(clusters.items()):
        shown = ", ".join(f"{peak / 2**20:.0f} MiB" for peak in peaks)
        processes = f"{workers} worker process{'es' if workers > 1 else ''} of one thread"
        lines.append(
            f"| `wid.array(...).to_zarr(...)`, {processes} | {seconds:.2f} | {rate(seconds)} | "
            f"{shown} (limit {mib:.0f} MiB) |"
        )
        lines.append(
            f"| the draw alone, `wid.array(...).sum().compute()`, {processes} | {draw:.2f} | "
            f"{rate(draw)} | (the same workers) |"
        )
    lines += [
        "",
        "The `to_zarr` rows include the draw, moving each chunk to the store and writing it;",
        "each worker holds a chunk or two at a time, never the table. A load average above",
        "the number of cores means other work shared the machine: the times, and the gain",
        "from a second worker process most, are then noisy.",
        "",
    ]
    return lines


def write_section(page: Path, lines: list[str]) -> None:
    """Put this section into ``page``: in place of its previous version, else at the end."""
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    kept = kept_section(text)
    block = "\n".join(lines)
    text = text.replace(kept, block + "\n") if kept else f"{text.rstrip()}\n\n{block}\n"
    page.write_text(text, encoding="utf-8")


def kept_section(text: str) -> str:
    """This section of a page as it stands (heading to the next ``## `` heading), or ''."""
    start = text.find(SECTION + "\n")
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(SECTION))
    return text[start:] if end < 0 else text[start : end + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per way of making it")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "performance.md", help="page to update"
    )
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="weightinit-dask-zarr-"))
    try:
        clusters = {}
        for workers in (1, 2):  # first: a worker's peak memory counts from its parent's
            print(f"{workers} worker process(es) ...", file=sys.stderr)
            clusters[workers] = on_cluster(workers, args.rounds, folder)
        print("in memory ...", file=sys.stderr)
        memory = in_memory(args.rounds, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines = render(memory, clusters, (load_at_start, os.getloadavg()[0]))
    write_section(args.output, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    if os.name != "posix":  # pragma: no cover - getrusage
        sys.exit("benchmarks/dask_zarr.py measures peak memory with getrusage (POSIX)")
    main()
