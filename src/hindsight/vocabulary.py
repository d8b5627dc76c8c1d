"""Labels and definitions for the fixed vocabularies, read from resources/vocabulary.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hindsight.core.enums import Confidence, EventSource, Marker, Phase, Role, Severity
from hindsight.core.review import ChangeKind, ReviewStatus, Verdict, change_kind_problem
from hindsight.paths import resources_dir


@dataclass(frozen=True, slots=True)
class ChangeKindInfo:
    """One kind of change a review attributes: its stored code, label and definition."""

    id: ChangeKind
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything the UI and exports say about phases, severities, roles and sources."""

    phase_labels: dict[Phase, str]
    phase_descriptions: dict[Phase, str]
    milestone_labels: dict[Phase, str]
    severity_definitions: dict[Severity, str]
    role_labels: dict[Role, str]
    role_descriptions: dict[Role, str]
    source_labels: dict[EventSource, str]
    confidence_labels: dict[Confidence, str]
    team_names: tuple[str, ...]
    change_kinds: tuple[ChangeKindInfo, ...]  # in the order shown
    verdict_labels: dict[Verdict, str]
    review_status_labels: dict[ReviewStatus, str]
    marker_labels: dict[Marker, str]
    marker_descriptions: dict[Marker, str]

    @property
    def change_labels(self) -> dict[ChangeKind, str]:
        """The label of each bundled kind of change, by code."""
        return {k.id: k.label for k in self.change_kinds}

    @property
    def change_descriptions(self) -> dict[ChangeKind, str]:
        """The definition of each bundled kind of change, by code."""
        return {k.id: k.description for k in self.change_kinds}

    def change_label(self, code: ChangeKind) -> str:
        """The label of a kind of change; for a code no longer listed, the code in words."""
        for kind in self.change_kinds:
            if kind.id == code:
                return kind.label
        return code.replace("_", " ").capitalize()

    def moment_label(self, moment: Phase | Marker) -> str:
        """How a milestone or a response moment is named: 'Impact start', 'Acknowledged'."""
        if isinstance(moment, Marker):
            return self.marker_labels[moment]
        return self.milestone_labels[moment] or self.phase_labels[moment]


def load_vocabulary(path: Path) -> Vocabulary:
    """Read a vocabulary file; a missing entry raises KeyError naming it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    phases, roles = data["phases"], data["roles"]
    kinds = []
    for code, entry in data["changes"].items():
        problem = change_kind_problem(code)
        if problem:
            raise ValueError(f"{path}: changes.{code}: {problem}")
        kinds.append(ChangeKindInfo(code, entry["label"], entry.get("description", "")))
    return Vocabulary(
        phase_labels={p: phases[p.value]["label"] for p in Phase},
        phase_descriptions={p: phases[p.value]["description"] for p in Phase},
        milestone_labels={p: phases[p.value]["milestone"] for p in Phase},
        severity_definitions={s: data["severities"][s.value]["definition"] for s in Severity},
        role_labels={r: roles[r.value]["label"] for r in Role},
        role_descriptions={r: roles[r.value]["description"] for r in Role},
        source_labels={s: data["sources"][s.value]["label"] for s in EventSource},
        confidence_labels={c: data["confidence"][c.value]["label"] for c in Confidence},
        team_names=tuple(data["teams"]["names"]),
        change_kinds=tuple(kinds),
        verdict_labels={v: data["verdicts"][v.value]["label"] for v in Verdict},
        review_status_labels={s: data["review_statuses"][s.value]["label"] for s in ReviewStatus},
        marker_labels={m: data["markers"][m.value]["label"] for m in Marker},
        marker_descriptions={m: data["markers"][m.value]["description"] for m in Marker},
    )


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once."""
    return load_vocabulary(resources_dir() / "vocabulary.toml")
