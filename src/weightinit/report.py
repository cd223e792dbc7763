"""The signal-propagation report as a library: its runs, their seeding, its table, JSON and plot.

``weightinit report`` (:mod:`weightinit.cli`) prints what these functions
compute: :func:`run_report` runs :func:`weightinit.diagnostics.propagate` for
every pair of initializer and activation, each initializer's generator seeded
by :func:`pair_seed`; :func:`report_text`, :func:`report_json` and
:func:`write_plot` present the results. Importing this module imports no
plotting library; :func:`write_plot` imports matplotlib when called.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import textwrap
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from . import diagnostics
from ._initializer import Initializer
from ._validation import describe
from .diagnostics import Propagation, propagate
from .registry import get

__all__ = [
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_BATCH",
    "DEFAULT_DEPTH",
    "DEFAULT_INITIALIZERS",
    "DEFAULT_WIDTH",
    "MIN_WHY_WIDTH",
    "Settings",
    "check_square",
    "format_table",
    "pair_seed",
    "report_json",
    "report_text",
    "run_report",
    "seed_key",
    "wrap",
    "write_plot",
]

#: What ``weightinit report`` compares when given no ``--init``.
DEFAULT_INITIALIZERS = (
    "zeros",
    "random_normal",
    "random_uniform",
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "lecun_normal",
    "orthogonal",
)
#: What ``weightinit report`` compares when given no ``--activation``.
DEFAULT_ACTIVATIONS = ("relu", "tanh", "sigmoid")
#: The report's stack when given no ``--depth``, ``--width``, ``--batch``.
DEFAULT_DEPTH = 30
DEFAULT_WIDTH = 256
DEFAULT_BATCH = 256

#: Thread-count variables of the BLAS libraries NumPy may be built with.
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


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


def for_activation(init: Any, activation: str) -> Any:
    """``init`` for a row of ``activation``: a scheme whose ``activation`` parameter is left unbound takes the row's.

    So ``critical_normal`` and ``critical_orthogonal`` are critical for the
    activation each row runs (with the report's zero biases).
    """
    if (
        isinstance(init, Initializer)
        and any(param.name == "activation" for param in init.params)
        and "activation" not in init.get_config()
    ):
        return init.partial(activation=activation)
    return init


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


@contextlib.contextmanager
def _single_threaded_blas_children() -> Iterator[None]:
    """Make processes started inside the block load BLAS with one thread each.

    The report's matrices are small (width x width): BLAS threads gain nothing
    there and, on a machine whose cores are busy, make each product several
    times slower while they wait for each other. Worker processes, one per
    core with one BLAS thread each, use the cores without that contention.
    Variables the user has set are left as they are.
    """
    added = [key for key in _BLAS_THREADS if key not in os.environ]
    for key in added:
        os.environ[key] = "1"
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


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
    pairs = [(name, init, act) for name, init in initializers for act in activations]
    total = len(pairs)

    def show(done: int, name: str, activation: str) -> None:
        if progress is not None:
            progress.write(f"\r\033[K[{done}/{total}] {name} × {activation}")
            progress.flush()

    results: list[Propagation] = []
    if jobs <= 1 or total <= 1:
        for index, (name, init, activation) in enumerate(pairs):
            show(index + 1, name, activation)
            results.append(_run_pair(name, init, activation, depth, width, batch, seed))
    else:
        context = multiprocessing.get_context("spawn")
        with (
            _single_threaded_blas_children(),
            ProcessPoolExecutor(min(jobs, total), mp_context=context) as pool,
        ):
            futures = {
                pool.submit(_run_pair, name, init, act, depth, width, batch, seed): (name, act)
                for name, init, act in pairs
            }
            for done, future in enumerate(as_completed(futures), start=1):
                show(done, *futures[future])
            results = [future.result() for future in futures]  # submission order
    if progress is not None:
        progress.write("\r\033[K")
        progress.flush()
    return results


def _ratio_text(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2g}"


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces only.

    Never inside a word, nor after a hyphen (:func:`textwrap.wrap` does
    both by default); a word longer than ``width`` keeps a line of its own.
    """
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


#: The narrowest "why" column :func:`format_table` wraps to, whatever the width.
MIN_WHY_WIDTH = 24


def format_table(
    results: Sequence[Propagation], *, names: Sequence[str], width: int | None = None
) -> str:
    """The report's table as plain text: one row per initializer and activation.

    With ``width`` (a terminal's columns), the last column, the one-line
    reason, is wrapped at spaces so that every line fits in ``width``
    characters (the reason column keeps at least :data:`MIN_WHY_WIDTH`), its
    continuation lines indented under it; the other columns stay aligned.
    Without, each row is one line.
    """
    header = ("initializer", "activation", "verdict", "fwd last/first", "grad first/last", "why")
    rows = [
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
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    indent = sum(widths) + 2 * len(widths)
    why_width = None if width is None else max(width - indent, MIN_WHY_WIDTH)
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(size) for cell, size in zip(row[:-1], widths, strict=True)]
        why = [row[-1]] if why_width is None else wrap(row[-1], why_width) or [""]
        lines.append("  ".join([*cells, why[0]]).rstrip())
        lines += [" " * indent + part for part in why[1:]]
    lines.insert(1, "  ".join("-" * size for size in [*widths, len(header[-1])]))
    return "\n".join(lines)


@dataclass(frozen=True)
class Settings:
    """What a report compared, as its text and JSON state it.

    ``initializers`` and ``activations`` are the names given, ``params`` the
    ``(initializer, key, value)`` bound to them.
    """

    initializers: Sequence[str] = DEFAULT_INITIALIZERS
    activations: Sequence[str] = DEFAULT_ACTIVATIONS
    depth: int = DEFAULT_DEPTH
    width: int = DEFAULT_WIDTH
    batch: int = DEFAULT_BATCH
    seed: int = 0
    params: Sequence[tuple[str, str, Any]] = ()


def report_text(
    results: Sequence[Propagation],
    names: Sequence[str],
    settings: Settings,
    *,
    width: int | None = None,
) -> str:
    """The report as ``weightinit report`` prints it: a heading, the table, a summary.

    ``names`` are the rows' initializer names. With ``width``, the table's
    reasons (:func:`format_table`) and the heading and summary are wrapped
    to fit in ``width`` columns; without, each sentence is one line.
    """
    counts = {v: sum(r.verdict == v for r in results) for v in diagnostics.VERDICTS}
    summary = ", ".join(f"{count} {verdict}" for verdict, count in counts.items() if count)
    bound = " ".join(f"{n}.{k}={json.dumps(v)}" for n, k, v in settings.params)
    heading = [
        f"Signal propagation through {settings.depth} layers of width {settings.width} "
        f"(batch {settings.batch}, seed {settings.seed}{', ' + bound if bound else ''})",
        "fwd last/first: std of the activations in the last layer over the first;",
        "grad first/last: std of the gradient at the first layer over the last.",
    ]
    footer = (
        f"{summary}. Exploding/vanishing: a ratio beyond ×{diagnostics.RATIO_LIMIT:g} "
        f"or below ×{1 / diagnostics.RATIO_LIMIT:g}; saturated: more than "
        f"{diagnostics.SATURATED_FRACTION:.0%} of units on the activation's flat tails; "
        "symmetric: all units identical."
    )

    def fit(text: str) -> list[str]:
        return [text] if width is None else wrap(text, max(width, MIN_WHY_WIDTH))

    return "\n".join(
        [
            *(line for text in heading for line in fit(text)),
            "",
            format_table(results, names=names, width=width),
            "",
            *fit(footer),
        ]
    )


def report_json(results: Sequence[Propagation], names: Sequence[str], settings: Settings) -> str:
    """The report as ``weightinit report --json`` prints it: one JSON object.

    ``{"config": ..., "results": [...]}``: the settings and thresholds, then
    one :meth:`~weightinit.diagnostics.Propagation.to_dict` per row with its
    ``initializer`` name.
    """
    config = {
        "initializers": list(settings.initializers),
        "activations": list(settings.activations),
        "depth": settings.depth,
        "width": settings.width,
        "batch": settings.batch,
        "seed": settings.seed,
        "params": [{"initializer": n, "key": k, "value": v} for n, k, v in settings.params],
        "thresholds": {
            "ratio_limit": diagnostics.RATIO_LIMIT,
            "saturation_slope": diagnostics.SATURATION_SLOPE,
            "saturated_fraction": diagnostics.SATURATED_FRACTION,
            "symmetry_tolerance": diagnostics.SYMMETRY_TOLERANCE,
        },
    }
    rows = []
    for name, result in zip(names, results, strict=True):
        row = result.to_dict()
        row["initializer"] = name
        rows.append(row)
    return json.dumps({"config": config, "results": rows}, allow_nan=False)


def write_plot(path: str, names: Sequence[str], results: Sequence[Propagation]) -> None:
    """Per-layer std curves: one column per activation, forward on top, gradient below.

    Needs matplotlib (the ``plot`` extra); imported here only.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    activations = list(dict.fromkeys(r.activation for r in results))
    initializers = list(dict.fromkeys(names))
    colours = plt.get_cmap("tab10")

    def style(name: str) -> dict[str, Any]:
        index = initializers.index(name)
        return {"color": colours(index % 10), "linestyle": "-" if index < 10 else "--"}

    figure, axes = plt.subplots(
        2,
        len(activations),
        figsize=(4.6 * len(activations) + 2.4, 7.6),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    panels = (("std", "forward: std of activations"), ("grad_std", "backward: std of gradients"))
    for column, activation in enumerate(activations):
        for row, (attribute, title) in enumerate(panels):
            ax = axes[row][column]
            for name, result in zip(names, results, strict=True):
                values = np.asarray(getattr(result, attribute), dtype=np.float64)
                if result.activation == activation and np.any(values > 0):
                    layers = np.arange(1, values.size + 1)
                    ax.plot(layers, np.where(values > 0, values, np.nan), lw=1.8, **style(name))
            ax.set_yscale("log")
            ax.set_title(f"{activation} — {title}", fontsize=11)
            ax.grid(True, which="major", alpha=0.3)
            if row == 1:
                ax.set_xlabel("layer")
            if column == 0:
                ax.set_ylabel("std (log scale)")
    shown = {n for n, r in zip(names, results, strict=True) if np.any(np.asarray(r.std) > 0)}
    handles = [Line2D([], [], lw=1.8, label=n, **style(n)) for n in initializers if n in shown]
    title = "initializer"
    hidden = [n for n in initializers if n not in shown]
    if hidden:
        title += "\n(not drawn, std 0 off the\nlog scale: " + ", ".join(hidden) + ")"
    figure.legend(handles=handles, loc="outside right center", title=title, fontsize=10)
    figure.suptitle(
        f"Signal propagation through {results[0].depth} layers of width {results[0].width}",
        fontsize=13,
    )
    figure.savefig(path, dpi=110)
    plt.close(figure)
