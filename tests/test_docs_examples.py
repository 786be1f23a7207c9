"""Every `learnpath ...` example in README.md and AGENTS.md runs against the real curriculum.

The examples are read from the documents at test time (shell blocks and inline
code), so a renamed option, a question id that no longer exists or a command
that was dropped fails here instead of in front of a learner. Usage lines like
`learnpath list [--phase N] [--json]` run once bare and once with each optional
part, placeholders (ID, QUESTION_ID, FILE, ...) filled with real values. They
run in document order in a copy of the course, as a learner would meet them,
with no terminal: an example passes when it exits 0 or 1 (1 is a real
outcome, such as a starter exercise not passing) with no traceback. The few
that can't be run that way are listed in SKIPPED with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "AGENTS.md")

# examples that can't run here, each with why (matched after the placeholders are filled)
SKIPPED = {
    "learnpath --install-completion": "writes to the user's shell start-up file",
    "learnpath exercise 1.1 --watch": "runs until q is pressed; tests/exercises/test_watch.py drives it",
    "learnpath exercise ID --watch": "runs until q is pressed; tests/exercises/test_watch.py drives it",
    "learnpath check --run": "runs every experiment and proves every exercise (minutes); "
                             "tests/curriculum and tests/exercises do that section by section",
    "learnpath run 4.4 --timeout 900 -- --long": "trains for minutes; tests/exercises/test_run_mine.py "
                                                 "proves that arguments after -- reach the experiment",
    "learnpath run 1.3 --mine": "the examples run in a three-section test course without a 1.3; "
                                "tests/exercises/test_run_mine.py proves --mine, tests/curriculum 1.3's figures",
    "learnpath run ID --mine": "AGENTS.md names it for a section whose experiment takes the learner's "
                               "parts; tests/exercises/test_run_mine.py proves --mine",
    "learnpath new ID TITLE": "writes a new section into the course the later examples share; "
                              "tests/test_new_section.py drives it",
    "learnpath reset": "named in prose (\"never run `learnpath reset`\"), not a command line",
}
# examples that need a person at a terminal: without one they must refuse in one line (exit 2)
NEEDS_A_TERMINAL = {"learnpath quiz 1.1", "learnpath quiz 1.1 --shuffle", "learnpath quiz 1.1 --shuffle --seed 1",
                    "learnpath reset 1.1", "learnpath reset 1.1 --exercise", "learnpath run 1.1 --pause"}


def exercise_passed(root: Path) -> None:
    """The learner's state `learnpath solution` needs: 1.1's exercise written and passing."""
    section = next((root / "curriculum" / "Phase_1").glob("Section_1_*"))
    reference = root / "solutions" / "Phase_1" / section.name / "exercise.py"
    shutil.copy(reference, section / "exercise.py")
    assert run(root, ["exercise", "1.1"]).returncode == 0


# the state of the course an example needs, set up before it runs
SETUP = {"learnpath solution 1.1": exercise_passed, "learnpath solution 1.1 --force": exercise_passed}


def inline_examples(text: str) -> list[str]:
    found = re.findall(r"`(learnpath(?: [^`]*)?)`", text)
    return [example for example in found if example != "learnpath"]


def shell_examples(text: str) -> list[str]:
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if "learnpath" in command:
                examples.append(command[command.index("learnpath"):])  # after `pip install ... &&`
    return examples


def expanded(usage: str) -> list[str]:
    """`learnpath x [--a] [--b B]` -> the bare form, then the bare form with each optional part."""
    optional = re.findall(r" \[([^\]]+)\]", usage)
    bare = re.sub(r" \[[^\]]+\]", "", usage)
    return [bare] + [f"{bare} {part}" for part in optional]


def all_examples() -> list[tuple[str, str]]:
    """(document, example) in document order, each once."""
    seen, examples = set(), []
    for name in DOCUMENTS:
        text = (REPO / name).read_text(encoding="utf-8")
        for example in shell_examples(text) + inline_examples(text):
            for form in expanded(example):
                if form not in seen:
                    seen.add(form)
                    examples.append((name, form))
    return examples


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course (curriculum, solutions, PROGRESS.md) the examples may change."""
    root = tmp_path_factory.mktemp("docs") / "course"
    root.mkdir()
    for name in ("curriculum", "solutions"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "PROGRESS.md", root / "PROGRESS.md")
    return root


def run(root: Path, words: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO), "LEARNPATH_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "learnpath", *words], cwd=root, env=env, text=True,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=300)


_REVEALED: dict[str, dict] = {}  # quiz.yaml's text -> `quiz --reveal --json` of it (the same in every course)


def revealed_quiz(root: Path, section: str) -> dict:
    """`quiz SECTION --reveal --json` in this course, asked once per distinct quiz.yaml."""
    quiz = next((root / "curriculum" / "Phase_1").glob("Section_1_*")) / "quiz.yaml"
    key = quiz.read_text()
    if key not in _REVEALED:
        _REVEALED[key] = json.loads(run(root, ["quiz", section, "--reveal", "--json"]).stdout)
    return _REVEALED[key]


def filled(example: str, root: Path) -> list[str]:
    """The example's words with every placeholder replaced by something real in this course."""
    section = "1.1"
    revealed = revealed_quiz(root, section)
    first_question = revealed["questions"][0]["id"]
    checks = next((root / "curriculum" / "Phase_1").glob("Section_1_*")) / "exercise_checks.py"
    tasks = re.findall(r"@task\(\s*[\"']([^\"']+)", checks.read_text()) if checks.exists() else []
    words = example.split()[1:]
    answers_for = "review" if words and words[0] == "review" else "quiz"
    if answers_for == "quiz":
        # a text question's key is its list of accepted answers: give the first
        answers = {q["id"]: q["answer"][0] if q["type"] == "text" else q["answer"]
                   for q in revealed["questions"]}
    else:
        answers = {}
    answers_file = root / f"{answers_for}-answers.yaml"
    answers_file.write_text(json.dumps(answers))  # JSON is YAML
    values = {"ID": section, "QUESTION_ID": first_question, "TASK_ID": tasks[0] if tasks else first_question,
              "FILE": str(answers_file), "DIR": str(root), "N": "1", "K": "1", "S": "60"}
    return [values.get(word, word) for word in words]


EXAMPLES = all_examples()


def test_the_documents_have_examples_to_run():
    assert len(EXAMPLES) >= 20
    assert any(example.startswith("learnpath hint") for _, example in EXAMPLES)


@pytest.mark.parametrize("document, example", EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_every_documented_example_runs(course, document, example):
    words = filled(example, course)
    command = " ".join(["learnpath", *words])
    reason = SKIPPED.get(example) or SKIPPED.get(command)
    if reason:
        pytest.skip(reason)
    if command in SETUP:
        SETUP[command](course)
    result = run(course, words)
    assert "Traceback" not in result.stderr, f"{document}: `{example}`\n{result.stderr}"
    if command in NEEDS_A_TERMINAL:
        assert result.returncode == 2 and "terminal" in result.stderr, result.stderr
        return
    assert result.returncode in (0, 1), f"{document}: `{example}` ran as `{command}`:\n{result.stderr}"
    if result.returncode == 0 and "--json" in words:
        json.loads(result.stdout)
