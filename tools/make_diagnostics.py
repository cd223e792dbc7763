"""Generate docs/diagnostics.md (and docs/img/report.png) from the library itself.

    python tools/make_diagnostics.py           # rewrite the page and the plot
    python tools/make_diagnostics.py --check   # exit 1 if the page is stale (plot not redrawn)

Every figure on the page is computed here: the default ``weightinit report``
(its exact output), the claims measured one by one, the exact gains and a
short training run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
from pathlib import Path

import numpy as np

import weightinit as wi
from weightinit import diagnostics
from weightinit.activations import activation_names, get_activation
from weightinit.cli import main
from weightinit.gains import NONLINEARITIES
from weightinit.report import (
    DEFAULT_ACTIVATIONS,
    DEFAULT_BATCH,
    DEFAULT_DEPTH,
    DEFAULT_INITIALIZERS,
    DEFAULT_WIDTH,
    MIN_WHY_WIDTH,
    pair_seed,
)

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "diagnostics.md"
PLOT = ROOT / "docs" / "img" / "report.png"
SEED = 0
N01 = wi.random_normal.partial(stddev=1.0)


def _run_command(argv: list[str]) -> str:
    """What ``weightinit ARGV`` prints (to a pipe: one line per row)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(argv)
    return buffer.getvalue().rstrip("\n")


class _Terminal(io.StringIO):
    """A stream the report takes for a terminal (its width from ``COLUMNS``)."""

    def isatty(self) -> bool:
        return True


def _widest_line(argv: list[str], columns: int) -> int:
    """The longest line ``weightinit ARGV`` prints to a terminal ``columns`` wide."""
    buffer = _Terminal()
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with contextlib.redirect_stdout(buffer):
            main(argv)
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return max(len(line) for line in buffer.getvalue().splitlines())


def _report(plot: Path | None) -> str:
    return _run_command(["report"] if plot is None else ["report", "--plot", str(plot)])


#: The terminal widths at which the page measures the default report's longest line.
TERMINALS = (80, 100)

#: The flags of the page's ``report --train`` example, without and with clipping.
TRAIN_VIEW = ["--init", "zeros,random_normal(stddev=1),he_normal", "--activation", "relu"]


def _train_view() -> str:
    parts = []
    for extra in ([], ["--clip", "1"]):
        argv = ["report", *TRAIN_VIEW, "--train", *extra]
        text = _run_command(argv)
        parts.append(f"$ weightinit {' '.join(argv[:3])} '{argv[3]}' {' '.join(argv[4:])}")
        parts.append(text[text.index("Training:") :])
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    """A table cell: a ``|`` inside it (softsign's ``|x|``) would end the cell."""
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(map(_cell, header)) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def _number(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3g}"


#: (claim, initializer, its label, activation, depth) of each row of the claims table.
CLAIMS = [
    ("zero weights: units stay identical", "zeros", "zeros", "tanh", 30),
    ("constant weights: units stay identical", wi.ones, "ones", "sigmoid", 30),
    *(
        ("N(0, 1) weights saturate or blow up", N01, "random_normal(stddev=1)", activation, 30)
        for activation in ("tanh", "sigmoid", "relu")
    ),
    ("Xavier/Glorot keeps tanh alive", "glorot_uniform", "glorot_uniform", "tanh", 30),
    ("He keeps deep ReLU alive", "he_normal", "he_normal", "relu", 30),
    ("Xavier's variance halves per ReLU layer", "glorot_uniform", "glorot_uniform", "relu", 30),
    *(
        (
            f"ten linear layers of {gain}·I: ×{gain}⁹",
            wi.identity.partial(gain=gain),
            f"identity(gain={gain})",
            "linear",
            10,
        )
        for gain in (1.5, 0.5)
    ),
]


def _claim_row(claim: str, init: object, label: str, activation: str, depth: int) -> list[str]:
    rng = pair_seed(SEED, init, label)  # the report's seeding rule
    result = diagnostics.propagate(init, activation, depth=depth, width=256, rng=rng)
    alive = bool(np.all(result.std > 0))
    slope = np.polyfit(np.arange(depth), np.log2(result.std**2), 1)[0] if alive else math.nan
    return [
        claim,
        f"`{label}`",
        activation,
        str(depth),
        _number(result.forward_ratio),
        _number(result.backward_ratio),
        "—" if math.isnan(slope) else f"{slope:+.2f}",
        f"**{result.verdict}**",
    ]


