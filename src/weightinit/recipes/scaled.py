"""Depth-scaled recipes for networks trained deep: Fixup (residual networks), T-Fixup and DeepNorm (Transformers).

Each recipe returns an ordered ``[(pattern, initializer), ...]`` list for
:func:`weightinit.init_params`, its default patterns the parameter paths of
its reference code (``state_dict`` names), each overridable through
``patterns={role: glob}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .._validation import check_int
from ..initializers import (
    kaiming_uniform,
    ones,
    torch_normal,
    torch_uniform,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from ._roles import patterns_of

__all__ = ["deepnorm", "fixup", "t_fixup"]


def fixup(
    num_branches: int, branch_depth: int = 2, *, patterns: Mapping[str, str] | None = None
) -> list[tuple[str, Any]]:
    r"""Fixup: a residual network trained without normalization (Zhang, Dauphin & Ma, 2019).

    With ``L = num_branches`` residual branches of ``m = branch_depth``
    layers each, as the reference code initializes ``FixupResNet``:

    ============  =================================  ==========================================
    role          default pattern                    law
    ============  =================================  ==========================================
    ``branch``    ``layer*.*.conv[1-{m-1}].weight``  N(0, σ²), σ = sqrt(2 / fan_out) · L^(-1/(2m-2))
    ``last``      ``layer*.*.conv{m}.weight``        0
    ``fc``        ``fc.weight``                      0
    ``bias``      ``*bias*``                         0 (the scalar biases and ``fc.bias``)
    ``scale``     ``*scale``                         1
    ``shortcut``  ``layer*.*.downsample.weight``     N(0, σ²), σ = sqrt(2 / fan_out)
    ``conv``      ``*.weight``                       PyTorch's ``Conv2d`` default, kaiming_uniform(a=√5)
    ============  =================================  ==========================================

    ``fan_out = shape[0] · prod(shape[2:])`` (PyTorch's layout (out, in,
    *kernel)), as the reference's ``np.sqrt(2 / (w.shape[0] *
    np.prod(w.shape[2:])))``: the branch layers' law is
    ``variance_scaling(scale=2 L^(-1/(m-1)), mode='fan_out',
    distribution='untruncated_normal', in_axis=1, out_axis=0)``. The
    ``conv`` role (default ``*.weight``, after all others) is every other
    weight, such as the stem ``conv1``, which the reference leaves at
    PyTorch's default; ``shortcut`` is the ImageNet model's 1x1
    ``downsample`` convolution (the CIFAR model's shortcut has no weight).

    Parameters
    ----------
    num_branches : int
        ``L``, the number of residual branches (blocks), >= 1: the
        reference's ``num_layers = sum(layers)``.
    branch_depth : int, default 2
        ``m``, the layers in each branch, >= 2: 2 for the basic block, 3 for
        the bottleneck; at most 10.
    patterns : mapping, optional
        ``{role: glob}`` replacing default patterns.

    Notes
    -----
    Fixup's multipliers and biases live in the forward pass (``x + bias1a``,
    ``out * scale``); they are parameters here, zero and one. The rules are in
    order: ``last`` and ``fc`` before ``branch`` and ``conv``.

    References
    ----------
    Zhang, Dauphin & Ma (2019), Fixup Initialization: Residual Learning
    Without Normalization, ICLR, §3 (the rule) and Algorithm (Fixup). Reference code:
    hongyi-zhang/Fixup, ``cifar/models/fixup_resnet_cifar.py`` lines 66-72
    (``FixupResNet.__init__``: ``normal_(conv1.weight, std=sqrt(2 /
    (shape[0] * prod(shape[2:]))) * num_layers ** -0.5)``, ``conv2`` 0,
    ``nn.Linear`` weight and bias 0), lines 21-28 (``bias* = zeros(1)``,
    ``scale = ones(1)``); ``imagenet/models/fixup_resnet_imagenet.py``
    (bottleneck: ``num_layers ** -0.25`` on ``conv1``, ``conv2``; ``conv3``
    0; ``downsample.weight`` ``std=sqrt(2 / fan_out)``).

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.fixup(9)
    >>> rules[0][0], rules[2][0]
    ('layer*.*.conv2.weight', 'layer*.*.conv[1-1].weight')
    >>> law = rules[2][1].distribution(shape=(16, 16, 3, 3))  # fan_out = 16 * 3 * 3
    >>> abs(law.variance - 2 / 144 / 9) < 1e-15
    True
    """
    branches = check_int("num_branches", num_branches, minimum=1)
    m = check_int("branch_depth", branch_depth, minimum=2, maximum=10)
    roles = patterns_of(
        "fixup",
        {
            "last": f"layer*.*.conv{m}.weight",
            "fc": "fc.weight",
            "branch": f"layer*.*.conv[1-{m - 1}].weight",
            "bias": "*bias*",
            "scale": "*scale",
            "shortcut": "layer*.*.downsample.weight",
            "conv": "*.weight",
        },
        patterns,
    )
    he_fan_out = {"mode": "fan_out", "distribution": "untruncated_normal", "in_axis": 1}
    branch = variance_scaling.partial(
        scale=2.0 * branches ** (-1.0 / (m - 1)), out_axis=0, **he_fan_out
    )
    laws = {
        "last": zeros,
        "fc": zeros,
        "branch": branch,
        "bias": zeros,
        "scale": ones,
        "shortcut": variance_scaling.partial(scale=2.0, out_axis=0, **he_fan_out),
        "conv": kaiming_uniform.partial(a=math.sqrt(5)),
    }
    return [(roles[role], laws[role]) for role in laws]


def _layer_counts(encoder_layers: Any, decoder_layers: Any, recipe: str) -> tuple[int, int]:
    """``(N, M)`` checked: ints >= 0, not both 0."""
    n = check_int("encoder_layers", encoder_layers, minimum=0)
    m = check_int("decoder_layers", decoder_layers, minimum=0)
    if n == 0 and m == 0:
        raise ValueError(
            f"{recipe} needs encoder_layers > 0 or decoder_layers > 0 (or both); got "
            "encoder_layers=0, decoder_layers=0."
        )
    return n, m


def t_fixup(
    encoder_layers: int,
    decoder_layers: int,
    d_model: int,
    *,
    patterns: Mapping[str, str] | None = None,
) -> list[tuple[str, Any]]:
    r"""T-Fixup: a Transformer trained without warmup or layer normalization (Huang et al., 2020).

    With ``N = encoder_layers``, ``M = decoder_layers`` and ``d = d_model``,
    as the reference code (fairseq's Transformer with ``--Tfixup``) leaves
    each parameter, for each side ``s`` (``encoder``, ``decoder``) that has
    layers, with ``c = 0.67 N^(-1/4)`` for the encoder and ``(9M)^(-1/4)``
    for the decoder:

    =====================  ================================  ===================================
    role                   default pattern                   law
    =====================  ================================  ===================================
    ``s_embed``            ``s.embed_tokens.weight``         N(0, σ²), σ = d^(-1/2) (9L)^(-1/4)
    ``s_ffn``              ``s.layers.*.fc[12].weight``      xavier_uniform(gain=c)
    ``s_v``                ``s.layers.*.v_proj.weight``      xavier_uniform(gain=c)
    ``s_out``              ``s.layers.*.out_proj.weight``    xavier_uniform(gain=c)
    ``s_qk``               ``s.layers.*.[qk]_proj.weight``   xavier_uniform(gain=1/√2)
    ``s_qkv_bias``         ``s.layers.*.[qkv]_proj.bias``    U(-1/√d, 1/√d) (``nn.Linear``'s)
    ``s_bias``             ``s.layers.*.bias``               0 (``fc1``, ``fc2``, ``out_proj``)
    ``decoder_embed_out``  ``decoder.embed_out``             N(0, σ²), σ = d^(-1/2)
    =====================  ================================  ===================================

    with ``L`` the side's own layer count (``N`` or ``M``) and
    xavier_uniform(gain=g) = U(-b, b), b = g · sqrt(6 / (fan_in + fan_out)).
    The value projection is fairseq's ``xavier_uniform_(gain=1/√2)`` times
    ``√2 c``, so gain ``c``; the decoder's cross-attention
    (``encoder_attn.*``) is included, read with encoder and decoder of one
    width ``d``.

    Parameters
    ----------
    encoder_layers : int
        ``N``, >= 0.
    decoder_layers : int
        ``M``, >= 0; ``N`` and ``M`` are not both 0.
    d_model : int
        ``d``, the embedding width, >= 1.
    patterns : mapping, optional
        ``{role: glob}`` replacing default patterns.

    Notes
    -----
    fairseq's ``Embedding`` also zeroes the padding row (``weight[padding_idx]
    = 0``), which a rule cannot know: set that row after drawing. The code
    scales the encoder's embedding by ``(9N)^(-1/4)`` (the paper's Algorithm 1
    writes ``(9M)^(-1/4)`` for both; they are equal for ``N = M``), and with
    ``--share-all-embeddings`` the shared table once, by the encoder's factor.

    References
    ----------
    Huang, Perez, Ba & Volkovs (2020), Improving Transformer Optimization
    Through Better Initialization, ICML, Algorithm 1. Reference code:
    layer6ai-labs/T-Fixup, ``fairseq/modules/transformer_layer.py``
    (``TransformerEncoderLayer.fixup_initialization``, lines 30-47, and
    ``TransformerDecoderLayer.fixup_initialization``; ``Linear``:
    ``xavier_uniform_``, bias 0), ``fairseq/models/transformer.py``
    (``TransformerEncoder.__init__`` / ``TransformerDecoder.__init__``: the
    embeddings times ``(9 * layers) ** (-1 / 4)``; ``Embedding``: ``normal_(std=
    embedding_dim ** -0.5)``; ``embed_out``), ``fairseq/modules/multihead_attention.py``
    (``reset_parameters``: q, k, v ``xavier_uniform_(gain=1 / math.sqrt(2))``).

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.t_fixup(0, 16, 64)
    >>> rules[1]  # c = (9 · 16)^(-1/4)
    ('decoder.layers.*.fc[12].weight', <Initializer xavier_uniform(gain=0.2886751345948129)>)
    """
    n, m = _layer_counts(encoder_layers, decoder_layers, "t_fixup")
    d = check_int("d_model", d_model, minimum=1)
    defaults: dict[str, str] = {}
    laws: dict[str, Any] = {}
    for side, layers, c in (
        ("encoder", n, 0.67 * n ** (-1 / 4) if n else 0.0),
        ("decoder", m, (9 * m) ** (-1 / 4) if m else 0.0),
    ):
        if not layers:
            continue
        scaled = xavier_uniform.partial(gain=c)
        bound = 1 / math.sqrt(d)
        for role, glob, law in (
            (
                "embed",
                "embed_tokens.weight",
                torch_normal.partial(std=d**-0.5 * (9 * layers) ** -0.25),
            ),
            ("ffn", "layers.*.fc[12].weight", scaled),
            ("v", "layers.*.v_proj.weight", scaled),
            ("out", "layers.*.out_proj.weight", scaled),
            ("qk", "layers.*.[qk]_proj.weight", xavier_uniform.partial(gain=1 / math.sqrt(2))),
            ("qkv_bias", "layers.*.[qkv]_proj.bias", torch_uniform.partial(a=-bound, b=bound)),
            ("bias", "layers.*.bias", zeros),
        ):
            defaults[f"{side}_{role}"] = f"{side}.{glob}"
            laws[f"{side}_{role}"] = law
    if m:
        defaults["decoder_embed_out"] = "decoder.embed_out"
        laws["decoder_embed_out"] = torch_normal.partial(std=d**-0.5)
    roles = patterns_of("t_fixup", defaults, patterns)
    return [(roles[role], laws[role]) for role in laws]


def _deepnorm_betas(encoder_layers: Any, decoder_layers: Any) -> tuple[float, float]:
    """DeepNorm's β of the encoder and of the decoder (0 for a side with no layers)."""
    n, m = _layer_counts(encoder_layers, decoder_layers, "deepnorm")
    if n and m:
        return 0.87 * (n**4 * m) ** (-1 / 16), (12 * m) ** (-1 / 4)
    return ((8 * n) ** (-1 / 4) if n else 0.0), ((8 * m) ** (-1 / 4) if m else 0.0)


