"""Compare wi.recipes.mup with the mup package: per-parameter std after set_base_shapes + mup.init.

Run by hand with the peers environment (skips if torch or mup is missing):
    PYTHONPATH=src /work/peers-venv/bin/python tools/compare_mup.py
For each mup.init function, a small MLP (Linear, Linear, MuReadout) at width
256 over a base at width 64 is initialized by mup; each parameter's sample
std (over its elements) is printed beside the std weightinit's rule declares.
"""

from __future__ import annotations

import math
import sys

import weightinit as wi

try:
    import mup
    import torch
    from torch import nn
except ImportError as error:  # pragma: no cover - a framework not installed
    print(f"skipped: {error}")
    sys.exit(0)

INITS = {
    "normal_": {"std": 0.02},
    "uniform_": {"a": -0.1, "b": 0.1},
    "trunc_normal_": {"std": 0.02, "a": -0.04, "b": 0.04},
    "xavier_uniform_": {},
    "xavier_normal_": {"gain": 2.0},
    "kaiming_normal_": {"mode": "fan_in", "nonlinearity": "relu"},
    "kaiming_uniform_": {"mode": "fan_out"},
}


def model(width: int, zero: bool) -> nn.Module:
    return nn.Sequential(
        nn.Linear(300, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        mup.MuReadout(width, 200, readout_zero_init=zero),
    )


def main() -> None:
    torch.manual_seed(0)
    worst = 0.0
    for init, options in INITS.items():
        for zero in (False, True):
            base, net = model(64, zero), model(256, zero)
            mup.set_base_shapes(net, base)
            for name, p in net.named_parameters():
                if p.dim() >= 2 and not name.startswith("4."):
                    getattr(mup.init, init)(p, **options)
            rules = wi.recipes.mup(
                {n: tuple(p.shape) for n, p in base.named_parameters()},
                {n: tuple(p.shape) for n, p in net.named_parameters()},
                init=init,
                readout_zero_init=zero,
                **options,
            )
            for path, rule in rules:
                p = dict(net.named_parameters())[path]
                law = rule.distribution(shape=tuple(p.shape))
                ours = math.sqrt(law.variance)
                theirs = float(p.detach().double().std(unbiased=False))
                mean = float(p.detach().double().mean())
                rel = abs(theirs - ours) / ours if ours else abs(theirs)
                worst = max(worst, rel) if p.numel() >= 10_000 else worst
                print(
                    f"{init:17s} zero={zero!s:5s} {path:10s} {tuple(p.shape)!s:11s} "
                    f"mup std={theirs:.6f} mean={mean:+.5f}  weightinit std={ours:.6f}  "
                    f"rel={rel:.4f}"
                )
    print(f"worst relative difference of std over parameters of >= 10,000 elements: {worst:.4f}")


if __name__ == "__main__":
    main()
