"""The sampling engine: the one place random numbers are drawn.

A call's randomness is one :class:`numpy.random.SeedSequence`, the *call
seed* (:func:`call_seed`). The flattened output is cut into blocks of
:data:`BLOCK` elements, and block ``k`` is drawn from its own generator,
``SFC64(SeedSequence(entropy, spawn_key=(*spawn_key, stream, k)))``
(:func:`block_generator`), which depends on the call seed and ``k`` alone.
So a result is a pure function of (seed, law, shape, dtype): the same
whatever the number of worker threads, and whether it is made whole or one
region at a time (:class:`Window`). Blocks are filled by a pool of threads
(NumPy's generators and ufuncs release the GIL); :class:`set_workers` sets
how many.

Inside a block, work goes in chunks of :data:`CHUNK` elements on per-thread
scratch arrays kept from call to call (:class:`_Workspace`), so that scaling,
shifting and rejection never allocate a second full-size array, and a thread
holds the GIL only briefly between long NumPy calls; float32 (and float16)
results are sampled in float32 and never pass through a float64 temporary.
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence
from numpy.typing import NDArray

from ._special import log_mass
from ._validation import _is_int, check_int, check_int_seed, check_rng, describe, shown

__all__ = [
    "BLOCK",
    "CHUNK",
    "ENV_WORKERS",
    "EXPONENTIAL32_LIMIT",
    "EXPONENTIAL64_LIMIT",
    "MAX_WORKERS",
    "NORMAL32_LIMIT",
    "NORMAL64_LIMIT",
    "SUBSET_BATCH",
    "Request",
    "Window",
    "block_generator",
    "call_seed",
    "choose_subsets",
    "fill_blocks",
    "fill_haar",
    "fill_normal",
    "fill_truncated_normal",
    "fill_uniform",
    "get_workers",
    "make_window",
    "normal_extremes",
    "set_workers",
    "truncated_normal_extremes",
    "uniform_extremes",
]

#: Elements per block: the unit of seeding, of threading and of ``region=``.
#: Deriving a block's generator costs a few per cent of drawing 2**18
#: float32 values (docs/performance.md measures both), while 2**20 elements
#: still make four blocks to share.
BLOCK = 1 << 18
#: Elements handled per step inside a block: a whole block. Each NumPy call then
#: works on 1 MiB of float32, long enough that two threads rarely wait for each
#: other's Python between calls; per-thread scratch arrays stay in cache.
CHUNK = BLOCK
#: The environment variable that sets the default number of worker threads.
ENV_WORKERS = "WEIGHTINIT_WORKERS"
#: The most threads a fill uses. Helper threads live as long as the process,
#: each keeping its scratch arrays (at most :data:`KEEP_BYTES`), so a larger
#: count is refused; the default, the cores available, stops here too.
MAX_WORKERS = 256
#: Largest magnitude the float32 normal sampler can return: Box–Muller on
#: 32-bit uniforms gives radii up to ``sqrt(-2 ln 2**-33)``. A standard normal
#: exceeds it with probability 1.3e-11.
NORMAL32_LIMIT = math.sqrt(-2.0 * math.log(2.0**-33))
#: A bound on the magnitude of NumPy's float64 standard normal (the ziggurat of
#: ``random_standard_normal``, which ``Generator.standard_normal`` runs): draws
#: from the base strips stay below ``r = 3.6541528853610088``, and the tail's are
#: ``r - log1p(-U) / r`` with ``U`` on the 53-bit grid of ``[0, 1)``, so
#: ``1 - U >= 2**-53``. The factor covers the few roundings of that sum. A
#: standard normal exceeds it with probability 1e-42.
NORMAL64_LIMIT = (3.6541528853610088 + 53.0 * math.log(2.0) / 3.6541528853610088) * (1.0 + 1e-12)
#: Bounds on NumPy's standard exponential in float32 and float64 (the ziggurats of
#: ``random_standard_exponential_f`` and ``random_standard_exponential``): the tail
#: draws ``r - log(1 - U)`` with ``r = 7.69711747013104972`` and ``U`` on a grid of
#: 24 (float32) or 53 (float64) bits, so ``1 - U >= 2**-24`` or ``2**-53``; the
#: factor covers rounding. Truncated normal draws from a far tail are shifted,
#: scaled copies of these (:func:`_proposals`).
EXPONENTIAL32_LIMIT = (7.69711747013104972 + 24.0 * math.log(2.0)) * (1.0 + 1e-6)
EXPONENTIAL64_LIMIT = (7.69711747013104972 + 53.0 * math.log(2.0)) * (1.0 + 1e-12)
#: Scale factors in ``[1 / FLOAT32_SAFE, FLOAT32_SAFE]`` are applied as one float32:
#: times the samplers' values, they stay far inside float32's normal range. Others
#: are applied in two steps, so that none underflows, loses bits or overflows.
FLOAT32_SAFE = 2.0**100
#: Parameter sets whose sampler extremes are kept: a call checks them before
#: drawing, and a model asks for a few sets again and again.
EXTREMES_CACHE = 1024
#: Progress is shown on a terminal for fills of at least this many bytes.
PROGRESS_BYTES = 1 << 30

FloatArray = NDArray[np.floating]
BlockSampler = Callable[[FloatArray, np.random.Generator], None]

# --- seeds --------------------------------------------------------------------------------


def call_seed(rng: Any) -> np.random.SeedSequence:
    """The call's root seed, from an ``rng`` as Scientific Python SPEC 7 allows.

    An int or a :class:`~numpy.random.SeedSequence` gives the seed directly
    (the same every time); a :class:`~numpy.random.Generator` or
    :class:`~numpy.random.BitGenerator` gives 128 bits drawn from it once (it
    advances); ``None`` gives fresh entropy from the operating system.

    A generator gives ``SeedSequence([w0, w1, w2, w3])``, ``w`` the low 32
    bits of four raw outputs of its bit generator. An int's entropy is held as
    the uint32 words ``SeedSequence`` makes of it: the same seed, which each
    block's ``SeedSequence`` then reads without converting the int again.
    """
    if rng is None:
        return np.random.SeedSequence(_words(secrets.randbits(128)))
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.SeedSequence(_words(check_int_seed(rng)))
    generator = check_rng(rng)  # refuses other types, wraps bit generators
    # The low 32 bits of four raw outputs: 128 bits from any bit generator (MT19937's
    # are 32-bit), drawn under its lock like every Generator method, at a tenth of
    # the cost of Generator.integers.
    raw = generator.bit_generator.random_raw(4)
    return np.random.SeedSequence((raw & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _words(value: int) -> NDArray[np.uint32]:
    """``value``'s 32-bit words, lowest first (``[0]`` for 0), as ``SeedSequence`` splits ints."""
    return np.array(_int_words(value), dtype=np.uint32)


