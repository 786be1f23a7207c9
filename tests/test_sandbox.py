"""Running experiment.py: outcomes, exit codes, live and captured output, stopping whole process trees."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from learnpath import sandbox as runner
from learnpath.errors import CatalogError
from learnpath.sandbox import STOP_GRACE_SECONDS, RunOutcome, run_script


def experiment(tmp_path: Path, source: str) -> tuple[Path, Path]:
    """Write `source` as curriculum/Phase_1/Section_1_Demo/experiment.py; return (script, curriculum)."""
    curriculum = tmp_path / "curriculum"
    folder = curriculum / "Phase_1" / "Section_1_Demo"
    folder.mkdir(parents=True)
    script = folder / "experiment.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    return script, curriculum


def alive(pid: int) -> bool:
    """Whether a process is still running; a zombie waiting to be collected counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")
    return True


def wait_for_file(path: Path, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


# a child that starts a long-lived grandchild, records its pid, then sleeps
SPAWNS_GRANDCHILD = """
import pathlib, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
pathlib.Path("grandchild.pid").write_text(str(grandchild.pid))
print("started", flush=True)
time.sleep(60)
"""


def test_success_captures_output_and_runs_in_the_section_folder(tmp_path):
    """A script that exits 0 SUCCEEDS; capture returns stdout and stderr in order, cwd is its folder,
    learnpath is importable and output is unbuffered."""
    script, curriculum = experiment(
        tmp_path,
        """
        import os, sys, learnpath
        print("cwd", os.getcwd())
        print("oops", file=sys.stderr)
        print("unbuffered", os.environ.get("PYTHONUNBUFFERED"))
        """,
    )
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert result.outcome is RunOutcome.SUCCEEDED
    assert result.exit_code == 0
    assert result.output.splitlines() == [f"cwd {script.parent}", "oops", "unbuffered 1"]
    assert 0 < result.seconds < 30


def test_output_streams_to_the_terminal_when_not_captured(tmp_path, capfd):
    """Without capture the child writes straight to the tool's stdout and stderr, and .output is None."""
    script, curriculum = experiment(
        tmp_path, "import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)\n"
    )
    result = run_script(script, curriculum=curriculum, timeout=30)
    out, err = capfd.readouterr()
    assert (out, err) == ("to stdout\n", "to stderr\n")
    assert result.output is None and result.outcome is RunOutcome.SUCCEEDED


def test_nonzero_exit_is_a_failure_with_its_code(tmp_path):
    """A script exiting 3 is FAILED with exit_code 3, and an uncaught exception gives 1."""
    script, curriculum = experiment(tmp_path, "import sys\nsys.exit(3)\n")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert (result.outcome, result.exit_code) == (RunOutcome.FAILED, 3)
    script.write_text("raise ValueError('broken experiment')\n", encoding="utf-8")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert (result.outcome, result.exit_code) == (RunOutcome.FAILED, 1)
    assert "ValueError: broken experiment" in result.output


def test_death_by_signal_is_reported_like_a_shell(tmp_path):
    """A child killed by a signal it didn't get from us is FAILED with exit code 128 + signal number."""
    script, curriculum = experiment(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert (result.outcome, result.exit_code) == (RunOutcome.FAILED, 128 + signal.SIGKILL)


def test_the_experiment_never_waits_on_stdin(tmp_path):
    """input() in an experiment sees end-of-file at once instead of hanging on the terminal."""
    script, curriculum = experiment(tmp_path, "input('your name? ')\n")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert result.outcome is RunOutcome.FAILED
    assert "EOFError" in result.output


def test_timeout_kills_the_child_and_its_grandchild(tmp_path):
    """A run past its timeout is TIMED_OUT, stopped within the grace period, with its grandchild gone too."""
    script, curriculum = experiment(tmp_path, SPAWNS_GRANDCHILD)
    result = run_script(script, curriculum=curriculum, capture=True, timeout=1.0)
    assert result.outcome is RunOutcome.TIMED_OUT
    assert result.exit_code is None
    assert "started" in result.output
    assert 1.0 <= result.seconds < 1.0 + STOP_GRACE_SECONDS + 1.0
    assert not alive(int((script.parent / "grandchild.pid").read_text()))


def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path, monkeypatch):
    """A child that ignores SIGTERM is still stopped: SIGKILL follows after the grace period."""
    monkeypatch.setattr(runner, "STOP_GRACE_SECONDS", 0.5)
    script, curriculum = experiment(
        tmp_path,
        """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("stubborn", flush=True)
        time.sleep(60)
        """,
    )
    result = run_script(script, curriculum=curriculum, capture=True, timeout=1.0)
    assert result.outcome is RunOutcome.TIMED_OUT
    assert "stubborn" in result.output  # printed after it chose to ignore SIGTERM
    assert 1.0 + 0.5 <= result.seconds < 1.0 + 0.5 + 1.0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_or_termination_stops_the_tree_and_reports_interrupted(tmp_path, signum):
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP to the tool while it waits returns INTERRUPTED, raises
    nothing, and kills the child's whole tree."""
    script, curriculum = experiment(tmp_path, SPAWNS_GRANDCHILD)
    pid_file = script.parent / "grandchild.pid"

    def press_ctrl_c() -> None:
        wait_for_file(pid_file)
        os.kill(os.getpid(), signum)

    handlers_before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    presser.join()
    assert result.outcome is RunOutcome.INTERRUPTED
    assert result.exit_code is None
    assert result.seconds < 30
    assert not alive(int(pid_file.read_text()))
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == handlers_before


def test_processes_left_behind_by_a_finished_experiment_are_stopped(tmp_path):
    """A background process the experiment leaves running after a successful exit is stopped too."""
    script, curriculum = experiment(
        tmp_path,
        """
        import pathlib, subprocess, sys
        left = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        pathlib.Path("left.pid").write_text(str(left.pid))
        """,
    )
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert result.outcome is RunOutcome.SUCCEEDED
    assert result.seconds < 30
    assert not alive(int((script.parent / "left.pid").read_text()))


def test_a_script_outside_the_curriculum_is_refused(tmp_path):
    """A script outside the curriculum, or a symlink in it pointing out, is refused before it runs."""
    script, curriculum = experiment(tmp_path, "print('fine')\n")
    outside = tmp_path / "evil.py"
    outside.write_text("import pathlib\npathlib.Path('ran').write_text('yes')\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        run_script(outside, curriculum=curriculum)
    assert "not inside the curriculum" in str(caught.value)
    link = curriculum / "Phase_1" / "Section_1_Demo" / "sneaky.py"
    link.symlink_to(outside)
    with pytest.raises(CatalogError):
        run_script(link, curriculum=curriculum)
    with pytest.raises(CatalogError):
        run_script(curriculum / "Phase_1" / ".." / ".." / "evil.py", curriculum=curriculum)
    assert not (tmp_path / "ran").exists()


def test_a_missing_script_is_a_catalog_error(tmp_path):
    """A section without experiment.py gives a CatalogError naming the file, not a crash."""
    script, curriculum = experiment(tmp_path, "")
    script.unlink()
    with pytest.raises(CatalogError) as caught:
        run_script(script, curriculum=curriculum)
    assert str(caught.value).startswith(str(script))


def test_the_same_interpreter_runs_the_experiment(tmp_path):
    """The experiment runs under the tool's own Python (sys.executable), so it sees the same packages."""
    script, curriculum = experiment(tmp_path, "import sys\nprint(sys.executable)\n")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert result.output.strip() == sys.executable


# a helper that leaves the process group (setsid) and is orphaned at once: only a
# subreaper can still find it. The middle process exits, so init would adopt it.
ESCAPES_WITH_SETSID = """
import pathlib, subprocess, sys, time
middle = subprocess.run([sys.executable, "-c", '''
import subprocess, sys, pathlib
escaped = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
pathlib.Path("escaped.pid").write_text(str(escaped.pid))
'''])
print("helper started", flush=True)
time.sleep({sleep})
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="subreaper is Linux only")
@pytest.mark.parametrize("sleep, timeout, outcome", [(60, 1.5, RunOutcome.TIMED_OUT),
                                                     (0, 30, RunOutcome.SUCCEEDED)])
def test_a_helper_that_called_setsid_and_was_orphaned_is_stopped_too(tmp_path, sleep, timeout, outcome):
    """Out of the group and adopted away from its parent, the helper is still found and killed."""
    script, curriculum = experiment(tmp_path, ESCAPES_WITH_SETSID.replace("{sleep}", str(sleep)))
    result = run_script(script, curriculum=curriculum, capture=True, timeout=timeout)
    assert result.outcome is outcome, result.output
    escaped = int((script.parent / "escaped.pid").read_text())
    assert not alive(escaped)
    assert result.may_survive is None


def test_without_a_subreaper_the_result_says_what_may_be_left(tmp_path, monkeypatch):
    """Where the tool can't follow processes out of the group, it says so instead of claiming all stopped."""
    monkeypatch.setattr(runner, "_become_subreaper", lambda: False)
    script, curriculum = experiment(tmp_path, "print('done')\n")
    result = run_script(script, curriculum=curriculum, capture=True, timeout=30)
    assert result.outcome is RunOutcome.SUCCEEDED
    assert "setsid" in result.may_survive
