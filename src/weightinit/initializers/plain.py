"""The plain laws: normal, uniform and truncated normal, with their parameters given directly.

No fan enters them: Keras' ``RandomNormal``, ``RandomUniform`` and
``TruncatedNormal`` (with JAX's and Haiku's truncation bounds), and PyTorch's
``trunc_normal_``.
"""

from __future__ import annotations

from .._define import scheme
from .._initializer import Param
from .._names import Aliases, SchemeInfo
from .._validation import check_less, real_check
from ..distributions import Distribution, Normal, TruncatedNormal, Uniform
from ..fans import Geometry
from ._docs import KERAS, TORCH, doctests

__all__ = ["random_normal", "random_uniform", "trunc_normal", "truncated_normal"]


@scheme(
    "random_normal",
    params=(Param("mean", 0.0, real_check()), Param("stddev", 0.05, real_check(positive=True))),
    info=SchemeInfo(
        origin=KERAS,
        distribution="normal",
        formula="N(mean, stddev²)",
        keras_class="RandomNormal",
        keras_args=("mean", "stddev"),
        aliases=Aliases(keras=("normal",)),
    ),
)
def random_normal(geometry: Geometry, *, mean: float, stddev: float) -> Distribution:
    r"""Draw from the normal distribution :math:`\mathcal{N}(\mathrm{mean}, \mathrm{stddev}^2)`.

    Parameters
    ----------
    mean : float, default 0.0
    stddev : float, default 0.05
        Must be > 0.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.random_normal((1000, 100), rng=0)
    >>> W.shape, round(float(W.std()), 2)
    ((1000, 100), 0.05)
    """
    return Normal(mean, stddev)


@scheme(
    "random_uniform",
    params=(Param("minval", -0.05, real_check()), Param("maxval", 0.05, real_check())),
    info=SchemeInfo(
        origin=KERAS,
        distribution="uniform",
        formula="U(minval, maxval)",
        keras_class="RandomUniform",
        keras_args=("minval", "maxval"),
        aliases=Aliases(keras=("uniform",)),
    ),
)
def random_uniform(geometry: Geometry, *, minval: float, maxval: float) -> Distribution:
    r"""Draw from the uniform distribution :math:`\mathcal{U}(\mathrm{minval}, \mathrm{maxval})`.

    Parameters
    ----------
    minval : float, default -0.05
    maxval : float, default 0.05
        Must be > ``minval``.

    Notes
    -----
    Mean :math:`(a + b)/2`, variance :math:`(b - a)^2/12`.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.random_uniform((100, 100), minval=0.0, maxval=1.0, rng=0)
    >>> bool(W.min() >= 0.0 and W.max() <= 1.0)
    True
    """
    check_less("minval", minval, "maxval", maxval)
    return Uniform(minval, maxval)


#: Standardized bounds farther than this from the mean are refused: the
#: samplers' acceptance tests square them, which would overflow float64.
FARTHEST_BOUND = 1e150


def _truncated(
    loc: float, scale: float, low: float, high: float, settings: dict[str, float]
) -> TruncatedNormal:
    """The truncated normal, if float64 can tell its bounds apart in standard units."""
    alpha, beta = (low - loc) / scale, (high - loc) / scale
    nearest = 0.0 if alpha < 0.0 < beta else min(abs(alpha), abs(beta))
    if not (alpha < beta and nearest <= FARTHEST_BOUND):
        listed = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        raise ValueError(
            f"{listed} put the bounds at [{alpha!r}, {beta!r}] standard deviations from "
            f"the mean; they must differ after rounding and the nearer must lie within "
            f"{FARTHEST_BOUND:g} of it."
        )
    return TruncatedNormal(loc, scale, low, high)


