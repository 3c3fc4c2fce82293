"""The catalogue's own certificates survive `eoscheck run` -> JSON -> `eoscheck verify` (slow: real checks).

Regression for a producer bug (fixed in checker/certificate.py): ball-enclosure values computed on the tight
ball while the wider printed box was stored made GAN-A-EX and DNL-C1 fail verification.
"""

from __future__ import annotations

import pytest

from checker.cli.main import main
from checker.report.document import load_document
from checker.verify import verify_document

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "pid",
    [
        "GAN-A-FIX",
        "GAN-A-RED",
        "GAN-A-EX",
        "DNL-C1",
    ],
)
def test_catalogue_certificates_reverify(pid, tmp_path):
    assert main(["run", pid, "--seed", "1", "--report-dir", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("eoscheck-run-*.json")
    findings = verify_document(load_document(path))
    assert findings and all(f.status in {"verified", "supported"} for f in findings), findings


def test_catalogue_run_is_reproducible(tmp_path):
    """Real properties (sympy, ball, JAX float64 with Hypothesis draws): same seed -> same document."""
    import json

    from checker.report.document import strip_volatile

    docs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert main(["run", "GAN-A-FIX", "ALP-P1", "--seed", "3", "--report-dir", str(out)]) == 0
        (path,) = out.glob("eoscheck-run-*.json")
        docs.append(json.loads(path.read_text()))
    assert strip_volatile(docs[0]) == strip_volatile(docs[1])
    assert docs[0]["claims"][1]["hypothesis"]["examples"] > 0
