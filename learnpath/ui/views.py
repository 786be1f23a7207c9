"""What each command shows a person: the records of the use cases, laid out with console.py.

The commands (learnpath/cli/) decide which view to call; console.py knows how
to draw a line, a table or Markdown. This module is the layout in between, one function per
thing a command prints, so a change to how a quiz result reads is made here
and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Union

from learnpath.ui import console

if TYPE_CHECKING:
    from learnpath.catalog import Catalog, Section
    from learnpath.course.status import NextSection, SectionStatus
    from learnpath.errors import LearnpathError
    from learnpath.exercises.files import TaskInfo
    from learnpath.exercises.grading import ExerciseReport
    from learnpath.exercises.starter import Solution
    from learnpath.quiz.model import Question, Quiz, QuizResult
    from learnpath.quiz.schedule import Card
    from learnpath.record.attempts import BestAttempt, ExerciseHistory
    from learnpath.record.progress import SectionState
    from learnpath.sandbox import RunResult
    from learnpath.study.experiment import ExperimentRun
    from learnpath.study.review import ReviewOutlook, ReviewPlan


def section_list(rows: Sequence[SectionStatus], catalog: Catalog | None = None) -> None:
    """`learnpath list`: one table per phase, with each phase's progress, then the whole course's."""
    tables = []
    for phase_title in dict.fromkeys(row.section.phase_title for row in rows):
        in_phase = [row for row in rows if row.section.phase_title == phase_title]
        done = sum(row.state.done for row in in_phase)
        cells = [
            (
                row.section.id,
                row.section.title,
                console.tick_mark(row.state.experiment),
                _exercise_cell(row.state, row.exercise_runs),
                _quiz_cell(row.state, row.best),
                console.tick_mark(row.state.done),
            )
            for row in in_phase
        ]
        tables.append((phase_title, cells, f"{done} of {len(in_phase)} done"))
    console.section_table(tables)
    console.say()
    if catalog is not None:
        from learnpath.course.status import course_progress

        progress = course_progress(catalog, list(rows) if len(rows) == len(catalog.sections) else None)
        console.course_progress(progress.done, progress.total)
    console.table_note(f"{console.tick_mark(True)} done, {console.tick_mark(False)} not yet, - no exercise in "
                       "that section. `learnpath next` says what to do next.")


def _exercise_cell(state: SectionState, runs: ExerciseHistory | None = None) -> str:
    """A tick once the exercise passed; before that, the most tasks a logged check passed
    (`1/3`), so a learner sees how far they got; a dot if never checked; - if no exercise."""
    if state.exercise is None:
        return "-"
    if state.exercise or runs is None or not runs.tasks:
        return console.tick_mark(state.exercise)
    return f"{runs.best_passing}/{runs.tasks}"


def _quiz_cell(state: SectionState, best: BestAttempt | None = None) -> str:
    """The best score written in PROGRESS.md with a tick; else the best failed attempt in the
    log with a cross, so a learner sees how close they came; else a dot."""
    if state.quiz is not None:
        mark = f"{console.points(state.quiz.score)}/{console.points(state.quiz.total)}"
        return f"{mark} {console.tick_mark(True)}" if state.quiz_passed else mark
    if not state.quiz_passed and best is not None:
        return f"{console.points(best.score)}/{console.points(best.total)} {console.cross()}"
    return console.tick_mark(state.quiz_passed)


def next_section(found: NextSection | None, catalog: Catalog) -> None:
    """`learnpath next`: the section to study and the commands for the steps left in it;
    after the last section, the whole course looked back on."""
    from learnpath.course.status import course_progress, statuses

    if found is None:
        if catalog.sections:
            course_finished(catalog, statuses(catalog))
        else:
            console.say(f"No sections yet under {catalog.curriculum}.")
        return
    progress = course_progress(catalog)
    console.course_progress(progress.done, progress.total)
    console.say()
    section = found.section
    console.note(section.phase_title)
    console.heading(f"Next: {section.id}  {section.title}")
    if found.summary:
        console.say()
        console.course_text(found.summary)
    console.say()
    if found.steps:
        console.say("Steps left:")
        console.steps((step.what, step.command) for step in found.steps)
    else:
        console.say(f"Every step of {section.id} is done.")
    if found.mine and found.exercise:
        console.say()
        console.note(f"Your exercise passed: run the experiment on your own code with "
                     f"learnpath run {section.id} --mine")


def course_finished(catalog: Catalog, rows: Sequence[SectionStatus]) -> None:
    """The end of the course: what was built, phase by phase, with the learner's own quiz
    scores, and where to go from here."""
    console.success(f"Every one of the {len(rows)} sections is done: the course is complete.")
    console.course_progress(len(rows), len(rows))
    console.say()
    console.say("What you built, phase by phase (your best quiz scores):")
    for phase_title in dict.fromkeys(row.section.phase_title for row in rows):
        in_phase = [row for row in rows if row.section.phase_title == phase_title]
        console.heading(f"  {phase_title}")
        for row in in_phase:
            quiz = row.state.quiz
            mark = (f"{console.points(quiz.score)}/{console.points(quiz.total)}" if quiz is not None
                    else "passed")
            console.say(f"    {row.section.id}  {row.section.title}  ({mark})")
    first, last = rows[0].section, rows[-1].section
    console.say()
    console.paragraph(
        f"From {first.title} ({first.id}) to {last.title} ({last.id}), every model you trained "
        "ran on the library you read, in learnpath/nn/. Where to go next:")
    console.steps([
        ("Keep what you learnt", "learnpath review"),
        # `--` hands --long to experiment.py; the long run needs far more than the default 120 s
        ("Run the last experiment again, the long way (more steps; its \"Try this\" says what "
         "changes)", f"learnpath run {last.id} --timeout 900 -- --long"),
        ("Rebuild one model in PyTorch and compare it with yours", "https://pytorch.org/tutorials/"),
        ("Read the papers behind it: Attention Is All You Need (2017); "
         "Language Models are Unsupervised Multitask Learners (GPT-2, 2019)",
         "each overview's Further reading"),
    ])


def quiz_start(quiz: Quiz) -> None:
    console.heading(f"Quiz: {len(quiz.questions)} questions, pass mark {quiz.pass_mark:.0%}.")
    console.note("Answer each one; ? shows a hint, Ctrl-D stops without recording anything.")


def review_start(count: int) -> None:
    console.heading(f"Review: {count} question(s) you missed before, most overdue first.")
    console.note("? shows a hint, Ctrl-D stops without recording anything.")


def stopped_early() -> None:
    console.say()
    console.note("Stopped before the end: nothing was graded, ticked or logged.")


def quiz_results(quiz: Quiz, result: QuizResult) -> None:
    """Each question of a graded answers file: right, or what was said and what the answer is."""
    from learnpath.quiz.model import format_answer

    for item in result.results:
        question = quiz.question(item.id)
        if item.correct:
            console.success(f"{console.tick_mark(True)} {item.id}")
            continue
        yours = "no answer" if item.your_answer is None else format_answer(question, item.your_answer)
        console.say(f"{console.cross()} {item.id}: you said {yours}; the answer is "
                    f"{format_answer(question, item.answer)} "
                    f"({console.points(item.points)}/{console.points(item.max_points)})")
        if item.close:
            console.note(f"    {item.close}: it was only the rounding")
        for why in item.whys:
            console.course_text(why, indent=4)
        if item.explanation:
            console.course_text(item.explanation, indent=4)


def quiz_verdict(section: Section, result: QuizResult, *, partial: bool = False,
                 seed: int | None = None, recorded: bool = True) -> None:
    console.score_line(result.score, result.total, result.pass_mark, result.passed)
    if not recorded:
        console.note("--dry-run: graded only. Nothing was written: no attempt logged, no box "
                     "ticked, review unmoved.")
    elif partial:
        count = len(result.results)
        console.note(f"Graded {count} question{'s' if count != 1 else ''} on their own and logged "
                     "for review; the quiz box is not ticked.")
    elif result.passed:
        console.note(f"Quiz box of {section.id} ticked in PROGRESS.md. Next: learnpath next")
    else:
        missed = next((item.id for item in result.results if not item.correct), "QUESTION_ID")
        console.note(f"Try again with `learnpath quiz {section.id}`; "
                     f"`learnpath hint {section.id} {missed}` gives a hint for one you missed.")
    if seed is not None:
        console.note(f"Shuffled with seed {seed}: `learnpath quiz {section.id} --seed {seed}` "
                     "asks it so again.")


def quiz_revealed(section: Section, quiz: Quiz) -> None:
    """Every question with its answer, explanation and hints, as one Markdown document."""
    from learnpath.quiz.model import format_answer

    lines = [f"# Quiz {section.id}: {section.title}", ""]
    for number, q in enumerate(quiz.questions, start=1):
        literal = console.literal_names  # the author's dunders and *args stay as written
        lines += [f"## {number}. {q.id} ({q.type.value})", "", literal(q.prompt.strip()), ""]
        whys = dict(q.whys)
        lines += [f"- **{key})** {literal(text)}"
                  + (f" *(why: {literal(whys[key])})*" if key in whys else "")
                  for key, text in q.choices]
        if q.type.value == "text":  # an author checking the quiz wants every wording accepted
            accepted = " / ".join(f"`{text}`" for text in q.answer)
            pattern = f", or matching `{q.accept}`" if q.accept else ""
            lines += ["", f"**Answer:** {accepted}{pattern}", "", literal(q.explanation.strip()), ""]
        else:
            lines += ["", f"**Answer:** {format_answer(q, q.answer)}", "",
                      literal(q.explanation.strip()), ""]
        for k, h in enumerate(q.hints, start=1):
            lines += [f"> Hint {k}: {literal(h)}", ""]
    console.markdown("\n".join(lines), page=True)


def hint(section: Section, question: Union[Question, TaskInfo], level: int, text: str | None) -> None:
    from learnpath.exercises.files import TaskInfo

    if text is None:
        if isinstance(question, TaskInfo):
            console.say(f"Task {question.id} has no hints; `learnpath exercise {section.id}` shows "
                        "what your code gives.")
        else:
            console.say(f"Question {question.id} has no hints; its explanation comes after you answer.")
        return
    hints = question.hints
    console.hint_line(level, len(hints), text)
    if level < len(hints):
        console.note(f"Another: learnpath hint {section.id} {question.id} --level {level + 1}")


def review_results(plan: ReviewPlan, results: Mapping[str, QuizResult], *, from_file: bool) -> None:
    if from_file:
        for sid, result in results.items():
            console.heading(f"{sid} {plan.sections[sid].title}")
            quiz_results(plan.quizzes[sid], result)
    score = sum(result.score for result in results.values())
    total = sum(result.total for result in results.values())
    console.paragraph(f"Review: {console.points(score)} of {console.points(total)} points. A question "
                      "you miss comes back tomorrow; one you get right waits longer each time.")


def _when(day: date, today: date) -> str:
    days = (day - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return f"tomorrow ({day.isoformat()})"
    return f"in {days} days ({day.isoformat()})"


def coming_back(later: Sequence[Card]) -> None:
    """When the missed questions not due yet come back: the next day, and how many then."""
    from datetime import date

    if not later:
        console.note("No missed question is waiting: nothing comes back for review.")
        return
    first = later[0].due
    on_first = sum(card.due == first for card in later)
    rest = len(later) - on_first
    then = f", {rest} more later" if rest else ""
    console.note(f"Next review: {on_first} question{'s' if on_first != 1 else ''} "
                 f"{_when(first, date.today())}{then}.")


def nothing_to_review(outlook: ReviewOutlook) -> None:
    """One line: nothing is due, and when the next missed question comes back, if one does."""
    from datetime import date

    later = outlook.later
    if not later:
        console.success("Nothing to review: no missed question is due or waiting.")
        return
    first = later[0].due
    on_first = sum(card.due == first for card in later)
    console.success(f"Nothing to review today; {on_first} question{'s' if on_first != 1 else ''} "
                    f"come{'s' if on_first == 1 else ''} back {_when(first, date.today())}.")


def check_report(catalog: Catalog, problems: Sequence[LearnpathError], *, ran: bool) -> None:
    from learnpath.course.check import relative_where

    for problem in problems:
        where = relative_where(problem.path, catalog.root)
        line = f":{problem.line}" if problem.line is not None else ""
        text = problem.message + (f". {problem.fix}" if problem.fix else "")
        console.say(f"{where}{line}: {text}" if where else text)
    if problems:
        console.warning(f"{len(problems)} problem(s) in {len(catalog.sections)} sections.")
    else:
        also = " and every experiment ran" if ran else ""
        console.success(f"All {len(catalog.sections)} sections check out{also}.")


def experiment_outcome(section: Section, run: ExperimentRun, timeout: float,
                       next_command: str | None = None) -> int:
    """Say how the experiment ended; return the exit code the command should end with.

    `next_command` is the section's first step still left (after a success), if known.
    """
    from learnpath.sandbox import RunOutcome

    result = run.result
    if result.may_survive and result.outcome is not RunOutcome.TIMED_OUT:
        console.warning(f"Note: {result.may_survive}.")
    if result.outcome is RunOutcome.SUCCEEDED:
        console.success(f"Experiment {section.id} finished in {result.seconds:.1f} s: "
                        "its box is ticked in PROGRESS.md.")
        if next_command is None:
            step = "exercise" if section.has_exercise else "quiz"  # build it, then be asked
            next_command = f"learnpath {step} {section.id}"
        console.note(f"Next: {next_command}")
        return 0
    if result.outcome is RunOutcome.TIMED_OUT:
        console.error(f"experiment {section.id} was still running after {timeout:g} s and was "
                      f"{_stopped_how(result)}; nothing ticked. Pass --timeout SECONDS to give it longer")
        return 1
    if result.outcome is RunOutcome.INTERRUPTED:
        console.error(f"experiment {section.id} stopped by Ctrl-C; nothing ticked")
        return 130
    console.error(f"experiment {section.id} failed (exit code {result.exit_code}); nothing ticked. "
                  "Read the message above, fix experiment.py, and run it again")
    return result.exit_code if result.exit_code else 1


def _stopped_how(result: RunResult) -> str:
    if result.may_survive:
        return f"stopped, but {result.may_survive}"
    return "stopped with everything it started"


def exercise_report(catalog: Catalog, section: Section, report: ExerciseReport) -> None:
    """Each task of the exercise with its status, what went wrong, and what to do next."""
    from learnpath.ui.exercise_report import lines, next_hint

    console.heading(f"Exercise {section.id}  {section.title}")
    console.note(str(section.exercise.relative_to(catalog.root)))
    console.say()
    console.styled_lines(lines(report, width=console.screen_width()))
    if report.passed:
        console.note(
            f"The exercise box of {section.id} is ticked in PROGRESS.md. "
            f"Compare with the reference: learnpath solution {section.id}. "
            f"Then: learnpath quiz {section.id}")
        return
    console.note(
        f"Edit exercise.py and check again with `learnpath exercise {section.id}` "
        f"(--watch checks on each save). A hint: {next_hint(report)}")


def solution(catalog: Catalog, section: Section, shown: Solution) -> None:
    """Each task function, the learner's beside the reference's on a terminal wide enough, as a
    unified diff otherwise (narrow, piped); the whole files when the task functions are unknown."""
    if not shown.tasks:
        _whole_files(catalog, section, shown)
        return
    yours_name = shown.yours_path.relative_to(catalog.root).as_posix()
    reference_name = shown.reference_path.relative_to(catalog.root).as_posix()
    console.heading(f"Exercise {section.id}: your task functions and the reference's")
    if not shown.passed:
        console.warning("Shown with --force, before your exercise passed: this is the answer.")
    console.note(f"yours: {yours_name}   reference: {reference_name}")
    width = console.screen_width()
    rows: list[tuple[str, str]] = []
    for task in shown.tasks:
        yours, reference = task.yours or "", task.reference or ""
        rows.append(("", "plain"))
        if task.yours is None:
            rows.append((f"{task.function}: not in your file (or your file doesn't parse); "
                         "the reference:", "bold"))
            rows += [(f"  {line}", "plain") for line in reference.splitlines()]
        elif _same_code(yours, reference):
            rows.append((f"{task.function}: the same as the reference", "success"))
        elif console.is_terminal() and _fits_side_by_side(yours, reference, width):
            rows += _side_by_side(task.function, yours, reference, width)
        else:
            rows += _unified(task.function, yours, reference, width if console.is_terminal() else None)
    console.styled_lines(rows)


_GUTTER = " | "
_CONTEXT = 2  # lines shown at each end of a long stretch that is the same in both


def _same_code(a: str, b: str) -> bool:
    """Equal but for trailing spaces and blank lines (comments count: they are the learner's words)."""
    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines() if line.strip()]

    return lines(a) == lines(b)


