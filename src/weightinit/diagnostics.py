r"""Signal propagation through deep stacks: why initialization matters, measured.

:func:`propagate` pushes a random batch through a deep square MLP built with
an initializer and reports, layer by layer, the spread of the signal going
forward and of the gradient coming back, with a one-word verdict.
:func:`train` runs a short full-batch gradient descent on a generated
regression task, with optional gradient clipping by norm.

The verdicts and their thresholds (justified in ``docs/diagnostics.md``):

============  =====================================================================
verdict       when (checked in this order)
============  =====================================================================
exploding     the forward signal or the gradient overflows float64 (an inf or
              NaN) at some layer: the explanation names the first such layer
symmetric     in the last layer every unit has the same activation on every
              example, to a relative :data:`SYMMETRY_TOLERANCE`
saturated     on average over the layers, more than :data:`SATURATED_FRACTION` of the
              units sit where the slope is below :data:`SATURATION_SLOPE` of its peak
exploding     the forward std (last / first layer) or the gradient std (first /
              last layer) grows more than :data:`RATIO_LIMIT` times
vanishing     either shrinks below 1 / :data:`RATIO_LIMIT`
healthy       none of the above
============  =====================================================================

An activation (or its derivative) that returns NaN for a finite
pre-activation is a ``ValueError``, not a verdict.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._initializer import Initializer
from ._validation import check_int, check_real, check_rng, describe, shown
from .activations import Activation, get_activation
from .initializers import random_normal
from .registry import get

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
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

#: The verdicts :func:`propagate` can give, in the order they are checked
#: (after an overflow, which is 'exploding').
VERDICTS = ("symmetric", "saturated", "exploding", "vanishing", "healthy")

#: The most float64 values :func:`propagate` keeps at once,
#: ``depth * width * (width + 2 * batch)`` (the weights, and each layer's
#: input and pre-activation): 2**27, 1 GiB. Larger stacks are refused before
#: anything is drawn, so a typo such as ``depth=10**6`` fails fast instead of
#: exhausting memory.
MAX_PROPAGATION_VALUES = 2**27

#: Units count as identical when the spread across units of the last layer's
#: activations is at most this fraction of their root mean square.
SYMMETRY_TOLERANCE = 1e-6
#: A unit is saturated where the activation's slope is below this fraction of
#: its peak slope (tanh: |x| > 1.82; sigmoid: |x| > 3.64).
SATURATION_SLOPE = 0.1
#: The verdict is 'saturated' when the mean over layers of the saturated
#: fraction exceeds this.
SATURATED_FRACTION = 0.5
#: Growth (or shrinkage) of a std across the stack beyond which the signal is
#: 'exploding' (or 'vanishing'): one order of magnitude.
RATIO_LIMIT = 10.0


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
    0 on every example; ``unit_spread`` the largest, over examples, std across
    units of :math:`x_l`, relative to the root mean square of :math:`x_l`.
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
            "forward_ratio": _json_float(self.forward_ratio),
            "backward_ratio": _json_float(self.backward_ratio),
            "forward_std": _json_list(self.std),
            "backward_std": _json_list(self.grad_std),
        }
        for key in ("pre_mean", "pre_std", "mean", "saturated", "dead", "unit_spread"):
            result[key] = _json_list(getattr(self, key))
        result["weight_grad_std"] = _json_list(self.weight_grad_std)
        return result


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _json_list(values: FloatArray) -> list[float | None]:
    return [_json_float(float(v)) for v in values]


def _initializer(identifier: Any) -> tuple[str, Callable[..., FloatArray]]:
    if isinstance(identifier, str) or callable(identifier):
        resolved = get(identifier)
    else:
        raise TypeError(
            "initializer must be a name, an Initializer or a callable; "
            f"got {describe('initializer', identifier)}."
        )
    name = getattr(resolved, "name", None) or getattr(resolved, "__name__", "initializer")
    if isinstance(resolved, Initializer) and resolved.layout != "keras":
        # The weights multiply as x @ W, (fan_in, fan_out): the Keras layout, whatever
        # the scheme's library (PyTorch's schemes default to (out, in)).
        resolved = resolved.partial(layout="keras")
    return str(name), resolved


def _standard_normal(shape: tuple[int, ...], gen: np.random.Generator) -> FloatArray:
    """Standard normal inputs and gradients, drawn through the library like the weights."""
    return random_normal(shape, stddev=1.0, rng=gen)


def _bias_maker(bias: Any, width: int) -> Callable[[np.random.Generator], FloatArray]:
    """What draws one layer's biases, checked before anything is drawn."""
    if not (isinstance(bias, str) or callable(bias)):
        value = check_real("bias", bias)
        return lambda gen: np.full(width, value)
    try:
        _, init = _initializer(bias)
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


