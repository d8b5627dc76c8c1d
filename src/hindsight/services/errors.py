"""Errors a service raises for input the user can correct."""


class ValidationError(ValueError):
    """Input that cannot be accepted; the message says which field and what to do."""
