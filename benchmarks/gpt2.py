"""Time ``init_params`` on GPT-2 small's parameters against the same rules in a ``torch.nn.init`` loop.

The tree is GPT-2 small's (Hugging Face names and shapes: 148 tensors,
124,439,808 parameters); the rules are those of Hugging Face's
``GPT2PreTrainedModel._init_weights`` (transformers, models/gpt2/modeling_gpt2.py):
weights and embeddings N(0, 0.02), every ``c_proj.weight`` N(0, 0.02/√(2·12)),
biases 0, LayerNorm weights 1 and biases 0. Both sides allocate float32
storage and fill it: ``wi.init_params(..., dtype=np.float32)`` on one side,
``torch.empty`` then ``normal_`` / ``zeros_`` / ``ones_`` per tensor on the
other, with ``torch.set_num_threads`` equal to weightinit's workers. Run on
its own with ``python benchmarks/gpt2.py``; ``benchmarks/run.py`` writes it
into docs/performance.md.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import weightinit as wi

try:  # PyTorch is compared when present, never required.
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

LAYERS = 12
WIDTH = 768
STD = 0.02
#: GPT-2's residual projections: 0.02 / sqrt(2 * n_layer).
PROJ_STD = STD / math.sqrt(2 * LAYERS)
TARGET = 0.8


def tree() -> dict[str, Any]:
    """GPT-2 small's parameters, as Hugging Face's GPT2Model names and shapes them."""
    d = WIDTH
    block = {
        "ln_1": {"weight": (d,), "bias": (d,)},
        "attn": {
            "c_attn": {"weight": (d, 3 * d), "bias": (3 * d,)},
            "c_proj": {"weight": (d, d), "bias": (d,)},
        },
        "ln_2": {"weight": (d,), "bias": (d,)},
        "mlp": {
            "c_fc": {"weight": (d, 4 * d), "bias": (4 * d,)},
            "c_proj": {"weight": (4 * d, d), "bias": (d,)},
        },
    }
    return {
        "wte": {"weight": (50257, d)},
        "wpe": {"weight": (1024, d)},
        "h": [block for _ in range(LAYERS)],
        "ln_f": {"weight": (d,), "bias": (d,)},
    }


def rules() -> list[tuple[str, Any]]:
    """GPT2PreTrainedModel._init_weights as ordered rules (first match wins): ``wi.recipes.gpt2``."""
    recipe: list[tuple[str, Any]] = wi.recipes.gpt2(n_layer=LAYERS, initializer_range=STD)
    return recipe


def shapes() -> list[tuple[str, tuple[int, ...]]]:
    """(path, shape) of every tensor, in the tree's order, paths as init_params joins them."""
    found: list[tuple[str, tuple[int, ...]]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, tuple):
            found.append((path, node))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        else:
            for index, value in enumerate(node):
                walk(value, f"{path}.{index}")

    walk(tree(), "")
    return found


def ours() -> Any:
    return wi.init_params(tree(), rules(), rng=0, dtype=np.float32)


def theirs(named: list[tuple[str, tuple[int, ...]]]) -> dict[str, Any]:
    """The same rules, the way a PyTorch model applies them: allocate, then init in place."""
    init = torch.nn.init
    out = {}
    for path, shape in named:
        tensor = torch.empty(shape, dtype=torch.float32)
        if path.endswith("c_proj.weight"):
            init.normal_(tensor, mean=0.0, std=PROJ_STD)
        elif ".ln_" in f".{path}" and path.endswith(".weight"):
            init.ones_(tensor)
        elif path.endswith(".bias"):
            init.zeros_(tensor)
        else:
            init.normal_(tensor, mean=0.0, std=STD)
        out[path] = tensor
    return out


def _clock(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _paired(named: list[tuple[str, tuple[int, ...]]], rounds: int) -> tuple[float, float, float]:
    """Median seconds of each side and the median per-round ratio, alternating which runs first."""
    ours()
    theirs(named)
    mine, other, ratios = [], [], []
    for index in range(rounds):
        if index % 2:
            b = _clock(lambda: theirs(named))
            a = _clock(ours)
        else:
            a = _clock(ours)
            b = _clock(lambda: theirs(named))
        mine.append(a)
        other.append(b)
        ratios.append(a / b)
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def measure(rounds: int) -> dict[str, Any]:
    """The tree's size and, with PyTorch, one row per thread count: (threads, ours, theirs, ratio).

    The first row uses weightinit's workers (``wi.get_workers()``) and as many
    PyTorch threads, and is the one judged on the target; the second, one
    thread on each side, says what one core gives.
    """
    named = shapes()
    result: dict[str, Any] = {
        "tensors": len(named),
        "parameters": sum(math.prod(shape) for _, shape in named),
        "torch": None if torch is None else torch.__version__,
        "rounds": rounds,
        "rows": [],
    }
    if torch is None:
        return result
    previous = torch.get_num_threads()
    try:
        for threads in dict.fromkeys((wi.get_workers(), 1)):
            torch.set_num_threads(threads)
            with wi.set_workers(threads):
                result["rows"].append((threads, *_paired(named, rounds)))
    finally:
        torch.set_num_threads(previous)
    return result


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
