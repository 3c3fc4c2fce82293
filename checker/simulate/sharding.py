"""Run a batch kernel on every visible device: the batch axis is split across a 1-D mesh.

Why shard_map and not a sharded jit: the kernel's loop exits when all of *its* trajectories are done and
compacts the few that need the careful path (``jnp.nonzero``). Under shard_map each device does this on its
own shard with no cross-device traffic; a globally sharded jit would gather the compaction across devices
every block. Trajectories are independent, so there is nothing to communicate.

On one device (a laptop, the CI machine, one GPU) this is a no-op: the kernel is used as is.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, PartitionSpec

P: Any = PartitionSpec  # untyped in jax: an Any alias keeps strict mypy quiet without an ignore

AXIS = "batch"


def device_count() -> int:
    return len(jax.devices())


def shard_batch(kernel: Any, n_devices: int, n_batch_args: int, n_scalar_args: int, out_specs: Any) -> Any:
    """Wrap ``kernel(*batch_arrays, *scalars)`` so each device runs it on its slice of the batch axis.

    ``out_specs`` says where the batch axis is in each output (``P(AXIS)`` for a per-trajectory array).
    """
    if n_devices <= 1:
        return kernel
    mesh = Mesh(np.asarray(jax.devices()[:n_devices]), (AXIS,))
    in_specs = (P(AXIS),) * n_batch_args + (P(),) * n_scalar_args
    return jax.shard_map(kernel, mesh=mesh, in_specs=in_specs, out_specs=out_specs, check_vma=False)
