"""Split a flat batch into padded chunks: bounded memory and a bounded number of compiled shapes.

Why padding: XLA compiles one program per input shape. Padding every chunk to a power-of-two length
(times the device count) means a Hypothesis run that draws batches of 37, 50 and 61 trajectories compiles
once (for 64), not three times. Above ``FINE_ABOVE`` trajectories the buckets are finer (``FINE_STEPS``
per octave, each a multiple of a large power of two): there a compile is cheap next to the run, and
power-of-two padding would waste up to half of it (1e5 padded to 131072 did 31% extra work; now 106496,
6.5%). Padding copies the first trajectory, so padded lanes do ordinary work and can never trip a special
case; their results are dropped.

Why chunking: the kernel's memory is ~``BYTES_PER_TRAJECTORY`` per trajectory (flat in the number of
steps); a batch beyond ``max_chunk`` runs as several compiled calls of the same shape, one after another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Live buffers per trajectory in the summaries kernel, float64: (x, y, prev_z, eta) + the block
# start and end + flags, stop step and XLA temporaries, rounded up. float32 needs about half.
BYTES_PER_TRAJECTORY = 192
DEFAULT_MAX_CHUNK = 1 << 22  # ~0.8 GB of float64 state per call: safe on a laptop and on one GPU
MIN_BUCKET = 8
FINE_ABOVE = 1 << 13  # buckets are powers of two up to here (small batches: few shapes, few compiles) ...
_FINE_BITS = 3
FINE_STEPS = 1 << _FINE_BITS  # ... and this many sizes per octave above (large batches: <= 12.5% padding)


@dataclass(frozen=True)
class Chunk:
    start: int
    stop: int
    padded: int  # length the chunk is padded to (a compiled shape)


def bucket(n: int, multiple: int = 1) -> int:
    """Smallest bucket ``multiple * b >= n``: b a power of two >= MIN_BUCKET up to FINE_ABOVE, then one of
    FINE_STEPS evenly spaced sizes per octave (so a batch of 1e5 pads to 106496, not 131072)."""
    per = max(MIN_BUCKET, -(-n // multiple))
    if per <= FINE_ABOVE:
        return multiple * (1 << (per - 1).bit_length())
    step = 1 << ((per - 1).bit_length() - 1 - _FINE_BITS)
    return multiple * step * -(-per // step)


def _bucket_at_most(m: int, multiple: int) -> int:
    """Largest bucket ``<= m`` (at least ``multiple * MIN_BUCKET``)."""
    per = max(MIN_BUCKET, m // multiple)
    if per <= FINE_ABOVE:
        return multiple * (1 << (per.bit_length() - 1))
    step = 1 << (per.bit_length() - 1 - _FINE_BITS)
    return multiple * step * (per // step)


def plan(n: int, max_chunk: int = DEFAULT_MAX_CHUNK, multiple: int = 1) -> list[Chunk]:
    """Chunks covering range(n); each padded to a bucket no larger than ``bucket(max_chunk, multiple)``."""
    if max_chunk < 1:
        raise ValueError("max_chunk must be >= 1")
    cap = _bucket_at_most(max_chunk, multiple)  # stay within the memory the caller allowed
    chunks = []
    for start in range(0, max(n, 1), cap):
        stop = min(n, start + cap)
        chunks.append(Chunk(start, stop, bucket(stop - start, multiple)))
    return chunks


def pad(values: np.ndarray, length: int) -> np.ndarray:
    """``values`` (1-D) extended to ``length`` with copies of its first element."""
    if len(values) == length:
        return values
    out = np.empty(length, dtype=values.dtype)
    out[: len(values)] = values
    out[len(values) :] = values[0] if len(values) else 0
    return out
