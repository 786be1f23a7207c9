"""`learnpath run ID --mine`: the experiment runs on the learner's exercise.py, once it has passed."""

from __future__ import annotations

from little_exercise import REFERENCE

from learnpath.catalog import load_catalog
from learnpath.record.progress import read_progress

# an experiment that takes `double` from the learner's file with --mine, from itself otherwise
EXPERIMENT = '''\
from learnpath import lab


def double(x):
    return x + x


parts = lab.mine(__file__, double=double)
print("mine" if parts.mine else "library", parts.double(21))
'''


def _with_experiment(exercise):
    (exercise.folder / "experiment.py").write_text(EXPERIMENT, encoding="utf-8")


def test_mine_is_refused_until_the_exercise_passes(exercise, cli):
    """Before the checks pass, --mine says why and what to do, exits 1, and ticks nothing."""
    _with_experiment(exercise)
    result = cli(exercise.root, "run", "1.1", "--mine")
    assert result.exit_code == 1
    assert "has not passed its checks yet" in result.stderr
    assert "learnpath exercise 1.1" in result.stderr
    catalog = load_catalog(exercise.root)
    assert read_progress(catalog.progress_path, catalog.sections)["1.1"].experiment is False


def test_mine_runs_the_learners_code_after_a_pass(exercise, cli, capfd):
    """After a pass, --mine runs the experiment on exercise.py (its `double`, not the library's)."""
    _with_experiment(exercise)
    exercise.learner(REFERENCE.replace("return x + x", "return x + x + 0"))
    assert cli(exercise.root, "exercise", "1.1").exit_code == 0
    result = cli(exercise.root, "run", "1.1", "--mine")
    assert result.exit_code == 0, result.stderr
    assert "mine 42" in capfd.readouterr().out


def test_mine_on_an_experiment_that_takes_nothing_from_the_exercise_is_refused(course, cli):
    """An experiment without lab.mine can't run on the learner's code: said, not silently ignored."""
    result = cli(course, "run", "1.1", "--mine")
    assert result.exit_code == 2
    assert "does not run on your exercise code" in result.stderr


def test_arguments_after_the_double_dash_reach_the_experiment(course, cli, capfd):
    """`learnpath run ID -- --long 3` hands `--long 3` to experiment.py as its sys.argv[1:]."""
    experiment = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "experiment.py"
    experiment.write_text("import sys\nprint('argv', sys.argv[1:])\n")
    result = cli(course, "run", "1.1", "--", "--long", "3")
    assert result.exit_code == 0, result.stderr
    assert "argv ['--long', '3']" in capfd.readouterr().out


def test_pause_needs_a_terminal(course, cli):
    """--pause waits for Enter; with no terminal it refuses at once instead of hanging."""
    result = cli(course, "run", "1.1", "--pause")
    assert result.exit_code == 2
    assert "no terminal" in result.stderr
