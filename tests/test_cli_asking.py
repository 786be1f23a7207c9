"""The question loop behind the interactive quiz, driven by a scripted reader instead of a keyboard."""

from __future__ import annotations

import pytest

from learnpath.ui.asking import Stopped, ask_questions
from learnpath.catalog import load_catalog
from learnpath.quiz.file import load_quiz


def _reader(lines):
    """A `read(prompt)` that types the given lines, then presses Ctrl-D."""
    typed = iter(lines)

    def read(prompt):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    return read


@pytest.fixture
def quiz(course):
    return load_quiz(load_catalog(course).resolve("1.1").quiz)


def test_answers_come_back_parsed_in_question_order(quiz, capsys):
    """Typed lines become answers of the right shape, one per question, in order."""
    answers = ask_questions(quiz.questions, _reader(["b", "a c", "6", "Chain  rule", "c, a, b"]))
    assert answers == ["b", ("a", "c"), 6.0, "Chain rule", ("c", "a", "b")]
    out = capsys.readouterr().out
    assert out.count("Correct") == 3  # b, 6 and the chain rule
    assert out.count("Not quite") == 2  # a+c scores zero against a+b; the order is wrong


def test_hints_run_out_politely_and_blank_lines_reask(quiz, capsys):
    """`?` steps through the hints then says there are no more; an empty line asks again."""
    only_first = quiz.questions[:1]
    answers = ask_questions(only_first, _reader(["?", "?", "?", "", "b"]))
    assert answers == ["b"]
    out = capsys.readouterr().out
    assert "Hint 1 of 2" in out and "Hint 2 of 2" in out
    assert "No more hints" in out
    assert "Type an answer" in out


def test_unusable_answer_is_explained_and_asked_again(quiz, capsys):
    """A choice that doesn't exist is refused with a reason, then the next line is taken."""
    answers = ask_questions(quiz.questions[:1], _reader(["q", "b"]))
    assert answers == ["b"]
    assert "not a choice" in capsys.readouterr().err


def test_end_of_input_stops_the_quiz(quiz):
    """Ctrl-D (EOF) mid-quiz raises Stopped, so nothing gets graded."""
    with pytest.raises(Stopped):
        ask_questions(quiz.questions, _reader(["b"]))


def test_review_labels_head_each_question(quiz, capsys):
    """In a review, each question is headed by the label given (its section)."""
    ask_questions(quiz.questions[:1], _reader(["b"]), labels=["review 1.1"])
    assert "review 1.1 · Question 1 of 1" in capsys.readouterr().out


def test_question_ids_head_each_question(quiz, capsys):
    """The id a learner types in `learnpath hint ID QUESTION_ID` is shown beside each question."""
    ask_questions(quiz.questions[:1], _reader(["b"]))
    assert "Question 1 of 1 · leaf-grad" in capsys.readouterr().out


def test_feedback_shows_the_why_of_the_choice_picked_and_the_answer_spelled_out(tmp_path, capsys):
    """Picking a choice with a `why` shows that why, then the explanation; a wrong answer names
    the right choice by letter and text, and a text key shows one wording, not every variant."""
    path = tmp_path / "quiz.yaml"
    path.write_text("""\
questions:
  - id: pick
    type: single
    prompt: "`a * b` with a = 2, b = 3: slope in a?"
    choices:
      a: {text: "`2`", why: "That is a's own value."}
      b: {text: "`3`", why: "Right: the other factor."}
    answer: b
    explanation: "The slope of a*b in a is b."
  - id: name
    type: text
    prompt: "Name the sort."
    answer: ["topological sort", "topo sort", "toposort"]
    explanation: "It orders a graph."
""", encoding="utf-8")
    questions = load_quiz(path).questions
    ask_questions(questions, _reader(["a", "heap sort"]))
    out = capsys.readouterr().out
    assert "That is a's own value." in out and "Right: the other factor." not in out
    assert "**b)** `3`" in out  # the right choice spelled out (Markdown as written: not a terminal)
    assert "topological sort" in out and "topo sort /" not in out and "toposort" not in out
