"""The attention rules, each at its threshold, with a fixed "today"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hindsight.core.followup_attention import (
    Attention,
    AttentionCounts,
    AttentionSettings,
    Cutoffs,
    assess,
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
TODAY = date(2026, 11, 26)
SETTINGS = AttentionSettings()  # 30 days after publishing, 90 days for monitoring, no grace


def item(item_id: int = 1, *, opened: date = date(2026, 9, 1), **changes) -> FollowUp:
    status = changes.pop("status", FollowUpStatus.OPEN)
    history = [StatusStep(FollowUpStatus.OPEN, opened)]
    if status is not FollowUpStatus.OPEN:
        history.append(StatusStep(status, opened))
    fields = {"title": "x", "incident_id": 7, "incident_key": "HS-7", "id": item_id}
    fields.update(changes)
    return FollowUp(history=history, **fields)


def kinds(items, *, published=None, settings=SETTINGS, today=TODAY) -> dict[int, list[Attention]]:
    report = assess(
        items, regions=REGIONS, published=published or {}, settings=settings, today=today
    )
    return {item_id: [f.kind for f in flags] for item_id, flags in report.flags.items()}


# -- overdue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "overdue"),
    [
        (TODAY + timedelta(days=1), False),
        (TODAY, False),  # due today is not late yet
        (TODAY - timedelta(days=1), True),
    ],
)
def test_overdue_from_the_day_after_the_due_date(due: date, overdue: bool) -> None:
    assert kinds([item(due=due)]) == ({1: [Attention.OVERDUE]} if overdue else {})


def test_overdue_grace_days() -> None:
    settings = AttentionSettings(overdue_grace_days=3)
    assert kinds([item(due=TODAY - timedelta(days=3))], settings=settings) == {}
    assert kinds([item(due=TODAY - timedelta(days=4))], settings=settings) == {
        1: [Attention.OVERDUE]
    }


@pytest.mark.parametrize("status", [FollowUpStatus.DONE, FollowUpStatus.WONT_DO])
def test_closed_items_never_need_attention(status: FollowUpStatus) -> None:
    closed = item(
        due=date(2026, 1, 1),
        status=status,
        kind=FollowUpKind.MONITORING,
        opened=date(2025, 1, 1),
        priority=Priority.HIGHEST,
        value=5,
        feasibility=1,
        next_senior_review=date(2026, 2, 1),
    )
    assert kinds([closed], published={7: date(2025, 2, 1)}) == {}


def test_items_without_due_date_are_never_overdue() -> None:
    assert kinds([item(due=None)]) == {}


# -- Highest items after publishing -----------------------------------------------------------


def highest(item_id: int, status: FollowUpStatus = FollowUpStatus.OPEN) -> FollowUp:
    return item(item_id, priority=Priority.HIGHEST, status=status)


@pytest.mark.parametrize(
    ("days_since_publishing", "flagged"),
    [(29, False), (30, True), (31, True)],
)
def test_highest_items_open_n_days_after_publishing(
    days_since_publishing: int, flagged: bool
) -> None:
    published = {7: TODAY - timedelta(days=days_since_publishing)}
    items = [highest(1), highest(2, FollowUpStatus.DONE), item(3, priority=Priority.HIGH)]
    report = assess(items, regions=REGIONS, published=published, settings=SETTINGS, today=TODAY)
    if not flagged:
        assert report.flags == {} and report.reviews == ()
        return
    assert {k: [f.kind for f in v] for k, v in report.flags.items()} == {
        1: [Attention.BLOCKER_REVIEW]
    }
    [review] = report.reviews
    assert (review.incident_key, review.open_items, review.days_since) == (
        "HS-7",
        (1,),
        days_since_publishing,
    )
    assert "hold a review of what blocks them" in review.message
    assert report.badges(1) == ["Needs review"]


def test_no_review_when_every_highest_item_is_closed() -> None:
    items = [highest(1, FollowUpStatus.DONE), highest(2, FollowUpStatus.WONT_DO)]
    assert kinds(items, published={7: date(2026, 1, 1)}) == {}


def test_no_review_for_an_unpublished_incident() -> None:
    assert kinds([highest(1)], published={8: date(2026, 1, 1)}) == {}


def test_the_threshold_is_a_setting() -> None:
    published = {7: TODAY - timedelta(days=10)}
    assert kinds([highest(1)], published=published) == {}
    assert kinds(
        [highest(1)], published=published, settings=AttentionSettings(highest_review_days=10)
    ) == {1: [Attention.BLOCKER_REVIEW]}


# -- languishing monitoring -------------------------------------------------------------------


@pytest.mark.parametrize(("age", "languishing"), [(89, False), (90, False), (91, True)])
def test_monitoring_open_longer_than_m_days_languishes(age: int, languishing: bool) -> None:
    monitoring = item(kind=FollowUpKind.MONITORING, opened=TODAY - timedelta(days=age))
    assert kinds([monitoring]) == ({1: [Attention.LANGUISHING]} if languishing else {})


def test_only_monitoring_items_languish() -> None:
    old_fix = item(kind=FollowUpKind.FIX, opened=TODAY - timedelta(days=400))
    assert kinds([old_fix]) == {}


def test_languishing_threshold_is_a_setting() -> None:
    monitoring = item(kind=FollowUpKind.MONITORING, opened=TODAY - timedelta(days=20))
    assert kinds([monitoring], settings=AttentionSettings(languishing_days=19)) == {
        1: [Attention.LANGUISHING]
    }


# -- strategic items and their senior review --------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "due"),
    [(TODAY - timedelta(days=1), True), (TODAY, False), (TODAY + timedelta(days=1), False)],
)
def test_strategic_item_past_its_senior_review(planned: date, due: bool) -> None:
    strategic = item(value=5, feasibility=1, next_senior_review=planned)
    assert kinds([strategic]) == ({1: [Attention.SENIOR_REVIEW]} if due else {})


def test_a_senior_review_date_outside_strategic_regions_is_ignored() -> None:
    tactical = item(value=5, feasibility=5, next_senior_review=date(2026, 1, 1))
    assert kinds([tactical]) == {}


# -- together ---------------------------------------------------------------------------------


def test_one_item_can_need_attention_for_several_reasons() -> None:
    everything = item(
        kind=FollowUpKind.MONITORING,
        priority=Priority.HIGHEST,
        opened=date(2026, 1, 5),
        due=date(2026, 3, 1),
        value=5,
        feasibility=1,
        next_senior_review=date(2026, 10, 1),
    )
    report = assess(
        [everything],
        regions=REGIONS,
        published={7: date(2026, 2, 1)},
        settings=SETTINGS,
        today=TODAY,
    )
    assert [f.kind for f in report.of(1)] == list(Attention)
    assert report.badges(1) == ["Overdue", "Needs review", "Languishing"]
    assert report.count == 1
    assert "Due on 2026-03-01, 270 days ago." in report.of(1)[0].reason


# -- settings ---------------------------------------------------------------------------------


def test_settings_defaults_and_round_trip() -> None:
    assert SETTINGS.to_mapping() == {
        "highest_review_days": 30,
        "languishing_days": 90,
        "overdue_grace_days": 0,
    }
    chosen = AttentionSettings(highest_review_days=14, languishing_days=60, overdue_grace_days=2)
    assert AttentionSettings.from_mapping(chosen.to_mapping()) == chosen


def test_unusable_stored_settings_fall_back_to_defaults() -> None:
    stored = {"highest_review_days": "soon", "languishing_days": 0, "overdue_grace_days": True}
    assert AttentionSettings.from_mapping(stored) == AttentionSettings()


def test_settings_refuse_out_of_range_values() -> None:
    with pytest.raises(ValueError, match="languishing_days"):
        AttentionSettings(languishing_days=0)


# -- cut-offs and counts ----------------------------------------------------------------------


def test_cutoffs_are_the_rules_thresholds_as_days() -> None:
    rules = Cutoffs.of(
        AttentionSettings(highest_review_days=30, languishing_days=90, overdue_grace_days=3),
        TODAY,
    )
    assert rules.overdue_before == TODAY - timedelta(days=3)
    assert rules.opened_before == TODAY - timedelta(days=90)
    assert rules.published_by == TODAY - timedelta(days=30)
    # Each rule flips exactly at its cut-off day.
    assert not rules.overdue(item(due=rules.overdue_before))
    assert rules.overdue(item(due=rules.overdue_before - timedelta(days=1)))
    monitoring = {"kind": FollowUpKind.MONITORING}
    assert not rules.languishing(item(opened=rules.opened_before, **monitoring))
    assert rules.languishing(item(opened=rules.opened_before - timedelta(days=1), **monitoring))
    highest = item(priority=Priority.HIGHEST)
    assert rules.blocker_review_due(highest, rules.published_by)
    assert not rules.blocker_review_due(highest, rules.published_by + timedelta(days=1))


def test_counts_add_up_when_an_item_needs_attention_for_several_reasons() -> None:
    everything = item(
        1,
        kind=FollowUpKind.MONITORING,
        opened=date(2026, 1, 5),
        due=date(2026, 3, 1),
        value=5,
        feasibility=1,
        next_senior_review=date(2026, 10, 1),
    )
    late = [item(n, due=date(2026, 3, 1)) for n in (2, 3)]
    report = assess(
        [everything, *late], regions=REGIONS, published={}, settings=SETTINGS, today=TODAY
    )
    counts = report.counts()
    assert counts.items == 3 and counts.reasons == 5
    sentence = counts.sentence()
    assert sentence == (
        "3 items need attention, for 5 reasons: 3 overdue, 1 languishing, 1 senior review due."
    )
    assert AttentionCounts(2, {Attention.OVERDUE: 2}).sentence() == (
        "2 items need attention: 2 overdue."
    )
    assert AttentionCounts().sentence() == "Nothing needs attention."
