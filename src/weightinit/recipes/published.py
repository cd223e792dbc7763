"""Published models' initializations (GPT-2, BERT, LLaMA, T5, ViT, ResNet) as rule lists for ``init_params``.

Each recipe returns ``[(pattern, initializer), ...]``: one rule per role of
the model's parameters, in an order where the first matching rule is the
right one, with the reference codebase's parameter names as default glob
patterns. ``patterns={role: glob or globs or None}`` replaces a role's
patterns (``None`` drops the role's rule); a role of a per-layer law takes
patterns with ``{layer}``, filled with each layer index. Every law is the
library's scheme with the reference's meaning bound by ``partial``.
"""

from __future__ import annotations

import math
from typing import Any

from .._validation import check_int, check_option, check_real
from ..initializers import (
    constant,
    kaiming_normal,
    kaiming_uniform,
    lecun_normal,
    ones,
    trunc_normal,
    truncated_normal,
    xavier_uniform,
    zeros,
)
from ..models import ZeroRow
from ..packed import packed
from ._roles import Role, flag, normal, rules, torch_bias

__all__ = ["bert", "gpt2", "llama", "resnet", "t5", "vit"]


def gpt2(
    n_layer: int, initializer_range: float = 0.02, *, patterns: Any = None
) -> list[tuple[str, Any]]:
    r"""GPT-2's initialization (Hugging Face ``GPT2PreTrainedModel``, nanoGPT).

    With :math:`\sigma` = ``initializer_range`` and :math:`L` = ``n_layer``:

    ========== =========================================== ==============================================
    role       default patterns                            law
    ========== =========================================== ==============================================
    residual   ``*c_proj.weight``                          :math:`\mathcal N(0, (\sigma/\sqrt{2L})^2)`
    linear     ``*c_attn.weight``, ``*c_fc.weight``,       :math:`\mathcal N(0, \sigma^2)`
               ``*q_attn.weight``
    embedding  ``*wte.weight``, ``*wpe.weight``            :math:`\mathcal N(0, \sigma^2)`
    lm_head    ``*lm_head.weight`` (tied to wte)           :math:`\mathcal N(0, \sigma^2)`
    norm       ``*ln_*.weight``                            1
    bias       ``*.bias``                                  0 (Conv1D/Linear and LayerNorm biases)
    ========== =========================================== ==============================================

    The leading ``*`` matches with or without a prefix (``transformer.``).

    Parameters
    ----------
    n_layer : int
        The number of blocks :math:`L` (two residual projections each).
    initializer_range : float, optional
        :math:`\sigma` (``GPT2Config.initializer_range``, 0.02).
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults; ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer)

    Notes
    -----
    transformers 5.25.0, ``src/transformers/models/gpt2/modeling_gpt2.py``
    lines 432-449 (``Conv1D`` weights ``normal_(0, initializer_range)``,
    biases ``zeros_``; ``c_proj.weight`` of ``GPT2Attention``/``GPT2MLP``
    ``normal_(0, initializer_range / sqrt(2 * n_layer))``), after
    ``PreTrainedModel._init_weights`` (``modeling_utils.py`` lines
    2322-2352: Linear and Embedding ``normal_(0, std)``, LayerNorm 1 and 0).
    nanoGPT ``model.py`` (commit 3adf61e) lines 141-168 is the same law.

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.gpt2(12)
    >>> rules[0][0], round(rules[0][1].distribution(shape=(768, 768)).scale, 6)
    ('*c_proj.weight', 0.004082)
    """
    layers = check_int("n_layer", n_layer, minimum=1)
    sigma = check_real("initializer_range", initializer_range, positive=True)
    roles: list[Role] = [
        ("residual", ("*c_proj.weight",), normal(sigma / math.sqrt(2 * layers))),
        ("linear", ("*c_attn.weight", "*c_fc.weight", "*q_attn.weight"), normal(sigma)),
        ("embedding", ("*wte.weight", "*wpe.weight"), normal(sigma)),
        ("lm_head", ("*lm_head.weight",), normal(sigma)),
        ("norm", ("*ln_*.weight",), ones),
        ("bias", ("*.bias",), zeros),
    ]
    return rules("gpt2", roles, patterns, {})


