"""The look: style.qss's rules reach the widgets they name, and no other widget.

The application carries no style sheet (Qt would send every widget through its style-sheet
engine, which made building the editor 2.5 times as slow); each styled widget carries its
own rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from hindsight.paths import resources_dir
from hindsight.ui.look import parse_rules, style_rules, styled

SRC = Path(__file__).resolve().parents[2] / "src" / "hindsight"


def test_rules_are_gathered_by_the_object_name_they_name():
    rules = parse_rules(
        "/* a comment { with braces } */\n"
        "QLabel#hint { color: #5f6b7a; }\n"
        'QLabel#badge { padding: 3px; }\nQLabel#badge[severity="SEV1"] { background: red; }\n'
        "QToolButton#step:checked {\n  font-weight: bold;\n}\n"
    )
    assert rules == {
        "hint": "QLabel#hint {color: #5f6b7a;}",
        "badge": 'QLabel#badge {padding: 3px;}\nQLabel#badge[severity="SEV1"] {background: red;}',
        "step": "QToolButton#step:checked {font-weight: bold;}",
    }


@pytest.mark.parametrize("rule", ["QLabel { color: red; }", "QLabel#a QLabel#b { color: red; }"])
def test_a_rule_that_names_no_single_widget_is_refused(rule):
    with pytest.raises(ValueError, match="must name one object name"):
        parse_rules(rule)


def test_the_app_style_sheet_parses_and_every_name_in_it_is_used():
    rules = style_rules()
    assert {"hint", "problem", "severityBadge", "phaseStep", "questionCard"} <= set(rules)
    code = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    used = set(re.findall(r'styled\([^,]+, "(\w+)"\)', code))
    assert set(rules) <= used  # a rule for a name no widget has is dead
    # A styled name given with setObjectName would lose its look: every one goes through styled.
    named = set(re.findall(r'setObjectName\("(\w+)"\)', code))
    assert not named & set(rules)


def test_a_styled_widget_carries_its_rules_and_the_application_none(qapp):
    from hindsight.ui.app import application

    app = application()
    assert app.styleSheet() == ""
    hint = QLabel("quiet")
    styled(hint, "hint")
    assert hint.objectName() == "hint"
    assert "color: #5f6b7a" in hint.styleSheet()
    hint.ensurePolished()
    assert hint.palette().color(QPalette.ColorRole.WindowText).name() == "#5f6b7a"
    plain = QLabel("plain")
    plain.ensurePolished()
    assert plain.styleSheet() == ""
    assert plain.palette().color(QPalette.ColorRole.WindowText).name() != "#5f6b7a"


def colours_of(widget) -> set[str]:
    image = widget.grab().toImage()
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }


def test_a_property_rule_applies_after_the_property_changes(qapp):
    # The severity badge's colour follows its "severity" property (incident_editor.py).
    badge = QLabel("SEV1")
    styled(badge, "severityBadge")
    badge.setProperty("severity", "SEV1")
    badge.resize(80, 30)
    assert "#b42318" in colours_of(badge)
    badge.setProperty("severity", "SEV4")
    badge.style().unpolish(badge)
    badge.style().polish(badge)
    colours = colours_of(badge)
    assert "#3b6fb6" in colours
    assert "#b42318" not in colours


def test_the_style_sheet_is_read_from_the_bundled_resources():
    assert (resources_dir() / "style.qss").is_file()
