"""Quiz rules a sound quiz.yaml can still break: the ones `learnpath check --strict` adds.

The loader (quiz/file.py) makes sure a quiz can be asked and graded. These rules
make sure it measures understanding rather than test-taking: that the key can't
be found by its position or its length, that nothing breaks when choices are
shuffled and relabelled, and that each question still makes sense asked alone
in a review. docs/authoring.md says why each rule exists.

Each rule is a pure function of a loaded Quiz returning Findings, so it can be
tested on a quiz written inline.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from learnpath.quiz.model import Question, QuestionType, Quiz

STANDARD = "docs/authoring.md"


@dataclass(frozen=True)
class Finding:
    """One broken rule: the question's line (None for the quiz as a whole), what, and the fix."""

    line: int | None
    message: str
    fix: str


def lint_quiz(quiz: Quiz) -> list[Finding]:
    """Every finding of every rule, in line order (whole-quiz findings first)."""
    findings = position_bias(quiz)
    for question in quiz.questions:
        findings += letter_references(question)
        findings += leans_on_other_questions(question)
        findings += numbers_as_text(question)
        findings += precision_unstated(question)
    return sorted(findings, key=lambda finding: finding.line or 0)


# ---- choices named by letter ------------------------------------------------------

# "(a)", "a)" or "option a" / "choice b": after shuffling, the letter names another choice.
_PAREN_LETTER = re.compile(r"(?<![\w(\[])\(([a-z])\)")
_BARE_LETTER = re.compile(r"^[ \t]*([a-z])\)(?=[\s,.;:]|$)", re.M)  # a list item "b) ..."
_NAMED_LETTER = re.compile(
    r"\b(?:option|choice|answer)s?\s+\(?([a-z])\)?"
    r"(?=\s*(?:[).,;:!?]|$|\s(?:is|and|or|was|were|would|gives|says|are|can)\b))", re.I | re.M)


def letter_references(question: Question) -> list[Finding]:
    """Texts that point at a choice by its letter, which shuffling changes."""
    if not question.type.has_choices:
        return []
    keys = set(question.choice_keys)
    texts = [("explanation", question.explanation), ("prompt", question.prompt)]
    texts += [(f"the why of choice {key!r}", why) for key, why in question.whys]
    texts += [(f"hint {number}", hint) for number, hint in enumerate(question.hints, start=1)]
    findings = []
    for where, text in texts:
        for pattern in (_PAREN_LETTER, _BARE_LETTER, _NAMED_LETTER):
            match = next((m for m in pattern.finditer(text) if m.group(1).lower() in keys), None)
            if match:
                findings.append(Finding(
                    question.line,
                    f"question {question.id!r}: {where} names a choice by its letter "
                    f"({match.group(0).strip()!r})",
                    "Name the choice by what it says: choices are shuffled and relabelled "
                    f"on every attempt ({STANDARD})"))
                break
    return findings


# ---- the key findable by position or length -----------------------------------------


def position_bias(quiz: Quiz) -> list[Finding]:
    """Single-choice keys bunched on one letter, or the key the longest choice too often.

    Shuffling hides this from learners, but not from anyone reading the file or
    taking the quiz with --no-shuffle, and it betrays distractors written in
    less care than the key.
    """
    singles = [q for q in quiz.questions if q.type is QuestionType.SINGLE]
    if len(singles) < 2:
        return []  # one question can't show a pattern
    findings = []
    letter, count = Counter(q.answer for q in singles).most_common(1)[0]
    if count * 2 > len(singles):
        findings.append(Finding(
            None, f"{count} of the {len(singles)} single-choice keys are {letter!r}",
            f"Spread the keys over the positions: no letter may hold more than half ({STANDARD})"))
    longest = [q.id for q in singles if _key_is_longest(q)]
    if len(longest) * 2 > len(singles):
        findings.append(Finding(
            None, f"the key is the longest choice in {len(longest)} of the {len(singles)} "
                  f"single-choice questions ({', '.join(longest)})",
            "Write wrong choices as long and as careful as the right one, or a tighter key "
            f"({STANDARD})"))
    return findings


def _key_is_longest(question: Question) -> bool:
    lengths = {key: len(" ".join(text.split())) for key, text in question.choices}
    key_length = lengths.pop(question.answer)
    return all(key_length > length for length in lengths.values())


# ---- questions that lean on another -----------------------------------------------

# A question may be asked alone (in review) or after any other (shuffled).
_LEANS_ALWAYS = re.compile(
    r"\b(?:same (?:function|network|graph|model|value|expression|code|example|setup|numbers|net|neuron|layer)"
    r"|(?:previous|last|earlier|preceding|next|prior|following) question"
    r"|question \d+|(?:all|both|none|either|neither) of the above)\b", re.I)
