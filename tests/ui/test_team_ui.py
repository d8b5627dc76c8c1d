"""The main window on a team database: its list, other people's changes, the server's state
in the status bar, and File ▸ Open Team Database… (against a real server; see
tests/team_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from tests.team_server import TestServer
from tests.ui.conftest import open_incident, settle

from hindsight.services.workspace import Workspace
from hindsight.store.postgres_url import ServerAddress
from hindsight.ui.team_dialog import TeamDatabaseDialog


@pytest.fixture
def team_db(team_server_or_skip: TestServer) -> Iterator[ServerAddress]:
    address = team_server_or_skip.new_database()
    setup = Workspace.open(address, author="ana")
    try:
        setup.incidents.create("Stale features in ranking")
    finally:
        setup.close()
    try:
        yield address
    finally:
        team_server_or_skip.drop(address)


def quiet(qtbot, window) -> None:
    """Settle, and let the saved searches' recount after a change finish too."""
    from hindsight.ui.search.saved import SavedSearchesPanel

    settle(qtbot, window)
    panels = window.findChildren(SavedSearchesPanel)
    qtbot.waitUntil(lambda: not any(p.busy for p in panels), timeout=5000)
    settle(qtbot, window)


def titles(window) -> list[str]:
    model = window.list_pane.model
    return [model.row(n).title for n in range(model.rowCount())]


def test_the_window_lists_a_team_database_and_hears_other_people(
    make_window, qtbot, team_db: ServerAddress, errors
) -> None:
    window = make_window(team_db)
    assert titles(window) == ["Stale features in ranking"]
    assert team_db.database in window.windowTitle()
    assert window.workspace is not None and window.workspace.is_team
    team = window.workspace._team
    assert team is not None
    qtbot.waitUntil(team.listener.listening.is_set, timeout=5000)
    theirs = Workspace.open(team_db, author="ben")
    try:
        theirs.incidents.create("Partner schema renamed")
        # Within two seconds, without anyone asking for a refresh.
        qtbot.waitUntil(lambda: "Partner schema renamed" in titles(window), timeout=2000)
        # The incident open in an editor without edits of ours shows their save too.
        shown_id = window.list_pane.model.row(titles(window).index("Stale features in ranking")).id
        open_incident(qtbot, window, shown_id)
        record = theirs.incidents.get(shown_id)
        record.summary = "Their summary."
        theirs.incidents.save(record)
        qtbot.waitUntil(
            lambda: window.editor.overview.summary.toPlainText() == "Their summary.", timeout=2000
        )
    finally:
        theirs.close()
    quiet(qtbot, window)  # the views' own reading after the change (saved-search counts)
    assert window.door.recent_paths()[0] == team_db.display
    assert errors == []


def test_the_status_bar_says_when_the_server_is_lost_and_back(
    make_window, qtbot, team_db: ServerAddress, team_server_or_skip: TestServer
) -> None:
    window = make_window(team_db)
    team = window.workspace._team
    qtbot.waitUntil(team.listener.listening.is_set, timeout=5000)
    seen: list[bool] = []
    window.door.serverState.connect(lambda up, _problem: seen.append(up))
    # The server cuts this client's connections, as a restart or a network loss would.
    with team_server_or_skip.admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": team_db.database},
        )
    qtbot.waitUntil(lambda: seen[:2] == [False, True], timeout=10000)
    assert "again" in window.statusBar().currentMessage()
    label = window.door.server_label
    assert label is not None and not label.isVisible()
    # Lost: the label says so, and that edits are kept.
    window.door.serverState.emit(False, "connection refused")
    qtbot.waitUntil(label.isVisible)
    assert "edits are kept" in label.text()
    # Work goes on after the reconnect.
    window.workspace.incidents.create("After the cut")
    quiet(qtbot, window)


