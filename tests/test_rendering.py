"""What a learner sees fits and says what the course wrote: code-like names kept literally,
code blocks never re-wrapped, tables that fit, bold kept without colour, commands that run."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
pexpect = pytest.importorskip("pexpect")

# code-like names Markdown would eat: dunders, *args, snake_case
CODE_NAME = re.compile(r"\*\*?[A-Za-z_]\w*\b(?!\*)|\b\w*__\w+__\w*\b|\b[A-Za-z]\w*_\w+\b")


def _console():
    try:
        from learnpath.ui import console
    except ImportError:
        from learnpath import console
    return console


def _course_texts():
    """Every prompt, choice, why, hint and explanation of the real course's quizzes."""
    for quiz in sorted((REPO / "curriculum").glob("*/*/quiz.yaml")):
        for question in yaml.safe_load(quiz.read_text())["questions"]:
            yield question.get("prompt", "")
            yield question.get("explanation", "")
            yield from question.get("hints", []) or []
            for choice in (question.get("choices") or {}).values():
                if isinstance(choice, dict):
                    yield choice.get("text", "")
                    yield choice.get("why", "")
                else:
                    yield str(choice)


def _names(text: str) -> list[str]:
    without_code = re.sub(r"`[^`]*`", " ", text)
    return [name for name in CODE_NAME.findall(without_code) if not name.startswith("**")]


def test_every_code_name_in_the_course_quizzes_survives_rendering():
    """Each dunder, *args and a_b_c name of every quiz text is on screen as written."""
    console = _console()
    checked = 0
    lost = []
    for text in _course_texts():
        names = _names(text)
        if not names:
            continue
        shown = " ".join(console.rendered(text, width=400).split())
        for name in names:
            checked += 1
            if name not in shown:
                lost.append((name, text[:60]))
    assert checked > 10 and not lost, lost


@pytest.mark.parametrize("text,kept", [
    ("`+=` calls __iadd__ on the list", "__iadd__"),
    ("Value.__init__ stores data", "Value.__init__"),
    ("def f(*args, **kwargs) takes any", "*args, **kwargs"),
    ("a_b_c and x*w1 + x*w2", "a_b_c and x*w1 + x*w2"),
])
def test_literal_names_render_literally(text, kept):
    """The renderer keeps names and products literally, while **bold** and *emphasis* still draw."""
    console = _console()
    assert kept in console.rendered(text, width=200)
    assert console.rendered("a **bold** and *other* word", width=200).split() == \
        ["a", "bold", "and", "other", "word"]


def test_quiz_json_keeps_dunders(course, cli):
    """--json carries the text as written in quiz.yaml."""
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace('"adding two Values"', '"calling __add__ on a_b"'))
    out = cli(course, "quiz", "1.1", "--json").stdout
    assert "calling __add__ on a_b" in json.loads(out)["questions"][1]["choices"]["a"]


def _spawn(course, *args, columns=80, env=None):
    full = {**os.environ, "TERM": "xterm", "COLUMNS": str(columns), "LINES": "200",
            "PYTHONPATH": str(REPO), **(env or {})}
    full.pop("LEARNPATH_ROOT", None)
    child = pexpect.spawn(sys.executable, ["-m", "learnpath", "--root", str(course), *args],
                          env=full, encoding="utf-8", timeout=60, dimensions=(200, columns))
    child.expect(pexpect.EOF)
    return child.before


def _visible(text: str) -> list[str]:
    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).rstrip("\r") for line in text.split("\n")]


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_list_fits_the_terminal(course, columns):
    """`list` on a terminal of 40, 60 or 80 columns: no line wider than the screen."""
    lines = _visible(_spawn(course, "list", columns=columns, env={"NO_COLOR": "1"}))
    assert max(len(line) for line in lines) <= columns, lines


def test_list_in_a_pipe_honours_columns(course):
    """Piped, `list` fits COLUMNS when it is set (and is never cut without it)."""
    env = {**os.environ, "COLUMNS": "40", "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "learnpath", "--root", str(course), "list"],
                            capture_output=True, text=True, env=env)
    assert max(len(line) for line in result.stdout.splitlines()) <= 40, result.stdout


def test_no_color_keeps_bold_in_show(course):
    """NO_COLOR drops colour, not bold: a heading of `show` is still bold."""
    out = _spawn(course, "show", "1.1", env={"NO_COLOR": "1"})
    assert re.search(r"\x1b\[1[;m]", out)
    assert not re.search(r"\x1b\[(?:[0-9;]*;)?3[0-7]m", out)


def test_show_crops_code_blocks_never_rewraps_them(course):
    """At 40 columns a code block keeps one screen line per source line (cropped, not wrapped)."""
    overview = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "overview.md"
    code = ["x = Value(2.0)  # a long comment that goes on well past forty columns of screen",
            "y = x * x       # another line, also far longer than the screen is wide"]
    overview.write_text(overview.read_text() + "\n```python\n" + "\n".join(code) + "\n```\n\nAfter.\n")
    lines = _visible(_spawn(course, "show", "1.1", columns=40, env={"NO_COLOR": "1"}))
    assert max(len(line) for line in lines) <= 40
    assert len([line for line in lines if "x = Value(2.0)" in line]) == 1
    assert not any(line.strip().startswith(("columns of", "wide")) for line in lines), lines


