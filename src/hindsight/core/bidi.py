"""Author text beside the app's own: its direction controls kept to its own lines.

A right-to-left override (U+202E) or embedding an author leaves open runs on into whatever a
document or a table cell puts after it; closed where the author's line ends it turns only the
author's own text around. Closing alone was not enough for Qt, which still laid out what came
after a closed override (the date under a name, in the same cell) right to left:
"07:53 2026-11-29"; the line is also isolated (FSI ... PDI), which Qt and browsers honour.
"""

from __future__ import annotations

# Explicit direction controls: embeddings and overrides (ended by PDF), isolates (ended by PDI).
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"
_POP_EMBEDDING = "\u202c"
_ISOLATES = "\u2066\u2067\u2068"
_POP_ISOLATE = "\u2069"
_FIRST_STRONG_ISOLATE = "\u2068"


def close_bidi(text: str) -> str:
    """`text` with every direction override, embedding or isolate it opens closed by the end
    of each of its lines, and each such line isolated from what follows it.

    A right-to-left override (U+202E) left open in a name ran on into what the document put
    after it: " — " and the note in the PDF, "(tracker)" read "(rekcart)". Closed where the
    author's line ends, it turns only the author's own text around. Lines without a direction
    control are returned as they are.
    """
    if not any(c in text for c in _EMBEDDINGS + _ISOLATES):
        return text
    lines = []
    for line in text.split("\n"):
        if not any(c in line for c in _EMBEDDINGS + _ISOLATES):
            lines.append(line)
            continue
        opened: list[str] = []
        for char in line:
            if char in _EMBEDDINGS or char in _ISOLATES:
                opened.append(char)
            elif char == _POP_EMBEDDING and opened and opened[-1] in _EMBEDDINGS:
                opened.pop()
            elif char == _POP_ISOLATE and any(c in _ISOLATES for c in opened):
                while opened.pop() not in _ISOLATES:
                    pass
        closers = "".join(_POP_ISOLATE if c in _ISOLATES else _POP_EMBEDDING for c in opened[::-1])
        body = line.rstrip()
        lines.append(_FIRST_STRONG_ISOLATE + body + closers + _POP_ISOLATE + line[len(body) :])
    return "\n".join(lines)


_RIGHT_TO_LEFT_OR_CONTROL = frozenset(
    ("R", "AL", "RLE", "RLO", "LRE", "LRO", "RLI", "LRI", "FSI", "PDF", "PDI")
)


def isolated(text: str) -> str:
    """`text` to quote inside the app's own sentence: when it has right-to-left letters or a
    direction control, closed and isolated as one piece (FSI ... PDI), so the quotation marks
    and words around it stay where the sentence puts them; other text as it is."""
    import unicodedata

    if not any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT_OR_CONTROL for c in text):
        return text
    return _FIRST_STRONG_ISOLATE + close_bidi(text.replace("\n", " ")) + _POP_ISOLATE
