"""The published recipes: on trees with each reference's parameter names, every law is the source's.

Each law is written here as its source's closed form (file and line in each
recipe's docstring): GPT-2 and BERT from transformers 5.25.0
(``models/gpt2/modeling_gpt2.py`` 432-449, ``modeling_utils.py`` 2322-2352,
``models/bert/modeling_bert.py`` 550-554), Google's BERT ``modeling.py``
375-377, torchtitan ``models/llama3/model/model.py`` (commit 238fa99) 224-227,
345-348, 385-388, 478-494, T5 ``models/t5/modeling_t5.py`` 567-620, timm
1.0.29.dev0 ``models/vision_transformer.py`` 920-938 and 1305-1375,
torchvision 0.29.1 ``models/resnet.py`` 206-223 with torch 2.14.1
``nn/modules/linear.py`` 117-128.
"""

from __future__ import annotations

import fnmatch
import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.models import ZeroRow

SEED = 20240611

#: A parameter's expected initialization: the scheme to call directly, its arguments, and its law.
Expected = tuple[str, dict[str, Any], tuple[Any, ...]]


def normal(std: float) -> Expected:
    return "torch_normal", {"mean": 0.0, "std": std}, ("normal", 0.0, std)


def torch_trunc(std: float, a: float = -2.0, b: float = 2.0) -> Expected:
    return "trunc_normal", {"std": std, "a": a, "b": b}, ("truncated_normal", 0.0, std, a, b)


def const(value: float) -> Expected:
    return "constant", {"value": value}, ("constant", value)


def uniform(bound: float) -> Expected:
    return "torch_uniform", {"a": -bound, "b": bound}, ("uniform", -bound, bound)


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """PyTorch's ``_calculate_fan_in_and_fan_out``: (in * receptive, out * receptive)."""
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def first_rule(rules: list[tuple[str, Any]], path: str) -> Any:
    return next(init for pattern, init in rules if fnmatch.fnmatchcase(path, pattern))