def bert(
    initializer_range: float = 0.02,
    truncated: bool = False,
    *,
    pad_token_id: int | None = None,
    patterns: Any = None,
) -> list[tuple[str, Any]]:
    r"""BERT's initialization: Hugging Face's (normal) or Google's original (truncated normal).

    With :math:`\sigma` = ``initializer_range``, :math:`D` the law
    :math:`\mathcal N(0, \sigma^2)` (PyTorch's ``normal_``), or with
    ``truncated`` TensorFlow's ``truncated_normal_initializer(stddev=σ)``:
    :math:`\mathcal N(0, \sigma^2)` truncated to :math:`[-2\sigma, 2\sigma]`
    (``σ`` the pre-truncation std, not corrected: ``wi.truncated_normal``):

    ============== ============================================================= ==========================
    role           default patterns                                              law
    ============== ============================================================= ==========================
    word_embedding ``*word_embeddings.weight``                                   :math:`D`, the padding row 0
    embedding      ``*position_embeddings.weight``, ``*token_type_embeddings.weight`` :math:`D`
    linear         ``*.query.weight``, ``*.key.weight``, ``*.value.weight``,      :math:`D`
                   ``*.dense.weight``, ``*.decoder.weight``,
                   ``*seq_relationship.weight``, ``*classifier.weight``,
                   ``*qa_outputs.weight``
    norm           ``*LayerNorm.weight``                                         1
    bias           ``*.bias``                                                    0 (also ``cls.predictions.bias``)
    ============== ============================================================= ==========================

    Parameters
    ----------
    initializer_range : float, optional
        :math:`\sigma` (``BertConfig.initializer_range``, 0.02).
    truncated : bool, optional
        Google's TensorFlow BERT instead of Hugging Face's PyTorch one.
    pad_token_id : int or None, optional
        The word embedding's row set to 0 (``nn.Embedding(padding_idx=...)``,
        through :class:`ZeroRow`). By default the reference's: 0
        (``BertConfig.pad_token_id``) for Hugging Face's, none for Google's
        (which has no padding row); an int given zeroes that row in both.
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults; ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer or ZeroRow)

    Notes
    -----
    Hugging Face: transformers 5.25.0 ``modeling_utils.py`` lines 2322-2352
    (Linear ``normal_(0, initializer_range)``, bias ``zeros_``; Embedding
    ``normal_`` then ``zeros_(weight[padding_idx])``; LayerNorm 1 and 0),
    ``models/bert/modeling_bert.py`` lines 550-554 (the LM head's bias 0)
    and line 59 (``padding_idx=config.pad_token_id``). Google:
    google-research/bert ``modeling.py`` (commit eedf571) lines 375-377
    (``create_initializer``: ``tf.truncated_normal_initializer(stddev=
    initializer_range)``), used for the embeddings (lines 412, 479, 495) and
    every dense kernel; dense biases ``zeros``, ``layer_norm`` (lines
    362-366) gamma 1, beta 0; ``run_pretraining.py`` lines 259-262
    (``output_bias`` zeros).

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.bert()
    >>> rules[0][0], rules[0][1].index
    ('*word_embeddings.weight', 0)
    """
    sigma = check_real("initializer_range", initializer_range, positive=True)
    tf = flag("truncated", truncated)
    pad = None if pad_token_id is None else check_int("pad_token_id", pad_token_id)
    pad = 0 if pad is None and not tf else pad
    law = truncated_normal.partial(mean=0.0, stddev=sigma) if tf else normal(sigma)
    linear = ("*.query.weight", "*.key.weight", "*.value.weight", "*.dense.weight")
    heads = ("*.decoder.weight", "*seq_relationship.weight", "*classifier.weight")
    roles: list[Role] = [
        ("word_embedding", ("*word_embeddings.weight",), law if pad is None else ZeroRow(law, pad)),
        ("embedding", ("*position_embeddings.weight", "*token_type_embeddings.weight"), law),
        ("linear", (*linear, *heads, "*qa_outputs.weight"), law),
        ("norm", ("*LayerNorm.weight",), ones),
        ("bias", ("*.bias",), zeros),
    ]
    return rules("bert", roles, patterns, {})


