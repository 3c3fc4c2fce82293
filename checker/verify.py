"""Compatibility name for the independent verifier (the code lives in :mod:`checker.verifier`)."""

from checker.verifier import CertificateError, Finding, Unreadable, verify_certificate, verify_document, verify_file

__all__ = ["CertificateError", "Finding", "Unreadable", "verify_certificate", "verify_document", "verify_file"]
