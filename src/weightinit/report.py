"""The signal-propagation report as a library: its runs, their seeding, its table, JSON and plot.

``weightinit report`` (:mod:`weightinit.cli`) prints what these functions
compute: :func:`run_report` runs :func:`weightinit.diagnostics.propagate` for
every pair of initializer and activation, each initializer's generator seeded
by :func:`pair_seed`; :func:`report_text`, :func:`report_json` and
:func:`write_plot` present the results. Importing this module imports no
plotting library; :func:`write_plot` imports matplotlib when called.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from . import diagnostics
from ._initializer import Initializer
from ._report_specs import (
    _weight_std,
    describe_initializer,
    for_activation,
    parse_spec,
    parse_value,
    spec_label,
    split_specs,
)
from ._text_table import MIN_WHY_WIDTH, aligned_table, wrap
from ._validation import describe
from ._workers import run_tasks
from .diagnostics import Propagation, propagate
from .registry import get

__all__ = [
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_BATCH",
    "DEFAULT_DEPTH",
    "DEFAULT_INITIALIZERS",
    "DEFAULT_WIDTH",
    "MIN_WHY_WIDTH",
    "SCALED_IDENTITY",
    "SCALED_IDENTITY_DEPTH",
    "Settings",
    "aligned_table",
    "check_rows",
    "check_square",
    "describe_initializer",
    "for_activation",
    "format_table",
    "pair_seed",
    "parse_spec",
    "parse_value",
    "report_json",
    "report_text",
    "run_report",
    "run_tasks",
    "scaled_identity_note",
    "seed_key",
    "spec_label",
    "split_specs",
    "wrap",
    "write_plot",
]

#: What ``weightinit report`` compares when given no ``--init``: every classic
#: claim in one screen. Zero weights (symmetric units); N(0, 1) weights
#: (saturated, exploding); Keras' small defaults, ``random_normal``
#: (stddev 0.05) and ``random_uniform`` (±0.05), which vanish in a deep stack;
#: Glorot (tanh), He (ReLU), LeCun, orthogonal; and the critical schemes, each
#: row's activation bound.
DEFAULT_INITIALIZERS = (
    "zeros",
    "random_normal(stddev=1)",
    "random_normal",
    "random_uniform",
    "glorot_uniform",
    "he_normal",
    "lecun_normal",
    "orthogonal",
    "critical_normal",
    "critical_orthogonal",
)
#: ``weightinit report --scaled-identity``: the classic linear example, W = 1.5·I
#: and W = 0.5·I, with linear units, over :data:`SCALED_IDENTITY_DEPTH` layers.
SCALED_IDENTITY = ("identity(gain=1.5)", "identity(gain=0.5)")
SCALED_IDENTITY_DEPTH = 10
#: What ``weightinit report`` compares when given no ``--activation``.
DEFAULT_ACTIVATIONS = ("relu", "tanh", "sigmoid")
#: The report's stack when given no ``--depth``, ``--width``, ``--batch``.
DEFAULT_DEPTH = 30
DEFAULT_WIDTH = 256
DEFAULT_BATCH = 256


def check_square(name: str, init: Any, width: int) -> None:
    """Raise the ``TypeError``/``ValueError`` that ``init`` gives for a (width, width) matrix.

    An :class:`~weightinit.Initializer` is asked for its law (nothing is drawn);
    any other callable draws one matrix with a generator of its own, so the
    report's results do not change.
    """
    if isinstance(init, Initializer):
        law = init.distribution(shape=(width, width))
        problem = law.refusal(np.dtype(np.float64)) if law.random else None
        if problem is not None:
            raise ValueError(f"{name} {problem}")
    else:
        init((width, width), rng=np.random.default_rng(0))


def _canonical(value: Any) -> Any:
    """``value`` with every int (not bool) as a float, so ``stddev=1`` and ``stddev=1.0`` agree."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if module and qualname:  # a function or class: its import path, the same in every process
        return f"{module}.{qualname}"
    return repr(value)


