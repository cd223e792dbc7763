"""Every public entry point, fuzzed with arbitrary arguments.

Each call either returns a finite result of the promised shape and dtype, or
raises ``TypeError``/``ValueError`` whose message names a parameter that was
passed. Nothing else escapes: no other exception, no NumPy warning (checked
with Python's default warning filters too, not only pytest's ``error``), no
change to NumPy's error state, no import.

``WEIGHTINIT_FUZZ_EXAMPLES`` sets the examples per entry point (default
2000); the ``ci`` profile derandomizes them, so a red run reproduces.
docs/reliability.md records the counts of the last run.
"""

from __future__ import annotations

import builtins
import inspect
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from cases import COMPLEX_ONLY
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import weightinit as wi
from weightinit.initializers import MODES, NONLINEARITIES, VS_DISTRIBUTIONS

EXAMPLES = int(os.environ.get("WEIGHTINIT_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- values -------------------------------------------------------------------------------
#
# Most values come from fixed pools, one draw each: generating values costs far
# more than a call does, and the pools hold the values that break things
# (NaN, inf, huge ints, strings, None, nested lists, NumPy scalars, objects).

HUGE_INTS = [2**31, 2**63, 2**64, 10**30, -(10**30), 10**400]
EXTREME_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e200, 1e154, -1e20]
TINY_FLOATS = [5e-324, 1e-300, 1e-200, 1e-38, 0.0, -0.0]
GARBAGE = [
    *HUGE_INTS,
    *EXTREME_FLOATS,
    *TINY_FLOATS,
    None,
    True,
    False,
    -1,
    0,
    1,
    2.5,
    "",
    "x",
    "fan_in",
    "keras",
    "glorot_uniform",
    "__import__('os').system('true')",
    1 + 2j,
    b"bytes",
    [],
    [1.0],
    [[1.0, 2.0]],
    [[[]]],
    [None, "a"],
    (1, "2"),
    {},
    {"a": 1},
    {"class_name": "zeros"},
    object(),
    np.float32(np.nan),
    np.float16(7.0),
    np.int8(-3),
    np.uint64(2**64 - 1),
    np.bool_(True),
    np.array([1.0, np.nan]),
    np.array(2.0),
    np.array(["a"]),
]
garbage = st.sampled_from(GARBAGE)
SHAPES = [
    0,
    1,
    5,
    (),
    (3,),
    (2, 3),
    (3, 2),
    (0, 4),
    (4, 0),
    (1, 1),
    (8, 4),
    (4, 8),
    (2, 3, 4),
    (1, 1, 1),
    (3, 3, 4, 8),
    (4, 4, 3, 3),
    (3, 3, 0, 2),
    (2, 2, 2, 2, 2),
    [2, 3],
    (np.int64(3), np.uint8(2)),
    (0, 10**30),
    (2**21, 2**20),
    (-1, 3),
    (3, 4.0),
    (2**64, 0),
    (3, None),
    ((2,), 3),
    None,
]
valid_shapes = st.lists(st.integers(0, 6), max_size=4).map(tuple)
# Valid values are drawn more often than not, so that calls also succeed.
shapes = st.one_of(valid_shapes, valid_shapes, st.sampled_from(SHAPES), garbage)
FLOAT_DTYPES = [None, np.float16, np.float32, np.float64, "float32", "f8"]
dtypes = st.sampled_from(
    [
        *FLOAT_DTYPES,
        *FLOAT_DTYPES,
        np.dtype(">f4"),
        np.int32,
        np.int8,
        np.uint8,
        bool,
        np.complex128,
        np.longdouble,
        "M8",
        "U3",
        object,
        "not-a-dtype",
        3,
        [("a", "f8")],
        "(2,)f4",
    ]
)
seeds = st.one_of(
    st.sampled_from(
        [
            None,
            0,
            1,
            2**32,
            2**64,
            np.uint64(7),
            -1,
            np.random.SeedSequence(3),
            np.random.default_rng(4),
            np.random.PCG64(5),
            np.random.RandomState(6),
            1.0,
            "0",
        ]
    ),
    garbage,
)
axes = st.one_of(st.integers(-5, 5), st.sampled_from([(0, 1), (0,), (), (1, 1), [2, -1]]), garbage)
fans = st.one_of(st.integers(0, 20), st.integers(-3, -1), garbage)
layouts = st.one_of(st.sampled_from(["keras", "torch"]), garbage)
#: Plausible values by parameter name; every parameter also gets garbage.
OPTIONS: dict[str, list[str]] = {
    "mode": list(MODES),
    "distribution": list(VS_DISTRIBUTIONS),
    "nonlinearity": list(NONLINEARITIES),
}
PLAIN_NUMBERS = [0, 1, 2, 3, -1, -2, 0.5, -0.5, 0.05, 0.3, 1e-3, 10.0, 1e3, 1e6, 1e-8, 40.0]
numbers = st.one_of(
    st.sampled_from(PLAIN_NUMBERS),
    st.sampled_from(PLAIN_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    garbage,
)


def _out_array(shape: tuple[int, ...], dtype: Any, kind: str) -> Any:
    if kind == "view":  # negative strides, every other element
        base = np.full(tuple(2 * side for side in shape), 7, dtype=dtype)
        return base[tuple(slice(None, None, -2) for _ in shape)]
    array = np.full(shape, 7, dtype=dtype, order="F" if kind == "fortran" else "C")
    if kind == "transposed":
        return array.T
    if kind == "readonly":
        array.flags.writeable = False
    return array


#: Arrays for ``out=``: several dtypes, read-only, or non-contiguous views.
out_arrays = st.builds(
    _out_array,
    st.sampled_from([(), (0,), (3,), (2, 3), (4, 4), (3, 3, 2, 4), (4, 4, 3, 3), (2, 0, 3)]),
    st.sampled_from([np.float16, np.float32, np.float64, np.int32, np.uint8, bool]),
    st.sampled_from(["plain", "view", "fortran", "transposed", "readonly"]),
)


def param_values(name: str) -> st.SearchStrategy[Any]:
    if name in OPTIONS:
        return st.one_of(st.sampled_from(OPTIONS[name]), st.sampled_from(OPTIONS[name]), garbage)
    return numbers


# --- the contract ------------------------------------------------------------------------


def names_one_of(message: str, names: Any) -> bool:
    """Whether ``message`` names one of ``names`` as a word."""
    spellings = {str(n) for n in names} | {repr(n) for n in names if isinstance(n, str)}
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message) for n in spellings)


