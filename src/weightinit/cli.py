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
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from ._engine import available_cores
from ._validation import listed, shown
from .activations import activation_names, get_activation
from .diagnostics import MAX_PROPAGATION_VALUES
from .gains import NONLINEARITIES, calculate_gain, gain
from .registry import get
from .report import (
    DEFAULT_ACTIVATIONS,
    DEFAULT_BATCH,
    DEFAULT_DEPTH,
    DEFAULT_INITIALIZERS,
    DEFAULT_WIDTH,
    Settings,
    check_square,
    for_activation,
    report_json,
    report_text,
    run_report,
    wrap,
    write_plot,
)
from .report import format_table as format_table  # importable from here, as before

__all__ = ["DEFAULT_ACTIVATIONS", "DEFAULT_INITIALIZERS", "main", "run_report"]


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


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated names; got {text!r}")
    return names


def _param(text: str) -> tuple[str, str, Any]:
    target, equals, raw = text.partition("=")
    name, dot, key = target.partition(".")
    if not (equals and dot and name and key):
        raise argparse.ArgumentTypeError(f"expected NAME.KEY=VALUE; got {text!r}")
    try:
        value = json.loads(raw)
    except RecursionError:
        raise argparse.ArgumentTypeError(
            f"VALUE nests too deeply to read; got {shown(text)}"
        ) from None
    except ValueError:
        value = raw  # a bare word such as fan_out
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


def _report_parser(commands: Any) -> argparse.ArgumentParser:
    report: argparse.ArgumentParser = commands.add_parser(
        "report",
        help="measure signal propagation per initializer and activation",
        description=(
            "Push a random batch through a deep MLP for every initializer × activation "
            "and report how the forward signal and the gradient evolve across depth."
        ),
        formatter_class=_HelpFormatter,
    )
    for flag, defaults, what in (
        ("--init", DEFAULT_INITIALIZERS, "initializers"),
        ("--activation", DEFAULT_ACTIVATIONS, "activations"),
    ):
        report.add_argument(
            flag,
            type=_names,
            default=list(defaults),
            metavar="A,B",
            help=f"{what}, comma-separated (default: {', '.join(defaults)})",
        )
    for flag, count, default, what in (
        ("--depth", 1, DEFAULT_DEPTH, "layers of the stack"),
        ("--width", 2, DEFAULT_WIDTH, "units per layer"),
        ("--batch", 2, DEFAULT_BATCH, "examples pushed through it"),
        ("--seed", 0, 0, "seed of every run, with each initializer's name and parameters"),
    ):
        report.add_argument(flag, type=_count(count), default=default, metavar="N", help=what)
    report.add_argument(
        "--param",
        type=_param,
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        help="set an initializer parameter, e.g. random_normal.stddev=1.0 (repeatable; "
        "default: none, each initializer's own defaults, which weightinit list prints)",
    )
    report.add_argument(
        "--jobs",
        type=_count(1),
        default=None,
        metavar="N",
        help="worker processes, one BLAS thread each (default: the available cores)",
    )
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument(
        "--plot",
        metavar="FILE.png",
        help="write per-layer std curves to FILE, in the format its extension names "
        "(png, pdf, svg, ...; needs matplotlib; default: no plot)",
    )
    return report


# --- report --------------------------------------------------------------------------------


def _with_list_hint(error: Exception) -> str:
    """``error``'s message, its pointer to the Python API turned to ``weightinit list``."""
    return str(error).replace(
        "weightinit.available() lists the canonical names and docs/names.md every name",
        "weightinit list prints them all (docs/names.md lists every alias)",
    )


def _resolve_initializers(
    parser: argparse.ArgumentParser, names: list[str], params: list[tuple[str, str, Any]]
) -> list[tuple[str, Any]]:
    resolved = []
    for name in names:
        try:
            resolved.append((name, get(name)))
        except (TypeError, ValueError) as error:
            parser.error(f"argument --init: {_with_list_hint(error)}")
    by_name: dict[str, Any] = dict(resolved)
    bound: dict[str, dict[str, Any]] = {}
    for name, key, value in params:
        if name not in by_name:
            parser.error(
                f"argument --param: {name}.{key} names {name!r}, which is not in --init "
                f"({','.join(names)})"
            )
        bound.setdefault(name, {})[key] = value
    for name, values in bound.items():
        try:
            by_name[name] = by_name[name].partial(**values)
        except (TypeError, ValueError) as error:
            parser.error(f"argument --param: {name} cannot take {listed(values)}: {error}")
    return [(name, by_name[name]) for name, _ in resolved]


