r"""Signal propagation through deep stacks: why initialization matters, measured.

:func:`propagate` pushes a random batch through a deep square MLP built with
an initializer and reports, layer by layer, the spread of the signal going
forward and of the gradient coming back, with a verdict and its reasons.
With ``jacobian=True`` it also returns the singular values of the network's
input–output Jacobian at the batch's first example, the measure of dynamical
isometry. :func:`train`, :class:`Training` and :func:`synthetic_regression`
live in :mod:`weightinit.training` and are re-exported here.

The verdicts and their thresholds (justified in ``docs/diagnostics.md``). A
run gets every finding that holds, in this order, each with a one-line reason
naming the measured numbers; ``healthy`` when none does:

============  =====================================================================
verdict       when
============  =====================================================================
symmetric     in the last layer every unit has the same activation as the others
              on each example, to a relative :data:`SYMMETRY_TOLERANCE` (not a
              signal that has underflowed to exactly 0)
dead          on average over the layers, more than :data:`DEAD_FRACTION` of the
              units output 0 with slope 0 on every example (dead ReLU units: no
              gradient passes)
saturated     on average over the layers, more than :data:`SATURATED_FRACTION` of the
              units sit where the slope is below :data:`SATURATION_SLOPE` of its peak
exploding     the forward signal or the gradient overflows float64 (an inf or
              NaN) at some layer (the reason names the first such layer), or the
              forward std (last / first layer) or the gradient std (first / last
              layer) grows more than :data:`RATIO_LIMIT` times
vanishing     either shrinks below 1 / :data:`RATIO_LIMIT`
healthy       none of the above
============  =====================================================================

So N(0, 1) weights under tanh are ``saturated + exploding``: most units on
the flat tails, and still a gradient that grows going down, the weights'
scale outweighing the small slopes. :attr:`Propagation.verdicts` holds the
findings, :attr:`Propagation.verdict` joins them with ``" + "``.

An activation (or its derivative) that returns NaN for a finite
pre-activation is a ``ValueError``, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._initializer import Initializer
from ._stacks import stack_initializer, standard_normal
from ._validation import check_bool, check_int, check_real, check_rng, shown
from ._verdicts import (
    DEAD_FRACTION,
    RATIO_LIMIT,
    SATURATED_FRACTION,
    SATURATION_SLOPE,
    SYMMETRY_TOLERANCE,
    VERDICTS,
    _verdict,
)
from .activations import Activation, get_activation
from .training import Training, synthetic_regression, train

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "DEAD_FRACTION",
    "MAX_JACOBIAN_WORK",
    "MAX_PROPAGATION_VALUES",
    "RATIO_LIMIT",
    "SATURATED_FRACTION",
    "SATURATION_SLOPE",
    "SYMMETRY_TOLERANCE",
    "VERDICTS",
    "Propagation",
    "Training",
    "propagate",
    "synthetic_regression",
    "train",
]

FloatArray: TypeAlias = "NDArray[np.float64]"

#: The most float64 values :func:`propagate` keeps at once,
#: ``depth * width * (width + 2 * batch)`` (the weights, and each layer's
#: input and pre-activation): 2**27, 1 GiB. Larger stacks are refused before
#: anything is drawn, so a typo such as ``depth=10**6`` fails fast instead of
#: exhausting memory. With ``jacobian=True`` the count adds the Jacobian's
#: ``3 * width**2`` (its running product, the layer it multiplies in, and the
#: copy the singular value decomposition works on).
MAX_PROPAGATION_VALUES = 2**27
#: The most multiply-adds the Jacobian's running product may take with
#: ``jacobian=True``, ``depth * width**3``: 2**36, about 7e10, some seconds of
#: one core (width 1024 up to depth 64, width 2048 up to depth 8; at width 256
#: the size limit binds first). Refused before anything is drawn, like the size.
MAX_JACOBIAN_WORK = 2**36


@dataclass(frozen=True, eq=False)
class Propagation:
    """Per-layer statistics of a forward and backward pass, and the verdict.

    Every array has one entry per layer, layer 1 first. ``std`` and ``mean``
    are those of the activations :math:`x_l = \\phi(h_l)`, ``pre_std`` and
    ``pre_mean`` those of the pre-activations :math:`h_l = x_{l-1} W_l + b_l`,
    over all examples and units. ``grad_std`` is the std of the gradient with
    respect to :math:`x_l` and ``weight_grad_std`` that with respect to
    :math:`W_l`. ``saturated`` is the fraction of pre-activations where the
    slope is below :data:`SATURATION_SLOPE` of its peak (0 for activations
    that do not saturate); ``dead`` the fraction of units that output exactly
    0 with slope exactly 0 on every example (a dead ReLU unit: tanh's units
    at 0 still pass gradient, so they do not count); ``unit_spread`` the
    largest, over examples, std across units of :math:`x_l`, relative to the
    root mean square of :math:`x_l`.

    ``verdicts`` are the findings that hold, in the order of :data:`VERDICTS`
    (``('healthy',)`` when none does), ``reasons`` one line for each naming
    the measured numbers; ``verdict`` is ``" + ".join(verdicts)`` (e.g.
    ``'saturated + exploding'``) and ``explanation`` ``"; ".join(reasons)``.

    With ``propagate(..., jacobian=True)``, ``jacobian_singular_values`` are
    the singular values, in descending order, of the input–output Jacobian
    :math:`J = \\partial x_L / \\partial x_0` at the batch's first example;
    ``jacobian_mean``, ``jacobian_spread`` and ``jacobian_max`` are their
    mean, standard deviation (over the ``width`` values, ``ddof=0``) and
    largest value. All are NaN when :math:`J` overflows float64, and all
    ``None`` with ``jacobian=False``.
    """

    initializer: str
    activation: str
    depth: int
    width: int
    batch: int
    pre_mean: FloatArray
    pre_std: FloatArray
    mean: FloatArray
    std: FloatArray
    saturated: FloatArray
    dead: FloatArray
    unit_spread: FloatArray
    grad_std: FloatArray
    weight_grad_std: FloatArray
    forward_ratio: float
    backward_ratio: float
    verdict: str
    explanation: str
    verdicts: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    jacobian_singular_values: FloatArray | None = None
    jacobian_mean: float | None = None
    jacobian_spread: float | None = None
    jacobian_max: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (non-finite floats become ``None``)."""
        result: dict[str, Any] = {
            "initializer": self.initializer,
            "activation": self.activation,
            "depth": self.depth,
            "width": self.width,
            "batch": self.batch,
            "verdict": self.verdict,
            "explanation": self.explanation,
            "verdicts": list(self.verdicts),
            "reasons": list(self.reasons),
            "forward_ratio": _json_float(self.forward_ratio),
            "backward_ratio": _json_float(self.backward_ratio),
            "forward_std": _json_list(self.std),
            "backward_std": _json_list(self.grad_std),
        }
        for key in ("pre_mean", "pre_std", "mean", "saturated", "dead", "unit_spread"):
            result[key] = _json_list(getattr(self, key))
        result["weight_grad_std"] = _json_list(self.weight_grad_std)
        if self.jacobian_singular_values is not None:
            for key in ("jacobian_mean", "jacobian_spread", "jacobian_max"):
                result[key] = _json_float(getattr(self, key))
            result["jacobian_singular_values"] = _json_list(self.jacobian_singular_values)
        return result


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _json_list(values: FloatArray) -> list[float | None]:
    return [_json_float(float(v)) for v in values]


