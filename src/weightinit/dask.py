"""Dask arrays of initializers: every chunk computed on its own, equal to the in-memory array.

Every element of an elementwise scheme is a pure function of (seed, law,
shape, dtype, position), and ``region=`` computes any block of the array on
its own (docs/usage.md). :func:`array` makes each chunk of a
``dask.array.Array`` one task ``init(shape, region=<the chunk>, rng=seed)``,
so ``array(init, shape, rng=seed).compute()`` is, bit for bit,
``init(shape, rng=seed)`` whatever the chunks, the workers or the
processes; :func:`init_params` does the same for a model's parameter tree.
A task holds the initializer's config, the shape, the region and the seed:
never an array. Writing a table larger than memory is Dask's own
``to_zarr`` (docs/scale.md). Needs the ``dask`` extra
(``pip install 'weightinit[dask]'``); ``import weightinit`` never imports it.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    import dask.array as da
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph
except ImportError as error:  # pragma: no cover - exercised where dask is absent
    raise ImportError(
        "weightinit.dask needs Dask: pip install 'weightinit[dask]' "
        "(dask[array], distributed, zarr)."
    ) from error

from ._engine import call_seed
from ._initializer import Initializer
from ._validation import _is_int, check_dtype, check_shape, describe, shown
from .models import _binds_dtype, _check, _Leaf, _rebuild, _resolve, _rules, param_seed
from .packed import Packed
from .registry import get

__all__ = ["WHOLE_LIMIT", "array", "init_params"]

#: Bytes of the largest array a scheme that cannot compute a region on its own
#: (``orthogonal``, ``identity``, ``sparse``, ...) may make: it is computed
#: whole in one task, on one worker, and sliced into the chunks.
WHOLE_LIMIT = 1 << 31


def _seed(rng: Any) -> int | np.random.SeedSequence:
    """``rng`` once checked to be a seed every chunk reads alike: an int >= 0 or a SeedSequence."""
    if isinstance(rng, np.random.SeedSequence) or _is_int(rng):
        call_seed(rng)  # refuses a negative int as a call would
        return int(rng) if _is_int(rng) else rng
    raise TypeError(
        "rng must be an int or a numpy.random.SeedSequence, the seed every chunk is drawn "
        "from (a Generator or None would give each chunk other numbers); got "
        f"{describe('rng', rng)}."
    )


def _region_task(
    init: Any, shape: tuple[int, ...], region: tuple[slice, ...], rng: Any, dtype: np.dtype[Any]
) -> np.ndarray[Any, Any]:
    """One chunk: ``init(shape, region=region, rng=rng, dtype=dtype)``."""
    result: np.ndarray[Any, Any] = init(shape, rng=rng, dtype=dtype, region=region)
    return result


def _whole_task(
    init: Any,
    shape: tuple[int, ...],
    rng: Any,
    options: dict[str, Any],
    dtype: np.dtype[Any],
    cast: bool,
) -> np.ndarray[Any, Any]:
    """The whole array of a scheme that computes no region on its own, checked against what was declared."""
    values = np.asarray(init(shape, rng=rng, **options))
    if cast:  # an existing array's leaf, filled as init_params fills it (np.copyto)
        target = np.empty(shape, dtype=dtype)
        np.copyto(target, values)
        return target
    if values.shape != shape or values.dtype != dtype:
        raise ValueError(
            f"the initializer {shown(init)} returned shape={shown(values.shape)}, "
            f"dtype={values.dtype}; the Dask array was declared shape={shown(shape)}, "
            f"dtype={dtype}: pass dtype= to declare what it returns."
        )
    return values


def _graph(
    shape: tuple[int, ...],
    chunks: Any,
    dtype: np.dtype[Any],
    token: Any,
    chunk_task: Callable[[tuple[slice, ...]], tuple[Any, ...]] | None,
    whole_task: tuple[Any, ...] | None,
) -> da.Array:
    """The Dask array of ``shape``: a task per chunk, or one whole task sliced into the chunks."""
    normalized = da.core.normalize_chunks(chunks, shape, dtype=dtype)  # type: ignore[no-untyped-call, unused-ignore]
    name = f"weightinit-{tokenize(token, normalized)}"
    starts = [list(itertools.accumulate(sizes, initial=0)) for sizes in normalized]
    graph: dict[Any, Any] = {}
    whole_key = (f"{name}-whole",)
    if whole_task is not None:
        graph[whole_key] = whole_task
    for index in itertools.product(*(range(len(sizes)) for sizes in normalized)):
        region = tuple(slice(starts[axis][i], starts[axis][i + 1]) for axis, i in enumerate(index))
        key = (name, *index)
        if chunk_task is not None:
            graph[key] = chunk_task(region)
        else:
            graph[key] = (operator.getitem, whole_key, (*region, Ellipsis))  # 0-d: an array too
    layers = HighLevelGraph.from_collections(name, graph, dependencies=())
    return da.Array(layers, name, normalized, dtype=dtype)  # type: ignore[no-untyped-call, unused-ignore]


def _regional(init: Any, shape: tuple[int, ...]) -> bool:
    """Whether ``init`` computes a region of ``shape`` without computing the whole (its law is windowed)."""
    own = init.init if isinstance(init, Packed) else init
    if not isinstance(own, Initializer) or not shape:
        return False
    if not math.prod(shape):
        return True  # nothing to compute; the call's own checks run on the empty region
    try:
        return bool(own.distribution(shape=shape).windowed)
    except (TypeError, ValueError):  # a packed part's shape differs: its own check speaks
        return False


def _whole_limit(shape: tuple[int, ...], dtype: np.dtype[Any], init: Any) -> None:
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > WHOLE_LIMIT:
        raise ValueError(
            f"{shown(init)} computes its array whole, in one task: shape={shown(shape)} in "
            f"{dtype} is {nbytes} bytes, above weightinit.dask.WHOLE_LIMIT={WHOLE_LIMIT}; "
            "use an elementwise scheme for a table this large."
        )


def _declared_dtype(init: Any, shape: tuple[int, ...], rng: Any, dtype: Any) -> np.dtype[Any]:
    """The dtype ``init(shape, rng=rng, dtype=dtype)`` returns, every check made, nothing drawn."""
    if isinstance(init, Packed) or (isinstance(init, Initializer) and _regional(init, shape)):
        empty = init(shape, rng=rng, dtype=dtype, region=(slice(0, 0),))
        return np.dtype(empty.dtype)
    own = init if isinstance(init, Initializer) else getattr(init, "init", None)
    if not isinstance(own, Initializer):
        return check_dtype(dtype, random=False, name=shown(init))
    law = own.distribution(shape=shape)
    given = own._options.get("dtype") if dtype is None else dtype
    resolved = check_dtype(given, random=own.random, name=own.name)
    law.check_drawable(resolved, own.name)
    return resolved


def array(
    init: Any,
    shape: Any,
    *,
    chunks: Any = "auto",
    rng: Any,
    dtype: Any = None,
    **params: Any,
) -> da.Array:
    """A ``dask.array.Array`` equal, bit for bit, to ``init(shape, rng=rng, dtype=dtype, **params)``.

    Each chunk is one task, ``init(shape, region=<chunk>, rng=rng,
    dtype=dtype)`` (docs/usage.md, "Regions"): it draws only the blocks
    holding the chunk's elements, on whichever worker runs it, and holds
    in its pickle the initializer's config, the shape, the region and the
    seed. A scheme that cannot compute a region on its own (``orthogonal``,
    ``identity``, ``sparse``, ...) is one task computing the whole array,
    sliced into the chunks; above :data:`WHOLE_LIMIT` bytes it is refused.

    Parameters
    ----------
    init : str, Initializer or packed initializer
        The scheme, as :func:`weightinit.get` resolves it.
    shape : int or tuple of int
        The full array's shape.
    chunks : optional
        Dask's ``chunks`` (``"auto"``, an int, a tuple per axis, ``-1`` for
        a whole axis), read by ``dask.array.core.normalize_chunks``. Cut the
        leading axis when you can: a chunk of a trailing axis draws every
        block its rows touch.
    rng : int or numpy.random.SeedSequence
        The seed every chunk reads. A Generator or None is refused (each
        chunk would take other numbers from it).
    dtype : data-type, optional
        As for a call: the initializer's own by default.
    **params
        The scheme's parameters, bound as ``init.partial(**params)``.

    Raises
    ------
    TypeError
        For an ``rng`` that is not an int or a SeedSequence.
    ValueError
        For what the call itself would refuse (shape, dtype, parameters),
        before any task is made.

    Examples
    --------
    >>> import numpy as np
    >>> import weightinit as wi
    >>> from weightinit import dask as wid
    >>> table = wid.array("random_normal", (1000, 16), chunks=(300, 8), rng=7, stddev=0.02)
    >>> table.chunks
    ((300, 300, 300, 100), (8, 8))
    >>> whole = wi.random_normal((1000, 16), rng=7, stddev=0.02)
    >>> bool((table.compute() == whole).all())
    True
    """
    resolved = get(init)
    if params:
        if not isinstance(resolved, Initializer):
            raise TypeError(
                f"parameters can only be bound to an Initializer; got {describe('init', init)} "
                f"with {', '.join(sorted(params))}."
            )
        resolved = resolved.partial(**params)
    if not isinstance(resolved, (Initializer, Packed)):
        raise TypeError(
            f"init must name an Initializer or be one (or a packed one); got {describe('init', init)}."
        )
    dims = check_shape(shape)
    seed = _seed(rng)
    kind = _declared_dtype(resolved, dims, seed, dtype)
    return _leaf_array(resolved, dims, chunks, seed, kind, {"dtype": kind}, cast=False)


def _leaf_array(
    init: Any,
    shape: tuple[int, ...],
    chunks: Any,
    rng: Any,
    dtype: np.dtype[Any],
    options: dict[str, Any],
    *,
    cast: bool,
) -> da.Array:
    """The Dask array of one checked initializer call: by regions, or whole and sliced."""
    token = (init, shape, rng, dtype.str, sorted(options), cast)
    if not cast and isinstance(init, (Initializer, Packed)) and _regional(init, shape):

        def chunk_task(region: tuple[slice, ...]) -> tuple[Any, ...]:
            return (_region_task, init, shape, region, rng, dtype)

        return _graph(shape, chunks, dtype, token, chunk_task, None)
    _whole_limit(shape, dtype, init)
    whole = (_whole_task, init, shape, rng, options, dtype, cast)
    return _graph(shape, chunks, dtype, token, None, whole)


def _fit(chunks: Any, rank: int) -> Any:
    """``init_params``'s ``chunks`` for a leaf of ``rank`` axes: a tuple's leading entries, the other axes whole."""
    if isinstance(chunks, tuple):
        return (*chunks[:rank], *(-1,) * (rank - len(chunks)))
    return chunks


def _leaf(leaf: _Leaf, root: np.random.SeedSequence, chunks: Any, dtype: Any) -> da.Array:
    """One parameter as a Dask array: what ``wi.init_params`` draws for it, from its path's seed."""
    seed = param_seed(root, leaf.path)
    chunks = _fit(chunks, len(leaf.shape))
    init = leaf.init
    try:
        if leaf.out is not None:  # filled in place there: its dtype, the values of a fresh call
            kind = np.dtype(leaf.out.dtype)
            if isinstance(init, (Initializer, Packed)):
                return _leaf_array(
                    init, leaf.shape, chunks, seed, kind, {"dtype": kind}, cast=False
                )
            return _leaf_array(init, leaf.shape, chunks, seed, kind, {}, cast=True)
        options: dict[str, Any] = {}
        if dtype is not None and not _binds_dtype(init):
            options["dtype"] = dtype
        kind = _declared_dtype(init, leaf.shape, seed, options.get("dtype"))
        if isinstance(init, (Initializer, Packed)):
            options = {"dtype": kind}
        return _leaf_array(init, leaf.shape, chunks, seed, kind, options, cast=False)
    except (TypeError, ValueError) as error:
        raise type(error)(f"the parameter {shown(leaf.path)}: {error}") from None


