"""The `learnpath` command line: parse the options, call one core function, show the result.

Every command is a thin layer over the core modules (catalog, course, quiz,
progress, runner, review, check). The core raises LearnpathError for anything a
person can fix; this file turns that into one red line on stderr and the exit
code (2 for bad input, 1 for a real failure), never a traceback.

Heavy modules (the quiz loader and YAML, the runner, Rich) are imported inside
the commands that need them, so `learnpath list` and `learnpath next` start
about as fast as Typer itself.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

try:  # Typer 0.2x carries its own copy of Click
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - an older Typer, on top of Click itself
    from click.exceptions import NoArgsIsHelpError, UsageError

from learnpath import __version__, console
from learnpath.catalog import Catalog, Section, find_root, load_catalog
from learnpath.errors import LearnpathError, NoTerminalError

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # bad input is 2: LearnpathError.exit_code


class _CoerceWhenGiven:
    """Typer's coercion of one option, built only when the option was actually given.

    Typer (0.2x) validates every parameter through a pydantic adapter and builds
    it even for options left unset, which costs pydantic's import (several
    times Typer's own start-up) on a bare `learnpath list`. An unset option is
    None either way, so only a given value needs the real thing.
    """

    def __init__(self) -> None:
        self._real = None

    def coerce(self, value, param, ctx):
        if value is None and not (param.multiple or param.nargs == -1):
            return None
        if self._real is None:
            from typer._coercion import build_runtime_param

            self._real = build_runtime_param(param.type_descriptor)
        return self._real.coerce(value, param=param, ctx=ctx)


def _defer_coercion(params) -> None:
    for param in params:
        # only where this Typer has the lazily-built coercion slot and it is still empty
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            param._runtime_param = _CoerceWhenGiven()


def _usage_error(error: UsageError) -> typer.Exit:
    """A mistyped command line, as one line like every other error (Typer would draw a box)."""
    command = error.ctx.command_path if error.ctx is not None else "learnpath"
    message = error.format_message()
    ended = message.endswith((".", "?"))
    console.error(f"{message}{'' if ended else '.'} See `{command} --help`")
    return typer.Exit(error.exit_code)


class _ReportingGroup(TyperGroup):
    """Runs a command and turns the tool's own errors into one line and an exit code."""

    def parse_args(self, ctx, args):
        # get_params includes the --help option, which Typer also coerces
        _defer_coercion(self.get_params(ctx))
        for command in self.commands.values():
            _defer_coercion(command.get_params(ctx))
        try:
            return super().parse_args(ctx, args)
        except NoArgsIsHelpError:
            raise  # a bare `learnpath` shows the help, as it should
        except UsageError as error:  # e.g. --root with no folder after it
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
            console.say()  # the ^C was typed on a prompt line: start a fresh one
            console.error("stopped (Ctrl-C); nothing was recorded")
            raise typer.Exit(EXIT_INTERRUPTED) from None

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
def next_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """What to study next: the first section not done, and the exact commands for its steps."""
    from learnpath.course import next_record, next_section

    catalog = _catalog(ctx)
    found = next_section(catalog)
    if as_json:
        console.print_json(next_record(found))
        return
    if found is None:
        if catalog.sections:
            console.success(f"Every one of the {len(catalog.sections)} sections is done.")
            console.note("Keep it fresh with `learnpath review`.")
        else:
            console.say(f"No sections yet under {catalog.curriculum}.")
        return
    section = found.section
    console.note(section.phase_title)
    console.heading(f"Next: {section.id}  {section.title}")
    if found.summary:
        console.say()
        console.paragraph(found.summary)
    console.say()
    console.say("Steps left:")
    console.steps((step.what, step.command) for step in found.steps)


