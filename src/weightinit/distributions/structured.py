"""The laws of one whole array: identity and dirac indicators, orthogonal, sparse, delta-orthogonal.

Their elements are not independent: a fill computes the whole array (a
window is cut out of it), and each random one states, for the testing kit,
the structure every array of it has exactly (orthogonality, the zeros it
writes) and which of its values, if any, are i.i.d.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import _engine
from .._dtypes import for_dtype, is_low_precision
from .._engine import Request
from .base import Compared, Distribution
from .elementwise import Normal

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "DeltaOrthogonal",
    "Indicator",
    "Orthogonal",
    "Sparse",
    "as_matrix",
    "matrix_axes",
    "orthogonality_failures",
]


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
        out[self.index] = for_dtype(self.value, out.dtype)


def matrix_axes(
    shape: tuple[int, ...], out_axes: tuple[int, ...]
) -> tuple[tuple[int, ...], int, int]:
    """The axis order that moves ``out_axes`` to the end, and the (rows, cols) it flattens to.

    An array of ``shape`` seen as a matrix whose columns run over the output axes.
    """
    order = tuple(axis for axis in range(len(shape)) if axis not in out_axes) + out_axes
    cols = math.prod(shape[axis] for axis in out_axes)
    return order, math.prod(shape) // cols if cols else 0, cols


def as_matrix(array: NDArray[Any], out_axes: tuple[int, ...]) -> NDArray[Any]:
    """``array`` as the (rows, cols) matrix whose columns run over ``out_axes`` (see :func:`matrix_axes`)."""
    order, rows, cols = matrix_axes(array.shape, out_axes)
    matrix: NDArray[Any] = array.transpose(order).reshape(rows, cols)
    return matrix


def orthogonality_failures(matrix: NDArray[Any], gain: float, what: str) -> list[str]:
    """Why ``matrix / gain`` is not orthogonal (in sentences starting with ``what``), if it is not.

    ``max |Q^T Q - I|`` (or ``Q Q^T``) must be within ``4 * eps * sqrt(size)``
    of ``matrix``'s dtype: Householder QR keeps orthogonality to a small
    multiple of eps * sqrt(size) in practice, and rounding the result to a
    narrower dtype adds eps of that dtype. A zero gain asks for zeros.
    """
    if gain == 0.0:
        if np.any(matrix != 0):
            return [f"{what}: gain is 0 but the matrix is not all zeros."]
        return []
    q = matrix.astype(np.float64) / gain
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    error = float(np.max(np.abs(gram - np.eye(gram.shape[0]))))
    tolerance = 4.0 * float(np.finfo(matrix.dtype).eps) * math.sqrt(max(matrix.shape))
    if error <= tolerance:
        return []
    return [
        f"{what}: the {matrix.shape[0]}x{matrix.shape[1]} matrix divided by gain={gain:g} "
        f"is not orthogonal: max |Q^T Q - I| = {error:.3g} > {tolerance:.3g}."
    ]


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
        _, rows, cols = matrix_axes(self.shape, self.out_axes)
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
        order, rows, cols = matrix_axes(self.shape, self.out_axes)
        if rows == 0 or cols == 0:
            return
        # The taller orientation, in float64 whatever the dtype: the one working copy.
        matrix = np.empty((max(rows, cols), min(rows, cols)))
        _engine.fill_haar(matrix, request)
        if self.gain != 1.0:
            matrix *= self.gain
        oriented = matrix.T if rows < cols else matrix
        target = out.transpose(order)
        if is_low_precision(out.dtype):  # the float32 matrix, rounded once from there
            oriented = oriented.astype(np.float32)
        np.copyto(target, oriented.reshape(target.shape), casting="same_kind")

    def structure(self, draw: NDArray[Any], what: str) -> list[str]:
        """The array, as a matrix divided by the gain, is orthogonal (:func:`orthogonality_failures`)."""
        return orthogonality_failures(
            as_matrix(draw, self.out_axes), self.gain, f"{what} (orthogonal)"
        )

    def compared(self, values: NDArray[Any]) -> Compared | None:
        return None  # entries of a Haar matrix are not independent


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

    def structure(self, draw: NDArray[Any], what: str) -> list[str]:
        """At least ``zeros`` zeros along the output axis per input unit."""
        zeros = np.count_nonzero(draw == 0, axis=self.out_axis)
        # A normal value can round to 0 in float16, never fewer zeros than drawn.
        short = np.flatnonzero(zeros < self.zeros)
        if not short.size:
            return []
        return [
            f"{what}: input unit {int(short[0])} has {int(zeros[short[0]])} zeros "
            f"along the output axis; sparse writes {self.zeros} per input unit."
        ]

    def compared(self, values: NDArray[Any]) -> Compared | None:
        """The nonzero values: i.i.d. N(0, std**2)."""
        return Compared(values[values != 0], Normal(0.0, self.std), "the nonzero values")


@dataclass(frozen=True)
class DeltaOrthogonal(Distribution):
    """An orthogonal (in, out) matrix at the centre of a convolution kernel, zeros elsewhere.

    As ``jax.nn.initializers.delta_orthogonal`` (Xiao et al., 2018,
    "Dynamical Isometry and a Mean Field Theory of CNNs"): with ``K`` spatial
    positions, mean 0 and variance ``scale**2 / (K * max(n_in, n_out))``.
    The centre is at index ``(k - 1) // 2`` of each spatial axis of size
    ``k``, as JAX's; ``column_axis`` (-2, -1, 0 or 1) is the axis of the
    (in, out) centre matrix whose columns JAX's ``orthogonal`` draws.
    """

    kind: ClassVar[str] = "delta_orthogonal"
    scale: float
    shape: tuple[int, ...]
    in_axis: int
    out_axis: int
    column_axis: int = -1

    def _center(self) -> Orthogonal:
        matrix = (self.shape[self.in_axis], self.shape[self.out_axis])
        return Orthogonal(self.scale, matrix, (self.column_axis % 2,))

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
        center = out[self._center_index()]
        # The centre slice keeps in/out in their relative order.
        center[...] = matrix if self.in_axis < self.out_axis else matrix.T

    def _center_index(self) -> tuple[Any, ...]:
        """The index of the (in, out) slice at the centre of the kernel: ``(k - 1) // 2``, as JAX's."""
        index: list[Any] = [(size - 1) // 2 for size in self.shape]
        index[self.in_axis] = slice(None)
        index[self.out_axis] = slice(None)
        return tuple(index)

    def structure(self, draw: NDArray[Any], what: str) -> list[str]:
        """The centre, divided by the scale, is orthogonal; every other value is 0."""
        matrix = draw[self._center_index()]
        if self.in_axis > self.out_axis:
            matrix = matrix.T
        failures = orthogonality_failures(matrix, self.scale, f"{what} (centre of the kernel)")
        outside = draw.copy()
        outside[self._center_index()] = 0
        if np.any(outside != 0):
            failures.append(
                f"{what}: {int(np.count_nonzero(outside))} nonzero values outside "
                "the kernel's centre (delta_orthogonal writes zeros there)."
            )
        return failures

    def compared(self, values: NDArray[Any]) -> Compared | None:
        return None  # the centre's entries are not independent, the rest are zeros
