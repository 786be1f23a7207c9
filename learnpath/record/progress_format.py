"""PROGRESS.md: the learner's record of the course, ticked without touching their notes.

The file is a learning plan in Markdown. Under each phase heading, every
section has three lines that the tool owns, four for a section with an exercise:

    - [ ] 1.1 Value Objects: numbers that remember
      - [ ] experiment
      - [x] exercise
      - [x] quiz: 9/10 on 2026-11-21

- The section line is a top-level list item whose text starts with the
  section id. The title after the id is the learner's to reword; the tool
  writes it once, when it adds the line, and never again.
- The two lines directly under it are the experiment and the quiz. A passed
  quiz writes its best score and the date it was reached. A section with an
  exercise (exercise.py in its folder) also has an `exercise` line, directly
  under the experiment line (one right under the quiz line is read too). A
  file written before the section had an exercise gets the line added there.
- A box is `[ ]` (open) or `[x]`/`[X]` (ticked). A box ticked by hand counts.
- The section box is ticked by the tool once all of its boxes are (experiment,
  quiz, and exercise where there is one); a section whose box is ticked (by
  anyone) is done.

Every other line is the learner's: notes, blank lines, extra headings, lines
about sections the course no longer has. Those are kept byte for byte, with
their own line endings, and so is a missing newline at the end of the file.
Changing a box rewrites exactly one character of its line.

An owned line that is mangled (a `[?]` box, a section without its two lines
under it, a quiz score that can't be read, the same section twice) stops
every command with a ProgressError naming the line and the fix. Nothing is
written until the learner repairs it, so a half-understood file is never
overwritten. The same goes for a file cut off in the middle of a section line,
for a PROGRESS.md that is not a plain file (a folder, a pipe, a dangling link)
and for a read-only one; `run` and `quiz` check all of this before they start
(`check_can_record`), not after the work that earns the tick.

This module is the format alone: reading the owned lines into a _Document and
changing them one character at a time. Taking the lock and writing the file
are progress.py's job; refusing files that are not safe to touch, safety.py's.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

from learnpath.errors import ProgressError

FILE_HEADER = """\
# My learnpath progress

Your record of the course. `learnpath` ticks the boxes as you go, and a box you
tick by hand counts too.

Write notes anywhere. The tool changes only the lines it owns: each `- [ ] N.M`
section line and the `experiment`, `exercise` and `quiz` lines directly under it.
Keep those lines together; you may reword a section's title. To start a section
over, run `learnpath reset N.M`.
"""

TICKED = frozenset("xX")
OPEN = " "

# Loose on purpose: a line that *tries* to be a section line is recognised
# even with odd spacing, so a damaged one gets an error instead of being
# mistaken for a note (which would make the tool add the section a second time).
SECTION_LINE = re.compile(r"[-*+][ \t]*\[(?P<box>[^\]]*)\][ \t]*(?P<id>\d+(?:\.\d+)+)")
SUB_ITEM_LINE = re.compile(
    r"[ \t]+[-*+][ \t]*\[(?P<box>[^\]]*)\][ \t]*(?P<word>experiment|exercise|quiz)(?P<rest>.*)",
    re.IGNORECASE,
)
QUIZ_SCORE = re.compile(
    r":[ \t]*(?P<score>\d+(?:\.\d+)?)[ \t]*/[ \t]*(?P<total>\d+(?:\.\d+)?)"
    r"[ \t]+on[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?=\s|$)"
)
# A box and at most the first digits of an id ("- [ ] 1", "- [x] "): on the last line
# of a file with no newline at its end, that is a section line cut off in the middle.
CUT_OFF_SECTION_LINE = re.compile(r"[-*+][ \t]*\[[^\]]?\][ \t]*(\d+\.?)?[ \t]*")
PHASE_HEADING = re.compile(r"#{1,6}[ \t]+Phase[ \t]+(?P<number>\d+)\b", re.IGNORECASE)

EXPERIMENT_ITEM = "  - [ ] experiment"
EXERCISE_ITEM = "  - [ ] exercise"
QUIZ_ITEM = "  - [ ] quiz"
SCORE_EXAMPLE = "quiz: 9/10 on 2026-11-21"


class SectionLike(Protocol):
    """What progress needs to know about a section (catalog.Section has it all)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def phase(self) -> int: ...
    @property
    def phase_title(self) -> str: ...
    @property
    def has_exercise(self) -> bool:
        """A section with an exercise (exercise.py in its folder) gets an exercise box."""
        ...


