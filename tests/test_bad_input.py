"""Bad input met the way a person (or a tutor agent) meets it: one line, exit 2, nothing written.

Each test here started as something found by hand at a terminal: a closed
stdin or stdout, a root or an id far too long, a typo on the command line, a
PROGRESS.md that is mangled, cut short or read-only, a quiz.yaml with a tab.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from learnpath.ui import console
from learnpath.catalog import load_catalog
from learnpath.errors import LearnpathError
from learnpath.record.progress import ensure_progress, read_progress
from learnpath.quiz.file import load_quiz

# an experiment that leaves a mark, so a test can tell whether it was started at all
MARKING_EXPERIMENT = "open('ran.txt', 'w').write('ran')\n"


def _one_error_line(stderr: str) -> str:
    """The single `error: ...` line of a failure; fails the test on anything more."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and "Traceback" not in stderr
    return lines[0]


def _age_attempt_log(course: Path) -> None:
    """Move every logged attempt back a millennium, so the questions it missed are due for review."""
    log = course / ".learnpath" / "attempts.jsonl"
    log.write_text(log.read_text().replace('"when": "2', '"when": "1'))


def _run(root: Path, *args: str, close: int | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`python -m learnpath ARGS` in a real process; `close` is a file descriptor to start it without."""
    env = {**os.environ, "LEARNPATH_ROOT": str(root), "NO_COLOR": "1"}
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "learnpath", *args], text=True, env=env,
        timeout=60, preexec_fn=(lambda: os.close(close)) if close is not None else None, **kwargs,
    )


# ---- closed standard streams ---------------------------------------------------


@pytest.mark.parametrize("command", [["quiz", "1.1"], ["review"]])
def test_answers_from_a_closed_stdin_is_one_line_not_a_traceback(course, answers, command):
    """`--answers -` started with stdin closed (`<&-`) says so, exit 2."""
    if command == ["review"]:  # give review something due: a failed attempt long ago
        failing = _run(course, "quiz", "1.1", "--answers", "-", stdin=None, input=answers.wrong)
        assert failing.returncode == 1
        _age_attempt_log(course)
    result = _run(course, *command, "--answers", "-", close=0, stdin=None)
    assert result.returncode == 2
    assert "standard input is closed" in _one_error_line(result.stderr)


def test_a_closed_stdout_is_not_a_crash(course):
    """`learnpath list >&-`: nothing to print to, and no traceback about it."""
    result = _run(course, "list", close=1, stdout=None)
    assert result.returncode == 0 and not result.stderr


def test_an_empty_answers_file_name_is_not_the_current_folder(course, cli):
    result = cli(course, "quiz", "1.1", "--answers", "")
    assert result.exit_code == 2
    assert "file name is empty" in _one_error_line(result.stderr)


# ---- the root and the ids ----------------------------------------------------------


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_root_too_long_for_the_file_system_is_one_line(cli, tmp_path, how):
    far = str(tmp_path / ("a" * 5000))
    result = cli(None, "--root", far, "list") if how == "option" else cli(Path(far), "list")
    assert result.exit_code == 2
    assert "has no curriculum/ folder" in _one_error_line(result.stderr)


def test_a_very_long_id_is_not_echoed_in_full(course, cli):
    for ident in ("1" * 100_000, "../" * 10_000):
        result = cli(course, "show", ident)
        assert result.exit_code == 2
        assert len(_one_error_line(result.stderr)) < 300


# ---- usage errors --------------------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["quiz"], "Missing argument 'ID'"),
    (["lst"], "No such command 'lst'"),
    (["run", "1.1", "--timeout", "abc"], "--timeout"),
    (["hint", "1.1", "leaf-grad", "--level", "0"], "--level"),
    (["--root"], "--root"),
])
def test_a_mistyped_command_line_is_one_line_like_any_error(course, cli, args, words):
    """Typer draws usage errors in a box; here they are one line that points at --help."""
    result = cli(course, *args)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert words in line and "--help" in line


def test_a_bare_learnpath_still_shows_the_help(cli):
    assert "Commands" in cli(None).stdout


def test_an_error_asking_a_question_reads_naturally():
    """A message ending in `?` is followed by its fix, not by `?.`."""
    error = LearnpathError("was it cut short?", path="PROGRESS.md", line=3, fix="Finish the line")
    assert str(error) == "PROGRESS.md:3: was it cut short? Finish the line"


# ---- PROGRESS.md that can't take a tick: nothing runs, nothing is written -----------------


def _mangle(course: Path, text_of) -> tuple[Path, bytes]:
    progress = load_catalog(course).progress_path
    ensure_progress(progress, load_catalog(course).sections)
    progress.write_text(text_of(progress.read_text()))
    return progress, progress.read_bytes()


MANGLED = {
    "a [?] box": lambda text: text.replace("- [ ] 1.2", "- [?] 1.2"),
    "cut off in a section line": lambda text: text[: text.index("- [ ] 2.1") + len("- [ ] 2")],
    "cut off after the box": lambda text: text[: text.index("- [ ] 2.1") + len("- [ ] ")],
}


@pytest.mark.parametrize("how", list(MANGLED))
def test_a_mangled_progress_file_stops_run_and_quiz_before_the_work(course, cli, answers, how):
    """The experiment is not started and the quiz not graded or logged, only to fail at the tick."""
    section = load_catalog(course).resolve("1.1").path
    (section / "experiment.py").write_text(MARKING_EXPERIMENT)
    progress, before = _mangle(course, MANGLED[how])
    ran = cli(course, "run", "1.1")
    graded = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    for result in (ran, graded):
        assert result.exit_code == 2
        assert f"{progress}:" in _one_error_line(result.stderr)
    assert not (section / "ran.txt").exists()
    assert not (course / ".learnpath" / "attempts.jsonl").exists()
    assert progress.read_bytes() == before


@pytest.mark.parametrize("args", [["list"], ["next", "--json"], ["reset", "1.1", "--yes"],
                                  ["reset", "--all", "--yes"]])
def test_a_progress_file_cut_off_mid_line_is_refused_by_every_command(course, cli, args):
    """Cut inside `- [ ] 2.1`, the file would otherwise get section 2.1 added above the stub."""
    progress, before = _mangle(course, MANGLED["cut off in a section line"])
    result = cli(course, *args)
    assert result.exit_code == 2
    line_count = before.count(b"\n") + 1
    assert f"{progress}:{line_count}: " in _one_error_line(result.stderr)
    assert "cut short" in result.stderr
    assert progress.read_bytes() == before


def test_a_note_that_merely_starts_like_a_section_is_still_a_note(course):
    """Only a stub on the last line of a file with no final newline counts as cut off."""
    progress, _ = _mangle(course, lambda text: text + "- [ ] 2\n- [x] 3 more exercises")
    assert read_progress(progress, load_catalog(course).sections)["1.1"].done is False


def test_a_read_only_progress_file_is_not_replaced(course, cli, answers):
    """The atomic rename would replace even a read-only file; the tool refuses first.

    Checked by the permission bits too, so it holds when the tests run as root.
    """
    section = load_catalog(course).resolve("1.1").path
    (section / "experiment.py").write_text(MARKING_EXPERIMENT)
    progress, before = _mangle(course, lambda text: text)
    progress.chmod(0o444)
    try:
        for args in (["run", "1.1"], ["quiz", "1.1", "--answers", "-"]):
            result = cli(course, *args, input=answers.right)
            assert result.exit_code == 2
            assert "read-only" in _one_error_line(result.stderr)
        assert not (section / "ran.txt").exists()
        assert cli(course, "list").exit_code == 0  # reading is fine
        assert progress.read_bytes() == before
        assert stat.S_IMODE(progress.stat().st_mode) == 0o444
    finally:
        progress.chmod(0o644)


# ---- quiz.yaml and the interactive quiz --------------------------------------------------


def test_a_tab_in_yaml_says_tab_and_spaces(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("questions:\n  - id: q\n\ttype: single\n")
    with pytest.raises(LearnpathError) as caught:
        load_quiz(path)
    assert caught.value.line == 3
    assert "tab" in str(caught.value) and "spaces" in str(caught.value)


def test_long_choices_wrap_under_their_own_text_on_a_narrow_terminal(monkeypatch):
    """At 40 columns a choice's second line starts under its text, not under its letter."""
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    long_choice = "A plain float 9.0 with a label saying it is a square."
    console.question(1, 1, "Which?", [("a", long_choice), ("b", "short")], "Type one letter.", 1)
    lines = out.getvalue().splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("  a) "))
    assert lines[first + 1].startswith(" " * 5) and lines[first + 1].strip()
    assert all(len(line) <= 40 for line in lines)


