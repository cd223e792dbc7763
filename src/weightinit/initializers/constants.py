"""The constant schemes: zeros, ones, a constant, and a fixed array.

They draw nothing: every element is given (``random=False``), in any numeric
dtype that holds it exactly.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._define import scheme
from .._initializer import REQUIRED, Param
from .._names import Aliases, SchemeInfo
from .._validation import check_number, describe, shown
from ..distributions import Constant, Distribution
from ..fans import Geometry
from ._docs import KERAS, doctests

__all__ = ["constant", "fixed", "ones", "zeros"]


def _constant_value(name: str, value: Any) -> Any:
    """A finite real number (an int stays exact), or a read-only array of them."""

    def refused(detail: str = "") -> TypeError:
        return TypeError(
            f"{name} must be a real number or array of them; got {describe(name, value)}{detail}."
        )

    if isinstance(value, (bool, np.bool_)):
        raise refused()
    if isinstance(value, numbers.Real):
        return check_number(name, value)
    try:
        array = np.array(value)
    except (ValueError, TypeError):
        raise refused() from None
    if array.dtype.kind not in "iuf":
        raise refused(f" (dtype={array.dtype.name})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold only finite numbers; got {name}={shown(value)}.")
    array.flags.writeable = False
    return array


@scheme(
    "zeros",
    random=False,
    info=SchemeInfo(
        origin=KERAS,
        distribution="constant",
        formula="0",
        keras_class="Zeros",
        aliases=Aliases(keras=("zero",), torch=("zeros_",), jax=("zeros",), flax=("zeros_init",)),
    ),
)
def zeros(geometry: Geometry) -> Distribution:
    """Fill with zeros.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.zeros((2, 3), dtype="int32")
    array([[0, 0, 0],
           [0, 0, 0]], dtype=int32)
    """
    return Constant(np.zeros(()))


@scheme(
    "ones",
    random=False,
    info=SchemeInfo(
        origin=KERAS,
        distribution="constant",
        formula="1",
        keras_class="Ones",
        aliases=Aliases(keras=("one",), torch=("ones_",), jax=("ones",), flax=("ones_init",)),
    ),
)
def ones(geometry: Geometry) -> Distribution:
    """Fill with ones.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.ones(3)
    array([1., 1., 1.])
    """
    return Constant(np.ones(()))


@scheme(
    "constant",
    params=(Param("value", 0.0, _constant_value),),
    random=False,
    info=SchemeInfo(
        origin=KERAS,
        distribution="constant",
        formula="value (broadcast to the shape)",
        keras_class="Constant",
        keras_args=("value",),
    ),
)
def constant(geometry: Geometry, *, value: Any) -> Distribution:
    """Fill with a constant, or an array broadcast to the shape.

    Parameters
    ----------
    value : float or array_like, default 0.0
        A finite real number, or an array of them broadcastable to the shape.
        Any numeric dtype is accepted if it holds the value exactly.

    Notes
    -----
    Mean and variance are those of the broadcast array's elements (0 variance
    for a scalar).

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.constant((2, 2), value=0.5)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    >>> wi.constant((2, 3), value=[1, 2, 3], dtype="int64")
    array([[1, 2, 3],
           [1, 2, 3]])
    """
    array = np.asarray(value)
    try:
        broadcast = np.broadcast_shapes(array.shape, geometry.shape)
    except ValueError:
        broadcast = None
    if broadcast != geometry.shape:
        raise ValueError(
            f"value of shape {array.shape!r} cannot be broadcast to shape={geometry.shape!r}."
        )
    return Constant(array)


@scheme(
    "fixed",
    params=(Param("value", REQUIRED, _constant_value),),
    random=False,
    info=SchemeInfo(
        origin="weightinit", distribution="constant", formula="value (of exactly the shape)"
    ),
)
def fixed(geometry: Geometry, *, value: Any) -> Distribution:
    """Return a given array, whose shape must be the requested one.

    What :func:`weightinit.get` makes of a NumPy array, as Keras does of a
    tensor: the array is the initial value, and a call for any other shape
    is an error.

    Parameters
    ----------
    value : array_like
        Finite real numbers. Required.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> wi.fixed((2, 2), value=np.eye(2), dtype="float32")
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    array = np.asarray(value)
    if array.shape != geometry.shape:
        raise ValueError(
            f"shape must be the fixed value's shape {array.shape!r}; got shape={geometry.shape!r}."
        )
    return Constant(array)


__test__ = doctests(globals())