_LEANS_ABOVE = re.compile(
    r"\b(?:as above|(?:the )?(?:function|code|network|graph|example|expression|snippet|value|"
    r"loop|model|one|result|answer)s? above|above (?:function|code|example|question))\b", re.I)
_CODE = re.compile(r"```|~~~|^(?: {4}|\t)\S", re.M)


def leans_on_other_questions(question: Question) -> list[Finding]:
    """Wording that only makes sense right after another question ("as above", "same function")."""
    texts = [("prompt", question.prompt), ("explanation", question.explanation)]
    texts += [(f"choice {key!r}", text) for key, text in question.choices]
    texts += [(f"hint {number}", hint) for number, hint in enumerate(question.hints, start=1)]
    texts += [(f"the why of choice {key!r}", why) for key, why in question.whys]
    for where, text in texts:
        match = _LEANS_ALWAYS.search(text)
        if match is None:
            above = _LEANS_ABOVE.search(text)
            # "the code above" is fine when that code is in the same text, before the words
            if above is not None and not _CODE.search(text[: above.start()]):
                match = above
        if match is not None:
            return [Finding(
                question.line,
                f"question {question.id!r}: {where} leans on another question "
                f"({match.group(0)!r})",
                "Make it stand alone: questions are shuffled and asked alone in review; "
                f"repeat what it needs, e.g. the function itself ({STANDARD})")]
    return []


# ---- numbers asked as text ----------------------------------------------------------

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion half"
).split()
_NUMBER_TEXT = re.compile(
    r"[-+−]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?:\s*/\s*\d+)?\s*%?"
    r"|(?:(?:a|an|the)\s+)?(?:" + "|".join(_NUMBER_WORDS) + r")(?:[\s-](?:" + "|".join(_NUMBER_WORDS) + r"))*",
    re.I)


def numbers_as_text(question: Question) -> list[Finding]:
    """A text question whose accepted answers are all numbers: "One." and "1.0" should both count."""
    if question.type is not QuestionType.TEXT:
        return []
    answers = [" ".join(str(a).split()).strip(" .!") for a in question.answer]
    if answers and all(_NUMBER_TEXT.fullmatch(answer) for answer in answers):
        return [Finding(
            question.line,
            f"question {question.id!r} is a text question whose answers are all numbers "
            f"({', '.join(map(repr, answers[:3]))})",
            "Make it type: numeric with answer: <the number> (and a tolerance if needed), so "
            f"1, 1.0 and 1e0 are all right ({STANDARD})")]
    return []


# ---- numbers that don't say how exact they must be -----------------------------------

# how a prompt states the precision it wants (docs/quiz-format.md, "Numbers")
_PRECISION = re.compile(
    r"\((?:to )?(?:\d+|one|two|three|four|five|six) decimal(?: places?|s)?\)"
    r"|\(exact(?:ly)?\)|\(an? whole number\)|\((?:to )?\d+ significant (?:figures?|digits?)\)",
    re.I)


def precision_unstated(question: Question) -> list[Finding]:
    """A numeric question must say how exact an answer must be: its prompt states it, e.g.
    "(to 4 decimal places)", "(exact)", "(a whole number)" or "(3 significant figures)", or it
    carries rel_tolerance. Otherwise 1.386 for 1.386294 is marked wrong with no warning."""
    if question.type is not QuestionType.NUMERIC or question.rel_tolerance is not None:
        return []
    stated = _PRECISION.search(question.prompt)
    if stated:
        return _rounding_refused(question, stated.group(0))
    return [Finding(
        question.line,
        f"numeric question {question.id!r} doesn't state the precision it wants",
        'End its prompt with "(to N decimal places)", "(exact)", "(a whole number)" or '
        f'"(N significant figures)" to match its tolerance, or give it rel_tolerance ({STANDARD})')]


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _rounding_refused(question: Question, stated: str) -> list[Finding]:
    """A prompt asking for N decimal places whose tolerance refuses an answer rounded to N
    places (the key 1.386294 "to 3 decimal places" is 1.386, which a tolerance of 1e-4 marks
    wrong): the tolerance must be at least half a unit of the N-th decimal."""
    match = re.search(r"(\d+|one|two|three|four|five|six) decimal", stated, re.I)
    if match is None:
        return []
    word = match.group(1).lower()
    places = int(word) if word.isdigit() else _WORD_NUMBERS[word]
    needed = 0.5 * 10.0 ** -places
    key = float(question.answer)
    if abs(round(key, places) - key) <= question.tolerance * (1 + 1e-9):
        return []  # the key rounded to that many places is still inside the tolerance
    return [Finding(
        question.line,
        f"numeric question {question.id!r} asks for {places} decimal places, but its tolerance "
        f"{question.tolerance:g} refuses the key rounded to {places} places",
        f"Give it tolerance: {needed:g} (half a unit of the last place asked for), or ask for "
        f"more places ({STANDARD})")]