# ---- course files that can't be read -----------------------------------------------------


def test_an_overview_that_is_not_utf8_is_one_line_for_show_and_a_line_for_check(course, cli):
    overview = load_catalog(course).resolve("1.2").overview
    overview.write_bytes(b"# The backward pass\n\nsch\xf6n\n")
    shown = cli(course, "show", "1.2")
    assert shown.exit_code == 2
    assert "not UTF-8" in _one_error_line(shown.stderr)
    checked = cli(course, "check")
    assert checked.exit_code == 1
    assert "Section_2_Backward_Pass/overview.md:3: overview.md is not UTF-8 text" in checked.stdout
    assert cli(course, "list").exit_code == 0  # the title falls back to the folder's words


def test_a_folder_that_cant_be_read_is_one_line_not_a_traceback(course, cli, monkeypatch):
    """What a learner meets after `chmod 000 curriculum/Phase_2` (root ignores the bits, so fake it)."""
    import learnpath.catalog

    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "Phase_2":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(learnpath.catalog.os, "scandir", scandir)
    result = cli(course, "list")
    assert result.exit_code == 2
    assert "can't read the folder" in _one_error_line(result.stderr) and "Phase_2" in result.stderr


# ---- a PROGRESS.md or quiz.yaml that is not a plain file -------------------------------------


