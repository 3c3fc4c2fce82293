"""Build the versioned report document (a plain dict) from a RunRecord, and load one back.

The document is the contract between the runner, the renderers and the certificate checker; its shape is
reports/schema/report-v1.schema.json. Bump SCHEMA_VERSION's minor number when adding optional fields and
its major number (and the schema file name) when a field's meaning changes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from checker import __version__
from checker.claim import RunRecord, jsonable
from checker.errors import UserInputError
from checker.report import environment
from checker.report.summary import compliance_summary

SCHEMA_VERSION = "1.0.0"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "reports" / "schema" / "report-v1.schema.json"

# Fields that change between two runs of the same seed and profile (ignored when comparing documents).
VOLATILE_KEYS = frozenset({"started", "seconds", "environment"})


def build_document(record: RunRecord, env: dict[str, Any] | None = None) -> dict[str, Any]:
    claims = [c.to_json() for c in record.claims]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "eos-checker", "version": __version__},
        "kind": record.kind,
        "command": [str(a) for a in record.command],
        "profile": record.profile,
        "seed": record.seed,
        "started": record.started,
        "seconds": round(max(float(record.seconds), 0.0), 3),
        "code_hash": record.code_hash,
        "environment": env if env is not None else environment.capture(),
        "summary": compliance_summary(claims),
        "claims": claims,
        "extra": jsonable(record.extra),
    }


@cache
def schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():  # a non-editable install does not ship reports/: say so plainly
        raise RuntimeError(f"report schema not found at {SCHEMA_PATH}; run eos-checker from a source checkout")
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def schema_errors(doc: Any) -> list[str]:
    """Every schema violation as 'path: message' (empty when the document is valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:200]}" for e in errors]


def load_document(path: Path) -> dict[str, Any]:
    """Read and validate a report; UserInputError (exit 2) if it is unreadable or not a v1 report."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserInputError(f"cannot read report {path}: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(f"{path} is not JSON (line {exc.lineno}: {exc.msg})") from None
    errors = schema_errors(doc)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UserInputError(f"{path} is not a valid eos-checker v1 report: {errors[0]}{more}")
    valid: dict[str, Any] = doc  # the schema requires an object
    return valid


def strip_volatile(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without timestamps, timings and environment: what must repeat for a fixed seed."""
    out = {k: v for k, v in doc.items() if k not in VOLATILE_KEYS}
    out["claims"] = [{k: v for k, v in c.items() if k != "seconds"} for c in doc["claims"]]
    return out
