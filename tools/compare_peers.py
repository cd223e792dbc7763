"""Compare weightinit with the peer libraries installed here: Keras 3, PyTorch, JAX, Flax, Haiku.

For every initializer a peer ships (enumerated from the peer at run time),
with its defaults and a few other parameter values, and for shapes in the
peer's own layout (1-D, 2-D tall and wide, convolution kernels, zero-size),
this draws a large sample from the peer and resolves the same thing in
weightinit by the peer's own name and arguments (``weightinit.get(
"torch.kaiming_normal_", mode="fan_out")``, ``weightinit.deserialize(
keras.initializers.serialize(init))``, ``weightinit.get("jax.variance_scaling",
...)``, ``weightinit.get("haiku.VarianceScaling", ...)``,
``weightinit.get("flax.zeros_init")``), then compares:

- shape and dtype (float32 is asked of both);
- a non-random law: the arrays, value for value;
- a random law: the peer's mean and variance against weightinit's exact
  moments, and against weightinit's own sample (z-scores); the peer's values
  against weightinit's support; a one-sample Kolmogorov-Smirnov test of the
  peer's values against weightinit's CDF (i.i.d. laws, and the nonzero values
  of ``sparse``) and a two-sample test against weightinit's sample; and the
  structure weightinit's law states, checked on the peer's arrays
  (orthogonality ``QᵀQ``, the kernel centre of delta-orthogonal, the zeros of
  sparse).

Every statistical test is at level 1e-6, so a run of a few thousand tests
gives a false DIFFERENT with probability about 1e-3. Each row's verdict is
``match``, ``DIFFERENT (what)``, ``weightinit refuses (message)`` or ``peer
refuses (message)``. Nothing is installed: a peer that cannot be imported is
reported as skipped.

Usage::

    python tools/compare_peers.py [--markdown FILE] [--peers torch,keras,...] [--quick]

Exit status 1 if any row is DIFFERENT, else 0. ``KERAS_BACKEND`` defaults to
``numpy`` here (the initializers' arithmetic is Keras' own on every backend).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import weightinit as wi
from weightinit.testing import kolmogorov_sf, kolmogorov_smirnov, moment_scores, moment_threshold

ALPHA = 1e-6
TARGET = 100_000  # values per sample
MIN_VALUES = 4096  # the testing kit's smallest sample
MAX_CALLS = 60
Z_LIMIT = moment_threshold(ALPHA)
PEERS = ("keras", "torch", "jax", "flax", "haiku")

# Shapes in Keras/JAX/Haiku layout (..., in, out) and in PyTorch's (out, in, ...).
CHANNELS_LAST = {
    "1-D": (4096,),
    "tall": (512, 128),
    "wide": (128, 512),
    "conv2d": (3, 3, 32, 64),
    "conv1d": (5, 16, 32),
    "empty": (0, 64),
    "empty-conv": (3, 3, 0, 64),
}
CHANNELS_FIRST = {
    "1-D": (4096,),
    "tall": (512, 128),
    "wide": (128, 512),
    "conv2d": (64, 32, 3, 3),
    "conv1d": (32, 16, 5),
    "empty": (0, 64),
    "empty-conv": (64, 0, 3, 3),
}


@dataclass
class Case:
    """One comparison: a peer's initializer, its arguments and a shape, and weightinit's counterpart."""

    peer: str
    name: str
    args: dict[str, Any]
    shape: tuple[int, ...]
    draw: Callable[[int], Any]  # seed -> one peer array
    resolve: Callable[[], Any]  # -> the weightinit initializer
    call: str  # how weightinit is asked, for the report
    batch: Callable[[int], list[Any]] | None = None  # count -> that many peer arrays, at once


@dataclass
class Row:
    """A case's verdict."""

    peer: str
    name: str
    args: str
    shape: tuple[int, ...]
    verdict: str
    detail: str = ""
    call: str = ""


@dataclass
class Report:
    """All rows, and the peers skipped with why."""

    rows: list[Row] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)