def llama(
    n_layer: int,
    dim: int,
    init_std: float = 0.02,
    depth_init: bool = True,
    *,
    patterns: Any = None,
) -> list[tuple[str, Any]]:
    r"""LLaMA's initialization as torchtitan's ``Transformer.init_weights``.

    With :math:`s` = ``init_std`` and, for layer :math:`\ell` of :math:`L`,
    :math:`s_\ell = s/\sqrt{2(\ell+1)}` (``depth_init``) or
    :math:`s/\sqrt{2L}`; :math:`T(\mu, \sigma, a, b)` PyTorch's
    ``trunc_normal_`` (absolute bounds; its defaults :math:`a=-2, b=2`):

    ============ ================================================== ==============================================
    role         default patterns                                   law
    ============ ================================================== ==============================================
    out_proj     ``*layers.{layer}.attention.wo.weight``,           :math:`T(0, s_\ell, -2, 2)`, per layer
                 ``*layers.{layer}.feed_forward.w2.weight``,
                 ``*layers.{layer}.feed_forward.w3.weight``
    in_proj      ``*attention.wq.weight``, ``*attention.wk.weight``, :math:`T(0, s, -2, 2)`
                 ``*attention.wv.weight``, ``*feed_forward.w1.weight``
    embedding    ``*tok_embeddings.weight``                         :math:`\mathcal N(0, 1)`
    norm         ``*norm.weight``                                   1 (RMSNorm)
    output       ``*output.weight``                                 :math:`T(0, d^{-1/2}, -3d^{-1/2}, 3d^{-1/2})`
    ============ ================================================== ==============================================

    ``{layer}`` is filled with each index :math:`0..L-1` (with
    ``depth_init=False``, every layer's law is the same and one rule with
    ``*`` for ``{layer}`` is made).

    Parameters
    ----------
    n_layer : int
        :math:`L`, the number of blocks (``n_layers``).
    dim : int
        :math:`d`, the model width: the output head's std is :math:`d^{-1/2}`.
    init_std : float, optional
        :math:`s`, 0.02 in torchtitan (a literal there): the std of wq, wk,
        wv, w1 and the base of :math:`s_\ell`.
    depth_init : bool, optional
        torchtitan's ``depth_init`` (default True).
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults (``out_proj``'s with
        ``{layer}``); ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer)

    Notes
    -----
    pytorch/torchtitan ``torchtitan/models/llama3/model/model.py`` at commit
    238fa99 (the last before the model file moved): ``Attention.init_weights``
    lines 224-227, ``FeedForward.init_weights`` lines 345-348,
    ``TransformerBlock`` lines 385-388 (``weight_init_std``) and 416-420
    (norms' ``reset_parameters``), ``Transformer.init_weights`` lines 478-494
    (``normal_(tok_embeddings.weight)``; ``output`` ``trunc_normal_`` with
    ``std = dim ** -0.5``, ``a, b = ∓3 std``); ``trunc_normal_`` is
    ``torch.nn.init.trunc_normal_`` in float32 (``torchtitan/models/utils.py``
    lines 501-531); ``depth_init = True`` in ``args.py`` line 43.

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.llama(2, 64)
    >>> [pattern for pattern, _ in rules][:3]
    ['*layers.0.attention.wo.weight', '*layers.0.feed_forward.w2.weight', '*layers.0.feed_forward.w3.weight']
    """
    layers = check_int("n_layer", n_layer, minimum=1)
    width = check_int("dim", dim, minimum=1)
    s = check_real("init_std", init_std, positive=True)
    depth = flag("depth_init", depth_init)
    if depth:
        per_layer = [
            (str(i), trunc_normal.partial(std=s / math.sqrt(2 * (i + 1)))) for i in range(layers)
        ]
    else:
        per_layer = [("*", trunc_normal.partial(std=s / math.sqrt(2 * layers)))]
    head = width**-0.5
    out_proj = tuple(
        f"*layers.{{layer}}.{name}.weight"
        for name in ("attention.wo", "feed_forward.w2", "feed_forward.w3")
    )
    in_proj = ("*attention.wq.weight", "*attention.wk.weight", "*attention.wv.weight")
    roles: list[Role] = [
        ("out_proj", out_proj, None),
        ("in_proj", (*in_proj, "*feed_forward.w1.weight"), trunc_normal.partial(std=s)),
        ("embedding", ("*tok_embeddings.weight",), normal(1.0)),
        ("norm", ("*norm.weight",), ones),
        ("output", ("*output.weight",), trunc_normal.partial(std=head, a=-3 * head, b=3 * head)),
    ]
    return rules("llama", roles, patterns, {"out_proj": per_layer})


