"""The words the scheme modules share: origins, references and the doc builders.

The ``origin`` and ``reference`` cells of docs/formulas.md, written once; the
docstring of a preset, built from its summary, closed form and reference; the
doctest table of a module whose schemes are :class:`Initializer` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._initializer import Initializer

__all__ = [
    "GLOROT",
    "HAIKU",
    "HE",
    "JAX",
    "KERAS",
    "LECUN",
    "SAXE",
    "TORCH",
    "doctests",
    "preset_doc",
]

KERAS = "Keras"
TORCH = "PyTorch"
JAX = "JAX"
HAIKU = "Haiku"

GLOROT = "Glorot & Bengio (2010), Understanding the difficulty of training deep feedforward neural networks, AISTATS"
HE = "He et al. (2015), Delving Deep into Rectifiers, ICCV"
LECUN = "LeCun et al. (1998), Efficient BackProp; Klambauer et al. (2017), Self-Normalizing Neural Networks"
SAXE = "Saxe et al. (2014), Exact solutions to the nonlinear dynamics of learning in deep linear networks, ICLR"


def preset_doc(summary: str, formula: str, reference: str, params: str = "") -> str:
    """A preset's docstring: summary, parameters (numpydoc lines), notes and references."""
    parameters = f"\n    Parameters\n    ----------\n{params}" if params else ""
    return f"""{summary}
{parameters}
    Notes
    -----
    {formula}

    References
    ----------
    {reference}
"""


def doctests(namespace: Mapping[str, Any]) -> dict[str, str]:
    """The ``__test__`` table that makes doctest run the examples of a module's schemes.

    ``namespace`` is the module's ``globals()``; every :class:`Initializer` its
    ``__all__`` names is included. Doctest finds functions and classes, not
    :class:`Initializer` values.
    """
    schemes = [namespace[name] for name in namespace["__all__"]]
    return {init.name: init.__doc__ or "" for init in schemes if isinstance(init, Initializer)}
