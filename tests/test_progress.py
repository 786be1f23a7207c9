"""PROGRESS.md round trips: ticks, scores, resets, hand edits, notes kept byte for byte, bad files refused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from learnpath.record import progress as progress_module
from learnpath.errors import CatalogError, ProgressError
from learnpath.record.locking import atomic_write, locked, temp_files
from fake_sections import Sec
from learnpath.record.progress import (
    QuizMark,
    SectionState,
    ensure_progress,
    read_progress,
    record_quiz,
    render_blank,
    reset,
    Step,
    tick,
)




PHASE_1 = "Phase 1: Automatic Differentiation Fundamentals"
COURSE = (
    Sec("1.1", "Value Objects: numbers that remember", 1, PHASE_1),
    Sec("1.2", "The Backward Pass", 1, PHASE_1),
    Sec("2.1", "Neurons", 2, "Phase 2: Networks"),
)
NOTHING = SectionState(experiment=False, quiz_passed=False, quiz=None, done=False)
MARK = QuizMark(9, 10, "2026-11-21")


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, COURSE)
    return path


def only_changed_lines(before: bytes, after: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Line number -> (old, new) for the lines that differ; both files must have as many lines."""
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return {n + 1: (a, b) for n, (a, b) in enumerate(zip(old, new)) if a != b}


# ------------------------------------------------------------ creating


def test_missing_file_is_created_with_every_section_open(tmp_path):
    """ensure_progress writes the blank plan when there is no file, and every section reads as not done."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, COURSE)
    assert path.read_text(encoding="utf-8") == render_blank(COURSE)
    assert read_progress(path, COURSE) == {s.id: NOTHING for s in COURSE}


def test_blank_plan_lists_phases_and_sections_unticked():
    """render_blank puts each section, with its experiment and quiz boxes, under its phase heading."""
    text = render_blank(COURSE)
    assert "[x]" not in text
    expected = (
        "## Phase 1: Automatic Differentiation Fundamentals\n\n"
        "- [ ] 1.1 Value Objects: numbers that remember\n"
        "  - [ ] experiment\n"
        "  - [ ] quiz\n"
        "- [ ] 1.2 The Backward Pass\n"
        "  - [ ] experiment\n"
        "  - [ ] quiz\n\n"
        "## Phase 2: Networks\n\n"
        "- [ ] 2.1 Neurons\n"
    )
    assert expected in text


def test_phase_title_without_phase_word_gets_a_numbered_heading():
    """A phase title that doesn't start with "Phase N" is given one, so the heading says the number."""
    text = render_blank([Sec("3.1", "Tensors", 3, "Arrays at last")])
    assert "## Phase 3: Arrays at last\n" in text


def test_reading_a_missing_file_writes_nothing(tmp_path):
    """read_progress on a missing file reports nothing done and creates no file at all."""
    assert read_progress(tmp_path / "PROGRESS.md", COURSE) == {s.id: NOTHING for s in COURSE}
    assert list(tmp_path.iterdir()) == []


def test_ticking_creates_a_missing_file(tmp_path):
    """A tick on a missing file creates the plan with that tick in it."""
    path = tmp_path / "PROGRESS.md"
    tick(path, COURSE, "1.2", Step.EXPERIMENT)
    assert read_progress(path, COURSE)["1.2"].experiment


def test_an_empty_file_is_filled_with_the_plan(tmp_path):
    """An empty PROGRESS.md holds nothing to keep, so ensure_progress writes the blank plan into it."""
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(b"")
    ensure_progress(path, COURSE)
    assert path.read_text(encoding="utf-8") == render_blank(COURSE)


# ------------------------------------------------------------ ticking


def test_tick_experiment_changes_one_character(progress):
    """Ticking an experiment rewrites only the box character of that one line."""
    before = progress.read_bytes()
    state = tick(progress, COURSE, "1.2", Step.EXPERIMENT)
    assert state == SectionState(experiment=True, quiz_passed=False, quiz=None, done=False)
    changed = only_changed_lines(before, progress.read_bytes())
    assert list(changed.values()) == [(b"  - [ ] experiment", b"  - [x] experiment")]
    assert read_progress(progress, COURSE)["1.1"] == NOTHING


