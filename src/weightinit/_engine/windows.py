"""Windows and requests: which part of the full array a fill computes, from which seed.

A :class:`Window` is the ``region=`` of a call, checked by
:func:`make_window`; a :class:`Request` is what every fill is given.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._validation import _is_int, describe, shown


@dataclass(frozen=True)
class Window:
    """The part of a full array a fill computes: ``full[start_0:stop_0, ...]``.

    ``bounds`` holds one ``(start, stop)`` per axis up to the last one the
    window cuts; the axes after it are whole.
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

    @property
    def full_bounds(self) -> tuple[tuple[int, int], ...]:
        """``(start, stop)`` on every axis, the whole ones included."""
        return self.bounds + tuple((0, n) for n in self.shape[len(self.bounds) :])

    def spans(self, block: int) -> Iterator[tuple[int, int]]:
        """``(first, stop)`` ranges of the ``block``-element blocks that hold the window's elements.

        In increasing order and disjoint; every block in a range holds at
        least one element of the window. Where an axis's sub-arrays are at
        most a block long, the window's elements in them are less than a
        block apart, so all the blocks from the first to the last are
        touched: one range. Longer sub-arrays are walked index by index, so
        there are never more ranges than blocks drawn.
        """
        if math.prod(stop - start for start, stop in self.full_bounds) == 0:
            return
        pending: tuple[int, int] | None = None
        for low, high in _dense_spans(self.shape, self.full_bounds, 0, block):
            first, stop = low // block, (high - 1) // block + 1
            if pending is not None and first < pending[1]:
                pending = (pending[0], max(pending[1], stop))
                continue
            if pending is not None:
                yield pending
            pending = (first, stop)
        if pending is not None:
            yield pending

    def region_position(self, position: int) -> int | None:
        """Where the full array's C-order ``position`` is in the window's array; None if outside."""
        indices = []
        for size in reversed(self.shape):
            position, index = divmod(position, size)
            indices.append(index)
        at = 0
        for index, (start, stop) in zip(reversed(indices), self.full_bounds, strict=True):
            if not start <= index < stop:
                return None
            at = at * (stop - start) + index - start
        return at


def _dense_spans(
    shape: tuple[int, ...], bounds: tuple[tuple[int, int], ...], base: int, block: int
) -> Iterator[tuple[int, int]]:
    """``[low, high)`` position ranges, from the window's first element to its last, gaps under a block.

    ``shape``/``bounds`` are a sub-array at C-order position ``base`` and
    the window's part of it (no empty axis).
    """
    stride = math.prod(shape[1:])
    start, stop = bounds[0]
    if len(shape) == 1 or stride <= block:
        strides = [math.prod(shape[axis + 1 :]) for axis in range(len(shape))]
        first = sum(low * s for (low, _), s in zip(bounds, strides, strict=True))
        last = sum((high - 1) * s for (_, high), s in zip(bounds, strides, strict=True))
        yield base + first, base + last + 1
        return
    for index in range(start, stop):
        yield from _dense_spans(shape[1:], bounds[1:], base + index * stride, block)


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
                "region must be a slice or a tuple of slices, one per axis from the first; got "
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
