"""Measure how well weightinit.testing is calibrated; write the tables into docs/testing.md.

    python tools/calibrate_testing.py               # all measurements (a few minutes)
    python tools/calibrate_testing.py --workers 4   # in 4 processes

Three measurements, all with fixed seeds, so a rerun writes the same page:

1. False alarms: samples from a law, tested against that very law's moments
   and CDF, over many seeds; the count of failures at each alpha, for the mean
   and variance tests of ``assert_moments`` separately and together, and for
   the Kolmogorov-Smirnov test; then ``assert_initializer`` on real
   initializers at alpha = 1e-3.
2. Power: samples whose variance is off by a relative error ``delta``,
   tested at n = 262,144 and alpha = 1e-6; the smallest ``delta`` detected in
   at least 99% of seeds.
3. Shape errors: laws with the right mean and variance but the wrong shape,
   and the Kolmogorov-Smirnov p-values they get.

The generated part of the page sits between the calibration markers; the
rest of the page is written by hand. A fingerprint of the code the tables
describe is written with them, and a unit test fails when it changed since
the tables were made: the testing kit, this script, and what the kit asks of
the laws (the members in ``KIT_MEMBERS`` of each law class, and the module
functions of ``weightinit.distributions``), compared as code with docstrings
left out. The draws themselves are guarded by the golden digests
(``tests/golden/``), which no change of the samplers passes unnoticed.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import math
import os
import re
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import weightinit as wi  # noqa: E402
from weightinit.distributions import Distribution, Normal, Sparse, TruncatedNormal, Uniform  # noqa: E402
from weightinit.initializers import TRUNCATED_NORMAL_STD  # noqa: E402
from weightinit.testing import (  # noqa: E402
    MIN_SAMPLE,
    assert_initializer,
    assert_moments,
    kolmogorov_smirnov,
    law_cdf,
    moment_scores,
    moment_threshold,
    normal_quantile,
)

PAGE = ROOT / "docs" / "testing.md"
START = "<!-- calibration:start -->"
END = "<!-- calibration:end -->"
PACKAGE = ROOT / "src" / "weightinit"
#: The kit, the laws it asks what to check, and this script.
SOURCES = (
    *sorted(path for path in (PACKAGE / "testing").glob("*.py") if path.name != "strategies.py"),
    Path(__file__).resolve(),
)
#: The laws' code the kit runs: their files, and the members of a law the kit asks.
LAW_SOURCES = tuple(sorted((PACKAGE / "distributions").glob("*.py")))
KIT_MEMBERS = frozenset(
    {
        "elementwise",
        "cdf",
        "density",
        "tie_chance",
        "structure",
        "compared",
        "support",
        "mean",
        "variance",
        "random",
    }
)

ALPHAS = (1e-2, 1e-3, 1e-4)
SIZES = (4096, 65536)
POWER_SIZE = 262_144
POWER_ALPHA = 1e-6
POWER_TARGET = 0.99
ROOT3 = math.sqrt(3.0)
TRUNCATED_SCALE = 1.0 / TRUNCATED_NORMAL_STD


def _kit_code(path: Path) -> str:
    """What the kit runs of a laws module: its functions, and its classes' kit members."""
    parts = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef):
            parts.append(_without_docstrings(node))
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                names = (
                    [member.name]
                    if isinstance(member, ast.FunctionDef)
                    else [t.id for t in getattr(member, "targets", []) if isinstance(t, ast.Name)]
                    + (
                        [member.target.id]
                        if isinstance(member, ast.AnnAssign) and isinstance(member.target, ast.Name)
                        else []
                    )
                )
                if KIT_MEMBERS.intersection(names):
                    parts.append(f"{node.name}: {_without_docstrings(member)}")
    return "\n".join(parts)


