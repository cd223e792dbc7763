"""The weightinit command: report (text, JSON, plot), gain, list, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import weightinit as wi
from weightinit import report
from weightinit.cli import DEFAULT_ACTIVATIONS, DEFAULT_INITIALIZERS, main
from weightinit.diagnostics import VERDICTS

SMALL = ["--depth", "4", "--width", "16", "--batch", "16", "--jobs", "1"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_report_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_run(capsys, "report", *SMALL, "--json", "--seed", "3"))
    config, results = data["config"], data["results"]
    assert config["depth"] == 4 and config["width"] == 16 and config["seed"] == 3
    assert config["initializers"] == list(DEFAULT_INITIALIZERS)
    assert config["activations"] == list(DEFAULT_ACTIVATIONS)
    assert len(results) == len(DEFAULT_INITIALIZERS) * len(DEFAULT_ACTIVATIONS)
    for row in results:
        assert {"initializer", "activation", "depth", "width", "verdict"} <= set(row)
        assert len(row["forward_std"]) == len(row["backward_std"]) == 4
        assert set(row["verdicts"]) <= set(VERDICTS)
        assert row["verdict"] == " + ".join(row["verdicts"])
    verdicts = {(r["initializer"], r["activation"]): r["verdicts"] for r in results}
    assert verdicts["zeros", "relu"] == ["symmetric", "dead", "vanishing"]


def test_report_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, "report", *SMALL, "--init", "he_normal,orthogonal", "--json")
    again = _run(capsys, "report", *SMALL, "--init", "he_normal,orthogonal", "--json")
    alone = _run(capsys, "report", *SMALL, "--init", "orthogonal", "--json")
    assert first == again
    # A row does not depend on the other rows run beside it.
    rows = {r["activation"]: r for r in json.loads(first)["results"][3:]}
    for row in json.loads(alone)["results"]:
        assert row["forward_std"] == rows[row["activation"]]["forward_std"]


def test_report_same_with_worker_processes(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("report", "--depth", "4", "--width", "16", "--init", "he_normal,orthogonal", "--json")
    in_process = _run(capsys, *argv, "--param", "orthogonal.gain=2.0", "--jobs", "1")
    workers = _run(capsys, *argv, "--param", "orthogonal.gain=2.0", "--jobs", "2")
    assert in_process == workers


def test_report_text(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "report", *SMALL, "--init", "zeros,he_normal", "--activation", "relu")
    assert "initializer" in out and "verdict" in out
    assert "symmetric" in out and "no better than one neuron" in out
    assert len([line for line in out.splitlines() if line.startswith(("zeros", "he_normal"))]) == 2


def test_report_param(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(
        capsys,
        "report",
        "--depth",
        "8",
        "--width",
        "128",
        "--init",
        "random_normal",
        "--activation",
        "tanh",
        "--param",
        "random_normal.stddev=1.0",
        "--json",
    )
    data = json.loads(out)
    assert data["results"][0]["verdict"] == "saturated + exploding"
    assert data["results"][0]["initializer"] == "random_normal(stddev=1.0)"
    assert data["config"]["params"] == [
        {"initializer": "random_normal", "key": "stddev", "value": 1.0}
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--depth", "0"], "argument --depth: must be an int >= 1"),
        (["--width", "wide"], "argument --width: invalid int value: 'wide'"),
        (["--init", "he_norml"], "argument --init: unknown initializer name 'he_norml'"),
        (["--init", "he_norml"], "did you mean 'he_normal'"),
        (["--activation", "rellu"], "argument --activation: unknown activation 'rellu'"),
        (["--activation", "rellu"], "did you mean 'relu'"),
        (["--param", "stddev=1"], "argument --param: expected NAME.KEY=VALUE"),
        (["--param", "he_uniform.scale=2"], "argument --param: he_uniform.scale names"),
        (
            ["--param", "random_normal.stdev=1"],
            "argument --param: random_normal cannot take stdev=1: random_normal() got an",
        ),
        (["--param", "random_normal.stddev=-1"], "stddev must be > 0"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_report_bad_flags(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", *SMALL, *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: weightinit" in err
    assert expected in err


def test_report_plot(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    from pathlib import Path

    target = Path(str(tmp_path)) / "report.png"
    _run(
        capsys, "report", *SMALL, "--init", "zeros,he_normal,glorot_uniform", "--plot", str(target)
    )
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 10_000


def test_report_without_plot_never_imports_matplotlib() -> None:
    code = (
        "import sys, weightinit\n"
        "from weightinit.cli import main\n"
        "main(['report', '--depth', '2', '--width', '4', '--batch', '4', '--init', 'zeros'])\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_import_weightinit_imports_no_command_machinery() -> None:
    code = (
        "import sys, weightinit\n"
        "loaded = {'argparse', 'weightinit.cli', 'weightinit.report', 'matplotlib'} & set(sys.modules)\n"
        "assert not loaded, sorted(loaded)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_report_library_gives_what_the_command_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--init", "random_normal,zeros", "--activation", "relu,tanh", "--seed", "5"]
    params = [("random_normal", "stddev", 0.5)]
    printed = _run(capsys, "report", *SMALL, *argv, "--param", "random_normal.stddev=0.5")
    label = "random_normal(stddev=0.5)"
    inits = [(label, wi.random_normal.partial(stddev=0.5)), ("zeros", wi.zeros)]
    results = report.run_report(inits, ["relu", "tanh"], depth=4, width=16, batch=16, seed=5)
    names = [label, label, "zeros", "zeros"]
    settings = report.Settings(
        ["random_normal", "zeros"], ["relu", "tanh"], 4, 16, 16, 5, params, compared=inits
    )
    assert printed == report.report_text(results, names, settings) + "\n"
    printed = _run(capsys, "report", *SMALL, *argv, "--param", "random_normal.stddev=0.5", "--json")
    assert printed == report.report_json(results, names, settings) + "\n"


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "weightinit", "report", *SMALL, "--init", "he_normal", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(done.stdout)["results"][0]["initializer"] == "he_normal"
    assert done.stderr == ""  # no progress without a terminal


def test_gain_command(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "gain", "tanh")
    assert "forward gain" in out and "1.59253741972283" in out
    assert "backward gain" in out and "1.4674135916308" in out
    assert "PyTorch calculate_gain          = 1.66666666666667" in out
    assert "1.38675049056307" in _run(capsys, "gain", "leaky_relu", "--param", "0.2")
    assert "PyTorch" not in _run(capsys, "gain", "gelu")


def test_gain_command_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["gain", "tahn"])
    assert "did you mean 'tanh'" in capsys.readouterr().err


def test_list_command(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "list")
    assert "glorot_uniform" in out and "fan_in + fan_out" in out
    assert "gelu" in out and "x·Φ(x)" in out


def test_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    assert "required: COMMAND" in capsys.readouterr().err


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "weightinit"]
    assert script.value == "weightinit.cli:main"


def test_plot_without_matplotlib(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    with pytest.raises(SystemExit):
        main(["report", *SMALL, "--plot", "never.png"])
    assert "argument --plot: needs matplotlib" in capsys.readouterr().err


# --- errors as one line, never a traceback (run as the command is run, in a process) --------

TIMEOUT = 120  # seconds; each run below takes about one


def _command(*argv: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weightinit", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _one_line_usage_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("usage: weightinit report")
    (message,) = [line for line in done.stderr.splitlines() if "error:" in line]
    assert expected in message
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--init", "fixed"],
            "argument --init: fixed cannot make the report's (4, 4) weight matrices: fixed() "
            "needs the parameter 'value', which has no default; write fixed(value=VALUE) in "
            "--init, or give --param fixed.value=VALUE",
        ),
        (["--init", "sparse"], "or give --param sparse.sparsity=VALUE"),
        (["--init", "sparse(std=0.01)"], "add sparsity=VALUE inside its parentheses"),
        (["--init", "dirac"], "dirac cannot make the report's (4, 4) weight matrices: dirac "),
        (["--init", "delta_orthogonal"], "delta_orthogonal needs a shape of rank 3, 4 or 5"),
        (
            ["--init", "critical_normal", "--activation", "tanh,gelu"],
            "critical_normal cannot make the report's (4, 4) weight matrices: gelu has no "
            "critical point with sigma_b=0.0",
        ),
        (
            ["--init", "he_normal", "--param", 'he_normal.in_axis="x"'],
            "argument --param: he_normal cannot take in_axis='x': "
            "in_axis must be an int; got in_axis='x' (type=str)",
        ),
        (
            ["--depth", "1000000", "--width", "256", "--batch", "256"],
            "arguments --depth, --width, --batch: depth * width * (width + 2 * batch) must be "
            "at most 134217728 (2**27); got depth=1000000, width=256, batch=256",
        ),
    ],
)
def test_report_refuses_schemes_it_cannot_run(argv: list[str], expected: str) -> None:
    small = ["--depth", "2", "--width", "4", "--batch", "4", "--jobs", "1"]
    _one_line_usage_error(_command("report", *small, *argv), expected)


def test_report_runs_sparse_given_its_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "report", *SMALL, "--init", "sparse", "--param", "sparse.sparsity=0.5")
    assert out.count("\nsparse(sparsity=0.5) ") == len(DEFAULT_ACTIVATIONS)
    written = _run(capsys, "report", *SMALL, "--init", "sparse(sparsity=0.5)")
    assert written == out


def test_plot_path_is_checked_before_running(tmp_path: object) -> None:
    pytest.importorskip("matplotlib")
    from pathlib import Path

    root = Path(str(tmp_path))
    small = ["--depth", "2", "--width", "4", "--batch", "4", "--jobs", "1", "--init", "zeros"]
    cases = [
        (str(root / "missing" / "r.png"), f"the directory {str(root / 'missing')!r} of"),
        (str(root), f"argument --plot: {str(root)!r} is a directory; give a file such as"),
        (str(root / "report"), "has no extension; the format is taken from it, one of"),
        (str(root / "report.pnj"), "has extension '.pnj'; the format is taken from it"),
    ]
    for target, expected in cases:
        _one_line_usage_error(_command("report", *small, "--plot", target), expected)
    assert list(root.iterdir()) == []  # nothing written, not even report.png beside it
    done = _command("report", *small, "--plot", str(root / "report.svg"))
    assert done.returncode == 0, done.stderr
    assert (root / "report.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_plot_format_list_is_matplotlib_s() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.backend_bases import FigureCanvasBase

    done = _command("report", "--depth", "2", "--width", "4", "--plot", "x.unknown")
    listed = done.stderr.strip().rsplit("one of ", 1)[1].split(", ")
    assert listed == sorted(FigureCanvasBase.get_supported_filetypes())


def test_plot_without_matplotlib_says_how_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from weightinit.cli import main\n"
        "sys.exit(main(['report', '--depth', '1000', '--plot', 'r.png']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pip install 'weightinit[plot]' (from a checkout: pip install -e '.[plot]')" in (
        done.stderr
    )


@pytest.mark.parametrize(
    "argv",
    [["list"], ["gain", "tanh"], ["--version"], ["report", "--help"], ["report", *SMALL, "--json"]],
)
def test_closed_pipe_exits_quietly(argv: list[str]) -> None:
    # `weightinit list | head -1`: the reader is gone before the output is written.
    import os

    read, write = os.pipe()
    os.close(read)
    try:
        done = _command(*argv, stdout=write)
    finally:
        os.close(write)
    assert done.returncode == 141
    assert done.stderr == ""


@pytest.mark.parametrize(
    "argv",
    [["list"], ["gain", "tanh"], ["--version"], ["report", "--help"], ["report", *SMALL, "--json"]],
)
def test_full_disk_is_one_line_and_nonzero(argv: list[str]) -> None:
    from pathlib import Path

    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        done = _command(*argv, stdout=full.fileno())
    assert done.returncode == 1
    assert done.stderr == "weightinit: error: OSError: [Errno 28] No space left on device\n"


def test_a_param_nested_too_deeply_is_a_usage_error() -> None:
    deep = "glorot_uniform.gain=" + "[" * 100_000
    done = _command("report", "--init", "glorot_uniform", "--param", deep, "--depth", "2")
    _one_line_usage_error(
        done, "argument --param: the value of glorot_uniform.gain nests too deeply to read"
    )


def test_report_runs_the_critical_schemes_at_each_rows_activation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["report", *SMALL, "--json", "--init", "critical_normal,critical_orthogonal"]
    results = json.loads(_run(capsys, *argv))["results"]
    assert [(r["initializer"], r["activation"]) for r in results] == [
        (name, act)
        for name in ("critical_normal", "critical_orthogonal")
        for act in DEFAULT_ACTIVATIONS
    ]
    for activation in DEFAULT_ACTIVATIONS:  # each row drawn at its own activation's critical σ_w
        bound = wi.critical_normal.partial(activation=activation)
        direct = wi.propagate(bound, activation, depth=4, width=16, batch=16,
                              rng=report.pair_seed(0, wi.critical_normal))  # fmt: skip
        (row,) = [
            r
            for r in results
            if r["initializer"] == "critical_normal" and r["activation"] == activation
        ]
        assert row["forward_std"] == pytest.approx(list(direct.std), rel=1e-12)
    relu = wi.critical_normal.partial(activation="relu")
    assert report.for_activation(relu, "tanh") is relu  # a bound activation is kept


# --- one seeding rule -------------------------------------------------------------------------


def _rows(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    rows = json.loads(_run(capsys, "report", *SMALL, "--json", *argv))["results"]
    for row in rows:
        del row["initializer"]  # the name typed; everything else must agree
    return list(rows)


def test_aliases_of_one_initializer_give_identical_rows(capsys: pytest.CaptureFixture[str]) -> None:
    # HeNormal (Keras' class name), he_normal and keras.he_normal are one object: one row.
    assert wi.get("HeNormal") is wi.get("he_normal") is wi.get("keras.he_normal")
    rows = [_rows(capsys, "--init", name) for name in ("HeNormal", "he_normal", "keras.he_normal")]
    assert rows[0] == rows[1] == rows[2]
    assert report.seed_key("HeNormal") == report.seed_key(wi.he_normal) == '["he_normal",{}]'


def test_parameters_not_spellings_set_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    one = _rows(capsys, "--init", "random_normal", "--param", "random_normal.stddev=1")
    same = _rows(capsys, "--init", "random_normal", "--param", "random_normal.stddev=1.0")
    assert one == same  # 1 and 1.0 are one parameter value
    keras_default = _rows(capsys, "--init", "random_normal")
    explicit = _rows(capsys, "--init", "random_normal", "--param", "random_normal.stddev=0.05")
    assert keras_default == explicit  # a default bound explicitly is the same initializer
    assert report.seed_key(wi.random_normal.partial(stddev=1)) == (
        '["random_normal",{"mean":0.0,"stddev":1.0}]'
    )
    seeds = {
        report.pair_seed(0, init).generate_state(4).tobytes()
        for init in (
            wi.random_normal,
            wi.random_normal.partial(stddev=1.0),
            wi.random_normal.partial(mean=0.5),
            wi.orthogonal.partial(gain=2.0),
            wi.orthogonal,
        )
    }
    assert len(seeds) == 5


def test_seed_is_crc32_of_the_key_and_a_plain_callable_uses_its_name() -> None:
    import zlib

    expected = np.random.SeedSequence([7, zlib.crc32(b'["he_normal",{}]')])
    assert report.pair_seed(7, "keras.he_normal").entropy == expected.entropy

    def mine(shape: tuple[int, ...], rng: object = None) -> np.ndarray:
        return np.zeros(shape)

    assert report.seed_key(mine, "mine") == "mine"
    assert report.pair_seed(0, mine, "mine").entropy == [0, zlib.crc32(b"mine")]
    with pytest.raises(TypeError, match="name must be given"):
        report.seed_key(mine)


# --- version, help, width ---------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"weightinit {wi.__version__}\n"


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["report"], ["gain"], ["list"]])
def test_every_flag_says_its_default(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    lines = _help(capsys, *command).split("options:\n")[1].splitlines()
    blocks: list[str] = []
    for line in lines:
        if line.startswith("  -"):
            blocks.append(line)
        elif blocks and line.startswith("   "):
            blocks[-1] += line
    assert blocks and all(
        "default: " in block for block in blocks if not block.startswith(("  -h", "  --version"))
    ), blocks


@pytest.mark.parametrize("command", [[], ["report"], ["gain"], ["list"]])
def test_help_breaks_no_word(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    words = set(_help(capsys, *command).split())
    monkeypatch.setenv("COLUMNS", "40")
    narrow = _help(capsys, *command)
    assert set(narrow.split()) <= words  # no word cut, none split after its hyphen
    if command == ["report"]:
        assert "comma-separated" in narrow and "random_normal.stddev=1.0" in narrow


class _Stream:
    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_output_width_is_the_terminal_s_and_none_for_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from weightinit.cli import output_width

    monkeypatch.setenv("COLUMNS", "77")
    assert output_width(_Stream(True)) == 77
    assert output_width(_Stream(False)) is None
    assert output_width(object()) is None


def test_report_table_wraps_its_reasons_to_the_width() -> None:
    inits = [("zeros", wi.zeros), ("random_normal", wi.random_normal.partial(stddev=1.0))]
    results = report.run_report(inits, ["tanh"], depth=4, width=16, batch=16, seed=0)
    names = ["zeros", "random_normal"]
    one_line = report.format_table(results, names=names).splitlines()
    assert len(one_line) == 4  # header, rule, two rows
    indent = one_line[1].rindex("  ") + 2  # where the "why" column starts
    for width in (indent + report.MIN_WHY_WIDTH, indent + 40):
        lines = report.format_table(results, names=names, width=width).splitlines()
        assert all(len(line) <= width for line in lines), lines
        assert lines[:2] == one_line[:2]
        rows: list[list[str]] = []
        for line in lines[2:]:
            if line.startswith(" "):
                assert line[:indent] == " " * indent and line[indent] != " "
                rows[-1].append(line[indent:])
            else:
                rows.append([line])
        assert len(rows) == 2
        for row, whole, result in zip(rows, one_line[2:], results, strict=True):
            assert row[0][:indent] == whole[:indent]  # the other columns, aligned as before
            assert " ".join([row[0][indent:], *row[1:]]) == result.explanation
    settings = report.Settings(depth=4, width=16, batch=16)
    text = report.report_text(results, names, settings, width=indent + 30)
    assert all(len(line) <= indent + 30 for line in text.splitlines())
    # Narrower than the other columns allow: each reason goes under its row, indented by 4.
    width = indent + report.MIN_WHY_WIDTH - 1
    narrow = report.format_table(results, names=names, width=width).splitlines()
    fixed = one_line[1].rpartition("  ")[0]  # the rule under the other columns
    assert narrow[:3] == [one_line[0][: len(fixed)].rstrip(), "    why", fixed]
    rows = [i for i, line in enumerate(narrow) if not line.startswith(" ")][2:]
    assert len(rows) == 2
    for start, result in zip(rows, results, strict=True):
        end = next((i for i in rows if i > start), len(narrow))
        reason = narrow[start + 1 : end]
        assert all(line.startswith("    ") and len(line) <= width for line in reason)
        assert " ".join(line[4:] for line in reason) == result.explanation


# --- list and the unknown-name hint -----------------------------------------------------------


def test_list_gives_each_name_s_distribution_layout_and_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _run(capsys, "list").splitlines()

    def details(name: str) -> str:
        (index,) = [i for i, line in enumerate(lines) if line.split()[:1] == [name]]
        return lines[index + 1].strip()

    assert (
        details("he_normal") == "[Keras; truncated normal (±2σ); layout=keras (*kernel, in, out)]"
    )
    assert details("kaiming_normal") == (
        '[PyTorch; normal; layout=torch (out, in, *kernel); a=0.0, mode="fan_in", '
        'nonlinearity="leaky_relu"]'
    )
    assert details("random_normal") == (
        "[Keras; normal; layout=keras (*kernel, in, out); mean=0.0, stddev=0.05]"
    )
    assert details("truncated_normal").startswith("[Keras; truncated normal; layout=keras")
    assert details("jax_normal").endswith("; stddev=0.01]")


def test_an_unknown_initializer_points_to_weightinit_list() -> None:
    done = _command("report", "--init", "he_normall")
    _one_line_usage_error(
        done,
        "argument --init: unknown initializer name 'he_normall'; did you mean 'he_normal'",
    )
    assert done.stderr.endswith(
        "; weightinit list prints them all (docs/names.md lists every alias).\n"
    )
