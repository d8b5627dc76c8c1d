"""Values of real postmortems: impact measures, factors, day precision, tracker references."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hindsight.core.enums import Phase
from hindsight.core.factors import ContributingFactor, FactorDate, factor_problems
from hindsight.core.fuzzy_time import FuzzyTime, FuzzyTimeError, Precision, days_text
from hindsight.core.impact import ImpactMeasure, headline, problems, summarise
from hindsight.core.incident import Incident
from hindsight.core.references import TrackerPattern, link_for, target_problems


def at(day: int, hour: int = 0) -> FuzzyTime:
    return FuzzyTime.exact(datetime(2025, 8, day, hour, tzinfo=UTC))


# -- impact measures ---------------------------------------------------------------------------


def test_a_measure_reads_as_people_write_it() -> None:
    assert ImpactMeasure("Queries lost", best=1.21e9, unit="queries").value_text() == (
        "1.21 billion queries"
    )
    share = ImpactMeasure("Errors", low=0.8, high=16, unit="%", slice="worst hour")
    assert share.value_text() == "0.8–16%"
    assert share.text() == "Errors: 0.8–16% (worst hour)"
    assert ImpactMeasure("Users", low=25, high=35, best=30, unit="%").value_text() == (
        "25–35% (best 30%)"
    )
    words = ImpactMeasure("Error budget", note="exceeded many times over")
    assert words.value_text() == "" and words.text() == "Error budget: exceeded many times over"
    # A number leads the list column, and its value leads the line.
    assert headline([words, share]) == "0.8–16% · Errors (worst hour)"


@pytest.mark.parametrize(
    ("measure", "fragment"),
    [
        (ImpactMeasure(""), "Say what was measured"),
        (ImpactMeasure("x", low=5, high=1), "swap them"),
        (ImpactMeasure("x", low=1, high=5, best=9), "above the highest"),
        (ImpactMeasure("x", best=float("nan")), "finite"),
        (ImpactMeasure("x"), "Give a value or a range"),
    ],
)
def test_a_measure_that_makes_no_sense_is_refused_with_the_field(
    measure: ImpactMeasure, fragment: str
) -> None:
    assert fragment in " ".join(problems(measure))


def test_amounts_add_up_where_units_agree_and_shares_are_only_compared() -> None:
    found = summarise(
        {
            1: [ImpactMeasure("Lost", low=100, high=300, best=200, unit="USD")],
            2: [
                ImpactMeasure("Lost", best=50, unit="usd"),
                ImpactMeasure("Lost again", best=20, unit="USD"),  # same cost, counted once
            ],
            3: [ImpactMeasure("Errors", best=16, unit="%"), ImpactMeasure("No number", note="x")],
            4: [ImpactMeasure("Errors", best=2, unit="percent")],
        }
    )
    money = next(s for s in found if not s.share)
    assert (money.low, money.best, money.high) == (150, 250, 350)
    assert money.incidents == (1, 2)
    shares = next(s for s in found if s.share)
    assert (shares.smallest, shares.largest, shares.median) == (2, 16, 9)
    assert "2% to 16%" in shares.total_text()


# -- day precision ------------------------------------------------------------------------------


def test_a_day_is_stored_as_the_day_whatever_hour_was_given() -> None:
    day = FuzzyTime.days(date(2025, 8, 5))
    assert day.precision is Precision.DAY and not day.is_exact
    assert (day.first_day, day.last_day, day.best_day) == (date(2025, 8, 5),) * 3
    assert days_text(day) == "5 Aug 2025"
    clock = datetime(2025, 8, 5, 17, 42, tzinfo=UTC)
    again = FuzzyTime(clock, clock, clock, precision=Precision.DAY)
    assert again == day  # an hour nobody knew is not kept
    span = FuzzyTime.days(date(2025, 8, 5), date(2025, 8, 7), date(2025, 8, 6))
    assert days_text(span) == "5–7 Aug 2025 (best 6 Aug 2025)"
    with pytest.raises(FuzzyTimeError):
        FuzzyTime.days(date(2025, 8, 7), date(2025, 8, 5))


# -- contributing factors -----------------------------------------------------------------------


def test_the_incidents_milestones_come_from_its_factors_unless_the_author_set_them() -> None:
    early = ContributingFactor("A", dates={FactorDate.BEGAN: at(1), FactorDate.MITIGATED: at(9)})
    late = ContributingFactor("B", dates={FactorDate.BEGAN: at(4), FactorDate.MITIGATED: at(20)})
    incident = Incident("x", factors=[early, late])
    derived = incident.effective_milestones()
    assert derived[Phase.OUTAGE_BEGINS].best == at(1).best  # the first to begin
    assert derived[Phase.MITIGATION].best == at(20).best  # the last to be mitigated
    unfinished = ContributingFactor("C", dates={FactorDate.BEGAN: at(6)})
    incident.factors.append(unfinished)
    assert Phase.MITIGATION not in incident.effective_milestones()  # not all mitigated yet
    incident.milestones[Phase.OUTAGE_BEGINS] = at(2)
    assert incident.effective_milestones()[Phase.OUTAGE_BEGINS] == at(2)  # the author's word
    backwards = ContributingFactor(
        "D", dates={FactorDate.BEGAN: at(10), FactorDate.MITIGATED: at(3)}
    )
    assert "mitigated is before began" in " ".join(factor_problems(backwards))


# -- tracker references -------------------------------------------------------------------------


def test_references_are_accepted_and_linked_through_the_teams_pattern() -> None:
    assert target_problems("PROJ-42") == []
    assert target_problems("Bug 5554823") == []
    assert "http://" in " ".join(target_problems("javascript:alert(1)"))
    pattern = TrackerPattern("PROJ-*", "https://tracker.example.com/browse/{ref}")
    assert pattern.problems() == []
    assert link_for("PROJ-42", [pattern]) == "https://tracker.example.com/browse/PROJ-42"
    assert link_for("OTHER-1", [pattern]) == ""  # stays plain text
    assert link_for("https://x.example/1", []) == "https://x.example/1"
    assert TrackerPattern("PROJ", "ftp://x/{ref}").problems()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e308, "1e+308"),  # was "1e+296 trillion" (found by trying the app)
        (2.5e15, "2.5e+15"),
        (999e12, "999 trillion"),
        (1.21e9, "1.21 billion"),
        (-3e20, "-3e+20"),
        (12500, "12,500"),
    ],
)
def test_numbers_past_trillions_are_written_with_an_exponent(value: float, text: str) -> None:
    from hindsight.core.impact import number_text

    assert number_text(value) == text