def t5(
    d_model: int, d_kv: int, n_heads: int, d_ff: int, factor: float = 1.0, *, patterns: Any = None
) -> list[tuple[str, Any]]:
    r"""T5's initialization (Mesh TensorFlow's, as Hugging Face's ``T5PreTrainedModel``).

    With :math:`f` = ``factor``, every law :math:`\mathcal N(0, \sigma^2)`
    (PyTorch's ``normal_``) but the norms':

    ======================= ============================================================ ====================================
    role                    default patterns                                             :math:`\sigma`
    ======================= ============================================================ ====================================
    embedding               ``shared.weight``, ``*embed_tokens.weight``                  :math:`f`
    lm_head                 ``lm_head.weight`` (when not tied)                           :math:`f`
    q                       ``*.q.weight``                                               :math:`f (d_{model} d_{kv})^{-1/2}`
    kv                      ``*.k.weight``, ``*.v.weight``                               :math:`f d_{model}^{-1/2}`
    o                       ``*.o.weight``                                               :math:`f (n_{heads} d_{kv})^{-1/2}`
    relative_attention_bias ``*relative_attention_bias.weight``                          :math:`f d_{model}^{-1/2}`
    ff_in                   ``*DenseReluDense.wi.weight``, ``*DenseReluDense.wi_0.weight``, :math:`f d_{model}^{-1/2}`
                            ``*DenseReluDense.wi_1.weight``
    ff_out                  ``*DenseReluDense.wo.weight``                                :math:`f d_{ff}^{-1/2}`
    norm                    ``*layer_norm.weight`` (and ``final_layer_norm``)            the constant :math:`f`
    ======================= ============================================================ ====================================

    T5's Linear layers have no biases.

    Parameters
    ----------
    d_model, d_kv, n_heads, d_ff : int
        ``T5Config``'s widths: model, key/value per head, heads, feed-forward.
    factor : float, optional
        :math:`f`, ``T5Config.initializer_factor`` (1.0).
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults; ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer)

    Notes
    -----
    transformers 5.25.0, ``src/transformers/models/t5/modeling_t5.py`` lines
    567-620 (``T5LayerNorm`` line 572; ``shared`` and untied ``lm_head``
    lines 577-579; ``T5DenseActDense`` lines 594-600; ``T5DenseGatedActDense``
    lines 601-610; ``T5Attention`` lines 611-620).

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = dict(wi.recipes.t5(d_model=512, d_kv=64, n_heads=8, d_ff=2048))
    >>> rules["*.q.weight"].distribution(shape=(512, 512)).scale == (512 * 64) ** -0.5
    True
    """
    model = check_int("d_model", d_model, minimum=1)
    kv = check_int("d_kv", d_kv, minimum=1)
    heads = check_int("n_heads", n_heads, minimum=1)
    ff = check_int("d_ff", d_ff, minimum=1)
    f = check_real("factor", factor, positive=True)
    dense = "*DenseReluDense"
    roles: list[Role] = [
        ("embedding", ("shared.weight", "*embed_tokens.weight"), normal(f * 1.0)),
        ("lm_head", ("lm_head.weight",), normal(f * 1.0)),
        ("q", ("*.q.weight",), normal(f * (model * kv) ** -0.5)),
        ("kv", ("*.k.weight", "*.v.weight"), normal(f * model**-0.5)),
        ("o", ("*.o.weight",), normal(f * (heads * kv) ** -0.5)),
        ("relative_attention_bias", ("*relative_attention_bias.weight",), normal(f * model**-0.5)),
        (
            "ff_in",
            (f"{dense}.wi.weight", f"{dense}.wi_0.weight", f"{dense}.wi_1.weight"),
            normal(f * model**-0.5),
        ),
        ("ff_out", (f"{dense}.wo.weight",), normal(f * ff**-0.5)),
        ("norm", ("*layer_norm.weight",), constant.partial(value=f * 1.0)),
    ]
    return rules("t5", roles, patterns, {})


