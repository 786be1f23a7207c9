"""Everything the tool shows a person: tables, Markdown, colours, prompts.

This is the only file of the tool that imports Rich, and it imports it inside
the functions that draw, because loading Rich costs more than the rest of
`learnpath list` put together. Colour follows the usual rules: none when
NO_COLOR is set or when the output is not a terminal (a pipe, a file, a test).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import Any, Iterable, Sequence

# ANSI codes for the few cheap spots that don't need Rich (error lines, ticks)
_RED, _GREEN, _YELLOW, _BOLD, _DIM, _RESET = (
    "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[2m", "\x1b[0m")


def is_terminal(stream: Any = None) -> bool:
    """True when `stream` (stdout by default) is a terminal a person is looking at."""
    stream = sys.stdout if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def stdin_is_terminal() -> bool:
    """True when a person can type answers (stdin is a terminal, not a pipe or closed)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def styles_enabled(stream: Any = None) -> bool:
    """Bold and dim text only on a terminal that can show them (not a pipe, not TERM=dumb)."""
    if os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def color_enabled(stream: Any = None) -> bool:
    """Colour as for styles, and never when NO_COLOR is set (https://no-color.org).

    NO_COLOR asks for no colour, not for no emphasis: bold headings and code
    styling stay, because they carry meaning that colour only decorates.
    """
    if os.environ.get("NO_COLOR"):
        return False
    return styles_enabled(stream)


_COLOURS = (_RED, _GREEN, _YELLOW)


def _paint(text: str, code: str, stream: Any = None) -> str:
    wanted = color_enabled(stream) if code in _COLOURS else styles_enabled(stream)
    return f"{code}{text}{_RESET}" if wanted else text


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        width=screen_width(stream) if is_terminal(stream) else None,
        no_color=not color_enabled(stream),
        highlight=False,
        soft_wrap=False,
    )


# narrower than this, nothing reads well; the terminal wraps what is wider
_NARROWEST = 20


def screen_width(stream: Any = None) -> int:
    """The one width text is fitted to: the terminal's columns when `stream` (stdout by default)
    is a terminal, else 80. COLUMNS=0 (or nonsense) is ignored, not obeyed: Rich would
    otherwise draw every line zero columns wide, which hides them all."""
    if not is_terminal(stream):
        return 80
    return max(_NARROWEST, shutil.get_terminal_size().columns)


# ---- plain lines -------------------------------------------------------------


def say(text: str = "") -> None:
    """One line of ordinary output (wrapped at word boundaries on a terminal narrower than it)."""
    print(fitted(text), flush=True)


def paragraph(text: str) -> None:
    """Prose, wrapped at word boundaries to the screen (at most 88 columns, easier to read)."""
    print(_wrapped(text), flush=True)


def _wrapped(text: str) -> str:
    import textwrap

    width = min(screen_width(), 88) if is_terminal() else 88
    return textwrap.fill(text, width=width)


def note(text: str) -> None:
    """A quieter line (dim on a terminal): what to do next, where a file is."""
    print(_paint(fitted(text), _DIM), flush=True)


