"""PROGRESS.md, the learner's record: read it, check it can be written, and change it safely.

The format (which lines the tool owns, how a box and a score are written) is
progress_format.py; whether the file is safe to touch, safety.py. This module
is the locked update: every change takes the file's lock, reads the file again
inside it, changes the lines and writes the result atomically (see
locking.py), so two learnpath processes at once lose nothing and a crash never
leaves half a file. The public verbs are `tick` (one box of one section),
`record_quiz` (the quiz box and its best score) and `reset`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from learnpath.errors import CatalogError, ProgressError
from learnpath.record.locking import atomic_write, locked
from learnpath.record.progress_format import (
    QuizMark,
    SectionLike,
    SectionState,
    Step,
    _Document,
    check_mark,
    render_blank,
)
from learnpath.record.safety import check_writable, is_there, read_text, refuse_read_only

# a write holds the lock for milliseconds; waiting longer than this means a stuck process
LOCK_TIMEOUT_SECONDS = 30.0

__all__ = ["QuizMark", "SectionState", "Step", "check_can_record", "ensure_progress", "read_progress",
           "record_quiz", "render_blank", "reset", "tick"]


def read_progress(path: Path | str, sections: Iterable[SectionLike]) -> dict[str, SectionState]:
    """The state of every section, by id. A missing file means nothing is done; never writes."""
    path = Path(path)
    sections = list(sections)
    text = read_text(path)
    if text is None:
        return {section.id: _nothing_done(section) for section in sections}
    document = _Document.parse(path, text, sections)
    return {
        section.id: document.state(section.id, section.has_exercise)
        if section.id in document.blocks else _nothing_done(section)
        for section in sections
    }


def _nothing_done(section: SectionLike) -> SectionState:
    return SectionState(False, False, None, False, exercise=False if section.has_exercise else None)


def check_can_record(path: Path | str, sections: Iterable[SectionLike]) -> None:
    """Raise ProgressError now if a tick could not be written later.

    `learnpath run` and `learnpath quiz` call this before the work that earns
    a tick, so nobody sits through an experiment or a whole quiz only to learn
    at the end that PROGRESS.md has a mangled line or is read-only.
    """
    path = Path(path)
    read_progress(path, sections)
    check_writable(path)


def ensure_progress(path: Path | str, sections: Iterable[SectionLike]) -> None:
    """Create PROGRESS.md if it is missing, and add lines for sections it lacks."""
    _update(Path(path), list(sections), lambda document: None)


def tick(path: Path | str, sections: Iterable[SectionLike], section_id: str, step: Step) -> SectionState:
    """Tick one box of `section_id` (and the section box once all of its boxes are ticked).

    For the quiz box with its score, use `record_quiz`. A section without an
    exercise has no exercise box to tick: CatalogError.
    """
    step = Step(step)

    def change(document: _Document) -> None:
        block = document.blocks[section_id]
        box = block.box(step)
        if box is None:
            raise CatalogError(f"section {section_id} has no exercise",
                               fix="Only sections whose folder holds exercise.py have one")
        document.set_box(box, True)
        document.tick_section_if_complete(block)

    return _update(Path(path), list(sections), change, section_id)


def record_quiz(
    path: Path | str, sections: Iterable[SectionLike], section_id: str, mark: QuizMark
) -> SectionState:
    """Tick the quiz box of `section_id` for a passed quiz, keeping the best score written."""
    mark = check_mark(mark)

    def change(document: _Document) -> None:
        block = document.blocks[section_id]
        document.set_box(block.quiz, True)
        if mark is None:
            pass  # a score this file couldn't read back: the tick alone, the log keeps the score
        elif block.mark is None or mark.fraction > block.mark.fraction:
            document.write_mark(block, mark)
        document.tick_section_if_complete(block)

    return _update(Path(path), list(sections), change, section_id)


def reset(path: Path | str, sections: Iterable[SectionLike], section_ids: Iterable[str]) -> None:
    """Untick the sections named: section, experiment, exercise and quiz boxes, and clear the score."""
    section_ids = list(section_ids)

    def change(document: _Document) -> None:
        for section_id in section_ids:
            block = document.blocks[section_id]
            document.set_box(block.section, False)
            document.set_box(block.experiment, False)
            document.set_box(block.quiz, False)
            if block.exercise is not None:
                document.set_box(block.exercise, False)
            document.write_mark(block, None)

    _update(Path(path), list(sections), change, *section_ids)


def _update(
    path: Path,
    sections: list[SectionLike],
    change: Callable[[_Document], None],
    *section_ids: str,
) -> SectionState | None:
    """Lock, read again, add missing sections, apply `change`, write atomically if anything changed.

    Reading inside the lock is what makes concurrent writers safe: each one
    changes the file as the previous writer left it, not as it was earlier.
    """
    known = {section.id for section in sections}
    for section_id in section_ids:
        if section_id not in known:
            raise CatalogError(
                f"no section {section_id!r} in the course",
                fix="Run `learnpath list` to see every section",
            )
    is_there(path)  # before the lock, which would create its file beside whatever this is
    try:
        with locked(path, timeout=LOCK_TIMEOUT_SECONDS):
            before = read_text(path)
            # an empty file holds nothing to keep, so it is treated like a missing one
            text = before if before else render_blank(sections)
            document = _Document.parse(path, text, sections)
            document.add_missing(sections)
            change(document)
            after = document.text()
            if after != before:
                refuse_read_only(path)
                atomic_write(path, after)
    except TimeoutError as error:
        raise ProgressError(
            str(error), path=path, fix="Wait for the other learnpath command to finish, or stop it"
        ) from None
    except OSError as error:  # the folder is read-only, full, or not a folder at all
        raise ProgressError(
            f"can't write the progress file ({error.strerror or error})",
            path=path,
            fix="Check that its folder exists and is writable",
        ) from None
    return document.state(section_ids[0]) if section_ids else None
