"""Generated documentation pages are up to date.

Every ``tools/gen_*.py`` defines ``OUTPUT`` (the page) and ``render()`` (its text),
cheap enough to run here. Pages that take long to compute are written by
``tools/make_*.py`` and checked by their own tests.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
GENERATORS = sorted(TOOLS.glob("gen_*.py"))


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", GENERATORS, ids=[p.stem for p in GENERATORS])
def test_generated_page_is_current(path: Path) -> None:
    module = _load(path)
    output: Path = module.OUTPUT  # type: ignore[attr-defined]
    assert output.exists(), f"{output} is missing: run python tools/{path.name}"
    assert output.read_text(encoding="utf-8") == module.render(), (  # type: ignore[attr-defined]
        f"{output.name} is stale: run python tools/{path.name}"
    )


def test_formulas_page_lists_every_initializer() -> None:
    import weightinit as wi

    page = (TOOLS.parent / "docs" / "formulas.md").read_text(encoding="utf-8")
    for name in wi.available():
        assert f"| `{name}` |" in page


# --- Markdown tables ----------------------------------------------------------------------

PAGES = [*sorted((TOOLS.parent / "docs").glob("*.md")), TOOLS.parent / "README.md"]


def _cells(row: str) -> int:
    """Cells of a GitHub Markdown table row: split at every ``|`` not escaped as ``\\|``."""
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    pipes, escaped = 0, False
    for char in body:
        if char == "|" and not escaped:
            pipes += 1
        escaped = char == "\\" and not escaped
    return pipes + 1


def _tables(text: str) -> list[list[tuple[int, str]]]:
    tables: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.lstrip().startswith("|"):
            current.append((number, line))
            continue
        if current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_cell_counter() -> None:
    assert _cells("| a | b |") == 2
    assert _cells("| `x / (1 + \\|x\\|)` | b |") == 2
    assert _cells("| x / (1 + |x|) | b |") == 4
    assert _cells("|---|---|---|") == 3


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_table_row_has_the_header_s_cells(page: Path) -> None:
    tables = _tables(page.read_text(encoding="utf-8"))
    for table in tables:
        (_, header), *rows = table
        for number, row in rows:
            assert _cells(row) == _cells(header), (
                f"{page.name}:{number} has {_cells(row)} cells, its header {_cells(header)} "
                f"(escape a | inside a cell as \\|): {row}"
            )


# --- the package namespace ------------------------------------------------------------------


def test_namespace_has_only_the_public_api_and_modules() -> None:
    import types

    import weightinit as wi

    stray = [
        name
        for name in dir(wi)
        if name not in wi.__all__
        and not (name.startswith("__") and name.endswith("__"))
        and not isinstance(getattr(wi, name), types.ModuleType)
    ]
    assert stray == []
    assert all(hasattr(wi, name) for name in wi.__all__)


# --- install lines and examples that write files ----------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_install_from_an_index_has_its_checkout_form(page: Path) -> None:
    import re

    text = page.read_text(encoding="utf-8")
    for extra in re.findall(r"pip install [\"']?weightinit\[(\w+)\]", text):
        assert f"pip install -e '.[{extra}]'" in text, f"{page.name}: weightinit[{extra}]"


def test_the_testing_page_installs_pytest_for_its_example() -> None:
    text = (TOOLS.parent / "docs" / "testing.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "pip install" in line and "[testing]" in line]
    assert lines and all("pytest" in line.split("#")[0] for line in lines)
    assert "import pytest" in text


def test_memmap_examples_are_small_and_temporary() -> None:
    import math
    import re

    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for call in re.findall(r"np\.memmap\((.*)\)", text):
            shape = re.search(r"shape=\(([\d_, ]+)\)", call)
            assert shape is not None, call
            size = math.prod(
                int(n) for n in shape.group(1).replace("_", "").split(",") if n.strip()
            )
            assert size * 8 <= 100_000_000, f"{page.name}: {call}"
            assert "tempfile" in text, f"{page.name}: np.memmap outside a temporary directory"
