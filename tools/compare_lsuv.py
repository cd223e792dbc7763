"""Run lsuv on a PyTorch CNN's own weights, with PyTorch's layers as the forward pass.

Run by hand with the peers environment (skips if torch is missing):
    PYTHONPATH=src /work/peers-venv/bin/python tools/compare_lsuv.py
The weights of an ``nn.Sequential`` CNN (Conv2d, ReLU, Conv2d, ReLU, pool,
Linear; float64) are NumPy views of its parameters, so ``lsuv`` rescales
them in place and PyTorch sees every change; the forward pass is the module
itself, each layer's output taken by a forward hook on its Conv2d or Linear
(the layers the authors' LSUV-pytorch hooks). Printed per layer: the output
variance after ``lsuv`` on the batch and on a second batch, the largest
deviation of the filters (rows of the (out, in·kh·kw) matrix, divided by the
scale) from orthonormality, and the largest difference between PyTorch's
output and the NumPy convolution of tests/test_lsuv.py on the same weights.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import weightinit as wi
from weightinit.unit_variance import lsuv

try:
    import torch
    from torch import nn
except ImportError as error:  # pragma: no cover - a framework not installed
    print(f"skipped: {error}")
    sys.exit(0)


def numpy_conv(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """tests/test_lsuv.py's 'valid' convolution of NHWC ``x`` with an OIHW kernel."""
    windows = sliding_window_view(x, kernel.shape[2:], axis=(1, 2))
    return np.einsum("nhwcij,ocij->nhwo", windows, kernel)


def main() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Conv2d(8, 16, 3), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    ).double()  # fmt: skip
    params = {
        name: {"weight": m.weight.detach().numpy(), "bias": m.bias.detach().numpy()}
        for name, m in model.named_children()
        if isinstance(m, (nn.Conv2d, nn.Linear))
    }
    captured: dict[str, np.ndarray] = {}
    for name, m in model.named_children():
        if name in params:
            m.register_forward_hook(
                lambda _m, _i, out, name=name: captured.__setitem__(
                    f"{name}.weight", out.detach().numpy().copy()
                )
            )

    def forward(_params: Any, x: np.ndarray) -> dict[str, np.ndarray]:
        captured.clear()
        with torch.no_grad():
            model(torch.from_numpy(x))
        return dict(captured)

    rng = np.random.default_rng(1)
    x, other = rng.standard_normal((2, 64, 3, 10, 10))
    report = lsuv(params, forward, x, orthonormal=wi.orthogonal.partial(layout="torch"), rng=0)
    on_batch, on_other = forward(params, x), forward(params, other)
    first = numpy_conv(x.transpose(0, 2, 3, 1), params["0"]["weight"]) + params["0"]["bias"]
    conv_gap = float(np.abs(first - on_batch["0.weight"].transpose(0, 2, 3, 1)).max())
    print(
        f"torch {torch.__version__}; NumPy conv vs torch Conv2d (layer 0): max |diff| {conv_gap:.2e}"
    )
    for path, r in report.items():
        w = params[path.split(".")[0]]["weight"]
        filters = (w / r.scale).reshape(w.shape[0], -1)
        gram = filters @ filters.T if filters.shape[0] <= filters.shape[1] else filters.T @ filters
        ortho = float(np.abs(gram - np.eye(len(gram))).max())
        print(
            f"{path:9} passes {r.iterations}  converged {r.converged}  var {np.var(on_batch[path]):.6f}"
            f"  other batch {np.var(on_other[path]):.4f}  orthonormality {ortho:.1e}"
        )


if __name__ == "__main__":
    main()
