"""`learnpath hint`: one hint for a quiz question or an exercise task, the gentlest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from learnpath.errors import AnswersError, LearnpathError
from learnpath.exercises.files import read_tasks
from learnpath.quiz.file import load_quiz

if TYPE_CHECKING:
    from learnpath.catalog import Section
    from learnpath.exercises.files import TaskInfo
    from learnpath.quiz.model import Question


def find_hint(section: Section, question_id: str, level: int) -> tuple[Union[Question, TaskInfo], str | None]:
    """(question or exercise task, hint text); the text is None when it has no hints.

    The id is looked up among the quiz's questions first, then among the tasks
    of the section's exercise (exercises.files.TaskInfo, which also has .id,
    .hints and .line).
    """
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


def _exercise_task(section: Section, task_id: str, missing: LearnpathError) -> TaskInfo:
    """The exercise task `task_id` of the section; `missing` (naming every id) if there is none."""
    if not section.has_exercise:
        raise missing
    tasks = read_tasks(section.path / "exercise_checks.py")
    for task in tasks:
        if task.id == task_id:
            return task
    raise LearnpathError(missing.message, path=missing.path,
                         fix=f"{missing.fix}; exercise tasks: {', '.join(t.id for t in tasks)}")
