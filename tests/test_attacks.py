"""Hostile and careless input: every one ends in one clean line and the right exit code, never a
traceback, and nothing is lost to a write target found broken only after the work."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _one_clean_line(result, code=2):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("key", ["1" * 5000, "0x" + "f" * 5000])
def test_huge_integer_keys_in_an_answers_file(course, cli, key):
    """An answers-file key longer than Python's 4300-digit int limit is refused cleanly."""
    _missed_long_ago(course)
    for command in (("quiz", "1.1", "--answers", "-"), ("review", "--answers", "-")):
        _one_clean_line(cli(course, *command, input=f"{key}: b\n"))


def _missed_long_ago(course):
    """An attempt log in which 1.1's leaf-grad was missed a month ago: it is due for review."""
    log = course / ".learnpath" / "attempts.jsonl"
    log.parent.mkdir(exist_ok=True)
    log.write_text(json.dumps({
        "section": "1.1", "kind": "quiz", "when": "2025-01-01T10:00:00+00:00", "score": 0,
        "total": 1, "passed": False,
        "results": [{"id": "leaf-grad", "correct": False, "points": 0, "max_points": 1}]}) + "\n")


@pytest.mark.parametrize("key", ["9" * 5000, "0x" + "a" * 5000])
def test_huge_integer_keys_in_quiz_yaml(course, cli, key):
    """quiz.yaml with a huge integer as an id or a choice key: `quiz`, `check` report it, no traceback."""
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    text = quiz.read_text().replace("id: leaf-grad", f"id: {key}", 1)
    quiz.write_text(text)
    result = cli(course, "quiz", "1.1", "--answers", "-", input="pick-ops: [a, b]\n")
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
    check = cli(course, "check")  # 0x... is a valid id as text; a decimal one is a number
    assert check.exit_code in (0, 1) and "Traceback" not in check.stderr + check.stdout
    quiz.write_text(QUIZ_WITH_KEY.replace("KEY", key))
    result = cli(course, "quiz", "1.1", "--answers", "-", input="q: b\n")
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
    assert cli(course, "check").exit_code == 1


QUIZ_WITH_KEY = """\
questions:
  - id: q
    type: single
    prompt: "Which?"
    choices: {a: "one", KEY: "two"}
    answer: a
    explanation: "One."
"""


def test_a_lock_path_that_is_a_folder_is_found_before_the_run(course, cli):
    """PROGRESS.md's lock being a folder stops `run` before the experiment starts, naming the lock."""
    (course / ".PROGRESS.md.lock").mkdir()
    experiment = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "experiment.py"
    experiment.write_text("open('ran-marker', 'w').close()\n")
    result = cli(course, "run", "1.1")
    assert result.exit_code != 0
    assert ".PROGRESS.md.lock" in result.stderr
    assert not (experiment.parent / "ran-marker").exists()


def test_an_attempt_log_lock_that_is_a_folder_is_found_before_the_quiz(course, cli, answers):
    """The attempt log's lock being a folder is reported before grading, naming that path."""
    folder = course / ".learnpath"
    folder.mkdir()
    (folder / ".attempts.jsonl.lock").mkdir()
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert ".attempts.jsonl.lock" in result.stderr


def test_a_backup_folder_that_is_a_file_is_found_before_reset(course, cli):
    """`reset --exercise` names .learnpath/backups when it can't hold the copy, before touching anything."""
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise, solved

    root = course
    exercise = add_exercise(root)
    exercise.learner(solved())
    (root / ".learnpath").mkdir()
    (root / ".learnpath" / "backups").write_text("not a folder")
    result = cli(root, "reset", "1.1", "--exercise", "--yes")
    assert result.exit_code != 0
    assert "backups" in result.stderr
    assert exercise.exercise.read_text() == solved()


def test_a_root_ending_in_a_newline_is_one_line(cli, course):
    """--root with a trailing newline (a pasted path) gives a one-line error."""
    result = cli(None, "--root", str(course) + "\n", "list")
    _one_clean_line(result)


