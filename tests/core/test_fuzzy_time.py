"""FuzzyTime validation, durations between fuzzy times, milestone order checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hindsight.core.enums import Confidence, Phase
from hindsight.core.fuzzy_time import (
    DurationRange,
    FuzzyTime,
    FuzzyTimeError,
    OrderIssue,
    OrderProblem,
    check_order,
    duration_between,
    ensure_utc,
    format_duration,
    headline_durations,
)

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def fuzzy(earliest: float, best: float, latest: float) -> FuzzyTime:
    """A fuzzy time given in hours after T0."""
    return FuzzyTime(at(earliest), at(latest), at(best))


def exact(hours: float) -> FuzzyTime:
    return FuzzyTime.exact(at(hours))


# -- strategies -------------------------------------------------------------------------------

zones = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=zones
)


@st.composite
def fuzzy_times(draw: st.DrawFn) -> FuzzyTime:
    a, b, c = sorted([draw(instants) for _ in range(3)])
    return FuzzyTime(a, c, b, draw(st.sampled_from(Confidence)))


# -- validation -------------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 16, 9, 0)
    with pytest.raises(FuzzyTimeError, match="time zone"):
        FuzzyTime(naive, naive, naive)
    with pytest.raises(FuzzyTimeError):
        FuzzyTime(T0, naive, T0)
    with pytest.raises(FuzzyTimeError):
        FuzzyTime.exact(naive)


def test_earliest_after_latest_is_refused() -> None:
    with pytest.raises(FuzzyTimeError, match="earliest time is after the latest"):
        FuzzyTime(at(2), at(1), at(1))


@pytest.mark.parametrize("best", [-1, 3])
def test_best_guess_outside_the_range_is_refused(best: float) -> None:
    with pytest.raises(FuzzyTimeError, match="best guess"):
        FuzzyTime(at(0), at(2), at(best))


def test_fuzzy_time_error_is_a_value_error() -> None:
    # Callers that validate input catch ValueError.
    assert issubclass(FuzzyTimeError, ValueError)


def test_times_are_normalised_to_utc() -> None:
    paris = timezone(timedelta(hours=2))
    local = datetime(2026, 6, 1, 12, 0, tzinfo=paris)
    when = FuzzyTime(local, local + timedelta(hours=1), local)
    assert when.earliest.tzinfo is UTC
    assert when.best.tzinfo is UTC
    assert when.earliest == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert ensure_utc(local).hour == 10


def test_confidence_is_coerced_and_checked() -> None:
    when = FuzzyTime(at(0), at(1), at(0), "low")  # type: ignore[arg-type]
    assert when.confidence is Confidence.LOW
    with pytest.raises(ValueError):
        FuzzyTime(at(0), at(1), at(0), "certain")  # type: ignore[arg-type]


def test_exact_time() -> None:
    when = FuzzyTime.exact(T0, "from the chat log")
    assert (when.earliest, when.best, when.latest) == (T0, T0, T0)
    assert when.confidence is Confidence.HIGH
    assert when.note == "from the chat log"
    assert when.is_exact
    assert when.width == timedelta(0)


def test_width_and_with_note() -> None:
    when = fuzzy(0, 1, 3)
    assert not when.is_exact
    assert when.width == timedelta(hours=3)
    noted = when.with_note("guess")
    assert noted.note == "guess"
    assert (noted.earliest, noted.best, noted.latest) == (when.earliest, when.best, when.latest)
    assert when.note == ""


def test_fuzzy_time_is_immutable() -> None:
    when = exact(0)
    with pytest.raises(AttributeError):
        when.best = at(1)  # type: ignore[misc]


# -- durations --------------------------------------------------------------------------------


def test_duration_between_ranges() -> None:
    start = fuzzy(0, 1, 2)  # 00:00 .. 02:00, best 01:00
    end = fuzzy(10, 11, 14)  # 10:00 .. 14:00, best 11:00
    span = duration_between(start, end)
    assert span == DurationRange(
        shortest=timedelta(hours=8), longest=timedelta(hours=14), best=timedelta(hours=10)
    )
    assert not span.is_exact


def test_duration_between_overlapping_ranges_starts_at_zero() -> None:
    span = duration_between(fuzzy(0, 2, 4), fuzzy(3, 5, 6))
    assert span is not None
    assert span.shortest == timedelta(0)
    assert span.longest == timedelta(hours=6)
    assert span.best == timedelta(hours=3)


def test_duration_between_is_none_when_end_must_precede_start() -> None:
    assert duration_between(fuzzy(5, 6, 7), fuzzy(1, 2, 4)) is None
    assert duration_between(exact(1), exact(0)) is None


def test_duration_between_touching_ranges_is_zero_not_none() -> None:
    span = duration_between(exact(2), exact(2))
    assert span == DurationRange(timedelta(0), timedelta(0), timedelta(0))


def test_duration_best_guess_is_clipped_into_the_range() -> None:
    # The best guesses are in the wrong order (end's best before start's best), yet the end
    # may still come after the start: best is clipped up to the shortest possible duration.
    span = duration_between(fuzzy(0, 5, 6), fuzzy(1, 2, 8))
    assert span is not None
    assert span.best == span.shortest == timedelta(0)
    assert span.longest == timedelta(hours=8)


def test_exact_times_give_exact_durations() -> None:
    span = duration_between(exact(0), exact(27.5))
    assert span is not None
    assert span.is_exact
    assert span.best == timedelta(hours=27, minutes=30)
    assert span.describe() == "1 d 3 h"


def test_describe_range() -> None:
    span = DurationRange(timedelta(days=2), timedelta(days=5), timedelta(days=3, hours=4))
    assert span.describe() == "2 d – 5 d (best 3 d 4 h)"


@given(fuzzy_times(), fuzzy_times())
def test_duration_is_none_exactly_when_end_must_precede_start(
    start: FuzzyTime, end: FuzzyTime
) -> None:
    span = duration_between(start, end)
    assert (span is None) == (end.latest < start.earliest)


@given(fuzzy_times(), fuzzy_times())
def test_duration_range_is_ordered(start: FuzzyTime, end: FuzzyTime) -> None:
    span = duration_between(start, end)
    assume(span is not None)
    assert timedelta(0) <= span.shortest <= span.best <= span.longest


@given(
    fuzzy_times(),
    fuzzy_times(),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_duration_range_contains_every_possible_duration(
    start: FuzzyTime, end: FuzzyTime, u: float, v: float
) -> None:
    # Any true start instant and true end instant, end after start, give a duration inside
    # the range: the range is never narrower than what the evidence allows.
    true_start = start.earliest + start.width * u
    true_end = end.earliest + end.width * v
    assume(true_end >= true_start)
    span = duration_between(start, end)
    assert span is not None
    assert span.shortest <= true_end - true_start <= span.longest


@given(instants, instants)
def test_exact_times_property(a: datetime, b: datetime) -> None:
    span = duration_between(FuzzyTime.exact(a), FuzzyTime.exact(b))
    if b < a:
        assert span is None
    else:
        assert span is not None
        assert span.is_exact
        assert span.shortest == span.best == span.longest == b - a


@given(instants)
def test_any_aware_instant_becomes_the_same_instant_in_utc(moment: datetime) -> None:
    when = FuzzyTime.exact(moment)
    assert when.best.tzinfo is UTC
    assert when.best == moment


# -- order checks -----------------------------------------------------------------------------


def test_milestones_in_order_have_no_issues() -> None:
    milestones = {
        Phase.TRIGGER: fuzzy(0, 1, 2),
        Phase.OUTAGE_BEGINS: fuzzy(1, 3, 5),
        Phase.DETECTION: exact(6),
        Phase.RESOLUTION: exact(20),
    }
    assert check_order(milestones) == []


def test_impossible_order() -> None:
    milestones = {Phase.DETECTION: exact(5), Phase.MITIGATION: exact(4)}
    assert check_order(milestones) == [
        OrderIssue(Phase.DETECTION, Phase.MITIGATION, OrderProblem.IMPOSSIBLE)
    ]


def test_doubtful_order() -> None:
    # Overlapping ranges: possible, but the best guesses are reversed.
    milestones = {Phase.OUTAGE_BEGINS: fuzzy(0, 4, 6), Phase.DETECTION: fuzzy(1, 2, 8)}
    assert check_order(milestones) == [
        OrderIssue(Phase.OUTAGE_BEGINS, Phase.DETECTION, OrderProblem.DOUBTFUL)
    ]


def test_order_ignores_the_mapping_order() -> None:
    # The phases decide which milestone must come first, not the order of insertion.
    milestones = {Phase.MITIGATION: exact(4), Phase.DETECTION: exact(5)}
    assert check_order(milestones) == [
        OrderIssue(Phase.DETECTION, Phase.MITIGATION, OrderProblem.IMPOSSIBLE)
    ]


def test_order_checks_non_adjacent_pairs() -> None:
    # The trigger/detection pair is fine; the only impossible pair is not adjacent.
    milestones = {
        Phase.TRIGGER: fuzzy(10, 10, 10),
        Phase.DETECTION: fuzzy(0, 11, 30),
        Phase.RESOLUTION: exact(5),
    }
    issues = check_order(milestones)
    assert OrderIssue(Phase.TRIGGER, Phase.RESOLUTION, OrderProblem.IMPOSSIBLE) in issues
    assert OrderIssue(Phase.DETECTION, Phase.RESOLUTION, OrderProblem.DOUBTFUL) in issues
    assert len(issues) == 2


def test_equal_times_are_in_order() -> None:
    assert check_order({Phase.DETECTION: exact(1), Phase.TROUBLESHOOTING: exact(1)}) == []


@given(st.lists(instants, min_size=2, max_size=len(Phase), unique=True))
def test_reversed_exact_milestones_are_all_impossible(moments: list[datetime]) -> None:
    phases = list(Phase)[: len(moments)]
    ordered = sorted(moments)
    assert check_order(dict(zip(phases, map(FuzzyTime.exact, ordered), strict=True))) == []
    backwards = dict(zip(phases, map(FuzzyTime.exact, reversed(ordered)), strict=True))
    issues = check_order(backwards)
    n = len(moments)
    assert len(issues) == n * (n - 1) // 2
    assert {issue.problem for issue in issues} == {OrderProblem.IMPOSSIBLE}


# -- headline durations -----------------------------------------------------------------------


def test_headline_durations_measure_from_outage_start() -> None:
    milestones = {
        Phase.TRIGGER: exact(-5),
        Phase.OUTAGE_BEGINS: fuzzy(0, 1, 2),
        Phase.DETECTION: exact(3),
        Phase.MITIGATION: exact(5),
        Phase.RESOLUTION: exact(49),
    }
    result = headline_durations(milestones)
    assert set(result) == {"time_to_detect", "time_to_mitigate", "time_to_resolve"}
    assert result["time_to_detect"] == DurationRange(
        timedelta(hours=1), timedelta(hours=3), timedelta(hours=2)
    )
    assert result["time_to_mitigate"] == DurationRange(
        timedelta(hours=3), timedelta(hours=5), timedelta(hours=4)
    )
    assert result["time_to_resolve"].best == timedelta(hours=48)


def test_headline_durations_skip_unknown_milestones() -> None:
    assert headline_durations({}) == {}
    assert headline_durations({Phase.DETECTION: exact(3)}) == {}
    result = headline_durations({Phase.OUTAGE_BEGINS: exact(0), Phase.MITIGATION: exact(2)})
    assert list(result) == ["time_to_mitigate"]


def test_headline_duration_is_none_when_impossible() -> None:
    result = headline_durations({Phase.OUTAGE_BEGINS: exact(5), Phase.DETECTION: exact(1)})
    assert result == {"time_to_detect": None}


# -- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(minutes=90), "1 h 30 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=1, minutes=30), "1 d"),
        (timedelta(days=3, hours=4), "3 d 4 h"),
        (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
        (timedelta(days=22), "22 d"),
    ],
)
def test_format_duration(span: timedelta, text: str) -> None:
    assert format_duration(span) == text


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)))
def test_format_duration_uses_at_most_two_units(span: timedelta) -> None:
    parts = format_duration(span).split()
    assert 2 <= len(parts) <= 4
    units = parts[1::2]
    assert len(units) == len(set(units))
    assert set(units) <= {"d", "h", "min"}