def _int_words(value: int) -> list[int]:
    words = []
    while value:
        words.append(value & _MASK32)
        value >>= 32
    return words or [0]


def _word_count(value: Any) -> int:
    """How many 32-bit words ``SeedSequence`` reads from an entropy or spawn-key value."""
    if isinstance(value, np.ndarray) and value.dtype == np.uint32:
        return value.size
    if isinstance(value, str):  # an element of a sequence: SeedSequence reads it as an int
        base = 16 if value.startswith("0x") else 8 if value.startswith("0") else 10
        value = int(value, base)
    if isinstance(value, (int, np.integer)):
        return max(1, (int(value).bit_length() + 31) // 32)
    return sum(_word_count(item) for item in value)


def block_generator(
    seed: np.random.SeedSequence, block: int, stream: int = 0
) -> np.random.Generator:
    """The generator of block ``block`` of stream ``stream`` of a call.

    ``SFC64(SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, stream,
    block)))``: independent of every other block and of how many exist.
    """
    child = np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, stream, block), pool_size=seed.pool_size
    )
    return np.random.Generator(np.random.SFC64(child))


# SeedSequence's hashing constants (O'Neill's seed_seq_fe, as NumPy implements it).
_MASK32 = 0xFFFFFFFF
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_L = 0xCA01F9DD
_MIX_R = 0x4973F715


def _hash_constants(first: int, multiplier: int, count: int) -> list[tuple[int, int]]:
    """``(before, after)`` of ``count`` successive hashes: the constant goes ``c -> c * multiplier``."""
    pairs = []
    for _ in range(count):
        after = first * multiplier & _MASK32
        pairs.append((first, after))
        first = after
    return pairs


#: The constants of ``generate_state``'s six hashes: SFC64's three 64-bit seed words.
_STATE_HASHES = _hash_constants(_INIT_B, _MULT_B, 6)


class _StreamSeeds:
    """The block generators of one stream of a call, as :func:`block_generator` makes them.

    A block's child ``SeedSequence`` differs from the stream's only by the
    last word of its spawn key, which ``SeedSequence`` mixes into its pool
    last. So the stream's pool and hash constants are computed once, from
    the call seed's pool; each block then mixes in its index and hashes out
    the three words ``SFC64`` seeds itself with, in Python integers, at
    half the cost of building the child ``SeedSequence``. The generator is
    bit for bit :func:`block_generator`'s.
    """

    def __init__(self, seed: np.random.SeedSequence, stream: int) -> None:
        size = seed.pool_size
        # Hashes so far: the pool's filling (the entropy, zero-padded to the pool
        # size), the pool mixed with itself, then one hash per pool word for each
        # further entropy word and for each spawn-key word.
        further = max(_word_count(seed.entropy) - size, 0) + _word_count(seed.spawn_key)
        const = _INIT_A * pow(_MULT_A, size * size + size * further, 1 << 32) & _MASK32
        pool = seed.pool.tolist()
        for word in _int_words(stream):
            pool, const = _mix_in(pool, _hash_constants(const, _MULT_A, size), word)
        self._pool = pool
        self._block_hashes = _hash_constants(const, _MULT_A, size)

    def generator(self, block: int) -> np.random.Generator:
        """Block ``block``'s generator: equal to ``block_generator(seed, block, stream)``."""
        if not 0 <= block <= _MASK32:
            raise AssertionError("block indices are one 32-bit word")
        pool, _ = _mix_in(self._pool, self._block_hashes, block)
        words = [  # SeedSequence.generate_state(3, np.uint64): the pool's words in turn, hashed
            _hashed(pool[index % len(pool)], before, after)
            for index, (before, after) in enumerate(_STATE_HASHES)
        ]
        state = np.array(
            [words[0] | words[1] << 32, words[2] | words[3] << 32, words[4] | words[5] << 32],
            dtype=np.uint64,
        )
        # NumPy takes any ISeedSequence; its type stubs name only SeedSequence.
        return np.random.Generator(np.random.SFC64(_Words(state)))  # type: ignore[arg-type]


def _mix_in(pool: list[int], hashes: list[tuple[int, int]], word: int) -> tuple[list[int], int]:
    """``SeedSequence``'s mixing of one more entropy word into ``pool``: new pool, next constant."""
    mixed = []
    for held, (before, after) in zip(pool, hashes, strict=True):
        value = (_MIX_L * held - _MIX_R * _hashed(word, before, after)) & _MASK32
        mixed.append(value ^ (value >> 16))
    return mixed, hashes[-1][1]


def _hashed(value: int, before: int, after: int) -> int:
    """``SeedSequence``'s hash of one word: xor the constant, multiply by its next value, fold."""
    value = (value ^ before) * after & _MASK32
    return value ^ (value >> 16)


class _Words(ISeedSequence):
    """A seed sequence that hands over words already made (SFC64 seeds itself from them)."""

    def __init__(self, words: NDArray[np.uint64]) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> NDArray[Any]:
        if n_words != len(self.words) or np.dtype(dtype) != np.uint64:
            raise AssertionError("block generators take three 64-bit words")
        return self.words


# --- workers ------------------------------------------------------------------------------


def _default_workers() -> int:
    text = os.environ.get(ENV_WORKERS)
    if text is not None and text.strip():
        try:
            value = int(text)
        except ValueError:
            raise ValueError(
                f"{ENV_WORKERS} must be an int from 1 to {MAX_WORKERS}; got {ENV_WORKERS}={shown(text)}."
            ) from None
        return check_int(ENV_WORKERS, value, minimum=1, maximum=MAX_WORKERS)
    global _cores
    if _cores is None:  # counted once: a system call and a set per fill otherwise
        if hasattr(os, "sched_getaffinity"):
            _cores = max(1, len(os.sched_getaffinity(0)))
        else:  # pragma: no cover - platforms without affinity
            _cores = max(1, os.cpu_count() or 1)
    return min(_cores, MAX_WORKERS)


_workers: int | None = None
_cores: int | None = None
_helpers: list[_Helper] = []
_helpers_lock = threading.Lock()


def get_workers() -> int:
    """The number of worker threads fills use now.

    Raises
    ------
    ValueError
        If the default is asked for and ``WEIGHTINIT_WORKERS`` is set to
        anything but an int from 1 to :data:`MAX_WORKERS`.
    """
    return _default_workers() if _workers is None else _workers


