"""Building the document model (views.py) from an incident and what the workspace knows.

This is the one place that asks which features exist: follow-ups and the privacy record are
added when the workspace has their services, so each template shows what exists when it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from hindsight import __version__
from hindsight.core.enums import MILESTONE_KINDS
from hindsight.core.followups import FollowUp
from hindsight.core.fuzzy_time import FuzzyTime, headline_durations
from hindsight.core.incident import Incident
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    AnswerType,
    ChangeCategory,
    ReviewStatus,
    ReviewTransition,
)
from hindsight.export.qt import ensure_gui_application
from hindsight.export.timeline_picture import Row, png_bytes, render_timeline, text_timeline
from hindsight.export.views import (
    AnswerView,
    AttributionView,
    DocumentView,
    DurationView,
    EthicsAnswerView,
    EventView,
    FollowUpsView,
    FollowUpView,
    HolderView,
    IncidentLine,
    IncidentView,
    MilestoneView,
    Picture,
    PrivacyAccessView,
    PrivacyView,
    RoleView,
    SectionView,
    TeamView,
    TimeView,
    TransitionView,
)
from hindsight.review.answers import answer_text, has_value
from hindsight.review.bank import Question, QuestionBank, Section
from hindsight.review.progress import orphaned_answers, section_progress
from hindsight.vocabulary import Vocabulary, vocabulary

log = logging.getLogger(__name__)

DURATION_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}


@dataclass(frozen=True)
class Clock:
    """The export's time and time zone: fixed in tests, so documents are reproducible."""

    now: datetime
    zone: tzinfo | None = None  # None: the computer's local time, with its daylight saving

    def local(self, moment: datetime) -> datetime:
        """`moment` in the document's time zone."""
        return moment.astimezone(self.zone) if self.zone is not None else moment.astimezone()

    def text(self, moment: datetime | None) -> str:
        """'2026-03-16 09:12' in the document's time zone; '' for None."""
        return "" if moment is None else self.local(moment).strftime("%Y-%m-%d %H:%M")

    @property
    def today(self) -> date:
        """The export's day in its time zone."""
        return self.local(self.now).date()

    @property
    def zone_for_pictures(self) -> tzinfo:
        """A concrete zone for drawing: the fixed one, or the local zone now."""
        return self.zone if self.zone is not None else self.now.astimezone().tzinfo or UTC

    @property
    def label(self) -> str:
        """How the document names its time zone."""
        if self.zone is not None:
            name = self.local(self.now).tzname() or ""
            return "UTC" if name in ("UTC", "UTC+00:00") else name
        names = "/".join(dict.fromkeys(n for n in time.tzname if n))
        return f"local time ({names})" if names else "local time"


@dataclass
class Sources:
    """What the builder reads besides the incident: filled from a workspace by the service."""

    bank: QuestionBank
    transitions: list[ReviewTransition] = field(default_factory=list)
    followups: list[FollowUp] | None = None  # None: this Hindsight has no follow-ups
    followup_ranking: Any = None  # callable(items) -> ranked items
    followup_attention: Any = None  # callable(items, today) -> report with .of(id)
    grid_picture: Any = None  # callable(items) -> Picture | None
    privacy: PrivacyView | None = None
    pictures: bool = True  # draw pictures (off for Markdown, which cannot embed them)


def time_view(when: FuzzyTime, clock: Clock, words: Vocabulary) -> TimeView:
    """A fuzzy time in the document's words and zone."""
    from hindsight.core.fuzzy_time import format_duration

    best, earliest, latest = (
        clock.text(when.best),
        clock.text(when.earliest),
        clock.text(when.latest),
    )
    return TimeView(
        best=best,
        earliest=earliest,
        latest=latest,
        exact=when.is_exact,
        range=best if when.is_exact else f"{earliest} – {latest}",
        width="" if when.is_exact else format_duration(when.width),
        confidence=words.confidence_labels[when.confidence],
        note=when.note,
    )


def _question_answer(
    question: Question, incident: Incident, clock: Clock, words: Vocabulary
) -> AnswerView:
    def view(state: str, text: str = "", reason: str = "") -> AnswerView:
        kind = question.type.value
        return AnswerView(
            question.id, question.prompt, question.required, kind, state, text, reason
        )

    answer = incident.answers.get(question.id)
    if answer is not None and answer.status is not AnswerStatus.ANSWERED:
        return view(answer.status.value, reason=answer.reason)
    if question.type is AnswerType.FUZZY_TIME:
        when = incident.milestones.get(question.milestone) if question.milestone else None
        if when is None:
            return view("open")
        text = time_view(when, clock, words).summary
        return view("answered", f"{text}\n\n{when.note}" if when.note else text)
    if answer is None or not has_value(question, answer.value, incident):
        return view("open")
    return view("answered", answer_text(question, answer).strip())


