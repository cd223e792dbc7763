"""Golden samples: every initializer's output is the recorded one.

tests/golden/digests.json and fingerprints.json are written by
tools/make_golden.py and record the NumPy version and platform they were made
on. The comparison runs where NumPy's major.minor version, the machine, the
operating system and the byte order all match; elsewhere it is skipped with
the reason. There, every array is bit-identical to the recorded one, except
where its last bits depend on a factor that differs here (the BLAS kernel for
the orthogonal laws, NumPy's SIMD level for float16/float32 normals): those
must equal the recorded array to rounding (docs/reliability.md).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "make_golden.py"


def _load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("make_golden", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = _load_tool()
RECORDED = json.loads(golden.DIGESTS.read_text(encoding="utf-8"))
PRINTS = json.loads(golden.FINGERPRINTS.read_text(encoding="utf-8"))


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def mismatched_environment(recorded: dict[str, str], here: dict[str, str]) -> list[str]:
    """What differs between where the digests were made and here, among what they depend on."""
    differences = []
    if _minor(recorded["numpy"]) != _minor(here["numpy"]):
        differences.append(f"NumPy {recorded['numpy']} recorded, {here['numpy']} here")
    for key in ("machine", "system", "byteorder"):
        if recorded[key] != here[key]:
            differences.append(f"{key} {recorded[key]!r} recorded, {here[key]!r} here")
    return differences


def check_golden() -> dict[str, list[str]]:
    """Compare every case here with the recorded samples (skips where they were made elsewhere)."""
    differences = mismatched_environment(RECORDED["environment"], golden.environment())
    if differences:
        pytest.skip("golden digests were made elsewhere: " + "; ".join(differences))
    return golden.compare(RECORDED["digests"], PRINTS["fingerprints"], PRINTS["environment"])


def failure_message(outcome: dict[str, list[str]]) -> str:
    here, recorded = golden.rounding_environment(), PRINTS["environment"]
    moved = {k: (recorded[k], here[k]) for k in ("blas", "simd") if recorded[k] != here[k]}
    return (
        f"{len(outcome['differ'])} golden samples are not the recorded ones, e.g. "
        f"{outcome['differ'][:5]}. Recorded in {recorded}; here {here} "
        f"(differing rounding factors: {moved or 'none'}). This is a reproducibility "
        "failure: the same seed no longer gives the same array. Do not regenerate the "
        "golden files to make it pass; find what changed. Only a deliberate change of "
        "samples regenerates them (python tools/make_golden.py), announced under "
        "'Changed' in CHANGELOG.md."
    )


def test_golden_samples_match_the_recorded_ones() -> None:
    outcome = check_golden()
    assert not outcome["differ"], failure_message(outcome)


def test_fingerprints_were_made_with_the_digests() -> None:
    assert set(PRINTS["fingerprints"]) <= set(RECORDED["digests"])
    common = RECORDED["environment"].keys() - {"blas_threads", "python"}
    assert {k: PRINTS["environment"][k] for k in common} == {
        k: RECORDED["environment"][k] for k in common
    }
    # Exactly the cases whose last bits depend on a rounding factor are fingerprinted.
    expected = {
        key for key, name, kwargs in golden.cases() if golden.rounding(name, kwargs) is not None
    }
    assert set(PRINTS["fingerprints"]) == expected


def test_every_law_says_what_its_bits_depend_on() -> None:
    from weightinit import distributions

    kinds = {
        cls.kind
        for cls in vars(distributions).values()
        if isinstance(cls, type) and issubclass(cls, distributions.Distribution) and cls.kind
    }
    assert kinds <= golden.ROUNDING.keys(), kinds - golden.ROUNDING.keys()
    for kind, by_dtype in golden.ROUNDING.items():
        assert set(by_dtype) == set(golden.DTYPES), kind
        assert set(by_dtype.values()) <= {None, "blas", "simd"}, kind


def _sample(name: str, dtype: str, seed: int = 0) -> np.ndarray:
    import weightinit as wi

    return np.asarray(wi.get(name)((600, 500), rng=seed, dtype=dtype))


def _record(array: np.ndarray, factor: str) -> dict[str, Any]:
    return {"rounding": factor, **golden.fingerprint(array)}


def _wobbled(array: np.ndarray, work: type, ulps: int) -> np.ndarray:
    """``array`` with every element moved by up to ``ulps`` units of ``work``, then cast back."""
    signs = np.random.default_rng(1).integers(-ulps, ulps + 1, size=array.shape)
    exact = array.astype(work)
    return (exact + signs * np.spacing(exact)).astype(array.dtype)


#: (law, factor, working precision, one element's relative move that must be seen), per dtype.
TIGHTNESS = [
    ("orthogonal", "blas", np.float64, {"float64": 1e-9, "float32": 1e-4, "float16": 0.05}),
    ("kaiming_normal", "simd", np.float32, {"float32": 0.1, "float16": 0.5}),
]


@pytest.mark.parametrize(
    ("name", "factor", "work", "dtype", "move"),
    [(n, f, w, d, m) for n, f, w, moves in TIGHTNESS for d, m in moves.items()],
)
def test_rounding_agreement_is_tight(
    name: str, factor: str, work: type, dtype: str, move: float
) -> None:
    array = _sample(name, dtype)
    recorded = _record(array, factor)
    assert golden.agrees(recorded, array)
    # Two units of the working precision on every element, as another kernel gives.
    assert golden.agrees(recorded, _wobbled(array, work, 2))
    # One element moved, another seed's sample, another layout or dtype: different.
    moved = array.copy()
    moved[17, 3] = moved[17, 3] * (1 + move) + (move if moved[17, 3] == 0 else 0)
    assert not golden.agrees(recorded, moved)
    assert not golden.agrees(recorded, _sample(name, dtype, seed=1))
    assert not golden.agrees(recorded, array.T.copy())
    other = "float64" if dtype != "float64" else "float32"
    assert not golden.agrees(recorded, array.astype(other))


def test_failure_message_does_not_ask_to_regenerate() -> None:
    outcome = {"identical": [], "rounding": [], "differ": ["orthogonal/large/keras/float64/seed=0"]}
    message = failure_message(outcome)
    assert "orthogonal/large/keras/float64/seed=0" in message
    assert "Do not regenerate" in message


#: OpenBLAS kernels (OPENBLAS_CORETYPE) and the CPU flag each needs, oldest first.
KERNELS = (("Prescott", "sse3"), ("Nehalem", "sse4_2"), ("Sandybridge", "avx"), ("Haswell", "avx2"))


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return set()
    lines = [line for line in text.splitlines() if line.startswith("flags")]
    return set(lines[0].split(":", 1)[1].split()) if lines else set()


def _runnable_kernels() -> list[str]:
    flags = _cpu_flags()
    return [name for name, flag in KERNELS if flag in flags]


CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
import test_golden as t
outcome = t.golden.compare(t.RECORDED["digests"], t.PRINTS["fingerprints"], t.PRINTS["environment"])
env = t.golden.rounding_environment()
print(json.dumps({{"blas": env["blas"], "simd": env["simd"], **{{k: len(v) for k, v in outcome.items()}},
                  "differ_keys": outcome["differ"][:5]}}))
"""


