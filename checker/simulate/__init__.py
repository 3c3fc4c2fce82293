"""Gradient-descent simulators for the product model, one arithmetic per module:

* product_jax: many (x0, y0, eta) at once, one compiled call (float64/float32, CPU or GPU);
* product_mp: one trajectory in mpmath at high precision;
* product_ball: one trajectory in arb, with the ball radius at every recorded step;
* reduced: the exact (z, s) reduction, an independent implementation to cross-check GD.
"""
