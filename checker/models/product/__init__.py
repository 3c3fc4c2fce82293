"""The product model L(x, y) = l(xy) (GAN-A-SETUP): every formula about it, once.

* :mod:`.dynamics`: GD step, the exact (z, s) map, Hessian, sharpness, threshold, for any arithmetic;
* :mod:`.normal_form`: the flip coefficient P, the drift k, the Lambert-W return map and the final sharpness;
* :mod:`.starts`: starting points at the Edge of Stability.

The frozen-D two-cycle and its Krawczyk certificate live in :mod:`checker.certify.period2`. The loss job
(checker/lossval) and the properties both import from here, so a formula fixed here is fixed everywhere.
"""

from checker.models.product.dynamics import gd_step, hessian, reduced_step, sharpness, threshold_s

__all__ = ["gd_step", "hessian", "reduced_step", "sharpness", "threshold_s"]
