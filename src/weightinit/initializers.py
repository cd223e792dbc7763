r"""Every initializer scheme of Keras, PyTorch, JAX and Haiku, each defined once.

Names mean what they mean where they come from: Keras' ``he_normal`` is
truncated, PyTorch's ``kaiming_normal`` is not. The variance-scaling presets
are one line each:

==================  =====  ========  =================  ======
name                scale  mode      distribution       origin
==================  =====  ========  =================  ======
glorot_normal       1      fan_avg   truncated_normal   Keras
glorot_uniform      1      fan_avg   uniform            Keras
he_normal           2      fan_in    truncated_normal   Keras
he_uniform          2      fan_in    uniform            Keras
lecun_normal        1      fan_in    truncated_normal   Keras
lecun_uniform       1      fan_in    uniform            Keras
xavier_normal       gain²  fan_avg   normal             PyTorch
xavier_uniform      gain²  fan_avg   uniform            PyTorch
kaiming_normal      gain²  mode      normal             PyTorch
kaiming_uniform     gain²  mode      uniform            PyTorch
uniform_scaling     scale² fan_in    uniform            Haiku
==================  =====  ========  =================  ======
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ._define import preset, scheme
from ._initializer import REQUIRED, Initializer, Param
from ._names import Aliases, SchemeInfo
from ._validation import check_int, check_option, check_real, describe, shown
from .distributions import (
    Constant,
    DeltaOrthogonal,
    Distribution,
    Indicator,
    Normal,
    Orthogonal,
    Sparse,
    TruncatedNormal,
    Uniform,
)
from .fans import Geometry
from .gains import NONLINEARITIES, calculate_gain

__all__ = [
    "MODES",
    "TRUNCATED_NORMAL_STD",
    "VS_DISTRIBUTIONS",
    "constant",
    "delta_orthogonal",
    "dirac",
    "eye",
    "fixed",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "jax_normal",
    "jax_orthogonal",
    "jax_truncated_normal",
    "jax_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "sparse",
    "torch_constant",
    "torch_normal",
    "torch_uniform",
    "trunc_normal",
    "truncated_normal",
    "uniform_scaling",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

#: Standard deviation of N(0, 1) truncated to [-2, 2], i.e.
#: ``scipy.stats.truncnorm.std(a=-2, b=2)``; dividing by it makes a ±2σ
#: truncated normal's variance exactly the variance-scaling target (Keras, JAX).
TRUNCATED_NORMAL_STD = 0.87962566103423978

#: The fans variance scaling can divide by.
MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")

#: Variance-scaling distributions. 'normal' is untruncated, as in JAX and
#: Haiku (Keras silently remaps it to truncated; this library does not).
VS_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "normal", "uniform")

KERAS = "Keras"
TORCH = "PyTorch"
JAX = "JAX"
#: The keys of a Keras variance-scaling config that name the fan axes.
KERAS_AXES = ("input_axes", "output_axes")
GLOROT = "Glorot & Bengio (2010), Understanding the difficulty of training deep feedforward neural networks, AISTATS"
HE = "He et al. (2015), Delving Deep into Rectifiers, ICCV"
LECUN = "LeCun et al. (1998), Efficient BackProp; Klambauer et al. (2017), Self-Normalizing Neural Networks"
SAXE = "Saxe et al. (2014), Exact solutions to the nonlinear dynamics of learning in deep linear networks, ICLR"


# --- parameter checks ----------------------------------------------------------------


def _real(name: str, value: Any) -> float:
    return check_real(name, value)


def _number(name: str, value: Any) -> float:
    """A real number, as :func:`_real`, but an int stays an exact Python int.

    So ``2**60 + 1`` reaches an int64 array exactly, and an int no integer
    dtype holds is refused by that dtype rather than rounded.
    """
    checked = check_real(name, value)
    return int(value) if isinstance(value, (int, np.integer)) else checked


def _positive(name: str, value: Any) -> float:
    return check_real(name, value, positive=True)


def _extended(name: str, value: Any) -> float:
    return check_real(name, value, allow_inf=True)


def _fraction(name: str, value: Any) -> float:
    return check_real(name, value, nonnegative=True, at_most=1.0)


def _mode(name: str, value: Any) -> str:
    return check_option(name, value, MODES)


def _vs_distribution(name: str, value: Any) -> str:
    return check_option(name, value, VS_DISTRIBUTIONS)


def _torch_mode(name: str, value: Any) -> str:
    return check_option(name, value, ("fan_in", "fan_out"))


def _nonlinearity(name: str, value: Any) -> str:
    return check_option(name, value, NONLINEARITIES)


def _groups(name: str, value: Any) -> int:
    return check_int(name, value, minimum=1)


def _constant_value(name: str, value: Any) -> Any:
    def refused(detail: str = "") -> TypeError:
        return TypeError(
            f"{name} must be a real number or array of them; got {describe(name, value)}{detail}."
        )

    if isinstance(value, (bool, np.bool_)):
        raise refused()
    if isinstance(value, numbers.Real):
        return _number(name, value)
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


def _squared(name: str, value: float, factor: float) -> float:
    """``factor**2``, a variance-scaling scale that ``name=value`` gives.

    A square that overflows to inf or underflows to 0 is refused here, naming
    the parameter given, rather than later as a bad ``scale`` nobody passed.
    """
    squared = factor * factor
    if not 0.0 < squared < math.inf:
        raise ValueError(
            f"{name}={value!r} gives a scale of {factor!r}**2, which is not a positive "
            f"finite float64; choose another {name}."
        )
    return squared


def _divisor(geometry: Geometry, mode: str) -> float:
    fan = geometry.fan(mode)
    if fan == 0:
        raise ValueError(
            f"mode={mode!r} divides by a fan that is 0 for shape={geometry.shape!r} "
            f"(fan_in={geometry.fan_in}, fan_out={geometry.fan_out}); a zero fan has no "
            "variance-scaling scale."
        )
    return fan


def _rank(geometry: Geometry, scheme_name: str, ranks: tuple[int, ...]) -> None:
    if len(geometry.shape) not in ranks:
        allowed = (
            ", ".join(map(str, ranks[:-1])) + (" or " if len(ranks) > 1 else "") + str(ranks[-1])
        )
        raise ValueError(
            f"{scheme_name} needs a shape of rank {allowed}; got shape={geometry.shape!r} "
            f"(rank {len(geometry.shape)})."
        )


# --- constants -------------------------------------------------------------------------


@scheme(
    "zeros",
    random=False,
    info=SchemeInfo(
        KERAS,
        "constant",
        "—",
        "—",
        "0",
        "—",
        "Zeros",
        aliases=Aliases(keras=("zero",), torch=("zeros_",), jax=("zeros",)),
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
        KERAS,
        "constant",
        "—",
        "—",
        "1",
        "—",
        "Ones",
        aliases=Aliases(keras=("one",), torch=("ones_",), jax=("ones",)),
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
        KERAS,
        "constant",
        "—",
        "—",
        "value (broadcast to the shape)",
        "—",
        "Constant",
        keras_args=("value",),
        aliases=Aliases(jax=("constant",)),
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
    info=SchemeInfo("weightinit", "constant", "—", "—", "value (of exactly the shape)", "—"),
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


# --- plain random -----------------------------------------------------------------------


@scheme(
    "random_normal",
    params=(Param("mean", 0.0, _real), Param("stddev", 0.05, _positive)),
    info=SchemeInfo(
        KERAS,
        "normal",
        "—",
        "—",
        "N(mean, stddev²)",
        "—",
        "RandomNormal",
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


def _check_uniform(minval: float, maxval: float) -> None:
    if not minval < maxval:
        raise ValueError(f"minval must be < maxval; got minval={minval!r}, maxval={maxval!r}.")


@scheme(
    "random_uniform",
    params=(Param("minval", -0.05, _real), Param("maxval", 0.05, _real)),
    info=SchemeInfo(
        KERAS,
        "uniform",
        "—",
        "—",
        "U(minval, maxval)",
        "—",
        "RandomUniform",
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
    _check_uniform(minval, maxval)
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


def _check_bounds(low_name: str, low: float, high_name: str, high: float) -> None:
    if not low < high:
        raise ValueError(
            f"{low_name} must be < {high_name}; got {low_name}={low!r}, {high_name}={high!r}."
        )


@scheme(
    "truncated_normal",
    params=(
        Param("mean", 0.0, _real),
        Param("stddev", 0.05, _positive),
        Param("lower", -2.0, _extended),
        Param("upper", 2.0, _extended),
    ),
    info=SchemeInfo(
        KERAS,
        "truncated normal",
        "—",
        "—",
        "N(mean, stddev²) cut to [mean + lower·stddev, mean + upper·stddev]",
        "—",
        "TruncatedNormal",
        keras_args=("mean", "stddev"),
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
    _check_bounds("lower", lower, "upper", upper)
    settings = {"mean": mean, "stddev": stddev, "lower": lower, "upper": upper}
    return _truncated(mean, stddev, mean + lower * stddev, mean + upper * stddev, settings)


@scheme(
    "trunc_normal",
    params=(
        Param("mean", 0.0, _real),
        Param("std", 1.0, _positive),
        Param("a", -2.0, _extended),
        Param("b", 2.0, _extended),
    ),
    info=SchemeInfo(
        TORCH,
        "truncated normal",
        "—",
        "—",
        "N(mean, std²) cut to [a, b]",
        "—",
        aliases=Aliases(torch=("trunc_normal_",)),
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
    _check_bounds("a", a, "b", b)
    return _truncated(mean, std, a, b, {"mean": mean, "std": std, "a": a, "b": b})


# --- variance scaling -------------------------------------------------------------------


@scheme(
    "variance_scaling",
    params=(
        Param("scale", 1.0, _positive),
        Param("mode", "fan_in", _mode),
        Param("distribution", "truncated_normal", _vs_distribution),
    ),
    info=SchemeInfo(
        KERAS,
        "per `distribution`",
        "scale",
        "per `mode`",
        "Var = scale / n",
        f"{GLOROT}; {HE}",
        "VarianceScaling",
        keras_args=("scale", "mode", "distribution", *KERAS_AXES),
        keras_values={
            # Keras' VarianceScaling reads 'normal' as 'truncated_normal'.
            "distribution": {
                "truncated_normal": "truncated_normal",
                "normal": "truncated_normal",
                "untruncated_normal": "untruncated_normal",
                "uniform": "uniform",
            },
            "mode": {mode: mode for mode in ("fan_in", "fan_out", "fan_avg")},
        },
        aliases=Aliases(jax=("variance_scaling",), haiku=("VarianceScaling",)),
    ),
)
def variance_scaling(
    geometry: Geometry, *, scale: float, mode: str, distribution: str
) -> Distribution:
    r"""Draw with variance ``scale / n``, where ``n`` is the fan chosen by ``mode``.

    The one engine behind Glorot/Xavier, He/Kaiming and LeCun initialization.

    Parameters
    ----------
    scale : float, default 1.0
        Must be finite and > 0.
    mode : {'fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'}, default 'fan_in'
        ``n`` is ``fan_in``, ``fan_out``, ``(fan_in + fan_out) / 2`` or
        ``sqrt(fan_in * fan_out)`` (JAX).
    distribution : {'truncated_normal', 'normal', 'untruncated_normal', 'uniform'}, default 'truncated_normal'
        - ``'truncated_normal'``: N(0, σ²) cut at ±2σ with
          σ = sqrt(scale / n) / 0.87962566103423978, so that the variance is
          exactly scale / n.
        - ``'normal'`` and ``'untruncated_normal'``: N(0, scale / n). (Keras
          treats ``'normal'`` as truncated; here it means what it says. A
          Keras config is read with Keras' meaning: see
          :mod:`weightinit.registry`.)
        - ``'uniform'``: U(-l, l) with l = sqrt(3 · scale / n).

    Raises
    ------
    ValueError
        If the fan ``mode`` selects is 0.

    References
    ----------
    Glorot & Bengio (2010); He et al. (2015); LeCun et al. (1998).

    Examples
    --------
    >>> import weightinit as wi
    >>> vs = wi.variance_scaling.partial(scale=2.0, mode="fan_out", distribution="uniform")
    >>> W = vs((256, 128), rng=1)
    >>> W.shape, round(vs.variance(256, 128) * 128, 12)
    ((256, 128), 2.0)
    """
    variance = scale / _divisor(geometry, mode)
    if not variance > 0.0:  # scale / n underflowed
        raise ValueError(
            f"scale must give a variance scale / n that is a positive float; got scale={scale!r} "
            f"with mode={mode!r} (n={_divisor(geometry, mode):g}), whose variance underflows to 0."
        )
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        return Uniform(-limit, limit)
    if distribution == "truncated_normal":
        std = math.sqrt(variance) / TRUNCATED_NORMAL_STD
        return TruncatedNormal(0.0, std, -2.0 * std, 2.0 * std)
    return Normal(0.0, math.sqrt(variance))


def _preset_doc(
    summary: str, formula: str, reference: str, note: str = "", params: str = ""
) -> str:
    parameters = f"\n    Parameters\n    ----------\n{params}" if params else ""
    extra = f"\n    {note}\n" if note else ""
    return f"""{summary}
{extra}{parameters}
    Notes
    -----
    {formula}

    References
    ----------
    {reference}
