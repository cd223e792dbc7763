"""The table of names, filled where each initializer is defined.

Every name a lookup accepts is a :class:`Name` record: canonical names, Keras
class names, and the aliases each definition declares (its
:class:`~weightinit.Aliases`), plain and prefixed by their library
(``'jax.normal'``). The public interface is :mod:`weightinit.registry`.

Every operation is atomic: writers serialize on a lock and publish a new,
never-changed version of the table; readers use the version current when they
start, without locking.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._validation import did_you_mean, shown

if TYPE_CHECKING:
    from ._initializer import Initializer

__all__ = [
    "NAMESPACES",
    "Name",
    "add",
    "add_user",
    "available",
    "builtin",
    "canonical_of",
    "declared",
    "keras_snake_case",
    "lookup",
    "record",
    "remove_user",
    "suggest",
    "table",
    "target",
]


@dataclass(frozen=True)
class Aliases:
    """Other names of a scheme, by the library that uses them.

    A name is looked up as written (``'kaiming_normal_'``) and, always, with
    its library's prefix (``'torch.kaiming_normal_'``). Where two libraries
    use one name for different things, the plain name goes to the first of:
    a canonical name, Keras, PyTorch, JAX, Haiku, Flax; the others stay
    reachable through their prefix (``'jax.normal'``). Flax re-exports JAX's
    initializers, so every JAX name is a Flax name too (``'flax.normal'``);
    ``flax`` lists the names only Flax has (``'zeros_init'``). ``paper`` lists
    the names of a scheme no library ships under the spelling its paper uses
    (``'ZerO'``), declared with the scheme's origin and no prefix.
    """

    keras: tuple[str, ...] = ()
    torch: tuple[str, ...] = ()
    jax: tuple[str, ...] = ()
    haiku: tuple[str, ...] = ()
    flax: tuple[str, ...] = ()
    paper: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SchemeInfo:
    """What the docs table and the registry say of a scheme.

    ``origin`` is the library the scheme comes from; ``distribution``,
    ``scale``, ``mode``, ``formula`` and ``reference`` are its cells in
    docs/formulas.md. ``keras_class`` is the Keras class of the same meaning,
    if any; ``keras_args`` are the keys its Keras config takes besides
    ``seed`` (which every random Keras initializer takes); the scheme's
    parameter checks read the values with Keras' meaning.
    ``aliases`` are the scheme's other names.
    ``example`` gives a value to each parameter without default, so that
    tests and the golden samples can call every registered scheme.
    :attr:`layout`, the layout a call reads fans in when it gives none, is
    that of the scheme's library: ``'torch'`` for PyTorch's (out, in,
    …kernel…), ``'keras'`` for Keras', JAX's and Haiku's (…kernel…, in, out).
    ``axes`` says, for docs/names.md, what the scheme reads of the shape's
    axes (``'—'``: nothing, its values do not depend on fans), and
    ``differences`` every known way it differs from its library's function of
    the same name, with the reason (``'—'``: none beyond the random stream).
    """

    origin: str
    distribution: str
    scale: str = "—"
    mode: str = "—"
    formula: str
    reference: str = "—"
    keras_class: str | None = None
    keras_args: tuple[str, ...] = ()
    aliases: Aliases = Aliases()
    example: Mapping[str, Any] = field(default_factory=dict, compare=False)
    axes: str = "—"
    differences: str = "—"

    @property
    def layout(self) -> str:
        """The layout of the scheme's library: ``'torch'`` for PyTorch's, ``'keras'`` for every other."""
        return "torch" if self.origin == "PyTorch" else "keras"


#: Library → the prefix of its namespaced names.
NAMESPACES = {"Keras": "keras", "PyTorch": "torch", "JAX": "jax", "Haiku": "haiku", "Flax": "flax"}

# Which spelling gets a plain name two libraries use: lower ranks win.
_RANK = {"canonical": 0, "Keras": 1, "PyTorch": 2, "JAX": 3, "Haiku": 4, "Flax": 5}


@dataclass(frozen=True)
class Name:
    """One accepted name: what it resolves to and where it comes from.

    ``kind`` is ``'canonical'``, ``'Keras class'``, ``'alias'`` or
    ``'namespaced'``; ``origin`` is the library that uses the name
    (``'Keras'``, ``'PyTorch'``, ``'JAX'``, ``'Haiku'``, ``'Flax'``) or ``'user'``.
    """

    name: str
    canonical: str
    origin: str
    kind: str


@dataclass(frozen=True)
class _State:
    """One published version of the table; never changed once published.

    Readers take the current version once and use only it, so they need no
    lock and never see a registration half made; writers build the next
    version under ``_LOCK`` and publish it with one assignment.
    """

    targets: Mapping[str, Any]  # built-in canonical name -> its initializer
    user: Mapping[str, Any]  # the user's canonical name -> their initializer or callable
    names: Mapping[str, Name]  # every accepted name -> its record
    declared: tuple[Name, ...]  # every declaration of a built-in, shadowed ones included


_LOCK = threading.Lock()
_STATE = _State(targets={}, user={}, names={}, declared=())


def keras_snake_case(name: str) -> str:
    """Keras' ``to_snake_case``: ``'GlorotUniform'`` -> ``'glorot_uniform'``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _rank(entry: Name) -> int:
    return _RANK["canonical"] if entry.kind == "canonical" else _RANK.get(entry.origin, 0)


def _insert(names: dict[str, Name], entry: Name) -> None:
    """Record a plain name, resolving clashes between libraries by rank."""
    existing = names.get(entry.name)
    if existing is None or existing.canonical == entry.canonical:
        if existing is None or _rank(entry) < _rank(existing):
            names[entry.name] = entry
        return
    if _rank(entry) == _rank(existing):
        raise ValueError(
            f"the name {entry.name!r} is declared for both {existing.canonical!r} and "
            f"{entry.canonical!r} by {entry.origin}."
        )
    if _rank(entry) < _rank(existing):
        names[entry.name] = entry


