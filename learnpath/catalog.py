"""Finds the course on disk: its root folder, its phases and sections, in order.

The curriculum is a plain folder tree, so the catalog is rebuilt from the file
names every time the tool starts:

    curriculum/Phase_1/README.md                      "# Phase 1: ..." is the phase title
    curriculum/Phase_1/Section_2_Backward_Pass/       section "1.2", also "backward-pass"
        overview.md                                   "# ..." is the section title
        experiment.py
        quiz.yaml

Only the first heading of each overview is read here, because `learnpath list`
must stay fast on a course of a thousand sections.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from learnpath.errors import CatalogError

CURRICULUM_DIR = "curriculum"
PROGRESS_FILE = "PROGRESS.md"
ROOT_ENV_VAR = "LEARNPATH_ROOT"

PHASE_FOLDER = re.compile(r"Phase_(\d+)")
SECTION_FOLDER = re.compile(r"Section_(\d+)_(\w+)")
# what a learner may type as an id: "1.2" or "backward-pass"
ID_SHAPE = re.compile(r"\d+\.\d+|[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Section:
    """One section of the course: a folder with an overview, an experiment, a quiz, maybe an exercise."""

    id: str  # "1.2": phase number, dot, section number
    phase: int
    number: int
    slug: str  # "backward-pass": the folder's words, also accepted as an id
    title: str  # first "# " heading of overview.md
    path: Path  # the section folder
    phase_title: str  # first "# " heading of the phase README

    @property
    def overview(self) -> Path:
        return self.path / "overview.md"

    @property
    def experiment(self) -> Path:
        return self.path / "experiment.py"

    @property
    def quiz(self) -> Path:
        return self.path / "quiz.yaml"

    @property
    def exercise(self) -> Path:
        return self.path / "exercise.py"

    @property
    def has_exercise(self) -> bool:
        """Whether the section has an exercise: an exercise.py in its folder (optional)."""
        try:
            return self.exercise.is_file()
        except OSError:
            return False


@dataclass(frozen=True)
class Catalog:
    """Every section of the course under `root`, in study order."""

    root: Path
    sections: tuple[Section, ...]

    @property
    def curriculum(self) -> Path:
        return self.root / CURRICULUM_DIR

    @property
    def progress_path(self) -> Path:
        return self.root / PROGRESS_FILE

    def phases(self) -> list[tuple[int, str, list[Section]]]:
        """(phase number, phase title, its sections) for every phase that has sections."""
        grouped: dict[int, tuple[str, list[Section]]] = {}
        for section in self.sections:
            grouped.setdefault(section.phase, (section.phase_title, []))[1].append(section)
        return [(number, title, sections) for number, (title, sections) in grouped.items()]

    def resolve(self, ident: str) -> Section:
        """The section named by `ident` ("1.2" or "backward-pass").

        Anything that could climb out of the curriculum ("..", "/") is refused
        before it is looked up, and an unknown id suggests the nearest real one.
        """
        ident = ident.strip()
        shown = repr(ident) if len(ident) <= 40 else repr(ident[:37] + "...")  # one short line
        if ".." in ident or "/" in ident or "\\" in ident or not ID_SHAPE.fullmatch(ident):
            raise CatalogError(
                f"{shown} is not a section id",
                fix="Use an id like 1.2 or a name like value-objects; `learnpath list` shows them all",
            )
        for section in self.sections:
            if ident in (section.id, section.slug):
                return section
        import difflib

        known = [s.id for s in self.sections] + [s.slug for s in self.sections]
        close = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]}? " if close else ""
        raise CatalogError(
            f"no section {shown} in {self.curriculum}",
            fix=f"{hint}Run `learnpath list` to see every section",
        )


def find_root(start: Path | str | None = None, override: Path | str | None = None) -> Path:
    """The folder that holds `curriculum/`.

    `override` (from --root) wins, then the LEARNPATH_ROOT variable; otherwise
    walk up from `start` (the current directory) to the first folder holding
    a curriculum, the way git finds its repository.
    """
    chosen = override if override is not None else os.environ.get(ROOT_ENV_VAR) or None
    if chosen is not None:
        source = "--root" if override is not None else ROOT_ENV_VAR
        root = _resolved(Path(chosen), f"the folder given by {source}")
        if not _has_curriculum(root):
            inside = root.name == CURRICULUM_DIR and _has_curriculum(root.parent)
            raise CatalogError(
                f"{root} has no {CURRICULUM_DIR}/ folder (given by {source})",
                fix=f"Point it at {root.parent}, the folder that holds it" if inside
                else "Point it at the folder of the course repository",
            )
        return root
    if start is None:
        try:
            start = Path.cwd()
        except OSError:  # the folder we were started in was deleted (or moved) since
            raise CatalogError(
                "the current folder no longer exists (it was deleted or moved)",
                fix=f"cd into the course repository, or pass --root DIR or set {ROOT_ENV_VAR}",
            ) from None
    here = _resolved(Path(start), "the current folder")
    for folder in (here, *here.parents):
        if _has_curriculum(folder):
            return folder
    raise CatalogError(
        f"no {CURRICULUM_DIR}/ folder in {here} or any folder above it",
        fix=f"cd into the course repository, or pass --root DIR or set {ROOT_ENV_VAR}",
    )


def _resolved(path: Path, what: str) -> Path:
    """`path` with ~ expanded and links followed; CatalogError for an unknown user or a link loop."""
    try:
        return path.expanduser().resolve()
    except RuntimeError as error:  # ~nosuchuser, or a symlink loop (Python 3.10-3.12)
        reason = ("names a user this system doesn't have" if str(path).startswith("~")
                  else "is a loop of symbolic links")
        raise CatalogError(f"{what}, {path}, {reason}", fix="Give the course folder's real path") from error
    except OSError as error:  # a symlink loop (Python 3.13+), a name too long
        raise CatalogError(f"{what}, {path}, can't be followed ({error.strerror or error})",
                           fix="Give the course folder's real path") from None


def _has_curriculum(folder: Path) -> bool:
    try:
        return (folder / CURRICULUM_DIR).is_dir()
    except OSError:  # e.g. a name too long for the file system: no course there
        return False


def load_catalog(root: Path | str) -> Catalog:
    """Every section under root/curriculum, ordered by phase then section number.

    Folders whose names don't follow the pattern are skipped here;
    `learnpath check` reports them to the author.
    """
    root = Path(root)
    sections: list[Section] = []
    for phase_number, phase_dir in _numbered_folders(root / CURRICULUM_DIR, PHASE_FOLDER):
        phase_title = first_heading(phase_dir / "README.md") or f"Phase {phase_number}"
        for number, section_dir in _numbered_folders(phase_dir, SECTION_FOLDER):
            words = SECTION_FOLDER.fullmatch(section_dir.name).group(2)
            sections.append(
                Section(
                    id=f"{phase_number}.{number}",
                    phase=phase_number,
                    number=number,
                    slug=slug_of(words),
                    title=first_heading(section_dir / "overview.md") or words.replace("_", " "),
                    path=section_dir,
                    phase_title=phase_title,
                )
            )
    return Catalog(root=root, sections=tuple(sections))


def slug_of(words: str) -> str:
    """"Value_Objects" -> "value-objects"."""
    return "-".join(part for part in words.lower().split("_") if part)


def first_heading(path: Path) -> str | None:
    """The text of the first "# " heading of a Markdown file, None if missing."""
    found = _find_heading(path)
    return found[1] if found else None


def heading_line(path: Path) -> int | None:
    """The line number of the first "# " heading, None if there is none (or no file)."""
    found = _find_heading(path)
    return found[0] if found else None


def summary(section: Section) -> str:
    """The overview's first paragraph after its title: what the learner will be able to do."""
    lines = _overview_lines(section.overview)
    if lines is None:  # missing or unreadable: `learnpath check` says which
        return ""
    paragraph: list[str] = []
    seen_title = False
    for line in lines:
        text = line.strip()
        if not seen_title:
            seen_title = text.startswith("# ")
            continue
        if text:
            paragraph.append(text)
        elif paragraph:
            break
    return " ".join(paragraph)


def _overview_lines(path: Path) -> list[str] | None:
    """The lines of a Markdown file, or None if it is missing, unreadable, not a plain file or huge."""
    from learnpath.files import NotReadable, read_capped

    try:
        return read_capped(path, "overview").decode("utf-8").splitlines()
    except (NotReadable, UnicodeDecodeError):
        return None


def _find_heading(path: Path) -> tuple[int, str] | None:
    for number, line in enumerate(_overview_lines(path) or (), start=1):
        if line.startswith("# "):
            return number, line[2:].strip()
    return None


def _numbered_folders(parent: Path, pattern: re.Pattern[str]) -> list[tuple[int, Path]]:
    """Sub-folders whose names match `pattern`, sorted by their number (so 10 comes after 9)."""
    try:
        entries = list(os.scandir(parent))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:  # there, but not ours to read
        raise CatalogError(f"can't read the folder {parent} ({error.strerror})",
                           fix="Check its permissions (chmod u+rx)") from None
    found = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_dir():
            found.append((int(match.group(1)), Path(entry.path)))
    found.sort(key=lambda item: (item[0], item[1].name))
    return found
