"""Fixup and DeepNorm recipes: each parameter's law against the paper's formula, draws bit for bit.

Sources: hongyi-zhang/Fixup cifar/models/fixup_resnet_cifar.py lines 66-72 and
imagenet/models/fixup_resnet_imagenet.py (FixupResNet.__init__); Wang et al.
(2022) DeepNet, Figure 2 and Table 1; PyTorch 2.13 torch/nn/init.py
(xavier_normal_: std = gain * sqrt(2 / (fan_in + fan_out)); kaiming_uniform_).
"""

from __future__ import annotations

import fnmatch
import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.models import leaves


def _fixup_tree(blocks: int, depth: int) -> dict[str, Any]:
    block = {f"conv{k}": {"weight": (8, 8, 3, 3)} for k in range(1, depth + 1)}
    block |= {"bias1a": (1,), "bias1b": (1,), "bias2a": (1,), "scale": (1,)}
    first = dict(block) | {"downsample": {"weight": (8, 4, 1, 1)}}
    return {
        "conv1": {"weight": (8, 3, 3, 3)},
        "bias1": (1,),
        "layer1": [first] + [dict(block) for _ in range(blocks - 1)],
        "bias2": (1,),
        "fc": {"weight": (10, 8), "bias": (10,)},
    }


def _law(rules: list[tuple[str, Any]], path: str, shape: tuple[int, ...]) -> Any:
    init = next(i for p, i in rules if fnmatch.fnmatchcase(path, p))
    return init.distribution(shape=shape)


def _check_bitwise(tree: dict[str, Any], rules: list[tuple[str, Any]], seed: int) -> dict[str, Any]:
    params = wi.init_params(tree, rules, rng=seed)
    drawn = dict(leaves(params))
    for path, shape in leaves(tree):
        init = next(i for p, i in rules if fnmatch.fnmatchcase(path, p))
        direct = init(shape, rng=wi.param_seed(seed, path))
        assert np.array_equal(drawn[path], direct), path
    return drawn


@pytest.mark.parametrize(("blocks", "depth"), [(3, 2), (4, 3)])
def test_fixup_laws_match_the_reference(blocks: int, depth: int) -> None:
    branches = 3 * blocks  # as if three stages of `blocks` blocks: num_layers = sum(layers)
    tree = _fixup_tree(blocks, depth)
    rules = wi.recipes.fixup(branches, depth)
    drawn = _check_bitwise(tree, rules, seed=11)
    for path, shape in leaves(tree):
        law = _law(rules, path, shape)
        name = path.rsplit(".", 2)[-2] if path.endswith(".weight") else path.rsplit(".", 1)[-1]
        if path.startswith("layer1.") and name in {f"conv{k}" for k in range(1, depth)}:
            # np.sqrt(2 / (w.shape[0] * np.prod(w.shape[2:]))) * num_layers ** (-1 / (2m - 2))
            std = math.sqrt(2 / (shape[0] * math.prod(shape[2:]))) * branches ** (
                -1 / (2 * depth - 2)
            )
            assert type(law).__name__ == "Normal" and law.mean == 0.0
            assert math.isclose(math.sqrt(law.variance), std, rel_tol=1e-14)
        elif name == "downsample":
            std = math.sqrt(2 / (shape[0] * math.prod(shape[2:])))
            assert math.isclose(math.sqrt(law.variance), std, rel_tol=1e-14)
        elif name == "scale":
            assert np.all(drawn[path] == 1.0)
        elif path == "conv1.weight":
            # nn.Conv2d default: kaiming_uniform_(a=sqrt(5)): bound = 1 / sqrt(fan_in)
            bound = 1 / math.sqrt(shape[1] * math.prod(shape[2:]))
            assert np.allclose(law.support, (-bound, bound), rtol=1e-14, atol=0)
        else:  # conv{m}, fc weight and bias, the scalar biases
            assert law.variance == 0.0 and np.all(drawn[path] == 0.0), path


