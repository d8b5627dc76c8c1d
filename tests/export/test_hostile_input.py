"""Hostile and unusual input: the importer refuses what it cannot keep, naming the JSON path;
whatever it (or the GUI) accepts exports in every format."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.export.conftest import FIXED_NOW

from hindsight.core.enums import MILESTONE_KINDS, Confidence, Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.keys import file_stem, key_problem
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.export.json_format import MAX_DEPTH, FormatError, loads
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportProblem, ImportService
from hindsight.services.workspace import Workspace


def document(incident: dict[str, Any]) -> dict[str, Any]:
    return {"format": "hindsight-incident", "version": 1, "incidents": [incident]}


def with_answer(value_json: str) -> str:
    """A file whose one answer's value is the JSON text `value_json`, spliced in verbatim."""
    head = json.dumps(
        document(
            {
                "key": "HS-1",
                "title": "t",
                "review": {"status": "draft", "answers": {"q.a": {"status": "answered"}}},
            }
        )
    )
    return head.replace('"status": "answered"', f'"status": "answered", "value": {value_json}')


CASES: list[tuple[str, str | bytes, str]] = [
    (
        "lone surrogate in a title",
        json.dumps(document({"key": "HS-1", "title": "a\ud800b"})),
        "incidents[0].title: holds an unpaired surrogate",
    ),
    (
        "an integer beyond 64 bits",
        with_answer(str(2**64)),
        'incidents[0].review.answers["q.a"].value: is out of range',
    ),
    (
        "an integer just beyond SQLite's range",
        with_answer(str(2**63)),
        'incidents[0].review.answers["q.a"].value: is out of range',
    ),
    (
        "a 5,000-digit number",
        with_answer("9" * 5000),
        'incidents[0].review.answers["q.a"].value: is a number of 5000 digits',
    ),
    (
        "a date that leaves the calendar in UTC",
        json.dumps(
            document({"key": "HS-1", "title": "t", "created_at": "0001-01-01T00:00:00+14:00"})
        ),
        "incidents[0].created_at: is outside the years Hindsight keeps",
    ),
    (
        "a milestone range from year 1 to 9999",
        json.dumps(
            document(
                {
                    "key": "HS-1",
                    "title": "t",
                    "milestones": {
                        "trigger": {
                            "earliest": "0001-01-01T00:00:00Z",
                            "latest": "9999-12-31T00:00:00Z",
                            "best": "2026-01-01T00:00:00Z",
                        }
                    },
                }
            )
        ),
        "incidents[0].milestones.trigger.earliest: is outside the years Hindsight keeps",
    ),
    (
        "arrays nested 200,000 deep",
        '{"format": "hindsight-incident", "version": 1, "incidents": ['
        + "[" * 200_000
        + "]" * 200_000
        + "]}",
        "nested too deeply",
    ),
    (
        "an answer nested 500 deep",
        with_answer("[" * 500 + "]" * 500),
        f"is nested more than {MAX_DEPTH} levels deep",
    ),
    ("NaN", with_answer("NaN"), 'answers["q.a"].value: is NaN'),
    ("Infinity", with_answer("-Infinity"), 'answers["q.a"].value: is -Infinity'),
    ("a float too large", with_answer("1e999"), 'answers["q.a"].value: is a number too large'),
    (
        "a repeated name",
        '{"format": "hindsight-incident", "version": 1, "incidents": '
        '[{"key": "HS-1", "title": "a", "title": "b"}]}',
        "incidents[0].title: is given more than once",
    ),
    (
        "a repeated name inside an answer",
        with_answer('{"x": 1, "x": 2}'),
        'answers["q.a"].value.x: is given more than once',
    ),
    (
        "a key with a slash",
        json.dumps(document({"key": "X/1", "title": "t"})),
        "incidents[0].key: 'X/1' is not a usable key",
    ),
    ("a key '..'", json.dumps(document({"key": "..", "title": "t"})), "is not a usable key"),
    ("a device name", json.dumps(document({"key": "con", "title": "t"})), "device name"),
    (
        "a volume beyond SQLite's integers",
        json.dumps(
            document(
                {
                    "key": "HS-1",
                    "title": "t",
                    "privacy": {
                        "accesses": [
                            {
                                "number": 1,
                                "revisions": [
                                    {
                                        "number": 1,
                                        "recorded_at": "2026-01-01T00:00:00Z",
                                        "details": {
                                            "accessor": "a",
                                            "accessed_at": "2026-01-01T00:00:00Z",
                                            "dataset": "d",
                                            "volume": 2**63,
                                        },
                                    }
                                ],
                            }
                        ]
                    },
                }
            )
        ),
        "details.volume: is out of range",
    ),
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_files_are_refused_with_the_json_path(
    name: str, raw: str | bytes, expected: str
) -> None:
    with pytest.raises(FormatError) as caught:
        loads(raw)
    assert expected in str(caught.value)
    str(caught.value).encode("utf-8")  # printable: no lone surrogate reaches a terminal


def test_a_refused_import_writes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    for index, (_name, raw, _expected) in enumerate(CASES):
        path = tmp_path / f"case{index}.json"
        path.write_bytes(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
        with pytest.raises(ImportProblem) as caught:
            ImportService(workspace).import_file(path)
        assert str(path) in str(caught.value)
    assert workspace.incidents.count() == 0


def test_keys_map_to_distinct_safe_file_names() -> None:
    keys = ["X/1", "X-1", "X_1", ".", "..", "A:B", "A;B", "A~3a~B", "con", "CON~", "-a", "é"]
    stems = [file_stem(k) for k in keys]
    assert len({s.upper() for s in stems}) == len(keys)
    for stem in stems:
        assert stem not in (".", "..")
        assert all(c.isascii() and (c.isalnum() or c in "-_~") for c in stem)
    assert key_problem("HS-12") is None
    assert file_stem("HS-12") == "HS-12"


# -- whatever is accepted exports in every format ------------------------------------------------

# The GUI can hold any instant Python can; the importer keeps 1900-2999. Both must export.
any_moment = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63) + 1, 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@st.composite
def fuzzy(draw: st.DrawFn) -> FuzzyTime:
    first, second = sorted([draw(any_moment), draw(any_moment)])
    return FuzzyTime(first, second, first, draw(st.sampled_from(Confidence)), draw(any_text))


@st.composite
def extreme_incidents(draw: st.DrawFn) -> Incident:
    phases = draw(st.lists(st.sampled_from(MILESTONE_KINDS), unique=True, max_size=3))
    return Incident(
        title=draw(any_text.filter(lambda t: t.strip())) + "\u0000<b>x</b>",
        summary=draw(any_text) + "\n# heading\u0000\n" + draw(any_text),
        tags=draw(st.lists(any_text, max_size=2)),
        milestones={p: draw(fuzzy()) for p in phases},
        events=[TimelineEvent(draw(fuzzy()), Phase.TRIGGER, draw(any_text))],
        roles=[RoleAssignment("incident_commander", draw(any_text), draw(any_moment), None)],
        teams=[TeamInvolvement(draw(any_text), draw(any_text))],
        answers={
            "q.deep": Answer("q.deep", AnswerStatus.ANSWERED, nested(MAX_DEPTH)),
            "q.any": Answer("q.any", AnswerStatus.ANSWERED, draw(st.lists(scalars, max_size=4))),
        },
        attributions={
            "trained_model": Attribution("trained_model", Verdict.IMPLICATED, draw(any_text))
        },
    )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(incident=extreme_incidents())
def test_every_accepted_record_exports_in_every_format(incident: Incident) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.open(Path(folder) / "a.sqlite")
        try:
            stored = workspace.incidents.add(incident)
            assert stored.id is not None
            service = ExportService(workspace, clock=lambda: FIXED_NOW)
            for fmt in Format:
                data = service.render(stored.id, ExportRequest(fmt)).data
                assert data
                if fmt is not Format.PDF:
                    text = data.decode("utf-8")
                    assert "\u0000" not in text
            parsed = json.loads(service.render(stored.id, ExportRequest(Format.JSON)).data)
            assert parsed["incidents"][0]["title"] == incident.title  # NUL kept in JSON
        finally:
            workspace.close()


def test_nul_characters_are_kept_in_the_record_and_kept_out_of_documents(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "nul.json"
    path.write_text(
        json.dumps(document({"key": "HS-1", "title": "a\u0000b", "summary": "c\u0000"}))
    )
    [outcome] = ImportService(workspace).import_file(path).imported
    assert outcome.incident_id is not None
    assert workspace.incidents.get(outcome.incident_id).title == "a\u0000b"
    service = ExportService(workspace, clock=lambda: FIXED_NOW)
    for fmt in (Format.MARKDOWN, Format.HTML):
        text = service.render(outcome.incident_id, ExportRequest(fmt)).text
        assert "\u0000" not in text
        assert "a\ufffdb" in text


def test_a_right_to_left_override_turns_only_its_own_text_around(workspace: Workspace) -> None:
    # An override left open in a name ran on into the document's own text after it
    # (" — " and the note in the PDF; "(tracker)" printed "(rekcart)").
    from hindsight.core.enums import Role
    from hindsight.export.redaction import close_bidi

    fsi, pdi = "\u2068", "\u2069"  # each line with a control is isolated too (Qt needs it)
    assert close_bidi("abc") == "abc"
    assert close_bidi("\u202eevil") == f"{fsi}\u202eevil\u202c{pdi}"
    assert close_bidi("\u2067a\u202eb\n\u202ec\u202c d  \nplain") == (
        f"{fsi}\u2067a\u202eb\u202c\u2069{pdi}\n{fsi}\u202ec\u202c d{pdi}  \nplain"
    )
    assert (
        close_bidi("\u2068x\u202ey\u2069z") == f"{fsi}\u2068x\u202ey\u2069z{pdi}"
    )  # PDI closes all
    stored = workspace.incidents.create("Stale \u202eranking")
    stored = workspace.incidents.save(
        replace(stored, roles=[RoleAssignment(Role.INCIDENT_COMMANDER, "Amara \u202eNwosu")])
    )
    service = ExportService(workspace, clock=lambda: FIXED_NOW)
    for fmt in (Format.MARKDOWN, Format.HTML):
        text = service.render(stored.id, ExportRequest(fmt)).text
        assert "Amara \u202eNwosu\u202c\u2069" in text, fmt
        assert "Stale \u202eranking\u202c\u2069" in text, fmt
        assert text.count("\u202e") == text.count("\u202c"), fmt
    data = json.loads(service.render(stored.id, ExportRequest(Format.JSON)).data)
    assert data["incidents"][0]["title"] == "Stale \u202eranking"  # data stays exact
    assert workspace.incidents.get(stored.id).roles[0].person == "Amara \u202eNwosu"


def test_the_importer_keeps_the_documented_date_range(workspace: Workspace, tmp_path: Path) -> None:
    def file_with(moment: str) -> Path:
        path = tmp_path / "f.json"
        path.write_text(json.dumps(document({"key": "HS-1", "title": "t", "created_at": moment})))
        return path

    for good in ("1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z"):
        plan = ImportService(workspace).read(file_with(good))
        assert plan.bundles[0].incident.created_at == datetime.fromisoformat(good)
    for bad in ("1899-12-31T23:59:59Z", "3000-01-01T00:00:00Z", "1900-01-01T00:00:00+01:00"):
        with pytest.raises(ImportProblem, match="outside the years"):
            ImportService(workspace).read(file_with(bad))


# -- any value anywhere: a clean refusal or a record that exports -------------------------------

hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "\ud800",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-13-01T00:00:00Z",
            "2026-03-01T00:00:00",
            "..",
            "X/1",
            "con",
            "a\u0000b",
            "",
            " ",
        ]
    ),
    st.recursive(st.integers(0, 3), lambda inner: st.lists(inner, max_size=2), max_leaves=4),
    st.just(nested(40)),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed JSON document where a value can be swapped."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += leaves(item, (*path, index))
    return found


