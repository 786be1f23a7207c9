"""Exercise runs as a learner meets them: a task that fails because of another, where to look,
what the child may leave behind, the attempt log, and the solution shown task by task."""

from __future__ import annotations

import json
from pathlib import Path

from little_exercise import REFERENCE, STARTER, solved

# a task whose function calls another task's function, like 2.2's gradient step on mse_gradients
CALLING_STARTER = STARTER + '''

def quadruple(x):
    """Four times x, by doubling twice: quadruple(3.0) is 12.0."""
    # TODO: double the double
    raise NotImplementedError("quadruple")
'''
CALLING_CHECKS_EXTRA = '''

@task("quadruple", "Four times a number", hints=["Double twice."])
def check_quadruple(ex):
    expect_close(ex.quadruple(3.0), 12.0, what="quadruple(3.0)")
'''
QUAD_STUB = '    raise NotImplementedError("quadruple")'


def _calling(exercise, *, double="    return x + x", quadruple="    return double(double(x))"):
    """Section 1.1 with a third task whose function calls the first task's function."""
    exercise.starter.write_text(CALLING_STARTER, encoding="utf-8")
    exercise.checks.write_text(exercise.checks.read_text() + CALLING_CHECKS_EXTRA, encoding="utf-8")
    reference = CALLING_STARTER.replace('    raise NotImplementedError("double")', "    return x + x") \
        .replace('    raise NotImplementedError("slope_of_cube")', "    return 3 * x ** 2") \
        .replace(QUAD_STUB, "    return double(double(x))")
    exercise.reference.write_text(reference, encoding="utf-8")
    learner = CALLING_STARTER.replace('    raise NotImplementedError("double")', double) \
        .replace('    raise NotImplementedError("slope_of_cube")', "    return 3 * x ** 2") \
        .replace(QUAD_STUB, quadruple)
    exercise.learner(learner)
    return learner


def _json(result):
    return json.loads(result.stdout)


def test_a_task_failing_through_another_tasks_function_says_so(exercise, cli):
    """quadruple is right but calls a wrong double: its failure names double as the task to fix first."""
    _calling(exercise, double="    return x * x")
    result = cli(exercise.root, "exercise", "1.1", "--json")
    assert result.exit_code == 1
    tasks = {task["id"]: task for task in _json(result)["tasks"]}
    assert tasks["double"]["status"] == "failed"
    quad = tasks["quadruple"]
    assert quad["status"] == "failed"
    assert "quadruple calls your double, which fails: fix that task first" in quad["message"]
    shown = cli(exercise.root, "exercise", "1.1")
    assert "calls your double, which fails: fix that task first" in shown.stdout


def test_a_task_whose_helper_passes_says_nothing_of_it(exercise, cli):
    """A wrong quadruple over a right double is its own fault: no word about double."""
    _calling(exercise, quadruple="    return double(x) + x")
    tasks = {task["id"]: task for task in _json(cli(exercise.root, "exercise", "1.1", "--json"))["tasks"]}
    assert tasks["double"]["status"] == "passed"
    assert tasks["quadruple"]["status"] == "failed"
    assert "fix that task first" not in (tasks["quadruple"]["message"] or "")


def test_where_to_look_is_the_line_that_computed_it_once_with_its_code(exercise, cli):
    """`ran` names the line that computed the wrong value (not the def line), each place once,
    with its code."""
    learner = solved(slope="    y = x ** 2\n    return 2 * y")
    exercise.learner(learner)
    task = {t["id"]: t for t in _json(cli(exercise.root, "exercise", "1.1", "--json"))["tasks"]}["cube-slope"]
    assert task["status"] == "failed"
    lines = learner.splitlines()
    assert task["ran"], task
    for place in task["ran"]:
        assert place["code"] is not None and place["code"] == lines[place["line"] - 1].strip()
        assert not place["code"].startswith("def ")
    assert task["ran"][-1]["code"] == "return 2 * y"
    places = [(p["file"], p["line"]) for p in task["ran"]]
    assert len(places) == len(set(places))


def test_the_checks_run_in_a_scratch_folder_without_core_dumps(exercise, cli):
    """What the learner's code writes by a relative path lands outside the course; core dumps are off."""
    exercise.learner(solved(double=(
        "    import resource\n"
        "    open('scribble.txt', 'w').write(str(resource.getrlimit(resource.RLIMIT_CORE)[0]))\n"
        "    import os\n"
        "    open('/tmp/learnpath-cwd-seen', 'w').write(os.getcwd())\n"
        "    return x + x")))
    before = set(p.relative_to(exercise.root) for p in exercise.root.rglob("*"))
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 0, result.stdout + result.stderr
    after = set(p.relative_to(exercise.root) for p in exercise.root.rglob("*"))
    assert not any(p.name == "scribble.txt" for p in after - before)
    seen = Path("/tmp/learnpath-cwd-seen").read_text()
    assert not Path(seen).resolve().is_relative_to(exercise.root.resolve())


