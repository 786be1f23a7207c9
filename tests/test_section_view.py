"""`next ID`: any section's steps and commands, for a learner who picks one and for a tutor agent."""

from __future__ import annotations

import json
import random

from learnpath.quiz.model import Question, QuestionType, asking_order, shuffle_choices


def test_next_with_an_id_shows_that_section_even_when_another_comes_first(course, cli):
    """`next 1.2 --json` is 1.2's view with every step left and its command, though 1.1 is not done."""
    result = cli(course, "next", "1.2", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == "1.2" and record["done"] is False and record["mine"] is None
    assert [step["step"] for step in record["steps"]] == ["read", "experiment", "quiz"]
    assert record["steps"][1]["command"] == "learnpath run 1.2"
    assert record["course"] == {"done": 0, "total": 3}


def test_next_with_an_id_of_a_finished_section_says_so(course, cli, answers):
    """A section with every box ticked has no steps left, and says it is done."""
    cli(course, "run", "1.1")
    answers_file = course / "answers.yaml"
    answers_file.write_text(answers.right)
    assert cli(course, "quiz", "1.1", "--answers", str(answers_file)).exit_code == 0
    record = json.loads(cli(course, "next", "1.1", "--json").stdout)
    assert record["done"] is True and record["steps"] == []
    assert "Every step of 1.1 is done" in cli(course, "next", "1.1").stdout


def test_next_with_an_unknown_id_is_one_line_and_exit_2(course, cli):
    result = cli(course, "next", "9.9")
    assert result.exit_code == 2
    assert "no section '9.9'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _order_question(size: int) -> Question:
    keys = [chr(ord("a") + i) for i in range(size)]
    return Question(id="steps", type=QuestionType.ORDER, prompt="Put them in order",
                    choices=tuple((k, f"step {k}") for k in keys), answer=tuple(keys),
                    explanation="", hints=("h",), line=1, tolerance=0.0,
                    rel_tolerance=None, points=1.0)


def test_an_order_question_is_never_shown_in_its_answer_order():
    """Shuffled for a learner (any seed) or listed for a tutor, the order shown is never the answer."""
    for size in (2, 3, 4):
        question = _order_question(size)
        assert asking_order(question) != list(question.answer)
        for seed in range(200):
            shown = shuffle_choices(question, random.Random(seed))
            assert [key for key, _ in shown.choices] != list(shown.answer)


def test_quiz_json_lists_order_choices_out_of_answer_order(course, cli):
    """`quiz --json` keeps quiz.yaml's keys but lists an order question's choices in another order."""
    record = json.loads(cli(course, "quiz", "1.1", "--json").stdout)
    (order,) = [q for q in record["questions"] if q["type"] == "order"]
    assert list(order["choices"]) != ["a", "b", "c"]
    assert sorted(order["choices"]) == ["a", "b", "c"]
