"""The report's tables in a narrow terminal: every column wraps at its natural breaks, nothing is lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import weightinit as wi
from weightinit import report
from weightinit._text_table import wrap_cell

_WORDS = st.lists(
    st.sampled_from(["random_normal(", "stddev=1)", "symmetric", "dead", "x_y", "a"]),
    min_size=1,
    max_size=8,
)
#: What follows each word: a space, nothing, or the " + " of a combined verdict.
_GAPS = st.lists(st.sampled_from([" ", "", " + "]), min_size=8, max_size=8)


def _joined(lines: list[str], text: str) -> bool:
    """Whether ``lines`` give back ``text`` when joined with the spaces ``text`` had."""
    rest = text
    for line in lines:
        if not rest.startswith(line):
            return False
        rest = rest[len(line) :]
        if rest.startswith(" "):
            rest = rest[1:]
    return rest == ""


@given(_WORDS, _GAPS, st.integers(1, 40))
def test_a_wrapped_cell_gives_its_text_back_and_fits_where_its_pieces_do(
    words: list[str], gaps: list[str], width: int
) -> None:
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False)).strip(" +")
    lines = wrap_cell(text, width)
    assert _joined(lines, text), (lines, text)
    # its unbreakable pieces: between spaces, after "(" and "_", a "+" kept with the word before
    pieces = text.replace(" +", "~+").replace("(", "( ").replace("_", "_ ").split()
    if max(len(piece) for piece in pieces) <= width:
        assert all(len(line) <= width for line in lines), (lines, width)
    assert not any(line.startswith("+") for line in lines)


def _rows(lines: list[str], activation: slice) -> list[list[str]]:
    """The table's lines grouped by row: a row starts where its activation (never wrapped) is."""
    rows: list[list[str]] = []
    for line in lines:
        if not line.startswith("    ") and line[activation].strip():
            rows.append([line])
        else:
            rows[-1].append(line)
    return rows


@pytest.fixture(scope="module")
def default_like() -> tuple[list[wi.Propagation], list[str]]:
    """The default comparison's rows, on a shallow stack (the layout is what is tested)."""
    inits = [
        (label, wi.get(name, **params))
        for label in report.DEFAULT_INITIALIZERS
        for name, params in [report.parse_spec(label)]
    ]
    results = report.run_report(inits, ["relu", "tanh"], depth=3, width=16, batch=16, seed=0)
    names = [label for label, _ in inits for _ in ("relu", "tanh")]
    return results, names


@pytest.mark.parametrize("columns", [72, 80, 100])
def test_the_default_table_fits_a_narrow_terminal_and_keeps_every_cell(
    default_like: tuple[list[wi.Propagation], list[str]], columns: int
) -> None:
    results, names = default_like
    stds: list[float | None] = [0.5] * len(results)
    lines = report.format_table(results, names=names, width=columns, weight_stds=stds).splitlines()
    assert max(len(line) for line in lines) <= columns, lines
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    assert lines[rule - 1] == "    why"  # the reasons go under their rows
    starts = [len(part) + 2 for part in lines[rule].split("  ")]
    offsets = [sum(starts[:i]) for i in range(len(starts))]
    body = _rows(lines[rule + 1 :], slice(offsets[2], offsets[2] + starts[2]))
    assert len(body) == len(results)
    for block, name, result in zip(body, names, results, strict=True):
        cells = [line for line in block if not line.startswith("    ") or line[4] == " "]
        reason = [line[4:] for line in block if line.startswith("    ") and line[4] != " "]
        # the fixed cells, column by column, give back the row's values
        for index, expected in enumerate([name, "0.5", result.activation, result.verdict]):
            start, end = offsets[index], offsets[index] + starts[index] - 2
            pieces = [line[start:end].strip() for line in cells if line[start:end].strip()]
            assert _joined(pieces, expected), (pieces, expected)
        assert " ".join(reason) == result.explanation
