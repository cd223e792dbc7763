r"""Mean-field theory of deep networks: the variance and correlation maps, their fixed points, and the edge of chaos.

For a deep MLP with weights :math:`W_{ij} \sim N(0, \sigma_w^2/n)` and biases
:math:`b_i \sim N(0, \sigma_b^2)`, in the limit of wide layers the
pre-activations of a layer are Gaussian with variance :math:`q` given by the
*variance map* (Poole et al. 2016, eq. 3)

.. math:: q^{l+1} = \sigma_w^2\, E[\phi(\sqrt{q^l} z)^2] + \sigma_b^2,
          \qquad z \sim N(0, 1),

and two inputs' pre-activations have correlation :math:`c` given by the
*correlation map* (eq. 5)

.. math:: c^{l+1} = \frac{\sigma_w^2\, E[\phi(u_1)\phi(u_2)] + \sigma_b^2}{q^*},
          \qquad u_1 = \sqrt{q^*} z_1,\;
          u_2 = \sqrt{q^*}\,(c z_1 + \sqrt{1 - c^2}\, z_2).

Its slope at :math:`c = 1` is :math:`\chi_1 = \sigma_w^2 E[\phi'(\sqrt{q^*}
z)^2]`: below 1 nearby inputs converge (the *ordered* phase), above 1 they
decorrelate (*chaotic*), and at 1 — the *edge of chaos*, the critical line —
signals propagate to any depth (Schoenholz et al. 2017). The expectations are
exact Gaussian quadrature (:func:`weightinit.gains.normal_expectation`), split
at the activation's kinks.

References
----------
Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), Exponential
expressivity in deep neural networks through transient chaos, NeurIPS.
Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), Deep information
propagation, ICLR.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._special import _legendre
from ._validation import check_real
from .activations import Activation, get_activation
from .gains import normal_expectation

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ._initializer import Initializer

__all__ = ["PHASES", "MeanField", "critical", "mean_field"]

#: The phases a network's (σ_w, σ_b) put it in.
PHASES = ("ordered", "critical", "chaotic")

#: |χ₁ − 1| at most this is the critical line (critical() lands within ~1e-13 of it).
CRITICAL_TOLERANCE = 1e-9
#: The variance map is followed up to this factor of the start: beyond it, q grows without bound.
_GROWTH = 1e12
#: The critical-point search looks at q in [σ_b² + _LOW, σ_b² + _HIGH] (in units of 1).
_LOW, _HIGH = 1e-6, 1e6
#: A q this small stands for q → 0⁺ (E[φ'(√q z)²] there is φ'(0)², or its one-sided average at a kink).
_TINY = 1e-30
_BISECTIONS = 200
#: Offsets (in x) of the extra quadrature splits around each kink, for q > 1 (see _splits).
_OFFSETS = (0.0, *(sign * 2.0**k for sign in (-1.0, 1.0) for k in range(-3, 4)))


@dataclass(frozen=True)
class MeanField:
    r"""A deep network's mean-field state: its weight and bias scales, fixed point and phase.

    Attributes
    ----------
    activation : Activation
        The activation, resolved.
    sigma_w, sigma_b : float
        The weights' :math:`\sigma_w` (weights :math:`N(0, \sigma_w^2/n)`)
        and the biases' standard deviation :math:`\sigma_b`.
    q_star : float
        The fixed point :math:`q^*` of the variance map that the map reaches
        from ``q0``, the inputs' pre-activation variance.
    chi : float
        :math:`\chi_1 = \sigma_w^2 E[\phi'(\sqrt{q^*} z)^2]`, the slope of the
        correlation map at :math:`c = 1`.
    phase : {'ordered', 'critical', 'chaotic'}
        :math:`\chi_1 < 1`, :math:`= 1` (within 1e-9) or :math:`> 1`.
    """

    activation: Activation
    sigma_w: float
    sigma_b: float
    q_star: float
    chi: float
    phase: str = field(init=False)

    def __post_init__(self) -> None:
        if abs(self.chi - 1.0) <= CRITICAL_TOLERANCE:
            phase = "critical"
        else:
            phase = "ordered" if self.chi < 1.0 else "chaotic"
        object.__setattr__(self, "phase", phase)

    @functools.cached_property
    def c_star(self) -> float:
        r"""The stable fixed point :math:`c^*` of the correlation map: 1 unless the phase is chaotic."""
        if self.phase != "chaotic":
            return 1.0
        return _correlation_fixed_point(self)

    @functools.cached_property
    def depth_scale(self) -> float:
        r"""How many layers correlations take to reach :math:`c^*`: :math:`\xi_c = -1/\ln\chi_c`.

        :math:`\chi_c = \sigma_w^2 E[\phi'(u_1)\phi'(u_2)]` at :math:`c^*`
        (Schoenholz et al. 2017, eq. 9): :math:`\chi_1` in the ordered phase,
        infinite at criticality; in the chaotic phase computed at the
        correlation map's stable fixed point :math:`c^* < 1`.
        """
        if self.phase == "critical":
            return math.inf
        slope = self.chi if self.phase == "ordered" else _chi_c(self, self.c_star)
        if slope == 0.0:  # -1/ln(chi) -> 0 as chi -> 0: no depth at all
            return 0.0
        return -1.0 / math.log(slope) if slope < 1.0 else math.inf

    @property
    def bias(self) -> Initializer:
        r"""An initializer for the biases: :math:`N(0, \sigma_b^2)`, or zeros when :math:`\sigma_b = 0`."""
        from .initializers import random_normal, zeros

        if self.sigma_b == 0.0:
            return zeros
        return random_normal.partial(mean=0.0, stddev=self.sigma_b)

    def __repr__(self) -> str:
        return (
            f"MeanField({self.activation.name}, sigma_w={self.sigma_w:.6g}, "
            f"sigma_b={self.sigma_b:.6g}, q_star={self.q_star:.6g}, chi={self.chi:.6g}, "
            f"phase={self.phase!r})"
        )


def _moments(phi: Activation, q: float) -> tuple[float, float]:
    r""":math:`E[\phi(\sqrt q z)^2]` and :math:`E[\phi'(\sqrt q z)^2]`, the kinks split at their place."""
    if q == 0.0:
        value = float(phi.function(np.zeros(1))[0])
        return value * value, _moments(phi, _TINY)[1]
    root = math.sqrt(q)
    kinks = _splits(phi, root)

    def square(part: Callable[[NDArray[np.float64]], NDArray[np.float64]]) -> float:
        return normal_expectation(lambda z: np.square(part(root * z)), kinks)

    return square(phi.function), square(phi.derivative)


def _splits(phi: Activation, root: float) -> tuple[float, ...]:
    r"""Where to split the quadrature of :math:`f(\sqrt q z)`: the kinks, and around each the scale 1/√q.

    An activation's features (a kink, or the bend of a smooth one near 0)
    have width about 1 in x, 1/√q in z: for q > 1 panel edges at
    :math:`(k \pm d)/\sqrt q`, d from 1/8 to 8, keep the rule resolving them.
    """
    offsets = _OFFSETS if root > 1.0 else (0.0,)
    return tuple((k + d) / root for k in phi.kinks or (0.0,) for d in offsets)


def _homogeneous(phi: Activation) -> bool:
    r"""Whether :math:`\phi(a x) = a\,\phi(x)` for :math:`a > 0` (linear, ReLU, leaky ReLU): every q is alike."""
    x = np.linspace(-4.0, 4.0, 33)
    with np.errstate(all="ignore"):
        twice, once = phi.function(2.0 * x), phi.function(x)
    return bool(np.allclose(twice, 2.0 * once, rtol=1e-12, atol=1e-14))


def _fixed_point(phi: Activation, sigma_w: float, sigma_b: float, q0: float) -> float:
    """The fixed point of the variance map that iterating it from ``q0`` reaches."""

    def excess(q: float) -> float:  # the map's step: positive where q grows
        return sigma_w * sigma_w * _moments(phi, q)[0] + sigma_b * sigma_b - q

    step = excess(q0)
    if abs(step) <= 1e-13 * max(q0, 1e-300):
        return q0
    if step > 0.0:
        low, high = q0, 2.0 * q0
        while excess(high) > 0.0:
            low, high = high, 2.0 * high
            if high > _GROWTH * max(q0, 1.0):
                raise ValueError(
                    f"the variance map of {phi.name} with sigma_w={sigma_w!r}, sigma_b={sigma_b!r} "
                    f"has no finite fixed point above q0={q0!r}: sigma_w² E[phi(√q z)²] + "
                    f"sigma_b² exceeds q for every q up to {high:.3g}, so signals explode."
                )
        return _bisect(excess, low, high)
    low, high = q0 / 2.0, q0
    while excess(low) < 0.0:
        low, high = low / 2.0, low
        if low < 1e-250 * q0:
            return _bisect(excess, 0.0, high) if excess(0.0) > 0.0 else 0.0
    return _bisect(excess, low, high)


def _bisect(function: Callable[[float], float], low: float, high: float) -> float:
    """A root of ``function`` in [low, high], whose ends' signs differ (low's first)."""
    sign = function(low) > 0.0
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if (function(middle) > 0.0) == sign:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def _scale(name: str, value: Any) -> float:
    """A standard deviation: a finite real >= 0."""
    return check_real(name, value, nonnegative=True)


def _start(value: Any) -> float:
    """``q0``, the inputs' pre-activation variance: a finite real > 0."""
    return check_real("q0", value, positive=True)


