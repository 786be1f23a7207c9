"""`learnpath list` and `learnpath next`: where the learner stands, in text and in JSON."""

from __future__ import annotations

import json

from learnpath.catalog import load_catalog
from learnpath.record.progress import QuizMark, Step, record_quiz, tick


def _tick(root, section_id, experiment=True, quiz=None):
    catalog = load_catalog(root)
    if experiment:
        tick(catalog.progress_path, catalog.sections, section_id, Step.EXPERIMENT)
    if quiz:
        record_quiz(catalog.progress_path, catalog.sections, section_id, QuizMark(*quiz))


def test_list_json_has_every_section_and_the_documented_keys(course, cli):
    """--json gives one object per section with id, title, phase, path, experiment, quiz, done."""
    result = cli(course, "list", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == ["1.1", "1.2", "2.1"]
    first = rows[0]
    assert {"id", "title", "phase", "path", "experiment", "quiz", "done"} <= set(first)
    assert first == {
        "id": "1.1",
        "slug": "value-objects",
        "title": "Value objects",
        "phase": 1,
        "phase_title": "Phase 1: Things To Learn 1",
        "path": "curriculum/Phase_1/Section_1_Value_Objects",
        "experiment": False,
        "quiz": None,
        "done": False,
        "exercise": None,
        "best_attempt": None,
        "exercise_runs": 0,
        "best_exercise_run": None,
    }


def test_list_reflects_ticks_and_best_score(course, cli):
    """A run experiment and a passed quiz show as ticks, the score, and done."""
    _tick(course, "1.1", quiz=(9, 10, "2026-01-02"))
    _tick(course, "1.2")
    rows = {row["id"]: row for row in json.loads(cli(course, "list", "--json").stdout)}
    assert rows["1.1"]["quiz"] == {"score": 9, "total": 10, "passed": True, "date": "2026-01-02"}
    assert rows["1.1"]["done"] is True
    assert rows["1.2"]["experiment"] is True and rows["1.2"]["done"] is False
    text = cli(course, "list").stdout
    assert "Phase 1: Things To Learn 1  (1 of 2 done)" in text
    assert "9/10 ✓" in text
    assert "Phase 2: Things To Learn 2  (0 of 1 done)" in text


def test_list_phase_filters_and_unknown_phase_is_usage_error(course, cli):
    """--phase N keeps one phase; a phase that doesn't exist is exit 2 naming the real ones."""
    rows = json.loads(cli(course, "list", "--phase", "2", "--json").stdout)
    assert [row["id"] for row in rows] == ["2.1"]
    bad = cli(course, "list", "--phase", "7")
    assert bad.exit_code == 2
    assert "no phase 7" in bad.stderr and "Phases are 1, 2" in bad.stderr


def test_list_does_not_create_progress_file(course, cli):
    """Looking is read-only: list and next never write PROGRESS.md."""
    cli(course, "list")
    cli(course, "next")
    assert not (course / "PROGRESS.md").exists()


def test_next_shows_title_summary_and_exact_commands(course, cli):
    """next names the first unfinished section, its first paragraph, and the commands to type."""
    result = cli(course, "next")
    assert result.exit_code == 0
    out = result.stdout
    assert "Next: 1.1  Value objects" in out
    assert "After this section you can do a thing you could not before. It continues" in out
    for command in ("learnpath show 1.1", "learnpath run 1.1", "learnpath quiz 1.1"):
        assert command in out


def test_next_json_lists_only_the_steps_left(course, cli):
    """Once the experiment is ticked, only the quiz step remains in the JSON."""
    _tick(course, "1.1")
    data = json.loads(cli(course, "next", "--json").stdout)
    assert data["id"] == "1.1"
    assert data["title"] == "Value objects"
    assert data["summary"].startswith("After this section")
    assert data["steps"] == [
        {"step": "quiz", "what": "Take the quiz", "command": "learnpath quiz 1.1"}
    ]


def test_next_moves_on_and_says_when_all_is_done(course, cli):
    """next skips finished sections; with all done it says so, exits 0, and JSON has id null."""
    _tick(course, "1.1", quiz=(5, 5, "2026-01-01"))
    assert json.loads(cli(course, "next", "--json").stdout)["id"] == "1.2"
    for section_id in ("1.2", "2.1"):
        _tick(course, section_id, quiz=(5, 5, "2026-01-01"))
    result = cli(course, "next")
    assert result.exit_code == 0
    assert "Every one of the 3 sections is done" in result.stdout
    assert json.loads(cli(course, "next", "--json").stdout) == {
        "id": None, "course": {"done": 3, "total": 3}}


def test_next_after_the_last_section_looks_back_on_the_whole_course(course, cli):
    """The end: congratulations, every phase with its sections and the learner's own scores,
    and where to go from here (review, the last experiment, PyTorch, papers)."""
    for section_id, score in (("1.1", 5), ("1.2", 4.5), ("2.1", 14 / 3)):
        _tick(course, section_id, quiz=(score, 5, "2026-01-01"))
    out = cli(course, "next").stdout
    assert "the course is complete" in out and "Course: 3 of 3 sections done (100%)" in out
    assert "Phase 1: Things To Learn 1" in out and "Phase 2" in out
    assert "1.1  Value objects  (5/5)" in out and "(4.5/5)" in out and "(4.6/5)" in out
    assert "learnpath review" in out and "learnpath run 2.1" in out
    assert "PyTorch" in out and "Attention Is All You Need" in out


def test_list_and_next_show_the_whole_course_progress(course, cli):
    """Sections done out of every section, under the tables and above the next section."""
    _tick(course, "1.1", quiz=(5, 5, "2026-01-01"))
    assert "Course: 1 of 3 sections done (33%)" in cli(course, "list").stdout
    assert "Course: 1 of 3 sections done (33%)" in cli(course, "list", "--phase", "2").stdout
    assert "Course: 1 of 3 sections done (33%)" in cli(course, "next").stdout
    assert json.loads(cli(course, "next", "--json").stdout)["course"] == {"done": 1, "total": 3}


def test_list_shows_a_failed_best_score(course, cli, tmp_path):
    """A quiz taken and failed shows its best score with a cross, not a bare dot, in the table
    and as `best_attempt` in JSON; a later pass shows the passing score with a tick."""
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("leaf-grad: b\npick-ops: [a, b]\nslope: 5\nrule-name: no\norder-steps: [a, b, c]\n")
    worse = tmp_path / "worse.yaml"
    worse.write_text("leaf-grad: a\n")
    cli(course, "quiz", "1.1", "--answers", str(wrong))
    cli(course, "quiz", "1.1", "--answers", str(worse))
    row = next(line for line in cli(course, "list").stdout.splitlines() if "Value objects" in line)
    assert "3/5 ✗" in row
    best = json.loads(cli(course, "list", "--json").stdout)[0]["best_attempt"]
    assert best["score"] == 3 and best["total"] == 5 and best["passed"] is False


def test_hand_ticked_section_counts_as_done(course, cli):
    """A section box the learner ticks by hand moves next on, as the issue asks."""
    catalog = load_catalog(course)
    from learnpath.record.progress import ensure_progress

    ensure_progress(catalog.progress_path, catalog.sections)
    text = catalog.progress_path.read_text()
    catalog.progress_path.write_text(text.replace("- [ ] 1.1", "- [x] 1.1", 1))
    assert json.loads(cli(course, "next", "--json").stdout)["id"] == "1.2"


def test_broken_progress_file_is_one_line_exit_2(course, cli):
    """A mangled PROGRESS.md stops list with file:line on stderr, not a traceback."""
    catalog = load_catalog(course)
    from learnpath.record.progress import ensure_progress

    ensure_progress(catalog.progress_path, catalog.sections)
    text = catalog.progress_path.read_text()
    catalog.progress_path.write_text(text.replace("- [ ] 1.1", "- [?] 1.1", 1))
    result = cli(course, "list")
    assert result.exit_code == 2
    assert "PROGRESS.md:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_empty_curriculum_is_not_an_error(tmp_path, cli):
    """A course with no sections yet says so and exits 0."""
    (tmp_path / "curriculum").mkdir()
    result = cli(tmp_path, "list")
    assert result.exit_code == 0 and "No sections yet" in result.stdout
    assert json.loads(cli(tmp_path, "next", "--json").stdout) == {
        "id": None, "course": {"done": 0, "total": 0}}
