"""quiz/kinds.py: one class per question type, one registry, and the type rules nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from learnpath.quiz import kinds
from learnpath.quiz.file import QUESTION_KEYS
from learnpath.quiz.kinds import KINDS, OWN_KEYS, QuestionType
from learnpath.schema import quiz_schema

QUIZ = Path(kinds.__file__).parent


@pytest.mark.parametrize("question_type", list(QuestionType))
def test_every_type_has_one_kind_that_says_how_to_answer(question_type):
    """Each type maps to its own class, which names itself and says what an answer looks like."""
    kind = KINDS[question_type]
    assert kind.type is question_type and question_type.kind is kind
    assert kind.expected and kind.how_to_answer.endswith(".")
    assert question_type.expected_answer == kind.expected
    assert question_type.has_choices == kind.has_choices


def test_the_registry_holds_exactly_the_types_of_the_schema():
    """quiz.yaml's schema, the enum and the registry list the same five types."""
    schema_types = quiz_schema()["$defs"]["question"]["properties"]["type"]["enum"]
    assert set(KINDS) == set(QuestionType)
    assert sorted(t.value for t in QuestionType) == sorted(schema_types)


def test_keys_of_one_type_are_quiz_yaml_keys():
    """tolerance, rel_tolerance (numeric) and accept (text) belong to one type each."""
    assert OWN_KEYS == {"tolerance": QuestionType.NUMERIC, "rel_tolerance": QuestionType.NUMERIC,
                        "accept": QuestionType.TEXT}
    assert set(OWN_KEYS) <= set(QUESTION_KEYS)


@pytest.mark.parametrize("module", ["answers.py", "file.py", "model.py", "../ui/asking.py"])
def test_no_module_but_kinds_branches_on_a_question_type(module):
    """The if-chains over types are gone from the reader, the grader, the model and the asking."""
    source = (QUIZ / module).read_text(encoding="utf-8")
    assert not re.search(r"QuestionType\.[A-Z]", source), module
