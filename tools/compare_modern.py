"""Compare zero_hadamard and sinusoidal with the authors' own code, run by hand.

The reference implementations are the authors' repositories, checked out
locally (they are not packages): jiaweizzhao/ZerO-initialization
(``example_mnist.ipynb``, function ``ZerO_Init_on_matrix``, "Algorithm 1 in
the paper") and jmiravet/Sinusoidal-Initialization (``initialize.py``,
``sinusoidal_``). Both need torch (and scipy for ZerO); a reference that is
missing, or a missing torch, is skipped with a message.

    PYTHONPATH=src python tools/compare_modern.py --zero PATH --sinusoidal PATH

Prints one line per case: the largest absolute difference, in PyTorch's
(out, in, …kernel…) layout. ZerO's is compared at the notebook's constant
2**(-m/2), which is this library's values times 2**(-1/2) in the Hadamard
case (the paper's Algorithm 1 says 2**(-(m-1)/2), which this library uses).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

import weightinit as wi

ZERO_SHAPES = ((4, 4), (2, 4), (4, 2), (5, 3), (16, 7), (100, 30))
SINUSOIDAL_SHAPES = ((4, 3), (64, 48), (48, 64), (16, 3, 3, 3), (8, 4, 5))


def _notebook_function(path: Path, name: str) -> Any:
    """The function ``name`` defined in a code cell of the notebook at ``path``."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {}
    exec("import math, torch\nfrom scipy.linalg import hadamard", namespace)
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {name}(" in source:
            exec(source, namespace)
            return namespace[name]
    raise LookupError(f"no cell of {path} defines {name}")


def compare_zero(repo: Path) -> None:
    import torch

    reference = _notebook_function(repo / "example_mnist.ipynb", "ZerO_Init_on_matrix")
    for out, inp in ZERO_SHAPES:
        theirs = reference(torch.empty(out, inp)).double().numpy()
        ours = wi.zero_hadamard((out, inp), layout="torch")
        if out > inp:  # the notebook's 2**(-m/2) against the paper's 2**(-(m-1)/2)
            ours = ours / math.sqrt(2.0)
        print(
            f"zero_hadamard (out, in)={(out, inp)}: max |diff| = {np.max(np.abs(theirs - ours)):.3g}"
        )


def compare_sinusoidal(repo: Path) -> None:
    import torch

    spec = importlib.util.spec_from_file_location("sinusoidal_reference", repo / "initialize.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The version shared with the paper (commit 9b601fb) takes no mode: 2 / (n + n_out), the
    # defaults here; since ee5aec7 it takes mode and gain, by default fan_in and √2.
    current = "mode" in inspect.signature(module.sinusoidal_).parameters
    cases = [("fan_in", {"scale": 2.0, "mode": "fan_in"})] if current else [("paper", {})]
    if current:
        cases.append(("fan_out", {"scale": 2.0, "mode": "fan_out"}))
    for shape in SINUSOIDAL_SHAPES:
        for label, params in cases:
            kwargs = {"mode": params["mode"]} if current else {}
            theirs = module.sinusoidal_(torch.empty(shape), **kwargs).double().numpy()
            ours = wi.sinusoidal(shape, layout="torch", **params)
            relative = np.max(np.abs(theirs - ours)) / np.max(np.abs(ours))
            print(f"sinusoidal {shape} ({label}): max |diff| / max |W| = {relative:.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zero", type=Path, help="checkout of jiaweizzhao/ZerO-initialization")
    parser.add_argument(
        "--sinusoidal", type=Path, help="checkout of jmiravet/Sinusoidal-Initialization"
    )
    args = parser.parse_args()
    if importlib.util.find_spec("torch") is None:
        print("torch is not installed: nothing to compare")
        sys.exit(0)
    for label, path, run in (
        ("ZerO", args.zero, compare_zero),
        ("sinusoidal", args.sinusoidal, compare_sinusoidal),
    ):
        if path is None or not path.exists():
            print(f"{label}: no checkout given, skipped")
            continue
        run(path)


if __name__ == "__main__":
    main()
