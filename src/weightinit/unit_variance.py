r"""LSUV: rescale a NumPy model's weights in place, layer by layer, until each layer's output has unit variance on a batch.

Layer-sequential unit-variance initialization (Mishkin & Matas, 2016):
orthonormal weights first, then each layer's weight divided by the standard
deviation of its output on a batch, from the first layer to the last. The
model is the user's: a parameter tree (:func:`~weightinit.init_params`'s) and
a NumPy ``forward(params, x)`` that returns each weight's layer output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._engine import call_seed
from ._initializer import Initializer
from ._validation import check_int, check_real, check_seed_source, describe, did_you_mean, shown
from .distributions import Orthogonal
from .initializers.structured import orthogonal
from .models import leaves, param_seed
from .registry import get

__all__ = ["LSUVLayer", "lsuv"]

Array = np.ndarray[Any, Any]
Forward = Callable[[Any, Any], Any]


class LSUVLayer(NamedTuple):
    """What :func:`lsuv` did to one weight: its passes, variances and scale, and whether it converged.

    ``iterations`` is the number of passes (rescalings, each followed by a
    forward call); ``initial_variance`` the output's variance before the
    first pass (after the orthonormal pre-initialization, if any);
    ``variance`` its variance after the last pass; ``scale`` the product of
    the passes' factors ``1/sqrt(v)``, so the weight is ``scale`` times the
    orthonormal matrix (or the weight as given); ``converged`` whether
    ``|variance - 1| < tol``.
    """

    iterations: int
    initial_variance: float
    variance: float
    scale: float
    converged: bool


def _pre_init(orthonormal: Any) -> Initializer | None:
    """The orthonormal scheme ``orthonormal`` asks for: Keras' ``orthogonal``, none, or one given."""
    if isinstance(orthonormal, (bool, np.bool_)):
        return orthogonal if orthonormal else None
    try:
        init = get(orthonormal)
    except (TypeError, ValueError) as error:
        raise TypeError(
            "orthonormal must be True, False or an orthogonal initializer of gain 1 (e.g. "
            f"wi.orthogonal.partial(layout='torch')); got {describe('orthonormal', orthonormal)}: "
            f"{error}"
        ) from None
    if not isinstance(init, Initializer):
        raise TypeError(
            "orthonormal must be True, False or an orthogonal initializer of gain 1 (e.g. "
            f"wi.orthogonal.partial(layout='torch')); got {describe('orthonormal', orthonormal)}."
        )
    return init


def _check_pre_init(init: Initializer, path: str, weight: Array) -> None:
    """Refuse a pre-initialization that is not an orthonormal (gain 1) law for this weight."""
    try:
        law = init.distribution(shape=weight.shape)
    except (TypeError, ValueError) as error:
        raise type(error)(f"the weight {shown(path)}: {error}") from None
    if not isinstance(law, Orthogonal) or law.gain != 1.0:
        raise ValueError(
            f"orthonormal must be an orthogonal initializer of gain 1; {init!r} gives {law!r} "
            f"for the weight {shown(path)} of shape {weight.shape}."
        )


def _check_paths(paths: Any, tree: dict[str, Any]) -> list[str] | None:
    """``paths`` as a list of the tree's paths, each once (``None`` stays ``None``)."""
    if paths is None:
        return None
    if isinstance(paths, (str, bytes)) or not isinstance(paths, Sequence):
        raise TypeError(
            f"paths must be None or a sequence of str paths (a list, not one str); got "
            f"{describe('paths', paths)}."
        )
    result: list[str] = []
    for index, path in enumerate(paths):
        if not isinstance(path, str):
            raise TypeError(f"paths must contain strs; got {describe(f'paths[{index}]', path)}.")
        if path not in tree:
            raise ValueError(
                f"paths must name parameters of params; got paths[{index}]={shown(path)}, which "
                f"is not a path of params{did_you_mean(path, tree)}."
            )
        if path in result:
            raise ValueError(f"paths must name each weight once; got {shown(path)} twice.")
        result.append(path)
    if not result:
        raise ValueError("paths must name at least one weight; got paths=[] (empty).")
    return result


