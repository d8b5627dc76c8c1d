"""A read-only summary of the selected follow-up: why it needs attention, and its description."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp
from hindsight.core.references import is_web_address
from hindsight.ui.followups.details_dialog import safe_html

EMPTY = "<p style='color:#6b7280'>Select a card or a row to see the item here.</p>"
LOADING = "<p style='color:#6b7280'>Reading the item…</p>"


def preview_html(item: FollowUp | None, regions: RegionMap, report: AttentionReport) -> str:
    """The summary of `item` as sanitised HTML (user text is escaped or cleaned)."""
    if item is None:
        return EMPTY
    region = regions.at(*item.cell)
    facts = [
        f"<b>{escape(item.incident_key)}</b>",
        escape(region.name),
        f"{item.priority.label} priority",
        f"value {item.value}, feasibility {item.feasibility}",
        escape(item.kind.label),
    ]
    steps = " → ".join(f"{s.status.label} {s.day_text}" for s in item.history)
    lines = [
        f"<h3 style='margin:0'>{escape(item.title)}</h3>",
        f"<p style='margin:4px 0'>{' · '.join(facts)}</p>",
        f"<p style='margin:4px 0'>Owner: {escape(item.owner) or '<i>nobody yet</i>'}"
        + (f" · due {item.due.isoformat()}" if item.due else "")
        + (
            f" · next senior review {item.next_senior_review.isoformat()}"
            if item.next_senior_review and region.strategic
            else ""
        )
        + "</p>",
        f"<p style='margin:4px 0;color:#4a5568'>{escape(steps)}</p>",
    ]
    if item.speeds_troubleshooting:
        lines.append("<p style='margin:4px 0'>Makes the next incident faster to troubleshoot.</p>")
    for flag in report.of(item.id):
        lines.append(f"<p style='margin:4px 0;color:#b42318'>⚑ {escape(flag.reason)}</p>")
    if item.tracker and is_web_address(item.tracker):
        url = escape(item.tracker, quote=True)
        lines.append(f"<p style='margin:4px 0'>Tracker: <a href='{url}'>{url}</a></p>")
    elif item.tracker.strip():
        lines.append(f"<p style='margin:4px 0'>Tracker: {escape(item.tracker.strip())}</p>")
    if item.description.strip():
        lines.append("<hr>" + safe_html(item.description))
    return "".join(lines)


class ItemPreview(QTextBrowser):
    """Shows one item; web links open in the browser, nothing else is followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followupPreview")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open)
        self._shown: tuple[object, object] | None = (None, ())
        self.setHtml(EMPTY)

    def show_item(self, item: FollowUp | None, regions: RegionMap, report: AttentionReport) -> None:
        """Show `item` (None: a hint to select one)."""
        # Shown again after every refresh of the views: rendered only when it says more.
        shown = (item, report.of(item.id) if item is not None else ())
        if shown == self._shown:
            return
        self._shown = shown
        self.setHtml(preview_html(item, regions, report))

    def show_loading(self) -> None:
        """The selected item is being read."""
        self._shown = None
        self.setHtml(LOADING)

    @staticmethod
    def _open(url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
