"""Generate docs/theory.md (and docs/img/phase_tanh.png) from the library itself.

    python tools/make_theory.py           # rewrite the page and the plot
    python tools/make_theory.py --check   # exit 1 if the page is stale (plot not redrawn)

Every figure on the page is computed here, by ``wi.critical``, ``wi.mean_field``
and ``wi.lsuv``; the critical line of tanh is compared with 4-digit reference
values of Schoenholz et al. (2017), Fig. 1.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

import weightinit as wi
from weightinit.activations import activation_names

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "theory.md"
PLOT = ROOT / "docs" / "img" / "phase_tanh.png"

#: Independent reference values (4 digits) of tanh's critical line, Schoenholz et al. (2017), Fig. 1.
SCHOENHOLZ = (
    (0.01, 1.4242, 0.2733),
    (0.05, 1.7610, 0.5700),
    (0.3, 2.5051, 1.4612),
    (1.0, 3.4432, 3.0364),
)
LINE = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0)
BIASES = (0.0, 0.1, 0.3, 1.0)
PHASES_AT = 0.05  # σ_b² of the phase examples
PHASE_WEIGHTS = (1.0, 1.5, None, 2.0, 3.0)  # σ_w² (None: the critical one)


def _critical_cell(activation: str, sigma_b: float) -> str:
    try:
        point = wi.critical(activation, sigma_b=sigma_b)
    except ValueError as error:
        text = str(error)
        if "homogeneous" in text:
            return "none (homogeneous)"
        return "none (χ₁ > 1)" if "is above 1" in text else "none (χ₁ < 1)"
    every_q = wi.critical(activation, sigma_b=sigma_b, q0=2.0).q_star == 2.0  # homogeneous
    q = "any q" if every_q else f"q* = {point.q_star:.4g}"
    return f"{point.sigma_w**2:.4f} ({q})"


def critical_table() -> str:
    header = "| activation | " + " | ".join(f"σ_b = {b:g}" for b in BIASES) + " |"
    rows = [header, "|---|" + "---|" * len(BIASES)]
    for name in activation_names():
        if name == "swish":  # an alias of silu
            continue
        rows.append(f"| `{name}` | " + " | ".join(_critical_cell(name, b) for b in BIASES) + " |")
    return "\n".join(rows)


def schoenholz_table() -> str:
    rows = [
        "| σ_b² | σ_w² (reference) | σ_w² (here) | q* (reference) | q* (here) | largest relative difference |"
    ]
    rows.append("|---|---|---|---|---|---|")
    for sb2, sw2, q in SCHOENHOLZ:
        point = wi.critical("tanh", sigma_b=math.sqrt(sb2))
        worst = max(abs(point.sigma_w**2 / sw2 - 1), abs(point.q_star / q - 1))
        rows.append(
            f"| {sb2:g} | {sw2:.4f} | {point.sigma_w**2:.4f} | {q:.4f} | {point.q_star:.4f} | {worst:.1e} |"
        )
    return "\n".join(rows)


def line_table() -> str:
    rows = ["| σ_b² | critical σ_w² | q* |", "|---|---|---|"]
    for sb2 in LINE:
        point = wi.critical("tanh", sigma_b=math.sqrt(sb2))
        rows.append(f"| {sb2:g} | {point.sigma_w**2:.4f} | {point.q_star:.4f} |")
    return "\n".join(rows)


def phases_table() -> str:
    sigma_b = math.sqrt(PHASES_AT)
    rows = ["| σ_w² | q* | χ₁ | phase | c* | depth scale ξ |", "|---|---|---|---|---|---|"]
    for sw2 in PHASE_WEIGHTS:
        if sw2 is None:
            state = wi.critical("tanh", sigma_b=sigma_b)
        else:
            state = wi.mean_field("tanh", sigma_w=math.sqrt(sw2), sigma_b=sigma_b)
        rows.append(
            f"| {state.sigma_w**2:.4f} | {state.q_star:.4f} | {state.chi:.4f} | {state.phase} | "
            f"{state.c_star:.4f} | {state.depth_scale:.3g} |"
        )
    return "\n".join(rows)


def lsuv_example() -> str:
    tree = {"layers": [{"w": (64, 64), "b": (64,)} for _ in range(10)]}
    params = wi.init_params(tree, {"*.w": "glorot_uniform", "*.b": "zeros"}, rng=0)

    def forward(params: dict, x: np.ndarray) -> dict[str, np.ndarray]:
        outputs, h = {}, x
        for i, layer in enumerate(params["layers"]):
            z = h @ layer["w"] + layer["b"]
            outputs[f"layers.{i}.w"] = z
            h = np.tanh(z)
        return outputs

    x = np.random.default_rng(1).standard_normal((512, 64))
    before = [float(np.var(z)) for z in forward(params, x).values()]
    report = wi.lsuv(params, forward, x, rng=0)
    after = [float(np.var(z)) for z in forward(params, x).values()]
    other = np.random.default_rng(2).standard_normal((512, 64))
    unseen = [float(np.var(z)) for z in forward(params, other).values()]
    rows = [
        "| layer | variance with Glorot | passes | variance after LSUV | on another batch |",
        "|---|---|---|---|---|",
    ]
    for i, (path, layer) in enumerate(report.items()):
        rows.append(
            f"| `{path}` | {before[i]:.4f} | {layer.iterations} | {after[i]:.4f} | {unseen[i]:.4f} |"
        )
    return "\n".join(rows)


FOUR = ("zero_hadamard", "sinusoidal", "spectral", "martens_sparse")
SHAPE = (256, 128)  # Keras layout: fan_in 256, fan_out 128


def schemes_table() -> str:
    rows = [
        "| scheme | formula | paper | declared mean, variance for (256, 128) |",
        "|---|---|---|---|",
    ]
    for name in FOUR:
        init = wi.get(name)
        law = init.distribution(shape=SHAPE)
        rows.append(
            f"| `{name}` | {init.info.formula} | {init.info.reference} | "
            f"{0.0 if abs(law.mean) < 1e-12 else law.mean:.3g}, {law.variance:.6g} |"
        )
    return "\n".join(rows)


def schemes_measured() -> str:
    grow = wi.zero_hadamard((2, 4))  # fan_in 2 < fan_out 4: the Hadamard case
    values = sorted({round(float(v), 6) for v in grow.ravel()})
    spectral = np.linalg.svd(wi.spectral(SHAPE, rng=0), compute_uv=False)
    sparse = wi.martens_sparse(SHAPE, rng=0)
    nonzero = np.count_nonzero(sparse, axis=0)  # per output unit (a column of (in, out))
    sinus = wi.sinusoidal(SHAPE)
    return "\n".join(
        [
            f"- `zero_hadamard((2, 4))` (fan_in 2, fan_out 4): every entry is one of {values}: "
            "±2^(−1/2), the paper's c = 2^(−(m−1)/2) with m = 2; `zero_hadamard((4, 2))` is "
            f"the partial identity (its {int(np.count_nonzero(wi.zero_hadamard((4, 2))))} ones on "
            "the diagonal).",
            f"- `spectral((256, 128), rng=0)`: singular values from {spectral.min():.12f} to "
            f"{spectral.max():.12f}; √(128/256) = {math.sqrt(0.5):.12f}.",
            f"- `martens_sparse((256, 128), rng=0)`: nonzero incoming weights per output unit "
            f"from {nonzero.min()} to {nonzero.max()} (k = 15).",
            f"- `sinusoidal((256, 128))`: variance of its entries {float(np.var(sinus)):.6g}, "
            f"Glorot's target 2/(256 + 128) = {2 / 384:.6g} times 1 − 1/{SHAPE[0] * SHAPE[1]} (the "
            "authors scale by the pattern's sample variance, ddof=1); deterministic, no `rng`.",
        ]
    )


def write_plot(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.concatenate([np.linspace(0.0, 0.1, 21), np.linspace(0.15, 2.0, 38)])
    line = np.array([wi.critical("tanh", sigma_b=math.sqrt(b)).sigma_w ** 2 for b in grid])
    figure, axes = plt.subplots(figsize=(6.4, 4.4))
    axes.fill_between(grid, 0.0, line, color="#cfe3f3", label="ordered (χ₁ < 1)")
    axes.fill_between(grid, line, 5.0, color="#f6d5c7", label="chaotic (χ₁ > 1)")
    axes.plot(grid, line, color="black", linewidth=2, label="critical line (χ₁ = 1)")
    axes.scatter([s[0] for s in SCHOENHOLZ], [s[1] for s in SCHOENHOLZ], color="white",
                 edgecolor="black", zorder=3, label="reference values (Schoenholz et al. 2017, Fig. 1)")  # fmt: skip
    axes.set(xlim=(0.0, 2.0), ylim=(0.0, 5.0), xlabel="σ_b²", ylabel="σ_w²",
             title="tanh networks: the phase diagram of mean-field theory")  # fmt: skip
    axes.legend(loc="upper left", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def render() -> str:
    return f"""# Theory: the edge of chaos, LSUV and four published schemes

