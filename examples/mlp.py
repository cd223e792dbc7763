"""Initialize and train a small NumPy MLP with Keras- and PyTorch-named initializers.

Run ``python examples/mlp.py``. It builds the same 3-layer ReLU network twice
(Keras names: ``he_normal`` weights, ``zeros`` biases; PyTorch names:
``kaiming_uniform`` weights, ``zeros`` biases), trains each for a few hundred
steps of full-batch gradient descent on a generated two-spirals problem, and
prints the loss as it goes and the accuracy at the end. Both schemes are
good ones, so both learn alike: the point is that the two libraries' names
give the same network. For the contrast between a bad and a good
initialization (zeros, N(0, 1), He), run ``python examples/mlp_contrast.py``.
Nothing is downloaded.
"""

from __future__ import annotations

import itertools

import numpy as np

import weightinit as wi


def spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals: points (n, 2) and labels (n,)."""
    t = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3.0 * np.pi
    labels = rng.integers(0, 2, n)
    sign = np.where(labels == 1, 1.0, -1.0)
    points = sign[:, None] * np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (3.0 * np.pi)
    return points + rng.normal(0.0, 0.02, points.shape), labels


def build(
    weight_init: wi.Initializer, sizes: list[int], seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (W, b) per layer; W is (fan_in, fan_out), as in ``x @ W``.

    A PyTorch scheme reads PyTorch's (out, in) layout, as ``nn.Linear.weight``:
    it draws that weight and the layer uses its transpose, as a port of a
    PyTorch model would.
    """
    rng = np.random.default_rng(seed)
    layers = []
    for m, n in itertools.pairwise(sizes):
        if weight_init.layout == "torch":
            weight = weight_init((n, m), rng=rng).T
        else:
            weight = weight_init((m, n), rng=rng)
        layers.append((weight, wi.zeros(n)))
    return layers


def train(
    layers: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    steps: int,
    lr: float,
    every: int = 200,
) -> tuple[float, float]:
    """Full-batch gradient descent on the logistic loss; prints the loss every ``every`` steps."""
    for step in range(steps):
        activations = [x]
        for i, (w, b) in enumerate(layers):
            z = activations[-1] @ w + b
            activations.append(np.maximum(z, 0.0) if i < len(layers) - 1 else z)
        logits = activations[-1][:, 0]
        p = 1.0 / (1.0 + np.exp(-logits))
        loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
        if step % every == 0:
            print(f"  step {step:4d}: loss {loss:.3f}", flush=True)
        grad = ((p - y) / len(y))[:, None]
        for i in reversed(range(len(layers))):
            w, b = layers[i]
            grad_w, grad_b = activations[i].T @ grad, grad.sum(axis=0)
            if i > 0:
                grad = (grad @ w.T) * (activations[i] > 0)
            layers[i] = (w - lr * grad_w, b - lr * grad_b)
    accuracy = float(np.mean((p > 0.5) == y))
    return loss, accuracy


def main() -> None:
    x, y = spirals(1000, np.random.default_rng(0))
    sizes = [2, 48, 48, 48, 1]
    for label, init in [
        ("Keras   he_normal", wi.get("he_normal")),
        (
            "PyTorch kaiming_uniform(nonlinearity='relu')",
            wi.kaiming_uniform.partial(nonlinearity="relu"),
        ),
    ]:
        assert isinstance(init, wi.Initializer)
        layers = build(init, sizes, seed=1)
        first = layers[0][0]
        print(
            f"{label}: W1 {first.shape} std {first.std():.3f} (theory {np.sqrt(init.variance(2, 48)):.3f})"
        )
        loss, accuracy = train(layers, x, y, steps=800, lr=0.5)
        print(f"  after 800 steps: loss {loss:.3f}, accuracy {accuracy:.1%}")


if __name__ == "__main__":
    main()
