"""The default report tells the classic story: each claim measured, labelled, and explained.

The classic texts on initialization claim: zero weights make units symmetric;
N(0, 1) weights saturate tanh and sigmoid and explode; Xavier/Glorot keeps
tanh alive; He keeps deep ReLU alive; 1.5·I and 0.5·I explode and vanish;
zero biases are fine. ``weightinit report`` with no flags must show each,
with the parameters of every initializer printed and no row contradicting
its own numbers.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from typing import Any

import pytest

from weightinit.cli import main
from weightinit.diagnostics import RATIO_LIMIT
from weightinit.report import (
    DEFAULT_INITIALIZERS,
    SCALED_IDENTITY,
    describe_initializer,
    parse_spec,
    spec_label,
    split_specs,
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def default_rows() -> dict[tuple[str, str], dict[str, Any]]:
    """The default report's rows (its full size: 30 layers of 256), by (label, activation)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["report", "--json", "--jobs", "2"]) == 0
    data = json.loads(buffer.getvalue())
    return {(r["initializer"], r["activation"]): r for r in data["results"]}


def test_the_default_compares_every_classic_initializer(
    default_rows: dict[tuple[str, str], dict[str, Any]],
) -> None:
    labels = list(dict.fromkeys(label for label, _ in default_rows))
    assert labels == list(DEFAULT_INITIALIZERS)
    for needed in ("zeros", "random_normal(stddev=1)", "random_normal", "random_uniform"):
        assert needed in labels
    for needed in ("glorot_uniform", "he_normal", "lecun_normal", "orthogonal"):
        assert needed in labels
    assert {"critical_normal", "critical_orthogonal"} <= set(labels)
    assert {activation for _, activation in default_rows} == {"relu", "tanh", "sigmoid"}


@pytest.mark.parametrize(
    ("label", "activation", "finding"),
    [
        ("zeros", "relu", "symmetric"),
        ("zeros", "tanh", "symmetric"),
        ("zeros", "sigmoid", "symmetric"),
        ("zeros", "relu", "dead"),
        ("random_normal(stddev=1)", "relu", "exploding"),
        ("random_normal(stddev=1)", "tanh", "saturated"),
        ("random_normal(stddev=1)", "tanh", "exploding"),
        ("random_normal(stddev=1)", "sigmoid", "saturated"),
        ("random_normal", "relu", "vanishing"),
        ("random_normal", "tanh", "vanishing"),
        ("random_uniform", "relu", "vanishing"),
        ("glorot_uniform", "tanh", "healthy"),
        ("glorot_uniform", "relu", "vanishing"),
        ("he_normal", "relu", "healthy"),
        ("orthogonal", "tanh", "healthy"),
        ("critical_normal", "relu", "healthy"),
        ("critical_normal", "tanh", "healthy"),
        ("critical_orthogonal", "relu", "healthy"),
        ("critical_orthogonal", "tanh", "healthy"),
    ],
)
def test_each_classic_claim_shows(
    default_rows: dict[tuple[str, str], dict[str, Any]], label: str, activation: str, finding: str
) -> None:
    assert finding in default_rows[label, activation]["verdicts"]


def test_no_row_contradicts_its_numbers(
    default_rows: dict[tuple[str, str], dict[str, Any]],
) -> None:
    for (label, activation), row in default_rows.items():
        verdicts, reasons = row["verdicts"], row["reasons"]
        assert row["verdict"] == " + ".join(verdicts)
        assert len(reasons) == len(verdicts)
        ratios = [row["forward_ratio"], row["backward_ratio"]]
        finite = [r for r in ratios if r is not None and math.isfinite(r)]
        big = any(r > RATIO_LIMIT for r in finite)
        small = any(r < 1 / RATIO_LIMIT for r in finite)
        where = f"{label} × {activation}: {row['verdict']} ({row['explanation']})"
        assert ("exploding" in verdicts) >= big, where
        assert ("vanishing" in verdicts) == small, where
        assert ("healthy" in verdicts) == (verdicts == ["healthy"]), where
        if "healthy" in verdicts or verdicts == ["saturated"]:
            assert not (big or small), where
            assert "both within ×10" in row["explanation"], where
        for reason in reasons:  # every ratio a reason names is the measured one
            for number in re.findall(r"×([0-9.e+-]+)", reason):
                if number != f"{RATIO_LIMIT:g}":
                    assert number in {f"{r:.2g}" for r in finite}, where
        assert "barely pass" not in row["explanation"], where


