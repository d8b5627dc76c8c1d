"""How complete a review is, per section and overall, and what still blocks publishing."""

from __future__ import annotations

from dataclasses import dataclass

from hindsight.core.incident import Incident
from hindsight.core.review import Answer
from hindsight.review.answers import is_settled
from hindsight.review.bank import Question, QuestionBank, Section


@dataclass(frozen=True, slots=True)
class SectionProgress:
    """Settled questions of one section, counting required ones apart."""

    section: Section
    settled: int
    total: int
    required_settled: int
    required_total: int
    open_required: tuple[str, ...]  # ids of required questions still open

    @property
    def complete(self) -> bool:
        """Every required question is settled."""
        return self.required_settled == self.required_total

    @property
    def started(self) -> bool:
        """At least one question is settled."""
        return self.settled > 0


@dataclass(frozen=True, slots=True)
class ReviewProgress:
    """Progress of a whole review."""

    sections: tuple[SectionProgress, ...]

    @property
    def percent(self) -> int:
        """Share of required items settled, 0-100 (100 when nothing is required)."""
        done = sum(s.required_settled for s in self.sections)
        total = sum(s.required_total for s in self.sections)
        return 100 if total == 0 else round(100 * done / total)

    @property
    def complete(self) -> bool:
        """Every section's required questions are settled."""
        return all(s.complete for s in self.sections)

    def first_open_required(self) -> tuple[str, str] | None:
        """(section id, question id) of the first required question still open."""
        for progress in self.sections:
            if progress.open_required:
                return progress.section.id, progress.open_required[0]
        return None


ATTRIBUTION_ID = "change_attribution"


def _attribution_progress(section: Section, incident: Incident) -> SectionProgress:
    # Every kind of change the bank asks about needs an explicit verdict; "unknown" and "not
    # applicable" are honest verdicts too.
    codes = [k.id for k in section.change_kinds]
    assessed = sum(1 for c in codes if c in incident.attributions)
    total = len(codes)
    missing = () if assessed == total else (ATTRIBUTION_ID,)
    return SectionProgress(section, assessed, total, assessed, total, missing)


def section_progress(section: Section, incident: Incident) -> SectionProgress:
    """Progress of one section for `incident`."""
    if section.kind == "change_attribution":
        return _attribution_progress(section, incident)
    settled = required_settled = required_total = 0
    open_required: list[str] = []
    for question in section.questions:
        done = is_settled(question, incident.answers.get(question.id), incident)
        settled += done
        if question.required:
            required_total += 1
            required_settled += done
            if not done:
                open_required.append(question.id)
    return SectionProgress(
        section,
        settled,
        len(section.questions),
        required_settled,
        required_total,
        tuple(open_required),
    )


def review_progress(bank: QuestionBank, incident: Incident) -> ReviewProgress:
    """Progress of every section of `bank` for `incident`."""
    return ReviewProgress(tuple(section_progress(s, incident) for s in bank.sections))


def orphaned_answers(bank: QuestionBank, incident: Incident) -> list[Answer]:
    """Answers whose question is not in `bank` (renamed or removed): kept, shown apart."""
    return [a for qid, a in sorted(incident.answers.items()) if bank.question(qid) is None]


def open_required_questions(bank: QuestionBank, incident: Incident) -> list[Question]:
    """Required questions not yet answered or explained, in bank order."""
    progress = review_progress(bank, incident)
    ids = {qid for s in progress.sections for qid in s.open_required}
    return [q for q in bank.questions if q.id in ids]
