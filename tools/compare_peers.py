"""Compare weightinit with the peer libraries installed here: Keras 3, PyTorch, JAX, Flax, Haiku.

For every initializer a peer ships (enumerated from the peer at run time),
with its defaults and a few other parameter values, and for shapes in the
peer's own layout (1-D, 2-D tall and wide, convolution kernels, zero-size),
this draws a large sample from the peer and resolves the same thing in
weightinit by the peer's own name and arguments (``weightinit.get(
"torch.kaiming_normal_", mode="fan_out")``, ``weightinit.deserialize(
keras.initializers.serialize(init))``, ``weightinit.get("jax.variance_scaling",
...)``, ``weightinit.get("haiku.VarianceScaling", ...)``,
``weightinit.get("flax.zeros_init")``), then compares:

- shape and dtype (float32 asked of both; the defaults also in float16, and float64
  where the peer has it);
- a non-random law: the arrays, value for value;
- a random law: the peer's mean and variance against weightinit's exact
  moments, and against weightinit's own sample (z-scores); the peer's values
  against weightinit's support; a one-sample Kolmogorov-Smirnov test of the
  peer's values against weightinit's CDF (i.i.d. laws, and the nonzero values
  of ``sparse``) and a two-sample test against weightinit's sample; and the
  structure weightinit's law states, checked on the peer's arrays
  (orthogonality ``QᵀQ``, the kernel centre of delta-orthogonal, the zeros of
  sparse).

Every statistical test is at level 1e-6, so a run of a few thousand tests
gives a false DIFFERENT with probability about 1e-3. Each row's verdict is
``match``, ``DIFFERENT (what)``, ``weightinit refuses (message)`` or ``peer
refuses (message)``. Nothing is installed: a peer that cannot be imported is
reported as skipped.

Usage::

    python tools/compare_peers.py [--markdown FILE] [--peers torch,keras,...] [--quick]

Exit status 1 if any row is DIFFERENT, else 0. ``KERAS_BACKEND`` defaults to
``numpy`` here (the initializers' arithmetic is Keras' own on every backend).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import weightinit
from weightinit.testing import kolmogorov_sf, kolmogorov_smirnov, moment_scores, moment_threshold

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run as a script: its sibling
from peer_cases import (
    BUILDERS,
    PEERS,
    Case,
    NoConfigError,
    Row,
    args_text,
    keras_seed_rows,
    message,
)

ALPHA = 1e-6
TARGET = 100_000  # values per sample
MIN_VALUES = 4096  # the testing kit's smallest sample
MAX_CALLS = 60
Z_LIMIT = moment_threshold(ALPHA)


@dataclass
class Report:
    """All rows, and the peers skipped with why."""

    rows: list[Row] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)


# --- statistics ----------------------------------------------------------------------


def two_sample_ks(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value.

    ``D = sup |F_a - F_b|``; the p-value is Kolmogorov's limit law at
    Stephens' argument with the effective size ``n_a n_b / (n_a + n_b)``.
    Ties (zeros, a coarse dtype) make it conservative.
    """
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    points = np.concatenate([a, b])
    gap = np.searchsorted(a, points, side="right") / a.size
    gap -= np.searchsorted(b, points, side="right") / b.size
    statistic = float(np.max(np.abs(gap)))
    root = math.sqrt(a.size * b.size / (a.size + b.size))
    return statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic)


def one_sample_ks(sample: np.ndarray, cdf: Any) -> tuple[float, float]:
    """The testing kit's Kolmogorov-Smirnov test, with each value standing for its rounding interval.

    NumPy's floats go to :func:`weightinit.testing.kolmogorov_smirnov`;
    ml_dtypes' (bfloat16) the same way here, with the neighbours in their own
    dtype, so that their coarse grid does not count as a difference.
    """
    if sample.dtype.kind == "f":
        result = kolmogorov_smirnov(sample, cdf)
        return result.statistic, result.pvalue
    x = np.sort(sample.ravel())
    top = np.array(np.inf, dtype=x.dtype)
    above = cdf(np.nextafter(x, top).astype(np.float64))
    below = cdf(np.nextafter(x, -top).astype(np.float64))
    n = x.size
    steps = np.arange(1, n + 1, dtype=np.float64) / n
    statistic = max(float(np.max(steps - above)), float(np.max(below - (steps - 1.0 / n))), 0.0)
    root = math.sqrt(n)
    return statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic)


