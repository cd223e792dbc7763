"""Whole models: a parameter tree initialized by rules (`init_params`), each parameter seeded by its path.

A model's parameters are a nested dict / list / tuple whose leaves are shapes
(tuples of ints) or existing arrays. Each leaf is named by its path, the keys
and indices from the root joined by ``"."`` (``"blocks.3.attn.qkv"``), and
gets its initializer from the first rule whose glob pattern matches that
path. Its values are drawn from :func:`param_seed` of the root seed and the
path alone, so they are the same whatever the order of the tree, whichever
other parameters exist, and in whichever process or shard they are made.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._engine import call_seed
from ._initializer import Initializer
from ._validation import check_dtype, check_shape, describe, shown
from .packed import Packed
from .registry import get

__all__ = ["ParamSpec", "ZeroRow", "init_params", "leaves", "param_seed"]

#: The spawn-key word that marks a path's seed (ASCII "path"), before the path's hash.
_PATH_TAG = 0x70617468


def param_seed(rng: Any, path: str) -> np.random.SeedSequence:
    r"""The seed of the parameter at ``path`` under the root seed ``rng``.

    ``SeedSequence(root.entropy, spawn_key=(*root.spawn_key, TAG, h0, h1, h2,
    h3))`` with ``h`` the first 128 bits of the SHA-256 of the path's UTF-8
    bytes (a stable hash, never Python's salted ``hash``). One process or
    shard can so regenerate exactly one parameter, or a region of it
    (``init(shape, region=..., rng=param_seed(root, path))``), on its own.

    Parameters
    ----------
    rng : {None, int, numpy.random.SeedSequence, numpy.random.Generator}
        The root seed, read as a call's ``rng`` is: an int or a
        ``SeedSequence`` as it is; a ``Generator`` gives 128 bits drawn once
        (it advances, so pass :func:`init_params` the Generator, or a root
        drawn from it once, to seed a whole tree); ``None`` fresh entropy.
    path : str
        The parameter's path, e.g. ``"blocks.3.attn.qkv"``.

    Examples
    --------
    >>> import weightinit as wi
    >>> tree = wi.init_params({"w": (3, 2)}, {"w": "he_normal"}, rng=7)
    >>> bool((tree["w"] == wi.he_normal((3, 2), rng=wi.param_seed(7, "w"))).all())
    True
    """
    if not isinstance(path, str):
        raise TypeError(f"path must be a str; got {describe('path', path)}.")
    root = call_seed(rng)
    digest = hashlib.sha256(path.encode("utf-8")).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, _PATH_TAG, *words))


class ParamSpec(NamedTuple):
    """A parameter given with its own initializer: a tree leaf ``(shape, init)``.

    What the layer defaults (``wi.layers.<framework>.<layer>(..., spec=True)``)
    return for each parameter. A rule whose pattern matches the leaf's path
    overrides ``init``; a plain tuple ``(shape, init)`` with ``init`` a name,
    an :class:`Initializer` or a callable is read the same way.
    """

    shape: tuple[int, ...]
    init: Any


@dataclass(frozen=True)
class ZeroRow:
    """An initializer's values with one row set to zero: ``nn.Embedding(padding_idx=...)``.

    ``init(shape, rng=rng, dtype=dtype)`` with row ``index`` (of axis 0;
    negative counts from the end, as PyTorch's ``padding_idx``) then set to
    0, as Hugging Face's ``_init_weights`` zeroes an embedding's padding row
    after drawing it. Every other element has the law of ``init``
    (``self.init.distribution(shape=...)``); the whole array's moments are
    not declared (the row of zeros is not that law).

    Examples
    --------
    >>> import weightinit as wi
    >>> init = ZeroRow(wi.torch_normal.partial(std=0.02), 0)
    >>> W = init((5, 3), rng=1)
    >>> bool((W[0] == 0).all()), bool((W[1:] == wi.torch_normal((5, 3), std=0.02, rng=1)[1:]).all())
    (True, True)
    """

    init: Initializer
    index: int

    def check(self, shape: Any, dtype: Any = None) -> tuple[int, ...]:
        """Every check a call makes before it draws: the row within ``shape``, ``init``'s law for it."""
        dims = check_shape(shape)
        rows = dims[0] if dims else 0
        if not -rows <= self.index < rows:
            raise ValueError(
                f"padding_idx must be within the embedding's {rows} rows (-{rows} <= padding_idx "
                f"< {rows}); got padding_idx={self.index!r} for shape={shown(dims)}."
            )
        self.init.distribution(shape=dims)
        if dtype is not None:
            check_dtype(dtype, random=self.init.random, name=self.init.name)
        return dims

    def __call__(self, shape: Any, *, rng: Any = None, dtype: Any = None) -> np.ndarray[Any, Any]:
        """Draw ``init``'s array for ``shape`` and zero its row ``index``."""
        dims = self.check(shape, dtype)
        values: np.ndarray[Any, Any] = self.init(dims, rng=rng, dtype=dtype)
        values[self.index] = 0
        return values


@dataclass(frozen=True)
class _Leaf:
    """One parameter: its path, its shape or array, and the initializer its rule gives."""

    path: str
    shape: tuple[int, ...]
    out: np.ndarray[Any, Any] | None
    init: Any


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)) for d in value
    )