def seed_key(init: Any, name: str | None = None) -> str:
    """The text an initializer's report runs are seeded from: its canonical name and parameters.

    For an :class:`~weightinit.Initializer` (or a registered name, looked up
    with :func:`weightinit.get`), the compact JSON
    ``[canonical_name, config]`` with ``config`` its
    :meth:`~weightinit.Initializer.get_config` (every parameter, bound or
    default), keys sorted and every number written as a float; so
    ``"HeNormal"``, ``"he_normal"`` and ``"keras.he_normal"`` (one object)
    give one key, and so do ``stddev=1`` and ``stddev=1.0``, while
    different parameters give different keys. A function bound as a value is
    written as its import path. Any other callable is keyed by ``name``, the
    name it was given under (so is an initializer whose ``rng`` is bound to a
    generator, which no config can hold).

    Examples
    --------
    >>> import weightinit as wi
    >>> seed_key("HeNormal") == seed_key(wi.he_normal) == seed_key("keras.he_normal")
    True
    >>> seed_key(wi.random_normal.partial(stddev=1))
    '["random_normal",{"mean":0.0,"stddev":1.0}]'
    """
    if isinstance(init, str):
        name = init if name is None else name
        init = get(init)
    if isinstance(init, Initializer):
        try:
            config = init.get_config()
        except ValueError:  # rng bound to a generator
            config = None
        if config is not None:
            return json.dumps(
                [init.name, _canonical(config)], sort_keys=True, separators=(",", ":")
            )
    if name is None:
        raise TypeError(
            "name must be given for an initializer that is not a weightinit.Initializer; "
            f"got {describe('init', init)} and name=None"
        )
    return name


def pair_seed(seed: int, init: Any, name: str | None = None) -> np.random.SeedSequence:
    """The seed of an initializer's report runs, whatever else is run.

    ``SeedSequence([seed, crc32(seed_key(init, name))])``, the key UTF-8
    encoded (:func:`seed_key`: the canonical name and parameters of an
    :class:`~weightinit.Initializer`, the given ``name`` of any other
    callable). CRC-32 (:func:`zlib.crc32`) and the key's JSON are the same
    in every process and Python version, unlike :func:`hash`. The claims
    table of docs/diagnostics.md is seeded the same way.
    """
    return np.random.SeedSequence([seed, zlib.crc32(seed_key(init, name).encode("utf-8"))])


def _run_pair(
    name: str, init: Any, activation: str, depth: int, width: int, batch: int, seed: int
) -> Propagation:
    rng = pair_seed(seed, init, name)
    init = for_activation(init, activation)
    return propagate(init, activation, depth=depth, width=width, batch=batch, rng=rng)


def run_report(
    initializers: Sequence[tuple[str, Any]],
    activations: Sequence[str],
    *,
    depth: int,
    width: int,
    batch: int,
    seed: int,
    jobs: int = 1,
    progress: TextIO | None = None,
) -> list[Propagation]:
    """Run :func:`~weightinit.diagnostics.propagate` for every pair, deterministically.

    Each initializer's generator is seeded by :func:`pair_seed`, from
    ``seed`` and the initializer's canonical name and parameters (the given
    name for a callable that is not an :class:`~weightinit.Initializer`), so
    a row does not depend on which other rows are run, nor on ``jobs``, nor
    on which alias named the initializer, and every activation sees the same
    weights and inputs for a given initializer. With ``jobs > 1`` the pairs run in that
    many worker processes (each with one BLAS thread); results come back in
    order.
    """
    tasks = [
        (name, init, act, depth, width, batch, seed)
        for name, init in initializers
        for act in activations
    ]
    return run_tasks(_run_pair, tasks, jobs=jobs, progress=progress)