def fitted(text: str, stream: Any = None) -> str:
    """The one wrap: on a terminal, each line longer than the screen wrapped at word boundaries,
    keeping its indent (a command or a path is never broken in the middle); into a pipe or a
    file, the text unchanged, so every line stays whole for whatever reads it."""
    import textwrap

    if not is_terminal(stream):
        return text
    width = screen_width(stream)
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(textwrap.fill(line, width=width, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)


def success(text: str) -> None:
    print(_paint(fitted(text), _GREEN), flush=True)


def warning(text: str) -> None:
    """A problem that is not a failure of the tool, on stderr so --json output stays clean."""
    shown = fitted(text, sys.stderr)
    print(_paint(shown, _YELLOW, sys.stderr), file=sys.stderr, flush=True)


def error(text: str) -> None:
    """The one red line on stderr that every failure of the tool ends in."""
    # one line whatever it quotes: a path pasted with its newline shows the newline as \\n
    shown = "error: " + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    # a person reads it wrapped at word boundaries; a pipe or a log gets the one line whole
    shown = fitted(shown, sys.stderr)
    print(_paint(shown, _RED, sys.stderr), file=sys.stderr, flush=True)


def raw(text: str) -> None:
    """A file's text exactly as written (`show --plain`)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def print_json(data: Any) -> None:
    """Machine-readable output: stable keys, always valid JSON, nothing else on stdout."""
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False), flush=True)


# ---- the course --------------------------------------------------------------


# the symbols the tool draws, and what a terminal whose encoding lacks them gets instead
_ASCII_FALLBACK = {"✓": "v", "·": ".", "✗": "x", "◐": "~", "█": "#", "░": "-", "─": "-", "…": "..."}


def symbol(char: str) -> str:
    """`char` if stdout's encoding can show it, else its ASCII stand-in."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        char.encode(encoding)
        return char
    except (UnicodeEncodeError, LookupError):
        return _ASCII_FALLBACK.get(char, "?")


def tick_mark(flag: bool) -> str:
    return symbol("✓") if flag else symbol("·")


def cross() -> str:
    return symbol("✗")


def section_table(phases: Sequence[tuple[str, Sequence[Sequence[str]], str]]) -> None:
    """One table per phase: (phase title, rows of cells, progress line under the title).

    Rows are (id, title, experiment, exercise, quiz, done), already turned into text.
    Drawn by hand rather than with Rich: loading Rich would double the time
    `learnpath list` takes to start (see bench/bench_startup.py), and aligned
    columns need nothing more than padding.
    """
    screen = _table_width()
    for index, (title, rows, progress) in enumerate(phases):
        if index:
            print()
        together = screen is None or len(title) + len(progress) + 4 <= screen
        if screen is not None and len(title) > screen:  # a long phase title wraps at its words
            import textwrap

            title = "\n".join(textwrap.wrap(title, screen, break_long_words=True))
        print(_paint(title, _BOLD) + ("  " if together else "\n  ") + _paint(f"({progress})", _DIM))
        header, widths = _fitted_columns(rows, screen)

        def line(cells: Sequence[str]) -> str:
            cells = [_cut(cell, width) for cell, width in zip(cells, widths)]
            return "  " + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

        print(_paint(line(header), _DIM))
        for row in rows:
            done = row[-1] == tick_mark(True)
            print(_paint(line(row), _GREEN) if done else line(row))
    sys.stdout.flush()


def table_note(text: str) -> None:
    """A note under a table, wrapped to the table's width (so COLUMNS holds in a pipe too)."""
    import textwrap

    screen = _table_width()
    shown = text if screen is None else textwrap.fill(text, screen, break_on_hyphens=False)
    print(_paint(shown, _DIM), flush=True)


def _table_width() -> int | None:
    """The width a table must fit: the terminal's; in a pipe, COLUMNS when it is set (a
    program that asks for 60 columns gets 60), else none: rows are never cut."""
    if is_terminal():
        return screen_width()
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return max(_NARROWEST, columns) if columns > 0 else None


_HEADERS = (("id", "section", "experiment", "exercise", "quiz (best)", "done"),
            ("id", "section", "exp", "ex", "quiz", "done"))  # the short one for narrow screens


def _fitted_columns(rows: Sequence[Sequence[str]], screen: int | None) -> tuple[tuple[str, ...], list[int]]:
    """The header and column widths that fit `screen` columns: short headers first, then
    shorter section titles (cut with an ellipsis), never narrower than a few letters."""
    for header in _HEADERS:
        widths = [max(len(row[col]) for row in (header, *rows)) for col in range(len(header))]
        needed = 2 + sum(widths) + 2 * (len(widths) - 1)
        if screen is None or needed <= screen:
            return header, widths
    widths[1] = max(8, widths[1] - (needed - screen))
    return header, widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + symbol("…")


def markdown(text: str, *, page: bool = False) -> None:
    """Render Markdown for a person; through the pager when asked and it is longer than the screen.

    Into a pipe or a file the Markdown goes as written: it is already plain
    text, and a program reading it (or `grep`) wants the source, not a drawing.
    """
    if not is_terminal():
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    console = _console()
    document = _markdown(text)
    if page and _pager_works() and _taller_than_screen(console, document):
        # less needs -R to pass colours through; keep any settings the learner has
        os.environ.setdefault("LESS", "-R")
        with console.pager(styles=color_enabled()):
            console.print(document)
    else:
        console.print(document)


def _markdown(text: str):
    """Rich's Markdown, except that code blocks are cropped at the screen's edge, never
    re-wrapped: a wrapped line of code or of a diagram breaks its alignment, and a learner
    can widen the terminal (or use `show --plain`) to see a cropped line whole."""
    from rich.markdown import CodeBlock, Markdown
    from rich.syntax import Syntax

    class CroppedCodeBlock(CodeBlock):
        def __rich_console__(self, console, options):
            yield Syntax(str(self.text).rstrip(), self.lexer_name, theme=self.theme,
                         word_wrap=False, padding=1)

    class CourseMarkdown(Markdown):
        elements = {**Markdown.elements, "fence": CroppedCodeBlock, "code_block": CroppedCodeBlock}

    return CourseMarkdown(text)


def _pager_works() -> bool:
    """Rich pages through pydoc, which shows nothing at all if $PAGER names a missing program."""
    import shlex

    command = os.environ.get("MANPAGER") or os.environ.get("PAGER")
    if not command:
        return True  # pydoc finds less or more by itself
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return bool(words) and shutil.which(words[0]) is not None


def _taller_than_screen(console, renderable) -> bool:
    lines = console.render_lines(renderable, console.options, pad=False)
    return len(lines) > shutil.get_terminal_size().lines - 2


def steps(items: Iterable[tuple[str, str]]) -> None:
    """Numbered steps, each with the exact command to type."""
    for number, (what, command) in enumerate(items, start=1):
        line = f"  {number}. {what}: {command}"
        if is_terminal() and len(line) > screen_width():  # the command on a line of its own
            print(f"  {number}. {what}:\n     {_paint(command, _BOLD)}")
        else:
            print(f"  {number}. {what}: {_paint(command, _BOLD)}")
    sys.stdout.flush()


def course_progress(done: int, total: int) -> None:
    """`Course: 3 of 16 sections done (18%)`, with a bar after it on a terminal wide enough."""
    import math

    percent = math.floor(100 * done / total) if total else 0
    text = f"Course: {done} of {total} sections done ({percent}%)"
    room = screen_width() - len(text) - 4
    if is_terminal() and total and room >= 10:
        cells = min(total * 2, 32, room)
        filled = (cells * done) // total
        bar = symbol("█") * filled + symbol("░") * (cells - filled)
        text = f"{text}  {_paint(bar, _GREEN) if done else bar}"
    print(text, flush=True)


def heading(text: str) -> None:
    print(_paint(fitted(text), _BOLD), flush=True)


_STYLE_CODES = {"success": _GREEN, "warning": _YELLOW, "error": _RED, "dim": _DIM, "bold": _BOLD}


def styled_lines(items: Iterable[tuple[str, str]]) -> None:
    """Lines of text, each with a style: plain, success, warning, error, dim or bold."""
    for text, style in items:
        code = _STYLE_CODES.get(style)
        print(_paint(text, code) if code else text)
    sys.stdout.flush()


def status(text: str | None) -> None:
    """One live line on stderr, rewritten in place (`None` clears it); only on a terminal, so
    a pipe, a log or --json output never sees it."""
    if not is_terminal(sys.stderr):
        return
    shown = "" if text is None else _cut(text, screen_width() - 1)
    sys.stderr.write("\r\x1b[K" + (_paint(shown, _DIM, sys.stderr) if shown else ""))
    sys.stderr.flush()


def clear_screen() -> None:
    """Clear the terminal and put the cursor at the top (only on a terminal)."""
    if is_terminal():
        print("\x1b[H\x1b[2J\x1b[3J", end="", flush=True)


# ---- asking questions ---------------------------------------------------------


def points(value: float | None) -> str:
    """A score as a person reads it: 7, 7.5, 7.6 (never 7.66667); rounded down, so a score
    shown as 8 of 10 is never one that missed a pass mark of 8."""
    import math

    if value is None or not math.isfinite(value):
        return "?"
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{math.floor(value * 10 + 1e-9) / 10:.1f}"


def _inline(text: str):
    """Course text (a choice, a hint, a why) as Markdown on a terminal: `code` and **bold**
    drawn, backticks gone, code-like names kept (see `literal_names`). Elsewhere the text as
    written, like `markdown`."""
    from rich.text import Text

    if not is_terminal():
        return Text(text)
    return _markdown(literal_names(text))


_FENCED_BLOCK = re.compile(r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# **bold** and *emphasis* as authors write them: the stars hug a word, with a space or
# punctuation (or the line's edge) outside them. x*w1 + x*w2 or *args is no emphasis.
_STRONG = re.compile(r"(?<![\w*\\])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])")
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]*?)(?<=[^\s*])\*(?![\w*])")


