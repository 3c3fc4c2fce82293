"""Write a report: validate against the published schema, then write atomically.

Atomic: the JSON goes to a temporary file in the same directory and is moved into place with
``os.replace`` (atomic on POSIX and Windows), so a run killed mid-write leaves the previous report or none,
never half a file. A folder of files (the Markdown plots) is written the same way: into a temporary folder
beside it, then renamed into place. Temporary names carry the writer's process id, so the next write into
the same directory removes what a killed writer left behind (and nothing of a writer still running).

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
import shutil
import tempfile
from pathlib import Path
from typing import Any

from checker.claim import RunRecord
from checker.errors import UserInputError
from checker.report.document import build_document, schema_errors

TMP_TAG = ".eoscheck-tmp"  # in every temporary name: `.{name}.eoscheck-tmp-{pid}-{random}`


def check_writable(report_dir: Path, hint: str = "choose another --report-dir") -> None:
    """Create ``report_dir`` and prove we can write there now, before a long run starts.

    ``hint`` says what the user can change (the option differs per command).
    """
    path = Path(report_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".eoscheck-probe-", delete=True):
            pass
    except OSError as exc:
        raise UserInputError(f"cannot write to {path}: {exc.strerror or exc}; {hint}") from None


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


def _tmp_prefix(path: Path) -> str:
    return f".{path.name}{TMP_TAG}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else (EPERM), or cannot tell: leave its files alone
        return True
    return True


_TMP_NAME = re.compile(re.escape(TMP_TAG) + r"-(\d+)-")


def clean_stale(path: Path) -> list[Path]:
    """Remove the temporary files and folders that killed writers left in ``path``'s directory.

    Only names with the temporary tag and the id of a process that no longer exists: a concurrent writer's
    temporary file is never touched.
    """
    removed: list[Path] = []
    try:
        candidates = list(Path(path).parent.glob(f".*{TMP_TAG}-*"))
    except OSError:
        return removed
    for cand in candidates:
        match = _TMP_NAME.search(cand.name)
        if match is None or _pid_alive(int(match.group(1))):
            continue
        try:
            if cand.is_dir() and not cand.is_symlink():
                shutil.rmtree(cand)
            else:
                cand.unlink()
        except OSError:
            continue
        removed.append(cand)
    return removed


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    clean_stale(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_tmp_prefix(path), suffix=".tmp")
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


def atomic_write_dir(path: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``path`` by one holding exactly ``files``, or leave the old folder as it was.

    The files go into a temporary folder beside ``path`` that is renamed into place when complete; a
    previous folder is first renamed aside and removed after (a reader sees the old or the new folder).
    """
    path = Path(path)
    clean_stale(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=_tmp_prefix(path)))
    old: Path | None = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in files.items():
            if Path(name).name != name:
                raise ValueError(f"plot file name {name!r} is not a plain file name")
            (tmp / name).write_bytes(data)
        if path.is_dir() and not path.is_symlink():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=_tmp_prefix(path)))
            os.replace(path, old / "previous")
        os.replace(tmp, path)
    except BaseException:
        if old is not None and (old / "previous").exists() and not path.exists():
            os.replace(old / "previous", path)  # put the previous folder back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def write_document(doc: dict[str, Any], path: Path) -> Path:
    errors = schema_errors(doc)
    if errors:
        # A bug in a producer, not the user's fault: never publish it under the normal name, but keep the
        # results of what may have been a long run beside it for debugging, then fail loudly.
        keep = path.with_name(path.stem + ".invalid.json")
        atomic_write_text(keep, json.dumps(doc, indent=2, default=str) + "\n")
        raise ValueError(f"report does not match the report schema (kept as {keep}): " + "; ".join(errors[:5]))
    atomic_write_text(path, dumps(doc))
    return path


def write_report(record: RunRecord, report_dir: Path) -> Path:
    """Build, validate and atomically write the JSON report of ``record``; return its path."""
    report_dir = Path(report_dir)
    check_writable(report_dir)
    return write_document(build_document(record), report_dir / report_name(record))
