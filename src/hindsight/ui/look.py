"""Hindsight's look: the rules of resources/style.qss, given to the widgets they name.

A style sheet set on the whole application sends every widget through Qt's style-sheet engine
as it is made, laid out and drawn, styled or not: with it, building the main window took about
1.5 times as long and the editor 2.5 times (measured with and without it, same process). So
the rules stay in one file, each naming its widgets by object name (`QLabel#hint`), and
`styled` gives a widget its object name and only the rules for that name; every other widget
is drawn by the platform style alone.
"""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtWidgets import QWidget

from hindsight.paths import resources_dir

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_NAME = re.compile(r"#([A-Za-z_][A-Za-z0-9_]*)")


def parse_rules(text: str) -> dict[str, str]:
    """The rules of a style sheet, gathered by the object name each selector names.

    Every rule must name one: a rule for a kind of widget alone (`QLabel { }`) would have to
    be set on the whole application, which is what this module avoids.
    """
    rules: dict[str, list[str]] = {}
    for selector, body in _RULE.findall(_COMMENT.sub("", text)):
        selector = " ".join(selector.split())
        names = set(_NAME.findall(selector))
        if len(names) != 1:
            raise ValueError(f"style.qss: the rule {selector!r} must name one object name")
        rules.setdefault(names.pop(), []).append(f"{selector} {{{body.strip()}}}")
    return {name: "\n".join(parts) for name, parts in rules.items()}


@cache
def style_rules() -> dict[str, str]:
    """The app's rules by object name (read once)."""
    return parse_rules((resources_dir() / "style.qss").read_text(encoding="utf-8"))


def styled(widget: QWidget, name: str) -> None:
    """Name `widget` `name` and give it the style sheet's rules for that name (if any)."""
    widget.setObjectName(name)
    sheet = style_rules().get(name)
    if sheet is not None:
        widget.setStyleSheet(sheet)