def literal_names(text: str) -> str:
    """Course Markdown with every `_` and every `*` that is not **bold** or *emphasis*
    escaped, so a Python course's names stay as written: __iadd__, *args, a_b_c, x*w1 + x*w2.

    Code spans and fenced code blocks are left alone (Markdown shows them literally already).
    Authors emphasise with stars, never underscores (docs/quiz-format.md).
    """
    kept: list[str] = []  # code, set aside while the rest is escaped

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    marks: list[str] = []  # emphasis the author meant, its inside escaped

    def mark(match: re.Match, stars: str) -> str:
        marks.append(f"{stars}{_escaped(match.group(1))}{stars}")
        return f"\x01{len(marks) - 1}\x01"

    text = _FENCED_BLOCK.sub(keep, text)
    text = _CODE_SPAN.sub(keep, text)
    text = _STRONG.sub(lambda m: mark(m, "**"), text)
    text = _EMPHASIS.sub(lambda m: mark(m, "*"), text)
    text = _escaped(text)
    text = re.sub("\x01(\\d+)\x01", lambda m: marks[int(m.group(1))], text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def _escaped(text: str) -> str:
    """`_` and `*` as literal characters in Markdown (placeholders untouched)."""
    return re.sub(r"(?<!\\)([_*])", r"\\\1", text)


def rendered(text: str, *, width: int = 80) -> str:
    """Course text as a terminal shows it (Markdown drawn, no styles): for tests and checks."""
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=width, no_color=True, color_system=None,
                      highlight=False, force_terminal=False)
    console.print(_markdown(literal_names(text)))
    return console.file.getvalue()