class set_workers:  # noqa: N801 - used as a function and as a context manager
    """Set how many threads fill arrays; usable as a call or a context manager.

    Results never depend on it: every block has its own stream.

    Parameters
    ----------
    n : int or None
        Threads to use, from 1 to :data:`MAX_WORKERS` (256). ``None``
        restores the default: the ``WEIGHTINIT_WORKERS`` environment
        variable if set (an int from 1 to 256, read at every fill), else
        the cores this process may run on, at most 256 (counted at the
        first fill, and again in a forked child).

    Raises
    ------
    TypeError
        If ``n`` is not an int or None.
    ValueError
        If ``n`` is below 1 or above 256.

    Examples
    --------
    >>> import weightinit as wi
    >>> with wi.set_workers(1):
    ...     wi.get_workers()
    1
    >>> a = wi.he_normal((256, 256), rng=0)
    >>> with wi.set_workers(3):
    ...     b = wi.he_normal((256, 256), rng=0)
    >>> bool((a == b).all())
    True
    """

    def __init__(self, n: int | None) -> None:
        global _workers
        checked = None if n is None else check_int("n", n, minimum=1, maximum=MAX_WORKERS)
        self._previous = _workers
        _workers = checked

    def __enter__(self) -> set_workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _workers
        _workers = self._previous


class _Helper:
    """A worker thread that helps fills with their blocks.

    A fill posts one entry per helper it wants on :data:`_pending` and wakes
    that many helpers (``wake``, a lock released to wake, never waited on by
    the caller); an awake helper joins the fills of the entries it pops, in
    turn, until none is left. A call never waits for a helper busy with
    another call: it draws the blocks itself.
    """

    def __init__(self) -> None:
        self.wake = threading.Lock()
        self.wake.acquire()
        self.busy = False  # helping a fill now
        threading.Thread(target=self._serve, name="weightinit", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self.wake.acquire()
            while True:
                try:
                    fill = _pending.popleft()
                except IndexError:
                    break
                self.busy = True
                fill.help(self)
                del fill  # holds no caller's array while asleep


def _wake(lock: threading.Lock) -> None:
    """Release ``lock`` if it is held: a wake-up that may come twice."""
    try:  # noqa: SIM105 - one C call fewer than contextlib.suppress, on every wake
        lock.release()
    except RuntimeError:  # released already: the thread is awake or will not sleep
        pass


#: Seconds between checks while a call waits for its helpers' last blocks: a
#: guard only, since the last helper to leave wakes the caller.
SETTLE_POLL = 0.1


class _Fill:
    """One fill's blocks, shared by the calling thread and the helpers that join it.

    Blocks are handed out by one counter (``next`` on it is one C call, so
    no lock is held). ``active`` counts helpers that have joined and not
    left; only helpers change it, under ``lock``, so the calling thread,
    the one Ctrl-C interrupts, never holds a lock a helper needs. A helper
    counts itself in before it reads ``stopped``, and :meth:`settle` sets
    ``stopped`` before it reads ``active``: once the caller has seen no
    active helper after stopping, no helper touches the array again.
    """

    def __init__(
        self, run: Callable[[int], None], blocks: Sequence[int], bar: _Progress | None
    ) -> None:
        self.run = run
        self.blocks = blocks
        self.bar = bar
        self.taken = itertools.count()
        self.stopped = False
        self.active = 0
        self.lock = threading.Lock()
        self.shown = threading.Lock()  # the progress bar's
        self.left = threading.Lock()  # released when the last active helper leaves
        self.left.acquire()
        self.errors: list[BaseException] = []

    def drain(self) -> None:
        """Draw the next block until none is left or the fill is stopped."""
        level = _workspace.level
        try:
            _workspace.enter()
            while not self.stopped:
                index = next(self.taken)
                if index >= len(self.blocks):
                    return
                try:
                    self.run(self.blocks[index])
                except BaseException:
                    self.stopped = True  # the other threads stop after their current block
                    raise
                if self.bar is not None:
                    with self.shown:
                        self.bar.step()
        finally:
            _workspace.leave(level)

    def help(self, helper: _Helper) -> None:
        """``helper``'s share of the fill (on its thread, which no signal interrupts)."""
        with self.lock:
            self.active += 1
        try:
            if not self.stopped:
                self.drain()
        except BaseException as error:  # raised on the calling thread by _run_blocks
            self.errors.append(error)
        finally:
            helper.busy = False  # before the caller can see it leave
            with self.lock:
                self.active -= 1
                last = self.active == 0
            if last:
                _wake(self.left)

    def settle(self) -> BaseException | None:
        """Stop the fill and wait until no helper draws a block of it.

        The wait lasts the blocks in flight. An interrupt during it does not
        end it: the first is returned, to be raised once the helpers are
        done with the array.
        """
        caught: BaseException | None = None
        self.stopped = True
        while True:
            try:
                while self.active:
                    self.left.acquire(timeout=SETTLE_POLL)
                break
            except BaseException as error:  # Ctrl-C again: wait on
                caught = caught or error
        for _ in range(len(_pending)):  # entries no helper took: drop the array they hold
            try:
                _pending.remove(self)
            except ValueError:
                break
        return caught


#: Entries of fills waiting for a helper: one per helper a fill asked for.
_pending: collections.deque[_Fill] = collections.deque()


class _Unsettled(threading.local):
    """The fill a thread was interrupted in before it saw its helpers done, if any."""

    fill: _Fill | None = None


_unsettled = _Unsettled()


def _call_helpers(fill: _Fill, count: int) -> None:
    """Ask up to ``count`` helpers (created on first need) to join ``fill``."""
    with _helpers_lock:
        while len(_helpers) < count:
            _helpers.append(_Helper())
        candidates = _helpers[:count]
    _pending.extend([fill] * count)
    for helper in candidates:
        _wake(helper.wake)


def _forget_helpers() -> None:
    """A forked child has none of its parent's threads: start helpers afresh, count cores anew."""
    global _helpers_lock, _cores
    _helpers.clear()
    _pending.clear()
    _unsettled.fill = None  # its helpers were the parent's
    _helpers_lock = threading.Lock()
    _cores = None  # counted again: the child may be given other cores


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helpers)


# --- windows: what part of the full array a call computes ---------------------------------


