"""Worker threads: how many fill an array, and running a fill's blocks on them.

NumPy's generators and ufuncs release the GIL, so a pool of helper threads
draws blocks beside the calling thread; :class:`set_workers` sets how many.
However a fill ends (an error in any thread, Ctrl-C at any point), it
returns only once no helper draws into its array any more; a fill that an
interrupt cut short is settled by the thread's next one
(:func:`settle_interrupted`). Large fills show a progress bar as their
blocks are done.
"""

from __future__ import annotations

import collections
import itertools
import os
import sys
import threading
from collections.abc import Callable, Sequence
from types import TracebackType

from .._validation import check_int, shown
from .workspace import _workspace

#: The environment variable that sets the default number of worker threads.
ENV_WORKERS = "WEIGHTINIT_WORKERS"
#: The most threads a fill uses. Helper threads live as long as the process,
#: each keeping its scratch arrays (at most :data:`KEEP_BYTES`), so a larger
#: count is refused; the default, the cores available, stops here too.
MAX_WORKERS = 256


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
    return min(available_cores(), MAX_WORKERS)


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity), at least 1.

    Counted once, and again in a forked child: a system call and a set per
    fill otherwise.
    """
    global _cores
    if _cores is None:
        if hasattr(os, "sched_getaffinity"):
            _cores = max(1, len(os.sched_getaffinity(0)))
        else:  # pragma: no cover - platforms without affinity
            _cores = max(1, os.cpu_count() or 1)
    return _cores


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


def settle_interrupted() -> None:
    """Finish the wait of this thread's last fill, if an interrupt cut it short.

    Every fill starts with it, so that no helper of an interrupted fill still
    draws into an array when the next fill on this thread begins; the
    interrupt caught while waiting, if any, is raised now.
    """
    previous = _unsettled.fill
    if previous is not None:
        interrupt = previous.settle()
        _unsettled.fill = None
        if interrupt is not None:
            raise interrupt


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
    settle_interrupted()
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
