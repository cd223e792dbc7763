"""The published-model recipes: each parameter's law is the reference code's closed form.

GPT-2: transformers/models/gpt2/modeling_gpt2.py, ``GPT2PreTrainedModel._init_weights``
(``Conv1D``/``Linear``/``Embedding`` weights ``normal_(0, initializer_range)``, biases
``zero_()``, ``LayerNorm`` 1/0, then every ``c_proj.weight`` ``normal_(0, initializer_range /
sqrt(2 * n_layer))``); nanoGPT's model.py, ``GPT.__init__`` (``pn.endswith('c_proj.weight')``).
"""

from __future__ import annotations

import fnmatch
import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.models import leaves


def gpt2_tree(n_layer: int, d: int = 16, vocab: int = 50, ctx: int = 12) -> dict[str, Any]:
    """A GPT-2 with Hugging Face's names and shapes (Conv1D weights are (in, out))."""
    block = {
        "ln_1": {"weight": (d,), "bias": (d,)},
        "attn": {"c_attn": {"weight": (d, 3 * d), "bias": (3 * d,)},
                 "c_proj": {"weight": (d, d), "bias": (d,)}},
        "ln_2": {"weight": (d,), "bias": (d,)},
        "mlp": {"c_fc": {"weight": (d, 4 * d), "bias": (4 * d,)},
                "c_proj": {"weight": (4 * d, d), "bias": (d,)}},
    }  # fmt: skip
    return {
        "transformer": {
            "wte": {"weight": (vocab, d)},
            "wpe": {"weight": (ctx, d)},
            "h": [block for _ in range(n_layer)],
            "ln_f": {"weight": (d,), "bias": (d,)},
        },
        "lm_head": {"weight": (vocab, d)},
    }


def gpt2_law(path: str, n_layer: int, sigma: float) -> tuple[str, float]:
    """The reference's law of ``path``: ('normal', std) or ('constant', value)."""
    if path.endswith("c_proj.weight"):
        return "normal", sigma / math.sqrt(2 * n_layer)
    if path.endswith(".bias"):
        return "constant", 0.0
    if ".ln_" in path or path.startswith("ln_"):
        return "constant", 1.0
    return "normal", sigma


@pytest.mark.parametrize(("n_layer", "sigma"), [(2, 0.02), (12, 0.02), (3, 0.05)])
def test_gpt2_gives_every_parameter_the_reference_law(n_layer: int, sigma: float) -> None:
    tree = gpt2_tree(n_layer)
    rules = wi.recipes.gpt2(n_layer, initializer_range=sigma)
    params = wi.init_params(tree, rules, rng=3, dtype="float32")
    drawn = dict(leaves(params))
    for path, shape in leaves(tree):
        init = next(i for pattern, i in rules if fnmatch.fnmatchcase(path, pattern))
        law = init.distribution(shape=shape)
        kind, value = gpt2_law(path, n_layer, sigma)
        if kind == "normal":
            assert law.kind == "normal" and law.mean == 0.0, path
            assert math.isclose(math.sqrt(law.variance), value, rel_tol=1e-14), path
            assert law.support == (-math.inf, math.inf), path  # untruncated, as normal_
            expected = init(shape, rng=wi.param_seed(3, path), dtype="float32")
            np.testing.assert_array_equal(drawn[path], expected)
        else:
            np.testing.assert_array_equal(drawn[path], np.full(shape, value, np.float32))
        assert drawn[path].dtype == np.float32


def test_gpt2_matches_paths_with_and_without_the_transformer_prefix() -> None:
    bare = gpt2_tree(2)["transformer"]
    params = wi.init_params(bare, wi.recipes.gpt2(2), rng=0)
    assert params["h"][1]["mlp"]["c_proj"]["weight"].shape == (64, 16)
    np.testing.assert_array_equal(params["ln_f"]["weight"], np.ones(16))


def test_gpt2_residual_std_over_a_large_projection() -> None:
    # 0.02 / sqrt(24) for GPT-2 small; the sample's std within 6 standard errors of it.
    w = wi.init_params({"c_proj": {"weight": (768, 768)}}, wi.recipes.gpt2(12), rng=1)
    std = float(w["c_proj"]["weight"].std())
    target = 0.02 / math.sqrt(24)
    assert abs(std / target - 1.0) < 6 * math.sqrt(1 / (2 * 768 * 768))


def test_gpt2_patterns_override_one_role() -> None:
    rules = wi.recipes.gpt2(4, patterns={"residual": "*.out_proj.weight"})
    assert rules[0][0] == "*.out_proj.weight" and rules[1][0] == "*ln_*.weight"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_layer": 0}, ValueError, "n_layer must be an int >= 1; got n_layer=0"),
        ({"n_layer": 2.0}, TypeError, "n_layer must be an int"),
        ({"n_layer": 2, "initializer_range": 0.0}, ValueError, "initializer_range must be > 0"),
        ({"n_layer": 2, "patterns": {"mlp": "*"}}, ValueError, "patterns has no role 'mlp'"),
    ],
)
def test_gpt2_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        wi.recipes.gpt2(**kwargs)
