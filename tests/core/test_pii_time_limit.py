"""Custom PII patterns cannot take the program down: a time limit per pattern and text, the
interpreter lock let go while matching, probes that refuse a pattern with nested repeats, and
the same syntax as Python's `re`."""

from __future__ import annotations

import re
import threading
import warnings

import pytest

from hindsight.core.pii import (
    PATTERN_TIME_LIMIT,
    PatternError,
    PiiKind,
    ScanResult,
    check_patterns,
    compile_pattern,
    compile_patterns,
    probe_pattern,
    scan_text,
)

EVIL = r"(x+x+)+y"
# A text that makes EVIL backtrack for ever, between personal data the scan must still find.
HOSTILE = (
    "Mail jo@example.com about CUST-00421337 at 203.0.113.9: "
    + "x" * 10_000
    + " then call +44 20 7946 0958."
)


# On a scanner without the limit the scan below runs for hours (the tester saw 22 x's take
# 0.8 s, 24 take 2.7 s): the marker turns that hang into a failure.
@pytest.mark.timeout(60)
def test_a_runaway_pattern_is_stopped_and_reported_and_the_rest_is_found() -> None:
    patterns = compile_patterns([("Evil", EVIL), ("Customer id", r"CUST-\d{8}")])
    findings = scan_text(HOSTILE, patterns)
    assert isinstance(findings, ScanResult)
    assert [(f.kind, f.text) for f in findings] == [
        (PiiKind.EMAIL, "jo@example.com"),
        (PiiKind.CUSTOM, "CUST-00421337"),
        (PiiKind.IP_ADDRESS, "203.0.113.9"),
        (PiiKind.PHONE, "+44 20 7946 0958"),
    ]
    [stopped] = findings.stopped
    assert stopped.name == "Evil"
    assert "“Evil” was stopped" in stopped.message
    assert "nested repeats like (x+)+ can take forever" in stopped.message


@pytest.mark.timeout(60)
def test_matches_found_before_the_limit_are_kept() -> None:
    # Each "!" is found, each after a fruitless try of some milliseconds on the x's before it.
    [slow] = compile_patterns([("Slow", r"(?:x+x+)+y|!")])
    text = ("x" * 100 + "!") * 400
    findings = scan_text(text, [slow])
    assert [s.name for s in findings.stopped] == ["Slow"]
    assert 0 < len(findings) < 400
    assert all(f.text == "!" and f.label == "Slow" for f in findings)


def test_a_scan_without_trouble_reports_nothing_stopped() -> None:
    findings = scan_text("CUST-00421337 and x" * 50, compile_patterns([("Id", r"CUST-\d{8}")]))
    assert len(findings) == 50
    assert findings.stopped == ()
    assert scan_text("").stopped == ()


@pytest.mark.timeout(60)
def test_other_threads_run_while_a_pattern_matches() -> None:
    # `re` held the interpreter lock for the whole match, so nothing else ran until it ended;
    # here the worker spends its time (twice the limit) in matching that lets go of it, and
    # the counting below goes on meanwhile: hundreds of rounds, where holding the lock would
    # allow a few.
    patterns = compile_patterns([("Evil", EVIL), ("Evil too", r"(?:x+x+)+z")])
    results: list[ScanResult] = []
    worker = threading.Thread(
        target=lambda: results.append(scan_text("x" * 10_000, patterns, kinds=[PiiKind.CUSTOM]))
    )
    worker.start()
    counted = 0
    while worker.is_alive():
        counted += 1
        worker.join(0.001)
    worker.join()
    assert counted >= 20
    assert [s.name for s in results[0].stopped] == ["Evil", "Evil too"]


# -- probing a new pattern --------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "regex",
    [EVIL, r"(a|aa)+b", r"(\s*,\s*)+x", r"^(\w+\s?)+$", r"(\d+)+$", r"(.*x){10}y"],
)
def test_a_pattern_with_nested_repeats_is_refused_by_name(regex: str) -> None:
    custom = compile_pattern("Evil", regex)  # valid syntax: compiling alone accepts it
    with pytest.raises(PatternError) as raised:
        probe_pattern(custom)
    message = str(raised.value)
    assert message.startswith("The pattern “Evil” took more than")
    assert "nested repeats like (x+)+ can take forever" in message
    with pytest.raises(PatternError, match="“Evil” took more than"):
        check_patterns([("Customer id", r"CUST-\d{8}"), ("Evil", regex)])


