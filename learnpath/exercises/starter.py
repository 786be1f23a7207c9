"""The reference solution, shown once it is earned, and the starter, put back on request.

Where the pristine starter comes from, without git: every exercise ships a
byte-for-byte copy of its exercise.py at solutions/<section path>/starter.py
(`learnpath check` proves the two match in the repository). The learner edits
the section's exercise.py freely; `learnpath reset ID --exercise` copies
starter.py back over it, after saving the learner's version under
.learnpath/backups/ with the time in its name, so no version is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from learnpath.catalog import Catalog, Section
from learnpath.exercises.files import ExerciseError, exercise_files
from learnpath.record.locking import atomic_write

BACKUP_DIR = Path(".learnpath") / "backups"


class NotEarnedYet(ExerciseError):
    """The solution asked for before the exercise passed: nothing was misused, so exit 1, not 2."""

    exit_code = 1


@dataclass(frozen=True)
class Solution:
    section_id: str
    passed: bool  # the exercise box is ticked (the learner earned it)
    yours: str | None  # the learner's exercise.py, None if it is missing
    reference: str
    yours_path: Path
    reference_path: Path
    tasks: tuple = ()  # TaskCode for each task function of the starter, in file order


@dataclass(frozen=True)
class TaskCode:
    """One task function (a stub of the starter): the learner's version and the reference's."""

    function: str  # `name` or `Class.name`
    yours: str | None  # None when the learner's file no longer defines it (or can't be parsed)
    reference: str | None


def task_code(starter: str, yours: str | None, reference: str) -> tuple[TaskCode, ...]:
    """The task functions of the exercise, each as the learner wrote it and as the reference does."""
    from learnpath.exercises.files import function_source, stub_functions

    try:
        names = sorted(stub_functions(starter), key=stub_functions(starter).get)
    except SyntaxError:
        return ()
    return tuple(TaskCode(name, function_source(yours, name) if yours is not None else None,
                          function_source(reference, name)) for name in names)


def solution(catalog: Catalog, section: Section, *, passed: bool, force: bool = False) -> Solution:
    """The reference solution and the learner's code, if the exercise `passed` or `force` is set.

    ExerciseError (naming the command that earns it) otherwise. Whether it
    passed is the record's to say (study/exercise.py reads it).
    """
    files = exercise_files(catalog, section)
    if not section.has_exercise and not files.reference.is_file():
        raise ExerciseError(f"section {section.id} has no exercise", path=section.exercise,
                            fix="Only sections with an exercise.py have a solution to show")
    if not passed and not force:
        raise NotEarnedYet(
            f"the solution of {section.id} opens once your exercise passes",
            fix=f"Run `learnpath exercise {section.id}` until every task passes; "
            f"`learnpath hint {section.id} {_first_task(files)}` helps. "
            "(--force shows it now and gives the answer away)")
    try:
        reference = files.reference.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExerciseError(f"can't read the reference solution ({error})", path=files.reference,
                            fix="It ships with the course; restore it from the repository") from None
    try:
        yours = files.exercise.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        yours = None
    try:
        starter = files.starter.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        starter = ""  # without the starter the task functions are unknown: whole files only
    return Solution(section.id, passed, yours, reference, files.exercise, files.reference,
                    task_code(starter, yours, reference))


def _first_task(files) -> str:
    """The id of the exercise's first task, for a hint command that runs as printed."""
    from learnpath.exercises.files import read_tasks

    try:
        tasks = read_tasks(files.checks)
    except ExerciseError:
        tasks = []
    return tasks[0].id if tasks else "TASK_ID"


@dataclass(frozen=True)
class Restored:
    backup: Path | None  # where the learner's version was saved; None if nothing needed saving
    changed: bool  # False when exercise.py was already the starter


def restore_starter(catalog: Catalog, section: Section) -> Restored:
    """Put the pristine starter back as the section's exercise.py, saving the learner's version first."""
    files = exercise_files(catalog, section)
    try:
        pristine = files.starter.read_bytes()
    except FileNotFoundError:
        raise ExerciseError(f"section {section.id} has no starter to restore", path=files.starter,
                            fix="Only sections with an exercise have one; `learnpath list` shows which") from None
    except OSError as error:
        raise ExerciseError(f"can't read the starter ({error.strerror})", path=files.starter,
                            fix="It ships with the course; restore it from the repository") from None
    try:
        current = files.exercise.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as error:
        raise ExerciseError(f"can't read your exercise.py ({error.strerror})", path=files.exercise,
                            fix="Check its permissions") from None
    if current == pristine:
        return Restored(backup=None, changed=False)
    backup = None
    if current is not None:
        backup = _backup_path(catalog, section)
        try:
            backup.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(backup, current)
        except OSError as error:
            raise ExerciseError(f"can't save a copy of your exercise.py ({error.strerror}); "
                                "nothing was changed", path=backup,
                                fix="Make the course folder writable and try again") from None
    try:
        atomic_write(files.exercise, pristine)
    except OSError as error:
        raise ExerciseError(f"can't write exercise.py ({error.strerror})", path=files.exercise,
                            fix="Make the section folder writable; your version is saved"
                            + (f" at {backup}" if backup else "")) from None
    return Restored(backup=backup, changed=True)


def _backup_path(catalog: Catalog, section: Section) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = catalog.root / BACKUP_DIR
    path = folder / f"{section.id}-exercise-{stamp}.py"
    number = 2
    while path.exists():  # two resets in the same second keep both versions
        path = folder / f"{section.id}-exercise-{stamp}-{number}.py"
        number += 1
    return path
