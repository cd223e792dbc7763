"""Write tests/golden/digests.json: SHA-256 digests of every initializer's output.

For each registered initializer, seeds, shapes (Keras and PyTorch layouts) and
dtypes (float16, float32, float64), the digest of the array's bytes. The file
records the NumPy version and the platform it was made on; tests/test_golden.py
compares against it only where both match (docs/reliability.md gives the rule).

Run ``python tools/make_golden.py`` after a change that is meant to change
samples, and announce the change in CHANGELOG.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

import weightinit as wi

DIGESTS = Path(__file__).resolve().parent.parent / "tests" / "golden" / "digests.json"
SEEDS = (0, 20261122)
DTYPES = ("float16", "float32", "float64")
#: Shapes in the Keras layout; the PyTorch-layout cases reverse them.
SHAPES: dict[str, tuple[int, ...]] = {
    "dense": (64, 48),
    "conv": (3, 3, 8, 16),
    "large": (600, 500),  # more than one block of the engine, the last one partial
}
#: Shapes and parameters for initializers that need them.
SPECIAL: dict[str, tuple[dict[str, tuple[int, ...]], dict[str, Any]]] = {
    "eye": ({"dense": (64, 48)}, {}),
    "sparse": ({"dense": (64, 48)}, {"sparsity": 0.25}),
    "dirac": ({"conv": (3, 3, 8, 16)}, {}),
    "delta_orthogonal": ({"conv": (3, 3, 8, 16)}, {}),
    "torch_constant": (SHAPES, {"val": 0.25}),
    "fixed": ({"dense": (4, 4)}, {"value": np.arange(16.0).reshape(4, 4) / 7}),
}


#: Schemes whose arrays come out of BLAS matrix products (the orthogonal
#: factor): their last bits also depend on the BLAS library's thread count,
#: as np.linalg.qr's do.
BLAS_DEPENDENT = frozenset({"orthogonal", "jax_orthogonal", "delta_orthogonal"})


def blas_threads() -> str:
    """The BLAS thread setting: the variables that choose it, or the core count it defaults to."""
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if key in os.environ:
            return f"{key}={os.environ[key]}"
    return f"default ({os.cpu_count()} cores)"


def environment() -> dict[str, str]:
    """What the digests depend on besides the library: NumPy, the platform, BLAS threads."""
    return {
        "numpy": np.__version__,
        "machine": platform.machine(),
        "system": platform.system(),
        "python": platform.python_version(),
        "byteorder": sys.byteorder,
        "blas_threads": blas_threads(),
    }


def cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(key, initializer name, call arguments) for every golden entry."""
    result = []
    for name in wi.available():
        init = wi.get(name)
        if not isinstance(init, wi.Initializer) or init.info.origin == "user":
            continue
        shapes, params = SPECIAL.get(name, (SHAPES, {}))
        seeds = SEEDS if init.random else SEEDS[:1]
        for label, shape in shapes.items():
            for layout in ("keras", "torch"):
                dims = shape if layout == "keras" else shape[::-1]
                for dtype in DTYPES:
                    for seed in seeds:
                        key = f"{name}/{label}/{layout}/{dtype}/seed={seed}"
                        kwargs = {"shape": dims, "layout": layout, "dtype": dtype, "rng": seed}
                        result.append((key, name, {**kwargs, **params}))
    return result


def digest(name: str, kwargs: dict[str, Any]) -> str:
    array = wi.get(name)(**kwargs)
    header = f"{array.dtype.str}{array.shape}".encode()
    return hashlib.sha256(header + np.ascontiguousarray(array).tobytes()).hexdigest()


def compute() -> dict[str, str]:
    return {key: digest(name, kwargs) for key, name, kwargs in cases()}


def main() -> None:
    DIGESTS.parent.mkdir(parents=True, exist_ok=True)
    content = {"environment": environment(), "digests": compute()}
    DIGESTS.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(content['digests'])} digests to {DIGESTS}")


if __name__ == "__main__":
    main()
