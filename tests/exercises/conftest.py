"""The `exercise` fixture: a tmp_path course whose section 1.1 has the little two-task exercise."""

from __future__ import annotations

from pathlib import Path

import pytest
from little_exercise import Exercise, add_exercise


@pytest.fixture
def exercise(course: Path) -> Exercise:
    """The standard three-section course, whose section 1.1 has the two-task exercise."""
    return add_exercise(course)
