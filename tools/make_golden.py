"""Write the golden samples: tests/golden/digests.json and tests/golden/fingerprints.json.

For each registered initializer, seeds, shapes (Keras and PyTorch layouts) and
dtypes (float16, float32, float64), digests.json holds the SHA-256 digest of
the array's bytes. Some arrays' last bits depend on more than NumPy and the
platform (:data:`ROUNDING`): the BLAS kernel for the orthogonal laws, the
CPU's SIMD level for float16/float32 normals. For those, fingerprints.json
also holds a :func:`fingerprint` that :func:`agrees` compares to rounding.
Both files record the environment they were made in; tests/test_golden.py
gives the rule (docs/reliability.md says it in words).

Run ``python tools/make_golden.py`` only after a change that is meant to
change samples, and announce it under "Changed" in CHANGELOG.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

import weightinit as wi

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
DIGESTS = GOLDEN / "digests.json"
FINGERPRINTS = GOLDEN / "fingerprints.json"
SEEDS = (0, 20261122)
DTYPES = ("float16", "float32", "float64")
#: Shapes in the Keras layout; the PyTorch-layout cases reverse them.
SHAPES: dict[str, tuple[int, ...]] = {
    "dense": (64, 48),
    "conv": (3, 3, 8, 16),
    "large": (600, 500),  # more than one block of the engine, the last one partial
}
#: The cases recorded before a scheme's shapes and parameters came from its
#: definition, kept as recorded: ``fixed``'s shape is its value's, and
#: ``torch_constant`` was recorded with another ``val`` than its example.
RECORDED: dict[str, tuple[dict[str, tuple[int, ...]], dict[str, Any]]] = {
    "torch_constant": (SHAPES, {"val": 0.25}),
    "fixed": ({"dense": (4, 4)}, {"value": np.arange(16.0).reshape(4, 4) / 7}),
}


def _accepts(init: wi.Initializer, shape: tuple[int, ...], params: dict[str, Any]) -> bool:
    try:
        init.distribution(shape=shape, **params)
    except ValueError:
        return False
    return True


def shapes_and_params(init: wi.Initializer) -> tuple[dict[str, tuple[int, ...]], dict[str, Any]]:
    """The shapes (by label) and parameters of a scheme's golden cases.

    The parameters are its definition's example values (``SchemeInfo.example``);
    the shapes are :data:`SHAPES`, or, for a scheme that refuses some of them
    (a rank it does not take), the first it accepts.
    """
    if init.name in RECORDED:
        return RECORDED[init.name]
    params = dict(init.info.example)
    accepted = {label: dims for label, dims in SHAPES.items() if _accepts(init, dims, params)}
    if len(accepted) < len(SHAPES):
        accepted = dict(list(accepted.items())[:1])
    return accepted, params


#: What the last bits of each law's samples depend on besides NumPy's version
#: and the platform, by law kind and dtype. "blas": the orthogonal factor comes
#: out of BLAS matrix products, whose rounding depends on the kernel OpenBLAS
#: picks for the CPU (or OPENBLAS_CORETYPE) and on its thread count. "simd":
#: float16/float32 normals come from NumPy's float32 log, sin and cos
#: (Box-Muller), whose SIMD loops NumPy picks at run time from the CPU's
#: features. None: elementwise IEEE arithmetic and NumPy's generators only,
#: the same bits on every CPU.
ROUNDING: dict[str, dict[str, str | None]] = {
    "uniform": dict.fromkeys(DTYPES),
    "constant": dict.fromkeys(DTYPES),
    "indicator": dict.fromkeys(DTYPES),
    "normal": {"float16": "simd", "float32": "simd", "float64": None},
    "truncated_normal": {"float16": "simd", "float32": "simd", "float64": None},
    "sparse": {"float16": "simd", "float32": "simd", "float64": None},
    "orthogonal": dict.fromkeys(DTYPES, "blas"),
    "delta_orthogonal": dict.fromkeys(DTYPES, "blas"),
}

#: Fingerprints: the Euclidean norm, the largest magnitude, and this many
#: projections on fixed unit vectors.
PROJECTIONS = 8
#: Each factor's working precision, and the units of it by which two kernels'
#: results may differ normwise before the cast to the dtype. "blas": the
#: orthogonal factor is formed in float64 whatever the dtype; OpenBLAS'
#: Haswell and Prescott kernels gave float64 arrays within 5 units of
#: SkylakeX's (|a - b| / |b| <= 1.03e-15), 64 leaves room for other CPUs.
#: "simd": float16/float32 normals are float32 arithmetic; NumPy's baseline
#: and AVX2/AVX-512 loops gave elements within 4 units, 0.3 normwise.
WORK: dict[str, tuple[float, int]] = {
    "blas": (float(np.finfo(np.float64).eps), 64),
    "simd": (float(np.finfo(np.float32).eps), 16),
}
#: A projection's tolerance in standard deviations of what such differences
#: give: differences within the bound fail with probability below 1e-8.
SIGMAS = 6.0


def blas_threads() -> str:
    """The BLAS thread setting: the variables that choose it, or the core count it defaults to."""
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if key in os.environ:
            return f"{key}={os.environ[key]}"
    return f"default ({os.cpu_count()} cores)"


def blas() -> str:
    """The BLAS library, kernel and thread count NumPy uses here, or "unknown"."""
    try:
        import threadpoolctl
    except ImportError:  # without it the kernel cannot be told: never taken as the same
        return "unknown"
    found = [
        f"{info.get('internal_api')} {info.get('version')} {info.get('architecture')}"
        f" threads={info.get('num_threads')}"
        for info in threadpoolctl.threadpool_info()
        if info.get("user_api") == "blas"
    ]
    return "; ".join(found) or "unknown"


def simd() -> str:
    """The SIMD targets NumPy dispatches to on this CPU (NPY_DISABLE_CPU_FEATURES applied)."""
    try:
        from numpy._core import _multiarray_umath as umath  # type: ignore[attr-defined]
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath  # type: ignore[attr-defined,no-redef]
    features = getattr(umath, "__cpu_features__", {})
    targets = getattr(umath, "__cpu_dispatch__", [])
    return " ".join(target for target in targets if features.get(target)) or "baseline"


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


def rounding_environment() -> dict[str, str]:
    """What the fingerprinted entries' last bits depend on: the BLAS kernel, NumPy's SIMD level."""
    return {**environment(), "blas": blas(), "simd": simd()}


def cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(key, initializer name, call arguments) for every golden entry."""
    result = []
    for name in wi.available():
        init = wi.get(name)
        if not isinstance(init, wi.Initializer) or init.info.origin == "user":
            continue
        shapes, params = shapes_and_params(init)
        law = init.distribution(shape=next(iter(shapes.values())), **params)
        if law.random and law.kind_refusal("float64") is not None:
            continue  # a law of complex weights only: the golden dtypes are real
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


