"""Activation gains: the factor a weight's standard deviation is multiplied by.

:func:`calculate_gain` reproduces PyTorch's table exactly, so
``kaiming_*`` and ``xavier_*`` mean what they mean in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

from ._validation import check_real, describe

__all__ = ["LINEAR_NONLINEARITIES", "NONLINEARITIES", "calculate_gain"]

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
            raise ValueError(f"negative_slope {param} not a valid number; got param={param!r}.")
        # slope * slope, not slope**2: a float power raises OverflowError where
        # the product overflows to inf (and the gain to its limit, 0).
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity}: nonlinearity must be one of "
        f"{', '.join(map(repr, NONLINEARITIES))}; got nonlinearity={nonlinearity!r}."
    )