@contextmanager
def no_imports() -> Iterator[None]:
    """Fail on any import while the block runs (configs must never import)."""
    real = builtins.__import__
    before = set(sys.modules)

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name not in sys.modules:
            raise AssertionError(f"an import of {name!r} was attempted")
        return real(name, *args, **kwargs)

    builtins.__import__ = refuse
    try:
        yield
    finally:
        builtins.__import__ = real
    assert set(sys.modules) == before


#: Calls per entry point: [returned, refused]. Written to the file named by
#: WEIGHTINIT_FUZZ_REPORT, if set, when the module's tests end.
COUNTS: dict[str, list[int]] = {}


def record(entry: str, returned: bool) -> None:
    COUNTS.setdefault(entry, [0, 0])[0 if returned else 1] += 1


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    path = os.environ.get("WEIGHTINIT_FUZZ_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as report:
            json.dump({"examples": EXAMPLES, "calls": COUNTS}, report, indent=1, sort_keys=True)


def call_checked(call: Callable[[], Any], names: Any) -> tuple[bool, Any]:
    """Run ``call``; return (True, result) or (False, error) when it raised a named error.

    Anything but ``TypeError``/``ValueError`` propagates; so does a warning,
    recorded under Python's default filters, and any change of NumPy's error
    state.
    """
    state = np.geterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except (TypeError, ValueError) as error:
            message = str(error)
            assert names_one_of(message, names), (
                f"{type(error).__name__}: {message!r} names none of {sorted(map(str, names))}"
            )
            return False, error
        finally:
            assert np.geterr() == state
    assert not caught, [str(w.message) for w in caught]
    return True, result


def assert_finite_array(result: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
    assert isinstance(result, np.ndarray)
    assert result.shape == shape, (result.shape, shape)
    assert result.dtype == dtype, (result.dtype, dtype)
    if result.dtype.kind in "fc":
        assert np.isfinite(result).all()


# --- initializers --------------------------------------------------------------------------

# The fuzzed calls draw real dtypes; complex-only schemes are fuzzed in tests/test_complex.py.
INITIALIZERS = [wi.get(name) for name in wi.available() if name not in COMPLEX_ONLY]


@st.composite
def initializer_calls(draw: st.DrawFn, init: wi.Initializer) -> dict[str, Any]:
    """Keyword arguments for a call: each present or absent, plausible or garbage."""
    candidates: dict[str, st.SearchStrategy[Any]] = {
        "shape": shapes,
        "dtype": dtypes,
        "rng": seeds,
        "layout": layouts,
        "in_axis": axes,
        "out_axis": axes,
        "batch_axis": axes,
        "input_axes": axes,
        "output_axes": axes,
        "fan_in_axes": axes,
        "fan_in": fans,
        "fan_out": fans,
        "out": st.one_of(out_arrays, garbage),
        **{p.name: param_values(p.name) for p in init.params},
    }
    keys = list(candidates)
    # One draw decides which arguments are given; shape is given 3 times in 4,
    # an unknown keyword once in 4.
    mask = draw(st.integers(0, 2 ** (len(keys) + 3) - 1))
    rare = draw(st.integers(0, 2 ** len(keys) - 1)) | draw(st.integers(0, 2 ** len(keys) - 1))
    given = [
        key
        for bit, key in enumerate(keys)
        if mask >> bit & 1 and (key in ("shape", "dtype", "rng") or rare >> bit & 1 == 0)
    ]
    if mask >> len(keys) & 1 and "shape" not in given:
        given.append("shape")
    kwargs = {key: draw(candidates[key]) for key in given}
    if mask >> (len(keys) + 1) & 3 == 3:
        kwargs[draw(st.sampled_from(["scale", "seed", "Shape", "dtype_", "x"]))] = 1.0
    return kwargs


#: Valid requests above this many elements are left out: they are correct and slow.
LARGEST = 4096


def small_enough(kwargs: Mapping[str, Any]) -> bool:
    """Whether a call asks for at most LARGEST elements, or for something invalid."""
    shape = kwargs.get("shape")
    try:
        if shape is None:
            dims = (wi._validation.check_int("fan_in", kwargs.get("fan_in")),)
            dims += (wi._validation.check_int("fan_out", kwargs.get("fan_out")),)
        else:
            dims = wi._validation.check_shape(shape)
    except (TypeError, ValueError):
        return True
    return not LARGEST < math.prod(dims) <= wi.MAX_ELEMENTS or min(dims, default=1) < 0


def expected_layout(init: wi.Initializer, kwargs: Mapping[str, Any]) -> tuple[tuple[int, ...], Any]:
    """The shape and dtype a successful call must return."""
    out = kwargs.get("out")
    if isinstance(out, np.ndarray):
        return out.shape, out.dtype
    shape = kwargs.get("shape")
    if shape is None:
        fan_in, fan_out = int(kwargs["fan_in"]), int(kwargs["fan_out"])
        layout = kwargs.get("layout", init.layout)
        dims = (fan_out, fan_in) if layout == "torch" else (fan_in, fan_out)
    else:
        dims = (int(shape),) if not isinstance(shape, (tuple, list)) else tuple(map(int, shape))
    dtype = kwargs.get("dtype")
    return dims, np.dtype(np.float64 if dtype is None else dtype)


def required_params(init: wi.Initializer) -> list[str]:
    """Parameters without a default: a message may name them though nobody passed them."""
    return [p.name for p in init.params if p.name not in init.defaults()]


def check_call(init: wi.Initializer, kwargs: dict[str, Any]) -> None:
    ok, result = call_checked(lambda: init(**kwargs), [*kwargs, "shape", *required_params(init)])
    record(f"{init.name}()", ok)
    if ok:
        assert_finite_array(result, *expected_layout(init, kwargs))
        if isinstance(kwargs.get("out"), np.ndarray):
            assert result is kwargs["out"]


def check_moment(init: wi.Initializer, method: str, kwargs: dict[str, Any]) -> None:
    kwargs = {k: v for k, v in kwargs.items() if k not in ("dtype", "rng", "out")}
    allowed = [*kwargs, "shape", *required_params(init)]
    ok, result = call_checked(lambda: getattr(init, method)(**kwargs), allowed)
    record(f"{init.name}.{method}()", ok)
    if ok and method != "distribution":
        assert isinstance(result, float) and math.isfinite(result), result
        if method == "variance":
            assert result >= 0.0


def check_partial(init: wi.Initializer, kwargs: dict[str, Any]) -> None:
    kwargs = {k: v for k, v in kwargs.items() if k not in ("shape", "fan_in", "fan_out", "out")}
    ok, made = call_checked(lambda: init.partial(**kwargs), kwargs)
    record(f"{init.name}.partial()", ok)
    if ok:
        assert isinstance(made, wi.Initializer) and made.name == init.name
        allowed = [*kwargs, "shape", "rng", *required_params(made)]
        ok, result = call_checked(lambda: made((3, 2), rng=0), allowed)
        if ok:
            dtype = np.dtype(np.float64 if kwargs.get("dtype") is None else kwargs["dtype"])
            assert_finite_array(result, (3, 2), dtype)


@pytest.mark.parametrize("init", INITIALIZERS, ids=[i.name for i in INITIALIZERS])
@FUZZ
@given(data=st.data())
def test_initializer(init: wi.Initializer, data: st.DataObject) -> None:
    """One set of arguments, given to a call and to mean, variance, distribution and partial."""
    kwargs = data.draw(initializer_calls(init))
    assume(small_enough(kwargs))
    check_call(init, kwargs)
    for method in ("mean", "variance", "distribution"):
        check_moment(init, method, kwargs)
    check_partial(init, kwargs)


# --- every other entry point, as (name, function, argument strategy) ------------------------


@dataclass(frozen=True)
class EntryPoint:
    """A public function and the keyword arguments to fuzz it with."""

    name: str
    function: Callable[..., Any]
    arguments: st.SearchStrategy[dict[str, Any]]
    check: Callable[[Any, dict[str, Any]], None] = lambda result, kwargs: None

    def __repr__(self) -> str:
        return self.name


def keyword_arguments(
    required: Mapping[str, st.SearchStrategy[Any]] | None = None,
    **optional: st.SearchStrategy[Any],
) -> st.SearchStrategy[dict[str, Any]]:
    """The ``required`` arguments, and each ``optional`` one present or absent."""
    return st.fixed_dictionaries(dict(required or {}), optional=optional)


def fans_are_ints(result: Any, kwargs: dict[str, Any]) -> None:
    assert isinstance(result, tuple) and len(result) == 2
    assert all(type(fan) is int and fan >= 0 for fan in result)


def finite_float(result: Any, kwargs: dict[str, Any]) -> None:
    assert isinstance(result, float) and math.isfinite(result), result


NAMES = sorted(wi.registry.names())
names = st.one_of(st.sampled_from(NAMES), st.text(max_size=12), garbage)
inner_keys = st.one_of(
    st.sampled_from(
        [
            *("seed", "rng", "dtype", "scale", "mode", "distribution", "mean", "stddev"),
            *("value", "minval", "maxval", "gain", "input_axes", "output_axes", "sparsity"),
            *("a", "b"),
        ]
    ),
    st.text(max_size=6),
)
configs = st.one_of(
    st.fixed_dictionaries(
        {"class_name": names},
        optional={
            "module": st.one_of(
                st.sampled_from(["keras.initializers", "weightinit", "os", "builtins"]), garbage
            ),
            "config": st.one_of(
                st.dictionaries(inner_keys, st.one_of(numbers, st.sampled_from(MODES), garbage)),
                garbage,
            ),
            "registered_name": st.one_of(st.sampled_from(["os.system", "eval"]), garbage),
        },
    ),
    st.dictionaries(st.text(max_size=12), garbage, max_size=3),
    names,
)


def config_names(kwargs: dict[str, Any]) -> list[Any]:
    """What an error about ``kwargs`` may name: arguments, config keys, the name given."""
    found: list[Any] = list(kwargs)
    for value in kwargs.values():
        if isinstance(value, Mapping):
            found += [*value, "config", "class_name"]
            inner = value.get("config")
            if isinstance(inner, Mapping):
                found += list(inner)
            if isinstance(value.get("class_name"), str):
                found.append(repr(value["class_name"]))
        elif isinstance(value, str):
            found.append(repr(value))
    return found


def resolved_initializer_works(result: Any, kwargs: dict[str, Any]) -> None:
    """What get/deserialize give back can be called (or refuses cleanly)."""
    if isinstance(result, wi.Initializer):
        allowed = config_names(kwargs) + ["shape", "rng"] + [p.name for p in result.params]
        call_checked(lambda: result((3, 2), rng=0), allowed)


def _bound(init: wi.Initializer, seed: int) -> Any:
    try:
        return init.partial(rng=seed)
    except (TypeError, ValueError):
        return init


serializable = st.one_of(
    garbage,
    st.floats(),
    st.builds(_bound, st.sampled_from(INITIALIZERS), st.integers(0, 2**64)),
    st.builds(lambda f: lambda shape: f, st.floats()),  # unregistered callables
)


def round_trips(result: Any, kwargs: dict[str, Any]) -> None:
    """What serialize writes is JSON and reads back as an initializer making the same arrays."""
    json.dumps(result)
    init, back = kwargs["init"], wi.deserialize(result)
    if init is None:
        assert back is None
        return
    if required_params(init):
        return
    for shape in ((3, 3, 4, 8), (4, 8)):
        try:
            expected = init(shape, rng=None if init.defaults() else 0)
        except ValueError:  # a shape this scheme does not take
            continue
        np.testing.assert_array_equal(back(shape, rng=None if back.defaults() else 0), expected)
        return


ENTRY_POINTS = [
    EntryPoint(
        "compute_fans",
        wi.compute_fans,
        keyword_arguments(
            {"shape": shapes},
            layout=layouts,
            in_axis=axes,
            out_axis=axes,
            batch_axis=axes,
            input_axes=axes,
            output_axes=axes,
            fan_in_axes=axes,
        ),
        fans_are_ints,
    ),
    EntryPoint(
        "calculate_gain",
        wi.calculate_gain,
        keyword_arguments(
            {"nonlinearity": st.one_of(st.sampled_from(NONLINEARITIES), garbage)}, param=numbers
        ),
        finite_float,
    ),
    EntryPoint(
        "get", wi.get, keyword_arguments({"identifier": configs}), resolved_initializer_works
    ),
    EntryPoint(
        "deserialize",
        wi.deserialize,
        keyword_arguments({"config": configs}),
        resolved_initializer_works,
    ),
    EntryPoint(
        "serialize",
        wi.serialize,
        keyword_arguments({"init": serializable}),
        round_trips,
    ),
]


def signature_arguments(function: Callable[..., Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Plausible-or-garbage values for every keyword parameter of ``function``."""
    keywords = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    return keyword_arguments(
        {p.name: param_values(p.name) for p in keywords if p.default is p.empty},
        **{p.name: param_values(p.name) for p in keywords if p.default is not p.empty},
    )


# Later entry points join the list as they exist.
for _name in ("gain", "propagate"):
    if callable(getattr(wi, _name, None)):  # weightinit.gain is a module until then
        ENTRY_POINTS.append(
            EntryPoint(_name, getattr(wi, _name), signature_arguments(getattr(wi, _name)))
        )


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[e.name for e in ENTRY_POINTS])
@FUZZ
@given(data=st.data())
def test_entry_point(entry: EntryPoint, data: st.DataObject) -> None:
    kwargs = data.draw(entry.arguments)
    with no_imports():
        ok, result = call_checked(lambda: entry.function(**kwargs), config_names(kwargs))
    record(f"{entry.name}()", ok)
    if ok:
        entry.check(result, kwargs)


@pytest.mark.parametrize("name", ["gain", "propagate"])
def test_later_entry_points_are_fuzzed_once_they_exist(name: str) -> None:
    if not callable(getattr(wi, name, None)):
        pytest.skip(f"weightinit.{name} does not exist yet")
    assert name in [entry.name for entry in ENTRY_POINTS]


# --- register ---------------------------------------------------------------------------------


@FUZZ
@given(
    name=names,
    aliases=st.one_of(st.lists(names, max_size=3).map(tuple), garbage),
    overwrite=st.one_of(st.booleans(), garbage),
)
def test_register(name: Any, aliases: Any, overwrite: Any) -> None:
    def user_init(shape: Any, dtype: Any = None, rng: Any = None) -> Any:
        return np.zeros(shape, dtype=dtype)

    kwargs = {"name": name, "aliases": aliases, "overwrite": overwrite}
    before = wi.registry.names()
    ok, decorate = call_checked(
        lambda: wi.register(name, aliases=aliases, overwrite=overwrite), kwargs
    )
    record("register()", ok)
    if not ok:
        assert wi.registry.names() == before
        return
    ok, registered = call_checked(lambda: decorate(user_init), [*kwargs, "name", "alias"])
    if not ok:
        assert wi.registry.names() == before
        return
    try:
        assert wi.get(name) is registered
        for alias in aliases:
            assert wi.get(alias) is registered
    finally:
        wi.registry.unregister(name)
    assert wi.registry.names() == before


# --- what the fuzz found, pinned ---------------------------------------------------------------

REFUSED: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (lambda: wi.calculate_gain("leaky_relu", 10**400), ValueError, "param must be finite"),
    (lambda: wi.serialize(object()), ValueError, "init must be registered"),
    (lambda: wi.register("ok_name", aliases=(None,)), TypeError, r"aliases\[0\] must be a str"),
    (lambda: wi.he_normal(out=np.zeros(2, np.int32)), TypeError, "out.dtype must be float16"),
    (lambda: wi.he_normal(out=np.zeros(2), dtype=3), TypeError, "dtype must be float16"),
    (lambda: wi.zeros((0, 10**30)), ValueError, r"shape\[1\]=1000"),
    (lambda: wi.he_normal((0, 2**64)), ValueError, "shape must have dimensions of at most"),
    (lambda: wi.he_normal(shape=0, fan_out=10**400), ValueError, "fan_out must be an int <="),
    (lambda: wi.he_normal(fan_in=2**30, fan_out=2**30), ValueError, "fan_in and fan_out give"),
    (lambda: wi.jax_normal(4, stddev=1e308), ValueError, "jax_normal with stddev=1e"),
    (lambda: wi.random_uniform(4, minval=-1e308, maxval=1e308), ValueError, "minval=-1e"),
    (lambda: wi.random_normal(4, stddev=1e5, dtype=np.float16), ValueError, "dtype=float16"),
    (lambda: wi.jax_normal.variance(3, 3, stddev=1e200), ValueError, "variance of jax_normal"),
    (lambda: wi.kaiming_normal(4, a=1e200), ValueError, "a=1e"),
    (lambda: wi.xavier_uniform(4, gain=1e-200), ValueError, "gain=1e-200"),
    (lambda: wi.uniform_scaling(4, scale=1e200), ValueError, "scale=1e"),
    (lambda: wi.truncated_normal.mean(shape=0, mean=2.0**50 + 1), ValueError, "mean="),
    (lambda: wi.trunc_normal(3, std=1e-300, a=1e10, b=2e10), ValueError, "std=1e-300"),
    (lambda: wi.get(np.float32(np.nan)), ValueError, "identifier is an array"),
    (lambda: wi.he_normal(fan_in=2, fan_out=2, layout=np.ones(2)), TypeError, "layout must be"),
    (lambda: wi.torch_constant(out=np.zeros((), bool), val=2.0), ValueError, "val=2.0"),
    (lambda: wi.trunc_normal(3, std=3.5e38, dtype=np.float16), ValueError, "std=3.5e"),
]


@pytest.mark.parametrize(("call", "error", "match"), REFUSED)
def test_found_refusals_name_the_parameter(
    call: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()


def test_found_cases_that_must_work() -> None:
    assert wi.calculate_gain("leaky_relu", 1e200) == 0.0  # the limit of sqrt(2 / (1 + a^2))
    w = wi.trunc_normal((2000,), std=2.874682088573165e16, rng=0)  # ~U(-2, 2)
    assert abs(w).max() <= 2.0 and abs(w.var() - 4 / 3) < 0.2
    assert math.isclose(wi.trunc_normal.variance(2, 2, std=1e17), 4 / 3, rel_tol=1e-9)
    w = wi.truncated_normal((100,), lower=-4.361420416190539e-63, upper=0.0, rng=0)
    assert w.shape == (100,) and np.isfinite(w).all()
    # A bound beyond float16's range excludes nothing a float16 holds (no overflow warning).
    w = wi.trunc_normal((1000,), a=-1e6, b=1e6, dtype=np.float16, rng=0)
    assert np.isfinite(w).all() and abs(float(w.astype(np.float64).std()) - 1.0) < 0.2
    assert np.isfinite(wi.trunc_normal(out=np.zeros((), dtype=np.float16), b=1e6, rng=0))
    assert wi.dirac((0, 1, 1)).shape == (0, 1, 1)
    assert wi.dirac((3, 0, 2, 2)).shape == (3, 0, 2, 2)
    assert wi.delta_orthogonal((0, 0, 0), in_axis=0).shape == (0, 0, 0)
    with pytest.raises(ValueError, match="empty shape"):
        wi.delta_orthogonal.variance(shape=(3, 3, 0, 0))
    # A parameter without default may be left for the call.
    assert wi.sparse.partial(std=0.1)((4, 4), sparsity=0.5, rng=0).shape == (4, 4)
    assert wi.deserialize({"class_name": "torch_constant"})((2,), val=0.5).tolist() == [0.5, 0.5]
    assert wi.deserialize(wi.serialize(None)) is None
