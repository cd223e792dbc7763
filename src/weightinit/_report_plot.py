"""The signal-propagation report's figure: per-layer std curves, their verdicts and parameters.

:func:`plot_figure` draws the results of :func:`weightinit.report.run_report`
as one column per activation, the forward std of the activations on the top
row and the std of the gradients on the bottom row, log scale, by layer.
Every initializer is visible in every panel: a std of 0, off any log scale,
is marked on the panel's bottom edge, and a run's first non-finite value
(an overflow), in the order its pass computes the layers, on its top edge.
Each initializer has its own colour, line style and marker, so curves that
coincide can still be told apart; each column's legend gives every
initializer's verdict for that activation, and the figure's key their
parameters. :func:`write_plot` saves the figure in
the format its file name's extension names. matplotlib is imported only
inside these functions, and no global state of it (backend, ``rcParams``,
pyplot's figures) is touched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ._validation import describe
from .diagnostics import Propagation

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

__all__ = ["plot_figure", "write_plot"]

#: Line styles, in the order initializers take them.
_LINESTYLES: tuple[Any, ...] = (
    "-",
    "--",
    "-.",
    ":",
    (0, (5, 1)),
    (0, (3, 1, 1, 1)),
    (0, (1, 1)),
    (0, (5, 2, 1, 2, 1, 2)),
)
#: Curve markers; the triangles are left for the edge marks.
_MARKERS = ("o", "s", "D", "P", "X", "*", "h", "p", "d", "H", "8")
#: The edge marks: a std of 0 (bottom edge) and an overflow (top edge).
_ZERO_MARK = "v"
_OVERFLOW_MARK = "^"
#: The two rows: the result's attribute, the panel's title, and whether its pass runs down.
_ROWS = (
    ("std", "forward: std of the activations", False),
    ("grad_std", "backward: std of the gradients", True),
)
_FONT = 8.0
_COLUMN_INCHES = 4.8
_PANEL_INCHES = 2.9
_LINE_INCHES = 0.175


def _colours() -> list[Any]:
    """Nineteen colours: tab10, black, then Dark2."""
    import matplotlib

    return [
        *matplotlib.colormaps["tab10"].colors,  # type: ignore[attr-defined]
        "black",
        *matplotlib.colormaps["Dark2"].colors,  # type: ignore[attr-defined]
    ]


def _styles(labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each label's colour, line style and marker, by order of first appearance."""
    colours = _colours()
    return {
        label: {
            "color": colours[index % len(colours)],
            "linestyle": _LINESTYLES[index % len(_LINESTYLES)],
            "marker": _MARKERS[index % len(_MARKERS)],
        }
        for index, label in enumerate(dict.fromkeys(labels))
    }


def _limits(arrays: Sequence[np.ndarray[Any, Any]]) -> tuple[float, float]:
    """The panel's y-limits: its finite positive values, widened on the log scale.

    The margin (a tenth of the span, at least a fifth of a decade each side)
    leaves room between the curves and the edge marks. A panel with no finite
    positive value gets (0.1, 10).
    """
    values = np.concatenate([a[np.isfinite(a) & (a > 0)] for a in arrays] or [np.empty(0)])
    if values.size == 0:
        return 0.1, 10.0
    low, high = math.log10(float(values.min())), math.log10(float(values.max()))
    pad = max(0.1 * (high - low), 0.2)
    return 10.0 ** max(low - pad, -323.0), 10.0 ** min(high + pad, 308.0)


