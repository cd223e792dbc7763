"""Orthogonal matrices: the blocked Householder construction, orthogonality and the Haar law."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_engine import ALPHA, assert_cdf

import weightinit as wi
from weightinit import _engine
from weightinit.testing import normal_quantile


def _reflector_product(gaussian: np.ndarray) -> np.ndarray:
    """Q = H_0 ... H_(n-1) I[:, :n] diag(sign beta), one reflector at a time."""
    m, n = gaussian.shape
    q = np.eye(m)[:, :n]
    signs = np.empty(n)
    reflectors = []
    for j in range(n):
        x = gaussian[j:, j]
        beta = -math.copysign(1.0, x[0]) * np.linalg.norm(x)
        v = x.copy()
        v[0] -= beta
        reflectors.append((j, v / np.linalg.norm(v)))
        signs[j] = math.copysign(1.0, beta)
    for j, v in reversed(reflectors):
        q[j:] -= 2.0 * np.outer(v, v @ q[j:])
    return q * signs


@pytest.mark.parametrize(("m", "n"), [(9, 9), (40, 13), (37, 37), (64, 1)])
def test_blocked_form_equals_the_product_of_reflectors(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_engine.structured, "HAAR_BLOCK", 4)
    monkeypatch.setattr(_engine.structured, "HAAR_PANEL", 3)
    request = _engine.Request(np.random.SeedSequence(5), _engine.Window((m, n)))
    gaussian = np.empty((m, n))
    _engine.fill_normal(gaussian, 0.0, 1.0, request)
    q = np.empty((m, n))
    _engine.fill_haar(q, request)
    np.testing.assert_allclose(q, _reflector_product(gaussian), atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(300, 300), (500, 120), (120, 500), (4, 4, 16, 64)])
def test_orthogonality_error_is_at_most_twice_numpy_qr(shape: tuple[int, ...], dtype: type) -> None:
    w = wi.orthogonal(shape, dtype=dtype, rng=3).astype(np.float64)
    matrix = w.reshape(-1, shape[-1])
    if matrix.shape[0] < matrix.shape[1]:
        matrix = matrix.T
    k = matrix.shape[1]
    error = np.abs(matrix.T @ matrix - np.eye(k)).max()
    gaussian = np.random.default_rng(3).standard_normal(matrix.shape).astype(dtype)
    reference = np.linalg.qr(gaussian)[0].astype(np.float64)
    reference_error = np.abs(reference.T @ reference - np.eye(k)).max()
    assert error <= 2 * reference_error, (error, reference_error)


def test_rotation_angles_follow_the_haar_law() -> None:
    # For Q Haar on O(3), det Q = +-1 with probability 1/2 each and R = det(Q) Q is
    # Haar on SO(3), whose rotation angle has density (1 - cos t) / pi on [0, pi].
    count = 4000
    angles = np.empty(count)
    positive = 0
    for i in range(count):
        q = wi.orthogonal((3, 3), rng=i)
        det = np.linalg.det(q)
        positive += det > 0
        cosine = (np.trace(det * q) - 1.0) / 2.0
        angles[i] = math.acos(min(1.0, max(-1.0, cosine)))
    assert_cdf(angles, lambda t: (t - np.sin(t)) / math.pi)
    assert abs(positive - count / 2) <= normal_quantile(ALPHA / 2) * math.sqrt(count) / 2


def test_an_entry_of_the_last_column_is_uniform_on_the_sphere_coordinate() -> None:
    # A column of a Haar 3 x k frame is uniform on the sphere S^2, and one
    # coordinate of a uniform point on S^2 is uniform on [-1, 1] (Archimedes).
    entries = np.array([wi.orthogonal((3, 2), rng=i)[2, 1] for i in range(3000)])
    assert_cdf(entries, lambda t: (t + 1.0) / 2.0)


def test_gain_and_torch_layout() -> None:
    w = wi.orthogonal((64, 16, 3, 3), gain=2.0, layout="torch", rng=1)
    matrix = w.reshape(64, -1)
    np.testing.assert_allclose(matrix @ matrix.T, 4.0 * np.eye(64), atol=1e-12)


def test_region_of_orthogonal_is_the_slice_of_the_whole() -> None:
    whole = wi.orthogonal((200, 50), rng=2)
    assert np.array_equal(wi.orthogonal((200, 50), rng=2, region=slice(10, 60)), whole[10:60])
