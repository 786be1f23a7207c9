"""PROGRESS.md under stress: writers killed mid-write never leave a torn file, and writers at once lose nothing.

The writers are forked from the test process: they start at once (no interpreter
start-up), share the test's course, and are real separate processes, each with
its own file lock.
"""

from __future__ import annotations

import os
import select
import signal
import stat
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from fake_sections import Sec
from learnpath.record.locking import temp_files
from learnpath.record.progress import (
    QuizMark,
    SectionState,
    ensure_progress,
    read_progress,
    record_quiz,
    reset,
    Step,
    tick,
)

COURSE = [
    Sec(f"{phase}.{number}", f"Section {number}", phase, f"Phase {phase}: Part {phase}")
    for phase in (1, 2)
    for number in range(1, 7)
]
MARK = QuizMark(9, 10, "2026-11-21")


def fork_writer(work: Callable[[], None]) -> int:
    """Run `work` in a forked child process; its exit status is 0 if it finished without error."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            work()
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)  # never fall back into pytest in the child
    return pid


def write_big_progress(path: Path, note_lines: int) -> bytes:
    """The blank plan with many notes before and after the owned lines, so a write takes a while."""
    ensure_progress(path, COURSE)
    notes = "".join(f"- note {n}: a line the learner wrote, kept byte for byte\n" for n in range(note_lines))
    path.write_bytes((notes + path.read_text(encoding="utf-8") + notes).encode("utf-8"))
    return path.read_bytes()


class _OsThatStopsInsideTheWrite:
    """`os` for learnpath.record.locking in a child writer: at the chosen moment of the chosen write it
    tells the parent, then waits to be killed, so the kill lands exactly there."""

    def __init__(self, moment: str, write_number: int, tell_parent: int) -> None:
        self.moment, self.write_number, self.tell_parent = moment, write_number, tell_parent
        self.replaces = 0

    def __getattr__(self, name):
        return getattr(os, name)

    def _stop_here(self) -> None:
        os.write(self.tell_parent, b"k")
        while True:
            time.sleep(1)

    def fsync(self, fd):
        # the temp file's data is written and about to be forced to disk (not the folder's fsync)
        is_file = stat.S_ISREG(os.fstat(fd).st_mode)
        if is_file and self.moment == "temp written" and self.replaces + 1 == self.write_number:
            self._stop_here()
        return os.fsync(fd)

    def replace(self, source, target):
        self.replaces += 1
        if self.replaces == self.write_number and self.moment == "before rename":
            self._stop_here()
        os.replace(source, target)
        if self.replaces == self.write_number and self.moment == "after rename":
            self._stop_here()


def test_killed_writers_never_leave_a_torn_file(tmp_path):
    """SIGKILL a writer at each moment of a write (temp file written, before the rename, after it),
    in each of the three writes a pass makes: the file is always one of its complete versions and
    parses, and the temp file a killed writer leaves is cleaned up by the next writer."""
    from learnpath.record import locking

    path = tmp_path / "PROGRESS.md"
    base = write_big_progress(path, note_lines=2_000)

    def tick_pass_reset_for_ever() -> None:
        while True:
            tick(path, COURSE, "1.1", Step.EXPERIMENT)
            record_quiz(path, COURSE, "1.1", MARK)
            reset(path, COURSE, ["1.1"])

    # the three versions that loop moves between, made by the same functions
    versions = {base}
    tick(path, COURSE, "1.1", Step.EXPERIMENT)
    versions.add(path.read_bytes())
    record_quiz(path, COURSE, "1.1", MARK)
    versions.add(path.read_bytes())
    reset(path, COURSE, ["1.1"])
    assert path.read_bytes() == base and len(versions) == 3

    killed_mid_write = 0
    for write_number in (1, 2, 3, 4):
        for moment in ("temp written", "before rename", "after rename"):
            reader, writer_end = os.pipe()

            def stopped_writer(moment=moment, write_number=write_number, writer_end=writer_end):
                locking.os = _OsThatStopsInsideTheWrite(moment, write_number, writer_end)
                tick_pass_reset_for_ever()

            writer = fork_writer(stopped_writer)
            os.close(writer_end)
            ready, _, _ = select.select([reader], [], [], 30)
            assert ready and os.read(reader, 1) == b"k", f"the writer never reached {moment!r}"
            os.close(reader)
            os.kill(writer, signal.SIGKILL)
            os.waitpid(writer, 0)
            assert path.read_bytes() in versions, (moment, write_number)
            read_progress(path, COURSE)  # parses without error
            leftovers = temp_files(path)
            assert len(leftovers) <= 1  # only the killed writer's own: earlier ones were removed
            if moment != "after rename":
                assert len(leftovers) == 1, (moment, write_number)  # killed with its temp file there
            killed_mid_write += len(leftovers)
    assert killed_mid_write >= 8
    ensure_progress(path, COURSE)
    assert temp_files(path) == []


def test_writers_at_once_lose_no_tick(tmp_path):
    """Four processes ticking and passing different sections at the same moments (72 writes in all)
    all find their ticks and best scores in the file at the end, and the notes are untouched."""
    path = tmp_path / "PROGRESS.md"
    write_big_progress(path, note_lines=2_000)
    notes_before = [line for line in path.read_bytes().split(b"\n") if line.startswith(b"- note")]
    go = tmp_path / "go"
    ids = [section.id for section in COURSE]

    def tick_and_pass(mine: list[str]) -> None:
        while not go.exists():  # start together, to make the writes collide
            time.sleep(0.001)
        for round_number in (1, 2, 3):
            for section_id in mine:
                tick(path, COURSE, section_id, Step.EXPERIMENT)
                mark = QuizMark(7 + round_number, 10, f"2026-11-2{round_number}")
                record_quiz(path, COURSE, section_id, mark)

    writers = [fork_writer(lambda share=ids[n::4]: tick_and_pass(share)) for n in range(4)]
    time.sleep(0.1)
    go.touch()
    for writer in writers:
        _, status = os.waitpid(writer, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    best = QuizMark(10, 10, "2026-11-23")
    assert read_progress(path, COURSE) == {
        section_id: SectionState(experiment=True, quiz_passed=True, quiz=best, done=True)
        for section_id in ids
    }
    notes_after = [line for line in path.read_bytes().split(b"\n") if line.startswith(b"- note")]
    assert notes_after == notes_before
    assert temp_files(path) == []
