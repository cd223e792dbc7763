"""The README's example runs and trains the MLP it builds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mlp_example_trains() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "mlp.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    accuracies = [float(a) for a in re.findall(r"accuracy ([\d.]+)%", result.stdout)]
    assert len(accuracies) == 2, result.stdout
    assert min(accuracies) > 90.0, result.stdout


def run(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


def test_gpt_example_starts_near_the_loss_of_a_uniform_guess() -> None:
    out = run("gpt.py")
    (value, log_vocab) = map(
        float, re.findall(r"loss at initialization ([\d.]+); ln\(vocab\) = ([\d.]+)", out)[0]
    )
    # N(0, 0.02²) embeddings tied to the head give logits of std ~0.02·√64: the loss exceeds
    # ln(vocab) by about half their variance, far below 0.1.
    assert log_vocab - 0.05 < value < log_vocab + 0.1, out
    stds = [float(s) for s in re.findall(r"residual stream std ([\d.]+)", out)]
    assert len(stds) == 5 and max(stds) < 2 * stds[0], out  # the scaled residual init keeps it


def test_cnn_example_is_initialized_as_pytorch_and_trains() -> None:
    out = run("cnn.py")
    assert "conv1.weight: (8, 1, 3, 3)" in out and "fc.bias: (2,)" in out, out
    accuracies = [float(a) for a in re.findall(r"accuracy ([\d.]+)%", out)]
    assert len(accuracies) == 4 and accuracies[-1] > 95.0, out
