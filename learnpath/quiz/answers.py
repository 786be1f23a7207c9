"""A learner's answers: read them (typed at a terminal or from a YAML file) and grade them.

Both ways end in the normal forms described in kinds.py, which does the
per-type work (reading, scoring); this module is the files and the sums. Grading
(`grade_question`, `grade`) never raises on a strange answer: anything that
can't be read is simply wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from learnpath.errors import AnswersError
from learnpath.files import NotReadable, read_capped, read_stream_capped
from learnpath.quiz import kinds
from learnpath.quiz.kinds import Answer
from learnpath.quiz.model import Question, QuestionResult, Quiz, QuizResult
from learnpath.quiz.values import describe, did_you_mean, key_text, show
from learnpath.yamlsource import LineDict, LineList, parse_yaml


def parse_typed_answer(question: Question, text: str) -> Answer:
    """Read an answer as a person types it ("b", "a, c", "ac", "1e-3"); AnswersError if unusable."""
    return kinds.parse_typed(question.type.kind, question, text)


def normalize_answer(question: Question, value: Any) -> Answer | None:
    """Turn an answer from code or YAML (text, number or list) into its normal form.

    None means unanswered. Raises AnswersError saying what shape is expected.
    """
    return kinds.normalize(question.type.kind, question, value)


def read_answers_text(source: Path | str) -> tuple[str, str]:
    """The text of an answers file and the name to report it by; "-" reads stdin once."""
    if str(source) == "-":
        if sys.stdin is None:  # the tool was started with stdin closed (`<&-`)
            raise AnswersError("standard input is closed, so there are no answers to read",
                               path="<stdin>", fix="pipe the answers in (`--answers - < answers.yaml`) "
                               "or pass the file's name")
        try:
            data = read_stream_capped(getattr(sys.stdin, "buffer", sys.stdin), "answers")
            return (data.decode("utf-8") if isinstance(data, bytes) else data), "<stdin>"
        except NotReadable as problem:
            raise AnswersError(f"standard input {problem.reason}", path="<stdin>", fix=problem.fix) from None
        except UnicodeDecodeError:
            raise AnswersError("standard input is not UTF-8 text", path="<stdin>",
                               fix="send the answers as UTF-8 YAML") from None
    if not str(source).strip():  # Path("") would quietly mean the current folder
        raise AnswersError("the answers file name is empty",
                           fix="pass the file's name, or - to read the answers from standard input")
    path = Path(source)
    try:
        return read_capped(path, "answers").decode("utf-8"), str(path)
    except NotReadable as problem:
        if problem.missing:
            raise AnswersError("no such answers file", path=path,
                               fix="check the path, or pass - to read the answers from standard input"
                               ) from None
        raise AnswersError(f"the answers file {problem.reason}", path=path, fix=problem.fix) from None
    except UnicodeDecodeError:
        raise AnswersError("the answers file is not UTF-8 text", path=path,
                           fix="save it as UTF-8") from None


def read_answer_mapping(source: Path | str) -> tuple[LineDict, str]:
    """Parse an answers file into a LineDict (keys with lines); errors name file:line."""
    text, name = read_answers_text(source)
    fix = "write one line per question, `question-id: answer` (see docs/quiz-format.md)"
    data = parse_yaml(text, name, AnswersError, fix=fix)
    if data is None:
        raise AnswersError("the answers file is empty", path=name, line=1, fix=fix)
    if not isinstance(data, LineDict):
        raise AnswersError(f"the answers file holds {describe(data)}, not a mapping",
                           path=name, line=getattr(data, "line", 1), fix=fix)
    if data.duplicate_keys:
        key, line, first_line = data.duplicate_keys[0]
        raise AnswersError(f"{show(key)} is answered twice (first on line {first_line})",
                           path=name, line=line, fix="keep one answer per question")
    return data, name


def answer_from_yaml(question: Question, mapping: LineDict, key: Any, name: str) -> Answer | None:
    """Read the answer `mapping[key]` for `question`, reporting file:line if unusable.

    Scalars are read as written (`yes` stays "yes", `1e-3` is a number).
    """
    value, line = mapping[key], mapping.line_of(key)
    if isinstance(value, LineList):
        value = [raw if raw is not None else entry for entry, raw in zip(value, value.raw)]
    elif value is not None and not isinstance(value, LineDict):
        value = mapping.raw.get(key, value)
    try:
        return normalize_answer(question, value)
    except AnswersError as error:
        raise AnswersError(f"the answer to {question.id!r} can't be used: {error.message}",
                           path=name, line=line,
                           fix=f"write {question.type.expected_answer}") from None


def load_answers(source: Path | str, quiz: Quiz) -> dict[str, Answer | None]:
    """Read a YAML answers file (`question-id: answer`), or stdin for "-", checked against the quiz."""
    data, name = read_answer_mapping(source)
    answers: dict[str, Answer | None] = {}
    for key in data:
        question_id = key_text(key, None)
        if question_id not in quiz.ids:
            raise AnswersError(
                f"the quiz has no question {show(key)}", path=name, line=data.line_of(key),
                fix=f"use one of: {', '.join(quiz.ids)}" + did_you_mean(question_id, quiz.ids))
        answers[question_id] = answer_from_yaml(quiz.question(question_id), data, key, name)
    return answers


# --------------------------------------------------------------------------
# Grading


def grade_question(question: Question, answer: Any) -> QuestionResult:
    """Grade one answer (None = unanswered); an unreadable answer is wrong, never an error."""
    try:
        given = normalize_answer(question, answer)
    except AnswersError:
        given, earned, correct = _printable(answer), 0.0, False
    else:
        earned, correct = _score(question, given)
    close = None if correct or given is None else _close(question, given)
    return QuestionResult(
        id=question.id, correct=correct, points=earned, max_points=question.points,
        your_answer=float(given) if isinstance(given, float) else given, answer=question.answer,
        explanation=question.explanation, whys=question.whys_for(given), close=close,
    )


def _close(question: Question, given: Any) -> str | None:
    try:
        return question.type.kind.close(question, given)
    except (TypeError, ValueError):  # an unreadable answer kept as text: simply wrong
        return None


def _score(question: Question, given: Answer | None) -> tuple[float, bool]:
    """(points earned, fully correct) for a normalised answer; unanswered earns nothing."""
    if given is None:
        return 0.0, False
    return question.type.kind.score(question, given)


def grade_quiz(quiz: Quiz, answers: Mapping[str, Any]) -> QuizResult:
    """Grade answers by question id; a question left out is unanswered (wrong)."""
    for question_id in answers:
        quiz.question(str(question_id))  # an id the quiz lacks is an error, not a zero
    results = tuple(grade_question(q, answers.get(q.id)) for q in quiz.questions)
    return result_of(results, quiz.pass_mark)


def result_of(results: tuple[QuestionResult, ...], pass_mark: float) -> QuizResult:
    """Add up graded questions into a QuizResult."""
    score = sum(result.points for result in results)
    total = sum(result.max_points for result in results)
    # a small allowance so that partial credit like 0.1 + 0.7 still reaches 0.8
    passed = total > 0 and score >= pass_mark * total - 1e-9
    return QuizResult(score=score, total=total, pass_mark=pass_mark, passed=passed,
                      results=results)



def _printable(value: Any) -> str:
    try:
        return show(value, 80)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still just wrong
        return "(unreadable answer)"

