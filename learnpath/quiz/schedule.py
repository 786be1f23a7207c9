"""Spaced review: which missed questions to ask again today, by Leitner boxes.

The Leitner system is a row of five boxes of flash cards. A card answered
wrong goes back to box 1, which is reviewed every day; a card answered right
moves up one box, and each box waits twice as long as the one before:

    box        1   2   3   4   5
    due after  1   2   4   8  16  days since the card was last answered

So a question you keep getting right fades out of the way, and one you keep
missing keeps coming back. Here a card is a quiz question, and its history is
the attempt log (record/attempts.py): every quiz and review answer moves it. Only
questions the learner has missed at least once are reviewed; the rest were
learnt the first time.

Everything here is a pure function of the log and of `today`, which is passed
in, so the schedule can be tested for any date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from learnpath.record.attempts import Attempt, read_attempts
from learnpath.errors import AnswersError
from learnpath.quiz.answers import answer_from_yaml, grade_question, read_answer_mapping, result_of
from learnpath.quiz.model import Answer, Quiz, QuizResult
from learnpath.quiz.values import number_text

BOX_INTERVALS_DAYS = (1, 2, 4, 8, 16)
TOP_BOX = len(BOX_INTERVALS_DAYS)

QuestionKey = tuple[str, str]  # (section id, question id)


@dataclass(frozen=True)
class Card:
    """Where one question stands in the Leitner boxes."""

    section_id: str
    question_id: str
    box: int  # 1..5
    last_answered: date
    ever_missed: bool

    @property
    def due(self) -> date:
        """The day the question should be asked again."""
        return self.last_answered + timedelta(days=BOX_INTERVALS_DAYS[self.box - 1])


@dataclass(frozen=True)
class DueQuestion:
    """A question to ask again today."""

    section_id: str
    question_id: str
    box: int
    due: date
    overdue_days: int  # 0 when due today


def section_order(section_id: str) -> tuple:
    """Sort key putting "1.2" before "1.10" (numbers compared as numbers)."""
    parts = section_id.split(".")
    if all(part.isdigit() for part in parts):
        return (0, tuple(int(part) for part in parts))
    return (1, section_id)


def cards(attempts: Iterable[Attempt]) -> dict[QuestionKey, Card]:
    """Replay the log, oldest first, moving each answered question between boxes."""
    boxes: dict[QuestionKey, Card] = {}
    for attempt in attempts:
        answered_on = attempt.when.date()
        for result in attempt.results:
            key = (attempt.section, result.id)
            before = boxes.get(key)
            box = before.box if before is not None else 1
            # right: up one box (at most the top); wrong: back to the first box
            box = min(box + 1, TOP_BOX) if result.correct else 1
            missed = (before is not None and before.ever_missed) or not result.correct
            boxes[key] = Card(attempt.section, result.id, box, answered_on, missed)
    return boxes


def due_from_attempts(attempts: Iterable[Attempt], today: date) -> list[DueQuestion]:
    """Questions ever missed that are due by `today`: most overdue first, then lower box,
    then section order, then question id."""
    due = [
        DueQuestion(card.section_id, card.question_id, card.box, card.due,
                    (today - card.due).days)
        for card in cards(attempts).values()
        if card.ever_missed and card.due <= today
    ]
    due.sort(key=lambda q: (-q.overdue_days, q.box, section_order(q.section_id), q.question_id))
    return due


def coming_back(attempts: Iterable[Attempt], today: date) -> list[Card]:
    """Questions ever missed that are not due yet, soonest first: what review will ask later."""
    later = [card for card in cards(attempts).values() if card.ever_missed and card.due > today]
    later.sort(key=lambda card: (card.due, section_order(card.section_id), card.question_id))
    return later


def due_questions(
    root: Path | str,
    today: date,
    *,
    existing: Mapping[str, Iterable[str]] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[DueQuestion]:
    """The missed questions due for review at `today`, from the course's attempt log.

    `existing` (section id -> question ids) drops questions an author has since
    removed or renamed, so the learner is never asked something that no longer exists.
    """
    due = due_from_attempts(read_attempts(root, warn), today)
    if existing is not None:
        known = {(section, qid) for section, ids in existing.items() for qid in ids}
        due = [q for q in due if (q.section_id, q.question_id) in known]
    return due


def parse_review_answers(
    source: Path | str,
    quizzes_by_section: Mapping[str, Quiz],
    asked: Iterable[QuestionKey] | None = None,
) -> dict[QuestionKey, Answer | None]:
    """Read a review answers file keyed `"<section id>/<question id>"` (e.g. `1.1/value-memory: b`).

    Errors name the file and line: a key without a slash, an unknown section or
    question, a question not among those `asked` (it would be silently left
    out of the grading), an answer of the wrong shape.
    """
    asked = None if asked is None else list(asked)
    data, name = read_answer_mapping(source)
    answers: dict[QuestionKey, Answer | None] = {}
    for key in data:
        line = data.line_of(key)
        section_id, slash, question_id = (key if isinstance(key, str) else number_text(key) if isinstance(key, int) else str(key)).partition("/")
        if not isinstance(key, str) or not slash:
            raise AnswersError(f"{key!r} doesn't say which section it answers", path=name,
                               line=line, fix="write keys as <section id>/<question id>, "
                                              "e.g. 1.1/value-memory: b")
        quiz = quizzes_by_section.get(section_id)
        if quiz is None:
            raise AnswersError(f"there is no section {section_id!r} to review", path=name,
                               line=line,
                               fix=f"use one of: {', '.join(sorted(quizzes_by_section, key=section_order))}")
        if question_id not in quiz.ids:
            raise AnswersError(f"section {section_id} has no question {question_id!r}",
                               path=name, line=line, fix=f"use one of: {', '.join(quiz.ids)}")
        if asked is not None and (section_id, question_id) not in asked:
            raise AnswersError(f"{key} is not one of the questions this review asks", path=name,
                               line=line, fix="answer only these: "
                               + ", ".join(f"{sid}/{qid}" for sid, qid in asked))
        answers[(section_id, question_id)] = answer_from_yaml(
            quiz.question(question_id), data, key, name)
    return answers


def grade_review(
    quizzes_by_section: Mapping[str, Quiz],
    asked: Iterable[QuestionKey],
    answers: Mapping[QuestionKey, Any],
) -> dict[str, QuizResult]:
    """Grade the asked questions, one QuizResult per section, in section order.

    A question asked but not answered counts as wrong, as in a quiz.
    """
    by_section: dict[str, list] = {}
    for section_id, question_id in asked:
        question = quizzes_by_section[section_id].question(question_id)
        graded = grade_question(question, answers.get((section_id, question_id)))
        by_section.setdefault(section_id, []).append(graded)
    return {
        section_id: result_of(tuple(results), quizzes_by_section[section_id].pass_mark)
        for section_id, results in sorted(by_section.items(), key=lambda kv: section_order(kv[0]))
    }

