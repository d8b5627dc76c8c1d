"""Loading and validating question banks: the default one, and each kind of error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.core.enums import Phase
from hindsight.core.review import AnswerType
from hindsight.review.bank import BankError, default_bank_path, load_bank

GOOD = """
name = "Tiny bank"
version = "1"

[[section]]
id = "s"
title = "Section"

[[section.question]]
id = "s.text"
prompt = "Why?"
guidance = "Because."
type = "markdown"
required = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_bank_loads_with_every_answer_type_and_required_sections():
    bank = load_bank(default_bank_path())
    assert {q.type for q in bank.questions} == set(AnswerType)
    ids = [s.id for s in bank.sections]
    for needed in (
        "architecture",
        "trigger",
        "impact_start",
        "detection",
        "troubleshooting",
        "impact",
        "mitigation",
        "resolution",
        "change_attribution",
        "lessons",
        "follow_up",
    ):
        assert needed in ids
    impact_start = bank.question("impact_start.when")
    assert impact_start is not None and impact_start.milestone is Phase.OUTAGE_BEGINS
    assert all(q.guidance for q in bank.questions), "every question has guidance"
    assert len({q.id for q in bank.questions}) == len(bank.questions)


def test_a_small_valid_bank(tmp_path):
    bank = load_bank(write(tmp_path, GOOD))
    assert bank.version == "1"
    assert [q.id for q in bank.questions] == ["s.text"]
    assert bank.questions[0].required and bank.questions[0].allow_na


@pytest.mark.parametrize(
    ("change", "where", "fragment"),
    [
        (('type = "markdown"', 'type = "essay"'), "question 's.text'", "field 'type'"),
        (('prompt = "Why?"', 'prompt = ""'), "question 's.text'", "field 'prompt'"),
        (('id = "s.text"', 'id = "S Text"'), "question 'S Text'", "field 'id'"),
        (("required = true", 'required = "yes"'), "question 's.text'", "field 'required'"),
        (('version = "1"', ""), "bank", "field 'version'"),
        (
            ('type = "markdown"', 'type = "single_choice"\noptions = [{ id = "a", label = "A" }]'),
            "question 's.text'",
            "field 'options'",
        ),
        (('type = "markdown"', 'type = "items"'), "question 's.text'", "field 'fields'"),
        (
            ('type = "markdown"', 'type = "fuzzy_time"\nmilestone = "lunch"'),
            "question 's.text'",
            "field 'milestone'",
        ),
        (
            ('type = "markdown"', 'type = "scale"\nscale = ["a", "b"]'),
            "question 's.text'",
            "field 'scale'",
        ),
    ],
)
def test_each_error_names_file_question_and_field(tmp_path, change, where, fragment):
    old, new = change
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(BankError) as caught:
        load_bank(path)
    message = str(caught.value)
    assert str(path) in message
    assert where in message
    assert fragment in message


def test_duplicate_question_ids_are_refused(tmp_path):
    text = GOOD + GOOD[GOOD.index("[[section.question]]") :]
    with pytest.raises(BankError, match=r"'s.text'.*used twice"):
        load_bank(write(tmp_path, text))


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(BankError, match="not valid TOML"):
        load_bank(write(tmp_path, "name = ["))
    with pytest.raises(BankError, match="cannot be read"):
        load_bank(tmp_path / "missing.toml")


def test_the_default_bank_asks_what_real_postmortems_teach():
    bank = load_bank(default_bank_path())
    root = bank.question("trigger.root_causes")
    assert root is not None and root.type is AnswerType.MARKDOWN and not root.required
    hypotheses = bank.question("troubleshooting.hypotheses")
    assert hypotheses is not None
    assert [f.id for f in hypotheses.fields] == ["hypothesis", "outcome", "time_spent"]
    for question_id in ("detection.monitors", "resolution.verification"):
        question = bank.question(question_id)
        assert question is not None
        assert {"canary", "production_eval", "regression_test"} <= {o.id for o in question.options}