def _claims() -> str:
    header = ["claim", "initializer", "activation", "depth", "fwd last/first"]
    header += ["grad first/last", "log₂ Var per layer", "verdict"]
    return _table(header, [_claim_row(*claim) for claim in CLAIMS])


def _biases() -> str:
    rows = []
    for bias, label in ((0.0, "0 (default)"), (wi.random_normal, "random_normal (σ = 0.05)")):
        result = diagnostics.propagate(
            "he_normal", "relu", depth=30, width=256, rng=pair_seed(SEED, "he_normal"), bias=bias
        )
        rows.append(
            [label, f"{result.forward_ratio:.3g}", f"{result.backward_ratio:.3g}", result.verdict]
        )
    return _table(["bias", "fwd last/first", "grad first/last", "verdict"], rows)


def _gains() -> str:
    rows = []
    for name in activation_names():
        activation = get_activation(name)
        torch = f"{wi.calculate_gain(name):.6f}" if name in NONLINEARITIES else "—"
        rows.append(
            [
                f"`{name}`",
                activation.formula,
                f"{wi.gain(name):.10f}",
                f"{wi.gain(name, kind='backward'):.10f}",
                torch,
            ]
        )
    return _table(["activation", "φ(x)", "forward gain", "backward gain", "PyTorch table"], rows)


#: (label, initializer, activation, clip_norm) of each training run on the page.
TRAINING_STEPS = 200
TRAINING_RUNS = [
    (label, init, activation, clip)
    for activation in ("relu", "tanh")
    for label, init, clip in (
        ("zeros", "zeros", None),
        ("random_normal", "random_normal", None),
        ("glorot_uniform", "glorot_uniform", None),
        ("he_normal", "he_normal", None),
        ("random_normal(stddev=1)", N01, None),
        ("random_normal(stddev=1)", N01, 1.0),
    )
]


def training_row(label: str, init: object, activation: str, clip: float | None) -> str:
    """One row of the training table (the staleness test checks a few of them)."""
    run = diagnostics.train(init, activation, steps=TRAINING_STEPS, clip_norm=clip, rng=SEED)
    # A run whose loss overflowed stops there: its later columns say so.
    losses = [
        f"{run.loss[i]:.3g}" if i < len(run.loss) else f"diverged at step {len(run.loss)}"
        for i in (0, 50, 100, TRAINING_STEPS - 1)
    ]
    cells = [
        f"`{label}`",
        activation,
        "—" if clip is None else f"{clip:g}",
        *losses,
        f"{run.update_norm.max():.3g}",
    ]
    return "| " + " | ".join(cells) + " |"


def _training() -> str:
    header = ["initializer", "activation", "clip_norm", "loss @0", "@50", "@100", "@199"]
    header.append("largest step")
    lines = [_table(header, []), *(training_row(*run) for run in TRAINING_RUNS)]
    return "\n".join(lines)


#: The dynamical-isometry table: its width, depths, and the (activation, σ_b²)
#: of each critical point, each with orthogonal and with Gaussian weights.
ISOMETRY_WIDTH = 256
ISOMETRY_DEPTHS = (2, 8, 32, 128)
ISOMETRY_POINTS = (("tanh", 0.05), ("tanh", 1e-5), ("relu", 0.0))
ISOMETRY_RUNS = [
    (activation, sigma_b2, weights, depth)
    for activation, sigma_b2 in ISOMETRY_POINTS
    for weights in ("orthogonal", "Gaussian")
    for depth in ISOMETRY_DEPTHS
]


def _critical_stack(activation: str, sigma_b2: float, weights: str) -> tuple[object, object, float]:
    """The initializer, the bias and the input std of a stack at the critical point.

    ``wi.critical`` finds σ_w and q*; the inputs start at the fixed point,
    x₀ ~ N(0, (q* − σ_b²) / σ_w²).
    """
    point = wi.critical(activation, sigma_b=math.sqrt(sigma_b2))
    scheme = wi.critical_orthogonal if weights == "orthogonal" else wi.critical_normal
    init = scheme.partial(activation=activation, sigma_b=point.sigma_b)
    input_std = math.sqrt((point.q_star - sigma_b2) / point.sigma_w**2)
    return init, point.bias, input_std


