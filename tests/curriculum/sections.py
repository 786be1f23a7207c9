"""Helpers for the tests that check each section's claims.

Every experiment.py is a file called experiment.py, so they are loaded under a
unique module name taken from their folder. Test files import these helpers with
`from sections import ...` (pytest puts this folder on sys.path); the name is not
`conftest` so that it cannot be confused with tests/conftest.py.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import yaml

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"


def section_dir(section_id: str) -> Path:
    """The folder of section 'N.M' in the repo's curriculum."""
    phase, number = section_id.split(".")
    matches = sorted((CURRICULUM / f"Phase_{phase}").glob(f"Section_{number}_*"))
    assert matches, f"no folder for section {section_id} under {CURRICULUM}"
    return matches[0]


def load_experiment(section_id: str):
    """Import a section's experiment.py as a module without running main()."""
    path = section_dir(section_id) / "experiment.py"
    name = f"experiment_{section_id.replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def quiz_questions(section_id: str) -> dict[str, dict]:
    """The raw questions of a section's quiz.yaml, by id."""
    data = yaml.safe_load((section_dir(section_id) / "quiz.yaml").read_text(encoding="utf-8"))
    return {q["id"]: q for q in data["questions"]}


# Runs an experiment in its own folder and process, as `python experiment.py` does (sys.path[0]
# is the folder, nothing of the tests imported), and also keeps what main() returned: one run
# serves both the "runs alone" test and every claim about its figures.
_ALONE = """
import pickle, runpy, sys
sys.argv = ["experiment.py"]
main = runpy.run_path("experiment.py", run_name="experiment")["main"]
figures = main()
try:
    data = pickle.dumps(figures)
except Exception:  # figures holding the experiment's own classes: the tests run main() again
    data = b""
with open(sys.stdin.readline().strip(), "wb") as out:
    out.write(data)
"""
_RUNS: dict[str, tuple[subprocess.CompletedProcess, object]] = {}


def run_alone(section_id: str) -> subprocess.CompletedProcess:
    """The experiment run in the section's own folder and a process of its own, as a learner
    runs `python experiment.py` (once per test process; run_figures shares the run)."""
    return _run_once(section_id)[0]


def run_figures(section_id: str):
    """What main() returned in that run (None when it could not be carried over)."""
    return _run_once(section_id)[1]


def _run_once(section_id: str):
    import pickle
    import tempfile

    if section_id not in _RUNS:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "figures.pickle"
            result = subprocess.run(
                [sys.executable, "-c", _ALONE], cwd=section_dir(section_id), input=f"{out}\n",
                capture_output=True, text=True, timeout=120,
            )
            data = out.read_bytes() if out.exists() else b""
        _RUNS[section_id] = (result, pickle.loads(data) if data else None)
    return _RUNS[section_id]


