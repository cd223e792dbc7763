"""The block loop: a fill cut into blocks, each drawn from its own generator.

The flattened output is cut into blocks of :data:`BLOCK` elements; block
``k`` depends on the call seed and ``k`` alone, so a result is a pure
function of (seed, law, shape, dtype): the same whatever the number of
worker threads, and whether it is made whole or one region at a time.
Inside a block, work goes in chunks of :data:`CHUNK` elements on the
thread's scratch arrays; float32 results (and float16, bfloat16 and float8
ones) are sampled in float32 and never pass through a float64 temporary: the
narrower dtypes are rounded once, to nearest even, when a block is copied out.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from .._dtypes import is_low_precision
from .seeds import _StreamSeeds
from .threads import _Progress, _run_blocks, settle_interrupted
from .windows import Request, Window
from .workspace import _workspace

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Elements per block: the unit of seeding, of threading and of ``region=``.
#: Deriving a block's generator costs a few per cent of drawing 2**18
#: float32 values (docs/performance.md measures both), while 2**20 elements
#: still make four blocks to share.
BLOCK = 1 << 18
#: Elements handled per step inside a block: a whole block. Each NumPy call then
#: works on 1 MiB of float32, long enough that two threads rarely wait for each
#: other's Python between calls; per-thread scratch arrays stay in cache.
CHUNK = BLOCK
#: Progress is shown on a terminal for fills of at least this many bytes.
PROGRESS_BYTES = 1 << 30

FloatArray: TypeAlias = "NDArray[np.floating]"
BlockSampler = Callable[[FloatArray, "np.random.Generator"], None]


def _work_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """float16, bfloat16 and float8 are sampled in float32 (NumPy's generators have no path for them); complex as itself."""
    if dtype == np.float64:
        return np.dtype(np.float64)
    if dtype in (np.float32, np.float16) or is_low_precision(dtype):
        return np.dtype(np.float32)
    if dtype in (np.complex64, np.complex128):  # complex samplers fill their parts in place
        return np.dtype(dtype)
    raise AssertionError(
        f"engine buffers are float16, float32, float64, complex64, complex128 or ml_dtypes'; got {dtype}"
    )


def fill_blocks(
    out: NDArray[Any], request: Request, sample: BlockSampler, *, stream: int = 0
) -> None:
    """Fill ``out`` (the window's array, any strides) block by block with ``sample``.

    ``sample(buffer, gen)`` fills a 1-D array of one block's length from
    that block's generator. Only the blocks holding an element of the
    window are drawn (:meth:`Window.spans`, over any axes). Blocks that
    are one run of a C-contiguous ``out`` are drawn in place; others are
    drawn into a thread's scratch buffer and the needed parts copied (a few
    strided copies per block, :func:`_gather`), so the result is
    ``full[window]`` exactly, and a non-contiguous ``out`` (Fortran order,
    a transposed or sliced view, a memmap's) needs no copy of its own size.
    """
    if request.seed is None:
        raise AssertionError("random fills need a call seed")
    seeds = _StreamSeeds(request.seed, stream)
    if out.size <= BLOCK and request.window.whole and not request.progress:
        settle_interrupted()  # as every fill does: no helper still draws anywhere
        if out.size:
            _fill_one(out, seeds.generator(0), sample)
        return
    contiguous = out.flags.c_contiguous
    flat = out.reshape(-1) if contiguous else out
    work = _work_dtype(out.dtype)
    window = request.window
    total = math.prod(window.shape)
    if window.whole:
        blocks: Sequence[int] = range(-(-total // BLOCK))
    else:
        blocks = [k for first, stop in window.spans(BLOCK) for k in range(first, stop)]
    bounds = window.full_bounds

    def run(block: int) -> None:
        size = min(BLOCK, total - block * BLOCK)
        gen = seeds.generator(block)
        target = _in_place(window, block * BLOCK, size) if contiguous else None
        if target is not None and out.dtype == work:
            sample(flat[target : target + size], gen)
            return
        buffer = _workspace.take("block", size, work)
        sample(buffer, gen)
        if target is not None:
            np.copyto(flat[target : target + size], buffer, casting="same_kind")
        elif window.whole:
            _put(out, block * BLOCK, buffer)
        else:
            _gather(out, window.shape, bounds, block * BLOCK, buffer)

    show = request.progress
    if show is None:
        show = out.nbytes >= PROGRESS_BYTES and sys.stderr.isatty()
    bar = _Progress(len(blocks), out.nbytes) if show and blocks else None
    _run_blocks(run, blocks, bar)


def _fill_one(out: NDArray[Any], gen: np.random.Generator, sample: BlockSampler) -> None:
    """Fill all of ``out``, one block's worth or less, on the calling thread.

    What :func:`fill_blocks` does for a whole array of at most one block,
    without threads, the per-block bookkeeping or a progress bar: in place
    when ``out`` is C-contiguous in the working dtype, else through the
    thread's scratch buffer.
    """
    work = _work_dtype(out.dtype)
    level = _workspace.level
    _workspace.enter()
    try:
        if out.flags.c_contiguous and out.dtype == work:
            sample(out.reshape(-1), gen)
            return
        buffer = _workspace.take("block", out.size, work)
        sample(buffer, gen)
        _put(out, 0, buffer)
    finally:
        _workspace.leave(level)


def _put(out: NDArray[Any], start: int, values: FloatArray) -> None:
    """Write ``values`` at the C-order positions ``start, start + 1, ...`` of ``out``, any strides.

    The positions are cut into at most two partial rows of the first axis
    (written by recursion) and whole rows between them (one copy), so a
    block takes a few copies whatever the layout, and no temporary.
    """
    if values.size == 0:
        return
    if out.ndim <= 1:
        np.copyto(out.reshape(-1)[start : start + values.size], values, casting="same_kind")
        return
    rest = out.shape[1:]
    inner = math.prod(rest)
    row, offset = divmod(start, inner)
    done = 0
    if offset:  # the end of a first row
        done = min(values.size, inner - offset)
        _put(out[row], offset, values[:done])
        row += 1
    whole = (values.size - done) // inner
    if whole:
        rows = values[done : done + whole * inner].reshape((whole, *rest))
        np.copyto(out[row : row + whole], rows, casting="same_kind")
        done += whole * inner
        row += whole
    if done < values.size:  # the start of a last row
        _put(out[row], 0, values[done:])


def _in_place(window: Window, start: int, size: int) -> int | None:
    """Where positions ``start, ..., start + size - 1`` of the full array are one run of the window's array."""
    if window.whole:
        return start
    first = window.region_position(start)
    last = window.region_position(start + size - 1)
    if first is None or last is None or last - first != size - 1:
        return None
    return first  # both ends inside, as many window elements between as positions


def _gather(
    out: NDArray[Any],
    shape: tuple[int, ...],
    bounds: tuple[tuple[int, int], ...],
    start: int,
    values: FloatArray,
) -> None:
    """Write the elements of a window that lie at positions ``start, ...`` of ``values`` into ``out``.

    ``values`` holds the C-order positions ``start, start + 1, ...`` of an
    array of ``shape``; ``bounds`` is the window on each of its axes and
    ``out`` the window's array, any strides. As :func:`_put`, at most two
    partial rows of the first axis (by recursion) and one strided copy of
    the whole rows between them: a few copies per block whatever the window.
    """
    if values.size == 0:
        return
    low, high = bounds[0]
    if len(shape) == 1:
        begin, end = max(start, low), min(start + values.size, high)
        if begin < end:
            np.copyto(
                out[begin - low : end - low],
                values[begin - start : end - start],
                casting="same_kind",
            )
        return
    inner = math.prod(shape[1:])
    row, offset = divmod(start, inner)
    done = 0
    if offset:  # the end of a first row
        done = min(values.size, inner - offset)
        if low <= row < high:
            _gather(out[row - low], shape[1:], bounds[1:], offset, values[:done])
        row += 1
    whole = (values.size - done) // inner
    begin, end = max(row, low), min(row + whole, high)
    if begin < end:
        rows = values[done + (begin - row) * inner : done + (end - row) * inner]
        cut = (slice(None), *(slice(a, b) for a, b in bounds[1:]))
        np.copyto(
            out[begin - low : end - low],
            rows.reshape((end - begin, *shape[1:]))[cut],
            casting="same_kind",
        )
    done += whole * inner
    row += whole
    if done < values.size and low <= row < high:  # the start of a last row
        _gather(out[row - low], shape[1:], bounds[1:], 0, values[done:])


def _chunks(buffer: FloatArray) -> Iterator[FloatArray]:
    for start in range(0, buffer.size, CHUNK):
        yield buffer[start : start + CHUNK]


def _affine(piece: FloatArray, scale: float, shift: float) -> None:
    if scale != 1.0:
        piece *= piece.dtype.type(scale)
    if shift != 0.0:
        piece += piece.dtype.type(shift)