def _array(name: str, kwargs: dict[str, Any]) -> np.ndarray:
    return np.asarray(wi.get(name)(**kwargs))


def digest(array: np.ndarray) -> str:
    header = f"{array.dtype.str}{array.shape}".encode()
    return hashlib.sha256(header + np.ascontiguousarray(array).tobytes()).hexdigest()


def rounding(name: str, kwargs: dict[str, Any]) -> str | None:
    """What a case's last bits depend on (:data:`ROUNDING`), from the law it draws from."""
    params = {k: v for k, v in kwargs.items() if k not in ("dtype", "rng")}
    law = wi.get(name).distribution(**params)
    return ROUNDING[law.kind][kwargs["dtype"]]


def _unit_vectors(size: int) -> np.ndarray:
    """PROJECTIONS fixed unit vectors of length ``size``, the same on every machine."""
    vectors = np.random.default_rng(20261201).random((PROJECTIONS, size)) - 0.5
    for row in vectors:  # exact sums, so the vectors do not depend on BLAS either
        row /= math.sqrt(math.fsum(row * row))
    return vectors


def fingerprint(array: np.ndarray) -> dict[str, Any]:
    """An array's dtype, shape, norm, largest magnitude and projections, summed exactly."""
    values = np.asarray(array, dtype=np.float64).ravel()
    return {
        "dtype": array.dtype.name,
        "shape": list(array.shape),
        "norm": math.sqrt(math.fsum(values * values)),
        "max": float(np.max(np.abs(values))) if values.size else 0.0,
        "projections": [math.fsum(row * values) for row in _unit_vectors(values.size)],
    }


