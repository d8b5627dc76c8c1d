"""The one base of errors a person using Hindsight can act on.

Every layer raises its own kind (a store error names the database file, a validation error
the field), but they share this base, so the GUI and the command line tell "explain this to
the user" apart from "a bug: log its traceback" with a single `except`.
"""


class HindsightError(Exception):
    """A problem the user can understand and fix; `str(error)` says what and what to do."""