def test_record_quiz_writes_score_and_date(progress):
    """A passed quiz ticks the quiz box and writes `quiz: 9/10 on <date>`."""
    state = record_quiz(progress, COURSE, "1.1", MARK)
    assert state == SectionState(experiment=False, quiz_passed=True, quiz=MARK, done=False)
    assert "  - [x] quiz: 9/10 on 2026-11-21\n" in progress.read_text(encoding="utf-8")


def test_partial_scores_round_trip(progress):
    """A fractional score such as 8.5/10 is written as a person writes it and read back equal."""
    record_quiz(progress, COURSE, "1.1", QuizMark(8.5, 10, "2026-11-21"))
    assert "quiz: 8.5/10 on 2026-11-21" in progress.read_text(encoding="utf-8")
    assert read_progress(progress, COURSE)["1.1"].quiz == QuizMark(8.5, 10, "2026-11-21")


def test_float_sums_are_written_readably(progress):
    """Partial-credit sums are written with at most 4 decimals; a sum a hair over the total is the total."""
    state = record_quiz(progress, COURSE, "1.1", QuizMark(14 / 3, 5, "2026-11-21"))
    assert state.quiz == QuizMark(4.6667, 5, "2026-11-21")
    state = record_quiz(progress, COURSE, "1.2", QuizMark(5 + 1e-12, 5, "2026-11-21"))
    assert state.quiz == QuizMark(5, 5, "2026-11-21")
    text = progress.read_text(encoding="utf-8")
    assert "quiz: 4.6667/5 on 2026-11-21" in text and "quiz: 5/5 on 2026-11-21" in text
    assert read_progress(progress, COURSE)["1.1"].quiz == QuizMark(4.6667, 5, "2026-11-21")


def test_best_score_is_kept(progress):
    """A lower later pass keeps the earlier best score and date; a higher one replaces it."""
    record_quiz(progress, COURSE, "1.1", QuizMark(9, 10, "2026-11-21"))
    state = record_quiz(progress, COURSE, "1.1", QuizMark(8, 10, "2026-11-22"))
    assert state.quiz == QuizMark(9, 10, "2026-11-21")
    state = record_quiz(progress, COURSE, "1.1", QuizMark(10, 10, "2026-11-23"))
    assert state.quiz == QuizMark(10, 10, "2026-11-23")
    assert progress.read_text(encoding="utf-8").count("quiz: 10/10 on 2026-11-23") == 1


def test_best_score_compares_fractions_not_points(progress):
    """When the quiz's total changes, the better fraction wins, not the bigger number of points."""
    record_quiz(progress, COURSE, "1.1", QuizMark(4, 4, "2026-11-21"))
    state = record_quiz(progress, COURSE, "1.1", QuizMark(9, 10, "2026-11-22"))
    assert state.quiz == QuizMark(4, 4, "2026-11-21")


def test_section_box_is_ticked_when_both_boxes_are(progress):
    """The section box is ticked once the experiment and the quiz both are, in either order."""
    tick(progress, COURSE, "1.1", Step.EXPERIMENT)
    assert not read_progress(progress, COURSE)["1.1"].done
    state = record_quiz(progress, COURSE, "1.1", MARK)
    assert state.done
    assert "- [x] 1.1 Value Objects" in progress.read_text(encoding="utf-8")
    record_quiz(progress, COURSE, "1.2", MARK)
    assert tick(progress, COURSE, "1.2", Step.EXPERIMENT).done
    assert "- [x] 1.2 The Backward Pass" in progress.read_text(encoding="utf-8")


def test_ticking_again_leaves_the_file_alone(progress):
    """A tick that changes nothing does not rewrite the file (same inode, same bytes)."""
    tick(progress, COURSE, "1.1", Step.EXPERIMENT)
    before = progress.stat().st_ino, progress.read_bytes()
    tick(progress, COURSE, "1.1", Step.EXPERIMENT)
    assert (progress.stat().st_ino, progress.read_bytes()) == before


def test_a_file_that_cannot_be_written_gives_a_progress_error(tmp_path):
    """When the folder can't hold the file (here: it is a file), a tick raises ProgressError, not OSError."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ProgressError) as caught:
        tick(blocker / "PROGRESS.md", COURSE, "1.1", Step.EXPERIMENT)
    assert caught.value.path == blocker / "PROGRESS.md"


def test_unknown_section_id_is_refused_and_nothing_written(progress):
    """Ticking an id the course doesn't have raises CatalogError and leaves the file as it was."""
    before = progress.read_bytes()
    with pytest.raises(CatalogError):
        tick(progress, COURSE, "7.7", Step.EXPERIMENT)
    assert progress.read_bytes() == before