def scaled_identity_note(names: Sequence[str], results: Sequence[Propagation]) -> str:
    r"""The classic texts' statement of the scaled-identity example, beside what was measured.

    With :math:`W_l = s I` and linear units, :math:`x_l = s^l x_0`: after
    :math:`L` layers the signal is :math:`s^L x_0` (1.5^10 ≈ 57.7, 0.5^10 ≈
    0.000977), and from the first layer to the last (the report's ``fwd
    last/first``) it grows by :math:`s^{L-1}`; the gradient going down
    likewise. ``names`` are the rows' labels, ``identity(gain=s)``.
    """
    parts = []
    for name, result in zip(names, results, strict=True):
        _, params = parse_spec(name)
        gain = float(params.get("gain", 1.0))
        depth = result.depth
        if math.isfinite(result.forward_ratio) and math.isfinite(result.backward_ratio):
            measured = (
                f"measured fwd last/first ×{result.forward_ratio:.4g} and grad first/last "
                f"×{result.backward_ratio:.4g}"
            )
        else:
            measured = "measured: float64 overflows before the last layer"
        parts.append(
            f"{name}: x_{depth} = {gain:g}^{depth} · x_0 = {_power(gain, depth)} · x_0; "
            f"{measured}, against {gain:g}^{depth - 1} = {_power(gain, depth - 1)}"
        )
    return (
        "Scaled identity, the classic example: with W = s·I and linear units every layer "
        "multiplies the signal, and the gradient going down, by s. " + "; ".join(parts) + "."
    )


def _power(base: float, exponent: int) -> str:
    """``base ** exponent`` to four digits, as a power of ten where float64 cannot hold it."""
    try:
        value = base**exponent
    except OverflowError:
        value = math.inf
    if value == 0.0 or not math.isfinite(value):
        return f"10^{exponent * math.log10(abs(base)):.1f}" if base != 0 else "0"
    return f"{value:.4g}"


def _ratio_text(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2g}"


def format_table(
    results: Sequence[Propagation],
    *,
    names: Sequence[str],
    width: int | None = None,
    weight_stds: Sequence[float | None] | None = None,
) -> str:
    """The report's table as plain text: one row per initializer and activation.

    With ``width`` (a terminal's columns), the last column, the one-line
    reason, is wrapped at spaces so that every line fits in ``width``
    characters (the reason column keeps at least :data:`MIN_WHY_WIDTH`), its
    continuation lines indented under it; the other columns stay aligned.
    Without, each row is one line. With ``weight_stds`` (one per row, ``None``
    where unknown), a ``weight std`` column follows the initializer's.
    """
    header: tuple[str, ...] = (
        "initializer",
        "activation",
        "verdict",
        "fwd last/first",
        "grad first/last",
        "why",
    )
    rows: list[tuple[str, ...]] = [
        (
            name,
            r.activation,
            r.verdict,
            _ratio_text(r.forward_ratio),
            _ratio_text(r.backward_ratio),
            r.explanation,
        )
        for name, r in zip(names, results, strict=True)
    ]
    if weight_stds is not None:
        header = (header[0], "weight std", *header[1:])
        stds = ["?" if std is None else f"{std:.3g}" for std in weight_stds]
        rows = [(row[0], std, *row[1:]) for row, std in zip(rows, stds, strict=True)]
    return aligned_table(header, rows, width=width)


@dataclass(frozen=True)
class Settings:
    """What a report compared, as its text and JSON state it.

    ``initializers`` and ``activations`` are the labels and names given,
    ``params`` the ``(initializer, key, value)`` bound with ``--param``,
    ``compared`` the ``(label, initializer)`` pairs run (their parameters
    are printed from it), ``notes`` paragraphs printed after the table.
    """

    initializers: Sequence[str] = DEFAULT_INITIALIZERS
    activations: Sequence[str] = DEFAULT_ACTIVATIONS
    depth: int = DEFAULT_DEPTH
    width: int = DEFAULT_WIDTH
    batch: int = DEFAULT_BATCH
    seed: int = 0
    params: Sequence[tuple[str, str, Any]] = ()
    compared: Sequence[tuple[str, Any]] = ()
    notes: Sequence[str] = ()


def _summary(results: Sequence[Propagation]) -> str:
    """How many rows have each finding, and the thresholds, as one paragraph."""
    counts = {v: sum(v in r.verdicts for r in results) for v in diagnostics.VERDICTS}
    found = ", ".join(f"{count} {verdict}" for verdict, count in counts.items() if count)
    several = (
        " (a row can have several findings)" if any(len(r.verdicts) > 1 for r in results) else ""
    )
    return (
        f"Rows: {found}{several}. Exploding/vanishing: a ratio beyond ×{diagnostics.RATIO_LIMIT:g} "
        f"or below ×{1 / diagnostics.RATIO_LIMIT:g}; saturated: more than "
        f"{diagnostics.SATURATED_FRACTION:.0%} of units on the activation's flat tails; dead: "
        f"on average over the layers, more than {diagnostics.DEAD_FRACTION:.0%} of the units "
        "output 0 with slope 0 on every example; symmetric: all units identical."
    )


