"""Running a section's experiment.py in a child process; success ticks its experiment box."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def run_experiment(catalog: Catalog, section: Section, *, timeout: float,
                   starting: Callable[[], None] = lambda: None) -> ExperimentRun:
    """Run the section's experiment.py; success ticks its box. `starting()` is called just before."""
    try:
        present = section.experiment.is_file()
    except OSError as error:  # e.g. a section folder that can't be entered
        raise CatalogError(f"can't read {section.experiment} ({error.strerror})",
                           fix="Check the permissions of the section folder (chmod u+rx)") from None
    if not present:
        raise CatalogError(f"{section.experiment} is missing",
                           fix="Run `learnpath check` to see what the section lacks")
    ready_to_record(catalog, attempt_log=False)
    starting()
    result = sandbox.run_script(section.experiment, curriculum=catalog.curriculum, timeout=timeout)
    if result.outcome is not sandbox.RunOutcome.SUCCEEDED:
        return ExperimentRun(result, ticked=False)
    try:
        write(f"the experiment box of {section.id}",
              lambda: progress.tick_experiment(catalog.progress_path, catalog.sections, section.id))
    except LearnpathError as problem:
        raise RecordingFailed(
            f"experiment {section.id} succeeded in {result.seconds:.1f} s, but its box could not "
            f"be ticked: {problem}", fix=f"Once that is fixed, `learnpath run {section.id}` ticks it"
        ) from None
    return ExperimentRun(result, ticked=True)