@dataclass(frozen=True)
class Window:
    """The part of a full array a fill computes: ``full[start_0:stop_0, ...]``.

    ``bounds`` holds one ``(start, stop)`` per leading axis; trailing axes are
    whole.
    """

    shape: tuple[int, ...]
    bounds: tuple[tuple[int, int], ...] = ()

    @property
    def whole(self) -> bool:
        """Whether the window is the full array."""
        return not self.bounds

    @property
    def index(self) -> tuple[slice, ...]:
        """The slices that cut the window out of the full array."""
        return tuple(slice(start, stop) for start, stop in self.bounds)

    @property
    def region_shape(self) -> tuple[int, ...]:
        """Shape of the window's array."""
        lead = tuple(stop - start for start, stop in self.bounds)
        return lead + self.shape[len(self.bounds) :]

    def runs(self) -> Iterator[tuple[int, int, int]]:
        """``(full_start, length, out_start)`` of each contiguous run, in order."""
        if not self.bounds:
            yield 0, math.prod(self.shape), 0
            return
        depth = len(self.bounds)
        strides = [math.prod(self.shape[axis + 1 :]) for axis in range(depth)]
        last_start, last_stop = self.bounds[-1]
        length = (last_stop - last_start) * strides[-1]
        if length == 0:
            return
        outer = [range(start, stop) for start, stop in self.bounds[:-1]]
        for position, indices in enumerate(itertools.product(*outer)):
            start = (
                sum(i * s for i, s in zip(indices, strides[:-1], strict=True))
                + last_start * strides[-1]
            )
            yield start, length, position * length


def make_window(shape: tuple[int, ...], region: Any) -> Window:
    """Check ``region`` (a slice or tuple of slices, step 1) against ``shape``.

    Slice bounds are ints (not bools) or ``None``; the step is ``None`` or 1.
    """
    if region is None:
        return Window(shape)
    items = region if isinstance(region, tuple) else (region,)
    if len(items) > len(shape):
        raise ValueError(
            f"region must have at most one slice per axis of shape={shown(shape)}; "
            f"got region={shown(region)}."
        )
    bounds = []
    for axis, item in enumerate(items):
        if not isinstance(item, slice):
            raise TypeError(
                "region must be a slice or a tuple of slices over the leading axes; got "
                f"{describe(f'region[{axis}]', item)}."
            )
        for part in ("start", "stop", "step"):
            value = getattr(item, part)
            if value is not None and not _is_int(value):  # bools too, as everywhere
                raise TypeError(
                    "region slices must have int or None start, stop and step; got "
                    f"{describe(f'region[{axis}].{part}', value)} in "
                    f"region[{axis}]={shown(item)}."
                )
        if item.step is not None and item.step != 1:
            raise ValueError(f"region slices must have step 1; got region[{axis}]={shown(item)}.")
        start, stop, _ = item.indices(shape[axis])
        bounds.append((start, max(start, stop)))
    while bounds and bounds[-1] == (0, shape[len(bounds) - 1]):
        bounds.pop()  # trailing whole axes: a coarser, equal window
    return Window(shape, tuple(bounds))


@dataclass(frozen=True)
class Request:
    """What a fill is asked for: the call seed, the window and whether to show progress."""

    seed: np.random.SeedSequence | None  # None for laws that draw nothing
    window: Window
    progress: bool | None = None

    def whole(self, shape: tuple[int, ...] | None = None) -> Request:
        """The same call's request for a whole array: the full one, or one of ``shape``."""
        return replace(self, window=Window(self.window.shape if shape is None else shape))


# --- the block loop -----------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, nbytes: int) -> None:
        self.total = total
        self.nbytes = nbytes
        self.done = 0
        self.shown = -1

    def step(self) -> None:
        self.done += 1
        percent = 100 * self.done // self.total
        if percent != self.shown:
            self.shown = percent
            gib = self.nbytes / 2**30
            end = "\n" if self.done == self.total else ""
            sys.stderr.write(f"\rweightinit: filling {gib:.1f} GiB {percent:3d}%{end}")
            sys.stderr.flush()


def _work_dtype(dtype: np.dtype[Any]) -> np.dtype[np.floating]:
    """float16 is sampled in float32 (NumPy's generators have no float16 path)."""
    if dtype == np.float64:
        return np.dtype(np.float64)
    if dtype in (np.float32, np.float16):
        return np.dtype(np.float32)
    raise AssertionError(f"engine buffers are float16, float32 or float64; got {dtype}")


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
    contiguous = out.flags.c_contiguous
    flat = out.reshape(-1) if contiguous else out
    work = _work_dtype(out.dtype)
    total = math.prod(request.window.shape)
    seeds = _StreamSeeds(request.seed, stream)
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


def _run_blocks(run: Callable[[int], None], blocks: Sequence[int], bar: _Progress | None) -> None:
    """Call ``run`` on every block, on the calling thread and up to ``workers - 1`` helpers.

    Threads take the next block from a shared counter until none is left,
    so a slow or busy core simply does fewer blocks. Helpers are woken
    first, so that they start while the calling thread begins its own first
    block: it does not sleep while they wake up, and a call made while the
    helpers are busy with other calls still finishes on its own.

    However the call ends (an error in any thread, Ctrl-C at any point), it
    stops the other threads after their current block and returns only
    once none of them draws into the array any more. Should a second
    interrupt land in the few steps before that wait begins, the thread's
    next fill finishes the wait first.
    """
    previous = _unsettled.fill
    if previous is not None:
        interrupt = previous.settle()
        _unsettled.fill = None
        if interrupt is not None:
            raise interrupt
    workers = min(get_workers(), len(blocks))
    if workers <= 1:
        level = _workspace.level
        try:
            _workspace.enter()
            for block in blocks:
                run(block)
                if bar is not None:
                    bar.step()
        finally:
            _workspace.leave(level)
        return
    fill = _Fill(run, blocks, bar)
    _unsettled.fill = fill
    try:
        _call_helpers(fill, workers - 1)
        fill.drain()
    finally:
        fill.stopped = True
        interrupt = fill.settle()
        _unsettled.fill = None
        if interrupt is not None:
            raise interrupt  # Ctrl-C wins over an error being raised
    if fill.errors:
        raise fill.errors[0]


#: Bytes of scratch arrays a thread keeps between calls (beyond it, they are freed).
KEEP_BYTES = 8 << 20


class _Workspace(threading.local):
    """Scratch arrays of one thread, kept from call to call: blocks allocate nothing.

    Arrays are taken by name, dtype and nesting level, so arrays in use at
    the same time never share memory, even for a fill started from inside
    another on the same thread. Between calls a thread keeps at most
    :data:`KEEP_BYTES` of them.
    """

    def __init__(self) -> None:
        self.arrays: dict[tuple[int, str, np.dtype[Any]], NDArray[Any]] = {}
        self.level = 0

    def take(self, name: str, size: int, dtype: np.dtype[Any] | type) -> NDArray[Any]:
        key = (self.level, name, np.dtype(dtype))
        array = self.arrays.get(key)
        if array is None or array.size < size:
            array = self.arrays[key] = np.empty(max(size, 1), dtype=dtype)
        return array[:size]

    def enter(self) -> None:
        self.level += 1

    def leave(self, outer: int) -> None:
        """Back to nesting level ``outer``, the level before :meth:`enter`."""
        level = outer + 1
        self.level = outer
        if level > 1:  # a nested fill's arrays are not kept
            for key in [key for key in self.arrays if key[0] == level]:
                del self.arrays[key]
        elif sum(array.nbytes for array in self.arrays.values()) > KEEP_BYTES:
            self.arrays.clear()


