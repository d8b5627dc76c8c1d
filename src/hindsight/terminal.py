"""What the command line writes to a terminal: never a control character of the user's text.

A title or a note may hold control characters (pasted from a log: ESC [31m, a bell, a
carriage return). Written to a terminal as they are, they would be obeyed: colours, a moved
cursor, a rewritten line, in the worst case a terminal's own commands. On a terminal,
Hindsight's output shows them instead, as Unicode's control pictures (␛ for ESC) or, for
those without one, as "\ufffd"; line breaks and tabs stay. Output to a file or a pipe is left
exactly as it is (JSON escapes them itself).
"""

from __future__ import annotations

import io
import re
import sys
from typing import TextIO

# Every C0 control but tab and line feed (a carriage return rewrites the line: shown too),
# DEL, the C1 controls (some terminals obey 0x9B as ESC [), and the bidirectional embeddings,
# overrides and isolates (a right-to-left override in a title printed the rest of the line,
# the output's own words included, backwards on terminals that lay out bidirectional text).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls and the bidirectional ones have no picture


def show_controls(text: str) -> str:
    """`text` with every control character but line feed and tab made visible."""
    return _CONTROLS.sub(_picture, text)


class ShownControls(io.TextIOBase):
    """A text stream that writes to `stream` with control characters made visible."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(show_controls(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding


def guard_terminal_output() -> None:
    """Make sys.stdout and sys.stderr show control characters, where they are terminals."""
    if _is_terminal(sys.stdout):
        sys.stdout = ShownControls(sys.stdout)  # type: ignore[assignment]
    if _is_terminal(sys.stderr):
        sys.stderr = ShownControls(sys.stderr)  # type: ignore[assignment]


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and not isinstance(stream, ShownControls) and stream.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False
