"""The peers' initializers as cases for tools/compare_peers.py: Keras 3, PyTorch, JAX, Flax, Haiku.

Each builder enumerates one peer's initializers at run time and yields a
:class:`Case` per parameter set and shape: how to draw from the peer, and how
to resolve the same thing in weightinit by the peer's own name and arguments.
Nothing here is imported unless its peer is installed.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

import weightinit as wi

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
    dtype: str = "float32"  # asked of both


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


def message(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:220]}"


class NoConfigError(Exception):
    """The peer cannot make the initializer whose config weightinit would read."""


def args_text(args: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in args.items()) or "(defaults)"


Builder = Callable[[], Iterator[Case]]


def _variants(table: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    return table.get(name, [{}])


def _grid(
    shapes: dict[str, tuple[int, ...]], first: bool, others: tuple[str, ...]
) -> Iterator[tuple[tuple[int, ...], str]]:
    """Every shape in float32; the first parameter set also on the tall shape in ``others``."""
    for shape in shapes.values():
        yield shape, "float32"
    for dtype in others if first else ():
        yield shapes.get("tall", next(iter(shapes.values()))), dtype


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


def _torch_numpy(tensor: Any, dtype: str) -> Any:
    """A tensor as a NumPy array of its dtype (bfloat16 through ml_dtypes, which NumPy lacks)."""
    if dtype != "bfloat16":
        return tensor.numpy()
    import ml_dtypes

    return tensor.float().numpy().astype(ml_dtypes.bfloat16)  # exact: bfloat16 is in float32


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
        for index, args in enumerate(_variants(TORCH_ARGS, name)):
            for shape, dtype in _grid(
                CHANNELS_FIRST, index == 0, ("float16", "float64", "bfloat16")
            ):

                def draw(
                    seed: int, f: Any = function, a: Any = args, s: Any = shape, d: str = dtype
                ) -> Any:
                    torch.manual_seed(seed)
                    made = f(torch.empty(s, dtype=getattr(torch, d)), **a)
                    return _torch_numpy(made, d)

                key = f"torch.{name}"
                yield Case(
                    "PyTorch",
                    f"torch.nn.init.{name}",
                    args,
                    shape,
                    draw,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {args_text(args)})",
                    dtype=dtype,
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
        for index, args in enumerate(_variants(KERAS_ARGS, name)):
            for shape, dtype in _grid(
                CHANNELS_LAST, index == 0, ("float16", "float64", "bfloat16")
            ):

                def draw(
                    seed: int,
                    c: Any = cls,
                    a: Any = args,
                    s: Any = shape,
                    r: bool = seeded,
                    d: str = dtype,
                ) -> Any:
                    made = c(**a, seed=seed) if r else c(**a)
                    return keras.ops.convert_to_numpy(made(s, dtype=d))

                key = f"keras.{name}"
                yield Case(
                    "Keras",
                    f"keras.initializers.{name}",
                    args,
                    shape,
                    draw,
                    lambda k=key, a=args: wi.get(k, **a),
                    f"wi.get({key!r}, {args_text(args)})",
                    dtype=dtype,
                )

                def config(c: Any = cls, a: Any = args) -> Any:
                    try:
                        written = keras.initializers.serialize(c(**a))
                    except Exception as error:
                        raise NoConfigError(message(error)) from None
                    return wi.deserialize(written)

                def read(
                    seed: int,
                    c: Any = cls,
                    a: Any = args,
                    s: Any = shape,
                    r: bool = seeded,
                    d: str = dtype,
                ) -> Any:
                    # What Keras itself reads the config as (Identity, for one, drops its gain).
                    written = keras.initializers.serialize(c(**a))
                    if r:
                        written = {**written, "config": {**written["config"], "seed": seed}}
                    made = keras.initializers.deserialize(written)
                    return keras.ops.convert_to_numpy(made(s, dtype=d))

                yield Case(
                    "Keras",
                    f"keras.initializers.{name} (config)",
                    args,
                    shape,
                    read,
                    config,
                    "wi.deserialize(keras.initializers.serialize(init))",
                    dtype=dtype,
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
        row.verdict, row.detail = "weightinit refuses", message(error)
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


def _jax_batch(initializer: Any, shape: tuple[int, ...], dtype: str) -> Callable[[int], list[Any]]:
    import jax
    import jax.numpy as jnp

    def batch(count: int) -> list[Any]:
        keys = jax.random.split(jax.random.PRNGKey(0), count)
        one = jax.jit(
            lambda k: initializer(k, shape, jnp.dtype(dtype))
        )  # traced once, run count times
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
        for index, args in enumerate([{}] if direct else _variants(table, name)):
            chosen = shapes or (DELTA_SHAPES if name == "delta_orthogonal" else CHANNELS_LAST)
            for shape, dtype in _grid(
                chosen, index == 0 and shapes is None, ("float16", "bfloat16")
            ):
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
                    f"wi.get({key!r}, {args_text(args)})",
                    batch=_jax_batch(initializer, shape, dtype),
                    dtype=dtype,
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
        for index, args in enumerate(_variants(HAIKU_ARGS, name)):
            for shape, dtype in _grid(CHANNELS_LAST, index == 0, ("float16", "bfloat16")):

                def batch(
                    count: int, c: Any = cls, a: Any = args, s: Any = shape, d: str = dtype
                ) -> list[Any]:
                    apply = hk.transform(lambda: c(**a)(s, jnp.dtype(d))).apply
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
                    f"wi.get({key!r}, {args_text(args)})",
                    batch=batch,
                    dtype=dtype,
                )


BUILDERS: dict[str, tuple[str, str, Builder]] = {
    "keras": ("Keras", "keras", keras_cases),
    "torch": ("PyTorch", "torch", torch_cases),
    "jax": ("JAX", "jax", jax_cases),
    "flax": ("Flax", "flax", flax_cases),
    "haiku": ("Haiku", "haiku", haiku_cases),
}
