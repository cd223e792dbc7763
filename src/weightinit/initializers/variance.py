"""Variance scaling, and the Keras presets of it (Glorot, He, LeCun).

The one engine behind Glorot/Xavier, He/Kaiming and LeCun initialization: a
law whose variance is ``scale / n``, ``n`` the fan ``mode`` chooses. The
PyTorch and Haiku presets of it are in :mod:`.presets`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from .._define import preset, scheme
from .._initializer import Initializer, Param
from .._names import Aliases, SchemeInfo
from .._validation import option_check, real_check
from ..distributions import Distribution, Forms, Normal, TruncatedNormal, Uniform
from ..distributions.elementwise import BOTH_FORMS
from ..fans import Geometry
from ._docs import GLOROT, HE, JAX, KERAS, LECUN, doctests, preset_doc

__all__ = [
    "COMPLEX_ONLY",
    "CRITERIA",
    "KERAS_MODES",
    "MODES",
    "TRUNCATED_NORMAL_STD",
    "VS_DISTRIBUTIONS",
    "complex_rayleigh",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "keras_variance_scaling",
    "lecun_normal",
    "lecun_uniform",
    "variance_scaling",
]

#: Standard deviation of N(0, 1) truncated to [-2, 2], i.e.
#: ``scipy.stats.truncnorm.std(a=-2, b=2)``; dividing by it makes a ±2σ
#: truncated normal's variance exactly the variance-scaling target (Keras, JAX).
TRUNCATED_NORMAL_STD = 0.87962566103423978

#: The fans variance scaling can divide by.
MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")

#: Variance-scaling distributions. 'normal' is untruncated, as in JAX and
#: Haiku (Keras reads it as truncated: its names do, see keras_variance_scaling).
VS_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "normal", "uniform")

#: The keys of a Keras variance-scaling config that name the fan axes.
KERAS_AXES = ("input_axes", "output_axes")

#: Where JAX's names of these schemes raise and these give values.
_JAX_RANK = (
    "takes shapes of rank 0 and 1 (fans (1, 1) and (n, n), as Keras) where JAX's default "
    "in_axis=-2 raises (jax/_src/nn/initializers.py, _compute_fans)"
)

#: How the variance-scaling schemes read the shape, for docs/names.md.
FANS = "fans by layout; `in_axis`/`out_axis`/`batch_axis` (JAX), `input_axes`/`output_axes` (Keras), `fan_in_axes` (Haiku)"


def _divisor(geometry: Geometry, mode: str) -> float:
    fan = geometry.fan(mode)
    if fan == 0:
        raise ValueError(
            f"mode={mode!r} divides by a fan that is 0 for shape={geometry.shape!r} "
            f"(fan_in={geometry.fan_in}, fan_out={geometry.fan_out}); a zero fan has no "
            "variance-scaling scale."
        )
    return fan


@scheme(
    "variance_scaling",
    params=(
        Param("scale", 1.0, real_check(positive=True)),
        Param("mode", "fan_in", option_check(MODES)),
        Param("distribution", "truncated_normal", option_check(VS_DISTRIBUTIONS)),
    ),
    info=SchemeInfo(
        origin=JAX,
        distribution="per `distribution`",
        scale="scale",
        mode="per `mode`",
        formula="Var = scale / n",
        reference=f"{GLOROT}; {HE}",
        aliases=Aliases(jax=("variance_scaling",)),
        axes=FANS,
        differences=(
            "JAX's arguments have no defaults (here Keras' 1.0, 'fan_in', 'truncated_normal'); "
            "also takes Keras' 'untruncated_normal'; " + _JAX_RANK
        ),
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
        - ``'normal'`` and ``'untruncated_normal'``: N(0, scale / n), as
          JAX's and Haiku's ``'normal'``. (Keras reads ``'normal'`` as
          truncated: its names, ``'VarianceScaling'`` and
          ``'keras.VarianceScaling'``, and its configs resolve to
          :func:`keras_variance_scaling`, which does too.)
        - ``'uniform'``: U(-l, l) with l = sqrt(3 · scale / n).

    Raises
    ------
    ValueError
        If the fan ``mode`` selects is 0.

    Notes
    -----
    In complex64 and complex128, JAX's complex forms, with E|W|² = scale / n
    exactly and E W = 0 (jax/_src/nn/initializers.py, ``variance_scaling``):

    - ``'normal'``: :math:`W = \sqrt{v}\,(X + iY)/\sqrt{2}`, X, Y i.i.d.
      N(0, 1): |W|² is exponential of mean v.
    - ``'uniform'``: uniform on the disk of radius :math:`\sqrt{2v}`
      (JAX's ``_complex_uniform``): |W|² uniform on [0, 2v].
    - ``'truncated_normal'``: :math:`W = c Z`, Z the circular complex normal
      of E|Z|² = 1 with its modulus cut at 2 (JAX's
      ``_complex_truncated_normal(upper=2)``), |Z|² Exp(1) on [0, 4], and
      :math:`c = \sqrt{v / m}`, :math:`m = 1 - 4e^{-4}/(1 - e^{-4})
      = 0.92537\ldots` the truncated E|Z|². JAX divides by
      0.95311164380491208 = :math:`\sqrt{1 - 5e^{-4}}` instead, the root of
      E[|Z|²; |Z| <= 2] before dividing by the mass :math:`1 - e^{-4}`: its
      E|W|² is :math:`v / (1 - e^{-4})` = 1.018657 v, 1.87% above the target
      its docs state. This library gives the stated target; JAX's values are
      these times :math:`\sqrt{m} / 0.95311\ldots = 1.0092856`.

    The phase is uniform and independent of the modulus in all three.

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
        return Uniform(-limit, limit, BOTH_FORMS)  # complex: JAX's disk
    if distribution == "truncated_normal":
        std = math.sqrt(variance) / TRUNCATED_NORMAL_STD
        return TruncatedNormal(0.0, std, -2.0 * std, 2.0 * std, BOTH_FORMS)  # complex: radial
    return Normal(0.0, math.sqrt(variance))


#: Keras' and Haiku's ``VarianceScaling`` modes (no ``fan_geo_avg``), exact case.
KERAS_MODES = ("fan_in", "fan_out", "fan_avg")


def library_variance_scaling(
    name: str,
    distributions: tuple[str, ...],
    *,
    info: SchemeInfo,
    doc: str,
    read_as: Mapping[str, str] | None = None,
    adapt: Callable[[Distribution], Distribution] | None = None,
) -> Initializer:
    """:func:`variance_scaling` under a library's reading of its arguments (Keras', Haiku's).

    Both read ``mode`` exactly, among :data:`KERAS_MODES`, and ``distribution``
    in any case among ``distributions``, ``read_as`` mapping a spelling to the
    distribution it means; the values then go to :func:`variance_scaling` as
    they are.
    """
    return preset(
        variance_scaling,
        name,
        params=(
            Param("scale", 1.0, real_check(positive=True)),
            Param("mode", "fan_in", option_check(KERAS_MODES)),
            Param(
                "distribution",
                "truncated_normal",
                option_check(distributions, any_case=True, read_as=read_as),
            ),
        ),
        translate=lambda scale, mode, distribution: {
            "scale": scale,
            "mode": mode,
            "distribution": distribution,
        },
        info=info,
        doc=doc,
        adapt=adapt,
    )


# keras/src/initializers/random_initializers.py, VarianceScaling.__init__:
# `distribution = distribution.lower()`, then 'normal' -> 'truncated_normal'.
keras_variance_scaling = library_variance_scaling(
    "keras_variance_scaling",
    ("truncated_normal", "untruncated_normal", "uniform"),
    read_as={"normal": "truncated_normal"},
    info=SchemeInfo(
        origin=KERAS,
        distribution="per `distribution` ('normal' truncated)",
        scale="scale",
        mode="per `mode`",
        formula="Var = scale / n",
        reference=f"{GLOROT}; {HE}",
        keras_class="VarianceScaling",
        keras_args=("scale", "mode", "distribution", *KERAS_AXES),
        axes=FANS,
    ),
    doc=preset_doc(
        "Keras' ``VarianceScaling``: :func:`variance_scaling` with Keras' reading of its arguments.",
        "As :func:`variance_scaling`, but ``distribution`` is read in any case and "
        "``'normal'`` means ``'truncated_normal'`` (±2σ, variance exactly scale / n), as "
        "Keras reads them; ``mode`` is one of 'fan_in', 'fan_out', 'fan_avg', exactly.",
        f"{KERAS}, ``keras.initializers.VarianceScaling``.",
    ),
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
            origin=KERAS,
            distribution=label,
            scale=f"{scale:g}",
            mode=mode,
            formula=formula,
            reference=reference,
            keras_class=keras_class,
            keras_args=KERAS_AXES,
            aliases=Aliases(jax=jax),
            axes=FANS,
            differences=_JAX_RANK,
        ),
        doc=preset_doc(
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


# --- Trabelsi et al.'s complex initialization -------------------------------------------------

TRABELSI = "Trabelsi et al. (2018), Deep Complex Networks, ICLR"
#: Trabelsi et al.'s criteria: the fan whose inverse is sigma squared.
CRITERIA = ("glorot", "he")
#: A law of complex weights only.
COMPLEX_ONLY = Forms(
    in_real="Trabelsi et al.'s scheme is a law of complex weights, a Rayleigh modulus "
    "and a uniform phase",
    in_complex=None,
)


@scheme(
    "complex_rayleigh",
    params=(Param("criterion", "glorot", option_check(CRITERIA)),),
    info=SchemeInfo(
        origin="Trabelsi et al. (2018)",
        distribution="complex: Rayleigh modulus, uniform phase",
        scale="2",
        mode="fan_avg | fan_in",
        formula="|W| ~ Rayleigh(σ), σ = 1/√(fan_in + fan_out) | 1/√fan_in; E|W|² = 2σ²",
        reference=TRABELSI,
    ),
)
def complex_rayleigh(geometry: Geometry, *, criterion: str) -> Distribution:
    r"""Complex weights of Rayleigh modulus and uniform phase (Trabelsi et al., 2018).

    :math:`W = R e^{i	heta}`, :math:`R \sim \mathrm{Rayleigh}(\sigma)` and
    :math:`	heta \sim U[-\pi, \pi]` independent, so that
    :math:`\mathrm{Var}(W) = E|W|^2 = 2\sigma^2` and E W = 0. Complex dtypes
    only (complex64, complex128); a real dtype is refused.

    Parameters
    ----------
    criterion : {'glorot', 'he'}, default 'glorot'
        ``'glorot'``: :math:`\sigma = 1/\sqrt{\mathrm{fan\_in} + \mathrm{fan\_out}}`,
        Var(W) = 2 / (fan_in + fan_out); ``'he'``: :math:`\sigma = 1/\sqrt{\mathrm{fan\_in}}`,
        Var(W) = 2 / fan_in (Section 3.6 of the paper).

    Raises
    ------
    TypeError
        If the dtype is not complex.
    ValueError
        If the fan the criterion divides by is 0.

    Notes
    -----
    A Rayleigh modulus of parameter σ with an independent uniform phase is
    the circular complex normal whose real and imaginary parts are i.i.d.
    N(0, σ²) (Box & Muller, 1958): the values are drawn as such, and |W|² is
    exponential of mean 2σ².

    References
    ----------
    Trabelsi et al. (2018), Deep Complex Networks, ICLR.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.complex_rayleigh((256, 128), criterion="he", dtype="complex64", rng=0)
    >>> W.dtype, round(wi.complex_rayleigh.variance(256, 128, criterion="he") * 256, 12)
    (dtype('complex64'), 2.0)
    """
    mode = "fan_in" if criterion == "he" else "fan_avg"
    fan = 2.0 * _divisor(geometry, mode) if criterion == "glorot" else _divisor(geometry, mode)
    return Normal(0.0, math.sqrt(2.0 / fan), COMPLEX_ONLY)


__test__ = doctests(globals())
