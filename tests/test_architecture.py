"""The layout docs/architecture.md describes: one job per file, imports one way, budgets kept."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "weightinit"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: The budgets a reader can hold.
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60  # code lines after the docstring
MAX_INITIALIZER_LINES = 200  # the Initializer class, docstrings left out


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules ``name`` imports anywhere (typing-only imports left out)."""
    tree = ast.parse(path.read_text())
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


def _lazy_names(path: Path) -> set[str]:
    """Modules the package's ``__getattr__`` loads on first use (downward by construction)."""
    match = re.search(r"_LAZY = (\{[^}]*\})", path.read_text())
    return set() if match is None else set(ast.literal_eval(match.group(1)).values())


def test_imports_point_one_way() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    # A package imports its own submodules to re-export them; that is not an import
    # that reaches back up, so it is left out of the cycle search.
    for name, imported in graph.items():
        graph[name] = {
            module for module in imported if not (module.startswith(name + ".") and name != "")
        }
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for module in sorted(graph[name]):
            visit(module)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_import_weightinit_loads_no_diagnostics_report_cli_ml_dtypes_or_dask() -> None:
    import subprocess
    import sys

    code = (
        "import sys, weightinit; "
        "print(sorted(m for m in sys.modules if m.startswith(('weightinit.diagnostics', "
        "'weightinit.report', 'weightinit.cli', 'weightinit.models', 'weightinit.layers', "
        "'weightinit.recipes', 'weightinit.unit_variance', 'weightinit.training', "
        "'weightinit._stacks', 'matplotlib', 'argparse', 'hypothesis', 'ml_dtypes', "
        "'weightinit.dask', 'dask', 'distributed', 'zarr'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
    assert _lazy_names(PACKAGE / "__init__.py") <= {
        "diagnostics",
        "report",
        "models",
        "layers",
        "recipes",
        "unit_variance",
    }


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_file_says_its_one_job_in_its_first_line(name: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text()), clean=False)
    assert doc, f"{name} has no module docstring"
    first = doc.strip().splitlines()[0]
    assert first.endswith((".", ":")), f"{name}: the first line is not a sentence: {first!r}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_files_and_functions_keep_their_budgets(name: str) -> None:
    path = MODULES[name]
    text = path.read_text()
    assert len(text.splitlines()) <= MAX_FILE_LINES, f"{name} is over {MAX_FILE_LINES} lines"
    long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if ast.get_docstring(node) is not None:
                body = body[1:]
            if body:
                lines = (node.end_lineno or node.lineno) - body[0].lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{node.name} ({lines} lines)")
    assert not long, f"{name}: functions over {MAX_FUNCTION_LINES} code lines: {long}"


def _code_lines(node: ast.AST, lines: list[str]) -> int:
    """Lines of ``node`` that are not docstrings or blank."""
    docs: set[int] = set()
    for child in ast.walk(node):
        defines = isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        if defines and ast.get_docstring(child) is not None:  # type: ignore[arg-type]
            first = child.body[0]  # type: ignore[attr-defined]
            docs.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    span = range(node.lineno, (getattr(node, "end_lineno", None) or node.lineno) + 1)  # type: ignore[attr-defined]
    return sum(1 for line in span if line not in docs and lines[line - 1].strip())


def test_the_initializer_class_stays_small() -> None:
    path = PACKAGE / "_initializer.py"
    text = path.read_text()
    (node,) = [n for n in ast.parse(text).body if getattr(n, "name", "") == "Initializer"]
    assert _code_lines(node, text.splitlines()) <= MAX_INITIALIZER_LINES


def test_the_architecture_page_names_every_file() -> None:
    page = ARCHITECTURE.read_text()
    missing = [
        str(path.relative_to(PACKAGE.parent))
        for path in MODULES.values()
        if str(path.relative_to(PACKAGE.parent)) not in page
    ]
    assert not missing, f"docs/architecture.md does not name: {missing}"
    named = set(re.findall(r"`(weightinit/[\w/]+\.py)`", page))
    stale = sorted(name for name in named if not (PACKAGE.parent / name).exists())
    assert not stale, f"docs/architecture.md names files that do not exist: {stale}"
