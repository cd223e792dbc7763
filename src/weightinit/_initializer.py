"""The :class:`Initializer` value type: a scheme's law, parameters, call and config.

An initializer holds a law function (checked parameters and the array's
:class:`~weightinit.fans.Geometry` to a
:class:`~weightinit.distributions.Distribution`), its parameters and bound
settings. It never registers anything: schemes are defined and named in
:mod:`weightinit._define`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import _call, _names
from ._names import SchemeInfo
from ._settings import REQUIRED, Param, Settings
from ._validation import describe, listed, seed_as_rng
from .distributions import Distribution
from .fans import AXIS_OPTIONS, make_geometry

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["REQUIRED", "Initializer", "LawFunction", "Param"]

LawFunction = Callable[..., Distribution]


class Initializer(Settings):
    """A weight initializer: a callable with exact moments and a config.

    Call it as ``init(shape, *, <parameters>, dtype=None, rng=None,
    layout=None, in_axis=None, out_axis=None, batch_axis=None,
    input_axes=None, output_axes=None, fan_in_axes=None, fan_in=None,
    fan_out=None, out=None, region=None, progress=None)``.

    Parameters
    ----------
    shape : int or tuple of int, optional
        Shape of the array. May be omitted when ``out`` is given, or when both
        ``fan_in`` and ``fan_out`` are: the result is then ``(fan_in,
        fan_out)`` (``(fan_out, fan_in)`` with ``layout='torch'``).
    **params
        The scheme's parameters (see its own documentation); they override
        those bound by :meth:`partial`.
    dtype : data-type, optional
        float16, float32 or float64 for random schemes (default float64);
        any numeric dtype for constant ones. float32 results are sampled in
        float32. With ml_dtypes installed, also ``'bfloat16'`` and its float8
        types (``float8_e4m3fn``, ``float8_e5m2``, ``float8_e4m3fnuz``,
        ``float8_e5m2fnuz``, ``float8_e4m3b11fnuz``, ``float8_e4m3``,
        ``float8_e3m4``), as names or types: float16 and these are sampled in
        float32 and rounded once, to nearest even, so a result equals the
        float32 one rounded (a truncated normal's values rounded past a bound
        the dtype cannot hold take its nearest value inside). The declared
        moments are the float32 law's. A law the dtype cannot hold (a value
        that would overflow to an infinity or NaN, or every value rounding
        to 0) is a ``ValueError``.
    rng : {None, int, numpy.random.SeedSequence, numpy.random.BitGenerator, numpy.random.Generator}, optional
        The call's seed. An int or a ``SeedSequence`` is used as it is, so a
        given int gives the same array for the same scheme, parameters,
        shape and dtype, whatever the number of worker threads. A
        ``Generator`` (or ``BitGenerator``) gives 128 bits of seed drawn from
        it once, so it advances and two calls differ; ``None`` draws fresh
        entropy from the operating system. NumPy's global random state is
        never used. See "Reproducibility" in ``docs/usage.md``.
    layout : {'keras', 'torch'}, optional
        How fans are read from the shape: (…, in, out) or (out, in, …). By
        default the layout of the scheme's library (its ``layout``
        attribute): ``'torch'`` for PyTorch's schemes (``kaiming_normal``,
        ``xavier_uniform``, ``dirac``, ``sparse``, ...), ``'keras'`` for all
        others.
    in_axis, out_axis, batch_axis : int or tuple of int, optional
        JAX's axes: explicit input/output axes, overriding the layout's (they
        may overlap), and batch axes that count in neither fan.
    input_axes, output_axes : int or tuple of int, optional
        Keras' axes: with both given, each fan is the product of its named
        axes only; one without the other is ignored, as in Keras.
    fan_in_axes : int or tuple of int, optional
        Haiku's axes: from rank 3 on, ``fan_in`` is their product and
        ``fan_out`` that of the other axes. See :func:`weightinit.compute_fans`.
    fan_in, fan_out : int, optional
        Fans to use instead of those computed from the shape.
    out : numpy.ndarray, optional
        A writeable array to fill in place and return; its shape and dtype
        decide (a ``shape`` or ``dtype`` that disagrees is an error). With
        ``region``, its shape is the region's. It gets exactly the values of
        a fresh call, whatever its strides and whatever ndarray subclass it
        is (filled through a plain ndarray view of its memory). Element-wise
        schemes fill it block by block, without a copy of its size, so an
        ``np.memmap`` may be larger than memory; structured ones (such as
        ``orthogonal``) take the working arrays their construction needs.
    region : slice or tuple of slices, optional
        Slices (step 1), one per axis of ``shape`` from the first (missing
        trailing axes are whole): return exactly ``init(shape, ...)[region]``
        for the same seed, drawing only the blocks that hold an element of
        it (schemes whose elements are not independent, such as
        ``orthogonal``, compute the whole array and slice it).
    progress : bool, optional
        Show a progress bar on stderr. By default shown for fills of 1 GiB
        or more when stderr is a terminal.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    TypeError
        For arguments of the wrong type, unknown parameters, or a dtype the
        scheme cannot produce.
    ValueError
        For values out of range, a zero fan the formula divides by, or a shape
        the scheme does not support.
    """

    def __init__(
        self,
        name: str,
        law: LawFunction,
        *,
        params: tuple[Param, ...] = (),
        random: bool = True,
        info: SchemeInfo,
        doc: str | None = None,
        bound: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(name, params, random, bound, options, info.layout)
        self.info = info
        self._law = law
        self.__doc__ = doc
        self.__signature__ = self._signature()
        self._plans: dict[Any, _call.Plan] = {}

    # --- parameters -------------------------------------------------------------

    def _signature(self) -> inspect.Signature:
        keyword = inspect.Parameter.KEYWORD_ONLY
        values = self.defaults()
        items = [inspect.Parameter("shape", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)]
        items += [
            inspect.Parameter(p.name, keyword, default=values.get(p.name, REQUIRED))
            for p in self.params
        ]
        options: dict[str, Any] = {"dtype": None, "rng": None, "layout": self.layout}
        options.update(dict.fromkeys(AXIS_OPTIONS))
        options.update(self._options)
        items += [inspect.Parameter(key, keyword, default=value) for key, value in options.items()]
        items += [
            inspect.Parameter(key, keyword, default=None)
            for key in ("fan_in", "fan_out", "out", "region", "progress")
        ]
        return inspect.Signature(items)

    # --- the law --------------------------------------------------------------------

    def distribution(
        self,
        fan_in: Any = None,
        fan_out: Any = None,
        *,
        shape: Any = None,
        layout: Any = None,
        in_axis: Any = None,
        out_axis: Any = None,
        batch_axis: Any = None,
        input_axes: Any = None,
        output_axes: Any = None,
        fan_in_axes: Any = None,
        **params: Any,
    ) -> Distribution:
        """The law of the array this initializer makes for the given fans or shape.

        Takes the same fan, shape, layout and parameter arguments as a call.
        With fans alone the array is the (fan_in, fan_out) matrix in the Keras
        layout, (fan_out, fan_in) in PyTorch's.
        """
        values = self._resolve(params)
        axes = _axes(in_axis, out_axis, batch_axis, input_axes, output_axes, fan_in_axes)
        geometry = make_geometry(
            shape, fan_in=fan_in, fan_out=fan_out, **self._geometry_args(layout, axes)
        )
        return self._law(geometry, **values)

    def mean(self, fan_in: Any = None, fan_out: Any = None, **kwargs: Any) -> float:
        """Exact mean of an element at a uniformly chosen position of the array.

        Takes the arguments of :meth:`distribution`; comes from the closed
        form, never from samples. A mean beyond float64's range is a
        ``ValueError``.
        """
        return self._moment("mean", fan_in, fan_out, kwargs)

    def variance(self, fan_in: Any = None, fan_out: Any = None, **kwargs: Any) -> float:
        """Exact variance of an element at a uniformly chosen position of the array.

        Takes the arguments of :meth:`distribution`; comes from the closed
        form, never from samples. A variance beyond float64's range is a
        ``ValueError``.
        """
        return self._moment("variance", fan_in, fan_out, kwargs)

    def _moment(self, which: str, fan_in: Any, fan_out: Any, kwargs: dict[str, Any]) -> float:
        value: float = getattr(self.distribution(fan_in, fan_out, **kwargs), which)
        if not math.isfinite(value):
            settings = listed({**self.defaults(), **kwargs})
            raise ValueError(
                f"the {which} of {self.name} with {settings} overflows float64; got {value}."
            )
        return value

    # --- calling ------------------------------------------------------------------

    def __call__(
        self,
        shape: Any = None,
        *,
        dtype: Any = None,
        rng: Any = None,
        layout: Any = None,
        in_axis: Any = None,
        out_axis: Any = None,
        batch_axis: Any = None,
        input_axes: Any = None,
        output_axes: Any = None,
        fan_in_axes: Any = None,
        fan_in: Any = None,
        fan_out: Any = None,
        out: Any = None,
        region: Any = None,
        progress: Any = None,
        **params: Any,
    ) -> NDArray[Any]:
        options = self._options
        axes = _axes(in_axis, out_axis, batch_axis, input_axes, output_axes, fan_in_axes)
        arguments = (
            shape,
            options.get("dtype") if dtype is None else dtype,
            *self._geometry_args(layout, axes).values(),
            fan_in,
            fan_out,
            region,
            progress,
        )
        key = _call.plan_key(arguments, params, out)
        plan = None if key is None else self._plans.get(key)
        if plan is None:
            plan, keep = _call.make_plan(self, arguments, params, out)
            if keep and key is not None:
                if len(self._plans) >= _call.MAX_PLANS:
                    self._plans.clear()
                self._plans[key] = plan
        return _call.run(plan, options.get("rng") if rng is None else rng, out)

    # --- making new initializers -------------------------------------------------

    def partial(self, **kwargs: Any) -> Initializer:
        """A copy with parameters (and call options) fixed to new defaults.

        See :meth:`Settings.partial`. A Keras-named random initializer (one
        with a Keras class, such as ``he_normal``) also takes Keras' ``seed``:
        an int binds ``rng``, so that every call gives the same values, as a
        seeded Keras initializer does; ``seed=None`` binds nothing.
        """
        if self.info.keras_class is not None and self.random:
            kwargs = seed_as_rng(kwargs)
        return super().partial(**kwargs)

    def _copy(self, **changes: Any) -> Initializer:
        settings: dict[str, Any] = {
            "name": self.name,
            "law": self._law,
            "params": self.params,
            "random": self.random,
            "info": self.info,
            "doc": self.__doc__,
            "bound": self._bound,
            "options": self._options,
        }
        settings.update(changes)
        return Initializer(**settings)

    def _identity(self) -> tuple[Any, ...]:
        return (self.name, repr(sorted(self._settings().items())), self._law)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity()[:2])

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.name, dict(self._bound), dict(self._options)))


def _axes(*values: Any) -> dict[str, Any]:
    """A call's axis options by name, given in the order of :data:`AXIS_OPTIONS`."""
    return dict(zip(AXIS_OPTIONS, values, strict=True))


def _restore(name: str, bound: dict[str, Any], options: dict[str, Any]) -> Initializer:
    """Unpickle: the initializer registered under ``name`` now, with the pickled settings."""
    registered = _names.target(name)
    if not isinstance(registered, Initializer):
        now = "nothing" if registered is None else describe("target", registered)
        raise ValueError(
            f"cannot unpickle the initializer named {name!r}: a pickle holds only the name, "
            f"and no Initializer is registered under it (got {now}); register it again with "
            f"weightinit.register({name!r}) before unpickling."
        )
    return registered.partial(**bound, **options)
