"""EoS theory on real training: full-batch GD on a JAX model with sharpness tracking, judged by the NET-* checks.

``check_training(loss_fn, params, eta=..., steps=...)`` returns the report document; ``eoscheck network`` runs the
built-in models (tanh MLPs on scikit-learn's digits).
"""

from __future__ import annotations

from checker.network.api import check_training
from checker.network.flat import NetworkInputError

__all__ = ["NetworkInputError", "check_training"]
