"""The laws initializers draw from, with their exact moments.

An initializer, given its parameters and the array's shape and fans, builds
one of these; the law knows its per-element mean and variance in closed form,
its support, and how to fill an array through the sampling engine. The
moments are those of the value at a uniformly chosen position of the array:
for i.i.d. laws that is every element's law; for structured arrays
(orthogonal, identity, sparse, ...) it is the mixture over positions, which is
what the sample mean and variance of the whole array estimate.

Obtain one with :meth:`weightinit.Initializer.distribution`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from . import _engine
from ._engine import Request
from ._special import truncnorm_moments
from ._validation import (
    check_allocation,
    check_dtype,
    check_representable,
    check_seed_source,
    check_shape,
    shown,
)

__all__ = [
    "Constant",
    "DeltaOrthogonal",
    "Distribution",
    "Indicator",
    "Normal",
    "Orthogonal",
    "Sparse",
    "TruncatedNormal",
    "Uniform",
]


#: The dtypes random laws are drawn in.
_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


class Distribution(ABC):
    """Base class of the laws. Subclasses are frozen dataclasses."""

    #: Short name of the law: 'uniform', 'normal', 'truncated_normal', ...
    kind: ClassVar[str] = ""
    #: Whether filling draws random numbers.
    random: ClassVar[bool] = True

    @property
    @abstractmethod
    def mean(self) -> float:
        """Exact mean of an element at a uniformly chosen position."""

    @property
    @abstractmethod
    def variance(self) -> float:
        """Exact variance of an element at a uniformly chosen position."""

    @property
    @abstractmethod
    def support(self) -> tuple[float, float]:
        """Smallest interval ``[low, high]`` that holds every value."""

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        """Bounds on the values filling an array of ``dtype`` writes, as that dtype rounds them.

        Derived from the sampler the engine runs for that dtype (float16 is
        sampled in float32), not from the law's support: a float32 normal
        never passes 6.76 standard deviations, for example. An infinity or
        NaN means that a value, or a step of filling it, overflows.
        """
        low, high = self.support
        with np.errstate(over="ignore"):
            written = np.array([low, high]).astype(dtype)
        return float(written[0]), float(written[1])

    def reach(self, dtype: Any = np.float64) -> float:
        """The largest magnitude a value of an array of ``dtype``, or a step of filling it, takes.

        Infinite (or NaN) if filling that dtype would overflow; see :meth:`extremes`.
        """
        low, high = self.extremes(dtype)
        return max(abs(low), abs(high)) if not math.isnan(low + high) else math.nan

    def refusal(self, dtype: Any) -> str | None:
        """Why this law cannot be drawn into an array of ``dtype``, or ``None`` if it can.

        A law is refused if a value, or a step of filling it, overflows the
        dtype, and if every value it would write rounds to 0 although the
        law is not the constant 0 (its scale underflows the dtype). Nothing
        is drawn: a call asks before taking its seed.
        """
        dtype = np.dtype(dtype)
        if dtype not in _FLOAT_DTYPES:
            return f"draws into float16, float32 or float64 arrays only; got dtype={dtype.name}"
        reach = self.reach(dtype)
        info = np.finfo(dtype)
        if not reach <= float(info.max):
            return (
                f"draws values beyond the range of dtype={dtype.name} (magnitudes up to "
                f"{float(info.max):g}); use smaller parameters or a wider dtype"
            )
        if reach == 0.0 and self.support != (0.0, 0.0):
            return (
                f"draws values that all round to 0 in dtype={dtype.name} (its smallest "
                f"positive value is {float(info.smallest_subnormal):.3g}); use larger "
                "parameters or a wider dtype"
            )
        return None

    #: Whether :meth:`_fill` computes any window by itself (i.i.d. elements);
    #: otherwise a window is cut out of the whole array.
    windowed: ClassVar[bool] = False
    #: Whether a fill forms the whole array in a float64 working copy, whatever the dtype
    #: and the window (the orthogonal factor).
    whole_in_float64: ClassVar[bool] = False

    def sample(self, shape: Any, *, dtype: Any = np.float64, rng: Any = None) -> NDArray[Any]:
        """Draw a whole array of ``shape`` from this law, through the sampling engine.

        ``rng`` is read as an initializer's is (SPEC 7); the same int seed gives
        the same array. Structured laws (orthogonal, sparse, identity, ...) are
        laws of one array: ``shape`` must be theirs.

        Examples
        --------
        >>> from weightinit.distributions import Uniform
        >>> x = Uniform(-1.0, 1.0).sample((1000,), dtype="float32", rng=0)
        >>> x.shape, x.dtype, bool(abs(x).max() <= 1.0)
        ((1000,), dtype('float32'), True)
        """
        dims = check_shape(shape)
        own = getattr(self, "shape", dims)
        if tuple(own) != dims:
            raise ValueError(
                f"shape must be this law's shape {shown(tuple(own))}; got shape={shown(dims)}."
            )
        name = type(self).__name__
        resolved = check_dtype(dtype, random=self.random, name=name)
        check_allocation(
            dims,
            np.dtype(np.float64) if self.whole_in_float64 else resolved,
            given=f"shape={shown(dims)}",
        )
        seed = self.checked_seed(rng, resolved, shown(self) if self.random else name)
        out = np.empty(dims, dtype=resolved)
        self.fill(out, _engine.Request(seed, _engine.Window(dims)))
        return out

    def checked_seed(
        self, rng: Any, dtype: np.dtype[Any], name: str
    ) -> np.random.SeedSequence | None:
        """The call seed of a fill in ``dtype``, once every check that draws nothing has passed.

        :meth:`check_drawable`, then :meth:`seed`. ``name`` is what messages
        call the law.
        """
        self.check_drawable(dtype, name)
        return self.seed(rng)

    def check_drawable(self, dtype: np.dtype[Any], name: str) -> None:
        """Refuse a fill in ``dtype`` that could not be made, before any seed is taken.

        A random law refuses parameters whose values ``dtype`` cannot hold
        (:meth:`refusal`); a non-random law checks that ``dtype`` holds its
        values exactly. ``name`` is what messages call the law.
        """
        if self.random:
            problem = self.refusal(dtype)
            if problem is not None:
                raise ValueError(f"{name} {problem}.")
            return
        check_representable(self.values, dtype, name)  # type: ignore[attr-defined]

    def seed(self, rng: Any) -> np.random.SeedSequence | None:
        """The call seed taken from ``rng``, or ``None`` for a law that draws nothing.

        A random law checks ``WEIGHTINIT_WORKERS`` first, so a refused call
        leaves a ``Generator`` passed as ``rng`` as it was; a non-random law
        checks ``rng`` and draws nothing from it.
        """
        if self.random:
            _engine.get_workers()
            return _engine.call_seed(rng)
        check_seed_source(rng)
        return None

    def fill(self, out: NDArray[Any], request: Request) -> None:
        """Fill ``out``, an array of ``request.window``'s shape (any strides).

        Random laws need a float16, float32 or float64 ``out``. Laws whose
        elements are not independent (orthogonal, sparse, identity, ...)
        compute the whole array and copy the window out of it.
        """
        if self.windowed or request.window.whole:
            self._fill(out, request)
            return
        whole = np.empty(request.window.shape, dtype=out.dtype)
        self._fill(whole, request.whole())
        out[...] = whole[request.window.index]

    @abstractmethod
    def _fill(self, out: NDArray[Any], request: Request) -> None:
        """Fill ``out``: the window's array if :attr:`windowed`, else the whole array."""