def mean_field(
    activation: Any, *, sigma_w: float, sigma_b: float = 0.0, q0: float = 1.0, param: Any = None
) -> MeanField:
    r"""The mean-field state of a deep network: its variance fixed point, :math:`\chi_1` and phase.

    Parameters
    ----------
    activation : str, Activation or callable
        Any activation :func:`weightinit.gain` takes.
    sigma_w : float
        The weights' scale: weights :math:`N(0, \sigma_w^2/\mathrm{fan\_in})`.
    sigma_b : float, default 0.0
        The biases' standard deviation.
    q0 : float, default 1.0
        The inputs' pre-activation variance, where the variance map starts:
        :math:`q^*` is the fixed point it reaches from there (for ReLU at
        :math:`\sigma_w^2 = 2`, :math:`\sigma_b = 0`, the map is the identity
        and :math:`q^* = q_0`).
    param : float, optional
        ``leaky_relu``'s slope or ``elu``'s alpha.

    Returns
    -------
    MeanField
        With ``q_star``, ``chi``, ``phase``, ``depth_scale``, ``c_star``
        and ``bias``.

    Raises
    ------
    ValueError
        If the variance map has no finite fixed point above ``q0`` (signals
        explode: ReLU with :math:`\sigma_w^2 > 2`), or for bad arguments.

    References
    ----------
    Poole et al. (2016); Schoenholz et al. (2017), eqs. 3-9.

    Examples
    --------
    >>> import weightinit as wi
    >>> state = wi.mean_field("tanh", sigma_w=1.5, sigma_b=0.1)
    >>> state.phase, round(state.q_star, 4), round(state.chi, 4)
    ('chaotic', 0.8133, 1.1291)
    >>> wi.mean_field("relu", sigma_w=2**0.5).phase
    'critical'
    """
    phi = get_activation(activation, param)
    weight, bias = _scale("sigma_w", sigma_w), _scale("sigma_b", sigma_b)
    start = _start(q0)
    q_star = _fixed_point(phi, weight, bias, start)
    chi = weight * weight * _moments(phi, q_star)[1]
    return MeanField(phi, weight, bias, q_star, chi)


