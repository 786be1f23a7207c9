"""`learnpath exercise ID`: graded task by task in a child process; a pass ticks the box, nothing else does."""

from __future__ import annotations

import json
import re

import pytest
from little_exercise import REFERENCE, solved

from learnpath.catalog import load_catalog
from learnpath.record.progress import ensure_progress, read_progress


def _state(root, section_id="1.1"):
    catalog = load_catalog(root)
    return read_progress(catalog.progress_path, catalog.sections)[section_id]


def test_the_starter_reports_every_task_not_started(exercise, cli):
    """As shipped: each task "not started" with the line of its TODO; exit 1; nothing ticked."""
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 1, result.stderr
    assert "· not started  double\n    Twice a number\n" in result.stdout
    assert "the TODO at exercise.py:7 in double" in result.stdout
    assert "the TODO at exercise.py:13 in slope_of_cube" in result.stdout
    assert "0 of 2 tasks pass." in result.stdout
    assert "learnpath hint 1.1 double" in result.stdout
    assert _state(exercise.root).exercise is False


def test_the_reference_passes_and_ticks_the_exercise_box(exercise, cli):
    """Every task passing exits 0 and ticks the exercise box (the section is not done without the rest)."""
    exercise.learner(REFERENCE)
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "All 2 tasks pass." in result.stdout
    state = _state(exercise.root)
    assert state.exercise is True and state.done is False
    assert "  - [x] exercise\n" in (exercise.root / "PROGRESS.md").read_text()


def test_a_wrong_value_shows_input_expected_got_and_where_to_look(exercise, cli):
    """A failure is explained in the learner's numbers, with the task function that ran."""
    exercise.learner(solved(slope="    return 3 * x"))
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 1
    out = result.stdout
    assert "✓ passed       double" in out and "✗ failed       cube-slope" in out
    # the simplest failing input Hypothesis finds, and the learner's value for it
    # (3x and 3x**2 agree at 0 and 1, so 2 is the simplest input that shows the mistake)
    assert "input:    x = 2.0" in out
    assert "expected: 12.0000000" in out and "got:      6.0\n" in out
    assert "your code that ran: exercise.py:13 in slope_of_cube: return 3 * x" in out
    assert _state(exercise.root).exercise is False


def _readme_keys(command: str) -> list[list[str]]:
    """The key groups the README's "JSON output" promises for `command` (parsed as tests/test_records.py does)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "test_records.py"
    spec = importlib.util.spec_from_file_location("readme_shapes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.promised_keys()[command]


def test_json_has_the_documented_keys(exercise, cli):
    """--json: one object with section, passed and, per task, id, title, status, message, expected, got."""
    exercise.learner(solved(double="    return x * x"))
    result = cli(exercise.root, "exercise", "1.1", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["section"] == "1.1" and data["passed"] is False and data["recorded"] is False
    first, second = data["tasks"]
    assert {"id", "title", "status", "message", "expected", "got"} <= set(first)
    top, task = _readme_keys("exercise --json")[:2]
    assert set(top) <= set(data) and set(task) <= set(first)
    assert (first["id"], first["status"], first["expected"], first["got"]) == ("double", "failed", "6.0", "9.0")
    assert first["message"] == "double(3.0)"
    assert first["ran"] == [{"file": "curriculum/Phase_1/Section_1_Value_Objects/exercise.py",
                             "line": 7, "code": "return x * x", "function": "double"}]
    assert second["status"] == "passed"


LEARNER_MISTAKES = {
    "endless loop": (solved(double="    while True:\n        x += 1"),
                     "still running when the 3 s for the checks ran out", r"exercise.py:[78] in double: (while True:|x \+= 1)"),
    "syntax error": (solved(double="    return (x +"),
                     "exercise.py didn't load: SyntaxError", r"exercise.py:7: return \(x \+"),
    "sys.exit": (solved(double="    import sys\n    sys.exit(3)"),
                 "your code called sys.exit(3)", r"exercise.py:8 in double: sys.exit\(3\)"),
    "10 MB print": (solved(double="    print('x' * 10_000_000)\n    return x * 3"),
                    "your code printed (the start of it):", r"\| xxxxxxxx"),
    "missing module": ("import no_such_module_here\n" + REFERENCE,
                       "ModuleNotFoundError: No module named 'no_such_module_here'",
                       r"exercise.py:1: import no_such_module_here"),
    "exception": (solved(double="    return [x][1]"), "IndexError: list index out of range",
                  r"exercise.py:7 in double: return \[x\]\[1\]"),
}


@pytest.mark.parametrize("mistake", list(LEARNER_MISTAKES))
def test_broken_learner_code_gets_one_clear_message_and_changes_nothing(exercise, cli, mistake):
    """Loops, syntax errors, exits, floods of output, bad imports: a message naming the line,
    no traceback of the tool's own, PROGRESS.md untouched, nothing left in the section folder."""
    source, message, where = LEARNER_MISTAKES[mistake]
    exercise.learner(source)
    before = exercise.files_in_folder()
    result = cli(exercise.root, "exercise", "1.1", "--timeout", "3")
    assert result.exit_code == 1, result.stderr
    shown = " ".join(result.stdout.split())  # long messages wrap at 80 columns
    assert message in shown
    assert re.search(where, shown), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stdout) < 10_000
    assert not (exercise.root / "PROGRESS.md").exists() or "[x]" not in (exercise.root / "PROGRESS.md").read_text()
    assert exercise.files_in_folder() == before  # no __pycache__, no .hypothesis


