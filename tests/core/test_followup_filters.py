"""Filtering follow-ups as the Triage view does."""

from __future__ import annotations

from datetime import date

import pytest

from hindsight.core.followup_attention import Attention, AttentionReport, Flag
from hindsight.core.followup_filters import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    FollowUpFilter,
    apply_filter,
)
from hindsight.core.followup_regions import load_regions
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.paths import resources_dir

REGIONS = load_regions(resources_dir() / "followup_regions.toml")


def item(item_id, incident_id, owner, status, kind, priority, value, feasibility) -> FollowUp:
    history = [StatusStep(FollowUpStatus.OPEN, date(2026, 3, 1))]
    if status is not FollowUpStatus.OPEN:
        history.append(StatusStep(status, date(2026, 4, 1)))
    return FollowUp(
        title=f"item {item_id}",
        incident_id=incident_id,
        id=item_id,
        owner=owner,
        history=history,
        kind=kind,
        priority=priority,
        value=value,
        feasibility=feasibility,
    )


S, K, P = FollowUpStatus, FollowUpKind, Priority
ITEMS = [
    item(1, 1, "Sven", S.DONE, K.MONITORING, P.HIGHEST, 5, 4),  # do first
    item(2, 1, "Rohan", S.OPEN, K.PROCESS, P.HIGH, 4, 5),  # do first
    item(3, 2, "Nadia", S.OPEN, K.MONITORING, P.HIGH, 5, 1),  # strategic
    item(4, 2, "", S.BLOCKED, K.FIX, P.LOW, 2, 5),  # fill-in
    item(5, 3, "sven", S.WONT_DO, K.PROCESS, P.LOW, 3, 1),  # reconsider
]
REPORT = AttentionReport(flags={3: (Flag(Attention.LANGUISHING, "old"),)})


def kept(**criteria) -> list[int]:
    return [i.id for i in apply_filter(ITEMS, FollowUpFilter(**criteria), REGIONS, REPORT)]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({}, [1, 2, 3, 4, 5]),
        ({"incident_id": 2}, [3, 4]),
        ({"owner": "SVEN"}, [1, 5]),
        ({"owner": ""}, [4]),
        ({"statuses": OPEN_STATUSES}, [2, 3, 4]),
        ({"statuses": CLOSED_STATUSES}, [1, 5]),
        ({"statuses": frozenset({S.BLOCKED})}, [4]),
        ({"kind": K.MONITORING}, [1, 3]),
        ({"priority": P.LOW}, [4, 5]),
        ({"region": "do_first"}, [1, 2]),
        ({"region": "strategic"}, [3]),
        ({"region": "fill_ins"}, [4]),
        ({"region": "reconsider"}, [5]),
        ({"attention_only": True}, [3]),
        ({"incident_id": 1, "statuses": OPEN_STATUSES}, [2]),
        ({"kind": K.PROCESS, "owner": "rohan", "region": "do_first"}, [2]),
        ({"kind": K.FIX, "priority": P.HIGHEST}, []),
    ],
)
def test_every_criterion_must_hold(criteria: dict, expected: list[int]) -> None:
    assert kept(**criteria) == expected