<!-- generated by tools/make_theory.py; do not edit by hand -->

The classic schemes keep a signal's second moment at 1 through one layer.
Mean-field theory (Poole et al. 2016; Schoenholz et al. 2017) follows it
through many: in a wide network with weights N(0, σ_w²/fan_in) and biases
N(0, σ_b²), a layer's pre-activations are Gaussian with a variance q that
evolves by the **variance map**, and two inputs' correlation c by the
**correlation map**:

```
q ↦ σ_w² E[φ(√q z)²] + σ_b²,                      z ~ N(0, 1)
c ↦ (σ_w² E[φ(u₁) φ(u₂)] + σ_b²) / q*,            u₁ = √q* z₁, u₂ = √q* (c z₁ + √(1 − c²) z₂)
χ₁ = σ_w² E[φ′(√q* z)²]                            (the correlation map's slope at c = 1)
ξ = −1 / ln χ_c,  χ_c = σ_w² E[φ′(u₁) φ′(u₂)] at c*  (the depth over which correlations settle)
```

`wi.mean_field(activation, sigma_w=..., sigma_b=...)` gives `q_star` (the
fixed point the variance map reaches from `q0`, default 1), `chi`, `phase`
(`'ordered'` for χ₁ < 1: nearby inputs converge; `'chaotic'` for χ₁ > 1:
they decorrelate; `'critical'`), `c_star` and `depth_scale` (infinite at
criticality), for any named activation or callable. `wi.critical(activation,
sigma_b=...)` finds the **critical line**: the σ_w at which χ₁ = 1 at the
fixed point. Eliminating σ_w² = (q* − σ_b²)/E[φ(√q* z)²] leaves one equation
in q*, (q − σ_b²) E[φ′(√q z)²] = E[φ(√q z)²], solved by bisection for its
smallest root. The expectations are Gaussian quadrature split at the
activation's kinks (exact to about 1e-13 here), not sampling; the correlation
map's two-dimensional ones are nested quadrature.

