"""Recipes of published language and vision models, as their reference code initializes them: GPT-2.

Each recipe returns an ordered ``[(pattern, initializer), ...]`` list for
:func:`weightinit.init_params`, its default patterns the reference code's
parameter paths (``state_dict`` names), each overridable through
``patterns={role: glob}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .._validation import check_int, check_real
from ..initializers import ones, torch_normal, zeros
from ._roles import patterns_of

__all__ = ["gpt2"]

#: GPT-2's roles and their default globs (Hugging Face's names, with or without ``transformer.``).
_GPT2_PATTERNS = {
    "residual": "*c_proj.weight",
    "norm_weight": "*ln_*.weight",
    "bias": "*.bias",
    "weight": "*.weight",
}


def gpt2(
    n_layer: int, initializer_range: float = 0.02, *, patterns: Mapping[str, str] | None = None
) -> list[tuple[str, Any]]:
    r"""GPT-2's initialization (Radford et al., 2019), as Hugging Face's and nanoGPT's code draws it.

    With ``σ = initializer_range`` and ``n = n_layer``, in this order (the
    first matching pattern wins):

    ===============  ====================  ==========================================
    role             default pattern       law
    ===============  ====================  ==========================================
    ``residual``     ``*c_proj.weight``    N(0, (σ / √(2n))²): the projections onto the residual stream
    ``norm_weight``  ``*ln_*.weight``      1 (``ln_1``, ``ln_2``, ``ln_f``)
    ``bias``         ``*.bias``            0
    ``weight``       ``*.weight``          N(0, σ²): ``c_attn``, ``c_fc``, ``wte``, ``wpe``, ``lm_head``
    ===============  ====================  ==========================================

    transformers/models/gpt2/modeling_gpt2.py, ``GPT2PreTrainedModel._init_weights``:
    ``Conv1D``/``Linear`` and ``Embedding`` weights ``normal_(0, σ)``,
    biases ``zero_()``, ``LayerNorm`` weight ``fill_(1.0)`` and bias
    ``zero_()``, then every ``c_proj.weight`` ``normal_(0, σ /
    sqrt(2 * n_layer))`` (two residual layers per block); nanoGPT's
    ``model.py`` (``GPT.__init__``: ``pn.endswith('c_proj.weight')``) the
    same. The laws are PyTorch's ``normal_`` (``torch_normal``), untruncated.

    Parameters
    ----------
    n_layer : int
        The number of transformer blocks (``config.n_layer``), >= 1.
    initializer_range : float, optional
        ``σ`` (``config.initializer_range``), > 0.
    patterns : mapping of str to str, optional
        Globs for some roles, put over the defaults.

    Examples
    --------
    >>> import weightinit as wi
    >>> tree = {"h": [{"attn": {"c_attn": {"weight": (8, 24)}, "c_proj": {"weight": (8, 8)}}}]}
    >>> params = wi.init_params(tree, wi.recipes.gpt2(n_layer=1), rng=0)
    >>> params["h"][0]["attn"]["c_proj"]["weight"].shape
    (8, 8)
    """
    layers = check_int("n_layer", n_layer, minimum=1)
    sigma = check_real("initializer_range", initializer_range, positive=True)
    globs = patterns_of(_GPT2_PATTERNS, patterns)
    return [
        (globs["residual"], torch_normal.partial(mean=0.0, std=sigma / math.sqrt(2 * layers))),
        (globs["norm_weight"], ones),
        (globs["bias"], zeros),
        (globs["weight"], torch_normal.partial(mean=0.0, std=sigma)),
    ]
