"""Seeding: a call's root seed and the generator of each of its blocks.

A call's randomness is one :class:`numpy.random.SeedSequence`, the *call
seed* (:func:`call_seed`). Block ``k`` of stream ``s`` is drawn from
``SFC64(SeedSequence(entropy, spawn_key=(*spawn_key, s, k)))``
(:func:`block_generator`); :class:`_StreamSeeds` makes the same generators
without building a ``SeedSequence`` per block.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_int_seed, check_rng

if TYPE_CHECKING:
    from numpy.typing import NDArray


def call_seed(rng: Any) -> np.random.SeedSequence:
    """The call's root seed, from an ``rng`` as Scientific Python SPEC 7 allows.

    An int or a :class:`~numpy.random.SeedSequence` gives the seed directly
    (the same every time); a :class:`~numpy.random.Generator` or
    :class:`~numpy.random.BitGenerator` gives 128 bits drawn from it once (it
    advances); ``None`` gives fresh entropy from the operating system.

    A generator gives ``SeedSequence([w0, w1, w2, w3])``, ``w`` the low 32
    bits of four raw outputs of its bit generator. An int's entropy is held as
    the uint32 words ``SeedSequence`` makes of it: the same seed, which each
    block's ``SeedSequence`` then reads without converting the int again. An
    int's call seed is made once and kept (:data:`SEED_CACHE` of them): the
    engine only reads it, never spawns from it.
    """
    if rng is None:
        return np.random.SeedSequence(_words(int.from_bytes(os.urandom(16), "little")))
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return _int_seed(check_int_seed(rng))
    if isinstance(rng, np.random.Generator):
        bits = rng.bit_generator
    else:
        bits = check_rng(rng).bit_generator  # refuses other types, wraps bit generators
    # The low 32 bits of four raw outputs: 128 bits from any bit generator (MT19937's
    # are 32-bit), drawn under its lock like every Generator method, at a tenth of
    # the cost of Generator.integers.
    raw = bits.random_raw(4)
    return np.random.SeedSequence((raw & np.uint64(0xFFFFFFFF)).astype(np.uint32))


#: Int seeds whose call seed is kept: a model's layers are often seeded 0, 1, 2, ...
SEED_CACHE = 1024


@functools.lru_cache(maxsize=SEED_CACHE)
def _int_seed(value: int) -> np.random.SeedSequence:
    """The call seed of the int seed ``value``, made once: the engine only reads a call seed."""
    return np.random.SeedSequence(_words(value))


def _words(value: int) -> NDArray[np.uint32]:
    """``value``'s 32-bit words, lowest first (``[0]`` for 0), as ``SeedSequence`` splits ints."""
    return np.array(_int_words(value), dtype=np.uint32)


def _int_words(value: int) -> list[int]:
    words = []
    while value:
        words.append(value & _MASK32)
        value >>= 32
    return words or [0]


def _word_count(value: Any) -> int:
    """How many 32-bit words ``SeedSequence`` reads from an entropy or spawn-key value."""
    if isinstance(value, np.ndarray) and value.dtype == np.uint32:
        return value.size
    if isinstance(value, str):  # an element of a sequence: SeedSequence reads it as an int
        base = 16 if value.startswith("0x") else 8 if value.startswith("0") else 10
        value = int(value, base)
    if isinstance(value, (int, np.integer)):
        return max(1, (int(value).bit_length() + 31) // 32)
    return sum(_word_count(item) for item in value)


def block_generator(
    seed: np.random.SeedSequence, block: int, stream: int = 0
) -> np.random.Generator:
    """The generator of block ``block`` of stream ``stream`` of a call.

    ``SFC64(SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, stream,
    block)))``: independent of every other block and of how many exist.
    """
    child = np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, stream, block), pool_size=seed.pool_size
    )
    return np.random.Generator(np.random.SFC64(child))


# SeedSequence's hashing constants (O'Neill's seed_seq_fe, as NumPy implements it).
_MASK32 = 0xFFFFFFFF
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_L = 0xCA01F9DD
_MIX_R = 0x4973F715


def _hash_constants(first: int, multiplier: int, count: int) -> list[tuple[int, int]]:
    """``(before, after)`` of ``count`` successive hashes: the constant goes ``c -> c * multiplier``."""
    pairs = []
    for _ in range(count):
        after = first * multiplier & _MASK32
        pairs.append((first, after))
        first = after
    return pairs


#: The constants of ``generate_state``'s six hashes: SFC64's three 64-bit seed words.
_STATE_HASHES = _hash_constants(_INIT_B, _MULT_B, 6)


