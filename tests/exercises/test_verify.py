"""The authors' proof (`learnpath check --run`): starter not started, reference passes, mutants fail."""

from __future__ import annotations

import pytest
from little_exercise import MUTANTS, STARTER, solved

from learnpath.catalog import load_catalog
from learnpath.exercises.verify import verify_exercise


def _problems(exercise, run=True) -> list[str]:
    catalog = load_catalog(exercise.root)
    return [str(problem) for problem in verify_exercise(catalog, catalog.sections[0], run=run)]


def test_a_sound_exercise_has_no_problems(exercise, cli):
    """Starter, reference, checks and mutants that agree: proven, and `check --run` says so."""
    assert _problems(exercise) == []
    result = cli(exercise.root, "check", "--run")
    assert result.exit_code == 0, result.stdout
    assert "proving the exercise of 1.1 (starter, reference, mutants)" in result.stdout
    assert "All 3 sections check out" in result.stdout


def test_check_reports_a_broken_proof_as_file_and_line(exercise, cli):
    """`check --run` prints a mutant that slips through as mutants.yaml:line, and exits 1."""
    exercise.mutants.write_text(MUTANTS.replace('with: "return x * x"', 'with: "return 2 * x"'))
    result = cli(exercise.root, "check", "--run")
    assert result.exit_code == 1
    assert "solutions/Phase_1/Section_1_Value_Objects/mutants.yaml:1: mutant 'squares instead of " \
           "doubling' passes the check of task 'double'" in result.stdout


def test_a_starter_that_already_solves_a_task_is_caught(exercise):
    """A task body left written in the starter would pass unseen: the check says which task."""
    exercise.starter.write_text(solved(slope='    raise NotImplementedError("slope_of_cube")'))
    exercise.exercise.write_text(exercise.starter.read_text())
    problems = _problems(exercise)
    assert len(problems) == 1
    assert "the starter should leave task 'double' \"not started\", but it is passed" in problems[0]


def test_a_reference_that_fails_a_check_is_caught(exercise):
    """Reference and check must agree; the problem names the task, the input and both values."""
    exercise.reference.write_text(solved(slope="    return 3 * x ** 2 + 0.5"))
    exercise.mutants.write_text(MUTANTS.replace("return 3 * x ** 2", "return 3 * x ** 2 + 0.5"))
    problems = _problems(exercise)
    assert len(problems) == 1
    assert "the reference fails task 'cube-slope' (failed)" in problems[0]
    assert "expected" in problems[0] and "got" in problems[0] and "(for x = " in problems[0]


def test_a_mutant_the_check_cannot_tell_apart_is_caught(exercise):
    """`x * 2` is right too, so a 'mutant' that writes it passes: reported at its mutants.yaml line."""
    exercise.mutants.write_text(MUTANTS + '- task: double\n  name: the same thing\n'
                                '  replace: "return x + x"\n  with: "return x * 2"\n')
    problems = _problems(exercise)
    assert len(problems) == 1
    assert "mutants.yaml:9: mutant 'the same thing' passes the check of task 'double'" in problems[0]


@pytest.mark.parametrize("replace, said", [("return nothing", "isn't in"), ("x", "is found")])
def test_a_mutant_whose_text_is_not_found_exactly_once_is_refused(exercise, replace, said):
    """Each mutant replaces one exact piece of the reference; missing or ambiguous text is an error."""
    exercise.mutants.write_text(MUTANTS + f'- task: double\n  name: vague\n  replace: "{replace}"\n'
                                '  with: "y"\n')
    problems = _problems(exercise, run=False)
    assert len(problems) == 1 and f"its `replace` text {said}" in problems[0]


def test_every_task_needs_a_mutant(exercise):
    """A task without a mutant has nothing proving its check can fail."""
    exercise.mutants.write_text(MUTANTS.split("- task: cube-slope")[0])
    problems = _problems(exercise, run=False)
    assert problems == [f"{exercise.mutants}: task 'cube-slope' has no mutant, so nothing proves its "
                        "check can fail. Add a plausible wrong version for it: - task: cube-slope"]


