"""The incident editor: a header, and tabs for overview, milestones, timeline, roles, teams."""

from collections.abc import Callable
from typing import Protocol

from hindsight.core.incident import Incident

# What it returns is ignored: an edit is what it does to the record.
Mutation = Callable[[Incident], object]


class EditFn(Protocol):
    """Apply `mutate` to the edited incident as one undoable step called `label`."""

    def __call__(self, label: str, mutate: Mutation, merge_key: str | None = None) -> None: ...
