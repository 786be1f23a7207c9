"""Starting over: `reset` unticks sections, or puts an exercise's starter back."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from learnpath.cli.app import app, complete_section, open_catalog, open_section
from learnpath.errors import LearnpathError, NoTerminalError
from learnpath.ui import console


@app.command("reset")
def reset_command(
    ctx: typer.Context,
    section_id: Annotated[
        Optional[str],
        typer.Argument(metavar="[ID]", help="The section to untick.", autocompletion=complete_section,
                       show_default=False),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Untick every section.")] = False,
    exercise: Annotated[bool, typer.Option(
        "--exercise", help="Instead, put the starter exercise.py back; yours is saved in .learnpath/backups/.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask first.")] = False,
) -> None:
    """Untick a section (or --all) in PROGRESS.md, after asking; your notes stay as they are.

    With --exercise, restore the section's exercise.py to the starter instead
    (PROGRESS.md is left as it is).
    """
    from learnpath.study.reset import reset_sections

    if (section_id is None) == (not everything):
        raise LearnpathError("reset needs a section id or --all, not both and not neither",
                             fix="Try `learnpath reset 1.1` or `learnpath reset --all`")
    if exercise:
        if everything:
            raise LearnpathError("reset --exercise restores one section's exercise at a time",
                                 fix="Try `learnpath reset 1.1 --exercise`")
        _reset_exercise(ctx, section_id, yes)
        return
    catalog = open_catalog(ctx)
    targets = list(catalog.sections) if everything else [catalog.resolve(section_id)]
    what = "every section" if everything else f"section {targets[0].id} {targets[0].title}"
    if not yes:
        if not console.stdin_is_terminal():
            raise NoTerminalError(f"reset asks before unticking {what}, but there is no terminal to ask",
                                  fix="Pass --yes to reset without asking")
        if not console.confirm(f"Untick {what} in {catalog.progress_path}?"):
            console.say("Nothing changed.")
            return
    reset_sections(catalog, targets)
    console.success(f"Unticked {what}. The attempt log keeps your history.")


def _reset_exercise(ctx: typer.Context, section_id: str, yes: bool) -> None:
    from learnpath.study.reset import restore_exercise

    catalog, section = open_section(ctx, section_id)
    where = section.exercise.relative_to(catalog.root)
    if not yes:
        if not console.stdin_is_terminal():
            raise NoTerminalError(f"reset asks before replacing {where}, but there is no terminal to ask",
                                  fix="Pass --yes to restore the starter without asking")
        if not console.confirm(f"Replace {where} with the starter? (yours is kept in .learnpath/backups/)"):
            console.say("Nothing changed.")
            return
    restored = restore_exercise(catalog, section)
    if not restored.changed:
        console.say(f"{where} is already the starter; nothing changed.")
        return
    console.success(f"{where} is the starter again.")
    if restored.backup is not None:
        console.note(f"Your version is saved as {restored.backup.relative_to(catalog.root)}")