def test_starter_and_reference_must_define_the_same_names(exercise):
    """A helper only the reference has would be missing for the learner."""
    exercise.reference.write_text(solved() + "\n\ndef helper():\n    return 1\n")
    problems = _problems(exercise, run=False)
    assert len(problems) == 1 and "the reference defines helper, which the starter does not" in problems[0]


def test_the_shipped_starter_must_match_its_pristine_copy(exercise):
    """`reset --exercise` restores solutions/.../starter.py, so it must be the starter as shipped."""
    exercise.starter.write_text(STARTER + "\n# changed\n")
    problems = _problems(exercise, run=False)
    assert len(problems) == 1
    assert "exercise.py differs from the pristine starter" in problems[0]
    assert "cp curriculum/Phase_1/Section_1_Value_Objects/exercise.py " \
           "solutions/Phase_1/Section_1_Value_Objects/starter.py" in problems[0]


def test_missing_solution_files_are_named_with_the_fix(exercise):
    """No reference, no starter copy, no mutants.yaml: three problems, each saying what to add."""
    for path in (exercise.reference, exercise.starter, exercise.mutants):
        path.unlink()
    problems = _problems(exercise, run=False)
    assert any("the reference solution is missing" in p for p in problems)
    assert any("the pristine copy of the starter is missing" in p for p in problems)
    assert any("mutants.yaml is missing" in p for p in problems)


def test_strict_check_asks_for_a_your_turn_part_that_shows_the_command(exercise, cli):
    """--strict: a section with an exercise needs a "Your turn" heading and `learnpath exercise ID` in it."""
    import json

    def exercise_problems():
        report = json.loads(cli(exercise.root, "check", "--strict", "--json").stdout)
        return [p["message"] for p in report["problems"] if "exercise" in p["message"]]

    assert exercise_problems() == ['overview.md has no "Your turn" heading, though the section has an exercise']
    overview = exercise.folder / "overview.md"
    overview.write_text(overview.read_text() + "\n## Your turn\n\nWrite double.\n")
    assert exercise_problems() == ["overview.md never shows the command `learnpath exercise 1.1`"]
    overview.write_text(overview.read_text() + "Run `learnpath exercise 1.1`.\n")
    assert exercise_problems() == []


def test_checks_that_import_the_exercise_themselves_are_refused(exercise):
    """`import exercise` in the checks would grade the learner's file, not the version under proof."""
    exercise.checks.write_text("import exercise\n" + exercise.checks.read_text())
    problems = _problems(exercise, run=False)
    assert len(problems) == 1 and "exercise_checks.py:1: the checks import the exercise" in problems[0]


BLIND = '''\
- task: cube-slope
  name: forgot the factor 3
  function: slope_of_cube
  code: |
    def slope_of_cube(x):
        return x ** 2
'''


def test_blind_mutants_replace_a_whole_function_and_must_fail(exercise):
    """blind_mutants.yaml's function form rewrites the whole function; one that fails its check is a
    sound proof, one that passes is reported at its own file and line."""
    blind = exercise.reference.parent / "blind_mutants.yaml"
    blind.write_text(BLIND)
    assert _problems(exercise) == []
    blind.write_text(BLIND + '- task: double\n  name: right after all\n  function: double\n'
                     '  code: |\n    def double(x):\n        return 2 * x\n')
    problems = _problems(exercise)
    assert len(problems) == 1
    assert "blind_mutants.yaml:7: mutant 'right after all' passes the check of task 'double'" in problems[0]


def test_a_blind_mutant_naming_an_unknown_function_is_caught(exercise):
    """A function the reference doesn't define can't be replaced: said before anything runs."""
    blind = exercise.reference.parent / "blind_mutants.yaml"
    blind.write_text(BLIND.replace("function: slope_of_cube", "function: Cube.slope"))
    problems = _problems(exercise, run=False)
    assert len(problems) == 1 and "defines no function 'Cube.slope'" in problems[0]


def test_replace_function_reindents_a_method():
    """A method written unindented lands at its class's indentation, decorators and all replaced."""
    from learnpath.exercises.verify import replace_function

    source = "class A:\n    @staticmethod\n    def f(x):\n        return x\n\n    def g(self):\n        return 1\n"
    changed = replace_function(source, "A.f", "def f(x):\n    return -x\n")
    assert changed == "class A:\n    def f(x):\n        return -x\n\n    def g(self):\n        return 1\n"
