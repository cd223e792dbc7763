"""bfloat16 and the float8 types of ml_dtypes: sampled in float32, rounded once to the target.

Keras, JAX and PyTorch all produce these dtypes; a scheme's values in one
of them are its float32 values rounded to nearest even, as ml_dtypes' cast
rounds, checked here bit for bit for every registered random scheme, with
``out=``, ``region=`` and threads. Laws that a target cannot hold (a value
beyond its finite range, or every value rounding to 0) are refused as for
float16; no value is ever silently NaN, infinite or clipped.
"""

from __future__ import annotations

import functools
import math
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit._validation import LOW_PRECISION

ml_dtypes = pytest.importorskip("ml_dtypes")

from cases import COMPLEX_ONLY, REQUIRED_PARAMS, builtins, first_shape  # noqa: E402

DTYPES = [np.dtype(getattr(ml_dtypes, name)) for name in LOW_PRECISION]
RANDOM = [name for name in builtins() if wi.get(name).random and name not in COMPLEX_ONLY]
#: The laws formed in float64 whatever the dtype (a Haar matrix): their
#: float32 result is that matrix rounded to float32, and it is rounded from there.
FLOAT64_LAWS = ("Orthogonal", "DeltaOrthogonal")


def _bits(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array).view(np.uint8)


@functools.cache
def _float32(name: str) -> np.ndarray:
    init = wi.get(name)
    return init(first_shape(name), dtype="float32", rng=7, **REQUIRED_PARAMS.get(name, {}))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", RANDOM)
def test_every_random_scheme_is_its_float32_draw_rounded_once(name: str, dtype: Any) -> None:
    init = wi.get(name)
    shape, params = first_shape(name), REQUIRED_PARAMS.get(name, {})
    law = init.distribution(shape=shape, **params)
    if law.refusal(dtype) is not None:
        # A law whose float32 sampler can write a value the target rounds to an
        # infinity or NaN (float8_e4m3fn has no infinity: 465 becomes NaN) is refused.
        with np.errstate(over="ignore", invalid="ignore"):
            ends = np.array(law.extremes(np.float32), dtype=np.float32).astype(dtype)
        assert not np.isfinite(ends).all() or float(abs(ends.astype(np.float64)).max()) == 0.0
        with pytest.raises(ValueError, match=f"dtype={dtype.name}"):
            init(shape, dtype=dtype, rng=7, **params)
        return
    ours = init(shape, dtype=dtype, rng=7, **params)
    assert ours.dtype == dtype and ours.shape == tuple(shape)
    expected = _float32(name).astype(dtype)
    low, high = law.support
    wide = expected.astype(np.float64)
    outside = (wide < low) | (wide > high)
    if type(law).__name__ == "TruncatedNormal" and outside.any():
        # Bounds the target cannot hold: rounding carried a value just past a
        # bound, and the fill writes the target's nearest value inside the
        # bound instead (as float16 fills do), so every value is in the support.
        largest = float(ml_dtypes.finfo(dtype).max)  # not infinity: NaN in a type without one
        inward = np.where(wide[outside] < low, largest, -largest).astype(dtype)
        expected[outside] = np.nextafter(expected[outside], inward)
    np.testing.assert_array_equal(_bits(ours), _bits(expected))
    assert np.isfinite(ours).all()
    # Other laws' values lie in the support rounded to the target (a uniform's
    # largest value may round up to, or past, a bound the target cannot hold).
    ends = np.array([low, high], dtype=np.float32).astype(dtype).astype(np.float64)
    wide = ours.astype(np.float64)
    assert min(low, ends[0]) <= wide.min() and wide.max() <= max(high, ends[1])


@pytest.mark.parametrize("name", ["orthogonal", "delta_orthogonal"])
def test_float64_laws_are_their_float32_matrix_rounded(name: str) -> None:
    # Not the float64 matrix rounded once: ml_dtypes before 0.6 (the one NumPy 1.x
    # gets) casts float64 through float32 anyway; this way every version agrees.
    shape = first_shape(name)
    bf16 = wi.get(name)(shape, dtype="bfloat16", rng=3)
    float32 = wi.get(name)(shape, dtype="float64", rng=3).astype(np.float32)
    np.testing.assert_array_equal(_bits(bf16), _bits(float32.astype(bf16.dtype)))


def test_the_three_spellings_of_a_dtype_agree() -> None:
    spelled = [
        wi.he_normal((64, 32), dtype=dtype, rng=1)
        for dtype in ("bfloat16", ml_dtypes.bfloat16, np.dtype(ml_dtypes.bfloat16))
    ]
    for array in spelled:
        assert array.dtype == np.dtype(ml_dtypes.bfloat16)
        np.testing.assert_array_equal(_bits(array), _bits(spelled[0]))
    bound = wi.glorot_uniform.partial(dtype="float8_e4m3fn")
    assert bound((8, 8), rng=0).dtype == np.dtype(ml_dtypes.float8_e4m3fn)


