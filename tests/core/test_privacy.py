"""Privacy rules: the approver rule, what an entry needs, flags, history diffs, the checklist."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from hindsight.core.privacy import (
    AccessDetails,
    AccessFlag,
    ChecklistError,
    DataCategory,
    DataCopy,
    EthicsAnswer,
    EthicsChoice,
    access_flags,
    approver_problem,
    changes_between,
    open_required_items,
    overdue_copies,
    parse_checklist,
    validation_problems,
)
from hindsight.paths import resources_dir

WHEN = datetime(2026, 9, 3, 11, 15, tzinfo=UTC)


def details(**changes) -> AccessDetails:
    base = AccessDetails(
        accessor="Ravi Menon",
        accessed_at=WHEN,
        dataset="recs-query-log",
        categories=(DataCategory.SEARCH_QUERIES,),
        volume=100_000,
        justification="Replay against the July models.",
        approver="Gabriela Souza",
    )
    return replace(base, **changes)


# -- the approver rule ------------------------------------------------------------------------


def test_personal_data_needs_an_approver() -> None:
    assert approver_problem(details()) == ""
    assert "without a recorded approver" in approver_problem(details(approver=""))
    assert "without a recorded approver" in approver_problem(details(approver="   "))


@pytest.mark.parametrize(
    "category", [DataCategory.AGGREGATES_ONLY, DataCategory.SYNTHETIC], ids=str
)
def test_aggregates_and_synthetic_data_need_no_approver(category: DataCategory) -> None:
    assert approver_problem(details(categories=(category,), approver="")) == ""


@pytest.mark.parametrize("category", [c for c in DataCategory if c.is_personal], ids=str)
def test_every_personal_category_needs_an_approver(category: DataCategory) -> None:
    mixed = (DataCategory.AGGREGATES_ONLY, category)
    assert approver_problem(details(categories=mixed, approver=""))


@pytest.mark.parametrize("approver", ["Ravi Menon", "ravi menon", "  Ravi   Menon "])
def test_nobody_approves_their_own_access(approver: str) -> None:
    entry = details(approver=approver)
    assert "second person" in approver_problem(entry)
    assert any("second person" in p for p in validation_problems(entry))


def test_missing_approver_is_flagged_not_refused() -> None:
    # The log must be able to record an access that happened without approval.
    entry = details(approver="")
    assert validation_problems(entry) == []
    assert AccessFlag.NO_APPROVER in access_flags(entry, date(2026, 9, 4))


# -- what an entry needs ----------------------------------------------------------------------


def test_a_complete_entry_has_no_problems() -> None:
    assert validation_problems(details()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"accessor": " "}, "who accessed"),
        ({"dataset": ""}, "dataset or system"),
        ({"categories": ()}, "category"),
        ({"justification": "  "}, "justification"),
        ({"privacy_consulted": True}, "privacy or data-protection team"),
        ({"volume": -1}, "negative"),
        ({"accessor": "x" * 201}, "longer than 200"),
    ],
)
def test_incomplete_entries_say_what_to_fix(change: dict, expected: str) -> None:
    problems = validation_problems(details(**change))
    assert any(expected in p for p in problems), problems


def test_copies_of_personal_data_need_a_delete_by_date() -> None:
    copy = DataCopy("gs://recs-analysis/replay/")
    assert "delete-by date" in " ".join(validation_problems(details(copies=(copy,))))
    aggregates = details(categories=(DataCategory.AGGREGATES_ONLY,), copies=(copy,))
    assert validation_problems(aggregates) == []


def test_a_deletion_needs_both_when_and_who() -> None:
    when_only = DataCopy("bucket", date(2026, 9, 10), deleted_at=WHEN)
    who_only = DataCopy("bucket", date(2026, 9, 10), deleted_by="Priya")
    assert "who confirmed" in " ".join(validation_problems(details(copies=(when_only,))))
    assert "date and time" in " ".join(validation_problems(details(copies=(who_only,))))
    before_access = DataCopy("bucket", date(2026, 9, 10), datetime(2026, 9, 1, tzinfo=UTC), "P")
    assert "before the data was accessed" in " ".join(
        validation_problems(details(copies=(before_access,)))
    )


def test_categories_are_kept_in_a_fixed_order() -> None:
    first = details(categories=(DataCategory.IP_ADDRESSES, DataCategory.SEARCH_QUERIES))
    second = details(categories=(DataCategory.SEARCH_QUERIES, DataCategory.IP_ADDRESSES))
    assert first == second


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        details(accessed_at=datetime(2026, 9, 3, 11, 15))


# -- flags and overdue copies -----------------------------------------------------------------


def test_a_copy_is_overdue_only_after_its_delete_by_day_without_deletion() -> None:
    copy = DataCopy("bucket", delete_by=date(2026, 9, 30))
    assert not copy.overdue(date(2026, 9, 30))
    assert copy.overdue(date(2026, 10, 1))
    deleted = replace(copy, deleted_at=WHEN, deleted_by="Priya")
    assert not deleted.overdue(date(2026, 10, 1))
    entry = details(copies=(copy, deleted))
    assert overdue_copies(entry, date(2026, 10, 1)) == [copy]


def test_flags_list_what_a_reviewer_should_see() -> None:
    copy = DataCopy("harness cache", delete_by=date(2026, 9, 30))
    entry = details(approver="", copies=(copy,))
    assert access_flags(entry, date(2026, 9, 20)) == [
        AccessFlag.NO_APPROVER,
        AccessFlag.COPY_NOT_DELETED,
        AccessFlag.PRIVACY_CONSULTATION_UNRECORDED,  # nobody said: never read as "no"
    ]
    refused = details(privacy_consulted=False)
    assert AccessFlag.PRIVACY_NOT_CONSULTED in access_flags(refused, date(2026, 9, 20))
    assert AccessFlag.PRIVACY_CONSULTATION_UNRECORDED not in access_flags(
        refused, date(2026, 9, 20)
    )
    assert access_flags(entry, date(2026, 10, 1))[:2] == [
        AccessFlag.NO_APPROVER,
        AccessFlag.DELETION_OVERDUE,
    ]
    clean = details(privacy_consulted=True, privacy_contact="Priya Raman")
    assert access_flags(clean, date(2026, 10, 1)) == []


# -- history ----------------------------------------------------------------------------------


def test_changes_between_revisions_name_each_changed_field() -> None:
    before = details(approver="")
    after = details(approver="Gabriela Souza", volume=90_000)
    changes = changes_between(before, after)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Volume", 100_000, 90_000),
        ("Approver", "", "Gabriela Souza"),
    ]
    assert changes_between(after, after) == []


# -- the ethics checklist ---------------------------------------------------------------------


def bundled_checklist():
    with (resources_dir() / "ethics_checklist.toml").open("rb") as handle:
        return parse_checklist(tomllib.load(handle))


def test_bundled_checklist_has_the_four_parts_with_required_items() -> None:
    checklist = bundled_checklist()
    assert [p.id for p in checklist.parts] == [
        "impact",
        "cause",
        "troubleshooting",
        "call_to_action",
    ]
    for part in checklist.parts:
        assert any(item.required for item in part.items), part.id
        for item in part.items:
            assert item.id.startswith(f"{part.id}.")
            assert item.prompt.endswith("?") and item.guidance
    ids = [item.id for item in checklist.items()]
    assert len(ids) == len(set(ids))


def test_open_required_items_counts_na_only_with_a_note() -> None:
    checklist = bundled_checklist()
    required = [item for item in checklist.items() if item.required]
    assert open_required_items(checklist, {}) == required
    first, second = required[0].id, required[1].id
    answers = {
        first: EthicsAnswer(first, EthicsChoice.NO, "checked per market"),
        second: EthicsAnswer(second, EthicsChoice.NOT_APPLICABLE, "  "),
    }
    still_open = open_required_items(checklist, answers)
    assert required[0] not in still_open
    assert required[1] in still_open  # N/A without saying why
    answers[second] = replace(answers[second], note="no shopper data is used")
    assert required[1] not in open_required_items(checklist, answers)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"part": []}, "version"),
        ({"version": "1"}, "no \\[\\[part\\]\\]"),
        ({"version": "1", "part": [{"id": "a", "title": "A", "item": []}]}, "has no items"),
        (
            {"version": "1", "part": [{"id": "a", "title": "A", "item": [{"id": "a.x"}]}]},
            "has no prompt",
        ),
        (
            {
                "version": "1",
                "part": [
                    {"id": "a", "title": "A", "item": [{"id": "x", "prompt": "P?"}]},
                    {"id": "b", "title": "B", "item": [{"id": "x", "prompt": "Q?"}]},
                ],
            },
            "used twice",
        ),
    ],
)
def test_bad_checklists_are_refused_with_a_reason(data: dict, message: str) -> None:
    with pytest.raises(ChecklistError, match=message):
        parse_checklist(data, "test.toml")
