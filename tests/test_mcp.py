"""`learnpath mcp`, driven by the MCP SDK's own stdio client, as a tutor agent would drive it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp")
anyio = pytest.importorskip("anyio")

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "exercises"))
from little_exercise import REFERENCE, add_exercise  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ANSWER_WORDS = {"answer", "explanation", "whys", "hints", "accept"}


def _server(root: Path) -> StdioServerParameters:
    env = {"PYTHONPATH": str(REPO), "NO_COLOR": "1", "PATH": os.environ.get("PATH", "")}
    return StdioServerParameters(command=sys.executable, args=["-m", "learnpath", "--root", str(root), "mcp"],
                                 env=env, cwd=str(root))


def _data(result) -> dict:
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


def _error(result) -> str:
    assert result.is_error
    return result.content[0].text


def _keys(value) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


def _attempt_lines(root: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in (root / ".learnpath").rglob("*.jsonl")) \
        if (root / ".learnpath").exists() else 0


def _drive(root: Path, session) -> None:
    async def main():
        async with Client(_server(root), read_timeout_seconds=60) as client:
            await session(client)

    anyio.run(main)


def test_the_tools_a_tutor_needs_are_all_there(course):
    """list_tools names every use case, each with a description the agent can read."""
    async def session(client):
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) >= {"where", "read_overview", "quiz_questions", "grade_answers", "hint",
                              "check_exercise", "review_due", "grade_review", "solution"}
        assert all(tool.description for tool in tools.values())
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert "tutor_me" in prompts

    _drive(course, session)


def test_a_quiz_through_mcp_never_shows_an_answer_first_and_records_once(course):
    """Questions come without answers; a dry grade writes nothing; answers given one at a time
    and then all at once with record=true log one whole attempt and tick the quiz box."""
    # every question of the standard test quiz (tests/conftest.py), answered right
    answers = {"leaf-grad": "b", "pick-ops": ["a", "b"], "slope": 6.0004, "rule-name": "The  Chain Rule",
               "order-steps": ["a", "b", "c"]}

    async def session(client):
        where = _data(await client.call_tool("where", {}))
        assert where["id"] == "1.1" and where["steps"][0]["command"] == "learnpath show 1.1"
        asked = _data(await client.call_tool("quiz_questions", {"section": "1.1"}))
        assert not (_keys(asked["questions"]) & ANSWER_WORDS)
        one = _data(await client.call_tool("grade_answers", {"section": "1.1",
                                                              "answers": {"slope": "6.0004"}}))
        assert [r["id"] for r in one["results"]] == ["slope"] and one["recorded"] is False
        assert _attempt_lines(course) == 0
        whole = _data(await client.call_tool("grade_answers", {"section": "1.1", "answers": answers,
                                                                "record": True}))
        assert whole["passed"] and whole["partial"] is False and whole["ticked"] is True
        listed = _data(await client.call_tool("where", {"section": "1.1"}))
        assert [s["step"] for s in listed["steps"]] == ["experiment"]  # read and quiz are done
        overview = await client.read_resource("learnpath://overview/1.1")
        assert overview.contents[0].text.startswith("# ")

    _drive(course, session)
    assert _attempt_lines(course) == 1
    assert "[x]" in (course / "PROGRESS.md").read_text()


def test_a_partial_record_is_logged_for_review_without_a_tick(course):
    """record=true with some questions answered: one partial attempt, the quiz box untouched."""
    async def session(client):
        graded = _data(await client.call_tool("grade_answers", {"section": "1.1", "record": True,
                                                                 "answers": {"leaf-grad": "a", "slope": None}}))
        assert graded["partial"] is True and graded["ticked"] is False and graded["recorded"] is True
        assert [r["id"] for r in graded["results"]] == ["leaf-grad"]

    _drive(course, session)
    assert _attempt_lines(course) == 1
    assert not (course / "PROGRESS.md").exists() or "[x]" not in (course / "PROGRESS.md").read_text()


def test_exercise_hint_check_and_solution_through_mcp(course):
    """Hints for a task, checks with the learner's numbers, and the solution only after a pass."""
    exercise = add_exercise(course)

    async def session(client):
        hint = _data(await client.call_tool("hint", {"section": "1.1", "question": "double"}))
        assert hint["kind"] == "exercise" and hint["hint"]
        refused = _error(await client.call_tool("solution", {"section": "1.1"}))
        assert "opens once your exercise passes" in refused
        first = _data(await client.call_tool("check_exercise", {"section": "1.1"}))
        assert first["passed"] is False
        assert {t["status"] for t in first["tasks"]} == {"not started"}
        exercise.learner(REFERENCE)
        second = _data(await client.call_tool("check_exercise", {"section": "1.1"}))
        assert second["passed"] is True and second["recorded"] is True
        shown = _data(await client.call_tool("solution", {"section": "1.1"}))
        assert [t["function"] for t in shown["tasks"]] == ["double", "slope_of_cube"]
        assert "return x + x" in shown["tasks"][0]["yours"]

    _drive(course, session)


def test_review_through_mcp_shows_due_questions_without_answers(course):
    """A missed question comes back as due (no answer in it); grading it logs a review line."""
    async def session(client):
        await client.call_tool("grade_answers", {"section": "1.1", "record": True,
                                                 "answers": {"leaf-grad": "a"}})
        due = _data(await client.call_tool("review_due", {}))
        assert due["due"] == [] and due["later"][0]["question"] == "leaf-grad"
        assert not (_keys(due) & ANSWER_WORDS)

    _drive(course, session)


def test_an_unknown_section_is_one_clear_error(course):
    """A bad id comes back as a tool error naming the fix, not a crash of the server."""
    async def session(client):
        message = _error(await client.call_tool("where", {"section": "9.9"}))
        assert "no section '9.9'" in message and "learnpath list" in message
        assert _data(await client.call_tool("where", {}))["id"] == "1.1"  # still serving

    _drive(course, session)