def isometry_row(activation: str, sigma_b2: float, weights: str, depth: int) -> str:
    """One row of the dynamical-isometry table (the staleness test checks a few of them)."""
    init, bias, input_std = _critical_stack(activation, sigma_b2, weights)
    result = diagnostics.propagate(
        init,
        activation,
        depth=depth,
        width=ISOMETRY_WIDTH,
        batch=2,
        rng=SEED,
        bias=bias,
        jacobian=True,
        input_std=input_std,
    )
    point = wi.critical(activation, sigma_b=math.sqrt(sigma_b2))
    values = result.jacobian_singular_values
    assert values is not None
    cells = [
        activation,
        weights,
        f"{sigma_b2:g}",
        f"{point.sigma_w**2:.4f}",
        f"{point.q_star:.4f}",
        str(depth),
        f"{result.jacobian_mean:.3f}",
        f"{result.jacobian_spread:.3f}",
        f"{result.jacobian_max:.3f}",
        f"{np.mean(values < 0.1):.0%}",
    ]
    return "| " + " | ".join(cells) + " |"


def _isometry() -> str:
    header = ["φ", "weights", "σ_b²", "σ_w²", "q*", "depth", "mean", "std", "max", "below 0.1"]
    return "\n".join([_table(header, []), *(isometry_row(*run) for run in ISOMETRY_RUNS)])


