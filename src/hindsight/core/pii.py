"""Finding personal data in free text: e-mail and IP addresses, phone and card numbers.

Pure Python, no Qt: the editor runs it on every pause in typing, and the export calls it
before anything leaves the machine. Each kind is found by a cheap regular expression that
only proposes candidates, then confirmed by a check that understands the kind (the
`ipaddress` module for IP addresses, the Luhn checksum and issuer prefixes for cards, digit
counts and context for phone numbers), so version strings, timestamps, dates and counts are
not flagged. Teams add their own patterns (a customer id format, say) as named regexes.

    findings = scan_text(text, compile_patterns([("Customer id", r"CUST-\\d{8}")]))
    clean = redact_text(text, findings)

A custom pattern is written by a person, and one with nested repeats such as (x+x+)+y takes
longer than anyone can wait on a run of x's. So custom patterns are matched by the `regex`
module, which can stop after a time limit and lets go of the interpreter lock while it works:
a pattern that hits the limit is stopped for that text and reported in `ScanResult.stopped`,
the other findings stay, and the program keeps answering. The built-in patterns, written and
measured here, stay on `re`.
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex as rx  # imported where a custom pattern is compiled: 40-50 ms, most scans none

log = logging.getLogger(__name__)


class PiiKind(StrEnum):
    """What kind of personal data a finding is."""

    EMAIL = "email"
    IP_ADDRESS = "ip_address"
    PHONE = "phone"
    CARD = "card"
    CUSTOM = "custom"


# What a finding is called in lists, and what replaces it when redacted.
KIND_LABELS: dict[PiiKind, str] = {
    PiiKind.EMAIL: "E-mail address",
    PiiKind.IP_ADDRESS: "IP address",
    PiiKind.PHONE: "Phone number",
    PiiKind.CARD: "Payment card number",
    PiiKind.CUSTOM: "Custom pattern",
}
PLACEHOLDERS: dict[PiiKind, str] = {
    PiiKind.EMAIL: "[email redacted]",
    PiiKind.IP_ADDRESS: "[IP address redacted]",
    PiiKind.PHONE: "[phone number redacted]",
    PiiKind.CARD: "[card number redacted]",
}

# When two candidates overlap, the more specific kind wins (a card number is not a phone).
_PRIORITY = {
    PiiKind.CARD: 0,
    PiiKind.EMAIL: 1,
    PiiKind.IP_ADDRESS: 2,
    PiiKind.CUSTOM: 3,
    PiiKind.PHONE: 4,
}
CONTEXT_CHARS = 40

# How long one custom pattern may spend matching one text, in seconds of CPU time. A sensible
# pattern (a customer id format) scans a whole 1 MB review in a few milliseconds, so this is
# far above what one needs; and a scan of an incident's texts, run again after each pause in
# typing, still ends soon after the limit when a pattern with nested repeats would otherwise
# run for hours. It is also what a new pattern must stay under on the probe texts.
PATTERN_TIME_LIMIT = 0.25
# All the probe texts together may take this long (a pattern just under the limit on each
# of them would otherwise keep the settings dialog busy for seconds).
PROBE_TIME_BUDGET = 4 * PATTERN_TIME_LIMIT
# The advice shown with a pattern that was stopped or refused for taking too long.
SIMPLIFY_ADVICE = "simplify it: nested repeats like (x+)+ can take forever"


class PatternError(ValueError):
    """A custom pattern that cannot be used; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class CustomPattern:
    """A team's own kind of personal data: a name and a compiled regular expression.

    The expression is compiled by the `regex` module (VERSION0, Python's `re` syntax, which
    `compile_pattern` checks first), so its matching can be stopped at a time limit.
    """

    name: str
    regex: rx.Pattern[str]

    @property
    def placeholder(self) -> str:
        """What replaces a match when it is redacted, e.g. '[customer id redacted]'."""
        return f"[{self.name.strip().lower()} redacted]"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found in a text: where it is and what it looks like.

    `start` and `end` index into the scanned text. `field` and `where` are filled in by
    callers that scan a record of several texts (a stable path, and a label for people).
    """

    kind: PiiKind
    start: int
    end: int
    text: str
    label: str
    placeholder: str
    before: str = ""
    after: str = ""
    field: str = ""
    where: str = ""

    @property
    def snippet(self) -> str:
        """The finding with a little of the text around it, on one line."""
        return f"{self.before}{self.text}{self.after}"

    def located(self, field: str, where: str) -> Finding:
        """The same finding, placed in the field `field` (a path) labelled `where`."""
        return replace(self, field=field, where=where)


@dataclass(frozen=True, slots=True)
class StoppedPattern:
    """A custom pattern whose matching of a text was stopped at PATTERN_TIME_LIMIT.

    Its findings in that text before it was stopped are kept; any after it are missing.
    `field` and `where` say which text, as for a Finding.
    """

    name: str
    field: str = ""
    where: str = ""

    def located(self, field: str, where: str) -> StoppedPattern:
        """The same report, placed in the field `field` (a path) labelled `where`."""
        return replace(self, field=field, where=where)

    @property
    def message(self) -> str:
        """What happened and what to do, for people."""
        place = f" in {self.where}" if self.where else ""
        return (
            f"The pattern “{self.name}” was stopped after {PATTERN_TIME_LIMIT:g} s{place}, so "
            f"what it would find there may be missing; {SIMPLIFY_ADVICE} "
            "(Settings ▸ PII Patterns)."
        )


class ScanResult(list[Finding]):
    """The findings of a scan (a list, as before), and the custom patterns it stopped.

    Only this object carries `stopped`: a slice or a copy made with list() is a plain list.
    (A class attribute, set on the object only when a pattern was stopped: an incident is
    scanned as a hundred short texts, and a constructor of our own added a few per cent.)
    """

    stopped: tuple[StoppedPattern, ...] = ()


# -- custom patterns --------------------------------------------------------------------------


# Braces holding e, i, d or s (a{e<=1}) are fuzzy matching to `regex`, and [:alpha:] inside a
# set is a POSIX class; `re` reads both as the characters written (with a warning for [[:).
_READ_DIFFERENTLY = (
    (
        re.compile(r"(?<!\\)\{[^{}]*\b[eids]\b[^{}]*\}"),
        "a fuzzy-matching limit",
        "write \\{ for a brace",
    ),
    (
        re.compile(r"\[:\^?[A-Za-z]+:\]"),
        "a class of characters such as letters",
        "write \\[ for a bracket inside a set, or \\w, \\d or \\s for a class",
    ),
)


def compile_pattern(name: str, pattern: str) -> CustomPattern:
    """Compile one custom pattern; PatternError with a message naming it if it is unusable."""
    label = name.strip()
    if not label:
        raise PatternError(f"The pattern {pattern!r} needs a name (it is shown in findings).")
    if not pattern.strip():
        raise PatternError(f"The pattern “{label}” is empty; write a regular expression.")
    # Python's `re` decides what is valid, as it always has: `regex` accepts more (\p{L},
    # variable-width look-behind, fuzzy matching ...), and its messages differ.
    try:
        re.compile(pattern)
    except re.error as error:
        where = f" at position {error.pos}" if error.pos is not None else ""
        raise PatternError(
            f"The pattern “{label}” is not a valid regular expression: {error.msg}{where}."
        ) from error
    # Two things `re` reads as plain characters mean something else to `regex`.
    for reading, meaning, fix in _READ_DIFFERENTLY:
        if (found := reading.search(pattern)) is not None:
            raise PatternError(
                f"The pattern “{label}” has “{found.group()}”, which would be read as "
                f"{meaning} rather than as those characters; {fix}."
            )
    import regex as rx

    try:
        regex = rx.compile(pattern, rx.VERSION0)
    except (rx.error, ValueError) as error:  # not seen: VERSION0 accepts what `re` accepts
        raise PatternError(f"The pattern “{label}” cannot be used: {error}.") from error
    if regex.fullmatch(""):
        # A pattern that matches nothing at all would flag every position in every text.
        raise PatternError(
            f"The pattern “{label}” matches empty text; make it require at least one character."
        )
    return CustomPattern(label, regex)


def compile_patterns(specs: Iterable[tuple[str, str]]) -> list[CustomPattern]:
    """Compile (name, regex) pairs; PatternError for the first unusable or repeated one."""
    compiled: list[CustomPattern] = []
    seen: set[str] = set()
    for name, pattern in specs:
        custom = compile_pattern(name, pattern)
        key = custom.name.casefold()
        if key in seen:
            raise PatternError(f"Two patterns are called “{custom.name}”; give each its own name.")
        seen.add(key)
        compiled.append(custom)
    return compiled


# Characters that most patterns are written around, tried whatever the pattern says.
_PROBE_CHARACTERS = "xa0A _-.@\n"
_PROBE_LENGTH = 4_000
_PROBE_PATTERN_CHARACTERS = 24


def _probe_texts(pattern: str) -> Iterator[tuple[str, str]]:
    """Texts that make patterns with nested repeats backtrack for ever: (description, text).

    Such a pattern is slow on a long run of what its repeats match, when the run does not
    end the way the pattern wants; so each probe is a run of one character (or two, taken
    from the pattern), alone and followed by characters that patterns rarely end with.
    """
    literal = [c for c in dict.fromkeys(pattern) if c.isprintable() and c not in "\\()[]{}|?*+^$"]
    singles = list(dict.fromkeys(_PROBE_CHARACTERS + "".join(literal)))
    pairs = [
        a + b
        for a, b in dict.fromkeys(itertools.pairwise(pattern))
        if a != b and a in literal and b in literal
    ]
    for unit in singles[: len(_PROBE_CHARACTERS) + _PROBE_PATTERN_CHARACTERS] + pairs[:12]:
        run = unit * (_PROBE_LENGTH // len(unit))
        for ending in ("", "!", "\n\x00"):
            shown = unit.replace("\n", "\\n")
            yield (
                f"a run of {len(run):,} “{shown}”" + (f" then {ending!r}" if ending else ""),
                (run + ending),
            )


def probe_pattern(custom: CustomPattern) -> None:
    """PatternError naming the pattern if it hits the time limit on a hostile probe text.

    Run when a pattern is added or edited: a pattern that would be stopped in scans anyway
    is refused before anyone relies on it.
    """
    budget_left = PROBE_TIME_BUDGET
    for description, text in _probe_texts(custom.regex.pattern):
        started = time.process_time()
        try:
            limit = min(PATTERN_TIME_LIMIT, budget_left)
            for _match in custom.regex.finditer(text, concurrent=True, timeout=limit):
                pass
        except TimeoutError:
            why = (
                f"took more than {limit:g} s on {description}"
                if limit == PATTERN_TIME_LIMIT
                else f"took more than {PROBE_TIME_BUDGET:g} s on the test texts"
            )
            raise PatternError(
                f"The pattern “{custom.name}” {why}, so it could stall every scan; "
                f"{SIMPLIFY_ADVICE}."
            ) from None
        budget_left -= time.process_time() - started


def check_patterns(specs: Iterable[tuple[str, str]]) -> list[CustomPattern]:
    """`compile_patterns`, then `probe_pattern` on each: what is done before saving patterns."""
    compiled = compile_patterns(specs)
    for custom in compiled:
        probe_pattern(custom)
    return compiled


# -- e-mail addresses -------------------------------------------------------------------------

# The look-behind makes every attempt that starts inside a word fail at once, which keeps the
# scan linear on long texts without an '@'.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-'])"
    r"[A-Za-z0-9][A-Za-z0-9._%+\-']{0,63}"
    r"@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?P<tld>[A-Za-z]{2,24})"
    # Not a longer name, and not 'git@host:repo' (an SSH remote, not a mailbox).
    r"(?![A-Za-z0-9\-@]|\.[A-Za-z0-9]|:[^\s])"
)
# 'icon@2x.png' is an image asset: the last label of a mailbox is never a file extension.
_FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "css",
        "js",
        "ts",
        "map",
        "json",
        "yaml",
        "yml",
        "toml",
        "txt",
        "csv",
        "parquet",
        "pkl",
        "pt",
        "onnx",
        "h5",
        "ipynb",
    ]
)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        local = match.group().split("@", 1)[0]
        if ".." in local or local.endswith(".") or match["tld"].lower() in _FILE_EXTENSIONS:
            continue
        # 'https://user:pass@host/' holds credentials for a server, not a mailbox.
        token_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start()))
        if "://" in text[token_start + 1 : match.start()]:
            continue
        yield match.start(), match.end()


# -- IP addresses -----------------------------------------------------------------------------

# Words that, just before a dotted quad, say it is a version or a section number.
_NOT_AN_ADDRESS_BEFORE = re.compile(
    r"(?:\b(?:version|versions|ver|release|build|firmware|revision|rev|section|chapter|"
    r"clause|rule|step|item|oid|kernel|linux|sdk|api|driver|patch|python|java|node|chrome|"
    r"firefox|safari|android|ios|windows|macos|ubuntu|debian)\.?|\bv|§)\s*$",
    re.IGNORECASE,
)
_IPV4 = re.compile(
    r"(?<![\w.\-@/])(?<!==)"
    r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
    # Not followed by more dotted parts, a pre-release tag (1.2.3.4-beta) or a prefix length.
    r"(?![\w]|\.\d|-[A-Za-z0-9]|/\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:.\-])"
    r"[0-9A-Fa-f:]{2,39}"
    r"(?:(?<=:)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})?"
    r"(?:%[0-9A-Za-z]{1,15})?"
    r"(?![\w:]|\.\d|/\d)"
)


def _is_public_interest(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Loopback and "any" addresses identify no one; every other address may.
    return not (address.is_loopback or address.is_unspecified)


def _ipv4s(text: str) -> Iterator[tuple[int, int]]:
    if "." not in text:
        return
    for match in _IPV4.finditer(text):
        try:
            address = ipaddress.IPv4Address(match.group())
        except ValueError:  # an octet over 255, or leading zeros (often a date or an id)
            continue
        if str(address) == "255.255.255.255" or not _is_public_interest(address):
            continue
        if _NOT_AN_ADDRESS_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue
        yield match.start(), match.end()


def _ipv6s(text: str) -> Iterator[tuple[int, int]]:
    if "::" not in text and text.count(":") < 7:
        return
    for match in _IPV6.finditer(text):
        candidate = match.group()
        if candidate.count(":") < 2:
            continue
        head = candidate.split("%", 1)[0]
        groups = [g for g in head.split(":") if g]
        # Two groups at least: '::2' is a Python slice far more often than an address.
        if len(groups) < 2:
            continue
        try:
            address = ipaddress.IPv6Address(head)
        except ValueError:  # times (10:30:00), MAC addresses, C++ scopes ...
            continue
        if not _is_public_interest(address):
            continue
        yield match.start(), match.end()


# -- payment cards ----------------------------------------------------------------------------

_CARD = re.compile(
    r"(?<![\w.\-/+:])"
    r"(?:\d{13,19}"  # unformatted
    r"|\d{4}(?P<a>[ \-])\d{4}(?P=a)\d{4}(?:(?P=a)\d{4})?(?:(?P=a)\d{1,3})?"  # in fours
    r"|\d{4}(?P<b>[ \-])\d{6}(?P=b)\d{4,5})"  # 4-6-5 (Amex) and 4-6-4 (Diners)
    r"(?![\w\-/%]|[.,:]\d)"
)
# Issuer prefixes of the networks in everyday use (Visa, Mastercard, Amex, Discover, Diners,
# JCB, UnionPay, Maestro): with the Luhn check, random ids rarely pass both.
_CARD_PREFIX = re.compile(r"4|5[0-5]|2[2-7]|3[0456789]|6")


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum that card numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _cards(text: str) -> Iterator[tuple[int, int]]:
    position = 0
    while (match := _CARD.search(text, position)) is not None:
        span = _card_span(match)
        if span is not None:
            yield span
            position = span[1]
        else:
            # "7946 0958 4111 1111 ...": a card may start at a later group of a rejected
            # candidate, so look again from the next group rather than after the candidate.
            candidate = match.group()
            gap = next((i for i, c in enumerate(candidate) if not c.isdigit()), len(candidate))
            position = match.start() + gap + 1


def _card_span(match: re.Match[str]) -> tuple[int, int] | None:
    candidate = match.group()
    separators = {c for c in candidate if not c.isdigit()}
    if not separators:
        return (match.start(), match.end()) if _is_card(candidate) else None
    separator = separators.pop()
    groups = candidate.split(separator)
    # A card followed by another number ("... 1111 62") is a card and a number: drop trailing
    # groups until the rest is a card, if it ever is.
    for count in range(len(groups), 0, -1):
        kept = groups[:count]
        if sum(len(g) for g in kept) < 13:
            break
        if _card_grouping([len(g) for g in kept]) and _is_card("".join(kept)):
            return match.start(), match.start() + len(separator.join(kept))
    return None


def _is_card(digits: str) -> bool:
    return (
        13 <= len(digits) <= 19
        and len(set(digits)) > 1
        and _CARD_PREFIX.match(digits) is not None
        and luhn_valid(digits)
    )


def _card_grouping(sizes: list[int]) -> bool:
    # Cards are written in fours (or 4-6-5 / 4-6-4 for Amex and Diners), never in pairs.
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


# -- phone numbers ----------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w+.\-/$€£¥#:,])"
    r"(?:"
    r"\+\d{8,15}"  # +442079460958, written without separators
    r"|"
    r"(?:\+\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?)?"  # a country code, perhaps with (0)
    r"(?:\(\d{1,5}\)[ .\-]?)?"  # an area code in brackets
    r"\d{1,5}(?:[ .\-]\d{1,8}){0,5}"
    r")"
    # Not followed by more of a number, a decimal part, a percentage, or the rest of an IPv6
    # address or a time ("2001:db8::7", "10:30").
    r"(?![\w%‰°]|[.,/\-]\d|:[0-9A-Fa-f]|\s?(?:percent|per cent)\b)"
)
_COUNTRY_CODE = re.compile(r"^(?:\+|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?")
# Words that, shortly before an ambiguous number, say it is a phone number.
_PHONE_WORDS = re.compile(
    r"\b(?:phone|phoned|telephone|tel|mobile|cell|cellphone|call|called|callback|ring|rang|"
    r"fax|whatsapp|sms|texted|hotline|dial|dialled|dialed|contact)\b[\s.:#()a-z]{0,24}$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})\b")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        candidate, start = match.group(), match.start()
        # Most candidates are short numbers (counts, times); seven digits need seven characters.
        while len(candidate) >= 7:
            if _is_phone(candidate, text, start):
                yield start, start + len(candidate)
                break
            # "+44 20 7946 0958 2 times": a number written after an unmistakable phone number
            # (one with a country code or an area code in brackets) is not part of it.
            if not candidate.startswith(("+", "(")) or " " not in candidate:
                break
            candidate = candidate.rsplit(" ", 1)[0].rstrip(" .-")


def _is_phone(candidate: str, text: str, start: int) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    # 0044 20 ... is the international prefix dialled instead of '+'.
    plus = candidate.startswith(("+", "00"))
    # E.164 allows 15 digits with the country code; national numbers stay within 12.
    if not (8 <= digits <= 15 if plus else 7 <= digits <= 12):
        return False
    if _DATE.search(candidate):
        return False
    national = _COUNTRY_CODE.sub("", candidate) if plus else candidate
    groups = [g for g in re.split(r"[ .\-()]+", national) if g]
    separators = set(re.findall(r"[ .\-]", national))
    if len(groups) > 1 and (all(_YEAR.fullmatch(g) for g in groups) or len(groups[-1]) < 2):
        return False  # 2020 2021 2022 are years; 978-3-16-148410-0 (an ISBN) ends in one digit
    if "." in separators and (len(separators) > 1 or _dotted_like_version(groups)):
        return False
    if plus or "(" in candidate:
        return True
    context = _PHONE_WORDS.search(text, max(0, start - 40), start) is not None
    if len(groups) == 1:
        # A bare run of digits is a phone number only when the text says so.
        return context and digits >= 9
    if sum(len(g) == 4 for g in groups) >= 3:
        return False  # written in fours: a card, an account or an IBAN, not a phone
    if _thousands(groups) or digits < 10 or len(separators) > 1:
        return context
    return True


def _dotted_like_version(groups: Sequence[str]) -> bool:
    # 10.20.30.40 or 3.12.1.2: dotted numbers with short parts read as versions or addresses;
    # a dotted phone number is written 415.555.0162.
    return len(groups) != 3 or all(len(g) <= 3 for g in groups)


def _thousands(groups: Sequence[str]) -> bool:
    # 1 250 000 is a count written with thousands separators, not a phone number.
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


# -- scanning and redacting -------------------------------------------------------------------

_FINDERS = (
    (PiiKind.CARD, _cards),
    (PiiKind.EMAIL, _emails),
    (PiiKind.IP_ADDRESS, _ipv4s),
    (PiiKind.IP_ADDRESS, _ipv6s),
    (PiiKind.PHONE, _phones),
)


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    # One line: newlines and tabs become spaces; cut text is marked with an ellipsis.
    before = re.sub(r"\s+", " ", before)
    after = re.sub(r"\s+", " ", after)
    if start - CONTEXT_CHARS > 0:
        before = "…" + before
    if end + CONTEXT_CHARS < len(text):
        after = after + "…"
    return before, after


def scan_text(
    text: str,
    patterns: Sequence[CustomPattern] = (),
    kinds: Iterable[PiiKind] | None = None,
) -> ScanResult:
    """Every piece of personal data in `text`, in order, without overlaps.

    `patterns` are the team's custom patterns; `kinds` limits the built-in kinds searched.
    A custom pattern still matching after PATTERN_TIME_LIMIT is stopped (the interpreter
    lock is let go while it matches, so other threads run meanwhile) and listed in the
    result's `stopped`; its findings up to then and those of every other pattern are kept.
    """
    if not text:
        return ScanResult()
    stopped: list[StoppedPattern] = []
    wanted = set(kinds) if kinds is not None else set(PiiKind)
    candidates: list[tuple[int, int, int, PiiKind, str, str]] = []
    for kind, finder in _FINDERS:
        if kind in wanted:
            for start, end in finder(text):
                label, placeholder = KIND_LABELS[kind], PLACEHOLDERS[kind]
                candidates.append(
                    (start, -(end - start), _PRIORITY[kind], kind, label, placeholder)
                )
    if PiiKind.CUSTOM in wanted:
        for custom in patterns:
            try:
                matches = custom.regex.finditer(text, concurrent=True, timeout=PATTERN_TIME_LIMIT)
                for match in matches:
                    if match.end() > match.start():
                        candidates.append(
                            (
                                match.start(),
                                -(match.end() - match.start()),
                                _PRIORITY[PiiKind.CUSTOM],
                                PiiKind.CUSTOM,
                                custom.name,
                                custom.placeholder,
                            )
                        )
            except TimeoutError:
                log.warning(
                    "custom PII pattern %r stopped after %g s on a text of %d characters",
                    custom.name,
                    PATTERN_TIME_LIMIT,
                    len(text),
                )
                stopped.append(StoppedPattern(custom.name))
    # Earliest first; at the same start the longer, then the more specific kind wins.
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    findings = ScanResult()
    if stopped:
        findings.stopped = tuple(stopped)
    taken_until = 0
    for start, negative_length, _, kind, label, placeholder in candidates:
        end = start - negative_length
        if start < taken_until:
            continue
        before, after = _context(text, start, end)
        findings.append(
            Finding(kind, start, end, text[start:end], label, placeholder, before, after)
        )
        taken_until = end
    return findings


def redact_text(text: str, findings: Iterable[Finding]) -> str:
    """`text` with each finding replaced by its typed placeholder, e.g. '[email redacted]'.

    The findings must come from scanning this very text; a finding that does not match it
    raises ValueError rather than redact the wrong characters.
    """
    ordered = sorted(findings, key=lambda f: f.start, reverse=True)
    result = text
    limit = len(text) + 1
    for finding in ordered:
        if text[finding.start : finding.end] != finding.text:
            raise ValueError(f"a finding ({finding.label}) does not match the text it came from")
        if finding.end > limit:
            raise ValueError("findings overlap; redact the findings of one scan")
        result = result[: finding.start] + finding.placeholder + result[finding.end :]
        limit = finding.start
    return result
