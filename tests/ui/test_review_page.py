"""Walking the review stepper through the real widgets; publishing refused, then allowed."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidgetItem, QPlainTextEdit
from tests.services.test_review_service import complete

from hindsight.core.enums import MILESTONE_KINDS, Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.privacy import EthicsChoice
from hindsight.core.review import AnswerStatus, ReviewStatus, Verdict
from hindsight.services.workspace import Workspace
from hindsight.ui.review.answer_widgets import (
    FuzzyTimeAnswer,
    ItemsAnswer,
    MarkdownAnswer,
    MultipleChoiceAnswer,
    PeopleAnswer,
    ScaleAnswer,
    SingleChoiceAnswer,
    YesNoUnknownAnswer,
)
from hindsight.ui.review.review_page import SectionView

from .conftest import new_incident, open_incident, settle


def open_review(make_window, path, title="Review me"):
    window = make_window(path)
    if not window.list_pane.visible_keys():
        new_incident(None, window, title)
    else:
        open_incident(None, window, 1)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.review)
    return window, editor, editor.review


def section_view(page, section_id) -> SectionView:
    for row, view in enumerate(page.views):
        if isinstance(view, SectionView) and view.section.id == section_id:
            page.go_to(row)
            return view
    raise AssertionError(section_id)


def stored(path):
    workspace = Workspace.open(path)
    try:
        return workspace.incidents.get(1)
    finally:
        workspace.close()


def test_answer_a_question_of_each_type_and_find_them_after_reopening(make_window, db_path, qtbot):
    window, _editor, page = open_review(make_window, db_path)

    # Markdown
    view = section_view(page, "architecture")
    card = view.cards["architecture.decisions"]
    assert isinstance(card.answer, MarkdownAnswer)
    qtbot.keyClicks(card.answer.text, "The feeder tier was sized in 2023.")
    assert card.mark.text() == "✓"

    # Single choice, using the Next button to step there.
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget().section.id == "trigger"
    choice = page.stack.currentWidget().cards["trigger.kind"].answer
    assert isinstance(choice, SingleChoiceAnswer)
    choice.combo.setCurrentIndex(choice.combo.findData("data_growth"))

    # Fuzzy time (the milestone itself)
    view = section_view(page, "impact_start")
    fuzzy = view.cards["impact_start.when"].answer
    assert isinstance(fuzzy, FuzzyTimeAnswer)
    fuzzy.known.setChecked(True)

    # Multiple choice and scale
    view = section_view(page, "detection")
    monitors = view.cards["detection.monitors"].answer
    assert isinstance(monitors, MultipleChoiceAnswer)
    monitors.boxes["model_age"].setChecked(True)
    monitors.boxes["golden_set"].setChecked(True)
    scale = view.cards["detection.difficulty"].answer
    assert isinstance(scale, ScaleAnswer)
    qtbot.mouseClick(scale.buttons[3], Qt.MouseButton.LeftButton)

    # People: a name typed in
    people = view.cards["detection.who"].answer
    assert isinstance(people, PeopleAnswer)
    people.name.setText("Lucía Fernández")
    qtbot.mouseClick(people.add, Qt.MouseButton.LeftButton)
    assert people.list.count() == 1

    # Items: two hypotheses
    view = section_view(page, "troubleshooting")
    items = view.cards["troubleshooting.hypotheses"].answer
    assert isinstance(items, ItemsAnswer)
    qtbot.mouseClick(items.add, Qt.MouseButton.LeftButton)
    items.table.item(0, 0).setText("A bad binary")
    items.table.item(0, 1).setText("Ruled out: no release since January")

    # Yes / no / unknown with evidence
    view = section_view(page, "impact")
    yes_no = view.cards["impact.hidden_slices"].answer
    assert isinstance(yes_no, YesNoUnknownAnswer)
    qtbot.mouseClick(yes_no.buttons["yes"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(yes_no.evidence, "New users lost 30% of clicks")

    # Not applicable with a reason
    card = view.cards["impact.slices"]
    card.status.setCurrentIndex(card.status.findData(AnswerStatus.NOT_APPLICABLE.value))
    card.status.activated.emit(card.status.currentIndex())
    assert card.reason.isVisibleTo(card)
    qtbot.keyClicks(card.reason, "No slices beyond the above")

    # Change attribution
    view = section_view(page, "change_attribution")
    assert view.attribution is not None
    combo = view.attribution.verdicts["pipeline_capacity"]
    combo.setCurrentIndex(combo.findData(Verdict.IMPLICATED.value))
    combo.activated.emit(combo.currentIndex())
    assert "Implicated: Pipeline or infrastructure capacity" in page.summary.text()

    assert page.progress.value() > 0
    window.close()

    reopened = make_window(db_path)
    open_incident(qtbot, reopened, 1)
    incident = reopened.editor.incident
    answers = incident.answers
    assert answers["architecture.decisions"].value == "The feeder tier was sized in 2023."
    assert answers["trigger.kind"].value == "data_growth"
    assert Phase.OUTAGE_BEGINS in incident.milestones
    assert answers["detection.monitors"].value == ["model_age", "golden_set"]
    assert answers["detection.difficulty"].value == 4
    assert answers["detection.who"].value == ["Lucía Fernández"]
    assert answers["troubleshooting.hypotheses"].value == [
        {
            "hypothesis": "A bad binary",
            "outcome": "Ruled out: no release since January",
            "time_spent": "",  # the bank's third column, left empty
        }
    ]
    assert answers["impact.hidden_slices"].value == {
        "choice": "yes",
        "evidence": "New users lost 30% of clicks",
    }
    assert answers["impact.slices"].status is AnswerStatus.NOT_APPLICABLE
    assert answers["impact.slices"].reason == "No slices beyond the above"
    assert incident.attributions["pipeline_capacity"].verdict is Verdict.IMPLICATED
    # ...and the widgets show them again.
    page = reopened.editor.review
    view = section_view(page, "detection")
    assert view.cards["detection.monitors"].answer.boxes["golden_set"].isChecked()
    assert view.cards["detection.difficulty"].answer.buttons[3].isChecked()
    assert "4/4" not in page.sections.item(0).text()
    assert page.sections.item(0).text().startswith("✓")


def test_section_list_marks_and_jump_to_first_open_question(make_window, db_path, qtbot):
    _window, _editor, page = open_review(make_window, db_path)
    assert page.sections.item(0).text().startswith("○")
    qtbot.keyClicks(
        section_view(page, "architecture").cards["architecture.decisions"].answer.text, "x"
    )
    assert page.sections.item(0).text().startswith("✓")
    page.go_to(5)
    qtbot.mouseClick(page.next_open_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget().section.id == "trigger"
    assert not page.back_button.isHidden() and page.back_button.isEnabled()


def test_undo_an_answer(make_window, db_path, qtbot):
    window, editor, page = open_review(make_window, db_path)
    text = section_view(page, "architecture").cards["architecture.decisions"].answer.text
    qtbot.keyClicks(text, "Typed")
    window.undo_action.trigger()
    assert text.toPlainText() == ""
    assert "architecture.decisions" not in editor.incident.answers


def test_publish_refused_then_allowed_then_read_only_until_reopened(make_window, db_path, qtbot):
    window, editor, page = open_review(make_window, db_path)
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not page.publish_panel.isHidden()
    assert "Not published yet" in page.publish_panel.title.text()
    assert any("Change attribution" in m for m in page.publish_panel.messages())
    assert stored(db_path).review_status is ReviewStatus.DRAFT

    # Complete it in the database (another window), then reload and publish.
    workspace = Workspace.open(db_path)
    workspace.incidents.delete(1)
    complete(workspace, "Complete")
    workspace.close()
    window.list_pane.reload()
    settle(qtbot, window)
    incident_id = window.list_pane.model.row(0).id
    open_incident(qtbot, window, incident_id)
    page = window.editor.review
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.status_label.text() == "In review"
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.publish_panel.isHidden()
    assert page.status_label.text() == "Published"
    assert window.list_pane.model.row(0).review_status is ReviewStatus.PUBLISHED

    # Read-only: the editor's fields cannot be typed in, and edits are refused.
    editor = window.editor
    assert editor.overview.title.isReadOnly()
    assert page.stack.isEnabled()  # it still scrolls; its answers cannot be changed
    assert all(field.isReadOnly() for field in page.stack.findChildren(QPlainTextEdit))
    editor.edit("sneaky", lambda i: setattr(i, "title", "changed"))
    assert editor.incident.title == "Complete"

    # Reopen with a reason.
    page.ask_reason = lambda title: ""
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert "needs a reason" in page.move_problem.text()
    page.ask_reason = lambda title: "Impact estimate revised"
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.status_label.text() == "In review"
    assert page.move_problem.isHidden()
    assert not editor.overview.title.isReadOnly()
    assert not any(field.isReadOnly() for field in page.stack.findChildren(QPlainTextEdit))
    workspace = Workspace.open(db_path)
    try:
        history = workspace.review.history(incident_id)
        assert history[-1].reason == "Impact estimate revised"
    finally:
        workspace.close()


def test_orphaned_answers_are_shown_under_other_answers(make_window, db_path, qtbot):
    from hindsight.core.review import Answer

    workspace = Workspace.open(db_path)
    incident = workspace.incidents.create("Old bank")
    incident.answers["legacy.root_cause"] = Answer("legacy.root_cause", value="Upstream key rename")
    workspace.incidents.save(incident)
    workspace.close()
    _window, _editor, page = open_review(make_window, db_path)
    last = page.sections.count() - 1
    assert page.sections.item(last).text() == "Other answers"
    assert not page.sections.item(last).isHidden()
    page.go_to(last)
    assert "Upstream key rename" in page.views[-1].label.text()


def test_header_marks_detection_by_users(make_window, db_path, qtbot):
    _window, editor, page = open_review(make_window, db_path)
    view = section_view(page, "detection")
    combo = view.cards["detection.source"].answer.combo
    combo.setCurrentIndex(combo.findData("end_users"))
    assert "before any monitor" in page.summary.text()
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    editor.edit(
        "times",
        lambda i: i.milestones.update({p: FuzzyTime.exact(moment) for p in MILESTONE_KINDS}),
    )
    assert "Detect: 0 min" in page.summary.text()


def test_choosing_a_team_bank_rebuilds_the_page_and_a_bad_one_is_refused(
    make_window, db_path, tmp_path, errors
):
    from hindsight.ui.review.bank_dialog import BankDialog

    window, editor, page = open_review(make_window, db_path)
    team = tmp_path / "team.toml"
    team.write_text(
        'name = "Team bank"\nversion = "3"\n[[section]]\nid = "why"\ntitle = "Why it broke"\n'
        '[[section.question]]\nid = "why.root"\nprompt = "Root?"\nguidance = "G"\n'
        'type = "markdown"\nrequired = true\n',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(team.read_text().replace('type = "markdown"', 'type = "haiku"'))

    dialog = BankDialog(window.workspace.review, window)
    assert not dialog.choose(bad)
    assert "why.root" in errors[-1][1] and str(bad) in errors[-1][1]
    assert dialog.choose(team)
    assert "Team bank" in dialog.name.text()
    dialog.close()
    editor.refresh()
    assert page.sections.item(0).text().startswith("○  Why it broke")
    dialog = BankDialog(window.workspace.review, window)
    dialog.use_default()
    editor.refresh()
    assert "Architecture" in page.sections.item(0).text()


def refused_on_the_demo_draft(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    open_incident(qtbot, window, 3)  # the draft, with open questions and privacy problems
    editor = window.editor
    page = editor.review
    editor.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    return window, editor, page


def panel_items(page) -> dict[str, QListWidgetItem]:
    found = {}
    for row in range(page.publish_panel.list.count()):
        item = page.publish_panel.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole):
            found[item.data(Qt.ItemDataRole.UserRole)] = item
    return found


def test_clicking_a_blocker_goes_to_what_is_missing(make_window, demo_db, qtbot):
    _window, editor, page = refused_on_the_demo_draft(make_window, demo_db, qtbot)
    items = panel_items(page)
    assert "lessons.went_well" in items
    privacy_target = next(t for t in items if t.startswith(("ethics:", "access:")))

    listed = page.publish_panel.list
    listed.scrollToItem(items["lessons.went_well"])
    rect = listed.visualItemRect(items["lessons.went_well"])
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.stack.currentWidget().section.id == "lessons"
    # The panel stays while the author works through it.
    assert not page.publish_panel.isHidden()

    listed.setCurrentItem(items[privacy_target])
    qtbot.keyClick(listed, Qt.Key.Key_Return)
    assert editor.tabs.currentWidget() is editor.privacy


def test_the_refusal_panel_scrolls_keeps_the_questions_tall_and_closes(make_window, demo_db, qtbot):
    window, _editor, page = refused_on_the_demo_draft(make_window, demo_db, qtbot)
    panel = page.publish_panel
    count = len(panel.messages())
    assert count >= 10
    assert f"{count} things to settle" in panel.title.text()
    # Beside the questions, not above them: the question area keeps its height.
    assert page.stack.height() > page.height() * 0.6
    assert panel.height() > page.height() * 0.6
    # Longer than the panel is tall: it scrolls, and the last item can be reached.
    bar = panel.list.verticalScrollBar()
    assert bar.maximum() > 0
    last = panel.list.item(panel.list.count() - 1)
    panel.list.scrollToItem(last)
    assert panel.list.viewport().rect().contains(panel.list.visualItemRect(last))

    # Esc anywhere on the page closes it; publishing again opens it.
    page.go_to_question("lessons.went_well")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert panel.isHidden()
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not panel.isHidden()
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert panel.isHidden()


def test_the_refusal_panel_follows_the_fixes(make_window, demo_db, qtbot):
    window, editor, page = refused_on_the_demo_draft(make_window, demo_db, qtbot)
    before = len(page.publish_panel.messages())
    assert "lessons.went_well" in panel_items(page)
    text = section_view(page, "lessons").cards["lessons.went_well"].answer.text
    text.setFocus()
    qtbot.keyClicks(text, "The replay harness found the empty slots in an hour.")
    qtbot.waitUntil(lambda: "lessons.went_well" not in panel_items(page), timeout=3000)
    assert len(page.publish_panel.messages()) == before - 1
    assert f"{before - 1} things to settle" in page.publish_panel.title.text()

    # A privacy blocker fixed on the Privacy tab leaves the list too.
    ethics_target = next(t for t in panel_items(page) if t.startswith("ethics:"))
    editor.privacy.focus_target(ethics_target)
    row = editor.privacy.ethics.rows[ethics_target.split(":", 1)[1]]
    qtbot.mouseClick(row.buttons[EthicsChoice.YES], Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: ethics_target not in panel_items(page), timeout=3000)

    # Another incident: the list is about the one refused, so it goes.
    open_incident(qtbot, window, 2)
    assert page.publish_panel.isHidden()


def test_the_header_says_which_milestone_the_durations_wait_for() -> None:
    from hindsight.core.incident import Incident
    from hindsight.review.bank import default_bank_path, load_bank
    from hindsight.ui.review.review_page import review_summary

    bank = load_bank(default_bank_path())
    incident = Incident(title="t")
    started = FuzzyTime.exact(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    assert "impact's start" in _first_line(incident, bank, review_summary)
    incident.milestones[Phase.OUTAGE_BEGINS] = started
    # The start is dated: what is missing is the end of a duration, not the start.
    line = _first_line(incident, bank, review_summary)
    assert "impact's start" not in line and "detection, mitigation or resolution" in line
    incident.milestones[Phase.DETECTION] = started
    assert _first_line(incident, bank, review_summary).startswith("Detect: ")


def _first_line(incident, bank, summary) -> str:
    return summary(incident, bank)[0]
