"""Starting over: untick sections in PROGRESS.md, or put an exercise's starter back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from learnpath.exercises import starter
from learnpath.record import progress
from learnpath.study.journal import write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section


def reset_sections(catalog: Catalog, sections: Sequence[Section]) -> None:
    """Untick the sections in PROGRESS.md; the attempt log keeps their history."""
    ids = [section.id for section in sections]
    write("PROGRESS.md", lambda: progress.reset(catalog.progress_path, catalog.sections, ids))


def restore_exercise(catalog: Catalog, section: Section) -> starter.Restored:
    """Put the starter exercise.py back, the learner's version saved first (PROGRESS.md untouched)."""
    return starter.restore_starter(catalog, section)
