"""Initializers by name and by config: get, register, serialize, deserialize.

Names are looked up exactly, case-sensitively, as Keras does: canonical names
(``'glorot_uniform'``), Keras class names and aliases (``'GlorotUniform'``,
``'normal'``, ``'one'``), PyTorch names with or without the trailing
underscore (``'kaiming_normal_'``) and JAX names. Where libraries use one name
for different things, the plain name goes to the first of a canonical name,
Keras, PyTorch, JAX and Haiku; every library name is also reachable with its
prefix (``'keras.normal'``, ``'torch.normal'``, ``'jax.normal'``,
``'haiku.UniformScaling'``). docs/names.md lists them all.

Configs are Keras' serialized form::

    {"module": "keras.initializers", "class_name": "HeNormal",
     "config": {"seed": 42}, "registered_name": None}

A config is read with Keras' meaning when its module is Keras' (``'keras'`` or
``'keras.*'``, also ``'tf_keras.*'`` and ``'tensorflow.keras.*'``) or its
``class_name`` is a Keras spelling that is not a canonical name (a class name
such as ``'VarianceScaling'``, or an alias such as ``'normal'``): Keras
parameter names, ``seed``, ``input_axes``/``output_axes``, ``dtype`` (in Keras 2
configs of the TensorFlow 1 era), and Keras values
(``VarianceScaling`` reads ``distribution='normal'`` as truncated). Otherwise
it is read with this library's meaning, where a variance-scaling
``distribution='normal'`` is untruncated.

Every operation here is atomic, also across threads: a reader never sees a
name half registered, and built-in names can never be replaced.

Configs are untrusted data: only registered names resolve. Nothing is
imported, evaluated or looked up by attribute path, whatever ``module``,
``class_name`` or ``registered_name`` say.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from . import _names
from ._initializer import Initializer
from ._names import Aliases, Name
from ._settings import OPTIONS as _OPTIONS
from ._settings import plain as _plain
from ._validation import describe, shown
from .fans import check_axes
from .initializers import fixed

__all__ = [
    "Name",
    "available",
    "declarations",
    "deserialize",
    "get",
    "names",
    "register",
    "serialize",
    "unregister",
]

KERAS_MODULE = "keras.initializers"
WEIGHTINIT_MODULE = "weightinit"
_KERAS_MODULES = ("keras", "tf_keras", "tensorflow.keras")
_DICT_KEYS = ("module", "class_name", "config", "registered_name")
#: Keras initializers this library does not implement, and why.
_UNSUPPORTED = {
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
# Floats strict JSON cannot hold, as serialize spells them: Keras' form of a
# NumPy float64 scalar, {"class_name": "__numpy__", "config": {"value": <spelling>,
# "dtype": "float64"}}, which Keras reads back too.
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}

F = TypeVar("F", bound=Callable[..., Any])


def available() -> list[str]:
    """Sorted canonical names of every registered initializer, the user's included.

    Examples
    --------
    >>> import weightinit as wi
    >>> "glorot_uniform" in wi.available(), "GlorotUniform" in wi.available()
    (True, False)
    """
    return _names.available()


def names() -> dict[str, str]:
    """Every accepted name (aliases and prefixed names included) → its canonical name.

    Examples
    --------
    >>> import weightinit as wi
    >>> names = wi.registry.names()
    >>> names["kaiming_normal_"], names["jax.kaiming_normal"], names["HeNormal"]
    ('kaiming_normal', 'he_normal', 'he_normal')
    """
    return {name: entry.canonical for name, entry in _names.table().items()}


def declarations() -> list[Name]:
    """Every name the library's definitions declare, with its origin and kind.

    Includes names another library's spelling shadows (reachable only with
    their prefix); user registrations are not included.
    """
    return _names.declared()


# --- get -------------------------------------------------------------------------------


def get(identifier: Any, **params: Any) -> Any:
    """Resolve an initializer from a name, a config, an array, a callable or None.

    Parameters
    ----------
    identifier : str, dict, numpy.ndarray, Initializer, callable or None
        - a name (exact, case-sensitive): the registered initializer itself;
        - a Keras serialized dict (see :func:`deserialize`);
        - a NumPy array: an initializer returning that array, for calls with
          exactly its shape (Keras semantics);
        - an :class:`~weightinit.Initializer` or any other callable: itself;
        - ``None``: ``None``, as in Keras.
    **params
        Parameters (and call options such as ``rng``) to bind: the result is
        ``init.partial(**params)``, or ``functools.partial`` for a plain
        callable.

    Returns
    -------
    Initializer, callable or None

    Raises
    ------
    ValueError
        For an unknown name (the message names the closest ones), a name of
        an initializer that is not supported, or a bad config.
    TypeError
        For an identifier of any other type, or parameters with ``None``.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.get("glorot_uniform") is wi.glorot_uniform
    True
    >>> wi.get("kaiming_normal_", mode="fan_out").get_config()["mode"]
    'fan_out'
    >>> W = wi.get({"class_name": "HeNormal", "config": {"seed": 42}})((64, 32))
    >>> W.shape, bool((W == wi.get("HeNormal", rng=42)((64, 32))).all())
    ((64, 32), True)
    """
    if identifier is None:
        if params:
            raise TypeError(
                f"parameters need an initializer; got identifier=None with {shown(sorted(params))}."
            )
        return None
    if isinstance(identifier, str):
        found = _by_name(identifier)
    elif isinstance(identifier, Mapping):
        found = deserialize(identifier)
    elif isinstance(identifier, (np.ndarray, np.generic)):
        try:
            found = fixed.partial(value=identifier)
        except (TypeError, ValueError) as error:
            raise type(error)(f"identifier is an array fixed cannot hold: {error}") from None
    elif callable(identifier):
        found = identifier
    else:
        raise TypeError(
            "identifier must be a name, a config dict, a numpy array, an Initializer, a "
            f"callable or None; got {describe('identifier', identifier)}."
        )
    return _bind(found, params) if params else found


def _by_name(name: str) -> Any:
    if name in _UNSUPPORTED:
        raise ValueError(f"{_UNSUPPORTED[name]}; got the name {shown(name)}.")
    return _names.lookup(name)


def _bind(found: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(found, Initializer):
        return found.partial(**params)
    try:
        signature = inspect.signature(found)
    except (TypeError, ValueError):  # builtins without a signature: bind unchecked
        signature = None
    if signature is not None:
        try:
            signature.bind_partial(**params)
        except TypeError as error:
            raise TypeError(
                f"cannot bind {shown(sorted(params))} to {shown(found)}: {error}"
            ) from None
    return functools.partial(found, **params)


# --- register --------------------------------------------------------------------------


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be a str; got {describe(kind, name)}.")
    if not name.isidentifier():
        raise ValueError(f"{kind} must be a Python identifier; got {kind}={shown(name)}.")
    return name


def register(
    name: str, *, aliases: tuple[str, ...] = (), overwrite: bool = False
) -> Callable[[F], F]:
    """A decorator that registers a function or :class:`~weightinit.Initializer` under ``name``.

    Parameters
    ----------
    name : str
        A Python identifier; it becomes a canonical name (:func:`available`).
    aliases : tuple of str, optional
        Other names (identifiers) for it.
    overwrite : bool, default False
        Replace what a user registered earlier under one of these names (that
        registration goes with all its names). Built-in names (canonical
        names, Keras class names, aliases) can never be replaced, whatever
        ``overwrite`` says: configs naming them keep their meaning.

    Returns
    -------
    callable
        The decorator; it returns the registered object. An
        :class:`~weightinit.Initializer` of another name is registered (and
        returned) as a copy named ``name``, so that it serializes under it.

    Raises
    ------
    ValueError
        If a name is not an identifier, is a built-in name, or is taken by
        an earlier registration (and not ``overwrite``). Nothing is
        registered then.
    TypeError
        If a name is not a str or the decorated object is not callable.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> @wi.register("halves")
    ... def halves(shape, dtype=None, rng=None):
    ...     return np.full(shape, 0.5, dtype=dtype)
    >>> wi.get("halves")((2,))
    array([0.5, 0.5])
    >>> wi.serialize(wi.get("halves", dtype="float32"))["config"]
    {'dtype': 'float32'}
    >>> wi.registry.unregister("halves")
    """
    _check_name("name", name)
    if not isinstance(aliases, (tuple, list)):
        raise TypeError(f"aliases must be a tuple of str; got {describe('aliases', aliases)}.")
    alias_names = tuple(
        _check_name(f"aliases[{index}]", alias) for index, alias in enumerate(aliases)
    )
    if len(set((name, *alias_names))) != len(alias_names) + 1:
        raise ValueError(
            f"name and aliases must all differ; got name={shown(name)}, aliases={shown(aliases)}."
        )
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be a bool; got {describe('overwrite', overwrite)}.")

    def decorate(obj: F) -> F:
        if not callable(obj):
            raise TypeError(f"only callables can be registered; got {describe('obj', obj)}.")
        target: Any = obj
        if isinstance(obj, Initializer) and obj.name != name:
            info = dataclasses.replace(obj.info, origin="user", keras_class=None, aliases=Aliases())
            target = obj._copy(name=name, info=info)
        _names.add_user(name, target, alias_names, overwrite)
        return target  # type: ignore[no-any-return]

    return decorate


def unregister(name: str) -> None:
    """Remove a name the user registered, with its aliases.

    Raises
    ------
    ValueError
        If ``name`` is not a canonical name registered by the user.
    """
    _names.remove_user(name)


# --- serialize -------------------------------------------------------------------------


def serialize(init: Any) -> dict[str, Any] | None:
    """A JSON-safe dict in Keras' serialized form that :func:`deserialize` reads back.

    An initializer with a Keras class is written as that class
    (``module='keras.initializers'``, Keras parameter names, ``seed``) when
    Keras can express every setting, so Keras can load it; otherwise, as
    ``module='weightinit'`` with the canonical name and
    :meth:`~weightinit.Initializer.get_config`. Either way every parameter is
    kept (identity's ``gain`` included), and the initializer read back draws
    bit-identical samples for the same ``rng``.

    The dict is strict JSON data (``json.dumps(d, allow_nan=False)`` takes
    it). A float strict JSON cannot hold (an infinite bound, a NaN bound to a
    registered callable) is written as Keras writes a NumPy scalar, with the
    value as a string: ``{"class_name": "__numpy__", "config": {"value":
    "-inf", "dtype": "float64"}}`` (``"inf"``, ``"-inf"`` or ``"nan"``);
    :func:`deserialize` reads it back as that float.

    Parameters
    ----------
    init : Initializer, registered callable, functools.partial of one, or None

    Raises
    ------
    ValueError
        If ``init`` is not registered, or has ``rng`` bound to a generator.
    TypeError
        If a bound value is not JSON data (None, bool, int, float, str, and
        lists and dicts of them; a dict's keys must be str, as JSON's are),
        so that no round trip could give it back as it is.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.serialize(wi.he_normal.partial(rng=42))
    {'module': 'keras.initializers', 'class_name': 'HeNormal', 'config': {'seed': 42}, 'registered_name': None}
    >>> wi.serialize(wi.variance_scaling.partial(mode="fan_geo_avg"))["module"]
    'weightinit'
    """
    if init is None:
        return None
    if isinstance(init, Initializer):
        return _serialize_initializer(init)
    if isinstance(init, functools.partial) and not init.args:
        name, config = _names.canonical_of(init.func), dict(init.keywords)
    else:
        name, config = _names.canonical_of(init), {}
    if name is None:
        raise ValueError(
            f"init must be registered so that a config can name it; got {describe('init', init)}; "
            "register it with weightinit.register(name) first."
        )
    return _weightinit_dict(name, _encoded(config))


def _encoded(config: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _json_safe(key, value) for key, value in config.items()}


def _weightinit_dict(name: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "module": WEIGHTINIT_MODULE,
        "class_name": name,
        "config": config,
        "registered_name": None,
    }


#: How deep lists and dicts in a config value may nest: NumPy's own most
#: dimensions in 2.x, so every array fits, and far within Python's recursion limit.
MAX_NESTING = 64


def _nesting_checked(key: str, value: Any, depth: int) -> None:
    if depth > MAX_NESTING:
        raise TypeError(
            f"config values may nest lists and dicts at most {MAX_NESTING} deep; got "
            f"{describe(key, value)} nested deeper."
        )


def _json_safe(key: str, value: Any, depth: int = 0) -> Any:
    """``value`` as strict JSON data that :func:`_decoded` gives back as it is."""
    _nesting_checked(key, value, depth)
    plain = _plain(value)
    if plain is None or isinstance(plain, (bool, int, str)):
        return plain
    if isinstance(plain, float):
        if math.isfinite(plain):
            return plain
        spelling = "nan" if math.isnan(plain) else "inf" if plain > 0 else "-inf"
        return {"class_name": "__numpy__", "config": {"value": spelling, "dtype": "float64"}}
    if isinstance(plain, list):
        return [_json_safe(key, item, depth + 1) for item in plain]
    if isinstance(plain, dict):
        if not all(isinstance(name, str) for name in plain):
            raise TypeError(
                "config values must be JSON-safe: a dict's keys must be str, as JSON's are "
                f"(others would come back as str); got {describe(key, value)}."
            )
        if _non_finite(plain) is not None:
            raise TypeError(
                "config values must be JSON-safe: this dict is the form serialize writes for "
                f"a non-finite float, so it would come back as that float; got {describe(key, value)}."
            )
        return {name: _json_safe(key, item, depth + 1) for name, item in plain.items()}
    raise TypeError(f"config values must be JSON-safe; got {describe(key, value)}.")


def _non_finite(value: Any) -> float | None:
    """The float ``value`` spells in serialize's form of a non-finite float, or None."""
    if not isinstance(value, Mapping) or set(value) != {"class_name", "config"}:
        return None
    inner = value["config"]
    if value["class_name"] != "__numpy__" or not isinstance(inner, Mapping):
        return None
    spelling = inner.get("value")
    if set(inner) != {"value", "dtype"} or inner["dtype"] != "float64":
        return None
    return _NON_FINITE.get(spelling) if isinstance(spelling, str) else None


def _decoded(key: str, value: Any, depth: int = 0) -> Any:
    """The inverse of :func:`_json_safe` (on JSON data)."""
    _nesting_checked(key, value, depth)
    special = _non_finite(value)
    if special is not None:
        return special
    if isinstance(value, list):
        return [_decoded(key, item, depth + 1) for item in value]
    if isinstance(value, Mapping):
        return {name: _decoded(key, item, depth + 1) for name, item in value.items()}
    return value


def _serialize_initializer(init: Initializer) -> dict[str, Any]:
    registered = _names.target(init.name)
    if not isinstance(registered, Initializer) or registered._law is not init._law:
        raise ValueError(
            f"{shown(init)} is not registered under its name {shown(init.name)}, so no config can "
            "name it; register it with weightinit.register(name) first."
        )
    config = init.get_config()
    keras = _keras_config(init, config)
    if keras is None:
        return _weightinit_dict(init.name, _encoded(config))
    return {
        "module": KERAS_MODULE,
        "class_name": init.info.keras_class,
        "config": _encoded(keras),
        "registered_name": None,
    }


def _keras_config(init: Initializer, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The config of ``init``'s Keras class, or None if Keras cannot express it."""
    info = init.info
    if info.keras_class is None or not _names.builtin(init.name):
        return None
    options = {key: config[key] for key in _OPTIONS if key in config}
    axes = {"in_axis": "input_axes", "out_axis": "output_axes"}
    if set(options) - {"rng", *axes}:
        return None
    result: dict[str, Any] = {"seed": options.get("rng")} if init.random else {}
    for option, keras_key in axes.items():
        if option in options:
            if keras_key not in info.keras_args:
                return None
            result[keras_key] = options[option]
    for param in init.params:
        value = config[param.name]
        if param.name not in info.keras_args:
            if value != param.default:  # Keras has no such argument: only its implied value fits
                return None
            continue
        if isinstance(value, list):  # Keras takes scalars here
            return None
        table = info.keras_values.get(param.name)
        if table is not None:
            spellings = [keras for keras, meaning in table.items() if meaning == value]
            if not spellings:
                return None
            value = value if value in spellings else spellings[0]
        result[param.name] = value
    return result


# --- deserialize -----------------------------------------------------------------------


def deserialize(config: Any) -> Any:
    """The initializer a serialized dict (or a name) describes.

    Parameters
    ----------
    config : dict, str or None
        ``None`` gives ``None`` (what ``serialize(None)`` writes).
        ``{"class_name": ..., "config": {...}, "module": ..., "registered_name": ...}``;
        only ``class_name`` is required. ``class_name`` may be any accepted
        name. The inner config's keys are the initializer's parameters and
        call options (this library's meaning), or the Keras class's arguments
        (Keras' meaning; see the module documentation). A ``seed`` binds
        ``rng``: the initializer then returns the same array call after call
        unless a call passes ``rng`` (Keras semantics). A value in the form
        :func:`serialize` writes for a non-finite float is read as that
        float. A Keras ``__numpy__`` array must hold ints or floats of a
        NumPy int or float dtype that holds them exactly.

    Returns
    -------
    Initializer, or the registered callable (a ``functools.partial`` of it
    when the config binds parameters), or None.

    Raises
    ------
    ValueError
        For an unknown name or key (the message lists what is accepted), a
        name of an unsupported initializer, or a value out of range.
    TypeError
        For a config or a value of the wrong type.

    Examples
    --------
    >>> import weightinit as wi
    >>> vs = wi.deserialize({"module": "keras.initializers", "class_name": "VarianceScaling",
    ...                      "config": {"scale": 2.0, "mode": "fan_in", "distribution": "normal",
    ...                                 "seed": None}, "registered_name": None})
    >>> vs.get_config()["distribution"]          # Keras' 'normal' is truncated
    'truncated_normal'
    >>> wi.deserialize(wi.serialize(vs)) == vs
    True
    """
    if config is None:  # what serialize(None) writes, as in Keras
        return None
    if isinstance(config, str):
        return _by_name(config)
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict or a name; got {describe('config', config)}.")
    for key in config:
        if key not in _DICT_KEYS:
            raise ValueError(
                f"unknown key {shown(key)} in an initializer config; accepted keys: "
                f"{', '.join(_DICT_KEYS)}."
            )
    if "class_name" not in config:
        raise ValueError(f"an initializer config needs 'class_name'; got {shown(dict(config))}.")
    class_name = config["class_name"]
    if not isinstance(class_name, str):
        raise TypeError(f"class_name must be a str; got {describe('class_name', class_name)}.")
    for key in ("module", "registered_name"):
        if config.get(key) is not None and not isinstance(config[key], str):
            raise TypeError(f"{key} must be a str or None; got {describe(key, config[key])}.")
    inner = config.get("config")
    if inner is None:
        inner = {}
    if not isinstance(inner, Mapping) or not all(isinstance(key, str) for key in inner):
        raise TypeError(
            f"config['config'] must be a dict with str keys; got {describe('config', inner)}."
        )
    if class_name in _UNSUPPORTED:
        raise ValueError(f"{_UNSUPPORTED[class_name]}; got class_name={shown(class_name)}.")
    inner = {key: _decoded(str(key), value) for key, value in inner.items()}
    record = _names.record(class_name)
    keras_class = _names.record(_keras_prefixed(class_name))
    if _is_keras_module(config.get("module")):
        if keras_class is None:
            suggestion = _names.suggest(class_name, _keras_spellings())
            raise ValueError(
                f"{shown(class_name)} is not a Keras initializer name (docs/names.md lists them), "
                f"but the config's module is {shown(config['module'])}{suggestion or '.'}"
            )
        return _from_keras(_names.lookup(keras_class.name), inner)
    if record is not None and record.origin == "Keras" and record.kind != "canonical":
        return _from_keras(_by_name(class_name), inner)
    found = _by_name(class_name)
    if isinstance(found, Initializer):
        return found.from_config(_rng_from_seed(inner))
    return _bind(found, inner) if inner else found


def _keras_prefixed(name: str) -> str:
    """The name in the ``keras.`` namespace, where only Keras' spellings live."""
    prefix = _names.NAMESPACES["Keras"] + "."
    return name if name.startswith(prefix) else prefix + name


def _keras_spellings() -> list[str]:
    prefix = _names.NAMESPACES["Keras"] + "."
    return [name[len(prefix) :] for name in _names.table() if name.startswith(prefix)]


def _is_keras_module(module: str | None) -> bool:
    return module is not None and any(
        module == root or module.startswith(root + ".") for root in _KERAS_MODULES
    )


def _rng_from_seed(config: Mapping[str, Any]) -> dict[str, Any]:
    """Keras' ``seed`` is this library's ``rng``."""
    values = dict(config)
    if "seed" in values:
        if "rng" in values:
            raise ValueError(
                f"a config gives both seed and rng; got seed={shown(values['seed'])}, "
                f"rng={shown(values['rng'])}."
            )
        seed = values.pop("seed")
        if seed is not None:
            values["rng"] = _check_seed(seed)
    return values


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            "seed must be an int or None (a serialized Keras SeedGenerator is not "
            f"supported); got {describe('seed', seed)}."
        )
    return int(seed)


def _keras_value(key: str, value: Any) -> Any:
    """Keras writes arrays in configs as ``{"class_name": "__numpy__", ...}``.

    The array must be a number or a rectangular nested list of them, of a
    NumPy int or float dtype that holds every value exactly as given (floats
    round to a float dtype, as in Keras).
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
    bounds = (0, 0)
    if kind in ("i", "u"):
        info = np.iinfo(np.dtype(dtype))
        bounds = (int(info.min), int(info.max))
    leaves = _leaves(numbers)
    for leaf in leaves:
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


def _from_keras(init: Initializer, config: Mapping[str, Any]) -> Initializer:
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
            values["rng"] = _check_seed(value)
        elif key in ("input_axes", "output_axes"):
            option = "in_axis" if key == "input_axes" else "out_axis"
            check_axes(key, value)  # now, and under the config's name
            values[option] = tuple(value) if isinstance(value, list) else value
        elif key in info.keras_values:
            table = info.keras_values[key]
            if not isinstance(value, str) or value not in table:
                listed = ", ".join(repr(option) for option in table)
                raise ValueError(
                    f"{key} must be one of {listed} for Keras' {info.keras_class}; "
                    f"got {key}={shown(value)}."
                )
            values[key] = table[value]
        else:
            values[key] = _keras_value(key, value)
    return init.partial(**values)
