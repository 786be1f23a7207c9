"""The interactive quiz: one question at a time, hints on `?`, feedback at once.

This is the conversation with a person at a terminal. Reading and grading an
answer live in learnpath/quiz/ (kinds.py has each type's rules); drawing lives
in console.py. The reader of typed lines is passed in,
so the loop can be driven by a test as well as by a keyboard.
"""

from __future__ import annotations

from typing import Callable, Sequence

from learnpath.ui import console
from learnpath.errors import AnswersError
from learnpath.quiz.answers import grade_question, parse_typed_answer
from learnpath.quiz.model import Question, spelled_out

HINT_KEY = "?"


class Stopped(Exception):
    """The learner ended the quiz early (Ctrl-D): nothing is graded or ticked."""


def ask_questions(
    questions: Sequence[Question],
    read: Callable[[str], str] = console.read_line,
    *,
    labels: Sequence[str] | None = None,
) -> list[object]:
    """Ask every question in turn; return the answers as parsed, in the same order.

    `read(prompt)` returns one typed line and raises EOFError at end of input.
    `labels` (e.g. the section id of each question, in a review) head each question.
    """
    answers: list[object] = []
    for number, question in enumerate(questions, start=1):
        how = question.type.kind.how_to_answer
        if question.hints:
            how += f" {HINT_KEY} shows a hint."
        label = labels[number - 1] if labels else ""
        console.question(number, len(questions), question.prompt, question.choices, how,
                         question.points, label=label, question_id=question.id)
        answer = _ask_one(question, read)
        result = grade_question(question, answer)
        if result.close:  # right but for the rounding: say so, and take one more try
            console.warning(f"{result.close} (the digits you gave are right): one more try")
            answer = _ask_one(question, read)
            result = grade_question(question, answer)
        answers.append(answer)
        console.feedback(result.correct, result.points, result.max_points,
                         spelled_out(question, question.answer), question.explanation,
                         whys=result.whys)
    return answers


def _ask_one(question: Question, read: Callable[[str], str]) -> object:
    """Read lines until one parses as an answer to `question`; `?` shows the next hint."""
    hints_shown = 0
    while True:
        try:
            line = read("> ").strip()
        except EOFError:
            raise Stopped() from None
        if line == HINT_KEY:
            if hints_shown < len(question.hints):
                hints_shown += 1
                console.hint_line(hints_shown, len(question.hints), question.hints[hints_shown - 1])
            else:
                console.note("No more hints for this one. Have a guess: the explanation follows.")
            continue
        if not line:
            console.note(f"Type an answer ({HINT_KEY} for a hint, Ctrl-D to stop).")
            continue
        try:
            return parse_typed_answer(question, line)
        except AnswersError as problem:
            console.warning(problem.message + (f". {problem.fix}" if problem.fix else ""))
