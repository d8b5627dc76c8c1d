"""Hindsight: postmortems and follow-up triage for incidents in machine-learning systems."""

__version__ = "0.1.0"
