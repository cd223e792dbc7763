"""Structured draws: random subsets of positions and Haar-distributed orthogonal matrices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .blocks import BLOCK
from .kernels import fill_normal, fill_uniform
from .windows import Request, make_window

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Keys per step of a caller of :func:`choose_subsets` (2 MiB of float64 keys,
#: as many bytes of indices): a step takes whole groups, at least one.
SUBSET_BATCH = BLOCK


def choose_subsets(
    groups: int,
    size: int,
    count: int,
    request: Request,
    stream: int,
    rows: tuple[int, int] | None = None,
) -> NDArray[np.intp]:
    """For each of ``groups`` groups, ``count`` distinct positions out of ``size``.

    Returns an int array of shape ``(groups, count)``; each row is a uniformly
    random subset (the ``count`` smallest of ``size`` uniform keys), drawn
    from stream ``stream`` of the call. With ``rows=(start, stop)``, only
    those groups' rows, from their keys alone: exactly
    ``choose_subsets(groups, size, count, request, stream)[start:stop]``, so
    that a caller taking a few rows at a time (:data:`SUBSET_BATCH` keys)
    never holds the keys of all groups.
    """
    start, stop = (0, groups) if rows is None else rows
    taken = stop - start
    if count == 0 or taken == 0:
        return np.empty((taken, count), dtype=np.intp)
    if count == size:
        return np.tile(np.arange(size, dtype=np.intp), (taken, 1))
    keys = np.empty((taken, size), dtype=np.float64)
    window = make_window((groups, size), slice(start, stop))
    # Auxiliary draws: the array's own fill shows the progress.
    fill_uniform(keys, 0.0, 1.0, Request(request.seed, window, False), stream)
    subsets: NDArray[np.intp] = np.argpartition(keys, count - 1, axis=1)[:, :count]
    return subsets


#: Columns per Householder block in :func:`fill_haar`: large enough for
#: matrix products to run near peak, small enough that forming T is cheap.
HAAR_BLOCK = 128
#: Columns per step of the trailing update, bounding its temporaries.
HAAR_PANEL = 256


def fill_haar(matrix: NDArray[np.float64], request: Request) -> None:
    """Overwrite a tall float64 ``matrix`` (m >= n) with a Haar-distributed Q (QᵀQ = I).

    The matrix is first filled with standard normals (stream 0 of the
    call). Column ``j`` below the diagonal, a standard normal vector in
    ``R^(m-j)``, defines the Householder reflector ``H_j`` that maps it to
    ``β_j e_1``, and ``Q = H_0 ⋯ H_(n-1) I[:, :n] diag(sign β_j)``. By the
    rotation invariance of the normal law, the reflectors Householder QR
    would compute from an m×n normal matrix are distributed exactly so;
    the sign fix makes R's diagonal positive, which makes Q exactly
    Haar-distributed (Stewart, 1980, "The efficient generation of random
    orthogonal matrices", SIAM J. Numer. Anal. 17(3); Mezzadri, 2007,
    Notices of the AMS 54(5)). The QR factorization itself is never needed:
    Q is formed in place from blocks of reflectors in compact WY form,
    ``H_k ⋯ H_(k+b-1) = I - V T Vᵀ`` with ``T⁻¹ = diag(1/τ) + striu(VᵀV)``
    (Joffrain et al., 2006, "Accumulating Householder transformations,
    revisited", ACM TOMS 32(2)), with matrix products only.
    """
    fill_normal(matrix, 0.0, 1.0, request.whole(matrix.shape))
    n = matrix.shape[1]
    signs = np.ones(n)
    for k in reversed(range(0, n, HAAR_BLOCK)):
        width = min(HAAR_BLOCK, n - k)
        vectors = matrix[k:, k : k + width].copy()
        top = vectors[:width]
        top[np.triu_indices(width, 1)] = 0.0
        # Summed along contiguous rows, NumPy adds pairwise: the norms, hence
        # τ and the reflections' orthogonality, are accurate to a few ulps
        # (a column-wise running sum loses about sqrt(m) times more).
        norms = np.sqrt(np.square(vectors.T, order="C").sum(axis=1))
        alpha = np.diagonal(top).copy()
        direction = np.where(alpha < 0.0, -1.0, 1.0)
        beta = -direction * norms
        live = norms > 0.0  # a zero column (probability 0) leaves H = I
        with np.errstate(divide="ignore", invalid="ignore"):
            vectors *= np.where(live, 1.0 / (alpha - beta), 0.0)
            tau = np.where(live, (beta - alpha) / beta, 0.0)
        top[np.diag_indices(width)] = np.where(live, 1.0, 0.0)
        signs[k : k + width] = np.where(live, -direction, 1.0)
        t_inverse = np.triu(vectors.T @ vectors, 1)
        t_inverse[np.diag_indices(width)] = np.where(live, 1.0 / np.where(live, tau, 1.0), 1.0)
        applied = np.linalg.inv(t_inverse) @ vectors.T  # T Vᵀ
        for start in range(k + width, n, HAAR_PANEL):
            trailing = matrix[k:, start : start + HAAR_PANEL]
            trailing -= vectors @ (applied @ trailing)
        panel = vectors @ -applied[:, :width]
        panel[np.diag_indices(width)] += 1.0
        matrix[k:, k : k + width] = panel
        matrix[:k, k:] = 0.0
    matrix *= signs
