"""Figures worked out at once, in one pass, against a plain reading of their rules on random
incidents: change attribution (kinds outside the bank included), incidents over time, kinds
of trigger, teams per incident, reviews by status, the questions left open, and the scope
controls' choices.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from hindsight.core import insights
from hindsight.core.enums import Severity
from hindsight.core.insights_model import UNKNOWN, IncidentFacts, Wording
from hindsight.core.insights_scope import Period, Scope
from hindsight.core.review import Verdict

BANK = ("model_architecture", "training_data", "schema", "binaries", "capacity")
OLD_KINDS = ("retired_kind", "another_old_kind", "zz_last")
DECIDED = (Verdict.IMPLICATED, Verdict.RULED_OUT, Verdict.NOT_APPLICABLE)


def _facts(rng: random.Random, count: int) -> list[IncidentFacts]:
    made = []
    for number in range(1, count + 1):
        kinds = list(BANK) + (list(OLD_KINDS) if rng.random() < 0.1 else [])
        chosen = rng.sample(kinds, rng.randint(0, len(kinds))) if rng.random() < 0.8 else []
        made.append(
            IncidentFacts(
                id=number,
                key=f"INC-{number}",
                severity=rng.choice(list(Severity)),
                created_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=number),
                verdicts={kind: rng.choice(list(Verdict)) for kind in chosen},
            )
        )
    return made


def _by_the_rule(facts: list[IncidentFacts], wording: Wording) -> dict[str, object]:
    order = list(wording.change_labels)
    for f in facts:
        for kind in sorted(f.verdicts):
            if kind not in order:
                order.append(kind)
    everyone = {f.id for f in facts}
    cells: dict[tuple[str, str], frozenset[int]] = {}
    for kind in order:
        decided: set[int] = set()
        for verdict in DECIDED:
            ids = {f.id for f in facts if f.verdicts.get(kind) is verdict}
            cells[(verdict.value, kind)] = frozenset(ids)
            decided |= ids
        cells[(UNKNOWN, kind)] = frozenset(everyone - decided)
    silent = sum(1 for f in facts if not f.verdicts)
    return {"order": order, "cells": cells, "silent": silent}


@pytest.mark.parametrize("seed", range(5))
def test_change_attribution_says_what_its_rule_says(seed: int) -> None:
    rng = random.Random(seed)
    facts = _facts(rng, 600)
    wording = Wording(change_labels={kind: kind.replace("_", " ") for kind in BANK})
    for scope in (Scope(), Scope(severities=frozenset({Severity.SEV1, Severity.SEV3}))):
        placed, _, _ = insights.place(facts, scope, Period.MONTH, UTC)
        in_scope = [p.facts for p in placed]
        chart = insights.change_attribution(placed, wording)
        expected = _by_the_rule(in_scope, wording)
        assert [c.key for c in chart.categories] == expected["order"]
        assert chart.unknown == expected["silent"]
        for series in chart.series:
            for category, ids, value in zip(
                chart.categories, series.ids, series.values, strict=True
            ):
                assert ids == expected["cells"][(series.key, category.key)]  # type: ignore[index]
                assert value == len(ids)
        assert any(c.key in OLD_KINDS for c in chart.categories)


def _cells(chart: object) -> dict[tuple[str, str], frozenset[int]]:
    return {
        (series.key, category.key): ids
        for series in chart.series  # type: ignore[attr-defined]
        for category, ids in zip(chart.categories, series.ids, strict=True)  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("seed", range(3))
def test_counts_by_severity_trigger_teams_and_review_say_what_their_rules_say(seed: int) -> None:
    """Incidents over time, kinds of trigger, teams per incident and reviews by status,
    counted at once, against a plain reading of each rule on random incidents."""
    from dataclasses import replace

    from hindsight.core.insights_work import review_status
    from hindsight.core.review import ReviewStatus

    rng = random.Random(seed)
    teams = ["SRE", "ML", "Data", "Product", "Legal", "Finance", "Support", "Infra", "Web"]
    facts = [
        replace(
            f,
            teams=tuple(rng.choices(teams, k=rng.choice((0, 1, 2, 3, 8, 9, 12)))),
            trigger_kind=rng.choice((None, "unknown", "world", "upstream_data", "odd_one")),
            review_status=rng.choice(list(ReviewStatus)),
        )
        for f in _facts(rng, 500)
    ]
    wording = Wording(trigger_options=(("world", "The world"), ("unknown", "Not known")))
    placed, slots, period = insights.place(facts, Scope(), Period.MONTH, UTC)
    every = {f.id for f in facts}

    def having(test: object) -> frozenset[int]:
        return frozenset(p.facts.id for p in placed if test(p))  # type: ignore[operator]

    over_time = _cells(insights.incidents_over_time(placed, slots, period))
    for severity in Severity:
        for slot in slots:
            assert over_time[(severity.value, slot.key)] == having(
                lambda p, s=severity, k=slot.key: p.facts.severity is s and p.key == k
            )
    triggers = _cells(insights.trigger_kinds(placed, wording))
    for kind in ("world", "upstream_data", "odd_one"):
        assert triggers[("incidents", kind)] == having(lambda p, k=kind: p.facts.trigger_kind == k)
    assert triggers[("incidents", UNKNOWN)] == having(
        lambda p: p.facts.trigger_kind in (None, "unknown")
    )
    widths = _cells(insights.teams_per_incident(placed))
    for n in range(1, insights.TEAM_COUNT_BUCKETS + 1):
        key = str(n)
        wanted = having(
            lambda p, n=n: min(len(set(p.facts.teams)), insights.TEAM_COUNT_BUCKETS) == n
        )
        assert widths[("incidents", key)] == wanted
    assert widths[("incidents", UNKNOWN)] == having(lambda p: not p.facts.teams)
    assert widths[("incidents", str(insights.TEAM_COUNT_BUCKETS))]  # 8 or more, from 9 and 12
    reviews = _cells(review_status(placed))
    for status in ReviewStatus:
        assert reviews[("incidents", status.value)] == having(
            lambda p, s=status: p.facts.review_status is s
        )
    assert set().union(*reviews.values()) == every


@pytest.mark.parametrize("seed", range(3))
def test_questions_left_open_say_what_their_rule_says(seed: int) -> None:
    from dataclasses import replace

    from hindsight.core.insights_work import MAX_QUESTIONS_SHOWN, questions_left_open
    from hindsight.core.review import AnswerStatus

    rng = random.Random(seed)
    questions = [f"q{n}" for n in range(16)]
    open_ones = (AnswerStatus.UNKNOWN, AnswerStatus.NOT_APPLICABLE)
    facts = [
        replace(
            f,
            answers_recorded=rng.choice((0, 0, 3, 9)),
            left_open={
                q: rng.choice(open_ones) for q in rng.sample(questions, rng.choice((0, 1, 2, 5)))
            },
        )
        for f in _facts(rng, 500)
    ]
    prompts = {q: f"Question {q}?" for q in questions[::2]}
    placed, _, _ = insights.place(facts, Scope(), Period.MONTH, UTC)
    chart = questions_left_open(placed, Wording(prompts=prompts))
    totals = {
        q: sum(1 for f in facts if q in f.left_open)
        for q in questions
        if any(q in f.left_open for f in facts)
    }
    order = list(prompts)
    expected = sorted(
        totals, key=lambda q: (-totals[q], order.index(q) if q in order else len(order), q)
    )
    shown = expected[:MAX_QUESTIONS_SHOWN]
    assert [c.key for c in chart.categories] == [f"q:{q}" for q in shown] + [UNKNOWN]
    cells = _cells(chart)
    for q in shown:
        for series, status in (("marked_unknown", open_ones[0]), ("not_applicable", open_ones[1])):
            assert cells[(series, f"q:{q}")] == frozenset(
                f.id for f in facts if f.left_open.get(q) is status
            )
        assert not cells[(UNKNOWN, f"q:{q}")]
    silent = frozenset(f.id for f in facts if not f.answers_recorded)
    assert cells[(UNKNOWN, UNKNOWN)] == silent and chart.unknown == len(silent)
    assert len(totals) > MAX_QUESTIONS_SHOWN  # some were left out


def test_the_scope_choices_count_each_value_once_per_incident() -> None:
    from collections import Counter

    from hindsight.services.insights import _each_once, _most_used

    rng = random.Random(7)
    names = ["a", "B", "b", "c", "été", "Z"]
    groups = [tuple(rng.choices(names, k=rng.choice((0, 1, 1, 2, 3, 6)))) for _ in range(3000)]
    counts = Counter(value for group in groups for value in set(group))
    expected = tuple(sorted(counts, key=lambda v: (-counts[v], v.casefold())))
    assert _most_used(_each_once(groups)) == expected
    assert any(len(set(group)) < len(group) for group in groups)  # repeats were there