# ------------------------------------------------------------ hand edits


HAND_EDITED = """\
# My plan

- [X] 1.1 Scalars, my way
  - [ ] experiment
  - [ ] quiz
- [ ] 1.2 The Backward Pass
  - [X] experiment
  - [x] quiz
- [ ] 2.1 Neurons
  - [x] experiment (ran it twice)
  - [ ] quiz
"""


def test_hand_ticked_boxes_count(tmp_path):
    """Boxes ticked by hand (x or X) read as ticked; a hand-ticked section box or both sub-boxes mean done."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(HAND_EDITED, encoding="utf-8")
    states = read_progress(path, COURSE)
    assert states["1.1"] == SectionState(False, False, None, done=True)
    assert states["1.2"] == SectionState(True, True, None, done=True)
    assert states["2.1"] == SectionState(True, False, None, done=False)


def test_hand_edits_survive_a_tick(tmp_path):
    """A reworded title, an `X` box and a note after `experiment` are all kept when the tool ticks."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(HAND_EDITED, encoding="utf-8")
    record_quiz(path, COURSE, "2.1", MARK)
    expected = HAND_EDITED.replace(
        "- [ ] 2.1 Neurons\n  - [x] experiment (ran it twice)\n  - [ ] quiz\n",
        "- [x] 2.1 Neurons\n  - [x] experiment (ran it twice)\n  - [x] quiz: 9/10 on 2026-11-21\n",
    )
    assert path.read_text(encoding="utf-8") == expected


def test_a_note_after_the_score_is_kept(tmp_path):
    """Text after the score on the quiz line is the learner's; a better score replaces only the score."""
    path = tmp_path / "PROGRESS.md"
    text = render_blank(COURSE).replace(
        "- [ ] 1.1 Value Objects: numbers that remember\n  - [ ] experiment\n  - [ ] quiz\n",
        "- [ ] 1.1 Value Objects: numbers that remember\n  - [ ] experiment\n"
        "  - [x] quiz: 7/10 on 2026-11-01 (guessed two)\n",
    )
    path.write_text(text, encoding="utf-8")
    record_quiz(path, COURSE, "1.1", MARK)
    assert "  - [x] quiz: 9/10 on 2026-11-21 (guessed two)\n" in path.read_text(encoding="utf-8")


# ------------------------------------------------------------ reset


def test_reset_unticks_and_clears_the_score(progress):
    """reset unticks the section, experiment and quiz boxes and removes the score, for those sections only."""
    for section in ("1.1", "1.2"):
        tick(progress, COURSE, section, Step.EXPERIMENT)
        record_quiz(progress, COURSE, section, MARK)
    reset(progress, COURSE, ["1.1"])
    states = read_progress(progress, COURSE)
    assert states["1.1"] == NOTHING
    assert states["1.2"] == SectionState(True, True, MARK, True)
    record_quiz(progress, COURSE, "1.1", QuizMark(8, 10, "2026-11-25"))
    assert read_progress(progress, COURSE)["1.1"].quiz == QuizMark(8, 10, "2026-11-25")


def test_reset_all_returns_the_blank_plan(progress):
    """Resetting every section after ticks gives back exactly the file the tool first wrote."""
    blank = progress.read_bytes()
    for section in COURSE:
        tick(progress, COURSE, section.id, Step.EXPERIMENT)
        record_quiz(progress, COURSE, section.id, MARK)
    reset(progress, COURSE, [s.id for s in COURSE])
    assert progress.read_bytes() == blank


# ------------------------------------------------------------ notes, byte for byte


NOTES_CRLF = (
    "# Progress, with my notes\r\n"
    "\r\n"
    "Started on a Monday.   \r\n"
    "## Phase 1: Automatic Differentiation Fundamentals\r\n"
    "- [ ] 1.1 Value Objects\r\n"
    "  - [ ] experiment\r\n"
    "  - [ ] quiz\r\n"
    "    - note: the chain rule clicked \u2028 at last \u00e9\u4e2d\U0001f600\r\n"
    "\r\n"
    "\r\n"
    "- [ ] 9.9 a section the course dropped\n"
    "  - [x] experiment\n"
    "- [ ] 1.2 The Backward Pass\r\n"
    "  - [ ] experiment\r\n"
    "  - [ ] quiz\r\n"
    "- [ ] 2.1 Neurons\r\n"
    "  - [ ] experiment\r\n"
    "  - [ ] quiz\r\n"
    "\tlast line, no newline"
)


