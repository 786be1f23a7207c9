"""`learnpath exercise ID --watch`: the watch loop driven in-process through its callbacks (shown
reports, problems, key presses), and once end to end through a real pseudo-terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import time

import pytest
from little_exercise import REFERENCE, solved

from learnpath.catalog import load_catalog
from learnpath.exercises.grading import TaskStatus
from learnpath.record.progress import ensure_progress, read_progress
from learnpath.study.exercise import WatchEnd, watch


def _save(path, text):
    """Write as an editor does, and make sure the time stamp moves even on a coarse clock."""
    path.write_text(text)
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))


class Learner:
    """Plays the learner: after the n-th thing the watch shows, does the n-th step of a plan
    (save a file, press a key), at the first key poll that follows."""

    PATIENCE_SECONDS = 30.0  # a watch that never checks again fails the test instead of hanging it

    def __init__(self, plan):
        self.plan = list(plan)
        self.shown = []  # ("report", ExerciseReport) or ("problem", LearnpathError), in order
        self.done = 0
        self.since = time.monotonic()

    def show(self, checked):
        self.shown.append(("report", checked.report))

    def problem(self, error):
        self.shown.append(("problem", error))

    @contextlib.contextmanager
    def keys(self):
        def pressed(seconds):
            if self.done < len(self.shown):
                step = self.plan[self.done]
                self.done += 1
                self.since = time.monotonic()
                return step()  # a key, or None after saving a file
            assert time.monotonic() - self.since < self.PATIENCE_SECONDS, "the watch did not check again"
            time.sleep(seconds)
            return None

        yield pressed


def _statuses(report):
    return [task.status for task in report.tasks]


def _watch(exercise, learner):
    catalog = load_catalog(exercise.root)
    section = catalog.resolve("1.1")
    return watch(catalog, section, show=learner.show, problem=learner.problem,
                 keys=learner.keys, poll=0.01)


def test_watch_checks_again_on_each_save_and_q_stops_it(exercise):
    """Starter: not started; a wrong save: failed, expected/got in the learner's numbers;
    the right one: all pass and the box is ticked; q quits."""
    learner = Learner([
        lambda: _save(exercise.exercise, solved(double="    return x * 3")),
        lambda: _save(exercise.exercise, REFERENCE),
        lambda: "q",
    ])
    assert _watch(exercise, learner) is WatchEnd.QUIT
    kinds = [kind for kind, _ in learner.shown]
    assert kinds == ["report", "report", "report"]
    starter, wrong, right = (report for _, report in learner.shown)
    assert _statuses(starter) == [TaskStatus.NOT_STARTED] * 2
    double = wrong.tasks[0]
    assert double.status is TaskStatus.FAILED and (double.expected, double.got) == ("6.0", "9.0")
    assert right.passed
    catalog = load_catalog(exercise.root)
    assert read_progress(catalog.progress_path, catalog.sections)["1.1"].exercise is True


def test_enter_checks_again_without_a_save(exercise):
    """Enter runs the checks at once on the file as it is; a capital Q quits too."""
    learner = Learner([lambda: "\n", lambda: "Q"])
    assert _watch(exercise, learner) is WatchEnd.QUIT
    assert [_statuses(report) for _, report in learner.shown] == [[TaskStatus.NOT_STARTED] * 2] * 2


def test_ctrl_c_while_waiting_ends_the_watch_as_interrupted(exercise):
    """Ctrl-C between checks is an ending, not an error: the watch says it was interrupted."""

    def ctrl_c():
        raise KeyboardInterrupt

    learner = Learner([ctrl_c])
    assert _watch(exercise, learner) is WatchEnd.INTERRUPTED
    assert len(learner.shown) == 1


def test_a_problem_while_watching_is_reported_and_the_watch_goes_on(exercise):
    """A PROGRESS.md mangled mid-watch goes to `problem`; fixing it and saving checks again."""
    catalog = load_catalog(exercise.root)
    ensure_progress(catalog.progress_path, catalog.sections)
    progress = catalog.progress_path
    good = progress.read_text()

    def mangle_and_save():
        progress.write_text(good.replace("- [ ] experiment", "- [?] experiment", 1))
        _save(exercise.exercise, REFERENCE)

    def fix_and_save():
        progress.write_text(good)
        _save(exercise.exercise, REFERENCE + "\n")

    learner = Learner([mangle_and_save, fix_and_save, lambda: "q"])
    assert _watch(exercise, learner) is WatchEnd.QUIT
    (_, starter), (kind, error), (_, passed) = learner.shown
    assert kind == "problem" and "not a checkbox" in str(error)
    assert not starter.passed and passed.passed


def test_the_command_watches_at_a_real_terminal(exercise):
    """End to end in a pseudo-terminal: keys read one at a time, the screen redrawn on a save, q quits."""
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    env.pop("LEARNPATH_ROOT", None)
    child = pexpect.spawn(sys.executable, ["-m", "learnpath", "--root", str(exercise.root),
                                           "exercise", "1.1", "--watch"],
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 100))
    child.expect("0 of 2 tasks pass")
    child.expect("hint 1.1 double")
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