def _parameters(settings: Settings) -> list[str]:
    """The "Initializers" block: each label with its formula, parameters and weight std."""
    if not settings.compared:
        return []
    size = max(len(label) for label, _ in settings.compared)
    lines = [
        f"Initializers (every parameter used; weight std of a {settings.width}×{settings.width} "
        "matrix):"
    ]
    for label, init in dict(settings.compared).items():
        text = describe_initializer(init, width=settings.width, activations=settings.activations)
        lines.append(f"  {label.ljust(size)}  {text}")
    return lines


def _row_stds(
    names: Sequence[str], results: Sequence[Propagation], settings: Settings
) -> list[float | None] | None:
    """Each row's weight std (its activation bound where it takes one); ``None`` without ``compared``."""
    if not settings.compared:
        return None
    compared = dict(settings.compared)
    return [
        _weight_std(for_activation(compared[name], result.activation), settings.width)
        if name in compared
        else None
        for name, result in zip(names, results, strict=True)
    ]


def check_rows(
    results: Sequence[Propagation], names: Sequence[str], settings: Settings | None
) -> None:
    """Refuse rows the report cannot state truly: none, a label short or over, another stack.

    ``results`` must be a sequence (a list, a tuple) of
    :class:`~weightinit.diagnostics.Propagation`, ``names`` one ``str`` label
    per row, and ``settings`` (where given: :func:`write_plot` can go
    without) a :class:`Settings` stating the depth, width and batch the rows
    ran at. Raises ``TypeError`` or ``ValueError`` naming the argument.
    """
    if not isinstance(results, Sequence) or not all(isinstance(r, Propagation) for r in results):
        raise TypeError(
            f"results must be a sequence of weightinit.Propagation; got {describe('results', results)}"
        )
    if len(results) == 0:
        raise ValueError("results must hold at least one row; got none")
    if (
        isinstance(names, str)
        or not isinstance(names, Sequence)
        or not all(isinstance(name, str) for name in names)
    ):
        raise TypeError(f"names must be a sequence of labels (str); got {describe('names', names)}")
    if len(names) != len(results):
        raise ValueError(
            f"names must give one label per row, {len(results)}; got {describe('names', names)}"
        )
    if settings is None:
        return
    if not isinstance(settings, Settings):
        raise TypeError(
            f"settings must be a weightinit.report.Settings; got {describe('settings', settings)}"
        )
    stated = (settings.depth, settings.width, settings.batch)
    for result in results:
        ran = (result.depth, result.width, result.batch)
        if ran != stated:
            raise ValueError(
                "settings must state the stack the rows ran: depth, width, batch "
                f"{ran} for {result.initializer} × {result.activation}; got {stated}"
            )


def _given(settings: Settings) -> Settings:
    """``settings``, refused where it is ``None``: the text and the JSON state it."""
    if settings is None:
        raise TypeError("settings must be a weightinit.report.Settings; got None")
    return settings


def report_text(
    results: Sequence[Propagation],
    names: Sequence[str],
    settings: Settings,
    *,
    width: int | None = None,
) -> str:
    """The report as ``weightinit report`` prints it: a heading, the table, the parameters, a summary.

    ``names`` are the rows' initializer labels. With ``width``, the table's
    reasons (:func:`format_table`) and the other paragraphs are wrapped to
    fit in ``width`` columns (the parameter lines beside their label, or
    under it where fewer than :data:`MIN_WHY_WIDTH` columns are left);
    without, each sentence is one line. :func:`check_rows` says which rows
    it refuses.
    """
    check_rows(results, names, _given(settings))
    heading = [
        f"Signal propagation through {settings.depth} layers of width {settings.width} "
        f"(batch {settings.batch}, biases 0, seed {settings.seed})",
        "weight std: of the entries of each weight matrix, from the initializer's law;",
        "fwd last/first: std of the activations in the last layer over the first;",
        "grad first/last: std of the gradient at the first layer over the last.",
    ]

    def fit(text: str, indent: int = 0) -> list[str]:
        if width is None:
            return [text]
        if indent and width - indent < MIN_WHY_WIDTH:  # the text under its label instead
            return [
                text[:indent].rstrip(),
                *("    " + line for line in wrap(text[indent:], width - 4)),
            ]
        lines = wrap(text[indent:], max(width - indent, 1))
        return [text[:indent] + lines[0], *(" " * indent + line for line in lines[1:])]

    parameters = _parameters(settings)
    size = 4 + max((len(label) for label, _ in settings.compared), default=0)
    return "\n".join(
        [
            *(line for text in heading for line in fit(text)),
            "",
            format_table(
                results, names=names, width=width, weight_stds=_row_stds(names, results, settings)
            ),
            "",
            *(line for text in parameters[:1] for line in fit(text)),
            *(line for text in parameters[1:] for line in fit(text, size)),
            *([""] if parameters else []),
            *(line for text in settings.notes for line in [*fit(text), ""]),
            *fit(_summary(results)),
        ]
    )


