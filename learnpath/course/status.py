"""Where a learner stands in the course, and what to do next.

Joins the catalog (which sections exist) with PROGRESS.md (which boxes are
ticked) into plain records that the command line prints as a table or as
JSON (ui/records.py, ui/views.py). Nothing here draws or parses options; nothing
here imports NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from learnpath.catalog import Catalog, Section, summary
from learnpath.errors import CatalogError
from learnpath.record.progress import SectionState, read_progress

if TYPE_CHECKING:
    from learnpath.record.attempts import BestAttempt, ExerciseHistory


class StepKind(str, Enum):
    READ = "read"
    EXPERIMENT = "experiment"
    EXERCISE = "exercise"
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
    best: BestAttempt | None = None  # the best whole-quiz attempt logged, passed or not
    exercise_runs: ExerciseHistory | None = None  # its checks of exercise.py in the log, if any


@dataclass(frozen=True)
class CourseProgress:
    """How far through the whole course the learner is."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class NextSection:
    section: Section
    summary: str
    steps: tuple[Step, ...]
    exercise: bool | None = None  # its exercise box; None when the section has no exercise
    mine: bool = False  # its experiment can run on the learner's exercise (`run ID --mine`)
    state: SectionState | None = None  # the section's boxes


def statuses(catalog: Catalog, phase: int | None = None) -> list[SectionStatus]:
    """Every section (of one phase, if given) with its boxes from PROGRESS.md."""
    if phase is not None and not any(s.phase == phase for s in catalog.sections):
        phases = sorted({s.phase for s in catalog.sections})
        raise CatalogError(
            f"no phase {phase} in {catalog.curriculum}",
            fix=f"Phases are {', '.join(map(str, phases)) or 'none yet'}",
        )
    states = read_progress(catalog.progress_path, catalog.sections)
    best, runs = _from_the_log(catalog)
    return [
        SectionStatus(section, states[section.id], best.get(section.id), runs.get(section.id))
        for section in catalog.sections
        if phase is None or section.phase == phase
    ]


def _from_the_log(catalog: Catalog) -> tuple[dict, dict]:
    """Each section's best quiz attempt and its exercise checks, from the attempt log; both {}
    if the log can't be read, since the table is still worth showing without it."""
    from learnpath.record.attempts import best_attempts, exercise_history, read_attempts
    from learnpath.errors import LearnpathError

    try:
        attempts = read_attempts(catalog.root)
    except LearnpathError:
        return {}, {}
    return best_attempts(attempts), exercise_history(attempts)


def course_progress(catalog: Catalog, rows: list[SectionStatus] | None = None) -> CourseProgress:
    """Sections done out of every section in the course (`rows`: statuses of all, if at hand)."""
    rows = statuses(catalog) if rows is None else rows
    return CourseProgress(sum(row.state.done for row in rows), len(catalog.sections))


def next_section(catalog: Catalog) -> NextSection | None:
    """The first section not done, with the steps still left in it; None when all is done."""
    for status in statuses(catalog):
        if not status.state.done:
            return section_view(status)
    return None


def section_in_course(catalog: Catalog, section: Section) -> NextSection:
    """Any section the learner picks (`next ID`), done or not, with the steps left in it."""
    (status,) = [row for row in statuses(catalog, section.phase) if row.section.id == section.id]
    return section_view(status)


def section_view(status: SectionStatus) -> NextSection:
    return NextSection(status.section, summary(status.section), steps_left(status),
                       status.state.exercise, runs_learners_code(status.section), status.state)


def runs_learners_code(section: Section) -> bool:
    """Whether the section's experiment can run on the learner's exercise (`run ID --mine`):
    it takes its parts through `lab.mine`."""
    try:
        return section.has_exercise and "lab.mine(" in section.experiment.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def steps_left(status: SectionStatus) -> tuple[Step, ...]:
    """Read, run, build, answer: the parts of a section not yet ticked, with their exact commands.

    The exercise is a step only in sections that have one (state.exercise is None otherwise).
    """
    section_id, state = status.section.id, status.state
    steps = []
    if not state.experiment and not state.quiz_passed and not state.exercise:
        steps.append(Step(StepKind.READ, "Read the overview", f"learnpath show {section_id}"))
    if not state.experiment:
        steps.append(Step(StepKind.EXPERIMENT, "Run the experiment", f"learnpath run {section_id}"))
    if state.exercise is False:
        steps.append(Step(StepKind.EXERCISE, "Write the exercise (exercise.py)",
                          f"learnpath exercise {section_id}"))
    if not state.quiz_passed:
        steps.append(Step(StepKind.QUIZ, "Take the quiz", f"learnpath quiz {section_id}"))
    return tuple(steps)


def overview_text(section: Section) -> str:
    """The section's overview.md as written; CatalogError (one line) when it can't be read."""
    from learnpath.files import NotReadable, read_capped

    try:
        return read_capped(section.overview, "overview").decode("utf-8")
    except NotReadable as problem:
        if problem.missing:
            raise CatalogError(f"{section.overview} is missing",
                               fix="Run `learnpath check` to see what the section lacks") from None
        raise CatalogError(f"{section.overview} {problem.reason}", fix=problem.fix) from None
    except UnicodeDecodeError:
        raise CatalogError(f"can't read {section.overview} (it is not UTF-8 text)",
                           fix="Save it as UTF-8") from None
