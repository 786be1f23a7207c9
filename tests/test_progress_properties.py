"""Property tests: whatever notes surround the owned lines, ticks round-trip and every note stays byte for byte."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_sections import Sec
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




COURSE = (
    Sec("1.1", "Value Objects", 1, "Phase 1: AD"),
    Sec("1.2", "Backward", 1, "Phase 1: AD"),
    Sec("1.3", "Graphs", 1, "Phase 1: AD"),
    Sec("2.1", "Neurons", 2, "Phase 2: Nets"),
)
IDS = [s.id for s in COURSE]

# notes a learner might write that look a lot like the tool's lines but aren't owned
NEAR_MISSES = [
    "- [ ] 9.9 a section that no longer exists",
    "- [x] 1.10 not section 1.1",
    "- [ ] 11 no dot in the id",
    "- 1.1 no box at all",
    " - [ ] 1.1 indented, so a sub-note",
    "    - [x] 1.2 deeper still",
    "  - [ ] experiment",
    "  - [x] quiz: 9/10 on 2026-11-21",
    "  - [x] quiz: garbled/score",
    "[x] 1.1",
    "## Phase 1: AD",
    "# Phase 7",
    "> - [ ] 1.1 quoted",
    "```",
    "",
    "   ",
    "\t",
    "-",
    "- [",
    "1.1 done? not yet",
]

# a random note must not be a top-level checkbox line, which the tool may claim as its own
OWNED_LOOKING = re.compile(r"[-*+][ \t]*\[")
random_note = st.text(st.characters(exclude_characters="\n\r", exclude_categories=("Cs",)), max_size=30).filter(
    lambda text: not OWNED_LOOKING.match(text)
)
note = st.one_of(st.sampled_from(NEAR_MISSES), random_note)
notes = st.lists(note, max_size=4)
# a file keeps one convention (LF, CRLF, or CR from old Mac editors), or mixes LF and CRLF
# after being edited on two systems; CR mixed with LF would be ambiguous ("\r" + "\n" is CRLF)
ending_style = st.sampled_from(["\n", "\r\n", "\r", "mixed"])
# one line's ending, for files drawn line by line (LF and CRLF mix without ambiguity)
ending = st.sampled_from(["\n", "\r\n"])


def lines_of(text: str) -> list[str]:
    """The lines of a text, each with its own ending (CRLF, LF or CR), as the tool reads them."""
    return re.findall(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z", text)


def content(line: str) -> str:
    return line.rstrip("\r\n")
box = st.sampled_from([" ", "x", "X"])
one_line = st.characters(exclude_characters="\n\r", exclude_categories=("Cs",))
title = st.text(one_line, max_size=20).map(lambda t: " " + t)
experiment_tail = st.sampled_from(["", " (ran it twice)", "  \u2713"])
quiz_tail = st.sampled_from(["", " hard one", " \u00e9t\u00e9"])
date = st.dates().map(lambda d: d.isoformat())


@st.composite
def marks(draw):
    total = draw(st.integers(1, 20))
    score = draw(st.integers(0, total * 2)) / 2
    return QuizMark(min(score, total), float(total), draw(date))


@st.composite
def progress_files(draw):
    """A PROGRESS.md as (lines without endings, endings, owned lines, starting states).

    `owned` maps the index of each owned line to the learner's text at the end of a
    quiz line, or to None for a section or experiment line.
    """
    lines: list[str] = []
    owned: dict[int, str | None] = {}
    states: dict[str, dict] = {}
    for section in COURSE:
        lines += draw(notes)
        section_box, experiment_box, quiz_box = draw(box), draw(box), draw(box)
        mark = draw(st.none() | marks())
        score = "" if mark is None else f": {mark.score:g}/{mark.total:g} on {mark.date}"
        tail = draw(quiz_tail)
        owned.update({len(lines): None, len(lines) + 1: None, len(lines) + 2: tail})
        lines += [
            f"- [{section_box}] {section.id}{draw(title)}",
            f"  - [{experiment_box}] experiment{draw(experiment_tail)}",
            f"  - [{quiz_box}] quiz{score}{tail}",
        ]
        states[section.id] = {
            "section": section_box != " ",
            "experiment": experiment_box != " ",
            "quiz": quiz_box != " ",
            "mark": mark,
        }
    lines += draw(notes)
    style = draw(ending_style)
    mixed = st.sampled_from(["\n", "\r\n"])
    endings = [draw(mixed) if style == "mixed" else style for _ in lines]
    if endings and draw(st.booleans()):
        endings[-1] = ""  # no newline at the end of the file
    return lines, endings, owned, states


operation = st.one_of(
    st.tuples(st.just("tick"), st.sampled_from(IDS)),
    st.tuples(st.just("record"), st.sampled_from(IDS), marks()),
    st.tuples(st.just("reset"), st.lists(st.sampled_from(IDS), min_size=1, max_size=3)),
)


def expected_state(model: dict) -> SectionState:
    both = model["experiment"] and model["quiz"]
    return SectionState(model["experiment"], model["quiz"], model["mark"], model["section"] or both)


def apply_to_model(states: dict, op: tuple) -> None:
    """What each operation promises, written independently of the implementation."""
    if op[0] == "reset":
        for section_id in op[1]:
            states[section_id] = {"section": False, "experiment": False, "quiz": False, "mark": None}
        return
    model = states[op[1]]
    if op[0] == "tick":
        model["experiment"] = True
    else:
        new = op[2]
        old = model["mark"]
        model["quiz"] = True
        if old is None or new.score / new.total > old.score / old.total:
            model["mark"] = new
    if model["experiment"] and model["quiz"]:
        model["section"] = True


def run(path: Path, op: tuple) -> None:
    if op[0] == "tick":
        tick(path, COURSE, op[1], Step.EXPERIMENT)
    elif op[0] == "record":
        record_quiz(path, COURSE, op[1], op[2])
    else:
        reset(path, COURSE, op[1])


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(progress_files(), st.lists(operation, max_size=8))
def test_random_notes_and_operations_round_trip(file, operations):
    """Any notes around the owned lines survive any ticks, records and resets byte for byte, in order,
    and read_progress always agrees with a simple model of what each operation means."""
    lines, endings, owned, states = file
    original = [line + end for line, end in zip(lines, endings)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PROGRESS.md"
        path.write_bytes("".join(original).encode("utf-8"))
        assert read_progress(path, COURSE) == {i: expected_state(states[i]) for i in IDS}
        for op in operations:
            run(path, op)
            apply_to_model(states, op)
            assert read_progress(path, COURSE) == {i: expected_state(states[i]) for i in IDS}
        after = lines_of(path.read_bytes().decode("utf-8"))
    before = lines_of("".join(original))
    assert len(after) == len(before)  # nothing inserted or lost: every section was present
    for index, (old, new) in enumerate(zip(before, after)):
        if index not in owned:
            assert new == old, f"note on line {index + 1} changed"
        elif owned[index] is None:
            # a section or experiment line: only the box character may differ
            column = old.index("[") + 1
            assert new[:column] == old[:column] and new[column + 1 :] == old[column + 1 :]
        else:
            # a quiz line: box, maybe a score, then the learner's own text, then the same ending
            same_ending = old[len(content(old)):]
            shape = r"  - \[[ xX]\] quiz(: \d+(\.\d+)?/\d+ on \d{4}-\d\d-\d\d)?"
            assert re.fullmatch(shape + re.escape(owned[index] + same_ending), new)


@settings(max_examples=50, deadline=None)
@given(progress_files(), st.sets(st.sampled_from(IDS), min_size=1))
def test_missing_sections_are_added_without_touching_other_lines(file, dropped):
    """Whichever sections are cut from the file, ensure_progress adds them back and every old line
    is still there, byte for byte and in the same order."""
    lines, endings, owned, states = file
    first_lines = sorted(index for index in owned if owned[index] is None)[::2]
    cut = {
        index
        for section_id, first in zip(IDS, first_lines)
        if section_id in dropped
        for index in range(first, first + 3)
    }
    original = "".join(
        line + end for i, (line, end) in enumerate(zip(lines, endings)) if i not in cut
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PROGRESS.md"
        path.write_bytes(original.encode("utf-8"))
        ensure_progress(path, COURSE)
        text = path.read_bytes().decode("utf-8")
        result = read_progress(path, COURSE)
    for section_id in IDS:
        if section_id in dropped:
            assert result[section_id] == SectionState(False, False, None, False)
        else:
            assert result[section_id] == expected_state(states[section_id])
    if not original:
        return  # an empty file is simply replaced by the blank plan
    # every old line is still there, in order; whatever else appeared is the tool's own lines
    allowed = {"", "## Phase 1: AD", "## Phase 2: Nets", "  - [ ] experiment", "  - [ ] quiz"}
    allowed |= {f"- [ ] {s.id} {s.title}" for s in COURSE if s.id in dropped}
    # compared without endings: the old last line gains one if the tool adds lines after it
    new_lines = [content(line) for line in lines_of(text)]
    position = 0
    for old in (content(line) for line in lines_of(original)):
        while position < len(new_lines) and new_lines[position] != old:
            assert new_lines[position] in allowed, f"unexpected {new_lines[position]!r}"
            position += 1
        assert position < len(new_lines), f"lost or reordered line {old!r}"
        position += 1
    for extra in new_lines[position:]:
        assert extra in allowed, f"unexpected {extra!r}"
    assert text.endswith(("\n", "\r")) == original.endswith(("\n", "\r"))


BLANK_WITH_TICKS = (
    "# Mine\n\n## Phase 1: AD\n\n"
    "- [x] 1.1 Value Objects\n  - [x] experiment\n  - [x] quiz: 9/10 on 2026-11-21 nice\n"
    "- [ ] 1.2 Backward\n  - [ ] experiment\n  - [X] quiz\n"
    "- [ ] 1.3 Graphs\n  - [ ] experiment\n  - [ ] quiz\n"
    "\n## Phase 2: Nets\n\n- [ ] 2.1 Neurons\n  - [ ] experiment\n  - [ ] quiz\n"
)


@st.composite
def damaged_files(draw):
    """A valid file cut off at a random point, or with a stretch replaced by random characters."""
    text = BLANK_WITH_TICKS
    start = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        return text[:start]
    end = draw(st.integers(start, min(len(text), start + 6)))
    filler = draw(st.text(st.sampled_from("-[]x X?:/.0123456789 \n\tquizexperiment"), max_size=6))
    return text[:start] + filler + text[end:]


@settings(max_examples=75, deadline=None)
@given(damaged_files(), operation)
def test_damaged_files_give_only_progress_errors_and_no_write(text, op):
    """A truncated or scribbled-on file either still works or raises ProgressError naming a line
    inside the file, and in that case not a byte is written."""
    from learnpath.errors import ProgressError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PROGRESS.md"
        path.write_bytes(text.encode("utf-8"))
        try:
            read_progress(path, COURSE)
        except ProgressError as error:
            assert error.path == path and 1 <= error.line <= text.count("\n") + 1
            try:
                run(path, op)
            except ProgressError as again:
                assert again.line == error.line
            else:
                raise AssertionError("a write succeeded on a file that can't be read")
            assert path.read_bytes() == text.encode("utf-8")
        else:
            run(path, op)  # a readable file must also be writable
            read_progress(path, COURSE)
