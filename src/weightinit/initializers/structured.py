"""The structured schemes, whose elements are not independent: orthogonal, identity, dirac, sparse.

Each needs a shape of a given rank (:meth:`~weightinit.fans.Geometry.require_rank`)
and computes the whole array, even for a ``region=``.
"""

from __future__ import annotations

import math

import numpy as np

from .._define import scheme
from .._initializer import REQUIRED, Param
from .._names import Aliases, SchemeInfo
from .._validation import check_number, int_check, real_check
from ..distributions import DeltaOrthogonal, Distribution, Indicator, Orthogonal, Sparse
from ..fans import Geometry
from ._docs import HAIKU, JAX, KERAS, SAXE, TORCH, doctests

__all__ = [
    "ORTHOGONAL_AXES",
    "delta_orthogonal",
    "dirac",
    "eye",
    "haiku_orthogonal",
    "identity",
    "jax_orthogonal",
    "orthogonal",
    "sparse",
]


#: How the orthogonal schemes read the shape, for docs/names.md.
ORTHOGONAL_AXES = "flattened to a matrix whose columns are the output axes (layout's, or `out_axis`/`output_axes`)"


@scheme(
    "orthogonal",
    params=(Param("gain", 1.0, real_check()),),
    info=SchemeInfo(
        origin=KERAS,
        distribution="Haar orthogonal",
        scale="gain",
        formula="gain · Q, QᵀQ = I (or QQᵀ = I)",
        reference=SAXE,
        keras_class="Orthogonal",
        keras_args=("gain",),
        aliases=Aliases(keras=("OrthogonalInitializer",)),
        axes=ORTHOGONAL_AXES,
    ),
)
def orthogonal(geometry: Geometry, *, gain: float) -> Distribution:
    r"""A (semi-)orthogonal matrix, Haar-distributed, times ``gain``.

    The array is flattened to a (rows, cols) matrix whose columns are the
    output axes (Keras: the last axis; ``layout='torch'``: the first, as
    PyTorch's ``orthogonal_``). Tall matrices get orthonormal columns, wide
    ones orthonormal rows.

    Parameters
    ----------
    gain : float, default 1.0

    Notes
    -----
    The Q factor of a standard normal matrix with R's diagonal made positive
    (Mezzadri, 2007), which makes Q exactly Haar-distributed; it is formed
    from the Householder reflectors alone, in blocks of matrix products, in
    float64 (see :class:`~weightinit.distributions.Orthogonal`). Every entry
    has mean 0 and variance
    :math:`\mathrm{gain}^2 / \max(\mathrm{rows}, \mathrm{cols})`.

    The rows and columns are not independent, so ``region=`` computes the
    whole matrix and returns the requested part of it (so do ``identity``,
    ``eye``, ``dirac``, ``delta_orthogonal`` and ``sparse``).

    References
    ----------
    Saxe, McClelland & Ganguli (2014), Exact solutions to the nonlinear
    dynamics of learning in deep linear neural networks, ICLR.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> Q = wi.orthogonal((64, 32), rng=0)
    >>> bool(np.allclose(Q.T @ Q, np.eye(32)))
    True
    """
    _, out_axes = geometry.axes("orthogonal")
    return Orthogonal(gain, geometry.shape, out_axes)


@scheme(
    "jax_orthogonal",
    params=(Param("scale", 1.0, real_check()), Param("column_axis", -1, int_check())),
    info=SchemeInfo(
        origin=JAX,
        distribution="Haar orthogonal",
        scale="scale",
        formula="scale · Q, orthonormal along column_axis",
        reference=SAXE,
        aliases=Aliases(jax=("orthogonal",)),
        axes="`column_axis` holds the columns; the other axes are flattened into rows",
    ),
)
def jax_orthogonal(geometry: Geometry, *, scale: float, column_axis: int) -> Distribution:
    """A (semi-)orthogonal matrix times ``scale``, as JAX's ``orthogonal``.

    The array is viewed as a matrix whose columns run along ``column_axis``
    (all other axes flattened into rows); the law is :func:`orthogonal`'s.

    Parameters
    ----------
    scale : float, default 1.0
    column_axis : int, default -1
        The axis holding the columns.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> Q = wi.jax_orthogonal((32, 64), column_axis=0, rng=0)
    >>> bool(np.allclose(Q @ Q.T, np.eye(32)))
    True
    """
    return _orthogonal_along(geometry, "jax_orthogonal", scale, "column_axis", column_axis)


