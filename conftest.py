"""Collection rules for the whole checkout: modules whose optional extra is absent are not doctested."""

from __future__ import annotations

import importlib.util

# weightinit.dask imports Dask at import time (it is the dask extra's module):
# without Dask its doctests cannot run, and tests/test_dask*.py skip instead.
collect_ignore = [] if importlib.util.find_spec("dask") else ["src/weightinit/dask.py"]
