"""Keras' dialect of configs, both ways: reading Keras names, arguments, seeds and arrays; writing Keras configs.

:func:`weightinit.deserialize` reads a config with Keras' meaning when its
module is Keras' (:func:`is_keras_module`) or its ``class_name`` is a Keras
spelling that is not a canonical name (:func:`read`): Keras parameter names,
``seed``, ``input_axes``/``output_axes`` (with Keras' rule for fans), ``dtype``,
Keras values (Keras' ``VarianceScaling``, :func:`weightinit.keras_variance_scaling`,
reads ``distribution='normal'`` as truncated, in any case) and arrays in Keras'
serialized form (:func:`array_value`). :func:`weightinit.serialize`
writes an initializer as its Keras class when Keras can express every setting
(:func:`keras_dict`).

Nothing here imports, evaluates or looks up by attribute path: only
registered names resolve.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _names
from ._config import encoded
from ._initializer import Initializer
from ._settings import OPTIONS as _OPTIONS
from ._validation import check_keras_seed as check_seed
from ._validation import describe, seed_as_rng, shown
from .fans import check_axes

__all__ = [
    "KERAS_MODULE",
    "UNSUPPORTED",
    "array_value",
    "check_seed",
    "from_keras",
    "is_keras_module",
    "keras_config",
    "keras_dict",
    "read",
    "rng_from_seed",
]

#: The module :func:`keras_dict` writes, Keras' own.
KERAS_MODULE = "keras.initializers"
_KERAS_MODULES = ("keras", "tf_keras", "tensorflow.keras")
#: Keras initializers this library does not implement, and why.
UNSUPPORTED = {
    name: "Keras' STFT initializer (Fourier kernels for STFTSpectrogram) is not implemented"
    for name in (
        "STFT",
        "STFTInitializer",
        "stft",
        "keras.STFT",
        "keras.STFTInitializer",
        "keras.stft",
    )
}
# Keras serializes arrays inside configs as these objects (plain data).
_KERAS_ARRAYS = ("__numpy__", "__tensor__")


# --- reading -----------------------------------------------------------------------------


def is_keras_module(module: str | None) -> bool:
    """Whether a config's ``module`` is Keras' (``'keras'``, ``'keras.*'``, ``'tf_keras.*'``, ...)."""
    return module is not None and any(
        module == root or module.startswith(root + ".") for root in _KERAS_MODULES
    )


def _keras_prefixed(name: str) -> str:
    """The name in the ``keras.`` namespace, where only Keras' spellings live."""
    prefix = _names.NAMESPACES["Keras"] + "."
    return name if name.startswith(prefix) else prefix + name


def _keras_spellings() -> list[str]:
    prefix = _names.NAMESPACES["Keras"] + "."
    return [name[len(prefix) :] for name in _names.table() if name.startswith(prefix)]


def read(class_name: str, module: str | None, config: Mapping[str, Any]) -> Initializer | None:
    """The initializer a config in Keras' dialect describes, or None if it is not in that dialect.

    ``config`` is the inner config, already decoded; ``class_name`` is not
    one of :data:`UNSUPPORTED`.
    """
    if is_keras_module(module):
        keras_class = _names.record(_keras_prefixed(class_name))
        if keras_class is None:
            suggestion = _names.suggest(class_name, _keras_spellings())
            raise ValueError(
                f"{shown(class_name)} is not a Keras initializer name (docs/names.md lists them), "
                f"but the config's module is {shown(module)}{suggestion or '.'}"
            )
        return from_keras(_names.lookup(keras_class.name), config)
    record = _names.record(class_name)
    if record is not None and record.origin == "Keras" and record.kind != "canonical":
        return from_keras(_names.lookup(class_name), config)
    return None


#: Keras' ``seed`` is this library's ``rng`` (one home: :func:`weightinit._validation.seed_as_rng`).
rng_from_seed = seed_as_rng


def from_keras(init: Initializer, config: Mapping[str, Any]) -> Initializer:
    """``init`` configured as its Keras class ``config`` says, with Keras' meaning."""
    info = init.info
    # Keras 2 configs of the TensorFlow 1 era also carry the default dtype.
    accepted = [*info.keras_args, *(["seed"] if init.random else []), "dtype"]
    values: dict[str, Any] = {}
    for key, value in config.items():
        if key not in accepted:
            raise ValueError(
                f"unknown config key {shown(key)} for Keras' {info.keras_class}; accepted keys: "
                f"{', '.join(accepted)}."
            )
        if value is None and key in ("seed", "input_axes", "output_axes", "dtype"):
            continue
        if key == "dtype":
            if not isinstance(value, str):
                raise TypeError(
                    "dtype must be a dtype name (a str) or None in a Keras config (a "
                    f"serialized Keras dtype policy is not supported); got {describe('dtype', value)}."
                )
            values["dtype"] = value
        elif key == "seed":
            values["rng"] = check_seed(value)
        elif key in ("input_axes", "output_axes"):
            # Keras' own rule (fans.compute_fans), a lone one ignored as Keras ignores it.
            check_axes(key, value)
            values[key] = tuple(value) if isinstance(value, list) else value
        else:
            values[key] = array_value(key, value)
    return init.partial(**values)