# --- statistics ----------------------------------------------------------------------


def two_sample_ks(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value.

    ``D = sup |F_a - F_b|``; the p-value is Kolmogorov's limit law at
    Stephens' argument with the effective size ``n_a n_b / (n_a + n_b)``.
    Ties (zeros, a coarse dtype) make it conservative.
    """
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    points = np.concatenate([a, b])
    gap = np.searchsorted(a, points, side="right") / a.size
    gap -= np.searchsorted(b, points, side="right") / b.size
    statistic = float(np.max(np.abs(gap)))
    root = math.sqrt(a.size * b.size / (a.size + b.size))
    return statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic)


def two_sample_z(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """z-scores of the differences of two samples' means and of their variances."""
    scores = []
    for x in (a, b):
        x = x.astype(np.float64).ravel()
        mean, var = float(x.mean()), float(x.var(ddof=1))
        fourth = float(np.mean((x - mean) ** 4))
        scores.append((mean, var, var / x.size, max(fourth - var * var, 0.0) / x.size))
    (ma, va, ema, eva), (mb, vb, emb, evb) = scores
    return _z(ma - mb, math.sqrt(ema + emb), ma, mb), _z(va - vb, math.sqrt(eva + evb), va, vb)


def _z(difference: float, error: float, a: float, b: float) -> float:
    if abs(difference) <= 1e-6 * max(abs(a), abs(b), 1e-300):
        return 0.0
    return difference / error if error > 0 else math.copysign(math.inf, difference)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def compare_random(law: Any, peer: list[np.ndarray], ours: list[np.ndarray]) -> list[str]:
    """What differs between the peer's arrays and weightinit's law and arrays (random laws)."""
    found: list[str] = []
    pool = np.concatenate([x.ravel() for x in peer])
    mine = np.concatenate([x.ravel() for x in ours])
    low, high = law.extremes(np.float32)
    slack = 4 * float(np.finfo(np.float32).eps) * max(abs(low), abs(high), 1e-30)
    if pool.min() < low - slack or pool.max() > high + slack:
        found.append(
            f"support: peer values in [{_fmt(pool.min())}, {_fmt(pool.max())}], "
            f"weightinit's law in [{_fmt(low)}, {_fmt(high)}]"
        )
    if pool.size >= MIN_VALUES:
        scores = moment_scores(pool, mean=law.mean, variance=law.variance, rtol=1e-5)
        if abs(scores.z_mean) > Z_LIMIT:
            found.append(
                f"mean: peer {_fmt(scores.mean)}, weightinit's law {_fmt(law.mean)} "
                f"(z={scores.z_mean:.1f})"
            )
        if abs(scores.z_variance) > Z_LIMIT:
            found.append(
                f"variance: peer {_fmt(scores.variance)}, weightinit's law {_fmt(law.variance)} "
                f"(ratio {scores.variance / law.variance if law.variance else math.inf:.4g}, "
                f"z={scores.z_variance:.1f})"
            )
        z_mean, z_var = two_sample_z(pool, mine)
        if not found and max(abs(z_mean), abs(z_var)) > Z_LIMIT:
            found.append(
                f"moments vs weightinit's sample: z(mean)={z_mean:.1f}, z(var)={z_var:.1f}"
            )
    found += _shape_tests(law, pool, mine)
    for index, draw in enumerate(peer[:3]):
        if not law.elementwise:
            found += law.structure(draw, f"peer array {index}")[:1]
    found += _sparse_counts(law, peer[0])
    return found


def _shape_tests(law: Any, pool: np.ndarray, mine: np.ndarray) -> list[str]:
    found: list[str] = []
    compared = law.compared(pool)
    if compared is not None and compared.values.size >= MIN_VALUES:
        result = kolmogorov_smirnov(compared.values, compared.law.cdf)
        if result.pvalue < ALPHA:
            found.append(
                f"KS of the peer's {compared.what.removeprefix('the ')} vs weightinit's CDF: "
                f"D={result.statistic:.4f}, p={result.pvalue:.2g}"
            )
    if pool.size >= MIN_VALUES and mine.size >= MIN_VALUES:
        statistic, pvalue = two_sample_ks(pool, mine)
        if pvalue < ALPHA and not found:
            found.append(f"two-sample KS vs weightinit: D={statistic:.4f}, p={pvalue:.2g}")
    return found


def _sparse_counts(law: Any, draw: np.ndarray) -> list[str]:
    if getattr(law, "kind", "") != "sparse":
        return []
    zeros = np.count_nonzero(draw == 0, axis=law.out_axis)
    if np.all(zeros == law.zeros):
        return []
    return [
        f"sparsity: peer writes {sorted(set(zeros.tolist()))[:4]} zeros per input unit, "
        f"weightinit {law.zeros}"
    ]


def compare_fixed(peer: np.ndarray, ours: np.ndarray) -> list[str]:
    """What differs between two arrays of a non-random law."""
    peer64, ours64 = peer.astype(np.float64), ours.astype(np.float64)
    if np.array_equal(peer64 != 0, ours64 != 0) and np.allclose(peer64, ours64, rtol=1e-6, atol=0):
        return []
    where = np.argwhere(~np.isclose(peer64, ours64, rtol=1e-6, atol=0))
    first = tuple(int(i) for i in where[0])
    return [
        f"values: {len(where)} of {peer.size} differ, first at {first}: peer "
        f"{_fmt(peer64[first])}, weightinit {_fmt(ours64[first])}; peer nonzeros "
        f"{np.count_nonzero(peer64)}, weightinit's {np.count_nonzero(ours64)}"
    ]


# --- running a case -------------------------------------------------------------------------


def _message(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:220]}"


