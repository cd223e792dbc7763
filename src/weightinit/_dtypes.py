"""The dtypes beyond NumPy's own that initializers take: bfloat16 and float8, from ml_dtypes.

ml_dtypes is an optional extra, imported only when one of its dtypes is named
(:func:`ml_dtype`); where one of its dtypes exists it is loaded already.
Values are drawn in float32 and rounded once to these dtypes
(:func:`for_dtype`), and their limits come from ml_dtypes' ``finfo``
(:func:`float_info`), as NumPy 1.x has none for them.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

__all__ = ["LOW_PRECISION", "float_info", "for_dtype", "is_low_precision", "ml_dtype"]

#: The ml_dtypes types every initializer takes: the signed ones with a zero whose casts
#: overflow to an infinity or NaN, so an overflow is refused. Not float4 and float6 (casts
#: saturate, unseen), float8_e8m0fnu and float8_e5m3fnu (unsigned), nor the integer types.
_FLOAT8 = ("e3m4", "e4m3", "e4m3b11fnuz", "e4m3fn", "e4m3fnuz", "e5m2", "e5m2fnuz")
LOW_PRECISION = ("bfloat16", *(f"float8_{kind}" for kind in _FLOAT8))


def is_low_precision(dtype: np.dtype[Any]) -> bool:
    """Whether ``dtype`` is one of the :data:`LOW_PRECISION` types of ml_dtypes."""
    return dtype.type.__module__ == "ml_dtypes" and dtype.name in LOW_PRECISION


def float_info(dtype: np.dtype[Any]) -> Any:
    """``finfo`` of a float dtype: NumPy's, or ml_dtypes' for its types (NumPy 1.x has none)."""
    # ml_dtypes is loaded already where one of its dtypes exists.
    return sys.modules["ml_dtypes"].finfo(dtype) if is_low_precision(dtype) else np.finfo(dtype)


def for_dtype(values: Any, dtype: np.dtype[Any]) -> Any:
    """``values`` to write into ``dtype``: in float32 for ml_dtypes', rounded from there as draws are."""
    return np.asarray(values).astype(np.float32) if is_low_precision(dtype) else values


def ml_dtype(dtype: Any, param: str) -> np.dtype[Any] | None:
    """The ml_dtypes dtype a name such as ``'bfloat16'`` spells, importing ml_dtypes; else None."""
    if not isinstance(dtype, str) or dtype not in LOW_PRECISION:
        return None
    try:
        import ml_dtypes
    except ImportError:
        raise TypeError(
            f"{param}={dtype!r} needs the ml_dtypes package, which is not installed; "
            "install it with: pip install weightinit[ml_dtypes]"
        ) from None
    if not hasattr(ml_dtypes, dtype):
        raise TypeError(
            f"{param}={dtype!r} needs ml_dtypes 0.5 or later; this is {ml_dtypes.__version__}."
        )
    found: np.dtype[Any] = np.dtype(getattr(ml_dtypes, dtype))
    return found