def critical(
    activation: Any, *, sigma_b: float = 0.0, q0: float = 1.0, param: Any = None
) -> MeanField:
    r"""The point of the critical line at bias scale ``sigma_b``: the :math:`\sigma_w` with :math:`\chi_1 = 1`.

    On the critical line :math:`q^*` is a fixed point of the variance map and
    :math:`\chi_1(q^*) = 1`; eliminating :math:`\sigma_w^2 = (q^* -
    \sigma_b^2)/E[\phi(\sqrt{q^*} z)^2]` leaves one equation in :math:`q^*`,

    .. math:: (q - \sigma_b^2)\, E[\phi'(\sqrt q z)^2] = E[\phi(\sqrt q z)^2],

    solved by bisection for its smallest root :math:`q^* > \sigma_b^2`. With
    :math:`\sigma_b = 0` and :math:`\phi(0) = 0 \ne \phi'(0)` (tanh), the
    critical point is :math:`q^* = 0` with :math:`\sigma_w = 1/|\phi'(0)|`
    when the variance map shrinks small q there. A positively homogeneous
    activation (linear, ReLU, leaky ReLU) has :math:`\chi_1 = \sigma_w^2
    E[\phi'(z)^2]` at every q: its critical point is :math:`\sigma_w^2 =
    1/E[\phi'(z)^2]` (2 for ReLU, He et al. 2015) with :math:`\sigma_b = 0`,
    where every q is a fixed point (``q_star`` is ``q0``).

    Parameters
    ----------
    activation : str, Activation or callable
        Any activation :func:`weightinit.gain` takes.
    sigma_b : float, default 0.0
        The biases' standard deviation.
    q0 : float, default 1.0
        For a homogeneous activation, the fixed point reported.
    param : float, optional
        ``leaky_relu``'s slope or ``elu``'s alpha.

    Returns
    -------
    MeanField
        Its ``phase`` is ``'critical'``; ``sigma_w``, ``q_star``, and
        ``bias``, the initializer of :math:`N(0, \sigma_b^2)` biases.

    Raises
    ------
    ValueError
        If no critical point exists: a homogeneous activation with
        :math:`\sigma_b > 0` (its variance map at :math:`\chi_1 = 1` is
        :math:`q \mapsto q + \sigma_b^2`, with no finite fixed point), or an
        activation whose :math:`\chi_1` stays below 1 at every fixed point.

    References
    ----------
    Schoenholz et al. (2017), §3 and Fig. 1; Poole et al. (2016).

    Examples
    --------
    >>> import weightinit as wi
    >>> point = wi.critical("tanh", sigma_b=0.05**0.5)
    >>> round(point.sigma_w**2, 4), round(point.q_star, 4)
    (1.761, 0.57)
    >>> round(wi.critical("relu").sigma_w**2, 12)
    2.0
    """
    phi = get_activation(activation, param)
    bias = _scale("sigma_b", sigma_b)
    start = _start(q0)
    if _homogeneous(phi):
        return _homogeneous_critical(phi, bias, start)
    q_star = _critical_q(phi, bias)
    second = _moments(phi, q_star)
    if q_star == 0.0:
        weight = 1.0 / math.sqrt(second[1])
    else:
        weight = math.sqrt((q_star - bias * bias) / second[0])
    return MeanField(phi, weight, bias, q_star, weight * weight * second[1])


