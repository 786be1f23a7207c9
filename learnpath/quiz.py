"""Quizzes: read a section's quiz.yaml, read a learner's answers, and grade them.

A quiz.yaml is written by hand, so reading it is mostly checking it: every
problem is reported as `quiz.yaml:LINE: what is wrong. how to fix it`.
`find_problems` lists them all (for `learnpath check`); `load_quiz` stops at
the first. The format is described for authors in docs/quiz-format.md and as a
JSON Schema in learnpath/schema/quiz.schema.json.

Answers arrive in two ways: typed at a terminal (`parse_typed_answer`) or in a
YAML answers file (`load_answers`). Both end up as the same normalised values:

    single    "b"                  one choice key
    multiple  ("a", "c")           keys, in the order the choices are listed
    order     ("c", "a", "b")      every key once, in the order given
    numeric   0.25                 a float
    text      "chain rule"         the text as typed

Grading (`grade_question`, `grade`) never raises on a strange answer: anything
that can't be read is simply wrong.
"""

from __future__ import annotations

import difflib
import math
import random
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Union

from learnpath.errors import AnswersError, QuizError
from learnpath.yamlsource import LineDict, LineList, parse_yaml

DEFAULT_PASS_MARK = 0.8
DEFAULT_TOLERANCE = 1e-9
DEFAULT_POINTS = 1.0

QUIZ_KEYS = ("pass_mark", "questions")
QUESTION_KEYS = (
    "id", "type", "prompt", "choices", "answer", "tolerance", "rel_tolerance",
    "points", "explanation", "hints",
)
REQUIRED_QUESTION_KEYS = ("id", "type", "prompt", "answer", "explanation")

_ID = re.compile(r"[a-z0-9-]+")
_CHOICE_KEY = re.compile(r"[a-z0-9]+")
# YAML 1.1 (what PyYAML reads) only knows floats with a dot, so `1e-3` arrives
# as text. Anything this pattern matches is read as a number wherever one is due.
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_FRACTION = re.compile(r"([-+]?\d+)\s*/\s*(\d+)")

Answer = Union[str, "tuple[str, ...]", float]


