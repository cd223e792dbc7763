"""The shared argument checks: types, values and their messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from weightinit._validation import check_int, check_option, check_real, check_rng, check_shape


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
