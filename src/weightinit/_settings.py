"""An initializer's settings: its parameters, the values bound to them and to call options.

:class:`Settings` is what ``partial``, ``get_config`` and ``from_config`` of
an :class:`~weightinit.Initializer` work on: the scheme's :class:`Param`
list, the values ``partial`` bound to them, and the bound call options
(``dtype``, ``rng``, ``layout`` and the axis options of
:data:`~weightinit.fans.AXIS_OPTIONS`), each checked when bound.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from ._validation import check_dtype, check_option, check_rng, describe, shown
from .fans import AXIS_OPTIONS, LAYOUTS, check_axes

_S = TypeVar("_S", bound="Settings")

__all__ = ["OPTIONS", "REQUIRED", "Param", "Settings", "plain"]

#: Marks a parameter that has no default and must be given.
REQUIRED: Any = inspect.Parameter.empty
#: The call options ``partial`` may bind.
OPTIONS = ("dtype", "rng", "layout", *AXIS_OPTIONS)


@dataclass(frozen=True)
class Param:
    """A scheme parameter: its name, default and the check that normalises it.

    ``check(name, value)`` returns the normalised value or raises
    ``TypeError``/``ValueError`` naming the parameter.
    """

    name: str
    default: Any
    check: Callable[[str, Any], Any]


def plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    return value


class Settings(ABC):
    """A scheme's parameters with their bound values, and the bound call options."""

    def __init__(
        self,
        name: str,
        params: tuple[Param, ...],
        random: bool,
        bound: Mapping[str, Any] | None,
        options: Mapping[str, Any] | None,
        layout: str = "keras",
    ) -> None:
        self.name = name
        self._default_layout = layout
        self.params = params
        self.random = random
        self._bound = dict(bound or {})
        self._options = dict(options or {})

    @property
    def layout(self) -> str:
        """The layout a call reads fans in when it gives none: the bound one, else its library's."""
        bound: str = self._options.get("layout", self._default_layout)
        return bound

    def defaults(self) -> dict[str, Any]:
        """The parameter values a call uses when it passes none: bound, else default."""
        values = {p.name: p.default for p in self.params if p.default is not REQUIRED}
        values.update(self._bound)
        return values

    def _resolve(self, given: Mapping[str, Any], *, complete: bool = True) -> dict[str, Any]:
        """Check ``given`` over the bound values; ``complete`` requires every parameter."""
        known = {p.name: p for p in self.params}
        for key in given:
            if key == "seed" and key not in known:
                raise TypeError(
                    f"{self.name}() got seed={shown(given[key])}: a call takes its seed as rng= "
                    f"(rng={shown(given[key])}); Keras' seed, which gives the same values on "
                    "every call, is bound with partial(seed=...) or get(name, seed=...) on a "
                    "Keras-named initializer."
                )
            if key not in known:
                accepted = ", ".join(known) if known else "none"
                raise TypeError(
                    f"{self.name}() got an unexpected keyword argument {shown(key)}; "
                    f"its parameters are: {accepted}."
                )
        values = self.defaults()
        values.update(given)
        for p in self.params:
            if p.name not in values and complete:
                raise TypeError(
                    f"{self.name}() needs the parameter {p.name!r}, which has no default."
                )
        checked = {p.name: p.check(p.name, values[p.name]) for p in self.params if p.name in values}
        return checked

    def _geometry_args(self, layout: Any, axes: Mapping[str, Any]) -> dict[str, Any]:
        """The call's layout and axis options, each the call's, else the bound one, else the default."""
        options = self._options
        result = {"layout": self.layout if layout is None else layout}
        for key in AXIS_OPTIONS:
            given = axes.get(key)
            result[key] = options.get(key) if given is None else given
        return result

    def partial(self: _S, **kwargs: Any) -> _S:
        """A copy with parameters (and call options) fixed to new defaults.

        Parameters are checked now, so a typo fails here rather than at the
        first call; a parameter without default may be left for the call.
        Call options ``dtype``, ``rng``, ``layout`` and the axis options
        (``in_axis``, ``out_axis``, ``batch_axis``, ``input_axes``,
        ``output_axes``, ``fan_in_axes``) may be bound too, and are checked
        now with the checks of a call (axes as far as they can be without a
        shape: ints); a bound int ``rng`` makes every call return the same
        array.
        """
        options = {key: kwargs.pop(key) for key in OPTIONS if key in kwargs}
        if "layout" in options:
            check_option("layout", options["layout"], LAYOUTS)
        if "dtype" in options:
            check_dtype(options["dtype"], random=self.random, name=self.name)
        if "rng" in options:
            check_rng(options["rng"])
        for key in AXIS_OPTIONS:
            if options.get(key) is not None:
                check_axes(key, options[key])
                if isinstance(options[key], list):  # bound as a value, not as the caller's list
                    options[key] = tuple(options[key])
        checked = self._resolve(kwargs, complete=False)
        # A value is bound as its check reads it: Keras' VarianceScaling binds
        # distribution='Normal' as 'truncated_normal', and its config says so.
        bound = {
            key: checked[key] if isinstance(checked[key], str) else value
            for key, value in kwargs.items()
        }
        return self._copy(bound={**self._bound, **bound}, options={**self._options, **options})

    @abstractmethod
    def _copy(self: _S, **changes: Any) -> _S:
        """A copy with ``bound`` and ``options`` replaced (the subclass builds it)."""

    def _settings(self) -> dict[str, Any]:
        config = {key: plain(value) for key, value in self.defaults().items()}
        config.update({key: plain(value) for key, value in self._options.items()})
        return config

    def get_config(self) -> dict[str, Any]:
        """Every parameter's value (bound or default) and every bound call option, as plain data.

        Arrays become nested lists, dtypes their names, axes lists; a bound
        int ``rng`` is written as it is. :meth:`from_config` reads it back.
        Floats are written as they are, ``inf`` and ``nan`` included: for
        strict JSON, use :func:`weightinit.serialize`.

        Raises
        ------
        ValueError
            If ``rng`` is bound to a generator or seed sequence, which no
            config can hold (bind an int seed instead).

        Examples
        --------
        >>> import weightinit as wi
        >>> wi.variance_scaling.partial(scale=2.0, rng=7).get_config()
        {'scale': 2.0, 'mode': 'fan_in', 'distribution': 'truncated_normal', 'rng': 7}
        """
        rng = self._options.get("rng")
        if rng is not None and not isinstance(rng, (int, np.integer)):
            raise ValueError(
                f"{self.name} has rng bound to a {type(rng).__name__}, which a config cannot "
                "hold; bind an int seed (partial(rng=<int>)) to serialize it."
            )
        return self._settings()

    def from_config(self: _S, config: Mapping[str, Any]) -> _S:
        """This initializer with the parameters and call options of ``config`` bound.

        The inverse of :meth:`get_config`: ``init.from_config(init.get_config())``
        equals ``init``. Lists given for axis options become tuples.

        Raises
        ------
        TypeError
            If ``config`` is not a dict with string keys.
        ValueError
            For a key that is neither a parameter nor a call option; the
            message lists the accepted keys.
        """
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a dict; got {describe('config', config)}.")
        accepted = [p.name for p in self.params] + list(OPTIONS)
        values = dict(config)
        for key in values:
            if key not in accepted:
                raise ValueError(
                    f"unknown config key {shown(key)} for {self.name}; accepted keys: "
                    f"{', '.join(accepted)}."
                )
        for key in AXIS_OPTIONS:
            if isinstance(values.get(key), list):
                values[key] = tuple(values[key])
        return self.partial(**values)

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{key}={value!r}" for key, value in {**self._bound, **self._options}.items()
        )
        return f"<{type(self).__name__} {self.name}{'(' + settings + ')' if settings else ''}>"
