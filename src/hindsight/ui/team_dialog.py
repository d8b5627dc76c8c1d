"""File ▸ Open Team Database…: the address of a database on a PostgreSQL server, tested on
request off the GUI thread, never storing a password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.store.postgres_url import BadServerAddress, ServerAddress

if TYPE_CHECKING:
    from hindsight.ui.operations import Operations

HINT = (
    "For example postgresql://you@db.example.org/postmortems?sslmode=require. "
    "Hindsight never stores a password: libpq finds it in PGPASSWORD, ~/.pgpass or a "
    "service file."
)


def try_connection(address: ServerAddress) -> str:
    """Connect to `address` and check its schema (StoreError if it cannot be used)."""
    from hindsight.store.postgres import ServerDatabase

    database = ServerDatabase.open(address)
    try:
        revision = database.schema_revision()
    finally:
        database.close()
    return f"Connected: {address.name} is ready (schema {revision})."


class TeamDatabaseDialog(QDialog):
    """Asks for a team database's address; `address` holds the choice once accepted."""

    def __init__(self, ops: Operations, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Team Database")
        self.ops = ops
        self.address: ServerAddress | None = None
        self.field = QComboBox(self)
        self.field.setEditable(True)
        self.field.addItems(recent)
        self.field.setCurrentText(recent[0] if recent else "postgresql://")
        self.field.setMinimumContentsLength(56)
        self.setMinimumWidth(640)
        self.field.editTextChanged.connect(lambda _text: self._say(""))
        hint = QLabel(HINT, self)
        hint.setWordWrap(True)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("connectionResult")
        self.outcome.setWordWrap(True)
        self.test_button = QPushButton("&Test Connection", self)
        self.test_button.clicked.connect(self.test)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Address", self.field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

    def _say(self, text: str) -> None:
        self.outcome.setText(text)

    def _parsed(self) -> ServerAddress | None:
        try:
            return ServerAddress.parse(self.field.currentText())
        except BadServerAddress as error:
            self._say(str(error))
            return None

    def test(self) -> None:
        """Try the address on the database lane; say what came of it here."""
        address = self._parsed()
        if address is None:
            return
        self.test_button.setEnabled(False)
        self._say(f"Connecting to {address.display}…")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            self._say(message)

        def failed(error: Exception) -> None:
            self.test_button.setEnabled(True)
            self._say(str(error))

        self.ops.submit(
            lambda: try_connection(address),
            done,
            owner=self,
            failed=failed,
            what=f"connect to {address.display}",
        )

    def accept(self) -> None:
        """Take the address if it reads as one (opening says what else may be wrong)."""
        address = self._parsed()
        if address is not None:
            self.address = address
            super().accept()
