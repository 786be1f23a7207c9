"""Every JSON document the tool prints: one function per `--json` shape the README promises.

The README's "JSON output" lists the keys of each shape; a tutor agent builds
on them, so they only ever grow (tests/test_records.py holds each function to
that list). Everything here turns the tool's records into plain dicts, lists,
strings, booleans and finite numbers: a float that is not finite becomes
null, because JSON has no Infinity or NaN and a strict reader rejects them.
Nothing here prints or reads files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from learnpath.catalog import Catalog, Section

if TYPE_CHECKING:
    from learnpath.course.status import NextSection, SectionStatus
    from learnpath.errors import LearnpathError
    from learnpath.exercises.files import TaskInfo
    from learnpath.exercises.grading import ExerciseReport, Where
    from learnpath.exercises.starter import Solution
    from learnpath.quiz.model import Question, Quiz, QuizResult
    from learnpath.study.review import ReviewOutlook


def finite(value: Any) -> Any:
    """The value, with tuples as lists and every non-finite float as None (JSON has no inf/nan)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (tuple, list)):
        return [finite(item) for item in value]
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    return value


# ---- where the learner stands (list, next) ---------------------------------------


def section_status(status: SectionStatus, catalog: Catalog) -> dict:
    """`list --json`: one section with its boxes (`status` is a course.SectionStatus)."""
    section, state = status.section, status.state
    quiz = None
    if state.quiz is not None:
        quiz = {
            "score": state.quiz.score,
            "total": state.quiz.total,
            "passed": state.quiz_passed,
            "date": state.quiz.date,
        }
    elif state.quiz_passed:  # ticked by hand: passed, with no score written
        quiz = {"score": None, "total": None, "passed": True, "date": None}
    return finite({
        "id": section.id,
        "slug": section.slug,
        "title": section.title,
        "phase": section.phase,
        "phase_title": section.phase_title,
        "path": section.path.relative_to(catalog.root).as_posix(),
        "experiment": state.experiment,
        "quiz": quiz,
        "done": state.done,
        # true / false for a section with an exercise, null for one without
        "exercise": state.exercise,
        # the best whole-quiz attempt in the attempt log, passed or not; null if none
        "best_attempt": None if status.best is None else {
            "score": status.best.score, "total": status.best.total, "passed": status.best.passed,
            "date": status.best.when.date().isoformat()},
        # how often exercise.py was checked (0 if never), and the best check's tasks passing
        "exercise_runs": 0 if status.exercise_runs is None else status.exercise_runs.runs,
        "best_exercise_run": None if status.exercise_runs is None else {
            "tasks_passing": status.exercise_runs.best_passing, "tasks": status.exercise_runs.tasks,
            "passed": status.exercise_runs.passed,
            "last": status.exercise_runs.last.date().isoformat()},
    })


def section_list(statuses: Iterable[SectionStatus], catalog: Catalog) -> list[dict]:
    """`list --json`: every section, in course order."""
    return [section_status(status, catalog) for status in statuses]


def next_step(found: NextSection | None, catalog: Catalog | None = None) -> dict:
    """`next --json` (`found` is a course.NextSection, or None when all is done).

    With the catalog, `course` says how many sections are done out of all.
    """
    course = {}
    if catalog is not None:
        from learnpath.course.status import course_progress

        progress = course_progress(catalog)
        course = {"course": {"done": progress.done, "total": progress.total}}
    if found is None:
        return {"id": None, **course}
    section = found.section
    return {
        **course,
        "id": section.id,
        "title": section.title,
        "phase": section.phase,
        "phase_title": section.phase_title,
        "summary": found.summary,
        # null when the section has no exercise; else whether its box is ticked
        "exercise": None if found.exercise is None else {
            "passed": found.exercise, "command": f"learnpath exercise {section.id}"},
        "steps": [
            {"step": step.kind.value, "what": step.what, "command": step.command}
            for step in found.steps
        ],
        "done": not found.steps,
        # the experiment can run on the learner's own exercise code: `ready` once it has passed
        "mine": None if not found.mine else {
            "ready": bool(found.exercise), "command": f"learnpath run {section.id} --mine"},
    }


# ---- quizzes ------------------------------------------------------------------------


def quiz_result(result: QuizResult, *, section: str | None, partial: bool = False,
                recorded: bool | None = None) -> dict:
    """`quiz --answers F --json`: a graded attempt (`result` is a quiz.QuizResult).

    `partial` is true for `--only-given`: only the questions answered were graded,
    and the quiz box is never ticked, whatever `passed` says about them.
    """
    record: dict[str, Any] = {} if section is None else {"section": section}
    record.update(
        score=result.score,
        total=result.total,
        pass_mark=result.pass_mark,
        passed=result.passed,
        partial=partial,
        **({} if recorded is None else {"recorded": recorded}),
        results=[
            {
                "id": item.id,
                "correct": item.correct,
                "points": item.points,
                "max_points": item.max_points,
                "your_answer": item.your_answer,
                "answer": item.answer,
                "explanation": item.explanation,
                "whys": list(item.whys),
                # a wrong number that is the key rounded: "close: give 4 decimals", else null
                "close": item.close,
            }
            for item in result.results
        ],
    )
    return finite(record)


