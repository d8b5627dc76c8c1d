"""The PII scanner against a labelled corpus: precision and recall per kind of personal data.

tests/data/pii_corpus.toml holds review-like sentences with their personal data labelled,
and many hard negatives (versions, timestamps, dates, counts, MAC addresses, ids). A finding
counts only if its kind and its exact text match a label.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from hindsight.core.pii import Finding, PiiKind, scan_text

CORPUS = Path(__file__).resolve().parent.parent / "data" / "pii_corpus.toml"
KINDS = ("email", "ipv4", "ipv6", "phone", "card")
MINIMUM = 0.95


def corpus() -> list[dict]:
    with CORPUS.open("rb") as handle:
        return tomllib.load(handle)["case"]


def label(finding: Finding) -> str:
    if finding.kind is PiiKind.IP_ADDRESS:
        return "ipv6" if ":" in finding.text else "ipv4"
    return finding.kind.value


def score() -> tuple[Counter[str], Counter[str], Counter[str], list[str]]:
    hits: Counter[str] = Counter()
    false_alarms: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    mistakes: list[str] = []
    for case in corpus():
        expected = Counter((kind, text) for kind, text in case["pii"])
        found = Counter((label(f), f.text) for f in scan_text(case["text"]))
        for kind, _ in (found & expected).elements():
            hits[kind] += 1
        for kind, text in (found - expected).elements():
            false_alarms[kind] += 1
            mistakes.append(f"flagged {kind} {text!r} in {case['text']!r}")
        for kind, text in (expected - found).elements():
            misses[kind] += 1
            mistakes.append(f"missed {kind} {text!r} in {case['text']!r}")
    return hits, false_alarms, misses, mistakes


def test_corpus_is_labelled_sensibly() -> None:
    cases = corpus()
    positives = Counter(kind for case in cases for kind, _ in case["pii"])
    assert set(positives) == set(KINDS)
    assert all(positives[kind] >= 10 for kind in KINDS), positives
    negatives = [case for case in cases if not case["pii"]]
    assert len(negatives) >= 80, "hard negatives are what keep precision honest"
    for case in cases:
        for kind, text in case["pii"]:
            assert kind in KINDS
            assert text in case["text"], f"label {text!r} is not in its text"


@pytest.mark.parametrize("kind", KINDS)
def test_precision_and_recall(kind: str) -> None:
    hits, false_alarms, misses, mistakes = score()
    flagged = hits[kind] + false_alarms[kind]
    precision = hits[kind] / flagged if flagged else 0.0
    recall = hits[kind] / (hits[kind] + misses[kind])
    relevant = [m for m in mistakes if f" {kind} " in m]
    assert precision >= MINIMUM, relevant
    assert recall >= MINIMUM, relevant
