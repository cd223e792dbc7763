"""The laws whose elements are filled one by one: uniform, normal, truncated normal, constant.

The three random ones draw i.i.d. elements and state, for the testing kit,
the CDF and density of one element and the chance that two tie; a constant
writes the same value at every position of the array it is broadcast to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import _engine
from .._dtypes import for_dtype
from .._engine import Request
from .._special import log_mass, normal_cdf, truncnorm_cdf, truncnorm_moments
from .base import Distribution, tie_bound

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Constant", "Normal", "TruncatedNormal", "Uniform"]

#: sqrt(2 pi), the normal density's denominator.
_ROOT_TAU = math.sqrt(2.0 * math.pi)
#: Beyond this many standard deviations a normal value has probability < 1e-347.
_NORMAL_REACH = 40.0


@dataclass(frozen=True)
class Uniform(Distribution):
    """U(low, high): mean ``(low + high) / 2``, variance ``(high - low)**2 / 12``."""

    kind: ClassVar[str] = "uniform"
    windowed: ClassVar[bool] = True
    elementwise: ClassVar[bool] = True
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

    def cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        clipped: NDArray[np.float64] = np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
        return clipped

    def density(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, 1.0 / (self.high - self.low), 0.0)

    def tie_chance(self, dtype: np.dtype[Any]) -> float:
        return tie_bound(self.low, self.high, 1.0 / (self.high - self.low), dtype)

    def _fill(self, out: NDArray[Any], request: Request) -> None:
        _engine.fill_uniform(out, self.low, self.high, request)


@dataclass(frozen=True)
class Normal(Distribution):
    """N(loc, scale**2)."""

    kind: ClassVar[str] = "normal"
    windowed: ClassVar[bool] = True
    elementwise: ClassVar[bool] = True
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
    elementwise: ClassVar[bool] = True
    loc: float
    scale: float
    low: float
    high: float

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

    def extremes(self, dtype: Any = np.float64) -> tuple[float, float]:
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
