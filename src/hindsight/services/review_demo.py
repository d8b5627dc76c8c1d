"""Demo reviews: answers, change attribution, states (resources/demo/reviews.toml)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from hindsight.core.incident import Incident
from hindsight.core.review import Answer, AnswerStatus, Attribution, ReviewStatus
from hindsight.paths import resources_dir
from hindsight.services.workspace import Workspace


def reviews_file() -> Path:
    """The bundled demo review answers."""
    return resources_dir() / "demo" / "reviews.toml"


def _answers(entry: dict[str, Any], version: str) -> dict[str, Answer]:
    answers = {
        qid: Answer(qid, AnswerStatus.ANSWERED, value, "", version)
        for qid, value in entry.get("answers", {}).items()
    }
    for key, status in (
        ("not_applicable", AnswerStatus.NOT_APPLICABLE),
        ("unknown", AnswerStatus.UNKNOWN),
    ):
        for qid, reason in entry.get(key, {}).items():
            answers[qid] = Answer(qid, status, None, reason, version)
    return answers


def _moment(entry: dict[str, Any], key: str) -> datetime | None:
    text = entry.get(key)
    return datetime.fromisoformat(text) if text else None


def _fixed_clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def add_review_demo(workspace: Workspace, incidents: list[Incident]) -> None:
    """Answer the demo incidents' reviews and move them to their demo states."""
    with reviews_file().open("rb") as handle:
        data = tomllib.load(handle)
    review = workspace.review
    for entry in data["review"]:
        incident = workspace.incidents.get(incidents[entry["incident"] - 1].id or 0)
        incident.answers.update(_answers(entry, review.bank.version))
        for category, value in entry.get("attribution", {}).items():
            incident.attributions[category] = Attribution(
                category, value["verdict"], value.get("evidence", "")
            )
        incident = workspace.incidents.save(incident)
        target = ReviewStatus(entry.get("status", "draft"))
        steps = {
            ReviewStatus.DRAFT: [],
            ReviewStatus.IN_REVIEW: [(ReviewStatus.IN_REVIEW, "submitted_at")],
            ReviewStatus.PUBLISHED: [
                (ReviewStatus.IN_REVIEW, "submitted_at"),
                (ReviewStatus.PUBLISHED, "published_at"),
            ],
        }[target]
        real_clock = review.clock
        try:
            for status, when_key in steps:
                when = _moment(entry, when_key)
                if when is not None:
                    review.clock = _fixed_clock(when)
                incident = review.move(incident, status)
        finally:
            review.clock = real_clock
