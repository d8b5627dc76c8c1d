"""Export templates: finding them (bundled and the user's own) and rendering them safely.

A template is a Jinja2 file named NAME.md.j2 (Markdown) or NAME.html.j2 (HTML, also used for
the PDF). Its first comment may describe it:

    {#- title: Executive summary
        description: One to two pages for leaders: what happened, impact, status.
        scopes: incident -#}

`scopes` says whether it renders one incident, all incidents ("all"), or both. A template in
the user's folder (data_dir()/templates) with the same file name as a bundled one replaces it.

Rendering runs in Jinja's sandbox with StrictUndefined: a typo, a missing field or an error
raised by the template stops the export with the template's name and line, and nothing is
written. HTML templates autoescape.
"""

from __future__ import annotations

import re
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

from hindsight.export.errors import ExportError, TemplateProblem
from hindsight.export.safe_text import (
    markdown_block,
    markdown_block_cell,
    markdown_cell,
    markdown_inline,
    markdown_to_html,
    text_to_html,
)
from hindsight.paths import data_dir, templates_dir

SUFFIXES = {"md": ".md.j2", "html": ".html.j2"}
# Characters no document should carry: NUL (CommonMark and HTML readers replace it with U+FFFD,
# others stop at it) and, in HTML, the other C0 controls that HTML forbids.
# Control characters of the user's text: invalid in HTML; in Markdown, obeyed by a terminal
# the file is shown in (ESC [31m), so both get U+FFFD. Tabs and line breaks stay.
_MARKDOWN_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_HTML_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# "insights": the insights report across incidents (services/insights_report.py)
SCOPES = ("incident", "all", "insights")
_HEADER = re.compile(r"\A\s*\{#-?(.*?)-?#\}", re.DOTALL)
_FIELD = re.compile(r"^\s*(title|description|scopes)\s*:\s*(.*?)\s*$")


def user_templates_dir() -> Path:
    """Where a user's own templates live (not created until the user adds one)."""
    return data_dir() / "templates"


@dataclass(frozen=True)
class TemplateInfo:
    """One template name and the formats it comes in."""

    name: str
    title: str
    description: str = ""
    scopes: tuple[str, ...] = ("incident",)
    files: Mapping[str, Path] = field(default_factory=dict)  # "md" | "html" -> file
    user: bool = False  # at least one of its files is the user's own

    @property
    def formats(self) -> tuple[str, ...]:
        """The template formats it has: "md", "html"."""
        return tuple(f for f in SUFFIXES if f in self.files)

    def supports(self, document_format: str, scope: str = "incident") -> bool:
        """True when it can render `document_format` (md, html, pdf) for `scope`."""
        source = "html" if document_format == "pdf" else document_format
        return source in self.files and scope in self.scopes


def _header(path: Path) -> dict[str, str]:
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return {}
    match = _HEADER.match(head)
    if not match:
        return {}
    found: dict[str, str] = {}
    for line in match.group(1).splitlines():
        pair = _FIELD.match(line)
        if pair:
            found[pair.group(1)] = pair.group(2)
    return found


def _split_name(file_name: str) -> tuple[str, str] | None:
    for kind, suffix in SUFFIXES.items():
        if file_name.endswith(suffix) and len(file_name) > len(suffix):
            return file_name[: -len(suffix)], kind
    return None


def template_folders() -> list[Path]:
    """Where templates are looked up, the user's folder first."""
    return [user_templates_dir(), templates_dir()]


def discover() -> list[TemplateInfo]:
    """Every template available, bundled and the user's, sorted with the bundled ones first."""
    files: dict[str, dict[str, Path]] = {}
    owners: dict[str, bool] = {}
    for folder in reversed(template_folders()):  # the user's files replace bundled ones
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            split = _split_name(path.name)
            # Files starting with "_" are parts (layouts, macros) other templates use.
            if split is None or path.name.startswith("_") or not path.is_file():
                continue
            name, kind = split
            files.setdefault(name, {})[kind] = path
            owners[name] = owners.get(name, False) or folder == user_templates_dir()
    found: list[TemplateInfo] = []
    for name, by_kind in files.items():
        header: dict[str, str] = {}
        for path in by_kind.values():
            header = header or _header(path)
        scopes = tuple(
            s for s in (x.strip() for x in header.get("scopes", "incident").split(",")) if s
        )
        found.append(
            TemplateInfo(
                name=name,
                title=header.get("title") or name.replace("-", " ").capitalize(),
                description=header.get("description", ""),
                scopes=tuple(s for s in scopes if s in SCOPES) or ("incident",),
                files=dict(by_kind),
                user=owners[name],
            )
        )
    order = {"full-review": 0, "executive-summary": 1, "followup-report": 2}
    found.sort(key=lambda t: (t.user, order.get(t.name, 9), t.title.casefold()))
    return found


