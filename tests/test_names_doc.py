"""docs/names.md is generated from the registry and must not be stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from weightinit import registry

ROOT = Path(__file__).resolve().parent.parent


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_names_doc", ROOT / "tools" / "gen_names_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_names_page_lists_every_declared_name_and_canonical_name() -> None:
    page = load_generator().render()
    for entry in registry.declarations():
        assert f"`{entry.name}`" in page
    for name in registry.available():
        assert f"| `{name}` |" in page
