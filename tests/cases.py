"""What registry-driven tests need to call any registered scheme, read from the registry.

A scheme's definition gives a value to each parameter without default
(``SchemeInfo.example``); a shape it accepts is found by asking it. So a new
initializer is picked up by every test that walks ``weightinit.available()``
with nothing to add here.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import weightinit as wi
from weightinit import _names
from weightinit._initializer import REQUIRED

TOOLS = Path(__file__).resolve().parent.parent / "tools"

#: Shapes tried in turn for a scheme that cannot take them all: the first it
#: accepts is its shape (a rank-2 scheme gets the matrix, a kernel scheme the kernel).
CANDIDATE_SHAPES: tuple[tuple[int, ...], ...] = ((512, 512), (3, 3, 128, 256))


def builtins() -> list[str]:
    """The canonical names of the schemes the library defines, sorted."""
    return [name for name in wi.available() if _names.builtin(name)]


def required_params() -> dict[str, dict[str, Any]]:
    """Per scheme with a parameter without default, the values its definition gives them.

    ``fixed`` has none: its value depends on the shape, so tests that call it
    give it one of their own.
    """
    result = {}
    for name in builtins():
        init = wi.get(name)
        if any(p.default is REQUIRED for p in init.params) and init.info.example:
            result[name] = dict(init.info.example)
    return result


def accepts(name: str, shape: tuple[int, ...], params: dict[str, Any] | None = None) -> bool:
    """Whether the scheme takes this shape (in the Keras layout) with these parameters."""
    try:
        wi.get(name).distribution(shape=shape, **(params or {}))
    except ValueError:
        return False
    return True


def first_shape(
    name: str, candidates: Iterable[tuple[int, ...]] = CANDIDATE_SHAPES
) -> tuple[int, ...]:
    """The first of ``candidates`` the scheme accepts with its required parameters."""
    params = required_params().get(name, {})
    for shape in candidates:
        if accepts(name, shape, params):
            return shape
    raise AssertionError(f"{name} accepts none of the shapes {list(candidates)}")


#: Values for the parameters that have no default, from the definitions.
REQUIRED_PARAMS: dict[str, dict[str, Any]] = required_params()

#: Schemes of complex weights only (Trabelsi et al.'s ``complex_rayleigh``): the
#: registry-driven tests call them in complex128; the golden files and the testing
#: kit, which record and check real laws, leave them out. tests/test_complex.py
#: checks that this is every scheme whose law refuses real dtypes.
COMPLEX_ONLY = frozenset({"complex_rayleigh"})


def bound(name: str) -> wi.Initializer:
    """The scheme ``name`` with its required parameters bound (:data:`REQUIRED_PARAMS`)."""
    init = wi.get(name)
    assert isinstance(init, wi.Initializer)
    return init.partial(**REQUIRED_PARAMS.get(name, {}))


def _elementwise(name: str) -> bool:
    try:
        return bool(bound(name).distribution(shape=(4, 6)).elementwise)
    except (TypeError, ValueError):  # kernel-only (dirac, ...) or needing a value (fixed)
        return False


#: Every registered scheme whose elements are i.i.d., read from the law it declares.
ELEMENTWISE = [name for name in wi.available() if _elementwise(name)]


def call_options(name: str) -> dict[str, Any]:
    """The call options a registry-driven test gives ``name``: complex128 for a complex-only one."""
    return {"dtype": "complex128"} if name in COMPLEX_ONLY else {}


def load_tool(name: str) -> ModuleType:
    """The module ``tools/<name>.py`` (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
