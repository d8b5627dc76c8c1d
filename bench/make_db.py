"""Generate a large Hindsight database of realistic, synthetic ML incidents.

    python bench/make_db.py -o PATH [-n 10000] [--seed 1] [--bulk] [--force]

Incidents are built as `hindsight.core.incident.Incident` objects from a seeded
`random.Random` and a fixed "today", so a seed always gives the same content. They are written
through the real store: the file is created and migrated by `Workspace.open`, and each
incident is stored with `IncidentService.add`, one write transaction per incident as the app
and the demo loader do. `--bulk` writes them all in one transaction instead, building the rows
with the repository's own helper (`_write_record`); on a 2-CPU machine it saved about a
fifth (35-37 s against 44-47 s for 10,000 incidents), too little to make it the default.

After writing, the file is reopened with `Workspace.open` and checked: the incident count,
SQLite's integrity and foreign-key checks, and a sample of incidents read back and compared
field by field with what was generated.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select

from hindsight.core.enums import MILESTONE_KINDS, Confidence, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import (
    Incident,
    RoleAssignment,
    TeamInvolvement,
    TimelineEvent,
    incident_key,
)
from hindsight.services.workspace import Workspace
from hindsight.store.incidents import _write_record
from hindsight.store.models import IncidentRow, TimelineEventRow
from hindsight.vocabulary import vocabulary

T = TypeVar("T")

# A fixed "today", so the same seed gives the same file whenever it is run.
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
FLUSH_EVERY = 250  # incidents per flush in the bulk path; keeps the session small

# --------------------------------------------------------------------------- vocabulary

# Each model with the quality metric its owners watch.
MODELS = {
    "search-ranker": "top-5 click-through",
    "recs-two-tower": "top-5 click-through",
    "ads-ctr": "conversion rate",
    "price-optimizer": "conversion rate",
    "lead-scorer": "conversion rate",
    "fraud-scorer": "precision at the review threshold",
    "credit-risk": "precision at the review threshold",
    "toxicity-classifier": "precision at the review threshold",
    "spam-filter": "precision at the review threshold",
    "catalogue-dedup": "precision at the review threshold",
    "anomaly-detector": "precision at the review threshold",
    "churn-predictor": "recall on the golden set",
    "query-embedder": "recall on the golden set",
    "image-tagger": "recall on the golden set",
    "support-assistant-llm": "answer acceptance rate",
    "review-summariser": "answer acceptance rate",
    "translation": "answer acceptance rate",
    "demand-forecaster": "forecast accuracy",
    "eta-regressor": "share of ETAs within five minutes",
    "receipt-ocr": "field-level accuracy",
    "speech-to-text": "word accuracy",
    "size-recommender": "share of orders kept",
}
SYSTEMS = (
    "feature store", "nightly training pipeline", "model registry", "online serving",
    "batch scoring", "labelling pipeline", "data warehouse", "event stream", "vector index",
    "GPU training cluster", "experiment platform", "monitoring stack", "annotation tool",
    "prompt gateway", "embedding cache", "log feeders", "ETL scheduler", "shadow deployment",
    "model gateway", "evaluation harness",
)  # fmt: skip
DATA = (
    "training data", "feature values", "labels", "embeddings", "click logs", "session logs",
    "catalogue snapshots", "conversion events", "user profiles", "transaction records",
    "annotation batches", "evaluation sets", "prompt templates", "price histories",
)  # fmt: skip
MODEL_FAILURES = (
    "went stale", "drifted out of calibration", "silently degraded",
    "started returning NaN scores", "regressed after retraining",
    "served predictions from the wrong version", "overfitted to holiday traffic",
    "flagged legitimate traffic", "stopped refreshing", "returned empty results",
    "doubled its false-positive rate", "lost recall on new items",
)  # fmt: skip
DATA_FAILURES = (
    "were silently truncated", "were double-counted", "arrived a day late",
    "were joined on the wrong key", "leaked into the evaluation set", "lost their time zone",
    "were shifted by one day", "were filled with defaults", "were labelled all zero",
    "skewed between training and serving",
)  # fmt: skip
SYSTEM_FAILURES = (
    "ran out of memory", "missed its deadline", "timed out under load", "dropped events",
    "served a stale cache", "rejected valid requests", "rolled back silently",
    "lost its GPU quota", "deadlocked on a schema migration",
)  # fmt: skip
CAUSES = (
    "a schema change upstream", "a feature store migration", "a tokenizer upgrade",
    "a time-zone bug in the daily join", "a config push", "a holiday traffic spike",
    "a label backfill", "an expired service credential", "a GPU driver update",
    "a library upgrade", "a partial region outage", "a sampling change in logging",
    "a renamed column", "a quota cut", "an unannounced API change", "a cache TTL change",
)  # fmt: skip
CONSEQUENCES = (
    "served stale predictions", "kept the previous model", "scored with default features",
    "fell back to popularity ranking", "answered from stale embeddings",
    "blocked good customers", "showed irrelevant results",
)  # fmt: skip
# The usual range of each metric, in percent.
METRICS = {
    "top-5 click-through": (40, 70),
    "conversion rate": (2, 9),
    "precision at the review threshold": (70, 95),
    "recall on the golden set": (80, 98),
    "answer acceptance rate": (55, 85),
    "forecast accuracy": (75, 95),
    "share of ETAs within five minutes": (70, 92),
    "field-level accuracy": (90, 99),
    "word accuracy": (85, 96),
    "share of orders kept": (70, 90),
}
IMPACTS = (
    "Nothing was visibly broken: every request was answered, only worse.",
    "Roughly {k} thousand users were affected before anyone noticed.",
    "Support saw more tickets than usual, but no single complaint pointed at the model.",
    "Dashboards stayed green because they tracked latency and errors, not quality.",
    "Revenue attributed to the feature fell by an estimated {k}% over the period.",
)
MECHANISMS = (
    "The {system} accepted the new input without complaint, and the {data} {data_failure}.",
    "Validation only checked row counts and loss convergence, so the bad run was published "
    "as a success.",
    "The {system} {system_failure}, and `{model}` quietly {consequence} as designed.",
    "No data contract covered the {data}, so the change reached training unannounced.",
)
FIXES = (
    "The team rolled `{model}` back to the last good version in the model registry.",
    "Operations scaled the {system} from {x} to {x2} workers.",
    "Data engineering re-ran the backfill for the affected days and retrained `{model}`.",
    "The bad {data} were quarantined and `{model}` retrained on the clean snapshot.",
    "The feature flag `{flag}` was turned off and traffic moved to the fallback.",
)
FOLLOW_UPS = (
    "Alert on the age of the serving model.",
    "Add a data contract for the {data} with the owning team.",
    "Check label distributions before training starts.",
    "Canary every `{model}` release on 5% of traffic for a day.",
    "Track {metric} daily with a noise band and an owner.",
    "Review the {system} capacity every quarter.",
    "Add the incident's failure mode to the golden-set checks.",
    "Page on training runs that miss their deadline.",
)
EVENT_TEXTS: dict[Phase, tuple[str, ...]] = {
    Phase.PRE_INCIDENT: (
        "The {system} is sized for about {x} million events a day and never revisited.",
        "Training validation for `{model}` checks only row counts and loss convergence.",
        "The {data} are produced by another team with no data contract.",
        "An alert on {metric} is muted after repeated false alarms.",
        "`{model}` is configured to keep the previous version when a run fails, silently.",
    ),
    Phase.TRIGGER: (
        "{cause_cap} lands in production.",
        "Deploy of the {system}, release {release}.",
        "The {data} {data_failure}.",
        "The {system} {system_failure} for the first time.",
    ),
    Phase.OUTAGE_BEGINS: (
        "{metric_cap} begins drifting down from **{a}%**.",
        "First users get results from a `{model}` that {consequence}.",
        "The share of affected requests passes {k}%.",
    ),
    Phase.DETECTION: (
        "{person} notices {metric} at **{b}%** in the weekly report and asks in #{channel}.",
        "Alert `{alert}` fires on the {system}.",
        "A customer reports that `{model}` {consequence}.",
        "{person} sees the {data} volume drop in the data-quality dashboard.",
    ),
    Phase.TROUBLESHOOTING: (
        "Incident declared {severity}; {commander} takes command.",
        "{person} checks the model registry: the serving `{model}` is {k} days old.",
        "Hypothesis ruled out: no release of the {system} since last month.",
        "{person} compares the {data} before and after {cause}.",
        "Root cause found: {cause}. The {data} {data_failure}.",
    ),
    Phase.MITIGATION: (
        "`{model}` rolled back to its last good snapshot.",
        "The {system} scaled from {x} to {x2} workers.",
        "Feature flag `{flag}` turned off; traffic on the fallback.",
        "Unrelated deploys to the {system} frozen until the fix is out.",
    ),
    Phase.RESOLUTION: (
        "{metric_cap} back inside its normal band for {k} days; incident resolved.",
        "Retrained `{model}` promoted to 100% of traffic.",
    ),
    Phase.FOLLOW_UP: (
        "Retrospective held; {k} follow-up items filed.",
        "Data contract for the {data} agreed with the owning team.",
        "Staleness alert for `{model}` live.",
    ),
}
SOURCES: dict[Phase, tuple[EventSource, ...]] = {
    Phase.PRE_INCIDENT: (EventSource.OTHER, EventSource.DEPLOY_LOG),
    Phase.TRIGGER: (EventSource.DEPLOY_LOG, EventSource.MONITORING, EventSource.OTHER),
    Phase.OUTAGE_BEGINS: (EventSource.MONITORING, EventSource.USER_REPORT),
    Phase.DETECTION: (EventSource.MONITORING, EventSource.USER_REPORT, EventSource.CHAT),
    Phase.TROUBLESHOOTING: (EventSource.CHAT, EventSource.OTHER, EventSource.MONITORING),
    Phase.MITIGATION: (EventSource.DEPLOY_LOG, EventSource.CHAT),
    Phase.RESOLUTION: (EventSource.MONITORING, EventSource.CHAT),
    Phase.FOLLOW_UP: (EventSource.OTHER, EventSource.CHAT),
}
# How many timeline entries a phase tends to get, relative to the others.
EVENT_WEIGHTS = {
    Phase.PRE_INCIDENT: 1.0,
    Phase.TRIGGER: 1.5,
    Phase.OUTAGE_BEGINS: 1.0,
    Phase.DETECTION: 1.5,
    Phase.TROUBLESHOOTING: 3.0,
    Phase.MITIGATION: 2.5,
    Phase.RESOLUTION: 1.0,
    Phase.FOLLOW_UP: 1.0,
}
# Most stored incidents are old and closed; a few are still open.
PHASE_WEIGHTS = {
    Phase.PRE_INCIDENT: 0.5,
    Phase.TRIGGER: 1.0,
    Phase.OUTAGE_BEGINS: 1.5,
    Phase.DETECTION: 4.0,
    Phase.TROUBLESHOOTING: 6.0,
    Phase.MITIGATION: 6.0,
    Phase.RESOLUTION: 21.0,
    Phase.FOLLOW_UP: 60.0,
}
SEVERITY_WEIGHTS = {Severity.SEV1: 5, Severity.SEV2: 20, Severity.SEV3: 45, Severity.SEV4: 30}
TAGS = (
    "staleness", "drift", "capacity", "silent-failure", "monitoring-gap", "data-quality",
    "training-serving-skew", "label-leakage", "rollback", "privacy", "cost", "latency",
    "fairness", "upstream-change", "config", "dependency", "on-call", "customer-facing",
)  # fmt: skip
CHANNELS = ("ml-incidents", "search-quality", "data-eng", "on-call", "model-health")
EXTRA_TEAMS = ("ML platform", "Search", "Recommendations", "Trust & Safety", "Data science")
TEAM_PARTS = (
    "Led the response and coordinated the rollback.",
    "Traced the bad {data} back to {cause}.",
    "Retrained and validated `{model}` before it went back to full traffic.",
    "Estimated the impact so the follow-ups could be ranked.",
    "Answered customers and kept the status page current.",
    "Owns the {system} and its capacity review.",
    "",
)
ROLE_NOTES = ("", "", "On-call lead that week.", "Daily status note to stakeholders.", "")
FIRST_NAMES = (
    "Amara", "Kenji", "Lucía", "Rohan", "Sven", "Fatima", "Wei", "Nadia", "Olumide", "Priya",
    "Mateo", "Ingrid", "Tariq", "Mei", "Jonas", "Aisha", "Diego", "Hana", "Kofi", "Elena",
    "Ravi", "Sofia", "Yusuf", "Camille", "Arjun", "Zanele", "Tomás", "Leila", "Oskar", "Nia",
)  # fmt: skip
LAST_NAMES = (
    "Nwosu", "Watanabe", "Fernández", "Mehta", "Halvorsen", "Benali", "Chen", "Petrova",
    "Bankole", "Natarajan", "García", "Lindqvist", "Haddad", "Lin", "Becker", "Okafor",
    "Rossi", "Kim", "Mensah", "Popescu", "Iyer", "Novak", "Yilmaz", "Dubois", "Sato",
)  # fmt: skip


# --------------------------------------------------------------------------- generation


def _weighted(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _log_uniform(rng: random.Random, low: timedelta, high: timedelta) -> timedelta:
    """A span between `low` and `high`, short spans as likely per decade as long ones."""
    seconds = math.exp(rng.uniform(math.log(low.total_seconds()), math.log(high.total_seconds())))
    return timedelta(seconds=seconds)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _fuzzy(
    rng: random.Random, best: datetime, width: timedelta, confidence: Confidence, note: str = ""
) -> FuzzyTime:
    """A range of `width` around `best`, with `best` somewhere inside it."""
    before = width * rng.random()
    earliest, latest = _minute(best - before), _minute(best - before + width)
    best = min(max(_minute(best), earliest), latest)
    return FuzzyTime(earliest, latest, best, confidence, note)


def _exact(moment: datetime, note: str = "") -> FuzzyTime:
    return FuzzyTime.exact(_minute(moment), note)


@dataclass
class Story:
    """The facts one incident's texts are written from."""

    model: str
    system: str
    data: str
    cause: str
    metric: str
    a: int
    b: int
    severity: Severity
    commander: str = ""

    def words(self, rng: random.Random, person: str) -> dict[str, object]:
        """Values for the text templates (fresh numbers each call)."""
        x = rng.choice((4, 6, 8, 10, 12, 16, 20, 40))
        return {
            "model": self.model,
            "system": self.system,
            "data": self.data,
            "cause": self.cause,
            "cause_cap": self.cause[0].upper() + self.cause[1:],
            "metric": self.metric,
            "metric_cap": self.metric[0].upper() + self.metric[1:],
            "a": self.a,
            "b": self.b,
            "severity": self.severity.value,
            "data_failure": rng.choice(DATA_FAILURES),
            "system_failure": rng.choice(SYSTEM_FAILURES),
            "consequence": rng.choice(CONSEQUENCES),
            "person": person,
            "commander": self.commander or person,
            "channel": rng.choice(CHANNELS),
            "alert": f"{self.model}-{rng.choice(('staleness', 'quality', 'volume', 'latency'))}",
            "flag": f"{self.model.replace('-', '_')}_{rng.choice(('v2', 'rerank', 'fresh'))}",
            "release": f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
            "x": x,
            "x2": x * 2,
            "k": rng.randint(2, 40),
        }