def _homogeneous_critical(phi: Activation, bias: float, q0: float) -> MeanField:
    slope = _moments(phi, 1.0)[1]
    if bias > 0.0:
        raise ValueError(
            f"{phi.name} has no critical point with sigma_b={bias!r}: it is positively "
            f"homogeneous (phi(a x) = a phi(x)), so chi_1 = sigma_w² E[phi'(z)²] at every q, and "
            f"at chi_1 = 1 its variance map is q -> q + sigma_b², which has no finite fixed "
            f"point when sigma_b > 0. Its only critical point is sigma_b = 0, sigma_w² = "
            f"{1.0 / slope:.6g}."
        )
    weight = 1.0 / math.sqrt(slope)
    return MeanField(phi, weight, 0.0, q0, weight * weight * slope)


def _critical_q(phi: Activation, bias: float) -> float:
    """The smallest q* of the critical line at ``bias`` (see :func:`critical`)."""
    floor = bias * bias

    def gap(q: float) -> float:
        value, slope = _moments(phi, q)
        return (q - floor) * slope - value

    zero = float(phi.function(np.zeros(1))[0])
    if floor == 0.0 and zero == 0.0:
        small = _LOW
        value, slope = _moments(phi, small)
        if (
            slope > 0.0 and value / small <= _moments(phi, 0.0)[1]
        ):  # small q shrinks at σ_w = 1/|φ'(0)|
            return 0.0
    grid = floor + np.geomspace(_LOW, _HIGH, 97)
    signs = [gap(float(q)) > 0.0 for q in grid]
    for i in range(1, len(grid)):
        if signs[i] and not signs[i - 1]:
            return _bisect(gap, float(grid[i - 1]), float(grid[i]))
    above = "above" if signs[0] else "below"
    raise ValueError(
        f"{phi.name} has no critical point with sigma_b={bias!r}: (q - sigma_b²) E[phi'(√q z)²] "
        f"- E[phi(√q z)²] does not cross 0 for q in [sigma_b² + {_LOW:g}, sigma_b² + "
        f"{_HIGH:g}]: at every fixed point q* in that range chi_1 is {above} 1, for the "
        "sigma_w that makes q* a fixed point, so chi_1 = 1 is reached at no finite fixed point."
    )