def _check_square(
    parser: argparse.ArgumentParser,
    initializers: list[tuple[str, Any]],
    width: int,
    bound: set[str],
    activations: list[str],
) -> None:
    """Make an initializer that cannot make a (width, width) matrix (for each activation it takes) a usage error."""
    for name, init in initializers:
        try:
            for activation in activations:
                check_square(name, for_activation(init, activation), width)
        except (TypeError, ValueError) as error:
            flag = "--param" if name in bound else "--init"
            hint = ""
            missing = re.search(r"needs the parameter '(\w+)'", str(error))
            if missing:
                hint = f"; give it with --param {name}.{missing.group(1)}=VALUE"
            parser.error(
                f"argument {flag}: {name} cannot make the report's ({width}, {width}) weight "
                f"matrices: {str(error).rstrip('.')}{hint}"
            )


def _check_size(parser: argparse.ArgumentParser, depth: int, width: int, batch: int) -> None:
    values = depth * width * (width + 2 * batch)
    if values > MAX_PROPAGATION_VALUES:
        parser.error(
            f"arguments --depth, --width, --batch: depth * width * (width + 2 * batch) must be "
            f"at most {MAX_PROPAGATION_VALUES} (2**27); got depth={depth}, width={width}, "
            f"batch={batch} with {values} values"
        )


def _check_plot(parser: argparse.ArgumentParser, text: str) -> None:
    """Refuse a --plot path that cannot be written, before anything is run."""
    try:
        import matplotlib  # noqa: F401  (first: a cached submodule would hide its absence)
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        parser.error(
            "argument --plot: needs matplotlib; install it with pip install 'weightinit[plot]' "
            "(from a checkout: pip install -e '.[plot]'), or pip install matplotlib"
        )
    path = Path(text)
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if path.is_dir() or text.endswith(("/", os.sep)):
        parser.error(
            f"argument --plot: {text!r} is a directory; give a file such as {text.rstrip('/' + os.sep)}/report.png"
        )
    parent = path.parent
    if not parent.is_dir():
        parser.error(f"argument --plot: the directory {str(parent)!r} of {text!r} does not exist")
    if not os.access(parent, os.W_OK):
        parser.error(f"argument --plot: the directory {str(parent)!r} of {text!r} is not writable")
    extension = path.suffix[1:].lower()
    if extension not in formats:
        got = f"extension {path.suffix!r}" if extension else "no extension"
        parser.error(
            f"argument --plot: {text!r} has {got}; the format is taken from it, one of "
            f"{', '.join(formats)}"
        )


def _check_activations(parser: argparse.ArgumentParser, names: list[str]) -> None:
    for name in names:
        try:
            get_activation(name)
        except (TypeError, ValueError) as error:
            parser.error(f"argument --activation: {error}")


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


def _report(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.plot is not None:
        _check_plot(parser, args.plot)
    _check_size(parser, args.depth, args.width, args.batch)
    _check_activations(parser, args.activation)
    initializers = _resolve_initializers(parser, args.init, args.param)
    bound = {name for name, _, _ in args.param}
    _check_square(parser, initializers, args.width, bound, args.activation)
    names = [name for name, _ in initializers for _ in args.activation]
    progress = sys.stderr if sys.stderr.isatty() else None
    started = time.perf_counter()
    results = run_report(
        initializers,
        args.activation,
        depth=args.depth,
        width=args.width,
        batch=args.batch,
        seed=args.seed,
        jobs=available_cores() if args.jobs is None else args.jobs,
        progress=progress,
    )
    if args.plot is not None:
        try:
            write_plot(args.plot, names, results)
        except OSError as error:
            _fail(f"cannot write the plot {args.plot!r}: {error}")
    settings = Settings(
        args.init, args.activation, args.depth, args.width, args.batch, args.seed, args.param
    )
    if args.json:
        print(report_json(results, names, settings))
    else:
        print(report_text(results, names, settings, width=output_width(sys.stdout)))
    if progress is not None:
        progress.write(f"{len(results)} runs in {time.perf_counter() - started:.1f} s\n")
    return 0


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


class _RunError(Exception):
    """A run-time error reported as one line on stderr, with exit status 1."""


def _fail(message: str) -> NoReturn:
    raise _RunError(message)


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