def test_notes_blank_lines_and_crlf_are_kept_byte_for_byte(tmp_path):
    """After ticks every line but the touched boxes is byte-identical (CRLF, unicode, no final newline)."""
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(NOTES_CRLF.encode("utf-8"))
    tick(path, COURSE, "1.1", Step.EXPERIMENT)
    record_quiz(path, COURSE, "1.1", MARK)
    expected = NOTES_CRLF.replace(
        "- [ ] 1.1 Value Objects\r\n  - [ ] experiment\r\n  - [ ] quiz\r\n",
        "- [x] 1.1 Value Objects\r\n  - [x] experiment\r\n  - [x] quiz: 9/10 on 2026-11-21\r\n",
    )
    assert path.read_bytes() == expected.encode("utf-8")
    reset(path, COURSE, ["1.1"])
    assert path.read_bytes() == NOTES_CRLF.encode("utf-8")


def test_lines_of_sections_the_course_dropped_are_notes(tmp_path):
    """A checkbox line for an id the course lacks is left alone and causes no error."""
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(NOTES_CRLF.encode("utf-8"))
    assert set(read_progress(path, COURSE)) == {"1.1", "1.2", "2.1"}
    assert "- [ ] 9.9 a section the course dropped\n  - [x] experiment\n" in path.read_text(
        encoding="utf-8"
    )


# ------------------------------------------------------------ new sections


def test_new_sections_are_added_under_their_phase(tmp_path):
    """Sections the file lacks are inserted after their phase's earlier section, or under a new heading."""
    path = tmp_path / "PROGRESS.md"
    original = (
        "# Mine\n\n## Phase 1: AD\n\n"
        "- [x] 1.1 Value Objects\n  - [x] experiment\n  - [x] quiz: 9/10 on 2026-11-21\n"
        "\nMy note about 1.1.\n"
    )
    path.write_text(original, encoding="utf-8")
    ensure_progress(path, COURSE)
    assert path.read_text(encoding="utf-8") == (
        "# Mine\n\n## Phase 1: AD\n\n"
        "- [x] 1.1 Value Objects\n  - [x] experiment\n  - [x] quiz: 9/10 on 2026-11-21\n"
        "- [ ] 1.2 The Backward Pass\n  - [ ] experiment\n  - [ ] quiz\n"
        "\nMy note about 1.1.\n"
        "\n## Phase 2: Networks\n\n"
        "- [ ] 2.1 Neurons\n  - [ ] experiment\n  - [ ] quiz\n"
    )
    assert read_progress(path, COURSE)["1.1"].done