def _run_child(env_changes: dict[str, str]) -> dict[str, Any]:
    env = {**os.environ, **env_changes}
    code = CHILD.format(tests=str(Path(__file__).resolve().parent))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_suite_passes_on_other_blas_kernels() -> None:
    """The comparison passes whichever OpenBLAS kernel runs (two kernels, in subprocesses)."""
    check_golden()  # skips where the samples were made elsewhere
    kernels = _runnable_kernels()
    if platform_machine() != "x86_64" or len(kernels) < 2:
        pytest.skip(f"needs an x86_64 CPU with two OpenBLAS kernels; have {kernels}")
    if golden.blas() == "unknown":
        pytest.skip("threadpoolctl is needed to tell which BLAS kernel runs")
    seen = set()
    for kernel in (kernels[0], kernels[-1]):
        result = _run_child({"OPENBLAS_CORETYPE": kernel})
        assert result["differ"] == 0, (kernel, result)
        assert kernel.lower() in result["blas"].lower(), (kernel, result["blas"])
        seen.add(result["blas"])
    assert len(seen) == 2, seen


def test_suite_passes_at_the_baseline_simd_level() -> None:
    """The comparison passes with NumPy's dispatched SIMD loops turned off (a CPU without them)."""
    check_golden()
    targets = golden.simd()
    if targets == "baseline":
        pytest.skip("NumPy dispatches no SIMD targets on this CPU")
    result = _run_child({"NPY_DISABLE_CPU_FEATURES": targets})
    assert result["simd"] == "baseline", result
    assert result["differ"] == 0, result


def platform_machine() -> str:
    import platform

    return platform.machine()


def test_every_initializer_has_digests_in_every_dtype_and_layout() -> None:
    from cases import COMPLEX_ONLY

    import weightinit as wi

    keys = RECORDED["digests"].keys()
    for name in sorted(set(wi.available()) - COMPLEX_ONLY):  # real dtypes; tests/test_complex.py
        for dtype in golden.DTYPES:
            for layout in ("keras", "torch"):
                assert any(k.startswith(f"{name}/") and f"/{layout}/{dtype}/" in k for k in keys), (
                    name,
                    layout,
                    dtype,
                )


def test_environment_rule() -> None:
    here = golden.environment()
    assert mismatched_environment(here, dict(here)) == []
    patch = {**here, "python": "0.0.0"}  # the Python version does not matter
    assert mismatched_environment(here, patch) == []
    other = {**here, "numpy": "1.24.4" if not here["numpy"].startswith("1.24") else "2.0.0"}
    assert "NumPy" in mismatched_environment(here, other)[0]
    assert mismatched_environment(here, {**here, "machine": "riscv"}) != []