def _bias_maker(bias: Any, width: int) -> Callable[[np.random.Generator], FloatArray]:
    """What draws one layer's biases, checked before anything is drawn."""
    if not (isinstance(bias, str) or callable(bias)):
        value = check_real("bias", bias)
        return lambda gen: np.full(width, value)
    try:
        _, init = stack_initializer(bias)
        if isinstance(init, Initializer):
            init.distribution(shape=(width,))  # its parameters and the (width,) shape
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"bias={shown(bias)} cannot make the ({width},) biases: {error}"
        ) from None
    return lambda gen: np.asarray(init((width,), rng=gen), dtype=np.float64)


def _peak_slope(activation: Activation) -> float:
    grid = np.linspace(-16.0, 16.0, 6401)
    return float(np.max(np.abs(activation.derivative(grid))))


def _ratio(top: float, bottom: float) -> float:
    top, bottom = float(top), float(bottom)  # Python floats: inf / inf is NaN, no warning
    if bottom == 0.0:
        return math.nan if top == 0.0 else math.inf
    return top / bottom


def _check_size(depth: int, width: int, batch: int, jacobian: bool = False) -> None:
    values = depth * width * (width + 2 * batch) + (3 * width * width if jacobian else 0)
    if values > MAX_PROPAGATION_VALUES:
        counted = " + 3 * width**2 (the Jacobian)" if jacobian else ""
        raise ValueError(
            f"depth * width * (width + 2 * batch){counted} must be at most "
            f"{MAX_PROPAGATION_VALUES} (2**27) float64 values, 1 GiB; got depth={depth}, "
            f"width={width}, batch={batch} with {values} values."
        )
    work = depth * width**3
    if jacobian and work > MAX_JACOBIAN_WORK:
        raise ValueError(
            f"with jacobian=True, depth * width**3 (the multiply-adds of the Jacobian's "
            f"product) must be at most {MAX_JACOBIAN_WORK} (2**36); got depth={depth}, "
            f"width={width} with {work}."
        )


