"""μP's initialization (the ``mup`` package's ``set_base_shapes`` and ``mup.init``) as per-parameter rules.

Each parameter's shape at the base width and at the target width give its
infinite ("width") dimensions, as ``mup``'s ``InfShape`` reads them; the rule
for its exact path is the law ``mup.init.<init>`` draws it from. (The module
is not named ``mup``: a submodule of that name would shadow the recipe
``wi.recipes.mup`` once imported.)
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from .._validation import check_bool, check_option, check_real, describe, shown
from ..initializers import (
    kaiming_normal,
    kaiming_uniform,
    torch_normal,
    torch_uniform,
    trunc_normal,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from ..models import leaves
from ._roles import patterns_of

__all__ = ["mup"]

#: ``mup.init``'s functions and the options each takes, with PyTorch's defaults.
_INITS: dict[str, dict[str, Any]] = {
    "normal_": {"mean": 0.0, "std": 1.0},
    "uniform_": {"a": 0.0, "b": 1.0},
    "trunc_normal_": {"mean": 0.0, "std": 1.0, "a": -2.0, "b": 2.0},
    "xavier_uniform_": {"gain": 1.0},
    "xavier_normal_": {"gain": 1.0},
    "kaiming_normal_": {"a": 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu"},
    "kaiming_uniform_": {"a": 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu"},
}


class _Dim(NamedTuple):
    """One dimension as ``mup.infshape.InfDim``: ``base`` None for a finite one."""

    base: int | None
    dim: int

    def mult(self) -> float:
        """``InfDim.width_mult``: dim / base if infinite, else 1."""
        return 1.0 if self.base is None else self.dim / self.base


def _shapes(name: str, value: Any) -> dict[str, tuple[int, ...]]:
    """``{path: shape}`` of a flat mapping or a parameter tree (paths as ``init_params`` makes them)."""
    if not isinstance(value, (Mapping, list, tuple)):
        raise TypeError(
            f"{name} must be a {{path: shape}} mapping or a parameter tree; got "
            f"{describe(name, value)}."
        )
    result = {}
    for path, leaf in leaves(value):
        shape = leaf[0] if isinstance(leaf, tuple) and leaf and isinstance(leaf[0], tuple) else leaf
        result[path] = tuple(int(d) for d in getattr(shape, "shape", shape))
    return result


def _infshapes(
    base: dict[str, tuple[int, ...]], target: dict[str, tuple[int, ...]]
) -> dict[str, tuple[_Dim, ...]]:
    """``mup.shape._zip_infshape_dict``: a dim equal to its base is finite, else infinite."""
    if base.keys() != target.keys():
        extra, missing = sorted(base.keys() - target.keys()), sorted(target.keys() - base.keys())
        raise ValueError(
            "base_shapes and shapes must name the same parameters; base_shapes has extra "
            f"{shown(extra)}, shapes has extra {shown(missing)}."
        )
    result = {}
    for path, shape in target.items():
        if len(base[path]) != len(shape):
            raise ValueError(
                f"the parameter {shown(path)} has base shape {base[path]} and shape {shape}, "
                "of different ranks."
            )
        result[path] = tuple(
            _Dim(None if b == d else b, d) for b, d in zip(base[path], shape, strict=True)
        )
    return result


def _mult(dims: tuple[_Dim, ...]) -> float:
    """``InfShape.width_mult``: that of the last infinite dimension (the fan-in of inf x inf)."""
    return next((d.mult() for d in reversed(dims) if d.base is not None), 1.0)


def _constant_std(path: str, dims: tuple[_Dim, ...], init: str, o: dict[str, Any]) -> Any:
    """``normal_``, ``uniform_``, ``trunc_normal_``: scaled by width_mult^(-1/2) if ninf == 2."""
    ninf = sum(d.base is not None for d in dims)
    shifted = o.get("mean", 0.0) != 0 or o.get("a", 0.0) != -o.get("b", 0.0)
    if shifted and ninf != 1:
        raise ValueError(
            f"the parameter {shown(path)}: mup.init.{init} with a nonzero mean (or a != -b) "
            f"needs exactly one width dimension; it has {ninf}."
        )
    s = _mult(dims) ** -0.5 if ninf == 2 else 1.0
    if init == "normal_":
        return torch_normal.partial(mean=o["mean"] * s, std=o["std"] * s)
    if init == "uniform_":
        return torch_uniform.partial(a=o["a"] * s, b=o["b"] * s)
    return trunc_normal.partial(mean=o["mean"] * s, std=o["std"] * s, a=o["a"] * s, b=o["b"] * s)


def _fan_based(
    path: str, dims: tuple[_Dim, ...], shape: tuple[int, ...], init: str, o: dict[str, Any]
) -> Any:
    """``xavier_*`` and ``kaiming_*``, with ``_inf_fan_adjust_xavier`` / ``_inf_fan_adjust_kaiming``."""
    ninf = sum(d.base is not None for d in dims)
    if len(shape) < 2 or ninf > 2:
        raise ValueError(
            f"the parameter {shown(path)}: mup.init.{init} needs a shape of rank >= 2 with at "
            f"most 2 width dimensions; got shape {shape} with {ninf}."
        )
    fan_out, fan_in = dims[0], dims[1]
    if ninf == 2 and (fan_out.base is None or fan_in.base is None):
        raise ValueError(
            f"the parameter {shown(path)}: mup reads 2 width dimensions only as (fan_out, fan_in); "
            f"got shape {shape} with base shape {tuple(d.base or d.dim for d in dims)}."
        )
    if init.startswith("xavier"):
        gain = o["gain"] * math.sqrt(
            (fan_out.dim + fan_in.dim)
            / ((fan_out.base or fan_out.dim) + (fan_in.base or fan_in.dim))
        )
        if ninf == 2:
            gain /= math.sqrt(fan_in.mult())
        return (xavier_uniform if init == "xavier_uniform_" else xavier_normal).partial(gain=gain)
    k = 1.0
    if ninf == 1 and o["mode"] == "fan_in" and fan_in.base is not None:
        k = fan_in.mult() ** 0.5
    elif ninf == 1 and o["mode"] == "fan_out" and fan_out.base is not None:
        k = fan_out.mult() ** 0.5
    elif ninf == 2 and o["mode"] == "fan_out":
        k = math.sqrt(fan_out.mult() / fan_in.mult())
    scheme = kaiming_normal if init == "kaiming_normal_" else kaiming_uniform
    plain = scheme.partial(a=o["a"], mode=o["mode"], nonlinearity=o["nonlinearity"])
    if k == 1.0:
        return plain
    law = plain.distribution(shape=shape)
    if init == "kaiming_normal_":
        return torch_normal.partial(std=math.sqrt(law.variance) * k)
    return torch_uniform.partial(a=-law.support[1] * k, b=law.support[1] * k)


def _options(init: str, options: dict[str, Any]) -> dict[str, Any]:
    """``init``'s options: its PyTorch defaults with ``options`` put over them, checked."""
    allowed = _INITS[init]
    unknown = sorted(options.keys() - allowed.keys())
    if unknown:
        raise TypeError(
            f"mup.init.{init} takes {', '.join(allowed)}; got unknown option(s) {', '.join(unknown)}."
        )
    merged = {**allowed, **options}
    for key, value in merged.items():
        if key == "mode":
            merged[key] = check_option("mode", value, ("fan_in", "fan_out"))
        elif key != "nonlinearity":
            merged[key] = check_real(key, value, positive=key in {"std", "gain"})
    return merged


