"""The base class of the laws: what every law states, and how a law is drawn or filled.

A law states its exact per-element moments and its support, the bounds the
engine's samplers reach in each dtype (so a call refuses what would
overflow), and what :mod:`weightinit.testing` checks of its arrays: the CDF,
density and tie chance of one element for i.i.d. laws, the exact structure of
an array for the others. The base class declares every one of these; a law
that lacks one raises :class:`NotImplementedError` when the testing kit asks,
which the kit reports as a failure.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import numpy as np

from .. import _engine
from .._dtypes import float_info, is_low_precision
from .._engine import Request
from .._validation import (
    check_allocation,
    check_dtype,
    check_representable,
    check_seed_source,
    check_shape,
    shown,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: The dtypes random laws are drawn in, with those of ml_dtypes (``is_low_precision``).
_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
#: The dtypes a random law with a complex form is drawn in.
_COMPLEX_DTYPES = (np.dtype(np.complex64), np.dtype(np.complex128))


@dataclass(frozen=True)
class Forms:
    """Whether a random law is drawn in real dtypes and in complex ones.

    ``None`` where it is; else why not, a clause a refusal quotes. In a
    complex dtype a law keeps its declared moments: :attr:`Distribution.mean`
    is E W and :attr:`Distribution.variance` is E|W - E W|², exactly, for the
    law's complex form (each law's class says which it is).
    """

    in_real: str | None = None
    in_complex: str | None = "its complex form is not implemented"


#: A law drawn in float16, float32 and float64 only.
REAL_ONLY = Forms()


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

        Derived from the sampler the engine runs for that dtype (float16,
        bfloat16 and the float8 types are sampled in float32), not from the law's support: a float32 normal
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
        problem = self.kind_refusal(dtype)
        if problem is not None:
            return problem
        reach = self.reach(dtype)
        info = float_info(dtype)
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

    def forms(self) -> Forms:
        """Whether this law is drawn in real dtypes and in complex ones (:class:`Forms`)."""
        return REAL_ONLY

    def kind_refusal(self, dtype: Any) -> str | None:
        """Why this law has no form in ``dtype``'s kind (real or complex), or ``None`` if it has.

        A random law is drawn in float16, float32 and float64, and in complex64
        and complex128 where it has a complex form (:meth:`forms`).
        """
        dtype = np.dtype(dtype)
        forms = self.forms()
        kinds = "float16, float32, float64, bfloat16 or float8"
        if forms.in_complex is None:
            kinds = "float16, float32, float64, bfloat16, float8, complex64 or complex128"
        real = dtype in _FLOAT_DTYPES or is_low_precision(dtype)
        if dtype in _COMPLEX_DTYPES and forms.in_complex is not None:
            return f"has no complex form ({forms.in_complex}): it draws into {kinds} arrays only; got dtype={dtype.name}"
        if real and forms.in_real is not None:
            return f"has no real form ({forms.in_real}): it draws into complex64 or complex128 arrays only; got dtype={dtype.name}"
        if not real and dtype not in _COMPLEX_DTYPES:
            return f"draws into {kinds} arrays only; got dtype={dtype.name}"
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

        A random law refuses a dtype of a kind it has no form in with a
        :class:`TypeError` (:meth:`kind_refusal`: complex for most laws), and
        parameters whose values ``dtype`` cannot hold (:meth:`refusal`); a non-random law checks that ``dtype`` holds its
        values exactly. ``name`` is what messages call the law.
        """
        if self.random:
            kind = self.kind_refusal(dtype)
            if kind is not None:
                raise TypeError(f"{name} {kind}.")
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

        Random laws need a float16, float32, float64, bfloat16 or float8 ``out``,
        or a complex64 or complex128 one where they have a complex form. Laws whose
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

    # --- what the testing kit asks of a law --------------------------------------------

    #: Whether the elements are i.i.d. draws of one law with :meth:`cdf`,
    #: :meth:`density` and :meth:`tie_chance` (uniform, normal, ...). A random
    #: law whose elements are not (orthogonal, sparse, ...) states instead what
    #: holds of its arrays, in :meth:`structure` and :meth:`compared`.
    elementwise: ClassVar[bool] = False

    def cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """``P(X <= x)`` for one element ``X``, elementwise over ``x`` (i.i.d. laws)."""
        raise self._undeclared("cdf(x)")

    def density(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """The density of one element at ``x``, elementwise over ``x`` (i.i.d. laws)."""
        raise self._undeclared("density(x)")

    def tie_chance(self, dtype: np.dtype[Any]) -> float:
        """An upper bound on the chance that two elements written in ``dtype`` are equal.

        For i.i.d. laws: the chance that one element lands on any one value
        representable in ``dtype``, at most the largest density times the
        largest spacing of ``dtype`` over the values the law takes (see
        :func:`tie_bound`).
        """
        raise self._undeclared("tie_chance(dtype)")

    def structure(self, draw: NDArray[Any], what: str) -> list[str]:
        """What is wrong with ``draw``, one array of this law: sentences that start with ``what``.

        The checks that hold exactly, array by array (orthogonality, the
        zeros a law writes, ...); an empty list if all pass. An i.i.d. law
        has none.
        """
        if self.elementwise:
            return []
        raise self._undeclared("structure(draw, what)")

    def compared(self, values: NDArray[Any]) -> Compared | None:
        """The part of the pooled ``values`` of random draws that follows an i.i.d. law, and that law.

        The testing kit compares it with the law's :meth:`cdf`
        (Kolmogorov-Smirnov). An i.i.d. law: all the values and itself;
        ``None`` for a law no part of whose values is i.i.d.
        """
        if self.elementwise:
            return Compared(values, self, "the values")
        raise self._undeclared("compared(values)")

    def _undeclared(self, member: str) -> NotImplementedError:
        if self.elementwise:
            needs = "a law whose elements are i.i.d. (elementwise = True) defines cdf, density and tie_chance"
        else:
            needs = (
                "a random law whose elements are not i.i.d. defines structure and compared; "
                "one whose elements are declares elementwise = True"
            )
        return NotImplementedError(
            f"{type(self).__name__} does not define {member}, which weightinit.testing "
            f"needs to check its arrays: {needs}."
        )


class Compared(NamedTuple):
    """Values the testing kit compares with a CDF: the values, their i.i.d. law, what to call them."""

    values: NDArray[Any]
    law: Distribution
    what: str


def tie_bound(low: float, high: float, peak: float, dtype: np.dtype[Any]) -> float:
    """The chance, at most, that a value of density at most ``peak`` on ``[low, high]`` lands on one value of ``dtype``.

    ``peak`` times the largest spacing of ``dtype`` over the interval, capped at 1.
    """
    magnitude = max(abs(low), abs(high))
    spacing = float(np.spacing(dtype.type(magnitude)))
    return min(1.0, peak * spacing)
