"""The examples run and show what they claim: the MLPs train, the contrast of initializers shows."""

from __future__ import annotations

import math
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


def test_mlp_contrast_zeros_stay_symmetric_n01_explodes_he_learns() -> None:
    # Bounded by run()'s subprocess timeout; the assertions read only the printed numbers.
    out = run("mlp_contrast.py")
    pattern = (
        r"^(.+): final loss ([\d.e+-]+|nan|inf), accuracy ([\d.]+)%, largest step ([\d.e+-]+|nan|inf), "
        r"distinct units (\d+) of (\d+), dead units (\d+)%$"
    )
    runs = {m[0]: m[1:] for m in re.findall(pattern, out, flags=re.MULTILINE)}
    assert set(runs) == {"zeros", "N(0, 1)", "he_normal"}, out
    loss = {label: float(values[0]) for label, values in runs.items()}
    accuracy = {label: float(values[1]) for label, values in runs.items()}
    step = {label: float(values[2]) for label, values in runs.items()}
    distinct = {label: int(values[3]) for label, values in runs.items()}
    # Zeros: every hidden unit stays identical, and the loss stays near ln 2 (a constant guess).
    assert distinct["zeros"] == 1 and distinct["he_normal"] == 64, out
    assert abs(loss["zeros"] - math.log(2)) < 0.01, out
    # N(0, 1): steps of astronomical length (He's stay below 1), and it learns nothing.
    assert step["N(0, 1)"] > 1e6 and step["he_normal"] < 1.0, out
    assert not loss["N(0, 1)"] < 0.5, out  # a NaN loss counts as not learning
    # He learns: its final loss is far below both, and it classifies the training set.
    assert loss["he_normal"] < 0.05 and accuracy["he_normal"] > 95.0, out
    assert "  he_normal  step 100: loss" in out  # progress is printed along the way
