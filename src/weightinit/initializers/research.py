"""Four published schemes no mainstream library ships: ZerO, sinusoidal, spectral and Martens' sparse.

Each is defined as its paper (or the authors' code) defines it, in the
Keras layout (…kernel…, in, out) by default like every scheme not from
PyTorch; ``layout='torch'`` reads (out, in, …kernel…). ``zero_hadamard``
and ``sinusoidal`` draw nothing: their law is a
:class:`~weightinit.distributions.Constant` array of exactly the shape, as
:func:`~weightinit.fixed`'s. ``spectral`` is a scaled Haar matrix and
``martens_sparse`` a sparse normal one: the laws of
:func:`~weightinit.orthogonal` and :func:`~weightinit.sparse`, with other
parameters.
"""

from __future__ import annotations

import math

import numpy as np

from .._define import scheme
from .._initializer import Param
from .._names import Aliases, SchemeInfo
from .._validation import int_check, option_check, real_check, shown
from ..distributions import Constant, Distribution, Indicator, Orthogonal, Sparse
from ..distributions.structured import matrix_axes
from ..fans import Geometry
from ._docs import doctests
from .variance import _divisor

__all__ = ["martens_sparse", "sinusoidal", "spectral", "zero_hadamard"]

ORIGIN = "weightinit"
ZERO = (
    "Zhao, Schäfer & Anandkumar (2022), ZerO Initialization: Initializing Neural Networks "
    "with only Zeros and Ones, TMLR (Algorithms 1 and 2)"
)
SINUSOIDAL = (
    "Fernández-Hernández, Mestre, Dolz, Duato & Quintana-Ortí (2025), Sinusoidal "
    "Initialization, Time for a New Start, NeurIPS"
)
SPECTRAL = (
    "Yang, Simon & Bernstein (2023), A Spectral Condition for Feature Learning, arXiv:2310.17813"
)
MARTENS = "Martens (2010), Deep learning via Hessian-free optimization, ICML, §5"
#: A sinusoidal pattern whose sample variance is below this is zero up to rounding.
_FLAT = 1e-12


def _fixed(array: np.ndarray) -> Constant:
    """The law of a float64 array, copied read-only in C order.

    So its moments are summed in the order of the array a fill writes.
    """
    values = np.array(array, dtype=np.float64, order="C")
    values.flags.writeable = False
    return Constant(values)


def _empty(shape: tuple[int, ...]) -> Indicator:
    """The law of an empty array: nothing written, and moments refused as undefined for the shape."""
    return Indicator(0.0, shape, tuple(np.empty(0, dtype=np.intp) for _ in shape))


def _kernel_axes(geometry: Geometry, name: str) -> tuple[int, int]:
    """The input and output axes of a 2-D matrix or a convolution kernel (ranks 2 to 5)."""
    geometry.require_rank(name, (2, 3, 4, 5))
    return geometry.single_axes(name)


def hadamard_block(rows: int, cols: int) -> np.ndarray:
    """The first ``rows`` x ``cols`` entries of a Sylvester Hadamard matrix: ``(-1)**popcount(i & j)``.

    Sylvester's H_m (H_1 = [[1, 1], [1, -1]], H_m = H_1 ⊗ H_{m-1}) has this
    entry at (i, j) for every order 2**m above i and j, so no order is chosen.
    """
    both = np.arange(rows)[:, None] & np.arange(cols)[None, :]
    parity = np.zeros(both.shape, dtype=both.dtype)
    while np.any(both):  # one pass per bit of the larger index
        parity ^= both & 1
        both >>= 1
    return np.where(parity == 0, 1.0, -1.0)


def zero_matrix(n_out: int, n_in: int) -> np.ndarray:
    """ZerO's (out, in) matrix (Algorithm 1): I, I*, or c · I* H_m I* with c = 2**(-(m-1)/2)."""
    if n_out <= n_in:  # identity (square) or partial identity: the first n_out inputs pass
        return np.eye(n_out, n_in)
    m = (n_out - 1).bit_length()  # ceil(log2(n_out)), exactly
    block: np.ndarray = 2.0 ** (-(m - 1) / 2) * hadamard_block(n_out, n_in)
    return block