## The critical line of tanh

Schoenholz et al. (2017) draw the critical line in their Fig. 1, a plot; these
reference values of it, to 4 digits, against `wi.critical("tanh", sigma_b=√σ_b²)`
(the differences are those of rounding to 4 digits):

{schoenholz_table()}

Along the line:

{line_table()}

![The phase diagram of tanh networks](img/phase_tanh.png)

Below the line the network is ordered: inputs' representations converge to
one another and gradients vanish with depth; above it, chaotic: they
decorrelate and gradients explode. The phases at σ_b² = {PHASES_AT:g}:

{phases_table()}

The depth scale is the number of layers over which the correlation of two
inputs settles to its fixed point c*. It is largest near the line and infinite
on it, where signals propagate to any depth (Schoenholz et al. 2017, §3).

## Critical points of the named activations

σ_w² of the critical point (q* in brackets) of every named activation, at four
bias scales; `none` where there is none, with why:

{critical_table()}

- **Homogeneous** (linear, ReLU, leaky ReLU: φ(ax) = aφ(x)): χ₁ =
  σ_w² E[φ′(z)²] at every q, so the critical point is σ_w² = 1/E[φ′(z)²]
  (2 for ReLU: He et al. 2015), where every q is a fixed point (`q_star` is
  `q0`). With σ_b > 0 the variance map at χ₁ = 1 is q ↦ q + σ_b², which has
  no finite fixed point: no critical point.
