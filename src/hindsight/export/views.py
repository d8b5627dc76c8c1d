"""The document model templates see: plain values, already worded and formatted.

Templates stay simple when every date is already text in the chosen time zone, every code
already has its label, and every optional part is either there or None. Free text written by
authors stays raw here; the templates pass it through the filters of safe_text.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture to embed: as a data: URI in HTML; in the PDF, an image resource, or, for
    SVG (the insights report's charts), a vector drawing painted where the image stands."""

    name: str
    alt: str
    png: bytes  # the picture's bytes: PNG, or JPEG or SVG when media_type says so
    width: int  # CSS pixels the picture is meant to be shown at
    height: int
    media_type: str = "image/png"
    caption: str = ""  # the author's words under an attached picture (plain text)

    @property
    def data_uri(self) -> str:
        """The picture inline, for `<img src=...>`."""
        return f"data:{self.media_type};base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True, slots=True)
class TimeView:
    """A fuzzy time in words: best guess, range, width, confidence and the author's note."""

    best: str
    earliest: str
    latest: str
    exact: bool
    range: str  # "2026-02-23 00:00 – 2026-03-02 00:00", or the instant when exact
    width: str  # "6 d", "" when exact
    confidence: str
    note: str
    by_day: bool = False  # known only to the day: best, earliest and latest are days
    single_day: bool = False  # known to one day: no range to show

    @property
    def summary(self) -> str:
        """One line: the best guess, and its range when there is one."""
        if self.exact or self.single_day:
            return self.best
        return f"{self.best} (between {self.earliest} and {self.latest})"


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """One milestone of the incident (or a response moment: acknowledged, declared ...)."""

    phase: str
    label: str
    phase_label: str
    time: TimeView
    derived: bool = False  # worked out from the contributing factors, not set by the author


@dataclass(frozen=True, slots=True)
class DurationView:
    """A headline duration (time to detect, mitigate, resolve) as a range."""

    key: str
    label: str
    text: str
    exact: bool


@dataclass(frozen=True, slots=True)
class ImpactView:
    """One impact measure, worded."""

    measure: str
    value: str  # "1.21 billion queries", "25–35% (best 30%)", "" when there is no number
    slice: str
    source: str
    note: str
    text: str  # everything on one line


@dataclass(frozen=True, slots=True)
class FactorView:
    """One contributing factor: its trigger, what it implicates, whom it hurt, its dates."""

    title: str
    description: str  # Markdown
    trigger: str  # the trigger kind's label, "" when not said
    implicated: tuple[str, ...]  # labels of the kinds of change it implicates
    scope: str
    dates: tuple[tuple[str, TimeView], ...]  # (began | detected | ..., time), in order
    durations: tuple[DurationView, ...]


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """A link to something outside Hindsight: a dashboard, a ticket, the original write-up."""

    kind: str
    kind_label: str
    label: str
    target: str  # as written: an address or a tracker reference
    url: str  # the address it leads to ("" when it leads nowhere: plain text)
    note: str


@dataclass(frozen=True, slots=True)
class IncidentLinkView:
    """A link to another incident, read from this one: "Recurrence of HS-4"."""

    kind: str  # same_cause | recurrence | part_of
    phrase: str  # how it reads from this incident, e.g. "Recurred as"
    key: str  # the other incident's key
    title: str  # the other incident's title
    note: str


@dataclass(frozen=True, slots=True)
class EventView:
    """One entry of the timeline."""

    time: TimeView
    phase: str
    phase_label: str
    source_label: str
    text: str  # Markdown


@dataclass(frozen=True, slots=True)
class HolderView:
    """A person holding a response role for a while."""

    person: str
    start: str
    end: str
    note: str


@dataclass(frozen=True, slots=True)
class RoleView:
    """One response role and everyone who held it."""

    role: str
    label: str
    description: str
    holders: tuple[HolderView, ...]
    command: bool = True  # one of the four roles every response must fill


@dataclass(frozen=True, slots=True)
class TeamView:
    """A team drawn into the response."""

    team: str
    part: str


