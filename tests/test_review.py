"""Spaced review: Leitner boxes move as answers come in, and due questions come out in order."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from learnpath.record.attempts import AttemptKind, append_attempt, read_attempts
from learnpath.errors import AnswersError
from learnpath.quiz.file import load_quiz
from learnpath.quiz.model import QuestionResult, QuizResult
from learnpath.quiz.schedule import (
    BOX_INTERVALS_DAYS,
    DueQuestion,
    cards,
    due_from_attempts,
    due_questions,
    grade_review,
    parse_review_answers,
    section_order,
)

DAY0 = date(2026, 3, 1)


def at(day: int) -> datetime:
    """Noon, `day` days after DAY0."""
    return datetime.combine(DAY0 + timedelta(days=day), datetime.min.time()).replace(hour=12)


def log(root, section: str, day: int, *marks: tuple[str, bool], kind: str = "quiz") -> None:
    """Append an attempt in which each (question id, correct) was answered on `day`."""
    results = tuple(QuestionResult(qid, ok, float(ok), 1.0, "x", "x", "e") for qid, ok in marks)
    score = sum(r.points for r in results)
    append_attempt(root, section, QuizResult(score, float(len(results)), 0.8, False, results),
                   kind=kind, when=at(day))


def box_of(root, section: str, question: str) -> int:
    return cards(read_attempts(root))[(section, question)].box


def test_wrong_answer_puts_a_question_in_box_1_and_right_answers_climb(tmp_path):
    """Wrong -> box 1; each right answer -> one box up, stopping at box 5; wrong again -> box 1."""
    log(tmp_path, "1.1", 0, ("q", False))
    assert box_of(tmp_path, "1.1", "q") == 1
    for day, expected in zip(range(1, 7), [2, 3, 4, 5, 5, 5]):
        log(tmp_path, "1.1", day, ("q", True), kind="review")
        assert box_of(tmp_path, "1.1", "q") == expected
    log(tmp_path, "1.1", 7, ("q", False), kind="review")
    assert box_of(tmp_path, "1.1", "q") == 1


@pytest.mark.parametrize("box", [1, 2, 3, 4, 5])
def test_box_k_is_due_after_its_interval(tmp_path, box):
    """A question in box k comes back [1, 2, 4, 8, 16][k-1] days after it was last answered."""
    log(tmp_path, "1.1", 0, ("q", False))
    for day in range(1, box):
        log(tmp_path, "1.1", day, ("q", True), kind="review")
    last = box - 1
    interval = BOX_INTERVALS_DAYS[box - 1]
    due_day = DAY0 + timedelta(days=last + interval)
    assert due_questions(tmp_path, due_day - timedelta(days=1)) == []
    assert due_questions(tmp_path, due_day) == [DueQuestion("1.1", "q", box, due_day, 0)]
    later = due_questions(tmp_path, due_day + timedelta(days=3))
    assert later[0].overdue_days == 3


def test_questions_never_missed_are_not_reviewed(tmp_path):
    """A question answered right every time never appears, however long ago it was answered."""
    log(tmp_path, "1.1", 0, ("right", True), ("wrong", False))
    due = due_questions(tmp_path, DAY0 + timedelta(days=100))
    assert [q.question_id for q in due] == ["wrong"]


def test_a_missed_question_stays_in_the_schedule_after_it_is_learnt(tmp_path):
    """Once missed, a question keeps coming back on its box's schedule even after right answers."""
    log(tmp_path, "1.1", 0, ("q", False))
    log(tmp_path, "1.1", 1, ("q", True), kind="review")  # box 2, due day 3
    assert [q.box for q in due_questions(tmp_path, DAY0 + timedelta(days=3))] == [2]


def test_quiz_attempts_move_boxes_too(tmp_path):
    """Retaking the quiz counts: a right answer there moves the question up like a review does."""
    log(tmp_path, "1.1", 0, ("q", False))
    log(tmp_path, "1.1", 0, ("q", True))
    assert box_of(tmp_path, "1.1", "q") == 2
    assert due_questions(tmp_path, DAY0 + timedelta(days=1)) == []


def test_due_order_most_overdue_then_box_then_section_then_id(tmp_path):
    """Most overdue first; ties broken by lower box, then section order (1.2 before 1.10), then id."""
    log(tmp_path, "1.10", 0, ("zeta", False), ("alpha", False))   # box 1, due day 1
    log(tmp_path, "1.2", 0, ("mid", False))                       # box 1, due day 1
    log(tmp_path, "2.1", 0, ("old", False))
    log(tmp_path, "2.1", 1, ("old", True), kind="review")          # box 2, due day 3
    log(tmp_path, "1.1", -5, ("ancient", False))                  # box 1, due day -4
    due = due_questions(tmp_path, DAY0 + timedelta(days=3))
    assert [(q.section_id, q.question_id, q.box, q.overdue_days) for q in due] == [
        ("1.1", "ancient", 1, 7),
        ("1.2", "mid", 1, 2),
        ("1.10", "alpha", 1, 2),
        ("1.10", "zeta", 1, 2),
        ("2.1", "old", 2, 0),
    ]


