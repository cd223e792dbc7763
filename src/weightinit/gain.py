"""Activation gains: the factor a weight's standard deviation is multiplied by.

:func:`calculate_gain` reproduces PyTorch's table exactly, so
``kaiming_*`` and ``xavier_*`` mean what they mean in PyTorch;
:func:`gain` computes the exact value for any activation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._special import _legendre
from ._validation import check_option, check_real, describe, shown
from .activations import get_activation

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
# density is below 1e-55 beyond 16, so the tails are dropped for any f growing
# slower than exp(z**2 / 4); on a panel of width 1 the integrand of every
# smooth activation is analytic in a wide ellipse, and 32 nodes reach double
# precision.
_REACH = 16.0
_PANEL = 1.0

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
    :func:`~weightinit.activations.central_difference` relies on.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.gain import normal_expectation
    >>> round(normal_expectation(lambda z: z**4), 12)
    3.0
    >>> round(normal_expectation(lambda z: np.maximum(z, 0.0) ** 2), 12)
    0.5
    """
    inner = [k for k in kinks if -_REACH < k < _REACH]
    grid = np.arange(-_REACH, _REACH + _PANEL / 2, _PANEL)
    edges = np.union1d(grid, inner)
    # A kink a hair away from a grid point would leave a sliver panel: drop the grid point.
    keep = np.ones(edges.size, dtype=bool)
    for kink in inner:
        near = (np.abs(edges - kink) < _PANEL / 4) & (edges != kink)
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
    return float(np.sum(half * weights * density * values))


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
    moment = normal_expectation(lambda z: np.square(part(z)), resolved.kinks)
    if not moment > 0 or not math.isfinite(moment):
        raise ValueError(
            f"the {kind} gain of {resolved.name} is undefined: "
            f"E[{'phi' if kind == 'forward' else 'phi_prime'}(z)^2] = {moment!r}."
        )
    return 1.0 / math.sqrt(moment)
