"""Packed weights: one array split along an axis into parts, each initialized as its own tensor (`packed`).

PyTorch's ``nn.MultiheadAttention`` draws its packed ``(3·E, E)``
``in_proj_weight`` as one matrix, so Xavier sees ``fan_out = 3·E`` and gives
each of Q, K and V about half the variance of a separate ``(E, E)``
projection; LSTM and GRU gate matrices, fused expert weights and packed QKV
in many codebases share the problem. :func:`packed` makes each part its own
tensor, with its own fans, its own law and its own seed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._call import check_out
from ._engine import call_seed, make_window
from ._initializer import Initializer
from ._validation import check_dtype, check_int, check_seed_source, check_shape, describe, shown
from .distributions import Distribution
from .registry import get

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Packed", "Part", "packed"]

#: The spawn-key word that marks a part's seed (ASCII "part"), before the part's index.
_PART_TAG = 0x70617274


@dataclass(frozen=True)
class Part:
    """One part of a packed array: where it lies, its shape and its law."""

    #: The slices that cut the part out of the whole array.
    index: tuple[slice, ...]
    shape: tuple[int, ...]
    distribution: Distribution


class Packed:
    """An initializer that splits an array along ``axis`` into parts, each its own tensor.

    Made by :func:`packed`; called as ``init(shape, *, rng=None, dtype=None,
    out=None, region=None)``. Part ``i`` is ``init(part_shape, rng=seed_i,
    dtype=dtype)`` with ``seed_i = SeedSequence(root.entropy,
    spawn_key=(*root.spawn_key, TAG, i))`` of the call's root seed, so each
    part's values depend on the root, its index, its shape and the
    initializer alone.
    """

    def __init__(self, init: Initializer, parts: int | tuple[int, ...], axis: int) -> None:
        self.init = init
        self.sizes = parts
        self.axis = axis
        self.name = f"packed({init.name}, parts={parts!r}, axis={axis})"

    def __repr__(self) -> str:
        return f"<weightinit {self.name}>"

    @property
    def random(self) -> bool:
        """Whether filling draws random numbers (the initializer's)."""
        return self.init.random

    # --- the parts ------------------------------------------------------------------

    def _split(self, shape: tuple[int, ...]) -> tuple[int, list[tuple[int, int]]]:
        """The axis (non-negative) and each part's ``(start, stop)`` along it."""
        if not shape:
            raise ValueError(f"{self.name} needs a shape of rank >= 1; got shape=().")
        axis = self.axis + len(shape) if self.axis < 0 else self.axis
        if not 0 <= axis < len(shape):
            raise ValueError(
                f"axis must be an axis of shape={shown(shape)} (from {-len(shape)} to "
                f"{len(shape) - 1}); got axis={self.axis}."
            )
        length = shape[axis]
        if isinstance(self.sizes, int):
            if length % self.sizes:
                raise ValueError(
                    f"parts={self.sizes} must divide shape[{self.axis}] = {length} of "
                    f"shape={shown(shape)}."
                )
            sizes = [length // self.sizes] * self.sizes
        else:
            sizes = list(self.sizes)
            if sum(sizes) != length:
                raise ValueError(
                    f"the part sizes parts={shown(self.sizes)} must sum to shape[{self.axis}] "
                    f"= {length} of shape={shown(shape)}; they sum to {sum(sizes)}."
                )
        starts = [int(start) for start in np.cumsum([0, *sizes])]
        return axis, list(itertools.pairwise(starts))

    def parts(self, shape: Any) -> tuple[Part, ...]:
        """Each part of an array of ``shape``: its slices, its shape and its law.

        The moments of a packed array are its parts': ``part.distribution.mean``
        and ``.variance`` are exact for each part.

        Examples
        --------
        >>> import weightinit as wi
        >>> qkv = wi.packed("xavier_uniform_", 3, axis=0)
        >>> [round(part.distribution.variance * 16, 12) for part in qkv.parts((24, 8))]  # 2/(8+8)
        [2.0, 2.0, 2.0]
        """
        dims = check_shape(shape)
        axis, spans = self._split(dims)
        found = []
        for start, stop in spans:
            part_shape = (*dims[:axis], stop - start, *dims[axis + 1 :])
            index = (*(slice(None),) * axis, slice(start, stop))
            try:
                law = self.init.distribution(shape=part_shape)
            except (TypeError, ValueError) as error:
                raise type(error)(
                    f"{self.name}: the part of shape {shown(part_shape)}: {error}"
                ) from None
            found.append(Part(index, part_shape, law))
        return tuple(found)

    def mean(self, shape: Any) -> tuple[float, ...]:
        """Exact mean of an element of each part, in order."""
        return tuple(part.distribution.mean for part in self.parts(shape))

    def variance(self, shape: Any) -> tuple[float, ...]:
        """Exact variance of an element of each part, in order."""
        return tuple(part.distribution.variance for part in self.parts(shape))

    # --- a call -------------------------------------------------------------------------

    def check(self, shape: Any, dtype: Any = None) -> tuple[Part, ...]:
        """Every check a call of ``shape`` and ``dtype`` makes before it draws: the parts."""
        found = self.parts(shape)
        if dtype is not None:
            resolved = check_dtype(dtype, random=self.random, name=self.name)
            for part in found:
                part.distribution.check_drawable(resolved, self.name)
        return found

    def __call__(
        self,
        shape: Any = None,
        *,
        rng: Any = None,
        dtype: Any = None,
        out: NDArray[Any] | None = None,
        region: Any = None,
    ) -> NDArray[Any]:
        """The packed array of ``shape`` (or ``out``'s region of it), each part drawn on its own."""
        full = check_shape(
            out.shape if shape is None and out is not None and region is None else shape
        )
        window = make_window(full, region)
        if out is not None:
            _check_out(out, window.region_shape, dtype)
            dtype = out.dtype
        self.check(full, dtype)
        root = None
        if self.random:
            root = call_seed(rng)
        else:
            check_seed_source(rng)  # a law that draws nothing takes nothing from rng
        if out is None:
            out = np.empty(window.region_shape, dtype=self._dtype(dtype))
        axis, spans = self._split(full)
        bounds = list(window.bounds) + [(0, n) for n in full[len(window.bounds) :]]
        low, high = bounds[axis]
        for i, (start, stop) in enumerate(spans):
            begin, end = max(start, low), min(stop, high)
            if begin >= end:
                continue
            part_shape = (*full[:axis], stop - start, *full[axis + 1 :])
            lead = len(window.bounds)
            part_bounds = [*bounds[:axis], (begin - start, end - start), *bounds[axis + 1 :]]
            part_region = tuple(slice(a, b) for a, b in part_bounds[:lead]) or None
            cut = (slice(None),) * axis + (slice(begin - low, end - low),)
            view = out[cut]
            seed = None
            if root is not None:
                seed = np.random.SeedSequence(
                    root.entropy, spawn_key=(*root.spawn_key, _PART_TAG, i)
                )
            self.init(part_shape, rng=seed, dtype=out.dtype, out=view, region=part_region)
        return out

    def _dtype(self, dtype: Any) -> np.dtype[Any]:
        if dtype is None:
            dtype = self.init._options.get("dtype")
        if dtype is None:
            return np.dtype(np.float64)
        return check_dtype(dtype, random=self.random, name=self.name)


def _check_out(out: Any, shape: tuple[int, ...], dtype: Any) -> None:
    """``out`` as a call checks it (a writeable ndarray), of the region's shape and of ``dtype``."""
    check_out(out)
    if out.shape != shape:
        raise ValueError(f"out must have shape {shown(shape)}; got out.shape={shown(out.shape)}.")
    if dtype is not None and np.dtype(dtype) != out.dtype:
        raise ValueError(f"dtype={np.dtype(dtype).name} disagrees with out.dtype={out.dtype.name}.")


def packed(init: Any, parts: int | Sequence[int], *, axis: int) -> Packed:
    r"""An initializer that splits the array along ``axis`` into ``parts``, each its own tensor.

    Each part is initialized as a separate array of its own shape, so with
    its own fans (and, for a structured scheme such as ``orthogonal``, its
    own structure): for PyTorch's packed ``(3·E, E)`` attention projection,
    ``packed("xavier_uniform_", 3, axis=0)`` gives each of Q, K and V
    ``Var = 2 / (E + E)``, as separate projections would have, where
    ``xavier_uniform_`` on the whole matrix gives ``2 / (3E + E)``
    (pytorch/pytorch issue 166378, open; torch/nn/modules/activation.py,
    ``MultiheadAttention._reset_parameters``). The gates of recurrent
    kernels are the same case: ``packed("orthogonal", 4, axis=-1)`` makes
    each of an LSTM's four gate blocks its own orthogonal matrix (Saxe et
    al., 2014).

    Parameters
    ----------
    init : str, dict or Initializer
        The initializer of every part: anything :func:`weightinit.get`
        resolves to an :class:`Initializer` (with its bound parameters).
    parts : int or sequence of int
        The number of equal parts (it must divide ``shape[axis]``), or each
        part's size along ``axis`` (they must sum to ``shape[axis]``).
    axis : int
        The axis the parts are stacked along (negative counts from the end).

    Returns
    -------
    Packed
        Called as ``init(shape, *, rng=None, dtype=None, out=None,
        region=None)``; ``region`` and ``out`` work as for any initializer
        (``region`` slices any axes, and each part computes only the
        region's share of it). Its moments are per part: :meth:`Packed.parts`,
        :meth:`Packed.mean`, :meth:`Packed.variance`.

    Examples
    --------
    >>> import weightinit as wi
    >>> qkv = wi.packed("xavier_uniform_", 3, axis=0)
    >>> W = qkv((3 * 64, 64), rng=0)
    >>> W.shape, [round(v * 128, 12) for v in qkv.variance((3 * 64, 64))]
    ((192, 64), [2.0, 2.0, 2.0])
    >>> bool((W[64:128] == qkv((192, 64), rng=0, region=slice(64, 128))).all())
    True
    """
    resolved = get(init)
    if not isinstance(resolved, Initializer):
        raise TypeError(
            "init must name or be an Initializer (a packed array's parts need its laws); "
            f"got {describe('init', init)}."
        )
    if isinstance(parts, bool) or not isinstance(parts, (int, np.integer, Sequence)):
        raise TypeError(
            f"parts must be an int or a sequence of ints; got {describe('parts', parts)}."
        )
    if isinstance(parts, (int, np.integer)):
        sizes: int | tuple[int, ...] = check_int("parts", parts, minimum=1)
    else:
        sizes = tuple(check_int(f"parts[{i}]", size, minimum=1) for i, size in enumerate(parts))
        if not sizes:
            raise ValueError("parts must hold at least one size; got parts=().")
    return Packed(resolved, sizes, check_int("axis", axis))