def _is_spec(value: Any) -> bool:
    """Whether ``value`` is a leaf with its own initializer: a ParamSpec or ``(shape, init)``."""
    if isinstance(value, ParamSpec):
        return True
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and _is_shape(value[0])
        and (isinstance(value[1], (str, Initializer)) or callable(value[1]))
    )


def _is_leaf(value: Any) -> bool:
    return isinstance(value, np.ndarray) or _is_shape(value) or _is_spec(value)


def leaves(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, leaf) of every shape, array or spec in ``tree``, in its order: the paths rules match."""
    if _is_leaf(tree):
        yield path, tree
    elif isinstance(tree, Mapping):
        for key, value in tree.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"the keys of a parameter tree must be strs; got {describe('key', key)} "
                    f"at {shown(path or '<root>')}."
                )
            yield from leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from leaves(value, f"{path}.{index}" if path else str(index))
    else:
        raise TypeError(
            "a parameter tree's leaves must be shapes (tuples of ints), numpy arrays or "
            f"(shape, initializer) specs, in dicts, lists and tuples; got {describe('leaf', tree)} at {shown(path or '<root>')}."
        )


def _rules(rules: Any) -> list[tuple[str, Any]]:
    pairs = list(rules.items()) if isinstance(rules, Mapping) else rules
    if not isinstance(pairs, Sequence) or isinstance(pairs, (str, bytes)):
        raise TypeError(
            f"rules must be a mapping or a list of (pattern, initializer) pairs; got "
            f"{describe('rules', rules)}."
        )
    result = []
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise TypeError(
                f"each rule must be a (pattern, initializer) pair with a str pattern; got "
                f"{describe('rule', pair)}."
            )
        pattern, identifier = pair
        try:
            result.append((pattern, get(identifier)))
        except (TypeError, ValueError) as error:
            raise type(error)(f"the rule {shown(pattern)}: {error}") from None
    return result


def _resolve(tree: Any, rules: list[tuple[str, Any]], default: Any) -> list[_Leaf]:
    """Every leaf with its initializer; every unmatched path refused at once."""
    found, unmatched = [], []
    for path, leaf in leaves(tree):
        own = None
        if _is_spec(leaf):
            leaf, own = tuple(int(d) for d in leaf[0]), leaf[1]
        init = next((i for pattern, i in rules if fnmatch.fnmatchcase(path, pattern)), None)
        if init is None and own is not None:
            try:
                init = get(own)
            except (TypeError, ValueError) as error:
                raise type(error)(f"the parameter {shown(path)}: {error}") from None
        init = default if init is None else init
        if init is None:
            unmatched.append(path)
            continue
        if isinstance(leaf, np.ndarray):
            if not leaf.flags.writeable:
                raise ValueError(
                    f"the array at {shown(path)} must be writeable; got a read-only one."
                )
            found.append(_Leaf(path, leaf.shape, leaf, init))
        else:
            found.append(_Leaf(path, tuple(int(d) for d in leaf), None, init))
    if unmatched:
        raise ValueError(
            f"no rule matches {len(unmatched)} parameter(s): {', '.join(unmatched)}; add a rule "
            "for each, or pass default=."
        )
    return found


def _binds_dtype(init: Any) -> bool:
    """Whether ``init`` — or the initializer a wrapper draws with (``Packed``, ``ZeroRow``, a layer's ``Flattened``, its ``.init``) — binds its own dtype."""
    own = init if isinstance(init, Initializer) else getattr(init, "init", init)
    return isinstance(own, Initializer) and "dtype" in own._options


def _check(leaf: _Leaf, dtype: Any) -> None:
    """What can be checked of a leaf before anything is drawn: its law for its shape, its dtype."""
    init = leaf.init
    try:
        if not isinstance(init, Initializer) and callable(getattr(init, "check", None)):
            own = None if _binds_dtype(init) else dtype
            init.check(leaf.shape, leaf.out.dtype if leaf.out is not None else own)
            return
        if not isinstance(init, Initializer):
            return
        init.distribution(shape=leaf.shape)
        if dtype is not None and leaf.out is None and "dtype" not in init._options:
            check_dtype(dtype, random=init.random, name=init.name)
    except (TypeError, ValueError) as error:
        raise type(error)(f"the parameter {shown(leaf.path)}: {error}") from None


def _draw(leaf: _Leaf, root: np.random.SeedSequence, dtype: Any) -> Any:
    init: Callable[..., Any] = leaf.init
    seed = param_seed(root, leaf.path)
    options: dict[str, Any] = {"rng": seed}
    if dtype is not None and leaf.out is None and not _binds_dtype(init):
        options["dtype"] = dtype
    try:
        if leaf.out is not None and isinstance(init, (Initializer, Packed)):
            return init(out=leaf.out, **options)
        values = init(leaf.shape, **options)
        if leaf.out is None:
            return values
        np.copyto(leaf.out, values)
        return leaf.out
    except (TypeError, ValueError) as error:
        raise type(error)(f"the parameter {shown(leaf.path)}: {error}") from None


def _rebuild(tree: Any, values: Iterator[Any]) -> Any:
    if _is_leaf(tree):
        return next(values)
    if isinstance(tree, Mapping):
        return {key: _rebuild(value, values) for key, value in tree.items()}
    rebuilt = [_rebuild(value, values) for value in tree]
    return rebuilt if isinstance(tree, list) else tuple(rebuilt)


def init_params(
    tree: Any, rules: Any, *, rng: Any = None, dtype: Any = None, default: Any = None
) -> Any:
    """Initialize every parameter of a tree, each by the first rule whose pattern matches its path.

    Parameters
    ----------
    tree : dict, list or tuple
        Nested dicts (str keys), lists and tuples whose leaves are shapes
        (tuples of ints), writeable arrays or specs; an array is filled in
        place and returned as it is. A spec, a :class:`ParamSpec` or a pair
        ``(shape, init)`` (``init`` a name, an :class:`Initializer` or a
        callable), is a shape with its own initializer, used when no rule
        matches its path (what ``wi.layers`` returns with ``spec=True``).
    rules : mapping or list of (str, initializer) pairs
        Ordered glob patterns (``fnmatch``, case-sensitive, on the path: keys
        and indices joined by ``"."``) to initializers: a name, a Keras dict,
        an :class:`Initializer` (with its bound parameters) or a callable
        ``f(shape, *, rng, dtype=...)``. The first matching pattern wins. A
        callable that wraps an initializer (``packed``, ``ZeroRow``, Flax's
        ``Flattened``, Keras' ``ForgetBias``) says so with two attributes:
        ``check(shape, dtype)``, run for every leaf before anything is drawn,
        and ``init``, the initializer it draws with (whose own bound dtype it
        keeps).
    rng : {None, int, numpy.random.SeedSequence, numpy.random.Generator}, optional
        The root seed: each parameter is drawn with ``param_seed(root,
        path)``, so its values depend on the root, its path, its initializer
        and parameters, shape and dtype only. A Generator gives one root (it
        advances once).
    dtype : data-type, optional
        The dtype of every parameter made from a shape (random or constant,
        so a float32 model's biases are float32 too), unless its rule binds
        its own; an array keeps its dtype.
    default : initializer, optional
        For the parameters no rule matches. Without it, an unmatched
        parameter is an error.

    Returns
    -------
    The tree's structure, with arrays as leaves.

    Raises
    ------
    ValueError
        Listing every path no rule matches (when ``default`` is None); or,
        naming the path, for an initializer that cannot take its leaf's
        shape. Both before anything is drawn or written.
    TypeError
        For a leaf that is neither a shape nor an array, a non-str key, or a
        rule that is not a (pattern, initializer) pair.

    Examples
    --------
    >>> import weightinit as wi
    >>> model = {"dense": {"kernel": (784, 256), "bias": (256,)}, "out": {"kernel": (256, 10)}}
    >>> params = wi.init_params(model, {"*.kernel": "glorot_uniform", "*.bias": "zeros"}, rng=0)
    >>> params["dense"]["kernel"].shape, float(params["dense"]["bias"].sum())
    ((784, 256), 0.0)
    """
    resolved_rules = _rules(rules)
    fallback = None if default is None else get(default)
    resolved = _resolve(tree, resolved_rules, fallback)
    for leaf in resolved:
        _check(leaf, dtype)
    root = call_seed(rng)
    return _rebuild(tree, iter([_draw(leaf, root, dtype) for leaf in resolved]))