def test_a_bound_low_precision_dtype_survives_its_config_and_pickle() -> None:
    import json
    import pickle

    for dtype in ("bfloat16", ml_dtypes.float8_e4m3fn):
        bound = wi.he_uniform.partial(dtype=dtype)
        config = json.loads(json.dumps(wi.serialize(bound)))
        assert config["config"] == {"dtype": np.dtype(dtype).name}
        for copy in (wi.deserialize(config), pickle.loads(pickle.dumps(bound))):
            assert copy == bound
            np.testing.assert_array_equal(_bits(copy((8, 8), rng=2)), _bits(bound((8, 8), rng=2)))


SHAPE = (700, 1000)  # 2.7 blocks of the engine
REGION = (slice(100, 650), slice(3, 990))


@pytest.mark.parametrize("dtype", ["bfloat16", "float8_e4m3fn", "float8_e5m2"])
@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "random_normal", "sparse"])
def test_out_region_and_threads_give_the_same_values(name: str, dtype: str) -> None:
    init = wi.get(name)
    params = REQUIRED_PARAMS.get(name, {})
    with wi.set_workers(1):
        whole = init(SHAPE, dtype=dtype, rng=11, **params)
    with wi.set_workers(2):
        np.testing.assert_array_equal(
            _bits(init(SHAPE, dtype=dtype, rng=11, **params)), _bits(whole)
        )
        for order in "CF":
            out = np.zeros(SHAPE, dtype=whole.dtype, order=order)
            assert init(out=out, rng=11, **params) is out
            np.testing.assert_array_equal(_bits(out), _bits(whole))
        if name != "sparse":  # a structured law: its region is cut from the whole
            part = init(SHAPE, dtype=dtype, rng=11, region=REGION, **params)
            np.testing.assert_array_equal(_bits(part), _bits(whole[REGION]))
            out = np.zeros((SHAPE[1], SHAPE[0]), dtype=whole.dtype).T[REGION]  # strided view
            init(SHAPE, out=out, rng=11, region=REGION, **params)
            np.testing.assert_array_equal(_bits(out), _bits(whole[REGION]))


def test_out_of_another_dtype_is_refused() -> None:
    out = np.zeros((4, 4), dtype=ml_dtypes.bfloat16)
    with pytest.raises(ValueError, match=r"dtype must match out\.dtype; got dtype=float16"):
        wi.he_normal(out=out, dtype="float16")


def _largest_accepted(accepts: Any, low: float, high: float) -> float:
    """The largest parameter in [low, high) that ``accepts`` takes (it takes low, not high)."""
    assert accepts(low) and not accepts(high)
    while np.nextafter(low, high) < high:
        middle = low / 2.0 + high / 2.0
        if middle in (low, high):
            break
        low, high = (middle, high) if accepts(middle) else (low, middle)
    return low


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_normal_refusal_is_where_the_float32_sampler_overflows_the_target(dtype: Any) -> None:
    def law(stddev: float) -> Any:
        return wi.random_normal.distribution(1, 1, stddev=stddev)

    largest = float(ml_dtypes.finfo(dtype).max)
    best = _largest_accepted(lambda s: law(s).refusal(dtype) is None, largest / 100.0, largest)
    beyond = float(np.nextafter(best, math.inf))
    with np.errstate(over="ignore", invalid="ignore"):
        reach = np.float32(law(best).extremes(np.float32)[1]).astype(dtype)
        past = np.float32(law(beyond).extremes(np.float32)[1]).astype(dtype)
    assert float(reach) <= largest  # the largest float32 sample still rounds to a finite value
    assert not np.isfinite(past)  # one step up, it rounds to an infinity or NaN
    # The float32 Box-Muller radius, 6.76 sigma, reaches the largest value or the
    # midpoint above it that still rounds down (7% above it for float8_e5m2).
    assert 6.2 < largest / best < 6.8
    assert np.isfinite(wi.random_normal((4096,), stddev=best, dtype=dtype, rng=0)).all()
    with pytest.raises(ValueError, match=f"beyond the range of dtype={dtype.name}"):
        wi.random_normal((4,), stddev=beyond, dtype=dtype, rng=0)


