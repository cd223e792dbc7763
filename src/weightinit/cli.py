"""The ``weightinit`` command: its arguments, and what it prints for report, gain and list.

``weightinit report`` prints the signal-propagation report of
:mod:`weightinit.report` for every pair of initializer and activation, with
each verdict; ``weightinit gain NAME`` prints an activation's exact gains;
``weightinit list`` prints the registered initializers with their formulas.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from ._cli_args import _HelpFormatter, _RunError, output_width
from ._cli_report import _report, _report_parser
from .activations import activation_names, get_activation
from .gains import NONLINEARITIES, calculate_gain, gain
from .report import DEFAULT_ACTIVATIONS, DEFAULT_INITIALIZERS, run_report, wrap
from .report import format_table as format_table  # importable from here, as before

__all__ = ["DEFAULT_ACTIVATIONS", "DEFAULT_INITIALIZERS", "main", "output_width", "run_report"]


class _Version(argparse.Action):
    """``--version``: print the package's ``__version__`` and exit.

    Looked up when asked, in the package already imported to run this
    module (``weightinit.cli`` imports nothing from ``weightinit/__init__``).
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        version = sys.modules[__package__ or "weightinit"].__version__
        sys.stdout.write(f"{parser.prog} {version}\n")  # where argparse's version action writes
        sys.stdout.flush()  # a write error surfaces here, for main to report
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose ``--help`` lets a write error through, for :func:`main` to report.

    argparse's own ignores it: ``--help`` on a full disk would print nothing
    and succeed.
    """

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        stream = sys.stdout if file is None else file
        stream.write(self.format_help())
        flush = getattr(stream, "flush", None)
        if flush is not None:
            flush()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="weightinit",
        description="Weight initializers for NumPy: see why initialization matters.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    report = _report_parser(commands)
    gain_command = commands.add_parser(
        "gain", help="print an activation's exact gains", formatter_class=_HelpFormatter
    )
    gain_command.add_argument("name", help=f"one of {', '.join(activation_names())}")
    gain_command.add_argument(
        "--param",
        type=float,
        default=None,
        metavar="VALUE",
        help="leaky_relu's negative slope or elu's alpha (default: the activation's own, "
        "0.01 for leaky_relu and 1.0 for elu)",
    )
    listing = commands.add_parser(
        "list",
        help="print the registered initializers: formula, distribution, layout, defaults",
        formatter_class=_HelpFormatter,
    )
    for command in (report, gain_command, listing):
        command.set_defaults(command_parser=command)
    return parser


# --- gain and list --------------------------------------------------------------------------


def _gain(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        activation = get_activation(args.name, args.param)
        forward = gain(activation, kind="forward")
        backward = gain(activation, kind="backward")
    except (TypeError, ValueError) as error:
        parser.error(f"argument name: {error}")
    print(f"{activation.name}: φ(x) = {activation.formula}")
    print(f"forward gain  1/sqrt(E[φ(z)²])  = {forward:.15g}")
    print(f"backward gain 1/sqrt(E[φ'(z)²]) = {backward:.15g}")
    if args.name in NONLINEARITIES:
        print(f"PyTorch calculate_gain          = {calculate_gain(args.name, args.param):.15g}")
    return 0


#: A layout's axes, as ``weightinit list`` describes it.
LAYOUT_AXES = {"torch": "(out, in, *kernel)", "keras": "(*kernel, in, out)"}


def _list_rows() -> list[tuple[str, str, str]]:
    """Each initializer's name, formula, and details: origin, distribution, layout, defaults."""
    import weightinit

    rows = []
    for name in weightinit.available():
        init = weightinit.get(name)
        info = getattr(init, "info", None)
        layout = getattr(init, "layout", None)
        config = init.get_config() if hasattr(init, "get_config") else {}
        parts = [
            getattr(info, "origin", ""),
            getattr(info, "distribution", ""),
            layout and f"layout={layout} {LAYOUT_AXES.get(layout, '')}".rstrip(),
            ", ".join(f"{key}={json.dumps(value)}" for key, value in config.items()),
        ]
        rows.append((name, getattr(info, "formula", ""), "; ".join(part for part in parts if part)))
    return rows


def _list() -> int:
    rows = _list_rows()
    size = max(len(name) for name, _, _ in rows)
    width = output_width(sys.stdout)
    print("Initializers (weightinit.get(name)): formula")
    print(f"  {' ' * size}  [origin; distribution; default layout; default parameters]")
    for name, formula, details in rows:
        print(f"  {name.ljust(size)}  {formula}")
        text = f"[{details}]"
        wrapped = [text] if width is None else wrap(text, max(width - size - 4, 24))
        for line in wrapped:
            print(f"  {' ' * size}  {line}")
    print("\nActivations (weightinit gain NAME):")
    names = activation_names()
    size = max(map(len, names))
    for name in names:
        print(f"  {name.ljust(size)}  φ(x) = {get_activation(name).formula}")
    return 0


#: Exit status after the reader of the output went away (a shell's 128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no file descriptor (e.g. captured)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``weightinit`` command; returns the exit status.

    0 on success, 2 for a usage error (one line from argparse), 1 for a
    failure at run time such as a write error (one line on stderr), and
    :data:`EXIT_BROKEN_PIPE` without a message when the reader of the output
    goes away (``weightinit list | head -1``).
    """
    parser = _parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit:  # --help, --version, a usage error: their output's write errors too
            sys.stdout.flush()
            raise
        if args.command == "report":
            status = _report(args.command_parser, args)
        elif args.command == "gain":
            status = _gain(args.command_parser, args)
        else:
            status = _list()
        sys.stdout.flush()  # write errors surface here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (_RunError, OSError) as error:
        if isinstance(error, OSError):  # most likely writing the output, e.g. a full disk
            error = _RunError(f"{type(error).__name__}: {error}")
        _silence_stdout()
        with contextlib.suppress(OSError):
            sys.stderr.write(f"{parser.prog}: error: {error}\n")
            sys.stderr.flush()
        return 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