#: timm's VisionTransformer init modes.
_VIT_MODES = ("", "jax", "jax_nlhb", "moco")


def _vit_laws(mode: str, patch_fan_in: int, head_bias: float) -> dict[str, Any]:
    """Each ViT role's initializer under one of timm's modes."""
    if mode.startswith("jax"):
        return {
            "qkv": xavier_uniform,
            "linear": xavier_uniform,
            "head": zeros,
            "head_bias": constant.partial(value=head_bias),
            "mlp_bias": normal(1e-6),
            "patch_weight": lecun_normal.partial(layout="torch"),
            "patch_bias": zeros,
        }
    torch_conv = {
        "patch_weight": kaiming_uniform.partial(a=math.sqrt(5)),
        "patch_bias": torch_bias(patch_fan_in),
    }
    if mode == "moco":
        return {
            "qkv": packed(xavier_uniform, 3, axis=0),
            "linear": xavier_uniform,
            "head": xavier_uniform,
            "head_bias": zeros,
            "mlp_bias": zeros,
            **torch_conv,
        }
    law = trunc_normal.partial(std=0.02)
    return {
        "qkv": law,
        "linear": law,
        "head": law,
        "head_bias": zeros,
        "mlp_bias": zeros,
        **torch_conv,
    }


def _patch_fan_in(in_chans: Any, patch_size: Any) -> int:
    """The patch embedding Conv2d's fan_in: ``in_chans * patch_h * patch_w``."""
    chans = check_int("in_chans", in_chans, minimum=1)
    if isinstance(patch_size, tuple) and len(patch_size) == 2:
        height = check_int("patch_size[0]", patch_size[0], minimum=1)
        width = check_int("patch_size[1]", patch_size[1], minimum=1)
    else:
        height = width = check_int("patch_size", patch_size, minimum=1)
    return chans * height * width


