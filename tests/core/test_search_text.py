"""Words as the index sees them, where a query's words are in a text, and excerpts."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hindsight.core.search_text import (
    ELLIPSIS,
    Pattern,
    _fold_char,
    _matcher,
    excerpt,
    find,
    fold,
    is_searchable,
    tokens,
    words,
)


def test_fold_removes_case_and_diacritics_one_character_each() -> None:
    assert fold("Café LUCÍA Ørsted") == "cafe lucia ørsted"
    text = "İstanbul Straße ﬁne"
    assert len(fold(text)) == len(text)


def test_words_are_runs_of_letters_and_digits() -> None:
    assert words("log-feeder OOM'd at 10:30, x² _under_score") == [
        "log", "feeder", "oom", "d", "at", "10", "30", "x²", "under", "score",
    ]  # fmt: skip
    assert [(t.start, t.end) for t in tokens("a-bc")] == [(0, 1), (2, 4)]


def test_searchable_means_a_letter_or_digit() -> None:
    assert is_searchable("1=1")
    assert is_searchable("é")
    assert not is_searchable("'--*")
    assert not is_searchable("")


def test_the_index_agrees_on_words() -> None:
    # The tokenizer the index uses must cut text as `words` does, or snippets would lie.
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')"
    )
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    text = "Log-feeder OOM'd at 10:30 in Zürich; Crème brûlée x² ﬁne_tuned ÅNGSTRÖM"
    connection.execute("INSERT INTO t VALUES (?)", (text,))
    indexed = [row[0] for row in connection.execute("SELECT term FROM v ORDER BY offset")]
    assert indexed == words(text)


def test_find_marks_whole_words_phrases_and_prefixes() -> None:
    text = "The log-feeder ran out; LOG  feeders crashed. Catalogue feed."
    assert find(text, [Pattern.of("feeder")]) == [(8, 14)]
    assert find(text, [Pattern.of("log feeder")]) == [(4, 14)]
    assert find(text, [Pattern.of("feed", prefix=True)]) == [(8, 14), (29, 36), (56, 60)]
    assert find(text, [Pattern.of("log"), Pattern.of("crash", prefix=True)]) == [
        (4, 7),
        (24, 27),
        (37, 44),
    ]
    assert find(text, [Pattern.of("atalogue")]) == []


def test_find_ignores_case_and_diacritics() -> None:
    assert find("Café in Zürich", [Pattern.of("cafe"), Pattern.of("ZURICH")]) == [
        (0, 4),
        (8, 14),
    ]


def test_find_without_words_finds_nothing() -> None:
    assert find("anything", [Pattern.of("--")]) == []
    assert find("", [Pattern.of("x")]) == []


def test_excerpt_centres_on_the_matches_and_keeps_spans_right() -> None:
    text = ("word " * 60) + "customer tickets about weird recs " + ("tail " * 60)
    spans = find(text, [Pattern.of("tickets")])
    part = excerpt(text, spans, width=80)
    assert part.text.startswith(ELLIPSIS) and part.text.endswith(ELLIPSIS)
    assert [part.text[s:e] for s, e in part.spans] == ["tickets"]
    assert len(part.text) <= 84


def test_excerpt_of_a_short_text_is_the_text_on_one_line() -> None:
    part = excerpt("one\ntwo three", find("one\ntwo three", [Pattern.of("two")]))
    assert part.text == "one two three"
    assert part.spans == ((4, 7),)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300),
    st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3),
    st.booleans(),
)
def test_spans_always_cover_the_words_they_claim(
    text: str, wanted: list[str], prefix: bool
) -> None:
    patterns = [Pattern.of(w, prefix=prefix) for w in wanted]
    spans = find(text, patterns)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert words(text[start:end])
    assert spans == sorted(spans)
    part = excerpt(text, spans, width=60)
    for start, end in part.spans:
        assert 0 <= start < end <= len(part.text)
        assert words(part.text[start:end])


@pytest.mark.parametrize("width", [10, 40, 160])
def test_excerpt_never_exceeds_its_width_much(width: int) -> None:
    text = "x" * 500
    assert len(excerpt(text, []).text) <= 160 + 1
    assert len(excerpt(text, [(200, 201)], width).text) <= width + 2


@settings(max_examples=300)
@given(text=st.text())
def test_fold_is_each_character_folded_on_its_own(text: str) -> None:
    # fold works through a table filled as characters are first met; the answer must be
    # the character-by-character rule, whatever was folded before.
    assert fold(text) == "".join(_fold_char(char) for char in text)
    assert len(fold(text)) == len(text)


def _plain_matcher(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """_matcher() as it reads most plainly: the test that no letter or digit comes before
    the word comes first, then the words."""
    alternatives = []
    for pattern in patterns:
        parts = [re.escape(word) for word in pattern.words]
        if pattern.prefix:
            parts[-1] += r"[^\W_]*"
        alternatives.append(r"[\W_]+".join(parts))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab_ é-É\n1xyzAB·"), max_size=60) | st.text(max_size=80),
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from("ab é1É_-x"), min_size=1, max_size=6), st.booleans()
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_the_matcher_finds_what_the_plain_expression_finds(
    text: str, wanted: list[tuple[str, bool]]
) -> None:
    # The matcher tests what comes before a word after its first letter (so that Python's
    # engine can skip to the letters a word starts with); the matches must be the same.
    patterns = tuple(p for p in (Pattern.of(w, prefix=x) for w, x in wanted) if p.words)
    if not patterns:
        return
    folded = fold(text)
    assert [m.span() for m in _matcher(patterns).finditer(folded)] == [
        m.span() for m in _plain_matcher(patterns).finditer(folded)
    ]


def test_the_matcher_keeps_word_edges() -> None:
    patterns = (Pattern.of("ab"), Pattern.of("b c"), Pattern.of("x", prefix=True))
    text = "ab xab ab_ b-c cab b  c xy x1 _x"
    spans = [m.span() for m in _matcher(patterns).finditer(text)]
    assert spans == [m.span() for m in _plain_matcher(patterns).finditer(text)]
    assert [text[s:e] for s, e in spans] == ["ab", "xab", "ab", "b-c", "b  c", "xy", "x1", "x"]