def _readout(
    path: str,
    infshapes: dict[str, tuple[_Dim, ...]],
    shapes: dict[str, tuple[int, ...]],
    zero: bool,
) -> Any:
    """``MuReadout``: zero, or ``nn.Linear``'s init times width_mult^(1/2) (``_rescale_parameters``)."""
    if zero:
        return zeros
    weight = path[: -len("bias")] + "weight" if path.endswith("bias") else path
    if weight not in shapes or len(shapes[weight]) < 2:
        raise ValueError(
            f"the readout parameter {shown(path)} needs its weight {shown(weight)} "
            "(of rank >= 2) among the parameters, to read its fan-in."
        )
    scale = _mult(infshapes[weight]) ** 0.5
    # nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)), so bound = 1 / sqrt(fan_in), for both.
    bound = kaiming_uniform.partial(a=math.sqrt(5)).distribution(shape=shapes[weight]).support[1]
    return torch_uniform.partial(a=-bound * scale, b=bound * scale)


def mup(
    base_shapes: Any,
    shapes: Any,
    *,
    init: str = "kaiming_normal_",
    readout_zero_init: bool = False,
    patterns: Mapping[str, str] | None = None,
    **options: Any,
) -> list[tuple[str, Any]]:
    r"""μP's initialization: ``set_base_shapes(model, base)`` then ``mup.init.<init>`` (Yang et al., 2022).

    Each parameter's dimensions are read as ``mup``'s ``InfShape``: a
    dimension equal at base and target width is finite, one that differs is
    infinite (a width), with width multiplier ``w = dim / base``; a
    parameter's ``w`` is its last infinite dimension's (the fan-in of an
    inf x inf matrix), ``ninf`` its number of infinite dimensions. For every
    parameter of rank >= 2 that is not a readout, the rule for its exact
    path gives ``mup.init.<init>(p, **options)``'s law:

    - ``normal_(mean, std)``, ``uniform_(a, b)``, ``trunc_normal_(mean,
      std, a, b)``: PyTorch's law, every parameter times ``w^(-1/2)`` if
      ``ninf == 2`` (``constant_std_init_``); a nonzero mean (``a != -b``)
      needs ``ninf == 1``.
    - ``xavier_uniform_(gain)``, ``xavier_normal_(gain)``: PyTorch's with
      gain ``gain · sqrt((d_out + d_in) / (b_out + b_in))`` (``b`` the base
      dim of an infinite dimension, the dim of a finite one), over
      ``sqrt(w_in)`` if ``ninf == 2`` (``_inf_fan_adjust_xavier``).
    - ``kaiming_normal_(a, mode, nonlinearity)``, ``kaiming_uniform_``:
      PyTorch's σ = gain / sqrt(fan) times ``sqrt(w_in)`` (mode fan_in) or
      ``sqrt(w_out)`` (fan_out) of an infinite fan if ``ninf == 1``, times
      ``sqrt(w_out / w_in)`` for fan_out if ``ninf == 2``
      (``_inf_fan_adjust_kaiming``); a uniform's bound is sqrt(3) σ.

    The readout (``MuReadout``) keeps its own initialization, which
    ``set_base_shapes`` rescales: ``nn.Linear``'s (weight and bias
    U(-b, b), b = 1/sqrt(fan_in)) times ``w^(1/2)`` of its weight
    (``_rescale_parameters``), or 0 with ``readout_zero_init``.

    Parameters
    ----------
    base_shapes, shapes : mapping or parameter tree
        ``{path: shape}`` at the base width and at the target width (or two
        trees of the same structure, read with ``init_params``' paths); they
        name the same parameters, with shapes of equal ranks.
    init : str, default ``'kaiming_normal_'``
        The ``mup.init`` function: ``normal_``, ``uniform_``,
        ``trunc_normal_``, ``xavier_uniform_``, ``xavier_normal_``,
        ``kaiming_normal_``, ``kaiming_uniform_``.
    readout_zero_init : bool, default False
        ``MuReadout(readout_zero_init=...)``.
    patterns : mapping, optional
        ``{"readout": glob}``: the readout's parameters. By default those
        ``mup`` requires to be a ``MuReadout`` (``assert_hidden_size_inf``):
        a weight with a finite fan-out and an infinite fan-in, and its
        ``bias``.
    **options
        ``init``'s own options (``std=0.02``, ``gain=...``, ``mode=...``),
        with PyTorch's defaults.

    Returns
    -------
    list of (str, Initializer)
        One rule per exact path, the readout's first. Parameters of rank < 2
        outside the readout (biases, norms: width-independent laws) get no
        rule: add rules for them, or ``default=``.

    Notes
    -----
    Out of scope: μP's optimizer scaling (``MuAdam``, ``MuSGD``) and the
    readout's ``1 / w`` output multiplier and attention's ``1/d`` scaling,
    which are forward-pass and training choices, not initialization.

    References
    ----------
    Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen & Gao
    (2022), Tensor Programs V: Tuning Large Neural Networks via Zero-Shot
    Hyperparameter Transfer, arXiv:2203.03466. Reference code: the ``mup``
    package 1.0.0, ``mup/init.py`` lines 22-30 (``constant_std_init_``),
    79-96 (``_inf_fan_adjust_xavier``), 126-143 (``_inf_fan_adjust_kaiming``);
    ``mup/infshape.py`` lines 22-29, 53-83 (``width_mult``, ``main``,
    ``ninf``), 118-133 (``zip_infshape``); ``mup/layer.py`` lines 19-25, 35-52
    (``MuReadout``).

    Examples
    --------
    >>> import weightinit as wi
    >>> base = {"hidden.weight": (64, 64), "out.weight": (10, 64)}
    >>> target = {"hidden.weight": (256, 256), "out.weight": (10, 256)}
    >>> rules = wi.recipes.mup(base, target, init="normal_", std=0.02)
    >>> rules[1]  # inf x inf: std · (256 / 64)^(-1/2)
    ('hidden.weight', <Initializer torch_normal(mean=0.0, std=0.01)>)
    """
    base, target = _shapes("base_shapes", base_shapes), _shapes("shapes", shapes)
    infshapes = _infshapes(base, target)
    init = check_option("init", init, _INITS)
    checked = _options(init, options)
    check_bool("readout_zero_init", readout_zero_init)
    glob = patterns_of("mup", {"readout": ""}, patterns)["readout"]
    readout = set(fnmatch.filter(target, glob)) if glob else _output_layers(infshapes)
    if glob and not readout:
        raise ValueError(f"patterns['readout']={glob!r} matches no parameter.")
    rules = [
        (path, _readout(path, infshapes, target, readout_zero_init))
        for path in target
        if path in readout
    ]
    for path, shape in target.items():
        if path in readout or len(shape) < 2:
            continue
        dims = infshapes[path]
        if init in {"normal_", "uniform_", "trunc_normal_"}:
            rules.append((path, _constant_std(path, dims, init, checked)))
        else:
            rules.append((path, _fan_based(path, dims, shape, init, checked)))
    return rules


def _output_layers(infshapes: dict[str, tuple[_Dim, ...]]) -> set[str]:
    """The weights with a finite fan-out and an infinite fan-in, and their biases."""
    weights = {
        path
        for path, dims in infshapes.items()
        if len(dims) >= 2 and dims[0].base is None and dims[1].base is not None
    }
    biases = {w[: -len("weight")] + "bias" for w in weights if w.endswith("weight")}
    return weights | (biases & infshapes.keys())
