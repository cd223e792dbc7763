"""weightinit.dask: Dask arrays equal, bit for bit, to the in-memory arrays, with tasks that pickle small."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY, ELEMENTWISE, bound
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import _engine

pytest.importorskip("dask")
import dask

from weightinit import dask as wid

REAL_ELEMENTWISE = [name for name in ELEMENTWISE if name not in COMPLEX_ONLY]


@pytest.fixture(autouse=True)
def _synchronous() -> Any:
    with dask.config.set(scheduler="synchronous"):
        yield


def _chunks(data: st.DataObject, shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Explicit chunks per axis: any sizes summing to the axis (ragged, single, one element)."""
    result = []
    for size in shape:
        sizes: list[int] = []
        left = size
        while left:
            sizes.append(data.draw(st.integers(1, left)))
            left -= sizes[-1]
        result.append(tuple(sizes) or (0,))
    return tuple(result)


@given(
    shape=st.lists(st.integers(0, 9), min_size=1, max_size=3).map(tuple),
    data=st.data(),
    name=st.sampled_from(REAL_ELEMENTWISE),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_any_chunking_computes_the_in_memory_array(
    shape: tuple[int, ...], data: st.DataObject, name: str, dtype: type
) -> None:
    chunks = _chunks(data, shape)
    init = bound(name)
    blocks = _engine.blocks
    saved = blocks.BLOCK, blocks.CHUNK
    blocks.BLOCK, blocks.CHUNK = 8, 4  # small arrays over many blocks
    try:
        whole = init(shape, dtype=dtype, rng=11)
        lazy = wid.array(init, shape, chunks=chunks, rng=11, dtype=dtype)
        computed = lazy.compute()
    finally:
        blocks.BLOCK, blocks.CHUNK = saved
    assert lazy.dtype == np.dtype(dtype) and lazy.shape == shape
    assert computed.dtype == np.dtype(dtype)
    assert np.array_equal(computed, whole)


@pytest.mark.parametrize("chunks", ["auto", 1000, (700, 30), (-1, 7), ((1, 1999, 2000), (64, 64))])
def test_real_blocks_any_chunking(chunks: Any) -> None:
    shape = (4000, 128)  # about two blocks: chunk borders fall inside blocks and across them
    seed = wi.param_seed(1, "w")
    lazy = wid.array("he_normal", shape, chunks=chunks, rng=seed)
    assert lazy.dtype == np.float64
    assert np.array_equal(lazy.compute(), wi.he_normal(shape, rng=seed))
    lazy32 = wid.array(wi.he_normal, shape, chunks=chunks, rng=seed, dtype=np.float32)
    assert np.array_equal(lazy32.compute(), wi.he_normal(shape, rng=seed, dtype=np.float32))


def test_parameters_and_the_scheme_s_name_are_bound() -> None:
    lazy = wid.array("random_normal", (300, 5), chunks=(64, 2), rng=4, stddev=0.5, mean=1.0)
    assert np.array_equal(lazy.compute(), wi.random_normal((300, 5), rng=4, stddev=0.5, mean=1.0))
    with pytest.raises(TypeError, match="stddev"):
        wid.array("random_normal", (3, 5), rng=4, stdev=0.5)


@pytest.mark.parametrize("name", ["orthogonal", "sparse", "identity", "jax_orthogonal"])
def test_a_structured_scheme_is_one_whole_task_sliced(name: str) -> None:
    init = bound(name)
    shape = (60, 40)
    lazy = wid.array(init, shape, chunks=(16, 25), rng=2, dtype=np.float32)
    graph = dict(lazy.__dask_graph__())
    whole_keys = [key for key in graph if isinstance(key, tuple) and len(key) == 1]
    assert len(whole_keys) == 1 and len(graph) == 1 + 4 * 2
    assert np.array_equal(lazy.compute(), init(shape, rng=2, dtype=np.float32))


def test_a_structured_scheme_above_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wid, "WHOLE_LIMIT", 1000)
    with pytest.raises(ValueError, match=r"computes its array whole.*WHOLE_LIMIT=1000"):
        wid.array("orthogonal", (20, 20), rng=0)
    wid.array("he_normal", (20, 20), rng=0)  # elementwise: no whole task, no limit


