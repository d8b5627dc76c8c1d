"""The team's tracker patterns, which turn references such as "PROJ-42" into links.

Kept in preferences.json, section `trackers`: {"patterns": [{"pattern": "PROJ-*",
"url": "https://tracker.example.com/browse/{ref}"}]}. A pattern with a mistake is left out
(and logged); references it would have linked stay plain text, which is never wrong.
"""

from __future__ import annotations

import logging

from hindsight.core.references import TrackerPattern, parse_patterns, patterns_data
from hindsight.preferences import load_section, save_section

log = logging.getLogger(__name__)
SECTION = "trackers"


def tracker_patterns() -> list[TrackerPattern]:
    """The usable patterns from the preferences."""
    patterns, problems = parse_patterns(load_section(SECTION).get("patterns"))
    for problem in problems:
        log.warning("preferences, %s: %s", SECTION, problem)
    return patterns


def save_tracker_patterns(patterns: list[TrackerPattern]) -> None:
    """Keep `patterns` as the team's tracker patterns (each must have no problems)."""
    for pattern in patterns:
        found = pattern.problems()
        if found:
            raise ValueError(" ".join(found))
    save_section(SECTION, {"patterns": patterns_data(patterns)})