def _attributions(incident: Incident, words: Vocabulary) -> tuple[AttributionView, ...]:
    rows = []
    for category in ChangeCategory:
        found = incident.attributions.get(category)
        verdict = found.verdict.value if found else ""
        rows.append(
            AttributionView(
                category=category.value,
                label=words.change_labels[category],
                description=words.change_descriptions[category],
                verdict=verdict,
                verdict_label=words.verdict_labels[found.verdict] if found else "Not assessed",
                evidence=found.evidence if found else "",
            )
        )
    return tuple(rows)


def _section(section: Section, incident: Incident, clock: Clock, words: Vocabulary) -> SectionView:
    progress = section_progress(section, incident)
    if section.kind == "change_attribution":
        return SectionView(
            section.id,
            section.title,
            section.intro,
            section.kind,
            attributions=_attributions(incident, words),
            settled=progress.settled,
            total=progress.total,
        )
    return SectionView(
        section.id,
        section.title,
        section.intro,
        section.kind,
        answers=tuple(_question_answer(q, incident, clock, words) for q in section.questions),
        settled=progress.settled,
        total=progress.total,
    )


def _orphan(answer: Answer) -> AnswerView:
    state = answer.status.value
    text = answer_text(None, answer) if answer.status is AnswerStatus.ANSWERED else ""
    return AnswerView(answer.question_id, answer.question_id, False, "", state, text, answer.reason)


def _roles(incident: Incident, clock: Clock, words: Vocabulary) -> tuple[RoleView, ...]:
    from hindsight.core.enums import Role

    return tuple(
        RoleView(
            role=role.value,
            label=words.role_labels[role],
            description=words.role_descriptions[role],
            holders=tuple(
                HolderView(h.person, clock.text(h.start), clock.text(h.end), h.note)
                for h in incident.holders(role)
            ),
        )
        for role in Role
    )


def milestone_rows(incident: Incident, words: Vocabulary) -> list[Row]:
    """The milestones in phase order, labelled, for the timeline picture."""
    return [
        Row(words.milestone_labels[p] or words.phase_labels[p], incident.milestones[p])
        for p in MILESTONE_KINDS
        if p in incident.milestones
    ]


def _order_issue_text(issue: Any, words: Vocabulary) -> str:
    earlier, later = words.milestone_labels[issue.earlier], words.milestone_labels[issue.later]
    if issue.problem.value == "impossible":
        return f"{later} is placed entirely before {earlier}, which cannot be."
    return f"The best guess for {later} is before the one for {earlier}."


def _safe_url(url: str) -> str:
    lowered = url.strip().lower()
    return url.strip() if lowered.startswith(("http://", "https://")) else ""


def followups_view(
    items: Sequence[FollowUp],
    sources: Sources,
    clock: Clock,
    titles: dict[int, str],
) -> FollowUpsView:
    """Items ranked by the follow-ups feature's rule, in tactical, strategic, closed groups."""
    ranked = sources.followup_ranking(list(items)) if sources.followup_ranking else []
    report = None
    if sources.followup_attention is not None:
        try:
            report = sources.followup_attention(list(items), clock.today)
        except Exception:  # attention is a nicety; never fail an export over it
            log.exception("follow-up attention rules failed during export")
    groups: dict[str, list[FollowUpView]] = {"tactical": [], "strategic": [], "closed": []}
    for entry in ranked:
        item: FollowUp = entry.item
        attention = tuple(f.reason for f in report.of(item.id)) if report is not None else ()
        view = FollowUpView(
            rank=entry.label,
            title=item.title,
            description=item.description,
            owner=item.owner,
            due=item.due.isoformat() if item.due else "",
            status=item.status.value,
            status_label=item.status.label,
            status_since=item.status_since.isoformat() if item.status_since else "",
            priority_label=item.priority.label,
            kind_label=item.kind.label,
            value=item.value,
            feasibility=item.feasibility,
            region=entry.region.name,
            strategic=entry.region.strategic,
            closed=item.is_closed,
            incident_key=item.incident_key,
            incident_title=titles.get(item.incident_id, ""),
            tracker_url=_safe_url(item.tracker_url),
            next_senior_review=item.next_senior_review.isoformat()
            if item.next_senior_review
            else "",
            speeds_troubleshooting=item.speeds_troubleshooting,
            attention=attention,
        )
        groups[entry.group.name.lower()].append(view)
    picture = None
    if sources.pictures and sources.grid_picture is not None and items:
        try:
            picture = sources.grid_picture(list(items))
        except Exception:  # a picture is a nicety; the ranked list carries the content
            log.exception("drawing the follow-up grid failed during export")
    return FollowUpsView(
        tuple(groups["tactical"]), tuple(groups["strategic"]), tuple(groups["closed"]), picture
    )


