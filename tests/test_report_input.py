"""The report's input in its corners: numbers float64 cannot hold, quoted commas, aliases, rows it cannot state."""

from __future__ import annotations

import json
import math

import pytest

import weightinit as wi
from weightinit import report
from weightinit.cli import main

SMALL = ("--depth", "3", "--width", "8", "--batch", "8", "--jobs", "1")


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", *SMALL, *argv])
    assert exit_info.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1e400", "is beyond float64's range (magnitude at most 1.798e+308); got 1e400"),
        ("-2.5E+309", "is beyond float64's range"),
        ("1e-400", "is too close to 0 for float64 (smallest magnitude 4.94e-324), it would be 0"),
        ("[1, -1e-400]", "got -1e-400"),
    ],
)
def test_a_number_float64_cannot_hold_is_refused_not_rounded(raw: str, expected: str) -> None:
    with pytest.raises(ValueError, match="float64") as error:
        report.parse_value(raw)
    assert expected in str(error.value)


def test_numbers_float64_holds_are_read_as_written() -> None:
    assert report.parse_value("0e5") == 0.0 and report.parse_value("-0.0") == 0.0
    assert report.parse_value("1e-300") == 1e-300
    assert report.parse_value("5e-324") == 5e-324  # the smallest subnormal
    assert report.parse_value("1.7976931348623157e308") == 1.7976931348623157e308
    assert math.isinf(report.parse_value("Infinity"))  # asked for by name: the scheme decides


def test_the_command_line_names_the_number_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(capsys, "--init", "random_normal(stddev=1e400)")
    assert err.endswith("the value of stddev in 'random_normal(stddev=1e400)' is beyond "
                        "float64's range (magnitude at most 1.798e+308); got 1e400")  # fmt: skip
    err = _usage_error(capsys, "--init", "random_normal", "--param", "random_normal.stddev=1e-400")
    assert (
        "argument --param: the value of random_normal.stddev is too close to 0 for float64" in err
    )


def test_commas_and_brackets_inside_quotes_belong_to_the_value() -> None:
    text = 'zeros, a(x="p,q"), b(y=[1, 2]), c(z="a\\"b,(")'
    assert report.split_specs(text) == ["zeros", 'a(x="p,q")', "b(y=[1, 2])", 'c(z="a\\"b,(")']
    assert report.parse_spec('c(z="a\\"b,(", w=1)') == ("c", {"z": 'a"b,(', "w": 1})
    assert report.parse_spec('c(z="x)")') == ("c", {"z": "x)"})
    with pytest.raises(ValueError, match="expected NAME"):
        report.parse_spec('c(z=")"')  # the only ")" is quoted: unbalanced


