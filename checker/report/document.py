"""Build the versioned report document (a plain dict) from a RunRecord, and load one back.

The document is the contract between the runner, the renderers and the certificate checker; its shape is
checker/report/schema/report-v1.schema.json (package data). Bump SCHEMA_VERSION's minor number when adding
optional fields and its major number (and the schema file name) when a field's meaning changes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from checker import __version__
from checker.claim import RunRecord, jsonable
from checker.errors import UserInputError
from checker.report import environment
from checker.report.summary import compliance_summary

SCHEMA_VERSION = "1.0.0"
# Package data (shipped in every install, wheel or editable); reports/schema/ in a checkout holds the same file
# for readers of the repository, and a test keeps the two identical.
SCHEMA_RESOURCE = "schema/report-v1.schema.json"

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
    from importlib.resources import files

    text = files("checker.report").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_errors(doc: Any) -> list[str]:
    """Every schema violation as 'path: message' (empty when the document is valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:200]}" for e in errors]


MAX_REPORT_BYTES = 512 * 1024 * 1024  # far above any real report; a bigger "report" is a wrong file
MAX_JSON_DEPTH = 200  # a report nests about 12 levels; json.loads would recurse (and crash) on 100k


def load_document(path: Path) -> dict[str, Any]:
    """Read and validate a report; UserInputError (exit 2) if it is unreadable or not a v1 report.

    Any bytes at all give either a document or one line saying what is wrong: not a regular file, too large,
    not UTF-8, not JSON, nested too deeply, or not matching the schema.
    """
    path = Path(path)
    try:
        if not path.is_file():
            what = "does not exist" if not path.exists() else "is not a regular file"
            raise UserInputError(f"cannot read report {path}: it {what}")
        with path.open("rb") as fh:
            data = fh.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise UserInputError(f"cannot read report {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise UserInputError(f"{path} is larger than {MAX_REPORT_BYTES // 2**20} MiB: not an eos-checker report")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{path} is not UTF-8 text (byte {exc.start}): not an eos-checker report") from None
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise UserInputError(f"{path} is nested {depth} levels deep (a report has about 12): not an eos-checker report")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(f"{path} is not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:  # pragma: no cover - _json_depth bounds the nesting first
        raise UserInputError(f"{path} is nested too deeply: not an eos-checker report") from None
    errors = schema_errors(doc)
    if errors or not isinstance(doc, dict):
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        first = errors[0] if errors else "not a JSON object"
        raise UserInputError(f"{path} is not a valid eos-checker v1 report: {first}{more}")
    return doc


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _json_depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text (brackets inside strings excluded), without recursing."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def strip_volatile(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without timestamps, timings and environment: what must repeat for a fixed seed."""
    out = {k: v for k, v in doc.items() if k not in VOLATILE_KEYS}
    out["claims"] = [{k: v for k, v in c.items() if k != "seconds"} for c in doc["claims"]]
    return out
