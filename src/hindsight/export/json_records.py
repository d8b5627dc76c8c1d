"""Reading the records of the JSON exchange format: an incident and everything that comes with
it, field by field, each problem recorded with its JSON path.

Version 2 added impact measures, contributing factors, references, pictures, response
moments, people of the postmortem, historical records, day-precise times, follow-up types,
tracker references and undated status steps, and unknown privacy consultations. A version 1
file may not hold those fields (it was never written with them); everything a version 1 file
could hold is read as before, except that an absent `privacy_consulted` now means "not
recorded" instead of "no".
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import partial
from typing import Any

from hindsight.core.attachments import (
    Attachment,
    attachment_problems,
    image_size,
    media_type_of,
)
from hindsight.core.enums import MILESTONE_KINDS, EventSource, Marker, Phase, Role, Severity
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FollowUpType,
    Priority,
    StatusStep,
)
from hindsight.core.followups import problems as followup_problems
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.impact import problems as impact_problems
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.links import LinkedIncident, LinkKind
from hindsight.core.privacy import (
    AccessDetails,
    AccessRevision,
    DataAccess,
    DataCategory,
    DataCopy,
    EthicsAnswer,
    EthicsChoice,
    VolumeUnit,
)
from hindsight.core.references import Reference, ReferenceKind, target_problems
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ReviewStatus,
    ReviewTransition,
    Verdict,
    change_kind_problem,
)
from hindsight.export.json_values import (
    MAX_NAME,
    MAX_TITLE,
    Bad,
    IncidentBundle,
    PrivacyRecord,
    Unusable,
    ValueReader,
    child,
)

LINK_NOTE = 2000  # as long as a note the app lets a link have

V2_INCIDENT_FIELDS = {
    "markers",
    "impacts",
    "factors",
    "references",
    "attachments",
    "links",
    "authors",
    "reviewers",
    "external_id",
    "historical",
}


class RecordReader(ValueReader):
    """Reads incidents and what comes with them."""

    def event(self, value: Any, path: str) -> TimelineEvent:
        data = self.obj(value, path, {"when", "phase"}, {"source", "text"})
        fields = {
            "when": lambda: self.fuzzy(data["when"], child(path, "when")),
            "phase": lambda: self.choice(data["phase"], child(path, "phase"), Phase),
            "source": lambda: self.choice(
                data.get("source", "other"), child(path, "source"), EventSource
            ),
            "text": lambda: self.text(data.get("text", ""), child(path, "text")),
        }
        return TimelineEvent(**self._all(fields))

    def role(self, value: Any, path: str) -> RoleAssignment:
        data = self.obj(value, path, {"role", "person"}, {"start", "end", "note"})
        fields = {
            "role": lambda: self.choice(data["role"], child(path, "role"), Role),
            "person": lambda: self.text(data["person"], child(path, "person"), limit=MAX_NAME),
            "start": lambda: self.optional_moment(data.get("start"), child(path, "start")),
            "end": lambda: self.optional_moment(data.get("end"), child(path, "end")),
            "note": lambda: self.text(data.get("note", ""), child(path, "note")),
        }
        return RoleAssignment(**self._all(fields))

    def team(self, value: Any, path: str) -> TeamInvolvement:
        data = self.obj(value, path, {"team"}, {"part"})
        fields = {
            "team": lambda: self.text(data["team"], child(path, "team"), limit=MAX_NAME),
            "part": lambda: self.text(data.get("part", ""), child(path, "part")),
        }
        return TeamInvolvement(**self._all(fields))

    def answer(self, qid: str, value: Any, path: str) -> Answer:
        data = self.obj(value, path, {"status"}, {"value", "reason", "bank_version"})
        fields = {
            "status": lambda: self.choice(data["status"], child(path, "status"), AnswerStatus),
            "reason": lambda: self.text(data.get("reason", ""), child(path, "reason")),
            "bank_version": lambda: self.text(
                data.get("bank_version", ""), child(path, "bank_version"), limit=50
            ),
        }
        fields["value"] = lambda: self.free(data.get("value"), child(path, "value"))
        checked = self._all(fields)
        return Answer(question_id=qid, **checked)

    def transition(self, value: Any, path: str) -> ReviewTransition:
        data = self.obj(value, path, {"at", "from", "to"}, {"reason"})
        fields = {
            "at": lambda: self.moment(data["at"], child(path, "at")),
            "from_status": lambda: self.choice(data["from"], child(path, "from"), ReviewStatus),
            "to_status": lambda: self.choice(data["to"], child(path, "to"), ReviewStatus),
            "reason": lambda: self.text(data.get("reason", ""), child(path, "reason")),
        }
        return ReviewTransition(**self._all(fields))

    def review(self, value: Any, path: str) -> tuple[dict[str, Any], list[ReviewTransition]]:
        data = self.obj(value, path, {"status"}, {"answers", "attributions", "transitions"})
        result: dict[str, Any] = {}
        result["review_status"] = self.attempt(
            lambda: self.choice(data["status"], child(path, "status"), ReviewStatus)
        )
        answers: dict[str, Answer] = {}
        raw_answers = self.attempt(
            lambda: self.mapping(
                data.get("answers", {}),
                child(path, "answers"),
                "must be an object keyed by question id",
            ),
            {},
        )
        for qid, raw in raw_answers.items():
            where = child(child(path, "answers"), qid)
            if self.attempt(partial(self.name, qid, where, "a question id")) is None:
                continue
            found = self.attempt(partial(self.answer, qid, raw, where))
            if found is not None:
                answers[qid] = found
        result["answers"] = answers
        attributions: dict[str, Attribution] = {}
        raw_attributions = self.attempt(
            lambda: self.mapping(
                data.get("attributions", {}),
                child(path, "attributions"),
                "must be an object keyed by kind of change",
            ),
            {},
        )
        for name, raw in raw_attributions.items():
            where = child(child(path, "attributions"), name)
            found = self.attempt(partial(self._attribution, name, raw, where))
            if found is not None:
                attributions[found.category] = found
        result["attributions"] = attributions
        transitions = self._list(
            data.get("transitions", []), child(path, "transitions"), self.transition
        )
        return result, transitions

    def _attribution(self, name: str, value: Any, path: str) -> Attribution:
        # Kinds of change are data (a team may add its own): any well-formed code is kept.
        problem = change_kind_problem(name)
        if problem:
            raise self.bad(path, problem)
        category = name
        data = self.obj(value, path, {"verdict"}, {"evidence"})
        fields = {
            "verdict": lambda: self.choice(data["verdict"], child(path, "verdict"), Verdict),
            "evidence": lambda: self.text(data.get("evidence", ""), child(path, "evidence")),
        }
        return Attribution(category=category, **self._all(fields))

    def followup(self, value: Any, path: str) -> FollowUp:
        data = self.obj(
            value,
            path,
            {"title", "value", "feasibility", "history"},
            {
                "description",
                "owner",
                "due",
                "priority",
                "kind",
                "speeds_troubleshooting",
                "next_senior_review",
                "created_at",
                "updated_at",
            }
            | ({"tracker", "action_type"} if self.version >= 2 else {"tracker_url"}),
        )
        fields: dict[str, Callable[[], Any]] = {
            "title": lambda: self.text(data["title"], child(path, "title"), limit=MAX_TITLE),
            "description": lambda: self.text(
                data.get("description", ""), child(path, "description")
            ),
            "owner": lambda: self.text(data.get("owner", ""), child(path, "owner"), limit=MAX_NAME),
            "due": lambda: self.day(data.get("due"), child(path, "due")),
            "priority": lambda: self.choice(
                data.get("priority", "medium"), child(path, "priority"), Priority
            ),
            "kind": lambda: self.choice(data.get("kind", "fix"), child(path, "kind"), FollowUpKind),
            "value": lambda: self.integer(data["value"], child(path, "value")),
            "feasibility": lambda: self.integer(data["feasibility"], child(path, "feasibility")),
            "tracker": lambda: self.text(
                data.get("tracker", data.get("tracker_url", "")),
                child(path, "tracker" if "tracker" in data else "tracker_url"),
            ),
            "action_type": lambda: (
                None
                if data.get("action_type") is None
                else self.choice(data["action_type"], child(path, "action_type"), FollowUpType)
            ),
            "speeds_troubleshooting": lambda: self.boolean(
                data.get("speeds_troubleshooting", False), child(path, "speeds_troubleshooting")
            ),
            "next_senior_review": lambda: self.day(
                data.get("next_senior_review"), child(path, "next_senior_review")
            ),
            "history": lambda: self._list(data["history"], child(path, "history"), self._step),
            "created_at": lambda: self.optional_moment(
                data.get("created_at"), child(path, "created_at")
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), child(path, "updated_at")
            ),
        }
        item = FollowUp(incident_id=0, **self._all(fields))
        found = followup_problems(item)
        if found:
            raise self.bad(path, " ".join(found))
        return item

    def _step(self, value: Any, path: str) -> StatusStep:
        data = self.obj(value, path, {"status", "on"}, set())
        status = self.attempt(
            lambda: self.choice(data["status"], child(path, "status"), FollowUpStatus)
        )
        before = len(self.problems)
        on = self.attempt(lambda: self.day(data["on"], child(path, "on")))
        if data["on"] is None and self.version < 2:
            self.bad(child(path, "on"), "not a date (e.g. 2026-03-24)")
        if status is None or len(self.problems) > before:
            raise Bad()
        return StatusStep(status, on)  # from version 2, null: the day is not known

    def incident(self, value: Any, path: str) -> IncidentBundle:
        data = self.obj(
            value,
            path,
            {"key", "title"},
            {
                "summary",
                "severity",
                "phase",
                "systems",
                "models",
                "tags",
                "created_at",
                "updated_at",
                "milestones",
                "events",
                "roles",
                "teams",
                "review",
                "followups",
                "privacy",
            }
            | (V2_INCIDENT_FIELDS if self.version >= 2 else set()),
        )
        before = len(self.problems)
        key = self.attempt(lambda: self._key(data["key"], child(path, "key")), "")
        fields: dict[str, Callable[[], Any]] = {
            "title": lambda: self.text(
                data["title"], child(path, "title"), limit=MAX_TITLE, non_empty=True
            ),
            "summary": lambda: self.text(data.get("summary", ""), child(path, "summary")),
            "severity": lambda: self.choice(
                data.get("severity", "SEV3"), child(path, "severity"), Severity
            ),
            "phase": lambda: self.choice(
                data.get("phase", "detection"), child(path, "phase"), Phase
            ),
            "systems": lambda: self.texts(data.get("systems", []), child(path, "systems")),
            "models": lambda: self.texts(data.get("models", []), child(path, "models")),
            "tags": lambda: self.texts(data.get("tags", []), child(path, "tags")),
            "created_at": lambda: self.optional_moment(
                data.get("created_at"), child(path, "created_at")
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), child(path, "updated_at")
            ),
            "milestones": lambda: self._milestones(
                data.get("milestones", {}), child(path, "milestones")
            ),
            "events": lambda: self._list(data.get("events", []), child(path, "events"), self.event),
            "roles": lambda: self._list(data.get("roles", []), child(path, "roles"), self.role),
            "teams": lambda: self._list(data.get("teams", []), child(path, "teams"), self.team),
            "markers": lambda: self._markers(data.get("markers", {}), child(path, "markers")),
            "impacts": lambda: self._list(
                data.get("impacts", []), child(path, "impacts"), self.impact
            ),
            "factors": lambda: self._list(
                data.get("factors", []), child(path, "factors"), self.factor
            ),
            "references": lambda: self._list(
                data.get("references", []), child(path, "references"), self.reference
            ),
            "authors": lambda: self.names(data.get("authors", []), child(path, "authors")),
            "reviewers": lambda: self.names(data.get("reviewers", []), child(path, "reviewers")),
            "external_id": lambda: self.text(
                data.get("external_id", ""), child(path, "external_id"), limit=100
            ),
            "historical": lambda: self.boolean(
                data.get("historical", False), child(path, "historical")
            ),
        }
        values = {name: self.attempt(read) for name, read in fields.items()}
        review: dict[str, Any] = {}
        transitions: list[ReviewTransition] = []
        if "review" in data:
            found = self.attempt(lambda: self.review(data["review"], child(path, "review")))
            if found is not None:
                review, transitions = found
        followups = None
        if "followups" in data:
            followups = self.attempt(
                lambda: self._list(data["followups"], child(path, "followups"), self.followup)
            )
        privacy = None
        if "privacy" in data:
            privacy = self.attempt(lambda: self.privacy(data["privacy"], child(path, "privacy")))
        attachments = None
        if "attachments" in data:
            attachments = self.attempt(
                lambda: self._list(data["attachments"], child(path, "attachments"), self.attachment)
            )
        links = None
        if "links" in data:
            links = self.attempt(
                lambda: self._list(data["links"], child(path, "links"), self.incident_link)
            )
            for index, link in enumerate(links or ()):
                if key and link.key.upper() == key.upper():
                    where = child(child(child(path, "links"), index), "incident")
                    self.bad(where, "names this incident itself; link it to another one")
        if len(self.problems) > before:
            raise Bad()
        incident = Incident(key=key, **values, **review)
        return IncidentBundle(incident, transitions, followups, privacy, attachments, links)

    def incident_link(self, value: Any, path: str) -> LinkedIncident:
        """A link to another incident, as the incident holding it reads it."""
        data = self.obj(value, path, {"kind", "incident"}, {"side", "title", "note"})
        fields: dict[str, Callable[[], Any]] = {
            "kind": lambda: self.choice(data["kind"], child(path, "kind"), LinkKind),
            "outgoing": lambda: self._side(data.get("side", "source"), child(path, "side")),
            "key": lambda: self._key(data["incident"], child(path, "incident")),
            "title": lambda: self.text(
                data.get("title", ""), child(path, "title"), limit=MAX_TITLE
            ),
            "note": lambda: self.text(data.get("note", ""), child(path, "note"), limit=LINK_NOTE),
        }
        return LinkedIncident(link_id=0, incident_id=0, **self._all(fields))

    def _side(self, value: Any, path: str) -> bool:
        if value not in ("source", "target"):
            raise self.bad(
                path, 'must be "source" (this incident is the link\'s source) or "target"'
            )
        return value == "source"

    def privacy(self, value: Any, path: str) -> PrivacyRecord:
        data = self.obj(value, path, set(), {"accesses", "ethics"})
        accesses = self._list(data.get("accesses", []), child(path, "accesses"), self.access)
        numbers = [a.number for a in accesses]
        for index, number in enumerate(numbers):
            if numbers.index(number) != index:
                where = child(child(child(path, "accesses"), index), "number")
                raise self.bad(where, f"repeats access number {number}")
        ethics: dict[str, EthicsAnswer] = {}
        raw = self.mapping(
            data.get("ethics", {}),
            child(path, "ethics"),
            "must be an object keyed by checklist item",
        )
        before = len(self.problems)
        for item_id, entry in raw.items():
            where = child(child(path, "ethics"), item_id)
            found = self.attempt(partial(self.ethics_answer, item_id, entry, where))
            if found is not None:
                ethics[item_id] = found
        if len(self.problems) > before:
            raise Bad()
        return PrivacyRecord(accesses, ethics)

    def access(self, value: Any, path: str) -> DataAccess:
        data = self.obj(value, path, {"number", "revisions"}, set())
        number = self.integer(data["number"], child(path, "number"))
        if number < 1:
            raise self.bad(child(path, "number"), "must be 1 or more")
        revisions = self._list(data["revisions"], child(path, "revisions"), self.revision)
        if not revisions:
            raise self.bad(child(path, "revisions"), "an access needs at least one revision")
        for index, revision in enumerate(revisions):
            if revision.number != index + 1:
                where = child(child(child(path, "revisions"), index), "number")
                raise self.bad(where, f"must be {index + 1} (revisions count up from 1)")
        return DataAccess(0, 0, number, tuple(revisions))

    def revision(self, value: Any, path: str) -> AccessRevision:
        data = self.obj(
            value, path, {"number", "recorded_at", "details"}, {"recorded_by", "reason"}
        )
        fields = {
            "number": lambda: self.integer(data["number"], child(path, "number")),
            "recorded_at": lambda: self.moment(data["recorded_at"], child(path, "recorded_at")),
            "recorded_by": lambda: self.text(
                data.get("recorded_by", ""), child(path, "recorded_by"), limit=MAX_NAME
            ),
            "reason": lambda: self.text(data.get("reason", ""), child(path, "reason")),
            "details": lambda: self.details(data["details"], child(path, "details")),
        }
        return AccessRevision(**self._all(fields))

    def details(self, value: Any, path: str) -> AccessDetails:
        text_fields = ("justification", "approver", "privacy_contact", "notes")
        data = self.obj(
            value,
            path,
            {"accessor", "accessed_at", "dataset"},
            {"categories", "volume", "volume_unit", "privacy_consulted", "copies", *text_fields},
        )

        def volume() -> int | None:
            raw = data.get("volume")
            if raw is None:
                return None
            number = self.integer(raw, child(path, "volume"))
            if number < 0:
                raise self.bad(child(path, "volume"), "cannot be negative")
            return number

        fields: dict[str, Callable[[], Any]] = {
            "accessor": lambda: self.text(
                data["accessor"], child(path, "accessor"), limit=MAX_NAME
            ),
            "accessed_at": lambda: self.moment(data["accessed_at"], child(path, "accessed_at")),
            "dataset": lambda: self.text(data["dataset"], child(path, "dataset"), limit=500),
            "categories": lambda: tuple(
                self._list(
                    data.get("categories", []),
                    child(path, "categories"),
                    lambda v, w: self.choice(v, w, DataCategory),
                )
            ),
            "volume": volume,
            "volume_unit": lambda: self.choice(
                data.get("volume_unit", "rows"), child(path, "volume_unit"), VolumeUnit
            ),
            # Absent (or, from version 2, null): nobody recorded it, which is not a "no".
            "privacy_consulted": lambda: (
                None
                if (data.get("privacy_consulted") is None and self.version >= 2)
                or "privacy_consulted" not in data
                else self.boolean(data["privacy_consulted"], child(path, "privacy_consulted"))
            ),
            "copies": lambda: tuple(
                self._list(data.get("copies", []), child(path, "copies"), self.copy)
            ),
        }
        for name in text_fields:
            fields[name] = partial(self.text, data.get(name, ""), child(path, name))
        return AccessDetails(**self._all(fields))

    def copy(self, value: Any, path: str) -> DataCopy:
        data = self.obj(value, path, {"location"}, {"delete_by", "deleted_at", "deleted_by"})
        fields = {
            "location": lambda: self.text(data["location"], child(path, "location")),
            "delete_by": lambda: self.day(data.get("delete_by"), child(path, "delete_by")),
            "deleted_at": lambda: self.optional_moment(
                data.get("deleted_at"), child(path, "deleted_at")
            ),
            "deleted_by": lambda: self.text(data.get("deleted_by", ""), child(path, "deleted_by")),
        }
        return DataCopy(**self._all(fields))

    def ethics_answer(self, item_id: str, value: Any, path: str) -> EthicsAnswer:
        self.name(item_id, path, "a checklist item id")
        data = self.obj(
            value, path, set(), {"choice", "note", "answered_by", "checklist_version", "updated_at"}
        )
        fields = {
            "choice": lambda: (
                None
                if data.get("choice") is None
                else self.choice(data["choice"], child(path, "choice"), EthicsChoice)
            ),
            "note": lambda: self.text(data.get("note", ""), child(path, "note")),
            "answered_by": lambda: self.text(
                data.get("answered_by", ""), child(path, "answered_by"), limit=MAX_NAME
            ),
            "checklist_version": lambda: self.text(
                data.get("checklist_version", ""), child(path, "checklist_version"), limit=50
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), child(path, "updated_at")
            ),
        }
        return EthicsAnswer(item_id=item_id, **self._all(fields))

    def _milestones(self, value: Any, path: str) -> dict[Phase, FuzzyTime]:
        self.mapping(value, path, "must be an object keyed by milestone")
        found: dict[Phase, FuzzyTime] = {}
        before = len(self.problems)
        for name, raw in value.items():
            where = child(path, name)
            try:
                phase = Phase(name)
            except ValueError:
                phase = None
            if phase is None or phase not in MILESTONE_KINDS:
                allowed = ", ".join(p.value for p in MILESTONE_KINDS)
                self.bad(where, f"unknown milestone (use one of: {allowed})")
                continue
            when = self.attempt(partial(self.fuzzy, raw, where))
            if when is not None:
                found[phase] = when
        if len(self.problems) > before:
            raise Bad()
        return found

    # -- parts added in version 2

    def names(self, value: Any, path: str) -> list[str]:
        """A list of people's names, none empty."""
        names = self.items(value, path)
        out = []
        before = len(self.problems)
        for index, item in enumerate(names):
            where = child(path, index)
            name = self.attempt(partial(self.text, item, where, limit=MAX_NAME))
            if name is not None and not name.strip():
                self.bad(where, "is empty; remove it")
            out.append(name)
        if len(self.problems) > before:
            raise Bad()
        return out

    def _markers(self, value: Any, path: str) -> dict[Marker, FuzzyTime]:
        self.mapping(value, path, "must be an object keyed by response moment")
        found: dict[Marker, FuzzyTime] = {}
        before = len(self.problems)
        for name, raw in value.items():
            where = child(path, name)
            try:
                marker = Marker(name)
            except ValueError:
                allowed = ", ".join(m.value for m in Marker)
                self.bad(where, f"unknown response moment (use one of: {allowed})")
                continue
            when = self.attempt(partial(self.fuzzy, raw, where))
            if when is not None:
                found[marker] = when
        if len(self.problems) > before:
            raise Bad()
        return found

    def number(self, value: Any, path: str) -> float | None:
        """A finite number, or null."""
        if value is None:
            return None
        if isinstance(value, Unusable):
            raise self.bad(path, value.problem)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.bad(path, "must be a number or null")
        try:
            number = float(value)
        except OverflowError:
            raise self.bad(path, "is a number too large to keep; out of range") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.bad(path, "is a number too large to keep; out of range")
        return number

    def impact(self, value: Any, path: str) -> ImpactMeasure:
        texts = ("unit", "slice", "source", "note")
        data = self.obj(value, path, {"measure"}, {"low", "high", "best", *texts})
        fields: dict[str, Callable[[], Any]] = {
            "measure": lambda: self.text(data["measure"], child(path, "measure"), limit=200),
            "unit": lambda: self.text(data.get("unit", ""), child(path, "unit"), limit=40),
        }
        for name in ("low", "high", "best"):
            fields[name] = partial(self.number, data.get(name), child(path, name))
        for name in ("slice", "source", "note"):
            fields[name] = partial(self.text, data.get(name, ""), child(path, name))
        measure = ImpactMeasure(**self._all(fields))
        found = impact_problems(measure)
        if found:
            raise self.bad(path, " ".join(found))
        return measure

    def factor(self, value: Any, path: str) -> ContributingFactor:
        data = self.obj(
            value, path, {"title"}, {"description", "trigger_kind", "implicated", "scope", "dates"}
        )

        def implicated() -> list[str]:
            codes = self.texts(data.get("implicated", []), child(path, "implicated"))
            for index, code in enumerate(codes):
                problem = change_kind_problem(code)
                if problem:
                    raise self.bad(child(child(path, "implicated"), index), problem)
            return codes

        fields: dict[str, Callable[[], Any]] = {
            "title": lambda: self.text(
                data["title"], child(path, "title"), limit=300, non_empty=True
            ),
            "description": lambda: self.text(
                data.get("description", ""), child(path, "description")
            ),
            "trigger_kind": lambda: self.text(
                data.get("trigger_kind", ""), child(path, "trigger_kind"), limit=100
            ),
            "implicated": implicated,
            "scope": lambda: self.text(data.get("scope", ""), child(path, "scope")),
            "dates": lambda: self._factor_dates(data.get("dates", {}), child(path, "dates")),
        }
        return ContributingFactor(**self._all(fields))

    def _factor_dates(self, value: Any, path: str) -> dict[FactorDate, FuzzyTime]:
        self.mapping(value, path, "must be an object keyed by began, detected ...")
        found: dict[FactorDate, FuzzyTime] = {}
        before = len(self.problems)
        for name, raw in value.items():
            where = child(path, name)
            try:
                moment = FactorDate(name)
            except ValueError:
                allowed = ", ".join(m.value for m in FactorDate)
                self.bad(where, f"unknown date of a factor (use one of: {allowed})")
                continue
            when = self.attempt(partial(self.fuzzy, raw, where))
            if when is not None:
                found[moment] = when
        if len(self.problems) > before:
            raise Bad()
        return found

    def reference(self, value: Any, path: str) -> Reference:
        data = self.obj(value, path, {"kind", "target"}, {"label", "note"})
        fields: dict[str, Callable[[], Any]] = {
            "kind": lambda: self.choice(data["kind"], child(path, "kind"), ReferenceKind),
            "target": lambda: self.text(
                data["target"], child(path, "target"), limit=2000, non_empty=True
            ),
            "label": lambda: self.text(data.get("label", ""), child(path, "label"), limit=300),
            "note": lambda: self.text(data.get("note", ""), child(path, "note")),
        }
        reference = Reference(**self._all(fields))
        found = target_problems(reference.target, "The link")
        if found:
            raise self.bad(child(path, "target"), " ".join(found))
        return reference

    def attachment(self, value: Any, path: str) -> Attachment:
        data = self.obj(value, path, {"name", "data"}, {"media_type", "caption", "created_at"})
        fields: dict[str, Callable[[], Any]] = {
            "name": lambda: self.text(data["name"], child(path, "name"), limit=200),
            "caption": lambda: self.text(data.get("caption", ""), child(path, "caption")),
            "created_at": lambda: self.optional_moment(
                data.get("created_at"), child(path, "created_at")
            ),
            "data": lambda: self._picture(data["data"], child(path, "data")),
        }
        checked = self._all(fields)
        found = attachment_problems(checked["name"], checked["data"], checked["caption"])
        if found:
            raise self.bad(path, " ".join(found))
        kind = media_type_of(checked["data"])
        if "media_type" in data and data["media_type"] != kind:
            raise self.bad(
                child(path, "media_type"),
                f"says {data['media_type']!r}, but the picture is {kind}",
            )
        width, height = image_size(checked["data"])
        return Attachment(incident_id=0, media_type=kind, width=width, height=height, **checked)

    def _picture(self, value: Any, path: str) -> bytes:
        if not isinstance(value, str):
            raise self.bad(path, "must be the picture's bytes in base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self.bad(path, "is not valid base64") from None
