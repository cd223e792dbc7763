"""The sampling engine: the one place random numbers are drawn.

Every function fills arrays it is given (C-contiguous, float32 or float64)
from a :class:`numpy.random.Generator`, sampling natively in the array's
dtype, so a float32 result never passes through a float64 temporary. Work is
done in chunks of at most :data:`CHUNK` elements so that scaling, shifting and
rejection touch cache-sized pieces and never allocate a second full-size
array.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._special import log_mass

__all__ = [
    "CHUNK",
    "choose_subsets",
    "fill_normal",
    "fill_truncated_normal",
    "fill_uniform",
    "standard_normal",
]

#: Elements handled per step of a fill.
CHUNK = 1 << 16

FloatArray = NDArray[np.floating]


def _chunks(flat: FloatArray) -> list[FloatArray]:
    return [flat[start : start + CHUNK] for start in range(0, flat.size, CHUNK)]


def _check_buffer(out: FloatArray) -> FloatArray:
    if out.dtype not in (np.float32, np.float64) or not out.flags.c_contiguous:
        raise AssertionError("engine buffers are C-contiguous float32 or float64 arrays")
    return out.reshape(-1)


def fill_uniform(out: FloatArray, low: float, high: float, gen: np.random.Generator) -> None:
    """Fill ``out`` with U(low, high) samples: ``low + (high - low) * U[0, 1)``."""
    width = high - low
    for piece in _chunks(_check_buffer(out)):
        gen.random(out=piece, dtype=piece.dtype)
        piece *= width
        piece += low


def fill_normal(out: FloatArray, loc: float, scale: float, gen: np.random.Generator) -> None:
    """Fill ``out`` with N(loc, scale**2) samples (ziggurat, in the array's dtype)."""
    for piece in _chunks(_check_buffer(out)):
        gen.standard_normal(out=piece, dtype=piece.dtype)
        if scale != 1.0:
            piece *= scale
        if loc != 0.0:
            piece += loc


def standard_normal(
    shape: tuple[int, ...], dtype: np.dtype[np.floating], gen: np.random.Generator
) -> FloatArray:
    """Return a new array of standard normal samples of the given shape and dtype."""
    result = np.empty(shape, dtype=dtype)
    fill_normal(result, 0.0, 1.0, gen)
    return result


# --- truncated normal -------------------------------------------------------------------
#
# Exact for any bounds, by rejection from the proposal whose acceptance rate is
# highest for the interval (Robert, 1995, "Simulation of truncated normal
# variables", Statistics and Computing 5:121-125): the normal itself, the
# half-normal, a uniform on the interval, or a translated exponential for
# intervals far in a tail. The acceptance rate of each is known in closed
# form from the interval's mass, so the choice costs nothing and is exact.

Proposal = Callable[
    [int, np.dtype[np.floating], np.random.Generator], tuple[FloatArray, NDArray[np.bool_]]
]


def _proposals(a: float, b: float) -> list[tuple[float, Proposal]]:
    """(log acceptance rate, proposal) pairs for N(0, 1) on [a, b], a < b, b > 0."""
    log_z = log_mass(a, b)
    log_sqrt_2pi = 0.5 * math.log(2.0 * math.pi)

    def normal(
        m: int, dtype: np.dtype[np.floating], gen: np.random.Generator
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        x = gen.standard_normal(m, dtype=dtype)
        return x, (x >= a) & (x <= b)

    def half_normal(
        m: int, dtype: np.dtype[np.floating], gen: np.random.Generator
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        x = np.abs(gen.standard_normal(m, dtype=dtype))
        return x, (x >= a) & (x <= b)

    peak = max(a, 0.0)  # the point of [a, b] nearest the mode

    def uniform(
        m: int, dtype: np.dtype[np.floating], gen: np.random.Generator
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        x = gen.random(m, dtype=dtype)
        x *= b - a
        x += a
        # Accept with probability exp((peak^2 - x^2) / 2) <= 1.
        bound = np.subtract(peak, x)
        bound *= np.add(peak, x)
        bound *= 0.5
        np.exp(bound, out=bound)
        return x, gen.random(m, dtype=dtype) <= bound

    rate = (a + math.sqrt(a * a + 4.0)) / 2.0  # optimal exponential rate (Robert 1995, eq. 2.2)

    def exponential(
        m: int, dtype: np.dtype[np.floating], gen: np.random.Generator
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        x = gen.standard_exponential(m, dtype=dtype)
        x /= rate
        x += a
        # Accept with probability exp(-(x - rate)^2 / 2).
        bound = np.subtract(x, rate)
        np.square(bound, out=bound)
        bound *= -0.5
        np.exp(bound, out=bound)
        return x, (gen.random(m, dtype=dtype) <= bound) & (x <= b)

    candidates: list[tuple[float, Proposal]] = [(log_z, normal)]
    if a >= 0.0:
        candidates.append((math.log(2.0) + log_z, half_normal))
        candidates.append(
            (log_sqrt_2pi + log_z + math.log(rate) + rate * a - rate * rate / 2.0, exponential)
        )
    if math.isfinite(b) and math.isfinite(a):
        candidates.append((log_sqrt_2pi + log_z + peak * peak / 2.0 - math.log(b - a), uniform))
    return candidates


def _inward(value: float, dtype: np.dtype[np.floating], direction: float) -> float:
    """``value`` rounded to ``dtype``, stepping towards ``direction`` if rounding left the bound."""
    rounded = dtype.type(value)
    if (direction > 0 and float(rounded) < value) or (direction < 0 and float(rounded) > value):
        rounded = np.nextafter(rounded, dtype.type(direction))
    return float(rounded)


def fill_truncated_normal(
    out: FloatArray,
    loc: float,
    scale: float,
    low: float,
    high: float,
    gen: np.random.Generator,
) -> None:
    """Fill ``out`` with N(loc, scale**2) samples restricted to ``[low, high]``.

    ``low < high``; either may be infinite. Exact for any bounds (see the
    comment above :func:`_proposals`), and every value lies in ``[low, high]``
    after rounding to ``out.dtype``.
    """
    flat = _check_buffer(out)
    dtype = flat.dtype
    alpha, beta = (low - loc) / scale, (high - loc) / scale
    mirror = beta <= 0.0
    a, b = (-beta, -alpha) if mirror else (alpha, beta)
    log_rate, propose = max(_proposals(a, b), key=lambda pair: pair[0])
    rate = min(1.0, math.exp(log_rate))
    lowest = _inward(low, dtype, math.inf) if math.isfinite(low) else None
    highest = _inward(high, dtype, -math.inf) if math.isfinite(high) else None
    if lowest is not None and highest is not None and lowest > highest:
        raise ValueError(
            f"the interval [{low!r}, {high!r}] holds no {dtype.name} value; "
            "widen the bounds or use a wider dtype."
        )
    for piece in _chunks(flat):
        filled = 0
        while filled < piece.size:
            need = piece.size - filled
            draws = min(int(need / rate * 1.05) + 32, 16 * CHUNK)
            x, accepted = propose(draws, dtype, gen)
            kept = x[accepted][:need]
            piece[filled : filled + kept.size] = kept
            filled += kept.size
        if mirror:
            np.negative(piece, out=piece)
        if scale != 1.0:
            piece *= scale
        if loc != 0.0:
            piece += loc
        if lowest is not None or highest is not None:
            np.clip(piece, lowest, highest, out=piece)


def choose_subsets(
    groups: int, size: int, count: int, gen: np.random.Generator
) -> NDArray[np.intp]:
    """For each of ``groups`` groups, ``count`` distinct positions out of ``size``.

    Returns an int array of shape ``(groups, count)``; each row is a uniformly
    random subset (the ``count`` smallest of ``size`` uniform keys).
    """
    if count == 0 or groups == 0:
        return np.empty((groups, count), dtype=np.intp)
    if count == size:
        return np.tile(np.arange(size, dtype=np.intp), (groups, 1))
    keys = gen.random((groups, size))
    subsets: NDArray[np.intp] = np.argpartition(keys, count - 1, axis=1)[:, :count]
    return subsets
