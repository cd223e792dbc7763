r"""A short training run: full-batch gradient descent on a generated regression task.

:func:`train` fits a multilayer perceptron, its weights drawn with an
initializer, to :func:`synthetic_regression` and records the loss, the
gradient norm and the length of every step, with optional gradient clipping
by norm. :mod:`weightinit.diagnostics` re-exports all three names.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._stacks import stack_initializer, standard_normal
from ._validation import check_int, check_real, check_rng
from .activations import get_activation

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Training", "synthetic_regression", "train"]

FloatArray: TypeAlias = "NDArray[np.float64]"


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
    >>> from weightinit.training import synthetic_regression
    >>> x, y = synthetic_regression(100, 8, rng=0)
    >>> x.shape, y.shape
    ((100, 8), (100, 1))
    """
    samples = check_int("samples", samples, minimum=1)
    features = check_int("features", features, minimum=1)
    gen = check_rng(rng)
    direction = standard_normal((features,), gen)
    direction /= np.linalg.norm(direction)
    x = standard_normal((samples, features), gen)
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
        As in :func:`weightinit.diagnostics.propagate`.
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
    >>> from weightinit.training import train
    >>> run = train("he_normal", "relu", depth=3, width=32, steps=50, rng=0)
    >>> bool(run.loss[-1] < run.loss[0])
    True
    """
    depth = check_int("depth", depth, minimum=1)
    width = check_int("width", width, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    rate = check_real("learning_rate", learning_rate, positive=True)
    clip = None if clip_norm is None else check_real("clip_norm", clip_norm, positive=True)
    name, init = stack_initializer(initializer)
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
