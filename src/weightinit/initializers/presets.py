"""The PyTorch, JAX and Haiku presets: a base scheme under another library's names and defaults.

Each preset is one :func:`_preset` call: its name, the base scheme, the
base's parameters it fixes, its own parameters and how they translate onto
the base's, its table cells and its doc. The Keras presets of
``variance_scaling`` are in :mod:`.variance`. Haiku's ``UniformScaling``,
whose divisor is no fan of :mod:`weightinit.fans`, is a scheme of its own here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from .._define import preset, scheme
from .._initializer import REQUIRED, Initializer, Param
from .._names import Aliases, SchemeInfo
from .._validation import check_less, check_number, option_check, real_check, shown
from ..distributions import Distribution, Forms, Normal, TruncatedNormal, Uniform
from ..fans import Geometry
from ..gains import NONLINEARITIES, calculate_gain
from ._docs import GLOROT, HAIKU, HE, JAX, SAXE, TORCH, doctests, preset_doc
from .constants import _constant_value, constant
from .plain import random_normal, random_uniform, truncated_normal
from .structured import ORTHOGONAL_AXES, orthogonal
from .variance import FANS, library_variance_scaling, variance_scaling

__all__ = [
    "haiku_constant",
    "haiku_random_normal",
    "haiku_random_uniform",
    "haiku_truncated_normal",
    "haiku_variance_scaling",
    "jax_constant",
    "jax_normal",
    "jax_truncated_normal",
    "jax_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "torch_constant",
    "torch_normal",
    "torch_orthogonal",
    "torch_uniform",
    "uniform_scaling",
    "xavier_normal",
    "xavier_uniform",
]

#: Where a preset's own library documents it, for its doc's reference.
_DOCUMENTED_IN = {TORCH: "torch.nn.init", JAX: "jax.nn.initializers", HAIKU: "haiku.initializers"}


def _preset(
    name: str,
    base: Initializer,
    params: tuple[Param, ...],
    translate: Callable[..., dict[str, Any]],
    *,
    fixed: dict[str, Any] | None = None,
    info: SchemeInfo,
    doc: tuple[str, str, str],
    adapt: Callable[[Distribution], Distribution] | None = None,
) -> Initializer:
    """Register a preset; ``doc`` is (summary, closed form, parameters in numpydoc lines).

    The doc's reference is the table's, or else the function of the preset's
    library that it reproduces (its last alias there).
    """
    reference = info.reference
    if reference == "—":
        by_origin = {TORCH: info.aliases.torch, JAX: info.aliases.jax, HAIKU: info.aliases.haiku}
        aliases = by_origin[info.origin]
        reference = f"{info.origin}, ``{_DOCUMENTED_IN[info.origin]}.{aliases[-1]}``."
    summary, formula, params_doc = doc
    if info.layout == "torch":
        formula += (
            "\n\n    Shapes are read in PyTorch's layout, (out, in, …kernel…), unless a call "
            "passes ``layout='keras'``."
        )
    text = preset_doc(summary, formula, reference, params=params_doc)
    return preset(
        base,
        name,
        params=params,
        translate=translate,
        info=info,
        doc=text,
        adapt=adapt,
        **(fixed or {}),
    )


def _no_complex(
    reason: str, *, unless_centred: bool = False
) -> Callable[[Distribution], Distribution]:
    """A preset's law without the complex form of its base's (``unless_centred``: where loc != 0)."""
    forms = Forms(in_complex=reason)

    def adapt(law: Distribution) -> Distribution:
        if not isinstance(law, (Uniform, Normal, TruncatedNormal)):
            raise AssertionError(f"a uniform, normal or truncated normal law; got {law!r}")
        if unless_centred and isinstance(law, Normal) and law.loc == 0.0:
            return law
        return dataclasses.replace(law, drawn_as=forms)

    return adapt


#: PyTorch's uniform_ on a complex tensor (torch/nn/init.py, ``_no_grad_uniform_``).
_TORCH_SQUARE = (
    "PyTorch's uniform_ draws the real and imaginary parts each from U(-l, l), an E|W|^2 "
    "twice the variance this scheme states; variance_scaling(distribution='uniform') and "
    "glorot_uniform, he_uniform are JAX's disk of the stated variance"
)
_no_torch_complex = _no_complex(_TORCH_SQUARE)
#: Haiku's UniformScaling draws with jax.random.uniform, which refuses complex dtypes.
_no_haiku_complex = _no_complex(
    "Haiku's UniformScaling draws with jax.random.uniform, which refuses complex dtypes"
)
#: PyTorch's normal_ on a complex tensor adds mean to both parts (torch/nn/init.py, ``normal_``).
_torch_normal_forms = _no_complex(
    "PyTorch's normal_ adds mean to the real and the imaginary part alike, a mean "
    "mean * (1 + 1j) that the law's real mean does not state; mean=0 has a complex form",
    unless_centred=True,
)


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


def _kaiming(a: float, mode: str, nonlinearity: str) -> dict[str, Any]:
    return {"scale": _squared("a", a, calculate_gain(nonlinearity, a)), "mode": mode}


def _torch_uniform(a: float, b: float) -> dict[str, Any]:
    check_less("a", a, "b", b)
    return {"minval": a, "maxval": b}


#: What PyTorch's fan-based schemes refuse and these take.
_TORCH_RANK = (
    "takes shapes of rank 0 and 1 (fans (1, 1) and (n, n), as Keras) where PyTorch raises "
    "'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'"
)
_POSITIVE = real_check(positive=True)
_GAIN = (Param("gain", 1.0, _POSITIVE),)
_GAIN_DOC = (
    "    gain : float, default 1.0\n        Multiplies the standard deviation; must be > 0.\n"
)
_KAIMING = (
    Param("a", 0.0, real_check()),
    # torch/nn/init.py, _calculate_correct_fan: `mode = mode.lower()`.
    Param("mode", "fan_in", option_check(("fan_in", "fan_out"), any_case=True)),
    Param("nonlinearity", "leaky_relu", option_check(NONLINEARITIES)),
)
_KAIMING_DOC = (
    "    a : float, default 0.0\n        Negative slope of the rectifier after this layer (``'leaky_relu'`` only).\n"
    "    mode : {'fan_in', 'fan_out'}, default 'fan_in'\n"
    "        'fan_in' keeps the forward pass's variance, 'fan_out' the backward pass's.\n"
    "    nonlinearity : str, default 'leaky_relu'\n        A name :func:`weightinit.calculate_gain` accepts.\n"
)
_KAIMING_SCALE = "gain(nonlinearity, a)²"
_SUSSILLO = "Sussillo & Abbott (2014), Random Walk Initialization for Training Very Deep Feedforward Networks"
_SCALE_DOC = "    scale : float, default {}\n        Must be > 0.\n"
_STDDEV_DOC = "    stddev : float, default 0.01\n        Must be > 0.\n"


# --- PyTorch's and Haiku's presets of variance scaling ---------------------------------------

xavier_normal = _preset(
    "xavier_normal", variance_scaling, _GAIN, lambda gain: {"scale": _squared("gain", gain, gain)},
    fixed={"mode": "fan_avg", "distribution": "normal"},
    info=SchemeInfo(origin=TORCH, distribution="normal", scale="gain²", mode="fan_avg",
                    formula="N(0, gain² · 2 / (fan_in + fan_out))", reference=GLOROT,
                    aliases=Aliases(torch=("xavier_normal", "xavier_normal_")), axes=FANS,
                    differences=_TORCH_RANK),
    doc=("Xavier normal, PyTorch's form: an untruncated normal.",
         "N(0, σ²) with σ = gain · sqrt(2 / (fan_in + fan_out)).", _GAIN_DOC),
)  # fmt: skip
xavier_uniform = _preset(
    "xavier_uniform", variance_scaling, _GAIN, lambda gain: {"scale": _squared("gain", gain, gain)},
    fixed={"mode": "fan_avg", "distribution": "uniform"},
    info=SchemeInfo(origin=TORCH, distribution="uniform", scale="gain²", mode="fan_avg",
                    formula="U(±gain · √(6 / (fan_in + fan_out)))", reference=GLOROT,
                    aliases=Aliases(torch=("xavier_uniform", "xavier_uniform_")), axes=FANS,
                    differences=_TORCH_RANK),
    doc=("Xavier uniform, PyTorch's form.",
         "U(-l, l) with l = gain · sqrt(6 / (fan_in + fan_out)).", _GAIN_DOC),
    adapt=_no_torch_complex,
)  # fmt: skip
kaiming_normal = _preset(
    "kaiming_normal", variance_scaling, _KAIMING, _kaiming, fixed={"distribution": "normal"},
    info=SchemeInfo(origin=TORCH, distribution="normal", scale=_KAIMING_SCALE, mode="fan_in | fan_out",
                    formula="N(0, gain² / fan)", reference=HE,
                    aliases=Aliases(torch=("kaiming_normal", "kaiming_normal_")), axes=FANS,
                    differences=_TORCH_RANK),
    doc=("Kaiming (He) normal, PyTorch's form: an untruncated normal.",
         "N(0, σ²) with σ = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).", _KAIMING_DOC),
)  # fmt: skip
kaiming_uniform = _preset(
    "kaiming_uniform", variance_scaling, _KAIMING, _kaiming, fixed={"distribution": "uniform"},
    info=SchemeInfo(origin=TORCH, distribution="uniform", scale=_KAIMING_SCALE, mode="fan_in | fan_out",
                    formula="U(±gain · √(3 / fan))", reference=HE,
                    aliases=Aliases(torch=("kaiming_uniform", "kaiming_uniform_")), axes=FANS,
                    differences=_TORCH_RANK),
    doc=("Kaiming (He) uniform, PyTorch's form.",
         "U(-l, l) with l = gain · sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).", _KAIMING_DOC),
    adapt=_no_torch_complex,
)  # fmt: skip


@scheme(
    "uniform_scaling",
    params=(Param("scale", 1.0, _POSITIVE),),
    info=SchemeInfo(
        origin=HAIKU,
        distribution="uniform",
        scale="scale²",
        mode="prod(shape[:-1])",
        formula="U(±scale · √(3 / prod(shape[:-1])))",
        reference=_SUSSILLO,
        aliases=Aliases(haiku=("UniformScaling",)),
        axes="fan_in: Haiku's prod(shape[:-1]) in the Keras layout; 1 below rank 2 unless `fan_in=` is given",
    ),
)
def uniform_scaling(geometry: Geometry, *, scale: float) -> Distribution:
    r"""Haiku's ``UniformScaling``: uniform with variance scale² / input_size.

    ``input_size`` is Haiku's ``np.prod(shape[:-1])``: the product of every
    axis but the last (the output axis; ``layout='torch'``: every axis but
    the first). It is 1 for a shape of rank 0 or 1, where Haiku's
    ``shape[:-1]`` is empty, so a bias of shape ``(n,)`` gets ``U(±√3 · scale)``;
    for rank 2 and above it is ``fan_in``, as is a ``fan_in=`` the call gives.

    Parameters
    ----------
    scale : float, default 1.0
        Multiplies the bound; must be > 0.

    Notes
    -----
    U(-l, l) with :math:`l = \sqrt{3 / \mathrm{input\_size}} \cdot \mathrm{scale}`,
    Haiku's expression; mean 0, variance :math:`\mathrm{scale}^2 / \mathrm{input\_size}`.

    Raises
    ------
    ValueError
        If ``input_size`` is 0 (Haiku's bound is then infinite), or the bound
        or its variance is not a positive finite float64.

    References
    ----------
    Haiku, ``haiku.initializers.UniformScaling``; Sussillo & Abbott (2014),
    Random Walk Initialization for Training Very Deep Feedforward Networks.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.uniform_scaling.distribution(shape=(4,))       # Haiku: input_size 1 for rank 1
    Uniform(low=-1.7320508075688772, high=1.7320508075688772)
    >>> round(wi.uniform_scaling.variance(shape=(3, 3, 16, 8), scale=2.0) * 144, 12)
    4.0
    """
    input_size = geometry.fan_in if len(geometry.shape) >= 2 or geometry.fans_given else 1
    if input_size == 0:
        raise ValueError(
            "uniform_scaling divides by input_size, the product of every axis but the output "
            f"axis (Haiku's prod(shape[:-1])), which is 0 for shape={shown(geometry.shape)}; "
            "Haiku's bound sqrt(3 / 0) is infinite."
        )
    limit = math.sqrt(3.0 / input_size) * scale
    law = _no_haiku_complex(Uniform(-limit, limit))
    if not (0.0 < limit < math.inf and 0.0 < law.variance < math.inf):
        raise ValueError(
            f"scale={scale!r} gives the bound sqrt(3 / {input_size}) * scale = {limit!r} for "
            f"shape={shown(geometry.shape)}, whose variance {law.variance!r} is not a positive "
            "finite float64; choose another scale."
        )
    return law


# --- Haiku's plain laws, with its parameter names and defaults --------------------------------

haiku_random_normal = _preset(
    "haiku_random_normal", random_normal, (Param("stddev", 1.0, _POSITIVE), Param("mean", 0.0, real_check())),
    lambda stddev, mean: {"mean": mean, "stddev": stddev},
    info=SchemeInfo(origin=HAIKU, distribution="normal", formula="N(mean, stddev²)",
                    aliases=Aliases(haiku=("RandomNormal",))),
    doc=("Normal N(mean, stddev²), as Haiku's ``RandomNormal`` (default stddev 1).",
         "Mean ``mean``, variance ``stddev**2``.",
         "    stddev : float, default 1.0\n        Must be > 0.\n    mean : float, default 0.0\n"),
)  # fmt: skip
haiku_truncated_normal = _preset(
    "haiku_truncated_normal", truncated_normal,
    (Param("stddev", 1.0, _POSITIVE), Param("mean", 0.0, real_check()),
     Param("lower", -2.0, real_check(allow_inf=True)), Param("upper", 2.0, real_check(allow_inf=True))),
    lambda stddev, mean, lower, upper: {"mean": mean, "stddev": stddev, "lower": lower, "upper": upper},
    info=SchemeInfo(origin=HAIKU, distribution="truncated normal",
                    formula="N(mean, stddev²) cut to [mean + lower·stddev, mean + upper·stddev]",
                    aliases=Aliases(haiku=("TruncatedNormal",))),
    doc=("Truncated normal as Haiku's ``TruncatedNormal`` (default stddev 1, cut at ±2).",
         "``stddev`` is the standard deviation before truncation (not corrected for it); "
         "``lower`` and ``upper`` are in units of it, around ``mean``.",
         "    stddev : float, default 1.0\n        Must be > 0.\n    mean : float, default 0.0\n"
         "    lower, upper : float, default -2.0, 2.0\n        ``lower < upper``; either may be infinite.\n"),
)  # fmt: skip
haiku_random_uniform = _preset(
    "haiku_random_uniform", random_uniform, (Param("minval", 0.0, real_check()), Param("maxval", 1.0, real_check())),
    lambda minval, maxval: {"minval": minval, "maxval": maxval},
    info=SchemeInfo(origin=HAIKU, distribution="uniform", formula="U(minval, maxval)",
                    aliases=Aliases(haiku=("RandomUniform",))),
    doc=("Uniform on [minval, maxval), as Haiku's ``RandomUniform`` (default [0, 1)).",
         "Mean (minval + maxval) / 2, variance (maxval - minval)² / 12.",
         "    minval, maxval : float, default 0.0, 1.0\n        ``minval < maxval``.\n"),
)  # fmt: skip
haiku_constant = _preset(
    "haiku_constant", constant, (Param("constant", REQUIRED, _constant_value),), lambda constant: {"value": constant},
    info=SchemeInfo(origin=HAIKU, distribution="constant", formula="constant (broadcast to the shape)",
                    example={"constant": 0.5}, aliases=Aliases(haiku=("Constant",))),
    doc=("Fill with ``constant``, broadcast to the shape, as Haiku's ``Constant``.",
         "Mean and variance those of the broadcast values.",
         "    constant : float or array_like\n        Required. A finite real number, or an array of them\n"
         "        broadcastable to the shape.\n"),
)  # fmt: skip


# haiku/_src/initializers.py, VarianceScaling.__init__: `distribution.lower()`; 'normal' is
# untruncated there.
haiku_variance_scaling = library_variance_scaling(
    "haiku_variance_scaling",
    ("normal", "truncated_normal", "uniform"),
    adapt=_no_complex(
        "Haiku's complex forms (each part truncated separately, E|W|^2 = 2v; 'uniform' "
        "refused by jax.random.uniform) are not implemented"
    ),
    info=SchemeInfo(
        origin=HAIKU,
        distribution="per `distribution`",
        scale="scale",
        mode="per `mode`",
        formula="Var = scale / n",
        reference=f"{GLOROT}; {HE}",
        aliases=Aliases(haiku=("VarianceScaling",)),
        axes=FANS,
    ),
    doc=preset_doc(
        "Haiku's ``VarianceScaling``: :func:`variance_scaling` with Haiku's reading of its arguments.",
        "As :func:`variance_scaling`, with ``distribution`` read in any case ('normal' "
        "untruncated) and ``mode`` one of 'fan_in', 'fan_out', 'fan_avg'; Haiku's "
        "``fan_in_axes`` is the call option of that name.",
        f"{HAIKU}, ``haiku.initializers.VarianceScaling``.",
    ),
)

# --- PyTorch's and JAX's plain laws, with their parameter names and defaults -----------------

torch_uniform = _preset(
    "torch_uniform", random_uniform, (Param("a", 0.0, real_check()), Param("b", 1.0, real_check())),
    _torch_uniform,
    info=SchemeInfo(origin=TORCH, distribution="uniform", formula="U(a, b)",
                    aliases=Aliases(torch=("uniform", "uniform_"))),
    doc=("Uniform on [a, b), as PyTorch's ``uniform_``.", "Mean (a + b) / 2, variance (b - a)² / 12.",
         "    a, b : float, default 0.0, 1.0\n        Bounds; ``a < b``.\n"),
)  # fmt: skip
torch_normal = _preset(
    "torch_normal", random_normal, (Param("mean", 0.0, real_check()), Param("std", 1.0, _POSITIVE)),
    lambda mean, std: {"mean": mean, "stddev": std},
    info=SchemeInfo(origin=TORCH, distribution="normal", formula="N(mean, std²)",
                    aliases=Aliases(torch=("normal", "normal_"))),
    doc=("Normal N(mean, std²), as PyTorch's ``normal_``.", "Mean ``mean``, variance ``std**2``.",
         "    mean : float, default 0.0\n    std : float, default 1.0\n        Must be > 0.\n"),
    adapt=_torch_normal_forms,
)  # fmt: skip
torch_constant = _preset(
    "torch_constant", constant, (Param("val", REQUIRED, check_number),), lambda val: {"value": val},
    info=SchemeInfo(origin=TORCH, distribution="constant", formula="val", example={"val": 0.5},
                    aliases=Aliases(torch=("constant", "constant_"))),
    doc=("Fill with the number ``val``, as PyTorch's ``constant_``.", "Mean ``val``, variance 0.",
         "    val : float or int\n        Required. An int is written exactly into an integer\n"
         "        dtype that holds it, and refused by one that does not.\n"),
)  # fmt: skip
jax_constant = _preset(
    "jax_constant", constant, (Param("value", REQUIRED, _constant_value),), lambda value: {"value": value},
    info=SchemeInfo(origin=JAX, distribution="constant", formula="value (broadcast to the shape)",
                    example={"value": 0.5}, aliases=Aliases(jax=("constant",))),
    doc=("Fill with ``value``, broadcast to the shape, as JAX's ``constant`` (no default value).",
         "Mean and variance those of the broadcast values.",
         "    value : float or array_like\n        Required. A finite real number, or an array of them\n"
         "        broadcastable to the shape.\n"),
)  # fmt: skip
jax_normal = _preset(
    "jax_normal", random_normal, (Param("stddev", 1e-2, _POSITIVE),),
    lambda stddev: {"stddev": stddev}, fixed={"mean": 0.0},
    info=SchemeInfo(origin=JAX, distribution="normal", formula="N(0, stddev²)",
                    aliases=Aliases(jax=("normal",))),
    doc=("Normal N(0, stddev²), as JAX's ``normal`` (default stddev 0.01).",
         "Mean 0, variance ``stddev**2``.", _STDDEV_DOC),
)  # fmt: skip
jax_uniform = _preset(
    "jax_uniform", random_uniform, (Param("scale", 1e-2, _POSITIVE),),
    lambda scale: {"maxval": scale}, fixed={"minval": 0.0},
    info=SchemeInfo(origin=JAX, distribution="uniform", formula="U(0, scale)",
                    aliases=Aliases(jax=("uniform",))),
    doc=("Uniform on [0, scale), as JAX's ``uniform`` (default scale 0.01).",
         "Mean scale / 2, variance scale² / 12.", _SCALE_DOC.format("0.01")),
)  # fmt: skip
jax_truncated_normal = _preset(
    "jax_truncated_normal", truncated_normal,
    (Param("stddev", 1e-2, _POSITIVE), Param("lower", -2.0, real_check(allow_inf=True)),
     Param("upper", 2.0, real_check(allow_inf=True))),
    lambda stddev, lower, upper: {"stddev": stddev, "lower": lower, "upper": upper},
    fixed={"mean": 0.0},
    info=SchemeInfo(origin=JAX, distribution="truncated normal",
                    formula="N(0, stddev²) cut to [lower·stddev, upper·stddev]",
                    aliases=Aliases(jax=("truncated_normal",))),
    doc=("Truncated normal as JAX's ``truncated_normal`` (default stddev 0.01).",
         "``stddev`` is the standard deviation before truncation; ``lower`` and ``upper`` are in units of it.",
         _STDDEV_DOC + "    lower, upper : float, default -2.0, 2.0\n        ``lower < upper``; either may be infinite.\n"),
)  # fmt: skip


torch_orthogonal = _preset(
    "torch_orthogonal", orthogonal, (Param("gain", 1.0, real_check()),), lambda gain: {"gain": gain},
    info=SchemeInfo(origin=TORCH, distribution="Haar orthogonal", scale="gain",
                    formula="gain · Q of the (out, in · kernel) matrix", reference=SAXE,
                    aliases=Aliases(torch=("orthogonal", "orthogonal_")), axes=ORTHOGONAL_AXES),
    doc=("A (semi-)orthogonal matrix times ``gain``, as PyTorch's ``orthogonal_``.",
         "The (out, in, …kernel…) array viewed as the (out, in · kernel) matrix of PyTorch's "
         "``orthogonal_``: orthonormal rows if it is wide, columns if tall; the law is "
         ":func:`orthogonal`'s, in PyTorch's layout.",
         "    gain : float, default 1.0\n"),
)  # fmt: skip


__test__ = doctests(globals())
