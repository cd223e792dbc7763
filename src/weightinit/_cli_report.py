"""``weightinit report``: its arguments, their checks, and what it prints.

The report itself is :mod:`weightinit.report` (the runs, their seeding, the
table and the JSON), :mod:`weightinit._report_plot` (the plot) and
:mod:`weightinit._report_train` (the training runs of ``--train``); this
module reads the command line, refuses what cannot run before anything is
run, and prints.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from ._cli_args import _count, _fail, _HelpFormatter, _names, _param, _positive, output_width
from ._engine import available_cores
from ._report_train import (
    DEFAULT_STEPS,
    LEARNING_RATE,
    run_training,
    training_dicts,
    training_heading,
    training_table,
)
from ._validation import listed
from .activations import get_activation
from .diagnostics import MAX_PROPAGATION_VALUES
from .registry import get
from .report import (
    DEFAULT_ACTIVATIONS,
    DEFAULT_BATCH,
    DEFAULT_DEPTH,
    DEFAULT_INITIALIZERS,
    DEFAULT_WIDTH,
    SCALED_IDENTITY,
    SCALED_IDENTITY_DEPTH,
    Settings,
    check_square,
    for_activation,
    parse_spec,
    report_json,
    report_text,
    run_report,
    scaled_identity_note,
    spec_label,
    wrap,
    write_plot,
)
from .training import Training


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
        ("--init", DEFAULT_INITIALIZERS, "initializers, each NAME or NAME(KEY=VALUE, ...)"),
        ("--activation", DEFAULT_ACTIVATIONS, "activations"),
    ):
        report.add_argument(
            flag,
            type=_names,
            action="extend",
            default=None,
            metavar="A,B",
            help=f"{what}, comma-separated, repeatable (default: {', '.join(defaults)})",
        )
    report.add_argument(
        "--depth",
        type=_count(1),
        default=None,
        metavar="N",
        help=f"layers of the stack (default: {DEFAULT_DEPTH}; "
        f"{SCALED_IDENTITY_DEPTH} with --scaled-identity)",
    )
    for flag, count, default, what in (
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
        help="set a parameter of the --init entries written as plain NAME (or, where none is "
        "written so, as another name of the same initializer), e.g. random_normal.stddev=1.0, "
        "as random_normal(stddev=1.0) would (repeatable; default: "
        "none, each initializer's own defaults, which weightinit list prints)",
    )
    report.add_argument(
        "--jobs",
        type=_count(1),
        default=None,
        metavar="N",
        help="worker processes, one BLAS thread each (default: the available cores)",
    )
    _output_flags(report)
    return report


def _output_flags(report: argparse.ArgumentParser) -> None:
    """The flags of what is run and printed besides the default table: --scaled-identity, --json, --train and its --steps, --clip, --plot."""
    report.add_argument(
        "--scaled-identity",
        action="store_true",
        help="the classic linear example instead: W = 1.5·I and W = 0.5·I, linear units, "
        f"{SCALED_IDENTITY_DEPTH} layers (--init {','.join(SCALED_IDENTITY)} --activation "
        f"linear --depth {SCALED_IDENTITY_DEPTH}); default: off",
    )
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument(
        "--train",
        action="store_true",
        help="also train a small MLP from each initializer × activation (weightinit.train) and "
        "print its loss before the first and the last step and its largest step (default: off)",
    )
    report.add_argument(
        "--steps",
        type=_count(1),
        default=None,
        metavar="N",
        help=f"gradient-descent steps of each --train run (default: {DEFAULT_STEPS})",
    )
    report.add_argument(
        "--clip",
        type=_positive,
        default=None,
        metavar="NORM",
        help="clip each --train gradient to global norm NORM, so no step exceeds "
        "learning rate × NORM (default: no clipping)",
    )
    report.add_argument(
        "--plot",
        metavar="FILE.png",
        help="write per-layer std curves to FILE, in the format its extension names "
        "(png, pdf, svg, ...; needs matplotlib; default: no plot)",
    )


# --- report --------------------------------------------------------------------------------


def _with_list_hint(error: Exception) -> str:
    """``error``'s message, its pointer to the Python API turned to ``weightinit list``."""
    return str(error).replace(
        "weightinit.available() lists the canonical names and docs/names.md every name",
        "weightinit list prints them all (docs/names.md lists every alias)",
    )