class Generator:
    """Makes incidents from one random stream; the same seed gives the same incidents."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.people = self.rng.sample(names, 260)
        self.teams = [*vocabulary().team_names, *EXTRA_TEAMS]

    def incident(self) -> Incident:
        """One complete incident."""
        rng = self.rng
        severity = _weighted(rng, SEVERITY_WEIGHTS)
        phase = _weighted(rng, PHASE_WEIGHTS)
        model = rng.choice(list(MODELS))
        metric = MODELS[model]
        low, high = METRICS[metric]
        a = rng.randint(low + 2, high)
        story = Story(
            model=model,
            system=rng.choice(SYSTEMS),
            data=rng.choice(DATA),
            cause=rng.choice(CAUSES),
            metric=metric,
            a=a,
            b=max(low, a - rng.randint(2, 15)),
            severity=severity,
        )
        milestones = self.milestones(phase)
        roles = self.roles(milestones)
        story.commander = roles[0].person
        models = [story.model, *rng.sample(list(MODELS), rng.choice((0, 0, 1, 2)))]
        systems = [story.system, *rng.sample(SYSTEMS, rng.randint(0, 3))]
        return Incident(
            title=self.title(story),
            summary=self.summary(story, phase),
            severity=severity,
            phase=phase,
            systems=list(dict.fromkeys(systems)),
            models=list(dict.fromkeys(models)),
            tags=rng.sample(TAGS, rng.randint(1, 5)),
            milestones=milestones,
            events=self.events(story, milestones, phase),
            roles=roles,
            teams=self.teams_for(story),
        )

    def title(self, story: Story) -> str:
        rng = self.rng
        data = story.data[0].upper() + story.data[1:]
        system = story.system[0].upper() + story.system[1:]
        return rng.choice(
            (
                f"{story.model} {rng.choice(MODEL_FAILURES)} after {story.cause}",
                f"{data} for {story.model} {rng.choice(DATA_FAILURES)}",
                f"{system} {rng.choice(SYSTEM_FAILURES)}; {story.model} {rng.choice(CONSEQUENCES)}",
                f"{data} {rng.choice(DATA_FAILURES)} after {story.cause}",
            )
        )

    def summary(self, story: Story, phase: Phase) -> str:
        """Three or four Markdown paragraphs: impact, cause, response, follow-up."""
        rng = self.rng
        words = story.words(rng, rng.choice(self.people))
        paragraphs = [
            f"Over the affected period, {story.metric} for `{story.model}` fell from "
            f"**{story.a}%** to **{story.b}%**. " + rng.choice(IMPACTS).format(**words),
        ]
        if phase.position >= Phase.TROUBLESHOOTING.position:
            paragraphs.append(
                f"The trigger was {story.cause}. " + rng.choice(MECHANISMS).format(**words)
            )
        else:
            paragraphs.append("The cause is not known yet; the investigation is starting.")
        if phase.position >= Phase.MITIGATION.position:
            paragraphs.append(
                rng.choice(FIXES).format(**words)
                + f" {story.metric[0].upper() + story.metric[1:]} recovered to "
                f"**{story.a - rng.randint(0, 1)}%** within {words['k']} hours."
            )
        if phase.position >= Phase.RESOLUTION.position:
            items = rng.sample(FOLLOW_UPS, rng.randint(2, 4))
            paragraphs.append(
                "Follow-up work:\n\n" + "\n".join(f"- {item.format(**words)}" for item in items)
            )
        return "\n\n".join(paragraphs)

    def milestones(self, phase: Phase) -> dict[Phase, FuzzyTime]:
        """Milestones up to `phase`, in phase order, none later than NOW."""
        rng = self.rng
        kinds = [kind for kind in MILESTONE_KINDS if kind.position <= phase.position]
        if phase.position >= Phase.RESOLUTION.position:
            impact = NOW - timedelta(days=rng.uniform(90, 6 * 365))
        else:
            impact = NOW - _log_uniform(rng, timedelta(hours=2), timedelta(days=45))
        detected = impact + _log_uniform(rng, timedelta(minutes=5), timedelta(days=30))
        times: dict[Phase, FuzzyTime] = {}
        impact_width = _log_uniform(rng, timedelta(hours=1), timedelta(weeks=3))
        before = impact_width * rng.random()
        # Impact began somewhere in a range that ends no later than its detection.
        impact_time = FuzzyTime(
            _minute(impact - before),
            _minute(min(impact - before + impact_width, detected)),
            _minute(impact),
            rng.choice((Confidence.LOW, Confidence.MEDIUM)),
            "Estimated from the daily metric; the decline was gradual.",
        )
        trigger_best = impact_time.earliest - _log_uniform(
            rng, timedelta(minutes=10), timedelta(days=5)
        )
        times[Phase.TRIGGER] = _fuzzy(
            rng,
            trigger_best,
            _log_uniform(rng, timedelta(minutes=5), timedelta(days=3)),
            rng.choice((Confidence.MEDIUM, Confidence.HIGH)),
            "First sign in the deploy and container logs.",
        )
        times[Phase.OUTAGE_BEGINS] = impact_time
        if rng.random() < 0.8:
            times[Phase.DETECTION] = _exact(detected, "Timestamp of the first alert or message.")
        else:
            times[Phase.DETECTION] = _fuzzy(
                rng, detected, timedelta(minutes=30), Confidence.HIGH, "Reported by phone."
            )
        cursor = times[Phase.DETECTION].latest
        cursor += _log_uniform(rng, timedelta(minutes=5), timedelta(hours=6))
        times[Phase.TROUBLESHOOTING] = _exact(cursor, "Incident declared.")
        cursor += _log_uniform(rng, timedelta(minutes=30), timedelta(days=4))
        if rng.random() < 0.6:
            times[Phase.MITIGATION] = _exact(cursor, "Rollback complete.")
        else:
            width = _log_uniform(rng, timedelta(minutes=20), timedelta(hours=12))
            times[Phase.MITIGATION] = FuzzyTime(
                _minute(cursor),
                _minute(cursor + width),
                _minute(cursor + width * rng.random()),
                Confidence.HIGH,
                "Between the fix going out and reaching all traffic.",
            )
            cursor += width
        cursor += _log_uniform(rng, timedelta(hours=1), timedelta(days=7))
        times[Phase.RESOLUTION] = _exact(cursor, "Metric back in its normal band.")
        cursor += timedelta(days=rng.uniform(1, 14))
        times[Phase.FOLLOW_UP] = _exact(cursor, "Retrospective meeting.")
        kept = {kind: times[kind] for kind in kinds}
        # An open incident's later milestones may not lie in the future: move it all back.
        overshoot = max((t.latest for t in kept.values()), default=NOW) - NOW
        if overshoot > timedelta(0):
            shift = overshoot + timedelta(minutes=rng.randint(10, 600))
            kept = {
                kind: FuzzyTime(
                    t.earliest - shift, t.latest - shift, t.best - shift, t.confidence, t.note
                )
                for kind, t in kept.items()
            }
        return kept

    def _window(
        self, milestones: dict[Phase, FuzzyTime], phase: Phase
    ) -> tuple[datetime, datetime]:
        """When events of `phase` may happen: from its milestone to the next one."""
        ordered = [kind for kind in MILESTONE_KINDS if kind in milestones]
        if phase is Phase.PRE_INCIDENT:
            first = milestones[ordered[0]].earliest if ordered else NOW
            return first - timedelta(days=3 * 365), first - timedelta(days=1)
        start = milestones[phase].earliest
        later = ordered[ordered.index(phase) + 1 :]
        if later:
            end = max(milestones[later[0]].best, start)
        else:
            end = min(milestones[phase].latest + timedelta(days=2), NOW)
        return start, max(end, start)

    def events(
        self, story: Story, milestones: dict[Phase, FuzzyTime], phase: Phase
    ) -> list[TimelineEvent]:
        """5 to 20 timeline entries across the phases reached so far."""
        rng = self.rng
        phases = {p: EVENT_WEIGHTS[p] for p in Phase if p.position <= phase.position}
        texts = {kind: rng.sample(EVENT_TEXTS[kind], len(EVENT_TEXTS[kind])) for kind in phases}
        used = dict.fromkeys(phases, 0)
        events: list[TimelineEvent] = []
        for _ in range(rng.randint(5, 20)):
            kind = _weighted(rng, phases)
            start, end = self._window(milestones, kind)
            best = start + (end - start) * rng.random()
            early = kind.position <= Phase.OUTAGE_BEGINS.position
            if rng.random() < (0.7 if early else 0.25):
                if kind is Phase.PRE_INCIDENT:
                    # Known only to the month or quarter, but certainly before the trigger.
                    width = _log_uniform(rng, timedelta(days=7), timedelta(days=180))
                    latest = _minute(best)
                    earliest = _minute(latest - width)
                    guess = _minute(earliest + width * rng.random())
                    when = FuzzyTime(earliest, latest, guess, rng.choice(list(Confidence)))
                else:
                    width = _log_uniform(rng, timedelta(minutes=5), timedelta(hours=12))
                    when = _fuzzy(rng, best, width, rng.choice(list(Confidence)))
                if when.latest > NOW:
                    when = _exact(min(best, NOW))
            else:
                when = _exact(best)
            sources = SOURCES[kind]
            source = rng.choice(list(EventSource) if rng.random() < 0.1 else sources)
            words = story.words(rng, rng.choice(self.people))
            # Cycle through the phase's templates so entries repeat only when they run out.
            templates = texts[kind]
            text = templates[used[kind] % len(templates)].format(**words)
            used[kind] += 1
            events.append(TimelineEvent(when=when, phase=kind, text=text, source=source))
        events.sort(key=lambda e: e.when.best)
        return events

    def roles(self, milestones: dict[Phase, FuzzyTime]) -> list[RoleAssignment]:
        """2 to 6 assignments over 2 to 4 roles, the commander first; extras are hand-overs."""
        rng = self.rng
        total = rng.randint(2, 6)
        others = rng.sample([r for r in Role if r is not Role.INCIDENT_COMMANDER], 3)
        chosen = [Role.INCIDENT_COMMANDER, *others[: rng.randint(1, min(3, total - 1))]]
        holders = dict.fromkeys(chosen, 1)
        for _ in range(total - len(chosen)):
            holders[rng.choice(chosen)] += 1
        opened = milestones.get(Phase.TROUBLESHOOTING) or milestones.get(Phase.DETECTION)
        closed = milestones.get(Phase.RESOLUTION)
        start = opened.best if opened else None
        end = closed.best if closed else None
        assignments: list[RoleAssignment] = []
        for role, count in holders.items():
            people = rng.sample(self.people, count)
            if start is None:
                bounds: list[datetime | None] = [None] * (count + 1)
            else:
                until = end or min(start + timedelta(days=rng.uniform(0.5, 3)), NOW)
                cuts = sorted(start + (until - start) * rng.random() for _ in range(count - 1))
                bounds = [start, *(_minute(c) for c in cuts), end]
            for i, person in enumerate(people):
                note = f"Took over from {people[i - 1]}." if i else rng.choice(ROLE_NOTES)
                assignments.append(RoleAssignment(role, person, bounds[i], bounds[i + 1], note))
        return assignments

    def teams_for(self, story: Story) -> list[TeamInvolvement]:
        """2 to 6 teams, each with the part it played."""
        rng = self.rng
        words = story.words(rng, "")
        teams = rng.sample(self.teams, rng.randint(2, 6))
        parts = rng.sample(TEAM_PARTS, len(teams))
        return [
            TeamInvolvement(team=team, part=part.format(**words))
            for team, part in zip(teams, parts, strict=True)
        ]

    def record_times(self, incident: Incident) -> tuple[datetime, datetime]:
        """When the record was created (at detection) and last edited (after its last entry)."""
        times = [t.best for t in incident.milestones.values()]
        times += [e.when.latest for e in incident.events]
        detection = incident.milestones.get(Phase.DETECTION)
        last = max(times, default=NOW - timedelta(hours=1))
        created = detection.best if detection else min(times, default=last)
        created += timedelta(minutes=self.rng.randint(2, 90))
        updated = min(max(last, created) + timedelta(minutes=self.rng.randint(10, 2880)), NOW)
        return min(created, updated), updated


def generate(count: int, seed: int) -> tuple[list[Incident], list[tuple[datetime, datetime]]]:
    """`count` incidents and their (created, updated) times, the same for the same seed."""
    generator = Generator(seed)
    incidents = [generator.incident() for _ in range(count)]
    times = [generator.record_times(incident) for incident in incidents]
    return incidents, times


# --------------------------------------------------------------------------- writing


def write_bulk(
    path: Path, incidents: Sequence[Incident], times: Sequence[tuple[datetime, datetime]]
) -> None:
    """Every incident in one write transaction, rows built by the repository's own helper.

    This is `IncidentService.add` and `IncidentRepository.create` without a transaction per
    incident: the same checks and derived fields, numbers and keys continuing after the highest
    stored number, and the version column set by SQLAlchemy's version counter.
    """
    workspace = Workspace.open(path)
    try:
        with workspace.database.write() as session:
            number = session.scalar(select(func.max(IncidentRow.number))) or 0
            for done, (incident, (created, updated)) in enumerate(
                zip(incidents, times, strict=True), start=1
            ):
                number += 1
                row = IncidentRow(
                    number=number, key=incident_key(number), created_at=created, updated_at=updated
                )
                _write_record(row, workspace.incidents._checked(incident))
                session.add(row)
                if done % FLUSH_EVERY == 0:
                    session.flush()
                    session.expunge_all()
    finally:
        workspace.close()


def write_per_incident(
    path: Path, incidents: Sequence[Incident], times: Sequence[tuple[datetime, datetime]]
) -> None:
    """One `IncidentService.add` (one write transaction) per incident, as the app does.

    The repository stamps both record times from its clock; the clock reads each incident's
    last-edit time, which is the one the incident list shows.
    """
    workspace = Workspace.open(path)
    try:
        current = [NOW]
        workspace.incidents.repository.clock = lambda: current[0]
        for incident, (_created, updated) in zip(incidents, times, strict=True):
            current[0] = updated
            workspace.incidents.add(incident)
    finally:
        workspace.close()


def _content(incident: Incident) -> tuple[object, ...]:
    """What must survive a round trip through the store (ids and record times aside)."""
    return (
        incident.title,
        incident.summary,
        incident.severity,
        incident.phase,
        incident.systems,
        incident.models,
        incident.tags,
        incident.milestones,
        [(e.when, e.phase, e.text, e.source) for e in incident.events],
        [(r.role, r.person, r.start, r.end, r.note) for r in incident.roles],
        [(t.team, t.part) for t in incident.teams],
    )


def verify(path: Path, incidents: Sequence[Incident], seed: int, sample: int = 200) -> int:
    """Reopen `path` as the app does and check it; returns the number of timeline events."""
    workspace = Workspace.open(path, create=False)
    try:
        stored = workspace.incidents.count()
        if stored != len(incidents):
            raise SystemExit(f"expected {len(incidents)} incidents, found {stored}")
        problems = workspace.integrity_problems()
        if problems:
            raise SystemExit(f"integrity check failed: {problems[:5]}")
        rng = random.Random(seed)
        for index in rng.sample(range(len(incidents)), min(sample, len(incidents))):
            back = workspace.incidents.get_by_key(incident_key(index + 1))
            if _content(back) != _content(incidents[index]):
                raise SystemExit(f"{back.key} does not read back as it was generated")
        with workspace.database.read() as session:
            return session.scalar(select(func.count(TimelineEventRow.id))) or 0
    finally:
        workspace.close()


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="database to create")
    parser.add_argument("-n", "--count", type=int, default=10_000, help="number of incidents")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="one write transaction for all incidents instead of one per incident",
    )
    parser.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    args = parser.parse_args(argv)
    path: Path = args.output
    if path.exists():
        if not args.force:
            parser.error(f"{path} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    incidents, times = generate(args.count, args.seed)
    generated = time.perf_counter()
    write = write_bulk if args.bulk else write_per_incident
    write(path, incidents, times)
    written = time.perf_counter()
    events = verify(path, incidents, args.seed)
    verified = time.perf_counter()

    mode = "bulk, one transaction" if args.bulk else "one transaction per incident"
    print(f"database     {path}")
    print(f"incidents    {len(incidents)}")
    print(f"events       {events}")
    print(f"roles        {sum(len(i.roles) for i in incidents)}")
    print(f"teams        {sum(len(i.teams) for i in incidents)}")
    print(f"milestones   {sum(len(i.milestones) for i in incidents)}")
    print(f"size         {path.stat().st_size / 1e6:.1f} MB")
    print(f"generate     {generated - started:.1f} s")
    print(f"write        {written - generated:.1f} s ({mode})")
    print(f"verify       {verified - written:.1f} s")
    print(f"total        {verified - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
