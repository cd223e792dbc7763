"""Activation gains: the factor a weight's standard deviation is multiplied by.

:func:`calculate_gain` reproduces PyTorch's table exactly, so
``kaiming_*`` and ``xavier_*`` mean what they mean in PyTorch;
:func:`gain` computes the exact value for any activation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ._special import _legendre
from ._validation import check_option, check_real, describe, shown
from .activations import get_activation

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "GAIN_KINDS",
    "LINEAR_NONLINEARITIES",
    "NONLINEARITIES",
    "calculate_gain",
    "gain",
    "normal_expectation",
]

#: What :func:`gain` can preserve: the forward signal or the backward gradient.
GAIN_KINDS = ("forward", "backward")

# Quadrature of E[f(Z)], Z ~ N(0, 1): composite 32-point Gauss-Legendre on
# panels of width _PANEL over [-_REACH, _REACH], split at every kink. The
# density is below 1e-55 beyond 16, so the tails are dropped once seen to be
# negligible (the check below); on a panel of width 1 the integrand of every
# smooth activation is analytic in a wide ellipse, and 32 nodes reach double
# precision.
_REACH = 16.0
_PANEL = 1.0
# Convergence check: the integrand's mass over _REACH < |z| < _TAIL_REACH must
# be at most _TAIL_TOLERANCE times its mass over [-_REACH, _REACH]. An f
# growing like a polynomial or exp(c |z|) (every activation's phi**2 and
# phi'**2) keeps that ratio below 1e-40; f = exp(a z**2) passes up to a = 0.4
# (value then exact to 1e-12) and is refused from 0.41, where the dropped tail
# would be a visible error; a divergent integrand (a >= 1/2) keeps a mass of
# order 1 out there, or overflows. The density at 32 is 1e-223, a normal float64.
_TAIL_REACH = 32.0
_TAIL_TOLERANCE = 1e-12

#: Names whose gain is 1 because they are linear maps.
LINEAR_NONLINEARITIES = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)

#: Every name :func:`calculate_gain` accepts.
NONLINEARITIES = (*LINEAR_NONLINEARITIES, "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: Any = None) -> float:
    r"""Return the recommended gain for a nonlinearity, as PyTorch's table.

    Parameters
    ----------
    nonlinearity : str
        One of :data:`NONLINEARITIES`.
    param : int or float, optional
        The negative slope of ``'leaky_relu'`` (default 0.01); ignored by the
        other nonlinearities.

    Returns
    -------
    float
        ======================  ==================================
        nonlinearity            gain
        ======================  ==================================
        linear, conv*, sigmoid  :math:`1`
        tanh                    :math:`5/3`
        relu                    :math:`\sqrt{2}`
        leaky_relu              :math:`\sqrt{2 / (1 + a^2)}`
        selu                    :math:`3/4`
        ======================  ==================================

    Raises
    ------
    ValueError
        For an unknown nonlinearity, or a leaky_relu slope that is not an int
        or float (bools included) or is not finite.

    Notes
    -----
    These are PyTorch's values (``torch.nn.init.calculate_gain``); tanh's 5/3
    and selu's 3/4 are chosen constants, not the exact
    :math:`1/\sqrt{E[\phi(z)^2]}` of the activation. He et al. (2015),
    "Delving Deep into Rectifiers", ICCV, derive the ReLU and leaky ReLU
    values.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.calculate_gain("relu")
    1.4142135623730951
    >>> round(wi.calculate_gain("leaky_relu", 0.2), 6)
    1.386750
    """
    if not isinstance(nonlinearity, str):
        raise TypeError(
            f"nonlinearity must be a str, one of {', '.join(map(repr, NONLINEARITIES))}; "
            f"got {describe('nonlinearity', nonlinearity)}."
        )
    if nonlinearity in LINEAR_NONLINEARITIES or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = check_real("param", param)
        else:
            raise ValueError(
                f"negative_slope {shown(param, plain=True)} not a valid number; got param={shown(param)}."
            )
        # slope * slope, not slope**2: a float power raises OverflowError where
        # the product overflows to inf (and the gain to its limit, 0).
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"Unsupported nonlinearity {shown(nonlinearity, plain=True)}: nonlinearity must be one of "
        f"{', '.join(map(repr, NONLINEARITIES))}; got nonlinearity={shown(nonlinearity)}."
    )


def normal_expectation(
    function: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    kinks: tuple[float, ...] = (0.0,),
) -> float:
    r"""Return :math:`E[f(Z)]` for :math:`Z \sim N(0, 1)`, by quadrature.

    Composite 32-point Gauss-Legendre on panels of width 1 covering
    :math:`[-16, 16]`, with the panel edges moved to include every point of
    ``kinks``, where ``f`` may have a kink: each panel then holds an analytic
    integrand and the rule converges geometrically, instead of the slow
    algebraic convergence that Gauss-Hermite shows across a kink. The normal
    density is below :math:`10^{-55}` outside :math:`[-16, 16]`. Every node is
    at least :math:`3 \times 10^{-4}` from a panel edge, which
    :func:`~weightinit.activations.central_difference` relies on, unless two
    kinks are closer than 1/4: each keeps its edge, and the panel between
    them is as narrow as they are close.

    The tails are dropped only once they are seen to be negligible: the same
    rule over :math:`16 < |z| < 32` must give an integrand whose absolute mass
    there is at most :math:`10^{-12}` of its absolute mass over
    :math:`[-16, 16]`. Otherwise the expectation diverges (e.g.
    :math:`f(z) = e^{z^2/2}`) or converges too slowly to be computed to that
    precision (e.g. :math:`f(z) = e^{0.45 z^2}`), and a ``ValueError`` says
    so. The value returned is the integral over :math:`[-16, 16]` alone.

    Raises
    ------
    ValueError
        If ``f`` is not finite at every node in :math:`[-32, 32]`, or the
        integrand's mass beyond :math:`|z| = 16` is not negligible.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.gains import normal_expectation
    >>> round(normal_expectation(lambda z: z**4), 12)
    3.0
    >>> round(normal_expectation(lambda z: np.maximum(z, 0.0) ** 2), 12)
    0.5
    """
    inner = [k for k in kinks if -_REACH < k < _REACH]
    grid = np.arange(-_REACH, _REACH + _PANEL / 2, _PANEL)
    edges = np.union1d(grid, inner)
    # A kink a hair away from a grid point would leave a sliver panel: drop the grid point
    # (never another kink: close kinks each keep their edge).
    keep = np.ones(edges.size, dtype=bool)
    kinked = np.isin(edges, inner)
    for kink in inner:
        near = (np.abs(edges - kink) < _PANEL / 4) & ~kinked
        near[[0, -1]] = False
        keep &= ~near
    edges = edges[keep]
    nodes, weights = _legendre()
    low, high = edges[:-1, None], edges[1:, None]
    half = (high - low) / 2.0
    z = (low + high) / 2.0 + half * nodes
    density = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.asarray(function(z.ravel()), dtype=np.float64).reshape(z.shape)
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "the function is not finite at every quadrature node in [-16, 16]; "
            "its normal expectation cannot be computed."
        )
    terms = half * weights * density * values
    _check_tails(function, float(np.sum(np.abs(terms))), nodes, weights)
    return float(np.sum(terms))


def _check_tails(
    function: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    mass: float,
    nodes: NDArray[np.float64],
    weights: NDArray[np.float64],
) -> None:
    """Refuse an integrand whose mass beyond ``_REACH`` is not negligible (see above)."""
    right = np.arange(_REACH, _TAIL_REACH + _PANEL / 2, _PANEL)
    low = np.concatenate([-right[:0:-1], right[:-1]])[:, None]
    half = _PANEL / 2.0
    z = low + half + half * nodes
    density = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.asarray(function(z.ravel()), dtype=np.float64).reshape(z.shape)
        tail = float(np.sum(np.abs(half * weights * density * values)))
    if not math.isfinite(tail):
        raise ValueError(
            f"the function is not finite at every quadrature node in {_REACH:g} < |z| < "
            f"{_TAIL_REACH:g}; its normal expectation diverges or cannot be computed."
        )
    if tail > _TAIL_TOLERANCE * mass:
        ratio = math.inf if mass == 0.0 else tail / mass
        raise ValueError(
            "the normal expectation diverges or converges too slowly to be computed: the "
            f"integrand f(z) * pdf(z) over {_REACH:g} < |z| < {_TAIL_REACH:g} has {ratio:.3g} "
            f"times its absolute mass over [-{_REACH:g}, {_REACH:g}] (at most "
            f"{_TAIL_TOLERANCE:g} allowed); f grows too fast in the tails."
        )


def gain(activation: Any, *, kind: str = "forward", param: Any = None) -> float:
    r"""Return the exact gain of an activation: the weight scale that preserves a signal.

    Parameters
    ----------
    activation : str, Activation or callable
        A name (``'linear'``, ``'relu'``, ``'leaky_relu'``, ``'elu'``,
        ``'selu'``, ``'gelu'``, ``'gelu_tanh'``, ``'silu'``/``'swish'``,
        ``'mish'``, ``'tanh'``, ``'sigmoid'``, ``'softsign'``,
        ``'softplus'``), a :class:`~weightinit.activations.Activation`, or any
        elementwise callable on float64 arrays.
    kind : {'forward', 'backward'}, default 'forward'
        Which second moment to normalise.
    param : float, optional
        ``leaky_relu``'s negative slope (default 0.01) or ``elu``'s alpha
        (default 1.0).

    Returns
    -------
    float
        .. math::
            g_\mathrm{forward} = \frac{1}{\sqrt{E[\phi(z)^2]}}, \qquad
            g_\mathrm{backward} = \frac{1}{\sqrt{E[\phi'(z)^2]}}, \qquad
            z \sim N(0, 1).

    Raises
    ------
    ValueError
        For an unknown name or kind, or an activation whose second moment is
        0 or not finite.
    TypeError
        For an activation that is neither a name, an Activation nor callable.

    Notes
    -----
    If a layer's pre-activations are N(0, 1), its outputs have second moment
    :math:`E[\phi(z)^2]`; the next layer's weights, of variance
    :math:`g^2/\mathrm{fan\_in}`, then give pre-activations of variance
    :math:`g^2 E[\phi(z)^2]`, which is 1 for the forward gain: unit variance
    is a fixed point of the stack. The backward gain does the same for the
    gradient (with ``fan_out`` and :math:`E[\phi'(z)^2]`), He et
    al. (2015), "Delving Deep into Rectifiers", ICCV, §2.2. The expectations
    are computed by :func:`normal_expectation`, exact to about 1e-15
    relative; a callable's derivative comes from
    :func:`~weightinit.activations.central_difference` (about 1e-11
    relative). For ReLU both gains are :math:`\sqrt 2`, as in
    :func:`calculate_gain`; for tanh they are 1.5925 (forward) and 1.4674
    (backward), where PyTorch's table says 5/3.

    Examples
    --------
    >>> import math, numpy as np, weightinit as wi
    >>> math.isclose(wi.gain("relu"), math.sqrt(2), rel_tol=1e-14)
    True
    >>> round(wi.gain("tanh"), 4), round(wi.gain("tanh", kind="backward"), 4)
    (1.5925, 1.4674)
    >>> math.isclose(wi.gain(np.tanh), wi.gain("tanh"), rel_tol=1e-9)
    True
    """
    check_option("kind", kind, GAIN_KINDS)
    resolved = get_activation(activation, param)
    part = resolved.function if kind == "forward" else resolved.derivative
    moment_name = f"E[{'phi' if kind == 'forward' else 'phi_prime'}(z)^2]"
    try:
        moment = normal_expectation(lambda z: np.square(part(z)), resolved.kinks)
    except ValueError as error:
        raise ValueError(
            f"the {kind} gain of {resolved.name} is undefined: {moment_name} is not finite; {error}"
        ) from None
    if not moment > 0 or not math.isfinite(moment):
        raise ValueError(
            f"the {kind} gain of {resolved.name} is undefined: {moment_name} = {moment!r}."
        )
    return 1.0 / math.sqrt(moment)