def _results(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    assert main(["report", *SMALL, "--json", "--activation", "tanh", *argv]) == 0
    return list(json.loads(capsys.readouterr().out)["results"])


def test_param_binds_an_entry_written_as_another_name_of_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert wi.get("RandomNormal") is wi.random_normal
    aliased = _results(capsys, "--init", "RandomNormal", "--param", "random_normal.stddev=1")
    written = _results(capsys, "--init", "random_normal(stddev=1)")
    assert [r["initializer"] for r in aliased] == ["RandomNormal(stddev=1)"]
    assert aliased[0]["parameters"] == {"mean": 0.0, "stddev": 1.0}
    for row in (*aliased, *written):
        del row["initializer"]
    assert aliased == written  # one initializer, one seed, the same numbers
    err = _usage_error(
        capsys, "--init", "random_normal", "--param", "RandomNormal.stddev=1",
        "--param", "random_normal.stddev=2",
    )  # fmt: skip
    assert err.endswith("argument --param: random_normal.stddev is given twice")
    err = _usage_error(capsys, "--init", "he_normal", "--param", "random_normal.stddev=1")
    assert "names 'random_normal', which is not in --init (he_normal)" in err


def test_an_entry_written_as_the_name_given_is_the_one_param_binds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # normal and random_normal are one initializer; --param binds the entry written so only.
    assert wi.get("normal") is wi.random_normal
    rows = _results(capsys, "--init", "random_normal,normal", "--param", "random_normal.stddev=1")
    assert [(r["initializer"], r["weight_std"]) for r in rows] == [
        ("random_normal(stddev=1)", 1.0),
        ("normal", pytest.approx(0.05)),
    ]
    argv = ("--init", "orthogonal,Orthogonal", "--param", "Orthogonal.gain=2")
    rows = _results(capsys, *argv, "--param", "orthogonal.gain=3")
    assert [r["initializer"] for r in rows] == ["orthogonal(gain=3)", "Orthogonal(gain=2)"]
    # Written with parentheses: add the key there (keeping what is written), not elsewhere.
    err = _usage_error(
        capsys, "--init", "random_normal(stddev=2),RandomNormal", "--param", "random_normal.mean=1"
    )
    assert err.endswith("add mean=VALUE inside the parentheses of random_normal(stddev=2) instead")


def test_param_bound_through_an_alias_is_named_in_a_later_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _usage_error(capsys, "--init", "TruncatedNormal", "--param", "truncated_normal.mean=nan")
    assert err.startswith("weightinit report: error: argument --param: TruncatedNormal cannot take")


@pytest.mark.parametrize(
    ("kwargs", "error", "expected"),
    [
        (
            {"width": 0, "activations": ["relu"]},
            ValueError,
            "width must be an int >= 1; got width=0",
        ),
        ({"width": 2.0, "activations": ["relu"]}, TypeError, "width must be an int; got width=2.0"),
        ({"width": 4, "activations": "relu"}, TypeError, "activations must be a sequence of"),
        ({"width": 4, "activations": [1]}, TypeError, "activations must be a sequence of"),
        ({"width": 4, "activations": None}, TypeError, "activations must be a sequence of"),
        ({"width": 4, "activations": iter(["relu"])}, TypeError, "activations must be a sequence"),
    ],
)
def test_describe_initializer_refuses_what_it_cannot_describe(
    kwargs: dict[str, object], error: type[Exception], expected: str
) -> None:
    with pytest.raises(error) as raised:
        report.describe_initializer(wi.he_normal, **kwargs)  # type: ignore[arg-type]
    assert expected in str(raised.value)


def test_rows_the_report_cannot_state_truly_are_refused(tmp_path: object) -> None:
    results = report.run_report([("zeros", wi.zeros)], ["relu"], depth=3, width=8, batch=4, seed=0)
    stated = report.Settings(depth=3, width=8, batch=4)
    assert "3 layers of width 8 (batch 4" in report.report_text(results, ["zeros"], stated)
    cases = [
        ([], [], "results must hold at least one row; got none"),
        (results, ["a", "b"], "names must give one label per row, 1; got names=['a', 'b']"),
    ]
    for rows, names, expected in cases:
        for write in (report.report_text, report.report_json):
            with pytest.raises(ValueError) as raised:
                write(rows, names, stated)
            assert expected in str(raised.value)
    with pytest.raises(ValueError, match=r"depth, width, batch \(3, 8, 4\) for zeros × relu; "
                       r"got \(30, 256, 256\)"):  # fmt: skip
        report.report_text(results, ["zeros"], report.Settings())
    with pytest.raises(TypeError, match=r"results must be a sequence of weightinit\.Propagation"):
        report.report_json([object()], ["x"], stated)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="results must be a sequence"):
        report.check_rows(results[0], ["zeros"], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="results must be a sequence"):
        report.check_rows(iter(results), ["zeros"], None)  # type: ignore[arg-type]
    for names in ("zeros", [1], None, (name for name in ["zeros"])):
        with pytest.raises(TypeError, match=r"names must be a sequence of labels \(str\)"):
            report.report_text(results, names, stated)  # type: ignore[arg-type]
    for settings in (None, {"depth": 3}):
        with pytest.raises(TypeError, match=r"settings must be a weightinit\.report\.Settings"):
            report.report_json(results, ["zeros"], settings)  # type: ignore[arg-type]


def test_the_initializers_block_fits_a_narrow_terminal() -> None:
    long = "variance_scaling(scale=2.0, mode=fan_out, distribution=truncated_normal)"
    name, params = report.parse_spec(long)
    inits = [(long, wi.get(name, **params)), ("he_normal", wi.he_normal)]
    results = report.run_report(inits, ["relu"], depth=3, width=8, batch=4, seed=0)
    settings = report.Settings(depth=3, width=8, batch=4, activations=["relu"], compared=inits)
    text = report.report_text(results, [long, "he_normal"], settings, width=80).splitlines()
    assert max(len(line) for line in text) <= 80
    start = text.index(next(line for line in text if line.startswith("Initializers")))
    assert text[start + 1] == f"  {long}"  # too long to leave room beside it: text under it
    described = report.describe_initializer(inits[0][1], width=8, activations=["relu"])
    block = []
    for line in text[start + 2 :]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    assert " ".join(block) == described
