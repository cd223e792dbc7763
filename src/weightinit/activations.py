r"""Activation functions and their derivatives, each written once.

:func:`weightinit.gain` integrates them against the standard normal and
:func:`weightinit.diagnostics.propagate` runs them through deep stacks; both
take the function and its derivative from here.

=============  ==============================================  =========
name           :math:`\phi(x)`                                 kinks
=============  ==============================================  =========
linear         :math:`x`                                       —
relu           :math:`\max(x, 0)`                              0
leaky_relu     :math:`x` if :math:`x > 0` else :math:`a x`     0
elu            :math:`x` if :math:`x > 0` else                 0
               :math:`\alpha (e^x - 1)`
selu           :math:`\lambda\,\mathrm{elu}_\alpha(x)`         0
gelu           :math:`x \Phi(x)`                               —
gelu_tanh      :math:`\tfrac{x}{2}(1 + \tanh(\sqrt{2/\pi}      —
               (x + 0.044715 x^3)))`
silu (swish)   :math:`x \sigma(x)`                             —
mish           :math:`x \tanh(\mathrm{softplus}(x))`           —
tanh           :math:`\tanh x`                                 —
sigmoid        :math:`\sigma(x) = 1 / (1 + e^{-x})`            —
softsign       :math:`x / (1 + |x|)`                           0
softplus       :math:`\log(1 + e^x)`                           —
=============  ==============================================  =========

A kink is a point where the function or its derivative is not smooth;
quadrature splits its integrals there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._special import normal_cdf
from ._validation import check_real, describe, did_you_mean, shown

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "ACTIVATIONS",
    "DIFFERENCE_STEP",
    "SELU_ALPHA",
    "SELU_SCALE",
    "Activation",
    "activation_names",
    "central_difference",
    "get_activation",
    "suggest_activation",
]

FloatArray: TypeAlias = "NDArray[np.float64]"
Function = Callable[[FloatArray], FloatArray]

#: SELU's constants, Klambauer et al. (2017), "Self-Normalizing Neural
#: Networks", NeurIPS, eq. (14): the values that make mean 0 and variance 1
#: a fixed point.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_CUBIC = 0.044715  # Hendrycks & Gimpel (2016), GELU's tanh approximation

#: Relative step of :func:`central_difference`: the cube root of float64's
#: machine epsilon balances the O(h²) truncation error against the O(eps/h)
#: rounding error.
DIFFERENCE_STEP = float(np.finfo(np.float64).eps) ** (1.0 / 3.0)


@dataclass(frozen=True)
class Activation:
    r"""An activation function with its derivative.

    Parameters
    ----------
    name : str
        How it is shown in reports.
    function : callable
        :math:`\phi`, applied elementwise to a float64 array.
    derivative : callable, optional
        :math:`\phi'`; when omitted, :func:`central_difference` of
        ``function``.
    kinks : tuple of float, default (0.0,)
        Points where :math:`\phi` or :math:`\phi'` is not smooth; integrals
        are split there. 0 is a harmless split point for smooth functions.
    saturating : bool, default False
        Whether :math:`\phi'` tends to 0 on both sides (tanh, sigmoid,
        softsign): only then does a unit count as saturated.
    formula : str, optional
        A one-line formula for listings.

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.activations import Activation
    >>> relu6 = Activation("relu6", lambda x: np.clip(x, 0.0, 6.0), kinks=(0.0, 6.0))
    >>> relu6.derivative(np.array([-1.0, 1.0, 7.0])).round(6).tolist()
    [0.0, 1.0, 0.0]
    """

    name: str
    function: Function
    derivative: Function = field(default=None)  # type: ignore[assignment]
    kinks: tuple[float, ...] = (0.0,)
    saturating: bool = False
    formula: str = ""

    def __post_init__(self) -> None:
        if not callable(self.function):
            raise TypeError(
                f"function must be callable; got {describe('function', self.function)}."
            )
        if self.derivative is None:
            object.__setattr__(self, "derivative", central_difference(self.function))
        elif not callable(self.derivative):
            raise TypeError(
                f"derivative must be callable or None; got {describe('derivative', self.derivative)}."
            )
        kinks = tuple(check_real("kinks", k) for k in self.kinks)
        object.__setattr__(self, "kinks", tuple(sorted(set(kinks))))

    def __call__(self, x: FloatArray) -> FloatArray:
        return self.function(x)


def central_difference(function: Function) -> Function:
    r"""The derivative of ``function`` by central differences.

    .. math:: \phi'(x) \approx \frac{\phi(x + h) - \phi(x - h)}{2h},
              \qquad h = \epsilon^{1/3} \max(1, |x|),

    with :math:`\epsilon = 2^{-52}`. The truncation error is
    :math:`h^2 |\phi'''| / 6` and the rounding error about
    :math:`\epsilon |\phi(x)| / h`; this step makes both of order
    :math:`\epsilon^{2/3} \approx 4 \times 10^{-11}` times the scale of
    :math:`\phi` and its third derivative near :math:`x`. The step never
    crosses a kink when ``x`` is at least ``h`` away from it, which the
    quadrature of :func:`weightinit.gain` guarantees (its nodes stay more
    than :math:`3 \times 10^{-4}` from every split point while :math:`h \le 10^{-4}`).

    Examples
    --------
    >>> import numpy as np
    >>> from weightinit.activations import central_difference
    >>> d = central_difference(np.sin)
    >>> bool(abs(d(np.array([0.3]))[0] - np.cos(0.3)) < 1e-9)
    True
    """

    def derivative(x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        step = DIFFERENCE_STEP * np.maximum(1.0, np.abs(x))
        # Divide by the spacing the rounded arguments really have.
        upper = x + step
        lower = x - step
        difference = np.asarray(function(upper), dtype=np.float64) - np.asarray(
            function(lower), dtype=np.float64
        )
        result: FloatArray = difference / (upper - lower)
        return result

    return derivative


# --- the named activations ----------------------------------------------------------------


def _sigmoid(x: FloatArray) -> FloatArray:
    # 1/2 (1 + tanh(x/2)) is the logistic function without overflow for large |x|.
    result: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return result


def _softplus(x: FloatArray) -> FloatArray:
    result: FloatArray = np.logaddexp(0.0, x)
    return result


def _normal_cdf(x: FloatArray) -> FloatArray:
    # Beyond |x| ~ 1e154 erf's tail term x * x overflows to inf, harmlessly (exp(-inf) = 0).
    with np.errstate(over="ignore"):
        return normal_cdf(x)


def _normal_pdf(x: FloatArray) -> FloatArray:
    result: FloatArray = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return result


def _linear() -> Activation:
    return Activation("linear", lambda x: 1.0 * x, lambda x: np.ones_like(x), kinks=(), formula="x")


def _relu() -> Activation:
    return Activation(
        "relu",
        lambda x: np.maximum(x, 0.0),
        lambda x: (x > 0).astype(np.float64),
        formula="max(x, 0)",
    )


def _leaky_relu(negative_slope: float = 0.01) -> Activation:
    a = negative_slope
    return Activation(
        "leaky_relu" if a == 0.01 else f"leaky_relu({a:g})",
        lambda x: np.where(x > 0, x, a * x),
        lambda x: np.where(x > 0, 1.0, a),
        formula=f"x if x > 0 else {a:g}·x",
    )


def _elu_parts(alpha: float, scale: float) -> tuple[Function, Function]:
    def function(x: FloatArray) -> FloatArray:
        result: FloatArray = scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
        return result

    def derivative(x: FloatArray) -> FloatArray:
        result: FloatArray = scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
        return result

    return function, derivative


def _elu(alpha: float = 1.0) -> Activation:
    function, derivative = _elu_parts(alpha, 1.0)
    name = "elu" if alpha == 1.0 else f"elu({alpha:g})"
    return Activation(name, function, derivative, formula=f"x if x > 0 else {alpha:g}·(eˣ − 1)")


def _selu() -> Activation:
    function, derivative = _elu_parts(SELU_ALPHA, SELU_SCALE)
    return Activation("selu", function, derivative, formula="λ·(x if x > 0 else α·(eˣ − 1))")


def _gelu() -> Activation:
    return Activation(
        "gelu",
        lambda x: x * _normal_cdf(x),
        lambda x: _normal_cdf(x) + x * _normal_pdf(x),
        kinks=(),
        formula="x·Φ(x)",
    )


def _gelu_tanh() -> Activation:
    def inner(x: FloatArray) -> FloatArray:
        result: FloatArray = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * x**3)
        return result

    def function(x: FloatArray) -> FloatArray:
        result: FloatArray = 0.5 * x * (1.0 + np.tanh(inner(x)))
        return result

    def derivative(x: FloatArray) -> FloatArray:
        with np.errstate(over="ignore", invalid="ignore"):
            t = np.tanh(inner(x))
            slope = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_CUBIC * x * x)
            # Where tanh has rounded to ±1 the second term is 0, also where x * slope
            # overflows (|x| > 1e154), which would otherwise make it 0 * inf = NaN.
            sech2 = 1.0 - t * t
            second = np.where(sech2 > 0.0, 0.5 * x * sech2 * slope, 0.0)
        result: FloatArray = 0.5 * (1.0 + t) + second
        return result

    return Activation(
        "gelu_tanh",
        function,
        derivative,
        kinks=(),
        formula="x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))",
    )


def _silu() -> Activation:
    def derivative(x: FloatArray) -> FloatArray:
        s = _sigmoid(x)
        result: FloatArray = s * (1.0 + x * (1.0 - s))
        return result

    return Activation("silu", lambda x: x * _sigmoid(x), derivative, kinks=(), formula="x·σ(x)")


def _mish() -> Activation:
    def derivative(x: FloatArray) -> FloatArray:
        t = np.tanh(_softplus(x))
        result: FloatArray = t + x * (1.0 - t * t) * _sigmoid(x)
        return result

    return Activation(
        "mish",
        lambda x: x * np.tanh(_softplus(x)),
        derivative,
        kinks=(),
        formula="x·tanh(softplus(x))",
    )


def _tanh() -> Activation:
    def derivative(x: FloatArray) -> FloatArray:
        t = np.tanh(x)
        result: FloatArray = 1.0 - t * t
        return result

    return Activation("tanh", np.tanh, derivative, kinks=(), saturating=True, formula="tanh(x)")


def _sigmoid_activation() -> Activation:
    def derivative(x: FloatArray) -> FloatArray:
        s = _sigmoid(x)
        result: FloatArray = s * (1.0 - s)
        return result

    return Activation(
        "sigmoid", _sigmoid, derivative, kinks=(), saturating=True, formula="1 / (1 + e⁻ˣ)"
    )


def _softsign() -> Activation:
    return Activation(
        "softsign",
        lambda x: x / (1.0 + np.abs(x)),
        lambda x: 1.0 / (1.0 + np.abs(x)) ** 2,
        saturating=True,
        formula="x / (1 + |x|)",
    )


def _softplus_activation() -> Activation:
    return Activation("softplus", _softplus, _sigmoid, kinks=(), formula="log(1 + eˣ)")


#: Every named activation: name -> factory. ``leaky_relu`` takes the negative
#: slope (default 0.01, as PyTorch) and ``elu`` its alpha (default 1.0) as
#: ``param``; the others take none.
ACTIVATIONS: dict[str, Callable[..., Activation]] = {
    "linear": _linear,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "selu": _selu,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "silu": _silu,
    "mish": _mish,
    "tanh": _tanh,
    "sigmoid": _sigmoid_activation,
    "softsign": _softsign,
    "softplus": _softplus_activation,
}
_ALIASES = {"swish": "silu"}
_WITH_PARAM = {"leaky_relu": "negative_slope", "elu": "alpha"}


def activation_names() -> list[str]:
    """Every name :func:`get_activation` accepts, aliases included, sorted."""
    return sorted([*ACTIVATIONS, *_ALIASES])


def suggest_activation(name: str) -> str:
    """A ``"; did you mean ..."`` clause naming the closest activation names."""
    return did_you_mean(name, activation_names())


def get_activation(activation: Any, param: Any = None) -> Activation:
    """Resolve a name, an :class:`Activation` or a callable to an :class:`Activation`.

    Parameters
    ----------
    activation : str, Activation or callable
        A name of :data:`ACTIVATIONS` (or the alias ``'swish'``); an
        :class:`Activation` as it is; a callable becomes one whose derivative
        is :func:`central_difference` and whose integrals are split at 0.
    param : float, optional
        ``leaky_relu``'s negative slope or ``elu``'s alpha.

    Raises
    ------
    ValueError
        For an unknown name (the message names close matches), or a ``param``
        given to an activation that takes none.
    TypeError
        For any other type of ``activation``, or a non-real ``param``.

    Examples
    --------
    >>> from weightinit.activations import get_activation
    >>> get_activation("swish").name
    'silu'
    >>> get_activation("leaky_relu", 0.2).name
    'leaky_relu(0.2)'
    """
    if isinstance(activation, Activation):
        if param is not None:
            raise ValueError(
                f"param applies to named activations only; got param={shown(param)} with "
                f"activation={activation.name!r}."
            )
        return activation
    if isinstance(activation, str):
        name = _ALIASES.get(activation, activation)
        if name not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {shown(activation)}{suggest_activation(activation)}; "
                f"known activations: {', '.join(activation_names())}."
            )
        if param is None:
            return ACTIVATIONS[name]()
        if name not in _WITH_PARAM:
            raise ValueError(
                f"activation {name!r} takes no param; got param={shown(param)} "
                f"(only {', '.join(map(repr, _WITH_PARAM))} take one)."
            )
        return ACTIVATIONS[name](check_real(_WITH_PARAM[name], param))
    if callable(activation):
        if param is not None:
            raise ValueError(
                "param applies to named activations only; got "
                f"param={shown(param)} with a callable."
            )
        name = getattr(activation, "__name__", type(activation).__name__)
        return Activation(name, activation)
    raise TypeError(
        "activation must be a name, an Activation or a callable; "
        f"got {describe('activation', activation)}."
    )
