"""What the tool and the child that runs the checks say to each other, as typed records.

The tool (grading.py) writes a `Spec` to a JSON file and starts the child
(child.py) on it; the child writes one `Event` a line to the results file,
flushed as each task starts and ends, so that when the child is stopped the
tool still knows which task was running. Both sides import this module, so a
field is named once: `encode` and `decode` are the only places the JSON is
spelled. Standard library only: the child loads it before the learner's code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Union


@dataclass(frozen=True)
class Line:
    """A line of a graded file: where an error passed, or a task function that ran."""

    line: int
    code: str = ""
    function: str | None = None  # None at module level


@dataclass(frozen=True)
class Printed:
    """What the learner's code printed during a task: the start of it, and how much in all."""

    text: str
    chars: int


# ---- the spec: tool -> child -----------------------------------------------------


@dataclass(frozen=True)
class VariantSpec:
    """One version of exercise.py for the child to load and check."""

    name: str
    filename: str  # the file its lines belong to (a mutant borrows the reference's)
    source: str
    tasks: tuple[str, ...] | None = None  # only these tasks; None for all
    stubs: dict[str, int] | None = None  # task functions whose first call is recorded


@dataclass(frozen=True)
class Spec:
    checks: str  # the checks file, absolute
    results: str  # where the child writes its events
    seconds: float  # the time budget of all checks together
    variants: tuple[VariantSpec, ...]

    def to_json(self) -> str:
        return json.dumps({
            "checks": self.checks, "results": self.results, "seconds": self.seconds,
            "variants": [{"name": v.name, "filename": v.filename, "source": v.source,
                          "tasks": None if v.tasks is None else list(v.tasks), "stubs": v.stubs or {}}
                         for v in self.variants],
        })

    @classmethod
    def from_json(cls, text: str) -> Spec:
        raw = json.loads(text)
        variants = tuple(
            VariantSpec(v["name"], v["filename"], v["source"],
                        None if v.get("tasks") is None else tuple(v["tasks"]), v.get("stubs") or {})
            for v in raw["variants"])
        return cls(raw["checks"], raw["results"], float(raw["seconds"]), variants)


# ---- the events: child -> tool ------------------------------------------------------


@dataclass(frozen=True)
class ChecksError:
    """The checks file itself did not load (the author's file, not the learner's)."""

    kind: ClassVar[str] = "checks-error"
    message: str
    where: Line | None = None


@dataclass(frozen=True)
class TasksListed:
    """The tasks the checks file registered, in order: (id, title) pairs."""

    kind: ClassVar[str] = "tasks"
    tasks: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LoadError:
    """A version of exercise.py did not load; none of its tasks ran."""

    kind: ClassVar[str] = "load-error"
    variant: str
    message: str
    where: Line | None = None
    output: Printed | None = None


@dataclass(frozen=True)
class TaskStarted:
    kind: ClassVar[str] = "start"
    variant: str
    task: str


@dataclass(frozen=True)
class TaskEnded:
    """How one task went on one version: a status (grading.TaskStatus's values) and, unless it
    passed, why."""

    kind: ClassVar[str] = "result"
    variant: str
    task: str
    status: str
    message: str | None = None
    expected: str | None = None
    got: str | None = None
    input: str | None = None
    where: Line | None = None
    ran: tuple[Line, ...] = ()  # a failure: the last line each learner's function ran, with its code
    seconds: float | None = None
    output: Printed | None = None
    called: tuple[str, ...] = ()  # the task functions the check called, first call first


Event = Union[ChecksError, TasksListed, LoadError, TaskStarted, TaskEnded]
_KINDS: dict[str, type] = {kind.kind: kind for kind in (ChecksError, TasksListed, LoadError, TaskStarted, TaskEnded)}


def encode(event: Event) -> str:
    """One event as one JSON line (empty fields left out)."""
    data: dict[str, Any] = {"event": event.kind}
    for item in fields(event):
        value = getattr(event, item.name)
        if value is None or value == ():
            continue
        if isinstance(value, (Line, Printed)):
            value = {f.name: getattr(value, f.name) for f in fields(value)}
        elif item.name == "ran":
            value = [{"function": r.function, "line": r.line, "code": r.code or None} for r in value]
        elif item.name == "tasks":
            value = [{"id": task_id, "title": title} for task_id, title in value]
        data[item.name] = value
    return json.dumps(data, default=str)


def decode(text: str) -> Event:
    """The event a JSON line holds; ValueError (json's) for a line cut off mid-way."""
    raw = json.loads(text)
    kind = _KINDS[raw.pop("event")]
    if "where" in raw:
        raw["where"] = _line(raw["where"])
    if raw.get("output"):
        raw["output"] = Printed(str(raw["output"]["text"]), int(raw["output"]["chars"]))
    if "ran" in raw:
        raw["ran"] = tuple(Line(int(r["line"]), r.get("code") or "", r.get("function")) for r in raw["ran"])
    if "called" in raw:
        raw["called"] = tuple(str(name) for name in raw["called"])
    if kind is TasksListed:
        raw["tasks"] = tuple((task["id"], task["title"]) for task in raw["tasks"])
    return kind(**raw)


def _line(raw: dict | None) -> Line | None:
    if not raw:
        return None
    return Line(int(raw["line"]), raw.get("code") or "", raw.get("function"))