- **χ₁ > 1** (GELU, SiLU, Mish without biases): at every fixed point, with
  the σ_w that makes it one, χ₁ > 1; χ₁ = 1 is approached only as q* → ∞.
- **χ₁ < 1** (softplus): the opposite.
- With σ_b = 0 and φ(0) = 0 ≠ φ′(0) (tanh, softsign, ELU, SELU) the critical
  point is q* = 0 with σ_w² = 1/φ′(0)² (at a kink, 1 over the mean of the two
  one-sided slopes squared: SELU's 0.4768), where the variance map shrinks
  small q: signals decay to 0 slowly (for tanh q ↦ q − 2q² + …, about
  1/(2l) after l layers), not exponentially.
- Sigmoid's critical point sits at a large q* (its φ(0) = 1/2 ≠ 0), where
  most pre-activations fall on sigmoid's flat tails.

The schemes `critical_normal(activation, sigma_b=0.0)` (weights
N(0, σ_w²/fan_in)) and `critical_orthogonal(activation, sigma_b=0.0)` (an
orthogonal matrix × σ_w, Pennington et al. 2017's choice for dynamical
isometry) draw at that σ_w; `wi.critical(...).bias` is the bias initializer
N(0, σ_b²). `weightinit report --init critical_normal` runs each row at its
activation's critical point (with the report's zero biases).

## LSUV

`wi.lsuv(params, forward, batch)` (Mishkin & Matas 2016) takes the other
road: not a formula for σ_w but a measurement. Each weight is made
orthonormal (seeded by its path), then, layer by layer in forward order,
rescaled by 1/√Var(output) until its output's variance on `batch` is within
`tol` of 1 (at most `max_iter` passes); biases are left alone. The guarantee
is for the batch given, layer by layer; another batch from the same
distribution lands close, not exactly (docs/models.md, "LSUV"). A 10-layer
tanh MLP of width 64, Glorot-initialized, batch of 512 standard normal
inputs (rng 0):

{lsuv_example()}

## Four schemes no mainstream library ships

Each is a registered scheme with its formula and paper in its docstring and
exact declared moments, checked by the testing kit like every scheme:

{schemes_table()}

Measured (`python tools/make_theory.py`):

{schemes_measured()}

`zero_hadamard` (alias `ZerO`) and `sinusoidal` draw nothing: they are
deterministic, like `identity`. `spectral`'s scale makes the operator norm
the spectral condition asks for (Yang, Simon & Bernstein 2023).
`martens_sparse` is not PyTorch's `sparse`: PyTorch zeroes a fraction of each
*input's outgoing* weights and draws the rest with std 0.01; Martens gives
each *unit* exactly k nonzero *incoming* weights, N(0, scale²).

## References

- Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), Exponential
  expressivity in deep neural networks through transient chaos, NeurIPS.
- Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), Deep Information
  Propagation, ICLR.
- Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in deep
  learning through dynamical isometry: theory and practice, NeurIPS.
- Mishkin & Matas (2016), All you need is a good init, ICLR.
- Zhao, Schäfer & Anandkumar (2022), ZerO Initialization: Initializing Neural
  Networks with only Zeros and Ones, TMLR.
- Fernández-Hernández, Mestre, Dolz, Duato & Quintana-Ortí (2025), Sinusoidal
  Initialization, Time for a New Start, NeurIPS.
- Yang, Simon & Bernstein (2023), A Spectral Condition for Feature Learning,
  arXiv:2310.17813.
- Martens (2010), Deep learning via Hessian-free optimization, ICML.

Regenerate this page with `python tools/make_theory.py`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE.relative_to(ROOT)} is stale: run python tools/make_theory.py")
            return 1
        return 0
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    write_plot(PLOT)
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
