"""The Typer app the commands hang on, what they share, and the entry point `main`.

The commands themselves are in the modules beside this one, one per group
(learn.py, exercise.py, quiz.py, author.py, reset.py); each declares its
options, calls one use case (learnpath/study/) and prints through ui/. The
core raises LearnpathError for anything a person can fix; this module turns
that into one red line on stderr and the exit code (2 for bad input, 1 for a
real failure), never a traceback.

Heavy modules (the quiz loader and YAML, the sandbox, Rich) are imported inside
the commands that need them, so `learnpath list` and `learnpath next` start
about as fast as Typer itself (see typer_speed.py for the one other thing that
takes).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from learnpath import __version__
from learnpath.catalog import Catalog, Section, find_root, load_catalog
from learnpath.errors import LearnpathError, NoTerminalError
from learnpath.cli.typer_speed import defer_option_checks
from learnpath.ui import console

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130  # bad input is 2: LearnpathError.exit_code
# a million seconds (11.6 days) is more than any run needs and far inside what a clock can add up
MAX_TIMEOUT = 1e6
# the attempt log stores seeds as JSON integers a 64-bit reader takes back (record/attempts)
MAX_SEED = 2**63 - 1

# Click's UsageError, found through a public subclass rather than a private module path
UsageError = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")


def _usage_error(error) -> typer.Exit:
    """A mistyped command line, as one line like every other error (Typer would draw a box)."""
    command = error.ctx.command_path if error.ctx is not None else "learnpath"
    message = error.format_message()
    ended = message.endswith((".", "?"))
    console.error(f"{message}{'' if ended else '.'} See `{command} --help`")
    return typer.Exit(error.exit_code)


def _interrupted() -> typer.Exit:
    """Ctrl-C: say truthfully what had been written before it."""
    from learnpath.study.journal import recorded_so_far

    console.say()  # the ^C was typed on a prompt line: start a fresh one
    written = recorded_so_far()
    if written:
        console.error(f"stopped (Ctrl-C) after writing to {', '.join(written)}; that is kept")
    else:
        console.error("stopped (Ctrl-C); nothing was recorded")
    return typer.Exit(EXIT_INTERRUPTED)


class _ReportingGroup(TyperGroup):
    """Runs a command and turns the tool's own errors into one line and an exit code."""

    def parse_args(self, ctx, args):
        # get_params includes the --help option, which Typer also checks
        defer_option_checks(self.get_params(ctx))
        for command in self.commands.values():
            defer_option_checks(command.get_params(ctx))
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:  # e.g. --root with no folder after it
            if type(error).__name__ == "NoArgsIsHelpError":
                raise  # a bare `learnpath` shows the help, as it should
            raise _usage_error(error) from None

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except UsageError as error:  # an unknown command, a missing ID, --timeout abc
            raise _usage_error(error) from None
        except LearnpathError as problem:
            console.error(str(problem))
            raise typer.Exit(problem.exit_code) from None
        except KeyboardInterrupt:
            raise _interrupted() from None
        except BrokenPipeError:  # `learnpath list | head`: the reader left; that is not an error
            _silence(sys.stdout)
            raise typer.Exit(EXIT_OK) from None

    def list_commands(self, ctx: typer.Context) -> list[str]:
        # the order a learner meets them, not alphabetical
        return list(self.commands)


app = typer.Typer(
    cls=_ReportingGroup,
    name="learnpath",
    help="A self-study course on neural networks from first principles. "
    "Start with `learnpath next`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (keys listed in the README).")]


def complete_section(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for section ids: every id that starts with what was typed."""
    try:
        catalog = load_catalog(find_root())
    except LearnpathError:
        return []
    return [
        (name, section.title)
        for section in catalog.sections
        for name in (section.id, section.slug)
        if name.startswith(incomplete)
    ]


SectionId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="A section id like 1.2, or its folder name like backward-pass.",
        autocompletion=complete_section,
        show_default=False,
    ),
]


def _show_version(value: bool) -> None:
    if value:
        console.say(f"learnpath {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    root: Annotated[
        Optional[Path],
        typer.Option(
            "--root",
            help="The course folder (the one holding curriculum/). "
            "Default: $LEARNPATH_ROOT, else the first folder above the current one that has curriculum/.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """A self-study course on neural networks from first principles. Start with `learnpath next`."""
    ctx.obj = root


def open_catalog(ctx: typer.Context) -> Catalog:
    """The course the command runs on (--root, $LEARNPATH_ROOT or the folders above)."""
    return load_catalog(find_root(override=ctx.find_root().obj))


def open_section(ctx: typer.Context, ident: str) -> tuple[Catalog, Section]:
    """The course and the section `ident` names (an id like 1.2 or a folder name)."""
    catalog = open_catalog(ctx)
    return catalog, catalog.resolve(ident)

def need_terminal(command: str) -> None:
    """Interactive commands refuse at once, rather than wait on a stdin nobody types into."""
    if not console.stdin_is_terminal():
        raise NoTerminalError(
            f"`learnpath {command}` asks questions, but there is no terminal to ask",
            fix="Pass --answers FILE (a YAML mapping of question id to answer), "
            "or --answers - to read that mapping from stdin",
        )


def main() -> None:
    """Entry point of the `learnpath` script and of `python -m learnpath`.

    Whatever happens to the output (a closed pipe, a full disk, a terminal
    that can't show a character), the learner gets one line or silence.
    """
    _streams_that_cannot_fail()
    try:
        app(prog_name="learnpath")
        status = EXIT_OK
    except SystemExit as finished:  # Typer ends every run this way
        status = finished.code if isinstance(finished.code, int) else EXIT_FAILED
    except LearnpathError as problem:  # raised outside a command, e.g. by completion
        console.error(str(problem))
        status = problem.exit_code
    except BrokenPipeError:  # `learnpath list | head`: the reader left; that is not an error
        status = EXIT_OK
        _silence(sys.stdout)
    except KeyboardInterrupt:  # before a command started, e.g. while Python loaded it
        status = EXIT_INTERRUPTED
    except OSError as error:  # most often the output itself: a full disk, a lost terminal
        where = f"{error.filename}: " if error.filename else "the output: "
        _last_words(f"error: can't write {where}{error.strerror or error}")
        status = EXIT_FAILED
    sys.exit(_flushed(status))


def _streams_that_cannot_fail() -> None:
    """Closed streams write into nothing; a character the terminal lacks becomes `?`."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): write into nothing
            setattr(sys, name, open(os.devnull, "w"))
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace"),
                           (sys.stdin, "replace")):
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError, OSError):  # not a text file, or already closed
            pass


def _flushed(status: int) -> int:
    """Flush stdout now, while a failure can still be reported in one line."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
    except OSError as error:
        _last_words(f"error: can't write the output ({error.strerror or error})")
        _silence(sys.stdout)
        return status or EXIT_FAILED
    except ValueError:  # closed already
        pass
    return status


def _silence(stream) -> None:
    """Point a failed stream at /dev/null so Python's own flush at exit has nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _last_words(text: str) -> None:
    """One line on stderr if stderr still works; silence if it doesn't."""
    try:
        console.error(text.removeprefix("error: "))
    except (OSError, ValueError):
        _silence(sys.stderr)
