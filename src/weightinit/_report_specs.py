"""The report's initializers as written and as printed: ``NAME(KEY=VALUE, ...)``, and one line on each.

``weightinit report --init`` takes each initializer as ``NAME`` or
``NAME(KEY=VALUE, ...)`` (:func:`parse_spec`), labels a row with every
parameter bound (:func:`spec_label`) and prints what each initializer is,
with all its parameters and the std of its weights
(:func:`describe_initializer`). :mod:`weightinit.report` re-exports them.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ._initializer import Initializer
from ._validation import check_int, describe, shown


def for_activation(init: Any, activation: str) -> Any:
    """``init`` for a row of ``activation``: a scheme whose ``activation`` parameter is left unbound takes the row's.

    So ``critical_normal`` and ``critical_orthogonal`` are critical for the
    activation each row runs (with the report's zero biases).
    """
    if (
        isinstance(init, Initializer)
        and any(param.name == "activation" for param in init.params)
        and "activation" not in init.get_config()
    ):
        return init.partial(activation=activation)
    return init


class _OutOfRangeError(ValueError):
    """A number written on the command line that float64 cannot hold."""


def _float(text: str) -> float:
    """A JSON number as a float, refused where float64 would make it inf or 0."""
    value = float(text)
    if math.isinf(value):
        raise _OutOfRangeError(
            f"is beyond float64's range (magnitude at most {sys.float_info.max:.4g}); got {text}"
        )
    if value == 0 and any(char in "123456789" for char in text.lower().partition("e")[0]):
        raise _OutOfRangeError(
            f"is too close to 0 for float64 (smallest magnitude {5e-324:.3g}), it would be 0; "
            f"got {text}"
        )
    return value


def parse_value(raw: str) -> Any:
    """A parameter's value as written on the command line: JSON, or else the bare word.

    ``1`` is an int, ``1.0`` a float, ``true`` a bool, ``[3, 3]`` a list, and
    a word such as ``fan_out`` (not JSON) stays a string.

    Raises
    ------
    ValueError
        For a number float64 cannot hold (``1e400``, ``1e-400``): it is not
        silently read as ``inf`` or ``0``.

    Examples
    --------
    >>> parse_value("0.5"), parse_value("[3, 3]"), parse_value("fan_out")
    (0.5, [3, 3], 'fan_out')
    """
    try:
        return json.loads(raw, parse_float=_float)
    except RecursionError:
        raise ValueError(f"nests too deeply to read; got {shown(raw)}") from None
    except _OutOfRangeError as error:
        raise ValueError(str(error)) from None
    except ValueError:
        return raw.strip()


def _outside(text: str) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` of each character of ``text`` outside JSON strings ``"..."``.

    ``depth`` counts the brackets ``(`` and ``[`` open after it.
    """
    depth, quoted, escaped = 0, False, False
    for index, char in enumerate(text):
        if quoted:
            quoted, escaped = (escaped or char != '"'), (not escaped and char == "\\")
            continue
        quoted = char == '"'
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(char, 0)
        if not quoted:
            yield index, char, depth


def split_specs(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes, each part stripped, empty parts dropped.

    >>> split_specs("zeros, random_uniform(minval=-1, maxval=1),he_normal")
    ['zeros', 'random_uniform(minval=-1, maxval=1)', 'he_normal']
    """
    parts, start = [], 0
    for index, char, depth in _outside(text):
        if char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _balanced(text: str) -> bool:
    """Whether the parentheses of ``text`` (outside quotes) close in order, all of them."""
    depth = 0
    for _, char, _ in _outside(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parse_spec(text: str) -> tuple[str, dict[str, Any]]:
    """An initializer written ``NAME`` or ``NAME(KEY=VALUE, ...)``: its name and parameters.

    Each value is read by :func:`parse_value`; commas inside brackets belong to
    the value, as in ``truncated_normal(stddev=0.02)`` or
    ``orthogonal(gain=2)``.

    Raises
    ------
    ValueError
        For an unbalanced parenthesis, an empty name, a part without ``=``
        or a key given twice, naming the text.

    Examples
    --------
    >>> parse_spec("random_normal(stddev=1)")
    ('random_normal', {'stddev': 1})
    >>> parse_spec("variance_scaling(scale=2, mode=fan_out)")
    ('variance_scaling', {'scale': 2, 'mode': 'fan_out'})
    """
    stripped = text.strip()
    name, paren, rest = stripped.partition("(")
    name = name.strip()
    if not name or ")" in name or (paren and not (rest.endswith(")") and _balanced(rest[:-1]))):
        raise ValueError(f"expected NAME or NAME(KEY=VALUE, ...); got {shown(text)}")
    params: dict[str, Any] = {}
    for part in split_specs(rest[:-1]) if paren else []:
        key, equals, raw = part.partition("=")
        key = key.strip()
        if not (equals and key.isidentifier()):
            raise ValueError(
                f"expected KEY=VALUE inside the parentheses of {shown(text)}; got {shown(part)}"
            )
        if key in params:
            raise ValueError(f"{shown(text)} gives {key!r} twice")
        try:
            params[key] = parse_value(raw)
        except ValueError as error:
            raise ValueError(f"the value of {key} in {shown(text)} {error}") from None
    return name, params


def spec_label(name: str, params: dict[str, Any]) -> str:
    """The report's label of ``name`` with ``params`` bound: ``NAME(KEY=VALUE, ...)``, or ``NAME``.

    >>> spec_label("random_normal", {"stddev": 1, "mean": 0.5})
    'random_normal(stddev=1, mean=0.5)'
    """
    if not params:
        return name
    values = ", ".join(
        f"{key}={value if isinstance(value, str) else json.dumps(value)}"
        for key, value in params.items()
    )
    return f"{name}({values})"


def _weight_std(init: Any, width: int) -> float | None:
    """The std of the entries of ``init``'s (width, width) matrix, from its law; ``None`` if unknown."""
    if not isinstance(init, Initializer):
        return None
    try:
        law = init.distribution(shape=(width, width))
        value = math.sqrt(float(law.variance))
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return None
    return value if math.isfinite(value) else None


def describe_initializer(init: Any, *, width: int, activations: Sequence[str]) -> str:
    """One line on what a report row's initializer is: formula, parameters, origin, weight std.

    The parameters are every one of :meth:`~weightinit.Initializer.get_config`
    (so a library's defaults are visible as such, e.g. Keras' ``random_normal``
    has stddev 0.05, not 1), with ``activation`` left to each row when unbound
    (:func:`for_activation`); the weight std is that of the entries of a
    (width, width) matrix, from the initializer's exact law, per activation
    where it depends on it.

    Raises
    ------
    TypeError
        For ``init`` neither an initializer nor a callable, ``width`` not an
        int, or ``activations`` not a sequence of names.
    ValueError
        For ``width`` below 1.

    Examples
    --------
    >>> import weightinit as wi
    >>> describe_initializer(wi.get("random_normal"), width=256, activations=["relu"])
    'N(mean, stddev²), Keras RandomNormal defaults: mean=0, stddev=0.05; weight std 0.05'
    >>> describe_initializer(
    ...     wi.random_normal.partial(stddev=1), width=256, activations=["relu"]
    ... )
    'N(mean, stddev²), Keras RandomNormal: mean=0 (default), stddev=1; weight std 1'
    """
    width = check_int("width", width, minimum=1)
    if (
        isinstance(activations, str)
        or not isinstance(activations, Sequence)
        or not all(isinstance(a, str) for a in activations)
    ):
        raise TypeError(
            f"activations must be a sequence of activation names; "
            f"got {describe('activations', activations)}"
        )
    if not isinstance(init, Initializer):
        if not callable(init):
            raise TypeError(
                f"init must be a weightinit.Initializer or a callable; got {describe('init', init)}"
            )
        name = getattr(init, "__qualname__", None) or type(init).__qualname__
        return f"a callable, {name}; weight std not known in advance"
    info = init.info
    config = init.get_config()
    defaults = {param.name: param.default for param in init.params}
    changed = {key for key, value in config.items() if defaults.get(key, value) != value}
    free = [param.name for param in init.params if param.name not in config]
    origin = info.origin + (f" {info.keras_class}" if info.keras_class else "")
    if config and not changed:
        origin += " defaults"
    values = [
        f"{key}={_plain(value)}{' (default)' if changed and key not in changed else ''}"
        for key, value in config.items()
    ]
    values += ["activation=each row's" for name in free if name == "activation"]
    formula = info.formula
    if formula.startswith("Var") and info.distribution:  # which law has that variance
        formula += f", {info.distribution}"
    text = f"{formula}, {origin}" + (f": {', '.join(values)}" if values else "")
    stds = {act: _weight_std(for_activation(init, act), width) for act in activations}
    if not stds:
        return text
    if len(set(stds.values())) == 1:
        std = next(iter(stds.values()))
        return text + ("" if std is None else f"; weight std {std:.3g}")
    per = ", ".join(f"{'?' if v is None else f'{v:.3g}'} ({act})" for act, v in stds.items())
    return f"{text}; weight std {per}"


def _plain(value: Any) -> str:
    """A parameter's value as the report prints it: ``0`` for 0.0, a word as itself."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value)