def report_json(
    results: Sequence[Propagation],
    names: Sequence[str],
    settings: Settings,
    *,
    training: dict[str, Any] | None = None,
) -> str:
    """The report as ``weightinit report --json`` prints it: one JSON object.

    ``{"config": ..., "results": [...]}``: the settings and thresholds, then
    one :meth:`~weightinit.diagnostics.Propagation.to_dict` per row with its
    ``initializer`` label and, for the initializers of ``settings.compared``,
    its ``parameters`` (every one used, :meth:`~weightinit.Initializer.get_config`
    with the row's activation bound where it takes one) and ``weight_std``;
    with ``training`` (JSON-safe), a ``"training"`` entry holding it.
    :func:`check_rows` says which rows it refuses.
    """
    check_rows(results, names, _given(settings))
    config = {
        "initializers": list(settings.initializers),
        "activations": list(settings.activations),
        "depth": settings.depth,
        "width": settings.width,
        "batch": settings.batch,
        "seed": settings.seed,
        "params": [{"initializer": n, "key": k, "value": v} for n, k, v in settings.params],
        "notes": list(settings.notes),
        "thresholds": {
            "ratio_limit": diagnostics.RATIO_LIMIT,
            "saturation_slope": diagnostics.SATURATION_SLOPE,
            "saturated_fraction": diagnostics.SATURATED_FRACTION,
            "dead_fraction": diagnostics.DEAD_FRACTION,
            "symmetry_tolerance": diagnostics.SYMMETRY_TOLERANCE,
        },
    }
    compared = dict(settings.compared)
    rows = []
    for name, result in zip(names, results, strict=True):
        row = result.to_dict()
        row["initializer"] = name
        if name in compared:
            init = for_activation(compared[name], result.activation)
            if isinstance(init, Initializer):
                row["initializer_name"] = init.name
                row["parameters"] = _canonical(init.get_config())
            row["weight_std"] = _weight_std(init, settings.width)
        rows.append(row)
    document: dict[str, Any] = {"config": config, "results": rows}
    if training is not None:
        document["training"] = training
    return json.dumps(document, allow_nan=False)


def write_plot(
    path: str,
    names: Sequence[str],
    results: Sequence[Propagation],
    *,
    settings: Settings | None = None,
) -> None:
    """Write the report's plot to ``path``, in the format its extension names (png, svg, pdf, ...).

    One column per activation, forward std on top and gradient std below,
    every initializer drawn (std 0 and overflow marked on the panel's edges),
    each with its verdict in its column's legend and, from ``settings``, its
    parameters in the key (:func:`weightinit._report_plot.write_plot`).
    Needs matplotlib (the ``plot`` extra), imported only when called.
    """
    from ._report_plot import write_plot as draw

    check_rows(results, names, settings)
    details = None
    title = None
    if settings is not None:
        details = {
            label: describe_initializer(
                init, width=settings.width, activations=settings.activations
            )
            for label, init in settings.compared
        }
        title = (
            f"Signal propagation through {settings.depth} layers of width {settings.width} "
            f"(batch {settings.batch}, biases 0, seed {settings.seed})"
        )
    draw(path, names, results, details=details, title=title)
