"""What every command shares: help, --version, the root, colour, completion, start-up imports."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys

import pytest
import typer

from learnpath import __version__
from learnpath.cli import app

COMMANDS = ["next", "list", "show", "run", "exercise", "solution", "quiz", "hint", "review", "check", "new", "reset",
            "mcp"]


def test_every_command_has_help_text(cli):
    """Each command (found by walking the app, not a fixed list) has a help line."""
    group = typer.main.get_command(app)
    names = list(group.commands)
    assert sorted(names) == sorted(COMMANDS)
    for name in names:
        assert group.commands[name].help, f"{name} has no docstring"
        result = cli(None, name, "--help")
        assert result.exit_code == 0
        assert len(result.stdout.strip()) > 40, name
        assert f"learnpath {name}" in result.stdout


def test_top_level_help_lists_commands_in_study_order(cli):
    """`learnpath --help` shows the commands, next first."""
    out = cli(None, "--help").stdout
    listed = re.findall(r"^\W*(\w+) {2,}\S", out.split("Commands")[1], flags=re.MULTILINE)
    assert listed == COMMANDS


def test_version(cli):
    """--version prints the package version and exits 0, even outside a course."""
    result = cli(None, "--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"learnpath {__version__}"


def test_root_option_and_environment(course, cli, tmp_path, monkeypatch):
    """--root picks the course; LEARNPATH_ROOT does too; --root wins over the variable."""
    other = tmp_path / "empty"
    (other / "curriculum").mkdir(parents=True)
    by_option = cli(None, "--root", str(course), "list", "--json")
    assert len(json.loads(by_option.stdout)) == 3
    by_env = cli(other, "list", "--json")
    assert json.loads(by_env.stdout) == []
    both = cli(other, "--root", str(course), "list", "--json")
    assert len(json.loads(both.stdout)) == 3


def test_walks_up_from_a_subfolder(course, cli, monkeypatch):
    """Run from inside a section folder, the tool still finds the course."""
    monkeypatch.chdir(course / "curriculum" / "Phase_2")
    assert json.loads(cli(None, "next", "--json").stdout)["id"] == "1.1"


def test_outside_a_course_is_one_line_exit_2(cli, tmp_path, monkeypatch):
    """No curriculum/ anywhere above: one red line naming --root, exit 2."""
    monkeypatch.chdir(tmp_path)
    result = cli(None, "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "--root" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_usage_is_exit_2(cli, course):
    """Unknown options and commands are usage errors (exit 2)."""
    assert cli(course, "list", "--bogus").exit_code == 2
    assert cli(course, "frobnicate").exit_code == 2
    assert cli(course, "list", "--phase", "one").exit_code == 2


def _run(course, *args, env=None, **kwargs):
    full_env = {**os.environ, "LEARNPATH_ROOT": str(course), **(env or {})}
    return subprocess.run([sys.executable, "-m", "learnpath", *args], capture_output=True,
                          text=True, env=full_env, stdin=subprocess.DEVNULL, timeout=60, **kwargs)


def test_python_dash_m_works_and_errors_have_no_traceback(course):
    """`python -m learnpath` is the same tool; its errors are one line on stderr."""
    ok = _run(course, "next", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["id"] == "1.1"
    bad = _run(course, "show", "9.9")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_no_color_and_pipes_get_no_escape_codes(course):
    """Piped output carries no ANSI codes, and NO_COLOR keeps errors plain too."""
    listed = _run(course, "list")
    assert "\x1b[" not in listed.stdout
    bad = _run(course, "show", "9.9", env={"NO_COLOR": "1"})
    assert "\x1b[" not in bad.stderr


def test_color_is_used_on_a_terminal_unless_no_color(course):
    """On a pseudo-terminal list is coloured; NO_COLOR=1 removes the colour and keeps bold."""
    pexpect = pytest.importorskip("pexpect")

    def screen(extra_env, command=("list",)):
        env = {**os.environ, "LEARNPATH_ROOT": str(course), "TERM": "xterm", **extra_env}
        env.pop("NO_COLOR", None) if "NO_COLOR" not in extra_env else None
        child = pexpect.spawn(sys.executable, ["-m", "learnpath", *command], env=env,
                              encoding="utf-8", timeout=30)
        child.expect(pexpect.EOF)
        return child.before

    colour = re.compile(r"\x1b\[3[0-7]m")
    assert colour.search(screen({}, ("show", "9.9")))  # the error line is red
    assert not colour.search(screen({"NO_COLOR": "1"}, ("show", "9.9")))
    assert "\x1b[1m" in screen({}) and "\x1b[1m" in screen({"NO_COLOR": "1"})  # bold stays


def test_shell_completion_offers_commands_and_section_ids(course):
    """Typer's completion protocol completes command names and section ids."""
    commands = _run(course, env={"_LEARNPATH_COMPLETE": "complete_bash",
                                 "COMP_WORDS": "learnpath li", "COMP_CWORD": "1"})
    assert "list" in commands.stdout.split()
    ids = _run(course, env={"_LEARNPATH_COMPLETE": "complete_bash",
                            "COMP_WORDS": "learnpath show 1.", "COMP_CWORD": "2"})
    offered = set(ids.stdout.split())
    assert {"1.1", "1.2"} <= offered and "2.1" not in offered
    script = _run(course, "--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert "_LEARNPATH_COMPLETE" in script.stdout


@pytest.mark.parametrize("command", ["list", "next"])
def test_list_and_next_do_not_import_numpy_or_yaml(course, command):
    """The status commands stay light: no numpy, no YAML, no quiz, sandbox, use case or exercise modules loaded."""
    probe = (
        "import sys\n"
        f"sys.argv = ['learnpath', {command!r}]\n"
        "from learnpath.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'yaml', 'pydantic')"
        " or m.startswith(('learnpath.quiz', 'learnpath.sandbox', 'learnpath.study', 'learnpath.exercises',"
        " 'learnpath.course.check', 'learnpath.nn')))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**os.environ, "LEARNPATH_ROOT": str(course)}, timeout=60)
    assert "HEAVY []" in result.stderr, result.stderr