def law_of(init: Any, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """The declared law of a rule's initializer, as a tuple like the expected ones."""
    if isinstance(init, wi.Packed):  # each part's law: all parts have the same here
        parts = {part.distribution for part in init.parts(shape)}
        assert len(parts) == 1
        (law,) = parts
    else:
        law = (init.init if isinstance(init, ZeroRow) else init).distribution(shape=shape)
    if law.kind == "normal":
        return ("normal", law.loc, law.scale)
    if law.kind == "truncated_normal":
        return ("truncated_normal", law.loc, law.scale, law.low, law.high)
    if law.kind == "uniform":
        return ("uniform", law.low, law.high)
    assert law.kind == "constant"
    return ("constant", float(law.value))


def check_recipe(
    tree: dict[str, tuple[int, ...]],
    rules: list[tuple[str, Any]],
    expected: Any,
    padding: dict[str, int] | None = None,
) -> None:
    """Every parameter: its law the closed form, its values the scheme's called directly (padding rows 0)."""
    padding = padding or {}
    params = wi.init_params(tree, rules, rng=SEED)
    for path, shape in tree.items():
        scheme, kwargs, law = expected(path, shape)
        got = law_of(first_rule(rules, path), shape)
        assert got[0] == law[0], path
        assert all(
            math.isclose(g, e, rel_tol=1e-12) for g, e in zip(got[1:], law[1:], strict=True)
        ), (
            path,
            got,
            law,
        )
        rule = first_rule(rules, path)
        if isinstance(rule, wi.Packed):  # its parts: tests/test_packed.py; here, the whole call
            direct = rule(shape, rng=wi.param_seed(SEED, path))
        else:
            direct = wi.get(scheme)(shape, **kwargs, rng=wi.param_seed(SEED, path))
        if path in padding:
            direct[padding[path]] = 0
            assert (params[path][padding[path]] == 0).all(), path
        assert np.array_equal(params[path], direct), path
        if law[0] == "constant":
            assert (params[path] == law[1]).all(), path


# --- GPT-2 -------------------------------------------------------------------------------


def gpt2_tree(prefix: str, n_layer: int = 2, d: int = 8) -> dict[str, tuple[int, ...]]:
    tree = {f"{prefix}wte.weight": (11, d), f"{prefix}wpe.weight": (5, d)}
    for i in range(n_layer):
        h = f"{prefix}h.{i}."
        tree |= {
            f"{h}ln_1.weight": (d,), f"{h}ln_1.bias": (d,),
            f"{h}attn.c_attn.weight": (d, 3 * d), f"{h}attn.c_attn.bias": (3 * d,),
            f"{h}attn.c_proj.weight": (d, d), f"{h}attn.c_proj.bias": (d,),
            f"{h}ln_2.weight": (d,), f"{h}ln_2.bias": (d,),
            f"{h}mlp.c_fc.weight": (d, 4 * d), f"{h}mlp.c_fc.bias": (4 * d,),
            f"{h}mlp.c_proj.weight": (4 * d, d), f"{h}mlp.c_proj.bias": (d,),
        }  # fmt: skip
    return tree | {
        f"{prefix}ln_f.weight": (d,),
        f"{prefix}ln_f.bias": (d,),
        "lm_head.weight": (11, d),
    }


def gpt2_expected(sigma: float, n_layer: int) -> Any:
    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        if path.endswith("c_proj.weight"):
            return normal(sigma / math.sqrt(2 * n_layer))
        if path.endswith(".bias"):
            return const(0.0)
        if ".ln_" in path or path.startswith("ln_"):
            return const(1.0)
        return normal(sigma)

    return expected


@pytest.mark.parametrize("prefix", ["transformer.", ""])
def test_gpt2_with_and_without_the_transformer_prefix(prefix: str) -> None:
    check_recipe(gpt2_tree(prefix), wi.recipes.gpt2(2), gpt2_expected(0.02, 2))


def test_gpt2_initializer_range_and_depth() -> None:
    check_recipe(gpt2_tree("", n_layer=3), wi.recipes.gpt2(3, 0.05), gpt2_expected(0.05, 3))


# --- BERT --------------------------------------------------------------------------------


def bert_tree(d: int = 8) -> dict[str, tuple[int, ...]]:
    e = "bert.embeddings."
    tree = {
        f"{e}word_embeddings.weight": (13, d), f"{e}position_embeddings.weight": (6, d),
        f"{e}token_type_embeddings.weight": (2, d), f"{e}LayerNorm.weight": (d,), f"{e}LayerNorm.bias": (d,),
    }  # fmt: skip
    for i in range(2):
        b = f"bert.encoder.layer.{i}."
        for name, shape in [
            ("attention.self.query", (d, d)), ("attention.self.key", (d, d)),
            ("attention.self.value", (d, d)), ("attention.output.dense", (d, d)),
            ("intermediate.dense", (4 * d, d)), ("output.dense", (d, 4 * d)),
        ]:  # fmt: skip
            tree |= {f"{b}{name}.weight": shape, f"{b}{name}.bias": (shape[0],)}
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            tree |= {f"{b}{norm}.weight": (d,), f"{b}{norm}.bias": (d,)}
    return tree | {
        "bert.pooler.dense.weight": (d, d), "bert.pooler.dense.bias": (d,),
        "cls.predictions.transform.dense.weight": (d, d), "cls.predictions.transform.dense.bias": (d,),
        "cls.predictions.transform.LayerNorm.weight": (d,), "cls.predictions.transform.LayerNorm.bias": (d,),
        "cls.predictions.bias": (13,), "cls.predictions.decoder.weight": (13, d),
        "cls.seq_relationship.weight": (2, d), "cls.seq_relationship.bias": (2,),
    }  # fmt: skip


def bert_expected(law: Any) -> Any:
    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        if path.endswith(".bias"):
            return const(0.0)
        if path.endswith("LayerNorm.weight"):
            return const(1.0)
        return law

    return expected


WORDS = "bert.embeddings.word_embeddings.weight"


def test_bert_hugging_face_zeroes_the_padding_row() -> None:
    check_recipe(bert_tree(), wi.recipes.bert(), bert_expected(normal(0.02)), {WORDS: 0})


def test_bert_another_pad_token_id() -> None:
    rules = wi.recipes.bert(0.03, pad_token_id=3)
    check_recipe(bert_tree(), rules, bert_expected(normal(0.03)), {WORDS: 3})


def test_bert_google_truncates_at_two_stddev_uncorrected() -> None:
    # tf.truncated_normal_initializer(stddev=0.02): N(0, 0.02²) cut to ±2·0.02, no padding row.
    law = ("truncated_normal", {"stddev": 0.02}, ("truncated_normal", 0.0, 0.02, -0.04, 0.04))
    check_recipe(bert_tree(), wi.recipes.bert(truncated=True), bert_expected(law))


# --- LLaMA (torchtitan) ------------------------------------------------------------------


def llama_tree(n_layer: int = 3, d: int = 16) -> dict[str, tuple[int, ...]]:
    tree = {"tok_embeddings.weight": (32, d)}
    for i in range(n_layer):
        l = f"layers.{i}."  # noqa: E741
        tree |= {
            f"{l}attention.wq.weight": (d, d), f"{l}attention.wk.weight": (d // 2, d),
            f"{l}attention.wv.weight": (d // 2, d), f"{l}attention.wo.weight": (d, d),
            f"{l}feed_forward.w1.weight": (40, d), f"{l}feed_forward.w2.weight": (d, 40),
            f"{l}feed_forward.w3.weight": (40, d),
            f"{l}attention_norm.weight": (d,), f"{l}ffn_norm.weight": (d,),
        }  # fmt: skip
    return tree | {"norm.weight": (d,), "output.weight": (32, d)}


def llama_expected(n_layer: int, d: int, depth_init: bool) -> Any:
    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        if any(path.endswith(f"{n}.weight") for n in ("wo", "w2", "w3")):
            layer = int(path.split(".")[1])
            return torch_trunc(0.02 / math.sqrt(2 * (layer + 1) if depth_init else 2 * n_layer))
        if any(path.endswith(f"{n}.weight") for n in ("wq", "wk", "wv", "w1")):
            return torch_trunc(0.02)
        if path == "tok_embeddings.weight":
            return normal(1.0)
        if path == "output.weight":
            return torch_trunc(d**-0.5, -3 * d**-0.5, 3 * d**-0.5)
        return const(1.0)

    return expected


@pytest.mark.parametrize("depth_init", [True, False])
def test_llama_per_layer_std(depth_init: bool) -> None:
    rules = wi.recipes.llama(3, 16, depth_init=depth_init)
    check_recipe(llama_tree(3, 16), rules, llama_expected(3, 16, depth_init))


def test_llama_twelve_layers_match_their_own_index() -> None:
    # layers.1 must not take layers.10's or layers.11's rule, nor the reverse.
    check_recipe(llama_tree(12, 16), wi.recipes.llama(12, 16), llama_expected(12, 16, True))


# --- T5 ----------------------------------------------------------------------------------


def t5_tree(
    d_model: int = 8, d_kv: int = 2, heads: int = 3, d_ff: int = 20
) -> dict[str, tuple[int, ...]]:
    inner = heads * d_kv
    attn = {
        "q": (inner, d_model),
        "k": (inner, d_model),
        "v": (inner, d_model),
        "o": (d_model, inner),
    }
    tree = {"shared.weight": (17, d_model), "encoder.embed_tokens.weight": (17, d_model)}
    for part, attention, ff_layer in (
        ("encoder", ["SelfAttention"], 1),
        ("decoder", ["SelfAttention", "EncDecAttention"], 2),
    ):
        for i in range(2):
            block = f"{part}.block.{i}.layer."
            for j, name in enumerate(attention):
                tree |= {f"{block}{j}.{name}.{p}.weight": s for p, s in attn.items()}
                tree[f"{block}{j}.layer_norm.weight"] = (d_model,)
            if i == 0:
                tree[f"{block}0.SelfAttention.relative_attention_bias.weight"] = (32, heads)
            ff = f"{block}{ff_layer}.DenseReluDense."
            tree |= {f"{ff}wi_0.weight": (d_ff, d_model), f"{ff}wi_1.weight": (d_ff, d_model)}
            tree |= {
                f"{ff}wo.weight": (d_model, d_ff),
                f"{block}{ff_layer}.layer_norm.weight": (d_model,),
            }
        tree[f"{part}.final_layer_norm.weight"] = (d_model,)
    return tree | {"lm_head.weight": (17, d_model)}


def t5_expected(d_model: int, d_kv: int, heads: int, d_ff: int, f: float) -> Any:
    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        name = path.split(".")[-2]
        stds = {
            "shared": f, "embed_tokens": f, "lm_head": f, "q": f * (d_model * d_kv) ** -0.5,
            "k": f * d_model**-0.5, "v": f * d_model**-0.5, "o": f * (heads * d_kv) ** -0.5,
            "relative_attention_bias": f * d_model**-0.5, "wi_0": f * d_model**-0.5,
            "wi_1": f * d_model**-0.5, "wi": f * d_model**-0.5, "wo": f * d_ff**-0.5,
        }  # fmt: skip
        return const(f) if name.endswith("layer_norm") else normal(stds[name])

    return expected


@pytest.mark.parametrize("factor", [1.0, 0.5])
def test_t5_mesh_tensorflow_laws(factor: float) -> None:
    rules = wi.recipes.t5(8, 2, 3, 20, factor)
    check_recipe(t5_tree(), rules, t5_expected(8, 2, 3, 20, factor))


def test_t5_ungated_wi() -> None:
    tree = {"encoder.block.0.layer.1.DenseReluDense.wi.weight": (20, 8)}
    check_recipe(tree, wi.recipes.t5(8, 2, 3, 20), t5_expected(8, 2, 3, 20, 1.0))


# --- ViT (timm) --------------------------------------------------------------------------


def vit_tree(d: int = 12, patch: int = 4, chans: int = 3) -> dict[str, tuple[int, ...]]:
    tree = {
        "cls_token": (1, 1, d), "pos_embed": (1, 5, d),
        "patch_embed.proj.weight": (d, chans, patch, patch), "patch_embed.proj.bias": (d,),
    }  # fmt: skip
    for i in range(2):
        b = f"blocks.{i}."
        tree |= {
            f"{b}norm1.weight": (d,), f"{b}norm1.bias": (d,),
            f"{b}attn.qkv.weight": (3 * d, d), f"{b}attn.qkv.bias": (3 * d,),
            f"{b}attn.proj.weight": (d, d), f"{b}attn.proj.bias": (d,),
            f"{b}norm2.weight": (d,), f"{b}norm2.bias": (d,),
            f"{b}mlp.fc1.weight": (4 * d, d), f"{b}mlp.fc1.bias": (4 * d,),
            f"{b}mlp.fc2.weight": (d, 4 * d), f"{b}mlp.fc2.bias": (d,),
        }  # fmt: skip
    return tree | {"norm.weight": (d,), "norm.bias": (d,), "head.weight": (7, d), "head.bias": (7,)}


def xavier(shape: tuple[int, ...], fan_in: int, fan_out: int) -> Expected:
    bound = math.sqrt(6 / (fan_in + fan_out))
    return "xavier_uniform", {"fan_in": fan_in, "fan_out": fan_out}, ("uniform", -bound, bound)


def vit_expected(mode: str, patch_fan_in: int, head_bias: float = 0.0) -> Any:
    def torch_default(path: str, shape: tuple[int, ...]) -> Expected:
        if path.endswith("bias"):
            return uniform(1 / math.sqrt(patch_fan_in))
        bound = 1 / math.sqrt(fans(shape)[0])  # kaiming_uniform_(a=√5): gain √(1/3) · √(3/fan_in)
        return "kaiming_uniform", {"a": math.sqrt(5)}, ("uniform", -bound, bound)

    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        if path == "pos_embed":
            return torch_trunc(0.02)
        if path == "cls_token":
            return normal(1e-6)
        if "norm" in path:
            return const(1.0 if path.endswith("weight") else 0.0)
        if mode.startswith("jax"):
            return vit_jax(path, shape, head_bias)
        if path.startswith("patch_embed"):
            return torch_default(path, shape)
        if path.endswith("bias"):
            return const(0.0)
        if mode == "":
            return torch_trunc(0.02)
        fan_in, fan_out = fans(shape)
        return xavier(shape, fan_in, fan_out // 3 if "qkv" in path else fan_out)

    return expected


def vit_jax(path: str, shape: tuple[int, ...], head_bias: float) -> Expected:
    if path.startswith("head"):
        return const(0.0) if path.endswith("weight") else const(head_bias)
    if path.startswith("patch_embed"):
        if path.endswith("bias"):
            return const(0.0)
        scale = math.sqrt(1 / fans(shape)[0]) / 0.87962566103423978  # timm's trunc_normal_tf_(±2)
        law = ("truncated_normal", 0.0, scale, -2 * scale, 2 * scale)
        return "lecun_normal", {"layout": "torch"}, law
    if path.endswith("bias"):
        return normal(1e-6) if "mlp" in path else const(0.0)
    fan_in, fan_out = fans(shape)
    return xavier(shape, fan_in, fan_out)


@pytest.mark.parametrize("mode", ["", "jax", "moco"])
def test_vit_modes(mode: str) -> None:
    rules = wi.recipes.vit(mode, patch_size=4)
    check_recipe(vit_tree(), rules, vit_expected(mode, 3 * 4 * 4))


def test_vit_jax_nlhb_head_bias() -> None:
    rules = wi.recipes.vit("jax_nlhb", patch_size=4, num_classes=7)
    check_recipe(vit_tree(), rules, vit_expected("jax_nlhb", 48, -math.log(7)))


def test_vit_moco_qkv_is_each_projections_xavier_bound() -> None:
    # timm: val = sqrt(6 / (shape[0] // 3 + shape[1])), uniform_(-val, val)
    init = dict(wi.recipes.vit("moco"))["*attn.qkv.weight"]
    assert isinstance(init, wi.Packed)  # each of q, k, v its own (32, 32) tensor
    val = math.sqrt(6.0 / float(96 // 3 + 32))
    for part in init.parts((96, 32)):
        law = part.distribution
        assert (law.kind, law.low, law.high) == ("uniform", -val, val)


def test_vit_rectangular_patches_and_channels() -> None:
    bias = dict(wi.recipes.vit(in_chans=1, patch_size=(2, 5)))["*patch_embed.proj.bias"]
    assert bias.distribution(shape=(12,)).high == 1 / math.sqrt(10)


# --- ResNet (torchvision) ----------------------------------------------------------------


def resnet_tree(block: str) -> dict[str, tuple[int, ...]]:
    tree = {"conv1.weight": (4, 3, 7, 7), "bn1.weight": (4,), "bn1.bias": (4,)}
    convs = 2 if block == "basic" else 3
    width = 512 if block == "basic" else 2048
    for stage, blocks in ((1, 2), (2, 2)):
        for i in range(blocks):
            b = f"layer{stage}.{i}."
            for c in range(1, convs + 1):
                tree |= {
                    f"{b}conv{c}.weight": (4, 4, 3, 3),
                    f"{b}bn{c}.weight": (4,),
                    f"{b}bn{c}.bias": (4,),
                }
            if i == 0 and stage > 1:
                tree |= {f"{b}downsample.0.weight": (4, 4, 1, 1), f"{b}downsample.1.weight": (4,)}
                tree[f"{b}downsample.1.bias"] = (4,)
    return tree | {"fc.weight": (10, width), "fc.bias": (10,)}


def resnet_expected(block: str, zero: bool) -> Any:
    last = "bn2" if block == "basic" else "bn3"

    def expected(path: str, shape: tuple[int, ...]) -> Expected:
        if path == "fc.weight":
            bound = 1 / math.sqrt(shape[1])
            return "kaiming_uniform", {"a": math.sqrt(5)}, ("uniform", -bound, bound)
        if path == "fc.bias":
            return uniform(1 / math.sqrt(512 if block == "basic" else 2048))
        if len(shape) == 4:
            std = math.sqrt(2) / math.sqrt(fans(shape)[1])  # kaiming_normal_(fan_out, relu)
            args = {"mode": "fan_out", "nonlinearity": "relu"}
            return "kaiming_normal", args, ("normal", 0.0, std)
        if path.endswith("bias"):
            return const(0.0)
        return const(0.0 if zero and path.startswith("layer") and f".{last}." in path else 1.0)

    return expected


@pytest.mark.parametrize("block", ["basic", "bottleneck"])
@pytest.mark.parametrize("zero", [False, True])
def test_resnet(block: str, zero: bool) -> None:
    rules = wi.recipes.resnet(block, zero_init_residual=zero)
    check_recipe(resnet_tree(block), rules, resnet_expected(block, zero))


# --- patterns, and bad input -------------------------------------------------------------


def test_patterns_replace_a_role_and_none_drops_it() -> None:
    rules = wi.recipes.gpt2(2, patterns={"residual": ("*.out.weight",), "lm_head": None})
    patterns = [p for p, _ in rules]
    assert patterns[0] == "*.out.weight" and "*c_proj.weight" not in patterns
    assert "*lm_head.weight" not in patterns
    tree = {"h.0.out.weight": (4, 4)}
    assert first_rule(rules, "h.0.out.weight").distribution(shape=(4, 4)).scale == 0.02 / 2
    wi.init_params(tree, rules, rng=0)


def test_a_per_layer_role_needs_its_layer_placeholder() -> None:
    rules = wi.recipes.llama(2, 8, patterns={"out_proj": "blk.{layer}.o"})
    assert [p for p, _ in rules][:2] == ["blk.0.o", "blk.1.o"]
    with pytest.raises(ValueError, match=r"patterns\['out_proj'\] of llama .* '\{layer\}'"):
        wi.recipes.llama(2, 8, patterns={"out_proj": "*.wo.weight"})


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: wi.recipes.gpt2(0), ValueError, r"n_layer must be an int >= 1"),
        (lambda: wi.recipes.gpt2(2.0), TypeError, r"n_layer must be an int"),
        (lambda: wi.recipes.gpt2(2, -0.1), ValueError, r"initializer_range must be > 0"),
        (
            lambda: wi.recipes.gpt2(2, patterns={"nope": "x"}),
            ValueError,
            r"unknown role.*'nope'.*residual",
        ),
        (
            lambda: wi.recipes.gpt2(2, patterns=["x"]),
            TypeError,
            r"patterns of gpt2 must be a mapping",
        ),
        (
            lambda: wi.recipes.gpt2(2, patterns={"bias": 3}),
            TypeError,
            r"patterns\['bias'\] of gpt2",
        ),
        (lambda: wi.recipes.bert(truncated=1), TypeError, r"truncated must be True or False"),
        (lambda: wi.recipes.bert(pad_token_id="0"), TypeError, r"pad_token_id must be an int"),
        (lambda: wi.recipes.llama(2, 0), ValueError, r"dim must be an int >= 1"),
        (
            lambda: wi.recipes.llama(2, 8, depth_init=None),
            TypeError,
            r"depth_init must be True or False",
        ),
        (lambda: wi.recipes.t5(8, 2, 3, 20, factor=0), ValueError, r"factor must be > 0"),
        (lambda: wi.recipes.vit("tf"), ValueError, r"mode must be one of"),
        (
            lambda: wi.recipes.vit("jax_nlhb"),
            ValueError,
            r"num_classes must be given with mode='jax_nlhb'",
        ),
        (lambda: wi.recipes.vit("jax", num_classes=5), ValueError, r"num_classes must be given"),
        (lambda: wi.recipes.vit(patch_size=0), ValueError, r"patch_size must be an int >= 1"),
        (
            lambda: wi.recipes.resnet("wide"),
            ValueError,
            r"block must be one of 'basic', 'bottleneck'",
        ),
        (
            lambda: wi.recipes.resnet("basic", zero_init_residual=0),
            TypeError,
            r"zero_init_residual must be True or False",
        ),
    ],
)
def test_bad_input_names_the_parameter(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_zero_row_refuses_a_padding_index_outside_the_rows() -> None:
    init = ZeroRow(wi.torch_normal, 5)
    with pytest.raises(ValueError, match=r"padding_idx must be within the embedding's 5 rows"):
        init((5, 2), rng=0)
    assert (ZeroRow(wi.torch_normal, -1)((5, 2), rng=0)[4] == 0).all()


def test_zero_row_keeps_the_dtype_init_params_asks_for() -> None:
    params = wi.init_params(
        {"word_embeddings.weight": (6, 4)}, wi.recipes.bert(), rng=3, dtype="float32"
    )
    values = params["word_embeddings.weight"]
    direct = wi.torch_normal(
        (6, 4), std=0.02, dtype="float32", rng=wi.param_seed(3, "word_embeddings.weight")
    )
    direct[0] = 0
    assert values.dtype == np.float32 and np.array_equal(values, direct)


def test_moco_qkv_refuses_a_weight_it_cannot_split_in_three_before_drawing() -> None:
    with pytest.raises(ValueError, match=r"the parameter 'blocks.0.attn.qkv.weight': parts=3"):
        wi.init_params({"blocks": [{"attn": {"qkv": {"weight": (10, 4)}}}]}, wi.recipes.vit("moco"))
