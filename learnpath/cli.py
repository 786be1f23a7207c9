"""The `learnpath` command line: declare the commands, call one use case each, print.

The use cases (take a quiz, run an experiment, plan a review, start over) are
in study.py; the JSON documents in records.py; what a person sees in views.py.
The core raises LearnpathError for anything a person can fix; this file turns
that into one red line on stderr and the exit code (2 for bad input, 1 for a
real failure), never a traceback.

Heavy modules (the quiz loader and YAML, the runner, Rich) are imported inside
the commands that need them, so `learnpath list` and `learnpath next` start
about as fast as Typer itself (see typer_speed.py for the one other thing that
takes).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from learnpath import __version__, console
from learnpath.catalog import Catalog, Section, find_root, load_catalog
from learnpath.errors import LearnpathError, NoTerminalError
from learnpath.typer_speed import defer_option_checks

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # bad input is 2: LearnpathError.exit_code

# Click's UsageError, found through a public subclass rather than a private module path
UsageError = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")


def _usage_error(error) -> typer.Exit:
    """A mistyped command line, as one line like every other error (Typer would draw a box)."""
    command = error.ctx.command_path if error.ctx is not None else "learnpath"
    message = error.format_message()
    ended = message.endswith((".", "?"))
    console.error(f"{message}{'' if ended else '.'} See `{command} --help`")
    return typer.Exit(error.exit_code)


def _interrupted() -> typer.Exit:
    """Ctrl-C: say truthfully what had been written before it."""
    from learnpath.study import recorded_so_far

    console.say()  # the ^C was typed on a prompt line: start a fresh one
    written = recorded_so_far()
    if written:
        console.error(f"stopped (Ctrl-C) after writing to {', '.join(written)}; that is kept")
    else:
        console.error("stopped (Ctrl-C); nothing was recorded")
    return typer.Exit(EXIT_INTERRUPTED)


class _ReportingGroup(TyperGroup):
    """Runs a command and turns the tool's own errors into one line and an exit code."""

    def parse_args(self, ctx, args):
        # get_params includes the --help option, which Typer also checks
        defer_option_checks(self.get_params(ctx))
        for command in self.commands.values():
            defer_option_checks(command.get_params(ctx))
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:  # e.g. --root with no folder after it
            if type(error).__name__ == "NoArgsIsHelpError":
                raise  # a bare `learnpath` shows the help, as it should
            raise _usage_error(error) from None

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except UsageError as error:  # an unknown command, a missing ID, --timeout abc
            raise _usage_error(error) from None
        except LearnpathError as problem:
            console.error(str(problem))
            raise typer.Exit(problem.exit_code) from None
        except KeyboardInterrupt:
            raise _interrupted() from None
        except BrokenPipeError:  # `learnpath list | head`: the reader left; that is not an error
            _silence(sys.stdout)
            raise typer.Exit(EXIT_OK) from None

    def list_commands(self, ctx: typer.Context) -> list[str]:
        # the order a learner meets them, not alphabetical
        return list(self.commands)


app = typer.Typer(
    cls=_ReportingGroup,
    name="learnpath",
    help="A self-study course on neural networks from first principles. "
    "Start with `learnpath next`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (keys listed in the README).")]


