"""Search use cases: searching every incident, related incidents, saved searches, the index.

The query language is parsed in core/ (`hindsight.core.search_query`), compiled and run by
the store's search index; this service resolves what needs the question bank (trigger: and
detected-by: name answer options), turns snippet locations into the labels users see
("Review > Detection") and keeps saved searches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo

from hindsight.core.detection import DETECTION_SOURCE_QUESTION, TRIGGER_KIND_QUESTION
from hindsight.core.enums import Marker, Phase, Role
from hindsight.core.links import SavedSearch
from hindsight.core.privacy import EthicsChecklist
from hindsight.core.review import AnswerType
from hindsight.core.search_query import Field, FieldName, Query, QueryError, choice_codes, parse
from hindsight.core.search_results import (
    Area,
    Location,
    RelatedIncident,
    SearchPage,
    SearchRequest,
    Snippet,
)
from hindsight.core.search_text import Pattern, excerpt, find
from hindsight.review.bank import QuestionBank
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.store.saved_searches import DuplicateNameError, SavedSearchRepository
from hindsight.store.search import SearchIndex
from hindsight.vocabulary import vocabulary

__all__ = ["QueryError", "SearchService"]

MAX_LIMIT = 1000
MAX_NAME = 200

_OVERVIEW_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "key": "Key",
    "systems": "Systems",
    "models": "Models",
    "tags": "Tags",
}
_ACCESS_COLUMNS = {"dataset": "Dataset", "justification": "Justification", "notes": "Notes"}


def local_zone() -> tzinfo | None:
    """The zone of this computer, where after: and before: days begin."""
    return datetime.now().astimezone().tzinfo


class SearchService:
    """What the UI and the command line may do with search."""

    def __init__(
        self,
        index: SearchIndex,
        saved: SavedSearchRepository,
        bank: Callable[[], QuestionBank],
        checklist: Callable[[], EthicsChecklist] | None = None,
        feed: ChangeFeed | None = None,
        zone: Callable[[], tzinfo | None] = local_zone,
    ) -> None:
        self.index = index
        self.saved_repository = saved
        self._bank = bank
        self._checklist = checklist
        self.feed = feed or ChangeFeed()
        self._zone = zone

    # -- searching ------------------------------------------------------------------------

    def parse(self, text: str) -> Query:
        """The query `text` stands for, checked against the question bank.

        QueryError (a ValueError with a one-line message) when it is malformed.
        """
        query = parse(text)
        self._choices(query)
        return query

    def search(
        self,
        text: str,
        *,
        limit: int = 50,
        offset: int = 0,
        snippets: int = 3,
        exact_total: bool = True,
    ) -> SearchPage:
        """One page of incidents matching `text`, best first, with labelled snippets.

        An empty query lists every incident, newest first. With `exact_total` False the
        page's total may be a lower bound (`total_exact` says), which can spare counting
        every match (`count` gives the exact one). QueryError when `text` is malformed;
        StoreError when the database or its index cannot be read.
        """
        if not 0 <= limit <= MAX_LIMIT:
            raise ValidationError(f"A page holds 0 to {MAX_LIMIT} results; {limit} was asked.")
        if offset < 0:
            raise ValidationError("The offset of a page cannot be negative.")
        query = parse(text)
        request = SearchRequest(
            query,
            self._choices(query),
            self._zone(),
            limit,
            offset,
            max(0, snippets),
            exact_total=exact_total,
        )
        page = self.index.search(request)
        bank = self._bank()
        patterns = [item.pattern for item in query.positive_texts()]
        hits = tuple(
            replace(hit, snippets=tuple(self._labelled(s, bank, patterns) for s in hit.snippets))
            for hit in page.hits
        )
        return replace(page, hits=hits)

    def ranked_ids(self, text: str) -> list[int]:
        """The ids of every incident matching `text`, best first, for a list that reads
        its rows a page at a time (empty text: every incident, newest first)."""
        query = parse(text)
        return self.index.ranked(SearchRequest(query, self._choices(query), self._zone()))

    def snippets(
        self, text: str, ids: Sequence[int], per_hit: int = 3
    ) -> dict[int, tuple[Snippet, ...]]:
        """Labelled snippets for the incidents `ids` (the rows on screen) of the query `text`."""
        query = parse(text)
        request = SearchRequest(query, self._choices(query), self._zone(), snippets=per_hit)
        found = self.index.snippets(request, ids)
        bank = self._bank()
        patterns = [item.pattern for item in query.positive_texts()]
        return {
            incident: tuple(self._labelled(s, bank, patterns) for s in found_snippets)
            for incident, found_snippets in found.items()
        }

    def count(self, text: str) -> int:
        """How many incidents match `text`."""
        return self.search(text, limit=0, snippets=0).total

    def _choices(self, query: Query) -> dict[Field, frozenset[str]]:
        """The answer options each trigger: and detected-by: field names."""
        bank = self._bank()
        resolved: dict[Field, frozenset[str]] = {}
        for item in query.fields():
            if item.name is FieldName.IMPLICATED:
                # Kinds of change are data: the bank's, in its words.
                kinds = {k.id: k.label for k in bank.change_kinds}
                resolved[item] = choice_codes(item.name, item.value, kinds)
                continue
            if item.name not in (FieldName.TRIGGER, FieldName.DETECTED_BY):
                continue
            question_id = (
                TRIGGER_KIND_QUESTION
                if item.name is FieldName.TRIGGER
                else DETECTION_SOURCE_QUESTION
            )
            question = bank.question(question_id)
            options = {o.id: o.label for o in question.options} if question else {}
            resolved[item] = choice_codes(item.name, item.value, options)
        return resolved

    # -- labels ---------------------------------------------------------------------------

    def _labelled(self, snippet: Snippet, bank: QuestionBank, patterns: list[Pattern]) -> Snippet:
        location = snippet.location
        label = self.label(location, bank)
        if location.area is Area.REVIEW and location.column == "body":
            snippet = self._choice_text(snippet, bank, patterns)
        return replace(snippet, label=label)

    def label(self, location: Location, bank: QuestionBank | None = None) -> tuple[str, ...]:
        """Where `location` is, as the steps a user takes to get there."""
        words = vocabulary()
        area, detail = location.area, location.detail
        if area is Area.OVERVIEW:
            return ("Overview", _OVERVIEW_LABELS.get(location.column, location.column))
        if area is Area.MILESTONES:
            return ("Milestones", _moment_label(detail))
        if area is Area.TIMELINE:
            place = ("Timeline", _enum_label(Phase, detail, words.phase_labels))
            return (*place, "Time note") if location.column == "time_note" else place
        if area is Area.ROLES:
            return ("Roles", _enum_label(Role, detail, words.role_labels))
        if area is Area.TEAMS:
            return ("Teams", detail)
        if area is Area.REVIEW:
            section = _section_title(bank or self._bank(), detail)
            return (
                ("Review", section, "Reason")
                if location.column == "reason"
                else (
                    "Review",
                    section,
                )
            )
        if area is Area.ATTRIBUTION:
            category = bank.change_label(detail) if bank is not None else detail
            return ("Review", "Change attribution", category)
        if area is Area.FOLLOWUPS:
            return ("Follow-ups", detail)
        if area is Area.ACCESS_LOG:
            column = _ACCESS_COLUMNS.get(location.column, location.column)
            return ("Privacy", f"Data access {detail}", column)
        return ("Privacy", "Ethics checklist", self._checklist_part(detail))

    def _checklist_part(self, item_id: str) -> str:
        if self._checklist is not None:
            for part in self._checklist().parts:
                if any(item.id == item_id for item in part.items):
                    return part.title
        return item_id

    @staticmethod
    def _choice_text(snippet: Snippet, bank: QuestionBank, patterns: list[Pattern]) -> Snippet:
        """A choice answer shown by its option labels rather than its stored ids."""
        question = bank.question(snippet.location.detail)
        if question is None or question.type not in (
            AnswerType.SINGLE_CHOICE,
            AnswerType.MULTIPLE_CHOICE,
        ):
            return snippet
        ids = [part.strip() for part in snippet.text.split()]
        shown = ", ".join(question.option_label(option) for option in ids)
        spans = find(shown, patterns)
        if not spans:
            return snippet  # the match was on the id itself: show what matched
        part = excerpt(shown, spans)
        return replace(snippet, text=part.text, spans=part.spans)

    # -- related incidents ----------------------------------------------------------------

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """The earlier incidents most like `incident_id`, each with why, most alike first."""
        found = self.index.related(incident_id, limit)
        return [replace(item, reasons=self._reasons(item)) for item in found]

    def _reasons(self, item: RelatedIncident) -> tuple[str, ...]:
        shared = item.shared
        reasons = []
        if shared.trigger_kind:
            question = self._bank().question(TRIGGER_KIND_QUESTION)
            kind = question.option_label(shared.trigger_kind) if question else shared.trigger_kind
            reasons.append(f"Same kind of trigger: {kind}")
        if shared.implicated:
            labels = [self._bank().change_label(c) for c in shared.implicated]
            reasons.append("Both implicated: " + ", ".join(labels))
        if shared.systems:
            reasons.append("Same systems: " + ", ".join(shared.systems))
        if shared.words:
            reasons.append("Shared words: " + ", ".join(shared.words))
        return tuple(reasons)

    # -- saved searches -------------------------------------------------------------------

    def saved(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return self.saved_repository.all()

    def saved_with_counts(self) -> list[tuple[SavedSearch, int | None]]:
        """Every saved search with how many incidents it matches now (None: it no longer
        parses, e.g. after the question bank changed)."""
        counted: list[tuple[SavedSearch, int | None]] = []
        for item in self.saved():
            try:
                counted.append((item, self.count(item.query)))
            except QueryError:
                counted.append((item, None))
        return counted

    def save(self, name: str, query: str) -> SavedSearch:
        """Keep `query` under `name`; ValidationError for an empty or taken name or a bad query."""
        name = self._checked_name(name)
        self.parse(query)
        try:
            stored = self.saved_repository.add(name, query.strip())
        except DuplicateNameError:
            raise ValidationError(
                f"A saved search called “{name}” exists already; choose another name."
            ) from None
        self.feed.record(Changes.of(saved_searches=True))
        return stored

    def rename(self, search_id: int, name: str) -> SavedSearch:
        """Give a saved search another name."""
        name = self._checked_name(name)
        try:
            stored = self.saved_repository.update(search_id, name=name)
        except DuplicateNameError:
            raise ValidationError(
                f"A saved search called “{name}” exists already; choose another name."
            ) from None
        self.feed.record(Changes.of(saved_searches=True))
        return stored

    def change_query(self, search_id: int, query: str) -> SavedSearch:
        """Replace the query a saved search runs."""
        self.parse(query)
        stored = self.saved_repository.update(search_id, query=query.strip())
        self.feed.record(Changes.of(saved_searches=True))
        return stored

    def delete(self, search_id: int) -> None:
        """Forget a saved search."""
        self.saved_repository.remove(search_id)
        self.feed.record(Changes.of(saved_searches=True))

    @staticmethod
    def _checked_name(name: str) -> str:
        cleaned = " ".join(name.split())
        if not cleaned:
            raise ValidationError("A saved search needs a name.")
        if len(cleaned) > MAX_NAME:
            raise ValidationError(f"The name is longer than {MAX_NAME} characters; shorten it.")
        return cleaned

    # -- the index ------------------------------------------------------------------------

    def index_problems(self) -> list[str]:
        """What is wrong with the search index; empty when it agrees with the data."""
        return self.index.problems()

    def rebuild_index(self) -> None:
        """Build the search index again from the data."""
        self.index.rebuild()


def _enum_label(kind: type, code: str, labels: dict) -> str:
    try:
        return str(labels[kind(code)])
    except (ValueError, KeyError):
        return code


def _section_title(bank: QuestionBank, question_id: str) -> str:
    for section in bank.sections:
        if any(question.id == question_id for question in section.questions):
            return section.title
    return "Other answers"


def _moment_label(code: str) -> str:
    """A milestone's or response moment's name ('Impact start', 'Acknowledged'), or the code."""
    words = vocabulary()
    for kind in (Phase, Marker):
        try:
            return words.moment_label(kind(code))
        except ValueError:
            continue
    return code
