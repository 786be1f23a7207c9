"""The quiz model: questions, choices, answers and graded results, as plain values.

A quiz lives in the modules of learnpath/quiz/, one job each:

    model.py      this one: what a quiz and a graded attempt are, shuffling, showing
    kinds.py      the question types, one class each: read, parse, score, say how to answer
    file.py       reading and checking a section's quiz.yaml (`load_quiz`, `find_problems`)
    answers.py    reading a learner's answers (typed or from a file) and grading them
    schedule.py   when a missed question comes back for review (Leitner boxes)
    values.py     raw values from YAML or a keyboard, read and shown in messages

An answer, once read, is in its type's normal form (listed in kinds.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from learnpath.errors import AnswersError
from learnpath.quiz.kinds import Answer, QuestionType
from learnpath.quiz.values import did_you_mean, show

DEFAULT_PASS_MARK = 0.8
DEFAULT_TOLERANCE = 1e-9
DEFAULT_POINTS = 1.0


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
        """The whys of the choices a normalised answer picks, in choice order (an order is right or
        wrong as a whole, so no one choice explains it: it picks none)."""
        picked = self.type.kind.picked(answer)
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
            return self.type.kind.in_file_order(tuple(back.get(key, key) for key in answer))
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
    close: str | None = None  # a wrong number that is the key rounded: "close: give 4 decimals"


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
    if not question.type.kind.answer_is_an_order or len(keys) < 2:
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
    if question.type.kind.answer_is_an_order:
        # shown in its answer order, an order question would answer itself: draw again
        while [key for key, _ in old] == list(question.answer) and len(old) > 1:
            rng.shuffle(old)
    labels = choice_labels(len(old))
    relabel = {old_key: new_key for (old_key, _), new_key in zip(old, labels)}
    choices = tuple((relabel[key], text) for key, text in old)
    position = {label: index for index, label in enumerate(labels)}
    answer = question.type.kind.relabel(question.answer, relabel, position)
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
    return question.type.kind.joiner.join(f"**{key})** {' '.join(texts.get(key, '').split())}" for key in keys)


def format_answer(question: Question, answer: Any) -> str:
    """An answer as a person would write it: "b", "a, c", "0.25", "chain rule"."""
    if answer is None:
        return "(no answer)"
    if isinstance(answer, float):
        return f"{answer:.12g}"
    if isinstance(answer, tuple):
        return question.type.kind.shown(answer)
    return str(answer)
