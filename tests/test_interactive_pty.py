"""The interactive quiz, driven through a real pseudo-terminal as a person would drive it."""

from __future__ import annotations

import os
import sys

import pytest

from learnpath.catalog import load_catalog
from learnpath.record.progress import read_progress

pexpect = pytest.importorskip("pexpect")


def _spawn(course, *args):
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    env.pop("LEARNPATH_ROOT", None)
    return pexpect.spawn(sys.executable, ["-m", "learnpath", "--root", str(course), *args],
                         env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))


def _quiz_state(course):
    catalog = load_catalog(course)
    return read_progress(catalog.progress_path, catalog.sections)["1.1"]


def test_a_learner_takes_the_quiz(course):
    """Hint on `?`, a typo re-asked, a wrong answer explained, a summary, and the quiz box ticked
    (in file order, as an author checking a quiz would take it)."""
    child = _spawn(course, "quiz", "1.1", "--no-shuffle")
    child.expect("Question 1 of 5 · leaf-grad")
    child.expect("gradient of an input")
    child.expect("> ")
    child.sendline("?")
    child.expect("Hint 1 of 2:")
    child.expect("Ask what changes when you nudge it.")
    child.expect("> ")
    child.sendline("z")  # not a choice: said so, asked again
    child.expect("'z' is not a choice")
    child.expect("> ")
    child.sendline("a")  # wrong
    child.expect("Not quite. The answer:")
    child.expect(r"b\)\S* 0")
    child.expect("Nudging it moves nothing")
    child.expect("Question 2 of 5")
    child.expect("> ")
    child.sendline("a, b")
    child.expect("Correct")
    child.expect("Question 3 of 5")
    child.expect("> ")
    child.sendline("6")
    child.expect("Correct")
    child.expect("Question 4 of 5")
    child.expect("> ")
    child.sendline("Chain Rule")
    child.expect("Correct")
    child.expect("Question 5 of 5")
    child.expect("> ")
    child.sendline("a b c")
    child.expect("Correct")
    child.expect(r"Score: 4 / 5 \(80%\): passed")
    child.expect("ticked in PROGRESS.md")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before
    state = _quiz_state(course)
    assert state.quiz_passed and state.quiz.score == 4 and state.quiz.total == 5


def test_the_default_quiz_is_shuffled_by_a_recorded_seed_and_shows_the_why_picked(course):
    """At a terminal the quiz is shuffled; each choice's why follows it to its new letter; the
    seed is printed and logged, and `--seed` asks in the same order again."""
    from learnpath.record.attempts import read_attempts
    from learnpath.quiz.model import shuffled
    from learnpath.quiz.file import load_quiz

    quiz_path = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    quiz_path.write_text(quiz_path.read_text().replace(
        'choices: {a: "1", b: "0", c: "undefined"}',
        'choices:\n      a: {text: "1", why: "One is the slope of the output in itself."}\n'
        '      b: {text: "0", why: "Right: nothing downstream moves."}\n'
        '      c: {text: "undefined", why: "A slope of a flat line is defined: it is zero."}'))
    seed = 11
    quiz = shuffled(load_quiz(quiz_path), seed)
    child = _spawn(course, "quiz", "1.1", "--seed", str(seed))
    for number, question in enumerate(quiz.questions, start=1):
        child.expect(f"Question {number} of 5 · {question.id}")
        child.expect("> ")
        if question.id == "leaf-grad":  # pick the choice whose text is "undefined", wherever it went
            wrong = next(key for key, text in question.choices if text == "undefined")
            child.sendline(wrong)
            child.expect("Not quite")
            child.expect("A slope of a flat line is defined")
            child.expect("Nudging it moves nothing")
            continue
        answer = question.answer
        typed = answer[0] if question.type.value == "text" else (
            " ".join(answer) if isinstance(answer, tuple) else f"{answer:g}" if isinstance(answer, float) else answer)
        child.sendline(typed)
        child.expect("Correct")
    child.expect(r"Score: 4 / 5 \(80%\): passed")
    child.expect(f"--seed {seed}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before
    assert read_attempts(course)[-1].seed == seed


def test_ctrl_d_ends_cleanly_and_ticks_nothing(course):
    """Ctrl-D at the prompt stops the quiz: a short note, exit 0, no traceback, nothing ticked."""
    child = _spawn(course, "quiz", "1.1", "--no-shuffle")
    child.expect("Question 1 of 5")
    child.expect("> ")
    child.sendline("b")
    child.expect("Correct")
    child.expect("> ")
    child.sendeof()
    child.expect("Stopped before the end")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before
    assert not _quiz_state(course).quiz_passed
    assert not (course / ".learnpath" / "attempts.jsonl").exists()


def test_reset_asks_on_a_terminal(course):
    """At a terminal reset asks first; answering no changes nothing, yes unticks."""
    from learnpath.record.progress import Step, tick

    catalog = load_catalog(course)
    tick(catalog.progress_path, catalog.sections, "1.1", Step.EXPERIMENT)
    child = _spawn(course, "reset", "1.1")
    child.expect(r"Untick section 1.1 Value objects .*\[y/N\]")
    child.sendline("n")
    child.expect("Nothing changed")
    child.expect(pexpect.EOF)
    assert _quiz_state(course).experiment
    child = _spawn(course, "reset", "1.1")
    child.expect(r"\[y/N\]")
    child.sendline("y")
    child.expect("Unticked")
    child.expect(pexpect.EOF)
    assert not _quiz_state(course).experiment
