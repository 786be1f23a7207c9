"""Every numeric question of the course says how exact its answer must be, and means it."""

from __future__ import annotations

import pytest
from sections import CURRICULUM, precision_problems

SECTIONS = [f"{phase.name.split('_')[1]}.{folder.name.split('_')[1]}"
            for phase in sorted(CURRICULUM.glob("Phase_*")) for folder in sorted(phase.glob("Section_*"))]


@pytest.mark.parametrize("section_id", SECTIONS)
def test_numeric_prompts_state_their_precision_and_the_tolerance_matches_it(section_id):
    """Each numeric prompt ends with "(exact)", "(a whole number)" or "(to N decimal places)",
    and its tolerance is that: at most 1e-6, at most 0.5, or half a unit of the N-th place."""
    assert precision_problems(section_id) == []
