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
from hindsight.core.enums import COMMAND_ROLES, MILESTONE_KINDS, Marker
from hindsight.core.factors import FactorDate
from hindsight.core.followups import FollowUp
from hindsight.core.fuzzy_time import (
    DurationRange,
    FuzzyTime,
    day_text,
    days_text,
    format_duration,
    headline_durations,
)
from hindsight.core.incident import Incident
from hindsight.core.references import TrackerPattern, link_for
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    AnswerType,
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
    FactorView,
    FollowUpsView,
    FollowUpView,
    HolderView,
    ImpactView,
    IncidentLine,
    IncidentLinkView,
    IncidentView,
    MilestoneView,
    Picture,
    PrivacyAccessView,
    PrivacyView,
    ReferenceView,
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
    attachments: list[Any] = field(default_factory=list)  # the incident's attached pictures
    tracker_patterns: list[TrackerPattern] = field(default_factory=list)
    ethics_open: int | None = None  # required ethics items still open (None: no checklist)
    links: list[Any] = field(default_factory=list)  # LinkedIncident: links to other incidents


def time_view(when: FuzzyTime, clock: Clock, words: Vocabulary) -> TimeView:
    """A fuzzy time in the document's words and zone (a day-precise one in days, as written)."""
    if when.by_day:
        first, last = when.first_day, when.last_day
        days = (last - first).days + 1
        return TimeView(
            best=day_text(when.best_day),
            earliest=day_text(first),
            latest=day_text(last),
            exact=False,
            range=days_text(when).split(" (best")[0],
            width="" if days == 1 else f"{days} days",
            confidence=words.confidence_labels[when.confidence],
            note=when.note,
            by_day=True,
            single_day=days == 1,
        )
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
        milestones = incident.effective_milestones()
        when = milestones.get(question.milestone) if question.milestone else None
        if when is None:
            return view("open")
        text = time_view(when, clock, words).summary
        return view("answered", f"{text}\n\n{when.note}" if when.note else text)
    if answer is None or not has_value(question, answer.value, incident):
        return view("open")
    return view("answered", answer_text(question, answer).strip())


def _attributions(
    section: Section, incident: Incident, words: Vocabulary
) -> tuple[AttributionView, ...]:
    rows = []
    kinds = list(section.change_kinds)
    asked = {k.id for k in kinds}
    # Verdicts on kinds this bank does not ask about (an earlier bank's) are kept and shown.
    extra = [c for c in sorted(incident.attributions) if c not in asked]
    for code, label, description in [
        *((k.id, k.label, k.description) for k in kinds),
        *((c, words.change_label(c), "") for c in extra),
    ]:
        found = incident.attributions.get(code)
        verdict = found.verdict.value if found else ""
        rows.append(
            AttributionView(
                category=code,
                label=label,
                description=description,
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
            attributions=_attributions(section, incident, words),
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
            command=role in COMMAND_ROLES,
        )
        for role in Role
    )


def milestone_rows(incident: Incident, words: Vocabulary) -> list[Row]:
    """The milestones in phase order, labelled, for the timeline picture (those the factors
    date included)."""
    milestones = incident.effective_milestones()
    return [
        Row(words.milestone_labels[p] or words.phase_labels[p], milestones[p])
        for p in MILESTONE_KINDS
        if p in milestones
    ]


def _order_issue_text(issue: Any, words: Vocabulary) -> str:
    earlier, later = words.moment_label(issue.earlier), words.moment_label(issue.later)
    if issue.problem.value == "impossible":
        return f"{later} is placed entirely before {earlier}, which cannot be."
    return f"The best guess for {later} is before the one for {earlier}."


def _safe_url(url: str, patterns: Sequence[TrackerPattern] = ()) -> str:
    """Where a link or tracker reference leads: only http(s) addresses ('' for text)."""
    return link_for(url, patterns)


def _durations(spans: dict[str, DurationRange | None]) -> tuple[DurationView, ...]:
    return tuple(
        DurationView(key, DURATION_LABELS[key], span.describe(), span.is_exact)
        for key, span in spans.items()
        if span is not None
    )


def impact_views(incident: Incident) -> tuple[ImpactView, ...]:
    """The incident's impact measures, worded."""
    return tuple(
        ImpactView(m.measure, m.value_text(), m.slice, m.source, m.note, m.text())
        for m in incident.impacts
    )


def factor_views(
    incident: Incident, bank: QuestionBank, clock: Clock, words: Vocabulary
) -> tuple[FactorView, ...]:
    """The contributing factors, worded, each with its own durations."""
    trigger = bank.question("trigger.kind")
    views = []
    for factor in incident.factors:
        label = ""
        if factor.trigger_kind:
            label = trigger.option_label(factor.trigger_kind) if trigger else factor.trigger_kind
        views.append(
            FactorView(
                title=factor.title,
                description=factor.description,
                trigger=label,
                implicated=tuple(bank.change_label(c) for c in factor.implicated),
                scope=factor.scope,
                dates=tuple(
                    (moment.label, time_view(factor.dates[moment], clock, words))
                    for moment in FactorDate
                    if moment in factor.dates
                ),
                durations=_durations(factor.durations()),
            )
        )
    return tuple(views)