# --- the correlation map ----------------------------------------------------------------


def _pair_expectation(
    phi: Activation, first: Callable[..., Any], second: Callable[..., Any], q: float, c: float
) -> float:
    r""":math:`E[f(u_1) g(u_2)]` for :math:`(u_1, u_2)` normal with variance q and correlation c.

    Nested quadrature: the outer over :math:`z_1` by
    :func:`normal_expectation`, the inner over :math:`z_2` by the same
    composite Gauss-Legendre rule with each row's panels split at the kinks
    of :math:`g(\sqrt q (c z_1 + s z_2))`, :math:`s = \sqrt{1 - c^2}`.
    """
    root, s = math.sqrt(q), math.sqrt(max(0.0, 1.0 - c * c))
    nodes, weights = _legendre()
    grid = np.arange(-16.0, 16.5, 1.0)

    def inner(z1: NDArray[np.float64]) -> NDArray[np.float64]:
        centre = root * c * z1
        if s == 0.0:
            return np.asarray(second(centre), dtype=np.float64)
        points = np.array(_splits(phi, root * s)) * (root * s)  # the splits in x
        kinks = np.clip((points[None, :] - centre[:, None]) / (root * s), -16.0, 16.0)
        edges = np.sort(np.concatenate([np.broadcast_to(grid, (z1.size, grid.size)), kinks], 1), 1)
        low, high = edges[:, :-1, None], edges[:, 1:, None]
        half = (high - low) / 2.0
        z2 = (low + high) / 2.0 + half * nodes
        density = np.exp(-0.5 * z2 * z2) / math.sqrt(2.0 * math.pi)
        values = np.asarray(second(centre[:, None, None] + root * s * z2), dtype=np.float64)
        return np.asarray(np.sum(half * weights * density * values, axis=(1, 2)))

    return normal_expectation(lambda z1: first(root * z1) * inner(z1), _splits(phi, root))


def _correlation_fixed_point(state: MeanField) -> float:
    """The correlation map's stable fixed point below 1, in the chaotic phase."""
    phi, q = state.activation, state.q_star
    weight2, bias2 = state.sigma_w**2, state.sigma_b**2

    def excess(c: float) -> float:
        paired = _pair_expectation(phi, phi.function, phi.function, q, c)
        return (weight2 * paired + bias2) / q - c

    if excess(0.0) <= 1e-14:
        return 0.0
    gap = 1e-2
    while excess(1.0 - gap) >= 0.0:
        gap /= 4.0
        if gap < 1e-10:
            return 1.0
    return _bisect(excess, 0.0, 1.0 - gap)


def _chi_c(state: MeanField, c: float) -> float:
    phi = state.activation
    paired = _pair_expectation(phi, phi.derivative, phi.derivative, state.q_star, c)
    return state.sigma_w**2 * paired
