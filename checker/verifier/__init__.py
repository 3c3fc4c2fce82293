"""An independent verifier for eos-checker reports: ``eoscheck verify REPORT.json``.

A reader who doubts a PROVED or CERTIFIED verdict reads this package (eight short modules) and sees what was
re-derived. It imports nothing from the producing side (backends, certify, simulate, models, lossval,
properties) and no JAX: its own expression reader (:mod:`.expr`, an AST whitelist), its own sympy -> arb
evaluator (:mod:`.arbeval`), one check per certificate kind (:mod:`.checks`), the loss cover
(:mod:`.cover`), loss-family boxes (:mod:`.family`), the descent lemma's class certificate and the one
inference rule it trusts (:mod:`.descent`), the whole-document checks (:mod:`.document`) and the input
bounds (:mod:`.limits`).
It uses sympy for identities and python-flint (arb) for inequalities; floats never decide anything.

What it does NOT establish: that the catalogue's formal statement of a claim says what the paper says (the
prose and the RECONSTRUCTED notes are for the reader); anything about CORROBORATED claims beyond their
certificates; that a document was produced by an honest run (nothing is signed: a forger who rewrites the
command line, the selection and every claim consistently is not detected); anything a stated bound
only approximates (a true but weaker certificate, e.g. a wider enclosure, verifies); and the textbook facts
the descent class certificate trusts (Taylor with the Lagrange remainder; a 2x2 PSD criterion).
"""

from checker.verifier.checks import CertificateError
from checker.verifier.document import Finding, verify_certificate, verify_document, verify_file
from checker.verifier.limits import Unreadable

__all__ = ["CertificateError", "Finding", "Unreadable", "verify_certificate", "verify_document", "verify_file"]
