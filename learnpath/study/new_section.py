"""For authors: start a new section from working first drafts, with its line in PROGRESS.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnpath.catalog import load_catalog
from learnpath.errors import LearnpathError
from learnpath.course.scaffold import Scaffold, scaffold_section
from learnpath.record import progress
from learnpath.study.journal import ready_to_record, write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog


def new_section(catalog: Catalog, section_id: str, title: str) -> Scaffold:
    """Write the section's files (course/scaffold.py), then add its lines to PROGRESS.md.

    PROGRESS.md is checked first, so a mangled one is reported before any file
    is written.
    """
    ready_to_record(catalog, attempt_log=False)
    made = scaffold_section(catalog, section_id, title)
    try:
        grown = load_catalog(catalog.root)  # the course as it is now, new section included
        write("PROGRESS.md", lambda: progress.ensure_progress(grown.progress_path, grown.sections))
    except LearnpathError:
        _take_back(made, catalog.root)  # a section PROGRESS.md doesn't list would be half made: leave none
        raise
    return made


def _take_back(made: Scaffold, root) -> None:
    """Remove the files `made` wrote, and the folders inside the course left empty by that."""
    folders = set()
    for path in reversed(made.files):
        path.unlink(missing_ok=True)
        folders.update(parent for parent in path.parents if root in parent.parents)
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        try:
            folder.rmdir()  # only succeeds when empty: folders holding other work stay
        except OSError:
            pass
