"""Odd setups a learner really has, and files that are not what they seem: one line or silence.

Each test started as an attack on the tool (issue 7): a deleted working folder,
a terminal that can't show a tick, a full disk behind stdout, a --root that is
a symlink loop or names a user that doesn't exist, an answers "file" that is
/dev/zero or a named pipe, a file of megabytes where a few lines belong, an
overview that is a pipe (which `list` used to wait on for ever).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(root: Path | None, *args: str, cwd: Path | None = None, env: dict | None = None,
         **kwargs) -> subprocess.CompletedProcess:
    """`python -m learnpath ARGS` in a real process (PYTHONPATH points at this checkout)."""
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO), **(env or {})}
    if root is not None:
        full_env["LEARNPATH_ROOT"] = str(root)
    else:
        full_env.pop("LEARNPATH_ROOT", None)
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    kwargs.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "learnpath", *args], env=full_env, cwd=cwd,
                          timeout=60, **kwargs)


def _one_error_line(stderr: bytes | str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    return lines[0]


def test_a_deleted_working_folder_is_one_line(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    result = _run(None, "list", cwd=gone, preexec_fn=lambda: os.rmdir(gone))
    assert result.returncode == 2
    assert "current folder no longer exists" in _one_error_line(result.stderr)


@pytest.mark.parametrize("how", ["--root", "LEARNPATH_ROOT"])
def test_a_root_that_is_a_symlink_loop_is_one_line(cli, tmp_path, how):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    args = ["--root", str(tmp_path / "a"), "list"] if how == "--root" else ["list"]
    result = _run(tmp_path / "a" if how != "--root" else None, *args)
    assert result.returncode == 2
    assert "loop of symbolic links" in _one_error_line(result.stderr)


def test_a_root_under_a_user_that_does_not_exist_is_one_line():
    result = _run(None, "--root", "~nosuchuser-learnpath/course", "list")
    assert result.returncode == 2
    assert "names a user this system doesn't have" in _one_error_line(result.stderr)


@pytest.mark.parametrize("command", [["list"], ["next"], ["show", "1.1", "--plain"], ["list", "--json"]])
def test_a_full_disk_behind_stdout_is_one_line(course, command):
    with open("/dev/full", "w") as full:
        result = _run(course, *command, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert result.returncode == 1
    assert "No space left on device" in _one_error_line(result.stderr)


def test_a_reader_that_leaves_early_is_silence_and_success(course):
    """`learnpath list | head -1`: the pipe closes under us; nothing on stderr, exit 0."""
    process = subprocess.Popen([sys.executable, "-m", "learnpath", "list"],
                               env={**os.environ, "LEARNPATH_ROOT": str(course), "PYTHONPATH": str(REPO)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    assert process.stderr.read() == b"" and process.wait(timeout=60) == 0


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_show_a_tick_gets_ascii(course, answers, encoding):
    """Ticks and crosses fall back to ASCII; no UnicodeEncodeError whatever the course text holds."""
    _run(course, "run", "1.1")
    listed = _run(course, "list", env={"PYTHONIOENCODING": encoding})
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout.decode(encoding)
    assert "1.1  Value objects" in text and " v " in text
    graded = _run(course, "quiz", "1.1", "--answers", "-", input=answers.wrong.encode(),
                  stdin=None, env={"PYTHONIOENCODING": encoding})
    assert graded.returncode == 1 and b"Traceback" not in graded.stderr
    assert b"x leaf-grad" in graded.stdout


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "big"])
def test_an_answers_file_that_is_not_a_small_plain_file_is_one_line(course, tmp_path, source):
    if source == "fifo":
        path = tmp_path / "answers.fifo"
        os.mkfifo(path)
    elif source == "big":
        path = tmp_path / "answers.yaml"
        path.write_text("leaf-grad: b\n" + "# padding\n" * 200_000)
    else:
        path = Path(source)
    result = _run(course, "quiz", "1.1", "--answers", str(path))
    assert result.returncode == 2
    line = _one_error_line(result.stderr)
    assert str(path) in line
    assert {"/dev/zero": "a device", "fifo": "a named pipe", "big": "larger than 1 MB"}[source] in line


def test_endless_answers_on_stdin_are_one_line(course):
    with open("/dev/zero", "rb") as zeros:
        result = _run(course, "quiz", "1.1", "--answers", "-", stdin=zeros)
    assert result.returncode == 2
    assert "standard input holds more than 1 MB" in _one_error_line(result.stderr)


def test_an_overview_that_is_a_named_pipe_does_not_hang_list_or_show(course):
    overview = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "overview.md"
    overview.unlink()
    os.mkfifo(overview)
    listed = _run(course, "list")
    assert listed.returncode == 0 and b"Value Objects" in listed.stdout  # the folder's words
    shown = _run(course, "show", "1.1")
    assert shown.returncode == 2 and "is a named pipe" in _one_error_line(shown.stderr)


def test_an_attempt_log_that_is_a_named_pipe_is_one_line(course, answers):
    folder = course / ".learnpath"
    folder.mkdir()
    os.mkfifo(folder / "attempts.jsonl")
    reviewed = _run(course, "review")
    assert reviewed.returncode == 2 and "named pipe" in _one_error_line(reviewed.stderr)
    graded = _run(course, "quiz", "1.1", "--answers", "-", input=answers.right.encode(), stdin=None)
    assert graded.returncode == 2 and "not a plain file" in _one_error_line(graded.stderr)
    assert not (course / "PROGRESS.md").exists()  # checked before grading: nothing ticked


def test_review_skips_a_bad_log_line_with_a_warning_and_goes_on(course, cli, answers):
    cli(course, "quiz", "1.1", "--answers", "-", input=answers.wrong)
    log = course / ".learnpath" / "attempts.jsonl"
    good = log.read_text().replace('"when": "2', '"when": "1')  # a millennium ago: due now
    log.write_text('{"deep": ' + "[" * 50_000 + "]" * 50_000 + "}\n" + good)
    result = cli(course, "review", "--answers", "-", "--json", input="1.1/leaf-grad: b\n")
    assert result.exit_code == 0, result.stderr
    assert f"{log}:1: skipped" in result.stderr
    assert json.loads(result.stdout)["asked"] == 3  # the good lines still count


def test_columns_zero_is_ignored_not_obeyed(monkeypatch):
    """COLUMNS=0 used to make Rich draw every line zero columns wide: the questions vanished."""
    from learnpath.ui import console

    monkeypatch.setenv("COLUMNS", "0")
    monkeypatch.setattr(console, "is_terminal", lambda stream=None: True)
    assert console.screen_width() >= 20


@pytest.mark.parametrize("columns", [40, 60, 80, 300])
@pytest.mark.parametrize("command", [["list"], ["next"]])
def test_list_and_next_fit_the_terminal_from_40_to_300_columns(course, columns, command):
    """On a real pseudo-terminal of that width no line is wider than the screen (titles are cut
    with an ellipsis, headers shortened), and COLUMNS=0 does not hide anything."""
    pexpect = pytest.importorskip("pexpect")
    (course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "overview.md").write_text(
        "# Value objects: numbers that remember where they came from and what they are\n\n"
        "After this section you can say what a Value stores and why each field is there.\n")
    env = {**os.environ, "LEARNPATH_ROOT": str(course), "PYTHONPATH": str(REPO), "TERM": "xterm"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "learnpath", *command], env=env, encoding="utf-8",
                          timeout=60, dimensions=(60, columns))
    child.expect(pexpect.EOF)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", child.before)
    lines = plain.replace("\r", "").splitlines()
    assert any("1.1" in line for line in lines)
    assert max(len(line) for line in lines) <= columns, plain
