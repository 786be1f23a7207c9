"""PROGRESS.md's exercise box: only for sections with an exercise, added in place to old files,
required for done, cleared by reset; the other lines kept byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnpath.errors import CatalogError
from fake_sections import Sec
from learnpath.record.progress import (
    QuizMark,
    ensure_progress,
    read_progress,
    record_quiz,
    render_blank,
    reset,
    Step,
    tick,
)




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
    tick(path, WITH, "1.1", Step.EXERCISE)
    expected = OLD_FILE.replace("  - [x] experiment\n", "  - [x] experiment\n  - [x] exercise\n")
    assert path.read_text() == expected


def test_a_section_with_an_exercise_is_done_only_with_all_three_boxes(tmp_path: Path):
    """Experiment and quiz are not enough when there is an exercise; the third tick completes it."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick(path, WITH, "1.1", Step.EXPERIMENT)
    state = record_quiz(path, WITH, "1.1", MARK)
    assert state.done is False and state.exercise is False
    state = tick(path, WITH, "1.1", Step.EXERCISE)
    assert state.done is True
    assert "- [x] 1.1 Values" in path.read_text()


def test_a_section_without_an_exercise_needs_only_experiment_and_quiz(tmp_path: Path):
    """1.2 has no exercise: its state says None and two ticks make it done."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick(path, WITH, "1.2", Step.EXPERIMENT)
    state = record_quiz(path, WITH, "1.2", MARK)
    assert state.exercise is None and state.done is True
    with pytest.raises(CatalogError, match="has no exercise"):
        tick(path, WITH, "1.2", Step.EXERCISE)


def test_a_section_ticked_done_stays_done_when_an_exercise_arrives(tmp_path: Path):
    """A learner who finished 1.1 before it had an exercise keeps it done; the new box is open."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITHOUT)
    tick(path, WITHOUT, "1.1", Step.EXPERIMENT)
    record_quiz(path, WITHOUT, "1.1", MARK)
    state = read_progress(path, WITH)["1.1"]
    assert state.done is True and state.exercise is False


def test_reset_unticks_the_exercise_box(tmp_path: Path):
    """reset clears the exercise box with the others."""
    path = tmp_path / "PROGRESS.md"
    ensure_progress(path, WITH)
    tick(path, WITH, "1.1", Step.EXERCISE)
    reset(path, WITH, ["1.1"])
    assert read_progress(path, WITH)["1.1"].exercise is False
    assert "[x]" not in path.read_text()


def test_an_exercise_line_under_the_quiz_line_is_read_too(tmp_path: Path):
    """A learner who moved the exercise line below the quiz line keeps their tick (no second line)."""
    path = tmp_path / "PROGRESS.md"
    path.write_text(OLD_FILE.replace("  - [ ] quiz\nsome note", "  - [ ] quiz\n  - [x] exercise\nsome note"))
    before = path.read_text()
    assert read_progress(path, WITH)["1.1"].exercise is True
    tick(path, WITH, "1.2", Step.EXPERIMENT)
    assert path.read_text().count("exercise") == before.count("exercise")


def test_a_mangled_exercise_box_is_an_error_naming_its_line(tmp_path: Path):
    """`[?]` on the exercise line stops every command, as for the other boxes."""
    from learnpath.errors import ProgressError

    path = tmp_path / "PROGRESS.md"
    path.write_text(OLD_FILE.replace("  - [x] experiment\n", "  - [x] experiment\n  - [?] exercise\n"))
    with pytest.raises(ProgressError, match="the exercise box of section 1.1 is \\[\\?\\]") as caught:
        read_progress(path, WITH)
    assert caught.value.line == 7


# ---- property: exercise boxes among random notes -------------------------------------

import re  # noqa: E402
import tempfile  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_progress_properties import box, marks, notes  # noqa: E402

# one line ending per line: LF, CRLF or a bare CR (test_progress_properties draws a whole file's style)
ending = st.sampled_from(["\n", "\r\n", "\r"])

from learnpath.record.progress import SectionState  # noqa: E402