@dataclass(frozen=True, slots=True)
class AnswerView:
    """One question of the review and its answer.

    `state` is "answered", "not_applicable", "unknown" or "open" (nothing recorded yet).
    `text` is the answer as Markdown (answer_text for structured answers); `reason` explains
    a not-applicable or unknown answer.
    """

    question_id: str
    prompt: str
    required: bool
    kind: str
    state: str
    text: str
    reason: str = ""

    @property
    def answered(self) -> bool:
        """True when there is a real answer."""
        return self.state == "answered"

    @property
    def state_label(self) -> str:
        """'Not applicable', 'Unknown', 'Not answered yet', or '' for an answer."""
        return {
            "not_applicable": "Not applicable",
            "unknown": "Unknown",
            "open": "Not answered yet",
        }.get(self.state, "")


@dataclass(frozen=True, slots=True)
class AttributionView:
    """One kind of change and the review's verdict on it."""

    category: str
    label: str
    description: str
    verdict: str  # implicated | ruled_out | unknown | "" when not assessed yet
    verdict_label: str
    evidence: str  # Markdown


@dataclass(frozen=True, slots=True)
class SectionView:
    """One step of the review with its questions (or the change-attribution table)."""

    id: str
    title: str
    intro: str
    kind: str  # "questions" | "change_attribution"
    answers: tuple[AnswerView, ...] = ()
    attributions: tuple[AttributionView, ...] = ()
    settled: int = 0
    total: int = 0

    @property
    def complete(self) -> bool:
        """Every question (or kind of change) is settled."""
        return self.settled == self.total


@dataclass(frozen=True, slots=True)
class TransitionView:
    """A recorded change of the review's status."""

    at: str
    from_label: str
    to_label: str
    reason: str


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """One follow-up item in its ranked place."""

    rank: str  # "3", "S1", or "" for closed items
    title: str
    description: str  # Markdown
    owner: str
    due: str
    status: str
    status_label: str
    status_since: str
    priority_label: str
    kind_label: str
    value: int
    feasibility: int
    region: str
    strategic: bool
    closed: bool
    incident_key: str
    incident_title: str
    tracker: str  # as written: an address or a tracker reference ("PROJ-42")
    tracker_url: str  # where it leads: only http(s) links survive ("" for plain text)
    next_senior_review: str
    speeds_troubleshooting: bool
    attention: tuple[str, ...] = ()
    action_type_label: str = ""  # Mitigate, Prevent, Process, Investigate, Other; "" unsaid


@dataclass(frozen=True, slots=True)
class FollowUpsView:
    """Follow-up items ranked by the ranking rule, in its three groups."""

    tactical: tuple[FollowUpView, ...]
    strategic: tuple[FollowUpView, ...]
    closed: tuple[FollowUpView, ...]
    picture: Picture | None = None

    @property
    def open(self) -> tuple[FollowUpView, ...]:
        """Tactical then strategic items: everything still to do, in ranked order."""
        return self.tactical + self.strategic

    @property
    def total(self) -> int:
        """Every item, open or closed."""
        return len(self.tactical) + len(self.strategic) + len(self.closed)

    def top(self, count: int = 5) -> tuple[FollowUpView, ...]:
        """The first `count` tactical items (strategic ones are never ranked against them)."""
        return self.tactical[:count]


@dataclass(frozen=True, slots=True)
class PrivacyAccessView:
    """One recorded access to data during the response."""

    label: str
    accessor: str
    accessed_at: str
    dataset: str
    categories: str
    personal: bool
    volume: str
    justification: str
    approver: str
    privacy_consulted: bool | None  # None: nobody recorded whether it was
    copies: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def consultation(self) -> str:
        """What is known of the privacy team's part, never more than was recorded."""
        if self.privacy_consulted is None:
            return "not recorded whether the privacy team was consulted"
        return "privacy team consulted" if self.privacy_consulted else "privacy team not consulted"


@dataclass(frozen=True, slots=True)
class EthicsAnswerView:
    """One item of the ethics checklist and its answer."""

    part: str
    prompt: str
    answer: str
    note: str  # Markdown


