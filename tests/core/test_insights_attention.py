"""The attention chart counts what the Triage view's rules flag, item for item."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from hindsight.core.followup_attention import AttentionSettings, assess
from hindsight.core.followups import (
    SCALE,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.insights_work import ATTENTION_LABELS, attention_counts

from .test_insights import REGIONS

TODAY = date(2025, 6, 1)


def items(seed: int, count: int = 400) -> tuple[list[FollowUp], dict[int, date]]:
    """Items meeting every rule, none or several, some closed, some without an id."""
    rng = random.Random(seed)
    made: list[FollowUp] = []
    for n in range(count):
        opened = TODAY - timedelta(days=rng.randint(0, 400))
        history = [StatusStep(FollowUpStatus.OPEN, opened if rng.random() < 0.9 else None)]
        if rng.random() < 0.3:
            history.append(StatusStep(rng.choice(list(FollowUpStatus)), opened + timedelta(3)))
        made.append(
            FollowUp(
                title=f"item {n}",
                incident_id=rng.randint(1, 40),
                history=history,
                priority=rng.choice(list(Priority)),
                kind=rng.choice([FollowUpKind.MONITORING, FollowUpKind.FIX]),
                due=TODAY - timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.6 else None,
                value=rng.choice(SCALE),
                feasibility=rng.choice(SCALE),
                next_senior_review=(
                    TODAY + timedelta(days=rng.randint(-60, 60)) if rng.random() < 0.5 else None
                ),
                id=None if rng.random() < 0.05 else n + 1,
            )
        )
    published = {
        incident: TODAY - timedelta(days=rng.randint(0, 300))
        for incident in range(1, 41)
        if rng.random() < 0.6
    }
    return made, published


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "settings",
    [AttentionSettings(), AttentionSettings(overdue_grace_days=0, languishing_days=30)],
)
def test_the_counts_are_those_of_the_triage_rules(seed: int, settings: AttentionSettings) -> None:
    found, published = items(seed)
    chart = attention_counts(
        found, 40, published=published, regions=REGIONS, settings=settings, today=TODAY
    )
    report = assess(found, regions=REGIONS, published=published, settings=settings, today=TODAY)
    owner = {item.id: item.incident_id for item in found if item.id is not None}
    for kind, _ in ATTENTION_LABELS:
        flagged = [i for i, flags in report.flags.items() if any(f.kind is kind for f in flags)]
        assert chart.value("items", kind.value) == len(flagged)
        assert chart.ids("items", kind.value) == {owner[i] for i in flagged}
        assert flagged, f"the random items meet the {kind.value} rule at least once"