def _calls(shape: tuple[int, ...]) -> int:
    size = math.prod(shape)
    return 1 if size == 0 else max(1, min(MAX_CALLS, math.ceil(TARGET / size)))


def _peer_arrays(case: Case, count: int) -> list[np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.batch is not None:
            return [np.asarray(x) for x in case.batch(count)]
        return [np.asarray(case.draw(seed)) for seed in range(count)]


def run_case(case: Case) -> Row:
    """Draw from the peer and from weightinit and give the verdict."""
    row = Row(case.peer, case.name, _args_text(case.args), case.shape, "match", call=case.call)
    count = _calls(case.shape)
    try:
        peer = _peer_arrays(case, count)
    except Exception as error:
        row.verdict, row.detail = "peer refuses", _message(error)
        ours = _ours(case, 1)
        row.detail += (
            " — there is no config for weightinit to read"
            if ours == "no config to read"
            else f" — weightinit refuses too ({ours})"
            if isinstance(ours, str)
            else " — weightinit accepts"
        )
        return row
    ours = _ours(case, count)
    if isinstance(ours, str):
        row.verdict, row.detail = (
            ("DIFFERENT" if ours.startswith("crash") else "weightinit refuses"),
            ours,
        )
        return row
    init, arrays = ours
    found = _first_checks(peer[0], arrays[0])
    if not found and peer[0].size:
        law = init.distribution(shape=case.shape)
        found = (
            compare_random(law, peer, arrays) if law.random else compare_fixed(peer[0], arrays[0])
        )
    if found:
        row.verdict, row.detail = "DIFFERENT", "; ".join(found)
    return row


class NoConfigError(Exception):
    """The peer cannot make the initializer whose config weightinit would read."""


def _ours(case: Case, count: int) -> tuple[Any, list[np.ndarray]] | str:
    try:
        init = case.resolve()
        arrays = [np.asarray(init(case.shape, dtype="float32", rng=seed)) for seed in range(count)]
    except NoConfigError:
        return "no config to read"
    except (TypeError, ValueError) as error:
        return _message(error)
    except Exception as error:  # anything else breaks the library's promise
        return "crash: " + _message(error)
    return init, arrays


def _first_checks(peer: np.ndarray, ours: np.ndarray) -> list[str]:
    found = []
    if peer.shape != ours.shape:
        found.append(f"shape: peer {peer.shape}, weightinit {ours.shape}")
    if peer.dtype != ours.dtype:
        found.append(f"dtype: peer {peer.dtype}, weightinit {ours.dtype}")
    if not found and peer.size and not np.all(np.isfinite(peer)):
        found.append("peer values not finite")
    return found


def _args_text(args: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in args.items()) or "(defaults)"


# --- the peers ------------------------------------------------------------------------------

Builder = Callable[[], Iterator[Case]]


def _variants(table: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    return table.get(name, [{}])


TORCH_ARGS: dict[str, list[dict[str, Any]]] = {
    "uniform_": [{}, {"a": -2.0, "b": 3.0}, {"a": 3.0, "b": -2.0}],
    "normal_": [{}, {"mean": 1.0, "std": 0.5}, {"std": 0.0}, {"std": -1.0}],
    "trunc_normal_": [
        {},
        {"mean": 0.5, "std": 2.0, "a": -1.0, "b": 3.0},
        {"std": 0.02},
        {"a": 2.5, "b": 4.0},
        {"a": 1.0, "b": -1.0},
    ],
    "constant_": [{"val": 0.3}],
    "xavier_uniform_": [{}, {"gain": 2.0}],
    "xavier_normal_": [{}, {"gain": 2.0}],
    "kaiming_uniform_": [
        {},
        {"a": math.sqrt(5.0)},
        {"mode": "fan_out"},
        {"nonlinearity": "relu"},
        {"nonlinearity": "tanh"},
        {"nonlinearity": "selu", "mode": "fan_out"},
    ],
    "kaiming_normal_": [
        {},
        {"a": 0.1},
        {"mode": "fan_out", "nonlinearity": "relu"},
        {"nonlinearity": "sigmoid"},
        {"mode": "fan_avg"},
        {"nonlinearity": "gelu"},
        {"nonlinearity": "leaky_relu", "a": -0.5},
    ],
    "orthogonal_": [{}, {"gain": 1.5}, {"gain": -1.0}],
    "sparse_": [
        {"sparsity": 0.1},
        {"sparsity": 0.5, "std": 0.1},
        {"sparsity": 1.0},
        {"sparsity": 1.5},
    ],
    "dirac_": [{}, {"groups": 2}],
}


def torch_cases() -> Iterator[Case]:
    """Every public in-place initializer of ``torch.nn.init`` (the names ending in ``_``)."""
    import torch
    import torch.nn.init as init

    names = sorted(
        name
        for name in dir(init)
        if name.endswith("_")
        and not name.startswith("_")
        and inspect.isfunction(getattr(init, name))
    )
    for name in names:
        function = getattr(init, name)
        for args in _variants(TORCH_ARGS, name):
            for shape in CHANNELS_FIRST.values():

                def draw(seed: int, f: Any = function, a: Any = args, s: Any = shape) -> Any:
                    torch.manual_seed(seed)
                    return f(torch.empty(s, dtype=torch.float32), **a).numpy()

                key = f"torch.{name}"
                yield Case(
                    "PyTorch",
                    f"torch.nn.init.{name}",
                    args,
                    shape,
                    draw,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {_args_text(args)})",
                )


KERAS_AXES = [
    {"input_axes": [0, 1, 2], "output_axes": [3]},
    {"input_axes": [-2], "output_axes": [-1]},
    {"input_axes": [0]},
]
KERAS_ARGS: dict[str, list[dict[str, Any]]] = {
    "Constant": [{"value": 0.3}],
    "RandomNormal": [{}, {"mean": 1.0, "stddev": 0.5}, {"stddev": 0.0}],
    "RandomUniform": [{}, {"minval": -1.0, "maxval": 2.0}, {"minval": 1.0, "maxval": -1.0}],
    "TruncatedNormal": [{}, {"mean": 1.0, "stddev": 0.5}],
    "VarianceScaling": [
        {},
        {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"},
        {"mode": "fan_avg", "distribution": "normal"},
        {"distribution": "untruncated_normal"},
        {"scale": 0.5, "mode": "fan_out", "distribution": "truncated_normal"},
        {"scale": 0.0},
        {"mode": "fan_geo_avg"},
        *({"mode": "fan_out", **axes} for axes in KERAS_AXES),
    ],
    "GlorotUniform": [{}, KERAS_AXES[0]],
    "HeNormal": [{}, KERAS_AXES[0], KERAS_AXES[2]],
    "Orthogonal": [{}, {"gain": 2.0}, {"gain": -1.0}],
    "Identity": [{}, {"gain": 0.5}],
}


def _keras_classes(module: Any) -> dict[str, Any]:
    """Each Keras initializer class once, under its shortest CamelCase name."""
    found: dict[int, str] = {}
    for name in sorted(dir(module), key=lambda n: (not n[:1].isupper(), len(n), n)):
        value = getattr(module, name)
        if (
            isinstance(value, type)
            and issubclass(value, module.Initializer)
            and value is not module.Initializer
            and id(value) not in found
        ):
            found[id(value)] = name
    return {name: getattr(module, name) for name in found.values()}


def keras_cases() -> Iterator[Case]:
    """Every Keras initializer class, by name and through ``keras.initializers.serialize``."""
    import keras

    for name, cls in sorted(_keras_classes(keras.initializers).items()):
        seeded = "seed" in inspect.signature(cls).parameters
        for args in _variants(KERAS_ARGS, name):
            for shape in CHANNELS_LAST.values():

                def draw(
                    seed: int, c: Any = cls, a: Any = args, s: Any = shape, r: bool = seeded
                ) -> Any:
                    made = c(**a, seed=seed) if r else c(**a)
                    return keras.ops.convert_to_numpy(made(s, dtype="float32"))

                key = f"keras.{name}"
                yield Case(
                    "Keras",
                    f"keras.initializers.{name}",
                    args,
                    shape,
                    draw,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {_args_text(args)})",
                )

                def config(c: Any = cls, a: Any = args) -> Any:
                    try:
                        written = keras.initializers.serialize(c(**a))
                    except Exception as error:
                        raise NoConfigError(_message(error)) from None
                    return wi.deserialize(written)

                def read(
                    seed: int, c: Any = cls, a: Any = args, s: Any = shape, r: bool = seeded
                ) -> Any:
                    # What Keras itself reads the config as (Identity, for one, drops its gain).
                    written = keras.initializers.serialize(c(**a))
                    if r:
                        written = {**written, "config": {**written["config"], "seed": seed}}
                    made = keras.initializers.deserialize(written)
                    return keras.ops.convert_to_numpy(made(s, dtype="float32"))

                yield Case(
                    "Keras",
                    f"keras.initializers.{name} (config)",
                    args,
                    shape,
                    read,
                    config,
                    "wi.deserialize(keras.initializers.serialize(init))",
                )


def keras_seed_rows() -> list[Row]:
    """Keras' seeded initializers give the same array call after call, unseeded ones too.

    Keras draws an unseeded initializer's seed once, when it is made
    (keras/src/initializers/random_initializers.py, ``RandomInitializer``). For
    each seeded Keras class, with ``seed=42`` and ``seed=None``: ``init =
    Class(seed=...)`` called twice, against ``wi.deserialize(
    keras.initializers.serialize(init))`` and ``wi.get("keras.Class",
    seed=42)`` called twice.
    """
    import keras

    rows = []
    for name, cls in sorted(_keras_classes(keras.initializers).items()):
        if "seed" not in inspect.signature(cls).parameters:
            continue
        for seed in (42, None):
            made = cls(seed=seed)
            config = keras.initializers.serialize(made)
            rows.append(
                _seed_row(keras, name, made, seed, "(config)", lambda c=config: wi.deserialize(c))
            )
            if seed is not None:
                rows.append(
                    _seed_row(
                        keras, name, made, seed, "", lambda n=name: wi.get(f"keras.{n}", seed=42)
                    )
                )
    return rows


def _seed_row(
    keras: Any, name: str, peer: Any, seed: int | None, route: str, ours: Callable[[], Any]
) -> Row:
    title = f"keras.initializers.{name} {route} called twice".replace("  ", " ")
    row = Row("Keras", title, f"seed={seed}", (64, 32), "match")
    row.call = (
        "wi.deserialize(keras.initializers.serialize(init))"
        if route
        else f"wi.get('keras.{name}', seed=42)"
    )
    same_peer = np.array_equal(*(keras.ops.convert_to_numpy(peer((64, 32))) for _ in "ab"))
    try:
        init = ours()
        same_ours = np.array_equal(init((64, 32)), init((64, 32)))
    except (TypeError, ValueError) as error:
        row.verdict, row.detail = "weightinit refuses", _message(error)
        return row
    if same_peer != same_ours:
        row.verdict = "DIFFERENT"
        row.detail = f"two calls equal: peer {same_peer}, weightinit {same_ours}"
    return row


JAX_AXES = [
    {"in_axis": -1, "out_axis": -2},
    {"in_axis": (-3, -2), "out_axis": -1},
    {"batch_axis": 0},
    {"in_axis": -1, "out_axis": -1},
]
JAX_ARGS: dict[str, list[dict[str, Any]]] = {
    "constant": [{"value": 0.3}],
    "normal": [{}, {"stddev": 0.5}, {"stddev": -0.5}],
    "uniform": [{}, {"scale": 2.0}, {"scale": -1.0}],
    "truncated_normal": [{}, {"stddev": 0.5, "lower": -1.0, "upper": 3.0}],
    "variance_scaling": [
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        {"scale": 2.0, "mode": "fan_out", "distribution": "normal"},
        {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"},
        {"scale": 1.0, "mode": "fan_geo_avg", "distribution": "normal"},
        {"scale": -1.0, "mode": "fan_in", "distribution": "normal"},
        *({"scale": 1.0, "mode": "fan_out", "distribution": "normal", **a} for a in JAX_AXES),
    ],
    "glorot_normal": [{}, JAX_AXES[0], JAX_AXES[2]],
    "he_uniform": [{}, JAX_AXES[1]],
    "orthogonal": [{}, {"scale": 2.0}, {"column_axis": 0}, {"scale": -1.0}],
    "delta_orthogonal": [{}, {"scale": 2.0}],
}
DELTA_SHAPES = {
    "conv2d": (3, 3, 32, 64),
    "conv1d": (3, 32, 32),
    "even": (4, 4, 16, 32),
    "conv3d": (3, 3, 3, 8, 16),
}


def _jax_batch(initializer: Any, shape: tuple[int, ...]) -> Callable[[int], list[Any]]:
    import jax
    import jax.numpy as jnp

    def batch(count: int) -> list[Any]:
        keys = jax.random.split(jax.random.PRNGKey(0), count)
        one = jax.jit(lambda k: initializer(k, shape, jnp.float32))  # traced once, run count times
        return [np.asarray(one(key)) for key in keys]

    return batch


def _jax_family(
    peer: str,
    prefix: str,
    module: Any,
    names: list[str],
    shapes: dict[str, Any] | None,
    table: dict[str, list[dict[str, Any]]],
) -> Iterator[Case]:
    for name in names:
        factory = getattr(module, name)
        # zeros and ones are initializers themselves, the others make one.
        direct = "key" in inspect.signature(factory).parameters
        for args in [{}] if direct else _variants(table, name):
            chosen = shapes or (DELTA_SHAPES if name == "delta_orthogonal" else CHANNELS_LAST)
            for shape in chosen.values():
                try:
                    initializer = factory if direct else factory(**args)
                except Exception as error:
                    initializer = _raiser(error)
                key = f"{prefix}.{name}"
                yield Case(
                    peer,
                    f"{module.__name__}.{name}",
                    args,
                    shape,
                    lambda seed: None,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {_args_text(args)})",
                    batch=_jax_batch(initializer, shape),
                )


def _raiser(error: Exception) -> Callable[..., Any]:
    def raises(*args: Any) -> Any:
        raise error

    return raises


def _public_callables(module: Any) -> list[str]:
    return sorted(
        name
        for name in dir(module)
        if not name.startswith("_")
        and inspect.isfunction(getattr(module, name))
        and name not in ("Initializer",)
    )


def jax_cases() -> Iterator[Case]:
    """Every function of ``jax.nn.initializers``."""
    import jax.nn.initializers as module

    yield from _jax_family("JAX", "jax", module, _public_callables(module), None, JAX_ARGS)


def flax_cases() -> Iterator[Case]:
    """``flax.linen.initializers`` and ``flax.nnx.initializers``; JAX's own functions on two shapes."""
    import jax.nn.initializers as jax_module
    from flax import nnx
    from flax.linen import initializers as linen

    few = {"tall": CHANNELS_LAST["tall"], "conv2d": CHANNELS_LAST["conv2d"]}
    seen: set[int] = set()
    for module in (linen, nnx.initializers):
        for name in _public_callables(module):
            value = getattr(module, name)
            if id(value) in seen:
                continue
            seen.add(id(value))
            same_as_jax = value is getattr(jax_module, name, None)
            table = {name: JAX_ARGS.get(name, [{}])[:1]} if same_as_jax else JAX_ARGS
            shapes = few if same_as_jax else None
            yield from _jax_family("Flax", "flax", module, [name], shapes, table)


HAIKU_ARGS: dict[str, list[dict[str, Any]]] = {
    "Constant": [{"constant": 0.3}],
    "RandomNormal": [{}, {"stddev": 0.5, "mean": 1.0}],
    "RandomUniform": [{}, {"minval": -1.0, "maxval": 2.0}, {"minval": 1.0, "maxval": -1.0}],
    "TruncatedNormal": [{}, {"stddev": 0.5, "mean": 1.0, "lower": -1.0, "upper": 3.0}],
    "UniformScaling": [{}, {"scale": 2.0}, {"scale": -1.0}],
    "VarianceScaling": [
        {},
        {"scale": 2.0, "mode": "fan_out", "distribution": "normal"},
        {"mode": "fan_avg", "distribution": "uniform"},
        {"fan_in_axes": [0, 1, 2]},
        {"fan_in_axes": [0]},
    ],
    "Orthogonal": [{}, {"scale": 2.0}, {"axis": 0}],
    "Identity": [{}, {"gain": 0.5}],
}


def haiku_cases() -> Iterator[Case]:
    """Every initializer class of ``haiku.initializers``."""
    import haiku as hk
    import jax
    import jax.numpy as jnp

    module = hk.initializers
    names = sorted(
        name
        for name in dir(module)
        if isinstance(getattr(module, name), type) and name != "Initializer"  # a Protocol
    )
    for name in names:
        cls = getattr(module, name)
        for args in _variants(HAIKU_ARGS, name):
            for shape in CHANNELS_LAST.values():

                def batch(count: int, c: Any = cls, a: Any = args, s: Any = shape) -> list[Any]:
                    apply = hk.transform(lambda: c(**a)(s, jnp.float32)).apply
                    keys = jax.random.split(jax.random.PRNGKey(0), count)
                    one = jax.jit(lambda k: apply({}, k))
                    return [np.asarray(one(key)) for key in keys]

                key = f"haiku.{name}"
                yield Case(
                    "Haiku",
                    f"haiku.initializers.{name}",
                    args,
                    shape,
                    lambda seed: None,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {_args_text(args)})",
                    batch=batch,
                )