def _refuse_nan(act: Activation, what: str, h: FloatArray, result: FloatArray, layer: int) -> None:
    """A NaN from the activation (or its derivative) at finite inputs is an error."""
    if np.isnan(result).any():
        bad = np.isnan(result) & np.isfinite(h)
        if bad.any():
            value = float(h[bad].flat[0])
            raise ValueError(
                f"activation {act.name!r} returned NaN ({what}) at layer {layer} for the finite "
                f"pre-activation {value!r}; propagate needs an activation defined on every "
                "real number."
            )


def _first_overflow(*per_layer: FloatArray, downward: bool = False) -> int | None:
    """The first layer (1-based) where any statistic is not finite, going up or down."""
    bad = np.flatnonzero(~np.all(np.isfinite(np.vstack(per_layer)), axis=0))
    if bad.size == 0:
        return None
    return int(bad[-1] if downward else bad[0]) + 1


def propagate(
    initializer: Any,
    activation: Any,
    *,
    depth: int,
    width: int,
    batch: int = 256,
    rng: Any = None,
    bias: Any = 0.0,
    jacobian: bool = False,
    input_std: float = 1.0,
) -> Propagation:
    r"""Run a random batch through a deep MLP and measure the signal layer by layer.

    The stack is ``depth`` square layers :math:`h_l = x_{l-1} W_l + b_l`,
    :math:`x_l = \phi(h_l)` (the Keras ``x @ W`` layout), each ``W_l`` drawn
    from ``initializer`` with shape (width, width), the input
    :math:`x_0 \sim N(0, \mathrm{input\_std}^2)`. The backward pass starts from a standard normal
    gradient :math:`G` at :math:`x_L` (the per-example gradient of the loss
    :math:`\langle x_L, G \rangle`) and goes down by the chain rule.

    With ``jacobian=True``, the input–output Jacobian at the first example
    :math:`x_0^{(1)}` is formed too. In the ``x @ W`` layout
    :math:`dx_l = dx_{l-1} W_l D_l` with :math:`D_l = \mathrm{diag}(\phi'(h_l))`,
    so :math:`J^\top = W_1 D_1 W_2 D_2 \cdots W_L D_L`, a running
    (width, width) product in float64 (``depth * width**3`` multiply-adds);
    its singular values (those of :math:`J`) come from
    ``numpy.linalg.svd(..., compute_uv=False)``. Dynamical isometry is all of
    them near 1 (Pennington, Schoenholz & Ganguli 2017). The random draws
    are the same either way, so every other result is identical.

    Parameters
    ----------
    initializer : str, Initializer or callable
        Anything :func:`weightinit.get` resolves; it is called as
        ``init((width, width), rng=generator)``.
    activation : str, Activation or callable
        See :func:`weightinit.activations.get_activation`.
    depth, width : int
        Number of layers (>= 1) and units per layer (>= 2).
    batch : int, default 256
        Number of examples (>= 2). ``depth * width * (width + 2 * batch)``
        must be at most :data:`MAX_PROPAGATION_VALUES` (2**27).
    rng : {None, int, numpy.random.SeedSequence, numpy.random.BitGenerator, numpy.random.Generator}, optional
        If `rng` is passed by keyword, types other than `numpy.random.Generator`
        are passed to `numpy.random.default_rng` to instantiate a ``Generator``.
        If `rng` is already a ``Generator`` instance, then the provided instance
        is used. A given int seed gives the same statistics.
    bias : float, str or Initializer, default 0.0
        A constant for every bias, or an initializer called with shape (width,).
    jacobian : bool, default False
        Also return the Jacobian's singular values, their mean, standard
        deviation and largest value. Then ``3 * width**2`` more values count
        towards :data:`MAX_PROPAGATION_VALUES`, and ``depth * width**3`` must
        be at most :data:`MAX_JACOBIAN_WORK` (2**36).
    input_std : float, default 1.0
        The std of the inputs (> 0): the standard normal draws times it. A
        stack at a fixed point :math:`q^*` of the variance map
        :math:`q \mapsto \sigma_w^2 \mathbb{E}[\phi(\sqrt{q} z)^2] + \sigma_b^2`
        starts there with ``input_std = sqrt((q* - sigma_b**2) / sigma_w**2)``,
        as the theory of dynamical isometry assumes.

    Returns
    -------
    Propagation
        Per-layer statistics and the verdict (see the module's table), and
        with ``jacobian=True`` the Jacobian's singular values.

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong type or out of range, unknown names, a
        stack larger than :data:`MAX_PROPAGATION_VALUES` or, with
        ``jacobian=True``, a product beyond :data:`MAX_JACOBIAN_WORK` (all
        before anything is drawn); ``ValueError`` for an activation that returns NaN for a
        finite input.

    References
    ----------
    Glorot & Bengio (2010), Understanding the difficulty of training deep
    feedforward neural networks, AISTATS. He et al. (2015), Delving Deep into
    Rectifiers, ICCV. Pennington, Schoenholz & Ganguli (2017), Resurrecting
    the sigmoid in deep learning through dynamical isometry: theory and
    practice, NeurIPS.

    Examples
    --------
    >>> import weightinit as wi
    >>> from weightinit.diagnostics import propagate
    >>> propagate("he_normal", "relu", depth=20, width=128, rng=0).verdict
    'healthy'
    >>> propagate("glorot_uniform", "relu", depth=20, width=128, rng=0).verdict
    'vanishing'
    >>> propagate("zeros", "tanh", depth=5, width=16, rng=0).verdicts
    ('symmetric', 'vanishing')
    >>> propagate(wi.random_normal.partial(stddev=1.0), "tanh", depth=10, width=256, rng=0).verdict
    'saturated + exploding'
    >>> result = propagate("orthogonal", "linear", depth=50, width=8, rng=0, jacobian=True)
    >>> bool(abs(result.jacobian_max - 1.0) < 1e-12), result.jacobian_singular_values.shape
    (True, (8,))
    """
    depth = check_int("depth", depth, minimum=1)
    width = check_int("width", width, minimum=2)
    batch = check_int("batch", batch, minimum=2)
    jacobian = check_bool("jacobian", jacobian)
    input_std = check_real("input_std", input_std, positive=True)
    _check_size(depth, width, batch, jacobian)
    name, init = stack_initializer(initializer)
    act = get_activation(activation)
    make_bias = _bias_maker(bias, width)
    gen = check_rng(rng)

    weights = [np.asarray(init((width, width), rng=gen), dtype=np.float64) for _ in range(depth)]
    biases = [make_bias(gen) for _ in range(depth)]
    x = standard_normal((batch, width), gen)
    top_gradient = standard_normal((batch, width), gen)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x = x * input_std  # exact for the default 1.0
        stats, inputs, pre = _forward(x, weights, biases, act)
        grad_std, weight_grad_std = _backward(top_gradient, weights, inputs, pre, act)
        spectrum = _jacobian_spectrum(weights, pre, act) if jacobian else {}

    arrays: dict[str, Any] = {key: np.asarray(values) for key, values in stats.items()}
    forward_ratio = _ratio(arrays["std"][-1], arrays["std"][0])
    backward_ratio = _ratio(float(grad_std[0]), float(grad_std[-1]))
    overflow = (
        _first_overflow(arrays["pre_mean"], arrays["pre_std"], arrays["mean"], arrays["std"]),
        _first_overflow(grad_std, weight_grad_std, downward=True),
    )
    if overflow[0] is not None:  # weight gradients of an overflowed signal overflow with it
        overflow = (overflow[0], _first_overflow(grad_std, downward=True))
    verdicts, reasons = _verdict(
        arrays, forward_ratio, backward_ratio, depth, overflow, activation=act.name
    )
    return Propagation(
        initializer=name,
        activation=act.name,
        depth=depth,
        width=width,
        batch=batch,
        grad_std=grad_std,
        weight_grad_std=weight_grad_std,
        forward_ratio=forward_ratio,
        backward_ratio=backward_ratio,
        verdict=" + ".join(verdicts),
        explanation="; ".join(reasons),
        verdicts=verdicts,
        reasons=reasons,
        **arrays,
        **spectrum,
    )


