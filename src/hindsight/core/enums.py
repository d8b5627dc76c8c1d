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
    """Response roles: the four command roles that must be filled, then other responders."""

    INCIDENT_COMMANDER = "incident_commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    OPERATIONS_LEAD = "operations_lead"
    PLANNING_LEAD = "planning_lead"
    ON_CALL = "on_call"
    FIRST_RESPONDER = "first_responder"
    SUBJECT_EXPERT = "subject_expert"

    @property
    def is_command(self) -> bool:
        """True for the four roles every response must fill."""
        return self in COMMAND_ROLES


# The roles a review reports as "not filled" when nobody held them; the others appear only
# when someone held them.
COMMAND_ROLES: tuple[Role, ...] = (
    Role.INCIDENT_COMMANDER,
    Role.COMMUNICATIONS_LEAD,
    Role.OPERATIONS_LEAD,
    Role.PLANNING_LEAD,
)


class EventSource(StrEnum):
    """Where a timeline entry came from."""

    MONITORING = "monitoring"
    USER_REPORT = "user_report"
    CHAT = "chat"
    DEPLOY_LOG = "deploy_log"
    STATUS_PAGE = "status_page"  # a public notice: the status page, a post, a banner
    CUSTOMER_COMMS = "customer_comms"  # a message to customers or partners
    OTHER = "other"


class Confidence(StrEnum):
    """How sure the author is of a fuzzy time."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Milestones are the starts of the phases that have a meaningful start time.
# Pre-incident decisions are recorded as timeline events instead.
MILESTONE_KINDS: tuple[Phase, ...] = tuple(p for p in Phase if p is not Phase.PRE_INCIDENT)


class Marker(StrEnum):
    """Moments of the response that are not the start of a phase, but that reviews date.

    Detection (the owners learned of it), acknowledgement (a responder took it on) and
    declaration (it was called an incident) are told apart: each gap says something different.
    """

    ACKNOWLEDGED = "acknowledged"
    DECLARED = "declared"
    FIRST_PUBLIC_NOTICE = "first_public_notice"
    CLOSED = "closed"

    @property
    def after(self) -> Phase:
        """The phase whose start this moment cannot precede."""
        return _MARKER_AFTER[self]


_MARKER_AFTER: dict[Marker, Phase] = {
    Marker.ACKNOWLEDGED: Phase.DETECTION,
    Marker.DECLARED: Phase.DETECTION,
    Marker.FIRST_PUBLIC_NOTICE: Phase.OUTAGE_BEGINS,
    Marker.CLOSED: Phase.RESOLUTION,
}