def test_the_parameters_of_every_initializer_are_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("report", "--depth", "3", "--width", "16", "--batch", "8", "--jobs", "1")
    out = _run(capsys, *argv, "--activation", "relu,tanh")
    block = out[out.index("Initializers (every parameter used") :]
    lines = {line.split()[0]: line for line in block.splitlines()[1:] if line.startswith("  ")}
    assert set(DEFAULT_INITIALIZERS) <= set(lines)
    assert (
        "Keras RandomNormal defaults: mean=0, stddev=0.05; weight std 0.05"
        in (lines["random_normal"])
    )
    assert (
        "Keras RandomNormal: mean=0 (default), stddev=1; weight std 1"
        in (lines["random_normal(stddev=1)"])
    )
    assert "minval=-0.05, maxval=0.05" in lines["random_uniform"]
    assert "activation=each row's" in lines["critical_normal"]
    assert "(relu)" in lines["critical_normal"] and "(tanh)" in lines["critical_normal"]
    assert "weight std 0.25" in lines["glorot_uniform"]  # sqrt(2 / (16 + 16))


def test_json_rows_carry_every_parameter_used(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("report", "--depth", "3", "--width", "16", "--batch", "8", "--jobs", "1", "--json")
    data = json.loads(_run(capsys, *argv, "--init", "random_normal,critical_normal"))
    rows = {(r["initializer"], r["activation"]): r for r in data["results"]}
    assert rows["random_normal", "relu"]["parameters"] == {"mean": 0.0, "stddev": 0.05}
    assert rows["random_normal", "relu"]["weight_std"] == pytest.approx(0.05)
    assert rows["critical_normal", "tanh"]["parameters"]["activation"] == "tanh"
    assert rows["critical_normal", "relu"]["weight_std"] == pytest.approx(math.sqrt(2 / 16))


def test_a_written_parameter_equals_param_and_labels_the_row(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("report", "--depth", "4", "--width", "16", "--batch", "8", "--jobs", "1", "--json")
    written = json.loads(_run(capsys, *argv, "--init", "random_normal(stddev=1)"))
    flagged = json.loads(
        _run(capsys, *argv, "--init", "random_normal", "--param", "random_normal.stddev=1.0")
    )
    assert next(r["initializer"] for r in written["results"]) == "random_normal(stddev=1)"
    assert next(r["initializer"] for r in flagged["results"]) == "random_normal(stddev=1.0)"
    for one, other in zip(written["results"], flagged["results"], strict=True):
        assert one["forward_std"] == other["forward_std"]  # one seeding rule: same numbers
    text = _run(capsys, *argv[:-1], "--init", "random_normal", "--param", "random_normal.stddev=1")
    assert "\nrandom_normal(stddev=1)  1           relu" in text


def test_specs_parse() -> None:
    assert split_specs("zeros,random_uniform(minval=-1, maxval=1), he_normal") == [
        "zeros",
        "random_uniform(minval=-1, maxval=1)",
        "he_normal",
    ]
    assert parse_spec(" orthogonal ( gain = 2 ) ") == ("orthogonal", {"gain": 2})
    assert parse_spec("variance_scaling(mode=fan_out, scale=2.0)") == (
        "variance_scaling",
        {"mode": "fan_out", "scale": 2.0},
    )
    assert spec_label("identity", {"gain": 1.5}) == "identity(gain=1.5)"
    for bad in ("random_normal(stddev=1", "random_normal(1)", "a)b", "(stddev=1)", "x(a=1))"):
        with pytest.raises(ValueError, match="expected"):
            parse_spec(bad)
    with pytest.raises(ValueError, match="gives 'stddev' twice"):
        parse_spec("random_normal(stddev=1, stddev=2)")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--init", "random_normal(stddev=1"], "argument --init: expected NAME or NAME(KEY=VALUE"),
        (["--init", "random_normal(stdev=1)"], "argument --init: random_normal cannot take"),
        (
            ["--init", "random_normal(stddev=1)", "--param", "random_normal.mean=1"],
            "which is not a plain entry of --init",
        ),
        (["--activation", "rellu"], "weightinit list prints them all"),
        (["--clip", "1"], "argument --clip: applies to the training runs; add --train"),
        (["--steps", "5"], "argument --steps: applies to the training runs; add --train"),
        (["--train", "--clip", "0"], "argument --clip: must be a finite number > 0; got 0"),
        (["--train", "--clip", "nan"], "argument --clip: must be a finite number > 0"),
        (["--scaled-identity", "--init", "zeros"], "argument --init: not allowed with"),
        (["--scaled-identity", "--activation", "relu"], "argument --activation: not allowed"),
        (["--scaled-identity", "--param", "identity.gain=2"], "argument --param: not allowed"),
        (
            ["--init", "zeros", "--param", "zeros.x=1", "--param", "zeros.x=2"],
            "argument --param: zeros.x is given twice",
        ),
        (
            ["--activation", "gelu"],
            "argument --activation: critical_normal cannot make the report's (4, 4) weight "
            "matrices: gelu has no critical point",
        ),
        (["--activation", "gelu"], "the default --init includes critical_normal: give --init"),
        (["--plot", ""], "argument --plot: expected a file name such as report.png; got ''"),
    ],
)
def test_bad_report_flags(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--depth", "2", "--width", "4", "--jobs", "1", *argv])
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err


def test_scaled_identity_states_the_classic_example(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_run(capsys, "report", "--scaled-identity", "--jobs", "1", "--json"))
    assert data["config"]["depth"] == 10 and data["config"]["activations"] == ["linear"]
    rows = {r["initializer"]: r for r in data["results"]}
    assert list(rows) == list(SCALED_IDENTITY)
    up, down = rows["identity(gain=1.5)"], rows["identity(gain=0.5)"]
    assert up["verdicts"] == ["exploding"] and down["verdicts"] == ["vanishing"]
    assert up["forward_ratio"] == pytest.approx(1.5**9, rel=1e-12)
    assert down["backward_ratio"] == pytest.approx(0.5**9, rel=1e-12)
    note = data["config"]["notes"][0]
    assert "x_10 = 1.5^10 · x_0 = 57.67 · x_0" in note
    assert "x_10 = 0.5^10 · x_0 = 0.0009766 · x_0" in note
    assert "×38.44" in note and "1.5^9 = 38.44" in note
    text = _run(capsys, "report", "--scaled-identity", "--jobs", "1")
    assert "Scaled identity, the classic example" in text


def test_describe_initializer_of_a_callable() -> None:
    def ones(shape: tuple[int, ...], rng: Any = None) -> Any:
        import numpy as np

        return np.ones(shape)

    text = describe_initializer(ones, width=8, activations=["relu"])
    assert text == (
        "a callable, test_describe_initializer_of_a_callable.<locals>.ones; "
        "weight std not known in advance"
    )
    with pytest.raises(TypeError, match=r"init must be a weightinit\.Initializer or a callable"):
        describe_initializer(None, width=8, activations=["relu"])


def test_scaled_identity_beyond_float64_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--scaled-identity", "--depth", "1800", "--width", "2", "--batch", "2"]
    data = json.loads(_run(capsys, *argv, "--jobs", "1", "--json"))
    note = data["config"]["notes"][0]
    assert "x_1800 = 1.5^1800 · x_0 = 10^317.0 · x_0" in note
    assert "measured: float64 overflows before the last layer" in note


def test_init_and_activation_add_up_when_repeated(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--depth", "2", "--width", "4", "--batch", "4", "--jobs", "1", "--json"]
    data = json.loads(
        _run(
            capsys,
            *argv,
            "--init",
            "he_normal",
            "--init",
            "zeros",
            "--activation",
            "relu",
            "--activation",
            "tanh",
        )
    )
    assert data["config"]["initializers"] == ["he_normal", "zeros"]
    assert data["config"]["activations"] == ["relu", "tanh"]
