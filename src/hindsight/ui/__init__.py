"""The Qt user interface: thin widgets over the services. No SQL here."""

from hindsight import qt_imports  # noqa: F401  (PySide6, with its import hook made cheap)
