"""μP recipe: each parameter's law against closed forms from the mup package 1.0.0's source.

mup/init.py lines 22-30 (constant_std_init_: scale = width_mult ** -0.5 when
ninf == 2), 79-96 (_inf_fan_adjust_xavier), 126-143 (_inf_fan_adjust_kaiming);
mup/infshape.py lines 22-29 (width_mult = dim / base_dim), 53-83 (main: the
last infinite dim), 118-133 (zip_infshape: equal dims are finite);
mup/layer.py lines 19-25, 35-52 (MuReadout: nn.Linear's init times
width_mult ** 0.5, or zero). tools/compare_mup.py checks the same against the
installed package.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import weightinit as wi

BASE = {
    "embed.weight": (64, 300),  # fan-out infinite: "input" weight
    "embed.bias": (64,),
    "hidden.weight": (64, 64),  # inf x inf
    "hidden.bias": (64,),
    "out.weight": (10, 64),  # finite fan-out, infinite fan-in: the readout
    "out.bias": (10,),
}
TARGET = {
    "embed.weight": (256, 300),
    "embed.bias": (256,),
    "hidden.weight": (256, 256),
    "hidden.bias": (256,),
    "out.weight": (10, 256),
    "out.bias": (10,),
}
W = 256 / 64  # every width multiplier here


def _std(rules: list[tuple[str, Any]], path: str) -> float:
    init = dict(rules)[path]
    return math.sqrt(init.distribution(shape=TARGET[path]).variance)


def _draws_bitwise(rules: list[tuple[str, Any]]) -> dict[str, Any]:
    full = [*rules, ("*.bias", wi.zeros)]
    params = wi.init_params(TARGET, full, rng=4)
    for path, init in rules:
        direct = init(TARGET[path], rng=wi.param_seed(4, path))
        assert np.array_equal(params[path], direct), path
    return dict(params)


def test_rules_cover_matrices_and_the_readout_readout_first() -> None:
    rules = wi.recipes.mup(BASE, TARGET)
    assert [p for p, _ in rules] == ["out.weight", "out.bias", "embed.weight", "hidden.weight"]
    _draws_bitwise(rules)


def test_normal_scales_only_inf_by_inf() -> None:
    rules = wi.recipes.mup(BASE, TARGET, init="normal_", std=0.02)
    _draws_bitwise(rules)
    assert _std(rules, "embed.weight") == 0.02  # ninf == 1: unchanged
    assert math.isclose(_std(rules, "hidden.weight"), 0.02 * W**-0.5, rel_tol=1e-14)
    with pytest.raises(ValueError, match="needs exactly one width dimension; it has 2"):
        wi.recipes.mup(BASE, TARGET, init="normal_", mean=0.1)


def test_trunc_normal_and_uniform_scale_all_bounds() -> None:
    rules = wi.recipes.mup(BASE, TARGET, init="trunc_normal_", std=0.02, a=-0.04, b=0.04)
    law = dict(rules)["hidden.weight"].distribution(shape=(256, 256))
    assert np.allclose(law.support, (-0.04 * W**-0.5, 0.04 * W**-0.5), rtol=1e-14, atol=0)
    rules = wi.recipes.mup(BASE, TARGET, init="uniform_", a=-0.1, b=0.1)
    law = dict(rules)["hidden.weight"].distribution(shape=(256, 256))
    assert np.allclose(law.support, (-0.1 * W**-0.5, 0.1 * W**-0.5), rtol=1e-14, atol=0)


def test_xavier_adjusts_by_base_fans() -> None:
    rules = wi.recipes.mup(BASE, TARGET, init="xavier_normal_", gain=2.0)
    _draws_bitwise(rules)
    # std = gain sqrt(2 / (fi + fo)) sqrt((fo + fi) / (fo_base + fi_base)) [/ sqrt(w_in)]
    embed = 2.0 * math.sqrt(2 / (300 + 256)) * math.sqrt((256 + 300) / (64 + 300))
    hidden = 2.0 * math.sqrt(2 / 512) * math.sqrt(512 / 128) / math.sqrt(W)
    assert math.isclose(_std(rules, "embed.weight"), embed, rel_tol=1e-14)
    assert math.isclose(_std(rules, "hidden.weight"), hidden, rel_tol=1e-14)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_adjusts_by_the_infinite_fan(mode: str) -> None:
    rules = wi.recipes.mup(BASE, TARGET, init="kaiming_normal_", mode=mode, nonlinearity="relu")
    _draws_bitwise(rules)
    fan = {"embed.weight": 300 if mode == "fan_in" else 256, "hidden.weight": 256}
    # ninf == 1: fan-out infinite, so scaled only in mode fan_out; ninf == 2: sqrt(w_out / w_in)
    embed = math.sqrt(2 / fan["embed.weight"]) * (math.sqrt(W) if mode == "fan_out" else 1.0)
    hidden = math.sqrt(2 / 256)
    assert math.isclose(_std(rules, "embed.weight"), embed, rel_tol=1e-14)
    assert math.isclose(_std(rules, "hidden.weight"), hidden, rel_tol=1e-14)
    rules = wi.recipes.mup(BASE, TARGET, init="kaiming_uniform_", mode=mode)
    law = dict(rules)["embed.weight"].distribution(shape=(256, 300))
    bound = math.sqrt(3) * math.sqrt(2 / (1 + 0.0)) / math.sqrt(fan["embed.weight"])
    bound *= math.sqrt(W) if mode == "fan_out" else 1.0
    assert np.allclose(law.support, (-bound, bound), rtol=1e-14, atol=0)


def test_readout_is_linear_default_times_sqrt_width_mult_or_zero() -> None:
    rules = wi.recipes.mup(BASE, TARGET)
    bound = math.sqrt(W) / math.sqrt(256)  # nn.Linear: 1 / sqrt(fan_in), both weight and bias
    for path in ("out.weight", "out.bias"):
        law = dict(rules)[path].distribution(shape=TARGET[path])
        assert np.allclose(law.support, (-bound, bound), rtol=1e-14, atol=0)
    params = _draws_bitwise(wi.recipes.mup(BASE, TARGET, readout_zero_init=True))
    assert not params["out.weight"].any() and not params["out.bias"].any()
    chosen = wi.recipes.mup(BASE, TARGET, patterns={"readout": "hidden.*"})
    assert [p for p, _ in chosen][:2] == ["hidden.weight", "hidden.bias"]


def test_trees_are_read_with_init_params_paths() -> None:
    base = {"l": [{"weight": (8, 8)}], "head": {"weight": (3, 8)}}
    target = {"l": [{"weight": (32, 32)}], "head": {"weight": (3, 32)}}
    rules = wi.recipes.mup(base, target, init="normal_")
    assert [p for p, _ in rules] == ["head.weight", "l.0.weight"]
    assert math.isclose(_std_of(rules, "l.0.weight", (32, 32)), 0.5, rel_tol=1e-14)


def _std_of(rules: list[tuple[str, Any]], path: str, shape: tuple[int, ...]) -> float:
    return math.sqrt(dict(rules)[path].distribution(shape=shape).variance)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="must name the same parameters"):
        wi.recipes.mup({"a": (2, 2)}, {"b": (2, 2)})
    with pytest.raises(ValueError, match="of different ranks"):
        wi.recipes.mup({"a": (2, 2)}, {"a": (2, 2, 1)})
    with pytest.raises(ValueError, match="init must be one of"):
        wi.recipes.mup(BASE, TARGET, init="orthogonal_")
    with pytest.raises(TypeError, match="takes mean, std; got unknown option"):
        wi.recipes.mup(BASE, TARGET, init="normal_", gain=2.0)
    with pytest.raises(ValueError, match="std must be > 0"):
        wi.recipes.mup(BASE, TARGET, init="normal_", std=-1.0)
    with pytest.raises(ValueError, match="matches no parameter"):
        wi.recipes.mup(BASE, TARGET, patterns={"readout": "lm_head.*"})
    with pytest.raises(TypeError, match="readout_zero_init must be True or False"):
        wi.recipes.mup(BASE, TARGET, readout_zero_init=1)
    with pytest.raises(ValueError, match="at most 2 width dimensions; got shape"):
        wi.recipes.mup({"c": (4, 4, 3)}, {"c": (8, 8, 6)}, init="xavier_normal_")
    with pytest.raises(TypeError, match="base_shapes must be"):
        wi.recipes.mup(3, TARGET)
