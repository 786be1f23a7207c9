"""learnpath.lab, the experiments' helpers: prose that fits, steps, a progress line, the learner's parts."""

from __future__ import annotations

import io
import sys

from learnpath import lab


def test_say_wraps_prose_at_the_width_and_keeps_indented_lines(monkeypatch, capsys):
    """A paragraph is re-wrapped at COLUMNS without breaking words; an indented line stays as written."""
    monkeypatch.setenv("COLUMNS", "40")
    lab.say("""
        The gradient of the loss with respect to every weight has been computed, so only data
        has been read and nothing was changed.

          x  =  -2.5   (kept exactly as written, however long the line is here)
    """)
    lines = capsys.readouterr().out.splitlines()
    prose = lines[:lines.index("")]
    assert all(len(line) <= 40 for line in prose) and len(prose) >= 3
    assert " ".join(prose).split() == ("The gradient of the loss with respect to every weight has been "
                                       "computed, so only data has been read and nothing was changed.").split()
    assert "  x  =  -2.5   (kept exactly as written, however long the line is here)" in lines


def test_step_waits_for_enter_only_when_asked(monkeypatch, capsys):
    """With LEARNPATH_PAUSE=1 every step after the first reads one line; without it, none."""
    monkeypatch.setenv(lab.PAUSE_VARIABLE, "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))

    def main():
        lab.step("first")
        assert sys.stdin.tell() == 0  # the first step starts at once
        lab.step("second")
        assert sys.stdin.tell() == 1  # the Enter was read

    main()
    out = capsys.readouterr()
    assert "== Step 1: first" in out.out and "== Step 2: second" in out.out
    assert "press Enter" in out.err


def test_step_stops_waiting_when_stdin_is_closed(monkeypatch, capsys):
    """End of input can't bring an Enter: the run carries on instead of hanging."""
    monkeypatch.setenv(lab.PAUSE_VARIABLE, "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    def main():
        for title in ("one", "two", "three"):
            lab.step(title)

    main()
    assert "== Step 3: three" in capsys.readouterr().out


def test_each_run_numbers_its_own_steps(tmp_path, capsys):
    """Two runs of an experiment's main() in one process each start at Step 1 (tests do this)."""
    import importlib.util

    source = tmp_path / "experiment.py"
    source.write_text(
        "from learnpath import lab\n\n"
        "def main():\n    lab.step('first')\n    helper()\n\n"
        "def helper():  # a step inside a helper of main() belongs to the same run\n"
        "    lab.step('second')\n")
    spec = importlib.util.spec_from_file_location("some_experiment", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    module.main()
    out = capsys.readouterr().out
    assert out.count("== Step 1: first") == 2 and out.count("== Step 2: second") == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_one_line_on_a_terminal_and_wipes_it():
    """On a terminal: step, figures and time left on one redrawn line, wiped at the end."""
    screen = _Terminal()
    with lab.Progress(10, "training", stream=screen) as bar:
        bar.update(5, loss=2.3456)
    drawn = screen.getvalue()
    assert "training  step 5/10  loss 2.346  ~" in drawn and "s left" in drawn
    assert drawn.endswith("\r")
    assert "\n" not in drawn


def test_progress_is_silent_in_a_pipe():
    """Not a terminal: nothing at all, so piped output and tests see only the experiment's text."""
    pipe = io.StringIO()
    with lab.Progress(10, "training", stream=pipe) as bar:
        for i in range(10):
            bar.update(i + 1, loss=1.0)
    assert pipe.getvalue() == ""


def test_mine_takes_the_learners_parts_only_when_asked(tmp_path, monkeypatch):
    """Without --mine the library's part; with LEARNPATH_MINE, the same name from that file."""
    experiment = tmp_path / "experiment.py"
    (tmp_path / "exercise.py").write_text("def double(x):\n    return 'learner'\n")

    def library_double(x):
        return "library"

    monkeypatch.delenv(lab.MINE_VARIABLE, raising=False)
    parts = lab.mine(str(experiment), double=library_double)
    assert (parts.mine, parts.double(1)) == (False, "library")
    monkeypatch.setenv(lab.MINE_VARIABLE, "1")
    parts = lab.mine(str(experiment), double=library_double)
    assert (parts.mine, parts.double(1)) == (True, "learner")


def test_mine_names_a_part_the_learners_file_lacks(tmp_path, monkeypatch):
    """A part missing from exercise.py is named in one line, not an AttributeError deep inside."""
    (tmp_path / "other.py").write_text("x = 1\n")
    monkeypatch.setenv(lab.MINE_VARIABLE, str(tmp_path / "other.py"))
    try:
        lab.mine(str(tmp_path / "experiment.py"), generate=print)
    except lab.NotYours as problem:
        assert "defines no 'generate'" in str(problem)
    else:
        raise AssertionError("a missing part must be refused")
