"""How fast the PII scanner is on a long review, and on text made to be hard for it.

    python bench/pii_scan.py [--size 1000000] [--runs 7] [--seed 1]

Three texts of about --size characters, built from a seeded random.Random:

- review: Markdown paragraphs like an incident review (timestamps, versions, percentages,
  counts, ranges), with a known number of planted e-mail and IP addresses, phone and card
  numbers;
- log: a pasted log excerpt, dense with timestamps, IP addresses, ids and numbers, which is
  the worst realistic case for candidate-and-check scanning;
- prose: plain words with no digits and no '@', the best case.

Each is scanned --runs times by `hindsight.core.pii.scan_text`, with one custom pattern as a
team would add; the median and fastest times and the throughput are printed, plus how long a
typical incident (about 20 kB of text) takes, which is what the editor pays on every pause in
typing. The planted findings are counted, so a fast but broken scanner shows up here too.

Custom patterns are matched by the `regex` module under a time limit (the built-in kinds by
`re`), so the cost of that is measured too: the 20 kB incident split into about 120 texts of
170 characters, as an incident's fields are, scanned with five ordinary custom patterns; and
one text with a run of 10,000 x's scanned with the pattern (x+x+)+y, which is stopped at the
limit (skipped on a scanner without the limit: there it would run for hours).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable

from hindsight.core import pii
from hindsight.core.pii import PiiKind, compile_patterns, scan_text

# Patterns a team might add: ids, an employee number, an account, a national number.
ORDINARY_PATTERNS = [
    ("Customer id", r"\bCUST-\d{8}\b"),
    ("Order number", r"\bORD-\d{4}-\d{6}\b"),
    ("Employee number", r"(?i)\bemployee\s*#?\s*\d{5,7}\b"),
    ("Account", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b"),
    ("National number", r"\b[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]\b"),
]

WORDS = [
    "model",
    "feeder",
    "training",
    "ranking",
    "serving",
    "nightly",
    "golden",
    "set",
    "click-through",
    "recommendations",
    "candidate",
    "inventory",
    "supplier",
    "partner",
    "conversion",
    "pipeline",
    "rollback",
    "mitigation",
    "detected",
    "stale",
    "heat",
    "wave",
    "yarn",
    "linen",
    "cotton",
    "wool",
    "out-of-stock",
    "carousel",
    "revenue",
    "regression",
    "shadow",
    "replay",
    "queries",
    "privacy",
    "approver",
    "justification",
    "deleted",
    "bucket",
    "review",
    "follow-up",
    "alert",
]
PLANTED = {
    PiiKind.EMAIL: lambda r: (
        f"{r.choice(['ravi', 'mei', 'jo', 'tariq'])}.{r.randint(1, 999)}@loomly.example"
    ),
    PiiKind.IP_ADDRESS: lambda r: f"203.0.113.{r.randint(1, 254)}",
    PiiKind.PHONE: lambda r: f"+44 20 7946 0{r.randint(100, 999)}",
    PiiKind.CARD: lambda r: r.choice(["4111 1111 1111 1111", "5555-5555-5555-4444"]),
}


def _noise(r: random.Random) -> str:
    # Things that look a little like personal data and must not be flagged.
    return r.choice(
        [
            f"2026-0{r.randint(1, 9)}-{r.randint(10, 28)} {r.randint(10, 23)}:{r.randint(10, 59)}",
            f"v{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}.{r.randint(0, 99)}",
            f"{r.randint(50, 70)}.{r.randint(0, 9)}%",
            f"{r.randint(1, 900):,},000 rows",
            f"{r.randint(10, 20)}-{r.randint(21, 40)} processes",
            f"order {r.randint(10**11, 10**12)}",
            f"{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}",
        ]
    )


def review_text(size: int, r: random.Random) -> tuple[str, Counter[PiiKind]]:
    """Review-like Markdown with planted personal data; returns the text and what was planted."""
    parts: list[str] = []
    planted: Counter[PiiKind] = Counter()
    length = 0
    while length < size:
        sentence = " ".join(r.choice(WORDS) for _ in range(r.randint(6, 16)))
        roll = r.random()
        if roll < 0.35:
            sentence += f" at {_noise(r)}"
        elif roll < 0.40:
            kind = r.choice(list(PLANTED))
            sentence += f" ({PLANTED[kind](r)})"
            planted[kind] += 1
        sentence = sentence.capitalize() + ". "
        if r.random() < 0.08:
            sentence += "\n\n"
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts), planted


def log_text(size: int, r: random.Random) -> str:
    """A dense log excerpt: timestamps, addresses, ids, counters."""
    lines: list[str] = []
    length = 0
    while length < size:
        line = (
            f"2026-09-03T11:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)}Z "
            f"feeder-{r.randint(1, 20)} pid={r.randint(1000, 99999)} "
            f"client=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)} "
            f"req={r.getrandbits(64):016x} rows={r.randint(0, 10**6)} "
            f"rss={r.randint(1, 64)}.{r.randint(0, 9)}G "
            f"shard {r.randint(1, 16)}/16 took {r.randint(1, 999)} ms\n"
        )
        lines.append(line)
        length += len(line)
    return "".join(lines)


def prose_text(size: int, r: random.Random) -> str:
    """Words only: no digits, no '@'."""
    words: list[str] = []
    length = 0
    while length < size:
        word = r.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


def timed(action: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Median and fastest seconds over `runs` calls, and the last result."""
    times = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per text")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    r = random.Random(args.seed)
    patterns = compile_patterns([("Customer id", r"\bCUST-\d{8}\b")])

    review, planted = review_text(args.size, r)
    texts = {
        "review": review,
        "log": log_text(args.size, r),
        "prose": prose_text(args.size, r),
    }
    print(f"python {sys.version.split()[0]}, {args.runs} runs per text, seed {args.seed}")
    for name, text in texts.items():
        median, fastest, findings = timed(lambda t=text: scan_text(t, patterns), args.runs)
        assert isinstance(findings, list)
        megabytes = len(text.encode()) / 1_000_000
        print(
            f"{name:7} {megabytes:5.2f} MB  median {median * 1000:7.1f} ms  "
            f"fastest {fastest * 1000:7.1f} ms  {megabytes / median:6.1f} MB/s  "
            f"{len(findings):6} findings"
        )
        if name == "review":
            found = Counter(f.kind for f in findings)
            for kind, count in sorted(planted.items()):
                print(f"        planted {count:5} {kind.value:10} found {found[kind]:5}")
            extra = sum(found.values()) - sum(planted.values())
            print(f"        findings beyond the planted ones: {extra}")

    incident = review[:20_000]
    median, fastest, _ = timed(lambda: scan_text(incident, patterns), max(args.runs, 50))
    print(f"a 20 kB incident: median {median * 1000:.2f} ms, fastest {fastest * 1000:.2f} ms")

    ordinary = compile_patterns(ORDINARY_PATTERNS)
    fields = [incident[i : i + 170] for i in range(0, len(incident), 170)]

    def scan_fields() -> int:
        return sum(len(scan_text(field, ordinary)) for field in fields)

    median, fastest, _ = timed(scan_fields, max(args.runs, 50))
    print(
        f"the same in {len(fields)} texts, {len(ordinary)} custom patterns: "
        f"median {median * 1000:.2f} ms, fastest {fastest * 1000:.2f} ms"
    )
    median, fastest, _ = timed(lambda: scan_text(review, ordinary), args.runs)
    print(
        f"review with {len(ordinary)} custom patterns: median {median * 1000:.1f} ms, "
        f"fastest {fastest * 1000:.1f} ms"
    )
    if hasattr(pii, "PATTERN_TIME_LIMIT"):
        [evil] = compile_patterns([("Evil", r"(x+x+)+y")])
        hostile = "Mail jo@example.com " + "x" * 10_000
        started, cpu = time.perf_counter(), time.process_time()
        result = scan_text(hostile, [evil])
        print(
            f"(x+x+)+y on 10,000 x's: {time.perf_counter() - started:.2f} s "
            f"({time.process_time() - cpu:.2f} s CPU), {len(result)} finding(s), "
            f"stopped: {[s.name for s in getattr(result, 'stopped', [])]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
