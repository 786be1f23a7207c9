"""The authors' proof that an exercise grades what it claims to (what `learnpath check` runs).

For every section with an exercise.py:
- the checks file declares at least one task, with literal ids, titles and hints;
- the reference (solutions/.../exercise.py) and the pristine starter
  (solutions/.../starter.py, the copy `reset --exercise` restores) exist, and
  the starter is byte for byte the exercise.py shipped in the section folder;
- starter and reference define the same names;
- mutants.yaml (and blind_mutants.yaml, when present) is well formed, each
  mutant's text is found exactly once in the reference (or the function it
  rewrites exists there), and every task has at least one mutant.
With `run` (the test suite always runs it), the checks are also run, in one
child process per exercise:
- the starter reports every task "not started";
- the reference passes every task;
- every mutant fails the task it names (failed, error or not started: anything but passed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learnpath.catalog import Catalog, Section
from learnpath.errors import LearnpathError
from learnpath.exercises.files import (
    ExerciseError,
    ExerciseFiles,
    TaskInfo,
    defined_names,
    exercise_files,
    function_span,
    read_tasks,
)

# the time budget of all checks of one exercise together, over every version graded
VERIFY_SECONDS = 120.0


@dataclass(frozen=True)
class Mutant:
    """A plausible wrong version of the reference, made in one of two ways.

    - `replace`/`with`: one exact piece of the reference's text swapped for another
      (written by the section's author, who has the reference in front of them);
    - `function`/`code`: a whole function or method (`Class.method`) of the reference
      replaced by `code` (written blind, from the starter and the overview alone, by
      someone who never saw the checks: the form blind_mutants.yaml uses).
    """

    task: str
    name: str
    replace: str
    with_: str
    line: int  # in the file it came from
    path: Path | None = None  # mutants.yaml or blind_mutants.yaml
    function: str | None = None  # the function form: its qualified name ...
    code: str | None = None  # ... and its wrong body, written unindented

    def apply(self, reference: str) -> str:
        if self.function is None:
            return reference.replace(self.replace, self.with_, 1)
        return replace_function(reference, self.function, self.code or "")


def replace_function(source: str, qualified: str, code: str) -> str:
    """`source` with the function `qualified` swapped for `code`, indented to its place."""
    import textwrap

    span = function_span(source, qualified)
    if span is None:
        raise ValueError(f"{qualified} is not defined in the reference")
    first, last, indent = span
    lines = source.splitlines(keepends=True)
    new = textwrap.indent(textwrap.dedent(code).rstrip("\n") + "\n", " " * indent)
    return "".join(lines[:first - 1]) + new + "".join(lines[last:])


def verify_exercise(catalog: Catalog, section: Section, *, run: bool = False,
                    seconds: float = VERIFY_SECONDS) -> list[LearnpathError]:
    """The problems of one section's exercise; an empty list means it is proven sound."""
    files = exercise_files(catalog, section)
    problems: list[LearnpathError] = []
    try:
        tasks = read_tasks(files.checks)
    except ExerciseError as problem:
        return [problem]
    problems += _imports_of_exercise(files.checks)
    if not tasks:
        problems.append(ExerciseError("the checks file declares no task", path=files.checks,
                                      fix="Decorate each check with @task(id, title, hints=[...])"))
    sources = {}
    for path, what, fix in (
        (files.exercise, "the starter", "Add it"),
        (files.reference, "the reference solution",
         f"Write the solved exercise at {_shown(files.reference, catalog)}"),
        (files.starter, "the pristine copy of the starter",
         f"Copy the starter there: cp {_shown(files.exercise, catalog)} {_shown(files.starter, catalog)}"),
    ):
        try:
            sources[path] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(ExerciseError(f"{what} is missing", path=path, fix=fix))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(ExerciseError(f"{what} can't be read ({error})", path=path,
                                          fix="Save it as readable UTF-8 text"))
    shipped, starter, reference = (sources.get(p) for p in (files.exercise, files.starter, files.reference))
    if shipped is not None and starter is not None and shipped != starter:
        problems.append(ExerciseError(
            "exercise.py differs from the pristine starter kept for `learnpath reset --exercise`",
            path=files.exercise,
            fix=f"If you changed the starter, copy it: cp {_shown(files.exercise, catalog)} "
            f"{_shown(files.starter, catalog)} (a learner's own work is expected to differ)"))
    starter = starter if starter is not None else shipped
    starter_path = files.starter if sources.get(files.starter) is not None else files.exercise
    if starter is not None and reference is not None:
        problems += _same_names(starter, starter_path, reference, files.reference)
    mutants, mutant_problems = _read_mutants(files, tasks, reference)
    problems += mutant_problems
    if run and not problems:
        problems += _run_proofs(files, tasks, starter, starter_path, reference, mutants, seconds)
    return problems


def _imports_of_exercise(checks: Path) -> list[LearnpathError]:
    """Checks that import exercise.py themselves would grade the learner's file even when
    the proof hands them the reference or a mutant: they must use their `ex` argument."""
    import ast

    try:
        tree = ast.parse(checks.read_text(encoding="utf-8"), filename=str(checks))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []  # read_tasks reports it
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if any(name.split(".")[0] in ("exercise", "solutions") for name in names):
            return [ExerciseError("the checks import the exercise (or a solution) themselves",
                                  path=checks, line=node.lineno,
                                  fix="Use the module each check receives as its argument (ex)")]
    return []


def _shown(path: Path, catalog: Catalog) -> str:
    try:
        return path.relative_to(catalog.root).as_posix()
    except ValueError:
        return str(path)


def _same_names(starter: str, starter_path: Path, reference: str, reference_path: Path) -> list[LearnpathError]:
    try:
        starter_names = defined_names(starter, str(starter_path))
    except SyntaxError as error:
        return [ExerciseError(f"the starter is not valid Python ({error.msg})", path=starter_path,
                              line=error.lineno, fix="Fix the syntax error")]
    try:
        reference_names = defined_names(reference, str(reference_path))
    except SyntaxError as error:
        return [ExerciseError(f"the reference is not valid Python ({error.msg})", path=reference_path,
                              line=error.lineno, fix="Fix the syntax error")]
    problems = []
    if starter_names - reference_names:
        problems.append(ExerciseError(
            f"the starter defines {', '.join(sorted(starter_names - reference_names))}, "
            "which the reference does not", path=reference_path,
            fix="Starter and reference must define the same names"))
    if reference_names - starter_names:
        problems.append(ExerciseError(
            f"the reference defines {', '.join(sorted(reference_names - starter_names))}, "
            "which the starter does not", path=starter_path,
            fix="Starter and reference must define the same names (a helper the reference "
            "needs belongs in the starter too)"))
    return problems


def _read_mutants(files: ExerciseFiles, tasks: list[TaskInfo],
                  reference: str | None) -> tuple[list[Mutant], list[LearnpathError]]:
    """The authors' mutants.yaml (required) and blind_mutants.yaml (optional), read and checked."""
    mutants, problems = _read_mutant_file(files.mutants, tasks, reference, required=True)
    blind, blind_problems = _read_mutant_file(files.blind_mutants, tasks, reference, required=False)
    mutants += blind
    problems += blind_problems
    covered = {mutant.task for mutant in mutants}
    for info in tasks:
        if info.id not in covered and not any(p.path == files.mutants for p in problems):
            problems.append(ExerciseError(
                f"task {info.id!r} has no mutant, so nothing proves its check can fail",
                path=files.mutants, fix=f"Add a plausible wrong version for it: - task: {info.id}"))
    return mutants, problems


def _read_mutant_file(path: Path, tasks: list[TaskInfo], reference: str | None, *,
                      required: bool) -> tuple[list[Mutant], list[LearnpathError]]:
    from learnpath.yamlsource import LineDict, LineList, parse_yaml

    fix = ("Write a list of {task, name, replace, with} or {task, name, function, code} "
           "(see docs/exercises.md)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not required:
            return [], []
        return [], [ExerciseError(f"{path.name} is missing", path=path,
                                  fix="Add at least one plausible wrong version per task: " + fix)]
    except (OSError, UnicodeDecodeError) as error:
        return [], [ExerciseError(f"{path.name} can't be read ({error})", path=path, fix=fix)]
    try:
        data = parse_yaml(text, path, ExerciseError, fix=fix)
    except ExerciseError as problem:
        return [], [problem]
    if not isinstance(data, LineList) or not data:
        return [], [ExerciseError(f"{path.name} must be a non-empty list of mutants", path=path,
                                  line=1, fix=fix)]
    known = {info.id for info in tasks}
    mutants: list[Mutant] = []
    problems: list[LearnpathError] = []
    for index, item in enumerate(data):
        line = data.line_of(index)
        keys = set(item) if isinstance(item, LineDict) else set()
        if keys not in ({"task", "name", "replace", "with"}, {"task", "name", "function", "code"}):
            problems.append(ExerciseError(
                "a mutant needs exactly the keys task, name, replace, with (or task, name, function, code)",
                path=path, line=line, fix=fix))
            continue
        if not all(isinstance(item[key], str) for key in item):
            problems.append(ExerciseError("a mutant's values are all strings",
                                          path=path, line=line, fix="Quote the values"))
            continue
        if "function" in item:
            mutant = Mutant(item["task"], item["name"], "", "", line, path,
                            function=item["function"], code=item["code"])
        else:
            mutant = Mutant(item["task"], item["name"], item["replace"], item["with"], line, path)
        if mutant.task not in known:
            problems.append(ExerciseError(
                f"mutant {mutant.name!r} names task {mutant.task!r}, which the checks don't declare",
                path=path, line=line, fix=f"Use one of: {', '.join(sorted(known))}"))
            continue
        problem = _mutant_fits(mutant, reference, path, line)
        if problem is not None:
            problems.append(problem)
            continue
        mutants.append(mutant)
    return mutants, problems


def _mutant_fits(mutant: Mutant, reference: str | None, path: Path, line: int) -> LearnpathError | None:
    """Why `mutant` can't be applied to the reference, or None when it can."""
    if mutant.function is not None:
        if reference is None:
            return None
        if function_span(reference, mutant.function) is None:
            return ExerciseError(
                f"mutant {mutant.name!r}: the reference defines no function {mutant.function!r}",
                path=path, line=line, fix="Name a function, or Class.method, that the starter defines")
        try:
            compile(mutant.apply(reference), str(path), "exec")
        except SyntaxError as error:
            return ExerciseError(f"mutant {mutant.name!r}: its code is not valid Python ({error.msg})",
                                 path=path, line=line, fix="Write the whole function, starting at def")
        return None
    if mutant.replace == mutant.with_:
        return ExerciseError(f"mutant {mutant.name!r} replaces its text with itself",
                             path=path, line=line, fix="Make `with` the wrong version")
    if reference is not None:
        found = reference.count(mutant.replace) if mutant.replace else 0
        if found != 1:
            said = "isn't in" if found == 0 else f"is found {found} times in"
            return ExerciseError(
                f"mutant {mutant.name!r}: its `replace` text {said} the reference",
                path=path, line=line,
                fix="Quote a piece of solutions/.../exercise.py that occurs exactly once "
                "(longer text makes it unique)")
    return None


def _run_proofs(files: ExerciseFiles, tasks: list[TaskInfo], starter: str, starter_path: Path,
                reference: str, mutants: list[Mutant], seconds: float) -> list[LearnpathError]:
    from learnpath.exercises.grading import TaskStatus, Variant, run_checks

    variants = [Variant("starter", starter_path, starter), Variant("reference", files.reference, reference)]
    for number, mutant in enumerate(mutants):
        variants.append(Variant(f"mutant {number}", files.reference, mutant.apply(reference),
                                tasks=(mutant.task,)))
    try:
        run = run_checks(files, variants, seconds=seconds)
    except ExerciseError as problem:
        return [problem]
    problems: list[LearnpathError] = []
    for result in run.results["starter"]:
        if result.status is not TaskStatus.NOT_STARTED:
            said = f" ({result.message})" if result.message else ""
            problems.append(ExerciseError(
                f"the starter should leave task {result.id!r} \"not started\", "
                f"but it is {result.status.value}{said}", path=starter_path,
                line=result.where.line if result.where else None,
                fix="Its body should only raise NotImplementedError under a TODO, and the check "
                "must call it"))
    for result in run.results["reference"]:
        if result.status is not TaskStatus.PASSED:
            detail = result.message or ""
            if result.expected is not None:
                detail += f": expected {result.expected}, got {result.got}"
            if result.input:
                detail += f" (for {result.input})"
            problems.append(ExerciseError(
                f"the reference fails task {result.id!r} ({result.status.value}): {detail}",
                path=files.reference, line=result.where.line if result.where else None,
                fix="Fix the reference or the check; they must agree"))
    for number, mutant in enumerate(mutants):
        (result,) = run.results[f"mutant {number}"]
        if result.status is TaskStatus.PASSED:
            problems.append(ExerciseError(
                f"mutant {mutant.name!r} passes the check of task {mutant.task!r}, "
                "so that check can't tell this mistake from the right answer",
                path=mutant.path or files.mutants, line=mutant.line,
                fix="Make the check compare on a case where this mistake shows"))
    return problems