def find(name: str) -> TemplateInfo:
    """The template called `name`; TemplateProblem listing the choices when there is none."""
    available = discover()
    for info in available:
        if info.name == name:
            return info
    names = ", ".join(t.name for t in available) or "none"
    raise ExportError(
        f"There is no template called {name} (available: {names}). Use one of those, or add "
        f"{name}.md.j2 or {name}.html.j2 to {user_templates_dir()}."
    )


TEMPLATE_SECONDS = 60.0  # the longest a template may take to render
MAX_OUTPUT = 200_000_000  # characters a template may write


class TooSlow(Exception):
    """A template ran past its time or size budget."""


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox with a deadline, checked wherever a template does work: attribute and
    item lookups, calls, every thousand steps of range(), and every piece of output."""

    deadline = float("inf")

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooSlow

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.check()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.check()
        return super().getitem(obj, argument)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        self.check()
        return super().call(__context, __obj, *args, **kwargs)

    def bounded_range(self, *args: int) -> Iterator[int]:
        """range() for templates: at most MAX_RANGE items, and on the clock."""
        for index, value in enumerate(safe_range(*args)):
            if index % 1000 == 0:
                self.check()
            yield value


def _environment(folders: list[Path]) -> _BoundedEnvironment:
    environment = _BoundedEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"), default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    environment.globals["range"] = environment.bounded_range
    environment.filters.update(
        md=markdown_to_html,
        text=text_to_html,
        md_block=markdown_block,
        md_inline=markdown_inline,
        md_cell=markdown_cell,
        md_block_cell=markdown_block_cell,
    )
    return environment


_kept = threading.local()


def _kept_environment(folders: tuple[Path, ...]) -> _BoundedEnvironment:
    """The environment of these folders, made once per thread.

    Kept so that a template is compiled once, not at every export (a tenth of a PDF's time);
    `auto_reload` still notices a template file that changed. One per thread, because the
    environment carries the deadline of the render under way.
    """
    environments: dict[tuple[Path, ...], _BoundedEnvironment] | None = getattr(
        _kept, "environments", None
    )
    if environments is None:
        environments = _kept.environments = {}
    environment = environments.get(folders)
    if environment is None:
        if len(environments) >= 16:
            environments.clear()  # folders come and go with user templates: stay small
        environment = environments[folders] = _environment(list(folders))
    return environment


def _line_of(error: BaseException, file_name: str) -> int | None:
    lineno = getattr(error, "lineno", None)
    if isinstance(error, jinja2.TemplateSyntaxError) and lineno:
        return int(lineno)
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(file_name) or frame.filename == "<template>":
            line = frame.lineno
    return line


def render(info: TemplateInfo, source_format: str, context: Mapping[str, Any]) -> str:
    """Render `info` in "md" or "html"; TemplateProblem with its name and line on failure."""
    path = info.files.get(source_format)
    if path is None:
        raise TemplateProblem(info.name, None, f"it has no {source_format} version")
    # The template's own folder first, so a user's template can extend a bundled base.
    environment = _kept_environment(
        (path.parent, *(f for f in template_folders() if f != path.parent))
    )
    try:
        template = environment.get_template(path.name)
        environment.deadline = time.monotonic() + TEMPLATE_SECONDS
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateProblem(
                    str(path), None, f"it writes more than {MAX_OUTPUT:,} characters"
                )
            environment.check()
            pieces.append(piece)
        text = "".join(pieces)
        return (_HTML_CONTROLS if source_format == "html" else _MARKDOWN_CONTROLS).sub(
            "\ufffd", text
        )
    except TooSlow as error:
        raise TemplateProblem(
            str(path),
            _line_of(error, path.name),
            f"it took longer than {TEMPLATE_SECONDS:.0f} seconds to render (a loop inside a "
            "loop?); simplify it",
        ) from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(str(path), error.lineno, error.message or "syntax error") from error
    except jinja2.TemplateNotFound as error:
        raise TemplateProblem(
            str(path), None, f"it includes {error.name}, which is missing"
        ) from error
    except jinja2.UndefinedError as error:
        raise TemplateProblem(
            str(path), _line_of(error, path.name), error.message or "undefined"
        ) from error
    except jinja2.TemplateError as error:
        raise TemplateProblem(str(path), _line_of(error, path.name), str(error)) from error
    except (ValueError, TypeError, AttributeError, LookupError, ArithmeticError) as error:
        problem = f"{type(error).__name__}: {error}"
        raise TemplateProblem(str(path), _line_of(error, path.name), problem) from error
