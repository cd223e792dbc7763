r"""Statistical assertions for initializers: the kit the project's own tests use.

:func:`assert_moments` tests a sample's mean and variance; :func:`assert_initializer`
draws from an initializer and checks everything its law declares (moments,
support, the shape of the distribution, structure). Both need nothing beyond
NumPy. The hypothesis strategies live in :mod:`weightinit.testing.strategies`
(the ``testing`` extra); importing this module never imports hypothesis.

Every assertion takes ``alpha``: the probability that a correct sample makes
that one call fail. The default, 1e-6, lets a test suite make thousands of
assertions with fixed seeds and essentially never see a false alarm. How
closely the false-alarm rate matches ``alpha``, and how small an error the
tests detect, is measured in ``docs/testing.md`` (by
``tools/calibrate_testing.py``).
"""

from __future__ import annotations

from ._assert_initializer import assert_initializer
from ._kolmogorov_smirnov import KSResult, kolmogorov_sf, kolmogorov_smirnov, law_cdf
from ._moments import (
    MIN_SAMPLE,
    MomentScores,
    assert_moments,
    moment_scores,
    moment_threshold,
    normal_quantile,
)

__all__ = [
    "MIN_SAMPLE",
    "KSResult",
    "MomentScores",
    "assert_initializer",
    "assert_moments",
    "kolmogorov_sf",
    "kolmogorov_smirnov",
    "law_cdf",
    "moment_scores",
    "moment_threshold",
    "normal_quantile",
]
