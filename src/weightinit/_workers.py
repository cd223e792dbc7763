"""Tasks run in order, in worker processes with one BLAS thread each: the report's runs and its training runs."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TextIO

__all__ = ["run_tasks"]

#: Thread-count variables of the BLAS libraries NumPy may be built with.
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _single_threaded_blas_children() -> Iterator[None]:
    """Make processes started inside the block load BLAS with one thread each.

    The report's matrices are small (width x width): BLAS threads gain nothing
    there and, on a machine whose cores are busy, make each product several
    times slower while they wait for each other. Worker processes, one per
    core with one BLAS thread each, use the cores without that contention.
    Variables the user has set are left as they are.
    """
    added = [key for key in _BLAS_THREADS if key not in os.environ]
    for key in added:
        os.environ[key] = "1"
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def run_tasks(
    task: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    *,
    jobs: int = 1,
    progress: TextIO | None = None,
) -> list[Any]:
    """``[task(*arguments) for arguments in tasks]``, in that order, in ``jobs`` processes.

    Each ``arguments`` starts with a row's label and has its activation
    third, as the progress line shows them. With ``jobs > 1`` the tasks run
    in that many spawned worker processes, each with one BLAS thread
    (``task`` must be a module-level function); results come back in
    submission order, so they do not depend on ``jobs``. The report's
    propagation runs and its training runs (``report --train``) both run so.
    """
    total = len(tasks)

    def show(done: int, arguments: tuple[Any, ...]) -> None:
        if progress is not None:
            progress.write(f"\r\033[K[{done}/{total}] {arguments[0]} × {arguments[2]}")
            progress.flush()

    results: list[Any] = []
    if jobs <= 1 or total <= 1:
        for index, arguments in enumerate(tasks):
            show(index + 1, arguments)
            results.append(task(*arguments))
    else:
        context = multiprocessing.get_context("spawn")
        with (
            _single_threaded_blas_children(),
            ProcessPoolExecutor(min(jobs, total), mp_context=context) as pool,
        ):
            futures = {pool.submit(task, *arguments): arguments for arguments in tasks}
            for done, future in enumerate(as_completed(futures), start=1):
                show(done, futures[future])
            results = [future.result() for future in futures]  # submission order
    if progress is not None:
        progress.write("\r\033[K")
        progress.flush()
    return results