def incident_view(incident: Incident, sources: Sources, clock: Clock) -> IncidentView:
    """Everything about one incident, worded for a document."""
    words = vocabulary()
    bank = sources.bank
    durations = headline_durations(incident.milestones)
    rows = milestone_rows(incident, words)
    picture: Picture | None = None
    if sources.pictures:
        picture = render_timeline(rows, clock.zone_for_pictures)
    published = next(
        (t.at for t in reversed(sources.transitions) if t.to_status is ReviewStatus.PUBLISHED),
        None,
    )
    followups = None
    if sources.followups is not None:
        followups = followups_view(
            sources.followups, sources, clock, {incident.id or 0: incident.title}
        )
    return IncidentView(
        key=incident.key,
        title=incident.title,
        summary=incident.summary,
        severity=incident.severity.value,
        severity_definition=words.severity_definitions[incident.severity],
        phase=incident.phase.value,
        phase_label=words.phase_labels[incident.phase],
        review_status=incident.review_status.value,
        review_status_label=words.review_status_labels[incident.review_status],
        review_progress=incident.review_progress,
        published_at=clock.text(published)
        if incident.review_status is ReviewStatus.PUBLISHED
        else "",
        created=clock.text(incident.created_at),
        updated=clock.text(incident.updated_at),
        systems=tuple(incident.systems),
        models=tuple(incident.models),
        tags=tuple(incident.tags),
        milestones=tuple(
            MilestoneView(
                p.value,
                words.milestone_labels[p] or words.phase_labels[p],
                words.phase_labels[p],
                time_view(incident.milestones[p], clock, words),
            )
            for p in MILESTONE_KINDS
            if p in incident.milestones
        ),
        durations=tuple(
            DurationView(key, DURATION_LABELS[key], span.describe(), span.is_exact)
            for key, span in durations.items()
            if span is not None
        ),
        order_issues=tuple(_order_issue_text(i, words) for i in incident.order_issues()),
        timeline=tuple(
            EventView(
                time_view(e.when, clock, words),
                e.phase.value,
                words.phase_labels[e.phase],
                words.source_labels[e.source],
                e.text,
            )
            for e in incident.sorted_events()
        ),
        roles=_roles(incident, clock, words),
        teams=tuple(TeamView(t.team, t.part) for t in incident.teams),
        sections=tuple(_section(s, incident, clock, words) for s in bank.sections),
        other_answers=tuple(_orphan(a) for a in orphaned_answers(bank, incident)),
        history=tuple(
            TransitionView(
                clock.text(t.at),
                words.review_status_labels[t.from_status],
                words.review_status_labels[t.to_status],
                t.reason,
            )
            for t in sources.transitions
        ),
        bank_name=bank.name,
        bank_version=bank.version,
        followups=followups,
        privacy=sources.privacy,
        timeline_picture=picture,
        text_timeline=text_timeline(rows, clock.zone_for_pictures),
    )


def incident_document(
    incident: Incident, sources: Sources, clock: Clock, template: str, redacted: int = 0
) -> DocumentView:
    """The document of one incident."""
    view = incident_view(incident, sources, clock)
    return DocumentView(
        scope="incident",
        template=template,
        generated_at=clock.text(clock.now),
        generator=f"Hindsight {__version__}",
        timezone_label=clock.label,
        incident=view,
        followups=view.followups,
        redacted=redacted,
    )


