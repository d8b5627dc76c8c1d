"""What counts as an answer for each answer type, and how answers read as text.

Answer values are plain JSON data:
- markdown: str
- fuzzy_time: the incident's milestone itself (the answer row only keeps N/A or unknown)
- single_choice: option id (str); multiple_choice: list of option ids
- yes_no_unknown: {"choice": "yes" | "no" | "unknown", "evidence": str}
- scale: int from 1 to 5
- people: list of names of people or teams
- items: list of {field id: str}
"""

from __future__ import annotations

from typing import Any

from hindsight.core.incident import Incident
from hindsight.core.review import Answer, AnswerStatus, AnswerType
from hindsight.review.bank import Question

YES_NO_CHOICES = ("yes", "no", "unknown")


def has_value(question: Question, value: Any, incident: Incident) -> bool:
    """True when `value` is a real answer to `question` (not blank, not half filled)."""
    kind = question.type
    if kind is AnswerType.FUZZY_TIME:
        return question.milestone is not None and question.milestone in incident.milestones
    if kind is AnswerType.MARKDOWN:
        return isinstance(value, str) and bool(value.strip())
    if kind is AnswerType.SINGLE_CHOICE:
        return isinstance(value, str) and bool(value)
    if kind in (AnswerType.MULTIPLE_CHOICE, AnswerType.PEOPLE):
        return isinstance(value, list) and any(isinstance(v, str) and v.strip() for v in value)
    if kind is AnswerType.YES_NO_UNKNOWN:
        return isinstance(value, dict) and value.get("choice") in YES_NO_CHOICES
    if kind is AnswerType.SCALE:
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5
    if kind is AnswerType.ITEMS:
        return isinstance(value, list) and any(
            isinstance(item, dict) and any(str(v).strip() for v in item.values()) for item in value
        )
    return False


def is_settled(question: Question, answer: Answer | None, incident: Incident) -> bool:
    """Answered, or marked not applicable / unknown with a reason."""
    if answer is not None and answer.status is not AnswerStatus.ANSWERED:
        if answer.status is AnswerStatus.NOT_APPLICABLE and not question.allow_na:
            return False
        return bool(answer.reason.strip())
    return has_value(question, answer.value if answer else None, incident)


def answer_text(question: Question | None, answer: Answer) -> str:
    """A plain reading of an answer, for lists, exports and orphaned answers."""
    if answer.status is AnswerStatus.NOT_APPLICABLE:
        return f"Not applicable: {answer.reason}"
    if answer.status is AnswerStatus.UNKNOWN:
        return f"Unknown: {answer.reason}"
    value = answer.value
    if question is None:
        return _generic_text(value)
    kind = question.type
    if kind is AnswerType.SINGLE_CHOICE and isinstance(value, str):
        return question.option_label(value)
    if kind is AnswerType.MULTIPLE_CHOICE and isinstance(value, list):
        # An imported answer may hold anything in its list: show what is there, as text.
        labels = (
            question.option_label(v) if isinstance(v, str) else _generic_text(v) for v in value
        )
        return ", ".join(label for label in labels if label)
    if kind is AnswerType.SCALE and isinstance(value, int) and 1 <= value <= 5:
        return f"{value} – {question.scale[value - 1]}"
    if kind is AnswerType.YES_NO_UNKNOWN and isinstance(value, dict):
        choice = str(value.get("choice", "")).capitalize()
        evidence = str(value.get("evidence", "")).strip()
        return f"{choice}. {evidence}" if evidence else choice
    if kind is AnswerType.ITEMS and isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict):
                parts = [str(item.get(f.id, "")).strip() for f in question.fields]
                lines.append(" — ".join(p for p in parts if p))
        return "\n".join(f"- {line}" for line in lines if line)
    return _generic_text(value)


def _generic_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_generic_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_generic_text(v)}" for k, v in value.items())
    return str(value)
