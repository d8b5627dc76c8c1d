"""The grammar of incident keys, and the file names derived from them.

A key is what people quote ("HS-12") and what names an incident's exported file, so it must
be safe as a file name on every system and two keys must never give the same file name:

- 1 to 32 characters: ASCII letters, digits, `-` and `_`;
- it starts with a letter or a digit (so never `.`, `..` or a hidden file);
- it is not a name Windows keeps for devices (CON, PRN, AUX, NUL, COM1-9, LPT1-9);
- keys are unique without regard to case (HS-1 and hs-1 are the same incident).

Keys Hindsight makes itself are `HS-` and a number. Imported keys must follow the grammar;
databases written before it existed may hold other keys, and `file_stem` still gives those a
distinct, safe file name.
"""

from __future__ import annotations

import re

MAX_KEY = 32
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_SAFE = re.compile(r"[A-Za-z0-9_-]")
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
KEY_RULE = (
    "a key is 1 to 32 letters (A-Z), digits, '-' or '_', starting with a letter or digit, "
    "e.g. HS-12"
)


def key_problem(key: str) -> str | None:
    """Why `key` breaks the key grammar, or None when it is a good key."""
    if not key:
        return "is empty; " + KEY_RULE
    if len(key) > MAX_KEY:
        return f"is longer than {MAX_KEY} characters; " + KEY_RULE
    if not _KEY.fullmatch(key):
        return f"{key!r} is not a usable key; " + KEY_RULE
    if key.upper() in _DEVICES:
        return f"{key!r} is a device name on Windows and cannot name a file; choose another key"
    return None


def file_stem(key: str) -> str:
    """A file-name stem for `key`, different for every two keys that differ without case.

    A key that follows the grammar is its own stem. Any other character becomes `~hex~` (the
    grammar has no `~`, so an escaped stem never equals a plain one), a leading character
    other than a letter or digit is escaped too, and a device name gets a trailing `~`.
    """
    if key_problem(key) is None:
        return key
    parts = []
    for index, char in enumerate(key):
        keep = _SAFE.fullmatch(char) and (index > 0 or char.isalnum())
        parts.append(char if keep else f"~{ord(char):x}~")
    stem = "".join(parts) or "~"
    if stem.upper() in _DEVICES:
        stem += "~"
    return stem
