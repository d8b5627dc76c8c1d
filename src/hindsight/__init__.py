"""Hindsight: postmortems and follow-up triage for incidents in machine-learning systems."""

import time

# The first moment `hindsight --startup-timing` can see: the package is imported first.
STARTED = time.perf_counter()

__version__ = "0.1.0"
