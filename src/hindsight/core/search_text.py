"""Words in text as the search index sees them, and where a query's words occur in a text.

The index (SQLite FTS5 with the `unicode61 remove_diacritics 2` tokenizer) cuts text into
tokens: runs of letters and digits, compared without case and without diacritics ("Café" and
"cafe" are the same token; "log-feeder" is two tokens). This module applies the same rule in
Python, so the snippets under a search hit mark exactly the words the index matched, and a
query word with no letters or digits (a lone quote, "--") is known to match nothing.

Folding maps each character to one character, so offsets in the folded text are offsets in
the original: highlight spans point into the text the user wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Letters and digits (Unicode categories L* and N*): what unicode61 keeps as token characters.
_TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


class _FoldTable(dict[int, str]):
    """str.translate's table for fold: each character's folding, worked out once, when
    first seen (translate looks every character up here, in C, afterwards)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """`text` without case and diacritics, one character for each character of `text`."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Token:
    """One indexed word: where it is in the text and its folded form."""

    start: int
    end: int
    folded: str


def tokens(text: str) -> list[Token]:
    """The words of `text`, in order."""
    folded = fold(text)
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _TOKEN.findall(fold(text))


def is_searchable(text: str) -> bool:
    """True when `text` holds at least one letter or digit, so it can match something."""
    return _TOKEN.search(text) is not None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A sequence of folded words that must appear next to each other; the last may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    @classmethod
    def of(cls, text: str, *, prefix: bool = False) -> Pattern:
        """The pattern a query word or phrase stands for."""
        return cls(tuple(words(text)), prefix)


Span = tuple[int, int]


def find(text: str, patterns: Sequence[Pattern]) -> list[Span]:
    """Where any of `patterns` occurs in `text`: sorted, non-overlapping (start, end) spans."""
    return Finder(patterns).find(text)


class Finder:
    """Finds a fixed set of patterns in many texts (the expression is built once)."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        usable = tuple(p for p in patterns if p.words)
        self._firsts = tuple({p.words[0] for p in usable})
        self._expression = _matcher(usable) if usable else None

    def find(self, text: str) -> list[Span]:
        """Where the patterns occur in `text`: sorted, non-overlapping (start, end) spans."""
        if self._expression is None or not text:
            return []
        folded = text.lower() if text.isascii() else fold(text)
        # Most texts hold none of the words: skip the regular expression for them.
        for first in self._firsts:
            if first in folded:
                break
        else:
            return []
        return _merged([match.span() for match in self._expression.finditer(folded)])


def _matcher(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One expression finding any of `patterns` as whole words in folded text.

    Words are maximal runs of letters and digits, so a word must not touch another letter
    or digit on either side; the words of a phrase are separated by anything else.

    Each alternative starts with its first letter, and the test that no letter or digit
    comes before the word follows it (looking two characters back: the one before the
    word, and the letter itself). The expression then starts with a choice of letters,
    which Python's engine skips to in C, rather than the test, which it would try at
    every character of the text (tests/core/test_search_text.py holds the two equal).
    """
    alternatives = []
    for pattern in patterns:
        parts = [re.escape(word) for word in pattern.words]
        if pattern.prefix:
            parts[-1] += r"[^\W_]*"
        first = pattern.words[0][0]  # a letter or digit: re.escape leaves it as it is
        rest = r"[\W_]+".join(parts)[len(re.escape(first)) :]
        alternatives.append(re.escape(first) + r"(?<![^\W_][\s\S])" + rest)
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Words too common to say anything about what an incident was about (for related incidents).
STOPWORDS = frozenset(
    {
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "around",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "eight",
        "every",
        "few",
        "first",
        "five",
        "for",
        "four",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "like",
        "made",
        "make",
        "more",
        "most",
        "new",
        "nine",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "old",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "per",
        "same",
        "second",
        "seven",
        "she",
        "should",
        "since",
        "six",
        "so",
        "some",
        "still",
        "such",
        "ten",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "three",
        "through",
        "to",
        "too",
        "two",
        "under",
        "until",
        "up",
        "use",
        "used",
        "using",
        "very",
        "via",
        "was",
        "we",
        "went",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
    }
)

ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Part of a text around its matches, with the matches' spans relative to the excerpt."""

    text: str
    spans: tuple[Span, ...]


def excerpt(text: str, spans: Sequence[Span], width: int = 160) -> Excerpt:
    """About `width` characters of `text` around the densest group of `spans`, on word edges.

    The excerpt is on one line (line breaks become spaces) and says with "…" where it cuts.
    """
    flat = _one_line(text)
    if not spans:
        cut = _cut_end(flat, width)
        return Excerpt(flat[:cut] + (ELLIPSIS if cut < len(flat) else ""), ())
    first = _densest(spans, width)
    start = max(0, spans[first][0] - width // 4)
    start = _word_start(flat, start)
    end = min(len(flat), start + width)
    if end < len(flat):
        end = max(_cut_end(flat, end), spans[first][1])
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(flat) else ""
    shift = len(prefix) - start
    body = flat[start:end]
    stripped = body.lstrip()
    shift -= len(body) - len(stripped)
    body = stripped.rstrip()
    return Excerpt(
        prefix + body + suffix,
        tuple((s + shift, e + shift) for s, e in inside if e + shift <= len(prefix) + len(body)),
    )


_SPACES = str.maketrans("\r\n\t\f\v", "     ")


def _one_line(text: str) -> str:
    # Same length as the text, so spans keep their offsets. A printable text has none of
    # those characters (most have none): it is its own line, without a translation.
    return text if text.isprintable() else text.translate(_SPACES)


def _densest(spans: Sequence[Span], width: int) -> int:
    """The index of the span that starts the window of `width` holding the most spans."""
    best, best_count = 0, 0
    for index, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[index:] if e <= start + width)
        if count > best_count:
            best, best_count = index, count
    return best


# How far an excerpt's edge may move to fall between words rather than inside one.
_EDGE = 20


def _word_start(text: str, position: int) -> int:
    """`position` moved back to the start of the word it falls in, if that is near."""
    space = text.rfind(" ", max(0, position - _EDGE), position)
    if position <= 0 or text[position - 1] == " ":
        return position
    return space + 1 if space >= 0 else (0 if position <= _EDGE else position)


def _cut_end(text: str, position: int) -> int:
    """`position` moved back to the last space before it, if that is near."""
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, position - _EDGE), position)
    return space if space > 0 else position
