"""The weightinit command: report (text, JSON, plot), gain, list, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from weightinit.cli import DEFAULT_ACTIVATIONS, DEFAULT_INITIALIZERS, main

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
        assert row["verdict"] in {"healthy", "vanishing", "exploding", "saturated", "symmetric"}
    verdicts = {(r["initializer"], r["activation"]): r["verdict"] for r in results}
    assert verdicts["zeros", "relu"] == "symmetric"


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
    assert data["results"][0]["verdict"] == "saturated"
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
        (["--param", "random_normal.stdev=1"], "argument --param: random_normal() got an"),
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
