"""An exercise report as the learner reads it: lines of text, each with a style.

Nothing here draws: `lines()` returns (text, style) pairs and the command line
paints them through console.py. The JSON a tutor agent reads is built in
records.py (`exercise_result`).
"""

from __future__ import annotations

import textwrap

from learnpath.exercises.grading import ExerciseReport, TaskResult, TaskStatus, Where

MARKS = {
    TaskStatus.PASSED: "✓",
    TaskStatus.FAILED: "✗",
    TaskStatus.NOT_STARTED: "·",
    TaskStatus.ERROR: "!",
}
STYLES = {
    TaskStatus.PASSED: "success",
    TaskStatus.FAILED: "warning",
    TaskStatus.NOT_STARTED: "plain",
    TaskStatus.ERROR: "warning",
}
OUTPUT_LINES_SHOWN = 6


def lines(report: ExerciseReport, width: int = 80) -> list[tuple[str, str]]:
    """What `learnpath exercise ID` prints: one block per task, then the tally.

    Each block starts with the mark and the status in a column, then the task id;
    under it, the title and (unless it passed) what went wrong, all wrapped to `width`.
    """
    out: list[tuple[str, str]] = []
    status_width = max(len(status.value) for status in TaskStatus)
    for task in report.tasks:
        head = f"{MARKS[task.status]} {task.status.value.ljust(status_width)}  {task.id}"
        out.append((head, STYLES[task.status]))
        out += [(text, "plain") for text in _wrap(task.title, width)]
        out += [(text, "plain") for text in _details(task, width)]
    passing = sum(task.status is TaskStatus.PASSED for task in report.tasks)
    out.append(("", "plain"))
    total = len(report.tasks)
    if report.passed:
        out.append((f"All {total} tasks pass.", "success"))
    else:
        out.append((f"{passing} of {total} tasks pass.", "bold"))
    return out


def _wrap(text: str, width: int, first: str = "    ", later: str = "      ") -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), initial_indent=first, subsequent_indent=later,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _details(task: TaskResult, width: int) -> list[str]:
    indent = "    "

    def wrap(text: str) -> list[str]:
        return _wrap(text, width)

    if task.status is TaskStatus.PASSED:
        return []
    if task.status is TaskStatus.NOT_STARTED:
        if task.where is not None:
            return wrap(f"the TODO at {_place(task.where)}")
        return []
    details: list[str] = []
    if task.message:
        details += wrap(task.message)
    if task.input:
        details += wrap(f"input:    {task.input}")
    if task.expected is not None:
        details += _value_lines("expected:", task.expected, indent)
        details += _value_lines("got:     ", task.got or "", indent)
    if task.where is not None:
        code = f": {task.where.code}" if task.where.code else ""
        details += wrap(f"at {_place(task.where)}{code}")
    elif task.ran:  # the lines that computed the value, the last one to run at the end
        for where in task.ran:
            details += wrap(f"your code that ran: {_place(where)}"
                            + (f": {where.code}" if where.code else ""))
    if task.output:
        shown = task.output.rstrip("\n").splitlines()
        more = len(shown) > OUTPUT_LINES_SHOWN or task.output_chars > len(task.output)
        details.append(f"{indent}your code printed{' (the start of it)' if more else ''}:")
        details += [f"{indent}| {line[:width - 8]}" for line in shown[:OUTPUT_LINES_SHOWN]]
    return details


def _value_lines(label: str, value: str, indent: str) -> list[str]:
    """A value, keeping its own line breaks (arrays print on several lines) under its label."""
    rows = value.splitlines() or [""]
    pad = " " * (len(label) + 1)
    return [f"{indent}{label} {rows[0]}"] + [f"{indent}{pad}{row}" for row in rows[1:]]


def _place(where: Where) -> str:
    function = f" in {where.function}" if where.function else ""
    return f"{where.file.name}:{where.line}{function}"


def next_hint(report: ExerciseReport) -> str | None:
    """The command for a hint on the first task that doesn't pass yet."""
    for task in report.tasks:
        if task.status is not TaskStatus.PASSED:
            return f"learnpath hint {report.section_id} {task.id}"
    return None
