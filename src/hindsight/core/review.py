"""The guided review's values: answers, change attribution and the review's status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class AnswerType(StrEnum):
    """How a question is answered."""

    MARKDOWN = "markdown"
    FUZZY_TIME = "fuzzy_time"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO_UNKNOWN = "yes_no_unknown"
    SCALE = "scale"
    PEOPLE = "people"
    ITEMS = "items"


class AnswerStatus(StrEnum):
    """Answered, or consciously left without an answer and why."""

    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class ReviewStatus(StrEnum):
    """Where the written review stands."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


# A kind of change is a code such as "training_data". The kinds are data, not code: the
# bundled ones are listed in resources/vocabulary.toml, and a team's question bank may add
# its own (routing, compilers, ...). Stored codes whose kind is no longer listed are kept.
ChangeKind = str
CHANGE_KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def change_kind_problem(code: str) -> str:
    """Why `code` cannot name a kind of change, or '' when it can."""
    if CHANGE_KIND_PATTERN.match(code):
        return ""
    return (
        f"{code!r} is not a kind-of-change code: use 1 to 32 lowercase letters, digits and _, "
        "starting with a letter"
    )


class Verdict(StrEnum):
    """What the review concluded about one kind of change."""

    IMPLICATED = "implicated"
    RULED_OUT = "ruled_out"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"  # this kind of change has no place in this system


@dataclass
class Answer:
    """The answer to one question, kept under the question's stable id.

    `value` is plain JSON-able data whose shape depends on the question's answer type (see
    hindsight.review.answers). `reason` explains a not-applicable or unknown answer.
    """

    question_id: str
    status: AnswerStatus = AnswerStatus.ANSWERED
    value: Any = None
    reason: str = ""
    bank_version: str = ""

    def __post_init__(self) -> None:
        self.status = AnswerStatus(self.status)


@dataclass
class Attribution:
    """One kind of change, the verdict on it and the evidence."""

    category: ChangeKind
    verdict: Verdict = Verdict.UNKNOWN
    evidence: str = ""

    def __post_init__(self) -> None:
        self.category = str(self.category)
        self.verdict = Verdict(self.verdict)


@dataclass(frozen=True, slots=True)
class ReviewTransition:
    """A recorded change of review status, e.g. a reopening with its reason."""

    at: datetime
    from_status: ReviewStatus
    to_status: ReviewStatus
    reason: str = ""
