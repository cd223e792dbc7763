"""What registry-driven tests need to know to call a scheme.

A scheme with a parameter that has no default is listed here once; a new
initializer with a required parameter is added here, and every test that
walks ``weightinit.available()`` picks it up.
"""

from __future__ import annotations

from typing import Any

#: Values for the parameters that have no default (``fixed``'s value depends on
#: the shape, so tests that call it give it one of their own).
REQUIRED_PARAMS: dict[str, dict[str, Any]] = {
    "sparse": {"sparsity": 0.25},
    "torch_constant": {"val": 0.5},
}