class Step(str, Enum):
    """The boxes under a section line, named as the file names them."""

    EXPERIMENT = "experiment"
    EXERCISE = "exercise"
    QUIZ = "quiz"


@dataclass(frozen=True)
class QuizMark:
    """The score written on a quiz line."""

    score: float  # points earned
    total: float  # points possible
    date: str  # "YYYY-MM-DD", the day this score was reached

    @property
    def fraction(self) -> float:
        return self.score / self.total if self.total else 0.0


@dataclass(frozen=True)
class SectionState:
    """What PROGRESS.md says about one section."""

    experiment: bool  # experiment box ticked (by the tool or by hand)
    quiz_passed: bool  # quiz box ticked (by the tool or by hand)
    quiz: QuizMark | None  # score on the quiz line, None if none is written
    done: bool  # section box ticked, or every sub-box ticked
    # exercise box ticked; None when the section has no exercise box
    exercise: bool | None = None


NOTHING_DONE = SectionState(experiment=False, quiz_passed=False, quiz=None, done=False)


def render_blank(sections: Iterable[SectionLike]) -> str:
    """The text of a fresh PROGRESS.md: every section listed under its phase, nothing ticked."""
    lines = FILE_HEADER.splitlines()
    phase = None
    for section in sections:
        if section.phase != phase:
            phase = section.phase
            lines += ["", _phase_heading(section), ""]
        lines += _section_block(section)
    return "\n".join(lines) + "\n"


def check_mark(mark: QuizMark) -> QuizMark | None:
    """A mark the tool writes must be one it can read back; None if it can't be.

    Partial credit is summed in floating point, so a full score may come out a
    hair above the total (5.000000001/5); that is rounded down to the total.
    A total that would be written as 0 (points too small) or not at all (inf,
    nan) gives None: the quiz box is ticked without a score rather than
    writing `quiz: 0/0`, which every later read would refuse. The quiz loader
    keeps points within bounds, so this is a last guard, not a path in use.
    """
    score = min(mark.score, mark.total) if mark.score <= mark.total * (1 + 1e-9) else mark.score
    if not (mark.total > 0 and 0 <= score <= mark.total):
        raise ValueError(f"a quiz score must be between 0 and a positive total: {mark}")
    datetime.date.fromisoformat(mark.date)
    if not math.isfinite(mark.total):
        return None
    written_score, written_total = float(_number(score)), float(_number(mark.total))
    if not (written_total > 0 and written_score <= written_total):
        return None
    return QuizMark(score, mark.total, mark.date)


def _phase_heading(section: SectionLike) -> str:
    title = section.phase_title.strip()
    if PHASE_HEADING.match(f"## {title}"):  # the README heading already says "Phase N: ..."
        return f"## {title}"
    return f"## Phase {section.phase}: {title}" if title else f"## Phase {section.phase}"


def _section_block(section: SectionLike) -> list[str]:
    title = " ".join(section.title.split())
    exercise = [EXERCISE_ITEM] if section.has_exercise else []
    return [f"- [ ] {section.id} {title}".rstrip(), EXPERIMENT_ITEM, *exercise, QUIZ_ITEM]