def test_constant_schemes_are_regional() -> None:
    lazy = wid.array(wi.constant.partial(value=0.5), (300, 3), chunks=100, rng=0)
    assert len(dict(lazy.__dask_graph__())) == 3
    assert np.array_equal(lazy.compute(), np.full((300, 3), 0.5))


@pytest.mark.parametrize(
    ("rng", "error"),
    [
        (None, TypeError),
        (np.random.default_rng(0), TypeError),
        (True, TypeError),
        (1.5, TypeError),
        (-1, ValueError),
    ],
)
def test_an_rng_every_chunk_cannot_share_is_refused(rng: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="rng"):
        wid.array("he_normal", (4, 4), rng=rng)


def test_bad_calls_are_refused_before_any_task() -> None:
    with pytest.raises(ValueError, match="shape"):
        wid.array("he_normal", (4, -1), rng=0)
    with pytest.raises(TypeError, match="dtype"):
        wid.array("he_normal", (4, 4), rng=0, dtype=np.int32)
    with pytest.raises(TypeError, match="init"):
        wid.array(lambda shape, rng=None: np.zeros(shape), (4, 4), rng=0)
    with pytest.raises(TypeError, match="parameters"):
        wid.array(wi.packed(wi.glorot_uniform, parts=2, axis=0), (4, 4), rng=0, gain=2.0)