def portfolio_document(
    incidents: Iterable[Incident],
    items: Sequence[FollowUp],
    sources: Sources,
    clock: Clock,
    template: str,
    redacted: int = 0,
) -> DocumentView:
    """The document across all incidents: their follow-up items in one ranked list."""
    words = vocabulary()
    listed = list(incidents)
    titles = {i.id or 0: i.title for i in listed}
    return DocumentView(
        scope="all",
        template=template,
        generated_at=clock.text(clock.now),
        generator=f"Hindsight {__version__}",
        timezone_label=clock.label,
        incidents=tuple(
            IncidentLine(
                i.key,
                i.title,
                i.severity.value,
                words.phase_labels[i.phase],
                words.review_status_labels[i.review_status],
            )
            for i in listed
        ),
        followups=followups_view(items, sources, clock, titles)
        if sources.followup_ranking is not None
        else None,
        redacted=redacted,
    )


# -- what this Hindsight has: the one place that asks ------------------------------------------


def sources_from_workspace(
    workspace: Any, incident: Incident | None, clock: Clock, *, pictures: bool = True
) -> Sources:
    """What the workspace knows about `incident` (or about all incidents, for None).

    Follow-ups and the privacy record are included when the workspace has those services.
    """
    bank: QuestionBank = workspace.review.bank
    sources = Sources(bank=bank, pictures=pictures)
    if incident is not None and incident.id is not None:
        sources.transitions = workspace.review.history(incident.id)
    followups = getattr(workspace, "followups", None)
    if followups is not None:
        from hindsight.core.followup_attention import assess
        from hindsight.core.followup_ranking import rank

        incident_id = incident.id if incident is not None else None
        sources.followups = followups.items(incident_id)
        sources.followup_ranking = lambda items: rank(items, followups.regions)

        def attention(items: list[FollowUp], today: date) -> Any:
            # The export's own day, so a document made with a fixed clock is reproducible.
            return assess(
                items,
                regions=followups.regions,
                published=followups.published_dates(),
                settings=followups.settings(),
                today=today,
            )

        sources.followup_attention = attention
        sources.grid_picture = grid_picture_renderer(followups, attention, clock)
    privacy = getattr(workspace, "privacy", None)
    if privacy is not None and incident is not None and incident.id is not None:
        sources.privacy = privacy_view(privacy, incident.id, clock)
    return sources


def grid_picture_renderer(followups: Any, attention: Any, clock: Clock) -> Any:
    """Draws the follow-up grid with the follow-ups feature's renderer, when it has one."""
    try:
        from hindsight.export.grid.render import grid_image
    except ImportError:
        return None

    def draw(items: list[FollowUp]) -> Picture | None:
        stored = [item for item in items if item.id is not None]
        if not stored:
            return None
        ensure_gui_application()
        image = grid_image(stored, followups.regions, attention(stored, clock.today), scale=2)
        if image.isNull():
            return None
        return Picture(
            name="followup-grid",
            alt="Follow-up items on the value and feasibility grid.",
            png=png_bytes(image),
            width=image.width() // 2,
            height=image.height() // 2,
        )

    return draw


def privacy_view(privacy: Any, incident_id: int, clock: Clock) -> PrivacyView | None:
    """The privacy and ethics record of an incident, as the privacy feature keeps it."""
    from hindsight.core.privacy import (
        CHOICE_LABELS,
        FLAG_LABELS,
        access_flags,
        categories_text,
    )

    accesses = []
    for access in privacy.accesses(incident_id):
        details = access.details
        copies = []
        for copy in details.copies:
            if copy.deleted:
                state = f"deleted {clock.text(copy.deleted_at)} by {copy.deleted_by}"
            elif copy.delete_by:
                state = f"to delete by {copy.delete_by.isoformat()}"
            else:
                state = "no delete-by date"
            copies.append(f"{copy.location} ({state})")
        volume = f"{details.volume:,} {details.volume_unit.value}" if details.volume else ""
        accesses.append(
            PrivacyAccessView(
                label=access.label,
                accessor=details.accessor,
                accessed_at=clock.text(details.accessed_at),
                dataset=details.dataset,
                categories=categories_text(details.categories),
                personal=details.personal,
                volume=volume,
                justification=details.justification,
                approver=details.approver,
                privacy_consulted=details.privacy_consulted,
                copies=tuple(copies),
                flags=tuple(FLAG_LABELS[f] for f in access_flags(details, clock.today)),
            )
        )
    answers = privacy.ethics_answers(incident_id)
    ethics = []
    for part in privacy.checklist.parts:
        for item in part.items:
            found = answers.get(item.id)
            choice = CHOICE_LABELS[found.choice] if found and found.choice else "Not answered"
            ethics.append(
                EthicsAnswerView(part.title, item.prompt, choice, found.note if found else "")
            )
    return PrivacyView(tuple(accesses), tuple(ethics))