def vit(
    mode: str = "",
    *,
    in_chans: int = 3,
    patch_size: int | tuple[int, int] = 16,
    num_classes: int | None = None,
    patterns: Any = None,
) -> list[tuple[str, Any]]:
    r"""The Vision Transformer's initialization as timm's ``VisionTransformer.init_weights(mode)``.

    :math:`T_{.02}` is PyTorch's ``trunc_normal_(std=.02)`` (absolute bounds
    :math:`\pm 2`); ``torch default`` is ``nn.Conv2d``'s ``reset_parameters``
    (``kaiming_uniform_(a=√5)``, bias :math:`U(\pm 1/\sqrt{c p_h p_w})`);
    LeCun normal is timm's ``lecun_normal_`` (``trunc_normal_tf_``: a
    normal truncated at :math:`\pm 2\sigma`, :math:`\sigma = 1/(0.8796
    \sqrt{\text{fan\_in}})`, = ``wi.lecun_normal`` in PyTorch's layout):

    ============ ================================================== ============= ========================== ======================
    role         default patterns                                   ``''``        ``'jax'``/``'jax_nlhb'``     ``'moco'``
    ============ ================================================== ============= ========================== ======================
    pos_embed    ``*pos_embed``                                     :math:`T_{.02}` :math:`T_{.02}`           :math:`T_{.02}`
    cls_token    ``*cls_token``, ``*reg_token``                     N(0, 1e-6²)   N(0, 1e-6²)                N(0, 1e-6²)
    patch_weight ``*patch_embed.proj.weight``                       torch default LeCun normal               torch default
    patch_bias   ``*patch_embed.proj.bias``                         torch default 0                          torch default
    qkv          ``*attn.qkv.weight``                               :math:`T_{.02}` Xavier uniform           Xavier uniform, fan_out = out/3
    linear       ``*attn.proj.weight``, ``*mlp.fc1.weight``,        :math:`T_{.02}` Xavier uniform           Xavier uniform
                 ``*mlp.fc2.weight``
    head         ``head.weight``                                    :math:`T_{.02}` 0                        Xavier uniform
    head_bias    ``head.bias``                                      0             0 / :math:`-\log(\text{classes})` 0
    mlp_bias     ``*mlp.fc1.bias``, ``*mlp.fc2.bias``               0             N(0, 1e-6²)                0
    bias         ``*attn.qkv.bias``, ``*attn.proj.bias``            0             0                          0
    norm         ``*norm*.weight``                                  1             1                          1
    norm_bias    ``*norm*.bias``                                    0             0                          0
    ============ ================================================== ============= ========================== ======================

    Parameters
    ----------
    mode : {'', 'jax', 'jax_nlhb', 'moco'}, optional
        timm's ``weight_init`` ('' is timm's own).
    in_chans, patch_size : int, optional
        The patch embedding's input channels and patch size (an int or
        ``(h, w)``; timm's defaults 3 and 16): its bias' fan_in in modes
        '' and 'moco'.
    num_classes : int, optional
        For ``'jax_nlhb'`` only (required there): the head's bias is
        :math:`-\log(\text{num\_classes})`.
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults; ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer or Packed)

    Notes
    -----
    huggingface/pytorch-image-models (timm 1.0.29.dev0, commit aa4b585)
    ``timm/models/vision_transformer.py``: ``init_weights`` lines 920-938,
    ``init_weights_vit_timm`` lines 1305-1320, ``init_weights_vit_jax`` lines
    1323-1352, ``init_weights_vit_moco`` lines 1355-1375 (``val =
    sqrt(6 / (shape[0] // 3 + shape[1]))``); other modules (Conv2d in modes
    '' and 'moco', LayerNorm) keep their ``reset_parameters``;
    ``timm/layers/weight_init.py`` lines 81-136 (``trunc_normal_tf_``,
    ``variance_scaling_``, ``lecun_normal_``). LayerScale (``init_values``)
    and ``fix_init`` are not covered.

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = dict(wi.recipes.vit("moco"))
    >>> [part.distribution.support for part in rules["*attn.qkv.weight"].parts((192, 64))][0]
    (-0.21650635094610965, 0.21650635094610965)
    """
    mode = check_option("mode", mode, _VIT_MODES)
    fan_in = _patch_fan_in(in_chans, patch_size)
    if (mode == "jax_nlhb") != (num_classes is not None):
        raise ValueError(
            "num_classes must be given with mode='jax_nlhb' (the head's bias is "
            f"-log(num_classes)) and only then; got mode={mode!r}, num_classes={num_classes!r}."
        )
    head_bias = 0.0
    if num_classes is not None:
        head_bias = -math.log(check_int("num_classes", num_classes, minimum=1))
    laws = _vit_laws(mode, fan_in, head_bias)
    roles: list[Role] = [
        ("pos_embed", ("*pos_embed",), trunc_normal.partial(std=0.02)),
        ("cls_token", ("*cls_token", "*reg_token"), normal(1e-6)),
        ("patch_weight", ("*patch_embed.proj.weight",), laws["patch_weight"]),
        ("patch_bias", ("*patch_embed.proj.bias",), laws["patch_bias"]),
        ("qkv", ("*attn.qkv.weight",), laws["qkv"]),
        ("linear", ("*attn.proj.weight", "*mlp.fc1.weight", "*mlp.fc2.weight"), laws["linear"]),
        ("head", ("head.weight",), laws["head"]),
        ("head_bias", ("head.bias",), laws["head_bias"]),
        ("mlp_bias", ("*mlp.fc1.bias", "*mlp.fc2.bias"), laws["mlp_bias"]),
        ("bias", ("*attn.qkv.bias", "*attn.proj.bias"), zeros),
        ("norm", ("*norm*.weight",), ones),
        ("norm_bias", ("*norm*.bias",), zeros),
    ]
    return rules("vit", roles, patterns, {})


