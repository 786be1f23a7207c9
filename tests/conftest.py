"""Small courses built in tmp_path, and a way to run the command line against them.

Tests never touch the repo's own curriculum or PROGRESS.md: each builds a
course of its own with `make_course`, shaped like the real one
(curriculum/Phase_N/Section_M_Words/{overview.md, experiment.py, quiz.yaml}).
"""

from __future__ import annotations

import os
import sys

# One BLAS thread for the whole session (set before anything imports NumPy): the
# experiments' matrices are small, and on a shared 2-core machine OpenBLAS's extra
# threads made a 32x64 @ 64x256 product about 30 times slower, not faster.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# pytest rewrites every test module's asserts on import and keeps the result in __pycache__,
# unless bytecode writing is off (PYTHONDONTWRITEBYTECODE, set in some shells): then every run
# and every xdist worker rewrites them all again, seconds each. Test modules are imported after
# this file, so allowing it here is enough; the learner-code children keep it off themselves.
sys.dont_write_bytecode = False

from pathlib import Path  # noqa: E402

import pytest
from typer.testing import CliRunner

from learnpath.cli import app

QUIZ_YAML = """\
pass_mark: 0.8
questions:
  - id: leaf-grad
    type: single
    prompt: "What is the gradient of an input that the output does not depend on?"
    choices: {a: "1", b: "0", c: "undefined"}
    answer: b
    explanation: "Nudging it moves nothing, so the slope is zero."
    hints: ["Ask what changes when you nudge it.", "Nothing changes: what slope is that?"]
  - id: pick-ops
    type: multiple
    prompt: "Which of these record a node in the graph?"
    choices: {a: "adding two Values", b: "multiplying two Values", c: "printing a Value"}
    answer: [a, b]
    explanation: "Arithmetic builds the graph; printing only reads it."
    hints: ["Which ones compute a new number?"]
  - id: slope
    type: numeric
    prompt: "What is d(x*x)/dx at x = 3?"
    answer: 6
    tolerance: 0.001
    explanation: "The derivative of x squared is 2x, and 2 * 3 = 6."
    hints: ["Differentiate x squared."]
  - id: rule-name
    type: text
    prompt: "Which rule multiplies local slopes along a path?"
    answer: ["chain rule", "the chain rule"]
    explanation: "The chain rule: slopes multiply along a path."
  - id: order-steps
    type: order
    prompt: "Put the steps of one training step in order."
    choices: {a: "forward pass", b: "backward pass", c: "update the weights"}
    answer: [a, b, c]
    explanation: "Compute, then find the slopes, then step."
    hints: ["You need the output before its slopes."]
"""

# every question of QUIZ_YAML answered right, and enough wrong to fail (2 of 5 < 0.8)
RIGHT_ANSWERS = "leaf-grad: b\npick-ops: [a, b]\nslope: 6.0004\nrule-name: The  Chain Rule\norder-steps: [a, b, c]\n"
WRONG_ANSWERS = "leaf-grad: a\npick-ops: [c]\nslope: 5\nrule-name: chain rule\norder-steps: [a, b, c]\n"

EXPERIMENT_OK = "print('the experiment ran')\n"


def write_section(
    root: Path,
    phase: int,
    number: int,
    words: str,
    title: str | None = None,
    *,
    summary: str = "After this section you can do a thing you could not before.",
    experiment: str | None = EXPERIMENT_OK,
    quiz: str | None = QUIZ_YAML,
) -> Path:
    """One section folder with its three files (pass None to leave a file out)."""
    phase_dir = root / "curriculum" / f"Phase_{phase}"
    if not (phase_dir / "README.md").exists():
        phase_dir.mkdir(parents=True, exist_ok=True)
        (phase_dir / "README.md").write_text(f"# Phase {phase}: Things To Learn {phase}\n\nWhy.\n")
    folder = phase_dir / f"Section_{number}_{words}"
    folder.mkdir(parents=True)
    title = title or words.replace("_", " ")
    (folder / "overview.md").write_text(
        f"# {title}\n\n{summary}\nIt continues on a second line.\n\n## Intuition\n\nMore text.\n"
    )
    if experiment is not None:
        (folder / "experiment.py").write_text(experiment)
    if quiz is not None:
        (folder / "quiz.yaml").write_text(quiz)
    return folder


def make_course(root: Path) -> Path:
    """A course of three sections in two phases: 1.1, 1.2 and 2.1."""
    root.mkdir(parents=True, exist_ok=True)
    write_section(root, 1, 1, "Value_Objects", "Value objects")
    write_section(root, 1, 2, "Backward_Pass", "The backward pass")
    write_section(root, 2, 1, "Neurons", "A neuron")
    return root


@pytest.fixture
def make_section():
    """`write_section(root, phase, number, words, title=None, ...)`: add one section folder."""
    return write_section


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The root of a fresh three-section course (no PROGRESS.md yet)."""
    return make_course(tmp_path / "course")


@pytest.fixture
def cli():
    """Run `learnpath ARGS...` in-process against a root; returns typer's Result (stdout, stderr split)."""
    runner = CliRunner()

    def invoke(root: Path | None, *args: str, input: str | None = None, env: dict | None = None):
        full_env = {"NO_COLOR": "1", "LEARNPATH_ROOT": str(root) if root else None}
        full_env.update(env or {})
        return runner.invoke(app, list(args), input=input, env=full_env)

    return invoke


@pytest.fixture
def answers():
    """Answer files for the standard quiz: `answers.right` passes, `answers.wrong` fails."""

    class Answers:
        right = RIGHT_ANSWERS
        wrong = WRONG_ANSWERS
        quiz = QUIZ_YAML

    return Answers


@pytest.fixture(autouse=True)
def _no_course_from_the_shell(monkeypatch):
    """A LEARNPATH_ROOT set in the developer's shell must not steer tests to another course."""
    monkeypatch.delenv("LEARNPATH_ROOT", raising=False)


# The test files that take longest (the sections that train models), run first: xdist hands
# out whole files in collection order, so a long file started last would leave the other
# worker idle at the end of the run.
_LONGEST_FIRST = ("test_section_4_", "test_exercises_real", "test_section_3_4", "test_docs_examples")


def pytest_collection_modifyitems(config, items):
    def weight(item) -> int:
        name = item.path.name
        return next((i for i, start in enumerate(_LONGEST_FIRST) if name.startswith(start)),
                    len(_LONGEST_FIRST))

    items.sort(key=weight)  # stable: within a file, and among the rest, the order is unchanged
