r"""The training view of the report (``weightinit report --train``): whether each initializer learns.

For every initializer × activation, :func:`run_training` runs
:func:`weightinit.training.train` (full-batch gradient descent of an MLP on
:func:`~weightinit.training.synthetic_regression`), seeded by the report's
one rule, :func:`weightinit.report.pair_seed`; :func:`training_table` prints
the loss before and after, the largest step and the largest gradient, with
an outcome and its reason naming the numbers.

The outcomes, checked in this order:

=========  =================================================================
outcome    when
=========  =================================================================
diverged   the loss stopped being finite (the run ends there)
diverging  the last loss is above :data:`GROWTH_LIMIT` times the first
stuck      the last loss is above :data:`STUCK_RATIO` of :data:`BASELINE_LOSS`,
           the loss of predicting the mean
learns     otherwise
=========  =================================================================

The losses are those before the first and before the last step
(:class:`~weightinit.training.Training` records each loss before its step).
With clipping by norm (``clip_norm``) a step is at most
``learning_rate * clip_norm`` long; the reason says how many steps were
clipped. The task's target has variance :math:`(1 - e^{-8})/2`, so predicting
its mean scores a loss of about 0.25 (:data:`BASELINE_LOSS`): a run stuck
there learned nothing, however far its loss fell from a bad start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TextIO

import numpy as np

from ._validation import check_int, check_real
from .report import aligned_table, for_activation, pair_seed, run_tasks
from .training import Training, train

__all__ = [
    "BASELINE_LOSS",
    "DEFAULT_STEPS",
    "GROWTH_LIMIT",
    "LEARNING_RATE",
    "STUCK_RATIO",
    "run_training",
    "training_dicts",
    "training_heading",
    "training_table",
]

#: Steps of gradient descent of each run when ``--steps`` is not given.
DEFAULT_STEPS = 200
#: The learning rate of every run (:func:`weightinit.training.train`'s default).
LEARNING_RATE = 0.05
#: The loss of predicting the task's mean, half the target's variance
#: :math:`(1 - e^{-8}) / 2`, to two digits.
BASELINE_LOSS = 0.25
#: A run is 'stuck' when its last loss is above this fraction of
#: :data:`BASELINE_LOSS`: it learned (almost) nothing of the task.
STUCK_RATIO = 0.9
#: A run is 'diverging' when its last loss is above this multiple of its first.
GROWTH_LIMIT = 10.0
#: The network and task of every run: :func:`weightinit.training.train`'s defaults.
DEPTH, WIDTH, SAMPLES, FEATURES = 6, 64, 512, 16


def _train_pair(
    name: str, init: Any, activation: str, steps: int, clip_norm: float | None, seed: int
) -> Training:
    rng = pair_seed(seed, init, name)
    return train(
        for_activation(init, activation),
        activation,
        depth=DEPTH,
        width=WIDTH,
        steps=steps,
        learning_rate=LEARNING_RATE,
        clip_norm=clip_norm,
        samples=SAMPLES,
        features=FEATURES,
        rng=rng,
    )


def run_training(
    initializers: Sequence[tuple[str, Any]],
    activations: Sequence[str],
    *,
    seed: int,
    steps: int = DEFAULT_STEPS,
    clip_norm: float | None = None,
    jobs: int = 1,
    progress: TextIO | None = None,
) -> list[Training]:
    """One :func:`~weightinit.training.train` run per initializer × activation, in that order.

    Each run's generator is :func:`~weightinit.report.pair_seed` of ``seed``
    and the initializer's canonical name and parameters, so a run does not
    depend on the other runs, on ``jobs`` nor on the alias that named it;
    an initializer whose ``activation`` is unbound takes the run's
    (:func:`~weightinit.report.for_activation`). ``steps`` (>= 1) and
    ``clip_norm`` (> 0, or ``None``) are checked before anything runs.

    Examples
    --------
    >>> import weightinit as wi
    >>> (run,) = run_training([("he_normal", wi.he_normal)], ["relu"], seed=0, steps=20)
    >>> run.loss.shape, bool(run.loss[-1] < run.loss[0])
    ((20,), True)
    """
    steps = check_int("steps", steps, minimum=1)
    if clip_norm is not None:
        clip_norm = check_real("clip_norm", clip_norm, positive=True)
    tasks = [
        (name, init, activation, steps, clip_norm, seed)
        for name, init in initializers
        for activation in activations
    ]
    return run_tasks(_train_pair, tasks, jobs=jobs, progress=progress)


def training_heading(steps: int, clip_norm: float | None) -> str:
    """What every run of :func:`run_training` trained, in one paragraph."""
    clip = (
        f", gradients clipped to norm {clip_norm:g} (steps at most {LEARNING_RATE * clip_norm:g})"
        if clip_norm is not None
        else ", no clipping"
    )
    return (
        f"Training: {steps} steps of full-batch gradient descent (learning rate {LEARNING_RATE:g}"
        f"{clip}) of an MLP {FEATURES} → {DEPTH} × {WIDTH} → 1, biases 0, on "
        f"y = sin(2 x·u) ({SAMPLES} examples; predicting the mean scores a loss of 0.25). "
        "loss first/last: half the mean squared error before the first and the last step; "
        "step: the length of an update."
    )


def _outcome(run: Training) -> tuple[str, str]:
    """A run's outcome word and its reason, naming the measured numbers."""
    taken = run.loss.size
    if not taken:  # not finite before the first step
        return "diverged", "the loss is not finite at the start: no step was taken"
    first, last = float(run.loss[0]), float(run.loss[-1])
    biggest = float(np.max(run.update_norm))
    steps = f"{taken} step{'s' if taken != 1 else ''}"
    clipped = ""
    if run.clip_norm is not None:
        count = int(np.sum(run.grad_norm > run.clip_norm))
        clipped = (
            f"; {count} of {steps} clipped to {LEARNING_RATE * run.clip_norm:g}"
            if count
            else "; no step needed clipping"
        )
    if run.diverged:
        return "diverged", (
            f"the loss stopped being finite after step {taken}, a step of {biggest:.2g} "
            f"(it was {first:.3g} before the first)" + clipped
        )
    change = f"loss {first:.3g} → {last:.3g} (×{last / first:.2g}) over {steps}"
    if last > GROWTH_LIMIT * first:
        return "diverging", f"{change}: the loss grows" + clipped
    if last > STUCK_RATIO * BASELINE_LOSS:
        than = "worse than" if last > BASELINE_LOSS else f"within {1 - STUCK_RATIO:.0%} of"
        return "stuck", f"{change}: {than} predicting the mean ({BASELINE_LOSS:g})" + clipped
    return "learns", change + clipped