@dataclass(frozen=True, slots=True)
class PrivacyView:
    """The privacy and ethics record of the incident, as far as it exists."""

    accesses: tuple[PrivacyAccessView, ...] = ()
    ethics: tuple[EthicsAnswerView, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def personal_accesses(self) -> int:
        """How many accesses touched personal data."""
        return sum(1 for a in self.accesses if a.personal)


@dataclass(frozen=True, slots=True)
class IncidentView:
    """Everything a template may show about one incident."""

    key: str
    title: str
    summary: str  # Markdown
    severity: str
    severity_definition: str
    phase: str
    phase_label: str
    review_status: str
    review_status_label: str
    review_progress: int
    published_at: str
    created: str
    updated: str
    systems: tuple[str, ...]
    models: tuple[str, ...]
    tags: tuple[str, ...]
    milestones: tuple[MilestoneView, ...]
    durations: tuple[DurationView, ...]
    order_issues: tuple[str, ...]
    timeline: tuple[EventView, ...]
    roles: tuple[RoleView, ...]
    teams: tuple[TeamView, ...]
    sections: tuple[SectionView, ...]
    other_answers: tuple[AnswerView, ...]
    history: tuple[TransitionView, ...]
    bank_name: str
    bank_version: str
    followups: FollowUpsView | None = None
    privacy: PrivacyView | None = None
    timeline_picture: Picture | None = None
    text_timeline: str = ""  # the milestone ranges drawn in characters, for Markdown
    markers: tuple[MilestoneView, ...] = ()  # acknowledged, declared, first public notice ...
    impacts: tuple[ImpactView, ...] = ()
    factors: tuple[FactorView, ...] = ()
    references: tuple[ReferenceView, ...] = ()
    links: tuple[IncidentLinkView, ...] = ()  # to other incidents: same cause, recurrence ...
    attachments: tuple[Picture, ...] = ()  # pictures the author attached (not in Markdown)
    attachment_names: tuple[tuple[str, str], ...] = ()  # (file name, caption) of each
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    external_id: str = ""
    historical: bool = False  # written and published outside Hindsight, brought in as it was
    # What the record leaves out, said once (the compact template lists it instead of one
    # "not answered" row per item).
    not_recorded: tuple[str, ...] = ()

    def section(self, section_id: str) -> SectionView | None:
        """The review section `section_id`, if the bank in use has it."""
        return next((s for s in self.sections if s.id == section_id), None)

    def answer(self, question_id: str) -> AnswerView | None:
        """The question `question_id` and its answer, if the bank in use has it."""
        for section in self.sections:
            for answer in section.answers:
                if answer.question_id == question_id:
                    return answer
        return None

    def milestone(self, phase: str) -> MilestoneView | None:
        """The milestone of `phase`, if recorded."""
        return next((m for m in self.milestones if m.phase == phase), None)

    @property
    def attribution_section(self) -> SectionView | None:
        """The change-attribution section."""
        return next((s for s in self.sections if s.kind == "change_attribution"), None)

    @property
    def pictures(self) -> tuple[Picture, ...]:
        """Every picture the document may embed."""
        found = [self.timeline_picture, *self.attachments]
        if self.followups is not None:
            found.append(self.followups.picture)
        return tuple(p for p in found if p is not None)

    @property
    def command_roles(self) -> tuple[RoleView, ...]:
        """The four roles every response fills, held or not."""
        return tuple(r for r in self.roles if r.command)

    @property
    def other_responders(self) -> tuple[RoleView, ...]:
        """Other responder roles that someone held (on-call, subject experts ...)."""
        return tuple(r for r in self.roles if not r.command and r.holders)


@dataclass(frozen=True, slots=True)
class IncidentLine:
    """One incident in a list across incidents."""

    key: str
    title: str
    severity: str
    phase_label: str
    review_status_label: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    """What a template renders: one incident, or (scope "all") the follow-ups of all."""

    scope: str  # "incident" | "all"
    template: str
    generated_at: str
    generator: str
    timezone_label: str
    incident: IncidentView | None = None
    incidents: tuple[IncidentLine, ...] = ()
    followups: FollowUpsView | None = None  # the same as incident.followups for one incident
    redacted: int = 0  # how many pieces of personal data were redacted in this document
    notes: tuple[str, ...] = field(default=())

    @property
    def pictures(self) -> tuple[Picture, ...]:
        """Every picture the document may embed."""
        if self.incident is not None:
            return self.incident.pictures
        if self.followups is not None and self.followups.picture is not None:
            return (self.followups.picture,)
        return ()

    @property
    def title(self) -> str:
        """The document's title, for the PDF's metadata and the HTML <title>."""
        if self.incident is not None:
            return f"{self.incident.key}: {self.incident.title}"
        return "Follow-up report: all incidents"
