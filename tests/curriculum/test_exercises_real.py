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