def test_fixup_patterns_override_and_bad_arguments() -> None:
    rules = wi.recipes.fixup(4, patterns={"fc": "head.kernel"})
    assert ("head.kernel", wi.zeros) in [(p, i) for p, i in rules]
    with pytest.raises(ValueError, match="num_branches must be an int >= 1"):
        wi.recipes.fixup(0)
    with pytest.raises(ValueError, match="branch_depth must be an int >= 2"):
        wi.recipes.fixup(4, -1)
    with pytest.raises(TypeError, match="num_branches must be an int"):
        wi.recipes.fixup(4.0)
    with pytest.raises(ValueError, match=r"unknown role.*'head'"):
        wi.recipes.fixup(4, patterns={"head": "fc.weight"})
    with pytest.raises(TypeError, match=r"patterns\['fc'\] of fixup must be a glob"):
        wi.recipes.fixup(4, patterns={"fc": 3})


def _transformer(side: str, layers: int, d: int, cross: bool) -> dict[str, Any]:
    attn = {f"{p}_proj": {"weight": (d, d)} for p in "qkv"} | {"out_proj": {"weight": (d, d)}}
    layer: dict[str, Any] = {"self_attn": attn, "ffn": {"fc1": {"weight": (4 * d, d)}}}
    layer["ffn"]["fc2"] = {"weight": (d, 4 * d)}
    if cross:
        layer["encoder_attn"] = dict(attn)
    return {side: {"layers": [layer for _ in range(layers)]}}


@pytest.mark.parametrize(
    ("n", "m", "betas"),
    [
        (6, 0, {"encoder": (8 * 6) ** -0.25}),
        (0, 18, {"decoder": (8 * 18) ** -0.25}),
        (12, 3, {"encoder": 0.87 * (12**4 * 3) ** (-1 / 16), "decoder": (12 * 3) ** -0.25}),
    ],
)
def test_deepnorm_laws_match_the_paper(n: int, m: int, betas: dict[str, float]) -> None:
    tree: dict[str, Any] = {}
    if n:
        tree |= _transformer("encoder", n, 8, cross=False)
    if m:
        tree |= _transformer("decoder", m, 8, cross=True)
    rules = wi.recipes.deepnorm(n, m)
    _check_bitwise(tree, rules, seed=5)
    for path, shape in leaves(tree):
        law = _law(rules, path, shape)
        qk = path.endswith(("q_proj.weight", "k_proj.weight"))
        gain = 1.0 if qk else betas[path.split(".")[0]]
        std = gain * math.sqrt(2 / (shape[0] + shape[1]))
        assert type(law).__name__ == "Normal" and law.mean == 0.0
        assert math.isclose(math.sqrt(law.variance), std, rel_tol=1e-14), path


def test_deepnorm_one_side_matches_any_prefix() -> None:
    tree = _transformer("encoder", 3, 4, cross=False)["encoder"]  # torchscale's Encoder alone
    rules = wi.recipes.deepnorm(encoder_layers=3)
    law = _law(rules, "layers.2.ffn.fc1.weight", (16, 4))
    assert math.isclose(math.sqrt(law.variance), 24**-0.25 * math.sqrt(2 / 20), rel_tol=1e-14)
    _check_bitwise(tree, rules, seed=1)
    both = [p for p, _ in wi.recipes.deepnorm(2, 2)]
    assert all(p.startswith(("encoder.layers.", "decoder.layers.")) for p in both)


def test_deepnorm_bad_arguments() -> None:
    with pytest.raises(ValueError, match="encoder_layers > 0 or decoder_layers > 0"):
        wi.recipes.deepnorm()
    with pytest.raises(ValueError, match="encoder_layers must be an int >= 0"):
        wi.recipes.deepnorm(-2, 4)
    with pytest.raises(TypeError, match="decoder_layers must be an int"):
        wi.recipes.deepnorm(2, "4")
    with pytest.raises(ValueError, match=r"unknown role.*'decoder_ffn'"):
        wi.recipes.deepnorm(2, patterns={"decoder_ffn": "x"})