def _complete_section(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for section ids: every id that starts with what was typed."""
    try:
        catalog = load_catalog(find_root())
    except LearnpathError:
        return []
    return [
        (name, section.title)
        for section in catalog.sections
        for name in (section.id, section.slug)
        if name.startswith(incomplete)
    ]


SectionId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="A section id like 1.2, or its folder name like backward-pass.",
        autocompletion=_complete_section,
        show_default=False,
    ),
]


def _show_version(value: bool) -> None:
    if value:
        console.say(f"learnpath {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    root: Annotated[
        Optional[Path],
        typer.Option(
            "--root",
            help="The course folder (the one holding curriculum/). "
            "Default: $LEARNPATH_ROOT, else the first folder above the current one that has curriculum/.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """A self-study course on neural networks from first principles. Start with `learnpath next`."""
    ctx.obj = root


def _catalog(ctx: typer.Context) -> Catalog:
    return load_catalog(find_root(override=ctx.find_root().obj))


def _section(ctx: typer.Context, ident: str) -> tuple[Catalog, Section]:
    catalog = _catalog(ctx)
    return catalog, catalog.resolve(ident)


# ---- where am I --------------------------------------------------------------


@app.command("next")
def next_command(
    ctx: typer.Context,
    section_id: Annotated[Optional[str], typer.Argument(
        metavar="[ID]", show_default=False,
        help="A section to look at instead (1.3 or backward-pass): its steps left and their commands.",
        autocompletion=_complete_section)] = None,
    as_json: JsonFlag = False,
) -> None:
    """What to study next: the first section not done, and the exact commands for its steps."""
    from learnpath import records, views
    from learnpath.course import next_section, section_in_course

    if section_id is not None:
        catalog, section = _section(ctx, section_id)
        found = section_in_course(catalog, section)
    else:
        catalog = _catalog(ctx)
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
    from learnpath import records, views
    from learnpath.course import statuses

    catalog = _catalog(ctx)
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
    from learnpath.course import overview_text

    _, section = _section(ctx, section_id)
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
        float, typer.Option("--timeout", min=0.1, help="Seconds before the experiment is stopped.")
    ] = 120.0,
    mine: Annotated[bool, typer.Option(
        "--mine", help="Run the experiment on your own exercise.py (once its checks pass).")] = False,
    pause: Annotated[bool, typer.Option(
        "--pause", help="Stop after each step of the experiment until you press Enter.")] = False,
) -> None:
    """Run a section's experiment.py; success ticks its experiment box in PROGRESS.md.

    Arguments after `--` go to experiment.py itself: learnpath run 4.4 --timeout 900 -- --long
    """
    from learnpath import study, views

    catalog, section = _section(ctx, section_id)
    if pause and not console.stdin_is_terminal():
        raise NoTerminalError("`learnpath run --pause` waits for Enter, but there is no terminal to "
                              "press it in", fix=f"Run it without --pause: learnpath run {section.id}")
    where = section.experiment.relative_to(catalog.root)
    passed = " ".join(ctx.args)
    label = f"{where} {passed}".rstrip() + (" on your exercise.py" if mine else "")
    run = study.run_experiment(
        catalog, section, timeout=timeout, args=tuple(ctx.args), mine=mine, pause=pause,
        starting=lambda: console.note(f"Running {label} (stops after {timeout:g} s)"))
    code = views.experiment_outcome(section, run, timeout)
    if code:
        raise typer.Exit(code)


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
    from learnpath.exercises.session import WatchEnd, check_and_record, watch

    catalog, section = _section(ctx, section_id)
    if watch_mode:
        if as_json:
            raise LearnpathError("--watch and --json do not go together",
                                 fix="Use --json alone; it checks once")

        def redraw(checked) -> None:
            console.clear_screen()
            console.note(console.fitted(
                f"learnpath exercise {section.id} --watch · checked at {datetime.now():%H:%M:%S} · "
                "save exercise.py to check again, Enter checks now, q or Ctrl-C stops"))
            console.say()
            _show_exercise(catalog, section, checked)

        def trouble(error: LearnpathError) -> None:
            console.clear_screen()
            console.error(str(error))
            console.note("Still watching: fix that and save exercise.py again; q or Ctrl-C stops.")

        end = watch(catalog, section, show=redraw, problem=trouble, timeout=timeout)
        console.say()
        console.note("Stopped watching." if end is WatchEnd.QUIT else "Stopped watching (Ctrl-C).")
        return
    checked = check_and_record(catalog, section, timeout=timeout)
    if as_json:
        from learnpath import records

        console.print_json(records.exercise_result(checked.report, catalog.root, recorded=checked.ticked))
    else:
        _show_exercise(catalog, section, checked)
    if not checked.report.passed:
        raise typer.Exit(EXIT_FAILED)


def _show_exercise(catalog: Catalog, section: Section, checked) -> None:
    from learnpath.exercises.report import lines, next_hint

    report = checked.report
    console.heading(console.fitted(f"Exercise {section.id}  {section.title}"))
    console.note(str(section.exercise.relative_to(catalog.root)))
    console.say()
    console.styled_lines(lines(report, width=console.width()))
    if report.passed:
        console.note(console.fitted(
            f"The exercise box of {section.id} is ticked in PROGRESS.md. "
            f"Compare with the reference: learnpath solution {section.id}. "
            f"Then: learnpath quiz {section.id}"))
        return
    console.note(console.fitted(
        f"Edit exercise.py and check again with `learnpath exercise {section.id}` "
        f"(--watch checks on each save). A hint: {next_hint(report)}"))


@app.command("solution")
def solution_command(
    ctx: typer.Context,
    section_id: SectionId,
    force: Annotated[bool, typer.Option(
        "--force", help="Show it before your exercise passes. This gives the answer away.")] = False,
) -> None:
    """Show the reference solution of an exercise after yours passes, below your own code."""
    from learnpath.exercises.starter import solution

    catalog, section = _section(ctx, section_id)
    shown = solution(catalog, section, force=force)
    if not shown.passed:
        console.warning(f"--force: this shows the answer to exercise {section.id} before it passes. "
                        "Reading it now skips the part of the course that makes the idea stick.")
    yours = shown.yours if shown.yours is not None else "(your exercise.py is missing)\n"
    forced = ("> Shown with --force, before your exercise passed: this is the answer.\n\n"
              if not shown.passed else "")
    document = (
        f"# Exercise {section.id}: your code and the reference\n\n{forced}"
        f"## Yours: {shown.yours_path.relative_to(catalog.root).as_posix()}\n\n"
        f"```python\n{yours.rstrip()}\n```\n\n"
        f"## The reference: {shown.reference_path.relative_to(catalog.root).as_posix()}\n\n"
        f"```python\n{shown.reference.rstrip()}\n```\n"
    )
    console.markdown(document, page=True)


AnswersOption = Annotated[
    Optional[str],
    typer.Option(
        "--answers",
        metavar="FILE",
        help="Grade a YAML file of `question id: answer` without asking; `-` reads it from stdin.",
        show_default=False,
    ),
]


@app.command("quiz")
def quiz_command(
    ctx: typer.Context,
    section_id: SectionId,
    answers: AnswersOption = None,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Print every question with its answer, explanation and hints.")
    ] = False,
    shuffle: Annotated[
        bool, typer.Option("--shuffle/--no-shuffle",
                           help="Shuffle questions and choices at the terminal (the default); "
                           "--no-shuffle asks them as written, for authors. Answers files always "
                           "use quiz.yaml's keys.")
    ] = True,
    seed: Annotated[
        Optional[int],
        typer.Option("--seed", min=0, help="Ask in the order of this seed again (the attempt log "
                     "records each attempt's seed).", show_default=False),
    ] = None,
    only_given: Annotated[
        bool, typer.Option("--only-given", help="With --answers: grade and log only the questions the "
                           "file answers; review picks them up; the quiz box is never ticked.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --answers: grade and show the result, but write "
                           "nothing (no attempt logged, no box ticked, review unmoved).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Take a section's quiz: one question at a time on a terminal, or grade --answers FILE.

    A score at or above the pass mark ticks the quiz box in PROGRESS.md. With
    --json and neither --answers nor --reveal, print the questions without
    their answers (for a tutor to ask them).
    """
    from learnpath import records, study, views
    from learnpath.quiz import new_seed

    catalog, section = _section(ctx, section_id)
    if reveal and answers is not None:
        raise LearnpathError("--reveal and --answers do not go together",
                             fix="Grade first with --answers, then look with --reveal")
    if only_given and answers is None:
        raise LearnpathError("--only-given grades an answers file",
                             fix="Pass --answers FILE (or --answers - for stdin) with the questions answered")
    if dry_run and answers is None:
        raise LearnpathError("--dry-run grades an answers file without recording it",
                             fix="Pass --answers FILE (or --answers - for stdin)")
    if answers is not None and seed is not None:
        raise LearnpathError("--seed orders an interactive quiz; an answers file always uses the keys "
                             "as written in quiz.yaml", fix="Leave out --seed")
    if not reveal and answers is None:
        if as_json:  # the questions alone, in file order and quiz.yaml's keys, for a tutor to ask
            console.print_json(records.quiz_questions(section, study.open_quiz(section)))
            return
        _need_terminal("quiz")
        if shuffle and seed is None:
            seed = new_seed()
    if not shuffle and seed is not None:
        raise LearnpathError("--seed and --no-shuffle do not go together",
                             fix="Use --seed N to replay a shuffled order, or --no-shuffle for file order")
    quiz = study.open_quiz(section, shuffle_seed=seed)
    if reveal:
        if as_json:
            console.print_json(records.quiz_revealed(section, quiz))
        else:
            views.quiz_revealed(section, quiz)
        return
    taken = study.take_quiz(catalog, section, quiz, answers_file=answers, ask=_ask_quiz,
                            shuffle_seed=seed, only_given=only_given, dry_run=dry_run)
    if as_json:
        console.print_json(records.quiz_result(taken.result, section=section.id, partial=only_given,
                                               recorded=taken.logged))
    else:
        if answers is not None:
            views.quiz_results(taken.quiz, taken.result)
        views.quiz_verdict(section, taken.result, partial=only_given, seed=seed, recorded=taken.logged)
    if not taken.result.passed:
        raise typer.Exit(EXIT_FAILED)


def _need_terminal(command: str) -> None:
    """Interactive commands refuse at once, rather than wait on a stdin nobody types into."""
    if not console.stdin_is_terminal():
        raise NoTerminalError(
            f"`learnpath {command}` asks questions, but there is no terminal to ask",
            fix="Pass --answers FILE (a YAML mapping of question id to answer), "
            "or --answers - to read that mapping from stdin",
        )


def _ask_quiz(quiz) -> dict:
    """The interactive quiz at the terminal: question id -> answer as typed and parsed."""
    from learnpath import views
    from learnpath.asking import Stopped, ask_questions

    views.quiz_start(quiz)
    try:
        typed = ask_questions(quiz.questions)
    except Stopped:
        views.stopped_early()
        raise typer.Exit(EXIT_OK) from None
    console.say()
    return dict(zip(quiz.ids, typed))


@app.command("hint")
def hint_command(
    ctx: typer.Context,
    section_id: SectionId,
    question_id: Annotated[str, typer.Argument(
        metavar="QUESTION_ID", help="A quiz question's id, e.g. leaf-grad, or an exercise task's, e.g. mul-grad.")],
    level: Annotated[int, typer.Option("--level", min=1, help="Which hint: 1 is the gentlest.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show one hint for a quiz question or an exercise task, the gentlest first, without giving the answer away."""
    from learnpath import records, study, views

    _, section = _section(ctx, section_id)
    question, text = study.hint(section, question_id, level)
    if as_json:
        console.print_json(records.hint(section, question, level, text))
    else:
        views.hint(section, question, level, text)


@app.command("review")
def review_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Ask at most this many questions.")] = 10,
    answers: AnswersOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Re-ask the questions you missed, across sections, the most overdue first.

    Answered right, a question comes back later and later; missed, it comes back
    tomorrow. An answers file keys questions as `<section id>/<question id>`,
    e.g. `1.1/leaf-grad: b`. With --json and no --answers: what is due now and
    when the rest comes back (nothing is asked or recorded).
    """
    from datetime import date

    from learnpath import records, study, views
    from learnpath.quiz import new_seed

    catalog = _catalog(ctx)
    today = date.today()
    if answers is None and as_json:  # a tutor looking: what is due, and when the rest comes back
        console.print_json(records.review_outlook(study.review_outlook(catalog, today, limit,
                                                                       warn=console.warning)))
        return
    interactive = answers is None
    plan = study.plan_review(catalog, today, limit, warn=console.warning,
                             shuffle_seed=new_seed() if interactive else None)
    if not plan.asked:
        if as_json:
            console.print_json(records.review(0, {}))
        else:
            views.nothing_to_review(study.review_outlook(catalog, today, limit, warn=lambda _: None))
        return
    if interactive:
        _need_terminal("review")
    results = study.take_review(catalog, plan, answers_file=answers,
                                ask=lambda asked: _ask_review(plan, asked))
    if as_json:
        console.print_json(records.review(len(plan.asked), results))
    else:
        views.review_results(plan, results, from_file=answers is not None)
        views.coming_back(study.review_outlook(catalog, today, limit, warn=lambda _: None).later)


def _ask_review(plan, asked) -> dict:
    from learnpath import views
    from learnpath.asking import Stopped, ask_questions

    questions = [plan.quizzes[sid].question(qid) for sid, qid in asked]
    views.review_start(len(questions))
    try:
        typed = ask_questions(questions, labels=[f"review {sid}" for sid, _ in asked])
    except Stopped:
        views.stopped_early()
        raise typer.Exit(EXIT_OK) from None
    console.say()
    return dict(zip(asked, typed))


# ---- for authors and for starting over --------------------------------------------


@app.command("check")
def check_command(
    ctx: typer.Context,
    run: Annotated[bool, typer.Option(
        "--run", help="Also run every experiment under its timeout, and prove every exercise: "
        "starter not started, reference passes, each mutant fails.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Also hold every section to docs/authoring.md: overview length and parts, "
        "main() in experiment.py, 8-12 questions of 3+ types with a hint on each, keys spread "
        "over positions, no choice named by letter, questions that stand alone.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds each experiment may take with --run.")
    ] = 120.0,
    as_json: JsonFlag = False,
) -> None:
    """Validate the whole curriculum for authors: files, quiz.yaml schema, ids, answers."""
    from learnpath import records, views
    from learnpath.check import check_curriculum

    catalog = _catalog(ctx)
    problems = check_curriculum(catalog, run=run, strict=strict, timeout=timeout,
                                on_run=None if as_json else console.note)
    if as_json:
        console.print_json(records.check(catalog, problems))
    else:
        views.check_report(catalog, problems, ran=run)
    if problems:
        raise typer.Exit(EXIT_FAILED)


@app.command("reset")
def reset_command(
    ctx: typer.Context,
    section_id: Annotated[
        Optional[str],
        typer.Argument(metavar="[ID]", help="The section to untick.", autocompletion=_complete_section,
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
    from learnpath import study

    if (section_id is None) == (not everything):
        raise LearnpathError("reset needs a section id or --all, not both and not neither",
                             fix="Try `learnpath reset 1.1` or `learnpath reset --all`")
    if exercise:
        if everything:
            raise LearnpathError("reset --exercise restores one section's exercise at a time",
                                 fix="Try `learnpath reset 1.1 --exercise`")
        _reset_exercise(ctx, section_id, yes)
        return
    catalog = _catalog(ctx)
    targets = list(catalog.sections) if everything else [catalog.resolve(section_id)]
    what = "every section" if everything else f"section {targets[0].id} {targets[0].title}"
    if not yes:
        if not console.stdin_is_terminal():
            raise NoTerminalError(f"reset asks before unticking {what}, but there is no terminal to ask",
                                  fix="Pass --yes to reset without asking")
        if not console.confirm(f"Untick {what} in {catalog.progress_path}?"):
            console.say("Nothing changed.")
            return
    study.reset_sections(catalog, targets)
    console.success(f"Unticked {what}. The attempt log keeps your history.")

def _reset_exercise(ctx: typer.Context, section_id: str, yes: bool) -> None:
    from learnpath.exercises.starter import restore_starter

    catalog, section = _section(ctx, section_id)
    where = section.exercise.relative_to(catalog.root)
    if not yes:
        if not console.stdin_is_terminal():
            raise NoTerminalError(f"reset asks before replacing {where}, but there is no terminal to ask",
                                  fix="Pass --yes to restore the starter without asking")
        if not console.confirm(f"Replace {where} with the starter? (yours is kept in .learnpath/backups/)"):
            console.say("Nothing changed.")
            return
    restored = restore_starter(catalog, section)
    if not restored.changed:
        console.say(f"{where} is already the starter; nothing changed.")
        return
    console.success(f"{where} is the starter again.")
    if restored.backup is not None:
        console.note(f"Your version is saved as {restored.backup.relative_to(catalog.root)}")


@app.command("mcp")
def mcp_command(ctx: typer.Context) -> None:
    """Serve the course to a tutor agent over the Model Context Protocol (stdio).

    Register it with your agent as {"command": "learnpath", "args": ["mcp"]} run in the
    course folder (or add --root DIR before mcp). Needs: pip install -e '.[mcp]'
    """
    try:
        from learnpath.mcp.server import serve
    except ImportError as missing:
        raise LearnpathError(f"the MCP server needs the `mcp` package ({missing.msg})",
                             fix="Install it with: pip install -e '.[mcp]'") from None
    serve(find_root(override=ctx.find_root().obj))


def main() -> None:
    """Entry point of the `learnpath` script and of `python -m learnpath`.

    Whatever happens to the output (a closed pipe, a full disk, a terminal
    that can't show a character), the learner gets one line or silence.
    """
    _streams_that_cannot_fail()
    try:
        app(prog_name="learnpath")
        status = EXIT_OK
    except SystemExit as finished:  # Typer ends every run this way
        status = finished.code if isinstance(finished.code, int) else EXIT_FAILED
    except LearnpathError as problem:  # raised outside a command, e.g. by completion
        console.error(str(problem))
        status = problem.exit_code
    except BrokenPipeError:  # `learnpath list | head`: the reader left; that is not an error
        status = EXIT_OK
        _silence(sys.stdout)
    except KeyboardInterrupt:  # before a command started, e.g. while Python loaded it
        status = EXIT_INTERRUPTED
    except OSError as error:  # most often the output itself: a full disk, a lost terminal
        where = f"{error.filename}: " if error.filename else "the output: "
        _last_words(f"error: can't write {where}{error.strerror or error}")
        status = EXIT_FAILED
    sys.exit(_flushed(status))


def _streams_that_cannot_fail() -> None:
    """Closed streams write into nothing; a character the terminal lacks becomes `?`."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): write into nothing
            setattr(sys, name, open(os.devnull, "w"))
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace"),
                           (sys.stdin, "replace")):
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError, OSError):  # not a text file, or already closed
            pass


def _flushed(status: int) -> int:
    """Flush stdout now, while a failure can still be reported in one line."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
    except OSError as error:
        _last_words(f"error: can't write the output ({error.strerror or error})")
        _silence(sys.stdout)
        return status or EXIT_FAILED
    except ValueError:  # closed already
        pass
    return status


def _silence(stream) -> None:
    """Point a failed stream at /dev/null so Python's own flush at exit has nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _last_words(text: str) -> None:
    """One line on stderr if stderr still works; silence if it doesn't."""
    try:
        console.error(text.removeprefix("error: "))
    except (OSError, ValueError):
        _silence(sys.stderr)