def render(
    report: str,
    training: str | None = None,
    isometry: str | None = None,
    train_view: str | None = None,
) -> str:
    """The page; ``training``, ``isometry`` and ``train_view`` are computed when not given."""
    scaled = _run_command(["report", "--scaled-identity", "--jobs", "1"])
    widest = {columns: _widest_line(["report"], columns) for columns in TERMINALS}
    if train_view is None:
        train_view = _train_view()
    limit = diagnostics.RATIO_LIMIT
    tanh_edge = math.acosh(1 / math.sqrt(diagnostics.SATURATION_SLOPE))
    sigmoid_edge = 2 * math.acosh(1 / math.sqrt(diagnostics.SATURATION_SLOPE))
    return f"""# Diagnostics: why initialization matters, measured

<!-- Generated by tools/make_diagnostics.py; do not edit by hand. -->

```console
$ pip install 'weightinit[plot]'       # from a checkout: pip install -e '.[plot]'
$ weightinit report --plot report.png
```

`weightinit report` pushes a batch of standard normal inputs through a deep
multilayer perceptron, once per initializer and activation, and measures how
the signal evolves layer by layer. The stack is `depth` square layers
`h_l = x_(l-1) @ W_l + b_l`, `x_l = φ(h_l)` (the `x @ W` layout of Keras and
JAX), every `W_l` drawn with the initializer (biases 0); the backward pass
starts from a standard normal gradient at the last layer and follows the
chain rule down. The same computation is available as
`weightinit.propagate(initializer, activation, depth=..., width=...)`, which
returns every per-layer statistic (mean and std of pre-activations and
activations, fraction saturated, fraction of dead units, spread across
units, std of the gradients with respect to activations and to weights).
The report itself is a library, `weightinit.report`: `run_report` runs
the pairs, and `report_text`, `report_json` and `write_plot` give what the
command prints and draws.

## The default report

{", ".join(f"`{name}`" for name in DEFAULT_INITIALIZERS)} ×
{", ".join(f"`{name}`" for name in DEFAULT_ACTIVATIONS)}, depth
{DEFAULT_DEPTH}, width {DEFAULT_WIDTH}, batch {DEFAULT_BATCH},
seed 0 — exactly what `weightinit report` prints:

```text
{report}
```

![Per-layer std of activations (top) and gradients (bottom)](img/report.png)

Above, each row is one line, as the report writes it to a pipe or a file
(and as `--json` gives it, one object per row). On a terminal the text fits
the terminal's width: the "why" column wraps beside the others where at
least {MIN_WHY_WIDTH} columns are left for it, else each reason goes on the
lines under its row; where the other columns alone are wider than the
terminal, their cells wrap too (at spaces, after `(`, and after `_` only
where nothing else fits). Measured, the default report's longest line:
{"; ".join(f"{widest[c]} characters on a terminal {c} columns wide" for c in TERMINALS)}.

The run is deterministic for a given `--seed`: each initializer's generator
is seeded with `SeedSequence([seed, crc32(key)])`, the key being the compact
JSON `[canonical_name, config]` of the initializer (its `get_config()`, every
parameter bound or default, keys sorted, numbers as floats; a callable that is
not a `weightinit.Initializer` is keyed by the name it was given). So a row
does not depend on which other rows are run, nor on the alias that named the
initializer (`HeNormal`, `he_normal` and `keras.he_normal` give one row),
while `--param` values give other numbers. `weightinit.report.pair_seed` is
the rule; the claims and bias tables below are seeded by it too.

The run costs about 7·10¹⁰ floating-point operations (three 256 × 256 × 256
matrix products in each of 720 layers). The pairs
run in worker processes, one per available core (`--jobs N`), each with a
single BLAS thread: for matrices this small BLAS threads gain nothing, and on
a machine whose cores are busy with other work they wait for each other and
make each product several times slower. The results do not depend on
`--jobs`.

How to read it. Each row's verdict lists every finding that holds, each
with its reason naming the measured numbers; `weight std` is the std of the
entries of that row's weight matrices, from the initializer's law, and the
"Initializers" block gives every parameter each one used:

- **zeros.** Every unit computes the same value, so every unit gets the same
  gradient and they never differ: `symmetric`, the layer no better than one
  neuron. Zero weights also pass no gradient below the top (`vanishing`,
  ratio 0), and under ReLU every unit outputs 0 with slope 0 (`dead`).
- **N(0, 1)** (`random_normal(stddev=1)`, weight std 1, sixteen times
  Glorot's at width 256). ReLU explodes, forward and backward. tanh and
  sigmoid saturate — most units sit on the flat tails — and their gradient
  still *grows* going down: each unit passes little, but the weights' scale
  more than makes up for it. Both findings are stated: `saturated +
  exploding`.
- **Keras' small defaults** (`random_normal`, σ = 0.05, and
  `random_uniform`, ±0.05: weight std 0.05 and 0.029, below Glorot's 0.0625).
  These are what `RandomNormal()` and `RandomUniform()` mean in Keras, not
  N(0, 1); in a deep stack they vanish.
- **ReLU.** `he_normal` keeps the signal: with Var(W) = 2 / fan_in each
  layer multiplies E[x²] by fan_in · Var(W) · ½ = 1. Glorot, LeCun and
  orthogonal weights (variance 1 / fan for a square layer) halve it at every
  layer: after 30 layers the std is about 2^-14.5 ≈ 4e-5 of the first
  layer's, in both directions. `critical_normal` and `critical_orthogonal`
  bound to ReLU are He's scale (σ_w² = 2).
- **tanh.** Glorot, LeCun, orthogonal and the critical schemes (σ_w = 1 for
  tanh without biases) keep tanh's signal alive (it decays slowly, like 1/√l,
  as tanh bends the variance down), and so does He's scale.
- **sigmoid.** Every classic initializer here makes the gradient vanish: σ′
  is at most 1/4, so with weights of variance about 1 / fan each layer
  multiplies the gradient's second moment by about 1/16 — the difficulty
  Glorot & Bengio (2010) describe for deep sigmoid networks. The forward
  signal stays finite because σ's outputs have mean ½. The critical schemes
  keep the gradient's scale (χ₁ = 1) with a weight std ten times larger, at
  the price of most units on the tails: `saturated`, with both ratios within
  ×{limit:g}.

## Verdicts and their thresholds

A row gets every finding that holds, listed in this order and joined by
"+" (`Propagation.verdicts`, `Propagation.verdict`), each with its reason
(`Propagation.reasons`); `healthy` when none does.

| verdict | rule | why this threshold |
|---|---|---|
| `symmetric` | in the last layer, the largest (over examples) std across units of the activations is at most {diagnostics.SYMMETRY_TOLERANCE:g} × their root mean square; not judged where the forward signal overflows | identical units give exactly 0 (or rounding, ~1e-16); random weights give a spread of order 1 |
| `dead` | on average over the layers, more than {diagnostics.DEAD_FRACTION:.0%} of the units output 0 with slope 0 on every example of the batch (the reason also names the worst layer) | a dead unit passes no gradient, so it cannot recover. Deep zero-bias ReLU stacks have 30–50 % such units in their deeper layers whatever the weights' scale (they correlate their inputs: He + ReLU at depth 30, width 32 reaches 50 % in some layer for most seeds), so a single layer would decide by chance; the mean over layers fires for zero weights (100 %) and for biases of −0.5 under He weights (86 %), the dying ReLU |
| `saturated` | more than {diagnostics.SATURATED_FRACTION:.0%} of pre-activations, averaged over layers, sit where φ′ is below {diagnostics.SATURATION_SLOPE:g} × its peak (tanh: \\|h\\| > {tanh_edge:.2f}; sigmoid: \\|h\\| > {sigmoid_edge:.2f}); only activations whose slope vanishes on both sides (tanh, sigmoid, softsign) saturate | a unit past that point passes less than a tenth of its gradient; when most units are there the network learns mostly through the few that are not. Healthy tanh stacks have a few percent of units there, N(0, 1) weights 70–90 % |
| `exploding` | the forward signal or the gradient overflows float64 (an inf or NaN in a layer's statistics; the reason names the first layer where it does), or the forward std (last layer / first) or the gradient std (first layer / last) grows more than ×{limit:g} | an order of magnitude across the stack already demands a learning rate per layer; the rule sees ten linear layers of 1.5·I (×1.5⁹ ≈ 38) |
| `vanishing` | either ratio is below ×{1 / limit:g} (0 included) | the mirror image (0.5⁹ ≈ 0.002); He + ReLU at width 256 fluctuates within ×2 of 1 over 30 layers, so the rule does not fire on it by chance |
| `healthy` | none of the above | |

The ratios compare the last and first *hidden* layers, so the jump from the
unit-variance input to the first layer (a constant factor, whatever the
depth) does not count; what is measured is what depth does. An activation
that returns NaN for a finite input is an error, not a verdict. A stack is
limited to depth · width · (width + 2 · batch) ≤ 2²⁷ float64 values
(`weightinit.diagnostics.MAX_PROPAGATION_VALUES`, 1 GiB), refused before
anything is drawn.

## The scaled identity: `weightinit report --scaled-identity`

The classic texts' example: ten linear layers W = 1.5·I explode and W = 0.5·I
vanish, since every layer multiplies the signal by the scale. The report
states it beside what it measures:

```text
$ weightinit report --scaled-identity
{scaled}
```

## Training from the report: `weightinit report --train`

`--train` adds, for every initializer × activation, the short training run
described below (`weightinit.train`, seeded like the report's rows), with
the loss before and after and the largest step; `--clip NORM` clips every
gradient to norm NORM. Zero weights stay stuck at the loss of predicting the
mean; N(0, 1) weights under ReLU take a step of astronomical length and the
loss overflows; clipped to norm 1, every step of the same run is 0.05 long
and the loss stays finite; He learns.

```text
{train_view}
```

## The classic claims, measured

Each row is one `weightinit.propagate(...)` call, width 256, seeded as the
report seeds a row (`rng=weightinit.report.pair_seed(0, init)`); the
column "log₂ Var per layer" is the slope of a straight line fitted to
log₂ of the activations' variance against the layer.

{_claims()}

**Biases at zero are fine**: symmetry comes from the weights, not the
biases. He + ReLU, 30 layers:

{_biases()}

## Dynamical isometry, measured

`weightinit.propagate(..., jacobian=True)` also returns the singular values
of the input–output Jacobian J = ∂x_L/∂x₀ at the batch's first example,
and their mean, standard deviation (over the {ISOMETRY_WIDTH} values,
ddof = 0; the column "std") and largest value. In the `x @ W` layout
Jᵀ = W₁D₁W₂D₂⋯W_LD_L with D_l = diag(φ′(h_l)), formed as a running
{ISOMETRY_WIDTH} × {ISOMETRY_WIDTH} product in float64; the random draws are those of
`jacobian=False`, so every other result is the same. Dynamical isometry
(Pennington, Schoenholz & Ganguli, 2017, "Resurrecting the sigmoid in deep
learning through dynamical isometry: theory and practice", NeurIPS) is every
singular value near 1, so that a gradient keeps its norm in every direction.
Pennington et al. follow the spectrum of JJᵀ (the squared singular values)
by its mean and variance and its largest value; the table gives the
singular values' mean, std and max.

Each row is one call at a critical point (χ₁ = 1) that
`weightinit.critical(φ, sigma_b=σ_b)` finds: weights
`critical_orthogonal` (an orthogonal matrix times σ_w) or `critical_normal`
(N(0, σ_w²/width)), biases its `.bias` (N(0, σ_b²); zeros for σ_b = 0),
inputs at the fixed point, x₀ ~ N(0, (q* − σ_b²)/σ_w²) (`input_std`). For
ReLU without biases every q is a fixed point (`critical` reports q* = 1) and
the Jacobian does not depend on the inputs' scale; its σ_w² = 2 is He's.
Width {ISOMETRY_WIDTH}, seed {SEED}, batch 2 (only the first example enters J); "below 0.1"
is the share of singular values under 0.1. Computed by
`python tools/make_diagnostics.py` (about half a minute). With
`jacobian=True` the Jacobian's three width × width arrays count towards the
2²⁷ values, and the product's depth · width³ multiply-adds must be at most
2³⁶ (`weightinit.diagnostics.MAX_JACOBIAN_WORK`), refused before anything is
drawn.

{_isometry() if isometry is None else isometry}

What the table shows:

- **tanh at σ_b² = 10⁻⁵ (q* ≈ 0.02).** With orthogonal weights the singular
  values stay concentrated near 1 up to depth 128: mean 0.94–1.01, std from
  0.04 at depth 2 to 0.30 at depth 128, max at most 1.59, none below 0.1.
  With Gaussian weights of the same variance they spread as depth grows:
  the std grows from 0.66 to 1.63 and the max from 2.5 to 23, while the mean
  falls to 0.21 and the share below 0.1 rises from 18 % to 94 %.
- **tanh at σ_b² = 0.05 (q* = 0.57).** Orthogonal weights give a smaller std
  and max than Gaussian weights up to depth 32, but neither stays near 1: the
  orthogonal stack's mean falls from 0.85 to 0.23 and its max grows to 8.6
  over 128 layers, with 86 % of its singular values below 0.1. At depth 128
  the Gaussian stack's std, 0.57, is the smaller one, with its mean at 0.078
  and 96 % of its singular values below 0.1. In this table the singular
  values stay near 1 only at the small q* of the rows above.
- **ReLU (He's scale).** Orthogonal and Gaussian weights both spread: at
  every depth more than half of the singular values are below 0.1, and at
  depth 128 the max is 16 (orthogonal) and 18 (Gaussian). A ReLU stack's
  Jacobian passes only the units active on the example (D_l has zeros), so
  its rank is at most the fewest active units of any layer, whatever the
  weights (`tests/test_diagnostics_jacobian.py` checks it).

## Exact gains, and PyTorch's table

`weightinit.gain(activation, kind='forward')` is 1/√E[φ(z)²] and
`kind='backward'` is 1/√E[φ′(z)²], z ~ N(0, 1): the weight scale (times
1/√fan) that keeps the second moment of the signal, or of the gradient, at
1 through a layer. They are computed by Gauss–Legendre quadrature split at
the activation's kinks, and agree with 30-digit `mpmath` references to
1e-13 or better (the tests check every one; a callable, differentiated
numerically, to 1e-10). `weightinit gain NAME` prints
them.

{_gains()}

`weightinit.calculate_gain` keeps PyTorch's table exactly, because
`kaiming_*` and `xavier_*` must mean what they mean in PyTorch. Its values
are choices, not these moments: ReLU's √2 and leaky ReLU's √(2/(1+a²)) are
exact (both gains), but **tanh's 5/3 ≈ 1.667 is larger than both exact
gains** (1.5925 forward, 1.4674 backward): with it the pre-activations
settle above the unit variance the exact forward gain keeps, so tanh units
work a little further into their nonlinear range. SELU's 3/4 is not SELU's
forward gain (exactly 1 by construction of its constants) but a choice
that makes `kaiming_normal(nonlinearity='selu')` use variance 0.5625 / fan.
Sigmoid's table entry 1 is far from its exact gains because sigmoid's
outputs have mean ½: the second moment E[σ(z)²] is dominated by that mean.

## A short training run, and gradient clipping

`weightinit.train(initializer, activation, ...)` fits a 6-hidden-layer,
width-64 network to a generated regression task (y = sin(2 x·u) for 512
standard normal x in 16 dimensions, u a random unit vector; nothing is
downloaded) by full-batch gradient descent, learning rate 0.05, and records
the loss, the gradient norm and the length of every step. With
`clip_norm=c`, a gradient longer than c is rescaled to length c, so no step
is longer than 0.05·c (Pascanu et al., 2013).

{_training() if training is None else training}

Zero weights never leave their symmetric start (only the output bias
learns); He trains ReLU fastest; N(0, 1) weights with ReLU take steps
of astronomical length — clipping by norm caps every step at 0.05 and keeps
the loss finite and falling. The two N(0, 1) tanh runs are chaotic: rounding
differences between NumPy versions change their losses in the second digit,
while the other runs agree to the digits shown.

Regenerate this page with `python tools/make_diagnostics.py`.
"""


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    args = parser.parse_args(argv)
    if args.check:
        expected = render(_report(None))
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != expected:
            print(f"{PAGE.relative_to(ROOT)} is stale: run python tools/make_diagnostics.py")
            return 1
        return 0
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(render(_report(PLOT)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
