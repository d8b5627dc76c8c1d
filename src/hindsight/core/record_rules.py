"""The rules every incident record must keep, whoever writes it: the editor, an import, a script.

Each problem is a sentence naming the part of the record and saying what to do. The same
rules run when a record is saved and when a file is imported, so an import can never bring in
what the editor would refuse.
"""

from __future__ import annotations

from hindsight.core.factors import factor_problems
from hindsight.core.impact import problems as impact_problems
from hindsight.core.incident import Incident
from hindsight.core.references import MAX_LABEL, target_problems
from hindsight.core.review import change_kind_problem

MAX_PERSON = 200
MAX_EXTERNAL_ID = 100


def record_problems(incident: Incident) -> list[str]:
    """What is wrong with the parts of `incident` that have rules; empty when it is sound."""
    found: list[str] = []
    for number, measure in enumerate(incident.impacts, start=1):
        found.extend(f"Impact measure {number}: {p}" for p in impact_problems(measure))
    for number, factor in enumerate(incident.factors, start=1):
        found.extend(f"Contributing factor {number}: {p}" for p in factor_problems(factor))
        for code in factor.implicated:
            problem = change_kind_problem(code)
            if problem:
                found.append(f"Contributing factor {number}: {problem}.")
    for number, reference in enumerate(incident.references, start=1):
        where = f"Link {number}"
        if not reference.target.strip():
            found.append(f"{where}: give the address or the tracker reference.")
        found.extend(f"{where}: {p}" for p in target_problems(reference.target, "The link"))
        if len(reference.label) > MAX_LABEL:
            found.append(f"{where}: the label is longer than {MAX_LABEL} characters.")
    for number, role in enumerate(incident.roles, start=1):
        if len(role.person) > MAX_PERSON:
            found.append(f"Role {number}: the name is longer than {MAX_PERSON} characters.")
    for number, team in enumerate(incident.teams, start=1):
        if len(team.team) > MAX_PERSON:
            found.append(f"Team {number}: the name is longer than {MAX_PERSON} characters.")
    for name in ("authors", "reviewers"):
        for person in getattr(incident, name):
            if not person.strip():
                found.append(f"The {name} list holds an empty name; remove it.")
            elif len(person) > MAX_PERSON:
                found.append(f"A name among the {name} is longer than {MAX_PERSON} characters.")
    if len(incident.external_id) > MAX_EXTERNAL_ID:
        found.append(f"The external incident number is longer than {MAX_EXTERNAL_ID} characters.")
    for code in incident.attributions:
        problem = change_kind_problem(code)
        if problem:
            found.append(f"Change attribution: {problem}.")
    return found