def test_a_phase_heading_without_sections_gets_them(tmp_path):
    """A phase heading the learner kept with no sections under it receives its sections."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(
        "## Phase 1\nPhase one notes.\n## Phase 2: Networks\n- [ ] 2.1 Neurons\n"
        "  - [ ] experiment\n  - [ ] quiz",
        encoding="utf-8",
    )
    ensure_progress(path, COURSE)
    assert path.read_text(encoding="utf-8") == (
        "## Phase 1\n\n"
        "- [ ] 1.1 Value Objects: numbers that remember\n  - [ ] experiment\n  - [ ] quiz\n"
        "- [ ] 1.2 The Backward Pass\n  - [ ] experiment\n  - [ ] quiz\n"
        "\nPhase one notes.\n## Phase 2: Networks\n- [ ] 2.1 Neurons\n"
        "  - [ ] experiment\n  - [ ] quiz"
    )


def test_a_missing_earlier_phase_goes_before_the_later_one(tmp_path):
    """A whole missing phase is added, heading and all, before the heading of the phase after it."""
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(
        b"# Mine\r\n## Phase 2: Networks\r\n- [ ] 2.1 N\r\n  - [ ] experiment\r\n  - [ ] quiz\r\n"
    )
    ensure_progress(path, COURSE)
    assert path.read_bytes() == (
        b"# Mine\r\n"
        b"## Phase 1: Automatic Differentiation Fundamentals\r\n\r\n"
        b"- [ ] 1.1 Value Objects: numbers that remember\r\n  - [ ] experiment\r\n  - [ ] quiz\r\n"
        b"- [ ] 1.2 The Backward Pass\r\n  - [ ] experiment\r\n  - [ ] quiz\r\n\r\n"
        b"## Phase 2: Networks\r\n- [ ] 2.1 N\r\n  - [ ] experiment\r\n  - [ ] quiz\r\n"
    )


def test_a_tick_adds_missing_sections_first(tmp_path):
    """Ticking a section the file lacks adds its lines and ticks them in one write."""
    path = tmp_path / "PROGRESS.md"
    path.write_text("just my notes\n", encoding="utf-8")
    state = tick(path, COURSE, "2.1", Step.EXPERIMENT)
    assert state.experiment
    text = path.read_text(encoding="utf-8")
    assert text.startswith("just my notes\n\n## Phase 1: Automatic")
    assert "- [ ] 2.1 Neurons\n  - [x] experiment\n  - [ ] quiz\n" in text


# ------------------------------------------------------------ files that can't be parsed

BLANK = render_blank(COURSE)
SECTION_1_1 = "- [ ] 1.1 Value Objects: numbers that remember\n  - [ ] experiment\n  - [ ] quiz\n"
LINE_OF_1_1 = BLANK.splitlines().index("- [ ] 1.1 Value Objects: numbers that remember") + 1


def mangle(replacement: str) -> str:
    return BLANK.replace(SECTION_1_1, replacement)


def quiz_line(line: str) -> str:
    return mangle(SECTION_1_1.replace("  - [ ] quiz", line))


BROKEN = {
    "odd box on a section": (mangle(SECTION_1_1.replace("- [ ] 1.1", "- [?] 1.1")), 0, "[?]"),
    "empty box": (mangle(SECTION_1_1.replace("- [ ] 1.1", "- [] 1.1")), 0, "[]"),
    "odd box on a sub-item": (mangle(SECTION_1_1.replace("[ ] quiz", "[v] quiz")), 2, "[v]"),
    "truncated after the section line": (BLANK[: BLANK.index(SECTION_1_1) + 47], 0, "file ends"),
    "truncated inside the experiment line": (
        BLANK[: BLANK.index(SECTION_1_1) + len(SECTION_1_1.split("\n")[0]) + len("\n  - [ ] exper")],
        1,
        "experiment",
    ),
    "note between section and sub-items": (
        mangle(SECTION_1_1.replace("\n  - [ ] experiment", "\n  my note\n  - [ ] experiment")),
        1,
        "experiment",
    ),
    "sub-items swapped": (
        mangle("- [ ] 1.1 Value Objects\n  - [ ] quiz\n  - [ ] experiment\n"),
        1,
        "experiment",
    ),
    "duplicate section": (BLANK + "- [x] 1.1 again\n  - [ ] experiment\n  - [ ] quiz\n", None, "second time"),
    "garbled score": (quiz_line("  - [x] quiz: 9/ten on 2026-11-21"), 2, "score"),
    "score above total": (quiz_line("  - [x] quiz: 11/10 on 2026-11-21"), 2, "11/10"),
    "impossible date": (quiz_line("  - [x] quiz: 9/10 on 2026-13-40"), 2, "date"),
    "score without date": (quiz_line("  - [x] quiz: 9/10"), 2, "score"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_unparseable_file_names_the_line_and_nothing_is_written(tmp_path, case):
    """Every mangled owned line raises ProgressError with file:line and a fix, and no write changes a byte."""
    text, offset, words = BROKEN[case]
    path = tmp_path / "PROGRESS.md"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    expected_line = len(text.splitlines()) - 2 if offset is None else LINE_OF_1_1 + offset
    writers = [
        lambda: read_progress(path, COURSE),
        lambda: ensure_progress(path, COURSE),
        lambda: tick(path, COURSE, "1.2", Step.EXPERIMENT),
        lambda: record_quiz(path, COURSE, "1.2", MARK),
        lambda: reset(path, COURSE, ["1.2"]),
    ]
    for attempt in writers:
        with pytest.raises(ProgressError) as caught:
            attempt()
        error = caught.value
        assert (error.path, error.line) == (path, expected_line)
        assert words in error.message
        assert error.fix
        assert str(error).startswith(f"{path}:{expected_line}: ")
        assert path.read_bytes() == before
    assert temp_files(path) == []


def test_text_that_is_not_utf8_names_its_line(tmp_path):
    """Bytes that aren't UTF-8 give a ProgressError on the line that holds them, and nothing is written."""
    path = tmp_path / "PROGRESS.md"
    data = BLANK.encode("utf-8") + b"my note \xff\xfe\n"
    path.write_bytes(data)
    with pytest.raises(ProgressError) as caught:
        tick(path, COURSE, "1.1", Step.EXPERIMENT)
    assert caught.value.line == BLANK.count("\n") + 1
    assert "UTF-8" in str(caught.value)
    assert path.read_bytes() == data