@dataclass(frozen=True)
class Uniform(Distribution):
    """U(low, high): mean ``(low + high) / 2``, variance ``(high - low)**2 / 12``."""

    kind: ClassVar[str] = "uniform"
    windowed: ClassVar[bool] = True
    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    @property
    def variance(self) -> float:
        width = self.high - self.low
        return width * width / 12.0  # a product overflows to inf where ** raises

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        return _engine.uniform_extremes(self.low, self.high, dtype)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        _engine.fill_uniform(out, self.low, self.high, request)


@dataclass(frozen=True)
class Normal(Distribution):
    """N(loc, scale**2)."""

    kind: ClassVar[str] = "normal"
    windowed: ClassVar[bool] = True
    loc: float
    scale: float

    @property
    def mean(self) -> float:
        return self.loc

    @property
    def variance(self) -> float:
        return self.scale * self.scale

    @property
    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        return _engine.normal_extremes(self.loc, self.scale, dtype)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        _engine.fill_normal(out, self.loc, self.scale, request)


@dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """N(loc, scale**2) restricted to ``[low, high]`` (absolute bounds).

    ``loc`` and ``scale`` are those of the normal before truncation; the
    truncated law's own mean and variance are :attr:`mean` and
    :attr:`variance`, exact for any bounds.
    """

    kind: ClassVar[str] = "truncated_normal"
    windowed: ClassVar[bool] = True
    loc: float
    scale: float
    low: float
    high: float

    def _standard(self) -> tuple[float, float]:
        return truncnorm_moments(
            (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale
        )

    @property
    def mean(self) -> float:
        return self.loc + self.scale * self._standard()[0]

    @property
    def variance(self) -> float:
        # The standard deviation first: it is at most the width, where scale**2 may overflow.
        spread = self.scale * math.sqrt(self._standard()[1])
        return spread * spread

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        # Standard draws are multiplied by scale in the working dtype, then
        # shifted by loc and clipped (see the engine): scale itself must fit too.
        return _engine.truncated_normal_extremes(self.loc, self.scale, self.low, self.high, dtype)

    def refusal(self, dtype: Any) -> str | None:
        try:
            return super().refusal(dtype)
        except ValueError as error:  # bounds the dtype cannot sample between
            return f"cannot be drawn in dtype={np.dtype(dtype).name}: {error}".rstrip(".")

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        _engine.fill_truncated_normal(out, self.loc, self.scale, self.low, self.high, request)


@dataclass(frozen=True)
class Constant(Distribution):
    """A fixed value (scalar or array broadcast to the shape)."""

    kind: ClassVar[str] = "constant"
    random: ClassVar[bool] = False
    windowed: ClassVar[bool] = True
    value: NDArray[Any]

    @property
    def mean(self) -> float:
        # Broadcasting repeats every element equally often, so the pooled
        # moments of the array are those of the value itself.
        return float(np.mean(self._numbers))

    @property
    def variance(self) -> float:
        return float(np.var(self._numbers))

    @property
    def _numbers(self) -> NDArray[Any]:
        """The value for moments: an int beyond 64 bits (held as an object) as a float64."""
        return self.value.astype(np.float64) if self.value.dtype == object else self.value

    @property
    def support(self) -> tuple[float, float]:
        return (float(np.min(self.value)), float(np.max(self.value)))

    @property
    def values(self) -> NDArray[Any]:
        """Every distinct value written."""
        return np.unique(self.value)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        window = request.window
        out[...] = np.broadcast_to(self.value, window.shape)[window.index]


@dataclass(frozen=True)
class Indicator(Distribution):
    """``value`` at the given positions, zero elsewhere (identity, eye, dirac)."""

    kind: ClassVar[str] = "indicator"
    random: ClassVar[bool] = False
    value: float
    shape: tuple[int, ...]
    index: tuple[NDArray[np.intp], ...] = field(repr=False)

    @property
    def _fraction(self) -> float:
        total = math.prod(self.shape)
        if total == 0:
            raise ValueError(f"moments are undefined for the empty shape {self.shape!r}.")
        return self.index[0].size / total

    @property
    def mean(self) -> float:
        return float(self.value) * self._fraction

    @property
    def variance(self) -> float:
        share = self._fraction
        value = float(self.value)  # an int value is kept exact for filling, not for moments
        return value * value * share * (1.0 - share)

    @property
    def support(self) -> tuple[float, float]:
        if self.index[0].size == 0:
            return (0.0, 0.0)
        return (min(0.0, self.value), max(0.0, self.value))

    @property
    def values(self) -> NDArray[Any]:
        """Every distinct value written, exactly (an int value stays an int)."""
        value = np.asarray(self.value).reshape(1)
        return np.concatenate([np.zeros(1, dtype=value.dtype), value])

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        out[...] = 0
        out[self.index] = self.value


def _moved(shape: tuple[int, ...], last: tuple[int, ...]) -> tuple[tuple[int, ...], int, int]:
    """Axis order that moves ``last`` to the end, and the (rows, cols) it flattens to."""
    order = tuple(axis for axis in range(len(shape)) if axis not in last) + last
    cols = math.prod(shape[axis] for axis in last)
    return order, math.prod(shape) // cols if cols else 0, cols


@dataclass(frozen=True)
class Orthogonal(Distribution):
    """``gain`` times a Haar-distributed matrix with orthonormal rows or columns.

    The array is viewed as a (rows, cols) matrix whose columns run over the
    output axes. Q is the Q factor, with R's diagonal made positive, of a
    standard normal matrix of the taller orientation, which makes it exactly
    Haar-distributed (Mezzadri, 2007, "How to generate random matrices from
    the classical compact groups", Notices of the AMS 54(5)); it is formed
    straight from the Householder reflectors, without the factorization
    (:func:`weightinit._engine.fill_haar`), in float64 whatever the dtype.
    Every entry has mean 0 and variance ``gain**2 / max(rows, cols)``.
    """

    kind: ClassVar[str] = "orthogonal"
    whole_in_float64: ClassVar[bool] = True
    gain: float
    shape: tuple[int, ...]
    out_axes: tuple[int, ...]

    @property
    def mean(self) -> float:
        return 0.0

    @property
    def variance(self) -> float:
        _, rows, cols = _moved(self.shape, self.out_axes)
        if max(rows, cols) == 0:
            raise ValueError(f"moments are undefined for the empty shape {self.shape!r}.")
        return self.gain * self.gain / max(rows, cols)

    @property
    def support(self) -> tuple[float, float]:
        return (-abs(self.gain), abs(self.gain))

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        # Q's columns (or rows) are unit vectors, computed in float64: entries
        # within 1 up to a few roundings; gain multiplies them in float64.
        bound = abs(self.gain) * (1.0 + 2.0**-40)
        with np.errstate(over="ignore", under="ignore"):
            written = np.array([-bound, bound]).astype(dtype)
        return float(written[0]), float(written[1])

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        order, rows, cols = _moved(self.shape, self.out_axes)
        if rows == 0 or cols == 0:
            return
        # The taller orientation, in float64 whatever the dtype: the one working copy.
        matrix = np.empty((max(rows, cols), min(rows, cols)))
        _engine.fill_haar(matrix, request)
        if self.gain != 1.0:
            matrix *= self.gain
        oriented = matrix.T if rows < cols else matrix
        target = out.transpose(order)
        np.copyto(target, oriented.reshape(target.shape), casting="same_kind")


@dataclass(frozen=True)
class Sparse(Distribution):
    """N(0, std**2) with exactly ``zeros`` zeros along the output axis per input index.

    As ``torch.nn.init.sparse_`` (Martens, 2010): mean 0, variance
    ``std**2 * (1 - zeros / n_out)``.
    """

    kind: ClassVar[str] = "sparse"
    std: float
    zeros: int
    shape: tuple[int, int]
    out_axis: int

    @property
    def mean(self) -> float:
        return 0.0

    @property
    def variance(self) -> float:
        size = self.shape[self.out_axis]
        if size == 0:
            raise ValueError(f"moments are undefined for the empty shape {self.shape!r}.")
        return self.std * self.std * (1.0 - self.zeros / size)

    @property
    def support(self) -> tuple[float, float]:
        if self.zeros == self.shape[self.out_axis]:  # every weight is one of the zeros
            return (0.0, 0.0)
        return (-math.inf, math.inf)

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        low, high = _engine.normal_extremes(0.0, self.std, dtype)
        return (min(low, 0.0), max(high, 0.0))

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        _engine.fill_normal(out, 0.0, self.std, request)
        view = out if self.out_axis == 1 else out.T
        groups, size = view.shape
        # A few groups at a time: the float64 keys and their order never
        # take more than SUBSET_BATCH entries (or one group's), whatever the dtype.
        step = max(1, _engine.SUBSET_BATCH // max(size, 1))
        for start in range(0, groups, step):
            stop = min(groups, start + step)
            rows = _engine.choose_subsets(
                groups, size, self.zeros, request, stream=1, rows=(start, stop)
            )
            np.put_along_axis(view[start:stop], rows, 0, axis=1)


@dataclass(frozen=True)
class DeltaOrthogonal(Distribution):
    """An orthogonal (in, out) matrix at the centre of a convolution kernel, zeros elsewhere.

    As ``jax.nn.initializers.delta_orthogonal`` (Xiao et al., 2018,
    "Dynamical Isometry and a Mean Field Theory of CNNs"): with ``K`` spatial
    positions, mean 0 and variance ``scale**2 / (K * max(n_in, n_out))``.
    """

    kind: ClassVar[str] = "delta_orthogonal"
    scale: float
    shape: tuple[int, ...]
    in_axis: int
    out_axis: int

    def _center(self) -> Orthogonal:
        return Orthogonal(self.scale, (self.shape[self.in_axis], self.shape[self.out_axis]), (1,))

    @property
    def mean(self) -> float:
        return 0.0

    @property
    def variance(self) -> float:
        if math.prod(self.shape) == 0:
            raise ValueError(f"moments are undefined for the empty shape {self.shape!r}.")
        positions = math.prod(self.shape) // (self.shape[self.in_axis] * self.shape[self.out_axis])
        return self._center().variance / positions

    @property
    def support(self) -> tuple[float, float]:
        return (-abs(self.scale), abs(self.scale))

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        low, high = self._center().extremes(dtype)
        return (min(low, 0.0), max(high, 0.0))

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        if out.size == 0:  # no centre to write (a zero-size kernel axis included)
            return
        matrix = np.empty((self.shape[self.in_axis], self.shape[self.out_axis]), out.dtype)
        self._center().fill(matrix, request.whole(matrix.shape))
        out[...] = 0
        index: list[Any] = [size // 2 for size in self.shape]
        index[self.in_axis] = slice(None)
        index[self.out_axis] = slice(None)
        center = out[tuple(index)]
        # The centre slice keeps in/out in their relative order.
        center[...] = matrix if self.in_axis < self.out_axis else matrix.T
