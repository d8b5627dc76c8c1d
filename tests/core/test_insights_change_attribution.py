"""The change attribution chart against a plain reading of its rule, on random verdicts.

The chart counts, for each kind of change, the incidents that implicated it, ruled it out or
found it not applicable, and the rest of the scope as unknown; it is worked out in one pass
over every verdict of every incident in scope (core/insights.py `change_attribution`), and
must say what the rule says, kinds outside the bank included.
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