def test_core_limit_is_zero_in_the_child(exercise, cli, tmp_path):
    """resource.RLIMIT_CORE is 0 for the learner's code (a crash leaves no core file)."""
    marker = tmp_path / "core-limit"
    exercise.learner(solved(double=(
        f"    import resource\n    open({str(marker)!r}, 'w').write("
        "str(resource.getrlimit(resource.RLIMIT_CORE)))\n    return x + x")))
    cli(exercise.root, "exercise", "1.1")
    assert marker.read_text() == "(0, 0)" or marker.read_text().startswith("(0,")


def test_an_exercise_saved_with_a_bom_loads(exercise, cli):
    """A UTF-8 BOM (which Python itself accepts) is no reason to fail loading."""
    exercise.exercise.write_bytes(b"\xef\xbb\xbf" + REFERENCE.encode("utf-8"))
    result = cli(exercise.root, "exercise", "1.1")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_exercise_runs_go_into_the_attempt_log_and_list_shows_them(exercise, cli):
    """Each check of exercise.py is a line of the attempt log (task statuses, time); quizzes still read."""
    exercise.learner(solved(slope="    return 3 * x"))
    cli(exercise.root, "exercise", "1.1")
    exercise.learner(REFERENCE)
    cli(exercise.root, "exercise", "1.1")
    log = exercise.root / ".learnpath" / "attempts.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    runs = [r for r in records if r["kind"] == "exercise"]
    assert len(runs) == 2
    assert runs[0]["passed"] is False and runs[1]["passed"] is True
    assert {r["id"]: r["status"] for r in runs[0]["tasks"]} == {"double": "passed", "cube-slope": "failed"}
    assert all("seconds" in r for r in runs)
    listed = _json(cli(exercise.root, "list", "--json"))
    first = next(s for s in listed if s["id"] == "1.1")
    assert first["exercise_runs"] == 2
    # a quiz attempt still reads and counts beside them
    right = "leaf-grad: b\npick-ops: [a, b]\nslope: 6\nrule-name: chain rule\norder-steps: [a, b, c]\n"
    graded = cli(exercise.root, "quiz", "1.1", "--answers", "-", "--json", input=right)
    assert graded.exit_code == 0, graded.stderr
    review = cli(exercise.root, "review", "--json")
    assert review.exit_code == 0 and "skipped" not in review.stderr


def test_an_old_log_without_exercise_lines_still_reads(exercise, cli):
    """A log written before exercise runs were logged reads as before."""
    log = exercise.root / ".learnpath" / "attempts.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(json.dumps({"section": "1.1", "kind": "quiz", "when": "2025-01-01T10:00:00+00:00",
                               "score": 2, "total": 5, "passed": False,
                               "results": [{"id": "leaf-grad", "correct": False, "points": 0,
                                            "max_points": 1}]}) + "\n")
    result = cli(exercise.root, "list", "--json")
    assert result.exit_code == 0 and "skipped" not in result.stderr
    assert next(s for s in _json(result) if s["id"] == "1.1")["best_attempt"]["score"] == 2


def test_solution_before_a_pass_exits_1(exercise, cli):
    """Nothing was misused: asking for the solution too early is a plain failure (1), not usage (2)."""
    result = cli(exercise.root, "solution", "1.1")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1


def test_solution_json_gives_task_functions_side_by_side(exercise, cli):
    """--json: section, passed, both files, and per task function the learner's and the reference's code."""
    exercise.learner(solved(double="    # twice\n    return 2 * x"))
    assert cli(exercise.root, "exercise", "1.1").exit_code == 0
    result = cli(exercise.root, "solution", "1.1", "--json")
    assert result.exit_code == 0, result.stderr
    doc = _json(result)
    assert doc["section"] == "1.1" and doc["passed"] is True
    assert doc["yours"].endswith("exercise.py") and doc["reference"].startswith("solutions/")
    functions = {task["function"]: task for task in doc["tasks"]}
    assert set(functions) == {"double", "slope_of_cube"}
    assert functions["double"]["yours"].startswith("def double(x):")
    assert "return 2 * x" in functions["double"]["yours"]
    assert "return x + x" in functions["double"]["reference"]
    assert "slope_of_cube" not in functions["double"]["yours"]


def test_solution_shows_only_task_functions(exercise, cli):
    """Piped, the view holds the task functions (a diff when narrow), not the module docstring twice."""
    exercise.learner(solved(double="    return 2 * x"))
    cli(exercise.root, "exercise", "1.1")
    result = cli(exercise.root, "solution", "1.1")
    assert result.exit_code == 0
    assert "return 2 * x" in result.stdout and "return x + x" in result.stdout
    assert result.stdout.count('"""Two small tasks."""') == 0