def _number(value: float) -> str:
    """9.0 -> "9", 8.5 -> "8.5", 2/3 -> "0.6667": scores as a person writes them (never 1e+06)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- the parsed file


@dataclass
class _Box:
    """One owned checkbox: which line it is on and where its character sits."""

    line: int  # index into _Document.lines
    column: int  # index of the box character within that line
    ticked: bool


@dataclass
class _Block:
    """The owned lines of one section: its line, then one line per step (experiment, exercise
    where the section has one, quiz)."""

    section: _Box
    experiment: _Box
    exercise: _Box | None  # None: a section without an exercise has no exercise line
    quiz: _Box
    mark: QuizMark | None
    # where the ": 9/10 on 2026-11-21" part of the quiz line is (empty span if no score)
    mark_span: tuple[int, int]

    def box(self, step: Step) -> _Box | None:
        """The box of one step (None for the exercise of a section that has none)."""
        return {Step.EXPERIMENT: self.experiment, Step.EXERCISE: self.exercise, Step.QUIZ: self.quiz}[step]

    @property
    def boxes(self) -> list[_Box]:
        return [box for box in (self.section, self.experiment, self.exercise, self.quiz) if box is not None]

    @property
    def first_line(self) -> int:
        return self.section.line

    @property
    def end_line(self) -> int:  # one past the last owned line
        return max(box.line for box in self.boxes) + 1

    @property
    def complete(self) -> bool:
        """Every sub-box ticked: experiment, quiz, and the exercise where there is one."""
        exercise = self.exercise.ticked if self.exercise is not None else True
        return self.experiment.ticked and self.quiz.ticked and exercise


class _Document:
    """PROGRESS.md as a list of lines, each keeping its own line ending, plus its owned blocks."""

    def __init__(self, path: Path, lines: list[str], blocks: dict[str, _Block]):
        self.path = path
        self.lines = lines
        self.blocks = blocks
        # new lines take the ending the file already uses: LF, CRLF, or CR (old Mac editors)
        self.newline = next((_ending(line) for line in lines if _ending(line)), "\n")

    # -------------------------------------------------------- parsing

    @classmethod
    def parse(cls, path: Path, text: str, sections: Sequence[SectionLike]) -> _Document:
        """Find the owned blocks; raise ProgressError at the first mangled owned line."""
        # split on CRLF, LF and lone CR only, each line keeping its own ending:
        # str.splitlines would also split on characters such as U+2028 that a
        # learner's note may contain, and the file must round-trip exactly
        lines = LINE.findall(text)
        known = {section.id for section in sections}
        document = cls(path, lines, {})
        for index, line in enumerate(lines):
            if line[:1] not in "-*+":  # fast path: most lines are notes
                continue
            match = SECTION_LINE.match(_content(line))
            if not match or match["id"] not in known:
                continue  # a note, or a section the course no longer has
            section_id = match["id"]
            if section_id in document.blocks:
                first = document.blocks[section_id].first_line + 1
                raise document.error(
                    index,
                    f"section {section_id} is listed a second time (first on line {first})",
                    f"Delete one of the two {section_id} entries and the two lines under it",
                )
            document.blocks[section_id] = document.parse_block(index, section_id)
        if lines and not _ending(lines[-1]) and CUT_OFF_SECTION_LINE.fullmatch(lines[-1]):
            raise document.error(
                len(lines) - 1,
                "the file ends in the middle of a section line: was it cut short?",
                "Finish the line as `- [ ] N.M Title` with its experiment and quiz lines, "
                "or delete it (the tool adds missing sections back)",
            )
        return document

    def error(self, index: int, message: str, fix: str) -> ProgressError:
        return ProgressError(message, path=self.path, line=index + 1, fix=fix)

    def box(self, index: int, match: re.Match[str], what: str) -> _Box:
        content = match["box"]
        if len(content) != 1 or content not in TICKED | {OPEN}:
            raise self.error(
                index,
                f"{what} is [{content}], which is not a checkbox",
                "Write [ ] for not done or [x] for done",
            )
        return _Box(line=index, column=match.start("box"), ticked=content in TICKED)

    def sub_item(self, index: int, section_id: str, word: str, example: str) -> re.Match[str]:
        """The experiment or quiz line that must sit at `index`, right under its section."""
        place = "under" if word == "experiment" else "under the experiment line of"
        if index >= len(self.lines):  # the file was cut off: point at its last line
            rest = "" if word == "quiz" else f" and `{QUIZ_ITEM}` below it"
            raise self.error(
                index - 1,
                f"the file ends before the {word} line of section {section_id}",
                f"Add `{example}`{rest} after this line",
            )
        match = SUB_ITEM_LINE.match(_content(self.lines[index]))
        if not match or match["word"].lower() != word:
            raise self.error(
                index,
                f"expected the {word} line of section {section_id} here",
                f"Put `{example}` on this line, directly {place} section {section_id}, "
                "and move any note below the quiz line",
            )
        return match

    def quiz_mark(
        self, index: int, match: re.Match[str]
    ) -> tuple[QuizMark | None, tuple[int, int]]:
        """The score written after `quiz`, if any; text after the score is a note and is kept."""
        rest = match["rest"]
        start = match.start("rest")
        if not rest.lstrip(" \t").startswith(":"):
            return None, (start, start)  # `quiz` alone, or followed by a note
        offset = len(rest) - len(rest.lstrip(" \t"))
        score = QUIZ_SCORE.match(rest, offset)
        fix = f"Write it as `{SCORE_EXAMPLE}`, or just `quiz` with no score"
        if not score:
            raise self.error(index, "can't read the quiz score on this line", fix)
        try:
            datetime.date.fromisoformat(score["date"])
        except ValueError:
            raise self.error(index, f"{score['date']} is not a date", fix) from None
        mark = QuizMark(float(score["score"]), float(score["total"]), score["date"])
        if not (mark.total > 0 and mark.score <= mark.total):
            raise self.error(
                index, f"a score of {score['score']}/{score['total']} is impossible", fix
            )
        return mark, (start, start + score.end())

    # -------------------------------------------------------- questions

    def state(self, section_id: str, has_exercise: bool = False) -> SectionState:
        """What the file says about a section. A section that has an exercise but no
        exercise line yet (a file from before it had one) reads as not passed: the line
        is added at the next write."""
        block = self.blocks.get(section_id)
        if block is None:
            return NOTHING_DONE
        exercise = None if block.exercise is None else block.exercise.ticked
        if exercise is None and has_exercise:
            exercise = False
        return SectionState(
            experiment=block.experiment.ticked,
            quiz_passed=block.quiz.ticked,
            quiz=block.mark,
            done=block.section.ticked or (block.complete and exercise is not False),
            exercise=exercise,
        )

    def text(self) -> str:
        return "".join(self.lines)

    # -------------------------------------------------------- changes

    def set_box(self, box: _Box, ticked: bool) -> None:
        """Rewrite the one character of a box; an `X` already there stays an `X`."""
        if box.ticked == ticked:
            return
        line = self.lines[box.line]
        mark = "x" if ticked else OPEN
        self.lines[box.line] = line[: box.column] + mark + line[box.column + 1 :]
        box.ticked = ticked

    def tick_section_if_complete(self, block: _Block) -> None:
        if block.complete:
            self.set_box(block.section, True)

    def write_mark(self, block: _Block, mark: QuizMark | None) -> None:
        """Replace the score part of the quiz line (or remove it, for None)."""
        line = self.lines[block.quiz.line]
        start, end = block.mark_span
        text = "" if mark is None else f": {_number(mark.score)}/{_number(mark.total)} on {mark.date}"
        if text and line[end:] and not line[end:][0].isspace():
            text += " "  # a note glued to the word (`quiz0`) must not run into the date
        self.lines[block.quiz.line] = line[:start] + text + line[end:]
        block.mark_span = (start, start + len(text))
        block.mark = None if mark is None else QuizMark(
            float(_number(mark.score)), float(_number(mark.total)), mark.date
        )

    def add_missing(self, sections: Sequence[SectionLike]) -> None:
        """Add the lines of every section the file lacks, under its phase, in course order.

        A new section goes after the nearest earlier section of its phase that the
        file has, else before the nearest later one, else under the phase heading.
        """
        for position, section in enumerate(sections):
            if section.id in self.blocks:
                block = self.blocks[section.id]
                if block.exercise is None and section.has_exercise:
                    # a file from before the section had an exercise: add its box in place
                    self.insert(block.experiment.line + 1, [EXERCISE_ITEM])
                    self.blocks[section.id] = self.parse_block(block.first_line, section.id)
                continue
            neighbours = [
                (index, other)
                for index, other in enumerate(sections)
                if other.phase == section.phase and other.id in self.blocks
            ]
            before = [other for index, other in neighbours if index < position]
            after = [other for index, other in neighbours if index > position]
            block_lines = _section_block(section)
            if before:
                at = self.blocks[before[-1].id].end_line
                self.insert(at, block_lines)
            elif after:
                at = self.blocks[after[0].id].first_line
                self.insert(at, block_lines)
            else:
                at = self.insert_under_heading(section, block_lines)
            self.blocks[section.id] = self.parse_block(at, section.id)

    def insert_under_heading(self, section: SectionLike, block_lines: list[str]) -> int:
        """Put a phase's first section under its heading, adding the heading if it is missing.

        Returns the index of the new section line.
        """
        headings = {}
        for index, line in enumerate(self.lines):
            match = PHASE_HEADING.match(line)
            if match:
                headings.setdefault(int(match["number"]), index)
        if section.phase in headings:
            at = headings[section.phase] + 1
            follows_blank = at < len(self.lines) and not self.lines[at].strip()
            trailing = [] if follows_blank or at == len(self.lines) else [""]
            self.insert(at, ["", *block_lines, *trailing])
            return at + 1
        later = [index for number, index in headings.items() if number > section.phase]
        chunk = [_phase_heading(section), "", *block_lines]
        if later:
            at = min(later)
            self.insert(at, [*chunk, ""])
            return at + 2
        at = len(self.lines)
        if self.lines and _content(self.lines[-1]).strip():
            chunk = ["", *chunk]
        self.insert(at, chunk)
        return at + len(chunk) - len(block_lines)  # the section line: first of the block's lines

    def insert(self, at: int, new_lines: list[str]) -> None:
        """Insert lines (without endings) before index `at`, keeping the file's line ending style."""
        ended = [line + self.newline for line in new_lines]
        if at == len(self.lines) and self.lines and not _ending(self.lines[-1]):
            # the file had no newline at its end: keep it that way
            self.lines[-1] += self.newline
            ended[-1] = new_lines[-1]
        self.lines[at:at] = ended
        for block in self.blocks.values():
            for box in block.boxes:
                if box.line >= at:
                    box.line += len(new_lines)

    def parse_block(self, at: int, section_id: str) -> _Block:
        """Read the section line at `at`, the experiment and quiz lines under it, and the
        exercise line if there is one: between them, where the tool writes it, or right under
        the quiz line, where a learner who reorders lines may have put it (both are read, so
        moving an owned line within its block never makes the file unreadable)."""
        section_line = SECTION_LINE.match(_content(self.lines[at]))
        experiment = self.sub_item(at + 1, section_id, "experiment", EXPERIMENT_ITEM)
        quiz_at = at + 2
        exercise_at = self.exercise_line(quiz_at)
        if exercise_at is not None:
            quiz_at += 1
        quiz_line = self.sub_item(quiz_at, section_id, "quiz", QUIZ_ITEM)
        if exercise_at is None:
            exercise_at = self.exercise_line(quiz_at + 1)
        mark, mark_span = self.quiz_mark(quiz_at, quiz_line)
        exercise = None
        if exercise_at is not None:
            match = SUB_ITEM_LINE.match(_content(self.lines[exercise_at]))
            exercise = self.box(exercise_at, match, f"the exercise box of section {section_id}")
        return _Block(
            section=self.box(at, section_line, f"the box of section {section_id}"),
            experiment=self.box(at + 1, experiment, f"the experiment box of section {section_id}"),
            quiz=self.box(quiz_at, quiz_line, f"the quiz box of section {section_id}"),
            mark=mark,
            mark_span=mark_span,
            exercise=exercise,
        )

    def exercise_line(self, index: int) -> int | None:
        """`index` if that line is an exercise sub-item, else None."""
        if index >= len(self.lines):
            return None
        match = SUB_ITEM_LINE.match(_content(self.lines[index]))
        return index if match and match["word"].lower() == "exercise" else None


# one line with its ending: CRLF, LF or a lone CR; the last line may have none
LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")


def _ending(line: str) -> str:
    """The line's ending ("\\r\\n", "\\n", "\\r"), or "" for a last line without one."""
    if line.endswith("\r\n"):
        return "\r\n"
    return line[-1:] if line.endswith(("\n", "\r")) else ""


def _content(line: str) -> str:
    """A line without its ending."""
    return line[: len(line) - len(_ending(line))]
