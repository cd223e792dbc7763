"""weightinit.dask on a dask.distributed cluster: a table larger than a worker's memory into Zarr, exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import weightinit as wi

pytest.importorskip("dask")
pytest.importorskip("distributed")
zarr = pytest.importorskip("zarr")

#: A float32 table of 2**23 rows of 64: 2 GiB, four times a worker's memory limit.
SHAPE = (2**23, 64)
ROWS_PER_CHUNK = 2**17  # 32 MiB chunks
MEMORY_LIMIT = 512 * 2**20
SEED_ROOT, PATH = 2026, "embed.weight"
#: The whole run, cluster start to close, must end within this many seconds.
DEADLINE = 150

# Run in its own interpreter, killed at the deadline: a cluster that hangs
# cannot hang the test run, and the workers' processes are the script's own.
SCRIPT = textwrap.dedent(
    """
    import json, os, resource, sys, time
    import numpy as np
    import zarr
    from distributed import Client, LocalCluster
    import weightinit as wi
    from weightinit import dask as wid

    def peak_rss():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    if __name__ == "__main__":
        store, shape, rows, limit, root, path = json.loads(sys.argv[1])
        shape = tuple(shape)
        kwargs = {"compressors": None} if int(zarr.__version__.split(".")[0]) >= 3 else {"compressor": None}
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                          memory_limit=limit, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                pids = client.run(os.getpid)
                start = time.perf_counter()
                table = wid.array("random_normal", shape, chunks=(rows, -1), stddev=0.02,
                                  rng=wi.param_seed(root, path), dtype=np.float32)
                table.to_zarr(store, **kwargs)
                seconds = time.perf_counter() - start
                small = wid.array("he_uniform", (3000, 70), chunks=(128, 16), rng=5)
                small_sum = float(abs(small.compute() - wi.he_uniform((3000, 70), rng=5)).max())
                same_workers = client.run(os.getpid) == pids
                peaks = sorted(client.run(peak_rss).values())
        print(json.dumps({"seconds": seconds, "same_workers": same_workers,
                          "peaks": peaks, "small": small_sum}))
    """
)


def _run_cluster(store: Path, tmp_path: Path) -> dict[str, object]:
    script = tmp_path / "write_table.py"
    script.write_text(SCRIPT)
    source = str(Path(wi.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    arguments = json.dumps([str(store), SHAPE, ROWS_PER_CHUNK, MEMORY_LIMIT, SEED_ROOT, PATH])
    try:
        done = subprocess.run(
            [sys.executable, str(script), arguments],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            env=env,
            cwd=tmp_path,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the cluster run took over {DEADLINE} s: {error.stderr!r}")
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is POSIX")
def test_a_table_larger_than_a_worker_s_memory_goes_to_zarr_exactly(tmp_path: Path) -> None:
    store = tmp_path / "embeddings.zarr"
    try:
        _check_store(store, _run_cluster(store, tmp_path))
    finally:
        shutil.rmtree(store, ignore_errors=True)  # 2 GiB: not kept among pytest's last runs


def _check_store(store: Path, result: dict[str, object]) -> None:
    assert result["same_workers"] is True  # no worker was restarted for its memory
    peaks = result["peaks"]
    assert isinstance(peaks, list) and len(peaks) == 2
    assert max(peaks) < MEMORY_LIMIT  # each worker stayed under its limit, a quarter of the table
    assert result["small"] == 0.0  # another chunking, computed on the cluster: the same numbers
    table = zarr.open_array(str(store), mode="r")
    assert table.shape == SHAPE and table.dtype == np.float32
    assert table.nbytes >= 2 * 2**30
    seed = wi.param_seed(SEED_ROOT, PATH)
    chunk = ROWS_PER_CHUNK
    spots = [
        (slice(0, 3),),
        (slice(chunk - 100, chunk + 100),),  # across a chunk border
        (slice(SHAPE[0] // 2, SHAPE[0] // 2 + 5000), slice(10, 50)),
        (slice(SHAPE[0] - 7, SHAPE[0]),),  # the ragged end of the last block
        (slice(12_345, 12_346), slice(63, 64)),
    ]
    for region in spots:
        expected = wi.random_normal(SHAPE, rng=seed, dtype=np.float32, stddev=0.02, region=region)
        assert np.array_equal(table[region], expected), region
    whole_chunk = wi.random_normal(
        SHAPE, rng=seed, dtype=np.float32, stddev=0.02, region=slice(5 * chunk, 6 * chunk)
    )
    assert np.array_equal(table[5 * chunk : 6 * chunk], whole_chunk)