MIXED = (
    Sec("1.1", "Values", 1, P1, has_exercise=True),
    Sec("1.2", "Backward", 1, P1),
    Sec("1.3", "Graphs", 1, P1, has_exercise=True),
)
MIXED_IDS = [s.id for s in MIXED]


@st.composite
def files_with_exercises(draw):
    """(lines, endings, model): each exercise line present between experiment and quiz, under
    the quiz line, or missing (a file from before the exercise existed)."""
    lines: list[str] = []
    model: dict[str, dict] = {}
    for section in MIXED:
        lines += draw(notes)
        boxes = {name: draw(box) for name in ("section", "experiment", "quiz", "exercise")}
        place = draw(st.sampled_from(["between", "after", "missing"])) if section.has_exercise else "missing"
        block = [f"- [{boxes['section']}] {section.id} title",
                 f"  - [{boxes['experiment']}] experiment",
                 f"  - [{boxes['quiz']}] quiz"]
        exercise_line = f"  - [{boxes['exercise']}] exercise"
        if place == "between":
            block.insert(2, exercise_line)
        elif place == "after":
            block.append(exercise_line)
        lines += block
        model[section.id] = {
            "section": boxes["section"] != " ", "experiment": boxes["experiment"] != " ",
            "quiz": boxes["quiz"] != " ", "mark": None,
            "exercise": (boxes["exercise"] != " " if place != "missing" else False)
            if section.has_exercise else None,
        }
    lines += draw(notes)
    endings = [draw(ending) for _ in lines]
    return lines, endings, model


def _expected(model: dict) -> SectionState:
    complete = model["experiment"] and model["quiz"] and model["exercise"] is not False
    return SectionState(model["experiment"], model["quiz"], model["mark"], model["section"] or complete,
                        exercise=model["exercise"])


mixed_operation = st.one_of(
    st.tuples(st.just("experiment"), st.sampled_from(MIXED_IDS)),
    st.tuples(st.just("exercise"), st.sampled_from(["1.1", "1.3"])),
    st.tuples(st.just("quiz"), st.sampled_from(MIXED_IDS), marks()),
    st.tuples(st.just("reset"), st.lists(st.sampled_from(MIXED_IDS), min_size=1, max_size=2)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files_with_exercises(), st.lists(mixed_operation, max_size=6))
def test_exercise_boxes_round_trip_among_random_notes(file, operations):
    """With exercise lines in either place or missing, any ticks and resets agree with a simple
    model, and every note survives byte for byte and in order (only missing exercise lines are added)."""
    lines, endings, model = file
    original = "".join(line + end for line, end in zip(lines, endings))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PROGRESS.md"
        path.write_bytes(original.encode("utf-8"))
        assert read_progress(path, MIXED) == {i: _expected(model[i]) for i in MIXED_IDS}
        for op in operations:
            state = model[op[1]] if op[0] != "reset" else None
            if op[0] == "experiment":
                tick(path, MIXED, op[1], Step.EXPERIMENT)
                state["experiment"] = True
            elif op[0] == "exercise":
                tick(path, MIXED, op[1], Step.EXERCISE)
                state["exercise"] = True
            elif op[0] == "quiz":
                record_quiz(path, MIXED, op[1], op[2])
                new, old = op[2], state["mark"]
                state["quiz"] = True
                if old is None or new.score / new.total > old.score / old.total:
                    state["mark"] = new
            else:
                reset(path, MIXED, op[1])
                for section_id in op[1]:
                    had = model[section_id]["exercise"]
                    model[section_id] = {"section": False, "experiment": False, "quiz": False,
                                         "mark": None, "exercise": None if had is None else False}
            if state is not None and state["experiment"] and state["quiz"] and state["exercise"] is not False:
                state["section"] = True
            assert read_progress(path, MIXED) == {i: _expected(model[i]) for i in MIXED_IDS}
        after = path.read_bytes().decode("utf-8")
    owned = re.compile(r"(- \[[ xX]\] 1\.\d title|  - \[[ xX]\] (experiment|quiz|exercise))(: .*)?$")
    kept_before = [line for line in re.split(r"\r\n|\n|\r", original) if not owned.match(line)]
    kept_after = [line for line in re.split(r"\r\n|\n|\r", after) if not owned.match(line)]
    assert kept_after == kept_before
