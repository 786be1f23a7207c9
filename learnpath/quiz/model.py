"""The quiz model: questions, choices, answers and graded results, as plain values.

A quiz lives in three modules, one job each:

    quiz.py       this one: what a quiz and a graded attempt are, shuffling, showing
    quizfile.py   reading and checking a section's quiz.yaml (`load_quiz`, `find_problems`)
    answers.py    reading a learner's answers (typed or from a file) and grading them

Answers, once read, have one normal form per type:

    single    "b"                  one choice key
    multiple  ("a", "c")           keys, in the order the choices are listed
    order     ("c", "a", "b")      every key once, in the order given
    numeric   0.25                 a float
    text      "chain rule"         the text as typed
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Union

from learnpath.errors import AnswersError

DEFAULT_PASS_MARK = 0.8
DEFAULT_TOLERANCE = 1e-9
DEFAULT_POINTS = 1.0

# YAML 1.1 (what PyYAML reads) only knows floats with a dot, so `1e-3` arrives
# as text. Anything this pattern matches is read as a number wherever one is due.
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")

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
    # (key, why) for each choice written as {text, why}: what picking it means
    whys: tuple[tuple[str, str], ...] = ()
    # text only: a regular expression an answer may match instead (after normalising)
    accept: str | None = None
    # after shuffling: (key shown, key in quiz.yaml) for each choice; empty in file order
    file_keys: tuple[tuple[str, str], ...] = ()

    @property
    def choice_keys(self) -> tuple[str, ...]:
        """The choice keys in the order the choices are listed."""
        return tuple(key for key, _ in self.choices)

    def why(self, key: str) -> str | None:
        """The author's word on picking the choice `key`, if they wrote one."""
        return dict(self.whys).get(key)

    def whys_for(self, answer: Any) -> tuple[str, ...]:
        """The whys of the choices in a normalised answer (single or multiple), in choice order."""
        if self.type is QuestionType.SINGLE and isinstance(answer, str):
            picked = {answer}
        elif self.type is QuestionType.MULTIPLE and isinstance(answer, tuple):
            picked = set(answer)
        else:
            return ()  # an order is right or wrong as a whole; no one choice explains it
        return tuple(why for key, why in self.whys if key in picked)

    def in_file_keys(self, answer: Any) -> Any:
        """A normalised answer given in the shown (shuffled) keys, in quiz.yaml's keys instead.

        Answers files always use quiz.yaml's keys, so this is how an answer
        typed in a shuffled quiz is saved for `--answers`.
        """
        if not self.file_keys or answer is None:
            return answer
        back = dict(self.file_keys)
        if isinstance(answer, str):
            return back.get(answer, answer)
        if isinstance(answer, tuple) and self.type.has_choices:
            keys = tuple(back.get(key, key) for key in answer)
            if self.type is QuestionType.MULTIPLE:  # a set: listed a, b, ..., z, aa, ...
                keys = tuple(sorted(keys, key=lambda key: (len(key), key)))
            return keys
        return answer


@dataclass(frozen=True)
class Quiz:
    """A section's quiz: its questions in file order and the mark needed to pass."""

    path: Path
    pass_mark: float
    questions: tuple[Question, ...]
    seed: int | None = None  # the seed of `shuffled`, None in file order

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
            f"the quiz has no question {show(question_id)}",
            path=self.path,
            fix=f"use one of: {', '.join(self.ids)}" + did_you_mean(question_id, self.ids),
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
    whys: tuple[str, ...] = ()  # the author's word on each choice picked, in choice order


@dataclass(frozen=True)
class QuizResult:
    """A graded attempt at a quiz (or at part of one, in a review)."""

    score: float
    total: float
    pass_mark: float
    passed: bool
    results: tuple[QuestionResult, ...]


# --------------------------------------------------------------------------
# Shuffling and showing


def choice_labels(count: int) -> list[str]:
    """a, b, ..., z, aa, ab, ...: as many labels as there are choices (spreadsheet columns)."""
    labels = []
    for number in range(1, count + 1):
        label = ""
        while number:
            number, digit = divmod(number - 1, 26)
            label = "abcdefghijklmnopqrstuvwxyz"[digit] + label
        labels.append(label)
    return labels


def new_seed() -> int:
    """A fresh seed for one attempt's order, small enough to type back with --seed."""
    return random.SystemRandom().randrange(1, 10**6)


