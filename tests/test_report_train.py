"""The training view of the report: zeros stay stuck, N(0, 1) explodes, clipping caps it, He learns."""

from __future__ import annotations

import json

import numpy as np
import pytest

import weightinit as wi
from weightinit._report_train import (
    BASELINE_LOSS,
    LEARNING_RATE,
    STUCK_RATIO,
    run_training,
    training_dicts,
    training_table,
)
from weightinit.cli import main

N01 = ("random_normal(stddev=1)", wi.random_normal.partial(stddev=1.0))
INITS = [("zeros", wi.zeros), N01, ("he_normal", wi.he_normal)]


@pytest.fixture(scope="module")
def runs() -> list[wi.diagnostics.Training]:
    return run_training(INITS, ["relu"], seed=0)  # the default steps


def test_each_classic_claim_shows_in_training(runs: list[wi.diagnostics.Training]) -> None:
    zeros, n01, he = runs
    rows = {row["initializer"]: row for row in training_dicts([n for n, _ in INITS], runs)}
    # Zero weights: the loss stays at that of predicting the mean.
    assert rows["zeros"]["outcome"] == "stuck"
    assert zeros.loss[-1] > STUCK_RATIO * BASELINE_LOSS
    # N(0, 1) under ReLU: steps of astronomical length, then the loss overflows.
    assert rows["random_normal(stddev=1)"]["outcome"] == "diverged" and n01.diverged
    assert np.max(n01.update_norm) > 1e10
    assert rows[N01[0]]["reason"].startswith(
        f"the loss stopped being finite after step {n01.loss.size}, a step of "
        f"{float(np.max(n01.update_norm)):.2g}"
    )
    # He under ReLU learns.
    assert rows["he_normal"]["outcome"] == "learns"
    assert he.loss[-1] < STUCK_RATIO * BASELINE_LOSS and he.loss[-1] < he.loss[0]
    assert f"loss {he.loss[0]:.3g} → {he.loss[-1]:.3g}" in rows["he_normal"]["reason"]


def test_clipping_caps_every_step_of_the_n01_run() -> None:
    (run,) = run_training([N01], ["relu"], seed=0, steps=60, clip_norm=1.0)
    assert not run.diverged and run.loss.size == 60
    assert np.all(run.update_norm <= LEARNING_RATE * 1.0 * (1 + 1e-12))
    clipped = int(np.sum(run.grad_norm > 1.0))
    (row,) = training_dicts([N01[0]], [run])
    assert f"{clipped} of 60 steps clipped to 0.05" in row["reason"]


def test_the_table_prints_each_run_s_numbers(runs: list[wi.diagnostics.Training]) -> None:
    labels = [n for n, _ in INITS]
    table = training_table(labels, runs).splitlines()
    assert table[0].split()[:3] == ["initializer", "activation", "outcome"]
    assert len(table) == 2 + len(runs)
    for line, run in zip(table[2:], runs, strict=True):
        assert f"{float(np.max(run.update_norm)):.2g}" in line
        assert f"{float(run.loss[0]):.3g}" in line
    narrow = training_table(labels, runs, width=100).splitlines()
    assert all(len(line) <= max(100, len(table[1]) + 24) for line in narrow)


def test_runs_do_not_depend_on_jobs_or_the_alias() -> None:
    one = run_training([("he_normal", wi.he_normal)], ["relu", "tanh"], seed=3, steps=5)
    two = run_training(
        [("HeNormal", wi.get("HeNormal"))], ["relu", "tanh"], seed=3, steps=5, jobs=2
    )
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a.loss, b.loss)


def test_json_is_strict(runs: list[wi.diagnostics.Training]) -> None:
    text = json.dumps(training_dicts([n for n, _ in INITS], runs), allow_nan=False)
    assert json.loads(text)[1]["diverged"] is True


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"steps": 0}, "steps must be"), ({"clip_norm": -1.0}, "clip_norm must be")],
)
def test_bad_arguments_are_refused_before_anything_runs(
    kwargs: dict[str, float], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        run_training(INITS, ["relu"], seed=0, **kwargs)  # type: ignore[arg-type]


def test_report_train_prints_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--depth", "2", "--width", "8", "--batch", "8", "--jobs", "1"]
    argv += ["--init", "zeros,random_normal(stddev=1)", "--activation", "relu", "--train"]
    assert main([*argv, "--steps", "20", "--clip", "1"]) == 0
    out = capsys.readouterr().out
    assert "Training: 20 steps of full-batch gradient descent" in out
    assert "gradients clipped to norm 1 (steps at most 0.05)" in out
    assert "random_normal(stddev=1)  relu        stuck" in out
    assert main([*argv, "--steps", "20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["training"]["steps"] == 20 and data["training"]["clip_norm"] is None
    outcomes = {r["initializer"]: r["outcome"] for r in data["training"]["runs"]}
    assert outcomes == {"zeros": "stuck", "random_normal(stddev=1)": "diverged"}


def test_outcomes_say_what_the_numbers_say() -> None:
    from weightinit._report_train import GROWTH_LIMIT

    # A loss that grows is not 'stuck'; one not finite at the start took no step.
    (grown,) = run_training([("identity(gain=1.5)", wi.identity.partial(gain=1.5))], ["linear"],
                            seed=0, steps=3)  # fmt: skip
    (row,) = training_dicts(["identity(gain=1.5)"], [grown])
    assert grown.loss[-1] > GROWTH_LIMIT * grown.loss[0]
    assert row["outcome"] == "diverging"
    assert ": the loss grows" in row["reason"] and "over 3 steps" in row["reason"]
    huge = ("random_normal(stddev=1e100)", wi.random_normal.partial(stddev=1e100))
    (dead,) = run_training([huge], ["relu"], seed=0, steps=1)
    (row,) = training_dicts([huge[0]], [dead])
    assert dead.loss.size == 0
    assert row["reason"] == "the loss is not finite at the start: no step was taken"
    # Below the mean's loss but within 10% of it: said so, not 'no better'.
    (sigmoid,) = run_training([N01], ["sigmoid"], seed=0)
    (row,) = training_dicts([N01[0]], [sigmoid])
    last = float(sigmoid.loss[-1])
    if STUCK_RATIO * BASELINE_LOSS < last <= BASELINE_LOSS:
        assert row["outcome"] == "stuck" and "within 10% of predicting the mean" in row["reason"]
