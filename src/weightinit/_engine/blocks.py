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
from collections.abc import Callable, Iterator
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
    that block's generator. Blocks wholly inside the window of a
    C-contiguous ``out`` are drawn in place; others are drawn into a
    thread's scratch buffer and the needed part copied, so the result is
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
    total = math.prod(request.window.shape)
    pieces = None if request.window.whole else _pieces(request.window)
    blocks = range(-(-total // BLOCK)) if pieces is None else sorted(pieces)

    def run(block: int) -> None:
        size = min(BLOCK, total - block * BLOCK)
        gen = seeds.generator(block)
        parts = [(0, size, block * BLOCK)] if pieces is None else pieces[block]
        if contiguous and len(parts) == 1 and parts[0][:2] == (0, size) and out.dtype == work:
            target = parts[0][2]
            sample(flat[target : target + size], gen)
            return
        buffer = _workspace.take("block", size, work)
        sample(buffer, gen)
        for low, high, target in parts:
            if contiguous:
                np.copyto(flat[target : target + high - low], buffer[low:high], casting="same_kind")
            else:
                _put(out, target, buffer[low:high])

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


def _pieces(window: Window) -> dict[int, list[tuple[int, int, int]]]:
    """For each block the window touches, its ``(low, high, out_start)`` parts, in block offsets."""
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    for start, length, out_start in window.runs():
        for block in range(start // BLOCK, (start + length - 1) // BLOCK + 1):
            low = max(start, block * BLOCK)
            high = min(start + length, (block + 1) * BLOCK)
            pieces.setdefault(block, []).append(
                (low - block * BLOCK, high - block * BLOCK, out_start + low - start)
            )
    return pieces


def _chunks(buffer: FloatArray) -> Iterator[FloatArray]:
    for start in range(0, buffer.size, CHUNK):
        yield buffer[start : start + CHUNK]


def _affine(piece: FloatArray, scale: float, shift: float) -> None:
    if scale != 1.0:
        piece *= piece.dtype.type(scale)
    if shift != 0.0:
        piece += piece.dtype.type(shift)
