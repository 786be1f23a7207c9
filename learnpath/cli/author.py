"""For authors: `check` validates the whole curriculum; `new` starts a section."""

from __future__ import annotations

from typing import Annotated

import typer

from learnpath.cli.app import EXIT_FAILED, MAX_TIMEOUT, JsonFlag, app, open_catalog
from learnpath.ui import console


@app.command("check")
def check_command(
    ctx: typer.Context,
    run: Annotated[bool, typer.Option(
        "--run", help="Also run every experiment under its timeout, and prove every exercise: "
        "starter not started, reference passes, each mutant fails.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Also hold every section to docs/authoring.md: overview length and parts, "
        "main() in experiment.py, 8-12 questions of 3+ types with a hint on each, keys spread "
        "over positions, no choice named by letter, questions that stand alone, numeric prompts "
        "that state their precision, code lines in overviews within 78 columns.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=MAX_TIMEOUT, help="Seconds each experiment may take with --run.")
    ] = 120.0,
    as_json: JsonFlag = False,
) -> None:
    """Validate the whole curriculum for authors: files, quiz.yaml schema, ids, answers."""
    from learnpath.ui import records, views
    from learnpath.course.check import check_curriculum

    catalog = open_catalog(ctx)
    problems = check_curriculum(catalog, run=run, strict=strict, timeout=timeout,
                                on_run=None if as_json else console.note)
    if as_json:
        console.print_json(records.check(catalog, problems))
    else:
        views.check_report(catalog, problems, ran=run)
    if problems:
        raise typer.Exit(EXIT_FAILED)


@app.command("new")
def new_command(
    ctx: typer.Context,
    section_id: Annotated[str, typer.Argument(metavar="ID", help="The new section's id, e.g. 5.1.",
                                              show_default=False)],
    title: Annotated[str, typer.Argument(metavar="TITLE", help="Its title, e.g. \"Diffusion\".",
                                         show_default=False)],
) -> None:
    """For authors: start section ID from first drafts of every file, and add it to PROGRESS.md."""
    from learnpath.study.new_section import new_section

    catalog = open_catalog(ctx)
    made = new_section(catalog, section_id, title)
    console.success(f"Section {made.section_id} started in {made.folder.relative_to(catalog.root)}:")
    for path in made.files:
        console.say(f"  {path.relative_to(catalog.root)}")
    console.note("Replace each draft (docs/authoring.md says what each holds), then prove it with "
                 "`learnpath check --run --strict`.")
