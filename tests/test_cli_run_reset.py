"""`learnpath run` (ticks only on success) and `learnpath reset` (asks first, refuses blind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from learnpath.catalog import load_catalog
from learnpath.record.progress import QuizMark, Step, read_progress, record_quiz, tick


def _states(root):
    catalog = load_catalog(root)
    return read_progress(catalog.progress_path, catalog.sections)


def _experiment(course, section_folder="Phase_1/Section_1_Value_Objects"):
    return course / "curriculum" / section_folder / "experiment.py"


def test_successful_run_ticks_the_experiment_box(course, cli):
    """Exit 0 from experiment.py ticks its box; the output is passed through."""
    result = cli(course, "run", "1.1")
    assert result.exit_code == 0, result.stderr
    assert "ticked" in result.stdout
    assert _states(course)["1.1"].experiment is True
    assert _states(course)["1.2"].experiment is False


def test_run_uses_section_folder_as_working_directory(course, cli):
    """The experiment runs inside its own folder, so it can open its files by name."""
    _experiment(course).write_text("import os\nopen('made-here.txt', 'w').write(os.getcwd())\n")
    assert cli(course, "run", "1.1").exit_code == 0
    assert (_experiment(course).parent / "made-here.txt").exists()


def test_crash_passes_exit_code_and_ticks_nothing(course, cli):
    """A failing experiment's exit code comes back, with a line saying nothing was ticked."""
    _experiment(course).write_text("import sys\nsys.exit(3)\n")
    result = cli(course, "run", "1.1")
    assert result.exit_code == 3
    assert "failed (exit code 3); nothing ticked" in result.stderr
    assert _states(course)["1.1"].experiment is False


def test_timeout_stops_it_and_says_so(course, cli):
    """An experiment past --timeout is stopped: exit 1, a message naming the timeout, no tick."""
    _experiment(course).write_text("import time\ntime.sleep(60)\n")
    started = time.monotonic()
    result = cli(course, "run", "1.1", "--timeout", "1")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "still running after 1 s" in result.stderr and "--timeout" in result.stderr
    assert _states(course)["1.1"].experiment is False


def test_ctrl_c_stops_the_experiment_and_ticks_nothing(course):
    """SIGINT to the tool while an experiment runs: exit 130, a message, the child gone, no tick."""
    pid_file = _experiment(course).parent / "child.pid"
    _experiment(course).write_text(
        "import os, time\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    tool = subprocess.Popen(
        [sys.executable, "-m", "learnpath", "--root", str(course), "run", "1.1"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "experiment never started"
            time.sleep(0.05)
        tool.send_signal(signal.SIGINT)
        out, err = tool.communicate(timeout=20)
    finally:
        tool.kill()
    assert tool.returncode == 130
    assert "Ctrl-C" in err and "nothing ticked" in err
    assert "Traceback" not in err
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the experiment outlived the tool")
    assert _states(course)["1.1"].experiment is False


def test_missing_experiment_is_exit_2(course, cli):
    """A section without experiment.py: exit 2 pointing at check."""
    _experiment(course).unlink()
    result = cli(course, "run", "1.1")
    assert result.exit_code == 2 and "learnpath check" in result.stderr


def _finish(course, section_id):
    catalog = load_catalog(course)
    tick(catalog.progress_path, catalog.sections, section_id, Step.EXPERIMENT)
    record_quiz(catalog.progress_path, catalog.sections, section_id, QuizMark(5, 5, "2026-01-01"))


def test_reset_with_yes_unticks_one_section(course, cli):
    """reset ID --yes unticks that section only; notes elsewhere in the file stay."""
    _finish(course, "1.1")
    _finish(course, "1.2")
    progress = course / "PROGRESS.md"
    progress.write_text(progress.read_text() + "\nMy note: revisit the chain rule.\n")
    result = cli(course, "reset", "1.1", "--yes")
    assert result.exit_code == 0, result.stderr
    states = _states(course)
    assert not states["1.1"].done and not states["1.1"].experiment and not states["1.1"].quiz_passed
    assert states["1.2"].done
    assert "My note: revisit the chain rule." in progress.read_text()


def test_reset_all(course, cli):
    """reset --all --yes unticks every section."""
    _finish(course, "1.1")
    _finish(course, "2.1")
    assert cli(course, "reset", "--all", "--yes").exit_code == 0
    assert not any(state.done or state.experiment for state in _states(course).values())


def test_reset_without_terminal_or_yes_refuses(course, cli):
    """Nobody to ask and no --yes: exit 2 naming --yes, nothing changed."""
    _finish(course, "1.1")
    before = (course / "PROGRESS.md").read_bytes()
    result = cli(course, "reset", "1.1")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert (course / "PROGRESS.md").read_bytes() == before


def test_reset_needs_exactly_one_target(course, cli):
    """Neither an id nor --all, or both: exit 2 with an example."""
    assert cli(course, "reset", "--yes").exit_code == 2
    both = cli(course, "reset", "1.1", "--all", "--yes")
    assert both.exit_code == 2 and "learnpath reset --all" in both.stderr


def test_show_plain_prints_the_file_and_unknown_id_suggests(course, cli):
    """show --plain prints overview.md as it is; a typo gets a suggestion and the list command."""
    overview = course / "curriculum" / "Phase_1" / "Section_2_Backward_Pass" / "overview.md"
    result = cli(course, "show", "backward-pass", "--plain")
    assert result.exit_code == 0 and result.stdout == overview.read_text()
    rendered = cli(course, "show", "1.2")
    assert rendered.exit_code == 0 and "The backward pass" in rendered.stdout
    bad = cli(course, "show", "1.3")
    assert bad.exit_code == 2
    assert "Did you mean" in bad.stderr and "learnpath list" in bad.stderr


def test_ids_with_dotdot_or_slash_are_refused(course, cli):
    """`../` in an id is rejected before anything is opened or run."""
    for ident in ("../1.1", "1.1/../1.2", "/etc"):
        result = cli(course, "run", ident)
        assert result.exit_code == 2 and "not a section id" in result.stderr
