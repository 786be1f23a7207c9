"""Taking a quiz: open it, grade the answers (typed or from a file), log the attempt, tick a pass.

If a write fails at the end, the graded answers are not dropped: they are
saved to an answers file the error names, with the command that records them
once the problem is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnpath.errors import LearnpathError
from learnpath.quiz import answers as quiz_answers
from learnpath.quiz.file import load_quiz
from learnpath.quiz.model import shuffled
from learnpath.record import attempts, progress
from learnpath.study.journal import RecordingFailed, ready_to_record, write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section
    from learnpath.quiz.model import Quiz, QuizResult


@dataclass(frozen=True)
class QuizTaken:
    """A graded attempt and what was written about it."""

    quiz: Quiz  # as asked (shuffled when it was)
    result: QuizResult
    logged: bool  # a line was added to the attempt log
    ticked: bool  # the quiz box was ticked (the attempt passed)


def open_quiz(section: Section, *, shuffle_seed: int | None = None) -> Quiz:
    """The section's quiz as it will be asked: read from quiz.yaml, shuffled when a seed is given."""
    quiz = load_quiz(section.quiz)
    return quiz if shuffle_seed is None else shuffled(quiz, shuffle_seed)


def take_quiz(
    catalog: Catalog,
    section: Section,
    quiz: Quiz,
    *,
    answers_file: str | None = None,
    ask: Callable[[Quiz], Mapping[str, Any]] | None = None,
    shuffle_seed: int | None = None,
    only_given: bool = False,
    dry_run: bool = False,
) -> QuizTaken:
    """Grade an answers file, or the answers `ask(quiz)` collects at the terminal, and record it.

    The record is checked first, so a problem shows before the first question.
    `ask` may raise to stop early (nothing is then graded or written).

    With `only_given` (an answers file only), just the questions the file
    answers are graded and logged, as a "partial" attempt: review picks up
    exactly those, and the quiz box is never ticked, since the rest of the
    quiz was never answered. This is how a tutor grades one answer given in
    conversation.

    With `dry_run` the answers are graded and nothing is written: a tutor can
    try how an answer reads without logging it twice or moving it in review.
    """
    if not dry_run:
        ready_to_record(catalog)
    if answers_file is not None:
        given = quiz_answers.load_answers(answers_file, quiz)
    else:
        assert ask is not None, "take_quiz needs an answers file or a way to ask"
        given = dict(ask(quiz))
    if only_given:  # a question left blank in a template is not graded: drop it with its blank
        quiz = answered_part(quiz, given)
        given = {qid: answer for qid, answer in given.items() if qid in quiz.ids}
    result = quiz_answers.grade_quiz(quiz, given)
    if dry_run:
        return QuizTaken(quiz, result, logged=False, ticked=False)
    in_file_keys = {qid: quiz.question(qid).in_file_keys(answer) for qid, answer in given.items()}
    logged, ticked = record_quiz(catalog, section, result, given=in_file_keys,
                                 shuffle_seed=shuffle_seed, partial=only_given)
    return QuizTaken(quiz, result, logged, ticked)


def answered_part(quiz: Quiz, given: Mapping[str, Any]) -> Quiz:
    """The quiz cut down to the questions `given` answers (a blank answer counts as none)."""
    answered = [q for q in quiz.questions if given.get(q.id) is not None]
    if not answered:
        example = quiz.questions[0].id if quiz.questions else "QUESTION_ID"
        raise LearnpathError("--only-given found no answered question in the answers file",
                             fix=f"Answer at least one question, e.g. `{example}: ...`")
    return replace(quiz, questions=tuple(answered))


def record_quiz(
    catalog: Catalog,
    section: Section,
    result: QuizResult,
    *,
    given: Mapping[str, Any] | None = None,
    shuffle_seed: int | None = None,
    partial: bool = False,
) -> tuple[bool, bool]:
    """Log a graded attempt; a pass of the whole quiz also ticks its box with the score and date.

    Returns (logged, ticked). If a write fails, the answers are saved to a
    file and RecordingFailed says where and how to record them later.
    """
    kind = attempts.AttemptKind.PARTIAL if partial else attempts.AttemptKind.QUIZ
    logged = ticked = False
    try:
        write("the attempt log", lambda: attempts.append_attempt(
            catalog.root, section.id, result, kind=kind, seed=shuffle_seed))
        logged = True
        if result.passed and not partial:
            mark = progress.QuizMark(score=result.score, total=result.total,
                                     date=date.today().isoformat())
            write(f"the quiz box of {section.id}",
                  lambda: progress.record_quiz(catalog.progress_path, catalog.sections, section.id, mark))
            ticked = True
    except LearnpathError as problem:
        raise _kept_for_later(catalog, section, result, given, problem,
                              logged=logged, partial=partial) from None
    return logged, ticked


def _kept_for_later(catalog: Catalog, section: Section, result: QuizResult,
                    given: Mapping[str, Any] | None, problem: LearnpathError, *,
                    logged: bool, partial: bool = False) -> RecordingFailed:
    """Save the answers of an attempt that could not be written down, and say how to record it.

    The answers are saved in quiz.yaml's keys, as every answers file is, so
    they grade the same whatever order the quiz was asked in.
    """
    score = f"{result.score:g}/{result.total:g}" + (" (passed)" if result.passed else "")
    saved = _save_answers(catalog, section, given) if given is not None else None
    if logged:
        what = f"your {score} is in the attempt log, but its quiz box was not ticked"
    else:
        what = f"your {score} was graded but not recorded"
    again = f"learnpath quiz {section.id}"
    if saved is not None:
        only = " --only-given" if partial else ""
        keep = (f"Your answers are saved in {saved}: once that is fixed, "
                f"`{again} --answers {saved}{only}` records them")
    else:
        keep = "Once that is fixed, take the quiz again to record it"
    return RecordingFailed(f"{what}: {problem}", fix=keep)


def _save_answers(catalog: Catalog, section: Section, given: Mapping[str, Any]) -> Path | None:
    """Write the answers as an answers file, in the first of a few folders that takes it."""
    import tempfile

    import yaml

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"learnpath-answers-{section.id}-{stamp}.yaml"
    plain = {key: list(value) if isinstance(value, tuple) else
             float(value) if isinstance(value, float) else value  # a Written number is a plain one
             for key, value in given.items() if value is not None}
    text = (f"# answers to quiz {section.id}, saved because they could not be recorded\n"
            + yaml.safe_dump(plain, allow_unicode=True, sort_keys=False))
    for folder in (catalog.root, Path.home(), Path(tempfile.gettempdir())):
        target = folder / name
        try:
            with open(target, "x", encoding="utf-8") as out:
                out.write(text)
            return target
        except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
            continue
    return None