def test_float8_e4m3fn_takes_what_rounds_to_448_and_refuses_what_would_be_nan() -> None:
    # No clipping to the range: JAX draws in these dtypes and clips nothing but a
    # truncated normal into its bounds (jax/_src/random/core.py:512 _uniform,
    # :968 _normal_real, :1145 the clip of _truncated_normal); a value past the
    # range is refused instead.
    e4m3fn = np.dtype(ml_dtypes.float8_e4m3fn)
    # 464, halfway between 448 and 480 (which e4m3fn spends on NaN), rounds to even: 448.
    w = wi.random_uniform((10_000,), minval=-464.0, maxval=464.0, dtype=e4m3fn, rng=0)
    assert np.isfinite(w).all() and float(w.astype(np.float64).min()) >= -448.0
    with pytest.raises(ValueError, match="beyond the range of dtype=float8_e4m3fn"):
        wi.random_uniform((4,), minval=-466.0, maxval=466.0, dtype=e4m3fn, rng=0)
    with pytest.raises(ValueError, match="overflow dtype=float8_e4m3fn"):
        wi.constant((4,), value=465.0, dtype=e4m3fn)
    assert wi.constant((2,), value=460.0, dtype=e4m3fn).astype(np.float64).tolist() == [448.0] * 2


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_truncated_bounds_beyond_the_range_are_refused_not_clipped(dtype: Any) -> None:
    largest = float(ml_dtypes.finfo(dtype).max)
    params = {"mean": 3.0 * largest, "std": largest, "a": 2.0 * largest, "dtype": dtype}
    with pytest.raises(ValueError, match=f"holds no {dtype.name} value"):
        wi.trunc_normal((4,), b=4.0 * largest, **params)
    with pytest.raises(ValueError, match=f"beyond the range of dtype={dtype.name}"):
        wi.trunc_normal((4,), b=math.inf, **params)
    # A bound beyond the range on the far side excludes nothing the dtype holds.
    w = wi.trunc_normal((1000,), std=1.0, a=-4.0 * largest, b=1.0, dtype=dtype, rng=0)
    assert np.isfinite(w).all() and float(w.astype(np.float64).max()) <= 1.0


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_laws_whose_values_all_round_to_zero_are_refused(dtype: Any) -> None:
    tiny = float(ml_dtypes.finfo(dtype).smallest_subnormal)
    with pytest.raises(ValueError, match=f"all round to 0 in dtype={dtype.name}"):
        wi.random_normal((4,), stddev=tiny / 100.0, dtype=dtype, rng=0)
    with pytest.raises(ValueError, match=f"dtype={dtype.name} rounds to 0"):
        wi.constant((4,), value=tiny / 4.0, dtype=dtype)
    assert wi.constant((2,), value=tiny, dtype=dtype).astype(np.float64).tolist() == [tiny] * 2


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_constants_are_their_float32_values_rounded(dtype: Any) -> None:
    for name, params in (
        ("zeros", {}),
        ("ones", {}),
        ("constant", {"value": 0.1}),
        ("constant", {"value": [[1.0, -2.5], [0.3, 7.0]]}),
        ("identity", {"gain": 3.0}),
    ):
        init = wi.get(name)
        ours = init((2, 2), dtype=dtype, **params)
        float32 = init((2, 2), dtype="float32", **params)
        np.testing.assert_array_equal(_bits(ours), _bits(float32.astype(dtype)))
    # One more than halfway between bfloat16's 1 and 1 + 2**-7, by 2**-30: float32
    # holds 1 + 2**-8, which rounds to even, 1 (as torch.full's cast through float does).
    value = 1.0 + 2.0**-8 + 2.0**-30
    bf16 = wi.constant((1,), value=value, dtype="bfloat16")
    assert float(bf16[0]) == 1.0


