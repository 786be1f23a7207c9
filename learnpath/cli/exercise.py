"""Building the exercise: `exercise` (once or --watch) and `solution`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from learnpath.cli.app import EXIT_FAILED, JsonFlag, SectionId, app, open_section
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
        float, typer.Option("--timeout", min=0.1, help="Seconds the checks may take in all.")
    ] = 20.0,
    as_json: JsonFlag = False,
) -> None:
    """Check your exercise.py task by task; all tasks passing ticks its exercise box in PROGRESS.md.

    The checks run in a child process, in the section folder, stopped after
    --timeout seconds; nothing your code does can reach PROGRESS.md.
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

        end = watch(catalog, section, show=redraw, problem=trouble, timeout=timeout, keys=terminal_keys)
        console.say()
        console.note("Stopped watching." if end is WatchEnd.QUIT else "Stopped watching (Ctrl-C).")
        return
    checked = check_exercise(catalog, section, timeout=timeout)
    if as_json:
        from learnpath.ui import records

        console.print_json(records.exercise_result(checked.report, catalog.root, recorded=checked.ticked))
    else:
        views.exercise_report(catalog, section, checked.report)
    if not checked.report.passed:
        raise typer.Exit(EXIT_FAILED)


@app.command("solution")
def solution_command(
    ctx: typer.Context,
    section_id: SectionId,
    force: Annotated[bool, typer.Option(
        "--force", help="Show it before your exercise passes. This gives the answer away.")] = False,
) -> None:
    """Show the reference solution of an exercise after yours passes, below your own code."""
    from learnpath.study.exercise import show_solution
    from learnpath.ui import views

    catalog, section = open_section(ctx, section_id)
    shown = show_solution(catalog, section, force=force)
    if not shown.passed:
        console.warning(f"--force: this shows the answer to exercise {section.id} before it passes. "
                        "Reading it now skips the part of the course that makes the idea stick.")
    views.solution(catalog, section, shown)
