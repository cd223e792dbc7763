"""docs/diagnostics.md is what tools/make_diagnostics.py generates now.

The whole page is regenerated except the training table, the ``report
--train`` example and the dynamical-isometry table, of which a few rows are
recomputed (all of their
runs would dominate the suite's time).
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs/diagnostics.md"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_diagnostics", ROOT / "tools/make_diagnostics.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table_at(lines: list[str], header: str) -> tuple[int, int]:
    """The first and one-past-last line of the table whose header starts so."""
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    return start, lines.index("", start)


def test_diagnostics_page_is_not_stale() -> None:
    generator = _generator()
    actual = PAGE.read_text(encoding="utf-8")
    lines = actual.splitlines()
    first, last = _table_at(lines, "| φ | weights")
    isometry = "\n".join(lines[first:last])
    # The depth-2 and depth-8 rows: the others take most of the table's time.
    shallow = [run for run in generator.ISOMETRY_RUNS if run[3] <= 8]
    assert len(shallow) == 12
    for run in shallow:
        assert generator.isometry_row(*run) in lines[first:last]
    assert len(lines[first:last]) == 2 + len(generator.ISOMETRY_RUNS)
    start, end = _table_at(lines, "| initializer | activation")
    training = "\n".join(lines[start:end])
    # He with ReLU and with tanh: runs that converge smoothly, so NumPy 1.x and 2.x
    # agree to the digits shown (the N(0, 1) tanh runs are chaotic and do not).
    for run in (generator.TRAINING_RUNS[3], generator.TRAINING_RUNS[9]):
        assert generator.training_row(*run) in lines[start:end]
    # The report --train example: its zeros and He rows are recomputed (N(0, 1)'s exploding
    # runs can differ in their last digits between NumPy versions).
    begin = actual.index("$ weightinit report --init zeros,")
    train_view = actual[begin : actual.index("\n```", begin)]
    stable = [
        line
        for line in generator._train_view().splitlines()
        if line.startswith(("zeros ", "he_normal ", "$ weightinit", "Training:"))
    ]
    assert len(stable) == 8
    for line in stable:
        assert line in train_view.splitlines()
    expected = generator.render(
        generator._report(None), training=training, isometry=isometry, train_view=train_view
    )
    diff = "\n".join(difflib.unified_diff(lines, expected.splitlines(), lineterm=""))
    assert actual == expected, f"run python tools/make_diagnostics.py:\n{diff}"
    assert (ROOT / "docs/img/report.png").read_bytes()[:4] == b"\x89PNG"


def test_readme_excerpt_is_the_default_report_s() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "<!-- excerpt of docs/diagnostics.md's default report"
    begin = readme.index("```text\n", readme.index(marker)) + len("```text\n")
    excerpt = readme[begin : readme.index("```", begin)].splitlines()
    page = PAGE.read_text(encoding="utf-8").splitlines()
    shown = [line for line in excerpt if line != "..."]
    assert len(shown) >= 8
    for line in shown:
        assert line in page, line
