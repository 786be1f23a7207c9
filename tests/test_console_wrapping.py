"""Warnings and errors on a narrow terminal wrap at word boundaries instead of being cut mid-word."""

from __future__ import annotations

import sys

import pytest

from learnpath.ui import console

MESSAGE = "'a b c d' is not a number: type a number, e.g. 0.25, -3 or 1e-3"


@pytest.mark.parametrize("show", [console.warning, console.error])
def test_a_long_message_wraps_at_word_boundaries_on_a_40_column_terminal(show, capsys, monkeypatch):
    """At 40 columns every line fits and every word of the message survives whole."""
    monkeypatch.setattr(console, "is_terminal", lambda stream=None: stream is sys.stderr)
    monkeypatch.setattr(console, "screen_width", lambda stream=None: 40)
    monkeypatch.setenv("NO_COLOR", "1")
    show(MESSAGE)
    printed = capsys.readouterr().err
    lines = printed.rstrip("\n").split("\n")
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(printed.split()).endswith(MESSAGE)


@pytest.mark.parametrize("show", [console.warning, console.error])
def test_a_pipe_gets_the_message_on_one_line(show, capsys, monkeypatch):
    """Not a terminal: one line, whole, so logs and tutor agents can grep it."""
    monkeypatch.setattr(console, "is_terminal", lambda stream=None: False)
    show(MESSAGE)
    assert capsys.readouterr().err.count("\n") == 1
