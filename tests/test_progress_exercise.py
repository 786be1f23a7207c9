"""PROGRESS.md's exercise box: only for sections with an exercise, added in place to old files,
required for done, cleared by reset; the other lines kept byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from learnpath.errors import CatalogError
from learnpath.progress import (
    QuizMark,
    ensure_progress,
    read_progress,
    record_quiz,
    render_blank,
    reset,
    tick_exercise,
    tick_experiment,
)


@dataclass(frozen=True)
class Sec:
    id: str
    title: str
    phase: int
    phase_title: str
    has_exercise: bool = False


P1 = "Phase 1: Basics"
WITH = (Sec("1.1", "Values", 1, P1, has_exercise=True), Sec("1.2", "Backward", 1, P1))
WITHOUT = (Sec("1.1", "Values", 1, P1), Sec("1.2", "Backward", 1, P1))
MARK = QuizMark(9, 10, "2026-11-21")

OLD_FILE = """\
# My notes

## Phase 1: Basics

- [ ] 1.1 Values (my own title)
  - [x] experiment
  - [ ] quiz
some note of mine
- [ ] 1.2 Backward
  - [ ] experiment
  - [ ] quiz
"""


def test_only_sections_with_an_exercise_get_the_box():
    """A fresh file lists the exercise line under 1.1's experiment line, and none for 1.2."""
    text = render_blank(WITH)
    assert "- [ ] 1.1 Values\n  - [ ] experiment\n  - [ ] exercise\n  - [ ] quiz\n" in text
    assert "- [ ] 1.2 Backward\n  - [ ] experiment\n  - [ ] quiz\n" in text
    assert "exercise\n" not in render_blank(WITHOUT).split("1.1 Values")[1]


def test_an_old_file_gets_the_box_in_place_and_keeps_everything_else(tmp_path: Path):
    """A file from before the exercise existed: one line is inserted, nothing else changes."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(OLD_FILE)
    state = read_progress(path, WITH)["1.1"]
    assert state.exercise is False and state.experiment is True
    assert path.read_text() == OLD_FILE  # reading never writes
    tick_exercise(path, WITH, "1.1")
    expected = OLD_FILE.replace("  - [x] experiment\n", "  - [x] experiment\n  - [x] exercise\n")
    assert path.read_text() == expected


def test_a_section_with_an_exercise_is_done_only_with_all_three_boxes(tmp_path: Path):
    """Experiment and quiz are not enough when there is an exercise; the third tick completes it."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick_experiment(path, WITH, "1.1")
    state = record_quiz(path, WITH, "1.1", MARK)
    assert state.done is False and state.exercise is False
    state = tick_exercise(path, WITH, "1.1")
    assert state.done is True
    assert "- [x] 1.1 Values" in path.read_text()


def test_a_section_without_an_exercise_needs_only_experiment_and_quiz(tmp_path: Path):
    """1.2 has no exercise: its state says None and two ticks make it done."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick_experiment(path, WITH, "1.2")
    state = record_quiz(path, WITH, "1.2", MARK)
    assert state.exercise is None and state.done is True
    with pytest.raises(CatalogError, match="has no exercise"):
        tick_exercise(path, WITH, "1.2")


def test_a_section_ticked_done_stays_done_when_an_exercise_arrives(tmp_path: Path):
    """A learner who finished 1.1 before it had an exercise keeps it done; the new box is open."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITHOUT)
    tick_experiment(path, WITHOUT, "1.1")
    record_quiz(path, WITHOUT, "1.1", MARK)
    state = read_progress(path, WITH)["1.1"]
    assert state.done is True and state.exercise is False


def test_reset_unticks_the_exercise_box(tmp_path: Path):
    """reset clears the exercise box with the others."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick_exercise(path, WITH, "1.1")
    reset(path, WITH, ["1.1"])
    assert read_progress(path, WITH)["1.1"].exercise is False
    assert "[x]" not in path.read_text()


def test_an_exercise_line_under_the_quiz_line_is_read_too(tmp_path: Path):
    """A learner who moved the exercise line below the quiz line keeps their tick (no second line)."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(OLD_FILE.replace("  - [ ] quiz\nsome note", "  - [ ] quiz\n  - [x] exercise\nsome note"))
    before = path.read_text()
    assert read_progress(path, WITH)["1.1"].exercise is True
    tick_experiment(path, WITH, "1.2")
    assert path.read_text().count("exercise") == before.count("exercise")


def test_a_mangled_exercise_box_is_an_error_naming_its_line(tmp_path: Path):
    """`[?]` on the exercise line stops every command, as for the other boxes."""
    from learnpath.errors import ProgressError

    path = tmp_path / "PROGRESS.md"
    path.write_text(OLD_FILE.replace("  - [x] experiment\n", "  - [x] experiment\n  - [?] exercise\n"))
    with pytest.raises(ProgressError, match="the exercise box of section 1.1 is \\[\\?\\]") as caught:
        read_progress(path, WITH)
    assert caught.value.line == 7
