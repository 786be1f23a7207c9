"""Raw values from quiz.yaml, an answers file or a keyboard: read as numbers or keys, shown in messages.

YAML may hand over a choice key as a number (`1`) and a number as text (`1e-3`);
these helpers read both the way an author or a learner meant them, and say what
a wrong value is without ever printing something huge.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

# YAML 1.1 (what PyYAML reads) only knows floats with a dot, so `1e-3` arrives
# as text. Anything this pattern matches is read as a number wherever one is due.
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def read_number(value: Any) -> float | None:
    """A number written as a YAML number or as number-shaped text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def key_text(value: Any, raw: str | None = None) -> str | None:
    """A choice key or id as text: YAML may have read `1` as a number."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return raw.strip() if raw is not None else number_text(value)
    return None


def number_text(value: int) -> str:
    """An int as text; one past Python's 4300-digit limit becomes a short description, not a
    ValueError (such a key matches nothing, and the message that says so stays one line)."""
    try:
        return str(value)
    except ValueError:
        return "(a number of more than 4300 digits)"



def describe(value: Any) -> str:
    """What a wrong value is, for an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {show(value)}"
    if isinstance(value, str):
        return f"the text {show(value)}"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return f"a {type(value).__name__}"


def show(value: Any, limit: int = 40) -> str:
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        # never repr a container: YAML aliases can make one exponentially large
        return describe(value)
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4300-digit limit for turning it into text
        return "a number of more than 4300 digits"
    return text if len(text) <= limit else text[: limit - 3] + "..."



def closest(word: Any, options: tuple[str, ...] | list[str]) -> str | None:
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: Any, options) -> str:
    guess = closest(word, list(options))
    return f" (did you mean {guess}?)" if guess else ""