def rounding_bound(recorded: dict[str, Any]) -> float:
    """The largest ``|a - b|`` (Euclidean) between two arrays equal to rounding.

    The working-precision result may move by ``u`` units of its precision
    ``w`` (:data:`WORK`), normwise: ``u * w * |b|``. The cast to the dtype
    (``eps``) then rounds an element the other way with probability about
    ``u * w / eps`` (at most 1), by one unit of the dtype, at most
    ``eps * max|b|``; so ``k = 1 + n * u * w / eps`` flips (at most ``n``)
    add ``eps * max|b| * sqrt(k)``.
    """
    size = math.prod(recorded["shape"])
    eps = float(np.finfo(recorded["dtype"]).eps)
    work, ulps = WORK[recorded["rounding"]]
    flips = min(size, 1 + size * ulps * work / eps)
    return ulps * work * recorded["norm"] + eps * recorded["max"] * math.sqrt(flips)


def agrees(recorded: dict[str, Any], array: np.ndarray) -> bool:
    """Whether ``array`` equals the fingerprinted one to rounding (:func:`rounding_bound`).

    With ``d`` the difference of the two arrays, ``|d|`` at most the bound,
    the norms differ by at most ``|d|``, and each projection on a fixed unit
    vector, independent of ``d``, by a normal amount of deviation at most
    ``|d| / sqrt(n)``; the tolerance is SIGMAS of those. A different sample
    moves a projection by about ``|b| * sqrt(2 / n)``.
    """
    here = fingerprint(array)
    if here["dtype"] != recorded["dtype"] or here["shape"] != recorded["shape"]:
        return False
    bound = rounding_bound(recorded)
    if abs(here["norm"] - recorded["norm"]) > bound:
        return False
    tolerance = SIGMAS * bound / math.sqrt(max(1, math.prod(here["shape"])))
    pairs = zip(here["projections"], recorded["projections"], strict=True)
    return all(abs(a - b) <= tolerance for a, b in pairs)


def compute() -> dict[str, str]:
    return {key: digest(_array(name, kwargs)) for key, name, kwargs in cases()}


def compute_fingerprints() -> dict[str, dict[str, Any]]:
    """The fingerprint of every case whose last bits depend on the BLAS kernel or SIMD level."""
    return {
        key: {"rounding": factor, **fingerprint(_array(name, kwargs))}
        for key, name, kwargs in cases()
        if (factor := rounding(name, kwargs)) is not None
    }


def compare(
    digests: dict[str, str], fingerprints: dict[str, dict[str, Any]], recorded: dict[str, str]
) -> dict[str, list[str]]:
    """Every case checked against the recorded samples, by outcome.

    ``"identical"``: the digest matches. ``"rounding"``: the digest differs,
    the case depends on a factor (:data:`ROUNDING`) that differs between
    ``recorded`` (the environment the fingerprints were made in) and here,
    and the array agrees with its fingerprint to rounding. ``"differ"``:
    anything else, including a case that is new or gone.
    """
    here = rounding_environment()
    outcome: dict[str, list[str]] = {"identical": [], "rounding": [], "differ": []}
    seen = set()
    for key, name, kwargs in cases():
        seen.add(key)
        array = _array(name, kwargs)
        if digests.get(key) == digest(array):
            outcome["identical"].append(key)
            continue
        factor = fingerprints.get(key, {}).get("rounding")
        moved = factor is not None and (
            here[factor] != recorded[factor] or here[factor] == "unknown"
        )
        if moved and agrees(fingerprints[key], array):
            outcome["rounding"].append(key)
        else:
            outcome["differ"].append(key)
    outcome["differ"] += sorted(digests.keys() - seen)
    return outcome


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    content = {"environment": environment(), "digests": compute()}
    DIGESTS.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    prints = {"environment": rounding_environment(), "fingerprints": compute_fingerprints()}
    FINGERPRINTS.write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(content['digests'])} digests to {DIGESTS}")
    print(f"wrote {len(prints['fingerprints'])} fingerprints to {FINGERPRINTS}")


if __name__ == "__main__":
    main()