def _declare(
    names: dict[str, Name], declared: list[Name], name: str, canonical: str, origin: str, kind: str
) -> None:
    entry = Name(name, canonical, origin, kind)
    declared.append(entry)
    _insert(names, entry)
    if kind != "canonical" and origin in NAMESPACES:
        spaced = f"{NAMESPACES[origin]}.{name}"
        names[spaced] = Name(spaced, canonical, origin, "namespaced")


def add(init: Initializer) -> None:
    """Record a newly defined built-in initializer under every name it declares."""
    global _STATE
    name, info = init.name, init.info
    with _LOCK:
        state = _STATE
        if name in state.targets or name in state.user:
            raise ValueError(f"an initializer named {name!r} is already registered.")
        names, declared = dict(state.names), list(state.declared)
        _declare(names, declared, name, name, info.origin, "canonical")
        if info.keras_class is not None:
            _declare(names, declared, info.keras_class, name, "Keras", "Keras class")
            _declare(names, declared, keras_snake_case(info.keras_class), name, "Keras", "alias")
        for origin, aliases in (
            ("Keras", info.aliases.keras),
            ("PyTorch", info.aliases.torch),
            ("JAX", info.aliases.jax),
            ("Haiku", info.aliases.haiku),
            ("Flax", (*info.aliases.jax, *info.aliases.flax)),  # Flax re-exports JAX's
            (info.origin, info.aliases.paper),
        ):
            for alias in aliases:
                _declare(names, declared, alias, name, origin, "alias")
        _STATE = _State({**state.targets, name: init}, state.user, names, tuple(declared))


def add_user(name: str, target: Any, aliases: tuple[str, ...], overwrite: bool) -> None:
    """Record a user's initializer, atomically.

    A built-in name (canonical, Keras class or alias) is never replaced,
    whatever ``overwrite`` says: configs naming it keep their meaning. A name
    the user registered earlier is an error unless ``overwrite``, which then
    removes that earlier registration with all its names.
    """
    global _STATE
    with _LOCK:
        state = _STATE
        for each in (name, *aliases):
            existing = state.names.get(each)
            if existing is None:
                continue
            if existing.origin != "user":
                raise ValueError(
                    f"{shown(each)} is a built-in name (of {shown(existing.canonical)}), which can never "
                    "be replaced; choose another name."
                )
            if not overwrite:
                raise ValueError(
                    f"{shown(each)} is already registered (for {shown(existing.canonical)}); pass "
                    "overwrite=True to replace it."
                )
        names, user = dict(state.names), dict(state.user)
        for each in (name, *aliases):
            existing = names.get(each)
            if existing is not None:  # the user's: built-in names were refused above
                _forget(names, user, existing.canonical)
        user[name] = target
        names[name] = Name(name, name, "user", "canonical")
        for alias in aliases:
            names[alias] = Name(alias, name, "user", "alias")
        _STATE = _State(state.targets, user, names, state.declared)


def _forget(names: dict[str, Name], user: dict[str, Any], name: str) -> None:
    del user[name]
    for key in [key for key, entry in names.items() if entry.canonical == name]:
        del names[key]


def remove_user(name: str) -> None:
    """Forget a user's initializer and its aliases, atomically."""
    global _STATE
    with _LOCK:
        state = _STATE
        if name not in state.user:
            raise ValueError(
                f"{shown(name)} is not a name registered by the user; got name={shown(name)}."
            )
        names, user = dict(state.names), dict(state.user)
        _forget(names, user, name)
        _STATE = _State(state.targets, user, names, state.declared)


def target(name: str) -> Any:
    """The object registered under a canonical name, or ``None``."""
    state = _STATE
    return state.targets[name] if name in state.targets else state.user.get(name)


def record(name: str) -> Name | None:
    """The record of an accepted name, or ``None``."""
    return _STATE.names.get(name)


def lookup(name: str) -> Any:
    """The initializer a name resolves to (exact, case-sensitive match)."""
    state = _STATE
    entry = state.names.get(name)
    if entry is None:
        raise ValueError(
            f"unknown initializer name {shown(name)}{_suggest(state, name)}; "
            "weightinit.available() lists the canonical names and docs/names.md every name."
        )
    return state.user[entry.canonical] if entry.origin == "user" else state.targets[entry.canonical]


def suggest(name: str, among: list[str] | None = None) -> str:
    """A ``"; did you mean ..."`` clause naming the closest accepted names."""
    return _suggest(_STATE, name, among)


def _suggest(state: _State, name: str, among: list[str] | None = None) -> str:
    if among is None:  # prefixed names only for a prefixed query: no near-duplicates
        among = [key for key in state.names if ("." in key) == ("." in name)]
    return did_you_mean(name, among)


def canonical_of(target: Any) -> str | None:
    """The canonical name a callable is registered under (by identity), or ``None``."""
    state = _STATE
    for name, registered in (*state.user.items(), *state.targets.items()):
        if registered is target:
            return name
    return None


def builtin(name: str) -> bool:
    """Whether a canonical name is one the library defines."""
    return name in _STATE.targets


def declared() -> list[Name]:
    """Every name the library's definitions declare, in definition order."""
    return list(_STATE.declared)


def available() -> list[str]:
    """Sorted canonical names of every registered initializer, the user's included."""
    state = _STATE
    return sorted(set(state.targets) | set(state.user))


def table() -> dict[str, Name]:
    """Every accepted name and its record, sorted by name."""
    return dict(sorted(_STATE.names.items()))