def array_value(key: str, value: Any) -> Any:
    """Keras writes arrays in configs as ``{"class_name": "__numpy__", ...}``: read one back.

    Any other value is returned as it is. The array must be a number or a
    rectangular nested list of them, of a NumPy int or float dtype that holds
    every value exactly as given (floats round to a float dtype, as in Keras).
    """
    if not isinstance(value, Mapping) or value.get("class_name") not in _KERAS_ARRAYS:
        return value
    inner = value.get("config")
    if not isinstance(inner, Mapping) or "value" not in inner:
        raise ValueError(f"{key} holds a malformed serialized array; got {key}={shown(value)}.")
    dtype = inner.get("dtype")
    if dtype is not None and not isinstance(dtype, str):
        raise TypeError(f"{key}'s dtype must be a str; got {describe('dtype', dtype)}.")
    kind = None if dtype is None else _numeric_kind(dtype)
    if dtype is not None and kind is None:
        raise ValueError(
            f"{key}'s dtype must name a NumPy int or float dtype ('float32', 'int64', ...); "
            f"got dtype={shown(dtype)}."
        )
    numbers = inner["value"]
    _check_numbers(key, numbers, dtype, kind)
    try:
        with np.errstate(over="raise"):  # 1e300 as float32 is out of range, not inf
            array = np.asarray(numbers, dtype=None if dtype is None else np.dtype(dtype))
    except (OverflowError, FloatingPointError):
        raise ValueError(
            f"{key} holds a serialized array with a value out of range for dtype {shown(dtype)}; "
            f"got {describe(key, numbers)}."
        ) from None
    except ValueError:
        raise ValueError(
            f"{key} holds a serialized array that is not rectangular (a number, or nested "
            f"lists of equal lengths); got {describe(key, numbers)}."
        ) from None
    if array.dtype.kind not in "iuf":
        raise ValueError(
            f"{key} holds a serialized array with a value no NumPy int or float dtype holds; "
            f"got {describe(key, numbers)}."
        )
    return array


def _check_numbers(key: str, numbers: Any, dtype: str | None, kind: str | None) -> None:
    """Refuse a serialized array's item that is not an int or float, or that its int dtype cannot hold."""
    bounds = (0, 0)
    if kind in ("i", "u"):
        info = np.iinfo(np.dtype(dtype))
        bounds = (int(info.min), int(info.max))
    for leaf in _leaves(numbers):
        where = "" if leaf is numbers else f" in {describe(key, numbers)}"
        if isinstance(leaf, bool) or not isinstance(leaf, (int, float)):
            raise TypeError(
                f"{key} holds a serialized array whose values must be ints or floats; got "
                f"{describe('item', leaf)}{where}."
            )
        if kind in ("i", "u") and isinstance(leaf, float):
            raise ValueError(
                f"{key} holds a serialized array of dtype {shown(dtype)}, which holds no floats; "
                f"got item={shown(leaf)}{where}."
            )
        # Compared exactly, before NumPy converts (NumPy 1.x wraps, with a warning).
        if kind in ("i", "u") and not bounds[0] <= leaf <= bounds[1]:
            raise ValueError(
                f"{key} holds a serialized array with a value out of range for dtype "
                f"{shown(dtype)}; got {describe(key, numbers)}, whose item {shown(leaf)} is not "
                f"in [{bounds[0]}, {bounds[1]}]."
            )


def _numeric_kind(dtype: str) -> str | None:
    """The kind (``'i'``, ``'u'``, ``'f'``) of a NumPy int or float dtype name, or None."""
    try:
        kind = np.dtype(dtype).kind
    except (TypeError, ValueError):
        return None
    return kind if kind in "iuf" else None


def _leaves(value: Any) -> list[Any]:
    """The non-list items of a nested list (``[value]`` for a non-list)."""
    if not isinstance(value, list):
        return [value]
    leaves: list[Any] = []
    stack = [value]
    while stack:
        for item in stack.pop():
            (stack if isinstance(item, list) else leaves).append(item)
    return leaves


# --- writing -----------------------------------------------------------------------------


def keras_dict(init: Initializer, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """``init`` (whose :meth:`~weightinit.Initializer.get_config` is ``config``) as Keras writes it.

    None if Keras cannot express it (see :func:`keras_config`).
    """
    keras = keras_config(init, config)
    if keras is None:
        return None
    return {
        "module": KERAS_MODULE,
        "class_name": init.info.keras_class,
        "config": encoded(keras),
        "registered_name": None,
    }


def keras_config(init: Initializer, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The config of ``init``'s Keras class, or None if Keras cannot express it."""
    info = init.info
    if info.keras_class is None or not _names.builtin(init.name):
        return None
    options = {key: config[key] for key in _OPTIONS if key in config}
    axes = ("input_axes", "output_axes")
    if set(options) - {"rng", *axes}:
        return None
    result: dict[str, Any] = {"seed": options.get("rng")} if init.random else {}
    for key in axes:
        if key in options:
            if key not in info.keras_args:
                return None
            result[key] = options[key]
    for param in init.params:
        value = config[param.name]
        if param.name not in info.keras_args:
            if value != param.default:  # Keras has no such argument: only its implied value fits
                return None
            continue
        if isinstance(value, list):  # Keras takes scalars here
            return None
        result[param.name] = value
    return result