@scheme(
    "truncated_normal",
    params=(
        Param("mean", 0.0, real_check()),
        Param("stddev", 0.05, real_check(positive=True)),
        Param("lower", -2.0, real_check(allow_inf=True)),
        Param("upper", 2.0, real_check(allow_inf=True)),
    ),
    info=SchemeInfo(
        origin=KERAS,
        distribution="truncated normal",
        formula="N(mean, stddev²) cut to [mean + lower·stddev, mean + upper·stddev]",
        keras_class="TruncatedNormal",
        keras_args=("mean", "stddev"),
        differences="takes `lower`/`upper` besides Keras' arguments (Keras cuts at ±2 only)",
    ),
)
def truncated_normal(
    geometry: Geometry, *, mean: float, stddev: float, lower: float, upper: float
) -> Distribution:
    r"""Draw from a normal distribution cut at ``lower`` and ``upper`` standard deviations.

    Keras' ``TruncatedNormal`` (cut at ±2 stddev) with the ``lower``/``upper``
    of JAX's and Haiku's ``truncated_normal``. ``stddev`` is the standard
    deviation *before* truncation, as in all three: the result's standard
    deviation is smaller (about ``0.88 * stddev`` at ±2).

    Parameters
    ----------
    mean : float, default 0.0
    stddev : float, default 0.05
        Must be > 0.
    lower, upper : float, default -2.0, 2.0
        Bounds in units of ``stddev`` around ``mean``; ``lower < upper``;
        either may be infinite.

    Notes
    -----
    With :math:`\alpha, \beta` the bounds and :math:`Z = \Phi(\beta) - \Phi(\alpha)`,
    the mean is :math:`\mu + \sigma (\phi(\alpha) - \phi(\beta))/Z` and the
    variance :math:`\sigma^2 [1 + (\alpha\phi(\alpha) - \beta\phi(\beta))/Z
    - ((\phi(\alpha) - \phi(\beta))/Z)^2]`.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.truncated_normal((100, 100), rng=0)
    >>> bool(abs(W).max() <= 0.1)
    True
    >>> round(wi.truncated_normal.variance(10, 10) / 0.05**2, 6)
    0.773741
    """
    check_less("lower", lower, "upper", upper)
    settings = {"mean": mean, "stddev": stddev, "lower": lower, "upper": upper}
    return _truncated(mean, stddev, mean + lower * stddev, mean + upper * stddev, settings)


@scheme(
    "trunc_normal",
    params=(
        Param("mean", 0.0, real_check()),
        Param("std", 1.0, real_check(positive=True)),
        Param("a", -2.0, real_check(allow_inf=True)),
        Param("b", 2.0, real_check(allow_inf=True)),
    ),
    info=SchemeInfo(
        origin=TORCH,
        distribution="truncated normal",
        formula="N(mean, std²) cut to [a, b]",
        aliases=Aliases(torch=("trunc_normal_",)),
        differences=(
            "exact for any bounds and dtype (PyTorch's inverse-CDF sampler in the tensor's "
            "dtype is biased in bfloat16 and loses the far tails)"
        ),
    ),
)
def trunc_normal(
    geometry: Geometry, *, mean: float, std: float, a: float, b: float
) -> Distribution:
    r"""Draw from :math:`\mathcal{N}(\mathrm{mean}, \mathrm{std}^2)` restricted to ``[a, b]``.

    PyTorch's ``trunc_normal_``: ``a`` and ``b`` are *absolute* bounds, not
    multiples of ``std``. Sampling is exact for any bounds, including bounds
    many standard deviations away (``std=0.02`` with ``a=-2, b=2``) or in a
    far tail only (``a=2, b=3`` with ``std=1``).

    Parameters
    ----------
    mean : float, default 0.0
    std : float, default 1.0
        Must be > 0.
    a, b : float, default -2.0, 2.0
        ``a < b``; either may be infinite.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.trunc_normal((1000,), a=2.0, b=3.0, rng=0)
    >>> bool(W.min() >= 2.0 and W.max() <= 3.0)
    True
    """
    check_less("a", a, "b", b)
    return _truncated(mean, std, a, b, {"mean": mean, "std": std, "a": a, "b": b})


__test__ = doctests(globals())
