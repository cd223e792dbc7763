"""Golden digests: every initializer's output is bit-identical to the recorded one.

tests/golden/digests.json is written by tools/make_golden.py and records the
NumPy version and platform it was made on. The comparison runs where NumPy's
major.minor version, the machine, the operating system and the byte order
all match; elsewhere it is skipped with the reason (docs/reliability.md).
The orthogonal schemes' entries also need the same BLAS thread setting.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

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


def test_digests_match_the_recorded_ones() -> None:
    differences = mismatched_environment(RECORDED["environment"], golden.environment())
    if differences:
        pytest.skip("golden digests were made elsewhere: " + "; ".join(differences))
    actual = golden.compute()
    recorded = RECORDED["digests"]
    if RECORDED["environment"].get("blas_threads") != golden.blas_threads():
        # Their last bits depend on the BLAS thread count; compare the rest.
        def independent(keys: Any) -> set[str]:
            return {key for key in keys if key.split("/")[0] not in golden.BLAS_DEPENDENT}

        recorded = {key: recorded[key] for key in independent(recorded)}
        actual = {key: actual[key] for key in independent(actual)}
    changed = sorted(key for key in recorded.keys() & actual.keys() if recorded[key] != actual[key])
    missing, new = sorted(recorded.keys() - actual.keys()), sorted(actual.keys() - recorded.keys())
    assert not (changed or missing or new), (
        f"{len(changed)} digests differ, e.g. {changed[:5]}; missing: {missing[:5]}; "
        f"new: {new[:5]}. If the change is intended, run python tools/make_golden.py and "
        "announce it in CHANGELOG.md."
    )


def test_every_initializer_has_digests_in_every_dtype_and_layout() -> None:
    import weightinit as wi

    keys = RECORDED["digests"].keys()
    for name in wi.available():
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