def test_check_strict_flags_wide_code_lines_in_overviews(course, cli):
    """A code or diagram line wider than 78 columns in an overview is a --strict problem."""
    overview = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "overview.md"
    overview.write_text(overview.read_text() + "\n```\n" + "+" + "-" * 84 + "+\n```\n")
    problems = json.loads(cli(course, "check", "--strict", "--json").stdout)["problems"]
    wide = [p for p in problems if "78 columns" in p["message"]]
    assert wide and wide[0]["path"].endswith("overview.md") and wide[0]["line"] is not None


def test_review_says_nothing_due_once(course, cli):
    """With nothing due, review says so in one line."""
    result = cli(course, "review")
    assert result.exit_code == 0
    assert result.stdout.lower().count("nothing") == 1, result.stdout
    assert len(result.stdout.strip().splitlines()) == 1


def test_exercise_shows_the_task_being_checked_on_a_terminal_only(course, cli):
    """On a terminal `exercise` names each task as it is checked; piped or --json, nothing extra."""
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise

    root = course
    add_exercise(root)
    out = _spawn(root, "exercise", "1.1", env={"NO_COLOR": "1"})
    assert "checking double" in out and "checking cube-slope" in out
    piped = cli(root, "exercise", "1.1")
    assert "checking" not in piped.stdout + piped.stderr
    assert json.loads(cli(root, "exercise", "1.1", "--json").stdout)["section"] == "1.1"


def test_the_last_screen_suggests_the_long_run_as_a_runnable_command(course, cli):
    """Once the course is done, `next` suggests `learnpath run ID --timeout 900 -- --long`."""
    root = course
    assert cli(root, "run", "1.1").exit_code == 0  # PROGRESS.md is written
    progress = root / "PROGRESS.md"
    progress.write_text(progress.read_text().replace("- [ ]", "- [x]"))
    out = cli(root, "next").stdout
    assert "learnpath run 2.1 --timeout 900 -- --long" in out


def _suggested(text: str) -> list[str]:
    """Every `learnpath ...` command in a text, as printed (backticked, or after a colon)."""
    found = re.findall(r"`(learnpath [^`]+)`", text)
    found += re.findall(r"(?:Next|again with|:)\s+(learnpath [a-z][^`;,()\n]*?)(?=[.;,)]?\s*$|[.;]\s)", text,
                        re.MULTILINE)
    return [command.strip().rstrip(".") for command in found]


def test_every_command_the_views_suggest_runs_as_printed(course, cli, answers):
    """Each `learnpath ...` that list, next, show, quiz, review and exercise print parses as printed
    (no usage error), run against the same course."""
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise

    root = course
    add_exercise(root)
    outputs = [cli(root, *args, input=text) for args, text in [
        (("list",), None), (("next",), None), (("next", "1.2"), None), (("run", "1.1"), None),
        (("exercise", "1.1"), None), (("quiz", "1.1", "--answers", "-"), answers.wrong),
        (("review",), None), (("hint", "1.1", "leaf-grad"), None), (("solution", "1.1"), None),
        (("reset", "1.2"), None), (("run", "1.1", "--pause"), None)]]
    suggested = set()
    for result in outputs:
        suggested |= set(_suggested(result.stdout + result.stderr))
    assert len(suggested) >= 5, suggested
    for command in sorted(suggested):
        words = shlex.split(command)[1:]
        if words[0] in ("quiz", "review") and "--answers" not in words:
            words += ["--answers", "-"]
        if words[0] == "reset":
            words += ["--yes"]
        result = cli(root, *words, input=answers.wrong)
        # a command that waits for a person refuses in a test (no terminal): it still parsed
        assert result.exit_code != 2 or "no terminal" in result.stderr, (command, result.stderr)


@pytest.mark.parametrize("columns,side_by_side", [(100, True), (60, False)])
def test_solution_side_by_side_when_wide_a_diff_when_narrow(course, cli, columns, side_by_side):
    """On a terminal of 100 columns the two versions stand in columns; at 60, a unified diff."""
    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from little_exercise import add_exercise, solved

    exercise = add_exercise(course)
    exercise.learner(solved(double="    return 2 * x"))
    assert cli(course, "exercise", "1.1").exit_code == 0
    lines = _visible(_spawn(course, "solution", "1.1", columns=columns,
                            env={"NO_COLOR": "1", "PAGER": "cat"}))
    assert max(len(line) for line in lines) <= columns
    pair = [line for line in lines if "return 2 * x" in line]
    if side_by_side:
        assert pair and " | " in pair[0] and "return x + x" in pair[0]
    else:
        assert pair == ["-    return 2 * x"] and "+    return x + x" in lines
