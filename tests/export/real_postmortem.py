"""A real-world-shaped postmortem (fictional, in our own words) with every new kind of fact.

Shaped like published write-ups: an oversized machine-learning feature file that stopped edge
proxies, a second cause found later, impact stated as numbers, dates known only to the day,
a tracker reference, links, and a privacy fact nobody recorded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hindsight.core.enums import Marker, Phase, Role
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpType
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, RoleAssignment, TimelineEvent
from hindsight.core.privacy import AccessDetails, DataCategory
from hindsight.core.references import Reference, ReferenceKind, TrackerPattern
from hindsight.services.workspace import Workspace
from hindsight.trackers import save_tracker_patterns

START = datetime(2025, 8, 5, 11, 20, tzinfo=UTC)


def at(hour: int, minute: int) -> FuzzyTime:
    """A time on the day of the outage, known to the minute."""
    return FuzzyTime.exact(START.replace(hour=hour, minute=minute))


def feature_file_incident() -> Incident:
    """The incident as a team would type it in from its own write-up."""
    return Incident(
        title="Bot-scoring feature file doubled in size and stopped the edge proxies",
        summary="A query change made the feature file for the bot-scoring model list every "
        "feature twice. Proxies refused the oversized file and answered with errors.",
        milestones={
            Phase.OUTAGE_BEGINS: at(11, 20),
            Phase.DETECTION: at(11, 31),
            Phase.MITIGATION: at(14, 30),
            Phase.RESOLUTION: FuzzyTime.days(date(2025, 8, 6), note="The write-up gives the day."),
        },
        markers={
            Marker.DECLARED: at(11, 35),
            Marker.FIRST_PUBLIC_NOTICE: at(11, 48),
        },
        events=[
            TimelineEvent(
                at(11, 20), Phase.OUTAGE_BEGINS, "The new feature file reaches the proxies."
            ),
            TimelineEvent(
                FuzzyTime.days(date(2025, 8, 4)),
                Phase.OUTAGE_BEGINS,
                "The permissions change to the analytics database is rolled out.",
            ),
        ],
        roles=[
            RoleAssignment(Role.INCIDENT_COMMANDER, "Noor Haddad"),
            RoleAssignment(Role.SUBJECT_EXPERT, "Tomasz Wróbel", note="bot-scoring model"),
        ],
        impacts=[
            ImpactMeasure(
                "Requests answered with errors",
                low=0.8,
                high=16,
                unit="%",
                slice="all proxied traffic, worst hour",
                source="edge request logs",
            ),
            ImpactMeasure("Requests lost", best=1.21e9, unit="requests", source="edge logs"),
            ImpactMeasure("Revenue", note="No revenue impact was measured."),
        ],
        factors=[
            ContributingFactor(
                "Feature file listed every feature twice",
                description="The query that builds the file began reading a second schema.",
                trigger_kind="",
                implicated=["feature_pipeline", "permissions"],
                scope="Every proxy that loaded the new file",
                dates={FactorDate.BEGAN: at(11, 20), FactorDate.MITIGATED: at(14, 30)},
            ),
            ContributingFactor(
                "Size limit in the proxy turned a bad file into a crash",
                scope="Proxies on the newer engine",
                dates={FactorDate.BEGAN: FuzzyTime.days(date(2025, 7, 1), date(2025, 7, 31))},
            ),
        ],
        references=[
            Reference(ReferenceKind.TICKET, "PROJ-42", "Limit the feature file's size"),
            Reference(
                ReferenceKind.DASHBOARD, "https://dash.example.com/d/edge-errors", "Error rate"
            ),
            Reference(ReferenceKind.ORIGINAL, "https://blog.example.com/outage-write-up"),
        ],
        authors=["Noor Haddad", "Tomasz Wróbel"],
        reviewers=["Priya Raman"],
        external_id="INC-2291",
    )


def add_feature_file_incident(workspace: Workspace) -> Incident:
    """Store the incident, a follow-up with a tracker reference and an access log entry."""
    save_tracker_patterns([TrackerPattern("PROJ-*", "https://tracker.example.com/browse/{ref}")])
    incident = workspace.incidents.add(feature_file_incident())
    assert incident.id is not None
    workspace.followups.create(
        FollowUp(
            "Refuse feature files above the expected size before they ship",
            incident.id,
            description="Check the row count against the last good file and stop the rollout.",
            kind=FollowUpKind.FIX,
            action_type=FollowUpType.PREVENT,
            tracker="PROJ-42",
        )
    )
    workspace.privacy.record_access(
        incident.id,
        AccessDetails(
            accessor="Tomasz Wróbel",
            accessed_at=datetime(2025, 8, 5, 12, 5, tzinfo=UTC),
            dataset="edge request samples",
            categories=(DataCategory.IP_ADDRESSES,),
            justification="See which requests the proxies refused.",
            approver="Noor Haddad",
            privacy_consulted=None,
        ),
        "Noor Haddad",
    )
    return workspace.incidents.get(incident.id)
