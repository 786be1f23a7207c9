"""The exercise in a study session: next and list show it, hints, the solution after a pass, reset --exercise."""

from __future__ import annotations

import json

from little_exercise import REFERENCE, STARTER, solved


def test_next_lists_the_exercise_step_with_its_command(exercise, cli):
    """Between the experiment and the quiz: "Write the exercise", `learnpath exercise 1.1`."""
    out = cli(exercise.root, "next").stdout
    assert "3. Write the exercise (exercise.py): learnpath exercise 1.1" in out
    data = json.loads(cli(exercise.root, "next", "--json").stdout)
    assert data["exercise"] == {"passed": False, "command": "learnpath exercise 1.1"}
    assert [step["step"] for step in data["steps"]] == ["read", "experiment", "exercise", "quiz"]


def test_next_drops_the_step_once_the_exercise_passes(exercise, cli):
    """After a pass the step is gone, and next --json says passed."""
    exercise.learner(REFERENCE)
    assert cli(exercise.root, "exercise", "1.1").exit_code == 0
    data = json.loads(cli(exercise.root, "next", "--json").stdout)
    assert data["exercise"]["passed"] is True
    assert "exercise" not in [step["step"] for step in data["steps"]]


def test_list_shows_the_exercise_state_and_a_dash_where_there_is_none(exercise, cli):
    """The exercise column: · before, ✓ after a pass, - for sections without one; JSON true/false/null."""
    out = cli(exercise.root, "list").stdout
    assert "exercise" in out.splitlines()[1]
    row = next(line for line in out.splitlines() if line.strip().startswith("1.2"))
    assert " - " in row
    exercise.learner(REFERENCE)
    cli(exercise.root, "exercise", "1.1")
    rows = {row["id"]: row for row in json.loads(cli(exercise.root, "list", "--json").stdout)}
    assert (rows["1.1"]["exercise"], rows["1.2"]["exercise"]) == (True, None)


def test_hint_works_for_exercise_tasks(exercise, cli):
    """`hint 1.1 double` shows the task's hints, gentlest first, with the next level's command."""
    result = cli(exercise.root, "hint", "1.1", "double")
    assert result.exit_code == 0
    assert "Hint 1 of 2: What is x + x?" in result.stdout
    assert "learnpath hint 1.1 double --level 2" in result.stdout
    data = json.loads(cli(exercise.root, "hint", "1.1", "cube-slope", "--json").stdout)
    assert data["kind"] == "exercise" and data["hints"] == 1 and data["question"] == "cube-slope"
    unknown = cli(exercise.root, "hint", "1.1", "nope")
    assert unknown.exit_code == 2 and "exercise tasks: double, cube-slope" in unknown.stderr


def test_the_solution_opens_only_after_a_pass(exercise, cli):
    """Before a pass: refused (exit 1, nothing misused) with the command that earns it. After:
    each task function, yours against the reference (a diff when piped)."""
    refused = cli(exercise.root, "solution", "1.1")
    assert refused.exit_code == 1
    assert "the solution of 1.1 opens once your exercise passes" in refused.stderr
    assert "return x + x" not in refused.stdout
    mine = solved(double="    return 2 * x")
    exercise.learner(mine)
    assert cli(exercise.root, "exercise", "1.1").exit_code == 0
    shown = cli(exercise.root, "solution", "1.1")
    assert shown.exit_code == 0
    out = shown.stdout
    assert "-    return 2 * x" in out and "+    return x + x" in out
    assert "slope_of_cube: the same as the reference" in out


def test_solution_force_says_it_gives_the_answer_away(exercise, cli):
    """--force shows the reference before a pass, with a warning on stderr."""
    result = cli(exercise.root, "solution", "1.1", "--force")
    assert result.exit_code == 0
    assert "--force: this shows the answer to exercise 1.1 before it passes" in result.stderr
    assert "return x + x" in result.stdout


def test_reset_exercise_restores_the_starter_and_keeps_the_learners_version(exercise, cli):
    """The starter comes back from solutions/.../starter.py; the learner's file is saved under .learnpath/backups/."""
    mine = solved(double="    return 2 * x")
    exercise.learner(mine)
    refused = cli(exercise.root, "reset", "1.1", "--exercise")  # no terminal to ask
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert exercise.exercise.read_text() == mine
    result = cli(exercise.root, "reset", "1.1", "--exercise", "--yes")
    assert result.exit_code == 0, result.stderr
    assert exercise.exercise.read_text() == STARTER
    backups = list((exercise.root / ".learnpath" / "backups").iterdir())
    assert [b.read_text() for b in backups] == [mine]
    assert backups[0].name.startswith("1.1-exercise-")
    again = cli(exercise.root, "reset", "1.1", "--exercise", "--yes")
    assert "already the starter; nothing changed" in again.stdout
    assert len(list((exercise.root / ".learnpath" / "backups").iterdir())) == 1


def test_reset_exercise_asks_first_on_a_terminal(exercise, cli, monkeypatch):
    """Answering no leaves the learner's file alone."""
    from learnpath.ui import console

    monkeypatch.setattr(console, "stdin_is_terminal", lambda: True)
    exercise.learner(REFERENCE)
    result = cli(exercise.root, "reset", "1.1", "--exercise", input="n\n")
    assert "Nothing changed." in result.stdout
    assert exercise.exercise.read_text() == REFERENCE


def test_after_the_experiment_the_next_step_is_the_exercise(exercise, cli):
    """`run` points at `learnpath exercise ID` where the section has one, at the quiz otherwise."""
    assert "Next: learnpath exercise 1.1" in cli(exercise.root, "run", "1.1").stdout
    assert "Next: learnpath quiz 1.2" in cli(exercise.root, "run", "1.2").stdout
