"""Where a section's exercise files are, and what its checks file declares, read without running it.

    curriculum/Phase_1/Section_3_Backward_Pass/exercise.py          the learner's file
    curriculum/Phase_1/Section_3_Backward_Pass/exercise_checks.py   one check per task
    solutions/Phase_1/Section_3_Backward_Pass/exercise.py           the reference
    solutions/Phase_1/Section_3_Backward_Pass/starter.py            the starter as shipped
    solutions/Phase_1/Section_3_Backward_Pass/mutants.yaml          wrong versions of the reference

The task ids, titles and hints are read from the `@task(...)` decorators with
`ast`, so `learnpath hint` and the listing of tasks never import the checks
(nor Hypothesis, nor the learner's code).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from learnpath.catalog import Catalog, Section
from learnpath.errors import LearnpathError

SOLUTIONS_DIR = "solutions"
EXERCISE_FILE = "exercise.py"
CHECKS_FILE = "exercise_checks.py"
STARTER_FILE = "starter.py"
MUTANTS_FILE = "mutants.yaml"
BLIND_MUTANTS_FILE = "blind_mutants.yaml"  # optional: mutants written without sight of the checks


class ExerciseError(LearnpathError):
    """An exercise's own files (checks, reference, mutants) are missing or malformed."""


@dataclass(frozen=True)
class ExerciseFiles:
    """The paths of one section's exercise, whether or not each file exists."""

    section: Section
    exercise: Path  # the learner's file, in the section folder
    checks: Path
    reference: Path  # under solutions/
    starter: Path  # the pristine starter under solutions/, for `reset --exercise` and the tests
    mutants: Path
    blind_mutants: Path


def exercise_files(catalog: Catalog, section: Section) -> ExerciseFiles:
    """The exercise paths of `section` (the solution side mirrors its place under curriculum/)."""
    mirrored = catalog.root / SOLUTIONS_DIR / section.path.relative_to(catalog.curriculum)
    return ExerciseFiles(
        section=section,
        exercise=section.path / EXERCISE_FILE,
        checks=section.path / CHECKS_FILE,
        reference=mirrored / EXERCISE_FILE,
        starter=mirrored / STARTER_FILE,
        mutants=mirrored / MUTANTS_FILE,
        blind_mutants=mirrored / BLIND_MUTANTS_FILE,
    )


@dataclass(frozen=True)
class TaskInfo:
    """A task as declared by `@task(id, title, hints=[...])` in exercise_checks.py."""

    id: str
    title: str
    hints: tuple[str, ...]
    line: int  # of the decorator, in exercise_checks.py


def read_tasks(checks: Path) -> list[TaskInfo]:
    """The tasks declared in a checks file, in order, without running it.

    ExerciseError (naming the line) if the file is missing, isn't Python, or a
    decorator's id, title or hints are not plain literals.
    """
    try:
        source = checks.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExerciseError("the exercise has no checks file", path=checks,
                            fix="Add exercise_checks.py beside exercise.py (see docs/exercises.md)") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise ExerciseError(f"can't read the checks file ({reason})", path=checks,
                            fix="Check that it is a readable UTF-8 file") from None
    try:
        tree = ast.parse(source, filename=str(checks))
    except SyntaxError as error:
        raise ExerciseError(f"the checks file is not valid Python ({error.msg})", path=checks,
                            line=error.lineno, fix="Fix the syntax error") from None
    tasks: list[TaskInfo] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and _called_name(decorator.func) == "task":
                tasks.append(_task_info(decorator, checks))
    tasks.sort(key=lambda info: info.line)
    seen: set[str] = set()
    for info in tasks:
        if info.id in seen:
            raise ExerciseError(f"task id {info.id!r} is used twice", path=checks, line=info.line,
                                fix="Give each task its own id")
        seen.add(info.id)
    return tasks


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _task_info(call: ast.Call, checks: Path) -> TaskInfo:
    fix = 'Write it as @task("some-id", "A title", hints=["...", "..."]) with plain strings'
    try:
        arguments = [ast.literal_eval(argument) for argument in call.args]
        keywords = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    except ValueError:
        raise ExerciseError("a @task's id, title and hints must be plain strings",
                            path=checks, line=call.lineno, fix=fix) from None
    named = dict(zip(("id", "title", "hints"), arguments)) | keywords
    task_id, title, hints = named.get("id"), named.get("title"), named.get("hints", ())
    if not isinstance(task_id, str) or not isinstance(title, str):
        raise ExerciseError("a @task needs an id and a title", path=checks, line=call.lineno, fix=fix)
    if not isinstance(hints, (list, tuple)) or not all(isinstance(h, str) for h in hints):
        raise ExerciseError("a @task's hints must be a list of strings", path=checks,
                            line=call.lineno, fix=fix)
    return TaskInfo(task_id, title, tuple(hints), call.lineno)


def defined_names(source: str, filename: str = "<exercise>") -> set[str]:
    """Top-level names a file defines (functions, classes, assignments, imports) and
    `Class.method` for the methods of its classes: what starter and reference must share."""
    tree = ast.parse(source, filename=filename)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}.{item.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names.add(name.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def stub_functions(source: str, filename: str = "<exercise>") -> dict[str, int]:
    """The functions of a starter whose body raises NotImplementedError: qualified name -> line.

    A stub nested inside another function (a `_backward` closure) is reported
    as the outermost function or method that holds it, which is what the
    learner's module exposes.
    """
    tree = ast.parse(source, filename=filename)
    stubs: dict[str, int] = {}

    def raises_not_implemented(function: ast.AST) -> bool:
        for node in ast.walk(function):
            if isinstance(node, ast.Raise) and node.exc is not None:
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                    return True
        return False

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and raises_not_implemented(node):
            stubs[node.name] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and raises_not_implemented(item):
                    stubs[f"{node.name}.{item.name}"] = item.lineno
    return stubs


def function_span(source: str, qualified: str) -> tuple[int, int, int] | None:
    """(first line, last line, indent) of `name` or `Class.name` in `source`, decorators included."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    body = tree.body
    *owners, name = qualified.split(".")
    for owner in owners:  # walk down into the classes named before the function
        found = [node for node in body if isinstance(node, ast.ClassDef) and node.name == owner]
        if not found:
            return None
        body = found[0].body
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return first, node.end_lineno or node.lineno, node.col_offset
    return None


def function_source(source: str, qualified: str) -> str | None:
    """The text of `name` or `Class.name` in `source` (decorators included, dedented), or None."""
    import textwrap

    span = function_span(source, qualified)
    if span is None:
        return None
    first, last, _ = span
    return textwrap.dedent("".join(source.splitlines(keepends=True)[first - 1:last]))