def _outputs(result: Any, tree: dict[str, Any]) -> dict[str, Array]:
    """forward's result, checked: a mapping from paths of ``params`` to real, non-empty arrays."""
    if not isinstance(result, Mapping):
        raise TypeError(
            "forward(params, batch) must return a mapping from weight paths to their layers' "
            f"outputs; got {describe('forward(params, batch)', result)}."
        )
    outputs: dict[str, Array] = {}
    for path, value in result.items():
        if not isinstance(path, str) or path not in tree:
            known = did_you_mean(path, tree) if isinstance(path, str) else ""
            raise ValueError(
                "forward(params, batch) must return outputs keyed by paths of params; got the "
                f"key {shown(path)}, which is not a path of params{known}."
            )
        array = np.asarray(value)
        if array.dtype.kind not in "fiu" or array.size == 0:
            raise ValueError(
                f"forward(params, batch) must return a non-empty real array for each path; got "
                f"{shown(path)}: an array of dtype {array.dtype} and shape {array.shape}."
            )
        outputs[path] = array
    return outputs


def _check_weight(path: str, weight: Any) -> Array:
    """The weight at ``path``: a writeable, non-empty float16, float32 or float64 array."""
    if not isinstance(weight, np.ndarray):
        raise TypeError(
            f"the weight {shown(path)} must be a numpy array (params as init_params returns "
            f"them); got {describe(path, weight)}."
        )
    if weight.dtype.kind != "f" or not weight.dtype.isnative:
        raise TypeError(
            f"the weight {shown(path)} must be a float16, float32 or float64 array; got "
            f"dtype={weight.dtype.str!r}."
        )
    if not weight.flags.writeable or weight.size == 0:
        raise ValueError(
            f"the weight {shown(path)} must be a writeable, non-empty array (LSUV changes it "
            f"in place); got {'a read-only' if weight.size else 'an empty'} array of shape "
            f"{weight.shape}."
        )
    return weight


def _check_shared(weights: dict[str, Array]) -> None:
    """Refuse weights that share memory: each is rescaled on its own."""
    items = list(weights.items())
    for i, (path, weight) in enumerate(items):
        for other, array in items[i + 1 :]:
            if np.shares_memory(weight, array):
                raise ValueError(
                    f"the weights {shown(path)} and {shown(other)} share memory (tied or views "
                    "of one array); LSUV rescales each weight on its own: list only one of them "
                    "in paths."
                )


def _variance(outputs: dict[str, Array], path: str) -> float:
    """The variance of the layer's output, over all its elements: finite and > 0, or a ValueError."""
    if path not in outputs:
        raise ValueError(
            f"forward(params, batch) must return an output for every weight LSUV rescales; "
            f"got none for {shown(path)}."
        )
    with np.errstate(invalid="ignore", over="ignore"):  # an inf or NaN output: refused below
        variance = float(np.var(outputs[path], dtype=np.float64))
    if not (math.isfinite(variance) and variance > 0):
        raise ValueError(
            f"the layer {shown(path)}: its output's variance on the batch is {variance!r}; LSUV "
            "divides the weight by its square root, so it must be finite and > 0 (an output "
            "that is constant, or that overflows, cannot be rescaled)."
        )
    return variance


def _fit(
    path: str,
    weight: Array,
    base: Array,
    step: Callable[[], dict[str, Array]],
    outputs: dict[str, Array],
    tol: float,
    max_iter: int,
) -> tuple[LSUVLayer, dict[str, Array]]:
    """Rescale one weight until its output's variance is within ``tol`` of 1, or ``max_iter`` passes."""
    variance = initial = _variance(outputs, path)
    scale, passes = 1.0, 0
    while abs(variance - 1.0) >= tol and passes < max_iter:
        scale /= math.sqrt(variance)
        # In float64 then rounded once into the weight's dtype, under NumPy 1.x and 2.x alike.
        np.multiply(base, scale, out=weight, dtype=np.float64, casting="same_kind")
        outputs = step()
        variance = _variance(outputs, path)
        passes += 1
    return LSUVLayer(passes, initial, variance, scale, abs(variance - 1.0) < tol), outputs


