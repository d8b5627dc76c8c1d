"""Search use cases: labels, the question bank's options, saved searches, related incidents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hindsight.core.enums import Phase, Severity
from hindsight.core.incident import Incident
from hindsight.core.review import Answer, Attribution, ChangeKind, Verdict
from hindsight.core.search_query import QueryError
from hindsight.services.changes import Changes
from hindsight.services.errors import NotFoundError, ValidationError
from hindsight.services.workspace import Workspace
from search_world import UNIQUE, W, build, when


@pytest.fixture
def world(workspace: Workspace) -> dict[str, int]:
    return build(workspace)


def only_hit(workspace: Workspace, query: str):  # -> SearchHit
    [hit] = workspace.search.search(query).hits
    return hit


EXPECTED_LABELS = {
    "title": "Overview > Title",
    "summary": "Overview > Summary",
    "system": "Overview > Systems",
    "model": "Overview > Models",
    "tag": "Overview > Tags",
    "milestone_note": "Milestones > Impact start",
    "event_text": "Timeline > Detection",
    "event_note": "Timeline > Detection > Time note",
    "role_person": "Roles > Incident commander",
    "role_note": "Roles > Incident commander",
    "team_name": f"Teams > Finance {W['team_name']}",
    "team_part": f"Teams > Finance {W['team_name']}",
    "answer": "Review > Detection",
    "answer_reason": "Review > Detection > Reason",
    "evidence": "Review > Change attribution > Pipeline or infrastructure capacity",
    "followup_title": f"Follow-ups > Alert on feeder memory {W['followup_title']}",
    "followup_description": f"Follow-ups > Alert on feeder memory {W['followup_title']}",
    "followup_owner": f"Follow-ups > Alert on feeder memory {W['followup_title']}",
    "access_dataset": "Privacy > Data access 1 > Dataset",
    "access_justification": "Privacy > Data access 1 > Justification",
    "access_notes": "Privacy > Data access 1 > Notes",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_LABELS))
def test_snippets_say_where_they_are(
    workspace: Workspace, world: dict[str, int], name: str
) -> None:
    area, column, word = UNIQUE[name]
    hit = only_hit(workspace, word)
    [snippet] = [s for s in hit.snippets if word in s.text]
    assert snippet.where == EXPECTED_LABELS[name]
    assert (snippet.location.area, snippet.location.column) == (area, column)


def test_an_ethics_note_is_labelled_with_its_part_of_the_checklist(
    workspace: Workspace, world: dict[str, int]
) -> None:
    part = workspace.privacy.checklist.parts[0].title
    [snippet] = only_hit(workspace, W["ethics_note"]).snippets
    assert snippet.where == f"Privacy > Ethics checklist > {part}"


def test_a_choice_answer_reads_as_its_label(workspace: Workspace, world: dict[str, int]) -> None:
    # detection.source is stored as "end_users"; the snippet shows the bank's wording.
    hit = only_hit(workspace, "users")
    [snippet] = [s for s in hit.snippets if s.location.detail == "detection.source"]
    assert snippet.marked() == "End [users]"
    assert snippet.where == "Review > Detection"


def test_fields_naming_answer_options_use_the_question_bank(
    workspace: Workspace, world: dict[str, int]
) -> None:
    def keys(query: str) -> set[int]:
        return {hit.incident_id for hit in workspace.search.search(query).hits}

    assert keys("trigger:data") == {world["every"], world["title"]}
    assert keys("detected-by:users") == {world["every"], world["note"]}
    assert keys("detected-by:users -trigger:world") == {world["every"]}
    with pytest.raises(QueryError, match="trigger:weather names none of: data-growth"):
        workspace.search.search("trigger:weather")
    with pytest.raises(QueryError, match="or users for the public mark"):
        workspace.search.parse("detected-by:robots")
    # Kinds of change are data: a kind the bank does not have is named with those it has.
    with pytest.raises(QueryError, match="implicated:weather names none of"):
        workspace.search.search("implicated:weather")
    assert world["every"] not in keys("implicated:routing")


def test_malformed_queries_and_bad_pages(workspace: Workspace, world: dict[str, int]) -> None:
    with pytest.raises(QueryError, match="never closed"):
        workspace.search.search('"feeder')
    with pytest.raises(ValidationError):
        workspace.search.search("feeder", limit=-1)
    with pytest.raises(ValidationError):
        workspace.search.search("feeder", offset=-5)
    assert workspace.search.count("zebrafish") == 3


# -- saved searches ---------------------------------------------------------------------------


def test_saved_searches_are_kept_with_their_counts(
    workspace: Workspace, world: dict[str, int]
) -> None:
    recorded: list[Changes] = []
    workspace.changes.subscribe(recorded.append)
    zebra = workspace.search.save("  Zebra   things ", "zebrafish")
    sev1 = workspace.search.save("Worst", "severity:SEV1")
    assert zebra.name == "Zebra things"
    assert [(s.name, n) for s, n in workspace.search.saved_with_counts()] == [
        ("Worst", 1),
        ("Zebra things", 3),
    ]
    assert all(change.saved_searches for change in recorded) and len(recorded) == 2

    renamed = workspace.search.rename(zebra.id, "All zebrafish")
    assert renamed.query == "zebrafish"
    workspace.search.change_query(sev1.id, "severity:SEV1 OR severity:SEV2")
    assert dict((s.name, n) for s, n in workspace.search.saved_with_counts()) == {
        "All zebrafish": 3,
        "Worst": 2,
    }
    workspace.search.delete(renamed.id)
    assert [s.name for s in workspace.search.saved()] == ["Worst"]
    assert len(recorded) == 5


def test_saving_refuses_taken_names_empty_names_and_bad_queries(
    workspace: Workspace, world: dict[str, int]
) -> None:
    first = workspace.search.save("Open work", "followup:open")
    with pytest.raises(ValidationError, match="exists already"):
        workspace.search.save("OPEN WORK", "zebrafish")
    with pytest.raises(ValidationError, match="needs a name"):
        workspace.search.save("   ", "zebrafish")
    with pytest.raises(QueryError):
        workspace.search.save("Broken", 'severity:"SEV1')
    with pytest.raises(QueryError):
        workspace.search.change_query(first.id, "phase:nowhere")
    second = workspace.search.save("Zebra", "zebrafish")
    with pytest.raises(ValidationError, match="exists already"):
        workspace.search.rename(second.id, "open work")
    workspace.search.delete(first.id)
    with pytest.raises(NotFoundError):
        workspace.search.delete(first.id)
    with pytest.raises(NotFoundError):
        workspace.search.rename(first.id, "Gone")
    assert [s.name for s in workspace.search.saved()] == ["Zebra"]


def test_a_saved_search_that_no_longer_parses_is_counted_as_none(
    workspace: Workspace, world: dict[str, int]
) -> None:
    saved = workspace.search.save("Triggered by data", "trigger:data")
    workspace.search.saved_repository.update(saved.id, query="trigger:weather")
    assert workspace.search.saved_with_counts() == [
        (workspace.search.saved()[0], None),
    ]


# -- related incidents ------------------------------------------------------------------------


def _incident(title: str, day: str, **fields: object) -> Incident:
    return Incident(title=title, milestones={Phase.OUTAGE_BEGINS: when(day)}, **fields)  # type: ignore[arg-type]


def _answers(kind: str, what: str = "") -> dict[str, Answer]:
    answers = {"trigger.kind": Answer("trigger.kind", value=kind)}
    if what:
        answers["trigger.what"] = Answer("trigger.what", value=what)
    return answers


def _implicated(*categories: ChangeKind) -> dict[ChangeKind, Attribution]:
    return {c: Attribution(c, Verdict.IMPLICATED, "seen") for c in categories}


def test_related_incidents_are_earlier_alike_and_say_why(workspace: Workspace) -> None:
    add = workspace.incidents.add
    old_twin = add(
        _incident(
            "Log feeders out of memory stalled nightly training",
            "2024-02-01",
            systems=["log feeders"],
            answers=_answers("data_growth", "Query volume outgrew the feeder tier."),
            attributions=_implicated("pipeline_capacity"),
        )
    )
    older_cousin = add(
        _incident(
            "Nightly training missed its deadline",
            "2023-05-01",
            answers=_answers("data_growth"),
        )
    )
    unrelated = add(_incident("Checkout button misaligned on mobile", "2023-01-01"))
    later_twin = add(
        _incident(
            "Log feeders out of memory again",
            "2026-03-01",
            systems=["log feeders"],
            answers=_answers("data_growth"),
        )
    )
    current = add(
        _incident(
            "Feeder memory exhaustion stopped nightly training",
            "2025-03-01",
            systems=["log feeders", "model registry"],
            severity=Severity.SEV2,
            answers=_answers("data_growth", "Traffic grew past the feeder tier's memory."),
            attributions=_implicated("pipeline_capacity"),
        )
    )
    assert current.id is not None
    related = workspace.search.related(current.id)
    ids = [item.incident_id for item in related]
    assert ids[0] == old_twin.id
    assert older_cousin.id in ids
    assert later_twin.id not in ids, "only earlier incidents"
    assert unrelated.id not in ids
    assert current.id not in ids
    first = related[0]
    assert first.key == old_twin.key and first.title == old_twin.title
    assert first.date == datetime(2024, 2, 1, 12, tzinfo=UTC)
    assert "Same kind of trigger: Data or traffic grew past a limit" in first.reasons
    assert "Both implicated: Pipeline or infrastructure capacity" in first.reasons
    assert "Same systems: log feeders" in first.reasons
    assert any(r.startswith("Shared words:") and "memory" in r for r in first.reasons)
    assert first.score > related[-1].score


def test_related_incidents_are_at_most_the_limit(workspace: Workspace) -> None:
    for n in range(8):
        workspace.incidents.add(_incident(f"Embedding cache went stale {n}", f"2024-0{n + 1}-01"))
    current = workspace.incidents.add(_incident("Embedding cache went stale again", "2025-01-01"))
    assert current.id is not None
    assert len(workspace.search.related(current.id)) == 5
    assert len(workspace.search.related(current.id, limit=2)) == 2
    with pytest.raises(NotFoundError):
        workspace.search.related(current.id + 100)


def test_a_list_can_take_every_ranked_id_and_the_snippets_of_its_rows(
    workspace: Workspace, world: dict[str, int]
) -> None:
    ranked = workspace.search.ranked_ids("zebrafish")
    page = workspace.search.search("zebrafish", limit=10)
    assert ranked == [hit.incident_id for hit in page.hits]
    assert workspace.search.ranked_ids("") == sorted(world.values(), reverse=True)
    assert workspace.search.ranked_ids("severity:SEV1 OR severity:SEV4") == [
        world["phrase"],
        world["every"],
    ]
    shown = workspace.search.snippets("zebrafish", [world["note"], world["title"]])
    assert set(shown) == {world["note"], world["title"]}
    assert shown[world["note"]][0].where == "Follow-ups > Check the ranker weekly"
    assert shown[world["note"]][0].marked() == "Watch for [zebrafish] patterns in the logs."
    assert workspace.search.snippets("severity:SEV1", [world["every"]]) == {}
    with pytest.raises(QueryError):
        workspace.search.ranked_ids('"open')
