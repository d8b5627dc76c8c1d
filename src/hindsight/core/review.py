"""The guided review's values: answers, change attribution and the review's status."""

from __future__ import annotations

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


class ChangeCategory(StrEnum):
    """What may have changed or been implicated in an ML incident."""

    MODEL_ARCHITECTURE = "model_architecture"
    CONFIGURED_MODEL = "configured_model"
    TRAINED_MODEL = "trained_model"
    TRAINING_DATA = "training_data"
    DATA_SCHEMA = "data_schema"
    BINARIES = "binaries"
    PIPELINE_CAPACITY = "pipeline_capacity"
    THRESHOLDS_CONFIG = "thresholds_config"
    OUTSIDE_WORLD = "outside_world"
    NOTHING_FOUND = "nothing_found"


class Verdict(StrEnum):
    """What the review concluded about one kind of change."""

    IMPLICATED = "implicated"
    RULED_OUT = "ruled_out"
    UNKNOWN = "unknown"


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

    category: ChangeCategory
    verdict: Verdict = Verdict.UNKNOWN
    evidence: str = ""

    def __post_init__(self) -> None:
        self.category = ChangeCategory(self.category)
        self.verdict = Verdict(self.verdict)


@dataclass(frozen=True, slots=True)
class ReviewTransition:
    """A recorded change of review status, e.g. a reopening with its reason."""

    at: datetime
    from_status: ReviewStatus
    to_status: ReviewStatus
    reason: str = ""