def deepnorm(
    encoder_layers: int = 0, decoder_layers: int = 0, *, patterns: Mapping[str, str] | None = None
) -> list[tuple[str, Any]]:
    r"""DeepNorm's initialization of a Post-LN Transformer (Wang et al., 2022).

    With ``N = encoder_layers`` and ``M = decoder_layers``, the feed-forward
    (``fc1``, ``fc2``), value and output projections of each side are
    ``xavier_normal(gain=β)`` and the query and key projections
    ``xavier_normal(gain=1)``: N(0, σ²), σ = gain · sqrt(2 / (fan_in +
    fan_out)), with

    ===================  ===========================  ==================
    model                encoder β                    decoder β
    ===================  ===========================  ==================
    encoder only         (8N)^(-1/4)
    decoder only                                      (8M)^(-1/4)
    encoder-decoder      0.87 (N⁴M)^(-1/16)           (12M)^(-1/4)
    ===================  ===========================  ==================

    Roles and default patterns (torchscale's names), for each side ``s`` of
    ``encoder`` and ``decoder`` that has layers: ``s_ffn``
    ``s.layers.*.fc[12].weight``, ``s_v`` ``s.layers.*.v_proj.weight``,
    ``s_out`` ``s.layers.*.out_proj.weight``, ``s_qk``
    ``s.layers.*.[qk]_proj.weight`` (a decoder's cross-attention
    ``encoder_attn.*`` included). With one side only, ``s.`` is ``*``
    (torchscale's ``Encoder`` or ``Decoder`` alone names ``layers.0...``).

    Parameters
    ----------
    encoder_layers : int, default 0
        ``N``, >= 0.
    decoder_layers : int, default 0
        ``M``, >= 0; ``N`` and ``M`` are not both 0.
    patterns : mapping, optional
        ``{role: glob}`` replacing default patterns.

    Notes
    -----
    Only the initialization: DeepNorm's α (``x_{l+1} = LN(α x_l + G(x_l))``:
    encoder (2N)^(1/4), decoder (2M)^(1/4); encoder-decoder 0.81 (N⁴M)^(1/16)
    and (3M)^(1/4)) is a forward-pass constant. Other parameters (biases,
    embeddings, norms) get no rule: add rules, or ``default=``. These are
    the paper's laws (its Figure 2 pseudocode); torchscale instead divides
    its layers' own initialization by 1/β (``p.data.div_(init_scale)``,
    ``xavier_uniform_`` with gain 1/√2 for q, k, v), and for an
    encoder-decoder encoder divides by (N⁴M)^(1/16) / 1.15.

    References
    ----------
    Wang, Ma, Dong, Huang, Zhang & Wei (2022), DeepNet: Scaling Transformers
    to 1,000 Layers, arXiv:2203.00555, Figure 2 and Table 1. Reference
    code: microsoft/torchscale, ``torchscale/architecture/encoder.py``
    (``Encoder.__init__``, ``if args.deepnorm``: ``init_scale``, the names
    ``fc1``, ``fc2``, ``out_proj``, ``v_proj``) and
    ``torchscale/architecture/decoder.py`` likewise.

    Examples
    --------
    >>> import weightinit as wi
    >>> rules = wi.recipes.deepnorm(encoder_layers=2)
    >>> rules[0]  # β = (8 · 2)^(-1/4)
    ('*layers.*.fc[12].weight', <Initializer xavier_normal(gain=0.5)>)
    """
    betas = dict(
        zip(("encoder", "decoder"), _deepnorm_betas(encoder_layers, decoder_layers), strict=True)
    )
    defaults: dict[str, str] = {}
    laws: dict[str, Any] = {}
    for side, beta in betas.items():
        if beta == 0.0:
            continue
        scaled = xavier_normal.partial(gain=beta)
        prefix = "*" if 0.0 in betas.values() else f"{side}."
        for role, glob, law in (
            ("ffn", "fc[12]", scaled),
            ("v", "v_proj", scaled),
            ("out", "out_proj", scaled),
            ("qk", "[qk]_proj", xavier_normal),
        ):
            defaults[f"{side}_{role}"] = f"{prefix}layers.*.{glob}.weight"
            laws[f"{side}_{role}"] = law
    roles = patterns_of("deepnorm", defaults, patterns)
    return [(roles[role], laws[role]) for role in laws]
