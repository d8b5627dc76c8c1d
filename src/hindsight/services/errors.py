"""Errors a service raises for input or an environment the user can correct.

Everything the UI and the command line need to tell apart is importable from here, so
neither reaches into the store for its error types. All of them derive from HindsightError:
catch that to explain a problem to the user; anything else is a bug.
"""

from hindsight.core.errors import HindsightError
from hindsight.store.errors import ConflictError, NotFoundError, StoreError
from hindsight.store.postgres_errors import (
    SchemaBehindError,
    SchemaMissingError,
    ServerUnreachableError,
)

__all__ = [
    "ConflictError",
    "HindsightError",
    "NotFoundError",
    "SchemaBehindError",
    "SchemaMissingError",
    "ServerUnreachableError",
    "StoreError",
    "ValidationError",
]


class ValidationError(HindsightError, ValueError):
    """Input that cannot be accepted; the message says which field and what to do."""