# ------------------------------------------------------------ the write itself


def test_writes_leave_no_temporary_files(progress):
    """After many writes only PROGRESS.md and its lock file are in the folder."""
    for section in COURSE:
        tick(progress, COURSE, section.id, Step.EXPERIMENT)
        record_quiz(progress, COURSE, section.id, MARK)
    assert sorted(p.name for p in progress.parent.iterdir()) == [".PROGRESS.md.lock", "PROGRESS.md"]


def test_a_temp_file_left_by_a_killed_writer_is_removed_by_the_next(progress):
    """A stale temp file (a writer killed mid-write) is ignored by readers and deleted by the next writer."""
    stale = progress.with_name(".PROGRESS.md.dead0000.tmp")
    stale.write_text("half a fi", encoding="utf-8")
    assert read_progress(progress, COURSE)["1.1"] == NOTHING
    tick(progress, COURSE, "1.1", Step.EXPERIMENT)
    assert not stale.exists()


def test_a_stuck_lock_holder_gives_a_clear_error_not_a_hang(progress, monkeypatch):
    """If another process keeps the lock too long, a tick gives up with a ProgressError and writes nothing."""
    monkeypatch.setattr(progress_module, "LOCK_TIMEOUT_SECONDS", 0.2)
    before = progress.read_bytes()
    with locked(progress):  # a second open file holding the flock, as another process would
        started = time.monotonic()
        with pytest.raises(ProgressError) as caught:
            tick(progress, COURSE, "1.1", Step.EXPERIMENT)
        assert time.monotonic() - started < 5
    assert "another learnpath process" in str(caught.value)
    assert progress.read_bytes() == before


def test_a_symlinked_progress_file_is_written_through(tmp_path):
    """When PROGRESS.md is a symlink, the tick lands in the file it points to and the link stays a link."""
    real = tmp_path / "elsewhere" / "my-progress.md"
    real.parent.mkdir()
    ensure_progress(real, COURSE)
    link = tmp_path / "PROGRESS.md"
    link.symlink_to(real)
    tick(link, COURSE, "1.1", Step.EXPERIMENT)
    assert link.is_symlink()
    assert read_progress(real, COURSE)["1.1"].experiment