def test_lower_box_comes_first_among_equally_overdue(tmp_path):
    """Two questions overdue by the same days: the one in the lower box is asked first."""
    log(tmp_path, "1.1", 0, ("b", False))
    log(tmp_path, "1.1", 1, ("b", True), kind="review")   # box 2, due day 3
    log(tmp_path, "1.2", 2, ("a", False))                 # box 1, due day 3
    due = due_questions(tmp_path, DAY0 + timedelta(days=3))
    assert [(q.section_id, q.box) for q in due] == [("1.2", 1), ("1.1", 2)]


def test_existing_filter_drops_questions_removed_from_the_quiz(tmp_path):
    """Questions no longer in any quiz are not asked again."""
    log(tmp_path, "1.1", 0, ("kept", False), ("gone", False))
    due = due_questions(tmp_path, DAY0 + timedelta(days=1), existing={"1.1": ["kept"]})
    assert [q.question_id for q in due] == ["kept"]


def test_due_from_attempts_is_pure(tmp_path):
    """The schedule depends only on the attempts and the date given: same input, same output."""
    log(tmp_path, "1.1", 0, ("q", False))
    attempts = read_attempts(tmp_path)
    assert due_from_attempts(attempts, DAY0) == []
    assert due_from_attempts(attempts, DAY0 + timedelta(days=1)) == due_from_attempts(
        attempts, DAY0 + timedelta(days=1))


def test_section_order_compares_numbers():
    """Section ids sort by their numbers, so 1.2 comes before 1.10 and 2.1 after both."""
    assert sorted(["2.1", "1.10", "1.2"], key=section_order) == ["1.2", "1.10", "2.1"]


# ---- answering a review ------------------------------------------------------------------

QUIZ = """\
questions:
  - {id: leaf-grad, type: single, prompt: p, choices: {a: x, b: y}, answer: b, explanation: e}
  - {id: slope, type: numeric, prompt: p, answer: 6, explanation: e}
  - {id: other, type: text, prompt: p, answer: [ok], explanation: e}
"""


@pytest.fixture
def quizzes(tmp_path):
    made = {}
    for section in ("1.1", "1.2"):
        path = tmp_path / f"quiz-{section}.yaml"
        path.write_text(QUIZ, encoding="utf-8")
        made[section] = load_quiz(path)
    return made


def test_parse_review_answers_keys_by_section_and_question(tmp_path, quizzes):
    """`1.1/leaf-grad: b` style keys map to (section, question) with answers read as in a quiz."""
    path = tmp_path / "review.yaml"
    path.write_text("1.1/leaf-grad: B\n1.2/slope: 1e-3\n")
    assert parse_review_answers(path, quizzes) == {("1.1", "leaf-grad"): "b", ("1.2", "slope"): 0.001}


@pytest.mark.parametrize("text, line, words", [
    ("1.1/leaf-grad: b\nleaf-grad: b\n", 2, "which section"),
    ("9.9/leaf-grad: b\n", 1, "no section '9.9'"),
    ("1.1/leaf-grad: b\n1.1/nope: b\n", 2, "no question 'nope'"),
    ("1.1/slope: six\n", 1, "not a number"),
    ("1.1/leaf-grad: [b\n", 2, "not valid YAML"),
])
def test_bad_review_answers_name_file_and_line(tmp_path, quizzes, text, line, words):
    """Review answers that don't fit raise AnswersError with file:line and the fix."""
    path = tmp_path / "review.yaml"
    path.write_text(text)
    with pytest.raises(AnswersError) as caught:
        parse_review_answers(path, quizzes)
    assert str(caught.value).startswith(f"{path}:{line}: ") and words in str(caught.value)
    assert caught.value.fix


def test_review_is_graded_per_section_and_recorded_so_boxes_move(tmp_path, quizzes):
    """A review grades only the asked questions, logs one "review" attempt per section, and moves boxes."""
    root = tmp_path / "course"
    log(root, "1.1", 0, ("leaf-grad", False), ("slope", False), ("other", True))
    log(root, "1.2", 0, ("slope", False))
    due = due_questions(root, DAY0 + timedelta(days=1))
    asked = [(q.section_id, q.question_id) for q in due]
    assert asked == [("1.1", "leaf-grad"), ("1.1", "slope"), ("1.2", "slope")]
    results = grade_review(quizzes, asked, {("1.1", "leaf-grad"): "b", ("1.2", "slope"): 6.0})
    assert list(results) == ["1.1", "1.2"]
    assert [(r.id, r.correct) for r in results["1.1"].results] == [("leaf-grad", True), ("slope", False)]
    assert results["1.1"].score == 1.0 and results["1.1"].total == 2.0
    for section_id, result in results.items():  # what study.take_review writes
        append_attempt(root, section_id, result, kind=AttemptKind.REVIEW, when=at(1))
    attempts = read_attempts(root)
    assert [(a.section, a.kind) for a in attempts[-2:]] == [("1.1", AttemptKind.REVIEW),
                                                          ("1.2", AttemptKind.REVIEW)]
    boxes = cards(attempts)
    assert boxes[("1.1", "leaf-grad")].box == 2 and boxes[("1.1", "slope")].box == 1
    assert boxes[("1.2", "slope")].box == 2
    # the next day only the question still wrong is due
    assert [(q.section_id, q.question_id) for q in due_questions(root, DAY0 + timedelta(days=2))] == [
        ("1.1", "slope")]
