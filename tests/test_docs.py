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
