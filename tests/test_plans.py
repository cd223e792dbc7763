"""A call's plan is kept per argument set: a repeated call is checked exactly as a first one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit import _call


def _fresh(name: str) -> wi.Initializer:
    """The registered initializer as a new object, with no kept plans."""
    return wi.get(name).partial()


@pytest.mark.parametrize(
    ("first", "second", "error"),
    [
        ({"shape": (4, 4)}, {"shape": (4.0, 4.0)}, TypeError),
        ({"shape": (4, 4)}, {"shape": (True, 4)}, TypeError),
        ({"shape": 3, "scale": 2.0}, {"shape": 3, "scale": True}, TypeError),
        ({"shape": 3, "mode": "fan_in"}, {"shape": 3, "mode": "fan_inn"}, ValueError),
        ({"shape": (4, 4), "dtype": "float32"}, {"shape": (4, 4), "dtype": "int32"}, TypeError),
        ({"shape": (4, 4), "region": slice(0, 2)}, {"shape": (4, 4), "region": slice(0, 9)}, None),
        ({"shape": (4, 4), "progress": False}, {"shape": (4, 4), "progress": 0}, TypeError),
    ],
)
def test_a_kept_plan_never_lets_a_different_argument_through(
    first: dict[str, Any], second: dict[str, Any], error: type[Exception] | None
) -> None:
    init = _fresh("variance_scaling")
    init(**first, rng=0)
    init(**first, rng=0)  # now kept
    if error is None:  # accepted: the same as an initializer that never saw `first`
        np.testing.assert_array_equal(
            init(**second, rng=1), _fresh("variance_scaling")(**second, rng=1)
        )
        return
    with pytest.raises(error) as kept:
        init(**second, rng=0)
    with pytest.raises(error) as fresh:
        _fresh("variance_scaling")(**second, rng=0)
    assert str(kept.value) == str(fresh.value)


def test_zero_and_negative_zero_are_different_arguments() -> None:
    init = _fresh("constant")
    assert not np.signbit(init(3, value=0.0)).any()
    assert np.signbit(init(3, value=-0.0)).all()


def test_a_kept_plan_still_refuses_a_read_only_or_foreign_out() -> None:
    init = _fresh("glorot_uniform")
    out = np.empty((8, 8))
    init(out=out, rng=0)
    init(out=out, rng=0)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        init(out=out, rng=0)
    with pytest.raises(ValueError, match=r"out\.shape"):
        init((8, 8), out=np.empty((8, 9)), rng=0)


def test_kept_plans_give_the_values_of_a_first_call_and_stay_bounded() -> None:
    init = _fresh("he_normal")
    for size in range(1, _call.MAX_PLANS + 40):
        shape = (size % 7 + 1, size)
        first = init(shape, rng=size)
        assert np.array_equal(first, init(shape, rng=size))
        assert np.array_equal(first, _fresh("he_normal")(shape, rng=size))
    assert 0 < len(init._plans) <= _call.MAX_PLANS


def test_arguments_that_cannot_be_keyed_exactly_are_checked_every_time() -> None:
    init = _fresh("constant")
    value = np.array([1.0, 2.0])
    assert np.array_equal(init(2, value=value), [1.0, 2.0])
    value[0] = np.nan  # the same array object, another value: never served from a plan
    with pytest.raises(ValueError, match="finite"):
        init(2, value=value)
    assert not init._plans