def test_open_team_database_tests_the_connection_then_opens_it(
    make_window, qtbot, tmp_path, team_db: ServerAddress, errors, monkeypatch
) -> None:
    window = make_window(tmp_path / "own.sqlite")
    dialog = TeamDatabaseDialog(window.ops, [], window)
    qtbot.addWidget(dialog)
    dialog.field.setCurrentText("postgresql://nohost")
    dialog.test()
    assert "names no database" in dialog.outcome.text()
    dialog.field.setCurrentText(team_db.display)
    dialog.test()
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Connected"), timeout=5000)
    dialog.accept()
    assert dialog.address == team_db

    class Accepting(TeamDatabaseDialog):
        def exec(self) -> int:
            self.field.setCurrentText(team_db.display)
            self.accept()
            return 1

    monkeypatch.setattr("hindsight.ui.team_dialog.TeamDatabaseDialog", Accepting)
    window.open_team_action.trigger()
    qtbot.waitUntil(lambda: window.workspace is not None and window.workspace.is_team, timeout=5000)
    settle(qtbot, window)
    assert titles(window) == ["Stale features in ranking"]
    assert errors == []


def test_typing_through_a_server_outage_saves_once_it_is_back(
    make_window, qtbot, team_db: ServerAddress, team_server_or_skip: TestServer, errors
) -> None:
    window = make_window(team_db)
    team = window.workspace._team
    qtbot.waitUntil(team.listener.listening.is_set, timeout=5000)
    incident_id = window.list_pane.model.row(0).id
    open_incident(qtbot, window, incident_id)
    admin = team_server_or_skip.admin
    name = team_db.database

    def allow(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allowed}'))
            if not allowed:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

    allow(False)
    try:
        qtbot.keyClicks(window.editor.overview.summary, "Typed while the server was away.")
        answers: list[bool] = []
        window.editor.save_then(answers.append)
        qtbot.waitUntil(lambda: bool(answers), timeout=15000)
        assert answers == [False] and window.editor.dirty
        label = window.door.server_label
        qtbot.waitUntil(lambda: label is not None and label.isVisible(), timeout=10000)
        assert errors == []  # the status bar says it; no box in the user's face
    finally:
        allow(True)
    # Back: the pending edit is saved without anyone asking, once.
    qtbot.waitUntil(lambda: not window.editor.dirty, timeout=20000)
    quiet(qtbot, window)
    check = Workspace.open(team_db)
    try:
        assert check.incidents.get(incident_id).summary == "Typed while the server was away."
        saves = [e for e in check.history.entries(incident_id) if e.action == "saved"]
        assert len(saves) == 1
    finally:
        check.close()
    assert not window.door.server_label.isVisible()


def test_starting_on_a_team_database_lists_it_before_the_store_loads(
    qtbot, settings, team_db: ServerAddress, errors
) -> None:
    # As `hindsight --db ADDRESS` starts: the window shows, then the database opens.
    from hindsight.ui.app import application
    from hindsight.ui.main_window import MainWindow

    application()
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.open_path(team_db)
    window.show()
    qtbot.waitUntil(lambda: titles(window) == ["Stale features in ranking"], timeout=10000)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    settle(qtbot, window)
    assert window.workspace.is_team and errors == []
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)


def test_a_team_database_without_the_schema_is_upgraded_only_when_confirmed(
    make_window, qtbot, tmp_path, team_server_or_skip: TestServer, errors, monkeypatch
) -> None:
    from hindsight.store.schema import HEAD_REVISION
    from hindsight.ui import messages

    address = team_server_or_skip.empty_database()
    try:
        window = make_window(tmp_path / "own.sqlite")
        asked: list[str] = []
        answer = {"upgrade": False}

        def confirm(_parent, _title, question, _action) -> bool:
            asked.append(question)
            return answer["upgrade"]

        monkeypatch.setattr(messages, "confirm", confirm)
        # Declined: the refusal is explained and the database is left untouched.
        window.door.open(address)
        qtbot.waitUntil(lambda: bool(errors), timeout=10000)
        assert "Upgrade the schema" in asked[0]
        assert "no Hindsight tables" in errors[0][1]
        assert not window.workspace.is_team
        from hindsight.store.postgres import make_server_engine

        engine = make_server_engine(address, pool_size=1)
        try:
            with engine.connect() as connection:
                found = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            assert found is None
        finally:
            engine.dispose()
        # Confirmed: the schema is created in one go and the database opens.
        answer["upgrade"] = True
        window.door.open(address)
        qtbot.waitUntil(
            lambda: window.workspace is not None and window.workspace.is_team, timeout=15000
        )
        settle(qtbot, window)
        assert window.workspace.database.schema_revision() == HEAD_REVISION
        assert len(errors) == 1
    finally:
        window.close()
        team_server_or_skip.drop(address)
