"""Reports: a versioned JSON document first; Markdown and HTML (with plots) rendered from it alone.

One direction only: the runner hands a :class:`~checker.claim.RunRecord` to
:func:`checker.report.writer.write_report`, which builds, validates and atomically writes the JSON.
Renderers read that JSON and never recompute; ``checker/verify.py`` re-checks its certificates.
"""
