"""The question loop behind the interactive quiz, driven by a scripted reader instead of a keyboard."""

from __future__ import annotations

import pytest

from learnpath.asking import Stopped, ask_questions
from learnpath.catalog import load_catalog
from learnpath.quizfile import load_quiz


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


def test_interactive_json_is_refused(course, cli):
    """--json without --answers or --reveal is a usage error (exit 2), checked before any prompt."""
    result = cli(course, "quiz", "1.1", "--json")
    assert result.exit_code == 2
    assert "--json needs --answers FILE or --reveal" in result.stderr
