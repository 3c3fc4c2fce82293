"""The built-in catalogue: one module per source paper, each exporting ``PROPERTIES: list[Property]``.

Ids are the statements' catalogue ids; ``Source.paper`` is the key ``eoscheck run --paper KEY`` selects on.
checker/registry.py discovers every module here (names starting with ``_`` are helpers, not catalogues).
Modules import heavy backends (JAX) inside their checks, so ``eoscheck list`` stays fast.
"""