class _StreamSeeds:
    """The block generators of one stream of a call, as :func:`block_generator` makes them.

    A block's child ``SeedSequence`` differs from the stream's only by the
    last word of its spawn key, which ``SeedSequence`` mixes into its pool
    last. So the stream's pool is computed once, from the call seed's pool
    and the constants of :func:`_stream_tables` (kept per pool size, word
    count and stream); each block then mixes in its index and hashes out the
    three words ``SFC64`` seeds itself with, in Python integers, at a
    fraction of the cost of building the child ``SeedSequence``. The
    generator is bit for bit :func:`block_generator`'s.
    """

    def __init__(self, seed: np.random.SeedSequence, stream: int) -> None:
        count = _word_count(seed.entropy)
        spawn_key = seed.spawn_key
        try:
            tables = _stream_tables(seed.pool_size, count, spawn_key, stream)
        except TypeError:  # pragma: no cover - a spawn key that is not hashable
            tables = _stream_tables.__wrapped__(seed.pool_size, count, spawn_key, stream)
        mixes, self._block_hashes, self._zero_terms = tables
        pool = seed.pool.tolist()
        for mix in mixes:
            pool = _mixed(pool, mix)
        self._pool = pool

    def generator(self, block: int) -> np.random.Generator:
        """Block ``block``'s generator: equal to ``block_generator(seed, block, stream)``."""
        if not 0 <= block <= _MASK32:
            raise AssertionError("block indices are one 32-bit word")
        if block == 0:  # the usual case, whose mixing terms are kept
            terms = self._zero_terms
        else:
            terms = [_MIX_R * _hashed(block, b, a) for b, a in self._block_hashes]
        pool = _mixed(self._pool, terms)
        mask = _MASK32
        size = len(pool)
        words = []  # SeedSequence.generate_state(3, np.uint64): the pool's words in turn, hashed
        for index, (before, after) in enumerate(_STATE_HASHES):
            value = (pool[index % size] ^ before) * after & mask
            words.append(value ^ (value >> 16))
        state = np.array(
            [words[0] | words[1] << 32, words[2] | words[3] << 32, words[4] | words[5] << 32],
            dtype=np.uint64,
        )
        # NumPy takes any ISeedSequence; its type stubs name only SeedSequence.
        _as_seed_sequence()
        return np.random.Generator(np.random.SFC64(_Words(state)))  # type: ignore[arg-type]


#: Kept tables of :func:`_stream_tables`: one per kind of call seed and stream.
TABLE_CACHE = 256


@functools.lru_cache(maxsize=TABLE_CACHE)
def _stream_tables(
    size: int, count: int, spawn_key: tuple[int, ...], stream: int
) -> tuple[list[list[int]], list[tuple[int, int]], list[int]]:
    """What mixing a stream into a call seed's pool takes, the pool aside.

    For a pool of ``size`` words, ``count`` entropy words and the call
    seed's ``spawn_key``: for each word of ``stream``, the terms
    ``_MIX_R * hash(word)`` subtracted at each pool position; and the
    ``(before, after)`` constants of the block word's hashes, and the terms
    of block 0's word. They depend on
    the pool only through its size, so a call seed of the same kind reuses
    them.
    """
    # Hashes so far: the pool's filling (the entropy, zero-padded to the pool
    # size), the pool mixed with itself, then one hash per pool word for each
    # further entropy word and for each spawn-key word.
    further = max(count - size, 0) + _word_count(spawn_key)
    const = _INIT_A * pow(_MULT_A, size * size + size * further, 1 << 32) & _MASK32
    mixes = []
    for word in _int_words(stream):
        hashes = _hash_constants(const, _MULT_A, size)
        mixes.append([_MIX_R * _hashed(word, before, after) for before, after in hashes])
        const = hashes[-1][1]
    hashes = _hash_constants(const, _MULT_A, size)
    return mixes, hashes, [_MIX_R * _hashed(0, before, after) for before, after in hashes]


def _mixed(pool: list[int], terms: list[int]) -> list[int]:
    """``SeedSequence``'s mixing of one more word into ``pool``, its ``_MIX_R * hash`` terms given."""
    mixed = []
    for held, term in zip(pool, terms, strict=True):
        value = (_MIX_L * held - term) & _MASK32
        mixed.append(value ^ (value >> 16))
    return mixed


def _hashed(value: int, before: int, after: int) -> int:
    """``SeedSequence``'s hash of one word: xor the constant, multiply by its next value, fold."""
    value = (value ^ before) * after & _MASK32
    return value ^ (value >> 16)


class _Words:
    """A seed sequence that hands over words already made (SFC64 seeds itself from them).

    Registered as a ``numpy.random.bit_generator.ISeedSequence`` when first
    used (:func:`_as_seed_sequence`), so that ``import weightinit`` does not
    import ``numpy.random`` (NumPy 2 loads it on first use).
    """

    def __init__(self, words: NDArray[np.uint64]) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> NDArray[Any]:
        if n_words != len(self.words) or np.dtype(dtype) != np.uint64:
            raise AssertionError("block generators take three 64-bit words")
        return self.words


@functools.cache
def _as_seed_sequence() -> None:
    """Register :class:`_Words` as an ``ISeedSequence``, once: SFC64 then reads its words."""
    from numpy.random.bit_generator import ISeedSequence

    ISeedSequence.register(_Words)
