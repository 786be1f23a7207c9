"""`check --strict`'s quiz rules: keys findable by position or length, choices named by
letter, questions that lean on another, numbers asked as text. Each rule is shown catching
its case and leaving a sound quiz alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from learnpath.quiz.file import load_quiz
from learnpath.course.quizlint import (
    leans_on_other_questions,
    letter_references,
    lint_quiz,
    numbers_as_text,
    position_bias,
)

REPO = Path(__file__).resolve().parents[1]


def quiz_of(tmp_path, questions: str):
    path = tmp_path / "quiz.yaml"
    path.write_text("questions:\n" + textwrap.indent(textwrap.dedent(questions), "  "), "utf-8")
    return load_quiz(path)


def single(qid: str, key: str, texts=("red", "tan", "sky"), explanation="Because.", prompt="Which?"):
    choices = ", ".join(f"{k}: {t!r}" for k, t in zip("abc", texts))
    return (f"- id: {qid}\n  type: single\n  prompt: {prompt!r}\n  choices: {{{choices}}}\n"
            f"  answer: {key}\n  explanation: {explanation!r}\n  hints: ['Think.']\n")


def test_a_sound_quiz_has_no_findings(tmp_path):
    """Keys spread, equal lengths, choices named by content, numbers numeric: nothing to say."""
    quiz = quiz_of(tmp_path, single("q1", "a") + single("q2", "b") + single("q3", "c") + """\
- id: q4
  type: numeric
  prompt: "How many nodes does `a*b + c` make? (a whole number)"
  answer: 2
  explanation: "One for the product, one for the sum."
- id: q5
  type: text
  prompt: "Name the rule."
  answer: ["chain rule"]
  explanation: "The chain rule."
""")
    assert lint_quiz(quiz) == []


def test_keys_on_one_letter_are_flagged(tmp_path):
    """2 of 3 keys on `a` is more than half; 1 of 2 is not."""
    bunched = quiz_of(tmp_path, single("q1", "a") + single("q2", "a") + single("q3", "c"))
    assert [f.message for f in position_bias(bunched)] == ["2 of the 3 single-choice keys are 'a'"]
    even = quiz_of(tmp_path, single("q1", "a") + single("q2", "b"))
    assert position_bias(even) == []


def test_the_key_as_the_longest_choice_in_most_questions_is_flagged(tmp_path):
    """A key longer than every other choice in 2 of 3 questions gives the answer away."""
    long = ("a careful, complete answer", "short", "brief")
    quiz = quiz_of(tmp_path, single("q1", "a", long) + single("q2", "b", long[1:2] + long[:1] + long[2:])
                   + single("q3", "c"))
    messages = [f.message for f in position_bias(quiz)]
    assert messages == ["the key is the longest choice in 2 of the 3 single-choice questions (q1, q2)"]


def test_one_single_choice_question_shows_no_pattern(tmp_path):
    assert position_bias(quiz_of(tmp_path, single("q1", "a", ("much the longest", "b", "c")))) == []


@pytest.mark.parametrize("explanation, flagged", [
    ("(a) is false: the graph is acyclic.", True),
    ("Option b is the trap.", True),
    ("choice (c) confuses value and slope.", True),
    ("The answer c is wrong.", True),
    ("Acyclic graphs can be sorted; f(a) and g(b) are only names.", False),
    ("Pick a choice a person can defend.", False),
    ("(d) is not a choice here, so it names nothing.", False),
    ("The slope of a*b in a (the other factor) is b.", False),
])
def test_choices_named_by_letter_are_flagged(tmp_path, explanation, flagged):
    """After shuffling the letter points elsewhere; lookalikes in math and prose pass."""
    quiz = quiz_of(tmp_path, single("q1", "a", explanation=explanation))
    assert bool(letter_references(quiz.questions[0])) is flagged


def test_a_why_naming_a_letter_is_flagged(tmp_path):
    quiz = quiz_of(tmp_path, """\
- id: q1
  type: single
  prompt: "Which?"
  choices:
    a: {text: "red", why: "Unlike (b), red is warm."}
    b: "tan"
  answer: a
  explanation: "Red."
""")
    [finding] = letter_references(quiz.questions[0])
    assert "the why of choice 'a'" in finding.message and finding.line == 2


@pytest.mark.parametrize("prompt, flagged", [
    ("Same function: what is the slope at 3?", True),
    ("With the function above, what is f(2)?", True),
    ("As above, but with b = 4.", True),
    ("What did the previous question compute?", True),
    ("Reuse your answer to question 3.", True),
    ("```python\ndef f(x):\n    return x * x\n```\nWhat does the function above return for 3?", False),
    ("`f(x) = x*x`. What is the slope at 3, and is it the same at -3?", False),
    ("Two Values hold the same number. Are they the same object?", False),
])
def test_questions_leaning_on_another_are_flagged(tmp_path, prompt, flagged):
    """A question asked alone in review must carry what it needs; code in the same prompt counts."""
    quiz = quiz_of(tmp_path, single("q1", "a", prompt=prompt))
    assert bool(leans_on_other_questions(quiz.questions[0])) is flagged


def test_all_of_the_above_in_a_choice_is_flagged(tmp_path):
    quiz = quiz_of(tmp_path, single("q1", "a", ("red", "tan", "all of the above")))
    [finding] = leans_on_other_questions(quiz.questions[0])
    assert "choice 'c'" in finding.message


@pytest.mark.parametrize("answers, flagged", [
    ('["2"]', True), ('["one", "1"]', True), ('["3/4", "0.75"]', True), ('["two hundred"]', True),
    ('["chain rule"]', False), ('["2 nodes and an edge"]', False), ('["one", "chain rule"]', False),
])
def test_text_questions_whose_answers_are_numbers_are_flagged(tmp_path, answers, flagged):
    """A number typed as 1.0 or `One.` should count: that is what numeric questions do."""
    quiz = quiz_of(tmp_path, f"- id: q1\n  type: text\n  prompt: p\n  answer: {answers}\n  explanation: e\n")
    assert bool(numbers_as_text(quiz.questions[0])) is flagged


def test_every_finding_cites_the_authoring_guide():
    """The fix of each rule names docs/authoring.md, which is in the repo for every contributor."""
    assert (REPO / "docs" / "authoring.md").is_file()
    source = (REPO / "learnpath" / "course" / "quizlint.py").read_text(encoding="utf-8")
    assert source.count("({STANDARD})") == 7 and 'STANDARD = "docs/authoring.md"' in source
    assert "CONTENT.md" not in (REPO / "learnpath" / "course" / "check.py").read_text(encoding="utf-8")