def init_params(
    tree: Any, rules: Any, *, rng: Any, chunks: Any = "auto", dtype: Any = None, default: Any = None
) -> Any:
    """:func:`weightinit.init_params`'s tree with Dask arrays as leaves, each equal to its leaf there.

    The rules, paths, per-path seeds (:func:`weightinit.param_seed`),
    dtypes and checks are ``wi.init_params``'s own; each leaf is then an
    :func:`array` of its initializer, computed chunk by chunk. A leaf
    given as an existing array is not written: its Dask array holds the
    values ``wi.init_params`` would fill it with, in its dtype. An
    initializer that is neither an :class:`~weightinit.Initializer` nor a
    packed one (``ZeroRow``, a layer's flattened one, a plain callable) is
    computed whole in one task; a plain callable's result is declared as
    ``dtype`` (float64 if None), and a mismatch is an error when computed.

    Parameters
    ----------
    tree, rules, default
        As for :func:`weightinit.init_params`.
    rng : int or numpy.random.SeedSequence
        The root seed (a Generator or None is refused, as for :func:`array`).
    chunks : optional
        Dask's ``chunks`` for every leaf. A tuple gives the leading axes'
        chunks, cut to each leaf's rank (its other axes whole): ``(1000,
        -1)`` cuts every matrix and vector into runs of 1000 rows.
    dtype : data-type, optional
        As for :func:`weightinit.init_params`.

    Examples
    --------
    >>> import numpy as np
    >>> import weightinit as wi
    >>> from weightinit import dask as wid
    >>> model = {"embed": (5000, 32), "head": {"kernel": (32, 10), "bias": (10,)}}
    >>> rules = {"embed": "random_normal", "*.kernel": "glorot_uniform", "*.bias": "zeros"}
    >>> lazy = wid.init_params(model, rules, rng=3, chunks=(1000, -1), dtype=np.float32)
    >>> lazy["embed"].chunks
    ((1000, 1000, 1000, 1000, 1000), (32,))
    >>> eager = wi.init_params(model, rules, rng=3, dtype=np.float32)
    >>> bool((lazy["embed"].compute() == eager["embed"]).all())
    True
    """
    resolved = _resolve(tree, _rules(rules), None if default is None else get(default))
    for leaf in resolved:
        _check(leaf, dtype)
    root = call_seed(_seed(rng))
    return _rebuild(tree, iter([_leaf(leaf, root, chunks, dtype) for leaf in resolved]))