def _same(name: str, entry: str, init: Any) -> bool:
    """Whether ``--param``'s ``name`` names the ``--init`` entry ``entry`` (``init``): as written, or an alias of it."""
    if name == entry:
        return True
    try:
        return get(name) is init
    except (TypeError, ValueError):
        return False


def _resolve_initializers(
    parser: argparse.ArgumentParser, specs: list[str], params: list[tuple[str, str, Any]]
) -> tuple[list[tuple[str, Any]], set[str]]:
    """Each ``--init`` entry, ``NAME`` or ``NAME(KEY=VALUE, ...)``, as ``(label, initializer)``; the labels ``--param`` bound.

    ``--param NAME.KEY=VALUE`` binds to the entries written plain ``NAME``
    or, where no entry is written ``NAME``, to those written as another name
    of the same initializer (``RandomNormal`` for ``random_normal``); the label names every parameter bound either
    way, e.g. ``random_normal(stddev=1)``.
    """
    entries = []
    for spec in specs:
        try:
            name, values = parse_spec(spec)
            entries.append((name, values, get(name), "(" not in spec))
        except (TypeError, ValueError) as error:
            parser.error(f"argument --init: {_with_list_hint(error)}")
    extra: dict[int, dict[str, Any]] = {}
    for name, key, value in params:
        targets = [i for i, entry in enumerate(entries) if entry[0] == name]
        if not targets:  # no entry written NAME: the entries naming the same initializer
            targets = [
                i for i, (entry, _, init, _) in enumerate(entries) if _same(name, entry, init)
            ]
        plain = [i for i in targets if entries[i][3]]
        if not plain:
            parser.error(
                f"argument --param: {name}.{key} names {name!r}, which is not a plain entry of "
                f"--init ({','.join(specs)}); add {key}=VALUE inside the parentheses of "
                f"{specs[targets[0]].strip()} instead"
                if targets
                else f"argument --param: {name}.{key} names {name!r}, which is not in --init "
                f"({','.join(specs)})"
            )
        for index in plain:
            if key in extra.get(index, {}):
                parser.error(f"argument --param: {entries[index][0]}.{key} is given twice")
            extra.setdefault(index, {})[key] = value
    resolved = []
    for index, (name, values, init, _) in enumerate(entries):
        bound = {**values, **extra.get(index, {})}
        try:
            resolved.append((spec_label(name, bound), init.partial(**bound) if bound else init))
        except (TypeError, ValueError) as error:
            flag = "--init" if values else "--param"
            parser.error(f"argument {flag}: {name} cannot take {listed(bound)}: {error}")
    return resolved, {resolved[index][0] for index in extra}


