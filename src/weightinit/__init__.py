"""weightinit: neural-network weight initializers for NumPy.

Every scheme of Keras, PyTorch, JAX and Haiku, keyed by fan_in and fan_out,
with exact theoretical moments and reproducible sampling.

>>> import weightinit as wi
>>> W = wi.glorot_uniform((784, 256), rng=0)
>>> W.shape, W.dtype
((784, 256), dtype('float64'))
>>> import math
>>> math.isclose(wi.glorot_uniform.variance(fan_in=784, fan_out=256), 2 / (784 + 256))
True
"""

from __future__ import annotations

from ._base import Geometry, Initializer, Param, SchemeInfo
from ._engine import get_workers, set_workers
from ._registry import available
from ._registry import lookup as _lookup
from ._validation import MAX_ELEMENTS
from .fans import compute_fans
from .gain import calculate_gain
from .initializers import (
    constant,
    delta_orthogonal,
    dirac,
    eye,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    identity,
    kaiming_normal,
    kaiming_uniform,
    lecun_normal,
    lecun_uniform,
    ones,
    orthogonal,
    random_normal,
    random_uniform,
    sparse,
    trunc_normal,
    truncated_normal,
    uniform_scaling,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)

__version__ = "0.1.0.dev0"


def get(identifier: object) -> Initializer | object | None:
    """Resolve an initializer: a registered name, an initializer or callable, or None.

    Parameters
    ----------
    identifier : str, Initializer, callable or None
        A canonical name (exact match) returns the registered object itself;
        an :class:`Initializer` or any other callable is returned as it is;
        ``None`` gives ``None``, as in Keras.

    Raises
    ------
    ValueError
        For an unknown name; the message names the closest matches.
    TypeError
        For any other type.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.get("glorot_uniform") is wi.glorot_uniform
    True
    """
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier)
    raise TypeError(
        "identifier must be a name, an Initializer, a callable or None; "
        f"got identifier={identifier!r} (type={type(identifier).__name__})."
    )


__all__ = [
    "MAX_ELEMENTS",
    "Geometry",
    "Initializer",
    "Param",
    "SchemeInfo",
    "available",
    "calculate_gain",
    "compute_fans",
    "constant",
    "delta_orthogonal",
    "dirac",
    "eye",
    "get",
    "get_workers",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "set_workers",
    "sparse",
    "trunc_normal",
    "truncated_normal",
    "uniform_scaling",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
