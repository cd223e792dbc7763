"""What the ``weightinit`` command's subcommands share: argument types, help layout, output width, run-time errors."""

from __future__ import annotations

import argparse
import math
import shutil
from typing import Any, NoReturn

from .report import parse_value, split_specs, wrap


def _count(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an int >= {minimum}; got {value}")
        return value

    return parse


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0; got {text}")
    return value


def _names(text: str) -> list[str]:
    names = split_specs(text)
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated names; got {text!r}")
    return names


def _param(text: str) -> tuple[str, str, Any]:
    target, equals, raw = text.partition("=")
    name, dot, key = target.partition(".")
    if not (equals and dot and name and key):
        raise argparse.ArgumentTypeError(f"expected NAME.KEY=VALUE; got {text!r}")
    try:
        value = parse_value(raw)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"the value of {target.strip()} {error}") from None
    return name.strip(), key.strip(), value


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped to the terminal without breaking a word, each flag with its default.

    argparse already takes its width from :func:`shutil.get_terminal_size`;
    its wrapping (:func:`textwrap.wrap`) breaks after hyphens and splits
    words longer than a line, which this formatter does not. A flag whose
    help does not state its default gets ``(default: VALUE)`` appended.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = wrap(" ".join(text.split()), max(width - len(indent), 1))
        return "\n".join(indent + line for line in lines)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if not text or "default" in text or not action.option_strings:
            return text
        if action.default is argparse.SUPPRESS:
            return text
        if isinstance(action.default, bool):
            return f"{text} (default: {'on' if action.default else 'off'})"
        return f"{text} (default: %(default)s)"


def output_width(stream: Any) -> int | None:
    """The columns the report's text is wrapped to: the terminal's, when ``stream`` is one.

    :func:`shutil.get_terminal_size` (``COLUMNS`` if set, else the
    terminal's size). Output to a pipe or a file is not wrapped (``None``),
    so each row stays one line for ``grep`` and the same on every machine.
    """
    try:
        terminal = bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        terminal = False
    return shutil.get_terminal_size().columns if terminal else None


class _RunError(Exception):
    """A run-time error reported as one line on stderr, with exit status 1."""


def _fail(message: str) -> NoReturn:
    raise _RunError(message)
