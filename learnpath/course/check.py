"""`learnpath check`: everything an author can get wrong in the curriculum, found at once.

Each problem is a LearnpathError carrying its file and line, so the command
prints them as `file:line: message` and the author can jump straight there.
Unlike the rest of the tool, which stops at the first problem, this collects
every one it can find.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable

from learnpath.catalog import (
    CURRICULUM_DIR,
    PHASE_FOLDER,
    SECTION_FOLDER,
    Catalog,
    Section,
    heading_line,
    summary,
)
from learnpath.errors import CatalogError, LearnpathError

SECTION_FILES = ("overview.md", "experiment.py", "quiz.yaml")


def check_curriculum(
    catalog: Catalog,
    *,
    run: bool = False,
    strict: bool = False,
    timeout: float = 120.0,
    on_run: Callable[[str], None] | None = None,
) -> list[LearnpathError]:
    """Every problem in the curriculum, in folder order; an empty list means it is sound.

    Each exercise is checked too (see learnpath/exercises/verify.py); with
    `run`, its checks are also run to prove the starter is "not started", the
    reference passes and every mutant fails. With `run`, each experiment is
    also run (output captured) and must succeed within `timeout` seconds; `on_run` is told which one is running. With
    `strict`, each section is also held to the course's own rules for what a
    section contains (docs/authoring.md; the numbers are below).
    """
    problems = _stray_folders(catalog.root / CURRICULUM_DIR)
    problems += _phase_titles(catalog)
    problems += _duplicate_ids(catalog)
    for section in catalog.sections:
        if not os.access(section.path, os.R_OK | os.X_OK):
            problems.append(CatalogError("the section folder can't be read", path=section.path,
                                         fix="Check its permissions (chmod u+rx)"))
            continue
        problems += _section_problems(section)
        if section.has_exercise:
            from learnpath.exercises.verify import verify_exercise

            if run and on_run is not None:
                on_run(f"proving the exercise of {section.id} (starter, reference, mutants)")
            problems += verify_exercise(catalog, section, run=run)
        if strict:
            problems += _content_problems(section)
        if run and section.experiment.is_file():
            if on_run is not None:
                on_run(f"running {relative_where(section.experiment, catalog.root)}")
            problems += _run_problems(catalog, section, timeout)
    return problems


def relative_where(path: Path | None, root: Path) -> str:
    """A path as the author sees it from the course folder; absolute if it is elsewhere."""
    if path is None:
        return ""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _stray_folders(curriculum: Path) -> list[LearnpathError]:
    """Folders the catalog skips because of their names: surely a typo, so say so."""
    problems: list[LearnpathError] = []
    if not curriculum.is_dir():
        return [CatalogError("the curriculum folder is missing", path=curriculum,
                             fix="Create curriculum/Phase_1/Section_1_Some_Title/")]
    for phase_dir in sorted(_folders(curriculum)):
        if not PHASE_FOLDER.fullmatch(phase_dir.name):
            problems.append(CatalogError(
                f"folder {phase_dir.name!r} is not a phase and is skipped", path=phase_dir,
                fix="Name phase folders Phase_N, e.g. Phase_1"))
            continue
        for section_dir in sorted(_folders(phase_dir)):
            if not SECTION_FOLDER.fullmatch(section_dir.name):
                problems.append(CatalogError(
                    f"folder {section_dir.name!r} is not a section and is skipped", path=section_dir,
                    fix="Name section folders Section_M_Title_Words, e.g. Section_1_Value_Objects"))
    return problems


def _folders(parent: Path) -> list[Path]:
    return [
        Path(entry.path)
        for entry in os.scandir(parent)
        if entry.is_dir() and not entry.name.startswith((".", "_"))
    ]


def _phase_titles(catalog: Catalog) -> list[LearnpathError]:
    problems: list[LearnpathError] = []
    for phase_dir in sorted({section.path.parent for section in catalog.sections}):
        readme = phase_dir / "README.md"
        if not readme.is_file():
            problems.append(CatalogError("the phase README.md is missing", path=readme,
                                         fix="Add one whose first line is `# Phase N: Title`"))
        elif heading_line(readme) is None:
            problems.append(CatalogError("the phase README.md has no `# ` title", path=readme, line=1,
                                         fix="Start it with `# Phase N: Title`"))
    return problems


def _duplicate_ids(catalog: Catalog) -> list[LearnpathError]:
    """Two folders with the same number (or the same words) would answer to one id."""
    by_name: dict[str, list[Section]] = defaultdict(list)
    for section in catalog.sections:
        by_name[section.id].append(section)
        if section.slug != section.id:
            by_name[section.slug].append(section)
    problems: list[LearnpathError] = []
    for name, sections in by_name.items():
        if len(sections) > 1:
            others = ", ".join(s.path.name for s in sections[1:])
            problems.append(CatalogError(
                f"section id {name!r} is shared with {others}", path=sections[0].path,
                fix="Give each section its own number and folder words"))
    return problems


def _section_problems(section: Section) -> list[LearnpathError]:
    from learnpath.quiz.file import find_problems

    problems: list[LearnpathError] = []
    for name in SECTION_FILES:
        if not (section.path / name).is_file():
            problems.append(CatalogError(f"section {section.id} has no {name}", path=section.path / name,
                                         fix=f"Add {name} (docs/authoring.md says what it holds)"))
    if section.overview.is_file():
        problems += _overview_problems(section)
    if section.quiz.is_file():
        problems += find_problems(section.quiz)
    return problems


def _overview_problems(section: Section) -> list[LearnpathError]:
    """What would keep `learnpath list` and `next` from showing the title and first paragraph."""
    path = section.overview
    try:
        data = path.read_bytes()
    except OSError as error:
        return [CatalogError(f"overview.md can't be read ({error.strerror})", path=path,
                             fix="Check its permissions (chmod u+r)")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [CatalogError("overview.md is not UTF-8 text", path=path,
                             line=data[: error.start].count(b"\n") + 1, fix="Save it as UTF-8")]
    if heading_line(path) is None:
        return [CatalogError("overview.md has no `# ` title", path=path, line=1,
                             fix="Start it with `# Section title`")]
    if not summary(section):
        return [CatalogError(
            "overview.md has no paragraph after its title", path=path, line=heading_line(path),
            fix="Add a first paragraph saying what the learner will be able to do "
            "(`learnpath next` shows it)")]
    return []


def _run_problems(catalog: Catalog, section: Section, timeout: float) -> list[LearnpathError]:
    from learnpath.sandbox import RunOutcome, run_script

    try:
        result = run_script(section.experiment, curriculum=catalog.curriculum, timeout=timeout,
                                capture=True)
    except LearnpathError as refused:  # e.g. a link to a script outside the curriculum
        return [refused]
    if result.outcome is RunOutcome.SUCCEEDED:
        return []
    if result.outcome is RunOutcome.INTERRUPTED:
        # Ctrl-C stops the whole check, not just this experiment (which is stopped already)
        raise KeyboardInterrupt
    last_lines = [line for line in (result.output or "").splitlines() if line.strip()][-1:]
    said = f": {last_lines[0].strip()}" if last_lines else ""
    if result.outcome is RunOutcome.TIMED_OUT:
        message = f"experiment {section.id} took longer than {timeout:g} s{said}"
        fix = "Make it faster (docs/authoring.md asks for at most 15 s)"
    else:
        message = f"experiment {section.id} failed with exit code {result.exit_code}{said}"
        fix = f"Run `learnpath run {section.id}` to see all its output"
    return [LearnpathError(message, path=section.experiment, fix=fix)]


# What docs/authoring.md asks of every section of this course, as far as a program can
# tell. Other courses built with learnpath may choose other numbers, so these
# rules apply only with `learnpath check --strict`.
OVERVIEW_WORDS = (1000, 2500)
QUIZ_QUESTIONS = (8, 12)
QUIZ_MIN_TYPES = 3
OVERVIEW_PARTS = (
    (re.compile(r"^#+ .*try this", re.I | re.M), "\"Try this\" heading"),
    (re.compile(r"^#+ .*takeaway", re.I | re.M), "\"Key takeaways\" heading"),
    (re.compile(r"^#+ .*further reading", re.I | re.M), "\"Further reading\" heading"),
)


YOUR_TURN = re.compile(r"^#+ .*your turn", re.I | re.M)


def _your_turn_problems(section: Section, text: str) -> list[LearnpathError]:
    """A section with an exercise introduces it in a "Your turn" part that says how to run it."""
    if not YOUR_TURN.search(text):
        return [LearnpathError(
            "overview.md has no \"Your turn\" heading, though the section has an exercise",
            path=section.overview,
            fix="Add one that says what each task asks and how to run `learnpath exercise "
            f"{section.id}`")]
    if f"learnpath exercise {section.id}" not in text:
        return [LearnpathError(
            f"overview.md never shows the command `learnpath exercise {section.id}`",
            path=section.overview, fix="Say how to run the exercise in its \"Your turn\" part")]
    return []


# `show` crops code and diagrams at the screen's edge (re-wrapping would break them), so
# they must fit the 80-column terminal a learner most often has, less Rich's padding
CODE_COLUMNS = 78


def _wide_code_problems(section: Section, text: str) -> list[LearnpathError]:
    """Lines of a fenced code block or diagram in overview.md wider than CODE_COLUMNS."""
    problems, fence = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = re.match(r"\s*(```|~~~)", line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            continue
        if fence and len(line.expandtabs(4)) > CODE_COLUMNS:
            problems.append(LearnpathError(
                f"a code or diagram line is {len(line.expandtabs(4))} columns wide, more than "
                f"{CODE_COLUMNS} columns", path=section.overview, line=number,
                fix="Shorten it or split it: `show` crops code at the screen's edge"))
    return problems


def _content_problems(section: Section) -> list[LearnpathError]:
    """Where a section falls short of docs/authoring.md: length, parts, main(), and the quiz
