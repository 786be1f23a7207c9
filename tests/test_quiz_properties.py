"""Property tests: broken quiz files and strange answers produce the tool's errors only."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnpath.errors import AnswersError, QuizError
from learnpath.quiz.answers import grade_quiz, grade_question, parse_typed_answer
from learnpath.quiz.model import shuffled
from learnpath.quiz.file import find_problems, load_quiz

VALID = """\
pass_mark: 0.8
questions:
  - id: leaf-grad
    type: single
    prompt: "What is the gradient of a leaf nobody uses?"
    choices: {a: "one", b: "zero", c: "two"}
    answer: b
    explanation: "Nudging it moves nothing."
    hints: ["Nudge it.", "What slope is flat?"]
  - id: pick-ops
    type: multiple
    prompt: "Which build graph nodes?"
    choices:
      a: adding
      b: multiplying
      c: printing
    answer: [a, b]
    points: 2
    explanation: "Arithmetic builds the graph."
  - id: slope
    type: numeric
    prompt: "d(x*x)/dx at x = 3?"
    answer: 6
    tolerance: 1e-3
    rel_tolerance: 0.01
    explanation: "2x at 3 is 6."
  - id: rule-name
    type: text
    prompt: "Which rule multiplies slopes along a path?"
    answer: ["chain rule", "the chain rule"]
    explanation: "The chain rule."
  - id: order-steps
    type: order
    prompt: "Order one training step."
    choices: {a: forward, b: backward, c: update}
    answer: [a, b, c]
    explanation: "Compute, find slopes, step."
"""

VALID_LINES = VALID.splitlines(keepends=True)
STRANGE_VALUES = ["", "[]", "{}", "12", "-1", "0", "true", "null", "'x'", "[a, b]", "1e-3", ".nan",
                  ".inf", "{a: [1, {b: c}]}", "&x [*x]", "!!int nope", "!!python/name:os.system",
                  "|\n  block", '"unterminated', "- item", "2024-01-01", "~", "*nowhere"]


def _delete(lines, i, _):
    return lines[:i] + lines[i + 1:]


def _duplicate(lines, i, _):
    return lines[: i + 1] + [lines[i]] + lines[i + 1:]


def _swap(lines, i, j):
    lines = list(lines)
    lines[i], lines[j % len(lines)] = lines[j % len(lines)], lines[i]
    return lines


mutation = st.one_of(
    st.tuples(st.just(_delete), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just(_duplicate), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just(_swap), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("char"), st.integers(0, 10_000), st.characters()),
    st.tuples(st.just("value"), st.integers(0, 10_000), st.sampled_from(STRANGE_VALUES)),
    st.tuples(st.just("bytes"), st.integers(0, 10_000), st.binary(min_size=1, max_size=8)),
)


def mutate(steps) -> bytes:
    """Apply a list of mutations to VALID and return the file's bytes."""
    lines = list(VALID_LINES)
    data = None
    for kind, position, extra in steps:
        if data is not None:  # once random bytes are in, keep mutating bytes
            at = position % (len(data) + 1)
            data = data[:at] + (extra if isinstance(extra, bytes) else str(extra).encode("utf-8", "surrogatepass")) + data[at:]
            continue
        if not lines:
            lines = ["\n"]
        i = position % len(lines)
        if callable(kind):
            lines = kind(lines, i, extra)
        elif kind == "char":
            line = lines[i]
            at = (position // 7) % max(len(line), 1)
            lines[i] = line[:at] + extra + line[at + 1:]
        elif kind == "value":
            key, colon, _ = lines[i].partition(":")
            lines[i] = f"{key}{colon} {extra}\n" if colon else f"{extra}\n"
        else:  # random bytes spliced in
            text = "".join(lines).encode("utf-8", "surrogatepass")  # a lone surrogate is bytes too
            at = position % (len(text) + 1)
            data = text[:at] + extra + text[at:]
    return data if data is not None else "".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_quiz_loads_or_raises_quiz_error_only(tmp_path, steps):
    """Any mutation of a valid quiz.yaml loads, or raises QuizError with a line or the file; nothing else."""
    path = tmp_path / "quiz.yaml"
    path.write_bytes(mutate(steps))
    problems = find_problems(path)
    assert all(isinstance(problem, QuizError) for problem in problems)
    for problem in problems:
        assert problem.path == path and problem.fix
        assert problem.line is None or problem.line >= 1
    try:
        quiz = load_quiz(path)
    except QuizError as error:
        assert problems and str(error) == str(problems[0])
    else:
        assert not problems
        assert quiz.questions and all(q.id for q in quiz.questions)


def test_mutation_strategy_really_breaks_files(tmp_path):
    """Sanity check of the property above: deleting the `type:` line of a question is caught."""
    path = tmp_path / "quiz.yaml"
    path.write_bytes(mutate([(_delete, 3, 0)]))
    assert find_problems(path)


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    path = tmp_path_factory.mktemp("quiz") / "quiz.yaml"
    path.write_text(VALID, encoding="utf-8")
    return load_quiz(path)


answer_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["a", "b", "c", "a, b", "abc", "1e-3", "6", "chain rule", "z", ""]),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=3), children,
                                                                      max_size=3)
    | st.tuples(children, children) | st.frozensets(st.sampled_from(["a", "b", "c", 1]), max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["leaf-grad", "pick-ops", "slope", "rule-name", "order-steps"]),
                       answer_values))
def test_grading_random_answers_never_raises(quiz, answers):
    """Any answer value grades to a score between 0 and the points available, never an exception."""
    outcome = grade_quiz(quiz, answers)
    assert 0.0 <= outcome.score <= outcome.total == quiz.total_points
    for item in outcome.results:
        assert 0.0 <= item.points <= item.max_points
        assert item.correct == (item.points == item.max_points)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_typed_text_parses_or_raises_answers_error(quiz, typed):
    """Whatever a person types is read as an answer or refused with AnswersError, nothing else."""
    for question in quiz.questions:
        try:
            answer = parse_typed_answer(question, typed)
        except AnswersError as error:
            assert error.message
        else:
            assert not isinstance(answer, float) or math.isfinite(answer)
            assert grade_question(question, answer).max_points == question.points


@settings(max_examples=50, deadline=None)
@given(st.integers() | st.text(max_size=10))
def test_shuffled_quiz_keeps_every_answer_right(quiz, seed):
    """For any seed, the shuffled quiz's own answers grade as full marks."""
    mixed = shuffled(quiz, seed)
    outcome = grade_quiz(mixed, {q.id: q.answer if q.type.value != "text" else q.answer[0]
                            for q in mixed.questions})
    assert outcome.score == outcome.total


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi")
) + """\
pass_mark: *i
questions:
  - {id: *i, type: *i, prompt: *i, choices: *i, answer: *i, explanation: *i, hints: *i, points: *i}
  - *i
"""


def test_alias_bomb_is_reported_not_expanded(tmp_path):
    """A 'billion laughs' quiz (aliases nested nine deep) gets QuizErrors promptly instead of hanging."""
    import subprocess
    import sys

    path = tmp_path / "quiz.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    script = ("import sys; from learnpath.quiz.file import find_problems; "
              "print(len(find_problems(sys.argv[1])))")
    # a child process so that a regression shows up as a failure, not as a stuck test run
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 8  # every key of the question and pass_mark is wrong