def reference_views(
    incident: Incident, patterns: Sequence[TrackerPattern]
) -> tuple[ReferenceView, ...]:
    """The incident's links, each with the address it leads to (if any)."""
    return tuple(
        ReferenceView(
            r.kind.value, r.kind.label, r.label, r.target, link_for(r.target, patterns), r.note
        )
        for r in incident.references
    )


def link_views(links: Sequence[Any]) -> tuple[IncidentLinkView, ...]:
    """The incident's links to other incidents, each read from its side."""
    return tuple(
        IncidentLinkView(link.kind.value, link.phrase, link.key, link.title, link.note)
        for link in links
    )


def attachment_pictures(attachments: Sequence[Any]) -> tuple[Picture, ...]:
    """Attached pictures, ready to embed (shown at most 640 pixels wide)."""
    pictures = []
    for index, item in enumerate(attachments):
        width, height = item.width or 640, item.height or 480
        scale = min(1.0, 640 / width)
        pictures.append(
            Picture(
                name=f"attachment-{index + 1}",
                alt=item.caption or item.name,
                png=item.data,
                width=max(1, round(width * scale)),
                height=max(1, round(height * scale)),
                media_type=item.media_type,
                caption=item.caption,
            )
        )
    return tuple(pictures)


def not_recorded(
    incident: Incident, sections: Sequence[SectionView], roles: Sequence[RoleView], sources: Any
) -> tuple[str, ...]:
    """What the record leaves out, one line per kind of thing, for a compact document."""
    words = vocabulary()
    lines = []
    open_questions = [(s.title, a.prompt) for s in sections for a in s.answers if a.state == "open"]
    if open_questions:
        by_section: dict[str, int] = {}
        for title, _ in open_questions:
            by_section[title] = by_section.get(title, 0) + 1
        parts = ", ".join(f"{title} ({count})" for title, count in by_section.items())
        count = len(open_questions)
        lines.append(f"{count} review question{'s' if count != 1 else ''}: {parts}")
    for section in sections:
        unassessed = [a.label for a in section.attributions if not a.verdict]
        if unassessed:
            lines.append(
                f"No verdict on {len(unassessed)} kinds of change: {', '.join(unassessed)}"
            )
    empty_roles = [r.label.lower() for r in roles if r.command and not r.holders]
    if empty_roles:
        lines.append("Who held these roles: " + ", ".join(empty_roles))
    milestones = incident.effective_milestones()
    missing = [words.moment_label(p).lower() for p in MILESTONE_KINDS if p not in milestones]
    if missing:
        lines.append("When these happened: " + ", ".join(missing))
    if not incident.events:
        lines.append("A timeline of what happened")
    if not incident.teams:
        lines.append("Which teams took part")
    if not incident.impacts:
        lines.append("Impact as numbers")
    if sources.ethics_open:
        lines.append(f"{sources.ethics_open} items of the ethics checklist")
    return tuple(lines)


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
            action_type_label=item.action_type.label if item.action_type else "",
            value=item.value,
            feasibility=item.feasibility,
            region=entry.region.name,
            strategic=entry.region.strategic,
            closed=item.is_closed,
            incident_key=item.incident_key,
            incident_title=titles.get(item.incident_id, ""),
            tracker=item.tracker,
            tracker_url=_safe_url(item.tracker, sources.tracker_patterns),
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
    milestones = incident.effective_milestones()
    durations = headline_durations(milestones)
    rows = milestone_rows(incident, words)
    picture: Picture | None = None
    if sources.pictures:
        picture = render_timeline(rows, clock.zone_for_pictures)
    published = next(
        (t.at for t in reversed(sources.transitions) if t.to_status is ReviewStatus.PUBLISHED),
        None,
    )
    roles = _roles(incident, clock, words)
    sections = tuple(_section(s, incident, clock, words) for s in bank.sections)
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
                time_view(milestones[p], clock, words),
                derived=p not in incident.milestones,
            )
            for p in MILESTONE_KINDS
            if p in milestones
        ),
        durations=_durations(durations),
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
        roles=roles,
        teams=tuple(TeamView(t.team, t.part) for t in incident.teams),
        sections=sections,
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
        markers=tuple(
            MilestoneView(
                m.value,
                words.marker_labels[m],
                words.marker_labels[m],
                time_view(incident.markers[m], clock, words),
            )
            for m in Marker
            if m in incident.markers
        ),
        impacts=impact_views(incident),
        factors=factor_views(incident, bank, clock, words),
        references=reference_views(incident, sources.tracker_patterns),
        links=link_views(sources.links),
        attachments=attachment_pictures(sources.attachments) if sources.pictures else (),
        attachment_names=tuple((a.name, a.caption) for a in sources.attachments),
        authors=tuple(incident.authors),
        reviewers=tuple(incident.reviewers),
        external_id=incident.external_id,
        historical=incident.historical,
        not_recorded=not_recorded(incident, sections, roles, sources),
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
        sources.ethics_open = len(privacy.open_required(incident.id))
    attachments = getattr(workspace, "attachments", None)
    if attachments is not None and incident is not None and incident.id is not None:
        sources.attachments = attachments.of_incident(incident.id)
    from hindsight.trackers import tracker_patterns

    sources.tracker_patterns = tracker_patterns()
    links = getattr(workspace, "links", None)
    if links is not None and incident is not None and incident.id is not None:
        sources.links = links.links(incident.id)
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
