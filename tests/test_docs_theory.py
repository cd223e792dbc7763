"""docs/theory.md is what tools/make_theory.py generates now (the plot is only checked to exist)."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs/theory.md"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_theory", ROOT / "tools/make_theory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_theory_page_is_not_stale() -> None:
    actual = PAGE.read_text(encoding="utf-8")
    expected = _generator().render()
    diff = "\n".join(difflib.unified_diff(actual.splitlines(), expected.splitlines(), lineterm=""))
    assert actual == expected, f"run python tools/make_theory.py:\n{diff}"
    assert (ROOT / "docs/img/phase_tanh.png").read_bytes()[:4] == b"\x89PNG"
