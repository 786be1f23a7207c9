"""The question types, one class each: everything that differs between a single-choice question,
a number and a phrase lives here, and nowhere else.

A kind knows five things about its questions:

    read_key      check the `answer:` an author wrote in quiz.yaml and turn it into the key
    parse_typed   read what a learner typed ("b", "a, c", "ac", "1e-3", "chain rule")
    from_number   / from_list: read an answer that YAML or code gave as a number or a list
    score         (points earned, fully right) for an answer in its normal form
    expected      / how_to_answer: say what an answer looks like (errors, the terminal)

plus the few things shuffling and showing need (`picked`, `relabel`, `in_file_order`,
`joiner`, `shown`). `KINDS` maps each QuestionType to its one instance. Adding a
type: a QuestionType value, a class here, its entry in KINDS, and its tests
(docs/architecture.md walks through it).

The normal forms of an answer, once read:

    single    "b"                  one choice key
    multiple  ("a", "c")           keys, in the order the choices are listed
    order     ("c", "a", "b")      every key once, in the order given
    numeric   0.25                 a float
    text      "chain rule"         the text as typed
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Protocol, Union

from learnpath.errors import AnswersError
from learnpath.quiz.values import describe, key_text, read_number, show
from learnpath.yamlsource import LineDict, LineList

Answer = Union[str, "tuple[str, ...]", float]
# reports a problem with quiz.yaml's `answer:` (message, fix); the reader adds file:line and owner
Problem = Callable[[str, str], None]


class QuestionType(str, Enum):
    """The five kinds of question a quiz.yaml can hold (the `type:` of a question)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMERIC = "numeric"
    TEXT = "text"
    ORDER = "order"

    @property
    def kind(self) -> Kind:
        """The class that knows how questions of this type are read, parsed and scored."""
        return KINDS[self]

    @property
    def has_choices(self) -> bool:
        """Whether questions of this type list lettered choices."""
        return self.kind.has_choices

    @property
    def expected_answer(self) -> str:
        """The shape of an answer, said the way an error message needs it."""
        return self.kind.expected


class Asked(Protocol):
    """What a kind needs of a question (quiz.model.Question is one)."""

    @property
    def choice_keys(self) -> tuple[str, ...]: ...
    @property
    def answer(self) -> Answer: ...
    @property
    def points(self) -> float: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def rel_tolerance(self) -> float | None: ...
    @property
    def accept(self) -> str | None: ...
    @property
    def prompt(self) -> str: ...


