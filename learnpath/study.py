"""The use cases: take a quiz, record a result, plan a review, run an experiment, start over.

The command line (cli.py) parses options and prints; the modules under this
one each know one file or one idea (quiz.yaml, PROGRESS.md, the attempt log,
the review schedule, the child process). This module is the sentence that
joins them: what happens, in what order, when a learner does something.

It is the only module that writes the learner's record: the attempt log
(attempts.py) and PROGRESS.md (progress.py). Every write goes through
`_write`, which keeps a journal of what this process has written, so a
message after Ctrl-C or after a failure can say exactly what was recorded.

Two promises hold for every use case that earns a tick:

- Before the work starts (the first question, the experiment), everything it
  will write is checked (`ready_to_record`), so nobody sits through a quiz or
  an experiment only to learn that PROGRESS.md is read-only.
- If a write still fails at the end (a full disk, a file changed meanwhile),
  the work is not dropped: a graded quiz's answers are saved to a file the
  error names, with the command that records them once the problem is fixed.

Checking an exercise (`learnpath exercise`, docs/exercises.md) is here too,
shaped like `run_experiment`: the checks run through runner.py (via
exercises/grading.py), then the tick goes through `_write(...)`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from learnpath.catalog import Catalog, Section
from learnpath.errors import CatalogError, LearnpathError

# ---- the journal: what this process has written ----------------------------------------

_journal: list[str] = []


def recorded_so_far() -> tuple[str, ...]:
    """What this process has written to the learner's record, in order ("the attempt log", ...)."""
    return tuple(_journal)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Let a write and its journal entry finish together; a Ctrl-C meanwhile is raised after.

    Otherwise Ctrl-C could land between a write and the note that it happened,
    and the tool would say "nothing was recorded" about a line that was.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def _mine_ready(catalog: Catalog, section: Section) -> Path:
    """The learner's exercise.py, once it has passed; otherwise say why `--mine` can't run yet."""
    from learnpath.course import runs_learners_code
    from learnpath.progress import read_progress

    if not runs_learners_code(section):
        raise LearnpathError(
            f"the experiment of {section.id} does not run on your exercise code",
            fix=f"Run it as it is: learnpath run {section.id}")
    state = read_progress(catalog.progress_path, catalog.sections)[section.id]
    if not state.exercise:
        raise NotReady(
            f"--mine runs the experiment on your exercise.py, which has not passed its checks yet",
            fix=f"Make every task pass first: learnpath exercise {section.id}")
    return section.path / "exercise.py"


def _write(what: str, action: Callable[[], Any]) -> Any:
    """Do one write to the learner's record and note it in the journal."""
    with _ctrl_c_held():
        outcome = action()
        _journal.append(what)
    return outcome


class NotReady(LearnpathError):
    """A step asked for before what it builds on is done (e.g. `run --mine` before the exercise passes).

    Nothing was misused, so the exit code is 1, not the 2 of bad usage."""

    exit_code = 1


class RecordingFailed(LearnpathError):
    """The work was done and graded, but writing it down failed; the message says what was kept."""


# ---- before the work starts ------------------------------------------------------------


def ready_to_record(catalog: Catalog, *, attempt_log: bool = True) -> None:
    """Raise now, before any work, if a tick or a log line could not be written later."""
    from learnpath.progress import check_can_record

    check_can_record(catalog.progress_path, catalog.sections)
    if attempt_log:
        from learnpath.attempts import check_can_log

        check_can_log(catalog.root)


# ---- quizzes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizTaken:
    """A graded attempt and what was written about it."""

    quiz: Any  # quiz.Quiz, as asked (shuffled when it was)
    result: Any  # quiz.QuizResult
    logged: bool  # a line was added to the attempt log
    ticked: bool  # the quiz box was ticked (the attempt passed)


def open_quiz(section: Section, *, shuffle_seed: int | None = None):
    """The section's quiz as it will be asked: read from quiz.yaml, shuffled when a seed is given."""
    from learnpath.quiz import shuffled
    from learnpath.quizfile import load_quiz

    quiz = load_quiz(section.quiz)
    return quiz if shuffle_seed is None else shuffled(quiz, shuffle_seed)