@pytest.mark.parametrize(
    "regex",
    [
        r"\bCUST-\d{8}\b",
        r"\bORD-\d{4}-\d{6}\b",
        r"(?i)\bemployee\s*#?\s*\d{5,7}\b",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b",
        r"[\w.]+@[\w.]+\.com",
        r"(?:\d{3}-){2}\d{4}",
        r"<.*?>",
        r".*secret.*",
    ],
)
def test_ordinary_patterns_pass_the_probes(regex: str) -> None:
    [custom] = check_patterns([("Ordinary", regex)])
    assert custom.regex.pattern == regex


def test_the_limit_is_short_enough_to_wait_for() -> None:
    assert 0 < PATTERN_TIME_LIMIT <= 1


# -- the syntax stays Python's `re` -----------------------------------------------------------


@pytest.mark.parametrize(
    "regex",
    [
        r"\p{L}+",  # Unicode properties
        r"(?<=a+)b",  # variable-width look-behind
        r"x(?i)y",  # flags in the middle
        r"(?|(a)|(b))",  # branch reset
        r"a\Kb",  # keep out
        r"(?r)ab",  # reverse search
        r"\1(a)",  # a reference before its group
        r"(?V1)a",  # the other version of `regex`
        r"ORD-(\d+",  # refused by both
    ],
)
def test_what_re_refuses_is_refused_with_res_message(regex: str) -> None:
    with pytest.raises(re.error) as expected:
        re.compile(regex)
    where = f" at position {expected.value.pos}" if expected.value.pos is not None else ""
    with pytest.raises(PatternError) as raised:
        compile_pattern("Order number", regex)
    assert str(raised.value) == (
        f"The pattern “Order number” is not a valid regular expression: "
        f"{expected.value.msg}{where}."
    )


@pytest.mark.parametrize(
    ("regex", "text", "found"),
    [
        (r"(?i)cust-\d+", "Cust-42 and CUST-7", ["Cust-42", "CUST-7"]),
        (r"\bAB\d{2}\b", "AB12 XAB34 AB56", ["AB12", "AB56"]),
        (r"(?P<p>[A-Z])-(?P=p)\d", "A-A1 B-C2 C-C3", ["A-A1", "C-C3"]),
        (r"(?x) ID \s* : \s* \d+  # an id", "ID: 12 id:3", ["ID: 12"]),
        (r"a++b|(?>cd|c)d", "aab cdd", ["aab", "cdd"]),
        (r"(?<=#)\d{3}", "#123 456", ["123"]),
    ],
)
def test_patterns_match_as_they_did_with_re(regex: str, text: str, found: list[str]) -> None:
    assert [m.group() for m in re.finditer(regex, text)] == found
    assert [f.text for f in scan_text(text, compile_patterns([("P", regex)]))] == found


@pytest.mark.parametrize(
    ("regex", "literal", "quoted", "fix"),
    [
        (r"ab{e<=1}", "ab{e<=1}", "{e<=1}", r"write \{ for a brace"),
        (r"ID{e}", "ID{e}", "{e}", r"write \{ for a brace"),
        (r"[[:alpha:]]+", "a]", "[:alpha:]", r"write \[ for a bracket"),
    ],
)
def test_what_re_reads_as_characters_but_regex_would_not_is_refused(
    regex: str, literal: str, quoted: str, fix: str
) -> None:
    # `re` matches these as the characters written; `regex` would read fuzzy matching or a
    # POSIX class, and silently find something else.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "Possible nested set"
        assert re.fullmatch(regex, literal)
    with pytest.raises(PatternError) as raised:
        compile_pattern("Code", regex)
    assert f"The pattern “Code” has “{quoted}”" in str(raised.value)
    assert fix in str(raised.value)


@pytest.mark.parametrize("regex", [r"CUST-\d{8}", r"x\{e}", r"\d{2,4}-[a-z]{1,3}"])
def test_braces_and_sets_as_re_reads_them_are_accepted(regex: str) -> None:
    assert compile_pattern("Code", regex).regex.pattern == regex