def test_tasks_pickle_small_and_hold_no_array() -> None:
    seed = wi.param_seed(2**63, "model.embed.weight")
    lazy = wid.array("random_normal", (10**9, 256), chunks=(2**20, -1), rng=seed, dtype=np.float32)
    graph = dict(lazy.__dask_graph__())
    assert len(graph) == -(-(10**9) // 2**20)
    sizes = [len(pickle.dumps(task)) for task in graph.values()]
    assert max(sizes) < 600, max(sizes)
    for task in list(graph.values())[:50]:
        assert not any(isinstance(part, np.ndarray) for part in task)
    whole = wid.array("orthogonal", (64, 64), chunks=16, rng=seed)
    assert max(len(pickle.dumps(task)) for task in dict(whole.__dask_graph__()).values()) < 600


def test_a_seed_sequence_and_its_int_agree() -> None:
    a = wid.array("glorot_uniform", (50, 8), chunks=7, rng=123).compute()
    b = wid.array("glorot_uniform", (50, 8), chunks=9, rng=np.random.SeedSequence(123)).compute()
    assert np.array_equal(a, b)
    assert np.array_equal(a, wi.glorot_uniform((50, 8), rng=123))


def test_a_packed_scheme_through_dask() -> None:
    qkv = wi.packed(wi.xavier_uniform, parts=3, axis=0)
    lazy = wid.array(qkv, (96, 32), chunks=(20, 10), rng=5, dtype=np.float32)
    assert np.array_equal(lazy.compute(), qkv((96, 32), rng=5, dtype=np.float32))


# --- whole models ------------------------------------------------------------------------


def _model() -> tuple[dict[str, Any], dict[str, Any]]:
    model = {
        "embed": wi.models.ParamSpec((3000, 16), wi.models.ZeroRow(wi.torch_normal, 0)),
        "blocks": [
            {"qkv": (96, 32), "proj": (32, 32), "bias": (32,)},
            {"qkv": (96, 32), "proj": (32, 32), "bias": (32,)},
        ],
        "head": np.zeros((32, 10), dtype=np.float32),
        "scale": (32,),
    }
    rules = {
        "*.qkv": wi.packed(wi.xavier_uniform, parts=3, axis=0),
        "*.proj": "orthogonal",
        "*.bias": "zeros",
        "head": wi.random_normal.partial(stddev=0.02),
        "scale": wi.ones.partial(dtype=np.float16),
    }
    return model, rules


@pytest.mark.parametrize("dtype", [None, np.float32])
@pytest.mark.parametrize("chunks", ["auto", (7, 5), (1000,)])
def test_init_params_equals_the_in_memory_tree(dtype: Any, chunks: Any) -> None:
    model, rules = _model()
    lazy = wid.init_params(model, rules, rng=9, chunks=chunks, dtype=dtype)
    dask.compute(lazy)
    assert not model["head"].any()  # an array leaf is read, not written
    eager = wi.init_params(model, rules, rng=9, dtype=dtype)
    assert type(lazy["blocks"]) is list and lazy.keys() == eager.keys()
    for path, expected in wi.models.leaves(eager):
        value: Any = lazy
        for key in path.split("."):
            value = value[int(key)] if isinstance(value, list) else value[key]
        assert isinstance(value, dask.array.Array), path
        assert value.dtype == expected.dtype, path
        assert np.array_equal(value.compute(), expected), path


def test_init_params_refuses_as_the_in_memory_one() -> None:
    model, rules = _model()
    with pytest.raises(ValueError, match="no rule matches 1 parameter"):
        wid.init_params({"x": (3,), **model}, rules, rng=0)
    with pytest.raises(TypeError, match="rng"):
        wid.init_params(model, rules, rng=None)
    with pytest.raises(ValueError, match=r"'blocks\.0\.proj'"):
        wid.init_params(model, {**rules, "*.proj": "dirac"}, rng=0)


def test_a_plain_callable_leaf_is_one_whole_task() -> None:
    def ramp(shape: tuple[int, ...], *, rng: Any = None, dtype: Any = None) -> np.ndarray:
        return np.arange(np.prod(shape), dtype=dtype).reshape(shape)

    lazy = wid.init_params({"w": (6, 4)}, {"w": ramp}, rng=0, chunks=(4, 3), dtype=np.float32)
    assert np.array_equal(
        lazy["w"].compute(),
        wi.init_params({"w": (6, 4)}, {"w": ramp}, rng=0, dtype=np.float32)["w"],
    )
    wrong = wid.init_params({"w": (6, 4)}, {"w": ramp}, rng=0)  # declared float64
    lazy_wrong = wrong["w"].map_blocks(lambda x: x)
    assert lazy_wrong.dtype == np.float64
    odd = wid.init_params(
        {"w": (6, 4)}, {"w": lambda shape, rng=None: np.zeros(shape, np.int8)}, rng=0
    )
    with pytest.raises(ValueError, match="pass dtype="):
        odd["w"].compute()


def test_arrays_of_other_configs_or_seeds_never_share_a_task_name() -> None:
    arrays = [
        wid.array("random_normal", (100, 4), chunks=50, rng=1, stddev=1.0),
        wid.array("random_normal", (100, 4), chunks=50, rng=1, stddev=2.0),
        wid.array("random_normal", (100, 4), chunks=50, rng=2, stddev=1.0),
        wid.array("random_normal", (100, 4), chunks=50, rng=1, stddev=1.0, dtype=np.float32),
    ]
    assert len({a.name for a in arrays}) == 4
    computed = dask.compute(*arrays)
    expected = [
        wi.random_normal((100, 4), rng=1, stddev=1.0),
        wi.random_normal((100, 4), rng=1, stddev=2.0),
        wi.random_normal((100, 4), rng=2, stddev=1.0),
        wi.random_normal((100, 4), rng=1, stddev=1.0, dtype=np.float32),
    ]
    for value, want in zip(computed, expected, strict=True):
        assert value.dtype == want.dtype and np.array_equal(value, want)


def test_the_scale_page_examples_run() -> None:
    import doctest
    from pathlib import Path

    pytest.importorskip("distributed")
    pytest.importorskip("zarr")
    page = Path(__file__).resolve().parent.parent / "docs" / "scale.md"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags)
    assert result.failed == 0 and result.attempted > 0


def test_a_scalar_parameter_is_a_zero_dimensional_array() -> None:
    lazy = wid.array("random_normal", (), rng=3)
    value = lazy.compute()
    assert isinstance(value, np.ndarray) and value.shape == ()
    assert np.array_equal(value, wi.random_normal((), rng=3))
