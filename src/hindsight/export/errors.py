"""Errors an export or an import can meet, each with a message a person can act on."""

from __future__ import annotations

from pathlib import Path

from hindsight.core.errors import HindsightError


class ExportError(HindsightError):
    """An export that could not be done; nothing was written. The message says what to do."""


class TemplateProblem(ExportError):
    """A template that cannot be used: the message names the template and the line."""

    def __init__(self, template: str, line: int | None, problem: str) -> None:
        self.template = template
        self.line = line
        self.problem = problem
        where = f"{template}, line {line}" if line else template
        super().__init__(f"Template {where}: {problem}. Nothing was written; fix the template.")


class ExportCancelled(ExportError):
    """The user stopped the export while it was being made; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; nothing was written.")


class RedactionIncomplete(ExportError):
    """A custom PII pattern was stopped at its time limit in a text being redacted: its
    matches after the stop would be left in, so nothing is redacted or written."""

    def __init__(self, pattern: str, where: str) -> None:
        self.pattern = pattern
        self.where = where
        super().__init__(
            f"The PII pattern “{pattern}” took too long on {where} and was stopped, so "
            "everything it finds there cannot be redacted. Nothing was redacted or written; "
            "simplify the pattern (Settings ▸ PII Patterns: nested repeats like (x+)+ can take "
            "forever) and try again."
        )


class WriteProblem(ExportError):
    """The file could not be written (folder missing, read-only, disk full ...)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"Cannot write {path}: {reason}. Nothing was written; {_advice(reason)}.")


def _advice(reason: str) -> str:
    """What to do about a file that could not be written, by what went wrong."""
    for words, advice in (
        ("it is a folder", "give a file name inside it"),
        ("not a folder", "give a folder, or a path whose folders exist"),
        ("exists already", "choose another name, or move that file away first"),
        ("appeared meanwhile", "choose another name, or move that file away first"),
        ("does not exist", "choose a folder that exists"),
        ("disk is full", "free some space, or choose another disk"),
        ("permission denied", "choose a folder you may write to"),
        ("read-only", "choose a folder you may write to"),
    ):
        if words in reason:
            return advice
    return "choose another folder"