@scheme(
    "zero_hadamard",
    random=False,
    info=SchemeInfo(
        origin=ORIGIN,
        distribution="constant",
        formula="I or I* (fan_out ≤ fan_in); c · I* H_m I*, c = 2^(-(m-1)/2), m = ⌈log₂ fan_out⌉",
        reference=ZERO,
        aliases=Aliases(paper=("ZerO",)),
        axes="one input and one output axis by layout (or `in_axis`, `out_axis`); kernels: centre k // 2, odd k",
        differences=(
            "the paper's c = 2^(-(m-1)/2); the authors' MNIST notebook divides H by 2^(m/2), "
            "a factor √2 smaller"
        ),
    ),
)
def zero_hadamard(geometry: Geometry) -> Distribution:
    r"""ZerO: identity, partial identity or a scaled Hadamard block, with no randomness.

    Algorithm 1 of Zhao, Schäfer & Anandkumar (2022), for the (out, in)
    matrix :math:`W \in \mathbb{R}^{P \times Q}` (P outputs, Q inputs):

    - :math:`P = Q`: :math:`W = I`;
    - :math:`P < Q`: :math:`W = I^*`, the partial identity (``eye(P, Q)``):
      output i passes input i, the last inputs are dropped;
    - :math:`P > Q`: :math:`W = c\, I^* H_m I^*`, the first P x Q block of the
      Sylvester Hadamard matrix :math:`H_m` of order :math:`2^m` (entries ±1),
      :math:`m = \lceil \log_2 P \rceil`, :math:`c = 2^{-(m-1)/2}`.

    In the Keras layout the (in, out) array is :math:`W^\mathsf{T}`. For a
    convolution kernel (ranks 3 to 5, Algorithm 2) the matrix sits at the
    centre ``k // 2`` of every spatial axis and the rest is 0; the paper
    takes odd kernel sizes only, so an even one is refused.

    Raises
    ------
    ValueError
        For a shape of rank other than 2 to 5, or a kernel with an even spatial size.

    Notes
    -----
    The constant is the paper's, :math:`c = 2^{-(m-1)/2}`: :math:`c H_m` has
    every singular value :math:`\sqrt{2}`. The authors' notebook
    (jiaweizzhao/ZerO-initialization, ``example_mnist.ipynb``,
    ``ZerO_Init_on_matrix``) divides by :math:`2^{m/2}` instead (an
    orthonormal :math:`H_m`), values :math:`1/\sqrt{2}` of these.
    The law is a :class:`~weightinit.distributions.Constant` array of exactly
    the shape (as :func:`~weightinit.fixed`'s); its mean and variance are
    those of the array's entries.

    References
    ----------
    Zhao, Schäfer & Anandkumar (2022), ZerO Initialization: Initializing
    Neural Networks with only Zeros and Ones, TMLR.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.zero_hadamard((2, 3))          # Keras (in, out): 3 outputs > 2 inputs, m = 2
    array([[ 0.70710678,  0.70710678,  0.70710678],
           [ 0.70710678, -0.70710678,  0.70710678]])
    >>> wi.zero_hadamard((2, 3), layout="torch")   # (out, in): partial identity
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    in_axis, out_axis = _kernel_axes(geometry, "zero_hadamard")
    shape = geometry.shape
    if math.prod(shape) == 0:
        return _empty(shape)
    spatial = [axis for axis in range(len(shape)) if axis not in (in_axis, out_axis)]
    even = [shape[axis] for axis in spatial if shape[axis] % 2 == 0]
    if even:
        raise ValueError(
            "zero_hadamard takes kernels of odd spatial sizes (Algorithm 2 of the paper); "
            f"got spatial size {even[0]} in shape={shown(shape)}."
        )
    matrix = zero_matrix(shape[out_axis], shape[in_axis])
    array = np.zeros(shape)
    index: list[int | slice] = [size // 2 for size in shape]
    index[in_axis] = index[out_axis] = slice(None)
    array[tuple(index)] = matrix if out_axis < in_axis else matrix.T
    return _fixed(array)


def sinusoidal_pattern(n_out: int, n_flat: int) -> np.ndarray:
    """The unscaled (out, in) pattern ``sin(k_i x_j + φ_i)``: k_i = i, x_j = 2π j / n_flat, φ_i = 2π i / n_out.

    i = 1 … n_out (one wave per unit), j = 0 … n_flat - 1: the angle is
    ``2π r / L``, ``L = n_flat · n_out``, ``r = i (j · n_out + n_flat) mod L``,
    reduced exactly in integers, so every sine is of an angle in [0, 2π)
    and those of multiples of π are exactly 0 (the authors' ``sinusoidal_``
    evaluates ``sin((j · 2π/n_flat + 2π/n_out) · i)`` in float32).
    """
    period = n_flat * n_out
    i = np.arange(1, n_out + 1, dtype=np.int64)[:, None]
    j = np.arange(n_flat, dtype=np.int64)[None, :]
    # i (j n_out + n_flat) mod L, as n_flat (i mod n_out) + n_out (i j mod n_flat):
    # every product stays below L, so int64 holds it.
    turns = (n_flat * (i % n_out) + n_out * (i * j % n_flat)) % period
    pattern: np.ndarray = np.sin(turns * (2.0 * math.pi / period))
    pattern[(turns == 0) | (2 * turns == period)] = 0.0
    return pattern


#: sinusoidal's fans: PyTorch's ``fan_in``/``fan_out`` (the authors' current code), and the
#: paper version's average of the (n_out, n) matrix's sides.
SINUSOIDAL_MODES = ("fan_in", "fan_out", "fan_avg")


@scheme(
    "sinusoidal",
    params=(
        Param("scale", 1.0, real_check(positive=True)),
        Param("mode", "fan_avg", option_check(SINUSOIDAL_MODES)),
    ),
    random=False,
    info=SchemeInfo(
        origin=ORIGIN,
        distribution="constant",
        scale="scale",
        mode="per `mode`",
        formula="a · sin(i (2π j / n + 2π / n_out)), a² · s² = scale / fan, s² the pattern's sample variance",
        reference=SINUSOIDAL,
        axes="one input and one output axis by layout; j runs over (in, …kernel…) in PyTorch's order",
        differences=(
            "computed in float64 (the authors' code: float32); the authors' code since "
            "December 2025 defaults to gain √2 with fan_in (scale=2, mode='fan_in')"
        ),
    ),
)
def sinusoidal(geometry: Geometry, *, scale: float, mode: str) -> Distribution:
    r"""Deterministic sinusoidal weights, one wave per unit, scaled to variance ``scale / fan``.

    Fernández-Hernández et al. (2025): in PyTorch's (out, in, …kernel…)
    order, with the input and kernel axes flattened to :math:`n` columns,

    .. math::

        W_{ij} = a \sin(k_i x_j + \phi_i), \quad k_i = i, \quad
        x_j = \frac{2\pi j}{n}, \quad \phi_i = \frac{2\pi i}{n_\mathrm{out}},

    :math:`i = 1 \ldots n_\mathrm{out}`, :math:`j = 0 \ldots n - 1`, as the
    authors' ``sinusoidal_`` (jmiravet/Sinusoidal-Initialization,
    ``initialize.py``) computes it. The amplitude is theirs,
    :math:`a = \sqrt{\mathrm{scale} / (s^2 \cdot \mathrm{fan})}`, with
    :math:`s^2` the sample variance (``ddof=1``, ``torch.var(unbiased=True)``)
    of the unscaled pattern; the default, ``scale=1`` and ``mode='fan_avg'``,
    is the version shared with the paper, :math:`a^2 s^2 = 2 / (n +
    n_\mathrm{out})`: the sides of the (n_out, n) matrix, so for a
    convolution kernel :math:`n_\mathrm{out}` is the output channels alone
    (not variance scaling's fan_out, which counts the kernel too). Their code
    since December 2025 takes ``mode`` and ``gain`` with defaults
    ``'fan_in'`` and √2 and PyTorch's fans: here ``scale=2, mode='fan_in'``
    (``'fan_out'``: PyTorch's fan_out, output channels times the kernel). In
    the Keras layout the same values are moved to (…kernel…, in, out).

    Parameters
    ----------
    scale : float, default 1.0
        Must be finite and > 0.
    mode : {'fan_in', 'fan_out', 'fan_avg'}, default 'fan_avg'
        ``'fan_in'``, ``'fan_out'``: PyTorch's fans of the shape;
        ``'fan_avg'``: :math:`(n + n_\mathrm{out}) / 2`, the matrix's sides,
        as the paper's version.

    Raises
    ------
    ValueError
        For a shape of rank other than 2 to 5, a zero fan, or a pattern that
        is zero up to rounding (a single weight, or fewer than 3 waves or
        positions along an axis of size 1 or 2): it has no amplitude to scale.

    Notes
    -----
    The population variance of the entries (the declared variance of the
    :class:`~weightinit.distributions.Constant` array) is
    :math:`\mathrm{scale} / \mathrm{fan} \cdot (N - 1) / N` for N entries,
    as the sample variance is scaled; the mean is that of the entries (0 but
    for rows whose wave number is a multiple of n).

    References
    ----------
    Fernández-Hernández, Mestre, Dolz, Duato & Quintana-Ortí (2025),
    Sinusoidal Initialization, Time for a New Start, NeurIPS.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.sinusoidal((4, 3), layout="torch")
    >>> round(float(W.var(ddof=1)), 12)   # 2 / (4 + 3)
    0.285714285714
    """
    in_axis, out_axis = _kernel_axes(geometry, "sinusoidal")
    shape = geometry.shape
    if math.prod(shape) == 0:
        return _empty(shape)
    kernel = tuple(size for axis, size in enumerate(shape) if axis not in (in_axis, out_axis))
    n_out, n_flat = shape[out_axis], shape[in_axis] * math.prod(kernel)
    fan = (n_flat + n_out) / 2.0 if mode == "fan_avg" else _divisor(geometry, mode)
    pattern = sinusoidal_pattern(n_out, n_flat)
    spread = float(np.var(pattern, ddof=1)) if pattern.size > 1 else 0.0
    if not spread > _FLAT:
        raise ValueError(
            f"sinusoidal's pattern for shape={shown(shape)} ({n_out} waves over {n_flat} "
            f"positions) is zero up to rounding (sample variance {spread:.3g}): it has no "
            "amplitude to scale."
        )
    torch_order = (pattern * math.sqrt(scale / (spread * fan))).reshape(
        n_out, shape[in_axis], *kernel
    )
    return _fixed(np.moveaxis(torch_order, (0, 1), (out_axis, in_axis)))


@scheme(
    "spectral",
    params=(Param("scale", 1.0, real_check()),),
    info=SchemeInfo(
        origin=ORIGIN,
        distribution="Haar orthogonal",
        scale="scale · √(d_out / d_in), the matrix view's sides (d_in = in · kernel)",
        formula="scale · √(d_out / d_in) · Q, QᵀQ = I (or QQᵀ = I)",
        reference=SPECTRAL,
        axes="flattened to the (d_in, d_out) matrix whose columns are the output axes (layout's)",
    ),
)
def spectral(geometry: Geometry, *, scale: float) -> Distribution:
    r"""A Haar semi-orthogonal matrix times :math:`\mathrm{scale} \sqrt{d_\mathrm{out} / d_\mathrm{in}}`.

    The spectral condition of Yang, Simon & Bernstein (2023): a weight's
    spectral norm :math:`\Theta(\sqrt{d_\mathrm{out} / d_\mathrm{in}})`;
    every singular value is exactly :math:`\mathrm{scale}\sqrt{d_\mathrm{out}
    / d_\mathrm{in}}`. The array is viewed as :func:`~weightinit.orthogonal`
    views it, the (d_in, d_out) matrix whose columns run over the output axes
    (for a kernel, :math:`d_\mathrm{in}` counts the input channels times the
    kernel's positions, :math:`d_\mathrm{out}` the output channels); its law
    is :func:`~weightinit.orthogonal`'s with that gain.

    Parameters
    ----------
    scale : float, default 1.0

    Notes
    -----
    Mean 0, variance :math:`\mathrm{scale}^2 (d_\mathrm{out} / d_\mathrm{in})
    / \max(d_\mathrm{in}, d_\mathrm{out})`.

    References
    ----------
    Yang, Simon & Bernstein (2023), A Spectral Condition for Feature
    Learning, arXiv:2310.17813.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> W = wi.spectral((64, 256), rng=0)          # Keras (in, out)
    >>> bool(np.allclose(np.linalg.svd(W, compute_uv=False), 2.0))
    True
    """
    _, out_axes = geometry.axes("spectral")
    _, rows, cols = matrix_axes(geometry.shape, out_axes)
    ratio = math.sqrt(cols / rows) if rows and cols else 1.0
    return Orthogonal(scale * ratio, geometry.shape, out_axes)


@scheme(
    "martens_sparse",
    params=(
        Param("k", 15, int_check(minimum=1)),
        Param("scale", 1.0, real_check(positive=True)),
    ),
    info=SchemeInfo(
        origin=ORIGIN,
        distribution="sparse normal",
        scale="scale",
        formula="N(0, scale²) at k random inputs per output unit, 0 elsewhere",
        reference=MARTENS,
        axes="zeros along the input axis, per output unit (Keras: per column of (in, out))",
        differences=(
            "not PyTorch's `sparse`, which zeroes ⌈sparsity · n_out⌉ of each input's outgoing "
            "weights and draws the rest with std 0.01: here each output unit has exactly k "
            "nonzero incoming weights, N(0, scale²)"
        ),
    ),
)
def martens_sparse(geometry: Geometry, *, k: int, scale: float) -> Distribution:
    r"""Martens' sparse initialization: exactly ``k`` nonzero incoming weights per unit; 2-D only.

    Martens (2010), §5: each unit receives exactly ``k`` nonzero weights
    (15 in the paper), from inputs at random positions, drawn from
    N(0, scale²) (a unit Gaussian by default); the other ``fan_in - k``
    incoming weights are 0. In the Keras layout (in, out) by default: each
    column has ``k`` nonzeros.

    It is not PyTorch's ``sparse_`` (:func:`~weightinit.sparse`), which
    zeroes a fraction ``sparsity`` of each *input*'s outgoing weights
    (per column of (out, in)) and draws the rest with std 0.01: there the
    number of nonzeros a unit receives varies; here it is fixed, and does
    not grow with the layer's width.

    Parameters
    ----------
    k : int, default 15
        Nonzero incoming weights per unit: 1 <= k <= fan_in.
    scale : float, default 1.0
        Standard deviation of the nonzero weights; must be > 0.

    Raises
    ------
    ValueError
        If ``k`` exceeds the fan-in, or the shape is not 2-D.

    Notes
    -----
    Mean 0, variance :math:`\mathrm{scale}^2 \, k / \mathrm{fan_{in}}`. The
    positions are drawn from ``rng``, as :func:`~weightinit.sparse` draws its
    zeros.

    References
    ----------
    Martens (2010), Deep learning via Hessian-free optimization, ICML.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.martens_sparse((100, 20), k=15, rng=0)    # Keras (in, out)
    >>> sorted(set(int((column != 0).sum()) for column in W.T))
    [15]
    """
    geometry.require_rank("martens_sparse", (2,))
    in_axis, _ = geometry.single_axes("martens_sparse")
    shape = (geometry.shape[0], geometry.shape[1])
    fan_in = shape[in_axis]
    if math.prod(shape) == 0:  # no unit has weights to draw
        return Sparse(scale, 0, shape, in_axis)
    if k > fan_in:
        raise ValueError(
            f"k must be at most the fan-in; got k={k} with fan_in={fan_in} for shape={shown(shape)}."
        )
    return Sparse(scale, fan_in - k, shape, in_axis)  # zeros counted along the input axis


__test__ = doctests(globals())
