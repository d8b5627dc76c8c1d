"""The PII scanner's behaviour: kinds, placeholders, overlaps, custom patterns, redaction."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hindsight.core.pii import (
    PatternError,
    PiiKind,
    compile_pattern,
    compile_patterns,
    luhn_valid,
    redact_text,
    scan_text,
)


def kinds_and_texts(text: str, patterns=()) -> list[tuple[PiiKind, str]]:
    return [(f.kind, f.text) for f in scan_text(text, patterns)]


def test_each_builtin_kind_is_found_with_its_offsets() -> None:
    text = "Mail jo@example.com, IP 203.0.113.9, call +44 20 7946 0958, card 4111 1111 1111 1111."
    findings = scan_text(text)
    assert [(f.kind, f.text) for f in findings] == [
        (PiiKind.EMAIL, "jo@example.com"),
        (PiiKind.IP_ADDRESS, "203.0.113.9"),
        (PiiKind.PHONE, "+44 20 7946 0958"),
        (PiiKind.CARD, "4111 1111 1111 1111"),
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


def test_ip_addresses_are_validated() -> None:
    assert kinds_and_texts("from 2001:db8::7 and 198.51.100.4") == [
        (PiiKind.IP_ADDRESS, "2001:db8::7"),
        (PiiKind.IP_ADDRESS, "198.51.100.4"),
    ]
    # Version strings, timestamps, impossible octets, MAC addresses and loopback are not.
    for text in (
        "release 1.2.3.4",
        "the 1.2.3.4-beta build",
        "at 2026-09-03T11:15:00Z",
        "10:30:45",
        "999.1.1.1",
        "00:1a:2b:3c:4d:5e",
        "127.0.0.1 and ::1",
    ):
        assert scan_text(text) == [], text


def test_cards_need_the_luhn_checksum() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert kinds_and_texts("card 4111 1111 1111 1111") == [(PiiKind.CARD, "4111 1111 1111 1111")]
    assert scan_text("card 4111 1111 1111 1112") == []


def test_a_card_number_is_not_also_a_phone_number() -> None:
    # Both finders propose it; the more specific kind wins and nothing overlaps.
    findings = scan_text("pay with 5555-5555-5555-4444 today")
    assert [(f.kind, f.text) for f in findings] == [(PiiKind.CARD, "5555-5555-5555-4444")]


def test_phone_context_decides_ambiguous_numbers() -> None:
    assert scan_text("sizes 612 345 678") == []
    assert kinds_and_texts("mobile: 612 345 678") == [(PiiKind.PHONE, "612 345 678")]


def test_finding_carries_a_one_line_snippet_and_typed_placeholder() -> None:
    text = "first line\nwrite to jo@example.com\tplease"
    [finding] = scan_text(text)
    assert finding.placeholder == "[email redacted]"
    assert finding.label == "E-mail address"
    assert finding.snippet == "first line write to jo@example.com please"
    assert "\n" not in finding.snippet


def test_long_context_is_cut_with_an_ellipsis() -> None:
    text = "x" * 100 + " jo@example.com " + "y" * 100
    [finding] = scan_text(text)
    assert finding.before.startswith("…") and finding.after.endswith("…")


def test_redact_replaces_each_finding_with_its_placeholder() -> None:
    text = "jo@example.com called from 203.0.113.9 on +1 (415) 555-0132"
    assert redact_text(text, scan_text(text)) == (
        "[email redacted] called from [IP address redacted] on [phone number redacted]"
    )


def test_redact_refuses_findings_of_another_text() -> None:
    findings = scan_text("jo@example.com")
    with pytest.raises(ValueError, match="does not match"):
        redact_text("someone else", findings)


def test_kinds_can_be_limited() -> None:
    text = "jo@example.com 203.0.113.9"
    assert kinds_and_texts(text, ()) == [
        (PiiKind.EMAIL, "jo@example.com"),
        (PiiKind.IP_ADDRESS, "203.0.113.9"),
    ]
    assert [f.kind for f in scan_text(text, kinds=[PiiKind.EMAIL])] == [PiiKind.EMAIL]


# -- custom patterns --------------------------------------------------------------------------


def test_custom_pattern_is_found_and_redacted_with_its_name() -> None:
    patterns = compile_patterns([("Customer id", r"\bCUST-\d{8}\b")])
    text = "ticket from CUST-00421337 about wool"
    [finding] = scan_text(text, patterns)
    assert (finding.kind, finding.label, finding.text) == (
        PiiKind.CUSTOM,
        "Customer id",
        "CUST-00421337",
    )
    assert (
        redact_text(text, scan_text(text, patterns))
        == "ticket from [customer id redacted] about wool"
    )


def test_invalid_regex_is_refused_naming_the_pattern() -> None:
    with pytest.raises(PatternError, match=r"“Order number” is not a valid regular expression"):
        compile_pattern("Order number", r"ORD-(\d+")


@pytest.mark.parametrize(
    ("name", "regex", "message"),
    [
        ("", r"x", "needs a name"),
        ("Empty", "  ", "is empty"),
        ("Anything", r"\d*", "matches empty text"),
    ],
)
def test_unusable_patterns_are_refused(name: str, regex: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_pattern(name, regex)


def test_two_patterns_may_not_share_a_name() -> None:
    with pytest.raises(PatternError, match="Two patterns are called"):
        compile_patterns([("Id", r"A\d"), ("id", r"B\d")])


# -- properties -------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        " ",
        "\n",
        "jo@example.com",
        "203.0.113.9",
        "2001:db8::7",
        "+44 20 7946 0958",
        "4111 1111 1111 1111",
        "v1.2.3.4",
        "2026-09-03 11:15",
        "100,000",
        "62%",
        "CUST-00421337",
        "word",
        ".",
        ",",
        "(",
        ")",
        "-",
        ":",
        "@",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join))
def test_findings_are_ordered_disjoint_and_exact(text: str) -> None:
    patterns = compile_patterns([("Customer id", r"CUST-\d{8}")])
    findings = scan_text(text, patterns)
    for first, second in itertools.pairwise(findings):
        assert first.end <= second.start
    for finding in findings:
        assert finding.end > finding.start
        assert text[finding.start : finding.end] == finding.text
    redacted = redact_text(text, findings)
    for finding in findings:
        assert finding.placeholder in redacted


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=25).map(" ".join))
def test_redacted_text_holds_none_of_what_was_found(text: str) -> None:
    findings = scan_text(text)
    redacted = redact_text(text, findings)
    for finding in findings:
        assert not re.search(rf"(?<![\w@.]){re.escape(finding.text)}(?![\w@])", redacted)
