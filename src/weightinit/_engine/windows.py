"""Windows and requests: which part of the full array a fill computes, from which seed.

A :class:`Window` is the ``region=`` of a call, checked by
:func:`make_window`; a :class:`Request` is what every fill is given.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._validation import _is_int, describe, shown


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
