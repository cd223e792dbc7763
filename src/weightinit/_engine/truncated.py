"""The truncated normal: its sampling plan, its rejection sampler and its extremes.

Exact for any bounds, by rejection from the proposal whose acceptance rate is
highest for the interval (Robert, 1995, "Simulation of truncated normal
variables", Statistics and Computing 5:121-125): the normal itself, the
half-normal, a uniform on the interval, or a translated exponential for
intervals far in a tail. The acceptance rate of each is known in closed
form from the interval's mass, so the choice costs nothing and is exact.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._dtypes import float_info
from .._special import log_mass
from .blocks import FloatArray, _affine, _chunks, _work_dtype, fill_blocks
from .kernels import EXTREMES_CACHE, NORMAL64_LIMIT, _largest_radius32, _standard_normal
from .windows import Request
from .workspace import _workspace

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Bounds on NumPy's standard exponential in float32 and float64 (the ziggurats of
#: ``random_standard_exponential_f`` and ``random_standard_exponential``): the tail
#: draws ``r - log(1 - U)`` with ``r = 7.69711747013104972`` and ``U`` on a grid of
#: 24 (float32) or 53 (float64) bits, so ``1 - U >= 2**-24`` or ``2**-53``; the
#: factor covers rounding. Truncated normal draws from a far tail are shifted,
#: scaled copies of these (:func:`_proposals`).
EXPONENTIAL32_LIMIT = (7.69711747013104972 + 24.0 * math.log(2.0)) * (1.0 + 1e-6)
EXPONENTIAL64_LIMIT = (7.69711747013104972 + 53.0 * math.log(2.0)) * (1.0 + 1e-12)

#: Fills its array with proposals and returns the mask of those rejected (a
#: per-thread scratch array, valid until the next proposal).
Proposal = Callable[[FloatArray, "np.random.Generator"], "NDArray[np.bool_]"]


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
    limit = float(float_info(dtype).max)  # beyond it a bound excludes nothing the dtype holds
    if (direction > 0 and value > limit) or (direction < 0 and value < -limit):
        return math.copysign(math.inf, value)  # no value of dtype on its inner side: refused
    rounded = dtype.type(min(max(value, -limit), limit))
    if (direction > 0 and float(rounded) < value) or (direction < 0 and float(rounded) > value):
        # A neighbour towards the largest finite value (not infinity, which is NaN in a
        # float8 without one); rounding outward left the bound, so one lies inside.
        rounded = np.nextafter(rounded, dtype.type(math.copysign(limit, direction)))
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
