"""The catalog: finding the course root, its sections in order, and resolving ids."""

from __future__ import annotations

import pytest

from learnpath.catalog import find_root, load_catalog, slug_of, summary
from learnpath.errors import CatalogError


def test_sections_come_in_study_order_with_titles(course):
    """Sections are ordered by phase then number, titled by their overview's heading."""
    catalog = load_catalog(course)
    assert [s.id for s in catalog.sections] == ["1.1", "1.2", "2.1"]
    first = catalog.sections[0]
    assert first.title == "Value objects"
    assert first.slug == "value-objects"
    assert first.phase_title == "Phase 1: Things To Learn 1"
    assert first.path == course / "curriculum" / "Phase_1" / "Section_1_Value_Objects"


def test_numbers_sort_as_numbers_not_text(tmp_path, make_section):
    """Section 10 comes after section 9 and phase 10 after phase 2."""
    for number in (10, 9, 1):
        make_section(tmp_path, 1, number, f"Part_{number}")
    make_section(tmp_path, 10, 1, "Late")
    make_section(tmp_path, 2, 1, "Middle")
    ids = [s.id for s in load_catalog(tmp_path).sections]
    assert ids == ["1.1", "1.9", "1.10", "2.1", "10.1"]


def test_missing_heading_falls_back_to_folder_words(tmp_path, make_section):
    """An overview without a `# ` heading still gives a readable title (check reports it)."""
    folder = make_section(tmp_path, 1, 1, "Value_Objects")
    (folder / "overview.md").write_text("no heading here\n")
    assert load_catalog(tmp_path).sections[0].title == "Value Objects"


def test_summary_is_first_paragraph_after_title(course):
    """`next` shows the overview's first paragraph, joined into one line."""
    section = load_catalog(course).sections[0]
    assert summary(section) == (
        "After this section you can do a thing you could not before. "
        "It continues on a second line."
    )


def test_slug_of_folder_words():
    """Folder words become the lower-case hyphenated name a learner can type."""
    assert slug_of("Value_Objects") == "value-objects"
    assert slug_of("MLP_From_Scratch") == "mlp-from-scratch"


@pytest.mark.parametrize("ident", ["1.2", "backward-pass", " 1.2 "])
def test_resolve_by_id_or_slug(course, ident):
    """A section answers to its N.M id and to its folder words."""
    assert load_catalog(course).resolve(ident).id == "1.2"


def test_unknown_id_suggests_the_closest_and_the_list_command(course):
    """A typo gets the nearest real id and the command that lists them all."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(course).resolve("backwad-pass")
    message = str(caught.value)
    assert "Did you mean backward-pass?" in message
    assert "learnpath list" in message
    assert "\n" not in message


@pytest.mark.parametrize("ident", ["../1.1", "1.1/../../etc", "..", "/etc/passwd", "a\\b"])
def test_ids_that_could_escape_are_refused(course, ident):
    """Anything with `..` or a slash is rejected before it is looked up."""
    with pytest.raises(CatalogError, match="not a section id"):
        load_catalog(course).resolve(ident)


def test_find_root_walks_up_from_a_subfolder(course):
    """Like git, the root is found from any folder inside the course."""
    inside = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects"
    assert find_root(start=inside) == course.resolve()


def test_override_and_environment_win(course, tmp_path, monkeypatch, make_section):
    """--root beats LEARNPATH_ROOT, which beats walking up."""
    other = tmp_path / "other"
    make_section(other, 1, 1, "Only")
    monkeypatch.setenv("LEARNPATH_ROOT", str(other))
    assert find_root(start=course) == other.resolve()
    assert find_root(start=course, override=course) == course.resolve()


def test_no_root_is_one_clear_error(tmp_path, monkeypatch):
    """Outside any course the error says how to point the tool at one."""
    monkeypatch.delenv("LEARNPATH_ROOT", raising=False)
    with pytest.raises(CatalogError) as caught:
        find_root(start=tmp_path)
    assert "--root" in str(caught.value) and "LEARNPATH_ROOT" in str(caught.value)


def test_bad_override_names_its_source(tmp_path):
    """A --root without curriculum/ says which setting was wrong."""
    with pytest.raises(CatalogError, match="--root"):
        find_root(override=tmp_path)


def test_phases_group_sections(course):
    """phases() pairs each phase title with its sections, in order."""
    phases = load_catalog(course).phases()
    assert [(n, [s.id for s in secs]) for n, _, secs in phases] == [(1, ["1.1", "1.2"]), (2, ["2.1"])]
