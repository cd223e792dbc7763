"""A NumPy GPT-2-style model, every parameter initialized by ``wi.recipes.gpt2`` in one call.

Run ``python examples/gpt.py``. It builds a 4-block GPT-2 (Hugging Face's
parameter names and shapes: ``transformer.h.0.attn.c_attn.weight`` ...),
initializes it with ``init_params(tree, wi.recipes.gpt2(n_layer))`` (weights
N(0, 0.02²), the residual projections N(0, (0.02/√(2·n_layer))²), biases 0,
LayerNorms 1/0), runs a causal forward pass on random tokens, and prints the
residual stream's scale after each block and the loss at initialization,
which for a well-initialized language model is close to ln(vocab): the model
starts out predicting no token over another. Nothing is downloaded.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import weightinit as wi
from weightinit.models import leaves

VOCAB, CONTEXT, WIDTH, HEADS, LAYERS = 512, 32, 64, 4, 4


def tree() -> dict[str, Any]:
    """GPT-2's parameter shapes under Hugging Face's names (Conv1D weights are (in, out))."""
    d = WIDTH
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
            "wte": {"weight": (VOCAB, d)},
            "wpe": {"weight": (CONTEXT, d)},
            "h": [block for _ in range(LAYERS)],
            "ln_f": {"weight": (d,), "bias": (d,)},
        }
    }


def layer_norm(x: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * p["weight"] + p["bias"]


def attention(x: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    n, t, d = x.shape
    qkv = x @ p["c_attn"]["weight"] + p["c_attn"]["bias"]
    q, k, v = (
        a.reshape(n, t, HEADS, d // HEADS).transpose(0, 2, 1, 3) for a in np.split(qkv, 3, -1)
    )
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d // HEADS)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out = (weights @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
    return np.asarray(out @ p["c_proj"]["weight"] + p["c_proj"]["bias"])


def mlp(x: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    h = x @ p["c_fc"]["weight"] + p["c_fc"]["bias"]
    h = 0.5 * h * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * h**3)))  # GELU
    return np.asarray(h @ p["c_proj"]["weight"] + p["c_proj"]["bias"])


def loss(params: dict[str, Any], tokens: np.ndarray) -> float:
    """The next-token cross-entropy of a causal forward pass (the LM head tied to wte)."""
    model = params["transformer"]
    x = model["wte"]["weight"][tokens] + model["wpe"]["weight"][: tokens.shape[1]]
    print(f"embeddings: residual stream std {x.std():.4f}")
    for index, block in enumerate(model["h"]):
        x = x + attention(layer_norm(x, block["ln_1"]), block["attn"])
        x = x + mlp(layer_norm(x, block["ln_2"]), block["mlp"])
        print(f"block {index}: residual stream std {x.std():.4f}")
    logits = layer_norm(x, model["ln_f"]) @ model["wte"]["weight"].T
    logits = logits[:, :-1] - logits[:, :-1].max(-1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    targets = tokens[:, 1:]
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    return float(-picked.mean())


def main() -> None:
    params = wi.init_params(tree(), wi.recipes.gpt2(n_layer=LAYERS), rng=0, dtype="float32")
    count = sum(leaf.size for _, leaf in leaves(params))
    print(f"{count:,} parameters")
    tokens = np.random.default_rng(1).integers(0, VOCAB, (8, CONTEXT))
    value = loss(params, tokens)
    print(f"loss at initialization {value:.4f}; ln(vocab) = {math.log(VOCAB):.4f}")


if __name__ == "__main__":
    main()
