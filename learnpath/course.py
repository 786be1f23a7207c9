"""Where a learner stands in the course, and what to do next.

Joins the catalog (which sections exist) with PROGRESS.md (which boxes are
ticked) into plain records that the command line prints as a table or as
JSON. Nothing here draws or parses options; nothing here imports NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from learnpath.catalog import Catalog, Section, summary
from learnpath.progress import SectionState, read_progress


class StepKind(str, Enum):
    READ = "read"
    EXPERIMENT = "experiment"
    QUIZ = "quiz"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    what: str  # said to a person: "Read the overview"
    command: str  # typed by a person: "learnpath show 1.1"


@dataclass(frozen=True)
class SectionStatus:
    section: Section
    state: SectionState


@dataclass(frozen=True)
class NextSection:
    section: Section
    summary: str
    steps: tuple[Step, ...]


def statuses(catalog: Catalog, phase: int | None = None) -> list[SectionStatus]:
    """Every section (of one phase, if given) with its boxes from PROGRESS.md."""
    states = read_progress(catalog.progress_path, catalog.sections)
    return [
        SectionStatus(section, states[section.id])
        for section in catalog.sections
        if phase is None or section.phase == phase
    ]


def status_record(status: SectionStatus, catalog: Catalog) -> dict:
    """The JSON object `learnpath list --json` prints for one section."""
    section, state = status.section, status.state
    quiz = None
    if state.quiz is not None:
        quiz = {
            "score": state.quiz.score,
            "total": state.quiz.total,
            "passed": state.quiz_passed,
            "date": state.quiz.date,
        }
    elif state.quiz_passed:  # ticked by hand: passed, with no score written
        quiz = {"score": None, "total": None, "passed": True, "date": None}
    return {
        "id": section.id,
        "slug": section.slug,
        "title": section.title,
        "phase": section.phase,
        "phase_title": section.phase_title,
        "path": section.path.relative_to(catalog.root).as_posix(),
        "experiment": state.experiment,
        "quiz": quiz,
        "done": state.done,
    }


def next_section(catalog: Catalog) -> NextSection | None:
    """The first section not done, with the steps still left in it; None when all is done."""
    for status in statuses(catalog):
        if not status.state.done:
            return NextSection(status.section, summary(status.section), steps_left(status))
    return None


def steps_left(status: SectionStatus) -> tuple[Step, ...]:
    """Read, run, answer: the parts of a section not yet ticked, with their exact commands."""
    section_id, state = status.section.id, status.state
    steps = []
    if not state.experiment and not state.quiz_passed:
        steps.append(Step(StepKind.READ, "Read the overview", f"learnpath show {section_id}"))
    if not state.experiment:
        steps.append(Step(StepKind.EXPERIMENT, "Run the experiment", f"learnpath run {section_id}"))
    if not state.quiz_passed:
        steps.append(Step(StepKind.QUIZ, "Take the quiz", f"learnpath quiz {section_id}"))
    return tuple(steps)


def next_record(found: NextSection | None) -> dict:
    """The JSON object `learnpath next --json` prints."""
    if found is None:
        return {"id": None}
    section = found.section
    return {
        "id": section.id,
        "title": section.title,
        "phase": section.phase,
        "phase_title": section.phase_title,
        "summary": found.summary,
        "steps": [
            {"step": step.kind.value, "what": step.what, "command": step.command}
            for step in found.steps
        ],
    }
