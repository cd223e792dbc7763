"""compute_fans: Keras, PyTorch and explicit-axis semantics, and its errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi

shapes = st.lists(st.integers(0, 9), min_size=0, max_size=6).map(tuple)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((784, 256), (784, 256)),
        ((3, 3, 64, 128), (576, 1152)),
        ((5, 16, 32), (80, 160)),
        ((2, 3, 4, 5, 6), (2 * 3 * 4 * 5, 2 * 3 * 4 * 6)),
        ((0, 5), (0, 5)),
        (10, (10, 10)),
    ],
)
def test_keras_layout(shape: object, expected: tuple[int, int]) -> None:
    assert wi.compute_fans(shape) == expected


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((256, 784), (784, 256)),
        ((128, 64, 3, 3), (576, 1152)),
        ((32, 16, 5), (80, 160)),
    ],
)
def test_torch_layout(shape: tuple[int, ...], expected: tuple[int, int]) -> None:
    assert wi.compute_fans(shape, layout="torch") == expected


@given(shapes)
def test_keras_fans_match_hand_formula(shape: tuple[int, ...]) -> None:
    if len(shape) == 0:
        expected = (1, 1)
    elif len(shape) == 1:
        expected = (shape[0], shape[0])
    else:
        receptive = math.prod(shape[:-2])
        expected = (receptive * shape[-2], receptive * shape[-1])
    assert wi.compute_fans(shape) == expected


@given(shapes.filter(lambda s: len(s) >= 2))
def test_torch_fans_match_hand_formula(shape: tuple[int, ...]) -> None:
    receptive = math.prod(shape[2:])
    assert wi.compute_fans(shape, layout="torch") == (receptive * shape[1], receptive * shape[0])


@given(shapes.filter(lambda s: len(s) >= 2))
def test_default_axes_equal_layout(shape: tuple[int, ...]) -> None:
    rank = len(shape)
    assert wi.compute_fans(shape, in_axis=-2, out_axis=-1) == wi.compute_fans(shape)
    assert wi.compute_fans(shape, in_axis=1, out_axis=0) == wi.compute_fans(shape, layout="torch")
    assert wi.compute_fans(shape, in_axis=rank - 2) == wi.compute_fans(shape)


def test_explicit_axes_as_jax() -> None:
    # JAX: fan_in = prod(shape[in_axis]) * receptive, receptive = the other axes.
    shape = (2, 3, 4, 5)
    assert wi.compute_fans(shape, in_axis=(0, 1), out_axis=3) == (2 * 3 * 4, 5 * 4)
    assert wi.compute_fans(shape, in_axis=0, out_axis=(2, 3)) == (2 * 3, 4 * 5 * 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"shape": (2, 3), "layout": "jax"},
            ValueError,
            "layout must be one of 'keras', 'torch'; got layout='jax'",
        ),
        ({"shape": (2, 3), "layout": 1}, TypeError, "layout must be one of"),
        ({"shape": (2, 3), "in_axis": 2}, ValueError, r"in_axis must be in \[-2, 1\]"),
        ({"shape": (2, 3, 4), "batch_axis": 1}, ValueError, "batch_axis must not be an input"),
        ({"shape": (2, 3, 4), "in_axis": (0, 0)}, ValueError, "must not repeat"),
        ({"shape": (2, 3, 4), "out_axis": ()}, ValueError, "at least one axis"),
        ({"shape": (2, 3), "in_axis": 0.0}, TypeError, "in_axis must be an int"),
        ({"shape": (2, 3), "in_axis": True}, TypeError, "in_axis must be an int"),
        ({"shape": (5,), "in_axis": 0}, ValueError, "rank >= 2"),
        ({"shape": (2, -3)}, ValueError, r"non-negative ints; got shape\[1\]=-3"),
        ({"shape": (2.0, 3)}, TypeError, r"shape\[0\]=2.0 \(type=float\)"),
        ({"shape": (True, 3)}, TypeError, "only ints"),
        ({"shape": "23"}, TypeError, "shape must be an int or a tuple of ints"),
        ({"shape": None}, TypeError, "shape must be an int or a tuple of ints"),
        ({"shape": (2**30, 2**30, 2)}, ValueError, "at most 1099511627776"),
    ],
)
def test_errors(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    shape = kwargs.pop("shape")
    with pytest.raises(error, match=match):
        wi.compute_fans(shape, **kwargs)  # type: ignore[arg-type]