"""


def _preset_info(
    origin: str,
    distribution: str,
    scale: str,
    mode: str,
    formula: str,
    reference: str,
    keras_class: str | None = None,
    **registry: Any,
) -> SchemeInfo:
    return SchemeInfo(
        origin, distribution, scale, mode, formula, reference, keras_class, **registry
    )


_FAN_TEXT = {"fan_in": (1, "fan_in"), "fan_avg": (2, "(fan_in + fan_out)")}


def _keras_preset(
    name: str,
    keras_class: str,
    *,
    scale: float,
    mode: str,
    distribution: str,
    reference: str,
    summary: str,
    jax: tuple[str, ...],
) -> Initializer:
    """A Keras variance-scaling preset; its formula text comes from (scale, mode, distribution)."""
    factor, fans = _FAN_TEXT[mode]
    variance = f"{scale * factor:g} / {fans}"
    if distribution == "uniform":
        label, formula = "uniform", f"U(±√({3 * scale * factor:g} / {fans}))"
        detail = f"U(-l, l) with l = sqrt({3 * scale * factor:g} / {fans})"
    else:
        label, formula = "truncated normal (±2σ)", f"Var = {variance}"
        detail = f"Variance {variance}, truncated at ±2σ"
    return preset(
        variance_scaling,
        name,
        scale=scale,
        mode=mode,
        distribution=distribution,
        info=SchemeInfo(
            KERAS,
            label,
            f"{scale:g}",
            mode,
            formula,
            reference,
            keras_class,
            keras_args=KERAS_AXES,
            aliases=Aliases(jax=jax),
        ),
        doc=_preset_doc(
            summary,
            f"{detail}; ``variance_scaling({scale}, {mode!r}, {distribution!r})``.",
            reference,
        ),
    )


glorot_normal = _keras_preset(
    "glorot_normal", "GlorotNormal", scale=1.0, mode="fan_avg", distribution="truncated_normal",
    reference=GLOROT, summary="Glorot (Xavier) normal, Keras' form: truncated at ±2σ.",
    jax=("glorot_normal", "xavier_normal"),
)  # fmt: skip
glorot_uniform = _keras_preset(
    "glorot_uniform", "GlorotUniform", scale=1.0, mode="fan_avg", distribution="uniform",
    reference=GLOROT, summary="Glorot (Xavier) uniform.", jax=("glorot_uniform", "xavier_uniform"),
)  # fmt: skip
he_normal = _keras_preset(
    "he_normal", "HeNormal", scale=2.0, mode="fan_in", distribution="truncated_normal",
    reference=HE, summary="He normal, Keras' form: truncated at ±2σ.",
    jax=("he_normal", "kaiming_normal"),
)  # fmt: skip
he_uniform = _keras_preset(
    "he_uniform", "HeUniform", scale=2.0, mode="fan_in", distribution="uniform",
    reference=HE, summary="He uniform.", jax=("he_uniform", "kaiming_uniform"),
)  # fmt: skip
lecun_normal = _keras_preset(
    "lecun_normal", "LecunNormal", scale=1.0, mode="fan_in", distribution="truncated_normal",
    reference=LECUN, summary="LeCun normal, truncated at ±2σ (the SELU initializer).",
    jax=("lecun_normal",),
)  # fmt: skip
lecun_uniform = _keras_preset(
    "lecun_uniform", "LecunUniform", scale=1.0, mode="fan_in", distribution="uniform",
    reference=LECUN, summary="LeCun uniform.", jax=("lecun_uniform",),
)  # fmt: skip

_GAIN = "    gain : float, default 1.0\n        Multiplies the standard deviation; must be > 0.\n"
xavier_normal = preset(
    variance_scaling,
    "xavier_normal",
    params=(Param("gain", 1.0, _positive),),
    translate=lambda gain: {
        "scale": _squared("gain", gain, gain),
        "mode": "fan_avg",
        "distribution": "normal",
    },
    info=_preset_info(
        TORCH,
        "normal",
        "gain²",
        "fan_avg",
        "N(0, gain² · 2 / (fan_in + fan_out))",
        GLOROT,
        aliases=Aliases(torch=("xavier_normal", "xavier_normal_")),
    ),
    doc=_preset_doc(
        "Xavier normal, PyTorch's form: an untruncated normal.",
        "N(0, σ²) with σ = gain · sqrt(2 / (fan_in + fan_out)).",
        GLOROT,
        params=_GAIN,
    ),
)
xavier_uniform = preset(
    variance_scaling,
    "xavier_uniform",
    params=(Param("gain", 1.0, _positive),),
    translate=lambda gain: {
        "scale": _squared("gain", gain, gain),
        "mode": "fan_avg",
        "distribution": "uniform",
    },
    info=_preset_info(
        TORCH,
        "uniform",
        "gain²",
        "fan_avg",
        "U(±gain · √(6 / (fan_in + fan_out)))",
        GLOROT,
        aliases=Aliases(torch=("xavier_uniform", "xavier_uniform_")),
    ),
    doc=_preset_doc(
        "Xavier uniform, PyTorch's form.",
        "U(-l, l) with l = gain · sqrt(6 / (fan_in + fan_out)).",
        GLOROT,
        params=_GAIN,
    ),
)

_KAIMING = (
    "    a : float, default 0.0\n        Negative slope of the rectifier after this layer (``'leaky_relu'`` only).\n"
    "    mode : {'fan_in', 'fan_out'}, default 'fan_in'\n"
    "        'fan_in' keeps the forward pass's variance, 'fan_out' the backward pass's.\n"
    "    nonlinearity : str, default 'leaky_relu'\n        A name :func:`weightinit.calculate_gain` accepts.\n"
)
_KAIMING_PARAMS = (
    Param("a", 0.0, _real),
    Param("mode", "fan_in", _torch_mode),
    Param("nonlinearity", "leaky_relu", _nonlinearity),
)


def _kaiming(distribution: str) -> Any:
    def translate(a: float, mode: str, nonlinearity: str) -> dict[str, Any]:
        return {
            "scale": _squared("a", a, calculate_gain(nonlinearity, a)),
            "mode": mode,
            "distribution": distribution,
        }

    return translate


kaiming_normal = preset(
    variance_scaling,
    "kaiming_normal",
    params=_KAIMING_PARAMS,
    translate=_kaiming("normal"),
    info=_preset_info(
        TORCH,
        "normal",
        "gain(nonlinearity, a)²",
        "fan_in | fan_out",
        "N(0, gain² / fan)",
        HE,
        aliases=Aliases(torch=("kaiming_normal", "kaiming_normal_")),
    ),
    doc=_preset_doc(
        "Kaiming (He) normal, PyTorch's form: an untruncated normal.",
        "N(0, σ²) with σ = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).",
        HE,
        params=_KAIMING,
    ),
)
kaiming_uniform = preset(
    variance_scaling,
    "kaiming_uniform",
    params=_KAIMING_PARAMS,
    translate=_kaiming("uniform"),
    info=_preset_info(
        TORCH,
        "uniform",
        "gain(nonlinearity, a)²",
        "fan_in | fan_out",
        "U(±gain · √(3 / fan))",
        HE,
        aliases=Aliases(torch=("kaiming_uniform", "kaiming_uniform_")),
    ),
    doc=_preset_doc(
        "Kaiming (He) uniform, PyTorch's form.",
        "U(-l, l) with l = gain · sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).",
        HE,
        params=_KAIMING,
    ),
)
uniform_scaling = preset(
    variance_scaling,
    "uniform_scaling",
    params=(Param("scale", 1.0, _positive),),
    translate=lambda scale: {
        "scale": _squared("scale", scale, scale),
        "mode": "fan_in",
        "distribution": "uniform",
    },
    info=_preset_info(
        "Haiku",
        "uniform",
        "scale²",
        "fan_in",
        "U(±scale · √(3 / fan_in))",
        "Sussillo & Abbott (2014), Random Walk Initialization for Training Very Deep Feedforward Networks",
        aliases=Aliases(haiku=("UniformScaling",)),
    ),
    doc=_preset_doc(
        "Haiku's UniformScaling: uniform with variance scale² / fan_in.",
        "U(-l, l) with l = scale · sqrt(3 / fan_in).",
        "Sussillo & Abbott (2014), Random Walk Initialization for Training Very Deep Feedforward Networks",
        params="    scale : float, default 1.0\n        Must be > 0.\n",
    ),
)


# --- PyTorch's and JAX's plain laws, with their parameter names and defaults -------------


def _torch_uniform(a: float, b: float) -> dict[str, Any]:
    _check_bounds("a", a, "b", b)
    return {"minval": a, "maxval": b}


torch_uniform = preset(
    random_uniform,
    "torch_uniform",
    params=(Param("a", 0.0, _real), Param("b", 1.0, _real)),
    translate=_torch_uniform,
    info=_preset_info(
        TORCH, "uniform", "—", "—", "U(a, b)", "—", aliases=Aliases(torch=("uniform", "uniform_"))
    ),
    doc=_preset_doc(
        "Uniform on [a, b), as PyTorch's ``uniform_``.",
        "Mean (a + b) / 2, variance (b - a)² / 12.",
        "PyTorch, ``torch.nn.init.uniform_``.",
        params="    a, b : float, default 0.0, 1.0\n        Bounds; ``a < b``.\n",
    ),
)
torch_normal = preset(
    random_normal,
    "torch_normal",
    params=(Param("mean", 0.0, _real), Param("std", 1.0, _positive)),
    translate=lambda mean, std: {"mean": mean, "stddev": std},
    info=_preset_info(
        TORCH,
        "normal",
        "—",
        "—",
        "N(mean, std²)",
        "—",
        aliases=Aliases(torch=("normal", "normal_")),
    ),
    doc=_preset_doc(
        "Normal N(mean, std²), as PyTorch's ``normal_``.",
        "Mean ``mean``, variance ``std**2``.",
        "PyTorch, ``torch.nn.init.normal_``.",
        params="    mean : float, default 0.0\n    std : float, default 1.0\n        Must be > 0.\n",
    ),
)
torch_constant = preset(
    constant,
    "torch_constant",
    params=(Param("val", REQUIRED, _number),),
    translate=lambda val: {"value": val},
    info=_preset_info(
        TORCH, "constant", "—", "—", "val", "—", aliases=Aliases(torch=("constant", "constant_"))
    ),
    doc=_preset_doc(
        "Fill with the number ``val``, as PyTorch's ``constant_``.",
        "Mean ``val``, variance 0.",
        "PyTorch, ``torch.nn.init.constant_``.",
        params=(
            "    val : float or int\n        Required. An int is written exactly into an integer\n"
            "        dtype that holds it, and refused by one that does not.\n"
        ),
    ),
)
jax_normal = preset(
    random_normal,
    "jax_normal",
    params=(Param("stddev", 1e-2, _positive),),
    translate=lambda stddev: {"mean": 0.0, "stddev": stddev},
    info=_preset_info(
        JAX, "normal", "—", "—", "N(0, stddev²)", "—", aliases=Aliases(jax=("normal",))
    ),
    doc=_preset_doc(
        "Normal N(0, stddev²), as JAX's ``normal`` (default stddev 0.01).",
        "Mean 0, variance ``stddev**2``.",
        "JAX, ``jax.nn.initializers.normal``.",
        params="    stddev : float, default 0.01\n        Must be > 0.\n",
    ),
)
jax_uniform = preset(
    random_uniform,
    "jax_uniform",
    params=(Param("scale", 1e-2, _positive),),
    translate=lambda scale: {"minval": 0.0, "maxval": scale},
    info=_preset_info(
        JAX, "uniform", "—", "—", "U(0, scale)", "—", aliases=Aliases(jax=("uniform",))
    ),
    doc=_preset_doc(
        "Uniform on [0, scale), as JAX's ``uniform`` (default scale 0.01).",
        "Mean scale / 2, variance scale² / 12.",
        "JAX, ``jax.nn.initializers.uniform``.",
        params="    scale : float, default 0.01\n        Must be > 0.\n",
    ),
)
jax_truncated_normal = preset(
    truncated_normal,
    "jax_truncated_normal",
    params=(
        Param("stddev", 1e-2, _positive),
        Param("lower", -2.0, _extended),
        Param("upper", 2.0, _extended),
    ),
    translate=lambda stddev, lower, upper: {
        "mean": 0.0,
        "stddev": stddev,
        "lower": lower,
        "upper": upper,
    },
    info=_preset_info(
        JAX,
        "truncated normal",
        "—",
        "—",
        "N(0, stddev²) cut to [lower·stddev, upper·stddev]",
        "—",
        aliases=Aliases(jax=("truncated_normal",)),
    ),
    doc=_preset_doc(
        "Truncated normal as JAX's ``truncated_normal`` (default stddev 0.01).",
        "``stddev`` is the standard deviation before truncation; ``lower`` and ``upper`` are in units of it.",
        "JAX, ``jax.nn.initializers.truncated_normal``.",
        params=(
            "    stddev : float, default 0.01\n        Must be > 0.\n"
            "    lower, upper : float, default -2.0, 2.0\n        ``lower < upper``; either may be infinite.\n"
        ),
    ),
)


# --- structured -------------------------------------------------------------------------


@scheme(
    "orthogonal",
    params=(Param("gain", 1.0, _real),),
    info=SchemeInfo(
        KERAS,
        "Haar orthogonal",
        "gain",
        "—",
        "gain · Q, QᵀQ = I (or QQᵀ = I)",
        SAXE,
        "Orthogonal",
        keras_args=("gain",),
        aliases=Aliases(keras=("OrthogonalInitializer",), torch=("orthogonal", "orthogonal_")),
    ),
)
def orthogonal(geometry: Geometry, *, gain: float) -> Distribution:
    r"""A (semi-)orthogonal matrix, Haar-distributed, times ``gain``.

    The array is flattened to a (rows, cols) matrix whose columns are the
    output axes (Keras: the last axis; ``layout='torch'``: the first, as
    PyTorch's ``orthogonal_``). Tall matrices get orthonormal columns, wide
    ones orthonormal rows.

    Parameters
    ----------
    gain : float, default 1.0

    Notes
    -----
    The Q factor of a standard normal matrix with R's diagonal made positive
    (Mezzadri, 2007), which makes Q exactly Haar-distributed; it is formed
    from the Householder reflectors alone, in blocks of matrix products, in
    float64 (see :class:`~weightinit.distributions.Orthogonal`). Every entry
    has mean 0 and variance
    :math:`\mathrm{gain}^2 / \max(\mathrm{rows}, \mathrm{cols})`.

    The rows and columns are not independent, so ``region=`` computes the
    whole matrix and returns the requested part of it (so do ``identity``,
    ``eye``, ``dirac``, ``delta_orthogonal`` and ``sparse``).

    References
    ----------
    Saxe, McClelland & Ganguli (2014), Exact solutions to the nonlinear
    dynamics of learning in deep linear neural networks, ICLR.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> Q = wi.orthogonal((64, 32), rng=0)
    >>> bool(np.allclose(Q.T @ Q, np.eye(32)))
    True
    """
    if geometry.out_axes is None:
        raise ValueError(f"orthogonal needs a shape of rank >= 2; got shape={geometry.shape!r}.")
    return Orthogonal(gain, geometry.shape, geometry.out_axes)


def _axis(name: str, value: Any) -> int:
    return check_int(name, value)


@scheme(
    "jax_orthogonal",
    params=(Param("scale", 1.0, _real), Param("column_axis", -1, _axis)),
    info=SchemeInfo(
        JAX,
        "Haar orthogonal",
        "scale",
        "—",
        "scale · Q, orthonormal along column_axis",
        SAXE,
        aliases=Aliases(jax=("orthogonal",)),
    ),
)
def jax_orthogonal(geometry: Geometry, *, scale: float, column_axis: int) -> Distribution:
    """A (semi-)orthogonal matrix times ``scale``, as JAX's ``orthogonal``.

    The array is viewed as a matrix whose columns run along ``column_axis``
    (all other axes flattened into rows); the law is :func:`orthogonal`'s.

    Parameters
    ----------
    scale : float, default 1.0
    column_axis : int, default -1
        The axis holding the columns.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> Q = wi.jax_orthogonal((32, 64), column_axis=0, rng=0)
    >>> bool(np.allclose(Q @ Q.T, np.eye(32)))
    True
    """
    rank = len(geometry.shape)
    if rank < 2:
        raise ValueError(
            f"jax_orthogonal needs a shape of rank >= 2; got shape={geometry.shape!r}."
        )
    if not -rank <= column_axis < rank:
        raise ValueError(
            f"column_axis must be an axis of shape={geometry.shape!r}; got column_axis={column_axis}."
        )
    return Orthogonal(scale, geometry.shape, (column_axis % rank,))


def _indicator(value: float, shape: tuple[int, ...], index: list[np.ndarray]) -> Indicator:
    return Indicator(value, shape, tuple(np.asarray(i, dtype=np.intp) for i in index))


@scheme(
    "identity",
    params=(Param("gain", 1.0, _number),),
    random=False,
    info=SchemeInfo(
        KERAS,
        "constant",
        "gain",
        "—",
        "gain · I (rectangular, per trailing 2-D block)",
        "—",
        "Identity",
        keras_args=("gain",),
        aliases=Aliases(keras=("IdentityInitializer",), haiku=("Identity",)),
    ),
)
def identity(geometry: Geometry, *, gain: float) -> Distribution:
    """``gain`` times the identity matrix, rectangular, batched over leading axes.

    Each trailing 2-D block is ``gain * eye(n, m)``.

    Parameters
    ----------
    gain : float or int, default 1.0
        An int is written exactly into an integer dtype that holds it, and
        refused by one that does not.

    Notes
    -----
    With k = min(n, m) ones per n x m block, the per-element mean is
    ``gain * k / (n m)`` and the variance ``gain**2 * p * (1 - p)``, p = k / (n m).

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.identity((2, 3), gain=2.0)
    array([[2., 0., 0.],
           [0., 2., 0.]])
    """
    if len(geometry.shape) < 2:
        raise ValueError(f"identity needs a shape of rank >= 2; got shape={geometry.shape!r}.")
    *lead, n, m = geometry.shape
    grid = np.indices((*lead, min(n, m))).reshape(len(lead) + 1, -1)
    return _indicator(gain, geometry.shape, [*grid[:-1], grid[-1], grid[-1]])


@scheme(
    "eye",
    random=False,
    info=SchemeInfo(
        TORCH, "constant", "—", "—", "I (rectangular)", "—", aliases=Aliases(torch=("eye", "eye_"))
    ),
)
def eye(geometry: Geometry) -> Distribution:
    """The (rectangular) identity matrix, as PyTorch's ``eye_``; 2-D only.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.eye((2, 2))
    array([[1., 0.],
           [0., 1.]])
    """
    _rank(geometry, "eye", (2,))
    diagonal = np.arange(min(geometry.shape))
    return _indicator(1.0, geometry.shape, [diagonal, diagonal])


@scheme(
    "dirac",
    params=(Param("groups", 1, _groups),),
    random=False,
    info=SchemeInfo(
        TORCH,
        "constant",
        "—",
        "—",
        "Dirac delta per channel (identity convolution)",
        "—",
        aliases=Aliases(torch=("dirac", "dirac_")),
    ),
)
def dirac(geometry: Geometry, *, groups: int) -> Distribution:
    """A Dirac delta at each kernel's centre: the identity convolution, as PyTorch's ``dirac_``.

    For 3-, 4- and 5-D kernels. Within each of ``groups`` groups of output
    channels, output channel ``d`` passes input channel ``d`` through.

    Parameters
    ----------
    groups : int, default 1
        Must divide the number of output channels.

    Examples
    --------
    >>> import weightinit as wi
    >>> K = wi.dirac((3, 3, 4, 4))            # Keras layout (h, w, in, out)
    >>> K[1, 1]
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    """
    _rank(geometry, "dirac", (3, 4, 5))
    in_axis, out_axis = geometry.single_axes("dirac")
    shape = geometry.shape
    if shape[out_axis] % groups:
        raise ValueError(
            f"groups must divide the number of output channels; got groups={groups} "
            f"with {shape[out_axis]} output channels in shape={shape!r}."
        )
    if math.prod(shape) == 0:  # a zero-size kernel axis has no centre (and 0 has any divisor)
        outputs = inputs = np.empty(0, dtype=np.intp)
    else:  # groups divides a positive channel count, so it is at most that count
        per_group = shape[out_axis] // groups
        channels = np.arange(min(per_group, shape[in_axis]))
        outputs = (np.arange(groups)[:, None] * per_group + channels[None, :]).ravel()
        inputs = np.tile(channels, groups)
    index: list[np.ndarray] = [np.full(outputs.size, size // 2) for size in shape]
    index[out_axis] = outputs
    index[in_axis] = inputs
    return _indicator(1.0, shape, index)


@scheme(
    "delta_orthogonal",
    params=(Param("scale", 1.0, _real),),
    info=SchemeInfo(
        "JAX",
        "orthogonal at kernel centre",
        "scale",
        "—",
        "scale · Q at the centre, 0 elsewhere",
        "Xiao et al. (2018), Dynamical Isometry and a Mean Field Theory of CNNs, ICML",
        aliases=Aliases(jax=("delta_orthogonal",)),
    ),
)
def delta_orthogonal(geometry: Geometry, *, scale: float) -> Distribution:
    r"""An orthogonal (in, out) matrix at the kernel's centre, zeros elsewhere (JAX).

    For 3-, 4- and 5-D convolution kernels with no more input than output
    channels; keeps the signal's norm exactly through deep CNNs.

    Parameters
    ----------
    scale : float, default 1.0
        Multiplies the orthogonal matrix.

    Notes
    -----
    With K spatial positions, mean 0 and variance
    :math:`\mathrm{scale}^2 / (K \cdot n_\mathrm{out})`.

    References
    ----------
    Xiao et al. (2018), Dynamical Isometry and a Mean Field Theory of CNNs:
    How to Train 10,000-Layer Vanilla Convolutional Neural Networks, ICML.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> K = wi.delta_orthogonal((3, 3, 16, 32), rng=0)
    >>> bool(np.allclose(K[1, 1] @ K[1, 1].T, np.eye(16))), float(abs(K[0, 0]).max())
    (True, 0.0)
    """
    _rank(geometry, "delta_orthogonal", (3, 4, 5))
    in_axis, out_axis = geometry.single_axes("delta_orthogonal")
    n_in, n_out = geometry.shape[in_axis], geometry.shape[out_axis]
    if n_in > n_out:
        raise ValueError(
            "delta_orthogonal needs no more input than output channels; got "
            f"{n_in} inputs and {n_out} outputs in shape={geometry.shape!r}."
        )
    return DeltaOrthogonal(scale, geometry.shape, in_axis, out_axis)


@scheme(
    "sparse",
    params=(Param("sparsity", REQUIRED, _fraction), Param("std", 0.01, _positive)),
    info=SchemeInfo(
        TORCH,
        "sparse normal",
        "—",
        "—",
        "N(0, std²), ⌈sparsity · n_out⌉ zeros per input",
        "Martens (2010), Deep learning via Hessian-free optimization, ICML",
        aliases=Aliases(torch=("sparse", "sparse_")),
    ),
)
def sparse(geometry: Geometry, *, sparsity: float, std: float) -> Distribution:
    r"""A sparse normal matrix, as PyTorch's ``sparse_``; 2-D only.

    For each input unit, exactly ``ceil(sparsity * n_out)`` of its outgoing
    weights are zero (PyTorch: per column of the (out, in) matrix); the rest
    are N(0, std²). Unlike PyTorch's, the zeros are drawn from ``rng``, so the
    result is reproducible.

    Parameters
    ----------
    sparsity : float
        Fraction of zeros, in [0, 1]. Required.
    std : float, default 0.01
        Must be > 0.

    Notes
    -----
    Mean 0, variance :math:`\mathrm{std}^2 (1 - z / n_\mathrm{out})` with
    :math:`z = \lceil \mathrm{sparsity} \cdot n_\mathrm{out} \rceil`.

    The zeros of each input unit are the positions of the smallest of
    ``n_out`` uniform float64 keys; the keys are drawn a few units at a time
    (about 2**18 keys, at least one unit's), so besides the array a fill takes
    a few MiB, in float32 as in float64.

    References
    ----------
    Martens (2010), Deep learning via Hessian-free optimization, ICML.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.sparse((10, 20), sparsity=0.25, rng=0)   # (in, out)
    >>> [int((row == 0).sum()) for row in W[:3]]
    [5, 5, 5]
    """
    _rank(geometry, "sparse", (2,))
    _, out_axis = geometry.single_axes("sparse")
    shape = (geometry.shape[0], geometry.shape[1])
    return Sparse(std, math.ceil(sparsity * shape[out_axis]), shape, out_axis)


__test__ = {
    name: globals()[name].__doc__
    for name in __all__
    if name not in {"MODES", "TRUNCATED_NORMAL_STD", "VS_DISTRIBUTIONS"}
}