def _check_size(depth: int, width: int, batch: int) -> None:
    values = depth * width * (width + 2 * batch)
    if values > MAX_PROPAGATION_VALUES:
        raise ValueError(
            f"depth * width * (width + 2 * batch) must be at most {MAX_PROPAGATION_VALUES} "
            f"(2**27) float64 values, 1 GiB; got depth={depth}, width={width}, batch={batch} "
            f"with {values} values."
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
) -> Propagation:
    r"""Run a random batch through a deep MLP and measure the signal layer by layer.

    The stack is ``depth`` square layers :math:`h_l = x_{l-1} W_l + b_l`,
    :math:`x_l = \phi(h_l)` (the Keras ``x @ W`` layout), each ``W_l`` drawn
    from ``initializer`` with shape (width, width), the input
    :math:`x_0 \sim N(0, 1)`. The backward pass starts from a standard normal
    gradient :math:`G` at :math:`x_L` (the per-example gradient of the loss
    :math:`\langle x_L, G \rangle`) and goes down by the chain rule.

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

    Returns
    -------
    Propagation
        Per-layer statistics and the verdict (see the module's table).

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong type or out of range, unknown names, a
        stack larger than :data:`MAX_PROPAGATION_VALUES` (all before anything
        is drawn); ``ValueError`` for an activation that returns NaN for a
        finite input.

    References
    ----------
    Glorot & Bengio (2010), Understanding the difficulty of training deep
    feedforward neural networks, AISTATS. He et al. (2015), Delving Deep into
    Rectifiers, ICCV.

    Examples
    --------
    >>> from weightinit.diagnostics import propagate
    >>> propagate("he_normal", "relu", depth=20, width=128, rng=0).verdict
    'healthy'
    >>> propagate("glorot_uniform", "relu", depth=20, width=128, rng=0).verdict
    'vanishing'
    >>> propagate("zeros", "tanh", depth=5, width=16, rng=0).verdict
    'symmetric'
    """
    depth = check_int("depth", depth, minimum=1)
    width = check_int("width", width, minimum=2)
    batch = check_int("batch", batch, minimum=2)
    _check_size(depth, width, batch)
    name, init = _initializer(initializer)
    act = get_activation(activation)
    make_bias = _bias_maker(bias, width)
    gen = check_rng(rng)

    weights = [np.asarray(init((width, width), rng=gen), dtype=np.float64) for _ in range(depth)]
    biases = [make_bias(gen) for _ in range(depth)]
    x = _standard_normal((batch, width), gen)
    top_gradient = _standard_normal((batch, width), gen)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        stats, inputs, pre = _forward(x, weights, biases, act)
        grad_std, weight_grad_std = _backward(top_gradient, weights, inputs, pre, act)

    arrays = {key: np.asarray(values) for key, values in stats.items()}
    forward_ratio = _ratio(arrays["std"][-1], arrays["std"][0])
    backward_ratio = _ratio(float(grad_std[0]), float(grad_std[-1]))
    overflow = (
        _first_overflow(arrays["pre_mean"], arrays["pre_std"], arrays["mean"], arrays["std"]),
        _first_overflow(grad_std, weight_grad_std, downward=True),
    )
    verdict, explanation = _verdict(arrays, forward_ratio, backward_ratio, depth, overflow)
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
        verdict=verdict,
        explanation=explanation,
        **arrays,
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
        saturated = np.abs(act.derivative(h)) < SATURATION_SLOPE * peak if peak else 0.0
        stats["saturated"].append(float(np.mean(saturated)))
        stats["dead"].append(float(np.mean(np.all(x == 0.0, axis=0))))
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


