"""Every --json shape the README promises comes from records.py, with at least the README's keys."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from learnpath.ui import records

README = Path(__file__).resolve().parents[1] / "README.md"


def promised_keys() -> dict[str, list[list[str]]]:
    """README "JSON output": for each `command --json` bullet, every `{key, key, ...}` group in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", "\n" + section)[1:]
    shapes = {}
    for bullet in bullets:
        command = re.match(r"`([^`]+)`", bullet).group(1)
        groups = re.findall(r"`\{(.*?)\}`", bullet)  # `{a, b: {key: text}, c}`: the outer keys
        flat = [re.sub(r"\{[^{}]*\}", "", group) for group in groups]
        shapes[command] = [[key.split(":")[0].strip() for key in group.split(",")] for group in flat]
    return shapes


def json_of(cli, root, *args, input=None):
    result = cli(root, *args, "--json", input=input)
    assert result.stderr == "" or result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def has_keys(record: dict, keys: list[str]) -> None:
    missing = [key for key in keys if key not in record]
    assert not missing, f"keys the README promises are missing: {missing} in {sorted(record)}"


def test_the_readme_lists_a_shape_for_every_json_command():
    """The parser finds every documented shape, so the tests below check something."""
    shapes = promised_keys()
    for command in ("list --json", "next --json", "quiz --answers F --json", "quiz --reveal --json",
                    "hint --json", "review --json", "check --json", "exercise --json"):
        assert shapes.get(command), f"README has no key list for {command}"


def test_list_and_next_json_have_the_readme_keys(course, cli):
    """`list --json` sections, their quiz object, and `next --json` with its steps."""
    shapes = promised_keys()
    listed = json_of(cli, course, "list")
    has_keys(listed[0], shapes["list --json"][0])
    nxt = json_of(cli, course, "next")
    has_keys(nxt, shapes["next --json"][0])
    has_keys(nxt["steps"][0], shapes["next --json"][1])


def test_list_json_quiz_object_has_the_readme_keys(course, cli, answers):
    """After a pass, a section's quiz is `{score, total, passed, date}`."""
    cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    quiz = json_of(cli, course, "list")[0]["quiz"]
    has_keys(quiz, promised_keys()["list --json"][1])


def test_quiz_result_and_reveal_json_have_the_readme_keys(course, cli, answers):
    shapes = promised_keys()
    graded = json_of(cli, course, "quiz", "1.1", "--answers", "-", input=answers.wrong)
    has_keys(graded, shapes["quiz --answers F --json"][0])
    has_keys(graded["results"][0], shapes["quiz --answers F --json"][1])
    revealed = json_of(cli, course, "quiz", "1.1", "--reveal")
    has_keys(revealed, shapes["quiz --reveal --json"][0])
    has_keys(revealed["questions"][0], shapes["quiz --reveal --json"][1])


def test_hint_review_and_check_json_have_the_readme_keys(course, cli, answers):
    shapes = promised_keys()
    has_keys(json_of(cli, course, "hint", "1.1", "leaf-grad"), shapes["hint --json"][0])
    has_keys(json_of(cli, course, "review"), shapes["review --json"][0])
    has_keys(json_of(cli, course, "check"), shapes["check --json"][0])


def test_json_never_holds_infinity_or_nan():
    """A non-finite float becomes null, in nested lists and dicts too, so strict readers accept it."""
    data = records.finite({"a": math.inf, "b": [1.0, math.nan, (2, -math.inf)], "c": "x"})
    assert data == {"a": None, "b": [1.0, None, [2, None]], "c": "x"}
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize("name", ["section_list", "next_step", "quiz_result", "quiz_revealed",
                                  "hint", "review", "check", "exercise_result"])
def test_each_shape_is_one_function_of_records(name):
    """The one place each shape is built (the commands call these, nothing else builds JSON)."""
    assert callable(getattr(records, name))
    commands = sorted((Path(records.__file__).parents[1] / "cli").glob("*.py"))
    assert len(commands) >= 5
    for command in commands:
        cli_source = command.read_text()
        assert "json.dumps" not in cli_source and '"score":' not in cli_source, command.name
