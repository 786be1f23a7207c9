"""Exercises: the learner writes the engine, and checks say, task by task, when it is right.

Section authors import the checks API from here:

    from learnpath.exercises import task, expect_close, expect_equal, for_all, st
    from learnpath.exercises import central_difference, relative_error, Mismatch

The API lives in api.py and is loaded only when one of those names is asked
for, because it imports Hypothesis; the rest of the package (finding the
files, grading in a child process, the authors' verification) doesn't need it,
and `learnpath list` must stay fast.
"""

from __future__ import annotations

_API = ("Mismatch", "central_difference", "expect_close", "expect_equal", "for_all",
        "relative_error", "st", "task")

__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        from learnpath.exercises import api

        return getattr(api, name)
    raise AttributeError(f"module 'learnpath.exercises' has no attribute {name!r}")
