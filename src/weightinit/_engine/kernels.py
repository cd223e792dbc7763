"""Uniform and normal samplers, real and complex, and the extremes they can write."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .blocks import FloatArray, _chunks, _work_dtype, fill_blocks
from .windows import Request
from .workspace import _workspace

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Largest magnitude the float32 normal sampler can return: Box–Muller on
#: 32-bit uniforms gives radii up to ``sqrt(-2 ln 2**-33)``. A standard normal
#: exceeds it with probability 1.3e-11.
NORMAL32_LIMIT = math.sqrt(-2.0 * math.log(2.0**-33))
#: A bound on the magnitude of NumPy's float64 standard normal (the ziggurat of
#: ``random_standard_normal``, which ``Generator.standard_normal`` runs): draws
#: from the base strips stay below ``r = 3.6541528853610088``, and the tail's are
#: ``r - log1p(-U) / r`` with ``U`` on the 53-bit grid of ``[0, 1)``, so
#: ``1 - U >= 2**-53``. The factor covers the few roundings of that sum. A
#: standard normal exceeds it with probability 1e-42.
NORMAL64_LIMIT = (3.6541528853610088 + 53.0 * math.log(2.0) / 3.6541528853610088) * (1.0 + 1e-12)
#: Scale factors in ``[1 / FLOAT32_SAFE, FLOAT32_SAFE]`` are applied as one float32:
#: times the samplers' values, they stay far inside float32's normal range. Others
#: are applied in two steps, so that none underflows, loses bits or overflows.
FLOAT32_SAFE = 2.0**100
#: Parameter sets whose sampler extremes are kept: a call checks them before
#: drawing, and a model asks for a few sets again and again.
EXTREMES_CACHE = 1024


def _uniform32(piece: FloatArray, gen: np.random.Generator, half: float) -> None:
    """``half * V`` into a float32 ``piece``, V uniform on the grid ``k 2**-23``, ``-1 <= V < 1``.

    Each 32-bit word, read as a signed integer and shifted right by 8 bits,
    is a uniform 24-bit integer ``k`` in ``[-2**23, 2**23)``: the same 24 bits
    NumPy's float32 uniform uses, centred, so that ``center + half * V`` is
    ``U(center - half, center + half)`` with no separate shift when centred.
    Two words per 64-bit output of the bit generator.
    """
    words = gen.bit_generator.random_raw((piece.size + 1) // 2)
    bits = words.view(np.int32)[: piece.size]
    np.right_shift(bits, np.int32(8), out=bits)
    np.copyto(piece, bits, casting="unsafe")  # exact: |k| <= 2**23; a plain cast is the fast loop
    _scale_uniform32(piece, half)


def _scale_uniform32(piece: FloatArray, half: float) -> None:
    """``k`` into ``half * k 2**-23`` in a float32 ``piece``: the arithmetic of :func:`_uniform32`."""
    factor = half * 2.0**-23
    if factor >= 1.0 / FLOAT32_SAFE:
        piece *= np.float32(factor)
    else:  # as one float32 the factor would lose bits below float32's normal range, or vanish
        piece *= np.float32(2.0**-23)
        piece *= np.float32(half)


def fill_uniform(
    out: NDArray[Any], low: float, high: float, request: Request, stream: int = 0
) -> None:
    """Fill ``out`` with U(low, high) samples, ``low <= x < high`` up to rounding."""
    center = low / 2.0 + high / 2.0  # halves first: no overflow for bounds near the max
    half = high / 2.0 - low / 2.0

    def sample(buffer: FloatArray, gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            if piece.dtype == np.float32:
                _uniform32(piece, gen, half)
                if center != 0.0:
                    piece += piece.dtype.type(center)
            else:
                gen.random(out=piece)
                piece *= high - low
                if low != 0.0:
                    piece += piece.dtype.type(low)

    fill_blocks(out, request, sample, stream=stream)


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def uniform_extremes(low: float, high: float, dtype: Any) -> tuple[float, float]:
    """The least and greatest values :func:`fill_uniform` can write into an array of ``dtype``.

    The sampler's own arithmetic applied to its extreme inputs: every step is
    monotone in the input, so no sample lies outside. float32 (and float16,
    sampled in float32) scale the integers ``k = -2**23`` and ``2**23 - 1``;
    float64 scales ``U = 0`` and ``1 - 2**-53``, the ends of ``Generator.random``'s
    53-bit grid. A step that overflows gives an infinity or NaN here, as it
    would in the array.
    """
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if _work_dtype(dtype) == np.float32:
            ends = np.array([-(2.0**23), 2.0**23 - 1.0], dtype=np.float32)
            _scale_uniform32(ends, high / 2.0 - low / 2.0)
            center = low / 2.0 + high / 2.0
            if center != 0.0:
                ends += np.float32(center)
        else:
            ends = np.array([0.0, 1.0 - 2.0**-53])
            ends *= high - low
            if low != 0.0:
                ends += np.float64(low)
        written = ends.astype(dtype)
    return float(written[0]), float(written[1])


def _box_muller(piece: FloatArray, gen: np.random.Generator, scale: float = 1.0) -> None:
    """Fill a float32 ``piece`` with N(0, scale**2) samples by Box–Muller.

    Two 32-bit uniforms ``u1 = (i + 1/2) 2**-32`` and ``u2 = j 2**-32`` give
    ``sqrt(-2 ln u1) * (cos 2πu2, sin 2πu2)`` (Box & Muller, 1958, "A note on
    the generation of random normal deviates", Ann. Math. Statist. 29(2)),
    all in float32 ufuncs on per-thread scratch arrays. Magnitudes stop at
    :data:`NORMAL32_LIMIT`.
    """
    half = (piece.size + 1) // 2
    bits = gen.bit_generator.random_raw(half).view(np.uint32)
    radius = _workspace.take("radius", half, np.float32)
    angle = _workspace.take("angle", half, np.float32)
    _radius32(bits[:half], radius, scale)
    np.multiply(
        bits[half:],
        np.float32(2.0 * math.pi * 2.0**-32),
        out=angle,
        dtype=np.float32,
        casting="unsafe",
    )
    rest = piece.size - half
    np.sin(angle[:rest], out=piece[half:])
    piece[half:] *= radius[:rest]
    np.cos(angle, out=angle)
    np.multiply(radius, angle, out=piece[:half])


def _radius32(bits: NDArray[np.uint32], radius: FloatArray, scale: float) -> None:
    """The radii ``scale * sqrt(-2 ln u1)`` of :func:`_box_muller` from its words ``bits``."""
    np.multiply(bits, np.float32(2.0**-32), out=radius, dtype=np.float32, casting="unsafe")
    radius += np.float32(2.0**-33)
    np.log(radius, out=radius)
    # The scale goes under the root as scale**2 where that is safe (FLOAT32_SAFE);
    # beyond, it multiplies the root, so that neither a tiny scale (whose square
    # underflows) nor a huge one overflows.
    folded = 1.0 / FLOAT32_SAFE <= 2.0 * scale * scale <= FLOAT32_SAFE
    radius *= np.float32(-2.0 * scale * scale if folded else -2.0)
    np.sqrt(radius, out=radius)
    if not folded:
        radius *= np.float32(scale)


def _largest_radius32(scale: float) -> float:
    """The largest radius :func:`_box_muller` makes for ``scale``: that of the word 0.

    The logarithm, the products and the root are monotone, so the smallest
    ``u1`` (``2**-33``) gives the largest radius; ``cos`` and ``sin`` stay within
    ``[-1, 1]`` (``cos 0 = 1`` exactly), so no sample's magnitude exceeds it.
    """
    radius = np.empty(1, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        _radius32(np.zeros(1, dtype=np.uint32), radius, scale)
    return float(radius[0])


def _standard_normal(piece: FloatArray, gen: np.random.Generator, scale: float = 1.0) -> None:
    """N(0, scale**2) into ``piece``: Box–Muller for float32, ziggurat for float64."""
    if piece.dtype == np.float32:
        _box_muller(piece, gen, scale)
        return
    gen.standard_normal(out=piece, dtype=piece.dtype)
    if scale != 1.0:
        piece *= scale


def fill_normal(
    out: NDArray[Any], loc: float, scale: float, request: Request, stream: int = 0
) -> None:
    """Fill ``out`` with N(loc, scale**2) samples in the array's dtype.

    float64 uses NumPy's ziggurat; float32 and float16 use float32 Box–Muller,
    whose magnitudes stop at ``loc ± scale * NORMAL32_LIMIT`` (6.76σ).
    """

    def sample(buffer: FloatArray, gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            _standard_normal(piece, gen, scale)
            if loc != 0.0:
                piece += piece.dtype.type(loc)

    fill_blocks(out, request, sample, stream=stream)


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def normal_extremes(loc: float, scale: float, dtype: Any) -> tuple[float, float]:
    """The least and greatest values :func:`fill_normal` can write into an array of ``dtype``.

    float32 and float16 (sampled in float32): ``loc`` plus or minus the
    largest Box–Muller radius, computed by the sampler's own float32
    arithmetic (:func:`_largest_radius32`), so a scale that float32 rounds to
    0 gives 0 here as it does in the array. float64: ``loc`` plus or minus
    :data:`NORMAL64_LIMIT` times ``scale``. A step that overflows gives an
    infinity here, as it would in the array.
    """
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if _work_dtype(dtype) == np.float32:
            radius = _largest_radius32(scale)
            ends = np.array([-radius, radius], dtype=np.float32)
            if loc != 0.0:
                ends += np.float32(loc)
        else:
            ends = np.array([-NORMAL64_LIMIT, NORMAL64_LIMIT])
            ends *= scale
            if loc != 0.0:
                ends += np.float64(loc)
        written = ends.astype(dtype)
    return float(written[0]), float(written[1])


# --- complex samplers: an element is its real and imaginary parts, adjacent in memory -------

#: Each part of a circular complex normal of E|W - loc|² = scale² has variance scale² / 2.
HALF_ROOT2 = math.sqrt(0.5)


def _parts(piece: NDArray[Any]) -> FloatArray:
    """A 1-D complex ``piece`` as its ``2 n`` real parts: real, imaginary, real, ..."""
    parts: FloatArray = piece.view(piece.real.dtype)
    return parts


def fill_circular_normal(
    out: NDArray[Any], loc: float, scale: float, request: Request, stream: int = 0
) -> None:
    """Fill a complex ``out`` with ``loc + scale * Z``, Z the standard circular complex normal.

    The real and imaginary parts are independent N(0, scale² / 2) draws of
    the real samplers (:func:`_standard_normal` on the ``2 n`` parts), so
    E|W - loc|² = scale² and |W - loc|² is exponential of mean scale²;
    ``loc`` shifts the real part only.
    """
    part = scale * HALF_ROOT2

    def sample(buffer: NDArray[Any], gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            parts = _parts(piece)
            _standard_normal(parts, gen, part)
            if loc != 0.0:
                parts[0::2] += parts.dtype.type(loc)

    fill_blocks(out, request, sample, stream=stream)


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def circular_normal_extremes(loc: float, scale: float, dtype: Any) -> tuple[float, float]:
    """Bounds on either part :func:`fill_circular_normal` writes into a complex ``dtype``.

    The real parts are :func:`normal_extremes` of ``(loc, scale / sqrt 2)``,
    the imaginary parts those of ``(0, scale / sqrt 2)``, in the parts' dtype.
    """
    real = np.dtype(dtype).type(0).real.dtype
    low, high = normal_extremes(loc, scale * HALF_ROOT2, real)
    spread = normal_extremes(0.0, scale * HALF_ROOT2, real)[1]
    return min(low, -spread), max(high, spread)


def _times(values: FloatArray, factor: float) -> None:
    """``values *= factor`` in their dtype; in two steps where one float32 factor would lose bits."""
    if values.dtype == np.float32 and not 1.0 / FLOAT32_SAFE <= factor <= FLOAT32_SAFE:
        root = math.sqrt(factor)
        values *= np.float32(root)
        values *= np.float32(factor / root)
        return
    values *= values.dtype.type(factor)


def _polar(
    piece: NDArray[Any], gen: np.random.Generator, modulus: Callable[[FloatArray], None]
) -> None:
    """Fill a complex ``piece`` with ``R e^{iθ}``: θ = 2πV, ``R = modulus(U)``, U, V i.i.d. U[0, 1).

    The uniforms are ``Generator.random``'s, in the parts' dtype; ``modulus``
    maps U to R in place. The phase is uniform and independent of the modulus.
    """
    parts = _parts(piece)
    gen.random(out=parts, dtype=parts.dtype)
    radius = _workspace.take("radius", piece.size, parts.dtype)
    angle = _workspace.take("angle", piece.size, parts.dtype)
    np.copyto(radius, parts[0::2])
    modulus(radius)
    np.multiply(parts[1::2], parts.dtype.type(2.0 * math.pi), out=angle)
    np.cos(angle, out=parts[0::2])
    parts[0::2] *= radius
    np.sin(angle, out=parts[1::2])
    parts[1::2] *= radius


def _disk_modulus(radius: float) -> Callable[[FloatArray], None]:
    """U into ``radius * sqrt(U)``: |W|² uniform on [0, radius²], W uniform on the disk."""

    def modulus(values: FloatArray) -> None:
        np.sqrt(values, out=values)
        _times(values, radius)

    return modulus


def _radial_modulus(scale: float, bound: float) -> Callable[[FloatArray], None]:
    """U into ``scale * sqrt(E)``, E = -log(1 - U (1 - e^{-bound²})): Exp(1) cut at bound²."""
    mass = -math.expm1(-bound * bound)

    def modulus(values: FloatArray) -> None:
        values *= values.dtype.type(-mass)
        np.log1p(values, out=values)
        np.negative(values, out=values)
        np.sqrt(values, out=values)
        _times(values, scale)

    return modulus


def fill_disk(out: NDArray[Any], radius: float, request: Request, stream: int = 0) -> None:
    """Fill a complex ``out`` uniformly on the disk ``|W| <= radius``: E|W|² = radius² / 2."""
    modulus = _disk_modulus(radius)

    def sample(buffer: NDArray[Any], gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            _polar(piece, gen, modulus)

    fill_blocks(out, request, sample, stream=stream)


def fill_radial_truncated(
    out: NDArray[Any], scale: float, bound: float, request: Request, stream: int = 0
) -> None:
    """Fill a complex ``out`` with ``scale * Z``, Z circular standard normal cut to ``|Z| <= bound``.

    |Z|² is Exp(1) restricted to ``[0, bound²]`` (drawn by its inverse CDF)
    and the phase uniform: the circular complex normal of E|Z|² = 1, its
    modulus truncated, as JAX's ``_complex_truncated_normal``.
    """
    modulus = _radial_modulus(scale, bound)

    def sample(buffer: NDArray[Any], gen: np.random.Generator) -> None:
        for piece in _chunks(buffer):
            _polar(piece, gen, modulus)

    fill_blocks(out, request, sample, stream=stream)


def _largest_modulus(modulus: Callable[[FloatArray], None], dtype: Any) -> float:
    """The largest modulus a polar sampler writes into a complex ``dtype``: that of the largest U.

    Each step of ``modulus`` is monotone in U, and ``cos``, ``sin`` stay in
    [-1, 1], so no part's magnitude exceeds the modulus of U's last grid
    point (``1 - 2**-24`` in float32, ``1 - 2**-53`` in float64).
    """
    real = np.dtype(dtype).type(0).real.dtype
    last = 1.0 - 2.0 ** -(24 if real == np.float32 else 53)
    values = np.array([last], dtype=real)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        modulus(values)
    return float(values[0])


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def disk_extremes(radius: float, dtype: Any) -> tuple[float, float]:
    """Bounds on either part :func:`fill_disk` writes into a complex ``dtype``."""
    largest = _largest_modulus(_disk_modulus(radius), dtype)
    return -largest, largest


@functools.lru_cache(maxsize=EXTREMES_CACHE)
def radial_truncated_extremes(scale: float, bound: float, dtype: Any) -> tuple[float, float]:
    """Bounds on either part :func:`fill_radial_truncated` writes into a complex ``dtype``."""
    largest = _largest_modulus(_radial_modulus(scale, bound), dtype)
    return -largest, largest
