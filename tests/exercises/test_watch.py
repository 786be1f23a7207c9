"""`learnpath exercise ID --watch`, driven through a real pseudo-terminal: redraw on save, q and Ctrl-C stop."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from little_exercise import REFERENCE, solved

pexpect = pytest.importorskip("pexpect")


def _spawn(root, *args):
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    env.pop("LEARNPATH_ROOT", None)
    return pexpect.spawn(sys.executable, ["-m", "learnpath", "--root", str(root), *args],
                         env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))


def _save(path, text):
    """Write as an editor does, and make sure the time stamp moves even on a coarse clock."""
    path.write_text(text)
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))


def test_watch_redraws_on_each_save_and_q_stops_it(exercise):
    """Starter: not started; a wrong save: expected/got in the learner's numbers; right: all pass; q quits."""
    child = _spawn(exercise.root, "exercise", "1.1", "--watch")
    child.expect("0 of 2 tasks pass")
    child.expect("hint 1.1 double")
    _save(exercise.exercise, solved(double="    return x * 3"))
    child.expect("expected: 6.0")
    child.expect("got:      9.0")
    _save(exercise.exercise, REFERENCE)
    child.expect("All 2 tasks pass")
    child.expect("ticked in PROGRESS.md")
    time.sleep(0.3)
    child.send("q")
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "[x] exercise" in (exercise.root / "PROGRESS.md").read_text()


def test_ctrl_c_stops_watching_cleanly(exercise):
    """Ctrl-C while waiting for a save ends the watch with one line, no traceback, exit 0."""
    child = _spawn(exercise.root, "exercise", "1.1", "--watch")
    child.expect("0 of 2 tasks pass")
    time.sleep(0.3)
    child.kill(signal.SIGINT)
    child.expect("Stopped watching \\(Ctrl-C\\).")
    rest = child.read()
    child.close()
    assert "Traceback" not in child.before + rest
    assert child.exitstatus == 0


def test_a_problem_while_watching_is_shown_and_the_watch_goes_on(exercise):
    """A PROGRESS.md mangled mid-watch is one error line; fixing it and saving checks again."""
    from learnpath.catalog import load_catalog
    from learnpath.record.progress import ensure_progress

    catalog = load_catalog(exercise.root)
    ensure_progress(catalog.progress_path, catalog.sections)
    progress = catalog.progress_path
    good = progress.read_text()
    child = _spawn(exercise.root, "exercise", "1.1", "--watch")
    child.expect("0 of 2 tasks pass")
    progress.write_text(good.replace("- [ ] experiment", "- [?] experiment", 1))
    _save(exercise.exercise, REFERENCE)
    child.expect("not a checkbox")
    child.expect("Still watching")
    progress.write_text(good)
    _save(exercise.exercise, REFERENCE + "\n")
    child.expect("All 2 tasks pass")
    time.sleep(0.3)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
