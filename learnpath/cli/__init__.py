"""The `learnpath` command line: the Typer app (app.py) and its commands, one module per group.

Importing this package registers every command, in the order `learnpath --help`
lists them (the order a learner meets them): learn.py (next, list, show, run),
exercise.py (exercise, solution), quiz.py (quiz, hint, review), author.py
(check), reset.py (reset) and tutor.py (mcp). A command declares its options, calls one use
case in learnpath/study/ and prints through learnpath/ui/; nothing else.
"""

from learnpath.cli.app import app, main

# isort: off  (the order of these imports is the order of the commands in --help)
from learnpath.cli import learn  # noqa: E402,F401
from learnpath.cli import exercise  # noqa: E402,F401
from learnpath.cli import quiz  # noqa: E402,F401
from learnpath.cli import author  # noqa: E402,F401
from learnpath.cli import reset  # noqa: E402,F401
from learnpath.cli import tutor  # noqa: E402,F401
# isort: on

__all__ = ["app", "main"]