@pytest.mark.parametrize("seed", [str(2**63), str(2**64), "1" + "0" * 30])
def test_a_seed_the_log_cannot_store_is_refused(course, cli, seed):
    """--seed beyond what the attempt log stores is a usage error, before anything is asked."""
    result = cli(course, "quiz", "1.1", "--seed", seed)
    assert result.exit_code == 2 and "--seed" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_largest_storable_seed_is_replayed_from_the_log(course):
    """A seed just inside the bound is one the attempt-log reader accepts."""
    from learnpath.cli import app  # noqa: F401  (the CLI loads)
    log = course / ".learnpath" / "attempts.jsonl"
    log.parent.mkdir()
    record = {"section": "1.1", "kind": "quiz", "when": "2025-01-01T10:00:00+00:00", "score": 1,
              "total": 5, "passed": False, "seed": 2**63 - 1,
              "results": [{"id": "leaf-grad", "correct": False, "points": 0, "max_points": 1}]}
    log.write_text(json.dumps(record) + "\n")
    result = subprocess.run([sys.executable, "-m", "learnpath", "--root", str(course), "review", "--json"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0 and "skipped" not in result.stderr


@pytest.mark.parametrize("command", [("run", "1.1"), ("exercise", "1.1"), ("check", "--run")])
def test_a_timeout_beyond_what_can_be_used_is_refused(course, cli, command):
    """--timeout is bounded (a million seconds): beyond is a clear usage error."""
    result = cli(course, *command, "--timeout", "1e10")
    assert result.exit_code == 2 and "--timeout" in result.stderr
    assert "Traceback" not in result.stderr


def _course_ids() -> set[str]:
    """Every quiz question id and exercise task id of the real course."""
    import yaml

    ids = set()
    for quiz in (REPO / "curriculum").glob("*/*/quiz.yaml"):
        ids |= {q["id"] for q in yaml.safe_load(quiz.read_text())["questions"]}
    for checks in (REPO / "curriculum").glob("*/*/exercise_checks.py"):
        ids |= set(re.findall(r'@task\(\s*"([^"]+)"', checks.read_text()))
    return ids


def test_example_ids_in_messages_are_real_ids_of_the_course():
    """Every `e.g. ID` / `SECTION/ID` example the tool's messages and help give is a real id."""
    ids = _course_ids()
    sources = list((REPO / "learnpath").rglob("*.py"))
    found = []
    for source in sources:
        text = source.read_text()
        found += re.findall(r"e\.g\.,? `?\d\.\d/([a-z][a-z0-9-]+)", text)
        found += re.findall(r"(?:question's id|task's|id:), e\.g\.,? `?([a-z][a-z0-9-]+)", text)
        found += re.findall(r"write e\.g\. id: ([a-z][a-z0-9-]+)", text)
    for doc in (REPO / "README.md", REPO / "AGENTS.md"):
        text = doc.read_text()
        found += re.findall(r"learnpath hint \d\.\d ([a-z][a-z0-9-]+)", text)
        found += re.findall(r"`\d\.\d/([a-z][a-z0-9-]+):", text)
    assert found, "the pattern finds the examples"
    assert not [name for name in found if name not in ids]


def test_the_readme_promise_holds_as_written(course, cli):
    """What README says of learner code and PROGRESS.md is what holds: an accident in exercise.py
    (a relative write, an exit, a crash) can't change PROGRESS.md or leave files in the course."""
    readme = (REPO / "README.md").read_text()
    assert "Nothing your code does" not in readme
    assert "deliberate" in readme.lower()
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise, solved

    root = course
    exercise = add_exercise(root)
    assert cli(root, "run", "1.1").exit_code == 0  # PROGRESS.md exists, one box ticked
    progress_before = (root / "PROGRESS.md").read_bytes()
    exercise.learner(solved(double="    open('PROGRESS.md', 'w').write('oops')\n"
                                   "    open('core', 'w').write('x')\n    return x * x"))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = cli(root, "exercise", "1.1")
    assert result.exit_code == 1
    assert (root / "PROGRESS.md").read_bytes() == progress_before
    after = sorted(p.relative_to(root) for p in root.rglob("*") if ".learnpath" not in p.parts)
    assert after == [p for p in before if ".learnpath" not in p.parts]


@pytest.mark.parametrize("field", ["tolerance: 0.001", "id: leaf-grad"])
def test_a_huge_number_anywhere_in_quiz_yaml_is_one_line(course, cli, field):
    """A 5000-digit hex number as a tolerance or an id: check, quiz --json, hint say so in lines."""
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    name = field.split(":")[0]
    quiz.write_text(quiz.read_text().replace(field, f"{name}: 0x{'f' * 5000}", 1))
    for command in (("check", "--strict"), ("quiz", "1.1", "--json"), ("hint", "1.1", "slope")):
        result = cli(course, *command)
        assert result.exit_code in (0, 1, 2), (command, result.stdout[-300:], result.stderr[-300:])
        assert "Traceback" not in result.stdout + result.stderr and result.exception is None or \
            isinstance(result.exception, SystemExit), command


def test_exercise_checks_the_attempt_log_before_the_checks_run(course, cli, tmp_path):
    """The attempt log's lock being a folder stops `exercise` before the learner's code runs."""
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise, solved

    exercise = add_exercise(course)
    marker = tmp_path / "ran"
    exercise.learner(solved(double=f"    open({str(marker)!r}, 'w').close()\n    return x + x"))
    (course / ".learnpath").mkdir()
    (course / ".learnpath" / ".attempts.jsonl.lock").mkdir()
    result = cli(course, "exercise", "1.1")
    assert result.exit_code == 2 and ".attempts.jsonl.lock" in result.stderr
    assert not marker.exists()
