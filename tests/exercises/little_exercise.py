"""A small exercise, with its checks, reference, starter copy and mutants, in a tmp_path course.

The exercise has two tasks: `double(x)` and `slope_of_cube(x)` (the slope of
x**3, checked against central differences). The reference and the mutants are
built from the starter by replacing its two stub bodies, so each test can
write whatever learner's version it needs with `learner(...)`.
"""

from __future__ import annotations

from pathlib import Path

STARTER = '''\
"""Two small tasks."""


def double(x):
    """Twice x: double(3.0) is 6.0."""
    # TODO: return twice x
    raise NotImplementedError("double")


def slope_of_cube(x):
    """The slope of x**3 at x: slope_of_cube(2.0) is 12.0."""
    # TODO: the power rule
    raise NotImplementedError("slope_of_cube")
'''

DOUBLE_STUB = '    raise NotImplementedError("double")'
SLOPE_STUB = '    raise NotImplementedError("slope_of_cube")'

CHECKS = '''\
from learnpath.exercises import central_difference, expect_close, for_all, st, task


@task("double", "Twice a number", hints=["What is x + x?", "Return it."])
def check_double(ex):
    expect_close(ex.double(3.0), 6.0, what="double(3.0)")

    def one_case(x):
        expect_close(ex.double(x), 2 * x, what=f"double({x!r})")

    for_all(st.floats(-100, 100))(one_case)


@task("cube-slope", "The slope of x cubed",
      hints=["Nudge x by a tiny h and see how much x**3 moves."])
def check_slope(ex):
    def one_case(x):
        expected = central_difference(lambda t: t ** 3, x)
        expect_close(ex.slope_of_cube(x), expected, what=f"slope_of_cube({x!r})", rel=1e-5, abs=1e-5)

    for_all(st.floats(-10, 10))(one_case)
'''

MUTANTS = '''\
- task: double
  name: squares instead of doubling
  replace: "return x + x"
  with: "return x * x"
- task: cube-slope
  name: forgot the factor 3
  replace: "return 3 * x ** 2"
  with: "return x ** 2"
'''


def solved(double: str = "    return x + x", slope: str = "    return 3 * x ** 2") -> str:
    """The starter with both stubs replaced by the given bodies."""
    return STARTER.replace(DOUBLE_STUB, double).replace(SLOPE_STUB, slope)


REFERENCE = solved()


class Exercise:
    """Paths of the exercise of section 1.1 in a course, and a way to write the learner's file."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / "curriculum" / "Phase_1" / "Section_1_Value_Objects"
        self.solutions = root / "solutions" / "Phase_1" / "Section_1_Value_Objects"
        self.exercise = self.folder / "exercise.py"
        self.checks = self.folder / "exercise_checks.py"
        self.reference = self.solutions / "exercise.py"
        self.starter = self.solutions / "starter.py"
        self.mutants = self.solutions / "mutants.yaml"

    def learner(self, text: str) -> None:
        self.exercise.write_text(text, encoding="utf-8")

    def files_in_folder(self) -> set[str]:
        return {path.name for path in self.folder.iterdir()}


def add_exercise(root: Path) -> Exercise:
    """Give section 1.1 of a course the two-task exercise above, shipped as a starter."""
    exercise = Exercise(root)
    exercise.solutions.mkdir(parents=True, exist_ok=True)
    exercise.exercise.write_text(STARTER, encoding="utf-8")
    exercise.starter.write_text(STARTER, encoding="utf-8")
    exercise.checks.write_text(CHECKS, encoding="utf-8")
    exercise.reference.write_text(REFERENCE, encoding="utf-8")
    exercise.mutants.write_text(MUTANTS, encoding="utf-8")
    return exercise