def _verdict(
    stats: dict[str, FloatArray],
    forward: float,
    backward: float,
    depth: int,
    overflow: tuple[int | None, int | None] = (None, None),
) -> tuple[str, str]:
    forward_layer, backward_layer = overflow
    if forward_layer is not None:
        return "exploding", (
            f"the forward signal overflows float64 (inf or NaN) at layer {forward_layer} of {depth}"
        )
    if backward_layer is not None:
        return "exploding", (
            f"the gradient overflows float64 (inf or NaN) at layer {backward_layer} "
            f"of {depth}, going down"
        )
    if stats["unit_spread"][-1] <= SYMMETRY_TOLERANCE:
        return "symmetric", (
            "every unit of a layer computes the same value: the layer is no better than one neuron"
        )
    saturated = float(np.mean(stats["saturated"]))
    if saturated > SATURATED_FRACTION:
        return "saturated", (
            f"{saturated:.0%} of units sit on the flat tails of the activation, "
            "where gradients barely pass"
        )
    span = f"across {depth} layers"
    if not (math.isfinite(forward) and math.isfinite(backward)):
        return "exploding", f"the signal overflows to inf or NaN {span}"
    if forward > RATIO_LIMIT:
        return "exploding", f"forward std grows ×{forward:.2g} {span}"
    if backward > RATIO_LIMIT:
        return "exploding", f"gradient std grows ×{backward:.2g} going down {span}"
    if forward < 1.0 / RATIO_LIMIT:
        return "vanishing", f"forward std shrinks ×{forward:.2g} {span}"
    if backward < 1.0 / RATIO_LIMIT:
        return "vanishing", f"gradient std shrinks ×{backward:.2g} going down {span}"
    return "healthy", (
        f"forward std ×{forward:.2g} and gradient std ×{backward:.2g} {span}: "
        f"both within ×{RATIO_LIMIT:g}"
    )


# --- a short training run ------------------------------------------------------------------


def synthetic_regression(
    samples: int = 512, features: int = 16, *, rng: Any = None
) -> tuple[FloatArray, FloatArray]:
    r"""A generated regression task: :math:`y = \sin(2 x \cdot u)`.

    ``x`` is standard normal with ``features`` columns and ``u`` a random unit
    vector, so :math:`x \cdot u \sim N(0, 1)` and the target is a smooth,
    non-linear function of one hidden direction, with variance
    :math:`(1 - e^{-8}) / 2 \approx 0.49998`.

    Returns
    -------
    (x, y) : tuple of numpy.ndarray
        Shapes (samples, features) and (samples, 1).

    Examples
    --------
    >>> from weightinit.diagnostics import synthetic_regression
    >>> x, y = synthetic_regression(100, 8, rng=0)
    >>> x.shape, y.shape
    ((100, 8), (100, 1))
    """
    samples = check_int("samples", samples, minimum=1)
    features = check_int("features", features, minimum=1)
    gen = check_rng(rng)
    direction = _standard_normal((features,), gen)
    direction /= np.linalg.norm(direction)
    x = _standard_normal((samples, features), gen)
    y = np.sin(2.0 * x @ direction)[:, None]
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Training:
    """The course of :func:`train`: one entry per step taken.

    ``loss`` is the mean squared error (halved) before the step,
    ``grad_norm`` the global norm of the gradient of every weight and bias,
    ``update_norm`` the norm of the step applied (after clipping).
    ``diverged`` says the loss stopped being finite, which ends the run.
    """

    initializer: str
    activation: str
    clip_norm: float | None
    loss: FloatArray
    grad_norm: FloatArray
    update_norm: FloatArray
    diverged: bool = field(default=False)


