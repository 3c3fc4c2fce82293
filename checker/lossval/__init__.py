"""The loss-validation job behind ``eoscheck loss``: finite-eta analysis, simulation evidence, the result
object and its JSON (one concept per module)."""