def lsuv(
    params: Any,
    forward: Forward,
    batch: Any,
    *,
    paths: Sequence[str] | None = None,
    tol: float = 0.1,
    max_iter: int = 10,
    orthonormal: Any = True,
    rng: Any = None,
) -> dict[str, LSUVLayer]:
    r"""Layer-sequential unit-variance initialization: each layer's output variance made 1 on a batch.

    Mishkin & Matas (2016), Algorithm 1, with its weights changed in place:

    1. With ``orthonormal``, every weight it rescales is first replaced by an
       orthonormal matrix of its shape: ``orthogonal(shape,
       rng=param_seed(root, path))``, ``root`` drawn once from ``rng`` (as
       :func:`~weightinit.init_params` seeds a tree), so each weight depends
       on ``rng`` and its path only, not on the order or the other weights.
    2. For each weight ``W`` in the order ``forward`` returns them, with
       ``v`` the variance of its layer's output over all its elements
       (``np.var`` of the whole array, in float64): while ``|v - 1| >= tol``
       and fewer than ``max_iter`` passes were made, one *pass*: ``W /=
       sqrt(v)``, then one call of ``forward(params, batch)`` that measures the
       new ``v``. The next weight starts from that call's outputs.

    ``forward`` is so called once on the weights as given (to check it
    before anything changes), once after the orthonormal draw (if any), and
    once per pass.

    Only the listed weights change; biases (and every other parameter) are
    not touched, as in the paper. Each weight ends as ``W₀ · scale``, with
    ``W₀`` the orthonormal matrix (or the weight as given) and ``scale`` the
    product of its passes' factors, rounded once to the weight's dtype.

    Parameters
    ----------
    params : dict, list or tuple
        A parameter tree of NumPy arrays, as :func:`~weightinit.init_params`
        returns it. The weights rescaled must be writeable float16, float32
        or float64 arrays that share no memory.
    forward : callable
        ``forward(params, x)``: the model's forward pass, a pure NumPy
        function of its arguments (no dropout, no state: the same params
        give the same outputs), returning a mapping from the paths of the
        weights (``"layers.0.w"``) to their layers' outputs on ``x`` (the
        pre-activations, as the paper's convolution and inner-product
        layers), in layer order.
    batch : any
        The ``x`` given to ``forward``: a batch of data. The paper uses a
        mini-batch of the training data; larger batches give variances that
        hold better for other data.
    paths : sequence of str, optional
        The weights to rescale, in any order (they are taken in the order
        ``forward`` returns them); by default every path ``forward`` returns.
    tol : float, default 0.1
        The tolerance: a layer has converged when ``|v - 1| < tol``
        (the paper's ``Tol_var``).
    max_iter : int, default 10
        The most passes per layer (the paper's ``T_max``); >= 1.
    orthonormal : bool or initializer, default True
        ``True``: :func:`~weightinit.orthogonal`, Keras' scheme (a Haar
        (semi-)orthogonal matrix, the law of Saxe et al.'s SVD construction
        that the paper uses), whose columns are the last axis: ``x @ W``
        kernels ``(in, out)``, HWIO convolution kernels. For weights whose
        output axis is the first (PyTorch's ``(out, in, *kernel)``), pass
        ``wi.orthogonal.partial(layout='torch')``, as the paper's Caffe code
        flattens its kernels. Any orthogonal initializer of gain 1 (or its
        name); ``False`` keeps the weights as given.
    rng : {None, int, numpy.random.SeedSequence, numpy.random.Generator}, optional
        The root seed of the orthonormal matrices (unused without them).

    Returns
    -------
    dict of str to LSUVLayer
        For each rescaled weight, in forward's order: its passes, its
        output's variance before and after them, its scale and whether it
        converged.

    Raises
    ------
    TypeError, ValueError
        Before anything changes: a bad ``tol``, ``max_iter``, ``orthonormal``,
        ``rng`` or ``paths`` (a path not in ``params``); ``forward`` not
        callable, or returning something other than a mapping from paths of
        ``params`` to non-empty real arrays, or no output for a listed
        weight; a weight that is not a writeable float array, or that shares
        memory with another one; an orthonormal scheme that cannot take a
        weight's shape (a vector). Later, naming the path: an output whose
        variance is 0 or not finite. Whatever goes wrong, ``forward``'s own
        errors too, the weights are restored to their values before the call.

    Notes
    -----
    A layer that has not converged after ``max_iter`` passes is reported
    with ``converged=False`` and left as its last pass made it, as the paper
    stops there; no error is raised. Without biases (or with zero biases) a
    layer's output is linear in its weight and one pass brings ``v`` to 1 up
    to rounding; a bias, or a normalization after the layer, can need more
    passes, or keep ``v`` from ever reaching 1.

    The guarantee is for ``batch`` alone: on other data the variances are
    near 1 only as far as the batch represents it.

    References
    ----------
    Mishkin & Matas (2016), All you need is a good init, ICLR; Algorithm 1.
    Saxe, McClelland & Ganguli (2014), Exact solutions to the nonlinear
    dynamics of learning in deep linear neural networks, ICLR.

    Examples
    --------
    >>> import numpy as np, weightinit as wi
    >>> from weightinit.unit_variance import lsuv
    >>> params = wi.init_params({"l0": (16, 32), "l1": (32, 8)}, {"*": "zeros"})
    >>> def forward(p, x):
    ...     h0 = x @ p["l0"]
    ...     return {"l0": h0, "l1": np.tanh(h0) @ p["l1"]}
    >>> x = np.random.default_rng(0).standard_normal((256, 16)) * 3.0
    >>> report = lsuv(params, forward, x, rng=0)
    >>> [(path, r.iterations, r.converged) for path, r in report.items()]
    [('l0', 1, True), ('l1', 1, True)]
    >>> round(float(np.var(x @ params["l0"])), 12)
    1.0
    """
    tol = check_real("tol", tol, positive=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    pre_init = _pre_init(orthonormal)
    check_seed_source(rng)
    if not callable(forward):
        raise TypeError(f"forward must be callable; got {describe('forward', forward)}.")
    tree = dict(leaves(params))
    listed = _check_paths(paths, tree)
    outputs = _outputs(forward(params, batch), tree)
    missing = [path for path in listed or () if path not in outputs]
    if missing:
        raise ValueError(
            "forward(params, batch) must return an output for every path in paths; got none "
            f"for {', '.join(map(shown, missing))}."
        )
    order = [path for path in outputs if listed is None or path in listed]
    weights = {path: _check_weight(path, tree[path]) for path in order}
    _check_shared(weights)
    if pre_init is not None:
        for path, weight in weights.items():
            _check_pre_init(pre_init, path, weight)
    saved = {path: weight.copy() for path, weight in weights.items()}
    try:
        return _run(params, forward, batch, weights, saved, outputs, tol, max_iter, pre_init, rng)
    except BaseException:
        for path, weight in weights.items():
            np.copyto(weight, saved[path])
        raise


def _run(
    params: Any,
    forward: Forward,
    batch: Any,
    weights: dict[str, Array],
    saved: dict[str, Array],
    outputs: dict[str, Array],
    tol: float,
    max_iter: int,
    pre_init: Initializer | None,
    rng: Any,
) -> dict[str, LSUVLayer]:
    """The checked call: pre-initialize, then fit each weight in forward's order."""
    tree = dict(leaves(params))

    def step() -> dict[str, Array]:
        return _outputs(forward(params, batch), tree)

    bases = saved
    if pre_init is not None:
        root = call_seed(rng)
        for path, weight in weights.items():
            pre_init(out=weight, rng=param_seed(root, path))
        bases = {path: weight.copy() for path, weight in weights.items()}
        outputs = step()
    report: dict[str, LSUVLayer] = {}
    for path, weight in weights.items():
        report[path], outputs = _fit(path, weight, bases[path], step, outputs, tol, max_iter)
    return report