_workspace = _Workspace()


def _chunks(buffer: FloatArray) -> Iterator[FloatArray]:
    for start in range(0, buffer.size, CHUNK):
        yield buffer[start : start + CHUNK]


def _affine(piece: FloatArray, scale: float, shift: float) -> None:
    if scale != 1.0:
        piece *= piece.dtype.type(scale)
    if shift != 0.0:
        piece += piece.dtype.type(shift)


# --- uniform and normal -------------------------------------------------------------------


def _uniform32(piece: FloatArray, gen: np.random.Generator, half: float) -> None:
    """``half * V`` into a float32 ``piece``, V uniform on the grid ``k 2**-23``, ``-1 <= V < 1``.

    Each 32-bit word, read as a signed integer and shifted right by 8 bits,
    is a uniform 24-bit integer ``k`` in ``[-2**23, 2**23)``: the same 24 bits
    NumPy's float32 uniform uses, centred, so that ``center + half * V`` is
    ``U(center - half, center + half)`` with no separate shift when centred.
    Two words per 64-bit output of the bit generator.
    """
    words = gen.bit_generator.random_raw((piece.size + 1) // 2)
    bits = words.view(np.int32)[: piece.size]
    np.right_shift(bits, np.int32(8), out=bits)
    np.copyto(piece, bits, casting="unsafe")  # exact: |k| <= 2**23; a plain cast is the fast loop
    _scale_uniform32(piece, half)


def _scale_uniform32(piece: FloatArray, half: float) -> None:
    """``k`` into ``half * k 2**-23`` in a float32 ``piece``: the arithmetic of :func:`_uniform32`."""
    factor = half * 2.0**-23
    if factor >= 1.0 / FLOAT32_SAFE:
        piece *= np.float32(factor)
    else:  # as one float32 the factor would lose bits below float32's normal range, or vanish
        piece *= np.float32(2.0**-23)
        piece *= np.float32(half)


def fill_uniform(
    out: NDArray[Any], low: float, high: float, request: Request, stream: int = 0
) -> None:
    """Fill ``out`` with U(low, high) samples, ``low <= x < high`` up to rounding."""
    center = low / 2.0 + high / 2.0  # halves first: no overflow for bounds near the max
    half = high / 2.0 - low / 2.0

    def sample(buffer: FloatArray, gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            if piece.dtype == np.float32:
                _uniform32(piece, gen, half)
                if center != 0.0:
                    piece += piece.dtype.type(center)
            else:
                gen.random(out=piece)
                piece *= high - low
                if low != 0.0:
                    piece += piece.dtype.type(low)

    fill_blocks(out, request, sample, stream=stream)


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def uniform_extremes(low: float, high: float, dtype: Any) -> tuple[float, float]:
    """The least and greatest values :func:`fill_uniform` can write into an array of ``dtype``.

    The sampler's own arithmetic applied to its extreme inputs: every step is
    monotone in the input, so no sample lies outside. float32 (and float16,
    sampled in float32) scale the integers ``k = -2**23`` and ``2**23 - 1``;
    float64 scales ``U = 0`` and ``1 - 2**-53``, the ends of ``Generator.random``'s
    53-bit grid. A step that overflows gives an infinity or NaN here, as it
    would in the array.
    """
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if _work_dtype(dtype) == np.float32:
            ends = np.array([-(2.0**23), 2.0**23 - 1.0], dtype=np.float32)
            _scale_uniform32(ends, high / 2.0 - low / 2.0)
            center = low / 2.0 + high / 2.0
            if center != 0.0:
                ends += np.float32(center)
        else:
            ends = np.array([0.0, 1.0 - 2.0**-53])
            ends *= high - low
            if low != 0.0:
                ends += np.float64(low)
        written = ends.astype(dtype)
    return float(written[0]), float(written[1])


def _box_muller(piece: FloatArray, gen: np.random.Generator, scale: float = 1.0) -> None:
    """Fill a float32 ``piece`` with N(0, scale**2) samples by Box–Muller.

    Two 32-bit uniforms ``u1 = (i + 1/2) 2**-32`` and ``u2 = j 2**-32`` give
    ``sqrt(-2 ln u1) * (cos 2πu2, sin 2πu2)`` (Box & Muller, 1958, "A note on
    the generation of random normal deviates", Ann. Math. Statist. 29(2)),
    all in float32 ufuncs on per-thread scratch arrays. Magnitudes stop at
    :data:`NORMAL32_LIMIT`.
    """
    half = (piece.size + 1) // 2
    bits = gen.bit_generator.random_raw(half).view(np.uint32)
    radius = _workspace.take("radius", half, np.float32)
    angle = _workspace.take("angle", half, np.float32)
    _radius32(bits[:half], radius, scale)
    np.multiply(
        bits[half:],
        np.float32(2.0 * math.pi * 2.0**-32),
        out=angle,
        dtype=np.float32,
        casting="unsafe",
    )
    rest = piece.size - half
    np.sin(angle[:rest], out=piece[half:])
    piece[half:] *= radius[:rest]
    np.cos(angle, out=angle)
    np.multiply(radius, angle, out=piece[:half])


def _radius32(bits: NDArray[np.uint32], radius: FloatArray, scale: float) -> None:
    """The radii ``scale * sqrt(-2 ln u1)`` of :func:`_box_muller` from its words ``bits``."""
    np.multiply(bits, np.float32(2.0**-32), out=radius, dtype=np.float32, casting="unsafe")
    radius += np.float32(2.0**-33)
    np.log(radius, out=radius)
    # The scale goes under the root as scale**2 where that is safe (FLOAT32_SAFE);
    # beyond, it multiplies the root, so that neither a tiny scale (whose square
    # underflows) nor a huge one overflows.
    folded = 1.0 / FLOAT32_SAFE <= 2.0 * scale * scale <= FLOAT32_SAFE
    radius *= np.float32(-2.0 * scale * scale if folded else -2.0)
    np.sqrt(radius, out=radius)
    if not folded:
        radius *= np.float32(scale)


def _largest_radius32(scale: float) -> float:
    """The largest radius :func:`_box_muller` makes for ``scale``: that of the word 0.

    The logarithm, the products and the root are monotone, so the smallest
    ``u1`` (``2**-33``) gives the largest radius; ``cos`` and ``sin`` stay within
    ``[-1, 1]`` (``cos 0 = 1`` exactly), so no sample's magnitude exceeds it.
    """
    radius = np.empty(1, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        _radius32(np.zeros(1, dtype=np.uint32), radius, scale)
    return float(radius[0])


def _standard_normal(piece: FloatArray, gen: np.random.Generator, scale: float = 1.0) -> None:
    """N(0, scale**2) into ``piece``: Box–Muller for float32, ziggurat for float64."""
    if piece.dtype == np.float32:
        _box_muller(piece, gen, scale)
        return
    gen.standard_normal(out=piece, dtype=piece.dtype)
    if scale != 1.0:
        piece *= scale


def fill_normal(
    out: NDArray[Any], loc: float, scale: float, request: Request, stream: int = 0
) -> None:
    """Fill ``out`` with N(loc, scale**2) samples in the array's dtype.

    float64 uses NumPy's ziggurat; float32 and float16 use float32 Box–Muller,
    whose magnitudes stop at ``loc ± scale * NORMAL32_LIMIT`` (6.76σ).
    """

    def sample(buffer: FloatArray, gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            _standard_normal(piece, gen, scale)
            if loc != 0.0:
                piece += piece.dtype.type(loc)

    fill_blocks(out, request, sample, stream=stream)


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def normal_extremes(loc: float, scale: float, dtype: Any) -> tuple[float, float]:
    """The least and greatest values :func:`fill_normal` can write into an array of ``dtype``.

    float32 and float16 (sampled in float32): ``loc`` plus or minus the
    largest Box–Muller radius, computed by the sampler's own float32
    arithmetic (:func:`_largest_radius32`), so a scale that float32 rounds to
    0 gives 0 here as it does in the array. float64: ``loc`` plus or minus
    :data:`NORMAL64_LIMIT` times ``scale``. A step that overflows gives an
    infinity here, as it would in the array.
    """
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if _work_dtype(dtype) == np.float32:
            radius = _largest_radius32(scale)
            ends = np.array([-radius, radius], dtype=np.float32)
            if loc != 0.0:
                ends += np.float32(loc)
        else:
            ends = np.array([-NORMAL64_LIMIT, NORMAL64_LIMIT])
            ends *= scale
            if loc != 0.0:
                ends += np.float64(loc)
        written = ends.astype(dtype)
    return float(written[0]), float(written[1])


# --- truncated normal ---------------------------------------------------------------------
#
# Exact for any bounds, by rejection from the proposal whose acceptance rate is
# highest for the interval (Robert, 1995, "Simulation of truncated normal
# variables", Statistics and Computing 5:121-125): the normal itself, the
# half-normal, a uniform on the interval, or a translated exponential for
# intervals far in a tail. The acceptance rate of each is known in closed
# form from the interval's mass, so the choice costs nothing and is exact.

#: Fills its array with proposals and returns the mask of those rejected (a
#: per-thread scratch array, valid until the next proposal).
Proposal = Callable[[FloatArray, np.random.Generator], NDArray[np.bool_]]


def _outside(x: FloatArray, a: float, b: float) -> NDArray[np.bool_]:
    rejected: NDArray[np.bool_] = np.less(x, a, out=_workspace.take("rejected", x.size, np.bool_))
    if math.isfinite(b):
        rejected |= np.greater(x, b, out=_workspace.take("above", x.size, np.bool_))
    return rejected


def _proposals(a: float, b: float) -> list[tuple[float, Proposal]]:
    """(log acceptance rate, proposal) pairs for N(0, 1) on [a, b], a < b, b > 0."""
    log_z = log_mass(a, b)
    log_sqrt_2pi = 0.5 * math.log(2.0 * math.pi)

    def normal(x: FloatArray, gen: np.random.Generator) -> NDArray[np.bool_]:
        _standard_normal(x, gen)
        return _outside(x, a, b)

    def half_normal(x: FloatArray, gen: np.random.Generator) -> NDArray[np.bool_]:
        _standard_normal(x, gen)
        np.abs(x, out=x)
        return _outside(x, a, b)

    def accept(x: FloatArray, gen: np.random.Generator, bound: FloatArray) -> NDArray[np.bool_]:
        """Reject where a fresh U[0, 1) exceeds ``bound``."""
        uniform = gen.random(out=_workspace.take("accept", x.size, x.dtype), dtype=x.dtype)
        rejected: NDArray[np.bool_] = np.greater(
            uniform, bound, out=_workspace.take("rejected", x.size, np.bool_)
        )
        return rejected

    peak = max(a, 0.0)  # the point of [a, b] nearest the mode

    def uniform(x: FloatArray, gen: np.random.Generator) -> NDArray[np.bool_]:
        gen.random(out=x, dtype=x.dtype)
        _affine(x, b - a, a)
        # Accept with probability exp((peak^2 - x^2) / 2) <= 1.
        bound = np.subtract(x.dtype.type(peak), x, out=_workspace.take("bound", x.size, x.dtype))
        bound *= np.add(x.dtype.type(peak), x, out=_workspace.take("sum", x.size, x.dtype))
        bound *= x.dtype.type(0.5)
        np.exp(bound, out=bound)
        return accept(x, gen, bound)

    rate = (a + math.sqrt(a * a + 4.0)) / 2.0  # optimal exponential rate (Robert 1995, eq. 2.2)

    def exponential(x: FloatArray, gen: np.random.Generator) -> NDArray[np.bool_]:
        gen.standard_exponential(out=x, dtype=x.dtype)
        _affine(x, 1.0 / rate, a)
        # Accept with probability exp(-(x - rate)^2 / 2).
        bound = np.subtract(x, x.dtype.type(rate), out=_workspace.take("bound", x.size, x.dtype))
        np.square(bound, out=bound)
        bound *= x.dtype.type(-0.5)
        np.exp(bound, out=bound)
        rejected = accept(x, gen, bound)
        if math.isfinite(b):
            rejected |= np.greater(x, b, out=_workspace.take("above", x.size, np.bool_))
        return rejected

    candidates: list[tuple[float, Proposal]] = [(log_z, normal)]
    if a >= 0.0:
        candidates.append((math.log(2.0) + log_z, half_normal))
        candidates.append(
            (log_sqrt_2pi + log_z + math.log(rate) + rate * a - rate * rate / 2.0, exponential)
        )
    if math.isfinite(b) and math.isfinite(a):
        candidates.append((log_sqrt_2pi + log_z + peak * peak / 2.0 - math.log(b - a), uniform))
    return candidates


def _spares(count: int, rate: float) -> int:
    """Proposals to draw beyond ``count`` so that rejections among the first ``count`` are covered.

    With acceptance rate ``r = 1 - q``, ``n`` spares leave a surplus
    (accepted spares minus rejections among the first ``count``) of mean
    ``n r - count q`` and variance ``(n + count) r q``; ``n`` is the least
    that puts the mean :data:`SPARE_MARGIN` standard deviations above 0,
    so a shortfall (which only costs another round) has probability below
    1e-11. At most ``8 * count + 64`` when acceptance is low.
    """
    q = 1.0 - rate
    if q <= 0.0:
        return 0
    # With y = sqrt((n + count) r q) the condition is y**2 - z q y - count q >= 0.
    z = SPARE_MARGIN
    y = (z * q + math.sqrt((z * q) ** 2 + 4.0 * count * q)) / 2.0
    spares = y * y / (rate * q) - count
    return min(math.ceil(max(spares, 0.0)) + 4, 8 * count + 64)


#: Standard deviations of headroom in :func:`_spares`.
SPARE_MARGIN = 7.0


def _inward(value: float, dtype: np.dtype[Any], direction: float) -> float:
    """``value`` rounded to ``dtype``, stepping towards ``direction`` if rounding left the bound."""
    limit = float(np.finfo(dtype).max)  # beyond it a bound excludes nothing the dtype holds
    rounded = dtype.type(min(max(value, -limit), limit))
    if (direction > 0 and float(rounded) < value) or (direction < 0 and float(rounded) > value):
        with np.errstate(over="ignore"):  # past the largest value: infinity, refused before drawing
            rounded = np.nextafter(rounded, dtype.type(direction))
    return float(rounded)


@dataclass(frozen=True)
class _TruncatedPlan:
    """How :func:`fill_truncated_normal` samples: the standard interval, proposal and clip bounds."""

    a: float
    b: float
    propose: Proposal
    rate: float
    lowest: float | None
    highest: float | None
    sign: float


def _truncated_plan(
    loc: float, scale: float, low: float, high: float, dtype: np.dtype[Any]
) -> _TruncatedPlan:
    """The plan of a truncated normal fill of ``dtype``; a ``ValueError`` if it cannot be sampled.

    It draws nothing, so a call can make it before taking its seed.
    """
    alpha, beta = (low - loc) / scale, (high - loc) / scale
    mirror = beta <= 0.0
    a, b = (-beta, -alpha) if mirror else (alpha, beta)
    # Proposals are standard draws in the working dtype: a bound beyond its range
    # excludes nothing it can hold, so it is no bound at all there; a nearest bound
    # that far away cannot be sampled in that dtype.
    largest = float(np.finfo(_work_dtype(dtype)).max) / 4.0
    a = -math.inf if a < -largest else a
    b = math.inf if b > largest else b
    if a > largest:
        raise ValueError(
            f"the bounds [{low!r}, {high!r}] lie {a:.3g} standard deviations (scale={scale!r}) "
            f"from loc={loc!r}, beyond what {dtype.name} sampling can represent; "
            "use float64 or bounds nearer the mean."
        )
    log_rate, propose = max(_proposals(a, b), key=lambda pair: pair[0])
    rate = min(1.0, math.exp(log_rate))
    lowest = _inward(low, dtype, math.inf) if math.isfinite(low) else None
    highest = _inward(high, dtype, -math.inf) if math.isfinite(high) else None
    if lowest is not None and highest is not None and lowest > highest:
        raise ValueError(
            f"the interval [{low!r}, {high!r}] holds no {dtype.name} value; "
            "widen the bounds or use a wider dtype."
        )
    return _TruncatedPlan(a, b, propose, rate, lowest, highest, -scale if mirror else scale)


def _accepted_range(plan: _TruncatedPlan, work: np.dtype[Any]) -> tuple[float, float]:
    """Bounds on the accepted standard draws of ``plan`` in the working dtype.

    Each proposal's largest draw is computed by its own arithmetic in the
    working dtype; acceptance keeps draws within ``[a, b]``, compared in
    that dtype, so the range is widened by one step of it on each side.
    """
    a, b, name = plan.a, plan.b, plan.propose.__name__
    unit = np.array(
        [0.0, 1.0 - float(np.finfo(work).epsneg)], dtype=work
    )  # Generator.random's ends
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if name in ("normal", "half_normal"):
            limit = _largest_radius32(1.0) if work == np.float32 else NORMAL64_LIMIT
            first, last = max(a, -limit), min(b, limit)
        elif name == "uniform":
            _affine(unit, b - a, a)  # as the proposal computes it: it may pass b by rounding
            first, last = float(unit[0]), float(unit[1])
        else:  # exponential: a + E / rate, E at most the exponential sampler's bound
            rate = (a + math.sqrt(a * a + 4.0)) / 2.0
            tail = np.array(
                [EXPONENTIAL32_LIMIT if work == np.float32 else EXPONENTIAL64_LIMIT], dtype=work
            )
            _affine(tail, 1.0 / rate, a)
            first, last = a, min(b, float(tail[0]))
        ends = np.array([first, last], dtype=work)
        ends = np.nextafter(ends, np.array([-np.inf, np.inf], dtype=work))
    return float(ends[0]), float(ends[1])


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def truncated_normal_extremes(
    loc: float, scale: float, low: float, high: float, dtype: Any
) -> tuple[float, float]:
    """Bounds on the values :func:`fill_truncated_normal` writes into an array of ``dtype``.

    The accepted standard draws (:func:`_accepted_range`) go through the
    fill's own arithmetic: scaled in the working dtype, shifted by ``loc``,
    clipped to the bounds as the fill rounds them. A scale or a step that
    overflows the working dtype gives infinities, although the clip would
    hide it, since the fill would compute infinities or NaN. Raises the
    ``ValueError`` the fill would, without drawing anything.
    """
    dtype = np.dtype(dtype)
    plan = _truncated_plan(loc, scale, low, high, dtype)
    work = _work_dtype(dtype)
    first, last = _accepted_range(plan, work)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        ends = np.array([first, last], dtype=work)
        if plan.sign != 1.0:
            ends *= work.type(plan.sign)
        if loc != 0.0:
            ends += work.type(loc)
        if not (np.isfinite(ends).all() and np.isfinite(work.type(scale))):
            return -math.inf, math.inf
        ends.sort()
        if plan.lowest is not None or plan.highest is not None:
            np.clip(ends, plan.lowest, plan.highest, out=ends)
        written = ends.astype(dtype)
    return float(written[0]), float(written[1])


def fill_truncated_normal(
    out: NDArray[Any],
    loc: float,
    scale: float,
    low: float,
    high: float,
    request: Request,
) -> None:
    """Fill ``out`` with N(loc, scale**2) samples restricted to ``[low, high]``.

    ``low < high``; either may be infinite. Exact for any bounds (see the
    comment above :func:`_proposals`; float32 normal proposals stop at
    :data:`NORMAL32_LIMIT`), and every value lies in ``[low, high]`` after
    rounding to ``out.dtype``.
    """
    plan = _truncated_plan(loc, scale, low, high, out.dtype)
    propose, rate, lowest, highest, sign = (
        plan.propose,
        plan.rate,
        plan.lowest,
        plan.highest,
        plan.sign,
    )

    def sample(buffer: FloatArray, gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            # Proposals for every position and spares after them, in one
            # draw; rejected positions take, in order, the accepted spares.
            # Each value is then the first accepted proposal of an i.i.d.
            # sequence: exactly the truncated law.
            size = piece.size
            draws = _workspace.take("draws", size + _spares(size, rate), piece.dtype)
            rejected = propose(draws, gen)
            redo = np.flatnonzero(rejected[:size])
            spare = draws[size:][~rejected[size:]]
            while redo.size:
                used = min(redo.size, spare.size)
                draws[redo[:used]] = spare[:used]
                redo = redo[used:]
                if redo.size:  # a shortfall: draw spares for what is left
                    more = _workspace.take(
                        "more", _spares(redo.size, rate) + redo.size, piece.dtype
                    )
                    spare = more[~propose(more, gen)]
            if sign == 1.0:
                np.copyto(piece, draws[:size])
            else:
                np.multiply(draws[:size], piece.dtype.type(sign), out=piece)
            if loc != 0.0:
                piece += piece.dtype.type(loc)
            if lowest is not None or highest is not None:
                np.clip(piece, lowest, highest, out=piece)

    fill_blocks(out, request, sample)


# --- structured draws ---------------------------------------------------------------------


#: Keys per step of a caller of :func:`choose_subsets` (2 MiB of float64 keys,
#: as many bytes of indices): a step takes whole groups, at least one.
SUBSET_BATCH = BLOCK


def choose_subsets(
    groups: int,
    size: int,
    count: int,
    request: Request,
    stream: int,
    rows: tuple[int, int] | None = None,
) -> NDArray[np.intp]:
    """For each of ``groups`` groups, ``count`` distinct positions out of ``size``.

    Returns an int array of shape ``(groups, count)``; each row is a uniformly
    random subset (the ``count`` smallest of ``size`` uniform keys), drawn
    from stream ``stream`` of the call. With ``rows=(start, stop)``, only
    those groups' rows, from their keys alone: exactly
    ``choose_subsets(groups, size, count, request, stream)[start:stop]``, so
    that a caller taking a few rows at a time (:data:`SUBSET_BATCH` keys)
    never holds the keys of all groups.
    """
    start, stop = (0, groups) if rows is None else rows
    taken = stop - start
    if count == 0 or taken == 0:
        return np.empty((taken, count), dtype=np.intp)
    if count == size:
        return np.tile(np.arange(size, dtype=np.intp), (taken, 1))
    keys = np.empty((taken, size), dtype=np.float64)
    window = make_window((groups, size), slice(start, stop))
    # Auxiliary draws: the array's own fill shows the progress.
    fill_uniform(keys, 0.0, 1.0, Request(request.seed, window, False), stream)
    subsets: NDArray[np.intp] = np.argpartition(keys, count - 1, axis=1)[:, :count]
    return subsets


#: Columns per Householder block in :func:`fill_haar`: large enough for
#: matrix products to run near peak, small enough that forming T is cheap.
HAAR_BLOCK = 128
#: Columns per step of the trailing update, bounding its temporaries.
HAAR_PANEL = 256


def fill_haar(matrix: NDArray[np.float64], request: Request) -> None:
    """Overwrite a tall float64 ``matrix`` (m >= n) with a Haar-distributed Q (QᵀQ = I).

    The matrix is first filled with standard normals (stream 0 of the
    call). Column ``j`` below the diagonal, a standard normal vector in
    ``R^(m-j)``, defines the Householder reflector ``H_j`` that maps it to
    ``β_j e_1``, and ``Q = H_0 ⋯ H_(n-1) I[:, :n] diag(sign β_j)``. By the
    rotation invariance of the normal law, the reflectors Householder QR
    would compute from an m×n normal matrix are distributed exactly so;
    the sign fix makes R's diagonal positive, which makes Q exactly
    Haar-distributed (Stewart, 1980, "The efficient generation of random
    orthogonal matrices", SIAM J. Numer. Anal. 17(3); Mezzadri, 2007,
    Notices of the AMS 54(5)). The QR factorization itself is never needed:
    Q is formed in place from blocks of reflectors in compact WY form,
    ``H_k ⋯ H_(k+b-1) = I - V T Vᵀ`` with ``T⁻¹ = diag(1/τ) + striu(VᵀV)``
    (Joffrain et al., 2006, "Accumulating Householder transformations,
    revisited", ACM TOMS 32(2)), with matrix products only.
    """
    fill_normal(matrix, 0.0, 1.0, request.whole(matrix.shape))
    n = matrix.shape[1]
    signs = np.ones(n)
    for k in reversed(range(0, n, HAAR_BLOCK)):
        width = min(HAAR_BLOCK, n - k)
        vectors = matrix[k:, k : k + width].copy()
        top = vectors[:width]
        top[np.triu_indices(width, 1)] = 0.0
        # Summed along contiguous rows, NumPy adds pairwise: the norms, hence
        # τ and the reflections' orthogonality, are accurate to a few ulps
        # (a column-wise running sum loses about sqrt(m) times more).
        norms = np.sqrt(np.square(vectors.T, order="C").sum(axis=1))
        alpha = np.diagonal(top).copy()
        direction = np.where(alpha < 0.0, -1.0, 1.0)
        beta = -direction * norms
        live = norms > 0.0  # a zero column (probability 0) leaves H = I
        with np.errstate(divide="ignore", invalid="ignore"):
            vectors *= np.where(live, 1.0 / (alpha - beta), 0.0)
            tau = np.where(live, (beta - alpha) / beta, 0.0)
        top[np.diag_indices(width)] = np.where(live, 1.0, 0.0)
        signs[k : k + width] = np.where(live, -direction, 1.0)
        t_inverse = np.triu(vectors.T @ vectors, 1)
        t_inverse[np.diag_indices(width)] = np.where(live, 1.0 / np.where(live, tau, 1.0), 1.0)
        applied = np.linalg.inv(t_inverse) @ vectors.T  # T Vᵀ
        for start in range(k + width, n, HAAR_PANEL):
            trailing = matrix[k:, start : start + HAAR_PANEL]
            trailing -= vectors @ (applied @ trailing)
        panel = vectors @ -applied[:, :width]
        panel[np.diag_indices(width)] += 1.0
        matrix[k:, k : k + width] = panel
        matrix[:k, k:] = 0.0
    matrix *= signs
