"""Whole models: init_params and param_seed (docs/models.md)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import weightinit as wi

RULES = [("*.w", "kaiming_normal_"), ("*.b", "zeros"), ("head", "glorot_uniform")]


def model() -> dict[str, Any]:
    return {
        "blocks": [{"w": (8, 4), "b": (8,)}, {"w": (8, 8), "b": (8,)}],
        "head": (8, 3),
    }


def test_the_result_keeps_the_trees_structure() -> None:
    tree = {"a": [(2, 3), ((4,), (5, 6))], "b": ()}
    params = wi.init_params(tree, {"*": "he_uniform"}, rng=0)
    assert isinstance(params["a"], list) and isinstance(params["a"][1], tuple)
    assert params["a"][0].shape == (2, 3) and params["a"][1][1].shape == (5, 6)
    assert params["b"].shape == ()
    assert list(params) == ["a", "b"]


def test_each_parameter_is_its_own_initializer_drawn_from_its_path_seed() -> None:
    params = wi.init_params(model(), RULES, rng=3)
    for index in range(2):
        path = f"blocks.{index}.w"
        shape = model()["blocks"][index]["w"]
        expected = wi.kaiming_normal(shape, rng=wi.param_seed(3, path))
        np.testing.assert_array_equal(params["blocks"][index]["w"], expected)
        np.testing.assert_array_equal(params["blocks"][index]["b"], np.zeros(8))
    np.testing.assert_array_equal(
        params["head"], wi.glorot_uniform((8, 3), rng=wi.param_seed(3, "head"))
    )


def test_values_do_not_depend_on_the_order_or_on_other_parameters() -> None:
    full = wi.init_params(model(), RULES, rng=5)
    reordered = {"head": (8, 3), "extra": (2,), "blocks": [{"b": (8,), "w": (8, 4)}, {"w": (8, 8)}]}
    other = wi.init_params(reordered, [*RULES, ("extra", "ones")], rng=5)
    np.testing.assert_array_equal(full["head"], other["head"])
    np.testing.assert_array_equal(full["blocks"][0]["w"], other["blocks"][0]["w"])
    np.testing.assert_array_equal(full["blocks"][1]["w"], other["blocks"][1]["w"])


def test_a_generator_gives_one_root_seed_and_advances_once() -> None:
    gen = np.random.default_rng(11)
    twin = np.random.default_rng(11)
    params = wi.init_params(model(), RULES, rng=gen)
    root = wi._engine.call_seed(twin)  # one root: 128 bits drawn once
    np.testing.assert_array_equal(
        params["head"], wi.glorot_uniform((8, 3), rng=wi.param_seed(root, "head"))
    )
    assert gen.bit_generator.state == twin.bit_generator.state


def test_param_seed_is_a_stable_hash_of_the_path() -> None:
    digest = hashlib.sha256(b"blocks.3.attn.qkv").digest()
    words = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    seed = wi.param_seed(np.random.SeedSequence(42), "blocks.3.attn.qkv")
    assert seed.entropy == 42
    assert tuple(seed.spawn_key) == (0x70617468, *words)
    assert (
        wi.param_seed(42, "a").generate_state(4).tolist()
        != wi.param_seed(42, "b").generate_state(4).tolist()
    )


def test_param_seed_is_the_same_in_another_process_whatever_its_hash_seed() -> None:
    code = (
        "import weightinit as wi; print(wi.param_seed(7, 'blocks.1.w').generate_state(4).tolist())"
    )
    here = str(wi.param_seed(7, "blocks.1.w").generate_state(4).tolist())
    for hash_seed in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        )
        assert out.stdout.strip() == here


def test_one_shard_regenerates_a_region_of_one_parameter_on_its_own() -> None:
    tree = {"embed": (1000, 16)}
    full = wi.init_params(tree, {"embed": "random_normal"}, rng=9)["embed"]
    shard = wi.random_normal((1000, 16), region=slice(250, 500), rng=wi.param_seed(9, "embed"))
    np.testing.assert_array_equal(shard, full[250:500])


def test_arrays_are_filled_in_place_and_keep_their_dtype() -> None:
    weight = np.empty((8, 3), dtype=np.float32)
    params = wi.init_params(
        {"head": weight, "b": (3,)},
        {"head": "glorot_uniform", "b": "zeros"},
        rng=1,
        dtype="float16",
    )
    assert params["head"] is weight and weight.dtype == np.float32
    np.testing.assert_array_equal(
        weight, wi.glorot_uniform(out=np.empty((8, 3), np.float32), rng=wi.param_seed(1, "head"))
    )
    assert params["b"].dtype == np.float16


def test_dtype_applies_unless_a_rule_binds_its_own() -> None:
    rules = [("w", wi.he_normal.partial(dtype="float64")), ("*", "he_normal")]
    params = wi.init_params({"w": (4, 4), "v": (4, 4)}, rules, rng=0, dtype="float32")
    assert params["w"].dtype == np.float64 and params["v"].dtype == np.float32


def test_rules_take_names_keras_dicts_initializers_and_callables() -> None:
    def halves(shape: tuple[int, ...], *, rng: Any, dtype: Any = None) -> np.ndarray:
        return np.full(shape, 0.5)

    rules = {
        "a": {"class_name": "VarianceScaling", "config": {"scale": 2.0}},
        "b": wi.truncated_normal.partial(stddev=0.02),
        "c": halves,
        "d": "torch.ones_",
    }
    params = wi.init_params({k: (16, 16) for k in "abcd"}, rules, rng=0)
    np.testing.assert_array_equal(
        params["a"], wi.keras_variance_scaling((16, 16), scale=2.0, rng=wi.param_seed(0, "a"))
    )
    assert abs(params["b"]).max() <= 0.04
    np.testing.assert_array_equal(params["c"], np.full((16, 16), 0.5))
    np.testing.assert_array_equal(params["d"], np.ones((16, 16)))


def test_the_first_matching_rule_wins() -> None:
    params = wi.init_params({"attn": {"w": (2, 2)}}, [("attn.*", "ones"), ("*", "zeros")])
    np.testing.assert_array_equal(params["attn"]["w"], np.ones((2, 2)))


def test_every_unmatched_path_is_listed_unless_a_default_is_given() -> None:
    tree = {"a": (2,), "b": [(3,), (4,)]}
    with pytest.raises(ValueError, match=r"no rule matches 2 parameter\(s\): b\.0, b\.1"):
        wi.init_params(tree, {"a": "zeros"})
    params = wi.init_params(tree, {"a": "zeros"}, default="ones")
    np.testing.assert_array_equal(params["b"][1], np.ones(4))


def test_a_leaf_its_initializer_cannot_take_fails_with_its_path_before_anything_is_written() -> (
    None
):
    first = np.full((2, 2), 7.0)
    with pytest.raises(ValueError, match=r"the parameter 'z': eye needs a shape of rank 2"):
        wi.init_params({"a": first, "z": (2, 2, 2)}, {"a": "zeros", "z": "eye"})
    np.testing.assert_array_equal(first, np.full((2, 2), 7.0))  # nothing written
    with pytest.raises(TypeError, match=r"the parameter 'w': dtype must be"):
        wi.init_params({"w": (2, 2)}, {"w": "he_normal"}, dtype="int8")


@pytest.mark.parametrize(
    ("tree", "rules", "error", "pattern"),
    [
        ({"a": [1.5]}, {"*": "zeros"}, TypeError, r"leaves must be shapes .* got leaf=1\.5"),
        ({1: (2,)}, {"*": "zeros"}, TypeError, "keys of a parameter tree must be strs"),
        ({"a": (2,)}, "zeros", TypeError, "rules must be a mapping or a list"),
        ({"a": (2,)}, [("a",)], TypeError, r"each rule must be a \(pattern, initializer\) pair"),
        ({"a": (2,)}, {"a": "no_such_init"}, ValueError, r"the rule 'a': unknown initializer name"),
        ({"a": np.zeros(2)[::-1].copy().view()}, {"a": "zeros"}, None, ""),
    ],
)
def test_bad_trees_and_rules(
    tree: Any, rules: Any, error: type[Exception] | None, pattern: str
) -> None:
    if error is None:
        wi.init_params(tree, rules)
        return
    with pytest.raises(error, match=pattern):
        wi.init_params(tree, rules)


def test_a_read_only_array_is_refused() -> None:
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="the array at 'a' must be writeable"):
        wi.init_params({"a": frozen}, {"a": "ones"})


def test_param_seed_refuses_a_path_that_is_not_a_str() -> None:
    with pytest.raises(TypeError, match="path must be a str"):
        wi.param_seed(0, 3)  # type: ignore[arg-type]


def test_a_spec_leaf_brings_its_own_initializer_and_a_matching_rule_overrides_it() -> None:
    tree = {"a": wi.ParamSpec((3, 2), "ones"), "b": ((2,), wi.zeros), "c": [(2,), (3,)]}
    params = wi.init_params(tree, {"b": "ones", "c.*": "zeros"}, rng=0)
    np.testing.assert_array_equal(params["a"], np.ones((3, 2)))
    np.testing.assert_array_equal(params["b"], np.ones(2))  # the rule wins over the spec
    assert [leaf.shape for leaf in params["c"]] == [(2,), (3,)]
    drawn = wi.init_params({"w": ((4, 3), wi.he_normal)}, [], rng=2)["w"]
    np.testing.assert_array_equal(drawn, wi.he_normal((4, 3), rng=wi.param_seed(2, "w")))
    with pytest.raises(ValueError, match=r"the parameter .w.: .*no_such"):
        wi.init_params({"w": ((4, 3), "no_such")}, [])


def test_a_wrapper_leaf_is_checked_before_anything_is_drawn_and_keeps_a_bound_dtype() -> None:
    from weightinit.layers.flax import Flattened
    from weightinit.layers.keras import ForgetBias
    from weightinit.models import ZeroRow

    first = np.full((2, 2), 7.0)
    tree = {"a": first, "b": wi.ParamSpec((3, 4), Flattened(wi.get("eye"), (1, 2)))}
    with pytest.raises(ValueError, match="the parameter 'b'"):  # (3, 4) is not of rank 3
        wi.init_params(tree, [("a", "ones")], rng=0)
    assert (first == 7.0).all()
    bad = {"a": first, "bias": wi.ParamSpec((6,), ForgetBias(wi.get("zeros")))}
    with pytest.raises(ValueError, match=r"the parameter 'bias'.*\(4 \* units,\)"):
        wi.init_params(bad, [("a", "ones")], rng=0)
    assert (first == 7.0).all()
    own = ZeroRow(wi.torch_normal.partial(std=0.02, dtype="float32"), 0)
    drawn = wi.init_params({"emb": wi.ParamSpec((4, 3), own)}, [], rng=0, dtype="float64")
    assert drawn["emb"].dtype == np.float32 and (drawn["emb"][0] == 0).all()
