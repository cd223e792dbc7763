"""The report's figure (weightinit._report_plot): every run visible, its verdict and parameters named."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import weightinit as wi
from weightinit.diagnostics import Propagation, propagate
from weightinit.report import run_report

matplotlib = pytest.importorskip("matplotlib")

from weightinit._report_plot import plot_figure, write_plot  # noqa: E402

ACTIVATIONS = ("relu", "tanh", "sigmoid")
INITS = [
    ("zeros", wi.get("zeros")),
    ("random_normal(stddev=1)", wi.random_normal.partial(stddev=1.0)),
    ("he_normal", wi.get("he_normal")),
    ("critical_normal", wi.get("critical_normal")),
]
DETAILS = {
    "zeros": "constant 0; weight std 0",
    "random_normal(stddev=1)": "N(0, 1²): mean=0, stddev=1; weight std 1",
    "he_normal": "truncated N, scale=2, mode=fan_in; weight std 0.35",
}


@pytest.fixture(scope="module")
def report() -> tuple[list[str], list[Propagation]]:
    results = run_report(INITS, ACTIVATIONS, depth=6, width=16, batch=16, seed=0)
    return [name for name, _ in INITS for _ in ACTIVATIONS], results


@pytest.fixture(scope="module")
def overflow() -> Propagation:
    """A relu stack that overflows float64 at its sixth layer (std x 1e30 per layer)."""
    result = propagate(
        wi.random_normal.partial(stddev=1e30), "relu", depth=8, width=8, batch=8, rng=0
    )
    assert np.isfinite(result.std[4]) and not np.isfinite(result.std[5])
    return result


def _panels(figure: Any) -> list[Any]:
    """The plotted axes (the legend rows' axes have no axis drawn)."""
    return [ax for ax in figure.axes if ax.axison]


def _lines(ax: Any, name: str) -> list[Any]:
    return [line for line in ax.get_lines() if line.get_label() == name]


def _legend_texts(legend: Any) -> list[str]:
    return [text.get_text() for text in legend.get_texts()]


def _column_legends(figure: Any) -> dict[str, list[str]]:
    found = {}
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is not None:
            found[legend.get_title().get_text()] = _legend_texts(legend)
    return found


@pytest.mark.parametrize(("extension", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")])
def test_write_plot_writes_the_format_its_extension_names(
    tmp_path: Path, report: tuple[list[str], list[Propagation]], extension: str, magic: bytes
) -> None:
    path = tmp_path / f"report.{extension}"
    write_plot(str(path), *report, details=DETAILS)
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 1000


def test_svg_keeps_its_text_as_text(
    tmp_path: Path, report: tuple[list[str], list[Propagation]]
) -> None:
    path = tmp_path / "report.svg"
    labels, results = report
    write_plot(str(path), labels, results, details=DETAILS, title="a title of my own")
    assert path.read_bytes().startswith(b"<?xml")
    text = path.read_text(encoding="utf-8")
    verdict = results[labels.index("he_normal")].verdict
    for line in (
        "a title of my own",
        f"he_normal — {verdict}",
        "he_normal: truncated N, scale=2, mode=fan_in; weight std 0.35",
    ):
        assert f">{line}</text>" in text  # a text element, not glyph paths


def test_every_label_is_in_every_column_legend_with_its_verdict(
    report: tuple[list[str], list[Propagation]],
) -> None:
    labels, results = report
    legends = _column_legends(plot_figure(labels, results))
    assert list(legends) == [f"{activation}: verdicts" for activation in ACTIVATIONS]
    for activation in ACTIVATIONS:
        expected = [
            f"{label} — {result.verdict}"
            for label, result in zip(labels, results, strict=True)
            if result.activation == activation
        ]
        assert legends[f"{activation}: verdicts"] == expected
        assert len(expected) == len(INITS)
    verdicts = {finding for r in results for finding in r.verdicts}
    assert {"symmetric", "healthy"} <= verdicts  # the legends have different things to say
    assert any(" + " in r.verdict for r in results)  # combined verdicts appear whole


def test_columns_follow_the_activations_and_rows_forward_then_backward(
    report: tuple[list[str], list[Propagation]],
) -> None:
    labels, results = report
    titles = [ax.get_title() for ax in _panels(plot_figure(labels, results))]
    assert titles == [
        f"{activation} — {row}"
        for activation in ACTIVATIONS
        for row in ("forward: std of the activations", "backward: std of the gradients")
    ]


def test_the_zeros_run_is_drawn_on_the_bottom_edge_of_every_panel(
    report: tuple[list[str], list[Propagation]],
) -> None:
    labels, results = report
    figure = plot_figure(labels, results)
    panels = _panels(figure)
    assert len(panels) == 2 * len(ACTIVATIONS)
    for ax in panels:
        (marks,) = _lines(ax, "_zeros std 0")
        floor = ax.get_ylim()[0]
        assert marks.get_marker() == "v" and len(marks.get_ydata()) > 0
        assert np.all(np.asarray(marks.get_ydata()) == floor)
        (curve,) = _lines(ax, "_zeros curve")
        assert np.asarray(curve.get_ydata())[0] == floor
    # forward: std 0 at every layer; backward: nonzero at the top layer only
    forward, backward = panels[0], panels[1]
    assert list(_lines(forward, "_zeros std 0")[0].get_xdata()) == [1, 2, 3, 4, 5, 6]
    assert list(_lines(backward, "_zeros std 0")[0].get_xdata()) == [1, 2, 3, 4, 5]
    top = np.asarray(_lines(backward, "_zeros curve")[0].get_ydata())[-1]
    assert floor < top < backward.get_ylim()[1]
    assert "std 0: on the bottom edge" in _legend_texts(figure.legends[0])


def test_an_overflow_is_marked_on_the_top_edge_at_its_first_non_finite_layer(
    report: tuple[list[str], list[Propagation]], overflow: Propagation
) -> None:
    labels, results = report
    relu = [(n, r) for n, r in zip(labels, results, strict=True) if r.activation == "relu"]
    names = [n for n, _ in relu] + ["random_normal(stddev=1e30)"]
    figure = plot_figure(names, [r for _, r in relu] + [overflow])
    forward, backward = _panels(figure)
    (mark,) = _lines(forward, "_random_normal(stddev=1e30) overflow")
    assert mark.get_marker() == "^"
    assert list(mark.get_xdata()) == [6]
    assert list(mark.get_ydata()) == [forward.get_ylim()[1]]
    assert forward.get_ylim()[1] > np.max(overflow.std[:5])  # the finite values stay inside
    # the gradient runs down: its first non-finite layer is the highest one
    assert list(np.flatnonzero(~np.isfinite(overflow.grad_std))) == [0, 1]
    (mark,) = _lines(backward, "_random_normal(stddev=1e30) overflow")
    assert list(mark.get_xdata()) == [2]
    assert list(mark.get_ydata()) == [backward.get_ylim()[1]]
    (curve,) = _lines(backward, "_random_normal(stddev=1e30) curve")
    assert np.isnan(curve.get_ydata()[0]) and curve.get_ydata()[1] == backward.get_ylim()[1]
    assert "overflow (inf/NaN): on the top edge, at the first layer it reaches" in _legend_texts(
        figure.legends[0]
    )


def test_the_key_gives_each_label_with_its_details(
    report: tuple[list[str], list[Propagation]],
) -> None:
    labels, results = report
    key = _legend_texts(plot_figure(labels, results, details=DETAILS).legends[0])
    assert key[: len(INITS)] == [
        f"{name}: {DETAILS[name]}" if name in DETAILS else name for name, _ in INITS
    ]
    assert "critical_normal" in key  # no details: the label alone
    assert (
        "overflow (inf/NaN): on the top edge, at the first layer it reaches" not in key
    )  # none here


def test_coinciding_curves_are_told_apart(report: tuple[list[str], list[Propagation]]) -> None:
    labels, results = report
    he = [r for n, r in zip(labels, results, strict=True) if n == "he_normal"]
    figure = plot_figure(["he_normal"] * 3 + ["he_normal again"] * 3, he + he)
    for ax in _panels(figure):
        (one,) = _lines(ax, "_he_normal curve")
        (other,) = _lines(ax, "_he_normal again curve")
        assert np.array_equal(one.get_ydata(), other.get_ydata())
        assert one.get_color() != other.get_color()
        assert one.get_linestyle() != other.get_linestyle()
        assert one.get_marker() != other.get_marker()
        assert one.get_markevery()[0] != other.get_markevery()[0]


def test_the_default_title_names_the_stack(report: tuple[list[str], list[Propagation]]) -> None:
    figure = plot_figure(*report)
    text = figure.get_suptitle()
    assert text == "Signal propagation through 6 layers of width 16 (batch 16)"
    assert plot_figure(*report, title="mine").get_suptitle() == "mine"


def test_matplotlib_global_state_is_left_alone(
    tmp_path: Path, report: tuple[list[str], list[Propagation]]
) -> None:
    backend = matplotlib.get_backend()
    before = dict(matplotlib.rcParams)
    had_pyplot = "matplotlib.pyplot" in sys.modules
    plot_figure(*report)
    write_plot(str(tmp_path / "report.svg"), *report)
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == before
    assert ("matplotlib.pyplot" in sys.modules) == had_pyplot


def _bad(labels: Any, results: Sequence[Any], **kwargs: Any) -> None:
    plot_figure(labels, results, **kwargs)


def test_bad_input_is_refused_naming_the_parameter(
    report: tuple[list[str], list[Propagation]],
) -> None:
    labels, results = report
    with pytest.raises(ValueError, match=r"same length.*got 11 labels and 12 results"):
        _bad(labels[:-1], results)
    with pytest.raises(ValueError, match="results must hold at least one"):
        _bad([], [])
    with pytest.raises(TypeError, match=r"results\[1\] must be a weightinit.diagnostics"):
        _bad(labels[:2], [results[0], "he_normal"])
    with pytest.raises(TypeError, match="labels must be a sequence of str"):
        _bad("ab", results[:2])
    with pytest.raises(TypeError, match="details must be a mapping"):
        _bad(labels, results, details=["zeros"])