def two_sample_z(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """z-scores of the differences of two samples' means and of their variances."""
    scores = []
    for x in (a, b):
        x = x.astype(np.float64).ravel()
        mean, var = float(x.mean()), float(x.var(ddof=1))
        fourth = float(np.mean((x - mean) ** 4))
        scores.append((mean, var, var / x.size, max(fourth - var * var, 0.0) / x.size))
    (ma, va, ema, eva), (mb, vb, emb, evb) = scores
    return _z(ma - mb, math.sqrt(ema + emb), ma, mb), _z(va - vb, math.sqrt(eva + evb), va, vb)


def _z(difference: float, error: float, a: float, b: float) -> float:
    if abs(difference) <= 1e-6 * max(abs(a), abs(b), 1e-300):
        return 0.0
    return difference / error if error > 0 else math.copysign(math.inf, difference)


def as_dtype(name: str) -> np.dtype[Any]:
    """A dtype by name, bfloat16 included (from ml_dtypes, which every peer that has it brings)."""
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes

        return np.dtype(getattr(ml_dtypes, name))


def _eps(name: str) -> float:
    dtype = as_dtype(name)
    if dtype.kind == "f":
        return float(np.finfo(dtype).eps)
    import ml_dtypes

    return float(ml_dtypes.finfo(dtype).eps)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def compare_random(
    law: Any, peer: list[np.ndarray], ours: list[np.ndarray], dtype: str = "float32"
) -> list[str]:
    """What differs between the peer's arrays and weightinit's law and arrays (random laws)."""
    found: list[str] = []
    pool = np.concatenate([x.ravel() for x in peer])
    mine = np.concatenate([x.ravel() for x in ours])
    low, high = law.extremes(as_dtype(dtype))
    slack = 4 * _eps(dtype) * max(abs(low), abs(high), 1e-30)
    if pool.min() < low - slack or pool.max() > high + slack:
        found.append(
            f"support: peer values in [{_fmt(pool.min())}, {_fmt(pool.max())}], "
            f"weightinit's law in [{_fmt(low)}, {_fmt(high)}]"
        )
    if pool.size >= MIN_VALUES:
        scores = moment_scores(pool, mean=law.mean, variance=law.variance, rtol=1e-5)
        if abs(scores.z_mean) > Z_LIMIT:
            found.append(
                f"mean: peer {_fmt(scores.mean)}, weightinit's law {_fmt(law.mean)} "
                f"(z={scores.z_mean:.1f})"
            )
        if abs(scores.z_variance) > Z_LIMIT:
            found.append(
                f"variance: peer {_fmt(scores.variance)}, weightinit's law {_fmt(law.variance)} "
                f"(ratio {scores.variance / law.variance if law.variance else math.inf:.4g}, "
                f"z={scores.z_variance:.1f})"
            )
        z_mean, z_var = two_sample_z(pool, mine)
        if not found and max(abs(z_mean), abs(z_var)) > Z_LIMIT:
            found.append(
                f"moments vs weightinit's sample: z(mean)={z_mean:.1f}, z(var)={z_var:.1f}"
            )
    found += _shape_tests(law, pool, mine)
    for index, draw in enumerate(peer[:3]):
        if not law.elementwise:
            found += law.structure(draw, f"peer array {index}")[:1]
    found += _sparse_counts(law, peer[0])
    return found


def _shape_tests(law: Any, pool: np.ndarray, mine: np.ndarray) -> list[str]:
    found: list[str] = []
    compared = law.compared(pool)
    if compared is not None and compared.values.size >= MIN_VALUES:
        statistic, pvalue = one_sample_ks(compared.values, compared.law.cdf)
        if pvalue < ALPHA:
            found.append(
                f"KS of the peer's {compared.what.removeprefix('the ')} vs weightinit's CDF: "
                f"D={statistic:.4f}, p={pvalue:.2g}"
            )
    if pool.size >= MIN_VALUES and mine.size >= MIN_VALUES:
        statistic, pvalue = two_sample_ks(pool, mine)
        if pvalue < ALPHA and not found:
            found.append(f"two-sample KS vs weightinit: D={statistic:.4f}, p={pvalue:.2g}")
    return found


def _sparse_counts(law: Any, draw: np.ndarray) -> list[str]:
    if getattr(law, "kind", "") != "sparse":
        return []
    zeros = np.count_nonzero(draw == 0, axis=law.out_axis)
    if np.all(zeros == law.zeros):
        return []
    return [
        f"sparsity: peer writes {sorted(set(zeros.tolist()))[:4]} zeros per input unit, "
        f"weightinit {law.zeros}"
    ]


def compare_fixed(peer: np.ndarray, ours: np.ndarray) -> list[str]:
    """What differs between two arrays of a non-random law."""
    peer64, ours64 = peer.astype(np.float64), ours.astype(np.float64)
    if np.array_equal(peer64 != 0, ours64 != 0) and np.allclose(peer64, ours64, rtol=1e-6, atol=0):
        return []
    where = np.argwhere(~np.isclose(peer64, ours64, rtol=1e-6, atol=0))
    first = tuple(int(i) for i in where[0])
    return [
        f"values: {len(where)} of {peer.size} differ, first at {first}: peer "
        f"{_fmt(peer64[first])}, weightinit {_fmt(ours64[first])}; peer nonzeros "
        f"{np.count_nonzero(peer64)}, weightinit's {np.count_nonzero(ours64)}"
    ]


# --- running a case -------------------------------------------------------------------------


def _calls(shape: tuple[int, ...]) -> int:
    size = math.prod(shape)
    return 1 if size == 0 else max(1, min(MAX_CALLS, math.ceil(TARGET / size)))


def _peer_arrays(case: Case, count: int) -> list[np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.batch is not None:
            return [np.asarray(x) for x in case.batch(count)]
        return [np.asarray(case.draw(seed)) for seed in range(count)]


def run_case(case: Case) -> Row:
    """Draw from the peer and from weightinit and give the verdict."""
    args = args_text(case.args) + ("" if case.dtype == "float32" else f" [{case.dtype}]")
    row = Row(case.peer, case.name, args, case.shape, "match", call=case.call)
    count = _calls(case.shape)
    try:
        peer = _peer_arrays(case, count)
    except Exception as error:
        row.verdict, row.detail = "peer refuses", message(error)
        ours = _ours(case, 1)
        row.detail += (
            " — there is no config for weightinit to read"
            if ours == "no config to read"
            else f" — weightinit refuses too ({ours})"
            if isinstance(ours, str)
            else " — weightinit accepts"
        )
        return row
    ours = _ours(case, count)
    if isinstance(ours, str):
        row.verdict, row.detail = (
            ("DIFFERENT" if ours.startswith("crash") else "weightinit refuses"),
            ours,
        )
        return row
    init, arrays = ours
    found = _first_checks(peer[0], arrays[0], case.dtype)
    if peer[0].dtype != arrays[0].dtype and not found:  # the peer's own lapse, not weightinit's
        row.detail = f"the peer returns {peer[0].dtype} for dtype={case.dtype}"
    if not found and peer[0].size:
        law = init.distribution(shape=case.shape)
        found = (
            compare_random(law, peer, arrays, case.dtype)
            if law.random
            else compare_fixed(peer[0], arrays[0])
        )
    if found:
        row.verdict, row.detail = (
            "DIFFERENT",
            "; ".join([*found, row.detail] if row.detail else found),
        )
    return row


def _ours(case: Case, count: int) -> tuple[Any, list[np.ndarray]] | str:
    try:
        init = case.resolve()
        dtype = as_dtype(case.dtype)
        arrays = [np.asarray(init(case.shape, dtype=dtype, rng=seed)) for seed in range(count)]
    except NoConfigError:
        return "no config to read"
    except (TypeError, ValueError) as error:
        return message(error)
    except Exception as error:  # anything else breaks the library's promise
        return "crash: " + message(error)
    return init, arrays


def _first_checks(peer: np.ndarray, ours: np.ndarray, dtype: str) -> list[str]:
    found = []
    if peer.shape != ours.shape:
        found.append(f"shape: peer {peer.shape}, weightinit {ours.shape}")
    if peer.dtype != ours.dtype and ours.dtype != as_dtype(dtype):
        found.append(f"dtype: asked {dtype}, peer {peer.dtype}, weightinit {ours.dtype}")
    if not found and peer.size and not np.all(np.isfinite(peer)):
        found.append("peer values not finite")
    return found


# --- the report -----------------------------------------------------------------------------


def run(
    peers: tuple[str, ...], quick: bool = False, match: str = "", log: Any = sys.stderr
) -> Report:
    """Every case of every installed peer asked for; a peer that cannot be imported is skipped."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    report = Report()
    for key in peers:
        label, module, builder = BUILDERS[key]
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                imported = __import__(module)
                cases = list(builder())
        except Exception as error:  # not installed, or not importable here
            report.skipped[label] = message(error)
            continue
        report.versions[label] = str(getattr(imported, "__version__", "?"))
        if key == "keras":
            report.versions[label] += f" (backend {os.environ['KERAS_BACKEND']})"
        start = time.monotonic()
        chosen = [case for case in cases if match in case.name][:: 5 if quick else 1]
        report.rows += [run_case(case) for case in chosen]
        if key == "keras" and match in "keras.initializers (seed)":
            report.rows += keras_seed_rows()
        print(f"{label}: {len(chosen)} cases in {time.monotonic() - start:.0f} s", file=log)
    return report


def summary(report: Report) -> list[str]:
    """One line per peer: its counts by verdict; then the skipped peers."""
    lines = []
    for label in dict.fromkeys(row.peer for row in report.rows):
        rows = [row for row in report.rows if row.peer == label]
        counts = {
            v: sum(r.verdict == v for r in rows)
            for v in ("match", "DIFFERENT", "weightinit refuses", "peer refuses")
        }
        text = ", ".join(f"{n} {v}" for v, n in counts.items())
        accepted = sum(
            r.verdict == "peer refuses" and r.detail.endswith("weightinit accepts") for r in rows
        )
        text += f" (of which weightinit accepts {accepted})" if accepted else ""
        lines.append(f"{label} {report.versions.get(label, '')}: {len(rows)} cases: {text}")
    lines += [f"{label}: skipped ({why})" for label, why in report.skipped.items()]
    return lines


def _cells(row: Row) -> list[str]:
    verdict = row.verdict + (f" ({row.detail})" if row.detail else "")
    return [row.name, row.args, str(row.shape), verdict]


def table_text(report: Report) -> str:
    """The table as plain text, one line per case."""
    return "\n".join(" | ".join(_cells(row)) for row in report.rows)


def markdown(report: Report) -> str:
    """The report as a Markdown page."""
    out = [
        "# weightinit and its peers",
        "",
        "Written by `tools/compare_peers.py`.",
        "",
        "## Summary",
        "",
    ]
    out += [f"- {line}" for line in summary(report)]
    out += [
        "",
        f"weightinit {getattr(weightinit, '__version__', '?')} from "
        f"`{os.path.dirname(weightinit.__file__)}`, NumPy {np.__version__}, Python "
        f"{sys.version.split()[0]}; every statistical test at level {ALPHA:g}.",
    ]
    for label in dict.fromkeys(row.peer for row in report.rows):
        out += [
            "",
            f"## {label}",
            "",
            "| name | args | shape | verdict | weightinit call |",
            "|---|---|---|---|---|",
        ]
        for row in (r for r in report.rows if r.peer == label):
            cells = [*_cells(row), f"`{row.call}`"]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; exit status 1 if any case is DIFFERENT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--markdown", metavar="FILE", help="also write the report as Markdown")
    parser.add_argument(
        "--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS)
    )
    parser.add_argument("--quick", action="store_true", help="every 5th case only")
    parser.add_argument(
        "--match", default="", help="only the cases whose peer name holds this text"
    )
    options = parser.parse_args(argv)
    peers = tuple(p for p in options.peers.split(",") if p)
    unknown = [p for p in peers if p not in BUILDERS]
    if unknown:
        parser.error(f"unknown peers {unknown}; choose among {', '.join(PEERS)}")
    report = run(peers, options.quick, options.match)
    print(table_text(report))
    print()
    print("\n".join(summary(report)))
    if options.markdown:
        with open(options.markdown, "w", encoding="utf-8") as handle:
            handle.write(markdown(report))
    return 1 if any(row.verdict == "DIFFERENT" for row in report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
