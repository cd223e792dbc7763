"""Plain-text tables that fit a terminal: aligned columns, each cell wrapped only at its natural breaks.

:func:`aligned_table` lays out the report's tables (the signal-propagation
table and the training one); :func:`wrap` wraps a paragraph at spaces only.
:mod:`weightinit.report` re-exports both and :data:`MIN_WHY_WIDTH`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

#: The narrowest last ("why") column :func:`aligned_table` keeps beside the others.
MIN_WHY_WIDTH = 24

#: Where a cell may break: at a space, or after an opening parenthesis.
_SOFT = re.compile(r"[^ (]*\(|[^ ]+?(?=\(|$| )")
#: As :data:`_SOFT`, and after an underscore, where nothing else fits.
_HARD = re.compile(r"[^ (_]*[(_]|[^ ]+?(?=[(_]|$| )")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces only.

    Never inside a word, nor after a hyphen (:func:`textwrap.wrap` does
    both by default); a word longer than ``width`` keeps a line of its own.
    """
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def _pieces(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """``text`` as ``(gap, piece)`` pairs: each piece with the spaces before it.

    A piece of punctuation alone (the ``+`` of ``saturated + exploding``)
    stays with the piece before it, so that no line starts with it.
    """
    pieces: list[tuple[str, str]] = []
    end = 0
    for match in pattern.finditer(text):
        gap, piece = text[end : match.start()], match.group()
        end = match.end()
        if pieces and not any(char.isalnum() for char in piece):
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + gap + piece)
        else:
            pieces.append((gap, piece))
    return pieces


def _longest(text: str, pattern: re.Pattern[str]) -> int:
    return max((len(piece) for _, piece in _pieces(text, pattern)), default=0)


def wrap_cell(text: str, width: int) -> list[str]:
    """A table cell in lines of at most ``width``: broken at spaces, after ``(``, else after ``_``.

    A piece longer than ``width`` keeps a line of its own; joining the lines
    (with a space where the text had spaces) gives ``text`` back, but for
    the spaces at its ends and runs of spaces, which count as one.

    >>> wrap_cell("random_normal(stddev=1)", 14)
    ['random_normal(', 'stddev=1)']
    >>> wrap_cell("symmetric + dead + vanishing", 11)
    ['symmetric +', 'dead +', 'vanishing']
    >>> wrap_cell("critical_orthogonal", 12)
    ['critical_', 'orthogonal']
    """
    if len(text) <= width:
        return [text]
    pattern = _SOFT if _longest(text, _SOFT) <= width else _HARD
    lines: list[str] = []
    for gap, piece in _pieces(text, pattern):
        if lines and len(lines[-1]) + len(gap) + len(piece) <= width:
            lines[-1] += gap + piece
        else:
            lines.append(piece)
    return lines or [""]


def _fit(columns: Sequence[Sequence[str]], budget: int) -> list[int]:
    """Column widths summing to ``budget`` or as near as the cells' unbreakable pieces allow.

    The widest column gives way first, down to its longest piece between
    spaces and parentheses, then (where that is not enough) down to its
    longest piece between underscores too.
    """
    widths = [max(len(cell) for cell in column) for column in columns]
    for pattern in (_SOFT, _HARD):
        floors = [max(_longest(cell, pattern) for cell in column) for column in columns]
        while sum(widths) > budget:
            wider = [i for i, size in enumerate(widths) if size > floors[i]]
            if not wider:
                break
            widths[max(wider, key=lambda i: widths[i])] -= 1
    return widths


def aligned_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None
) -> str:
    """``rows`` under ``header`` in aligned columns, a rule below the header, the last column free.

    With ``width``, the last column is wrapped at spaces (:func:`wrap`) so
    that every line fits in ``width`` characters, its continuation lines
    indented under it. Where the other columns leave it fewer than
    :data:`MIN_WHY_WIDTH` columns, each row's last cell (the header's too)
    goes on the lines below the row instead, indented by 4 and wrapped to
    the width; and where the other columns alone are wider than ``width``,
    their cells (the header's too) are wrapped as well (:func:`wrap_cell`),
    the widest column first, as far as their unbreakable pieces allow.
    """
    count = len(header) - 1
    columns = [[row[i] for row in [header, *rows]] for i in range(count)]
    widths = [max(len(cell) for cell in column) for column in columns]
    indent = sum(widths) + 2 * count
    below = width is not None and width - indent < MIN_WHY_WIDTH
    if below and width is not None:
        widths = _fit(columns, width - 2 * (count - 1))
        indent = 4
    why_width = None if width is None else max(width - indent, 1)
    lines = []
    for row in [header, *rows]:
        cells = [wrap_cell(cell, size) for cell, size in zip(row[:-1], widths, strict=True)]
        why = [row[-1]] if why_width is None else wrap(row[-1], why_width) or [""]
        side = [] if below else why
        for k in range(max([len(side), *map(len, cells)])):
            parts = [
                (cell[k] if k < len(cell) else "").ljust(size)
                for cell, size in zip(cells, widths, strict=True)
            ]
            lines.append("  ".join([*parts, side[k] if k < len(side) else ""]).rstrip())
        if not side:
            lines += [" " * indent + part for part in why]
        if row is header:
            rule = [*widths, *([] if below else [len(header[-1])])]
            lines.append("  ".join("-" * size for size in rule))
    return "\n".join(lines)
