"""The sampling engine: the one place random numbers are drawn.

A call's randomness is one :class:`numpy.random.SeedSequence`, the *call
seed* (:func:`call_seed`, in :mod:`.seeds`). The flattened output is cut
into blocks of :data:`BLOCK` elements, and block ``k`` is drawn from its own
generator, ``SFC64(SeedSequence(entropy, spawn_key=(*spawn_key, stream,
k)))`` (:func:`block_generator`), which depends on the call seed and ``k``
alone. So a result is a pure function of (seed, law, shape, dtype): the
same whatever the number of worker threads, and whether it is made whole or
one region at a time (:class:`Window`, in :mod:`.windows`). Blocks are
filled by a pool of threads (:mod:`.threads`; NumPy's generators and ufuncs
release the GIL); :class:`set_workers` sets how many.

The block loop is :mod:`.blocks`, with per-thread scratch arrays kept from
call to call (:mod:`.workspace`), so that scaling, shifting and rejection
never allocate a second full-size array. The samplers are in
:mod:`.kernels` (uniform, normal, and the complex disk, circular normal and
radially truncated normal), :mod:`.truncated` (truncated normal) and
:mod:`.structured` (random subsets, Haar orthogonal matrices).
"""

from .blocks import BLOCK, CHUNK, fill_blocks
from .kernels import (
    NORMAL32_LIMIT,
    NORMAL64_LIMIT,
    circular_normal_extremes,
    disk_extremes,
    fill_circular_normal,
    fill_disk,
    fill_normal,
    fill_radial_truncated,
    fill_uniform,
    normal_extremes,
    radial_truncated_extremes,
    uniform_extremes,
)
from .seeds import block_generator, call_seed
from .structured import HAAR_BLOCK, SUBSET_BATCH, choose_subsets, fill_haar
from .threads import ENV_WORKERS, MAX_WORKERS, available_cores, get_workers, set_workers
from .truncated import (
    EXPONENTIAL32_LIMIT,
    EXPONENTIAL64_LIMIT,
    fill_truncated_normal,
    truncated_normal_extremes,
)
from .windows import Request, Window, make_window

__all__ = [
    "BLOCK",
    "CHUNK",
    "ENV_WORKERS",
    "EXPONENTIAL32_LIMIT",
    "EXPONENTIAL64_LIMIT",
    "HAAR_BLOCK",
    "MAX_WORKERS",
    "NORMAL32_LIMIT",
    "NORMAL64_LIMIT",
    "SUBSET_BATCH",
    "Request",
    "Window",
    "available_cores",
    "block_generator",
    "call_seed",
    "choose_subsets",
    "circular_normal_extremes",
    "disk_extremes",
    "fill_blocks",
    "fill_circular_normal",
    "fill_disk",
    "fill_haar",
    "fill_normal",
    "fill_radial_truncated",
    "fill_truncated_normal",
    "fill_uniform",
    "get_workers",
    "make_window",
    "normal_extremes",
    "radial_truncated_extremes",
    "set_workers",
    "truncated_normal_extremes",
    "uniform_extremes",
]
