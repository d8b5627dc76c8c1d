"""The operation runner: work off the GUI thread, results and errors back on it, in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QWidget

from hindsight.services.changes import Changes
from hindsight.services.errors import NotFoundError, ValidationError
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.operations import Operations, Task


@pytest.fixture
def ops(qtbot, workspace: Workspace) -> Operations:
    runner = Operations(workspace)
    yield runner
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    runner.shutdown()


def _gui_thread() -> QThread:
    return QApplication.instance().thread()


def test_result_arrives_on_the_gui_thread_after_work_ran_elsewhere(qtbot, ops) -> None:
    seen: dict[str, object] = {}

    def work(ws: Workspace) -> int:
        seen["work thread"] = QThread.currentThread()
        return ws.incidents.count()

    def done(count: int) -> None:
        seen["done thread"] = QThread.currentThread()
        seen["count"] = count

    ops.run(work, done)
    qtbot.waitUntil(lambda: "count" in seen)
    assert seen["work thread"] is not _gui_thread()
    assert seen["done thread"] is _gui_thread()
    assert seen["count"] == 0


def test_user_errors_go_to_failed_on_the_gui_thread(qtbot, ops) -> None:
    got: list[tuple[Exception, QThread]] = []

    def work(ws: Workspace) -> None:
        ws.incidents.get(12345)

    ops.run(work, failed=lambda error: got.append((error, QThread.currentThread())))
    qtbot.waitUntil(lambda: bool(got))
    error, thread = got[0]
    assert isinstance(error, NotFoundError)
    assert thread is _gui_thread()


def test_errors_without_a_handler_are_shown_naming_what_failed(
    qtbot, ops, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))

    def refuse(_ws: Workspace) -> None:
        raise ValidationError("The title is too long; shorten it.")

    def bug(_ws: Workspace) -> None:
        raise ZeroDivisionError("division by zero")

    ops.run(refuse, what="save the incident")
    ops.run(bug, what="count")
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert shown[0] == ("Cannot save the incident", "The title is too long; shorten it.")
    assert shown[1][0] == "Unexpected error"
    assert "internal error" in shown[1][1] and "hindsight.log" in shown[1][1]


def test_calls_run_one_at_a_time_in_the_order_asked(qtbot, ops) -> None:
    running = 0
    overlaps = 0
    order: list[int] = []
    lock = threading.Lock()

    def work(number: int):
        def call(ws: Workspace) -> int:
            nonlocal running, overlaps
            with lock:
                running += 1
                overlaps += running > 1
            ws.incidents.create(f"incident {number}")
            time.sleep(0.002)
            with lock:
                running -= 1
            return number

        return call

    for number in range(20):
        ops.run(work(number), order.append)
    qtbot.waitUntil(lambda: len(order) == 20, timeout=10000)
    assert order == list(range(20))
    assert overlaps == 0
    assert ops.workspace.incidents.count() == 20


def test_what_a_call_changed_is_announced_once_after_done(qtbot, ops) -> None:
    events: list[object] = []
    ops.changed.connect(lambda changes, initiator: events.append((changes, initiator)))
    me = object()

    def two_writes(ws: Workspace) -> int:
        first = ws.incidents.create("first")
        second = ws.incidents.create("second")
        ws.incidents.delete(first.id)
        assert second.id is not None
        return second.id

    ops.run(two_writes, lambda new_id: events.append(("done", new_id)), initiator=me)
    qtbot.waitUntil(lambda: len(events) == 2)
    assert events[0][0] == "done"
    changes, initiator = events[1]
    assert isinstance(changes, Changes)
    assert initiator is me
    assert changes.incidents == {1, 2}
    assert changes.removed == {1}


def test_a_read_announces_nothing(qtbot, ops) -> None:
    events: list[object] = []
    ops.changed.connect(lambda *args: events.append(args))
    done: list[int] = []
    ops.run(lambda ws: ws.incidents.count(), done.append)
    qtbot.waitUntil(lambda: bool(done))
    qtbot.wait(20)
    assert events == []


def test_changes_made_outside_an_operation_reach_the_gui_thread(qtbot, ops) -> None:
    events: list[tuple[Changes, object, QThread]] = []
    ops.changed.connect(
        lambda changes, initiator: events.append((changes, initiator, QThread.currentThread()))
    )
    # As another client's notice would: recorded on some other thread.
    worker = threading.Thread(target=lambda: ops.workspace.changes.record(Changes.of(privacy=[7])))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(events))
    changes, initiator, thread = events[0]
    assert changes.privacy == {7} and initiator is None and thread is _gui_thread()


def test_results_for_a_destroyed_owner_are_dropped(qtbot, ops) -> None:
    owner = QWidget()
    got: list[int] = []
    release = threading.Event()

    def slow(ws: Workspace) -> int:
        release.wait(5)
        return ws.incidents.count()

    ops.run(slow, got.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    qtbot.waitUntil(lambda: not ops.busy)
    assert got == []


def _alive(obj: QObject) -> bool:
    from shiboken6 import isValid

    return isValid(obj)


def test_long_work_reports_progress_and_stops_when_cancelled(qtbot, ops) -> None:
    steps: list[tuple[int, int, str]] = []
    finished: list[object] = []
    started = threading.Event()

    def work(_ws: Workspace, task: Task) -> str:
        for step in range(1000):
            task.report(step, 1000, f"step {step}")
            started.set()
            time.sleep(0.002)
        return "all done"

    task = ops.run_long(work, finished.append, failed=finished.append)
    task.progressed.connect(lambda *args: steps.append(args))
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(steps))
    task.cancel()
    qtbot.waitUntil(lambda: not ops.busy)
    assert finished == []  # cancelled work delivers neither a result nor an error
    assert 0 < len(steps) < 1000
    assert steps[0][1] == 1000


def test_switching_workspace_runs_later_calls_against_the_new_one(
    qtbot, ops, tmp_path: Path
) -> None:
    other = Workspace.open(tmp_path / "other.sqlite")
    try:
        other.incidents.create("only here")
        ops.set_workspace(other)
        counts: list[int] = []
        ops.run(lambda ws: ws.incidents.count(), counts.append)
        qtbot.waitUntil(lambda: bool(counts))
        assert counts == [1]
    finally:
        qtbot.waitUntil(lambda: not ops.busy)
        other.close()


def test_after_shutdown_nothing_new_runs_and_late_failures_show_no_box(
    qtbot, ops, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))
    gate = threading.Event()

    def slow_refusal(_ws: Workspace) -> None:
        gate.wait(5)
        raise ValidationError("The database went away.")

    ops.run(slow_refusal, what="recount saved searches")
    threading.Timer(0.2, gate.set).start()
    ops.shutdown()  # the window closes while the call is on its way back
    ran: list[int] = []
    ops.run(lambda ws: ran.append(1), what="refresh after closing")
    qtbot.waitUntil(lambda: not ops.busy, timeout=5000)
    qtbot.wait(50)
    assert ran == [] and shown == []
