"""The verdicts of :func:`weightinit.diagnostics.propagate`: their thresholds, and each finding with its reason.

:mod:`weightinit.diagnostics` re-exports the thresholds; its module
docstring gives the table of findings.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "DEAD_FRACTION",
    "RATIO_LIMIT",
    "SATURATED_FRACTION",
    "SATURATION_SLOPE",
    "SYMMETRY_TOLERANCE",
    "VERDICTS",
]

FloatArray: TypeAlias = "NDArray[np.float64]"

#: The findings :func:`propagate` can report, in the order a combined verdict
#: lists them; ``healthy`` stands alone.
VERDICTS = ("symmetric", "dead", "saturated", "exploding", "vanishing", "healthy")

#: Units count as identical when the spread across units of the last layer's
#: activations is at most this fraction of their root mean square.
SYMMETRY_TOLERANCE = 1e-6
#: A unit is saturated where the activation's slope is below this fraction of
#: its peak slope (tanh: |x| > 1.82; sigmoid: |x| > 3.64).
SATURATION_SLOPE = 0.1
#: A run is 'saturated' when the mean over layers of the saturated
#: fraction exceeds this.
SATURATED_FRACTION = 0.5
#: A run has 'dead' units when, on average over the layers, more than this
#: fraction of the units output 0 with slope 0 on every example of the batch.
#: (Deep ReLU stacks with zero biases have some 30-50% such units in their
#: deeper layers whatever the weights' scale; the mean keeps that from
#: deciding the verdict by chance.)
DEAD_FRACTION = 0.5
#: Growth (or shrinkage) of a std across the stack beyond which the signal is
#: 'exploding' (or 'vanishing'): one order of magnitude.
RATIO_LIMIT = 10.0


def _ratio_clauses(forward: float, backward: float) -> dict[str, list[str]]:
    """The 'exploding' and 'vanishing' clauses the std ratios call for, each naming its ratio."""
    clauses: dict[str, list[str]] = {"exploding": [], "vanishing": []}
    for what, ratio, going in (
        ("forward std", forward, ""),
        ("gradient std", backward, " going down"),
    ):
        if math.isnan(ratio):  # 0 / 0: nothing to compare (the symmetric case says why)
            continue
        if ratio == math.inf:
            clauses["exploding"].append(f"{what} grows from 0{going}")
        elif ratio > RATIO_LIMIT:
            clauses["exploding"].append(f"{what} grows ×{ratio:.2g}{going}")
        elif ratio == 0.0:
            clauses["vanishing"].append(f"{what} falls to exactly 0{going}")
        elif ratio < 1.0 / RATIO_LIMIT:
            clauses["vanishing"].append(f"{what} shrinks ×{ratio:.2g}{going}")
    return clauses


def _verdict(
    stats: dict[str, FloatArray],
    forward: float,
    backward: float,
    depth: int,
    overflow: tuple[int | None, int | None] = (None, None),
    activation: str = "the activation",
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every finding that holds, in the order of :data:`VERDICTS`, each with its reason.

    ``('healthy',)`` with its reason when none holds. The ratio of a direction
    that overflows is not judged again: the overflow is its finding.
    """
    span = f"across {depth} layer{'s' if depth != 1 else ''}"
    found: dict[str, list[str]] = {verdict: [] for verdict in VERDICTS}
    forward_layer, backward_layer = overflow
    std = stats["std"]
    underflowed = bool(std[0] > 0.0 and std[-1] == 0.0)  # a signal gone to 0 is not symmetry
    if forward_layer is None and not underflowed and stats["unit_spread"][-1] <= SYMMETRY_TOLERANCE:
        found["symmetric"].append(
            "every unit of the last layer computes the same value as the others, on each "
            "example: the layer is no better than one neuron"
        )
    dead = stats["dead"]
    if dead.size and float(np.mean(dead)) > DEAD_FRACTION:
        layer = int(np.argmax(dead)) + 1
        found["dead"].append(
            f"on average over the layers {float(np.mean(dead)):.0%} of the units output 0 with "
            f"slope 0 on every example ({float(dead[layer - 1]):.0%} at layer {layer}): dead, "
            "they pass no gradient"
        )
    saturated = float(np.mean(stats["saturated"]))
    if saturated > SATURATED_FRACTION:
        found["saturated"].append(
            f"{saturated:.0%} of units sit on the flat tails of {activation} "
            f"(slope below {SATURATION_SLOPE:.0%} of its peak)"
        )
    clauses = _ratio_clauses(
        math.nan if forward_layer is not None else forward,
        math.nan if backward_layer is not None else backward,
    )
    for verdict in ("exploding", "vanishing"):
        if clauses[verdict]:
            clauses[verdict][-1] += f" {span}" if len(clauses[verdict]) == 1 else f", {span}"
    if forward_layer is not None:
        clauses["exploding"].insert(
            0,
            "the forward signal's statistics overflow float64 (inf or NaN) at layer "
            f"{forward_layer} of {depth}",
        )
    if backward_layer is not None:
        clauses["exploding"].append(
            f"the gradient overflows float64 (inf or NaN) at layer {backward_layer} "
            f"of {depth}, going down"
        )
    grows = [i for i, c in enumerate(clauses["exploding"]) if c.startswith("gradient std grows")]
    if found["saturated"] and grows:
        clauses["exploding"][grows[0]] += ", the weights' scale outweighing the small slopes"
    for verdict in ("exploding", "vanishing"):
        found[verdict] = clauses[verdict]
    if not any(found.values()):
        return ("healthy",), (_healthy_reason(forward, backward, span),)
    verdicts = tuple(verdict for verdict in VERDICTS if found[verdict])
    reasons = [" and ".join(found[verdict]) for verdict in verdicts]
    if not (found["symmetric"] or found["exploding"] or found["vanishing"]):
        # dead or saturated units with both ratios within the limits: say how much still passes
        reasons[-1] += "; " + _healthy_reason(forward, backward, span)
    return verdicts, tuple(reasons)


def _healthy_reason(forward: float, backward: float, span: str) -> str:
    return (
        f"forward std ×{forward:.2g} and gradient std ×{backward:.2g} {span}: "
        f"both within ×{RATIO_LIMIT:g}"
    )
