"""Building the exercise: `exercise` (once or --watch) and `solution`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from learnpath.cli.app import EXIT_FAILED, MAX_TIMEOUT, JsonFlag, SectionId, app, open_section
from learnpath.errors import LearnpathError
from learnpath.ui import console

if TYPE_CHECKING:
    from learnpath.study.exercise import ExerciseChecked


@app.command("exercise")
def exercise_command(
    ctx: typer.Context,
    section_id: SectionId,
    watch_mode: Annotated[bool, typer.Option(
        "--watch", help="Run the checks again each time exercise.py is saved; q or Ctrl-C stops.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=MAX_TIMEOUT, help="Seconds the checks may take in all.")
    ] = 20.0,
    as_json: JsonFlag = False,
) -> None:
    """Check your exercise.py task by task; all tasks passing ticks its exercise box in PROGRESS.md.

    The checks run in a child process, in a scratch folder, stopped after
    --timeout seconds; an accident in your code can't change PROGRESS.md.
    """
    from learnpath.study.exercise import WatchEnd, check_exercise, watch
    from learnpath.ui import views
    from learnpath.ui.keys import terminal_keys

    catalog, section = open_section(ctx, section_id)
    if watch_mode:
        if as_json:
            raise LearnpathError("--watch and --json do not go together",
                                 fix="Use --json alone; it checks once")

        def redraw(checked: ExerciseChecked) -> None:
            console.clear_screen()
            console.note(
                f"learnpath exercise {section.id} --watch · checked at {datetime.now():%H:%M:%S} · "
                "save exercise.py to check again, Enter checks now, q or Ctrl-C stops")
            console.say()
            views.exercise_report(catalog, section, checked.report)

        def trouble(error: LearnpathError) -> None:
            console.clear_screen()
            console.error(str(error))
            console.note("Still watching: fix that and save exercise.py again; q or Ctrl-C stops.")

        end = watch(catalog, section, show=redraw, problem=trouble, timeout=timeout, keys=terminal_keys,
                    on_task=_task_progress())
        console.say()
        console.note("Stopped watching." if end is WatchEnd.QUIT else "Stopped watching (Ctrl-C).")
        return
    try:
        checked = check_exercise(catalog, section, timeout=timeout,
                                 on_task=None if as_json else _task_progress())
    finally:
        console.status(None)
    if as_json:
        from learnpath.ui import records

        console.print_json(records.exercise_result(checked.report, catalog.root, recorded=checked.ticked))
    else:
        views.exercise_report(catalog, section, checked.report)
    if not checked.report.passed:
        raise typer.Exit(EXIT_FAILED)


def _task_progress():
    """`checking mse-gradients (1 of 2)...` on stderr while the checks run (a terminal only)."""
    import sys

    if not console.is_terminal(sys.stderr):
        return None

    def on_task(task_id: str, number: int, total: int) -> None:
        of = f" ({number} of {total})" if total else ""
        console.status(f"checking {task_id}{of}{console.symbol('…')}")

    return on_task


@app.command("solution")
def solution_command(
    ctx: typer.Context,
    section_id: SectionId,
    force: Annotated[bool, typer.Option(
        "--force", help="Show it before your exercise passes. This gives the answer away.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Show the reference solution's task functions beside yours, once your exercise passes.

    Side by side on a terminal wide enough, as a unified diff when narrow or piped.
    Before a pass it refuses (exit 1) unless --force.
    """
    from learnpath.study.exercise import show_solution
    from learnpath.ui import views

    catalog, section = open_section(ctx, section_id)
    shown = show_solution(catalog, section, force=force)
    if not shown.passed:
        console.warning(f"--force: this shows the answer to exercise {section.id} before it passes. "
                        "Reading it now skips the part of the course that makes the idea stick.")
    if as_json:
        from learnpath.ui import records

        console.print_json(records.solution(shown, catalog.root))
        return
    views.solution(catalog, section, shown)
