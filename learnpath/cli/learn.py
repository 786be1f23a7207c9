"""Where am I, and study a section: `next`, `list`, `show`, `run`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from learnpath.cli.app import MAX_TIMEOUT, JsonFlag, SectionId, app, complete_section, open_catalog, open_section
from learnpath.errors import NoTerminalError
from learnpath.ui import console


# ---- where am I --------------------------------------------------------------


@app.command("next")
def next_command(
    ctx: typer.Context,
    section_id: Annotated[Optional[str], typer.Argument(
        metavar="[ID]", show_default=False,
        help="A section to look at instead (1.3 or backward-pass): its steps left and their commands.",
        autocompletion=complete_section)] = None,
    as_json: JsonFlag = False,
) -> None:
    """What to study next: the first section not done, and the exact commands for its steps."""
    from learnpath.course.status import next_section, section_in_course
    from learnpath.ui import records, views

    if section_id is not None:
        catalog, section = open_section(ctx, section_id)
        found = section_in_course(catalog, section)
    else:
        catalog = open_catalog(ctx)
        found = next_section(catalog)
    if as_json:
        console.print_json(records.next_step(found, catalog))
    else:
        views.next_section(found, catalog)


@app.command("list")
def list_command(
    ctx: typer.Context,
    phase: Annotated[
        Optional[int], typer.Option("--phase", help="Only this phase.", show_default=False)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every section: experiment run, best quiz score, done; and the progress of each phase."""
    from learnpath.ui import records, views
    from learnpath.course.status import statuses

    catalog = open_catalog(ctx)
    rows = statuses(catalog, phase)
    if as_json:
        console.print_json(records.section_list(rows, catalog))
    elif not rows:
        console.say(f"No sections yet under {catalog.curriculum}.")
    else:
        views.section_list(rows, catalog)


# ---- study a section ----------------------------------------------------------


@app.command("show")
def show_command(
    ctx: typer.Context,
    section_id: SectionId,
    plain: Annotated[bool, typer.Option("--plain", help="Print the raw Markdown file.")] = False,
) -> None:
    """Read a section's overview, rendered in the terminal (paged when it is long)."""
    from learnpath.course.status import overview_text

    _, section = open_section(ctx, section_id)
    text = overview_text(section)
    if plain:
        console.raw(text)
        return
    console.markdown(text, page=True)
    if console.is_terminal():  # piped, the output stays exactly the file
        console.note(f"Next: learnpath run {section.id}")


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": False})
def run_command(
    ctx: typer.Context,
    section_id: SectionId,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=MAX_TIMEOUT, help="Seconds before the experiment is stopped.")
    ] = 120.0,
    mine: Annotated[bool, typer.Option(
        "--mine", help="Run the experiment on your own exercise.py (once its checks pass).")] = False,
    pause: Annotated[bool, typer.Option(
        "--pause", help="Stop after each step of the experiment until you press Enter.")] = False,
) -> None:
    """Run a section's experiment.py; success ticks its experiment box in PROGRESS.md.

    Arguments after `--` go to experiment.py itself: learnpath run 4.4 --timeout 900 -- --long
    """
    from learnpath.study.experiment import run_experiment
    from learnpath.ui import views

    catalog, section = open_section(ctx, section_id)
    if pause and not console.stdin_is_terminal():
        raise NoTerminalError(f"`learnpath run {section.id} --pause` waits for Enter, but there is no terminal to "
                              "press it in", fix=f"Run it without --pause: learnpath run {section.id}")
    where = section.experiment.relative_to(catalog.root)
    label = f"{where} {' '.join(ctx.args)}".rstrip() + (" on your exercise.py" if mine else "")
    run = run_experiment(
        catalog, section, timeout=timeout, args=tuple(ctx.args), mine=mine, pause=pause,
        starting=lambda: console.note(f"Running {label} (stops after {timeout:g} s)"))
    code = views.experiment_outcome(section, run, timeout, next_command=_next_step_of(catalog, section))
    if code:
        raise typer.Exit(code)


def _next_step_of(catalog, section) -> str:
    """The command of the section's first step still left, or `learnpath next` when none is."""
    from learnpath.course.status import section_in_course

    steps = section_in_course(catalog, section).steps
    return steps[0].command if steps else "learnpath next"