@pytest.mark.parametrize("args", [["list"], ["next"], ["run", "1.1"], ["reset", "--all", "--yes"]])
def test_a_progress_file_that_is_a_named_pipe_is_refused_not_waited_on(course, args):
    """Reading a FIFO blocks until someone writes to it: the tool must say so at once instead.

    (A link to /dev/null is refused the same way; as root the atomic write used to
    replace /dev/null itself with a regular file.)
    """
    os.mkfifo(course / "PROGRESS.md")
    result = _run(course, *args)
    assert result.returncode == 2
    assert "not a plain file" in _one_error_line(result.stderr)
    assert stat.S_ISFIFO((course / "PROGRESS.md").lstat().st_mode)


def test_a_dangling_link_as_progress_file_creates_nothing(course, cli, tmp_path):
    """The write used to follow the link and create the missing folders of its target."""
    target = tmp_path / "elsewhere" / "PROGRESS.md"
    (course / "PROGRESS.md").symlink_to(target)
    for args in (["list"], ["run", "1.1"], ["reset", "1.1", "--yes"]):
        result = cli(course, *args)
        assert result.exit_code == 2
        assert "does not exist" in _one_error_line(result.stderr)
    assert not target.parent.exists()


def test_a_progress_file_kept_elsewhere_behind_a_link_still_works(course, cli, tmp_path):
    real = tmp_path / "notes" / "my-progress.md"
    real.parent.mkdir()
    ensure_progress(real, load_catalog(course).sections)
    (course / "PROGRESS.md").symlink_to(real)
    assert cli(course, "run", "1.1").exit_code == 0
    assert (course / "PROGRESS.md").is_symlink() and "- [x] experiment" in real.read_text()


def test_a_quiz_file_that_is_a_named_pipe_is_refused_not_waited_on(course):
    quiz = load_catalog(course).resolve("1.1").quiz
    quiz.unlink()
    os.mkfifo(quiz)
    result = _run(course, "quiz", "1.1", "--reveal")
    assert result.returncode == 2
    assert "not a plain file" in _one_error_line(result.stderr)