BUILDERS: dict[str, tuple[str, str, Builder]] = {
    "keras": ("Keras", "keras", keras_cases),
    "torch": ("PyTorch", "torch", torch_cases),
    "jax": ("JAX", "jax", jax_cases),
    "flax": ("Flax", "flax", flax_cases),
    "haiku": ("Haiku", "haiku", haiku_cases),
}


# --- the report -----------------------------------------------------------------------------


def run(
    peers: tuple[str, ...], quick: bool = False, match: str = "", log: Any = sys.stderr
) -> Report:
    """Every case of every installed peer asked for; a peer that cannot be imported is skipped."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    report = Report()
    for key in peers:
        label, module, builder = BUILDERS[key]
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                imported = __import__(module)
                cases = list(builder())
        except Exception as error:  # not installed, or not importable here
            report.skipped[label] = _message(error)
            continue
        report.versions[label] = str(getattr(imported, "__version__", "?"))
        if key == "keras":
            report.versions[label] += f" (backend {os.environ['KERAS_BACKEND']})"
        start = time.monotonic()
        chosen = [case for case in cases if match in case.name][:: 5 if quick else 1]
        report.rows += [run_case(case) for case in chosen]
        if key == "keras" and match in "keras.initializers (seed)":
            report.rows += keras_seed_rows()
        print(f"{label}: {len(chosen)} cases in {time.monotonic() - start:.0f} s", file=log)
    return report


def summary(report: Report) -> list[str]:
    """One line per peer: its counts by verdict; then the skipped peers."""
    lines = []
    for label in dict.fromkeys(row.peer for row in report.rows):
        rows = [row for row in report.rows if row.peer == label]
        counts = {
            v: sum(r.verdict == v for r in rows)
            for v in ("match", "DIFFERENT", "weightinit refuses", "peer refuses")
        }
        text = ", ".join(f"{n} {v}" for v, n in counts.items())
        accepted = sum(
            r.verdict == "peer refuses" and r.detail.endswith("weightinit accepts") for r in rows
        )
        text += f" (of which weightinit accepts {accepted})" if accepted else ""
        lines.append(f"{label} {report.versions.get(label, '')}: {len(rows)} cases: {text}")
    lines += [f"{label}: skipped ({why})" for label, why in report.skipped.items()]
    return lines


def _cells(row: Row) -> list[str]:
    verdict = row.verdict + (f" ({row.detail})" if row.detail else "")
    return [row.name, row.args, str(row.shape), verdict]


def table_text(report: Report) -> str:
    """The table as plain text, one line per case."""
    return "\n".join(" | ".join(_cells(row)) for row in report.rows)


def markdown(report: Report) -> str:
    """The report as a Markdown page."""
    out = [
        "# weightinit and its peers",
        "",
        "Written by `tools/compare_peers.py`.",
        "",
        "## Summary",
        "",
    ]
    out += [f"- {line}" for line in summary(report)]
    for label in dict.fromkeys(row.peer for row in report.rows):
        out += [
            "",
            f"## {label}",
            "",
            "| name | args | shape | verdict | weightinit call |",
            "|---|---|---|---|---|",
        ]
        for row in (r for r in report.rows if r.peer == label):
            cells = [*_cells(row), f"`{row.call}`"]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; exit status 1 if any case is DIFFERENT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--markdown", metavar="FILE", help="also write the report as Markdown")
    parser.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS)
    )
    parser.add_argument("--quick", action="store_true", help="every 5th case only")
    parser.add_argument(
        "--match", default="", help="only the cases whose peer name holds this text"
    )
    options = parser.parse_args(argv)
    peers = tuple(p for p in options.peers.split(",") if p)
    unknown = [p for p in peers if p not in BUILDERS]
    if unknown:
        parser.error(f"unknown peers {unknown}; choose among {', '.join(PEERS)}")
    report = run(peers, options.quick, options.match)
    print(table_text(report))
    print()
    print("\n".join(summary(report)))
    if options.markdown:
        with open(options.markdown, "w", encoding="utf-8") as handle:
            handle.write(markdown(report))
    return 1 if any(row.verdict == "DIFFERENT" for row in report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