def _cells(label: str, run: Training) -> tuple[str, ...]:
    outcome, why = _outcome(run)
    taken = run.loss.size
    last = "—" if run.diverged or not taken else f"{float(run.loss[-1]):.3g}"
    return (
        label,
        run.activation,
        outcome,
        f"{float(run.loss[0]):.3g}" if taken else "—",
        last,
        f"{float(np.max(run.update_norm)):.2g}" if taken else "—",
        f"{float(np.max(run.grad_norm)):.2g}" if taken else "—",
        why,
    )


def training_table(
    labels: Sequence[str], runs: Sequence[Training], *, width: int | None = None
) -> str:
    """The training runs as a table: one row per run, its reason last.

    Columns: initializer, activation, outcome, the loss before the first
    step and before the last (``—`` when the run diverged), the largest step
    and the largest gradient norm, and the reason. With ``width``, the
    reason is wrapped at spaces to fit, as the report's table
    (:func:`~weightinit.report.aligned_table`).
    """
    header = (
        "initializer",
        "activation",
        "outcome",
        "loss first",
        "loss last",
        "largest step",
        "largest grad",
        "why",
    )
    rows = [_cells(label, run) for label, run in zip(labels, runs, strict=True)]
    return aligned_table(header, rows, width=width)


def training_dicts(labels: Sequence[str], runs: Sequence[Training]) -> list[dict[str, Any]]:
    """The runs as JSON-safe dicts (non-finite numbers as ``None``), one per run."""

    def number(value: float) -> float | None:
        return float(value) if math.isfinite(value) else None

    rows = []
    for label, run in zip(labels, runs, strict=True):
        outcome, why = _outcome(run)
        rows.append(
            {
                "initializer": label,
                "activation": run.activation,
                "outcome": outcome,
                "reason": why,
                "diverged": run.diverged,
                "clip_norm": run.clip_norm,
                "loss": [number(v) for v in run.loss],
                "grad_norm": [number(v) for v in run.grad_norm],
                "update_norm": [number(v) for v in run.update_norm],
            }
        )
    return rows
