"""The numeric policy: a number written as people write it is read; a number right to the digits
given but outside the tolerance is told how many decimals to give; every numeric prompt says its
precision (check --strict)."""

from __future__ import annotations

import pytest

NUMERIC_QUIZ = """\
questions:
  - id: ln-quarter
    type: numeric
    prompt: "What is -ln(0.25)? (to 4 decimal places)"
    answer: 1.386294
    tolerance: 0.0001
    explanation: "ln 4."
  - id: big
    type: numeric
    prompt: "How many parameters has the layer? (exact)"
    answer: 16640
    explanation: "128 * 128 + 2 * 128 + ..."
  - id: share
    type: numeric
    prompt: "What percentage of the examples are right? (a whole number)"
    answer: 75
    tolerance: 0.5
    explanation: "Three of four."
  - id: fraction
    type: numeric
    prompt: "What fraction of the weights is zero? (to 2 decimal places)"
    answer: 0.25
    tolerance: 0.005
    explanation: "A quarter."
"""


@pytest.fixture
def numeric_course(course):
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    quiz.write_text(NUMERIC_QUIZ)
    return course


def _graded(cli, root, answers):
    import json

    result = cli(root, "quiz", "1.1", "--answers", "-", "--json", "--dry-run", input=answers)
    assert result.exit_code in (0, 1), result.stderr
    return {item["id"]: item for item in json.loads(result.stdout)["results"]}


@pytest.mark.parametrize("typed", ["16,640", "16 640", " 16640 ", "16640.0", "16_640"])
def test_thousands_separators_and_spaces_are_read(numeric_course, cli, typed):
    """16,640 (and the other ways people group digits) is the number 16640."""
    graded = _graded(cli, numeric_course, f"big: '{typed}'\n")
    assert graded["big"]["correct"] is True


@pytest.mark.parametrize("qid,typed", [("share", "75%"), ("share", "75 %"), ("fraction", "25%"),
                                       ("fraction", "0.25")])
def test_a_percent_sign_is_read_where_the_question_asks_for_a_percentage(numeric_course, cli, qid, typed):
    """75% is 75 where the answer is a percentage, and 0.25 where it is a fraction (25%)."""
    graded = _graded(cli, numeric_course, f"{qid}: '{typed}'\n")
    assert graded[qid]["correct"] is True, graded[qid]


def test_a_rounded_answer_outside_the_tolerance_is_close(numeric_course, cli):
    """1.386 for 1.386294 (to 4 decimals) is wrong, but said to be close: give 4 decimals."""
    graded = _graded(cli, numeric_course, "ln-quarter: 1.386\n")
    item = graded["ln-quarter"]
    assert item["correct"] is False
    assert item.get("close") == "close: give 4 decimals"
    far = _graded(cli, numeric_course, "ln-quarter: 1.5\n")["ln-quarter"]
    assert far["correct"] is False and not far.get("close")


def test_a_close_answer_gets_one_more_try_at_the_terminal(numeric_course):
    """Interactively, a close answer is told `close: give 4 decimals` and asked once more."""
    from learnpath.quiz.file import load_quiz
    from learnpath.ui.asking import ask_questions
    from learnpath.catalog import load_catalog

    quiz = load_quiz(load_catalog(numeric_course).resolve("1.1").quiz)
    typed = iter(["1.386", "1.3863"])
    answers = ask_questions(quiz.questions[:1], lambda prompt: next(typed))
    assert answers == [1.3863]
    typed = iter(["1.386", "1.386"])  # the second try is graded as it is
    answers = ask_questions(quiz.questions[:1], lambda prompt: next(typed))
    assert answers == [1.386]


def test_no_number_a_person_writes_is_refused_as_malformed(numeric_course, cli):
    """Every ordinary way of writing 16640 is at worst wrong, never a usage error."""
    for typed in ["16,640", "+16640", "16640.", "1.664e4", "16 640", "16640 "]:
        result = cli(numeric_course, "quiz", "1.1", "--answers", "-", "--json", "--dry-run",
                     "--only-given", input=f"big: '{typed}'\n")
        assert result.exit_code in (0, 1), (typed, result.stderr)


def test_check_strict_wants_every_numeric_prompt_to_state_its_precision(course, cli):
    """A numeric prompt with neither a stated precision nor rel_tolerance is flagged by --strict."""
    result = cli(course, "check", "--strict", "--json")
    problems = [p["message"] for p in __import__("json").loads(result.stdout)["problems"]]
    assert any("slope" in m and "precision" in m for m in problems), problems
    for quiz in course.glob("curriculum/*/*/quiz.yaml"):
        quiz.write_text(quiz.read_text().replace('"What is d(x*x)/dx at x = 3?"',
                                                 '"What is d(x*x)/dx at x = 3? (exact)"'))
    result = cli(course, "check", "--strict", "--json")
    problems = [p["message"] for p in __import__("json").loads(result.stdout)["problems"]]
    assert not any("slope" in m and "precision" in m for m in problems), problems


def test_check_strict_flags_a_tolerance_that_refuses_the_stated_rounding(course, cli):
    """"(to 3 decimal places)" with tolerance 1e-4 would mark the key rounded to 3 places wrong."""
    for quiz in course.glob("curriculum/*/*/quiz.yaml"):
        quiz.write_text(quiz.read_text().replace('"What is d(x*x)/dx at x = 3?"',
                                                 '"What is d(x*x)/dx at x = 3.125? (to 1 decimal place)"')
                        .replace("answer: 6\n", "answer: 6.25\n"))
    problems = [p["message"] for p in __import__("json").loads(
        cli(course, "check", "--strict", "--json").stdout)["problems"]]
    assert any("asks for 1 decimal places, but its tolerance 0.001 refuses" in m for m in problems)