class Kind:
    """What every question type shares; each subclass says what is its own."""

    type: QuestionType
    has_choices = False
    expected = ""  # the shape of an answer, for error messages
    how_to_answer = "Type your answer."  # under the question at the terminal
    own_keys: tuple[str, ...] = ()  # quiz.yaml keys only this type takes
    joiner = "; "  # between the choices an answer names, when spelled out
    answer_is_an_order = False  # then the choices must never be shown in the answer's order

    def read_key(self, value: Any, raw: str | None, keys: list[str] | None, bad: Problem) -> Answer | None:
        """The key of a question from quiz.yaml's `answer:` (None after calling `bad`)."""
        raise NotImplementedError

    def parse_typed(self, question: Asked, text: str) -> Answer:
        """An answer typed by a person, already stripped and not empty; AnswersError if unusable."""
        raise NotImplementedError

    def from_number(self, question: Asked, value: int | float) -> Answer:
        """An answer YAML read as a number: a key like `1`, read as typed."""
        try:
            text = str(value)
        except ValueError:  # an int too long to print is no choice key either
            raise AnswersError(f"expected {self.expected}") from None
        return parse_typed(self, question, text)

    def from_list(self, question: Asked, value: Any) -> Answer:
        """An answer given as a list or set; only some types take one."""
        raise AnswersError(f"expected {self.expected}, not {describe(value)}")

    def score(self, question: Asked, given: Answer) -> tuple[float, bool]:
        """(points earned, fully correct): all or nothing, unless a type gives partial credit."""
        correct = self.correct(question, given)
        return (question.points if correct else 0.0), correct

    def correct(self, question: Asked, given: Answer) -> bool:
        return given == question.answer

    def close(self, question: Asked, given: Answer) -> str | None:
        """For a wrong answer that is nearly right, what would make it right (else None)."""
        return None

    def picked(self, answer: Any) -> set[str]:
        """The choices an answer picks one by one (whose whys explain it); none by default."""
        return set()

    def relabel(self, answer: Answer, relabel: Mapping[str, str], position: Mapping[str, int]) -> Answer:
        """The key after the choices were shuffled and relabelled (`relabel`: old key -> new)."""
        return answer

    def in_file_order(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """Keys mapped back to quiz.yaml's, in the order an answers file lists them."""
        return keys

    def shown(self, answer: tuple) -> str:
        """A tuple answer as a person writes it."""
        return ", ".join(str(part) for part in answer)


# ---- the three types with lettered choices ---------------------------------------


class _WithChoices(Kind):
    has_choices = True

    def parse_typed(self, question: Asked, text: str) -> Answer:
        keys = question.choice_keys
        tokens = [token for token in re.split(r"[\s,;]+", text.lower()) if token]
        if (self.takes_run_together and len(tokens) == 1 and len(tokens[0]) > 1
                and all(len(key) == 1 for key in keys) and all(ch in keys for ch in tokens[0])):
            tokens = list(tokens[0])  # "ac" for a, c when every key is one letter
        return self.from_keys(question, tokens)

    takes_run_together = True  # "ac" may mean a, c

    def from_keys(self, question: Asked, tokens: list[str]) -> Answer:
        """Check a list of choice keys against the question's choices."""
        keys = question.choice_keys
        unknown = [token for token in tokens if token not in keys]
        if unknown:
            raise AnswersError(f"{', '.join(map(repr, unknown))} "
                               f"{'is not a choice' if len(unknown) == 1 else 'are not choices'}: "
                               f"choose from {', '.join(keys)}")
        return self.keys_answer(question, tokens)

    def keys_answer(self, question: Asked, tokens: list[str]) -> Answer:
        """The normal form of a list of known keys (AnswersError if it is the wrong count)."""
        raise NotImplementedError

    def relabel_keys(self, answer: Answer, relabel: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(relabel[key] for key in answer)


class _KeyList(_WithChoices):
    """Multiple and order: the answer is a list of keys, in quiz.yaml and from code."""

    def read_key(self, value: Any, raw: str | None, keys: list[str] | None, bad: Problem) -> Answer | None:
        if keys is None:
            return None  # the choices are broken and already reported
        given = [key_text(entry, text) for entry, text in
                 zip(value, value.raw)] if isinstance(value, LineList) else None
        if not given or None in given:
            bad(f"a {self.type.value} answer is a list of keys, not {describe(value)}",
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
        return self.listed_key(given, keys, bad)

    def listed_key(self, given: list, keys: list[str], bad: Problem) -> Answer | None:
        raise NotImplementedError

    def from_list(self, question: Asked, value: Any) -> Answer:
        if not isinstance(value, (list, tuple, set, frozenset)):
            return super().from_list(question, value)
        tokens = [key_text(entry) for entry in value]
        if None in tokens:
            raise AnswersError(f"expected a list of choice keys: {self.expected}")
        return self.from_keys(question, [token.lower() for token in tokens])


class Single(_WithChoices):
    type = QuestionType.SINGLE
    expected = "one choice key, e.g. b"
    how_to_answer = "Type one letter."
    joiner = "; "
    takes_run_together = False

    def read_key(self, value: Any, raw: str | None, keys: list[str] | None, bad: Problem) -> Answer | None:
        if keys is None:
            return None  # the choices are broken and already reported
        key = key_text(value, raw)
        if key is None:
            bad(f"a single-choice answer is one key, not {describe(value)}",
                "write e.g. answer: b (for several right keys use type: multiple)")
        elif key not in keys:
            bad(f"the answer {key!r} is not one of the choices ({', '.join(keys)})",
                "make the answer one of the choice keys")
        else:
            return key
        return None

    def keys_answer(self, question: Asked, tokens: list[str]) -> Answer:
        if len(tokens) != 1:
            raise AnswersError(f"pick exactly one choice: type {self.expected}")
        return tokens[0]

    def picked(self, answer: Any) -> set[str]:
        return {answer} if isinstance(answer, str) else set()

    def relabel(self, answer: Answer, relabel: Mapping[str, str], position: Mapping[str, int]) -> Answer:
        return relabel[answer]


class Multiple(_KeyList):
    """Every right choice; partial credit for each right one picked, less each wrong one."""

    type = QuestionType.MULTIPLE
    expected = "the keys of every right choice, e.g. a, c"
    how_to_answer = "Type every letter that applies, e.g. a, c."
    joiner = "; "

    def listed_key(self, given: list, keys: list[str], bad: Problem) -> Answer | None:
        return tuple(key for key in keys if key in given)

    def keys_answer(self, question: Asked, tokens: list[str]) -> Answer:
        if not tokens:
            raise AnswersError(f"the answer is empty: type {self.expected}")
        return tuple(key for key in question.choice_keys if key in tokens)

    def score(self, question: Asked, given: Answer) -> tuple[float, bool]:
        picked, right = set(given), set(question.answer)
        fraction = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
        return fraction * question.points, picked == right

    def picked(self, answer: Any) -> set[str]:
        return set(answer) if isinstance(answer, tuple) else set()

    def relabel(self, answer: Answer, relabel: Mapping[str, str], position: Mapping[str, int]) -> Answer:
        return tuple(sorted(self.relabel_keys(answer, relabel), key=position.__getitem__))

    def in_file_order(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(keys, key=lambda key: (len(key), key)))  # a, b, ..., z, aa, ...


class Order(_KeyList):
    """Every choice once, in the right order; right or wrong as a whole."""

    type = QuestionType.ORDER
    expected = "every choice key once, in the right order, e.g. c, a, b"
    how_to_answer = "Type the letters in the right order, e.g. c a b."
    joiner = ", then "
    answer_is_an_order = True

    def listed_key(self, given: list, keys: list[str], bad: Problem) -> Answer | None:
        if sorted(given) != sorted(keys):
            missing = [key for key in keys if key not in given]
            bad(f"an order answer must list every choice key once; it leaves out "
                f"{', '.join(missing)}", f"write all {len(keys)} keys in the right order")
            return None
        return tuple(given)

    def keys_answer(self, question: Asked, tokens: list[str]) -> Answer:
        if not tokens:
            raise AnswersError(f"the answer is empty: type {self.expected}")
        if sorted(tokens) != sorted(question.choice_keys):
            raise AnswersError(f"put all {len(question.choice_keys)} choices in order, each once: "
                               f"type {self.expected}")
        return tuple(tokens)

    def from_list(self, question: Asked, value: Any) -> Answer:
        if isinstance(value, (set, frozenset)):
            raise AnswersError(f"an order needs a sequence: {self.expected}")
        return super().from_list(question, value)

    def relabel(self, answer: Answer, relabel: Mapping[str, str], position: Mapping[str, int]) -> Answer:
        return self.relabel_keys(answer, relabel)


# ---- the two types without choices ---------------------------------------------------

_FRACTION = re.compile(r"([-+]?\d+)\s*/\s*(\d+)")


class Written(float):
    """A number as a learner wrote it: its value, and how many decimals they gave (None when it
    can't be told, as in 1e-3 or 1/4), so "1.386" for 1.386294 can be called close."""

    decimals: int | None

    def __new__(cls, value: float, decimals: int | None = None) -> Written:
        number = super().__new__(cls, value)
        number.decimals = decimals
        return number


# The numeric policy (docs/quiz-format.md, "Numbers"): every number a person would write for
# a value is read, never refused as malformed. Digits may be grouped by thousands with commas,
# spaces or underscores ("16,640", "16 640"); a comma followed by other than exactly three
# digits is a decimal comma ("0,25"). A percent sign means "of a hundred" where the prompt asks
# for a percentage or percent (75% is 75 there) and a fraction anywhere else (75% is 0.75).
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:([,_ \u00a0\u202f\u2009])\d{3})(?:\1\d{3})*(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+")
_DOTS_THEN_COMMA = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+")  # 16.640,5: dots group, the comma is decimal
_ASKS_PERCENT = re.compile(r"percent|\bper cent|%", re.I)
_PLAIN_DECIMALS = re.compile(r"[-+]?\d*\.?(\d*)")


class Numeric(Kind):
    """A number, right within `tolerance` (absolute) or `rel_tolerance` (relative)."""

    type = QuestionType.NUMERIC
    expected = "a number, e.g. 0.25, -3, 1e-3, 16,640 or 75%"
    how_to_answer = "Type a number (0.001, 1e-3, 1/4, 16,640 and 75% all work)."
    own_keys = ("tolerance", "rel_tolerance")

    def read_key(self, value: Any, raw: str | None, keys: list[str] | None, bad: Problem) -> Answer | None:
        number = read_number(value)
        if number is None or not math.isfinite(number):
            bad(f"a numeric answer must be a number, not {describe(value)}",
                "write e.g. answer: 0.25 or answer: 1e-3")
        return number

    def parse_typed(self, question: Asked, text: str) -> Answer:
        written = text.strip().replace("\u2212", "-")  # a typographic minus, pasted
        percent = written.endswith("%")
        if percent:
            written = written[:-1].rstrip()
        if _GROUPED.fullmatch(written):
            written = re.sub(r"[,_ \u00a0\u202f\u2009]", "", written)
        elif _DOTS_THEN_COMMA.fullmatch(written):
            written = written.replace(".", "").replace(",", ".")
        elif _DECIMAL_COMMA.fullmatch(written):
            written = written.replace(",", ".")
        number = read_number(written)
        decimals = None
        plain = _PLAIN_DECIMALS.fullmatch(written)
        if number is not None and plain:
            decimals = len(plain.group(1))
        fraction = _FRACTION.fullmatch(written)
        if number is None and fraction:
            try:
                number = int(fraction.group(1)) / int(fraction.group(2))
            except (ZeroDivisionError, OverflowError, ValueError):
                number = None  # 1/0, or digits too many for a float
        if number is None or not math.isfinite(number):
            raise AnswersError(f"{show(text)} is not a number: type {self.expected}")
        if percent and not _ASKS_PERCENT.search(getattr(question, "prompt", "") or ""):
            number /= 100  # 75% where a fraction is asked for is 0.75
            decimals = None if decimals is None else decimals + 2
        return Written(number, decimals)

    def from_number(self, question: Asked, value: int | float) -> Answer:
        if isinstance(value, Written):  # read already: keep the decimals it was written with
            return value
        number = read_number(value)
        if number is None or not math.isfinite(number):
            raise AnswersError(f"expected {self.expected}")
        return number

    def correct(self, question: Asked, given: Answer) -> bool:
        error = abs(given - question.answer)
        return bool(error <= question.tolerance or (
            question.rel_tolerance is not None and error <= question.rel_tolerance * abs(question.answer)))

    def close(self, question: Asked, given: Answer) -> str | None:
        """"close: give 4 decimals" when the answer is the key rounded to the decimals the learner
        gave, but the question's tolerance asks for more (a rounding, not a mistake)."""
        decimals = getattr(given, "decimals", None)
        if decimals is None or self.correct(question, given):
            return None
        key = float(question.answer)
        if abs(given - key) > 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-12:
            return None  # not the key rounded: a different number
        if question.rel_tolerance is not None and key != 0:
            figures = _digits_for(question.rel_tolerance)
            return f"close: give {figures} significant figures"
        wanted = _digits_for(question.tolerance)
        if wanted <= decimals:
            return None
        return f"close: give {wanted} decimal{'s' if wanted != 1 else ''}"


def _digits_for(tolerance: float) -> int:
    """How many digits a rounded answer needs to land within `tolerance` (half a unit of the last)."""
    if tolerance <= 0:
        return 12
    return max(0, min(12, math.ceil(-math.log10(2 * tolerance) - 1e-9)))


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


class Text(Kind):
    """A word or short phrase: one of the accepted wordings, or a match of `accept`."""

    type = QuestionType.TEXT
    expected = "a word or a short phrase"
    how_to_answer = "Type a word or a short phrase."
    own_keys = ("accept",)

    def read_key(self, value: Any, raw: str | None, keys: list[str] | None, bad: Problem) -> Answer | None:
        accepted = [value] if not isinstance(value, LineList) else list(value)
        raws = [raw] if not isinstance(value, LineList) else value.raw
        texts = [
            entry if isinstance(entry, str) else written
            for entry, written in zip(accepted, raws)
            if not isinstance(entry, (LineDict, LineList)) and entry is not None
        ]
        if not accepted or len(texts) != len(accepted) or not all(t.strip() for t in texts):
            bad(f"a text answer must be a list of accepted answers, not {describe(value)}",
                'write e.g. answer: ["chain rule", "the chain rule"]')
            return None
        return tuple(texts)

    def parse_typed(self, question: Asked, text: str) -> Answer:
        return " ".join(text.split())

    def correct(self, question: Asked, given: Answer) -> bool:
        typed = normalize_text(given)
        if typed in {normalize_text(accepted) for accepted in question.answer}:
            return True
        if question.accept is None or len(given) > _LONGEST_TEXT_ANSWER:
            return False
        # the pattern sees the answer with and without its article, so `^(the )?x$` and `^x$` both work
        light = " ".join(unicodedata.normalize("NFC", given).casefold().split()).strip(_SURROUNDING)
        pattern = re.compile(question.accept, re.IGNORECASE)
        return any(pattern.search(form) for form in (light, typed))

    def shown(self, answer: tuple) -> str:
        return str(answer[0]) if answer else ""  # the author's first wording, not every variant


KINDS: dict[QuestionType, Kind] = {kind.type: kind for kind in (Single(), Multiple(), Numeric(), Text(), Order())}
# quiz.yaml keys that belong to one type only, and the type they belong to
OWN_KEYS: dict[str, QuestionType] = {key: kind.type for kind in KINDS.values() for key in kind.own_keys}


def parse_typed(kind: Kind, question: Asked, text: Any) -> Answer:
    """What a person typed, in its normal form; AnswersError saying the expected shape if unusable."""
    if not isinstance(text, str):
        raise AnswersError(f"expected {kind.expected}")
    text = text.strip()
    if not text:
        raise AnswersError(f"the answer is empty: type {kind.expected}")
    return kind.parse_typed(question, text)


def normalize(kind: Kind, question: Asked, value: Any) -> Answer | None:
    """An answer from code or YAML (text, number or list) in its normal form; None = unanswered."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_typed(kind, question, value)
    if isinstance(value, bool):
        raise AnswersError(f"true/false is not an answer here: give {kind.expected}")
    if isinstance(value, (int, float)):
        return kind.from_number(question, value)
    return kind.from_list(question, value)


def kinds_in_order() -> Sequence[Kind]:
    """Every kind, in the order QuestionType lists them (for docs and the schema)."""
    return [KINDS[question_type] for question_type in QuestionType]