@pytest.mark.parametrize(
    "dtype", ["float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "float8_e8m0fnu", "int4"]
)
def test_ml_dtypes_types_that_cannot_refuse_an_overflow_are_refused(dtype: str) -> None:
    if not hasattr(ml_dtypes, dtype):
        pytest.skip(f"this ml_dtypes has no {dtype}")
    resolved = np.dtype(getattr(ml_dtypes, dtype))
    for init in (wi.he_normal, wi.zeros):
        with pytest.raises(TypeError, match=rf"ml_dtypes types bfloat16.*got dtype={dtype}\."):
            init((2, 2), dtype=resolved)


def test_bfloat16_truncated_normal_is_not_biased_where_bfloat16_sampling_is() -> None:
    # torch.nn.init.trunc_normal_ on a bfloat16 tensor ran uniform_ and erfinv_ in
    # bfloat16: with std=0.02, a=-2, b=2 about 0.4% of its values were -2 and its mean
    # -0.008 (pytorch/pytorch#145498). Sampled in float32 and rounded once, none is.
    n = 1 << 22
    w = wi.trunc_normal((n,), std=0.02, a=-2.0, b=2.0, dtype="bfloat16", rng=0)
    x = w.astype(np.float64)
    assert float(abs(x).max()) < 0.02 * 6.8  # the float32 sampler's 6.76 sigma
    # Round-to-nearest-even is odd (round(-x) = -round(x)), so the rounded law of
    # a symmetric law is symmetric: its mean is exactly 0, and the sample's is
    # within 5.5 standard errors of it (chance of failing below 4e-8).
    assert abs(x.mean()) <= 5.5 * 0.02 / math.sqrt(n)
    assert abs(x.std() / 0.02 - 1.0) < 0.01


def _rounded_law_moments(law: Any, dtype: Any) -> tuple[float, float]:
    """Exact mean and variance of ``law``'s values rounded to nearest in ``dtype``, clipped into its support.

    Each value of ``dtype`` in the support takes the law's mass between the
    midpoints to its neighbours (the two ends take what lies beyond).
    """
    bits = np.arange(1 << (8 * dtype.itemsize), dtype=f"u{dtype.itemsize}").view(dtype)
    with np.errstate(invalid="ignore"):  # the NaN patterns, which older ml_dtypes warn of
        grid = np.unique(bits[np.isfinite(bits)].astype(np.float64))
    low, high = law.support
    grid = grid[(grid >= low) & (grid <= high)]
    edges = np.concatenate([[-np.inf], (grid[1:] + grid[:-1]) / 2.0, [np.inf]])
    cdf = law.cdf(np.clip(edges, low, high))
    mass = np.diff(cdf)
    mean = float(np.sum(mass * grid))
    return mean, float(np.sum(mass * (grid - mean) ** 2))


@pytest.mark.parametrize("dtype", ["bfloat16", "float8_e4m3fn", "float8_e5m2"])
def test_declared_moments_are_the_float32_laws_and_rounding_moves_them_by_little(
    dtype: str,
) -> None:
    resolved = np.dtype(getattr(ml_dtypes, dtype))
    init, params = wi.trunc_normal, {"mean": 0.3, "std": 0.1, "a": 0.1, "b": 0.5}
    law = init.distribution(shape=(1,), **params)
    declared = (init.mean(1, 1, **params), init.variance(1, 1, **params))
    assert declared == pytest.approx((law.mean, law.variance), rel=1e-12)
    mean, variance = _rounded_law_moments(law, resolved)
    # The rounded law's mean is the float32 law's up to a small fraction of the
    # spacing of the grid near the mean (2**-9 for bfloat16, 2**-5 for float8_e4m3fn,
    # 2**-4 for float8_e5m2): measured 0.0002, 0.003 and 0.006 of it; rounding to
    # nearest of a smooth density is nearly unbiased. The variance grows by about
    # spacing**2 / 12 (Sheppard's correction; measured 0.086 to 0.088 spacing**2).
    spacing = float(np.spacing(resolved.type(0.3)))
    assert abs(mean - law.mean) < 0.01 * spacing
    assert 0.07 * spacing**2 < variance - law.variance < 0.1 * spacing**2
    n = 1 << 22
    x = init((n,), dtype=resolved, rng=5, **params).astype(np.float64)
    se = math.sqrt(variance / n)
    assert abs(x.mean() - mean) < 5.5 * se


def test_the_testing_kit_checks_bfloat16_draws() -> None:
    # The kit's Kolmogorov-Smirnov test counts a value of NumPy's float dtypes as
    # the interval that rounds to it; a bfloat16 value (dtype kind 'V') counts as a
    # point. Rounding moves the CDF by at most the density times half a spacing,
    # 0.4 * 2**-9 relative here, a tenth of the distance the test detects at
    # 65536 values and alpha=1e-6: the kit's default sizes pass, much larger ones
    # (or a float8 grid) would not.
    from weightinit.testing import assert_initializer

    for name, params in (("he_normal", {}), ("glorot_uniform", {}), ("sparse", {"sparsity": 0.1})):
        assert_initializer(wi.get(name), (256, 256), dtype=ml_dtypes.bfloat16, rng=0, **params)


def test_without_ml_dtypes_a_low_precision_dtype_says_what_to_install() -> None:
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "ml_dtypes" or name.startswith("ml_dtypes."):
                    raise ModuleNotFoundError("No module named 'ml_dtypes'", name=name)
                return None

        sys.meta_path.insert(0, Block())
        import weightinit as wi

        assert wi.he_normal((2, 2), dtype="float32", rng=0).dtype.name == "float32"
        for dtype in ("bfloat16", "float8_e4m3fn"):
            try:
                wi.he_normal((2, 2), dtype=dtype, rng=0)
            except TypeError as error:
                print(error)
        try:
            wi.zeros((2, 2), dtype="bfloat16")
        except TypeError as error:
            print(error)
        assert "ml_dtypes" not in sys.modules
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"dtype={dtype!r} needs the ml_dtypes package, which is not installed; install it "
        "with: pip install weightinit[ml_dtypes]"
        for dtype in ("bfloat16", "float8_e4m3fn", "bfloat16")
    ]