@app.command("list")
def list_command(
    ctx: typer.Context,
    phase: Annotated[
        Optional[int], typer.Option("--phase", help="Only this phase.", show_default=False)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every section: experiment run, best quiz score, done; and the progress of each phase."""
    from learnpath.course import status_record, statuses
    from learnpath.errors import CatalogError

    catalog = _catalog(ctx)
    if phase is not None and not any(s.phase == phase for s in catalog.sections):
        phases = sorted({s.phase for s in catalog.sections})
        raise CatalogError(
            f"no phase {phase} in {catalog.curriculum}",
            fix=f"Phases are {', '.join(map(str, phases)) or 'none yet'}",
        )
    rows = statuses(catalog, phase)
    if as_json:
        console.print_json([status_record(row, catalog) for row in rows])
        return
    if not rows:
        console.say(f"No sections yet under {catalog.curriculum}.")
        return
    tables = []
    for phase_title in dict.fromkeys(row.section.phase_title for row in rows):
        in_phase = [row for row in rows if row.section.phase_title == phase_title]
        done = sum(row.state.done for row in in_phase)
        cells = [
            (
                row.section.id,
                row.section.title,
                console.tick(row.state.experiment),
                _quiz_cell(row.state),
                console.tick(row.state.done),
            )
            for row in in_phase
        ]
        tables.append((phase_title, cells, f"{done} of {len(in_phase)} done"))
    console.section_table(tables)
    console.say()
    console.note("✓ done, · not yet. `learnpath next` says what to do next.")


def _quiz_cell(state) -> str:
    if state.quiz is not None:
        mark = f"{state.quiz.score:g}/{state.quiz.total:g}"
        return f"{mark} {console.tick(True)}" if state.quiz_passed else mark
    return console.tick(state.quiz_passed)


# ---- study a section ----------------------------------------------------------


@app.command("show")
def show_command(
    ctx: typer.Context,
    section_id: SectionId,
    plain: Annotated[bool, typer.Option("--plain", help="Print the raw Markdown file.")] = False,
) -> None:
    """Read a section's overview, rendered in the terminal (paged when it is long)."""
    from learnpath.errors import CatalogError

    _, section = _section(ctx, section_id)
    try:
        text = section.overview.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{section.overview} is missing",
                           fix="Run `learnpath check` to see what the section lacks") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise CatalogError(f"can't read {section.overview} ({reason})",
                           fix="Check that it is a readable UTF-8 file") from None
    if plain:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    console.markdown(text, page=True)
    if console.is_terminal():  # piped, the output stays exactly the file
        console.note(f"Next: learnpath run {section.id}")


@app.command("run")
def run_command(
    ctx: typer.Context,
    section_id: SectionId,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds before the experiment is stopped.")
    ] = 120.0,
) -> None:
    """Run a section's experiment.py; success ticks its experiment box in PROGRESS.md."""
    from learnpath.errors import CatalogError
    from learnpath.progress import check_can_record, tick_experiment
    from learnpath.runner import RunOutcome, run_experiment

    catalog, section = _section(ctx, section_id)
    try:
        present = section.experiment.is_file()
    except OSError as error:  # e.g. a section folder that can't be entered
        raise CatalogError(f"can't read {section.experiment} ({error.strerror})",
                           fix="Check the permissions of the section folder (chmod u+rx)") from None
    if not present:
        raise CatalogError(f"{section.experiment} is missing",
                           fix="Run `learnpath check` to see what the section lacks")
    check_can_record(catalog.progress_path, catalog.sections)
    console.note(f"Running {section.experiment.relative_to(catalog.root)} (stops after {timeout:g} s)")
    result = run_experiment(section.experiment, curriculum=catalog.curriculum, timeout=timeout)
    if result.outcome is RunOutcome.SUCCEEDED:
        tick_experiment(catalog.progress_path, catalog.sections, section.id)
        console.success(f"Experiment {section.id} finished in {result.seconds:.1f} s: "
                        "its box is ticked in PROGRESS.md.")
        console.note(f"Next: learnpath quiz {section.id}")
        return
    if result.outcome is RunOutcome.TIMED_OUT:
        console.error(f"experiment {section.id} was still running after {timeout:g} s and was "
                      "stopped with everything it started; nothing ticked. "
                      "Pass --timeout SECONDS to give it longer")
        raise typer.Exit(EXIT_FAILED)
    if result.outcome is RunOutcome.INTERRUPTED:
        console.error(f"experiment {section.id} stopped by Ctrl-C; nothing ticked")
        raise typer.Exit(EXIT_INTERRUPTED)
    code = result.exit_code if result.exit_code else EXIT_FAILED
    console.error(f"experiment {section.id} failed (exit code {result.exit_code}); nothing ticked. "
                  "Read the message above, fix experiment.py, and run it again")
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
            console.note(f"learnpath exercise {section.id} --watch · checked at "
                         f"{datetime.now():%H:%M:%S} · save exercise.py to check again, "
                         "Enter checks now, q or Ctrl-C stops")
            console.say()
            _show_exercise(catalog, section, checked)

        end = watch(catalog, section, show=redraw, timeout=timeout)
        console.say()
        console.note("Stopped watching." if end is WatchEnd.QUIT else "Stopped watching (Ctrl-C).")
        return
    checked = check_and_record(catalog, section, timeout=timeout)
    if as_json:
        from learnpath.exercises.report import record

        console.print_json(record(checked.report, catalog.root) | {"recorded": checked.ticked})
    else:
        _show_exercise(catalog, section, checked)
    if not checked.report.passed:
        raise typer.Exit(EXIT_FAILED)