#: torchvision's residual blocks: the expansion (fc's fan_in is 512 of it) and the last BN.
_RESNET_BLOCKS = {"basic": (1, "bn2"), "bottleneck": (4, "bn3")}


def resnet(
    block: str, zero_init_residual: bool = False, *, patterns: Any = None
) -> list[tuple[str, Any]]:
    r"""ResNet's initialization as torchvision's ``ResNet.__init__``.

    ============== ===================================================== =====================================================
    role           default patterns                                      law
    ============== ===================================================== =====================================================
    residual_bn    ``*layer*.*.bn2.weight`` (basic) / ``bn3`` (bottleneck) 0, with ``zero_init_residual`` (else no rule)
    conv           ``*conv*.weight``, ``*downsample.0.weight``           ``kaiming_normal_(mode='fan_out', nonlinearity='relu')``
    norm           ``*bn*.weight``, ``*downsample.1.weight``             1
    norm_bias      ``*bn*.bias``, ``*downsample.1.bias``                 0
    fc             ``fc.weight``                                         ``nn.Linear``'s: ``kaiming_uniform_(a=√5)``
    fc_bias        ``fc.bias``                                           ``nn.Linear``'s: :math:`U(\pm 1/\sqrt{512 e})`
    ============== ===================================================== =====================================================

    with :math:`e` the block's expansion (1 for ``BasicBlock``, 4 for
    ``Bottleneck``): the fc's fan_in is ``512 * block.expansion``. The
    convolutions have no bias; BatchNorm's running statistics are buffers,
    not parameters.

    Parameters
    ----------
    block : {'basic', 'bottleneck'}
        torchvision's block: ``BasicBlock`` (resnet18, 34) or ``Bottleneck``
        (resnet50, 101, 152, the wide and ResNeXt ones).
    zero_init_residual : bool, optional
        Zero the last BatchNorm weight of each residual branch.
    patterns : mapping of str to (str, sequence of str or None), optional
        Patterns replacing a role's defaults; ``None`` drops the role.

    Returns
    -------
    list of (str, Initializer)

    Notes
    -----
    torchvision 0.29.1 ``torchvision/models/resnet.py`` lines 206 (``fc =
    nn.Linear(512 * block.expansion, num_classes)``), 208-213 (Conv2d
    ``kaiming_normal_(mode="fan_out", nonlinearity="relu")``, BatchNorm2d and
    GroupNorm weight 1, bias 0), 218-223 (``zero_init_residual``); the fc
    keeps ``nn.Linear.reset_parameters`` (torch 2.14.1
    ``torch/nn/modules/linear.py`` lines 117-128).

    Examples
    --------
    >>> import math
    >>> import weightinit as wi
    >>> rules = dict(wi.recipes.resnet("basic"))
    >>> rules["fc.bias"].distribution(shape=(10,)).support == (-1 / math.sqrt(512), 1 / math.sqrt(512))
    True
    """
    name = check_option("block", block, _RESNET_BLOCKS)
    expansion, last_bn = _RESNET_BLOCKS[name]
    zero = flag("zero_init_residual", zero_init_residual)
    roles: list[Role] = [
        ("residual_bn", (f"*layer*.*.{last_bn}.weight",), zeros if zero else None),
        (
            "conv",
            ("*conv*.weight", "*downsample.0.weight"),
            kaiming_normal.partial(mode="fan_out", nonlinearity="relu"),
        ),
        ("norm", ("*bn*.weight", "*downsample.1.weight"), ones),
        ("norm_bias", ("*bn*.bias", "*downsample.1.bias"), zeros),
        ("fc", ("fc.weight",), kaiming_uniform.partial(a=math.sqrt(5))),
        ("fc_bias", ("fc.bias",), torch_bias(512 * expansion)),
    ]
    return rules("resnet", roles, patterns, {})
