"""Compare the published recipes with the reference models as their own libraries initialize them.

Run by hand: ``PYTHONPATH=src python tools/compare_recipes.py``. For each
reference library installed here (torchvision; transformers; timm), it
builds small models, lets the library initialize them, and for every named
parameter checks that a recipe rule matches its name, then compares the
library's values with the rule's declared law: a constant law value for
value; a random one by the values' range against the law's support and their
mean and variance against the law's (z-scores, flagged beyond 5, a false
flag per check below 1e-6). A library that cannot be imported is reported as
skipped; nothing is installed.
"""

from __future__ import annotations

import fnmatch
import math
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import weightinit as wi
from weightinit.models import ZeroRow

Z = 5.0


def rule_for(rules: list[tuple[str, Any]], name: str) -> Any:
    return next((init for pattern, init in rules if fnmatch.fnmatchcase(name, pattern)), None)


def verdict(values: np.ndarray[Any, Any], init: Any, padding: int | None) -> str:
    """``match`` or ``DIFFERENT (what)``: the library's values against the rule's declared law."""
    if isinstance(init, ZeroRow):
        if not (values[init.index] == 0).all():
            return "DIFFERENT (padding row not zero)"
        values = np.delete(values, init.index % values.shape[0], axis=0)
        init = init.init
    elif padding is not None:
        return "DIFFERENT (the library zeroes a padding row the rule does not)"
    if isinstance(init, wi.Packed):  # each part against its own law
        verdicts = [
            verdict(values[part.index], init.init, None) for part in init.parts(values.shape)
        ]
        return next((v for v in verdicts if v != "match"), "match")
    law = init.distribution(shape=values.shape)
    if law.kind == "constant":
        return "match" if (values == float(law.value)).all() else "DIFFERENT (values)"
    low, high = law.support
    if values.min() < low or values.max() > high:
        return f"DIFFERENT (outside the support [{low:.4g}, {high:.4g}])"
    n = values.size
    mean, var = float(law.mean), float(law.variance)
    z_mean = (values.mean() - mean) / math.sqrt(var / n)
    sample_var = float(values.var())
    fourth = float(np.mean((values - values.mean()) ** 4))  # the sample's, for the variance's error
    z_var = (sample_var - var) / math.sqrt(max(fourth - sample_var**2, 1e-300) / n)
    if abs(z_mean) > Z or abs(z_var) > Z:
        return f"DIFFERENT (z mean {z_mean:.1f}, z variance {z_var:.1f})"
    return "match"


def compare(
    label: str,
    params: Iterator[tuple[str, Any]],
    rules: list[tuple[str, Any]],
    paddings: dict[str, int] | None = None,
) -> int:
    """Print one line per parameter; return the number not matched or different."""
    bad = 0
    for name, tensor in params:
        values = tensor.detach().double().cpu().numpy()
        init = rule_for(rules, name)
        result = "NO RULE" if init is None else verdict(values, init, (paddings or {}).get(name))
        bad += result != "match"
        if result != "match" or "-v" in sys.argv:
            print(f"  {label} {name} {tuple(values.shape)}: {result}")
    print(f"{label}: {'all match' if not bad else f'{bad} not matched or different'}")
    return bad


def torchvision_models() -> Iterator[tuple[str, Callable[[], Any], list[tuple[str, Any]]]]:
    import torchvision

    for arch, block in (("resnet18", "basic"), ("resnet50", "bottleneck")):
        for zero in (False, True):
            build = getattr(torchvision.models, arch)
            yield (
                f"torchvision {arch} zero_init_residual={zero}",
                lambda build=build, zero=zero: build(zero_init_residual=zero),
                wi.recipes.resnet(block, zero_init_residual=zero),
            )


def transformers_models() -> Iterator[tuple[str, Callable[[], Any], list[tuple[str, Any]]]]:
    import transformers as tf

    gpt2 = tf.GPT2Config(n_layer=3, n_embd=64, n_head=4, vocab_size=300, n_positions=32)
    yield "transformers GPT2LMHeadModel", lambda: tf.GPT2LMHeadModel(gpt2), wi.recipes.gpt2(3)
    bert = tf.BertConfig(
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        vocab_size=300,
    )
    yield "transformers BertForPreTraining", lambda: tf.BertForPreTraining(bert), wi.recipes.bert()
    t5 = tf.T5Config(
        d_model=64,
        d_kv=16,
        num_heads=4,
        d_ff=128,
        num_layers=2,
        vocab_size=300,
        tie_word_embeddings=False,
    )
    yield (
        "transformers T5ForConditionalGeneration",
        lambda: tf.T5ForConditionalGeneration(t5),
        wi.recipes.t5(64, 16, 4, 128),
    )


def timm_models() -> Iterator[tuple[str, Callable[[], Any], list[tuple[str, Any]]]]:
    import timm

    for mode in ("", "jax", "moco"):
        yield (
            f"timm vit_small_patch16_224 weight_init={mode!r}",
            lambda mode=mode: timm.create_model(
                "vit_small_patch16_224", weight_init=mode, num_classes=100
            ),
            wi.recipes.vit(mode),
        )


def main() -> int:
    bad = 0
    for library, models in (
        ("torchvision", torchvision_models),
        ("transformers", transformers_models),
        ("timm", timm_models),
    ):
        try:
            built = list(models())
        except ImportError as error:
            print(f"{library}: skipped ({error})")
            continue
        import torch

        for label, build, rules in built:
            torch.manual_seed(0)
            model = build()
            paddings = {
                f"{name}.weight": m.padding_idx
                for name, m in model.named_modules()
                if isinstance(m, torch.nn.Embedding) and m.padding_idx is not None
            }
            bad += compare(label, model.named_parameters(), rules, paddings)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