def _forward(
    x: FloatArray, weights: list[FloatArray], biases: list[FloatArray], act: Activation
) -> tuple[dict[str, list[float]], list[FloatArray], list[FloatArray]]:
    """The forward pass: per-layer statistics, and each layer's input and pre-activation."""
    peak = _peak_slope(act) if act.saturating else 0.0
    inputs: list[FloatArray] = []
    pre: list[FloatArray] = []
    stats: dict[str, list[float]] = {
        key: []
        for key in ("pre_mean", "pre_std", "mean", "std", "saturated", "dead", "unit_spread")
    }
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True), start=1):
        inputs.append(x)
        h = x @ w + b
        x = act.function(h)
        _refuse_nan(act, "its value", h, x, layer)
        pre.append(h)
        stats["pre_mean"].append(float(h.mean()))
        stats["pre_std"].append(float(h.std()))
        stats["mean"].append(float(x.mean()))
        stats["std"].append(float(x.std()))
        slope = act.derivative(h)
        saturated = np.abs(slope) < SATURATION_SLOPE * peak if peak else 0.0
        stats["saturated"].append(float(np.mean(saturated)))
        stats["dead"].append(float(np.mean(np.all((x == 0.0) & (slope == 0.0), axis=0))))
        rms = float(np.sqrt(np.mean(x * x)))
        spread = float(np.max(x.std(axis=1)))
        stats["unit_spread"].append(spread / rms if rms > 0 else 0.0)
    return stats, inputs, pre


