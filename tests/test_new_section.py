"""`learnpath new ID "Title"`: first drafts of every file of a section, proven sound, and its PROGRESS.md lines."""

from __future__ import annotations

from learnpath.catalog import load_catalog
from learnpath.course.check import check_curriculum
from learnpath.exercises.verify import verify_exercise
from learnpath.record.progress import read_progress


def test_a_new_section_is_a_sound_section_with_its_lines_in_progress(course, cli):
    """The drafts pass `check`, the exercise is proven (starter not started, reference passes,
    the mutant fails), the experiment runs and ticks, and PROGRESS.md lists the new section."""
    result = cli(course, "new", "2.2", "Loss Functions: how wrong, exactly")
    assert result.exit_code == 0, result.stderr
    folder = course / "curriculum" / "Phase_2" / "Section_2_Loss_Functions"
    assert f"Section 2.2 started in {folder.relative_to(course)}" in result.stdout
    catalog = load_catalog(course)
    section = catalog.resolve("2.2")
    assert section.title == "Loss Functions: how wrong, exactly" and section.path == folder
    assert section.has_exercise
    assert read_progress(catalog.progress_path, catalog.sections)["2.2"].exercise is False
    assert "- [ ] 2.2 Loss Functions: how wrong, exactly\n  - [ ] experiment\n  - [ ] exercise\n" \
        in catalog.progress_path.read_text()
    assert [p for p in check_curriculum(catalog) if "Section_2_Loss" in str(p)] == []
    assert verify_exercise(catalog, section, run=True) == []
    assert cli(course, "run", "2.2").exit_code == 0


def test_a_new_phase_gets_its_folder_and_readme(course, cli):
    """A section of a phase the course lacks starts the phase too."""
    assert cli(course, "new", "3.1", "Tensors").exit_code == 0
    assert (course / "curriculum" / "Phase_3" / "README.md").is_file()
    assert load_catalog(course).resolve("3.1").phase == 3


def test_an_existing_id_or_a_bad_one_is_refused_and_nothing_is_written(course, cli):
    """`new` never overwrites: an id in use, or one not shaped N.M, is one line and exit 2."""
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    taken = cli(course, "new", "1.2", "Another Backward Pass")
    assert taken.exit_code == 2 and "section 1.2 exists already" in taken.stderr
    bad = cli(course, "new", "one", "Title")
    assert bad.exit_code == 2 and "is not a new section's id" in bad.stderr
    wordless = cli(course, "new", "2.5", "?!")
    assert wordless.exit_code == 2 and "no letters or digits" in wordless.stderr
    assert sorted(p.relative_to(course) for p in course.rglob("*")) == before


def test_the_first_section_of_a_new_phase_lands_in_progress(course, cli):
    """`new 5.1` in a course with no Phase 5 yet: its heading and its four lines are added."""
    result = cli(course, "new", "5.1", "Diffusion")
    assert result.exit_code == 0, result.stderr
    text = (course / "PROGRESS.md").read_text()
    assert "## Phase 5" in text and "- [ ] 5.1 Diffusion\n  - [ ] experiment\n  - [ ] exercise\n  - [ ] quiz" in text


def test_a_progress_file_that_cannot_take_the_section_leaves_no_half_made_section(course, cli):
    """When PROGRESS.md can't be written, the drafts just written are taken back again."""
    assert cli(course, "run", "1.1").exit_code == 0  # PROGRESS.md exists now
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    (course / "PROGRESS.md").chmod(0o444)
    try:
        result = cli(course, "new", "5.1", "Diffusion")
    finally:
        (course / "PROGRESS.md").chmod(0o644)
    assert result.exit_code != 0
    assert sorted(p.relative_to(course) for p in course.rglob("*")) == before
