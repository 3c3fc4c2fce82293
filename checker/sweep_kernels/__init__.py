"""Batched numerics behind the sweep phase: one call runs a claim's simulation for many instances at once.

Each module mirrors a check's own run (the same map, steps and formulas, in numpy or one jitted JAX loop) and
returns the claim's margin, or the statistics it is computed from, for every instance; the declarations
(what to draw, how many, why fewer) live beside the properties. A sweep only ranks instances: verdicts come
from the full check and its recheck.
"""
