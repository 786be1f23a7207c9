"""Reading a section's quiz.yaml: every problem as `quiz.yaml:LINE: what is wrong. the fix`.

A quiz.yaml is written by hand, so reading it is mostly checking it.
`find_problems` lists every problem (for `learnpath check`); `load_quiz` stops
at the first. The format is described for authors in docs/quiz-format.md and as
a JSON Schema in learnpath/schema/quiz.schema.json.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from learnpath.errors import QuizError
from learnpath.files import NotReadable, read_capped
from learnpath.quiz.kinds import OWN_KEYS, Answer, QuestionType
from learnpath.quiz.model import DEFAULT_PASS_MARK, DEFAULT_POINTS, DEFAULT_TOLERANCE, Question, Quiz
from learnpath.quiz.values import closest, describe, key_text, number_text, read_number, show
from learnpath.yamlsource import LineDict, LineList, parse_yaml

QUIZ_KEYS = ("pass_mark", "questions")
QUESTION_KEYS = (
    "id", "type", "prompt", "choices", "answer", "tolerance", "rel_tolerance",
    "points", "explanation", "hints", "accept",
)
CHOICE_KEYS = ("text", "why")
# Points are what PROGRESS.md writes as `quiz: 9/10`: kept to sizes it writes and
# reads back exactly (four decimals), whatever the number of questions.
MIN_POINTS, MAX_POINTS = 0.01, 1000
REQUIRED_QUESTION_KEYS = ("id", "type", "prompt", "answer", "explanation")

_ID = re.compile(r"[a-z0-9-]+")
_CHOICE_KEY = re.compile(r"[a-z0-9]+")



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
    try:
        text = read_capped(path, "quiz").decode("utf-8")
    except NotReadable as problem:
        if problem.missing:
            return None, [QuizError("the quiz file is missing", path=path,
                                    fix="create it (see docs/quiz-format.md)")]
        if "not a file" in problem.reason:  # a folder, or a named pipe that would never end
            return None, [QuizError("the quiz file is not a plain file", path=path,
                                    fix="replace it with a quiz.yaml text file (see docs/quiz-format.md)")]
        return None, [QuizError(f"the quiz file {problem.reason}", path=path, fix=problem.fix)]
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
        return read_capped(path, "quiz")[:offset].count(b"\n") + 1
    except NotReadable:
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
            self.problem(_line(data, 1), f"the top level is {describe(data)}, not a mapping",
                         "start the file with `questions:` (and optionally `pass_mark:`)")
            return None
        self.check_keys(data, QUIZ_KEYS, "the quiz", required=("questions",))
        pass_mark = DEFAULT_PASS_MARK
        if "pass_mark" in data:
            value = read_number(data["pass_mark"])
            if value is None or not 0 < value <= 1:
                self.problem(data.line_of("pass_mark"),
                             f"`pass_mark` must be a fraction above 0 and at most 1, "
                             f"not {describe(data['pass_mark'])}",
                             "write e.g. pass_mark: 0.8 (80% of the points)")
            else:
                pass_mark = value
        if "questions" not in data:
            return None  # reported by check_keys
        items = data["questions"]
        if not isinstance(items, LineList) or not items:
            self.problem(data.line_of("questions"),
                         f"`questions` must be a non-empty list, not {describe(items)}",
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
            guess = closest(key, allowed)
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
            self.problem(line, f"{owner} is {describe(item)}, not a mapping",
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
        points = self.read_points(item, owner)
        choices_and_whys = self.read_choices(item, kind, owner)
        choices, whys = choices_and_whys if choices_and_whys is not None else (None, ())
        answer = self.read_answer(item, kind, choices, owner)
        if kind is not None:
            for key, owner_type in OWN_KEYS.items():
                if key in item and owner_type is not kind:
                    self.problem(item.line_of(key),
                                 f"{owner} is a {kind.value} question; `{key}` is only for "
                                 f"{owner_type.value} ones", f"remove `{key}`")
        own = kind.kind.own_keys if kind is not None else ()  # the keys of this type alone
        accept = self.read_accept(item, owner) if "accept" in own else None
        tolerance, rel_tolerance = DEFAULT_TOLERANCE, None
        if "tolerance" in own:
            tolerance = self.read_positive(item, "tolerance", owner, DEFAULT_TOLERANCE, zero_ok=True)
        if "rel_tolerance" in own:
            rel_tolerance = self.read_positive(item, "rel_tolerance", owner, None, zero_ok=True)
        if len(self.problems) > count_before:
            return None
        return Question(
            id=question_id, type=kind, prompt=prompt, choices=choices or (), answer=answer,
            tolerance=tolerance, rel_tolerance=rel_tolerance, points=points,
            explanation=explanation, hints=hints, line=item.line, whys=whys, accept=accept,
        )

    def read_id(self, item: LineDict, owner: str) -> str | None:
        if "id" not in item:
            return None
        text = _scalar_text(item, "id")
        if text is None:
            self.problem(item.line_of("id"), f"{owner}: the id must be text, not "
                                             f"{describe(item['id'])}", "write e.g. id: value-memory")
            return None
        if not _ID.fullmatch(text):
            self.problem(item.line_of("id"), f"{owner}: the id {show(text)} may use only a-z, 0-9 and -",
                         "write e.g. id: value-memory")
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
        guess = closest(value, names)
        self.problem(item.line_of("type"), f"{owner} has an unknown type {show(value)}",
                     f"did you mean {guess}?" if guess else f"use one of: {', '.join(names)}")
        return None

    def read_text(self, item: LineDict, key: str, owner: str) -> str:
        if key not in item:
            return ""
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(item.line_of(key),
                         f"{owner}: `{key}` must be non-empty text, not {describe(value)}",
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
                         f"{owner}: `hints` must be a list of non-empty texts, not {describe(hints)}",
                         fix)
            return ()
        for index, hint in enumerate(hints):
            if not isinstance(hint, str) or not hint.strip():
                self.problem(hints.line_of(index),
                             f"{owner}: `hints` must be a list of non-empty texts; "
                             f"hint {index + 1} is {describe(hint)}", fix)
                return ()
        return tuple(hints)

    def read_positive(self, item: LineDict, key: str, owner: str, default: float | None,
                      *, zero_ok: bool) -> float | None:
        if key not in item:
            return default
        value = read_number(item[key])
        if value is None or not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
            wanted = "a number of at least 0" if zero_ok else "a number above 0"
            self.problem(item.line_of(key),
                         f"{owner}: `{key}` must be {wanted}, not {describe(item[key])}",
                         f"write e.g. {key}: {'0.001' if zero_ok else '2'}")
            return default
        return value

    def read_points(self, item: LineDict, owner: str) -> float:
        if "points" not in item:
            return DEFAULT_POINTS
        value = read_number(item["points"])
        if value is None or not MIN_POINTS <= value <= MAX_POINTS:  # NaN fails both comparisons
            self.problem(item.line_of("points"),
                         f"{owner}: `points` must be a number from {MIN_POINTS:g} to {MAX_POINTS:g}, "
                         f"not {describe(item['points'])}", "write e.g. points: 2")
            return DEFAULT_POINTS
        return value

    def read_accept(self, item: LineDict, owner: str) -> str | None:
        """The optional `accept:` regular expression of a text question, checked to compile."""
        if "accept" not in item:
            return None
        line, value = item.line_of("accept"), item["accept"]
        if not isinstance(value, str) or not value.strip():
            self.problem(line, f"{owner}: `accept` must be a regular expression, not {describe(value)}",
                         'write e.g. accept: "^(the )?chain[- ]rule$" (in quotes)')
            return None
        try:
            re.compile(value)
        except re.error as error:
            self.problem(line, f"{owner}: `accept` is not a valid regular expression ({error})",
                         "fix the pattern; test it with python -c 'import re; re.compile(...)'")
            return None
        return value

    def read_choices(self, item: LineDict, kind: QuestionType | None, owner: str
                     ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] | None:
        """((key, text) pairs, (key, why) pairs), or None if the choices are missing or broken.

        A choice is a plain text, or a mapping {text: ..., why: ...} whose `why`
        tells a learner who picks it what that choice means.
        """
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
                               f"not {describe(mapping)}",
                         "write choices: {a: \"first\", b: \"second\"}")
            return None
        broken = False
        for key, repeat_line, first_line in mapping.duplicate_keys:
            self.problem(repeat_line, f"{owner}: choice {key!r} is listed twice "
                                      f"(first on line {first_line})", "give each choice its own key")
            broken = True
        choices, whys = [], []
        for key, value in mapping.items():
            name = key_text(key)
            if name is None or not _CHOICE_KEY.fullmatch(name):
                self.problem(mapping.line_of(key),
                             f"{owner}: choice key {show(key)} may use only a-z and 0-9",
                             "use the keys a, b, c, ...")
                broken = True
                continue
            if isinstance(value, LineDict):
                text, why = self.read_choice_mapping(value, f"{owner}: choice {name!r}")
                if text is None:
                    broken = True
                    continue
                if why is not None:
                    whys.append((name, why))
            else:
                text = value if isinstance(value, str) else mapping.raw.get(key)
                if value is None or text is None or not text.strip():
                    self.problem(mapping.line_of(key),
                                 f"{owner}: choice {name!r} needs a text, not {describe(value)}",
                                 f'write {name}: "the text of the choice", '
                                 f'or {name}: {{text: "...", why: "..."}}')
                    broken = True
                    continue
            choices.append((name, text))
        return None if broken else (tuple(choices), tuple(whys))

    def read_choice_mapping(self, choice: LineDict, owner: str) -> tuple[str | None, str | None]:
        """(text, why) of a choice written as {text, why}; text None if it is broken."""
        count_before = len(self.problems)
        self.check_keys(choice, CHOICE_KEYS, owner, required=("text",))
        texts = []
        for key in CHOICE_KEYS:
            value = choice.get(key)
            written = value if isinstance(value, str) else choice.raw.get(key)
            if key in choice and (value is None or written is None or not written.strip()):
                self.problem(choice.line_of(key), f"{owner}: `{key}` must be non-empty text, "
                                                  f"not {describe(value)}",
                             f'write {key}: "..." in quotes')
                written = None
            texts.append(written if key in choice else None)
        if len(self.problems) > count_before:
            return None, None
        return texts[0], texts[1]

    def read_answer(self, item: LineDict, kind: QuestionType | None,
                    choices: tuple[tuple[str, str], ...] | None, owner: str) -> Answer | None:
        if kind is None or "answer" not in item:
            return None
        value, line = item["answer"], item.line_of("answer")

        def bad(message: str, fix: str) -> None:
            self.problem(line, f"{owner}: {message}", fix)

        keys = None if choices is None else [key for key, _ in choices]
        return kind.kind.read_key(value, item.raw.get("answer"), keys, bad)


def _scalar_text(mapping: LineDict, key: str) -> str | None:
    value = mapping[key]
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raw = mapping.raw.get(key)
        return raw if raw is not None else number_text(value)
    return None


def _line(value: Any, default: int | None) -> int | None:
    return getattr(value, "line", default)

