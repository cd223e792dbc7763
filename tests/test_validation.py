"""The shared argument checks: types, values and their messages."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit._validation import (
    MAX_DIMS,
    check_int,
    check_option,
    check_real,
    check_rng,
    check_shape,
    describe,
    shown,
)


def test_check_shape_normalises() -> None:
    assert check_shape(3) == (3,)
    assert check_shape(np.int64(3)) == (3,)
    assert check_shape([2, np.int32(4)]) == (2, 4)
    assert check_shape(()) == ()
    assert all(type(d) is int for d in check_shape((np.int16(2), 3)))


def test_check_shape_limit_before_allocating() -> None:
    assert check_shape((2**20, 2**20)) == (2**20, 2**20)  # exactly the limit
    with pytest.raises(ValueError, match="at most"):
        check_shape((2**20, 2**20, 2))


@pytest.mark.parametrize("value", [True, "1", None, 1 + 0j, [1.0]])
def test_check_real_types(value: object) -> None:
    with pytest.raises(TypeError, match="scale must be a real number"):
        check_real("scale", value)


def test_check_real_values() -> None:
    assert check_real("x", np.float32(0.5)) == 0.5
    with pytest.raises(ValueError, match="not NaN"):
        check_real("x", math.nan)
    with pytest.raises(ValueError, match="x must be finite; got x=inf"):
        check_real("x", math.inf)
    assert check_real("x", -math.inf, allow_inf=True) == -math.inf
    with pytest.raises(ValueError, match="scale must be > 0; got scale=-1"):
        check_real("scale", -1, positive=True)
    with pytest.raises(ValueError, match="must be >= 0"):
        check_real("x", -0.5, nonnegative=True)
    with pytest.raises(ValueError, match=r"must be <= 1\.0"):
        check_real("x", 1.5, at_most=1.0)


def test_check_option_message() -> None:
    with pytest.raises(
        ValueError,
        match=r"mode must be one of 'fan_avg', 'fan_geo_avg', 'fan_in', 'fan_out'; got mode='fan_sum'\.",
    ):
        check_option("mode", "fan_sum", ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"))
    with pytest.raises(TypeError, match="mode must be one of"):
        check_option("mode", None, ("fan_in",))


def test_check_int() -> None:
    assert check_int("n", np.uint8(3)) == 3
    with pytest.raises(TypeError, match=r"n must be an int; got n=3.0 \(type=float\)"):
        check_int("n", 3.0)
    with pytest.raises(ValueError, match="n must be an int >= 1; got n=0"):
        check_int("n", 0, minimum=1)


def test_check_rng_accepts_spec7_types() -> None:
    gen = np.random.default_rng(0)
    assert check_rng(gen) is gen
    assert isinstance(check_rng(None), np.random.Generator)
    assert isinstance(check_rng(np.random.SeedSequence(1)), np.random.Generator)
    assert isinstance(check_rng(np.random.PCG64(1)), np.random.Generator)
    assert isinstance(check_rng(np.int64(5)), np.random.Generator)


@pytest.mark.parametrize(
    ("rng", "error"),
    [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError), ([1, 2], TypeError)],
)
def test_check_rng_refuses(rng: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="rng"):
        check_rng(rng)


# --- messages show any value in bounded space -----------------------------------------------


def nested(depth: int) -> list[Any]:
    """``[[[...]]]``, ``depth`` lists deep (far beyond the recursion limit if asked)."""
    outer: list[Any] = []
    inner = outer
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return outer


DEEP = nested(100_000)
DEEP_CASES: dict[str, tuple[Callable[[], object], str]] = {
    "990-deep constant value (json.loads accepts it)": (
        lambda: wi.get({"class_name": "constant", "config": {"value": nested(990)}}),
        "value",
    ),
    "shape": (lambda: wi.he_normal(DEEP), "shape"),
    "scheme parameter": (lambda: wi.random_normal((2, 2), stddev=DEEP), "stddev"),
    "identifier": (lambda: wi.get(DEEP), "identifier"),
    "config rng": (lambda: wi.get({"class_name": "he_normal", "config": {"rng": DEEP}}), "rng"),
    "config layout": (
        lambda: wi.get({"class_name": "he_normal", "config": {"layout": DEEP}}),
        "layout",
    ),
    "config dtype": (
        lambda: wi.get({"class_name": "he_normal", "config": {"dtype": DEEP}}),
        "dtype",
    ),
    "config scale": (
        lambda: wi.get({"class_name": "variance_scaling", "config": {"scale": DEEP}}),
        "scale",
    ),
    "partial of a deep value": (lambda: wi.serialize(wi.constant.partial(value=DEEP)), "value"),
    "in_axis": (lambda: wi.he_normal((2, 2), in_axis=DEEP), "in_axis"),
    "region": (lambda: wi.he_normal((2, 2), region=(slice(0, 1), DEEP)), "region"),
    "10**7-character name": (lambda: wi.get("x" * 10**7), "name"),
    "10**7-character option": (lambda: wi.he_normal((2, 2), layout="k" * 10**7), "layout"),
    "10**6-element list": (lambda: wi.he_normal((2, 2), rng=[0] * 10**6), "rng"),
    "int of 5000 digits": (lambda: wi.he_normal(10**5000), "shape"),
    "negative int of 5000 digits": (lambda: wi.he_normal((2, -(10**5000))), "shape"),
}


@pytest.mark.parametrize("case", DEEP_CASES, ids=list(DEEP_CASES))
def test_messages_are_bounded_whatever_the_value(case: str) -> None:
    call, parameter = DEEP_CASES[case]
    with pytest.raises((TypeError, ValueError)) as raised:
        call()
    message = str(raised.value)
    assert parameter in message
    assert len(message) < 600, len(message)


def test_shown_bounds_length_and_depth() -> None:
    class Unprintable:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert shown(DEEP) == "[[[[...]]]]"
    assert len(shown("x" * 10**7)) <= 80
    assert len(shown(b"x" * 10**7)) <= 80
    assert shown(10**5000) == "<int of about 5001 digits>"
    assert shown(Unprintable()) == "<Unprintable object>"
    assert describe("value", Unprintable()) == "value=<Unprintable object> (type=Unprintable)"
    assert shown((1, 2.5, "a")) == repr((1, 2.5, "a"))  # short values as repr shows them


# --- region= -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "error", "match"),
    [
        (slice(0, 10, 0), ValueError, r"region slices must have step 1; got region\[0\]="),
        (slice(0, 10, 2), ValueError, r"region slices must have step 1"),
        (slice(1.5, 3), TypeError, r"region\[0\]\.start=1\.5 \(type=float\)"),
        (slice(0, "3"), TypeError, r"region\[0\]\.stop='3' \(type=str\)"),
        (slice(True, 3), TypeError, r"region\[0\]\.start=True \(type=bool\)"),
        ((slice(0, 2), slice(0, np.True_)), TypeError, r"region\[1\]\.stop=.*bool"),
        (slice(0, 3, 1.0), TypeError, r"region\[0\]\.step=1\.0 \(type=float\)"),
    ],
    ids=["step 0", "step 2", "float start", "str stop", "bool start", "numpy bool", "float step"],
)
def test_region_bounds_are_checked(region: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        wi.he_normal((20, 20), rng=0, region=region)


def test_region_accepts_numpy_ints_and_none() -> None:
    full = wi.he_normal((20, 20), rng=0)
    np.testing.assert_array_equal(
        wi.he_normal((20, 20), rng=0, region=slice(np.int64(2), None, np.int8(1))), full[2:]
    )


# --- dtype byte order ---------------------------------------------------------------------


@pytest.mark.parametrize("char", ["f2", "f4", "f8"])
def test_non_native_byte_order_is_named(char: str) -> None:
    swapped = np.dtype(char).newbyteorder("S")  # '>f4' on little-endian machines
    native = np.dtype(char).name
    with pytest.raises(TypeError, match="byte order") as raised:
        wi.he_normal((2, 2), dtype=swapped, rng=0)
    assert f"got dtype={swapped.str!r}" in str(raised.value)
    assert f"pass dtype={native!r} instead" in str(raised.value)
    with pytest.raises(TypeError, match=r"out\.dtype must be .* byte order") as raised:
        wi.he_normal(out=np.zeros((2, 2), dtype=swapped), rng=0)
    assert f"dtype {native}" in str(raised.value)


@pytest.mark.skipif(sys.byteorder != "little", reason="'>f4' is native on big-endian machines")
def test_big_endian_string_is_named() -> None:
    with pytest.raises(TypeError, match=r"got dtype='>f4' \(float32 in big-endian byte order"):
        wi.he_normal((2, 2), dtype=">f4", rng=0)


# --- the number of dimensions -----------------------------------------------------------------


def test_max_dims_is_numpys_own_limit() -> None:
    expected = 64 if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else 32
    assert expected == MAX_DIMS
    np.empty((1,) * MAX_DIMS)
    with pytest.raises(ValueError):
        np.empty((1,) * (MAX_DIMS + 1))


def test_more_dims_than_numpy_allows_is_refused() -> None:
    assert wi.zeros((1,) * MAX_DIMS).ndim == MAX_DIMS
    assert check_shape([1] * MAX_DIMS) == (1,) * MAX_DIMS
    with pytest.raises(
        ValueError, match=f"shape must have at most {MAX_DIMS} dimensions"
    ) as raised:
        wi.he_normal((1,) * (MAX_DIMS + 1), rng=0)
    assert f"with {MAX_DIMS + 1} dimensions" in str(raised.value)
    with pytest.raises(ValueError, match="at most"):
        wi.compute_fans([2] * 1000)


# --- partial checks what it binds ---------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"in_axis": "x"},
        {"out_axis": 1.5},
        {"in_axis": ()},
        {"out_axis": (0, True)},
        {"in_axis": [0, None]},
        {"layout": "jax"},
        {"dtype": "int32"},
        {"dtype": np.dtype("f4").newbyteorder("S")},
        {"rng": -1},
        {"scale": -1.0},
    ],
    ids=repr,
)
def test_partial_checks_what_it_binds_as_a_call_does(kwargs: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ValueError)) as at_call:
        wi.variance_scaling((3, 4), **kwargs)
    with pytest.raises(type(at_call.value)) as at_bind:
        wi.variance_scaling.partial(**kwargs)
    assert str(at_bind.value) == str(at_call.value)


def test_keras_axes_are_checked_under_their_own_name() -> None:
    with pytest.raises(TypeError, match=r"input_axes must be an int; got input_axes='x'"):
        wi.get({"class_name": "VarianceScaling", "config": {"input_axes": "x"}})
    with pytest.raises(ValueError, match=r"output_axes must name at least one axis"):
        wi.get({"class_name": "VarianceScaling", "config": {"output_axes": []}})
    made = wi.get({"class_name": "VarianceScaling", "config": {"input_axes": [0, 1]}})
    assert made.get_config()["input_axes"] == [0, 1]


def test_a_deprecated_dtype_spelling_is_refused_not_warned_of() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="dtype must be"):
            wi.zeros((2, 2), dtype="a")