def test_a_process_exit_is_reported_on_the_task_that_was_running(exercise, cli):
    """os._exit ends the child without a result: the running task says so, the rest were not run."""
    exercise.learner(solved(double="    import os\n    os._exit(0)"))
    result = cli(exercise.root, "exercise", "1.1", "--json")
    tasks = json.loads(result.stdout)["tasks"]
    assert tasks[0]["status"] == "error" and "ended early (exit code 0)" in tasks[0]["message"]
    assert tasks[1]["message"] == "not run: the checks stopped in an earlier task"


def test_a_broken_checks_file_is_one_line_for_the_author(exercise, cli):
    """A checks file that fails to import is the exercise's problem: one line with its file:line, exit 2."""
    text = exercise.checks.read_text() + "raise RuntimeError('oops')\n"
    exercise.checks.write_text(text)
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 2
    line = len(text.splitlines())
    assert f"exercise_checks.py:{line}: the checks file doesn't load: RuntimeError: oops" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_section_without_an_exercise_says_so(exercise, cli):
    """Section 1.2 has no exercise.py: one line, exit 2."""
    result = cli(exercise.root, "exercise", "1.2")
    assert result.exit_code == 2
    assert "section 1.2 has no exercise" in result.stderr


def test_a_broken_progress_file_is_reported_before_the_checks_run(exercise, cli):
    """A mangled PROGRESS.md stops the command first, and is left as it was."""
    catalog = load_catalog(exercise.root)
    ensure_progress(catalog.progress_path, catalog.sections)
    progress = exercise.root / "PROGRESS.md"
    progress.write_text(progress.read_text().replace("- [ ] experiment", "- [?] experiment", 1))
    before = progress.read_bytes()
    exercise.learner(REFERENCE)
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 2 and "not a checkbox" in result.stderr
    assert progress.read_bytes() == before


def test_an_exercise_that_is_not_utf8_is_one_line_naming_the_line(exercise, cli):
    """A byte that isn't UTF-8 is reported at its line, with the fix, exit 2; nothing is run."""
    exercise.exercise.write_bytes(b"def double(x):\n    return 'caf\xe9'\n")
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 2
    assert "exercise.py:2: exercise.py is not UTF-8 text. Save it as UTF-8" in result.stderr