class QuestionType(str, Enum):
    """The five kinds of question a quiz.yaml can hold."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMERIC = "numeric"
    TEXT = "text"
    ORDER = "order"

    @property
    def has_choices(self) -> bool:
        """Whether questions of this type list lettered choices."""
        return self in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.ORDER)

    @property
    def expected_answer(self) -> str:
        """The shape of an answer, said the way an error message needs it."""
        return _EXPECTED[self]


_EXPECTED = {
    QuestionType.SINGLE: "one choice key, e.g. b",
    QuestionType.MULTIPLE: "the keys of every right choice, e.g. a, c",
    QuestionType.ORDER: "every choice key once, in the right order, e.g. c, a, b",
    QuestionType.NUMERIC: "a number, e.g. 0.25, -3 or 1e-3",
    QuestionType.TEXT: "a word or a short phrase",
}


@dataclass(frozen=True)
class Question:
    """One question of a quiz, checked and normalised."""

    id: str
    type: QuestionType
    prompt: str
    choices: tuple[tuple[str, str], ...]  # (key, text) in file order
    # single: a key; multiple/order: keys; numeric: a float; text: accepted answers
    answer: Answer
    tolerance: float
    rel_tolerance: float | None
    points: float
    explanation: str
    hints: tuple[str, ...]
    line: int

    @property
    def choice_keys(self) -> tuple[str, ...]:
        """The choice keys in the order the choices are listed."""
        return tuple(key for key, _ in self.choices)


@dataclass(frozen=True)
class Quiz:
    """A section's quiz: its questions in file order and the mark needed to pass."""

    path: Path
    pass_mark: float
    questions: tuple[Question, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """Question ids in quiz order."""
        return tuple(question.id for question in self.questions)

    @property
    def total_points(self) -> float:
        """Points available in the whole quiz."""
        return sum(question.points for question in self.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id; AnswersError naming the valid ids if none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise AnswersError(
            f"the quiz has no question {_show(question_id)}",
            path=self.path,
            fix=f"use one of: {', '.join(self.ids)}" + _did_you_mean(question_id, self.ids),
        )


@dataclass(frozen=True)
class QuestionResult:
    """How one answer was graded."""

    id: str
    correct: bool
    points: float  # earned
    max_points: float
    your_answer: Any  # normalised answer; None if unanswered; text if unreadable
    answer: Answer  # the key
    explanation: str


@dataclass(frozen=True)
class QuizResult:
    """A graded attempt at a quiz (or at part of one, in a review)."""

    score: float
    total: float
    pass_mark: float
    passed: bool
    results: tuple[QuestionResult, ...]


# --------------------------------------------------------------------------
# Reading quiz.yaml


def load_quiz(path: Path | str) -> Quiz:
    """Read and check a quiz.yaml; the first problem found is raised as QuizError."""
    quiz, problems = _read_quiz(Path(path))
    if problems:
        raise problems[0]
    assert quiz is not None
    return quiz


def find_problems(path: Path | str) -> list[QuizError]:
    """Every problem in a quiz.yaml, in line order; empty when the quiz is sound."""
    return _read_quiz(Path(path))[1]


def _read_quiz(path: Path) -> tuple[Quiz | None, list[QuizError]]:
    if path.exists() and not path.is_file():  # a folder, or a named pipe that would never end
        return None, [QuizError("the quiz file is not a plain file", path=path,
                                fix="replace it with a quiz.yaml text file (see docs/quiz-format.md)")]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [QuizError("the quiz file is missing", path=path,
                                fix="create it (see docs/quiz-format.md)")]
    except UnicodeDecodeError as error:
        return None, [QuizError(
            f"the file is not UTF-8 text (byte {error.start})", path=path,
            line=_line_of_byte(path, error.start), fix="save it as UTF-8")]
    except OSError as error:
        return None, [QuizError(f"can't read the quiz file ({error.strerror})", path=path,
                                fix="check that it is a readable file")]
    try:
        data = parse_yaml(text, path, QuizError,
                          fix="fix the YAML syntax there (indentation, quotes, colons)")
    except QuizError as error:
        return None, [error]
    reader = _QuizReader(path)
    quiz = reader.read(data)
    problems = sorted(reader.problems, key=lambda problem: problem.line or 0)
    return (None if problems else quiz), problems


def _line_of_byte(path: Path, offset: int) -> int | None:
    try:
        return path.read_bytes()[:offset].count(b"\n") + 1
    except OSError:
        return None


class _QuizReader:
    """Walks the parsed YAML, collecting every problem instead of stopping at one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[QuizError] = []
        self.first_line_of_id: dict[str, int] = {}

    def problem(self, line: int | None, message: str, fix: str) -> None:
        self.problems.append(QuizError(message, path=self.path, line=line, fix=fix))

    def read(self, data: Any) -> Quiz | None:
        if data is None:
            self.problem(1, "the quiz is empty",
                         "start with `questions:` followed by a list of questions")
            return None
        if not isinstance(data, LineDict):
            self.problem(_line(data, 1), f"the top level is {_describe(data)}, not a mapping",
                         "start the file with `questions:` (and optionally `pass_mark:`)")
            return None
        self.check_keys(data, QUIZ_KEYS, "the quiz", required=("questions",))
        pass_mark = DEFAULT_PASS_MARK
        if "pass_mark" in data:
            value = _number(data["pass_mark"])
            if value is None or not 0 < value <= 1:
                self.problem(data.line_of("pass_mark"),
                             f"`pass_mark` must be a fraction above 0 and at most 1, "
                             f"not {_describe(data['pass_mark'])}",
                             "write e.g. pass_mark: 0.8 (80% of the points)")
            else:
                pass_mark = value
        if "questions" not in data:
            return None  # reported by check_keys
        items = data["questions"]
        if not isinstance(items, LineList) or not items:
            self.problem(data.line_of("questions"),
                         f"`questions` must be a non-empty list, not {_describe(items)}",
                         "write each question as an item starting with `- id: ...`")
            return None
        questions = []
        for index, item in enumerate(items):
            question = self.read_question(item, index, items.line_of(index))
            if question is not None:
                questions.append(question)
        return Quiz(path=self.path, pass_mark=pass_mark, questions=tuple(questions))

    def check_keys(self, mapping: LineDict, allowed: tuple[str, ...], owner: str,
                   required: tuple[str, ...]) -> None:
        """Report repeated keys, unknown keys (with a guess) and missing keys."""
        for key, line, first_line in mapping.duplicate_keys:
            self.problem(line, f"{owner} has the key {key!r} twice (first on line {first_line})",
                         "keep one of them")
        guessed = set()
        for key in mapping:
            if key in allowed:
                continue
            guess = _closest(key, allowed)
            if guess:
                guessed.add(guess)
            hint = f"did you mean {guess}?" if guess else f"allowed keys: {', '.join(allowed)}"
            self.problem(mapping.line_of(key), f"{owner} has an unknown key {key!r}", hint)
        for key in required:
            # A misspelt key was already reported with its correction; don't report it twice.
            if key not in mapping and key not in guessed:
                self.problem(mapping.line, f"{owner} is missing `{key}`",
                             f"add `{key}:` (see docs/quiz-format.md)")

    def read_question(self, item: Any, index: int, line: int) -> Question | None:
        owner = f"question {index + 1}"
        if not isinstance(item, LineDict):
            self.problem(line, f"{owner} is {_describe(item)}, not a mapping",
                         "write each question as `- id: ...` with its keys indented under it")
            return None
        count_before = len(self.problems)
        question_id = self.read_id(item, owner)
        if question_id is not None:
            owner = f"question {question_id!r}"
            if question_id in self.first_line_of_id:
                self.problem(item.line_of("id"),
                             f"question id {question_id!r} is used twice "
                             f"(first on line {self.first_line_of_id[question_id]})",
                             "give each question its own id")
            else:
                self.first_line_of_id[question_id] = item.line_of("id")
        self.check_keys(item, QUESTION_KEYS, owner, REQUIRED_QUESTION_KEYS)
        kind = self.read_type(item, owner)
        prompt = self.read_text(item, "prompt", owner)
        explanation = self.read_text(item, "explanation", owner)
        hints = self.read_hints(item, owner)
        points = self.read_positive(item, "points", owner, DEFAULT_POINTS, zero_ok=False)
        choices = self.read_choices(item, kind, owner)
        answer = self.read_answer(item, kind, choices, owner)
        tolerance = DEFAULT_TOLERANCE
        rel_tolerance = None
        for key in ("tolerance", "rel_tolerance"):
            if key in item and kind is not None and kind is not QuestionType.NUMERIC:
                self.problem(item.line_of(key),
                             f"{owner} is a {kind.value} question; `{key}` is only for numeric ones",
                             f"remove `{key}`")
        if kind is QuestionType.NUMERIC:
            tolerance = self.read_positive(item, "tolerance", owner, DEFAULT_TOLERANCE, zero_ok=True)
            rel_tolerance = self.read_positive(item, "rel_tolerance", owner, None, zero_ok=True)
        if len(self.problems) > count_before:
            return None
        return Question(
            id=question_id, type=kind, prompt=prompt, choices=choices or (), answer=answer,
            tolerance=tolerance, rel_tolerance=rel_tolerance, points=points,
            explanation=explanation, hints=hints, line=item.line,
        )

    def read_id(self, item: LineDict, owner: str) -> str | None:
        if "id" not in item:
            return None
        text = _scalar_text(item, "id")
        if text is None:
            self.problem(item.line_of("id"), f"{owner}: the id must be text, not "
                                             f"{_describe(item['id'])}", "write e.g. id: leaf-grad")
            return None
        if not _ID.fullmatch(text):
            self.problem(item.line_of("id"), f"{owner}: the id {_show(text)} may use only a-z, 0-9 and -",
                         "write e.g. id: leaf-grad")
            return None
        return text

    def read_type(self, item: LineDict, owner: str) -> QuestionType | None:
        if "type" not in item:
            return None
        value = item["type"]
        names = [kind.value for kind in QuestionType]
        # test membership before calling the Enum: its error would repr any value, however big
        if isinstance(value, str) and value in names:
            return QuestionType(value)
        guess = _closest(value, names)
        self.problem(item.line_of("type"), f"{owner} has an unknown type {_show(value)}",
                     f"did you mean {guess}?" if guess else f"use one of: {', '.join(names)}")
        return None

    def read_text(self, item: LineDict, key: str, owner: str) -> str:
        if key not in item:
            return ""
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(item.line_of(key),
                         f"{owner}: `{key}` must be non-empty text, not {_describe(value)}",
                         f"write the {key} in quotes or as a `|` block")
            return ""
        return value

    def read_hints(self, item: LineDict, owner: str) -> tuple[str, ...]:
        if "hints" not in item:
            return ()
        hints = item["hints"]
        fix = 'write hints: ["gentlest hint", "stronger hint"]'
        if not isinstance(hints, LineList):
            self.problem(item.line_of("hints"),
                         f"{owner}: `hints` must be a list of non-empty texts, not {_describe(hints)}",
                         fix)
            return ()
        for index, hint in enumerate(hints):
            if not isinstance(hint, str) or not hint.strip():
                self.problem(hints.line_of(index),
                             f"{owner}: `hints` must be a list of non-empty texts; "
                             f"hint {index + 1} is {_describe(hint)}", fix)
                return ()
        return tuple(hints)

    def read_positive(self, item: LineDict, key: str, owner: str, default: float | None,
                      *, zero_ok: bool) -> float | None:
        if key not in item:
            return default
        value = _number(item[key])
        if value is None or value < 0 or (value == 0 and not zero_ok):
            wanted = "a number of at least 0" if zero_ok else "a number above 0"
            self.problem(item.line_of(key),
                         f"{owner}: `{key}` must be {wanted}, not {_describe(item[key])}",
                         f"write e.g. {key}: {'0.001' if zero_ok else '2'}")
            return default
        return value

    def read_choices(self, item: LineDict, kind: QuestionType | None,
                     owner: str) -> tuple[tuple[str, str], ...] | None:
        """The (key, text) pairs, or None if they are missing or broken."""
        if kind is None:
            return None
        line = item.line_of("choices")
        if not kind.has_choices:
            if "choices" in item:
                self.problem(line, f"{owner} is a {kind.value} question and takes no `choices`",
                             "remove `choices`, or change `type` to single, multiple or order")
            return None
        if "choices" not in item:
            self.problem(item.line, f"{owner} is a {kind.value} question but has no `choices`",
                         "add choices: {a: \"...\", b: \"...\"}")
            return None
        mapping = item["choices"]
        if not isinstance(mapping, LineDict) or len(mapping) < 2:
            self.problem(line, f"{owner}: `choices` must map at least two keys to their texts, "
                               f"not {_describe(mapping)}",
                         "write choices: {a: \"first\", b: \"second\"}")
            return None
        broken = False
        for key, repeat_line, first_line in mapping.duplicate_keys:
            self.problem(repeat_line, f"{owner}: choice {key!r} is listed twice "
                                      f"(first on line {first_line})", "give each choice its own key")
            broken = True
        choices = []
        for key, text in mapping.items():
            key_text = _key_text(key)
            if key_text is None or not _CHOICE_KEY.fullmatch(key_text):
                self.problem(mapping.line_of(key),
                             f"{owner}: choice key {_show(key)} may use only a-z and 0-9",
                             "use the keys a, b, c, ...")
                broken = True
                continue
            body = mapping.raw.get(key) if not isinstance(text, str) else text
            if text is None or body is None or not body.strip():
                self.problem(mapping.line_of(key),
                             f"{owner}: choice {key_text!r} needs a text, not {_describe(text)}",
                             f'write {key_text}: "the text of the choice"')
                broken = True
                continue
            choices.append((key_text, body))
        return None if broken else tuple(choices)

    def read_answer(self, item: LineDict, kind: QuestionType | None,
                    choices: tuple[tuple[str, str], ...] | None, owner: str) -> Answer | None:
        if kind is None or "answer" not in item:
            return None
        value, line = item["answer"], item.line_of("answer")

        def bad(message: str, fix: str) -> None:
            self.problem(line, f"{owner}: {message}", fix)

        if kind is QuestionType.NUMERIC:
            number = _number(value)
            if number is None or not math.isfinite(number):
                bad(f"a numeric answer must be a number, not {_describe(value)}",
                    "write e.g. answer: 0.25 or answer: 1e-3")
            return number
        if kind is QuestionType.TEXT:
            accepted = [value] if not isinstance(value, LineList) else list(value)
            raws = [item.raw.get("answer")] if not isinstance(value, LineList) else value.raw
            texts = [
                entry if isinstance(entry, str) else raw
                for entry, raw in zip(accepted, raws)
                if not isinstance(entry, (LineDict, LineList)) and entry is not None
            ]
            if not accepted or len(texts) != len(accepted) or not all(t.strip() for t in texts):
                bad(f"a text answer must be a list of accepted answers, not {_describe(value)}",
                    'write e.g. answer: ["chain rule", "the chain rule"]')
                return None
            return tuple(texts)
        if choices is None:
            return None  # the choices are broken and already reported
        keys = [key for key, _ in choices]
        if kind is QuestionType.SINGLE:
            key = _key_text(value, item.raw.get("answer"))
            if key is None:
                bad(f"a single-choice answer is one key, not {_describe(value)}",
                    "write e.g. answer: b (for several right keys use type: multiple)")
            elif key not in keys:
                bad(f"the answer {key!r} is not one of the choices ({', '.join(keys)})",
                    "make the answer one of the choice keys")
            else:
                return key
            return None
        # multiple and order: a list of keys
        given = [_key_text(entry, raw) for entry, raw in
                 zip(value, value.raw)] if isinstance(value, LineList) else None
        if not given or None in given:
            bad(f"a {kind.value} answer is a list of keys, not {_describe(value)}",
                f"write e.g. answer: [{', '.join(keys[:2])}]")
            return None
        unknown = [key for key in given if key not in keys]
        if unknown:
            bad(f"the answer names {', '.join(map(repr, unknown))}, which "
                f"{'is not a choice' if len(unknown) == 1 else 'are not choices'} "
                f"({', '.join(keys)})", "use only the choice keys")
            return None
        if len(set(given)) != len(given):
            bad("the answer lists a key twice", "list each key once")
            return None
        if kind is QuestionType.ORDER:
            if sorted(given) != sorted(keys):
                missing = [key for key in keys if key not in given]
                bad(f"an order answer must list every choice key once; it leaves out "
                    f"{', '.join(missing)}", f"write all {len(keys)} keys in the right order")
                return None
            return tuple(given)
        return tuple(key for key in keys if key in given)


# --------------------------------------------------------------------------
# Reading answers


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
        number = _number(text)
        fraction = _FRACTION.fullmatch(text)
        if number is None and fraction:
            try:
                number = int(fraction.group(1)) / int(fraction.group(2))
            except (ZeroDivisionError, OverflowError, ValueError):
                number = None  # 1/0, or digits too many for a float
        if number is None or not math.isfinite(number):
            raise AnswersError(f"{_show(text)} is not a number: type {kind.expected_answer}")
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
            number = _number(value)
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
        tokens = [_key_text(entry) for entry in value]
        if None in tokens:
            raise AnswersError(f"expected a list of choice keys: {kind.expected_answer}")
        return _keys_answer(question, [token.lower() for token in tokens])
    raise AnswersError(f"expected {kind.expected_answer}, not {_describe(value)}")


def read_answers_text(source: Path | str) -> tuple[str, str]:
    """The text of an answers file and the name to report it by; "-" reads stdin once."""
    if str(source) == "-":
        if sys.stdin is None:  # the tool was started with stdin closed (`<&-`)
            raise AnswersError("standard input is closed, so there are no answers to read",
                               path="<stdin>", fix="pipe the answers in (`--answers - < answers.yaml`) "
                               "or pass the file's name")
        try:
            return sys.stdin.read(), "<stdin>"
        except UnicodeDecodeError:
            raise AnswersError("standard input is not UTF-8 text", path="<stdin>",
                               fix="send the answers as UTF-8 YAML") from None
    if not str(source).strip():  # Path("") would quietly mean the current folder
        raise AnswersError("the answers file name is empty",
                           fix="pass the file's name, or - to read the answers from standard input")
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise AnswersError("no such answers file", path=path,
                           fix="check the path, or pass - to read the answers from standard input"
                           ) from None
    except UnicodeDecodeError:
        raise AnswersError("the answers file is not UTF-8 text", path=path,
                           fix="save it as UTF-8") from None
    except OSError as error:
        raise AnswersError(f"can't read the answers file ({error.strerror})", path=path,
                           fix="check that it is a readable file") from None


def read_answer_mapping(source: Path | str) -> tuple[LineDict, str]:
    """Parse an answers file into a LineDict (keys with lines); errors name file:line."""
    text, name = read_answers_text(source)
    fix = "write one line per question, `question-id: answer` (see docs/quiz-format.md)"
    data = parse_yaml(text, name, AnswersError, fix=fix)
    if data is None:
        raise AnswersError("the answers file is empty", path=name, line=1, fix=fix)
    if not isinstance(data, LineDict):
        raise AnswersError(f"the answers file holds {_describe(data)}, not a mapping",
                           path=name, line=_line(data, 1), fix=fix)
    if data.duplicate_keys:
        key, line, first_line = data.duplicate_keys[0]
        raise AnswersError(f"{_show(key)} is answered twice (first on line {first_line})",
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
        question_id = _key_text(key, None)
        if question_id not in quiz.ids:
            raise AnswersError(
                f"the quiz has no question {_show(key)}", path=name, line=data.line_of(key),
                fix=f"use one of: {', '.join(quiz.ids)}" + _did_you_mean(question_id, quiz.ids))
        answers[question_id] = answer_from_yaml(quiz.question(question_id), data, key, name)
    return answers


# --------------------------------------------------------------------------
# Grading


def _normalize_text(text: str) -> str:
    return " ".join(text.split()).casefold()


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
        correct = _normalize_text(given) in {_normalize_text(accepted) for accepted in key}
    else:  # single and order: the exact key or sequence
        correct = given == key
    return (question.points if correct else 0.0), correct


def grade(quiz: Quiz, answers: Mapping[str, Any]) -> QuizResult:
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


# --------------------------------------------------------------------------
# Shuffling and showing


def _labels(count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    labels = list(letters)
    for first in letters:  # more than 26 choices: aa, ab, ...
        if len(labels) >= count:
            break
        labels.extend(first + second for second in letters)
    return labels[:count]


def shuffled(quiz: Quiz, seed: int | str) -> Quiz:
    """The quiz with questions and choices reordered (same seed, same order), keys relabelled a, b, c..."""
    rng = random.Random(seed if isinstance(seed, int) else str(seed))
    questions = list(quiz.questions)
    rng.shuffle(questions)
    return replace(quiz, questions=tuple(_shuffle_choices(q, rng) for q in questions))


def _shuffle_choices(question: Question, rng: random.Random) -> Question:
    if not question.type.has_choices:
        return question
    old = list(question.choices)
    rng.shuffle(old)
    relabel = {old_key: new_key for (old_key, _), new_key in zip(old, _labels(len(old)))}
    choices = tuple((relabel[key], text) for key, text in old)
    if question.type is QuestionType.SINGLE:
        answer: Answer = relabel[question.answer]
    elif question.type is QuestionType.ORDER:
        answer = tuple(relabel[key] for key in question.answer)
    else:
        answer = tuple(sorted((relabel[key] for key in question.answer), key=_labels(len(old)).index))
    return replace(question, choices=choices, answer=answer)


def format_answer(question: Question, answer: Any) -> str:
    """An answer as a person would write it: "b", "a, c", "0.25", "chain rule"."""
    if answer is None:
        return "(no answer)"
    if isinstance(answer, float):
        return f"{answer:.12g}"
    if isinstance(answer, tuple):
        joiner = " / " if question.type is QuestionType.TEXT else ", "
        return joiner.join(str(part) for part in answer)
    return str(answer)


# --------------------------------------------------------------------------
# Small helpers


def _number(value: Any) -> float | None:
    """A number written as a YAML number or as number-shaped text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def _key_text(value: Any, raw: str | None = None) -> str | None:
    """A choice key or id as text: YAML may have read `1` as a number."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return raw.strip() if raw is not None else str(value)
    return None


def _scalar_text(mapping: LineDict, key: str) -> str | None:
    value = mapping[key]
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return mapping.raw.get(key, str(value))
    return None


def _line(value: Any, default: int | None) -> int | None:
    return getattr(value, "line", default)


def _describe(value: Any) -> str:
    """What a wrong value is, for an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_show(value)}"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return f"a {type(value).__name__}"


def _show(value: Any, limit: int = 40) -> str:
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        # never repr a container: YAML aliases can make one exponentially large
        return _describe(value)
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _printable(value: Any) -> str:
    try:
        return _show(value, 80)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still just wrong
        return "(unreadable answer)"


def _closest(word: Any, options: tuple[str, ...] | list[str]) -> str | None:
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _did_you_mean(word: Any, options) -> str:
    guess = _closest(word, list(options))
    return f" (did you mean {guess}?)" if guess else ""
