"""docs/reliability.md states what the suite shows: its tests exist, its figures are current."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")


def _promises() -> list[str]:
    """The rows of the promises table."""
    table = PAGE.split("## Promises", 1)[1].split("\n#", 1)[0]
    return [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_promise_names_tests_that_exist() -> None:
    rows = _promises()
    assert len(rows) >= 10
    for row in rows:
        cell = row.rstrip(" |").rsplit("|", 1)[1]
        files = re.findall(r"tests/(\w+\.py)", cell)
        assert files or ".ci/run" in cell, f"the promise names no test file: {row[:80]}"
        names = {n.rstrip("*") for n in re.findall(r"(?:::|`)(test_\w+\*?)", cell)}
        defined = set().union(*(_defined(ROOT / "tests" / name) for name in files))
        for name in names:
            assert any(d.startswith(name) for d in defined), f"{name} not in {files}"


def test_figures_are_those_of_the_suite_as_it_stands() -> None:
    found = re.search(r"with NumPy (\d+\.\d+)\.\S+ and Python", PAGE)
    assert found, "docs/reliability.md has no figures: run python tools/make_reliability.py"
    here = ".".join(np.__version__.split(".")[:2])
    if found.group(1) != here:
        pytest.skip(f"the figures were made with NumPy {found.group(1)}, this is {here}")
    stated = re.search(r"(\d+) tests collected", PAGE)
    assert stated is not None
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    collected = re.search(r"(\d+) tests? collected", done.stdout)
    assert collected is not None, done.stdout[-2000:] + done.stderr[-2000:]
    assert collected.group(1) == stated.group(1), (
        f"docs/reliability.md states {stated.group(1)} tests, the suite has "
        f"{collected.group(1)}: run python tools/make_reliability.py"
    )
