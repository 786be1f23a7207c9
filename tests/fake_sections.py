"""One stand-in for a catalog section, for the tests of PROGRESS.md (record/progress.py).

It is a module rather than a class in tests/conftest.py because several conftest.py
files live under tests/, and `import conftest` finds whichever pytest loaded last.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sec:
    """Just what the record needs of a section (record.progress_format.SectionLike)."""

    id: str
    title: str
    phase: int
    phase_title: str
    has_exercise: bool = False
