"""Hypothesis strategies for property tests of initializers.

Needs the ``testing`` extra (``pip install 'weightinit[testing]'``, or from a
checkout ``pip install -e '.[testing]'``): this module
imports hypothesis, which ``import weightinit`` and ``import weightinit.testing``
never do.

Examples
--------
>>> from hypothesis import given
>>> import weightinit as wi
>>> from weightinit.testing import strategies as wst
>>> @given(shape=wst.shapes(), seed=wst.seeds())
... def test_glorot_uniform_is_bounded(shape, seed):
...     fan_in, fan_out = wi.compute_fans(shape)
...     limit = (6 / (fan_in + fan_out)) ** 0.5
...     assert abs(wi.glorot_uniform(shape, rng=seed)).max() <= limit
>>> test_glorot_uniform_is_bounded()
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from .._names import available, lookup
from .._validation import check_int, shown

__all__ = ["fans", "float_dtypes", "initializers", "seeds", "shapes"]

#: The largest seed :func:`seeds` draws: NumPy accepts any non-negative int,
#: and 2**64 - 1 covers a SeedSequence's usual entropy.
MAX_SEED = 2**64 - 1


def _sizes(low_name: str, low: Any, high_name: str, high: Any, *, minimum: int) -> tuple[int, int]:
    low = check_int(low_name, low, minimum=minimum)
    high = check_int(high_name, high, minimum=minimum)
    if low > high:
        raise ValueError(
            f"{low_name} must be <= {high_name}; got {low_name}={low}, {high_name}={high}."
        )
    return low, high


def shapes(
    *, min_dims: int = 2, max_dims: int = 4, min_side: int = 1, max_side: int = 8
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, as :func:`hypothesis.extra.numpy.array_shapes`.

    The defaults cover dense matrices and 1-, 2- and 3-D convolution kernels
    (rank 2 to 4) with sides up to 8. Ranks 0 and 1 are valid shapes too
    (Keras reads their fans as (1, 1) and (n, n)); ask for them with
    ``min_dims=0``.

    Parameters
    ----------
    min_dims, max_dims : int
        Ranks, ``0 <= min_dims <= max_dims <= 32``.
    min_side, max_side : int
        Sides, ``0 <= min_side <= max_side``; a side of 0 makes an empty array.

    Examples
    --------
    >>> from hypothesis import given
    >>> from weightinit.testing.strategies import shapes
    >>> @given(shapes(min_dims=2, max_dims=2, max_side=4))
    ... def test_matrix(shape):
    ...     assert len(shape) == 2 and all(1 <= side <= 4 for side in shape)
    >>> test_matrix()
    """
    min_dims, max_dims = _sizes("min_dims", min_dims, "max_dims", max_dims, minimum=0)
    if max_dims > 32:
        raise ValueError(f"max_dims must be <= 32 (NumPy's limit); got max_dims={max_dims}.")
    min_side, max_side = _sizes("min_side", min_side, "max_side", max_side, minimum=0)
    return npst.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def fans(*, min_fan: int = 1, max_fan: int = 4096) -> st.SearchStrategy[tuple[int, int]]:
    """``(fan_in, fan_out)`` pairs, each in ``[min_fan, max_fan]``.

    Examples
    --------
    >>> import math
    >>> from hypothesis import given
    >>> import weightinit as wi
    >>> from weightinit.testing.strategies import fans
    >>> @given(fans())
    ... def test_glorot_variance(pair):
    ...     fan_in, fan_out = pair
    ...     variance = wi.glorot_uniform.variance(fan_in, fan_out)
    ...     assert math.isclose(variance, 2 / (fan_in + fan_out))
    >>> test_glorot_variance()
    """
    min_fan, max_fan = _sizes("min_fan", min_fan, "max_fan", max_fan, minimum=0)
    fan = st.integers(min_fan, max_fan)
    return st.tuples(fan, fan)


def initializers(*, random: bool | None = None) -> st.SearchStrategy[str]:
    """Registered initializer names, the user's own included, that draw real arrays.

    Schemes drawn in complex dtypes only (``complex_rayleigh``) are left out:
    every name given takes the dtypes of :func:`float_dtypes`.

    Parameters
    ----------
    random : bool, optional
        ``True`` for random initializers only, ``False`` for constant ones
        only, ``None`` (default) for all.

    Examples
    --------
    >>> from hypothesis import given
    >>> import weightinit as wi
    >>> from weightinit.testing.strategies import initializers
    >>> @given(initializers(random=False))
    ... def test_constant_schemes_need_no_rng(name):
    ...     assert not wi.get(name).random
    >>> test_constant_schemes_need_no_rng()
    """
    if random is not None and not isinstance(random, bool):
        raise TypeError(f"random must be None or a bool; got random={shown(random)}.")
    names = [
        name
        for name in available()
        if (random is None or lookup(name).random is random) and _draws_real(name)
    ]
    return st.sampled_from(names)


def _draws_real(name: str) -> bool:
    """Whether ``name``'s law has a real form (complex-only schemes have none)."""
    init = lookup(name)
    distribution = getattr(init, "distribution", None)
    if distribution is None:  # a user's plain callable: assumed real
        return True
    try:
        law = distribution(shape=(4, 4), **getattr(init.info, "example", {}))
    except (TypeError, ValueError):  # a law this probe cannot build: keep the name
        return True
    refusal = getattr(law, "kind_refusal", None)
    return refusal is None or refusal(np.float64) is None


def float_dtypes() -> st.SearchStrategy[np.dtype[Any]]:
    """The float dtypes every random initializer supports: float16, float32, float64.

    Native byte order, from :func:`hypothesis.extra.numpy.floating_dtypes`.

    Examples
    --------
    >>> from hypothesis import given
    >>> import weightinit as wi
    >>> from weightinit.testing.strategies import float_dtypes
    >>> @given(float_dtypes())
    ... def test_dtype_is_kept(dtype):
    ...     assert wi.he_uniform((4, 4), dtype=dtype, rng=0).dtype == dtype
    >>> test_dtype_is_kept()
    """
    return npst.floating_dtypes(sizes=(16, 32, 64), endianness="=")


def seeds() -> st.SearchStrategy[int]:
    """Int seeds for ``rng=``: ``0 <= seed <= 2**64 - 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> import weightinit as wi
    >>> from weightinit.testing.strategies import seeds
    >>> @given(seeds())
    ... def test_same_seed_same_array(seed):
    ...     assert np.array_equal(wi.he_normal(8, rng=seed), wi.he_normal(8, rng=seed))
    >>> test_same_seed_same_array()
    """
    return st.integers(0, MAX_SEED)