def train(
    initializer: Any,
    activation: Any,
    *,
    depth: int = 6,
    width: int = 64,
    steps: int = 200,
    learning_rate: float = 0.05,
    clip_norm: float | None = None,
    samples: int = 512,
    features: int = 16,
    rng: Any = None,
) -> Training:
    r"""Train an MLP on :func:`synthetic_regression` by full-batch gradient descent.

    The network is features → width, ``depth - 1`` times width → width (all
    followed by ``activation``), then a linear width → 1 head; every weight
    matrix comes from ``initializer``, every bias starts at 0. The loss is
    :math:`\tfrac12 \mathrm{mean}((\hat y - y)^2)`.

    Parameters
    ----------
    initializer, activation
        As in :func:`propagate`.
    depth : int, default 6
        Hidden layers (>= 1).
    width : int, default 64
    steps : int, default 200
    learning_rate : float, default 0.05
    clip_norm : float, optional
        When given, a gradient whose global norm :math:`\|g\|` exceeds it is
        scaled by ``clip_norm / ‖g‖`` (clipping by norm, Pascanu et al.
        (2013), "On the difficulty of training recurrent neural networks",
        ICML), so no step is longer than ``learning_rate * clip_norm``.
    samples, features : int
        Size of the generated dataset.
    rng : {None, int, numpy.random.SeedSequence, numpy.random.BitGenerator, numpy.random.Generator}, optional
        Seeds the dataset and the weights.

    Returns
    -------
    Training

    Examples
    --------
    >>> from weightinit.diagnostics import train
    >>> run = train("he_normal", "relu", depth=3, width=32, steps=50, rng=0)
    >>> bool(run.loss[-1] < run.loss[0])
    True
    """
    depth = check_int("depth", depth, minimum=1)
    width = check_int("width", width, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    rate = check_real("learning_rate", learning_rate, positive=True)
    clip = None if clip_norm is None else check_real("clip_norm", clip_norm, positive=True)
    name, init = _initializer(initializer)
    act = get_activation(activation)
    gen = check_rng(rng)
    x, y = synthetic_regression(samples, features, rng=gen)
    sizes = [features] + [width] * depth + [1]
    weights = [
        np.asarray(init((fan_in, fan_out), rng=gen), dtype=np.float64)
        for fan_in, fan_out in itertools.pairwise(sizes)
    ]
    biases = [np.zeros(fan_out) for fan_out in sizes[1:]]
    losses, grad_norms, update_norms = [], [], []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            activations, pre = [x], []
            for index, (w, b) in enumerate(zip(weights, biases, strict=True)):
                h = activations[-1] @ w + b
                pre.append(h)
                activations.append(h if index == depth else act.function(h))
            error = activations[-1] - y
            loss = 0.5 * float(np.mean(error * error))
            if not math.isfinite(loss):
                diverged = True
                break
            delta = error / x.shape[0]
            grads: list[tuple[FloatArray, FloatArray]] = []
            for index in range(depth, -1, -1):
                if index < depth:
                    delta = delta * act.derivative(pre[index])
                grads.append((activations[index].T @ delta, delta.sum(axis=0)))
                delta = delta @ weights[index].T
            grads.reverse()
            norm = math.sqrt(sum(float(np.sum(gw * gw) + np.sum(gb * gb)) for gw, gb in grads))
            scale = rate * (clip / norm if clip is not None and norm > clip else 1.0)
            for (w, b), (gw, gb) in zip(zip(weights, biases, strict=True), grads, strict=True):
                w -= scale * gw
                b -= scale * gb
            losses.append(loss)
            grad_norms.append(norm)
            update_norms.append(scale * norm)
    return Training(
        initializer=name,
        activation=act.name,
        clip_norm=clip,
        loss=np.asarray(losses),
        grad_norm=np.asarray(grad_norms),
        update_norm=np.asarray(update_norms),
        diverged=diverged,
    )
