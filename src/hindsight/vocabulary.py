"""Labels and definitions for the fixed vocabularies, read from resources/vocabulary.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hindsight.core.enums import Confidence, EventSource, Phase, Role, Severity
from hindsight.core.review import ChangeCategory, ReviewStatus, Verdict
from hindsight.paths import resources_dir


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
    change_labels: dict[ChangeCategory, str]
    change_descriptions: dict[ChangeCategory, str]
    verdict_labels: dict[Verdict, str]
    review_status_labels: dict[ReviewStatus, str]


def load_vocabulary(path: Path) -> Vocabulary:
    """Read a vocabulary file; a missing entry raises KeyError naming it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    phases, roles = data["phases"], data["roles"]
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
        change_labels={c: data["changes"][c.value]["label"] for c in ChangeCategory},
        change_descriptions={c: data["changes"][c.value]["description"] for c in ChangeCategory},
        verdict_labels={v: data["verdicts"][v.value]["label"] for v in Verdict},
        review_status_labels={s: data["review_statuses"][s.value]["label"] for s in ReviewStatus},
    )


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once."""
    return load_vocabulary(resources_dir() / "vocabulary.toml")