def test_ctrl_c_during_check_run_stops_the_whole_check(course):
    """It used to stop only the running experiment, note a problem and go on with the next."""
    import signal
    import time

    catalog = load_catalog(course)
    first, later = catalog.resolve("1.1").path, catalog.resolve("2.1").path
    (first / "experiment.py").write_text(
        "import time\nopen('started.txt', 'w').write('yes')\ntime.sleep(60)\n")
    (later / "experiment.py").write_text(MARKING_EXPERIMENT)
    tool = subprocess.Popen(
        [sys.executable, "-m", "learnpath", "--root", str(course), "check", "--run"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not (first / "started.txt").exists():
            assert time.monotonic() < deadline, "the experiment never started"
            time.sleep(0.05)
        tool.send_signal(signal.SIGINT)
        _, err = tool.communicate(timeout=20)
    finally:
        tool.kill()
    assert tool.returncode == 130
    assert "Ctrl-C" in _one_error_line(err)
    assert not (later / "ran.txt").exists()


def test_a_review_answer_to_a_question_not_asked_is_an_error_not_ignored(course, cli, answers):
    """A tutor answering a question that isn't due used to get it silently dropped from the grade."""
    assert cli(course, "quiz", "1.1", "--answers", "-", input=answers.wrong).exit_code == 1
    _age_attempt_log(course)
    log = course / ".learnpath" / "attempts.jsonl"
    before = log.read_bytes()
    result = cli(course, "review", "--answers", "-", input="1.1/leaf-grad: b\n1.1/rule-name: chain rule\n")
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "<stdin>:2: 1.1/rule-name is not one of the questions this review asks" in line
    assert "1.1/leaf-grad" in line  # the fix lists what is due
    assert log.read_bytes() == before


def test_a_root_pointing_at_the_curriculum_folder_itself_names_its_parent(course, cli):
    result = cli(None, "--root", str(course / "curriculum"), "list")
    assert result.exit_code == 2
    assert f"Point it at {course}," in _one_error_line(result.stderr)


def test_an_experiment_linked_from_outside_is_refused_and_check_run_goes_on(course, cli, tmp_path):
    """`check --run` used to stop at the refusal with exit 2 instead of listing it as a problem."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "experiment.py").write_text(MARKING_EXPERIMENT)
    experiment = load_catalog(course).resolve("1.2").experiment
    experiment.unlink()
    experiment.symlink_to(outside / "experiment.py")
    later = load_catalog(course).resolve("2.1").path
    (later / "experiment.py").write_text(MARKING_EXPERIMENT)
    ran = cli(course, "run", "1.2")
    assert ran.exit_code == 2 and "not inside the curriculum" in _one_error_line(ran.stderr)
    checked = cli(course, "check", "--run", "--timeout", "20")
    assert checked.exit_code == 1
    assert "refusing to run" in checked.stdout
    assert (later / "ran.txt").exists() and not (outside / "ran.txt").exists()


def test_an_unclosed_quote_points_at_where_it_opens(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text('questions:\n  - id: q\n    prompt: "never closed\n    type: single\n\n\n')
    with pytest.raises(LearnpathError) as caught:
        load_quiz(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("pager, works", [(None, True), ("less -R", True),
                                          ("no-such-pager-anywhere", False), ("'unclosed", False)])
def test_a_pager_that_is_not_installed_is_not_used(monkeypatch, pager, works):
    """pydoc shows nothing at all when $PAGER is missing, so `show` printed only its last line."""
    monkeypatch.delenv("MANPAGER", raising=False)
    if pager is None:
        monkeypatch.delenv("PAGER", raising=False)
    else:
        monkeypatch.setenv("PAGER", pager)
    monkeypatch.setattr("shutil.which", lambda name: None if "no-such" in name else f"/usr/bin/{name}")
    assert console._pager_works() is works