rules (size and variety, hints, and quizlint's rules against gaming and leaning)."""
    from learnpath.quiz.file import load_quiz
    from learnpath.course.quizlint import lint_quiz

    problems: list[LearnpathError] = []
    if section.overview.is_file():
        text = section.overview.read_text(encoding="utf-8", errors="replace")
        words = len(re.findall(r"\w+", text))
        low, high = OVERVIEW_WORDS
        if not low <= words <= high:
            problems.append(LearnpathError(
                f"overview.md has {words} words", path=section.overview,
                fix=f"docs/authoring.md asks for roughly {low:,} to {high:,}"))
        for pattern, part in OVERVIEW_PARTS:
            if not pattern.search(text):
                problems.append(LearnpathError(
                    f"overview.md has no {part}", path=section.overview,
                    fix="Add it (docs/authoring.md lists the parts of an overview in order)"))
        if section.has_exercise:
            problems += _your_turn_problems(section, text)
        problems += _wide_code_problems(section, text)
    if section.experiment.is_file():
        code = section.experiment.read_text(encoding="utf-8", errors="replace")
        if not re.search(r"^def main\(", code, re.M):
            problems.append(LearnpathError(
                "experiment.py has no top-level main()", path=section.experiment,
                fix="Define main() returning the figures the overview claims; tests import it"))
    if section.quiz.is_file():
        try:
            quiz = load_quiz(section.quiz)
        except LearnpathError:
            return problems  # the format problem is already reported by _section_problems
        low, high = QUIZ_QUESTIONS
        if not low <= len(quiz.questions) <= high:
            problems.append(LearnpathError(
                f"quiz.yaml has {len(quiz.questions)} questions", path=section.quiz,
                fix=f"docs/authoring.md asks for {low} to {high}"))
        types = {question.type for question in quiz.questions}
        if len(types) < QUIZ_MIN_TYPES:
            problems.append(LearnpathError(
                f"quiz.yaml uses {len(types)} question type(s)", path=section.quiz,
                fix=f"Use at least {QUIZ_MIN_TYPES} of single, multiple, numeric, text, order"))
        for question in quiz.questions:
            problems += _emphasis_problems(section, question)
            if not question.hints:
                problems.append(LearnpathError(
                    f"question {question.id!r} has no hint", path=section.quiz, line=question.line,
                    fix="Add hints: [\"...\"], gentlest first"))
        problems += [LearnpathError(finding.message, path=section.quiz, line=finding.line, fix=finding.fix)
                     for finding in lint_quiz(quiz)]
    return problems


# Emphasis whose text is more than words is almost always arithmetic that
# Markdown ate: "2.1**3 and 1.9**3" shows as a bold "3 and 1.9" with the
# asterisks gone. Plain emphasis like *other* is fine.
_WORDS_ONLY = re.compile(r"[A-Za-z' -]+")


def _emphasis_problems(section: Section, question) -> list[LearnpathError]:
    """Markdown in a question's texts that would turn arithmetic into italics or bold."""
    from markdown_it import MarkdownIt  # ships with Rich, which renders these texts

    parser = MarkdownIt("commonmark")
    texts = [question.prompt, question.explanation, *question.hints,
             *(text for _, text in question.choices), *(why for _, why in question.whys)]
    problems: list[LearnpathError] = []
    for text in texts:
        html = parser.render(str(text))
        for _, inner in re.findall(r"<(em|strong)>(.*?)</\1>", html, re.S):
            if not _WORDS_ONLY.fullmatch(inner):
                problems.append(LearnpathError(
                    f"question {question.id!r}: Markdown turns {inner!r} into italics or bold",
                    path=section.quiz, line=question.line,
                    fix="Put code and arithmetic in backticks, e.g. `a*b`"))
    return problems
