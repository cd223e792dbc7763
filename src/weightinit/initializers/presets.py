"""The PyTorch, JAX and Haiku presets: a base scheme under another library's names and defaults.

Each preset is one :func:`_preset` call: its name, the base scheme, the
base's parameters it fixes, its own parameters and how they translate onto
the base's, its table cells and its doc. The Keras presets of
``variance_scaling`` are in :mod:`.variance`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from .._define import preset
from .._initializer import REQUIRED, Initializer, Param
from .._names import Aliases, SchemeInfo
from .._validation import check_less, check_number, option_check, real_check
from ..distributions import Distribution, Forms, Normal, Uniform
from ..gains import NONLINEARITIES, calculate_gain
from ._docs import GLOROT, HAIKU, HE, JAX, TORCH, doctests, preset_doc
from .constants import constant
from .plain import random_normal, random_uniform, truncated_normal
from .variance import variance_scaling

__all__ = [
    "jax_normal",
    "jax_truncated_normal",
    "jax_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "torch_constant",
    "torch_normal",
    "torch_uniform",
    "uniform_scaling",
    "xavier_normal",
    "xavier_uniform",
]

#: Where a preset's own library documents it, for its doc's reference.
_DOCUMENTED_IN = {TORCH: "torch.nn.init", JAX: "jax.nn.initializers"}


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
        aliases = info.aliases.torch if info.origin == TORCH else info.aliases.jax
        reference = f"{info.origin}, ``{_DOCUMENTED_IN[info.origin]}.{aliases[-1]}``."
    summary, formula, params_doc = doc
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
        if not isinstance(law, (Uniform, Normal)):
            raise AssertionError(f"a uniform or normal law; got {law!r}")
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


_POSITIVE = real_check(positive=True)
_GAIN = (Param("gain", 1.0, _POSITIVE),)
_GAIN_DOC = (
    "    gain : float, default 1.0\n        Multiplies the standard deviation; must be > 0.\n"
)
_KAIMING = (
    Param("a", 0.0, real_check()),
    Param("mode", "fan_in", option_check(("fan_in", "fan_out"))),
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
                    aliases=Aliases(torch=("xavier_normal", "xavier_normal_"))),
    doc=("Xavier normal, PyTorch's form: an untruncated normal.",
         "N(0, σ²) with σ = gain · sqrt(2 / (fan_in + fan_out)).", _GAIN_DOC),
)  # fmt: skip
xavier_uniform = _preset(
    "xavier_uniform", variance_scaling, _GAIN, lambda gain: {"scale": _squared("gain", gain, gain)},
    fixed={"mode": "fan_avg", "distribution": "uniform"},
    info=SchemeInfo(origin=TORCH, distribution="uniform", scale="gain²", mode="fan_avg",
                    formula="U(±gain · √(6 / (fan_in + fan_out)))", reference=GLOROT,
                    aliases=Aliases(torch=("xavier_uniform", "xavier_uniform_"))),
    doc=("Xavier uniform, PyTorch's form.",
         "U(-l, l) with l = gain · sqrt(6 / (fan_in + fan_out)).", _GAIN_DOC),
    adapt=_no_torch_complex,
)  # fmt: skip
kaiming_normal = _preset(
    "kaiming_normal", variance_scaling, _KAIMING, _kaiming, fixed={"distribution": "normal"},
    info=SchemeInfo(origin=TORCH, distribution="normal", scale=_KAIMING_SCALE, mode="fan_in | fan_out",
                    formula="N(0, gain² / fan)", reference=HE,
                    aliases=Aliases(torch=("kaiming_normal", "kaiming_normal_"))),
    doc=("Kaiming (He) normal, PyTorch's form: an untruncated normal.",
         "N(0, σ²) with σ = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).", _KAIMING_DOC),
)  # fmt: skip
kaiming_uniform = _preset(
    "kaiming_uniform", variance_scaling, _KAIMING, _kaiming, fixed={"distribution": "uniform"},
    info=SchemeInfo(origin=TORCH, distribution="uniform", scale=_KAIMING_SCALE, mode="fan_in | fan_out",
                    formula="U(±gain · √(3 / fan))", reference=HE,
                    aliases=Aliases(torch=("kaiming_uniform", "kaiming_uniform_"))),
    doc=("Kaiming (He) uniform, PyTorch's form.",
         "U(-l, l) with l = gain · sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).", _KAIMING_DOC),
    adapt=_no_torch_complex,
)  # fmt: skip
uniform_scaling = _preset(
    "uniform_scaling", variance_scaling, (Param("scale", 1.0, _POSITIVE),),
    lambda scale: {"scale": _squared("scale", scale, scale)},
    fixed={"mode": "fan_in", "distribution": "uniform"},
    info=SchemeInfo(origin=HAIKU, distribution="uniform", scale="scale²", mode="fan_in",
                    formula="U(±scale · √(3 / fan_in))", reference=_SUSSILLO,
                    aliases=Aliases(haiku=("UniformScaling",))),
    doc=("Haiku's UniformScaling: uniform with variance scale² / fan_in.",
         "U(-l, l) with l = scale · sqrt(3 / fan_in).", _SCALE_DOC.format("1.0")),
    adapt=_no_haiku_complex,
)  # fmt: skip


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


__test__ = doctests(globals())