def _show_exercise(catalog: Catalog, section: Section, checked) -> None:
    from learnpath.exercises.report import lines, next_hint

    report = checked.report
    console.heading(f"Exercise {section.id}  {section.title}")
    console.note(str(section.exercise.relative_to(catalog.root)))
    console.say()
    console.styled_lines(lines(report, width=console.width()))
    if report.passed:
        console.note(f"The exercise box of {section.id} is ticked in PROGRESS.md. "
                     f"Compare with the reference: learnpath solution {section.id}")
        return
    hint = next_hint(report)
    console.note(f"Edit exercise.py and run `learnpath exercise {section.id}` again "
                 f"(--watch re-runs on each save). A hint: {hint}")


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
        bool, typer.Option("--shuffle", help="Shuffle the questions and their choices.")
    ] = False,
    seed: Annotated[
        Optional[int],
        typer.Option("--seed", help="Seed for --shuffle, to get the same order again.", show_default=False),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Take a section's quiz: one question at a time on a terminal, or grade --answers FILE.

    A score at or above the pass mark ticks the quiz box in PROGRESS.md.
    """
    import random

    from learnpath.progress import check_can_record
    from learnpath.quiz import shuffled
    from learnpath.quizfile import load_quiz

    catalog, section = _section(ctx, section_id)
    if reveal and answers is not None:
        raise LearnpathError("--reveal and --answers do not go together",
                             fix="Grade first with --answers, then look with --reveal")
    if not reveal and answers is None:
        if as_json:
            raise LearnpathError("--json needs --answers FILE or --reveal",
                                 fix="Interactive quizzes print for a person, not JSON")
        _need_terminal("quiz")
    quiz = load_quiz(section.quiz)
    if shuffle or seed is not None:
        quiz = shuffled(quiz, seed if seed is not None else random.randrange(2**32))
    if reveal:
        _reveal(section, quiz, as_json)
        return
    check_can_record(catalog.progress_path, catalog.sections)  # before any question is asked
    result = _grade(quiz, answers)
    _record(catalog, section, result)
    if as_json:
        console.print_json(_result_record(quiz, result, section=section.id))
    else:
        if answers is not None:
            _print_results(quiz, result)
        _print_verdict(section, result)
    if not result.passed:
        raise typer.Exit(EXIT_FAILED)


def _need_terminal(command: str) -> None:
    """Interactive commands refuse at once, rather than wait on a stdin nobody types into."""
    if not console.stdin_is_terminal():
        raise NoTerminalError(
            f"`learnpath {command}` asks questions, but there is no terminal to ask",
            fix="Pass --answers FILE (a YAML mapping of question id to answer), "
            "or --answers - to read that mapping from stdin",
        )


def _grade(quiz, answers_source: str | None):
    """Grade an answers file, or ask at the terminal; None if the learner stopped early."""
    from learnpath.answers import grade, load_answers

    if answers_source is not None:
        return grade(quiz, load_answers(answers_source, quiz))
    from learnpath.asking import Stopped, ask_questions

    console.heading(f"Quiz: {len(quiz.questions)} questions, pass mark {quiz.pass_mark:.0%}.")
    console.note("Answer each one; ? shows a hint, Ctrl-D stops without recording anything.")
    try:
        typed = ask_questions(quiz.questions)
    except Stopped:
        _stopped()
    console.say()
    return grade(quiz, dict(zip(quiz.ids, typed)))


def _stopped():
    console.say()
    console.note("Stopped before the end: nothing was graded, ticked or logged.")
    raise typer.Exit(EXIT_OK)


def _record(catalog: Catalog, section: Section, result) -> None:
    """Log every attempt; a pass also ticks the quiz box with the score and today's date."""
    from learnpath.attempts import append_attempt
    from learnpath.progress import QuizMark, record_quiz

    append_attempt(catalog.root, section.id, result, kind="quiz")
    if result.passed:
        mark = QuizMark(score=result.score, total=result.total, date=date.today().isoformat())
        record_quiz(catalog.progress_path, catalog.sections, section.id, mark)


def _jsonable(value):
    """Answers are tuples inside the tool; JSON has lists."""
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    return value


def _result_record(quiz, result, *, section: str | None) -> dict:
    """The JSON of a graded quiz (keys documented in the README)."""
    record = {} if section is None else {"section": section}
    record.update(
        score=result.score,
        total=result.total,
        pass_mark=result.pass_mark,
        passed=result.passed,
        results=[
            {
                "id": item.id,
                "correct": item.correct,
                "points": item.points,
                "max_points": item.max_points,
                "your_answer": _jsonable(item.your_answer),
                "answer": _jsonable(item.answer),
                "explanation": item.explanation,
            }
            for item in result.results
        ],
    )
    return record


def _print_results(quiz, result) -> None:
    from learnpath.quiz import format_answer

    for item in result.results:
        question = quiz.question(item.id)
        if item.correct:
            console.success(f"✓ {item.id}")
            continue
        yours = "no answer" if item.your_answer is None else format_answer(question, item.your_answer)
        console.say(f"✗ {item.id}: you said {yours}; the answer is "
                    f"{format_answer(question, item.answer)} ({item.points:g}/{item.max_points:g})")
        if item.explanation:
            console.note("    " + item.explanation.strip().replace("\n", "\n    "))


def _print_verdict(section: Section, result) -> None:
    console.score_line(result.score, result.total, result.pass_mark, result.passed)
    if result.passed:
        console.note(f"Quiz box of {section.id} ticked in PROGRESS.md. Next: learnpath next")
    else:
        console.note(f"Try again with `learnpath quiz {section.id}`; "
                     f"`learnpath hint {section.id} QUESTION_ID` gives hints.")


def _reveal(section: Section, quiz, as_json: bool) -> None:
    from learnpath.quiz import format_answer

    if as_json:
        console.print_json({
            "section": section.id,
            "pass_mark": quiz.pass_mark,
            "questions": [
                {
                    "id": q.id,
                    "type": q.type.value,
                    "prompt": q.prompt,
                    "choices": dict(q.choices),
                    "answer": _jsonable(q.answer),
                    "points": q.points,
                    "explanation": q.explanation,
                    "hints": list(q.hints),
                }
                for q in quiz.questions
            ],
        })
        return
    lines = [f"# Quiz {section.id}: {section.title}", ""]
    for number, q in enumerate(quiz.questions, start=1):
        lines += [f"## {number}. {q.id} ({q.type.value})", "", q.prompt.strip(), ""]
        lines += [f"- **{key})** {text}" for key, text in q.choices]
        lines += ["", f"**Answer:** {format_answer(q, q.answer)}", "", q.explanation.strip(), ""]
        for k, h in enumerate(q.hints, start=1):
            lines += [f"> Hint {k}: {h}", ""]
    console.markdown("\n".join(lines), page=True)


@app.command("hint")
def hint_command(
    ctx: typer.Context,
    section_id: SectionId,
    question_id: Annotated[str, typer.Argument(metavar="QUESTION_ID", help="The question's id, e.g. leaf-grad.")],
    level: Annotated[int, typer.Option("--level", min=1, help="Which hint: 1 is the gentlest.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show one hint for a quiz question, the gentlest first, without giving the answer away."""
    from learnpath.quizfile import load_quiz

    _, section = _section(ctx, section_id)
    quiz = load_quiz(section.quiz)
    question = quiz.question(question_id)
    hints = question.hints
    if level > max(len(hints), 1):
        raise LearnpathError(
            f"question {question_id} of {section.id} has {len(hints)} hint(s), not {level}",
            path=section.quiz, line=question.line, fix=f"Use --level 1 to {len(hints)}")
    text = hints[level - 1] if hints else None
    if as_json:
        console.print_json({"section": section.id, "question": question.id, "level": level,
                            "hints": len(hints), "hint": text})
        return
    if text is None:
        console.say(f"Question {question_id} has no hints; its explanation comes after you answer.")
        return
    console.hint(level, len(hints), text)
    if level < len(hints):
        console.note(f"Another: learnpath hint {section.id} {question_id} --level {level + 1}")


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
    e.g. `1.1/leaf-grad: b`.
    """
    from learnpath.quizfile import load_quiz
    from learnpath.review import due_questions, grade_review, parse_review_answers, record_review

    catalog = _catalog(ctx)
    sections = {section.id: section for section in catalog.sections}
    due = [q for q in due_questions(catalog.root, date.today()) if q.section_id in sections]
    quizzes = {sid: load_quiz(sections[sid].quiz) for sid in dict.fromkeys(q.section_id for q in due)}
    due = [q for q in due if q.question_id in quizzes[q.section_id].ids][:limit]
    if not due:
        if as_json:
            console.print_json({"asked": 0, "score": 0, "total": 0, "sections": []})
        else:
            console.success("Nothing to review today: no missed question is due.")
        return
    asked = [(q.section_id, q.question_id) for q in due]
    if answers is not None:
        given = parse_review_answers(answers, quizzes, asked)
    else:
        if as_json:
            raise LearnpathError("--json needs --answers FILE",
                                 fix="Interactive review prints for a person, not JSON")
        _need_terminal("review")
        from learnpath.asking import Stopped, ask_questions

        questions = [quizzes[sid].question(qid) for sid, qid in asked]
        console.heading(f"Review: {len(questions)} question(s) you missed before, most overdue first.")
        console.note("? shows a hint, Ctrl-D stops without recording anything.")
        try:
            typed = ask_questions(questions, labels=[f"review {sid}" for sid, _ in asked])
        except Stopped:
            _stopped()
        console.say()
        given = dict(zip(asked, typed))
    results = grade_review(quizzes, asked, given)
    record_review(catalog.root, results)
    score = sum(result.score for result in results.values())
    total = sum(result.total for result in results.values())
    if as_json:
        console.print_json({
            "asked": len(asked),
            "score": score,
            "total": total,
            "sections": [_result_record(quizzes[sid], result, section=sid)
                         for sid, result in results.items()],
        })
        return
    if answers is not None:
        for sid, result in results.items():
            console.heading(f"{sid} {sections[sid].title}")
            _print_results(quizzes[sid], result)
    console.paragraph(f"Review: {score:g} of {total:g} points. A question you miss comes back tomorrow; "
                      "one you get right waits longer each time.")


# ---- for authors and for starting over --------------------------------------------


@app.command("check")
def check_command(
    ctx: typer.Context,
    run: Annotated[bool, typer.Option(
        "--run", help="Also run every experiment under its timeout, and prove every exercise: "
        "starter not started, reference passes, each mutant fails.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Also hold every section to CONTENT.md: overview length and parts, "
        "8-12 questions of 3+ types, a hint on each, main() in experiment.py.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds each experiment may take with --run.")
    ] = 120.0,
    as_json: JsonFlag = False,
) -> None:
    """Validate the whole curriculum for authors: files, quiz.yaml schema, ids, answers."""
    from learnpath.check import check_curriculum, relative_where

    catalog = _catalog(ctx)
    problems = check_curriculum(catalog, run=run, strict=strict, timeout=timeout,
                                on_run=None if as_json else console.note)
    if as_json:
        console.print_json({
            "ok": not problems,
            "sections": len(catalog.sections),
            "problems": [
                {"path": relative_where(p.path, catalog.root), "line": p.line,
                 "message": p.message, "fix": p.fix}
                for p in problems
            ],
        })
    else:
        for problem in problems:
            where = relative_where(problem.path, catalog.root)
            line = f":{problem.line}" if problem.line is not None else ""
            text = problem.message + (f". {problem.fix}" if problem.fix else "")
            console.say(f"{where}{line}: {text}" if where else text)
        if problems:
            console.warning(f"{len(problems)} problem(s) in {len(catalog.sections)} sections.")
        else:
            ran = " and every experiment ran" if run else ""
            console.success(f"All {len(catalog.sections)} sections check out{ran}.")
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
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask first.")] = False,
) -> None:
    """Untick a section (or --all) in PROGRESS.md, after asking; your notes stay as they are."""
    from learnpath.progress import reset

    if (section_id is None) == (not everything):
        raise LearnpathError("reset needs a section id or --all, not both and not neither",
                             fix="Try `learnpath reset 1.1` or `learnpath reset --all`")
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
    reset(catalog.progress_path, catalog.sections, [s.id for s in targets])
    console.success(f"Unticked {what}. The attempt log keeps your history.")


def main() -> None:
    """Entry point of the `learnpath` script and of `python -m learnpath`."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): write into nothing
            setattr(sys, name, open(os.devnull, "w"))
    try:
        app(prog_name="learnpath")
    except LearnpathError as problem:  # raised outside a command, e.g. by completion
        console.error(str(problem))
        sys.exit(problem.exit_code)
    except BrokenPipeError:
        # `learnpath list | head`: the reader left; that is not an error
        sys.stderr.close()
        sys.exit(EXIT_OK)
