"""The JSON report of a pytest session's claims: the same v1 document as ``eoscheck run`` writes.

Why from claim dicts and not from ClaimResult objects: under pytest-xdist the claims ran in worker
processes and reach the controller as the JSON that ``ClaimResult.to_json`` produced there; the property
objects never travel. The envelope (environment, schema version, summary) is built by the same report
code, so ``eoscheck report`` and ``eoscheck verify`` read it like any other run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.claim import RunRecord
from checker.report.document import build_document
from checker.report.summary import compliance_summary
from checker.report.writer import report_name, write_document


def code_hash(origins: Sequence[tuple[str, str]]) -> str:
    """sha256 over (module label, sha256 of its source) of the modules whose claims ran, in sorted order."""
    hasher = hashlib.sha256()
    for label, digest in sorted(set(origins)):
        hasher.update(f"{label}\n{digest}\n".encode())
    return hasher.hexdigest()


def write_pytest_report(
    *,
    claims: Sequence[dict[str, Any]],
    origins: Sequence[tuple[str, str]],
    profile: str,
    seed: int,
    command: Sequence[str],
    report_dir: Path,
) -> Path:
    """Validate and atomically write the report; its name follows ``eoscheck run``'s rule (command hash)."""
    record = RunRecord(
        kind="run",
        command=list(command),
        profile=profile,
        seed=seed,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=sum(float(c.get("seconds", 0.0)) for c in claims),
        code_hash=code_hash(origins),
        extra={"runner": "pytest"},
    )
    doc = build_document(record)
    doc["claims"] = list(claims)
    doc["summary"] = compliance_summary(doc["claims"])
    return write_document(doc, Path(report_dir) / report_name(record))
