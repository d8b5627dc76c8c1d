"""Links between incidents in exports: every document shows them, JSON carries them and an
import reads them back, finding the other incident by key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hindsight.core.incident import Incident
from hindsight.export import json_format
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportProblem, ImportService
from hindsight.services.workspace import Workspace

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def linked(workspace: Workspace) -> dict[str, int]:
    """Three incidents: a recurrence of the first, and one sharing its root cause."""
    ids = {
        name: workspace.incidents.add(Incident(title=title)).id
        for name, title in (
            ("first", "Feeder tier ran out of memory"),
            ("again", "Feeder tier out of memory again"),
            ("ranker", "Ranker served stale scores"),
        )
    }
    workspace.links.link(ids["again"], ids["first"], "recurrence", "Same heap limit")
    workspace.links.link(ids["ranker"], ids["first"], "same_cause")
    return ids  # type: ignore[return-value]


def key(workspace: Workspace, incident_id: int) -> str:
    return workspace.incidents.get(incident_id).key


@pytest.mark.parametrize("template", ["full-review", "compact-review", "executive-summary"])
@pytest.mark.parametrize("document_format", [Format.MARKDOWN, Format.HTML, Format.PDF])
def test_every_document_shows_the_links_read_from_its_incident(
    workspace: Workspace, linked: dict[str, int], template: str, document_format: Format
) -> None:
    service = ExportService(workspace, clock=lambda: NOW)
    request = ExportRequest(document_format, template)
    first = service.render(linked["first"], request, preview=True)
    again = service.render(linked["again"], request, preview=True)
    # A PDF is laid out from its HTML: what the preview holds is what the pages show.
    text = first.data.decode() if document_format is Format.MARKDOWN else first.preview_html
    other = again.data.decode() if document_format is Format.MARKDOWN else again.preview_html
    assert f"Recurred as **{key(workspace, linked['again'])}**" in text.replace(
        "<b>", "**"
    ).replace("</b>", "**")
    assert "Same root cause as" in text
    assert "Ranker served stale scores" in text
    assert f"Recurrence of **{key(workspace, linked['first'])}**" in other.replace(
        "<b>", "**"
    ).replace("</b>", "**")
    if template != "executive-summary":
        assert "Same heap limit" in text  # the note, in the documents that have room for it


def test_json_carries_each_link_from_its_side(workspace: Workspace, linked: dict[str, int]) -> None:
    service = ExportService(workspace, clock=lambda: NOW)
    data = json.loads(service.render(linked["again"], ExportRequest(Format.JSON)).data)
    [incident] = data["incidents"]
    assert incident["links"] == [
        {
            "kind": "recurrence",
            "side": "source",
            "incident": key(workspace, linked["first"]),
            "title": "Feeder tier ran out of memory",
            "note": "Same heap limit",
        }
    ]
    data = json.loads(service.render(linked["first"], ExportRequest(Format.JSON)).data)
    sides = {(link["kind"], link["side"]) for link in data["incidents"][0]["links"]}
    # A same-cause link reads the same both ways; it is kept with the older incident first.
    assert sides == {("recurrence", "target"), ("same_cause", "source")}


def _file(workspace: Workspace, ids: list[int], path: Path) -> Path:
    service = ExportService(workspace, clock=lambda: NOW)
    bundles = [service.bundle(i)[0] for i in ids]
    path.write_bytes(json_format.dumps(json_format.document_json(bundles, NOW, "test")))
    return path


def _links(workspace: Workspace, incident_key: str) -> set[tuple[str, str, str]]:
    incident = workspace.incidents.get_by_key(incident_key)
    return {(link.phrase, link.key, link.note) for link in workspace.links.links(incident.id)}


def test_import_brings_the_links_back_between_the_incidents_of_the_file(
    workspace: Workspace, linked: dict[str, int], tmp_path: Path
) -> None:
    keys = {name: key(workspace, i) for name, i in linked.items()}
    path = _file(workspace, list(linked.values()), tmp_path / "three.json")
    target = Workspace.open(tmp_path / "other.sqlite")
    try:
        result = ImportService(target).import_file(path)
        assert result.notes == []
        assert _links(target, keys["first"]) == {
            ("Recurred as", keys["again"], "Same heap limit"),
            ("Same root cause as", keys["ranker"], ""),
        }
        assert _links(target, keys["again"]) == {
            ("Recurrence of", keys["first"], "Same heap limit")
        }
        # Both ends carried each link; it is stored once.
        assert sum(len(target.links.links(i)) for i in target.search.ranked_ids("")) == 4
        # Imported again under new keys: the copies are linked to each other, not to the old.
        again = ImportService(target).import_file(path, "rename")
        new = {o.original_key: o.key for o in again.imported}
        assert _links(target, new[keys["again"]]) == {
            ("Recurrence of", new[keys["first"]], "Same heap limit")
        }
        assert _links(target, keys["again"]) == {
            ("Recurrence of", keys["first"], "Same heap limit")
        }
    finally:
        target.close()


def test_a_link_to_an_incident_outside_the_file_finds_it_here_or_is_left_out_with_a_note(
    workspace: Workspace, linked: dict[str, int], tmp_path: Path
) -> None:
    keys = {name: key(workspace, i) for name, i in linked.items()}
    path = _file(workspace, [linked["again"]], tmp_path / "one.json")
    # Into a database that has the other incident: the link finds it by key.
    workspace.incidents.delete(linked["again"])
    result = ImportService(workspace).import_file(path)
    assert result.notes == []
    assert _links(workspace, keys["again"]) == {("Recurrence of", keys["first"], "Same heap limit")}
    # Into one that has not: the incident comes in, the link is left out, and the user is told.
    target = Workspace.open(tmp_path / "other.sqlite")
    try:
        result = ImportService(target).import_file(path)
        assert [o.key for o in result.imported] == [keys["again"]]
        assert _links(target, keys["again"]) == set()
        [note] = result.notes
        assert keys["first"] in note and "neither in the file nor in this database" in note
        assert note in result.summary()
    finally:
        target.close()


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ({"kind": "caused", "incident": "HS-1"}, "links[0].kind"),
        ({"kind": "recurrence", "incident": 4}, "links[0].incident"),
        ({"kind": "recurrence", "incident": "HS-1", "side": "left"}, "links[0].side"),
        ({"kind": "recurrence", "incident": "HS-9"}, "names this incident itself"),
        ({"kind": "recurrence"}, "links[0]"),
    ],
)
def test_bad_links_in_a_file_are_refused_naming_the_field(
    workspace: Workspace, linked: dict[str, int], tmp_path: Path, link: dict, problem: str
) -> None:
    path = _file(workspace, [linked["again"]], tmp_path / "bad.json")
    data = json.loads(path.read_text())
    data["incidents"][0]["key"] = "HS-9"
    data["incidents"][0]["links"] = [link]
    path.write_text(json.dumps(data))
    target = Workspace.open(tmp_path / "other.sqlite")
    try:
        with pytest.raises(ImportProblem, match="nothing was imported") as caught:
            ImportService(target).import_file(path)
        assert problem in str(caught.value)
        assert target.search.ranked_ids("") == []
    finally:
        target.close()
