"""Objectives whose gradient descent the properties study (one model per module)."""
