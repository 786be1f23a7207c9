"""What a tutor agent may do, as plain functions returning JSON-ready dicts.

These are the use cases the command line offers (learnpath/study/,
learnpath/course/, learnpath/ui/records.py), seen from an agent that talks
to the learner: no second
implementation, no terminal, and one rule above the rest: nothing here hands
the agent an answer, an explanation or a why for a question the learner has
not answered yet, or a solution before the exercise has passed.

server.py turns each function into an MCP tool (tests/test_mcp.py drives them through it).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from learnpath.catalog import Catalog, Section, find_root, load_catalog
from learnpath.course.status import next_section, overview_text, section_in_course, statuses
from learnpath.study.exercise import check_exercise as run_checks  # this module's check_exercise wraps it
from learnpath.study.exercise import show_solution
from learnpath.study.hint import find_hint
from learnpath.study.quiz import open_quiz, take_quiz
from learnpath.study.review import plan_review, review_outlook, take_review
from learnpath.ui import records


def open_course(root: str | Path | None) -> Catalog:
    """The course at `root`, else $LEARNPATH_ROOT, else the folder above that holds curriculum/
    (found as the command line finds it)."""
    return load_catalog(find_root(override=root))


def _section(catalog: Catalog, section_id: str) -> Section:
    return catalog.resolve(section_id)


def where(catalog: Catalog, section_id: str | None = None) -> dict:
    """Where the learner stands: the next section (or the one named), its steps and commands."""
    if section_id:
        return records.next_step(section_in_course(catalog, _section(catalog, section_id)), catalog)
    record = records.next_step(next_section(catalog), catalog)
    record["sections"] = _sections(catalog)
    return record


def _sections(catalog: Catalog) -> list[dict]:
    return records.section_list(statuses(catalog), catalog)


def overview(catalog: Catalog, section_id: str) -> dict:
    """The overview of a section as Markdown (what `learnpath show ID --plain` prints)."""
    section = _section(catalog, section_id)
    return {"section": section.id, "title": section.title, "markdown": overview_text(section)}


def quiz_questions(catalog: Catalog, section_id: str) -> dict:
    """The quiz's questions as a learner should see them: no answer, explanation, why or hint."""
    section = _section(catalog, section_id)
    record = records.quiz_questions(section, open_quiz(section))
    record["how_to_answer"] = (
        "Ask one question at a time, showing the choices in the order listed (an order question "
        "is listed out of its answer order; don't sort it). Grade what the learner says, as they "
        "said it, with grade_answers (record=false while you talk it over; record=true once).")
    return record


def grade_answers(catalog: Catalog, section_id: str, answers: Mapping[str, Any], *,
                  record: bool = False) -> dict:
    """Grade answers given in conversation, keyed by question id, in quiz.yaml's keys.

    Only the answered questions are graded and only they get their answer,
    explanation and whys back. With `record` false (the default) nothing is
    written. With `record` true the attempt is logged once: a whole attempt
    (which ticks the quiz box on a pass) when every question is answered, else
    a partial one that review picks up for just those questions.
    """
    section = _section(catalog, section_id)
    quiz = open_quiz(section)
    answered = {qid: value for qid, value in answers.items() if value is not None}
    whole = record and set(answered) == set(quiz.ids)
    with _answers_file(answers) as path:
        taken = take_quiz(catalog, section, quiz, answers_file=str(path),
                                only_given=not whole, dry_run=not record)
    result = records.quiz_result(taken.result, section=section.id, partial=not whole,
                                 recorded=taken.logged)
    result["ticked"] = taken.ticked
    return result


class _answers_file:
    """The answers written as a JSON file (JSON is YAML), so they go through the very reader
    `quiz --answers` uses: the same checks, the same messages, `#` and `null` safe."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.text = json.dumps(dict(answers), ensure_ascii=False)

    def __enter__(self) -> Path:
        self.folder = tempfile.TemporaryDirectory(prefix="learnpath-tutor-")
        path = Path(self.folder.name) / "answers.json"
        path.write_text(self.text, encoding="utf-8")
        return path

    def __exit__(self, *exc) -> None:
        self.folder.cleanup()


def hint(catalog: Catalog, section_id: str, question_id: str, level: int = 1) -> dict:
    """One hint for a quiz question or an exercise task, gentlest first (level 1)."""
    section = _section(catalog, section_id)
    question, text = find_hint(section, question_id, level)
    return records.hint(section, question, level, text)


def check_exercise(catalog: Catalog, section_id: str, timeout: float = 60.0) -> dict:
    """Run the checks on the learner's exercise.py (as `exercise ID --json`); a pass ticks its box."""
    section = _section(catalog, section_id)
    checked = run_checks(catalog, section, timeout=timeout)
    return records.exercise_result(checked.report, catalog.root, recorded=checked.ticked)


def review_due(catalog: Catalog, limit: int = 10) -> dict:
    """What review would ask today (questions without answers) and when the rest come back."""
    return records.review_outlook(review_outlook(catalog, date.today(), limit, warn=lambda _: None))


def grade_review(catalog: Catalog, answers: Mapping[str, Any], limit: int = 10) -> dict:
    """Grade review answers keyed `<section id>/<question id>` and log them (the boxes move)."""
    plan = plan_review(catalog, date.today(), limit, warn=lambda _: None)
    if not plan.asked:
        return records.review(0, {})
    with _answers_file(answers) as path:
        results = take_review(catalog, plan, answers_file=str(path))
    return records.review(len(plan.asked), results)


def solution(catalog: Catalog, section_id: str) -> dict:
    """The learner's task functions beside the reference's, only once the exercise has passed."""
    section = _section(catalog, section_id)
    return records.solution(show_solution(catalog, section), catalog.root)
