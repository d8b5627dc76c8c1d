"""Who found an incident first, and when that is the public mark of an ML incident.

ML incidents are often noticed first by the people they hurt (end users, customers, partners,
the support desk hearing from them) rather than by a monitor. The review's `detection.source`
answer records who it was; this module holds the rule that turns it into the mark the review
header shows and the `detected-by:users` search field finds.
"""

from __future__ import annotations

from typing import Any

DETECTION_SOURCE_QUESTION = "detection.source"
TRIGGER_KIND_QUESTION = "trigger.kind"
TRIGGER_WHAT_QUESTION = "trigger.what"

# detection.source options meaning the affected found the problem before any monitor did.
FOUND_BY_THE_AFFECTED: frozenset[str] = frozenset({"end_users", "customers_partners", "support"})


def found_by_the_affected(source: Any) -> bool:
    """True when a `detection.source` answer value says the affected noticed first."""
    return isinstance(source, str) and source in FOUND_BY_THE_AFFECTED