def take_quiz(
    catalog: Catalog,
    section: Section,
    quiz,
    *,
    answers_file: str | None = None,
    ask: Callable[[Any], Mapping[str, Any]] | None = None,
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
    from learnpath.answers import grade, load_answers

    if not dry_run:
        ready_to_record(catalog)
    given = load_answers(answers_file, quiz) if answers_file is not None else dict(ask(quiz))
    if only_given:  # a question left blank in a template is not graded: drop it with its blank
        quiz = answered_part(quiz, given)
        given = {qid: answer for qid, answer in given.items() if qid in quiz.ids}
    result = grade(quiz, given)
    if dry_run:
        return QuizTaken(quiz, result, logged=False, ticked=False)
    in_file_keys = {qid: quiz.question(qid).in_file_keys(answer) for qid, answer in given.items()}
    logged, ticked = record_quiz(catalog, section, result, given=in_file_keys,
                                 shuffle_seed=shuffle_seed, partial=only_given)
    return QuizTaken(quiz, result, logged, ticked)


def answered_part(quiz, given: Mapping[str, Any]):
    """The quiz cut down to the questions `given` answers (a blank answer counts as none)."""
    from dataclasses import replace

    answered = [q for q in quiz.questions if given.get(q.id) is not None]
    if not answered:
        example = quiz.questions[0].id if quiz.questions else "QUESTION_ID"
        raise LearnpathError("--only-given found no answered question in the answers file",
                             fix=f"Answer at least one question, e.g. `{example}: ...`")
    return replace(quiz, questions=tuple(answered))


def record_quiz(
    catalog: Catalog,
    section: Section,
    result,
    *,
    given: Mapping[str, Any] | None = None,
    shuffle_seed: int | None = None,
    partial: bool = False,
) -> tuple[bool, bool]:
    """Log a graded attempt; a pass of the whole quiz also ticks its box with the score and date.

    Returns (logged, ticked). If a write fails, the answers are saved to a
    file and RecordingFailed says where and how to record them later.
    """
    from learnpath.attempts import AttemptKind, append_attempt
    from learnpath.progress import QuizMark
    from learnpath.progress import record_quiz as tick_quiz

    kind = AttemptKind.PARTIAL if partial else AttemptKind.QUIZ
    logged = ticked = False
    try:
        _write("the attempt log", lambda: append_attempt(catalog.root, section.id, result, kind=kind,
                                                         seed=shuffle_seed))
        logged = True
        if result.passed and not partial:
            mark = QuizMark(score=result.score, total=result.total, date=date.today().isoformat())
            _write(f"the quiz box of {section.id}",
                   lambda: tick_quiz(catalog.progress_path, catalog.sections, section.id, mark))
            ticked = True
    except LearnpathError as problem:
        raise _kept_for_later(catalog, section, result, given, problem,
                              logged=logged, partial=partial) from None
    return logged, ticked


def _kept_for_later(catalog, section, result, given, problem, *, logged, partial=False) -> RecordingFailed:
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
    import yaml

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"learnpath-answers-{section.id}-{stamp}.yaml"
    plain = {key: list(value) if isinstance(value, tuple) else value
             for key, value in given.items() if value is not None}
    text = (f"# answers to quiz {section.id}, saved because they could not be recorded\n"
            + yaml.safe_dump(plain, allow_unicode=True, sort_keys=False))
    import tempfile

    for folder in (catalog.root, Path.home(), Path(tempfile.gettempdir())):
        target = folder / name
        try:
            with open(target, "x", encoding="utf-8") as out:
                out.write(text)
            return target
        except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
            continue
    return None


def hint(section: Section, question_id: str, level: int):
    """(question or exercise task, hint text) for `learnpath hint`; the text is None when it has none.

    The id is looked up among the quiz's questions first, then among the tasks
    of the section's exercise (exercises.files.TaskInfo, which also has .id,
    .hints and .line).
    """
    from learnpath.errors import AnswersError
    from learnpath.quizfile import load_quiz

    quiz = load_quiz(section.quiz)
    try:
        question = quiz.question(question_id)
        path = section.quiz
    except AnswersError as missing:
        question = _exercise_task(section, question_id, missing)
        path = section.path / "exercise_checks.py"
    hints = question.hints
    what = "question" if path == section.quiz else "exercise task"
    if level > max(len(hints), 1):
        raise LearnpathError(
            f"{what} {question_id} of {section.id} has {len(hints)} hint(s), not {level}",
            path=path, line=question.line, fix=f"Use --level 1 to {len(hints)}")
    return question, hints[level - 1] if hints else None


def _exercise_task(section: Section, task_id: str, missing: LearnpathError):
    """The exercise task `task_id` of the section; `missing` (naming every id) if there is none."""
    if not section.has_exercise:
        raise missing
    from learnpath.exercises.files import read_tasks

    tasks = read_tasks(section.path / "exercise_checks.py")
    for task in tasks:
        if task.id == task_id:
            return task
    raise LearnpathError(missing.message, path=missing.path,
                         fix=f"{missing.fix}; exercise tasks: {', '.join(t.id for t in tasks)}")


# ---- review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPlan:
    """What review asks today: (section id, question id) pairs, most overdue first."""

    asked: tuple[tuple[str, str], ...]
    quizzes: Mapping[str, Any]  # section id -> quiz.Quiz, for every section asked
    sections: Mapping[str, Section]


def plan_review(catalog: Catalog, today: date, limit: int,
                warn: Callable[[str], None] | None = None, *,
                shuffle_seed: int | None = None) -> ReviewPlan:
    """The missed questions due by `today` that still exist in the course, at most `limit`.

    `warn` is told about lines of the attempt log that had to be skipped. With
    `shuffle_seed` (an interactive review) each question's choices are
    shuffled; an answers file always uses quiz.yaml's keys, so it gets none.
    """
    from learnpath.quizfile import load_quiz
    from learnpath.review import due_questions

    sections = {section.id: section for section in catalog.sections}
    due = [q for q in due_questions(catalog.root, today, warn=warn) if q.section_id in sections]
    quizzes = {sid: load_quiz(sections[sid].quiz) for sid in dict.fromkeys(q.section_id for q in due)}
    due = [q for q in due if q.question_id in quizzes[q.section_id].ids][:limit]
    asked = tuple((q.section_id, q.question_id) for q in due)
    used = {sid: quizzes[sid] for sid, _ in asked}
    if shuffle_seed is not None:
        from learnpath.quiz import choices_shuffled

        used = {sid: choices_shuffled(quiz, shuffle_seed) for sid, quiz in used.items()}
    return ReviewPlan(asked, used, {sid: sections[sid] for sid in used})


@dataclass(frozen=True)
class ReviewOutlook:
    """Review as seen from today: what it would ask now, and when each other missed question returns."""

    plan: ReviewPlan
    due: tuple  # review.DueQuestion for each question in plan.asked, in the same order
    later: tuple  # review.Card for each missed question not due yet, soonest first


def review_outlook(catalog: Catalog, today: date, limit: int,
                   warn: Callable[[str], None] | None = None) -> ReviewOutlook:
    """Today's review and the days the rest come back; reads the log, writes nothing.

    `warn` is told about lines of the attempt log that had to be skipped (once).
    """
    from learnpath.attempts import read_attempts
    from learnpath.review import coming_back, due_from_attempts

    plan = plan_review(catalog, today, limit, warn=warn)
    attempts = read_attempts(catalog.root)  # skipped lines were reported just above
    by_key = {(q.section_id, q.question_id): q for q in due_from_attempts(attempts, today)}
    sections = {section.id for section in catalog.sections}
    later = tuple(card for card in coming_back(attempts, today) if card.section_id in sections)
    return ReviewOutlook(plan, tuple(by_key[key] for key in plan.asked), later)


def take_review(
    catalog: Catalog,
    plan: ReviewPlan,
    *,
    answers_file: str | None = None,
    ask: Callable[[Sequence[tuple[str, str]]], Mapping[tuple[str, str], Any]] | None = None,
) -> dict:
    """Grade the review (answers file or `ask`), log it so the Leitner boxes move; section id -> result."""
    from learnpath.attempts import AttemptKind, append_attempt
    from learnpath.review import grade_review, parse_review_answers

    ready_to_record(catalog)
    if answers_file is not None:
        given = parse_review_answers(answers_file, plan.quizzes, plan.asked)
    else:
        given = dict(ask(plan.asked))
    results = grade_review(plan.quizzes, plan.asked, given)
    for sid, result in results.items():
        _write(f"the attempt log ({sid} review)",
               lambda sid=sid, result=result: append_attempt(
                   catalog.root, sid, result, kind=AttemptKind.REVIEW, seed=plan.quizzes[sid].seed))
    return results


# ---- experiments ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentRun:
    result: Any  # runner.RunResult
    ticked: bool


def run_experiment(catalog: Catalog, section: Section, *, timeout: float,
                   starting: Callable[[], None] = lambda: None, args: Sequence[str] = (),
                   mine: bool = False, pause: bool = False) -> ExperimentRun:
    """Run the section's experiment.py; success ticks its box. `starting()` is called just before.

    `args` go to experiment.py's command line; `mine` runs it on the learner's exercise.py
    (only once that exercise has passed); `pause` lets it wait for Enter between its steps.
    """
    from learnpath.progress import tick_experiment
    from learnpath.runner import RunOutcome
    from learnpath.runner import run_experiment as run_child

    try:
        present = section.experiment.is_file()
    except OSError as error:  # e.g. a section folder that can't be entered
        raise CatalogError(f"can't read {section.experiment} ({error.strerror})",
                           fix="Check the permissions of the section folder (chmod u+rx)") from None
    if not present:
        raise CatalogError(f"{section.experiment} is missing",
                           fix="Run `learnpath check` to see what the section lacks")
    env = {"LEARNPATH_PAUSE": "1" if pause else "0"}
    if mine:
        env["LEARNPATH_MINE"] = str(_mine_ready(catalog, section))
    ready_to_record(catalog, attempt_log=False)
    starting()
    result = run_child(section.experiment, curriculum=catalog.curriculum, timeout=timeout,
                       args=args, env=env, keyboard=pause)
    if result.outcome is not RunOutcome.SUCCEEDED:
        return ExperimentRun(result, ticked=False)
    try:
        _write(f"the experiment box of {section.id}",
               lambda: tick_experiment(catalog.progress_path, catalog.sections, section.id))
    except LearnpathError as problem:
        raise RecordingFailed(
            f"experiment {section.id} succeeded in {result.seconds:.1f} s, but its box could not "
            f"be ticked: {problem}", fix=f"Once that is fixed, `learnpath run {section.id}` ticks it"
        ) from None
    return ExperimentRun(result, ticked=True)


# ---- exercises --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseChecked:
    report: Any  # exercises.grading.ExerciseReport
    ticked: bool  # this check ticked the exercise box (every task passed)


def check_exercise(catalog: Catalog, section: Section, *, timeout: float) -> ExerciseChecked:
    """Grade the learner's exercise.py in a child process; every task passing ticks its box."""
    from learnpath.exercises.files import exercise_files
    from learnpath.exercises.grading import grade
    from learnpath.progress import tick_exercise

    ready_to_record(catalog, attempt_log=False)
    report = grade(exercise_files(catalog, section), timeout=timeout, curriculum=catalog.curriculum)
    if not report.passed:
        return ExerciseChecked(report, ticked=False)
    try:
        _write(f"the exercise box of {section.id}",
               lambda: tick_exercise(catalog.progress_path, catalog.sections, section.id))
    except LearnpathError as problem:
        raise RecordingFailed(
            f"every task of exercise {section.id} passes, but its box could not be ticked: {problem}",
            fix=f"Once that is fixed, `learnpath exercise {section.id}` ticks it") from None
    return ExerciseChecked(report, ticked=True)


# ---- starting over ----------------------------------------------------------------------


def reset_sections(catalog: Catalog, sections: Sequence[Section]) -> None:
    """Untick the sections in PROGRESS.md; the attempt log keeps their history."""
    from learnpath.progress import reset

    ids = [section.id for section in sections]
    _write("PROGRESS.md", lambda: reset(catalog.progress_path, catalog.sections, ids))

