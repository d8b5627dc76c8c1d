"""Closed vocabularies of the domain, stored by their string value.

Labels and one-line definitions shown to users live in resources/vocabulary.toml;
these enums only fix the codes and their order.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """The life of an incident, in order."""

    PRE_INCIDENT = "pre_incident"
    TRIGGER = "trigger"
    OUTAGE_BEGINS = "outage_begins"
    DETECTION = "detection"
    TROUBLESHOOTING = "troubleshooting"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    FOLLOW_UP = "follow_up"

    @property
    def position(self) -> int:
        """Position of the phase in the incident's life, from 0."""
        return _PHASE_ORDER[self]


_PHASE_ORDER: dict[Phase, int] = {phase: n for n, phase in enumerate(Phase)}


class Severity(StrEnum):
    """SEV1 is the most severe."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


class Role(StrEnum):
    """The four roles that must be filled during a response."""

    INCIDENT_COMMANDER = "incident_commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    OPERATIONS_LEAD = "operations_lead"
    PLANNING_LEAD = "planning_lead"


class EventSource(StrEnum):
    """Where a timeline entry came from."""

    MONITORING = "monitoring"
    USER_REPORT = "user_report"
    CHAT = "chat"
    DEPLOY_LOG = "deploy_log"
    OTHER = "other"


class Confidence(StrEnum):
    """How sure the author is of a fuzzy time."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Milestones are the starts of the phases that have a meaningful start time.
# Pre-incident decisions are recorded as timeline events instead.
MILESTONE_KINDS: tuple[Phase, ...] = tuple(p for p in Phase if p is not Phase.PRE_INCIDENT)