def _without_docstrings(node: ast.AST) -> str:
    for child in ast.walk(node):
        body = getattr(child, "body", None)
        if (
            isinstance(child, (ast.FunctionDef, ast.ClassDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            child.body = body[1:] or [ast.Pass()]
    return ast.unparse(node)


def fingerprint() -> str:
    """A digest of the code the tables describe."""
    digest = hashlib.sha256()
    for path in SOURCES:
        digest.update(path.read_bytes())
    for path in LAW_SOURCES:
        digest.update(_kit_code(path).encode())
    return f"calibration fingerprint {digest.hexdigest()[:16]}"


# --- laws -----------------------------------------------------------------------------


def law_named(name: str, n: int) -> Distribution:
    """The laws calibrated: each with variance 1 (the sparse mixture 1/4)."""
    if name == "normal":
        return Normal(0.0, 1.0)
    if name == "uniform":
        return Uniform(-ROOT3, ROOT3)
    if name == "truncated normal (±2σ)":
        return TruncatedNormal(0.0, TRUNCATED_SCALE, -2.0 * TRUNCATED_SCALE, 2.0 * TRUNCATED_SCALE)
    side = math.isqrt(n)
    return Sparse(1.0, 3 * side // 4, (side, side), 1)


LAWS = ("normal", "uniform", "truncated normal (±2σ)", "sparse (3/4 zeros)")


def sample(law: Distribution, n: int, seed: int, variance_factor: float = 1.0) -> np.ndarray:
    shape = (n,) if law.elementwise else law.shape
    out = law.sample(shape, rng=seed)
    if variance_factor != 1.0:
        out *= math.sqrt(variance_factor)
    return out.ravel()


# --- 1. false alarms --------------------------------------------------------------------


def null_scores(task: tuple[str, int, list[int]]) -> list[tuple[float, float, float]]:
    """(z_mean, z_variance, KS p-value or nan) for each seed."""
    name, n, seeds = task
    law = law_named(name, n)
    results = []
    for seed in seeds:
        x = sample(law, n, seed)
        scores = moment_scores(x, mean=law.mean, variance=law.variance)
        # All the values of an i.i.d. law; the nonzero ones of sparse.
        values, reference, _ = law.compared(x)
        pvalue = (
            kolmogorov_smirnov(values, law_cdf(reference)).pvalue
            if values.size >= MIN_SAMPLE
            else math.nan
        )
        results.append((scores.z_mean, scores.z_variance, pvalue))
    return results


INITIALIZER_CASES: tuple[tuple[str, tuple[int, ...], str, dict[str, Any]], ...] = (
    ("glorot_uniform", (256, 256), "keras", {}),
    ("he_normal", (3, 3, 64, 128), "keras", {}),
    ("kaiming_normal", (128, 64, 3, 3), "torch", {}),
    ("trunc_normal", (256, 256), "keras", {"a": 2.0, "b": 3.0}),
    ("sparse", (256, 256), "keras", {"sparsity": 0.5}),
    ("orthogonal", (256, 256), "keras", {}),
)


def initializer_alarms(task: tuple[int, list[int]]) -> int:
    index, seeds = task
    name, shape, layout, params = INITIALIZER_CASES[index]
    alarms = 0
    for seed in seeds:
        try:
            assert_initializer(wi.get(name), shape, rng=seed, alpha=1e-3, layout=layout, **params)
        except AssertionError:
            alarms += 1
    return alarms


# --- 2. power ---------------------------------------------------------------------------


def detections(task: tuple[str, float, list[int]]) -> int:
    name, delta, seeds = task
    law = law_named(name, POWER_SIZE)
    found = 0
    for seed in seeds:
        x = sample(law, POWER_SIZE, seed, variance_factor=1.0 + delta)
        try:
            assert_moments(x, mean=law.mean, variance=law.variance, alpha=POWER_ALPHA)
        except AssertionError:
            found += 1
    return found


# --- 3. shape errors --------------------------------------------------------------------

SHAPE_ERRORS: tuple[tuple[str, Distribution, Distribution], ...] = (
    ("uniform declared as normal", Uniform(-ROOT3, ROOT3), Normal(0.0, 1.0)),
    ("normal declared as uniform", Normal(0.0, 1.0), Uniform(-ROOT3, ROOT3)),
    (
        "truncated (±2σ, Keras he_normal) declared as untruncated (PyTorch kaiming_normal)",
        TruncatedNormal(0.0, TRUNCATED_SCALE, -2.0 * TRUNCATED_SCALE, 2.0 * TRUNCATED_SCALE),
        Normal(0.0, 1.0),
    ),
)


def shape_error_pvalues(task: tuple[int, int, list[int]]) -> list[tuple[float, float]]:
    index, n, seeds = task
    _, drawn, declared = SHAPE_ERRORS[index]
    out = []
    for seed in seeds:
        result = kolmogorov_smirnov(sample(drawn, n, seed), law_cdf(declared))
        out.append((result.statistic, result.pvalue))
    return out


# --- statistics of the counts --------------------------------------------------------------


def binomial_range(trials: int, p: float, level: float = 0.99) -> tuple[int, int]:
    """The central ``level`` range of a Binomial(trials, p) count."""
    tail = (1.0 - level) / 2.0
    log_p, log_q = math.log(p), math.log1p(-p)
    cumulative = 0.0
    low = None
    for k in range(trials + 1):
        log_term = (
            math.lgamma(trials + 1)
            - math.lgamma(k + 1)
            - math.lgamma(trials - k + 1)
            + k * log_p
            + (trials - k) * log_q
        )
        cumulative += math.exp(log_term)
        if low is None and cumulative > tail:
            low = k
        if cumulative >= 1.0 - tail:
            return (low if low is not None else k), k
    return (low if low is not None else trials), trials


def cell(count: int, trials: int, p: float) -> str:
    low, high = binomial_range(trials, p)
    mark = "" if low <= count <= high else " **(outside)**"
    return f"{count} ({low}–{high}){mark}"


# --- driver ---------------------------------------------------------------------------------


def chunks(seeds: range, size: int) -> list[list[int]]:
    values = list(seeds)
    return [values[start : start + size] for start in range(0, len(values), size)]


def run(
    pool: ProcessPoolExecutor, function: Callable[[Any], Any], tasks: Iterable[Any]
) -> list[Any]:
    return list(pool.map(function, tasks))


def false_alarm_tables(pool: ProcessPoolExecutor, seeds: dict[int, int]) -> list[str]:
    lines = [
        "## False alarms",
        "",
        "Samples drawn from the law itself and tested against its exact mean,",
        "variance and CDF. Each cell: the number of seeds that failed, and in",
        "brackets the central 99% range of that count for a test whose false-alarm",
        "rate is exactly its nominal level. The mean and variance tests each run at",
        "Šidák's level 1 − √(1 − α) ≈ α/2, so that `assert_moments` (either fails)",
        "is at α; the variance column splits its failures into too-large / too-small.",
        "",
    ]
    scores = {
        (name, n): np.array(
            [
                row
                for part in run(
                    pool, null_scores, [(name, n, c) for c in chunks(range(seeds[n]), 250)]
                )
                for row in part
            ]
        )
        for n in SIZES
        for name in LAWS
    }
    for alpha in ALPHAS:
        each = -math.expm1(math.log1p(-alpha) / 2.0)
        threshold = moment_threshold(alpha)
        lines += [
            f"### α = {alpha:g}",
            "",
            "| law | n | seeds | mean test | variance test: high/low | `assert_moments` "
            "| Kolmogorov–Smirnov |",
            "|---|---:|---:|---|---|---|---|",
        ]
        for (name, n), table in scores.items():
            count = seeds[n]
            mean_alarms = np.abs(table[:, 0]) > threshold
            high = table[:, 1] > threshold
            low = table[:, 1] < -threshold
            either = mean_alarms | high | low
            pvalues = table[:, 2]
            ks = (
                "— (fewer than 4,096 nonzero values)"
                if np.isnan(pvalues).all()
                else cell(int(np.sum(pvalues < alpha)), count, alpha)
            )
            lines.append(
                f"| {name} | {n:,} | {count:,} | {cell(int(mean_alarms.sum()), count, each)} "
                f"| {cell(int(high.sum() + low.sum()), count, each)}: "
                f"{int(high.sum())}/{int(low.sum())} "
                f"| {cell(int(either.sum()), count, alpha)} | {ks} |"
            )
        lines.append("")
    return lines


def initializer_table(pool: ProcessPoolExecutor, count: int) -> list[str]:
    lines = [
        "### `assert_initializer` at α = 1e-3",
        "",
        "Real initializers, each call drawing at least 65,536 values (its default",
        "`min_size`) and running every check; the count of calls that failed.",
        "",
        "| initializer | shape | layout | parameters | seeds | failures |",
        "|---|---|---|---|---:|---|",
    ]
    total = 0
    for index, (name, shape, layout, params) in enumerate(INITIALIZER_CASES):
        tasks = [(index, chunk) for chunk in chunks(range(count), 100)]
        alarms = sum(run(pool, initializer_alarms, tasks))
        total += alarms
        lines.append(
            f"| {name} | {shape} | {layout} | {params or '—'} | {count:,} "
            f"| {cell(alarms, count, 1e-3)} |"
        )
    cases = len(INITIALIZER_CASES) * count
    lines += [f"| all | | | | {cases:,} | {cell(total, cases, 1e-3)} |", ""]
    return lines


def smallest_detected(
    pool: ProcessPoolExecutor, name: str, sign: float, reps: int
) -> tuple[float, float, float, float]:
    """(delta, rate at delta, the delta below, rate there) on a 0.1% grid."""
    step = 0.001

    def rate(delta: float, count: int) -> float:
        tasks = [(name, sign * delta, chunk) for chunk in chunks(range(count), 50)]
        return sum(run(pool, detections, tasks)) / count

    # A coarse scan with few seeds to find the region, then the fine grid.
    coarse = 0.005
    while rate(coarse, 100) < POWER_TARGET:
        coarse += 0.005
    delta = max(step, round(coarse - 0.005, 4))
    found = rate(delta, reps)
    if found >= POWER_TARGET:
        # Already detected where the fine grid starts: walk down to the first miss.
        while delta > step:
            lower = round(delta - step, 4)
            lower_rate = rate(lower, reps)
            if lower_rate < POWER_TARGET:
                return delta, found, lower, lower_rate
            delta, found = lower, lower_rate
        return delta, found, 0.0, 0.0
    while True:
        previous = (delta, found)
        delta = round(delta + step, 4)
        found = rate(delta, reps)
        if found >= POWER_TARGET:
            return delta, found, previous[0], previous[1]


def power_table(pool: ProcessPoolExecutor, reps: int) -> list[str]:
    threshold = moment_threshold(POWER_ALPHA)
    beyond = normal_quantile(1.0 - POWER_TARGET)
    lines = [
        "## Power",
        "",
        f"`assert_moments` at n = {POWER_SIZE:,} and α = {POWER_ALPHA:g} on samples whose",
        "variance is (1 + δ) times the expected one. The table gives the smallest",
        f"relative error δ, on a 0.1% grid, detected in at least {POWER_TARGET:.0%} of "
        f"{reps:,} seeds,",
        "the detection rate there and one step below, and the normal-theory",
        f"prediction (z₁₋α′ + z₀.₉₉)·√((κ − 1)/n) = ({threshold:.3f} + {beyond:.3f})·√((κ − 1)/n),",
        "with κ the law's kurtosis (3 normal, 9/5 uniform).",
        "",
        "| law | direction | smallest δ detected | rate at δ | rate at δ − 0.1% | predicted δ |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, kurtosis in (("normal", 3.0), ("uniform", 1.8)):
        predicted = (threshold + beyond) * math.sqrt((kurtosis - 1.0) / POWER_SIZE)
        for sign, direction in ((1.0, "too large"), (-1.0, "too small")):
            delta, found, _, below_rate = smallest_detected(pool, name, sign, reps)
            lines.append(
                f"| {name} | {direction} | {delta:.1%} | {found:.3f} | "
                f"{below_rate:.3f} | {predicted:.2%} |"
            )
    lines.append("")
    return lines


def shape_table(pool: ProcessPoolExecutor, count: int) -> list[str]:
    n = 65536
    lines = [
        "## Shape errors",
        "",
        "Laws with exactly the declared mean and variance but another shape, which",
        "the moment tests cannot see. The Kolmogorov–Smirnov statistic D and the",
        f"largest p-value over {count} seeds at n = {n:,} (the test fails below α = 1e-6).",
        "",
        "| drawn vs declared | median D | largest p-value |",
        "|---|---:|---:|",
    ]
    for index, (label, _, _) in enumerate(SHAPE_ERRORS):
        tasks = [(index, n, chunk) for chunk in chunks(range(count), 25)]
        rows = np.array([row for part in run(pool, shape_error_pvalues, tasks) for row in part])
        lines.append(f"| {label} | {np.median(rows[:, 0]):.4f} | {rows[:, 1].max():.2g} |")
    lines.append("")
    return lines


def write(tables: list[str]) -> None:
    page = PAGE.read_text()
    if START not in page or END not in page:
        raise SystemExit(f"{PAGE} lacks the markers {START} and {END}.")
    command = "python tools/calibrate_testing.py"
    body = "\n".join(
        [START, f"<!-- {fingerprint()}; written by `{command}`, do not edit -->", "", *tables]
    )
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), flags=re.DOTALL)
    PAGE.write_text(pattern.sub(lambda _: body + END, page))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20_000, help="seeds per law at n = 4,096")
    parser.add_argument(
        "--large-seeds", type=int, default=4_000, help="seeds per law at n = 65,536"
    )
    parser.add_argument("--initializer-seeds", type=int, default=1_000)
    parser.add_argument("--power-seeds", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with ProcessPoolExecutor(args.workers) as pool:
        tables = false_alarm_tables(pool, {4096: args.seeds, 65536: args.large_seeds})
        tables += initializer_table(pool, args.initializer_seeds)
        tables += power_table(pool, args.power_seeds)
        tables += shape_table(pool, 100)
    write(tables)
    print("\n".join(tables))


if __name__ == "__main__":
    main()