def swapped(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy_ = json.loads(json.dumps(document))
    holder = copy_
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return copy_


@pytest.fixture(scope="module")
def demo_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from hindsight.services.demo import write_demo_database

    folder = tmp_path_factory.mktemp("fuzz")
    workspace = Workspace.open(write_demo_database(folder / "demo.sqlite"))
    try:
        service = ExportService(workspace, clock=lambda: FIXED_NOW)
        incident_id = workspace.incidents.get_by_key("HS-3").id
        assert incident_id is not None
        return json.loads(service.render(incident_id, ExportRequest(Format.JSON)).data)
    finally:
        workspace.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_value_anywhere_is_refused_cleanly_or_exports(
    demo_document: dict[str, Any], data: st.DataObject
) -> None:
    places = leaves(demo_document)
    path = data.draw(st.sampled_from(places))
    value = data.draw(hostile_values)
    raw = json.dumps(swapped(demo_document, path, value), allow_nan=True)
    try:
        bundles = loads(raw.encode("utf-8", "surrogatepass"))
    except FormatError as error:
        str(error).encode("utf-8")  # a message that can be printed
        return
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.open(Path(folder) / "a.sqlite")
        try:
            service = ImportService(workspace)
            result = service.apply(service.plan(Path(folder) / "x.json", bundles))
            [outcome] = result.imported
            assert outcome.incident_id is not None
            exporter = ExportService(workspace, clock=lambda: FIXED_NOW)
            for fmt in (Format.MARKDOWN, Format.HTML, Format.JSON):
                assert exporter.render(outcome.incident_id, ExportRequest(fmt)).data
            json.loads(exporter.render(outcome.incident_id, ExportRequest(Format.JSON)).data)
        finally:
            workspace.close()


def outcome(read: Any, text: str) -> Any:
    try:
        return [comparable_bundle(b) for b in read(text)]
    except FormatError as error:
        return str(error)


def comparable_bundle(bundle: Any) -> Any:
    return repr(bundle)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_reading_one_incident_at_a_time_gives_what_reading_whole_gives(
    demo_document: dict[str, Any], data: st.DataObject
) -> None:
    from hindsight.export.json_format import parse, read_document, read_text

    document = dict(demo_document)
    document["incidents"] = [demo_document["incidents"][0]] * data.draw(st.integers(0, 3))
    if document["incidents"] and data.draw(st.booleans()):
        path = data.draw(st.sampled_from(leaves(document)))
        document = swapped(document, path, data.draw(hostile_values))
    text = json.dumps(document, allow_nan=True, indent=data.draw(st.sampled_from([None, 1])))
    assert outcome(read_text, text) == outcome(lambda t: read_document(parse(t)), text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"incidents": [], "format": "hindsight-incident", "version": 1}', "holds no incident"),
        ('{"format": "hindsight-incident", "version": 1, "incidents": [] } x', "Extra data"),
        ('{"format": "hindsight-incident", "version": 1, "incidents": [1,]}', "not valid JSON"),
        (
            '{"format": "hindsight-incident", "version": 1, "incidents": [], "incidents": []}',
            "incidents: is given more than once",
        ),
        ('{"format": "hindsight-incident", "version": 9, "incidents": [{}]}', "newer Hindsight"),
        ('{"format": "hindsight-incident", "version": 1 "incidents": []}', "delimiter"),
    ],
)
def test_streamed_reading_refuses_like_whole_reading(text: str, expected: str) -> None:
    from hindsight.export.json_format import parse, read_document, read_text

    for read in (read_text, lambda t: read_document(parse(t))):
        with pytest.raises(FormatError) as caught:
            read(text)
        assert expected in " ".join(str(p) for p in caught.value.problems)


def test_a_right_to_left_quote_is_isolated_and_plain_text_left_as_it_is() -> None:
    from hindsight.core.bidi import isolated

    assert isolated("Ranker served stale results") == "Ranker served stale results"
    hebrew = "\u05d3\u05d9\u05e8\u05d5\u05d2 \u05d9\u05e9\u05df…"
    assert isolated(hebrew) == f"\u2068{hebrew}\u2069"
    assert isolated("a \u202eb\nc") == "\u2068\u2068a \u202eb c\u202c\u2069\u2069"
