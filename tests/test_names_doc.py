"""docs/names.md is generated from the registry and must not be stale."""

from __future__ import annotations

from cases import load_tool

from weightinit import registry


def test_names_page_lists_every_declared_name_and_canonical_name() -> None:
    page = load_tool("gen_names_doc").render()
    for entry in registry.declarations():
        assert f"`{entry.name}`" in page
    for name in registry.available():
        assert f"| `{name}` |" in page