def _orthogonal_along(
    geometry: Geometry, name: str, scale: float, axis_name: str, axis: int
) -> Orthogonal:
    """``scale`` times a Haar matrix whose columns run along ``axis`` (JAX's and Haiku's ``orthogonal``)."""
    geometry.require_rank(name)
    rank = len(geometry.shape)
    if not -rank <= axis < rank:
        raise ValueError(
            f"{axis_name} must be an axis of shape={geometry.shape!r}; got {axis_name}={axis}."
        )
    return Orthogonal(scale, geometry.shape, (axis % rank,))


@scheme(
    "haiku_orthogonal",
    params=(Param("scale", 1.0, real_check()), Param("axis", -1, int_check())),
    info=SchemeInfo(
        origin=HAIKU,
        distribution="Haar orthogonal",
        scale="scale",
        formula="scale · Q, orthonormal along axis",
        reference=SAXE,
        aliases=Aliases(haiku=("Orthogonal",)),
        axes="`axis` is the output dimension; the other axes are flattened",
    ),
)
def haiku_orthogonal(geometry: Geometry, *, scale: float, axis: int) -> Distribution:
    """A (semi-)orthogonal matrix times ``scale``, as Haiku's ``Orthogonal``.

    Haiku flattens every axis but ``axis`` (the output dimension) into one,
    draws a Haar matrix of shape (shape[axis], rest) and moves its first axis
    back to ``axis``: the law of :func:`jax_orthogonal` with
    ``column_axis=axis`` (a Haar matrix's transpose is Haar).

    Parameters
    ----------
    scale : float, default 1.0
    axis : int, default -1
        The output dimension: an axis of the shape.

    References
    ----------
    Haiku, ``haiku.initializers.Orthogonal``.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> Q = wi.haiku_orthogonal((3, 3, 4, 8), scale=2.0, rng=0)
    >>> M = Q.reshape(-1, 8)
    >>> bool(np.allclose(M.T @ M, 4.0 * np.eye(8)))
    True
    """
    return _orthogonal_along(geometry, "haiku_orthogonal", scale, "axis", axis)


def _indicator(value: float, shape: tuple[int, ...], index: list[np.ndarray]) -> Indicator:
    return Indicator(value, shape, tuple(np.asarray(i, dtype=np.intp) for i in index))


@scheme(
    "identity",
    params=(Param("gain", 1.0, check_number),),
    random=False,
    info=SchemeInfo(
        origin=KERAS,
        distribution="constant",
        scale="gain",
        formula="gain · I (rectangular, per trailing 2-D block)",
        keras_class="Identity",
        keras_args=("gain",),
        aliases=Aliases(keras=("IdentityInitializer",), haiku=("Identity",)),
        axes="the last two axes; leading axes are a batch",
        differences="Keras' Identity takes 2-D shapes only; a batch of leading axes is Haiku's Identity",
    ),
)
def identity(geometry: Geometry, *, gain: float) -> Distribution:
    """``gain`` times the identity matrix, rectangular, batched over leading axes.

    Each trailing 2-D block is ``gain * eye(n, m)``.

    Parameters
    ----------
    gain : float or int, default 1.0
        An int is written exactly into an integer dtype that holds it, and
        refused by one that does not.

    Notes
    -----
    With k = min(n, m) ones per n x m block, the per-element mean is
    ``gain * k / (n m)`` and the variance ``gain**2 * p * (1 - p)``, p = k / (n m).

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.identity((2, 3), gain=2.0)
    array([[2., 0., 0.],
           [0., 2., 0.]])
    """
    geometry.require_rank("identity")
    *lead, n, m = geometry.shape
    grid = np.indices((*lead, min(n, m))).reshape(len(lead) + 1, -1)
    return _indicator(gain, geometry.shape, [*grid[:-1], grid[-1], grid[-1]])


