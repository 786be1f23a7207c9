"""The tool's own exceptions.

Every problem a learner or an author can cause (a broken quiz.yaml, a mangled
PROGRESS.md, an unknown section id) becomes one of these. Each carries where it
happened and what to do, so the command line can print one line and exit,
never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class LearnpathError(Exception):
    """Something the user can fix: says what failed, where, and what to do."""

    #: exit code the command line uses: 2 is bad input or bad usage
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    @property
    def where(self) -> str:
        """`file:line`, `file`, or an empty string when there is no file."""
        if self.path is None:
            return ""
        # a path pasted with its newline (or any control character) is shown escaped, on one line
        shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(self.path))
        return f"{shown}:{self.line}" if self.line is not None else shown

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.fix:
            text = text.rstrip(".")
            text = f"{text} {self.fix}" if text.endswith("?") else f"{text}. {self.fix}"
        return text


class CatalogError(LearnpathError):
    """The curriculum can't be found, or a section id names nothing in it."""


class QuizError(LearnpathError):
    """A quiz.yaml breaks the schema: its line says where."""


class AnswersError(LearnpathError):
    """An answers file doesn't match the quiz it is meant to answer."""


class ProgressError(LearnpathError):
    """PROGRESS.md can't be parsed; nothing is written until it is fixed."""


class AttemptLogError(LearnpathError):
    """The attempt log (.learnpath/attempts.jsonl) has a line that isn't a valid record."""


class NoTerminalError(LearnpathError):
    """A command needs a person at a terminal and there is none."""