def _fairseq(side: str, layers: int, d: int) -> dict[str, Any]:
    attn: dict[str, Any] = {}
    for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
        attn[name] = {"weight": (d, d), "bias": (d,)}
    layer: dict[str, Any] = {"self_attn": attn}
    layer["fc1"] = {"weight": (2 * d, d), "bias": (2 * d,)}
    layer["fc2"] = {"weight": (d, 2 * d), "bias": (d,)}
    if side == "decoder":
        layer["encoder_attn"] = dict(attn)
    tree: dict[str, Any] = {"embed_tokens": {"weight": (50, d)}, "layers": [layer] * layers}
    if side == "decoder":
        tree["embed_out"] = (50, d)
    return {side: tree}


@pytest.mark.parametrize(("n", "m"), [(6, 6), (3, 0), (0, 12)])
def test_t_fixup_laws_match_the_reference(n: int, m: int) -> None:
    d = 16
    tree: dict[str, Any] = {}
    tree |= _fairseq("encoder", n, d) if n else {}
    tree |= _fairseq("decoder", m, d) if m else {}
    rules = wi.recipes.t_fixup(n, m, d)
    drawn = _check_bitwise(tree, rules, seed=3)
    # TransformerEncoderLayer.fixup_initialization: 0.67 * N ** (-1/4);
    # TransformerDecoderLayer.fixup_initialization: (9 * M) ** (-1/4).
    scale = {"encoder": 0.67 * n**-0.25 if n else 0, "decoder": (9 * m) ** -0.25 if m else 0}
    layers = {"encoder": n, "decoder": m}
    for path, shape in leaves(tree):
        law = _law(rules, path, shape)
        side, name = path.split(".")[0], path.split(".")[-2]
        xavier = math.sqrt(6 / (shape[0] + shape[-1]))  # xavier_uniform_ gain 1
        if path.endswith("embed_tokens.weight"):
            std = d**-0.5 * (9 * layers[side]) ** -0.25  # Embedding, times (9L)^(-1/4)
            assert type(law).__name__ == "Normal" and law.mean == 0.0
            assert math.isclose(math.sqrt(law.variance), std, rel_tol=1e-14)
        elif path.endswith("embed_out"):
            assert math.isclose(math.sqrt(law.variance), d**-0.5, rel_tol=1e-14)
        elif path.endswith("weight"):
            if name in {"q_proj", "k_proj"}:
                bound = 2**-0.5 * xavier
            elif name == "v_proj":
                bound = scale[side] * 2**0.5 * 2**-0.5 * xavier
            else:  # fc1, fc2, out_proj
                bound = scale[side] * xavier
            assert type(law).__name__ == "Uniform", path
            assert np.allclose(law.support, (-bound, bound), rtol=1e-14, atol=0), path
        elif name in {"q_proj", "k_proj", "v_proj"}:  # nn.Linear's bias: U(-1/sqrt(in), ...)
            assert np.allclose(law.support, (-(d**-0.5), d**-0.5), rtol=1e-14, atol=0), path
        else:
            assert np.all(drawn[path] == 0.0), path


def test_t_fixup_bad_arguments() -> None:
    with pytest.raises(ValueError, match="t_fixup needs encoder_layers > 0 or decoder_layers"):
        wi.recipes.t_fixup(0, 0, 16)
    with pytest.raises(ValueError, match="decoder_layers must be an int >= 0"):
        wi.recipes.t_fixup(2, -1, 16)
    with pytest.raises(ValueError, match="d_model must be an int >= 1"):
        wi.recipes.t_fixup(2, 2, 0)
    with pytest.raises(ValueError, match=r"unknown role.*'decoder_head'"):
        wi.recipes.t_fixup(2, 0, 8, patterns={"decoder_head": "x"})
