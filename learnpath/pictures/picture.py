"""The Picture record: a drawing made of characters, with colour kept beside the text.

A picture is built as lines of (text, style) pieces by a `Drawing`; the styles
become spans over the finished text, so `show()` can colour exactly those
characters while `str()` stays plain text that a test or a file can read.
Rich is imported only inside the methods that print in colour.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TextIO


class PictureKind(str, Enum):
    """What a picture shows; `save_png` uses it to draw the same data with matplotlib."""

    LINE = "line"
    DECISION_BOUNDARY = "decision_boundary"
    DIGIT = "digit"
    BAR = "bar"
    HEATMAP = "heatmap"
    GRAPH = "graph"


@dataclass(frozen=True)
class Span:
    """A style (a Rich style string such as "bold cyan") for columns start..end of one line."""

    line: int
    start: int
    end: int
    style: str


@dataclass(frozen=True)
class Picture:
    """A drawing made of characters; str() is plain text, show() adds colour."""

    text: str
    spans: tuple[Span, ...] = ()
    kind: PictureKind = PictureKind.LINE
    # The numbers the picture was drawn from, for save_png. Not part of equality.
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        lines = self.text.splitlines()
        width = max((len(line) for line in lines), default=0)
        return f"<Picture {self.kind.value} {width}x{len(lines)}: print() it to see it>"

    def show(self, file: TextIO | None = None) -> None:
        """Print the picture: in colour on a colour terminal, plain text otherwise."""
        stream = file if file is not None else sys.stdout
        if not wants_colour(stream):
            stream.write(self.text + "\n")
            stream.flush()
            return
        from rich.console import Console  # only here: drawing must not need Rich

        console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
        console.print(self)

    def __rich__(self) -> Any:
        """The picture as a Rich Text with its colours, so any Rich console can print it."""
        from rich.text import Text

        styled = Text(self.text)
        line_starts = [0]
        for line in self.text.split("\n"):
            line_starts.append(line_starts[-1] + len(line) + 1)
        for span in self.spans:
            start = line_starts[span.line]
            styled.stylize(span.style, start + span.start, start + span.end)
        return styled

    def save_png(self, path: str | Path, *, dpi: int = 120) -> Path:
        """Draw the same data with matplotlib and save it as a PNG (needs the `plot` extra)."""
        from learnpath.pictures.png import save_png  # matplotlib is only loaded when a PNG is asked for

        return save_png(self, path, dpi=dpi)


def fitting(preferred: int, beside: int) -> int:
    """`preferred` columns, or fewer so that with `beside` more the picture fits the terminal.

    Only a width left to its default adapts; without a terminal (a pipe, a test)
    this is `preferred` unless the COLUMNS variable says otherwise.
    """
    columns = shutil.get_terminal_size((80, 24)).columns
    if columns <= 0:  # COLUMNS=0 or a terminal that reports nothing
        columns = 80
    return max(16, min(preferred, columns - beside))


def wants_colour(stream: TextIO) -> bool:
    """Colour only for a real terminal, and never when the user has asked for none."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Drawing:
    """Lines of (text, style) pieces, turned into a Picture at the end."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, str]]] = []

    def line(self, *pieces: tuple[str, str] | str) -> None:
        """Append one line; a bare string is unstyled."""
        self.lines.append([(p, "") if isinstance(p, str) else p for p in pieces])

    def picture(self, kind: PictureKind, source: Mapping[str, Any]) -> Picture:
        texts: list[str] = []
        spans: list[Span] = []
        for number, pieces in enumerate(self.lines):
            column = 0
            for text, style in pieces:
                if style and text:
                    spans.append(Span(number, column, column + len(text), style))
                column += len(text)
            texts.append("".join(text for text, _ in pieces).rstrip())
        # A span may cover trailing spaces that rstrip removed; clip it to the text.
        kept = tuple(
            Span(s.line, s.start, min(s.end, len(texts[s.line])), s.style)
            for s in spans
            if s.start < len(texts[s.line])
        )
        return Picture("\n".join(texts), kept, kind, dict(source))


def title_line(drawing: Drawing, title: str, width: int) -> None:
    if title:
        pad = max(0, (width - len(title)) // 2)
        drawing.line(" " * pad, (title, "bold"))
