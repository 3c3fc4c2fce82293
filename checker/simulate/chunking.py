"""Split a flat batch into padded chunks: bounded memory and a bounded number of compiled shapes.

Why padding: XLA compiles one program per input shape. Padding every chunk to a power-of-two length
(times the device count) means a Hypothesis run that draws batches of 37, 50 and 61 trajectories compiles
once (for 64), not three times. Padding copies the first trajectory, so padded lanes do ordinary work and
can never trip a special case; their results are dropped.

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


@dataclass(frozen=True)
class Chunk:
    start: int
    stop: int
    padded: int  # length the chunk is padded to (a compiled shape)


def bucket(n: int, multiple: int = 1) -> int:
    """Smallest ``multiple * 2**k >= n`` with ``2**k >= MIN_BUCKET``."""
    per = max(MIN_BUCKET, -(-n // multiple))
    return multiple * (1 << (per - 1).bit_length())


def plan(n: int, max_chunk: int = DEFAULT_MAX_CHUNK, multiple: int = 1) -> list[Chunk]:
    """Chunks covering range(n); each padded to a bucket no larger than ``bucket(max_chunk, multiple)``."""
    if max_chunk < 1:
        raise ValueError("max_chunk must be >= 1")
    cap = bucket(max_chunk, multiple)
    if cap > max_chunk and cap > multiple * MIN_BUCKET:
        cap //= 2  # stay within the memory the caller allowed
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
