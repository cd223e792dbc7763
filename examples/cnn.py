"""A NumPy port of a small PyTorch CNN, initialized as PyTorch would with ``wi.layers.torch``.

Run ``python examples/cnn.py``. The PyTorch model it ports::

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
            self.fc = torch.nn.Linear(8, 2)

        def forward(self, x):
            x = torch.relu(self.conv1(x)).mean(dim=(2, 3))  # global average pooling
            return self.fc(x)

Its parameters are made with the same names, shapes and laws as PyTorch's
defaults (``conv1.weight`` (8, 1, 3, 3), ``fc.bias`` (2,), ...), in one
``init_params`` call. It is then trained for a few hundred steps of
full-batch gradient descent, in NumPy, to tell horizontal from vertical bars
in noisy 8x8 images, and prints the loss and accuracy. Nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

import weightinit as wi
from weightinit.layers import torch as nn

SIDE = 8


def bars(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 1, 8, 8) holding one horizontal (label 0) or vertical (label 1) bar, in noise."""
    labels = rng.integers(0, 2, n)
    images = rng.normal(0.0, 0.3, (n, 1, SIDE, SIDE))
    where = rng.integers(1, SIDE - 1, n)
    for i in range(n):
        if labels[i] == 0:
            images[i, 0, where[i], :] += 1.0
        else:
            images[i, 0, :, where[i]] += 1.0
    return images, labels


def patches(x: np.ndarray) -> np.ndarray:
    """im2col for a 3x3 convolution with padding 1: (n, H*W, C*9), ordered as (C, kh, kw)."""
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    n, c, h, w = x.shape
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n, h * w, c * 9)


def train(params: dict[str, dict[str, np.ndarray]], x: np.ndarray, y: np.ndarray) -> None:
    conv, fc = params["conv1"], params["fc"]
    cols = patches(x)
    onehot = np.eye(2)[y]
    for step in range(301):
        kernel = conv["weight"].reshape(conv["weight"].shape[0], -1)  # (out, in*3*3)
        z = cols @ kernel.T + conv["bias"]  # (n, H*W, out)
        a = np.maximum(z, 0.0)
        pooled = a.mean(axis=1)
        logits = pooled @ fc["weight"].T + fc["bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        if step % 100 == 0:
            loss = -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))
            accuracy = 100.0 * np.mean(p.argmax(axis=1) == y)
            print(f"step {step:3d}: loss {loss:.4f}, accuracy {accuracy:.1f}%")
        dlogits = (p - onehot) / len(y)
        dpooled = dlogits @ fc["weight"]
        dz = np.broadcast_to(dpooled[:, None, :] / z.shape[1], z.shape) * (z > 0)
        grads = {
            ("fc", "weight"): dlogits.T @ pooled,
            ("fc", "bias"): dlogits.sum(axis=0),
            ("conv1", "weight"): (
                dz.reshape(-1, z.shape[2]).T @ cols.reshape(-1, cols.shape[2])
            ).reshape(conv["weight"].shape),
            ("conv1", "bias"): dz.sum(axis=(0, 1)),
        }
        for (layer, name), grad in grads.items():
            params[layer][name] -= 2.0 * grad


def main() -> None:
    model = {
        "conv1": nn.conv2d(1, 8, 3, padding=1, spec=True),
        "fc": nn.linear(8, 2, spec=True),
    }
    params = wi.init_params(model, [], rng=0)
    for layer, values in params.items():
        for name, value in values.items():
            print(f"{layer}.{name}: {value.shape}, std {value.std():.4f}")
    x, y = bars(512, np.random.default_rng(1))
    train(params, x, y)


if __name__ == "__main__":
    main()
