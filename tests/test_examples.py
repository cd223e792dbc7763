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
