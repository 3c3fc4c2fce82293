"""eos-checker: executable, certified checks of theorems about gradient descent at the Edge of Stability.

The public surface is small on purpose (cf. Hypothesis): build a :class:`Loss`, run properties, read
verdicts. Everything else lives in submodules named after the one concept each holds.
"""

from checker.errors import UserInputError
from checker.loss import Loss
from checker.verdict import Evidence, EvidenceClass, Provenance, Verdict

__version__ = "0.1.0"

__all__ = ["Evidence", "EvidenceClass", "Loss", "Provenance", "UserInputError", "Verdict", "__version__"]