def shuffled(quiz: Quiz, seed: int | str) -> Quiz:
    """The quiz with questions and choices reordered, keys relabelled a, b, c...

    The same seed gives the same order, so an attempt can be replayed from the
    seed recorded in the attempt log.
    """
    rng = random.Random(seed if isinstance(seed, int) else str(seed))
    questions = list(quiz.questions)
    rng.shuffle(questions)
    return replace(quiz, questions=tuple(shuffle_choices(q, rng) for q in questions),
                   seed=seed if isinstance(seed, int) else None)


def asking_order(question: Question) -> list[str]:
    """The keys in the order a tutor should show them, quiz.yaml's keys kept.

    The file's order, except for an order question, whose file order may be its
    answer: that is shown in a fixed other order (the same for every call, so a
    tutor and a later grading agree), never the answer's.
    """
    keys = [key for key, _ in question.choices]
    if question.type is not QuestionType.ORDER or len(keys) < 2:
        return keys
    rng = random.Random(f"ask {question.id}")
    while keys == list(question.answer):
        rng.shuffle(keys)
    return keys


def choices_shuffled(quiz: Quiz, seed: int) -> Quiz:
    """The quiz with each question's choices shuffled but the questions left in place.

    Review asks its questions most overdue first, so only the choices move.
    """
    rng = random.Random(seed)
    return replace(quiz, questions=tuple(shuffle_choices(q, rng) for q in quiz.questions), seed=seed)


def shuffle_choices(question: Question, rng: random.Random) -> Question:
    """One question with its choices in a random order and relabelled a, b, c...

    Everything that names a key (the answer, the whys) follows its choice.
    """
    if not question.type.has_choices:
        return question
    old = list(question.choices)
    rng.shuffle(old)
    if question.type is QuestionType.ORDER:
        # shown in its answer order, an order question would answer itself: draw again
        while [key for key, _ in old] == list(question.answer) and len(old) > 1:
            rng.shuffle(old)
    labels = choice_labels(len(old))
    relabel = {old_key: new_key for (old_key, _), new_key in zip(old, labels)}
    choices = tuple((relabel[key], text) for key, text in old)
    position = {label: index for index, label in enumerate(labels)}
    if question.type is QuestionType.SINGLE:
        answer: Answer = relabel[question.answer]
    elif question.type is QuestionType.ORDER:
        answer = tuple(relabel[key] for key in question.answer)
    else:
        answer = tuple(sorted((relabel[key] for key in question.answer), key=position.__getitem__))
    whys = tuple(sorted(((relabel[key], why) for key, why in question.whys),
                        key=lambda pair: position[pair[0]]))
    original = dict(question.file_keys) if question.file_keys else {}
    file_keys = tuple((relabel[key], original.get(key, key)) for key, _ in old)
    return replace(question, choices=choices, answer=answer, whys=whys, file_keys=file_keys)


def spelled_out(question: Question, answer: Any) -> str:
    """An answer with the text of each choice it names, as Markdown: "b) `3`", "a) x; c) z".

    For feedback, where a bare letter would make the learner look back up the screen.
    """
    if not question.type.has_choices or answer is None:
        return format_answer(question, answer)
    texts = dict(question.choices)
    keys = (answer,) if isinstance(answer, str) else tuple(answer)
    joiner = ", then " if question.type is QuestionType.ORDER else "; "
    return joiner.join(f"**{key})** {' '.join(texts.get(key, '').split())}" for key in keys)


def format_answer(question: Question, answer: Any) -> str:
    """An answer as a person would write it: "b", "a, c", "0.25", "chain rule"."""
    if answer is None:
        return "(no answer)"
    if isinstance(answer, float):
        return f"{answer:.12g}"
    if isinstance(answer, tuple):
        if question.type is QuestionType.TEXT:
            return str(answer[0]) if answer else ""  # the author's first wording, not every variant
        return ", ".join(str(part) for part in answer)
    return str(answer)


# --------------------------------------------------------------------------
# Small helpers


def read_number(value: Any) -> float | None:
    """A number written as a YAML number or as number-shaped text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def key_text(value: Any, raw: str | None = None) -> str | None:
    """A choice key or id as text: YAML may have read `1` as a number."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return raw.strip() if raw is not None else str(value)
    return None



def describe(value: Any) -> str:
    """What a wrong value is, for an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {show(value)}"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return f"a {type(value).__name__}"


def show(value: Any, limit: int = 40) -> str:
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        # never repr a container: YAML aliases can make one exponentially large
        return describe(value)
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."



def closest(word: Any, options: tuple[str, ...] | list[str]) -> str | None:
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: Any, options) -> str:
    guess = closest(word, list(options))
    return f" (did you mean {guess}?)" if guess else ""
