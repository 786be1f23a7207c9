"""Every exercise of the real curriculum, proven: starter not started, reference passes, mutants fail.

This is what `learnpath check --run` does for exercises; running it here means
CI proves each section's exercise the moment the section lands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from learnpath.catalog import load_catalog
from learnpath.exercises.verify import verify_exercise

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT)
WITH_EXERCISES = [section for section in CATALOG.sections if section.has_exercise]


@pytest.mark.parametrize("section", WITH_EXERCISES, ids=[s.id for s in WITH_EXERCISES])
def test_exercise_is_proven(section):
    """The starter reports every task not started, the reference passes, every mutant fails its task."""
    problems = verify_exercise(CATALOG, section, run=True)
    assert not problems, "\n".join(str(problem) for problem in problems)


@pytest.mark.parametrize("section", WITH_EXERCISES, ids=[s.id for s in WITH_EXERCISES])
def test_the_reference_passes_through_the_command_and_ticks_the_box(section, tmp_path, cli):
    """`learnpath exercise ID` on a copy of the section with the reference in place: exit 0, box ticked."""
    import shutil

    from learnpath.exercises.files import exercise_files
    from learnpath.record.progress import read_progress

    relative = section.path.relative_to(CATALOG.curriculum)
    copy = tmp_path / "course" / "curriculum" / relative
    shutil.copytree(section.path, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(section.path.parent / "README.md", copy.parent / "README.md")
    shutil.copy(exercise_files(CATALOG, section).reference, copy / "exercise.py")
    result = cli(tmp_path / "course", "exercise", section.id)
    assert result.exit_code == 0, result.stdout + result.stderr
    catalog = load_catalog(tmp_path / "course")
    assert read_progress(catalog.progress_path, catalog.sections)[section.id].exercise is True