def test_atomic_write_keeps_the_file_mode(tmp_path):
    """Replacing a file keeps its permission bits rather than the temp file's defaults."""
    path = tmp_path / "notes.md"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o640)
    with locked(path):
        atomic_write(path, "new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert path.stat().st_mode & 0o777 == 0o640


# ------------------------------------------------------------ the repo's own file (read only)


def test_the_shipped_progress_file_is_unticked_and_completed_by_the_tool(tmp_path):
    """The repo's PROGRESS.md parses against the real curriculum and has no tick. It need not list
    sections added since it was shipped (upstream never edits a learner's record): the tool adds them,
    in course order, keeping every line the file had."""
    from learnpath.catalog import load_catalog

    root = Path(__file__).resolve().parents[1]
    catalog = load_catalog(root)
    shipped = root / "PROGRESS.md"
    text = shipped.read_text(encoding="utf-8")
    # a section with an exercise reads as "exercise not passed" even before its line is added
    expected = {s.id: NOTHING if not s.has_exercise else SectionState(False, False, None, False, exercise=False)
                for s in catalog.sections}
    assert read_progress(shipped, catalog.sections) == expected
    assert "[x]" not in text.lower()
    copy = tmp_path / "PROGRESS.md"
    copy.write_text(text, encoding="utf-8")
    ensure_progress(copy, catalog.sections)
    completed = copy.read_text(encoding="utf-8")
    remaining = iter(completed.splitlines())
    assert all(line in remaining for line in text.splitlines())
    listed = [line.split()[3] for line in completed.splitlines() if line.startswith("- [ ] ")]
    assert listed == [section.id for section in catalog.sections]


@pytest.mark.parametrize("total", [1e-9, float("inf"), 1e300 * 1e300])
def test_a_score_that_would_not_read_back_ticks_without_one(progress, total):
    """`quiz: 0/0` or `quiz: inf/inf` would make every later read fail: tick the box, write no score."""
    state = record_quiz(progress, COURSE, "1.1", QuizMark(total, total, "2026-11-21"))
    assert state.quiz_passed and state.quiz is None
    assert read_progress(progress, COURSE)["1.1"].quiz_passed
    assert "  - [x] quiz\n" in progress.read_text(encoding="utf-8")


def test_a_score_written_before_a_glued_note_reads_back(progress):
    """`quiz0: 9/10 ... nice` is a quiz line with a note; the score goes in front of the note,
    separated, so the line still reads (the writer never writes what it can't read back)."""
    text = progress.read_text(encoding="utf-8").replace("  - [ ] quiz\n", "  - [x] quiz0: 9/10 on 2026-11-21 nice\n", 1)
    progress.write_text(text, encoding="utf-8")
    record_quiz(progress, COURSE, "1.1", QuizMark(0, 1, "2000-01-01"))
    assert read_progress(progress, COURSE)["1.1"].quiz == QuizMark(0, 1, "2000-01-01")
    assert "quiz: 0/1 on 2000-01-01 0: 9/10 on 2026-11-21 nice" in progress.read_text(encoding="utf-8")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_round_trips_and_its_hand_ticks_read_right(tmp_path, newline):
    """LF, CRLF and old-Mac CR files: hand ticks are read, a tick changes one byte, nothing is appended."""
    lines = ["# Mine", "", "## Phase 1: AD", "",
             "- [ ] 1.1 Value Objects", "  - [x] experiment", "  - [X] quiz: 9/10 on 2026-11-21",
             "- [ ] 1.2 The Backward Pass", "  - [ ] experiment", "  - [ ] quiz", "",
             "## Phase 2: Networks", "", "- [ ] 2.1 Neurons", "  - [ ] experiment", "  - [ ] quiz",
             "a note"]
    original = newline.join(lines) + newline
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(original.encode())
    state = read_progress(path, COURSE)["1.1"]
    assert state.experiment and state.quiz_passed and state.done and state.quiz == MARK
    ensure_progress(path, COURSE)
    assert path.read_bytes() == original.encode()  # nothing added a second time
    tick(path, COURSE, "1.2", Step.EXPERIMENT)
    after = path.read_bytes()
    assert len(after) == len(original) and after.count(b"x") == original.encode().count(b"x") + 1
    reset(path, COURSE, ["1.2"])
    assert path.read_bytes() == original.encode()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_sections_pulled_from_upstream_are_added_in_order_touching_nothing_else(tmp_path, newline):
    """After a `git pull` brings 1.2 and 2.1, their lines appear in course order, in the file's own
    line endings, and every line the learner had is still there, unchanged and in order."""
    mine = newline.join(["# Mine", "", "## Phase 1: AD", "", "- [x] 1.1 Value Objects",
                         "  - [x] experiment", "  - [x] quiz: 9/10 on 2026-11-21", "my note", ""])
    path = tmp_path / "PROGRESS.md"
    path.write_bytes(mine.encode())
    ensure_progress(path, COURSE)
    text = path.read_bytes().decode()
    remaining = iter(text.split(newline))
    assert all(old in remaining for old in mine.split(newline))  # every old line, in order
    other = {"\n", "\r\n", "\r"} - {newline}
    assert not any(ending in text.replace(newline, "") for ending in other)
    ids = [line[6:9] for line in text.split(newline) if line.startswith("- [")]
    assert ids == ["1.1", "1.2", "2.1"]
    assert read_progress(path, COURSE)["1.1"].done
    ensure_progress(path, COURSE)
    assert path.read_bytes().decode() == text  # a second time adds nothing