def _backward(
    gradient: FloatArray,
    weights: list[FloatArray],
    inputs: list[FloatArray],
    pre: list[FloatArray],
    act: Activation,
) -> tuple[FloatArray, FloatArray]:
    """The backward pass from ``gradient`` at the top: per-layer std of gradients and weight gradients."""
    depth, batch = len(weights), gradient.shape[0]
    grad_std = np.empty(depth)
    weight_grad_std = np.empty(depth)
    for layer in range(depth - 1, -1, -1):
        grad_std[layer] = gradient.std()
        slope = act.derivative(pre[layer])
        _refuse_nan(act, "its derivative", pre[layer], slope, layer + 1)
        delta = gradient * slope
        weight_grad_std[layer] = (inputs[layer].T @ delta / batch).std()
        gradient = delta @ weights[layer].T
    return grad_std, weight_grad_std


def _jacobian_spectrum(
    weights: list[FloatArray], pre: list[FloatArray], act: Activation
) -> dict[str, Any]:
    """The Jacobian's singular values at the first example, their mean, std and max.

    The transpose of :math:`J = \\partial x_L / \\partial x_0` is the product of
    :math:`W_l \\, \\mathrm{diag}(\\phi'(h_l))` (column ``j`` of ``W_l`` times the
    slope of unit ``j``), layer 1 first. A product that overflows float64 has no
    singular values: they are NaN.
    """
    product: FloatArray | None = None
    for w, h in zip(weights, pre, strict=True):
        layer = w * act.derivative(h[0])
        product = layer if product is None else product @ layer
    assert product is not None  # depth >= 1
    if np.all(np.isfinite(product)):
        values = np.linalg.svd(product, compute_uv=False)
    else:
        values = np.full(product.shape[0], math.nan)
    return {
        "jacobian_singular_values": values,
        "jacobian_mean": float(values.mean()),
        "jacobian_spread": float(values.std()),
        "jacobian_max": float(values.max()),
    }
