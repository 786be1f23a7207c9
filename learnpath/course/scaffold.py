"""`learnpath new ID "Title"`: the files of a new section, each a working first draft to replace.

What it writes is the smallest section `learnpath check --run` proves sound:
an overview with the parts docs/authoring.md asks for, an experiment whose
main() returns its numbers, a one-question quiz, and a one-task exercise with
its checks, reference, pristine starter copy and a mutant the checks catch.
Every file says what to replace; `learnpath check --strict` then holds the
section to the full standard. It never overwrites: an id or a folder that
exists already is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from learnpath.catalog import CURRICULUM_DIR, PHASE_FOLDER, Catalog
from learnpath.errors import CatalogError

SECTION_ID = re.compile(r"(?P<phase>[1-9]\d*)\.(?P<number>[1-9]\d*)")
SOLUTIONS_DIR = "solutions"  # mirrors curriculum/ (exercises/files.py reads it the same way)

OVERVIEW = """\
# {title}

One paragraph: what the learner will be able to do after this section, and why it matters.
(`learnpath next` shows this paragraph as the section's summary.)

## The idea

Explain the idea in your own words, then the maths, then the library code that does it
(name the file and the function in learnpath/nn/ the learner can read).

## Your turn

What each task of exercise.py asks, and how to check it: `learnpath exercise {id}`.

## Try this

- A change to experiment.py, and what the learner should see when they make it.

## Key takeaways

- One sentence per thing to remember.

## Further reading

- A source worth the learner's time, and what to read it for.
"""

EXPERIMENT = '''\
"""{title}: what this experiment shows, in one sentence.

Run it alone (python experiment.py) or with `learnpath run {id}`; main() returns
the numbers the overview quotes, so tests/curriculum can check each claim.
"""


def main() -> dict:
    """Compute the section's numbers and print what they show."""
    answer = 6 * 7  # replace with the experiment itself
    print(f"the answer is {{answer}}")
    return {{"answer": answer}}


if __name__ == "__main__":
    main()
'''

QUIZ = """\
# The quiz of {id}: 8-12 questions of at least three types (docs/authoring.md, docs/quiz-format.md)
questions:
  - id: first-question
    type: single
    prompt: "Replace with a question that makes the learner predict, compute or explain."
    choices:
      a: "The right answer"
      b: {{text: "A tempting wrong answer", why: "What picking it says about the learner's model"}}
    answer: a
    explanation: "Why the right answer is right, in two or three sentences."
    hints: ["The gentlest nudge toward it."]
"""

STARTER = '''\
"""Exercise {id}: {title}.

Replace this task with the heart of the section, written by the learner.
"""


def answer() -> int:
    """The answer to the section's question: answer() is 42."""
    # TODO: return the answer
    raise NotImplementedError("answer")
'''

REFERENCE = STARTER.replace('''    # TODO: return the answer
    raise NotImplementedError("answer")''', "    return 42")

CHECKS = '''\
from learnpath.exercises import expect_equal, task


@task("answer", "The answer", hints=["What does the docstring say answer() gives?"])
def check_answer(ex):
    expect_equal(ex.answer(), 42, what="answer()")
'''

MUTANTS = """\
- task: answer
  name: off by one
  replace: "return 42"
  with: "return 41"
"""


@dataclass(frozen=True)
class Scaffold:
    """Where the new section's files went."""

    section_id: str
    folder: Path  # curriculum/Phase_N/Section_M_Words
    files: tuple[Path, ...]  # every file written, in the order written


def folder_words(title: str) -> str:
    """The words of a folder name from a title: "Value Objects: numbers" -> "Value_Objects"."""
    head = title.split(":", 1)[0]
    words = re.findall(r"[A-Za-z0-9]+", head)[:4]
    return "_".join(word[:1].upper() + word[1:] for word in words)


def scaffold_section(catalog: Catalog, section_id: str, title: str) -> Scaffold:
    """Write the files of section `section_id` titled `title`; CatalogError if it can't be new."""
    match = SECTION_ID.fullmatch(section_id.strip())
    if not match:
        raise CatalogError(f"{section_id!r} is not a new section's id",
                           fix="Use the form N.M, e.g. learnpath new 5.1 \"Diffusion\"")
    title = " ".join(title.split())
    words = folder_words(title)
    if not words:
        raise CatalogError("the title has no letters or digits to name the folder by",
                           fix='Give a title in words, e.g. "Backward Pass"')
    phase, number = int(match["phase"]), int(match["number"])
    taken = [s for s in catalog.sections if s.id == f"{phase}.{number}"]
    if taken:
        raise CatalogError(f"section {taken[0].id} exists already", path=taken[0].path,
                           fix="Pick a number no section of that phase uses; `learnpath list` shows them")
    phase_folder = _phase_folder(catalog, phase)
    folder = phase_folder / f"Section_{number}_{words}"
    solutions = catalog.root / SOLUTIONS_DIR / folder.relative_to(catalog.curriculum)
    for place in (folder, solutions):
        if place.exists():
            raise CatalogError(f"{place} exists already", path=place,
                               fix="Move it away, or pick another number or title")
    values = {"id": f"{phase}.{number}", "title": title}
    files = []
    if not (phase_folder / "README.md").exists():
        files.append(_write(phase_folder / "README.md",
                            f"# Phase {phase}: the phase's title\n\nWhat the phase builds, in one paragraph.\n"))
    for name, template in (("overview.md", OVERVIEW), ("experiment.py", EXPERIMENT), ("quiz.yaml", QUIZ),
                           ("exercise.py", STARTER), ("exercise_checks.py", CHECKS)):
        files.append(_write(folder / name, template.format(**values)))
    for name, template in (("exercise.py", REFERENCE), ("starter.py", STARTER), ("mutants.yaml", MUTANTS)):
        files.append(_write(solutions / name, template.format(**values)))
    return Scaffold(values["id"], folder, tuple(files))


def _phase_folder(catalog: Catalog, phase: int) -> Path:
    """The folder of phase `phase`: the existing one (Phase_1 or Phase_01), else a new Phase_N."""
    curriculum = catalog.root / CURRICULUM_DIR
    if curriculum.is_dir():
        for child in sorted(curriculum.iterdir()):
            found = PHASE_FOLDER.fullmatch(child.name)
            if found and int(found.group(1)) == phase and child.is_dir():
                return child
    return curriculum / f"Phase_{phase}"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as out:  # "x": never over a file that is there
        out.write(text)
    return path