def _fits_side_by_side(a: str, b: str, width: int) -> bool:
    """Two columns are worth it when each is at least 40 wide, or every line fits whole."""
    column = (width - len(_GUTTER)) // 2
    longest = max((len(line) for line in (a + "\n" + b).expandtabs(4).splitlines()), default=0)
    return column >= 40 or longest <= column


def _side_by_side(function: str, yours: str, reference: str, width: int) -> list[tuple[str, str]]:
    """Two columns, lines cropped (never wrapped, so they stay aligned); changed rows marked."""
    import difflib

    column = (width - len(_GUTTER)) // 2
    left, right = yours.expandtabs(4).splitlines(), reference.expandtabs(4).splitlines()
    rows = [(f"{function}: yours".ljust(column) + _GUTTER + "the reference", "bold")]
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and i2 - i1 > 2 * _CONTEXT + 1:  # a long stretch alike: its ends only
            for k in (*range(_CONTEXT), None, *range(i2 - i1 - _CONTEXT, i2 - i1)):
                if k is None:
                    rows.append((f"  ({i2 - i1 - 2 * _CONTEXT} lines the same in both)", "dim"))
                    continue
                text = _crop(left[i1 + k], column).ljust(column) + _GUTTER + _crop(right[j1 + k], column)
                rows.append((text.rstrip(), "plain"))
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            a = left[i1 + k] if i1 + k < i2 else ""
            b = right[j1 + k] if j1 + k < j2 else ""
            text = _crop(a, column).ljust(column) + _GUTTER + _crop(b, column)
            rows.append((text.rstrip(), "plain" if tag == "equal" else "warning"))
    return rows


def _crop(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + console.symbol("…")


def _unified(function: str, yours: str, reference: str, width: int | None) -> list[tuple[str, str]]:
    """A unified diff from the learner's function to the reference's; on a terminal, code lines
    are cropped at its edge (never wrapped) and the heading wraps at words."""
    import difflib

    heading = console.fitted(f"{function}: what the reference does differently "
                             "(- yours, + the reference)")
    rows = [(heading, "bold")]
    diff = difflib.unified_diff(yours.splitlines(), reference.splitlines(),
                                fromfile=f"yours: {function}", tofile=f"reference: {function}",
                                lineterm="", n=3)
    for line in diff:
        style = ("dim" if line.startswith(("---", "+++", "@@")) else
                 "warning" if line.startswith("-") else "success" if line.startswith("+") else "plain")
        rows.append((line if width is None else _crop(line, width), style))
    return rows


def _whole_files(catalog: Catalog, section: Section, shown: Solution) -> None:
    """The learner's exercise.py above the reference, as one Markdown page (no starter to say
    which functions are the tasks)."""
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
