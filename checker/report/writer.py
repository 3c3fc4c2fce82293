"""Write a report: validate against the published schema, then write atomically.

Atomic: the JSON goes to a temporary file in the same directory and is moved into place with
``os.replace`` (atomic on POSIX and Windows), so a run killed mid-write leaves the previous report or none,
never half a file.

File name (deterministic, so a rerun with the same command replaces its own report and nothing else):
``eoscheck-<kind>-<profile>-seed<N>-<h>.json`` where ``<h>`` is 8 hex digits of the sha256 of the
command line (different selections with the same seed do not overwrite each other).

Rendering is left to ``eoscheck report`` (Markdown/HTML from the JSON alone): a run stays fast and cannot
fail after its checks because of a plotting problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from checker.claim import RunRecord
from checker.errors import UserInputError
from checker.report.document import build_document, schema_errors


def check_writable(report_dir: Path) -> None:
    """Create ``report_dir`` and prove we can write there now, before a long run starts."""
    path = Path(report_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".eoscheck-probe-", delete=True):
            pass
    except OSError as exc:
        raise UserInputError(
            f"cannot write reports to {path}: {exc.strerror or exc}; choose another --report-dir"
        ) from None


def report_name(record: RunRecord) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", record.profile or "none")
    seed = "none" if record.seed is None else str(record.seed)
    digest = hashlib.sha256("\0".join(record.command).encode()).hexdigest()[:8]
    return f"eoscheck-{record.kind}-{safe}-seed{seed}-{digest}.json"


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report should be as readable as any file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_document(doc: dict[str, Any], path: Path) -> Path:
    errors = schema_errors(doc)
    if errors:
        # A bug in a producer, not the user's fault: never publish it under the normal name, but keep the
        # results of what may have been a long run beside it for debugging, then fail loudly.
        keep = path.with_name(path.stem + ".invalid.json")
        atomic_write_text(keep, json.dumps(doc, indent=2, default=str) + "\n")
        raise ValueError(
            f"report does not match reports/schema/report-v1.schema.json (kept as {keep}): " + "; ".join(errors[:5])
        )
    atomic_write_text(path, dumps(doc))
    return path


def write_report(record: RunRecord, report_dir: Path) -> Path:
    """Build, validate and atomically write the JSON report of ``record``; return its path."""
    report_dir = Path(report_dir)
    check_writable(report_dir)
    return write_document(build_document(record), report_dir / report_name(record))