def question_asked(question: Question) -> dict:
    """One question as a learner sees it: no answer, explanation, whys or hints.

    Choices are listed in the order to show them (`quiz.model.asking_order`): quiz.yaml's
    keys, but an order question never in its answer order.
    """
    from learnpath.quiz.model import asking_order

    texts = dict(question.choices)
    record: dict[str, Any] = {
        "id": question.id,
        "type": question.type.value,
        "prompt": question.prompt,
        "choices": {key: texts[key] for key in asking_order(question)},
        "points": question.points,
    }
    if question.type.value == "numeric":
        record["tolerance"] = question.tolerance
        record["rel_tolerance"] = question.rel_tolerance
    return record


def quiz_questions(section: Section, quiz: Quiz) -> dict:
    """`quiz ID --json` (no --answers, no --reveal): the questions to ask, without their answers.

    Choices keep quiz.yaml's keys, which is what an answers file uses.
    """
    return finite({
        "section": section.id,
        "pass_mark": quiz.pass_mark,
        "questions": [question_asked(q) for q in quiz.questions],
    })


def quiz_revealed(section: Section, quiz: Quiz) -> dict:
    """`quiz --reveal --json`: every question with its answer, explanation and hints."""
    return finite({
        "section": section.id,
        "pass_mark": quiz.pass_mark,
        "questions": [
            {
                "id": q.id,
                "type": q.type.value,
                "prompt": q.prompt,
                "choices": dict(q.choices),
                "answer": q.answer,
                "points": q.points,
                "explanation": q.explanation,
                "hints": list(q.hints),
                "whys": dict(q.whys),
                "accept": q.accept,
                **({"tolerance": q.tolerance, "rel_tolerance": q.rel_tolerance}
                   if q.type.value == "numeric" else {}),
            }
            for q in quiz.questions
        ],
    })


def hint(section: Section, question: Union[Question, TaskInfo], level: int, text: str | None) -> dict:
    """`hint --json`: one hint, and how many the question has."""
    from learnpath.exercises.files import TaskInfo

    return {"section": section.id, "question": question.id, "level": level,
            "hints": len(question.hints), "hint": text,
            # "quiz" for a quiz question, "exercise" for a task of the section's exercise
            "kind": "exercise" if isinstance(question, TaskInfo) else "quiz"}


def exercise_result(report: ExerciseReport, root: Path, *, recorded: bool) -> dict:
    """`exercise --json` (`report` is an exercises.grading.ExerciseReport)."""
    return finite({
        "section": report.section_id,
        "passed": report.passed,
        "problem": report.problem,
        "seconds": round(report.seconds, 2),
        "recorded": recorded,
        "tasks": [
            {
                "id": task.id,
                "title": task.title,
                "status": task.status.value,
                "message": task.message,
                "expected": task.expected,
                "got": task.got,
                "input": task.input,
                "where": _place(task.where, root),
                "ran": [_place(where, root) for where in task.ran],
                "blocked_by": task.blocked_by,
                "output": task.output,
            }
            for task in report.tasks
        ],
    })


def _place(where: Where | None, root: Path) -> dict | None:
    """A line of the learner's file (exercises.grading.Where) with its path relative to the root."""
    if where is None:
        return None
    from pathlib import Path

    try:
        file = Path(where.file).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        file = str(where.file)
    return {"file": file, "line": where.line, "code": where.code or None, "function": where.function}


def review(asked: int, results: Mapping[str, QuizResult]) -> dict:
    """`review --json`: the questions asked, graded per section (`results`: section id -> QuizResult)."""
    return finite({
        "asked": asked,
        "score": sum(result.score for result in results.values()),
        "total": sum(result.total for result in results.values()),
        "sections": [quiz_result(result, section=sid) for sid, result in results.items()],
    })


def review_outlook(outlook: ReviewOutlook) -> dict:
    """`review --json` without --answers: what is due now (as asked, without answers) and when
    each other missed question comes back. Asks nothing and records nothing.

    The keys of a graded review (asked, score, total, sections) are there too,
    empty, as they were when nothing was due.
    """
    plan = outlook.plan
    due = [
        {
            "section": q.section_id,
            "question": q.question_id,
            "box": q.box,
            "due": q.due.isoformat(),
            "overdue_days": q.overdue_days,
            "asked": question_asked(plan.quizzes[q.section_id].question(q.question_id)),
        }
        for q in outlook.due
    ]
    later = [
        {"section": card.section_id, "question": card.question_id, "box": card.box,
         "due": card.due.isoformat()}
        for card in outlook.later
    ]
    upcoming = [item["due"] for item in due] + [item["due"] for item in later]
    return finite({
        "asked": 0, "score": 0, "total": 0, "sections": [],
        "due": due,
        "later": later,
        "next_due": min(upcoming) if upcoming else None,
    })


def solution(shown: Solution, root: Path) -> dict:
    """`solution --json`: each task function, the learner's beside the reference's."""
    return {
        "section": shown.section_id,
        "passed": shown.passed,
        "yours": shown.yours_path.relative_to(root).as_posix(),
        "reference": shown.reference_path.relative_to(root).as_posix(),
        "tasks": [{"function": task.function, "yours": task.yours, "reference": task.reference}
                  for task in shown.tasks],
    }


# ---- for authors ------------------------------------------------------------------------


def check(catalog: Catalog, problems: Sequence[LearnpathError]) -> dict:
    """`check --json`: whether the curriculum checks out, and each problem found."""
    from learnpath.course.check import relative_where

    return {
        "ok": not problems,
        "sections": len(catalog.sections),
        "problems": [
            {"path": relative_where(p.path, catalog.root), "line": p.line,
             "message": p.message, "fix": p.fix}
            for p in problems
        ],
    }