def course_text(text: str, *, indent: int = 0) -> None:
    """Text written by an author (a summary, an explanation, a why), its Markdown drawn on a
    terminal (at most 88 columns wide, easier to read); elsewhere as written, indented."""
    if not is_terminal():
        pad = " " * indent
        print(pad + text.strip().replace("\n", "\n" + pad), flush=True)
        return
    from rich.padding import Padding

    console = _console()
    console.width = min(console.width, 88)
    console.print(Padding(_inline(text.strip()), (0, 0, 0, indent)))


def question(number: int, total: int, prompt: str, choices: Sequence[tuple[str, str]],
             how_to_answer: str, points_worth: float, label: str = "", question_id: str = "") -> None:
    """Show one question: its number and id, its Markdown prompt, its lettered choices."""
    console = _console()
    worth = f"{points(points_worth)} point" + ("" if points_worth == 1 else "s")
    dot = symbol("·")
    where = f"{label} {dot} " if label else ""
    named = f" {dot} {question_id}" if question_id else ""
    title = f"{where}Question {number} of {total}{named}"
    console.print()
    if console.width >= len(title) + len(worth) + 8:
        console.rule(f"[bold]{title}[/]  [dim]{worth}[/]", align="left")
    else:  # a narrow screen: a rule would cut the id short, so the title wraps instead
        console.print(f"[bold]{title}[/]  [dim]{worth}[/]")
    console.print(_inline(prompt))
    if choices:
        from rich.table import Table
        from rich.text import Text

        # a grid, so that a long choice wraps under its own text, not under its letter
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for key, text in choices:
            grid.add_row(Text(f"  {key})", style="bold cyan"), _inline(text))
        console.print(grid)
    console.print(f"[dim]{how_to_answer}[/]")


def hint_line(level: int, total: int, text: str) -> None:
    """One hint after a `Hint 1 of 2:` label, its Markdown drawn on a terminal."""
    label = f"Hint {level} of {total}:"
    _console().print(_inline(f"**{label}** {text}") if is_terminal() else f"{label} {text}",
                     markup=False)


def feedback(correct: bool, earned: float, max_points: float, right_answer: str,
             explanation: str, whys: Sequence[str] = ()) -> None:
    """Right or wrong, the right answer when wrong, the why of each choice picked, and always
    the explanation."""
    console = _console()
    if correct:
        console.print(f"[green]{symbol('✓')} Correct.[/]")
    elif earned > 0:
        console.print(f"[yellow]{symbol('◐')} Partly right ({points(earned)} of {points(max_points)}).[/] "
                      "The full answer:")
        console.print(_inline(right_answer))
    else:
        console.print(f"[red]{symbol('✗')} Not quite.[/] The answer:")
        console.print(_inline(right_answer))
    for why in whys:
        console.print(_inline(why))
    if explanation:
        console.print(_inline(explanation))


def score_line(score: float, total: float, pass_mark: float, passed: bool) -> None:
    import math

    percent = math.floor(100 * score / total + 1e-9) if total else 0
    verdict = "passed" if passed else f"not passed yet (pass mark {pass_mark:.0%})"
    text = f"Score: {points(score)} / {points(total)} ({percent}%): {verdict}"
    print(_paint(text, _GREEN if passed else _YELLOW), flush=True)


def read_line(prompt: str) -> str:
    """One line typed by the learner; EOFError when they press Ctrl-D."""
    try:
        import readline  # noqa: F401  (arrow keys and history at the prompt)
    except ImportError:  # pragma: no cover - Windows
        pass
    return input(_paint(prompt, _BOLD))


def confirm(prompt: str) -> bool:
    """Ask yes/no on the terminal; anything but y/yes (or Ctrl-D) is no."""
    try:
        answer = input(f"{prompt} [y/N] ")
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
