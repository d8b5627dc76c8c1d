"""The ranking rule: groups, then region, priority, value, feasibility, age, id."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hindsight.core.followup_ranking import RankGroup, rank
from hindsight.core.followup_regions import load_regions
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.paths import resources_dir

REGIONS = load_regions(resources_dir() / "followup_regions.toml")


def item(
    item_id: int,
    *,
    value: int = 4,
    feasibility: int = 4,
    priority: Priority = Priority.MEDIUM,
    opened: date = date(2026, 3, 1),
    status: FollowUpStatus = FollowUpStatus.OPEN,
) -> FollowUp:
    history = [StatusStep(FollowUpStatus.OPEN, opened)]
    if status is not FollowUpStatus.OPEN:
        history.append(StatusStep(status, opened))
    return FollowUp(
        title=f"item {item_id}",
        incident_id=1,
        id=item_id,
        value=value,
        feasibility=feasibility,
        priority=priority,
        history=history,
    )


def ids(items) -> list[int]:
    return [entry.item.id for entry in rank(items, REGIONS)]


def test_region_comes_first() -> None:
    # A Low item doing first outranks a Highest fill-in and a Highest item to reconsider.
    do_first = item(1, value=4, feasibility=3, priority=Priority.LOW)
    fill_in = item(2, value=3, feasibility=5, priority=Priority.HIGHEST)
    reconsider = item(3, value=3, feasibility=2, priority=Priority.HIGHEST)
    assert ids([reconsider, fill_in, do_first]) == [1, 2, 3]


def test_then_priority() -> None:
    items = [item(n, priority=p) for n, p in zip((1, 2, 3, 4, 5), reversed(Priority), strict=True)]
    assert ids(items) == [5, 4, 3, 2, 1]


def test_then_value_highest_first() -> None:
    assert ids([item(1, value=4), item(2, value=5)]) == [2, 1]


def test_then_feasibility_easiest_first() -> None:
    assert ids([item(1, feasibility=3), item(2, feasibility=5), item(3, feasibility=4)]) == [
        2,
        3,
        1,
    ]


def test_then_age_oldest_first() -> None:
    young = item(1, opened=date(2026, 6, 1))
    old = item(2, opened=date(2026, 1, 1))
    assert ids([young, old]) == [2, 1]


def test_then_id_for_a_stable_order() -> None:
    assert ids([item(9), item(3), item(5)]) == [3, 5, 9]


def test_priority_is_weighed_before_value_and_value_before_feasibility() -> None:
    urgent_but_smaller = item(1, value=4, feasibility=3, priority=Priority.HIGHEST)
    bigger = item(2, value=5, feasibility=5, priority=Priority.HIGH)
    assert ids([bigger, urgent_but_smaller]) == [1, 2]
    valuable_but_harder = item(3, value=5, feasibility=3)
    easy = item(4, value=4, feasibility=5)
    assert ids([easy, valuable_but_harder]) == [3, 4]


def test_strategic_items_are_listed_apart_after_tactical_work() -> None:
    strategic = item(1, value=5, feasibility=1, priority=Priority.HIGHEST)
    reconsider = item(2, value=1, feasibility=1, priority=Priority.NICE_TO_HAVE)
    second_strategic = item(3, value=4, feasibility=2, priority=Priority.LOW)
    ranked = rank([strategic, second_strategic, reconsider], REGIONS)
    assert [(e.item.id, e.group, e.label) for e in ranked] == [
        (2, RankGroup.TACTICAL, "1"),
        (1, RankGroup.STRATEGIC, "S1"),
        (3, RankGroup.STRATEGIC, "S2"),
    ]


def test_closed_items_come_last_without_a_number() -> None:
    done = item(1, value=5, feasibility=5, priority=Priority.HIGHEST, status=FollowUpStatus.DONE)
    dropped = item(2, value=5, feasibility=5, status=FollowUpStatus.WONT_DO)
    waiting = item(3, value=1, feasibility=1, priority=Priority.NICE_TO_HAVE)
    ranked = rank([done, dropped, waiting], REGIONS)
    assert [(e.item.id, e.label) for e in ranked] == [(3, "1"), (1, ""), (2, "")]
    assert ranked[1].group is RankGroup.CLOSED
    assert ranked[0].region.key == "reconsider"


items_strategy = st.lists(
    st.builds(
        item,
        st.integers(1, 10_000),
        value=st.integers(1, 5),
        feasibility=st.integers(1, 5),
        priority=st.sampled_from(list(Priority)),
        opened=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
        status=st.sampled_from(list(FollowUpStatus)),
    ),
    max_size=40,
    unique_by=lambda i: i.id,
)


@given(items_strategy, st.randoms())
def test_the_order_does_not_depend_on_the_input_order(items, rng: random.Random) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert ids(shuffled) == ids(items)
    ranked = rank(items, REGIONS)
    groups = [entry.group for entry in ranked]
    assert groups == sorted(groups)
    for group in RankGroup:
        positions = [e.position for e in ranked if e.group is group]
        assert positions == list(range(1, len(positions) + 1))
