"""The insights read takes columns as the driver hands them over: it must give exactly what the
typed read (SQLAlchemy converting every value) gives, and what the full records hold."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from hindsight.core.enums import Phase, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime, Precision
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.services.workspace import Workspace
from hindsight.store import insights as store_insights
from hindsight.store.insights import InsightsRepository

START = datetime(2024, 1, 1, tzinfo=UTC)
MILESTONES = (Phase.OUTAGE_BEGINS, Phase.DETECTION, Phase.MITIGATION, Phase.RESOLUTION)


def _fuzzy(rng: random.Random, after: datetime) -> FuzzyTime:
    earliest = after + timedelta(minutes=rng.randint(0, 5000), microseconds=rng.randint(0, 999))
    latest = earliest + timedelta(minutes=rng.randint(0, 3000))
    if rng.random() < 0.2:
        return FuzzyTime(earliest, latest, earliest, precision=Precision.DAY)
    return FuzzyTime(earliest, latest, earliest + (latest - earliest) / 3)


def _incident(rng: random.Random, n: int) -> Incident:
    milestones: dict[Phase, FuzzyTime] = {}
    moment = START + timedelta(days=rng.randint(0, 700))
    for phase in MILESTONES:
        if rng.random() < 0.8:
            milestones[phase] = _fuzzy(rng, moment)
            moment = milestones[phase].latest
    answers = {}
    if rng.random() < 0.7:
        answers["trigger.kind"] = Answer("trigger.kind", value=rng.choice(("world", "unknown")))
    if rng.random() < 0.7:
        answers["detection.source"] = Answer("detection.source", value="monitoring")
    if rng.random() < 0.5:
        answers["impact.slices"] = Answer(
            "impact.slices", rng.choice(list(AnswerStatus)[1:]), reason="not known"
        )
    return Incident(
        title=f"incident {n}",
        severity=rng.choice(list(Severity)),
        tags=rng.sample(["data", "model", "infra", "été"], rng.randint(0, 3)),
        systems=rng.sample(["ranker", "search"], rng.randint(0, 2)),
        milestones=milestones,
        teams=[TeamInvolvement(t) for t in rng.sample(["SRE", "ML", " Data "], rng.randint(0, 3))],
        answers=answers,
        attributions={
            kind: Attribution(kind, rng.choice(list(Verdict)))
            for kind in rng.sample(["training_data", "schema", "binaries"], rng.randint(0, 3))
        },
        impacts=[
            ImpactMeasure("Queries lost", rng.choice((None, 1.5)), None, 2.5, "queries")
            for _ in range(rng.randint(0, 2))
        ],
    )


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    rng = random.Random(11)
    stored = [workspace.incidents.add(_incident(rng, n)) for n in range(40)]
    items = []
    for n in range(80):
        incident = rng.choice(stored)
        assert incident.id is not None
        opened = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
        history = [StatusStep(FollowUpStatus.OPEN, opened)]
        if rng.random() < 0.6:
            history.append(
                StatusStep(
                    rng.choice([FollowUpStatus.DONE, FollowUpStatus.IN_PROGRESS]),
                    opened + timedelta(days=rng.randint(0, 90)),
                )
            )
        items.append(
            FollowUp(
                title=f"item {n}",
                incident_id=incident.id,
                history=history,
                priority=rng.choice(list(Priority)),
                due=opened + timedelta(days=30) if rng.random() < 0.5 else None,
                value=rng.randint(1, 5),
                feasibility=rng.randint(1, 5),
            )
        )
    workspace.followups.create_many(items)
    return workspace


def test_the_raw_read_equals_the_typed_read_on_random_data(
    filled: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = InsightsRepository(filled.database)
    raw_facts, raw_items = repository.incident_facts(), repository.followups()
    some = [f.id for f in raw_facts[::3]]
    raw_some = repository.incident_facts(some)
    # The typed read: every column converted by SQLAlchemy, as the read was before.
    monkeypatch.setattr(store_insights, "_raw", lambda column: column)
    monkeypatch.setattr(store_insights, "_text_json", lambda session: False)
    monkeypatch.setattr(store_insights, "_rows", store_insights._sqlalchemy_rows)
    assert repository.incident_facts() == raw_facts
    assert repository.followups() == raw_items
    assert repository.incident_facts(some) == raw_some
    assert len(raw_facts) == 40 and len(raw_items) == 80
    assert any(f.tags for f in raw_facts) and any(f.trigger_kind for f in raw_facts)
    assert any(f.left_open for f in raw_facts) and any(f.impacts for f in raw_facts)
    assert any(i.due for i in raw_items) and any(i.history for i in raw_items)


def test_the_raw_read_equals_the_full_records(filled: Workspace) -> None:
    for facts in InsightsRepository(filled.database).incident_facts():
        full = filled.incidents.get(facts.id)
        assert facts.created_at == full.created_at and facts.created_at.tzinfo is not None
        assert (facts.tags, facts.systems) == (tuple(full.tags), tuple(full.systems))
        assert facts.severity is full.severity
        for phase, time in facts.milestones.items():
            stored = full.milestones[phase]
            # The figures read the instants and the confidence (never the precision).
            assert (time.earliest, time.latest, time.best, time.confidence) == (
                stored.earliest,
                stored.latest,
                stored.best,
                stored.confidence,
            )
            # Built without the constructor's checks, it equals what the constructor makes.
            assert time == FuzzyTime(time.earliest, time.latest, time.best, time.confidence)
            assert time.earliest.tzinfo is UTC
        assert set(facts.milestones) == {p for p in MILESTONES if p in full.milestones}
        trigger = full.answers.get("trigger.kind")
        assert facts.trigger_kind == (trigger.value if trigger else None)


@pytest.mark.parametrize(
    "text",
    [
        "2025-04-10 12:34:56.123456",
        "2025-04-10 12:34:56",
        "2025-04-10T12:34",
        "2025-04-10",
        "2025-04-10T12:34:56+02:00",
        "2025-04-10 12:34:56Z",
        "2025-04-10 23:59:59.999999-05:30",
    ],
)
def test_a_stored_time_is_read_as_the_plain_parse_reads_it(text: str) -> None:
    # The quick parse (the text read as UTC at once) against parsing, then setting UTC.
    plain = datetime.fromisoformat(text)
    plain = plain if plain.tzinfo else plain.replace(tzinfo=UTC)
    read = store_insights._aware(text)
    assert read == plain and read.utcoffset() == plain.utcoffset()
    # A milestone's three times are read the same way, whatever form the others have.
    for others in ("2025-04-10 12:34:56.123456", "2025-04-10T12:34:56+02:00"):
        made = store_insights._stored_time(text, others, text, "high")
        assert (made.earliest, made.latest, made.best) == (plain, _plain(others), plain)
        assert made.earliest.utcoffset() == plain.utcoffset()
    naive = datetime.fromisoformat(text).replace(tzinfo=None)  # a driver's datetime
    made = store_insights._stored_time(naive, naive, naive, "high")
    assert made.best == naive.replace(tzinfo=UTC)


def _plain(text: str) -> datetime:
    plain = datetime.fromisoformat(text)
    return plain if plain.tzinfo else plain.replace(tzinfo=UTC)


def test_light_items_equal_the_constructors_and_share_nothing_mutable(filled: Workspace) -> None:
    items = InsightsRepository(filled.database).followups()
    for item in items:
        # What the constructor makes of the same fields (its checks turn codes into members).
        made = FollowUp(
            title=item.title,
            incident_id=item.incident_id,
            incident_key=item.incident_key,
            due=item.due,
            history=list(item.history),
            priority=item.priority.value,  # type: ignore[arg-type]
            kind=item.kind.value,  # type: ignore[arg-type]
            value=item.value,
            feasibility=item.feasibility,
            next_senior_review=item.next_senior_review,
            created_at=item.created_at,
            id=item.id,
        )
        assert item == made and vars(item) == vars(made)
    assert len({id(item.history) for item in items}) == len(items)
    shared = [s for item in items for s in item.history]
    assert len({id(s) for s in shared}) < len(shared)  # equal steps are one frozen value


@pytest.mark.parametrize(
    "text",
    [
        '["a", "b"]',
        '["a","b"]',
        "[]",
        ' ["padded"] ',
        '"monitoring"',
        "null",
        '{"k": [1, 2.5, true]}',
        '["é", "\\u00e9", "\\"quoted\\""]',
    ],
)
def test_stored_json_is_read_as_json_loads_reads_it(text: str) -> None:
    assert store_insights._json(text) == json.loads(text)


@pytest.mark.parametrize("text", ['["a"] trailing', '["a", ', "", "nope"])
def test_broken_stored_json_fails_as_json_loads_fails(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        store_insights._json(text)


def test_items_made_by_the_constructor_equal_the_light_ones(
    filled: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The path taken should a field of FollowUp ever be made by a factory.
    from hindsight.store import insights as store_insights

    light = InsightsRepository(filled.database).followups()
    monkeypatch.setattr(store_insights, "_LIGHT_DEFAULTS", None)
    made = InsightsRepository(filled.database).followups()
    assert made == light and [vars(m) for m in made] == [vars(i) for i in light]
