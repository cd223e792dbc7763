"""Train one NumPy MLP from zeros, from N(0, 1) and from He weights: why initialization matters.

Run ``python examples/mlp_contrast.py``. The same 5-layer ReLU network (four
hidden layers of 64 units, zero biases) is trained three times by full-batch
gradient descent on a generated two-circles problem, changing only the
weights' initializer:

- ``wi.zeros``: every hidden unit of a layer starts identical and receives
  the same gradient, so the units stay identical (the script counts the
  distinct columns of each weight matrix) and the network cannot learn:
  with zero weights even that gradient is zero, only the output bias moves,
  and the loss stays at ln 2.
- ``wi.random_normal.partial(stddev=1.0)``, N(0, 1): each ReLU layer
  multiplies the signal's scale by about √(64 / 2) = 5.7, so the logits start
  in the hundreds and the gradients with them: the first step is enormous
  (the script prints the largest step's length), throws the units far out,
  and leaves most ReLUs dead (zero for every example), so the network stops
  learning near the loss of a constant guess.
- ``wi.he_normal`` (Var = 2 / fan_in, He et al., 2015): the signal keeps its
  scale across the layers, and the network learns.

It prints the loss every 100 steps, then a summary line per run
(``final loss``, ``accuracy``, ``largest step``, ``distinct units``,
``dead units``). Nothing is downloaded; it takes a few seconds.
"""

from __future__ import annotations

import itertools
import math
import os

# The matrices here are small: BLAS threads gain nothing and, on a busy
# machine, make every product many times slower while they wait for each other.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402  (after the thread settings, which BLAS reads on loading)

import weightinit as wi  # noqa: E402

SIZES = [2, 64, 64, 64, 64, 1]
STEPS = 600
LEARNING_RATE = 0.05
RUNS = [
    ("zeros", wi.zeros),
    ("N(0, 1)", wi.random_normal.partial(stddev=1.0)),
    ("he_normal", wi.he_normal),
]

Layers = list[tuple[np.ndarray, np.ndarray]]


def circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) on two noisy concentric circles (radius 0.5 and 1) and their labels (n,)."""
    labels = rng.integers(0, 2, n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = np.where(labels == 1, 0.5, 1.0) + rng.normal(0.0, 0.05, n)
    return radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), labels


def build(init: wi.Initializer, seed: int) -> Layers:
    """One (W, b) per layer, W of Keras' layout (fan_in, fan_out) as in ``x @ W``; b = 0."""
    rng = np.random.default_rng(seed)
    return [(init((m, n), rng=rng), wi.zeros(n)) for m, n in itertools.pairwise(SIZES)]


def step(layers: Layers, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, float]:
    """One gradient-descent step in place: the loss and predictions before it, the step's length."""
    activations = [x]
    for i, (w, b) in enumerate(layers):
        z = activations[-1] @ w + b
        activations.append(np.maximum(z, 0.0) if i < len(layers) - 1 else z)
    logits = activations[-1][:, 0]
    loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
    grad = ((0.5 * (1.0 + np.tanh(0.5 * logits)) - y) / len(y))[:, None]  # sigmoid, no overflow
    squared = 0.0
    for i in reversed(range(len(layers))):
        w, b = layers[i]
        grad_w, grad_b = activations[i].T @ grad, grad.sum(axis=0)
        if i > 0:
            grad = (grad @ w.T) * (activations[i] > 0)
        layers[i] = (w - LEARNING_RATE * grad_w, b - LEARNING_RATE * grad_b)
        squared += float(np.sum(grad_w**2) + np.sum(grad_b**2))
    return loss, logits > 0, LEARNING_RATE * math.sqrt(squared)


def distinct_units(layers: Layers) -> int:
    """The most distinct hidden units (columns of W) in any hidden layer."""
    return max(len(np.unique(w, axis=1).T) for w, _ in layers[:-1])


def dead_fraction(layers: Layers, x: np.ndarray) -> float:
    """The fraction of hidden ReLU units that output 0 for every example."""
    dead, total, h = 0, 0, x
    for w, b in layers[:-1]:
        h = np.maximum(h @ w + b, 0.0)
        dead += int(np.sum(np.all(h == 0.0, axis=0)))
        total += h.shape[1]
    return dead / total


def train(label: str, init: wi.Initializer, x: np.ndarray, y: np.ndarray) -> float:
    """Train a fresh network from ``init``, printing progress; returns the final loss."""
    layers = build(init, seed=1)
    loss, predicted, largest = math.nan, np.zeros(len(y), dtype=bool), 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for index in range(STEPS):
            loss, predicted, length = step(layers, x, y)
            largest = max(largest, length)
            if not math.isfinite(loss):
                print(f"  {label:9}  step {index:3}: loss {loss} — diverged")
                break
            if index % 100 == 0 or index == STEPS - 1:
                print(f"  {label:9}  step {index:3}: loss {loss:.4g}")
    accuracy = float(np.mean(predicted == y))
    print(
        f"{label}: final loss {loss:.4g}, accuracy {accuracy:.1%}, largest step {largest:.3g}, "
        f"distinct units {distinct_units(layers)} of {SIZES[1]}, "
        f"dead units {dead_fraction(layers, x):.0%}"
    )
    return loss


def main() -> None:
    x, y = circles(512, np.random.default_rng(0))
    print(f"ReLU MLP {SIZES}, {STEPS} steps of gradient descent (lr {LEARNING_RATE}):")
    print(f"ln 2 = {math.log(2):.4g} is the loss of a constant guess.")
    for label, init in RUNS:
        train(label, init, x, y)


if __name__ == "__main__":
    main()
