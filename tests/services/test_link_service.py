"""Explicit links between incidents: same root cause, recurrence, part of; seen from both."""

from __future__ import annotations

import pytest

from hindsight.core.incident import Incident
from hindsight.core.links import LinkKind
from hindsight.services.changes import Changes
from hindsight.services.errors import NotFoundError, ValidationError
from hindsight.services.workspace import Workspace


@pytest.fixture
def three(workspace: Workspace) -> list[int]:
    ids = []
    for title in ("Feeders out of memory", "Feeders out of memory again", "Holiday outage"):
        stored = workspace.incidents.add(Incident(title=title))
        assert stored.id is not None
        ids.append(stored.id)
    return ids


def seen(workspace: Workspace, incident_id: int) -> list[tuple[str, str]]:
    return [(link.phrase, link.key) for link in workspace.links.links(incident_id)]


def test_links_show_on_both_incidents_read_from_each_side(
    workspace: Workspace, three: list[int]
) -> None:
    first, again, holiday = three
    workspace.links.link(again, first, LinkKind.RECURRENCE, note="Same feeder tier")
    workspace.links.link(first, holiday, "part_of")
    workspace.links.link(holiday, again, LinkKind.SAME_CAUSE)
    assert seen(workspace, first) == [("Recurred as", "HS-2"), ("Part of", "HS-3")]
    assert seen(workspace, again) == [("Recurrence of", "HS-1"), ("Same root cause as", "HS-3")]
    assert seen(workspace, holiday) == [("Includes", "HS-1"), ("Same root cause as", "HS-2")]
    [recurrence] = [link for link in workspace.links.links(first) if not link.outgoing]
    assert recurrence.note == "Same feeder tier"
    assert recurrence.title == "Feeders out of memory again"


def test_unlinking_removes_the_link_from_both(workspace: Workspace, three: list[int]) -> None:
    first, again, _ = three
    link = workspace.links.link(first, again, LinkKind.SAME_CAUSE)
    workspace.links.unlink(link.id)
    assert workspace.links.links(first) == [] and workspace.links.links(again) == []
    with pytest.raises(NotFoundError):
        workspace.links.unlink(link.id)


def test_refused_links(workspace: Workspace, three: list[int]) -> None:
    first, again, _ = three
    workspace.links.link(first, again, LinkKind.SAME_CAUSE)
    with pytest.raises(ValidationError, match="already linked"):
        workspace.links.link(again, first, LinkKind.SAME_CAUSE)  # the same, read backwards
    workspace.links.link(again, first, LinkKind.RECURRENCE)  # another kind is another link
    with pytest.raises(ValidationError, match="already linked"):
        workspace.links.link(again, first, LinkKind.RECURRENCE)
    with pytest.raises(ValidationError, match="itself"):
        workspace.links.link(first, first, LinkKind.PART_OF)
    with pytest.raises(ValidationError, match="not a kind of link"):
        workspace.links.link(first, again, "caused")
    with pytest.raises(NotFoundError):
        workspace.links.link(first, 999, LinkKind.PART_OF)
    with pytest.raises(ValidationError, match="longer than"):
        workspace.links.link(first, again, LinkKind.PART_OF, note="x" * 5000)


def test_deleting_an_incident_deletes_its_links(workspace: Workspace, three: list[int]) -> None:
    first, again, holiday = three
    workspace.links.link(first, again, LinkKind.RECURRENCE)
    workspace.links.link(holiday, again, LinkKind.PART_OF)
    workspace.incidents.delete(again)
    assert workspace.links.links(first) == [] and workspace.links.links(holiday) == []


def test_link_changes_are_recorded_for_both_incidents(
    workspace: Workspace, three: list[int]
) -> None:
    first, again, _ = three
    recorded: list[Changes] = []
    workspace.changes.subscribe(recorded.append)
    link = workspace.links.link(first, again, LinkKind.RECURRENCE)
    workspace.links.unlink(link.id)
    assert [change.links for change in recorded] == [{first, again}, {first, again}]
    assert all(change.touches(first) and change.touches(again) for change in recorded)
    assert not recorded[0].incident_list
