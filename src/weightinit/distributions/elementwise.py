"""The laws whose elements are filled one by one: uniform, normal, truncated normal, constant.

The three random ones draw i.i.d. elements and state, for the testing kit,
the CDF and density of one element and the chance that two tie; a constant
writes the same value at every position of the array it is broadcast to.

Each random law also has a complex form where one is defined (:class:`Forms`),
with the same declared moments (E W = :attr:`mean`, E|W - E W|² =
:attr:`variance`): the normal's is the circular complex normal; a centred
uniform's, the uniform law on a disk, and a centred symmetric truncated
normal's, the circular complex normal with its modulus truncated (JAX's
``variance_scaling``), where the scheme that makes them says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import _engine
from .._dtypes import for_dtype
from .._engine import Request
from .._special import (
    circular_truncated_moment,
    log_mass,
    normal_cdf,
    truncnorm_cdf,
    truncnorm_moments,
)
from .base import Distribution, Forms, tie_bound

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "BOTH_FORMS",
    "INTERVAL_FORMS",
    "TRUNCATED_FORMS",
    "Constant",
    "Normal",
    "TruncatedNormal",
    "Uniform",
]

#: sqrt(2 pi), the normal density's denominator.
_ROOT_TAU = math.sqrt(2.0 * math.pi)
#: Beyond this many standard deviations a normal value has probability < 1e-347.
_NORMAL_REACH = 40.0
#: sqrt(2 / 3): the radius of the disk of E|W|² = l² / 3, that of U(-l, l), is l times it.
_DISK_RATIO = math.sqrt(2.0 / 3.0)

#: A law drawn in real and in complex dtypes.
BOTH_FORMS = Forms(in_complex=None)
#: A uniform law on an interval, as the plain uniform schemes make it: real only.
INTERVAL_FORMS = Forms(
    in_complex="JAX's random.uniform refuses complex dtypes and PyTorch's uniform_ draws each "
    "part from U(a, b), an E|W - E W|^2 twice (b - a)^2 / 12; variance scaling's uniform "
    "(glorot_uniform, he_uniform, lecun_uniform) has JAX's complex form, the disk"
)
#: A truncated normal, as the plain truncated-normal schemes make it: real only.
TRUNCATED_FORMS = Forms(
    in_complex="JAX's random.truncated_normal and PyTorch's trunc_normal_ refuse complex "
    "dtypes; variance scaling's truncated normal (glorot_normal, he_normal, lecun_normal) "
    "has JAX's complex form, the radially truncated complex normal"
)


@dataclass(frozen=True)
class Uniform(Distribution):
    """U(low, high): mean ``(low + high) / 2``, variance ``(high - low)**2 / 12``.

    Complex form (``drawn_as`` allowing it, and ``low == -high``): uniform on
    the disk of radius ``r = high * sqrt(2 / 3)``, so that E|W|² = r² / 2 =
    the variance; |W|² is uniform on [0, r²], the phase uniform and
    independent of it (JAX's ``_complex_uniform`` times ``sqrt(variance)``).
    """

    kind: ClassVar[str] = "uniform"
    windowed: ClassVar[bool] = True
    elementwise: ClassVar[bool] = True
    low: float
    high: float
    drawn_as: Forms = field(default=INTERVAL_FORMS, repr=False, compare=False)

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

    def forms(self) -> Forms:
        if self.drawn_as.in_complex is None and self.low != -self.high:
            return replace(self.drawn_as, in_complex="its complex form, a disk, is centred at 0")
        return self.drawn_as

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        if np.dtype(dtype).kind == "c":
            return _engine.disk_extremes(self.high * _DISK_RATIO, np.dtype(dtype))
        return _engine.uniform_extremes(self.low, self.high, dtype)

    def cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        clipped: NDArray[np.float64] = np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
        return clipped

    def density(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, 1.0 / (self.high - self.low), 0.0)

    def tie_chance(self, dtype: np.dtype[Any]) -> float:
        return tie_bound(self.low, self.high, 1.0 / (self.high - self.low), dtype)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        if out.dtype.kind == "c":
            _engine.fill_disk(out, self.high * _DISK_RATIO, request)
            return
        _engine.fill_uniform(out, self.low, self.high, request)


@dataclass(frozen=True)
class Normal(Distribution):
    """N(loc, scale**2).

    Complex form: ``loc + scale * Z``, Z the circular standard complex normal
    (independent real and imaginary parts of variance 1/2, as JAX's
    ``random.normal`` and PyTorch's ``normal_`` for ``loc = 0``), so E W = loc
    and E|W - loc|² = scale²; |W - loc|² is exponential of mean scale².
    """

    kind: ClassVar[str] = "normal"
    windowed: ClassVar[bool] = True
    elementwise: ClassVar[bool] = True
    loc: float
    scale: float
    drawn_as: Forms = field(default=BOTH_FORMS, repr=False, compare=False)

    @property
    def mean(self) -> float:
        return self.loc

    @property
    def variance(self) -> float:
        return self.scale * self.scale

    @property
    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def forms(self) -> Forms:
        return self.drawn_as

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        if np.dtype(dtype).kind == "c":
            return _engine.circular_normal_extremes(self.loc, self.scale, np.dtype(dtype))
        return _engine.normal_extremes(self.loc, self.scale, dtype)

    def cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return normal_cdf((x - self.loc) / self.scale)

    def density(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = (x - self.loc) / self.scale
        density: NDArray[np.float64] = np.exp(-z * z / 2.0) / (self.scale * _ROOT_TAU)
        return density

    def tie_chance(self, dtype: np.dtype[Any]) -> float:
        reach = _NORMAL_REACH * self.scale
        peak = 1.0 / (self.scale * _ROOT_TAU)
        return tie_bound(self.loc - reach, self.loc + reach, peak, dtype)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        if out.dtype.kind == "c":
            _engine.fill_circular_normal(out, self.loc, self.scale, request)
            return
        _engine.fill_normal(out, self.loc, self.scale, request)


@dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """N(loc, scale**2) restricted to ``[low, high]`` (absolute bounds).

    ``loc`` and ``scale`` are those of the normal before truncation; the
    truncated law's own mean and variance are :attr:`mean` and
    :attr:`variance`, exact for any bounds.

    Complex form (``drawn_as`` allowing it, ``loc == 0`` and ``low == -high``,
    ``k = high / scale``): ``c * Z``, Z the circular standard complex normal
    (E|Z|² = 1) with its modulus cut at ``k``, as JAX's
    ``_complex_truncated_normal(upper=k)``; |Z|² is Exp(1) restricted to
    [0, k²], the phase uniform. ``c = sqrt(variance / m(k))``, m(k) =
    E[|Z|² | |Z| <= k] (:func:`~weightinit._special.circular_truncated_moment`),
    so that E|W|² is the variance exactly.
    """

    kind: ClassVar[str] = "truncated_normal"
    windowed: ClassVar[bool] = True
    elementwise: ClassVar[bool] = True
    loc: float
    scale: float
    low: float
    high: float
    drawn_as: Forms = field(default=TRUNCATED_FORMS, repr=False, compare=False)

    def _bounds(self) -> tuple[float, float]:
        """The bounds in standard deviations from ``loc``."""
        return (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale

    def _standard(self) -> tuple[float, float]:
        return truncnorm_moments(*self._bounds())

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

    def forms(self) -> Forms:
        if self.drawn_as.in_complex is None and not (self.loc == 0.0 and self.low == -self.high):
            return replace(self.drawn_as, in_complex="its complex form is centred at 0")
        return self.drawn_as

    def _radial(self) -> tuple[float, float]:
        """The complex form's modulus scale ``c`` and bound ``k`` (see the class doc)."""
        bound = self.high / self.scale
        return math.sqrt(self.variance / circular_truncated_moment(bound)), bound

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
        if np.dtype(dtype).kind == "c":
            return _engine.radial_truncated_extremes(*self._radial(), np.dtype(dtype))
        # Standard draws are multiplied by scale in the working dtype, then
        # shifted by loc and clipped (see the engine): scale itself must fit too.
        return _engine.truncated_normal_extremes(self.loc, self.scale, self.low, self.high, dtype)

    def cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return truncnorm_cdf((x - self.loc) / self.scale, *self._bounds())

    def density(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = (x - self.loc) / self.scale
        inside = (x >= self.low) & (x <= self.high)
        peak = 1.0 / (self.scale * _ROOT_TAU)
        return np.where(inside, np.exp(-z * z / 2.0 - log_mass(*self._bounds())) * peak, 0.0)

    def tie_chance(self, dtype: np.dtype[Any]) -> float:
        a, b = self._bounds()
        mode = min(max(0.0, a), b)  # in standard deviations from loc
        peak = math.exp(-mode * mode / 2.0 - log_mass(a, b)) / (self.scale * _ROOT_TAU)
        reach = _NORMAL_REACH * self.scale
        low, high = max(self.low, self.loc - reach), min(self.high, self.loc + reach)
        return tie_bound(low, high, peak, dtype)

    def refusal(self, dtype: Any) -> str | None:
        try:
            return super().refusal(dtype)
        except ValueError as error:  # bounds the dtype cannot sample between
            return f"cannot be drawn in dtype={np.dtype(dtype).name}: {error}".rstrip(".")

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        if out.dtype.kind == "c":
            _engine.fill_radial_truncated(out, *self._radial(), request)
            return
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
        out[...] = np.broadcast_to(for_dtype(self.value, out.dtype), window.shape)[window.index]