def quoted_lines_missing(section_id: str, libraries: list[str], *, under: str | None = None) -> list[str]:
    """Lines of ```python blocks in the overview that appear in none of the library files.

    An overview explains the library by quoting it; this is how a test notices
    when the library changes and the explanation no longer matches. `under`
    limits the search to the part of the overview below that heading.
    """
    repo = CURRICULUM.parent
    library_lines = {
        line.strip()
        for name in libraries
        for line in (repo / name).read_text(encoding="utf-8").splitlines()
    }
    overview = (section_dir(section_id) / "overview.md").read_text(encoding="utf-8")
    if under is not None:
        overview = overview.split(under, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", overview, re.S)
    assert blocks, f"overview.md of {section_id} quotes no code" + (f" under {under!r}" if under else "")
    quoted = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    return [line for line in quoted if line not in library_lines]


def numeric_key_check(section_id: str):
    """A checker that a section's numeric quiz answer equals a value the test recomputed.

    Each test file binds it once (`_assert_matches_key = numeric_key_check(SECTION)`) and
    calls it with a question id and the number it computed with learnpath.nn.
    """

    def assert_matches_key(question_id: str, computed: float) -> None:
        question = quiz_questions(section_id)[question_id]
        assert question["type"] == "numeric", f"{question_id} is a {question['type']} question"
        tolerance = float(question.get("tolerance", 1e-9))
        assert abs(computed - float(question["answer"])) <= tolerance, (question_id, computed)

    return assert_matches_key


def reference_solution(section_id: str) -> Path:
    """The reference exercise.py of a section (solutions/ mirrors curriculum/)."""
    folder = section_dir(section_id)
    return CURRICULUM.parent / "solutions" / folder.parent.name / folder.name / "exercise.py"


def figures_on_the_reference(section_id: str, monkeypatch, *args) -> tuple[dict, str]:
    """main() run as `learnpath run ID --mine` with the reference pasted into exercise.py:
    (figures, printed text)."""
    import contextlib
    import io

    monkeypatch.setenv("LEARNPATH_MINE", str(reference_solution(section_id)))
    module = load_experiment(section_id)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        figures = module.main(*args)
    return figures, printed.getvalue()


def assert_same_figures(mine, default, *, rel: float = 1e-6, abs: float = 1e-9, where: str = "figures") -> None:
    """Every figure of `mine` equals `default`: numbers to rel/abs, everything else exactly,
    through dicts and lists (the 'mine' flag itself is left out at the top)."""
    import math

    if where == "figures":
        mine = {k: v for k, v in mine.items() if k != "mine"}
        default = {k: v for k, v in default.items() if k != "mine"}
    if isinstance(default, dict):
        assert set(mine) == set(default), f"{where}: keys differ"
        for key in default:
            assert_same_figures(mine[key], default[key], rel=rel, abs=abs, where=f"{where}[{key!r}]")
    elif isinstance(default, (list, tuple)):
        assert len(mine) == len(default), f"{where}: lengths differ"
        for i, (a, b) in enumerate(zip(mine, default)):
            assert_same_figures(a, b, rel=rel, abs=abs, where=f"{where}[{i}]")
    elif isinstance(default, float) and not isinstance(mine, bool):
        assert math.isclose(mine, default, rel_tol=rel, abs_tol=abs) or mine == default, \
            f"{where}: {mine!r} against {default!r}"
    else:
        assert mine == default, f"{where}: {mine!r} against {default!r}"


def quoted_code_missing(section_id: str, libraries: list[str], *, under: str | None = None) -> list[str]:
    """Statements of ```python blocks in the overview that none of the library files contains.

    Like sections.quoted_lines_missing, but a statement may be split over several lines (so
    that it fits 78 columns) and comments are the overview's own: both sides are compared
    with comments and white space removed.
    """
    def code_only(text: str) -> str:
        return "\n".join(re.sub(r"(^|\s+)#\s.*$", "", line) for line in text.splitlines())

    repo = section_dir(section_id).parents[2]
    library = re.sub(r"\s+", "", "".join(code_only((repo / name).read_text(encoding="utf-8")) for name in libraries))
    overview = (section_dir(section_id) / "overview.md").read_text(encoding="utf-8")
    if under is not None:
        overview = overview.split(under, 1)[1].split("\n## ", 1)[0]
    missing, statement = [], ""
    for block in re.findall(r"```python\n(.*?)```", overview, re.S):
        for line in code_only(block).splitlines():
            statement += line
            if statement.count("(") + statement.count("[") == statement.count(")") + statement.count("]"):
                if statement.strip() and re.sub(r"\s+", "", statement) not in library:
                    missing.append(statement.strip())
                statement = ""
    return missing


def precision_problems(section_id: str) -> list[str]:
    """Numeric questions whose prompt does not end with its precision, or whose tolerance is
    not that precision: at most 1e-6 for "(exact)", at most 0.5 for "(a whole number)", and
    half a unit of the last place for "(to N decimal places)"."""
    import math

    problems = []
    for question in quiz_questions(section_id).values():
        if question["type"] != "numeric":
            continue
        match = re.search(r"\((exact|a whole number|to (\d+) decimal places?)\)$", question["prompt"].strip())
        if not match:
            problems.append(f"{question['id']}: the prompt does not end with its precision")
            continue
        tolerance = float(question.get("tolerance", 1e-9))
        if match.group(1) == "exact":
            right = tolerance <= 1e-6
        elif match.group(1) == "a whole number":
            right = tolerance <= 0.5
        else:
            right = math.isclose(tolerance, 0.5 * 10.0 ** -int(match.group(2)), rel_tol=1e-9)
        if not right:
            problems.append(f"{question['id']}: tolerance {tolerance} does not match {match.group(0)}")
    return problems
