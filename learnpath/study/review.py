"""Review: re-ask the questions missed before, the most overdue first, and move their Leitner boxes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from learnpath.quiz import schedule
from learnpath.quiz.file import load_quiz
from learnpath.quiz.model import choices_shuffled
from learnpath.record import attempts
from learnpath.study.journal import ready_to_record, write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section
    from learnpath.quiz.model import Quiz, QuizResult
    from learnpath.quiz.schedule import Card, DueQuestion


@dataclass(frozen=True)
class ReviewPlan:
    """What review asks today: (section id, question id) pairs, most overdue first."""

    asked: tuple[tuple[str, str], ...]
    quizzes: Mapping[str, Quiz]  # section id -> quiz, for every section asked
    sections: Mapping[str, Section]


def plan_review(catalog: Catalog, today: date, limit: int,
                warn: Callable[[str], None] | None = None, *,
                shuffle_seed: int | None = None) -> ReviewPlan:
    """The missed questions due by `today` that still exist in the course, at most `limit`.

    `warn` is told about lines of the attempt log that had to be skipped. With
    `shuffle_seed` (an interactive review) each question's choices are
    shuffled; an answers file always uses quiz.yaml's keys, so it gets none.
    """
    sections = {section.id: section for section in catalog.sections}
    due = [q for q in schedule.due_questions(catalog.root, today, warn=warn) if q.section_id in sections]
    quizzes = {sid: load_quiz(sections[sid].quiz) for sid in dict.fromkeys(q.section_id for q in due)}
    due = [q for q in due if q.question_id in quizzes[q.section_id].ids][:limit]
    asked = tuple((q.section_id, q.question_id) for q in due)
    used = {sid: quizzes[sid] for sid, _ in asked}
    if shuffle_seed is not None:
        used = {sid: choices_shuffled(quiz, shuffle_seed) for sid, quiz in used.items()}
    return ReviewPlan(asked, used, {sid: sections[sid] for sid in used})


@dataclass(frozen=True)
class ReviewOutlook:
    """Review as seen from today: what it would ask now, and when each other missed question returns."""

    plan: ReviewPlan
    due: tuple[DueQuestion, ...]  # one for each question in plan.asked, in the same order
    later: tuple[Card, ...]  # each missed question not due yet, soonest first


def review_outlook(catalog: Catalog, today: date, limit: int,
                   warn: Callable[[str], None] | None = None) -> ReviewOutlook:
    """Today's review and the days the rest come back; reads the log, writes nothing.

    `warn` is told about lines of the attempt log that had to be skipped (once).
    """
    plan = plan_review(catalog, today, limit, warn=warn)
    logged = attempts.read_attempts(catalog.root)  # skipped lines were reported just above
    by_key = {(q.section_id, q.question_id): q for q in schedule.due_from_attempts(logged, today)}
    sections = {section.id for section in catalog.sections}
    later = tuple(card for card in schedule.coming_back(logged, today) if card.section_id in sections)
    return ReviewOutlook(plan, tuple(by_key[key] for key in plan.asked), later)


def take_review(
    catalog: Catalog,
    plan: ReviewPlan,
    *,
    answers_file: str | None = None,
    ask: Callable[[Sequence[tuple[str, str]]], Mapping[tuple[str, str], Any]] | None = None,
) -> dict[str, QuizResult]:
    """Grade the review (answers file or `ask`), log it so the Leitner boxes move; section id -> result."""
    ready_to_record(catalog)
    if answers_file is not None:
        given = schedule.parse_review_answers(answers_file, plan.quizzes, plan.asked)
    else:
        assert ask is not None, "take_review needs an answers file or a way to ask"
        given = dict(ask(plan.asked))
    results = schedule.grade_review(plan.quizzes, plan.asked, given)
    for sid, result in results.items():
        write(f"the attempt log ({sid} review)",
              lambda sid=sid, result=result: attempts.append_attempt(
                  catalog.root, sid, result, kind=attempts.AttemptKind.REVIEW,
                  seed=plan.quizzes[sid].seed))
    return results
