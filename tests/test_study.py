"""learnpath/study/, the use cases: nothing the learner did is lost when writing it down fails, and
what the tool says after a failure or Ctrl-C is what really happened."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import learnpath
from learnpath.record import attempts, progress
from learnpath.study import journal
from learnpath.record.attempts import read_attempts
from learnpath.catalog import load_catalog
from learnpath.errors import AttemptLogError, ProgressError
from learnpath.record.progress import read_progress


@pytest.fixture(autouse=True)
def _fresh_journal(monkeypatch):
    monkeypatch.setattr(journal, "_journal", [])


def _state(root, section_id):
    catalog = load_catalog(root)
    return read_progress(catalog.progress_path, catalog.sections)[section_id]


def saved_file(message: str) -> Path:
    match = re.search(r"saved in (\S+):", message)
    assert match, message
    return Path(match.group(1))


def test_a_log_that_fails_at_the_end_keeps_the_answers_in_a_named_file(course, cli, answers, monkeypatch):
    """The score is printed, the answers are saved, and grading that file later records the attempt."""

    def disk_full(*args, **kwargs):
        raise AttemptLogError("can't write the attempt log (No space left on device)")

    monkeypatch.setattr(attempts, "append_attempt", disk_full)
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert "5/5 (passed) was graded but not recorded" in result.stderr
    assert "No space left on device" in result.stderr
    kept = saved_file(result.stderr)
    assert kept.is_file() and not _state(course, "1.1").quiz_passed
    monkeypatch.undo()
    again = cli(course, "quiz", "1.1", "--answers", str(kept))
    assert again.exit_code == 0, again.stderr
    assert _state(course, "1.1").quiz_passed and len(read_attempts(course)) == 1


def test_a_tick_that_fails_after_logging_says_the_attempt_is_logged(course, cli, answers, monkeypatch):
    def read_only(*args, **kwargs):
        raise ProgressError("the progress file is read-only")

    monkeypatch.setattr(progress, "record_quiz", read_only)
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert "is in the attempt log, but its quiz box was not ticked" in result.stderr
    assert saved_file(result.stderr).is_file()
    assert len(read_attempts(course)) == 1


def test_ctrl_c_after_the_attempt_is_logged_says_it_was_logged(course, cli, answers, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(progress, "record_quiz", interrupted)
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 130
    assert "after writing to the attempt log" in result.stderr
    assert "nothing was recorded" not in result.stderr
    assert len(read_attempts(course)) == 1


def test_ctrl_c_before_anything_is_written_says_nothing_was_recorded(course, cli, answers, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(attempts, "append_attempt", interrupted)
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 130
    assert "nothing was recorded" in result.stderr


def test_a_successful_experiment_whose_tick_fails_says_it_succeeded(course, cli, monkeypatch):
    def fails(*args, **kwargs):
        raise ProgressError("can't write the progress file (Disk quota exceeded)")

    monkeypatch.setattr(progress, "tick", fails)
    result = cli(course, "run", "1.1")
    assert result.exit_code == 2
    assert "experiment 1.1 succeeded in" in result.stderr
    assert "Disk quota exceeded" in result.stderr and "`learnpath run 1.1` ticks it" in result.stderr


def test_an_attempt_log_folder_that_is_a_file_stops_the_quiz_before_grading(course, cli, answers):
    (course / ".learnpath").write_text("not a folder")
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert "Score" not in result.stdout and not (course / "PROGRESS.md").exists()


def test_a_log_owned_by_another_user_gets_a_chown_fix(course, monkeypatch):
    """After one `sudo learnpath`, the fix named is the one that works: chown back to $USER."""
    log = attempts.log_path(course)
    log.parent.mkdir()
    log.write_text("")
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != log)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(log).st_uid + 1)
    with pytest.raises(AttemptLogError) as caught:
        attempts.check_can_log(course)
    assert f"sudo chown -R $USER {log}" in str(caught.value)


def test_study_is_the_only_module_that_writes_the_record():
    """No other module of the tool calls the writers of the attempt log or PROGRESS.md."""
    package = Path(learnpath.__file__).parent
    writers = re.compile(r"\b(append_attempt|tick|record_quiz|ensure_progress|reset)\(")
    checked = 0
    for source in package.rglob("*.py"):
        inside = source.relative_to(package).parts[0]
        if inside in ("study", "record", "nn"):
            continue  # the one package that calls the writers, the writers themselves, the library
        calls = [m.group(1) for m in writers.finditer(source.read_text())]
        assert not calls, f"{source.relative_to(package)} writes the record itself: {calls}"
        checked += 1
    assert checked > 20  # the walk really looked at the tool's modules


@pytest.mark.parametrize("which", ["PROGRESS.md", ".PROGRESS.md.lock"])
def test_a_progress_file_or_lock_owned_by_another_user_gets_a_chown_fix(course, cli, answers, monkeypatch, which):
    """After one `sudo learnpath`, PROGRESS.md or its lock belongs to root: the fix is chown, named
    before the quiz is graded."""
    cli(course, "run", "1.1")
    target = course / which
    target.touch()
    real_access, real_uid = os.access, os.getuid()
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != target and real_access(path, mode))
    monkeypatch.setattr(os, "getuid", lambda: real_uid + 1)
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert f"sudo chown $USER {target}" in result.stderr
    assert "Score" not in result.stdout
