"""A learner's answers: read them (typed at a terminal or from a YAML file) and grade them.

Both ways end in the normal forms described in quiz.py. Grading
(`grade_question`, `grade`) never raises on a strange answer: anything that
can't be read is simply wrong.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from learnpath.errors import AnswersError
from learnpath.files import NotReadable, read_capped, read_stream_capped
from learnpath.quiz.model import (
    Answer,
    Question,
    QuestionResult,
    QuestionType,
    Quiz,
    QuizResult,
    describe,
    did_you_mean,
    key_text,
    read_number,
    show,
)
from learnpath.yamlsource import LineDict, LineList, parse_yaml

_FRACTION = re.compile(r"([-+]?\d+)\s*/\s*(\d+)")



def parse_typed_answer(question: Question, text: str) -> Answer:
    """Read an answer as a person types it ("b", "a, c", "ac", "1e-3"); AnswersError if unusable."""
    if not isinstance(text, str):
        raise AnswersError(f"expected {question.type.expected_answer}")
    text = text.strip()
    if not text:
        raise AnswersError(f"the answer is empty: type {question.type.expected_answer}")
    kind = question.type
    if kind is QuestionType.TEXT:
        return " ".join(text.split())
    if kind is QuestionType.NUMERIC:
        number = read_number(text)
        fraction = _FRACTION.fullmatch(text)
        if number is None and fraction:
            try:
                number = int(fraction.group(1)) / int(fraction.group(2))
            except (ZeroDivisionError, OverflowError, ValueError):
                number = None  # 1/0, or digits too many for a float
        if number is None or not math.isfinite(number):
            raise AnswersError(f"{show(text)} is not a number: type {kind.expected_answer}")
        return number
    keys = question.choice_keys
    tokens = [token for token in re.split(r"[\s,;]+", text.lower()) if token]
    if (kind is not QuestionType.SINGLE and len(tokens) == 1 and len(tokens[0]) > 1
            and all(len(key) == 1 for key in keys) and all(ch in keys for ch in tokens[0])):
        tokens = list(tokens[0])  # "ac" for a, c when every key is one letter
    return _keys_answer(question, tokens)


def _keys_answer(question: Question, tokens: list[str]) -> Answer:
    """Check a list of choice keys against a single/multiple/order question."""
    kind, keys = question.type, question.choice_keys
    unknown = [token for token in tokens if token not in keys]
    if unknown:
        raise AnswersError(f"{', '.join(map(repr, unknown))} "
                           f"{'is not a choice' if len(unknown) == 1 else 'are not choices'}: "
                           f"choose from {', '.join(keys)}")
    if kind is QuestionType.SINGLE:
        if len(tokens) != 1:
            raise AnswersError(f"pick exactly one choice: type {kind.expected_answer}")
        return tokens[0]
    if not tokens:
        raise AnswersError(f"the answer is empty: type {kind.expected_answer}")
    if kind is QuestionType.ORDER:
        if sorted(tokens) != sorted(keys):
            raise AnswersError(f"put all {len(keys)} choices in order, each once: "
                               f"type {kind.expected_answer}")
        return tuple(tokens)
    return tuple(key for key in keys if key in tokens)


def normalize_answer(question: Question, value: Any) -> Answer | None:
    """Turn an answer from code or YAML (text, number or list) into its normal form.

    None means unanswered. Raises AnswersError saying what shape is expected.
    """
    if value is None:
        return None
    kind = question.type
    if isinstance(value, str):
        return parse_typed_answer(question, value)
    if isinstance(value, bool):
        raise AnswersError(f"true/false is not an answer here: give {kind.expected_answer}")
    if isinstance(value, (int, float)):
        if kind is QuestionType.NUMERIC:
            number = read_number(value)
            if number is None or not math.isfinite(number):
                raise AnswersError(f"expected {kind.expected_answer}")
            return number
        try:
            text = str(value)
        except ValueError:  # an int too long to print is no choice key either
            raise AnswersError(f"expected {kind.expected_answer}") from None
        return parse_typed_answer(question, text)
    if isinstance(value, (list, tuple, set, frozenset)) and kind in (
        QuestionType.MULTIPLE, QuestionType.ORDER
    ):
        if isinstance(value, (set, frozenset)) and kind is QuestionType.ORDER:
            raise AnswersError(f"an order needs a sequence: {kind.expected_answer}")
        tokens = [key_text(entry) for entry in value]
        if None in tokens:
            raise AnswersError(f"expected a list of choice keys: {kind.expected_answer}")
        return _keys_answer(question, [token.lower() for token in tokens])
    raise AnswersError(f"expected {kind.expected_answer}, not {describe(value)}")


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


# What a learner may type around an answer without changing it: quotes,
# brackets, a full stop. Inner punctuation ("d/dx", "x**2") is left alone.
_SURROUNDING = "\"'`.,;:!?()[]{}<>«»“”‘’ \t"
_ARTICLE = re.compile(r"(?:a|an|the)\s+")
_LONGEST_TEXT_ANSWER = 500  # a short phrase; longer input is not matched against `accept`


def normalize_text(text: str) -> str:
    """Text as it is compared: NFC, case-folded, single spaces, no surrounding
    punctuation, no leading article. "The  Chain rule." and "chain rule" agree."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = " ".join(text.split()).strip(_SURROUNDING)
    without_article = _ARTICLE.sub("", text, count=1) if _ARTICLE.match(text) else text
    return without_article.strip(_SURROUNDING) or text  # "the" alone stays "the"


def _text_matches(question: Question, given: str) -> bool:
    """Whether a typed text is one of the accepted answers, or matches `accept`."""
    typed = normalize_text(given)
    if typed in {normalize_text(accepted) for accepted in question.answer}:
        return True
    if question.accept is None or len(given) > _LONGEST_TEXT_ANSWER:
        return False
    # the pattern sees the answer with and without its article, so `^(the )?x$` and `^x$` both work
    light = " ".join(unicodedata.normalize("NFC", given).casefold().split()).strip(_SURROUNDING)
    pattern = re.compile(question.accept, re.IGNORECASE)
    return any(pattern.search(form) for form in (light, typed))


def grade_question(question: Question, answer: Any) -> QuestionResult:
    """Grade one answer (None = unanswered); an unreadable answer is wrong, never an error."""
    try:
        given = normalize_answer(question, answer)
    except AnswersError:
        given, earned, correct = _printable(answer), 0.0, False
    else:
        earned, correct = _score(question, given)
    return QuestionResult(
        id=question.id, correct=correct, points=earned, max_points=question.points,
        your_answer=given, answer=question.answer, explanation=question.explanation,
        whys=question.whys_for(given),
    )


def _score(question: Question, given: Answer | None) -> tuple[float, bool]:
    """(points earned, fully correct) for a normalised answer."""
    if given is None:
        return 0.0, False
    kind, key = question.type, question.answer
    if kind is QuestionType.MULTIPLE:
        picked, right = set(given), set(key)
        fraction = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
        return fraction * question.points, picked == right
    if kind is QuestionType.NUMERIC:
        error = abs(given - key)
        close = error <= question.tolerance or (
            question.rel_tolerance is not None and error <= question.rel_tolerance * abs(key)
        )
        correct = bool(close)
    elif kind is QuestionType.TEXT:
        correct = _text_matches(question, given)
    else:  # single and order: the exact key or sequence
        correct = given == key
    return (question.points if correct else 0.0), correct


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