def _check_square(
    parser: argparse.ArgumentParser,
    initializers: list[tuple[str, Any]],
    width: int,
    bound: set[str],
    activations: list[str],
    default_init: bool = False,
) -> None:
    """Make an initializer that cannot make a (width, width) matrix (for each activation it takes) a usage error."""
    for name, init in initializers:
        try:
            for activation in activations:
                check_square(name, for_activation(init, activation), width)
        except (TypeError, ValueError) as error:
            flag = "--param" if name in bound else "--init"
            hint = ""
            if default_init and "activation" not in getattr(init, "get_config", dict)():
                flag = "--activation"
                hint = (
                    f"; the default --init includes {name}: give --init without it, e.g. "
                    f"--init '{','.join(n for n, _ in initializers if not n.startswith('critical'))}'"
                )
            missing = re.search(r"needs the parameter '(\w+)'", str(error))
            if missing:
                key = missing.group(1)
                hint = (
                    f"; add {key}=VALUE inside its parentheses"
                    if "(" in name
                    else f"; write {name}({key}=VALUE) in --init, or give --param {name}.{key}=VALUE"
                )
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
    if not text.strip():
        parser.error("argument --plot: expected a file name such as report.png; got ''")
    if path.is_dir() or text.endswith(("/", os.sep)):
        what = "is a directory" if path.is_dir() else "ends with a path separator"
        parser.error(
            f"argument --plot: {text!r} {what}; give a file such as "
            f"{text.rstrip('/' + os.sep) or '.'}/report.png"
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
            parser.error(
                f"argument --activation: {str(error).rstrip('.')}; weightinit list prints them all"
            )


def _report_choices(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Fill in the defaults of --init, --activation, --depth; refuse flags that do not combine."""
    args.default_init = args.init is None
    if args.scaled_identity:
        for flag, value in (
            ("--init", args.init),
            ("--activation", args.activation),
            ("--param", args.param or None),
        ):
            if value is not None:
                parser.error(f"argument {flag}: not allowed with --scaled-identity, which sets it")
        args.init, args.activation = list(SCALED_IDENTITY), ["linear"]
        args.depth = SCALED_IDENTITY_DEPTH if args.depth is None else args.depth
    args.init = list(DEFAULT_INITIALIZERS) if args.init is None else args.init
    args.activation = list(DEFAULT_ACTIVATIONS) if args.activation is None else args.activation
    args.depth = DEFAULT_DEPTH if args.depth is None else args.depth
    for flag, value in (("--steps", args.steps), ("--clip", args.clip)):
        if value is not None and not args.train:
            parser.error(f"argument {flag}: applies to the training runs; add --train")


def _report(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    _report_choices(parser, args)
    if args.plot is not None:
        _check_plot(parser, args.plot)
    _check_size(parser, args.depth, args.width, args.batch)
    _check_activations(parser, args.activation)
    initializers, bound = _resolve_initializers(parser, args.init, args.param)
    _check_square(parser, initializers, args.width, bound, args.activation, args.default_init)
    names = [name for name, _ in initializers for _ in args.activation]
    progress = sys.stderr if sys.stderr.isatty() else None
    jobs = available_cores() if args.jobs is None else args.jobs
    started = time.perf_counter()
    results = run_report(
        initializers,
        args.activation,
        depth=args.depth,
        width=args.width,
        batch=args.batch,
        seed=args.seed,
        jobs=jobs,
        progress=progress,
    )
    notes = [scaled_identity_note(names, results)] if args.scaled_identity else []
    settings = Settings(
        args.init,
        args.activation,
        args.depth,
        args.width,
        args.batch,
        args.seed,
        args.param,
        compared=initializers,
        notes=notes,
    )
    if args.plot is not None:
        _plot(args.plot, names, results, settings)
    training = _training(args, initializers, jobs, progress) if args.train else None
    _print(args, results, names, settings, training)
    if progress is not None:
        runs = len(results) + (len(training) if training is not None else 0)
        progress.write(f"{runs} runs in {time.perf_counter() - started:.1f} s\n")
    return 0


def _print(
    args: argparse.Namespace,
    results: list[Any],
    names: list[str],
    settings: Settings,
    training: list[Training] | None,
) -> None:
    """Print the report, and the training runs if any: as text, or as one JSON object."""
    width = output_width(sys.stdout)
    steps = DEFAULT_STEPS if args.steps is None else args.steps
    if args.json:
        extra = None
        if training is not None:
            extra = {
                "steps": steps,
                "clip_norm": args.clip,
                "learning_rate": LEARNING_RATE,
                "runs": training_dicts(names, training),
            }
        print(report_json(results, names, settings, training=extra))
    else:
        print(report_text(results, names, settings, width=width))
        if training is not None:
            heading = training_heading(steps, args.clip)
            lines = [heading] if width is None else wrap(heading, max(width, 1))
            print("", *lines, "", training_table(names, training, width=width), sep="\n")


def _training(
    args: argparse.Namespace, initializers: list[tuple[str, Any]], jobs: int, progress: Any
) -> list[Training]:
    return run_training(
        initializers,
        args.activation,
        seed=args.seed,
        steps=DEFAULT_STEPS if args.steps is None else args.steps,
        clip_norm=args.clip,
        jobs=jobs,
        progress=progress,
    )


def _plot(path: str, names: list[str], results: Any, settings: Settings) -> None:
    try:
        write_plot(path, names, results, settings=settings)
    except OSError as error:
        _fail(f"cannot write the plot {path!r}: {error}")
    with contextlib.suppress(OSError):
        sys.stderr.write(f"wrote the plot to {os.path.abspath(path)}\n")