def _markevery(index: int, count: int, layers: int) -> tuple[int, int]:
    """Where a curve's markers go: every ``step`` layers, from an offset of its own.

    The offsets of the ``count`` initializers are spread over one step, so
    the markers of coinciding curves fall on different layers.
    """
    step = max(count, math.ceil(layers / 5), 1)
    return (index * step // max(count, 1)) % max(layers, 1), step


def _edge_layers(mask: np.ndarray[Any, Any], most: int = 25) -> np.ndarray[Any, Any]:
    """The layers (1-based) of ``mask``, thinned to about ``most`` marks, the first kept."""
    layers = np.flatnonzero(mask) + 1
    return layers[:: max(1, math.ceil(layers.size / most))]


def _curve(
    ax: Axes,
    values: np.ndarray[Any, Any],
    label: str,
    style: Mapping[str, Any],
    limits: tuple[float, float],
    markevery: tuple[int, int],
    downward: bool,
) -> list[Line2D]:
    """Draw one run's curve, its zeros on the bottom edge and its overflow on the top edge.

    The curve runs at the panel's floor where the std is 0 and ends on the
    top edge at the first non-finite layer the pass reaches: the lowest
    going up (forward), the highest going down (``downward``, the gradient);
    nothing is clipped, the limits holding every other value. The artists' labels, ``"_{label} curve"``,
    ``"_{label} std 0"`` and ``"_{label} overflow"``, name them without
    entering any legend.
    """
    layers = np.arange(1, values.size + 1)
    finite = np.isfinite(values)
    zero = finite & ~(values > 0)
    drawn = np.where(zero, limits[0], np.where(finite, values, np.nan))
    overflow = np.flatnonzero(~finite)[-1:] if downward else np.flatnonzero(~finite)[:1]
    drawn[overflow] = limits[1]
    common: dict[str, Any] = {"color": style["color"], "clip_on": False}
    lines = ax.plot(
        layers,
        drawn,
        linestyle=style["linestyle"],
        marker=style["marker"],
        lw=1.5,
        markersize=5,
        markevery=markevery,
        alpha=0.9,
        label=f"_{label} curve",
        **common,
    )
    mark: dict[str, Any] = {
        "linestyle": "none",
        "markersize": 7,
        "markeredgecolor": "black",
        "zorder": 4,
    }
    zeros = _edge_layers(zero)
    if zeros.size:
        lines += ax.plot(
            zeros,
            np.full(zeros.size, limits[0]),
            marker=_ZERO_MARK,
            label=f"_{label} std 0",
            **mark,
            **common,
        )
    if overflow.size:
        lines += ax.plot(
            layers[overflow],
            [limits[1]],
            marker=_OVERFLOW_MARK,
            label=f"_{label} overflow",
            **mark,
            **common,
        )
    return lines


def _panel(
    ax: Axes,
    runs: Sequence[tuple[str, Propagation]],
    attribute: str,
    styles: Mapping[str, Mapping[str, Any]],
    downward: bool,
) -> None:
    """One activation's forward or backward panel: every run's curve, on fixed limits."""
    arrays = [np.asarray(getattr(run, attribute), dtype=np.float64) for _, run in runs]
    limits = _limits(arrays)
    order = list(styles)
    for (label, _), values in zip(runs, arrays, strict=True):
        every = _markevery(order.index(label), len(order), values.size)
        _curve(ax, values, label, styles[label], limits, every, downward)
    ax.set_yscale("log")
    ax.set_ylim(*limits)
    ax.grid(True, which="major", alpha=0.3)


def _handle(style: Mapping[str, Any], label: str) -> Line2D:
    from matplotlib.lines import Line2D

    return Line2D([], [], lw=1.5, markersize=5, label=label, **style)


def _edge_handles(results: Sequence[Propagation]) -> list[Line2D]:
    """The legend's notes on the edge marks, for the marks the figure has."""
    from matplotlib.lines import Line2D

    arrays = [np.asarray(getattr(r, a), dtype=np.float64) for r in results for a, _, _ in _ROWS]
    notes = []
    mark: dict[str, Any] = {
        "linestyle": "none",
        "markersize": 7,
        "color": "0.6",
        "markeredgecolor": "black",
    }
    if any(np.any(np.isfinite(a) & ~(a > 0)) for a in arrays):
        notes.append(Line2D([], [], marker=_ZERO_MARK, label="std 0: on the bottom edge", **mark))
    if any(np.any(~np.isfinite(a)) for a in arrays):
        text = "overflow (inf/NaN): on the top edge, at the first layer it reaches"
        notes.append(Line2D([], [], marker=_OVERFLOW_MARK, label=text, **mark))
    return notes


def _check(
    labels: Sequence[str], results: Sequence[Propagation], details: Mapping[str, str] | None
) -> None:
    if isinstance(labels, str) or not all(isinstance(label, str) for label in labels):
        raise TypeError(f"labels must be a sequence of str; got {describe('labels', labels)}")
    if len(labels) != len(results):
        raise ValueError(
            "labels and results must have the same length (one label per result); "
            f"got {len(labels)} labels and {len(results)} results"
        )
    if not results:
        raise ValueError("results must hold at least one Propagation; got an empty sequence")
    for index, result in enumerate(results):
        if not isinstance(result, Propagation):
            raise TypeError(
                f"results[{index}] must be a weightinit.diagnostics.Propagation; "
                f"got {describe(f'results[{index}]', result)}"
            )
    if details is not None and not isinstance(details, Mapping):
        raise TypeError(
            f"details must be a mapping of label to str, or None; got {describe('details', details)}"
        )


def _sizes(results: Sequence[Propagation]) -> tuple[float, float]:
    """The width and height in inches of the panels and their legends, the key left out."""
    activations = [r.activation for r in results]
    columns = len(dict.fromkeys(activations))
    rows = max(activations.count(activation) for activation in activations)
    return columns * _COLUMN_INCHES + 0.4, 2 * _PANEL_INCHES + (rows + 2) * _LINE_INCHES + 1.2


def plot_figure(
    labels: Sequence[str],
    results: Sequence[Propagation],
    *,
    details: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """The report's figure: per-layer std, forward and backward, one column per activation.

    Parameters
    ----------
    labels : sequence of str
        ``labels[i]`` is the name of the initializer of ``results[i]``, as
        the report's rows give it; one label has a result per activation.
    results : sequence of Propagation
        The runs, as :func:`weightinit.report.run_report` returns them.
    details : mapping of str to str, optional
        A one-line text per label (its parameters and weight std), shown in
        the figure's key as ``"label: details"``; a label missing from it is
        shown alone.
    title : str, optional
        The figure's title; by default
        ``"Signal propagation through {depth} layers of width {width} (batch {batch})"``
        of the first result.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with an Agg canvas, made without pyplot: nothing global of
        matplotlib is changed, and the figure is freed with its last
        reference.

    Notes
    -----
    The columns follow the activations in order of first appearance; the top
    row is the std of the activations at each layer, the bottom row the std
    of the gradient, both on a log scale whose limits hold every finite
    positive value of the panel. A std of 0 is drawn on the panel's bottom
    edge (with a down triangle), a non-finite std on its top edge at the
    first non-finite layer its pass reaches (an up triangle): the lowest
    forward, the highest for the gradient, which runs down; the key says so. Each
    initializer has a colour, a line style and a marker, its markers offset
    from the others' so that coinciding curves stay distinguishable. Below
    each column, its legend gives ``"label — verdict"`` for that activation.
    Needs matplotlib (the ``plot`` extra).
    """
    _check(labels, results, details)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    activations = list(dict.fromkeys(r.activation for r in results))
    styles = _styles(labels)
    figure = Figure(figsize=_sizes(results), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(3, len(activations), height_ratios=[1, 1, 0.001])
    for column, activation in enumerate(activations):
        runs = [(n, r) for n, r in zip(labels, results, strict=True) if r.activation == activation]
        for row, (attribute, name, downward) in enumerate(_ROWS):
            ax = figure.add_subplot(grid[row, column])
            _panel(ax, runs, attribute, styles, downward)
            ax.set_title(f"{activation} — {name}", fontsize=10)
            ax.tick_params(labelsize=_FONT)
            if row == 1:
                ax.set_xlabel("layer", fontsize=_FONT)
            if column == 0:
                ax.set_ylabel("std (log scale)", fontsize=_FONT)
        _column_legend(figure.add_subplot(grid[2, column]), runs, styles, activation)
    first = results[0]
    heading = figure.suptitle(
        title
        or f"Signal propagation through {first.depth} layers of width {first.width} "
        f"(batch {first.batch})",
        fontsize=12,
    )
    _key(figure, styles, details or {}, results, heading)
    return figure


def _column_legend(
    ax: Axes,
    runs: Sequence[tuple[str, Propagation]],
    styles: Mapping[str, Mapping[str, Any]],
    activation: str,
) -> None:
    """Below a column: ``"label — verdict"`` for every run of its activation."""
    ax.set_axis_off()
    handles = [_handle(styles[label], f"{label} — {run.verdict}") for label, run in runs]
    ax.legend(
        handles=handles,
        loc="upper center",
        fontsize=_FONT,
        title=f"{activation}: verdicts",
        title_fontsize=_FONT + 1,
        frameon=False,
        handlelength=3.2,
    )


def _key(
    figure: Figure,
    styles: Mapping[str, Mapping[str, Any]],
    details: Mapping[str, str],
    results: Sequence[Propagation],
    heading: Text,
) -> None:
    """The figure's key, at its foot: each label with its details, then the edge marks.

    In as many columns as the figure's width holds (measured, not guessed);
    the figure grows by the key's height, and widens to the key or the title
    if either is wider than the panels.
    """
    handles = [
        _handle(style, f"{label}: {details[label]}" if details.get(label) else label)
        for label, style in styles.items()
    ]
    handles += _edge_handles(results)
    renderer = cast(Any, figure.canvas).get_renderer()  # Agg's, typed loosely
    width = figure.get_figwidth()
    for columns in range(min(len(handles), 4), 0, -1):
        key = figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=columns,
            fontsize=_FONT,
            title="initializers",
            title_fontsize=_FONT + 1,
            handlelength=3.2,
        )
        size = key.get_window_extent(renderer)
        if size.width / figure.dpi <= width - 0.3 or columns == 1:
            break
        key.remove()
    needed = max(size.width, heading.get_window_extent(renderer).width)
    figure.set_size_inches(
        max(width, needed / figure.dpi + 0.3), figure.get_figheight() + size.height / figure.dpi
    )


def write_plot(
    path: str,
    labels: Sequence[str],
    results: Sequence[Propagation],
    *,
    details: Mapping[str, str] | None = None,
    title: str | None = None,
) -> None:
    """Save :func:`plot_figure` of the results to ``path``, in the format its extension names.

    Parameters
    ----------
    path : str
        The file to write; its extension (``.png``, ``.svg``, ``.pdf`` or any
        other format matplotlib writes) names the format.
    labels, results, details, title
        As for :func:`plot_figure`.

    Notes
    -----
    SVG keeps its text as text (``svg.fonttype: 'none'``), so its labels and
    verdicts can be searched; the setting holds for this call only.
    """
    import matplotlib

    figure = plot_figure(labels, results, details=details, title=title)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "weightinit"}):
        figure.savefig(path, dpi=110)
