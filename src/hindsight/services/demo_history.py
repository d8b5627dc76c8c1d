"""Generated history for the demo: about forty past incidents over two years, so the Insights
charts tell a story on first open.

Every generated incident is marked: its title starts with "[Generated]", it carries the tag
"generated-history", and its summary says it is generated. Its follow-up items are marked the
same way. The three reference incidents are untouched.

The history is the same every time (a fixed seed and fixed dates) and follows a plausible
arc: early on most incidents are found by users, customers or partners days after impact
began; as monitoring follow-ups ship, more are caught by monitors within hours. Monitoring
items are the ones that linger. Reviews go through the real publish gate: every required
question is answered (or marked unknown or not applicable with a reason) and the ethics
checklist is filled in before a review is published.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hindsight.core.enums import Confidence, Phase, Severity
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.core.privacy import EthicsChoice
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    AnswerType,
    Attribution,
    ChangeKind,
    ReviewStatus,
    Verdict,
)
from hindsight.review.bank import Question, QuestionBank
from hindsight.services.workspace import Workspace
from hindsight.vocabulary import vocabulary as _vocabulary

CHANGE_KINDS = [k.id for k in _vocabulary().change_kinds]

HISTORY_TAG = "generated-history"
TITLE_PREFIX = "[Generated] "
SEED = 20240201
COUNT = 40
FIRST = datetime(2024, 2, 5, 9, 0, tzinfo=UTC)
LAST = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
AUTHOR = "Generated history"

MODELS = ("search-ranker", "recs-two-tower", "partner-ads", "fraud-scorer", "eta-regressor",
          "demand-forecaster", "query-embedder", "size-recommender", "spam-filter")  # fmt: skip
SYSTEMS = ("feature store", "nightly training pipeline", "log feeders", "model registry",
           "online serving", "event stream", "partner data extraction", "vector index")  # fmt: skip
# trigger kind -> (weight, what happened, kinds of change implicated, extra teams)
TRIGGERS: dict[str, tuple[float, str, tuple[ChangeKind, ...], tuple[str, ...]]] = {
    "upstream_data": (
        0.30,
        "an upstream team changed a field the {system} joins on",
        ("data_schema", "training_data"),
        ("Data engineering",),
    ),
    "data_growth": (
        0.20,
        "traffic grew past what the {system} was sized for",
        ("pipeline_capacity",),
        ("SRE",),
    ),
    "code_config": (
        0.17,
        "a configuration push changed the serving thresholds of {model}",
        ("thresholds_config", "binaries"),
        ("SRE",),
    ),
    "infrastructure": (
        0.12,
        "a partial outage of the {system} left training without input",
        ("pipeline_capacity",),
        ("SRE",),
    ),
    "world": (
        0.13,
        "demand shifted suddenly (a season, a lost supplier) away from what {model} had learned",
        ("outside_world",),
        ("Retail", "Supply", "Finance"),
    ),
    "model_release": (
        0.05,
        "a new release of {model} regressed on a slice the offline evaluation did not cover",
        ("trained_model", "configured_model"),
        ("ML engineering",),
    ),
    "unknown": (0.03, "the trigger could not be established", (), ()),
}
TITLES = {
    "upstream_data": "{model} degraded after a field changed upstream of the {system}",
    "data_growth": "{system} overloaded by growth; {model} went stale",
    "code_config": "Configuration push moved the serving thresholds of {model}",
    "infrastructure": "{system} outage left {model} training without input",
    "world": "Demand shifted; {model} kept recommending what no longer sold",
    "model_release": "New {model} release regressed on a small slice",
    "unknown": "{model} quality dropped for reasons never found",
}
PEOPLE_SOURCES = {  # who found it, when monitoring did not; weights
    "end_users": 0.35,
    "customers_partners": 0.30,
    "internal_staff": 0.25,
    "support": 0.10,
}
SEVERITIES = {Severity.SEV1: 0.1, Severity.SEV2: 0.3, Severity.SEV3: 0.45, Severity.SEV4: 0.15}
FOLLOWUP_TITLES = {
    FollowUpKind.MONITORING: (
        "Alert on the age of the serving {model} model",
        "Alert when merged rows from the {system} drop to zero",
        "Alert when golden-set results for {model} stop changing",
        "Per-slice quality dashboard for {model}",
        "Alert on training progress against the nightly deadline",
    ),
    FollowUpKind.FIX: (
        "Resize the {system} for next year's traffic",
        "Roll back {model} automatically on a failed canary",
        "Fix the join on renamed keys in the {system}",
    ),
    FollowUpKind.DATA_PIPELINE: (
        "Data contract for the fields the {system} reads",
        "Validate label balance before publishing {model}",
    ),
    FollowUpKind.PROCESS: (
        "Announce upstream schema changes to model owners",
        "Runbook for rolling back {model}",
    ),
    FollowUpKind.TOOLING_OTHER_TEAM: ("Query replay tool for support",),
}
FOLLOWUP_KINDS = {
    FollowUpKind.MONITORING: 0.4,
    FollowUpKind.FIX: 0.3,
    FollowUpKind.DATA_PIPELINE: 0.15,
    FollowUpKind.PROCESS: 0.1,
    FollowUpKind.TOOLING_OTHER_TEAM: 0.05,
}
PRIORITIES = {Priority.HIGHEST: 0.2, Priority.HIGH: 0.35, Priority.MEDIUM: 0.3, Priority.LOW: 0.15}
ETHICS = {  # item id -> (choice, note); items not listed are answered No
    "impact.uneven_harm": (EthicsChoice.NO, "No slice stood out in the comparisons we could make."),
    "impact.assessment_recorded": (EthicsChoice.YES, "The breakdown is in the impact section."),
    "cause.responsible_ai_evaluation": (EthicsChoice.YES, "The model had a launch review."),
    "troubleshooting.minimal_access": (
        EthicsChoice.NOT_APPLICABLE,
        "No raw user data was looked at; aggregates were enough.",
    ),
    "troubleshooting.copies_deleted": (EthicsChoice.NOT_APPLICABLE, "No copies were made."),
    "call_to_action.changes_agreed": (EthicsChoice.YES, "See the follow-up items."),
    "call_to_action.disclosure": (EthicsChoice.YES, "The incident commander decided: none."),
}


@dataclass
class Story:
    """One generated incident and everything that goes with it."""

    incident: Incident
    status: ReviewStatus
    submitted: datetime | None
    published: datetime | None
    created: datetime
    followups: list[FollowUp] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict)


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    """A duration between `low` and `high` hours, spread evenly on a log scale."""
    return timedelta(hours=low * (high / low) ** rng.random())


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _around(rng: random.Random, best: datetime, before: timedelta, after: timedelta) -> FuzzyTime:
    confidence = Confidence.HIGH if before + after < timedelta(hours=2) else Confidence.MEDIUM
    return FuzzyTime(_minute(best - before), _minute(best + after), _minute(best), confidence, "")


class _Generator:
    def __init__(self, bank: QuestionBank) -> None:
        self.rng = random.Random(SEED)
        self.bank = bank

    def story(self, number: int) -> Story:
        rng = self.rng
        progress = number / (COUNT - 1)  # 0 for the oldest, 1 for the newest
        impact = FIRST + (LAST - FIRST) * progress + timedelta(hours=rng.uniform(-90, 90))
        impact = _minute(min(max(impact, FIRST), LAST))
        trigger = _pick(rng, {k: v[0] for k, v in TRIGGERS.items()})
        _, what, implicated, extra_teams = TRIGGERS[trigger]
        words = {"model": rng.choice(MODELS), "system": rng.choice(SYSTEMS)}
        monitored = rng.random() < 0.2 + 0.55 * progress
        source = "monitoring" if monitored else _pick(rng, PEOPLE_SOURCES)
        # People notice days later; monitors within hours, and both got faster over time.
        slow = 1.6 - progress
        detect_after = _hours(rng, 0.3, 10 * slow) if monitored else _hours(rng, 10, 200 * slow)
        width = _hours(rng, 0.2, 3) if monitored else _hours(rng, 6, 96)
        # Impact may have begun a while before its best guess, but not after detection.
        after = min(width * rng.random(), detect_after * 0.8)
        milestones = {
            Phase.OUTAGE_BEGINS: _around(rng, impact, width * rng.random(), after),
            Phase.DETECTION: _around(rng, impact + detect_after, timedelta(0), _hours(rng, 0.1, 2)),
        }
        detected = milestones[Phase.DETECTION].latest
        mitigated = detected + _hours(rng, 1, 72)
        has_mitigation = rng.random() > 0.15
        if has_mitigation:
            milestones[Phase.MITIGATION] = _around(rng, mitigated, timedelta(0), timedelta(0))
        resolved = mitigated + _hours(rng, 12, 240)
        recent = LAST - impact < timedelta(days=75)
        state = rng.random()
        if recent and state < 0.45:
            status, phase = (
                ReviewStatus.DRAFT,
                Phase.MITIGATION if has_mitigation else Phase.TROUBLESHOOTING,
            )
        else:
            milestones[Phase.RESOLUTION] = _around(
                rng, resolved, _hours(rng, 0.5, 24), _hours(rng, 0.5, 24)
            )
            if recent or state < 0.05:
                status, phase = ReviewStatus.IN_REVIEW, Phase.RESOLUTION
            else:
                status, phase = ReviewStatus.PUBLISHED, Phase.FOLLOW_UP
        submitted = published = None
        if status is not ReviewStatus.DRAFT:
            resolution_latest = milestones[Phase.RESOLUTION].latest
            submitted = resolution_latest + timedelta(days=rng.uniform(2, 12))
            if status is ReviewStatus.PUBLISHED:
                published = submitted + timedelta(days=rng.uniform(1, 4 + 25 * (1 - progress)))
        severity = _pick(rng, SEVERITIES)
        teams = ["SRE" if rng.random() < 0.5 else "ML engineering", *extra_teams]
        if not monitored:
            teams += rng.sample(["Support", "Product", "Partners", "PR"], rng.randint(1, 2))
        teams += rng.sample(["Data engineering", "Product", "Finance", "Legal"], rng.randint(0, 2))
        what_text = what.format(**words)
        title = TITLE_PREFIX + TITLES[trigger].format(**words)
        incident = Incident(
            title=title,
            summary=(
                f"*Generated history: an invented incident that gives the Insights view "
                f"something to show; it did not happen.* Quality of `{words['model']}` fell "
                f"after {what_text}."
            ),
            severity=severity,
            phase=phase,
            systems=[words["system"]],
            models=[words["model"]],
            tags=[HISTORY_TAG, trigger.replace("_", "-")],
            milestones=milestones,
            teams=[TeamInvolvement(t, "Generated history.") for t in dict.fromkeys(teams)],
            impacts=_impacts(number, severity, trigger, words, (detected - impact)),
        )
        if status is not ReviewStatus.DRAFT or rng.random() < 0.5:
            incident.answers = self.answers(incident, trigger, source, has_mitigation, words)
            incident.attributions = self.attributions(trigger, implicated)
        story = Story(
            incident, status, submitted, published, _minute(detected + timedelta(hours=1))
        )
        story.words = words
        if status is ReviewStatus.PUBLISHED and published is not None:
            story.followups = self.followups(published.date(), words, progress)
        return story

    def answers(
        self,
        incident: Incident,
        trigger: str,
        source: str,
        has_mitigation: bool,
        words: dict[str, str],
    ) -> dict[str, Answer]:
        rng = self.rng
        version = self.bank.version
        found: dict[str, Answer] = {}

        def answer(question: Question, value: Any) -> None:
            found[question.id] = Answer(question.id, AnswerStatus.ANSWERED, value, "", version)

        def left(question: Question, status: AnswerStatus, reason: str) -> None:
            found[question.id] = Answer(question.id, status, None, reason, version)

        for question in self.bank.questions:
            if question.id == "trigger.kind":
                answer(question, trigger)
            elif question.id == "detection.source":
                answer(question, source)
            elif question.id == "impact.hidden_slices" and rng.random() < 0.45:
                left(question, AnswerStatus.UNKNOWN, "No per-slice metrics existed at the time.")
            elif question.id == "impact.business" and rng.random() < 0.25:
                left(question, AnswerStatus.UNKNOWN, "Finance could not separate it from season.")
            elif question.id == "mitigation.non_ml" and rng.random() < 0.2:
                left(question, AnswerStatus.NOT_APPLICABLE, "The ML mitigation was enough.")
            elif question.type is AnswerType.FUZZY_TIME:
                if question.milestone and question.milestone not in incident.milestones:
                    left(question, AnswerStatus.NOT_APPLICABLE, "No mitigation existed.")
            elif question.required:
                answer(question, self._value(question, words))
        if not has_mitigation and "mitigation.what" in found:
            found["mitigation.what"] = Answer(
                "mitigation.what",
                AnswerStatus.ANSWERED,
                "Nothing could be done quickly; no older model or fallback was usable.",
                "",
                version,
            )
        return found

    def _value(self, question: Question, words: dict[str, str]) -> Any:
        rng = self.rng
        kind = question.type
        if kind is AnswerType.SINGLE_CHOICE:
            return rng.choice(question.options).id if question.options else "unknown"
        if kind is AnswerType.MULTIPLE_CHOICE:
            options = [o.id for o in question.options]
            return rng.sample(options, min(len(options), rng.randint(1, 2))) if options else []
        if kind is AnswerType.SCALE:
            return rng.randint(2, 4)
        if kind is AnswerType.YES_NO_UNKNOWN:
            return {"choice": rng.choice(("yes", "no")), "evidence": "Generated history."}
        if kind is AnswerType.PEOPLE:
            return ["SRE", "ML engineering"]
        if kind is AnswerType.ITEMS:
            first = question.fields[0].id if question.fields else "item"
            return [{first: f"Generated history: a hypothesis about the {words['system']}."}]
        return (
            f"Generated history. In this invented incident the answer concerned "
            f"`{words['model']}` and the {words['system']}."
        )

    def attributions(
        self, trigger: str, implicated: tuple[ChangeKind, ...]
    ) -> dict[ChangeKind, Attribution]:
        made: dict[ChangeKind, Attribution] = {}
        for category in CHANGE_KINDS:
            if category in implicated:
                verdict = Verdict.IMPLICATED
            elif category == "nothing_found":
                verdict = Verdict.IMPLICATED if trigger == "unknown" else Verdict.RULED_OUT
            else:
                verdict = Verdict.UNKNOWN if self.rng.random() < 0.2 else Verdict.RULED_OUT
            made[category] = Attribution(category, verdict, "Generated history.")
        return made

    def followups(self, start: date, words: dict[str, str], progress: float) -> list[FollowUp]:
        rng = self.rng
        items: list[FollowUp] = []
        for _ in range(rng.randint(2, 4)):
            kind = _pick(rng, FOLLOWUP_KINDS)
            opened = start + timedelta(days=rng.randint(0, 3))
            steps = self._steps(kind, opened, progress)
            due = opened + timedelta(days=rng.choice((30, 60, 90)))
            title = rng.choice(FOLLOWUP_TITLES[kind]).format(**words)
            items.append(
                FollowUp(
                    title=f"{TITLE_PREFIX}{title}",
                    incident_id=0,
                    description="Generated history: an invented follow-up item.",
                    owner=rng.choice(("SRE", "ML engineering", "Data engineering", "")),
                    due=due if rng.random() < 0.6 else None,
                    history=steps,
                    priority=_pick(rng, PRIORITIES),
                    kind=kind,
                    value=rng.randint(2, 5),
                    feasibility=rng.randint(1, 5),
                    speeds_troubleshooting=kind is FollowUpKind.MONITORING,
                    created_at=datetime.combine(opened, time(15, 0), UTC),
                    updated_at=datetime.combine(steps[-1].on or opened, time(15, 0), UTC),
                )
            )
        return items

    def _steps(self, kind: FollowUpKind, opened: date, progress: float) -> list[StatusStep]:
        """Fixes get done; monitoring work often lingers, or is dropped as too noisy."""
        rng = self.rng
        roll = rng.random()
        later: tuple[FollowUpStatus, int, int] | None = None
        if kind is FollowUpKind.MONITORING:
            if roll < 0.45:
                later = (FollowUpStatus.DONE, 30, 220)
            elif roll < 0.6:
                later = (FollowUpStatus.WONT_DO, 60, 300)
        elif roll < 0.8 - 0.4 * progress:
            later = (FollowUpStatus.DONE, 4, 45)
        elif roll < 0.9:
            later = (FollowUpStatus.IN_PROGRESS, 3, 20)
        steps = [StatusStep(FollowUpStatus.OPEN, opened)]
        if later is not None:
            status, low, high = later
            steps.append(StatusStep(status, opened + timedelta(days=rng.randint(low, high))))
        return steps


# How much a severity costs, roughly: the scale of the requests served badly.
SEVERITY_SCALE = {Severity.SEV1: 40.0, Severity.SEV2: 8.0, Severity.SEV3: 1.5, Severity.SEV4: 0.3}


def _impacts(
    number: int, severity: Severity, trigger: str, words: dict[str, str], unseen: timedelta
) -> list[ImpactMeasure]:
    """What a generated incident cost, in measures shared across the history (so they add up).

    A random stream of its own, so adding measures left every other generated value as it was.
    """
    rng = random.Random(SEED * 31 + number)
    scale = SEVERITY_SCALE[severity] * 1_000_000
    best = round(scale * rng.uniform(0.5, 2.0), -3)
    measures = [
        ImpactMeasure(
            "Requests served degraded answers",
            low=round(best * rng.uniform(0.5, 0.85), -3),
            best=best,
            high=round(best * rng.uniform(1.2, 2.0), -3),
            unit="requests",
            slice=f"every request answered by {words['model']} while impact lasted",
            source="serving logs, replayed against the last good model (generated)",
        ),
        ImpactMeasure(
            "Users who saw worse results",
            best=round(rng.uniform(0.5, 12.0) * SEVERITY_SCALE[severity] ** 0.25, 1),
            unit="%",
            slice="daily active users, worst day",
            source="experiment-style comparison against a holdout (generated)",
        ),
    ]
    hours = unseen.total_seconds() / 3600
    if rng.random() < 0.5:
        low = round(hours * rng.uniform(200, 600) * SEVERITY_SCALE[severity], -2)
        measures.append(
            ImpactMeasure(
                "Revenue lost",
                low=low,
                high=round(low * rng.uniform(1.3, 2.5), -2),
                unit="EUR",
                slice="sales attributed to the affected surface",
                source="Finance estimate (generated)",
            )
        )
    if trigger in ("data_growth", "infrastructure"):
        measures.append(
            ImpactMeasure(
                "Age of the serving model",
                best=float(rng.randint(2, 30)),
                unit="days",
                slice=f"{words['model']}, when the problem was noticed",
                source="model registry (generated)",
            )
        )
    if rng.random() < 0.2:
        measures.append(
            ImpactMeasure(
                "Support tickets",
                unit="tickets",
                slice="customer support queue",
                note="Tickets rose for a few days; nobody counted them (generated).",
            )
        )
    return measures


def generate_history(bank: QuestionBank) -> list[Story]:
    """The generated incidents, oldest first, not yet stored (the same every time)."""
    generator = _Generator(bank)
    return [generator.story(number) for number in range(COUNT)]


def _at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def add_history(workspace: Workspace) -> list[Incident]:
    """Store the generated history in `workspace`; returns the stored incidents."""
    stories = generate_history(workspace.review.bank)
    repository = workspace.incidents.repository
    review = workspace.review
    real_clocks = repository.clock, review.clock
    stored: list[Incident] = []
    items: list[FollowUp] = []
    try:
        for story in stories:
            # Backdated, so the list's "Updated" column and the record times read as history.
            repository.clock = _at(story.created)
            incident = workspace.incidents.add(story.incident)
            incident_id = incident.id
            assert incident_id is not None
            if story.status is not ReviewStatus.DRAFT:
                _answer_ethics(workspace, incident_id)
            for target, when in (
                (ReviewStatus.IN_REVIEW, story.submitted),
                (ReviewStatus.PUBLISHED, story.published),
            ):
                if when is None:
                    break
                review.clock = _at(when)
                repository.clock = _at(when)
                incident = review.move(incident, target)
            for item in story.followups:
                item.incident_id, item.incident_key = incident_id, incident.key
                items.append(item)
            stored.append(incident)
    finally:
        repository.clock, review.clock = real_clocks
    if items:
        workspace.followups.create_many(items)
    return stored


def _answer_ethics(workspace: Workspace, incident_id: int) -> None:
    privacy = workspace.privacy
    for part in privacy.checklist.parts:
        for item in part.items:
            if not item.required:
                continue
            choice, note = ETHICS.get(item.id, (EthicsChoice.NO, "Generated history."))
            privacy.answer_ethics(incident_id, item.id, choice, note, AUTHOR, 0)