@scheme(
    "eye",
    random=False,
    info=SchemeInfo(
        origin=TORCH,
        distribution="constant",
        formula="I (rectangular)",
        aliases=Aliases(torch=("eye", "eye_")),
        axes="2-D only; layout not read",
    ),
)
def eye(geometry: Geometry) -> Distribution:
    """The (rectangular) identity matrix, as PyTorch's ``eye_``; 2-D only.

    Examples
    --------
    >>> import weightinit as wi
    >>> wi.eye((2, 2))
    array([[1., 0.],
           [0., 1.]])
    """
    geometry.require_rank("eye", (2,))
    diagonal = np.arange(min(geometry.shape))
    return _indicator(1.0, geometry.shape, [diagonal, diagonal])


@scheme(
    "dirac",
    params=(Param("groups", 1, int_check(minimum=1)),),
    random=False,
    info=SchemeInfo(
        origin=TORCH,
        distribution="constant",
        formula="Dirac delta per channel (identity convolution)",
        aliases=Aliases(torch=("dirac", "dirac_")),
        axes="output and input channels by layout (or one `in_axis`, `out_axis`); centre index size // 2",
    ),
)
def dirac(geometry: Geometry, *, groups: int) -> Distribution:
    """A Dirac delta at each kernel's centre: the identity convolution, as PyTorch's ``dirac_``.

    For 3-, 4- and 5-D kernels, in PyTorch's layout (out, in, …kernel…) by
    default, the centre at index ``size // 2`` of each kernel axis (as
    torch/nn/init.py ``dirac_``). Within each of ``groups`` groups of output
    channels, output channel ``d`` passes input channel ``d`` through.

    Parameters
    ----------
    groups : int, default 1
        Must divide the number of output channels.

    Examples
    --------
    >>> import weightinit as wi
    >>> K = wi.dirac((4, 4, 3, 3))            # PyTorch's layout (out, in, h, w)
    >>> K[:, :, 1, 1]
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    """
    geometry.require_rank("dirac", (3, 4, 5))
    in_axis, out_axis = geometry.single_axes("dirac")
    shape = geometry.shape
    if shape[out_axis] % groups:
        raise ValueError(
            f"groups must divide the number of output channels; got groups={groups} "
            f"with {shape[out_axis]} output channels in shape={shape!r}."
        )
    if math.prod(shape) == 0:  # a zero-size kernel axis has no centre (and 0 has any divisor)
        outputs = inputs = np.empty(0, dtype=np.intp)
    else:  # groups divides a positive channel count, so it is at most that count
        per_group = shape[out_axis] // groups
        channels = np.arange(min(per_group, shape[in_axis]))
        outputs = (np.arange(groups)[:, None] * per_group + channels[None, :]).ravel()
        inputs = np.tile(channels, groups)
    index: list[np.ndarray] = [np.full(outputs.size, size // 2) for size in shape]
    index[out_axis] = outputs
    index[in_axis] = inputs
    return _indicator(1.0, shape, index)


@scheme(
    "delta_orthogonal",
    params=(
        Param("scale", 1.0, real_check()),
        Param("column_axis", -1, int_check(minimum=-2, maximum=1)),
    ),
    info=SchemeInfo(
        origin=JAX,
        distribution="orthogonal at kernel centre",
        scale="scale",
        formula="scale · Q at the centre ((k - 1) // 2 per spatial axis), 0 elsewhere",
        reference="Xiao et al. (2018), Dynamical Isometry and a Mean Field Theory of CNNs, ICML",
        aliases=Aliases(jax=("delta_orthogonal",)),
        axes="in and out channels by layout (JAX: the last two axes); centre at (k − 1) // 2",
    ),
)
def delta_orthogonal(geometry: Geometry, *, scale: float, column_axis: int) -> Distribution:
    r"""An orthogonal (in, out) matrix at the kernel's centre, zeros elsewhere (JAX).

    For 3-, 4- and 5-D convolution kernels with no more input than output
    channels; keeps the signal's norm exactly through deep CNNs. The centre
    is index ``(k - 1) // 2`` of each spatial axis of size ``k``, as in JAX's
    ``delta_orthogonal`` (so the first of the two middle positions of an
    even kernel; PyTorch's ``dirac_`` takes ``k // 2``).

    Parameters
    ----------
    scale : float, default 1.0
        Multiplies the orthogonal matrix.
    column_axis : {-1, -2, 0, 1}, default -1
        JAX's ``column_axis``: the axis of the (in, out) centre matrix whose
        columns its ``orthogonal`` draws (-1 or 1: the output axis, -2 or 0:
        the input axis). As the centre has no more rows than columns, every
        value gives the same law (Haar, orthonormal rows), and here the same
        values.

    Notes
    -----
    With K spatial positions, mean 0 and variance
    :math:`\mathrm{scale}^2 / (K \cdot n_\mathrm{out})`.

    References
    ----------
    Xiao et al. (2018), Dynamical Isometry and a Mean Field Theory of CNNs:
    How to Train 10,000-Layer Vanilla Convolutional Neural Networks, ICML.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> K = wi.delta_orthogonal((3, 3, 16, 32), rng=0)
    >>> bool(np.allclose(K[1, 1] @ K[1, 1].T, np.eye(16))), float(abs(K[0, 0]).max())
    (True, 0.0)
    >>> bool(abs(wi.delta_orthogonal((4, 4, 2, 2), rng=0)[1, 1]).max() > 0)   # (4 - 1) // 2
    True
    """
    geometry.require_rank("delta_orthogonal", (3, 4, 5))
    in_axis, out_axis = geometry.single_axes("delta_orthogonal")
    n_in, n_out = geometry.shape[in_axis], geometry.shape[out_axis]
    if n_in > n_out:
        raise ValueError(
            "delta_orthogonal needs no more input than output channels; got "
            f"{n_in} inputs and {n_out} outputs in shape={geometry.shape!r}."
        )
    return DeltaOrthogonal(scale, geometry.shape, in_axis, out_axis, column_axis)


@scheme(
    "sparse",
    params=(
        Param("sparsity", REQUIRED, real_check(nonnegative=True, at_most=1.0)),
        Param("std", 0.01, real_check(positive=True)),
    ),
    info=SchemeInfo(
        origin=TORCH,
        distribution="sparse normal",
        formula="N(0, std²), ⌈sparsity · n_out⌉ zeros per input",
        reference="Martens (2010), Deep learning via Hessian-free optimization, ICML",
        aliases=Aliases(torch=("sparse", "sparse_")),
        example={"sparsity": 0.25},
        axes="zeros along the output axis, per input unit (PyTorch: per column of (out, in))",
        differences="the zeros' positions are drawn from `rng` (PyTorch draws them from its global generator)",
    ),
)
def sparse(geometry: Geometry, *, sparsity: float, std: float) -> Distribution:
    r"""A sparse normal matrix, as PyTorch's ``sparse_``; 2-D only, (out, in) by default.

    For each input unit, exactly ``ceil(sparsity * n_out)`` of its outgoing
    weights are zero (PyTorch: per column of the (out, in) matrix); the rest
    are N(0, std²). Unlike PyTorch's, the zeros are drawn from ``rng``, so the
    result is reproducible.

    Parameters
    ----------
    sparsity : float
        Fraction of zeros, in [0, 1]. Required.
    std : float, default 0.01
        Must be > 0.

    Notes
    -----
    Mean 0, variance :math:`\mathrm{std}^2 (1 - z / n_\mathrm{out})` with
    :math:`z = \lceil \mathrm{sparsity} \cdot n_\mathrm{out} \rceil`.

    The zeros of each input unit are the positions of the smallest of
    ``n_out`` uniform float64 keys; the keys are drawn a few units at a time
    (about 2**18 keys, at least one unit's), so besides the array a fill takes
    a few MiB, in float32 as in float64.

    References
    ----------
    Martens (2010), Deep learning via Hessian-free optimization, ICML.

    Examples
    --------
    >>> import weightinit as wi
    >>> W = wi.sparse((10, 20), sparsity=0.25, rng=0)   # PyTorch's (out, in)
    >>> [int((column == 0).sum()) for column in W.T[:3]]
    [3, 3, 3]
    """
    geometry.require_rank("sparse", (2,))
    _, out_axis = geometry.single_axes("sparse")
    shape = (geometry.shape[0], geometry.shape[1])
    return Sparse(std, math.ceil(sparsity * shape[out_axis]), shape, out_axis)


__test__ = doctests(globals())
