"""What an incident points to: dashboards, chat threads, tickets, runbooks, the original write-up.

A reference's target is a web address or a tracker reference such as "PROJ-42" or
"Bug 5554823". Only http(s) addresses are ever followed. A team can give patterns that turn
its tracker references into links ("PROJ-*" -> "https://tracker.example.com/browse/{ref}");
a reference no pattern matches stays plain text, which is never a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

MAX_TARGET = 2000
MAX_LABEL = 300
MAX_REFERENCE = 200  # a tracker reference that is not an address
# "javascript:x", "file:/x", "https://x": text that a reader would take for an address.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")


class ReferenceKind(StrEnum):
    """What sort of thing a reference points to."""

    DASHBOARD = "dashboard"
    CHAT = "chat"
    TICKET = "ticket"
    RUNBOOK = "runbook"
    DOCUMENT = "document"
    STATUS_PAGE = "status_page"
    ORIGINAL = "original"  # the original write-up of a postmortem brought into Hindsight
    OTHER = "other"

    @property
    def label(self) -> str:
        """The words shown to users."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ReferenceKind.DASHBOARD: "Dashboard or graph",
    ReferenceKind.CHAT: "Chat thread",
    ReferenceKind.TICKET: "Ticket",
    ReferenceKind.RUNBOOK: "Runbook",
    ReferenceKind.DOCUMENT: "Document",
    ReferenceKind.STATUS_PAGE: "Status page or public notice",
    ReferenceKind.ORIGINAL: "Original write-up",
    ReferenceKind.OTHER: "Other",
}


@dataclass(frozen=True, slots=True)
class Reference:
    """One thing the incident points to."""

    kind: ReferenceKind
    target: str  # a web address, or a tracker reference such as "PROJ-42"
    label: str = ""  # what it is, in words: "Error-rate dashboard"
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ReferenceKind(self.kind))


def is_web_address(target: str) -> bool:
    """True for an http or https address with a host: the only links Hindsight follows."""
    parts = urlsplit(target.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def target_problems(target: str, what: str = "The reference") -> list[str]:
    """What is wrong with a link or tracker reference; empty when it is usable (or blank).

    A web address must be http(s); anything else with a scheme (javascript:, file:) is
    refused, since it would be followed from documents. Other text is a reference.
    """
    text = target.strip()
    if not text:
        return []
    if len(target) > MAX_TARGET:
        return [f"{what} is longer than {MAX_TARGET} characters."]
    if not text.isprintable():
        return [f"{what} holds control characters or line breaks; keep it on one line."]
    if _SCHEME.match(text):
        # Anything that reads as an address is followed from documents: only http(s) is.
        if not is_web_address(text):
            return [
                f"{what} looks like a link but is not a web address; use one starting with "
                "http:// or https://, or a tracker reference such as PROJ-42."
            ]
        return []
    if len(text) > MAX_REFERENCE:
        return [f"{what} is longer than {MAX_REFERENCE} characters for a tracker reference."]
    return []


@dataclass(frozen=True, slots=True)
class TrackerPattern:
    """Turns tracker references into links: 'PROJ-*' with 'https://t.example/browse/{ref}'.

    The pattern is literal text with one `*`, which matches the reference's id (letters,
    digits, '.', '_' and '-'). In the address, {ref} is the whole reference and {id} the part
    the `*` matched, both escaped for a URL.
    """

    pattern: str
    url: str

    def problems(self) -> list[str]:
        """What is wrong with the pattern; empty when it can be used."""
        found = []
        if self.pattern.count("*") != 1:
            found.append(f"The pattern {self.pattern!r} needs exactly one * for the id.")
        if not is_web_address(self.url.replace("{ref}", "x").replace("{id}", "x")):
            found.append(f"The address {self.url!r} must start with http:// or https://.")
        if "{ref}" not in self.url and "{id}" not in self.url:
            found.append(f"The address {self.url!r} needs {{ref}} or {{id}} where the id goes.")
        return found

    def link(self, reference: str) -> str:
        """The address for `reference`, or '' when the pattern does not match it."""
        before, _, after = self.pattern.partition("*")
        expression = re.escape(before) + r"([A-Za-z0-9._-]+)" + re.escape(after)
        match = re.fullmatch(expression, reference.strip(), re.IGNORECASE)
        if not match:
            return ""
        address = self.url.replace("{ref}", quote(reference.strip(), safe="")).replace(
            "{id}", quote(match.group(1), safe="")
        )
        return address if is_web_address(address) else ""


def link_for(target: str, patterns: Iterable[TrackerPattern] = ()) -> str:
    """Where `target` leads: itself when it is a web address, a pattern's link, else ''."""
    text = target.strip()
    if not text:
        return ""
    if is_web_address(text):
        return text
    if _SCHEME.match(text):
        return ""
    for pattern in patterns:
        address = pattern.link(text)
        if address:
            return address
    return ""


def parse_patterns(raw: object) -> tuple[list[TrackerPattern], list[str]]:
    """Patterns from preferences data ([{"pattern": ..., "url": ...}]), and the problems."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["Tracker patterns must be a list of {pattern, url} entries."]
    patterns: list[TrackerPattern] = []
    problems: list[str] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("pattern", "url")
        ):
            problems.append(f"Tracker pattern {number} needs a pattern and an address (url).")
            continue
        found = TrackerPattern(entry["pattern"].strip(), entry["url"].strip())
        issues = found.problems()
        if issues:
            problems.extend(f"Tracker pattern {number}: {issue}" for issue in issues)
        else:
            patterns.append(found)
    return patterns, problems


def patterns_data(patterns: Sequence[TrackerPattern]) -> list[dict[str, str]]:
    """Patterns as preferences data."""
    return [{"pattern": p.pattern, "url": p.url} for p in patterns]
