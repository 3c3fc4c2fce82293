"""A property's numbers depend on the run seed and its id only: not on what else ran, or in which process.

Two pieces of process-global state used to leak into results (``run --jobs 1`` and ``--jobs 2`` differed in
ALP-P2-ID, ALP-QUAD and DNL-GEN-LIMIT with the same seed):

* Hypothesis mixes constants found in the source of every imported local module into its draws; which
  modules are imported depends on which properties ran earlier in the process. checker/hypothesis_pins.py
  pins that pool to empty; :func:`isolated_generation` makes sure it is pinned before each property.
* JAX computes in float32 unless ``jax_enable_x64`` is set; the backends set it when imported, so a property
  that imports ``jax.numpy`` itself ran in float64 after another property had loaded a backend and in float32
  otherwise. :func:`isolated_generation` enables it for every property (the environment variable covers a
  first import of JAX inside the check).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from checker.hypothesis_pins import pin_local_constants


@contextmanager
def isolated_generation() -> Iterator[None]:
    """Run one property with no process history in its draws and with float64 JAX."""
    pin_local_constants()
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    if "jax" in sys.modules:
        sys.modules["jax"].config.update("jax_enable_x64", True)
    yield
