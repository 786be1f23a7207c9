"""`learnpath mcp`: the course as a Model Context Protocol server, for a tutor agent.

An agent (Claude Code, Codex, Cursor, VS Code...) starts it over stdio with
`{"command": "learnpath", "args": ["mcp"]}` in the course folder. Each tool is
one function of tutor.py, so the agent gets exactly what the command line's
--json gives and writes PROGRESS.md and the attempt log through the same locked
code. This file only declares: names, descriptions the agent reads, arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError

from learnpath.errors import LearnpathError
from learnpath.mcp import tutor

RULES = """\
You are tutoring a learner through learnpath, a self-study course that teaches neural networks
from first principles. The learner does the work; you explain, ask and check.

- Ask before you tell: have the learner predict what code will do, then run it.
- Never give an answer away: quiz_questions has no answers on purpose. Grade what the learner
  said, as they said it (never improve their answer first), with grade_answers record=false
  while you talk it over; when every question has been answered, send all the answers once
  with record=true (that logs one attempt and ticks the quiz box on a pass).
- Re-asking a question right after you explained it is not review: don't record that answer.
- Never write the exercise's task code for the learner. Use hint (gentlest first, level 1 up)
  and check_exercise, and explain a failure in the learner's own numbers (input, expected, got).
- solution opens only after check_exercise has passed; then compare their code with the reference.
- After the exercise passes, suggest `learnpath run ID --mine` when where() shows mine.ready:
  the experiment then runs on the learner's own code.
"""


def build(root: str | Path | None = None) -> MCPServer:
    """The server for the course at `root` (or the one found from the current folder)."""
    catalog_root = tutor.open_course(root).root  # fail now, in one line, if there is no course
    server = MCPServer("learnpath", title="learnpath tutor", instructions=RULES)

    def course():
        # read afresh on every call: the learner edits files and ticks boxes between calls
        return tutor.open_course(catalog_root)

    @server.tool()
    def where(section: str = "") -> dict[str, Any]:
        """Where the learner stands. Without `section`: the next section to study, its steps
        left with their commands, and every section's boxes. With `section` (1.3 or
        backward-pass): that section's steps, exercise state and whether `--mine` is ready."""
        return _served(lambda: tutor.where(course(), section or None))

    @server.tool()
    def read_overview(section: str) -> dict[str, Any]:
        """A section's overview (the theory) as Markdown."""
        return _served(lambda: tutor.overview(course(), section))

    @server.tool()
    def quiz_questions(section: str) -> dict[str, Any]:
        """A section's quiz questions as the learner should see them: no answers, explanations,
        whys or hints. Show choices in the order listed; answer with the listed keys."""
        return _served(lambda: tutor.quiz_questions(course(), section))

    @server.tool()
    def grade_answers(section: str, answers: dict[str, Any], record: bool = False) -> dict[str, Any]:
        """Grade answers the learner gave, {question id: answer as they said it} (a key, a list
        of keys, a number or text). Returns each answered question's result, right answer,
        explanation and whys, and nothing about unanswered ones. record=false writes nothing;
        record=true logs it once (a whole attempt that can tick the quiz box when every
        question is answered, else a partial one that review brings back)."""
        return _served(lambda: tutor.grade_answers(course(), section, answers, record=record))

    @server.tool()
    def hint(section: str, question: str, level: int = 1) -> dict[str, Any]:
        """A hint for a quiz question or an exercise task id, level 1 the gentlest."""
        return _served(lambda: tutor.hint(course(), section, question, level))

    @server.tool()
    def check_exercise(section: str) -> dict[str, Any]:
        """Run the checks on the learner's exercise.py: each task passed, failed, not started or
        error, with input, expected and got in the learner's numbers. A pass ticks the box."""
        return _served(lambda: tutor.check_exercise(course(), section))

    @server.tool()
    def review_due(limit: int = 10) -> dict[str, Any]:
        """Missed questions due for review today (without answers) and when the rest return."""
        return _served(lambda: tutor.review_due(course(), limit))

    @server.tool()
    def grade_review(answers: dict[str, Any], limit: int = 10) -> dict[str, Any]:
        """Grade review answers keyed '<section id>/<question id>' and log them (boxes move)."""
        return _served(lambda: tutor.grade_review(course(), answers, limit))

    @server.tool()
    def solution(section: str) -> dict[str, Any]:
        """The learner's task functions beside the reference's; only after the exercise passed."""
        return _served(lambda: tutor.solution(course(), section))

    @server.prompt()
    def tutor_me(section: str) -> str:
        """Tutor me through one section of the course."""
        return (f"{RULES}\nTutor me through section {section}. Start with where(section=\"{section}\"), "
                "then read_overview, and go step by step: read, experiment, exercise, quiz.")

    @server.resource("learnpath://overview/{section}", mime_type="text/markdown")
    def overview(section: str) -> str:
        """A section's overview as Markdown."""
        try:
            return tutor.overview(course(), section)["markdown"]
        except LearnpathError as problem:
            raise ResourceError(str(problem)) from None

    return server


def _served(call):
    """Run one use case; the tool's own errors reach the agent as one line with the fix
    (any other exception is a bug, which the SDK reports as a crash without details)."""
    try:
        return call()
    except LearnpathError as problem:
        raise ToolError(str(problem)) from None


def serve(root: str | Path | None = None) -> None:
    """Run the server on stdin/stdout until the agent closes it."""
    build(root).run("stdio")
