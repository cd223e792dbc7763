"""Per-thread scratch arrays, kept from call to call so that blocks allocate nothing."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

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
        self.nbytes = 0  # of the arrays held

    def take(self, name: str, size: int, dtype: np.dtype[Any] | type) -> NDArray[Any]:
        key = (self.level, name, np.dtype(dtype))
        array = self.arrays.get(key)
        if array is None or array.size < size:
            held = 0 if array is None else array.nbytes
            array = self.arrays[key] = np.empty(max(size, 1), dtype=dtype)
            self.nbytes += array.nbytes - held
        return array[:size]

    def enter(self) -> None:
        self.level += 1

    def leave(self, outer: int) -> None:
        """Back to nesting level ``outer``, the level before :meth:`enter`."""
        level = outer + 1
        self.level = outer
        if level > 1:  # a nested fill's arrays are not kept
            for key in [key for key in self.arrays if key[0] == level]:
                self.nbytes -= self.arrays.pop(key).nbytes
        elif self.nbytes > KEEP_BYTES:
            self.arrays.clear()
            self.nbytes = 0


_workspace = _Workspace()
