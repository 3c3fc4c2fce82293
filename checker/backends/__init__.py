"""Arithmetic backends: one translator (translate.py) walks a sympy expression; each backend supplies
the few operations it needs.

* ``ball``: python-flint ``arb`` balls, rigorous: the result contains the exact value.
* ``mp``: mpmath at a chosen precision, high precision but not rigorous.
* ``jax``: float64 / float32, jit-compiled and vmapped, CPU or GPU.
"""

from checker.backends.translate import Ops, compile_expr

__all__ = ["Ops", "compile_expr"]
