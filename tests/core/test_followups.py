"""The follow-up record: status history, derived dates, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hindsight.core.followups import (
    FollowUp,
    FollowUpError,
    FollowUpStatus,
    Priority,
    StatusStep,
    check,
    problems,
)

D = date


def item(**changes) -> FollowUp:
    fields = {
        "title": "Alert on model age",
        "incident_id": 1,
        "history": [StatusStep(FollowUpStatus.OPEN, D(2026, 3, 24))],
    }
    fields.update(changes)
    return FollowUp(**fields)


def test_status_and_dates_come_from_the_history() -> None:
    followup = item(
        history=[
            StatusStep(FollowUpStatus.OPEN, D(2026, 3, 24)),
            StatusStep(FollowUpStatus.IN_PROGRESS, D(2026, 3, 26)),
            StatusStep(FollowUpStatus.DONE, D(2026, 4, 9)),
        ]
    )
    assert followup.status is FollowUpStatus.DONE
    assert followup.status_since == D(2026, 4, 9)
    assert followup.opened_on == D(2026, 3, 24)
    assert followup.is_closed
    assert followup.cell == (3, 3)


def test_an_item_without_history_is_open_and_dated_by_its_creation() -> None:
    followup = item(history=[], created_at=datetime(2026, 5, 2, 23, 0, tzinfo=UTC))
    assert followup.status is FollowUpStatus.OPEN
    assert followup.status_since is None
    assert followup.opened_on == D(2026, 5, 2)
    assert not followup.is_closed


@pytest.mark.parametrize(
    ("status", "closed"),
    [
        (FollowUpStatus.OPEN, False),
        (FollowUpStatus.IN_PROGRESS, False),
        (FollowUpStatus.BLOCKED, False),
        (FollowUpStatus.DONE, True),
        (FollowUpStatus.WONT_DO, True),
    ],
)
def test_closed_statuses(status: FollowUpStatus, closed: bool) -> None:
    assert status.is_closed is closed


def test_with_status_appends_a_step_or_redates_the_current_one() -> None:
    original = item()
    started = original.with_status(FollowUpStatus.IN_PROGRESS, D(2026, 4, 1))
    assert [s.status for s in started.history] == [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS]
    assert original.status is FollowUpStatus.OPEN, "the original is left alone"
    redated = started.with_status(FollowUpStatus.IN_PROGRESS, D(2026, 4, 3))
    assert len(redated.history) == 2
    assert redated.status_since == D(2026, 4, 3)


def test_priority_rank_runs_from_highest() -> None:
    assert [p.rank for p in Priority] == [0, 1, 2, 3, 4]
    assert [p.label for p in Priority] == ["Highest", "High", "Medium", "Low", "Nice to have"]


def test_a_sound_item_has_no_problems() -> None:
    assert problems(item(tracker="https://tracker.example.com/X-1")) == []
    assert check(item()) is not None


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"title": "  "}, "needs a title"),
        ({"title": "x" * 501}, "longer than 500"),
        ({"owner": "x" * 201}, "owner is longer"),
        ({"value": 0}, "value must be a whole number from 1 to 5"),
        ({"value": 6}, "value must be"),
        ({"feasibility": 0}, "feasibility must be"),
        ({"feasibility": 6}, "feasibility must be"),
        ({"value": True}, "value must be"),
        ({"history": []}, "needs a status"),
        (
            {
                "history": [
                    StatusStep(FollowUpStatus.OPEN, D(2026, 3, 24)),
                    StatusStep(FollowUpStatus.DONE, D(2026, 3, 23)),
                ]
            },
            "goes back in time",
        ),
        (
            {
                "history": [
                    StatusStep(FollowUpStatus.OPEN, D(2026, 3, 24)),
                    StatusStep(FollowUpStatus.OPEN, D(2026, 3, 25)),
                ]
            },
            "repeats Open",
        ),
        ({"tracker": "javascript:alert(1)"}, "http:// or https://"),
        ({"tracker": "file:///etc/passwd"}, "http:// or https://"),
        ({"tracker": "https://"}, "http:// or https://"),
    ],
)
def test_problems_name_the_field(changes: dict, fragment: str) -> None:
    found = " ".join(problems(item(**changes)))
    assert fragment in found
    with pytest.raises(FollowUpError, match=fragment.split()[0]):
        check(item(**changes))


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_level_of_the_scale_is_accepted(level: int) -> None:
    assert problems(item(value=level, feasibility=level)) == []
