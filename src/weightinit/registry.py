"""Initializers by name and by config: get, register, serialize, deserialize.

Names are looked up exactly, case-sensitively, as Keras does: canonical names
(``'glorot_uniform'``), Keras class names and aliases (``'GlorotUniform'``,
``'normal'``, ``'one'``), PyTorch names with or without the trailing
underscore (``'kaiming_normal_'``), JAX, Haiku and Flax names. Each resolves
to an initializer with its library's meaning, defaults and layout (PyTorch's
names read (out, in, …kernel…)). Where libraries use one name for different
things, the plain name goes to the first of a canonical name, Keras, PyTorch,
JAX, Haiku and Flax; every library name is also reachable with its prefix
(``'keras.normal'``, ``'torch.normal'``, ``'jax.normal'``,
``'haiku.RandomNormal'``, ``'flax.zeros_init'``). docs/names.md lists them
all, with each one's layout and every known difference from its library.

Configs are Keras' serialized form::

    {"module": "keras.initializers", "class_name": "HeNormal",
     "config": {"seed": 42}, "registered_name": None}

A config is read with Keras' meaning when its module is Keras' (``'keras'`` or
``'keras.*'``, also ``'tf_keras.*'`` and ``'tensorflow.keras.*'``) or its
``class_name`` is a Keras spelling that is not a canonical name (a class name
such as ``'VarianceScaling'``, or an alias such as ``'normal'``): Keras
parameter names, ``seed``, ``input_axes``/``output_axes`` (with Keras' rule for
fans), ``dtype`` (in Keras 2 configs of the TensorFlow 1 era), and Keras values
(``VarianceScaling`` reads ``distribution='normal'`` as truncated, in any case). Otherwise
it is read with this library's meaning, where a variance-scaling
``distribution='normal'`` is untruncated. :mod:`weightinit.keras` holds that
dialect, in both directions.

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
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from . import _names, keras
from ._config import MAX_NESTING as MAX_NESTING  # importable from here, as before
from ._config import decoded, encoded
from ._initializer import Initializer
from ._names import Aliases, Name
from ._validation import check_bool, describe, shown
from .initializers import fixed
from .keras import KERAS_MODULE as KERAS_MODULE  # importable from here, as before

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

WEIGHTINIT_MODULE = "weightinit"
_DICT_KEYS = ("module", "class_name", "config", "registered_name")

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
    if name in keras.UNSUPPORTED:
        raise ValueError(f"{keras.UNSUPPORTED[name]}; got the name {shown(name)}.")
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
    overwrite = check_bool("overwrite", overwrite)

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
    return _weightinit_dict(name, encoded(config))


def _weightinit_dict(name: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "module": WEIGHTINIT_MODULE,
        "class_name": name,
        "config": config,
        "registered_name": None,
    }


def _serialize_initializer(init: Initializer) -> dict[str, Any]:
    registered = _names.target(init.name)
    if not isinstance(registered, Initializer) or registered._law is not init._law:
        raise ValueError(
            f"{shown(init)} is not registered under its name {shown(init.name)}, so no config can "
            "name it; register it with weightinit.register(name) first."
        )
    config = init.get_config()
    return keras.keras_dict(init, config) or _weightinit_dict(init.name, encoded(config))


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
    class_name, module, inner = _parts(config)
    if class_name in keras.UNSUPPORTED:
        raise ValueError(f"{keras.UNSUPPORTED[class_name]}; got class_name={shown(class_name)}.")
    inner = {key: decoded(str(key), value) for key, value in inner.items()}
    from_keras = keras.read(class_name, module, inner)
    if from_keras is not None:
        return from_keras
    found = _by_name(class_name)
    if isinstance(found, Initializer):
        return found.from_config(keras.rng_from_seed(inner))
    return _bind(found, inner) if inner else found


def _parts(config: Any) -> tuple[str, str | None, Mapping[str, Any]]:
    """A serialized dict's ``class_name``, ``module`` and inner config, each checked."""
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
    return class_name, config.get("module"), inner
