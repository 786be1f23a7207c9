"""Running a section's experiment.py in a child process; success ticks its experiment box."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from learnpath import sandbox
from learnpath.errors import CatalogError, LearnpathError
from learnpath.record import progress
from learnpath.study.journal import RecordingFailed, ready_to_record, write

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section


@dataclass(frozen=True)
class ExperimentRun:
    result: sandbox.RunResult
    ticked: bool


class NotReady(LearnpathError):
    """A step asked for before what it builds on is done (e.g. `run --mine` before the exercise passes).

    Nothing was misused, so the exit code is 1, not the 2 of bad usage."""

    exit_code = 1


def run_experiment(catalog: Catalog, section: Section, *, timeout: float,
                   starting: Callable[[], None] = lambda: None, args: Sequence[str] = (),
                   mine: bool = False, pause: bool = False) -> ExperimentRun:
    """Run the section's experiment.py; success ticks its box. `starting()` is called just before.

    `args` go to experiment.py's command line; `mine` runs it on the learner's exercise.py
    (only once that exercise has passed); `pause` lets it wait for Enter between its steps.
    """
    try:
        present = section.experiment.is_file()
    except OSError as error:  # e.g. a section folder that can't be entered
        raise CatalogError(f"can't read {section.experiment} ({error.strerror})",
                           fix="Check the permissions of the section folder (chmod u+rx)") from None
    if not present:
        raise CatalogError(f"{section.experiment} is missing",
                           fix="Run `learnpath check` to see what the section lacks")
    env = {"LEARNPATH_PAUSE": "1" if pause else "0"}
    if mine:
        env["LEARNPATH_MINE"] = str(_mine_ready(catalog, section))
    ready_to_record(catalog, attempt_log=False)
    starting()
    result = sandbox.run_script(section.experiment, curriculum=catalog.curriculum, timeout=timeout,
                                args=args, env=env, keyboard=pause)
    if result.outcome is not sandbox.RunOutcome.SUCCEEDED:
        return ExperimentRun(result, ticked=False)
    try:
        write(f"the experiment box of {section.id}",
              lambda: progress.tick(catalog.progress_path, catalog.sections, section.id, progress.Step.EXPERIMENT))
    except LearnpathError as problem:
        raise RecordingFailed(
            f"experiment {section.id} succeeded in {result.seconds:.1f} s, but its box could not "
            f"be ticked: {problem}", fix=f"Once that is fixed, `learnpath run {section.id}` ticks it"
        ) from None
    return ExperimentRun(result, ticked=True)


def _mine_ready(catalog: Catalog, section: Section) -> Path:
    """The learner's exercise.py, once it has passed; otherwise say why `--mine` can't run yet."""
    from learnpath.course.status import runs_learners_code

    if not runs_learners_code(section):
        raise LearnpathError(
            f"the experiment of {section.id} does not run on your exercise code",
            fix=f"Run it as it is: learnpath run {section.id}")
    state = progress.read_progress(catalog.progress_path, catalog.sections)[section.id]
    if not state.exercise:
        raise NotReady(
            "--mine runs the experiment on your exercise.py, which has not passed its checks yet",
            fix=f"Make every task pass first: learnpath exercise {section.id}")
    return section.path / "exercise.py"
