r"""Critical initialization: weights at the edge of chaos of a given activation and bias scale.

The weight scale :math:`\sigma_w` is the one :func:`weightinit.critical`
finds, where :math:`\chi_1 = 1` at the variance map's fixed point
(Schoenholz et al. 2017): Gaussian weights of variance
:math:`\sigma_w^2/\mathrm{fan\_in}`, or an orthogonal matrix times
:math:`\sigma_w`, the dynamical-isometry choice (Pennington, Schoenholz &
Ganguli 2017).
"""

from __future__ import annotations

import functools
import math

from .._define import scheme
from .._initializer import REQUIRED, Param
from .._names import SchemeInfo
from .._validation import option_check, real_check
from ..activations import activation_names
from ..criticality import MeanField, critical
from ..distributions import Distribution, Normal, Orthogonal
from ..fans import Geometry
from ._docs import doctests

__all__ = ["critical_normal", "critical_orthogonal"]

SCHOENHOLZ = "Schoenholz et al. (2017), Deep Information Propagation, ICLR"
PENNINGTON = (
    "Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in deep learning "
    "through dynamical isometry: theory and practice, NeurIPS"
)

_PARAMS = (
    Param("activation", REQUIRED, option_check(tuple(activation_names()))),
    Param("sigma_b", 0.0, real_check(nonnegative=True)),
)


@functools.lru_cache(maxsize=256)
def _point(activation: str, sigma_b: float) -> MeanField:
    """The critical point, computed once per (activation, sigma_b)."""
    return critical(activation, sigma_b=sigma_b)


@scheme(
    "critical_normal",
    params=_PARAMS,
    info=SchemeInfo(
        origin="weightinit",
        distribution="normal",
        scale="σ_w² with χ₁ = 1",
        mode="fan_in",
        formula="N(0, σ_w² / fan_in), σ_w critical for (activation, sigma_b)",
        reference=SCHOENHOLZ,
        example={"activation": "tanh"},
        axes="fans by layout (Keras: (…, in, out))",
    ),
)
def critical_normal(geometry: Geometry, *, activation: str, sigma_b: float) -> Distribution:
    r"""Gaussian weights at the edge of chaos: :math:`N(0, \sigma_w^2/\mathrm{fan\_in})` with :math:`\chi_1 = 1`.

    :math:`\sigma_w` is ``wi.critical(activation, sigma_b=sigma_b).sigma_w``:
    with biases :math:`N(0, \sigma_b^2)` (``wi.critical(...).bias``) the
    pre-activations' variance sits at the fixed point :math:`q^*` of the
    variance map and :math:`\chi_1 = \sigma_w^2 E[\phi'(\sqrt{q^*} z)^2] = 1`,
    so that correlations and gradients neither vanish nor explode with
    depth, to first order.

    Parameters
    ----------
    activation : str
        A named activation (``'tanh'``, ``'relu'``, ``'selu'``, ...; see
        :func:`weightinit.gain`). Required. For a callable, or
        ``leaky_relu`` with another slope, take
        ``wi.critical(activation, param=...).sigma_w`` and
        ``wi.variance_scaling(scale=σ_w², distribution='normal')``.
    sigma_b : float, default 0.0
        The biases' standard deviation.

    Raises
    ------
    ValueError
        Where the activation has no critical point at ``sigma_b`` (ReLU
        with ``sigma_b > 0``: see :func:`weightinit.critical`), or the
        shape's fan_in is 0.

    References
    ----------
    Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), Deep Information
    Propagation, ICLR; Poole et al. (2016), NeurIPS.

    Examples
    --------
    >>> import weightinit as wi
    >>> init = wi.critical_normal.partial(activation="tanh", sigma_b=0.05**0.5)
    >>> round(init.variance(fan_in=100, fan_out=100) * 100, 4)   # σ_w² = 1.7610
    1.761
    >>> round(wi.critical_normal.variance(fan_in=8, fan_out=8, activation="relu") * 8, 12)
    2.0
    """
    point = _point(activation, sigma_b)
    fan_in = geometry.fan_in
    if fan_in == 0:
        raise ValueError(
            f"critical_normal divides by fan_in, which is 0 for shape={geometry.shape!r}."
        )
    return Normal(0.0, point.sigma_w / math.sqrt(fan_in))


@scheme(
    "critical_orthogonal",
    params=_PARAMS,
    info=SchemeInfo(
        origin="weightinit",
        distribution="Haar orthogonal",
        scale="σ_w with χ₁ = 1",
        formula="σ_w · Q, QᵀQ = I (or QQᵀ = I), σ_w critical for (activation, sigma_b)",
        reference=PENNINGTON,
        example={"activation": "tanh"},
        axes="flattened to a matrix whose columns are the output axes (Keras: the last)",
    ),
)
def critical_orthogonal(geometry: Geometry, *, activation: str, sigma_b: float) -> Distribution:
    r"""An orthogonal matrix times the critical :math:`\sigma_w`: dynamical isometry.

    ``wi.orthogonal(gain=σ_w)`` with :math:`\sigma_w` =
    ``wi.critical(activation, sigma_b=sigma_b).sigma_w``. At criticality
    orthogonal weights keep the singular values of the input–output
    Jacobian concentrated near 1 as depth grows, for tanh, where Gaussian
    weights spread them; ReLU cannot reach this (Pennington et al. 2017).
    Every entry has mean 0 and variance :math:`\sigma_w^2 / \max(\mathrm{rows},
    \mathrm{cols})` — for a square matrix :math:`\sigma_w^2/n`, as
    :func:`critical_normal`.

    Parameters
    ----------
    activation : str
        A named activation. Required.
    sigma_b : float, default 0.0
        The biases' standard deviation.

    Raises
    ------
    ValueError
        Where the activation has no critical point at ``sigma_b``.

    References
    ----------
    Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in
    deep learning through dynamical isometry: theory and practice, NeurIPS;
    Saxe et al. (2014), ICLR.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> W = wi.critical_orthogonal((64, 64), activation="tanh", sigma_b=0.05**0.5, rng=0)
    >>> bool(np.allclose(W.T @ W, 1.7609546 * np.eye(64), rtol=1e-6))
    True
    """
    point = _point(activation, sigma_b)
    _, out_axes = geometry.axes("critical_orthogonal")
    return Orthogonal(point.sigma_w, geometry.shape, out_axes)


__test__ = doctests(globals())
