"""`learnpath check`: every authoring problem listed as file:line, exit 1; a sound course exits 0."""

from __future__ import annotations

import json


def test_sound_course_passes(course, cli):
    """A complete course checks out: exit 0 and a line saying so."""
    result = cli(course, "check")
    assert result.exit_code == 0, result.stdout
    assert "All 3 sections check out" in result.stdout


def test_every_problem_is_listed_with_file_and_line(course, cli, make_section):
    """Missing files, a missing title, a bad answer key and a stray folder all show, exit 1."""
    section = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects"
    (section / "experiment.py").unlink()
    (course / "curriculum" / "Phase_1" / "Section_2_Backward_Pass" / "overview.md").write_text(
        "no title here\n")
    quiz = course / "curriculum" / "Phase_2" / "Section_1_Neurons" / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("    answer: b\n", "    answer: z\n", 1))
    (course / "curriculum" / "Phase_2" / "Secton_2_Typo").mkdir()
    result = cli(course, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "curriculum/Phase_1/Section_1_Value_Objects/experiment.py: section 1.1 has no experiment.py" in out
    assert "curriculum/Phase_1/Section_2_Backward_Pass/overview.md:1: overview.md has no `# ` title" in out
    assert "curriculum/Phase_2/Section_1_Neurons/quiz.yaml:" in out and "'z'" in out
    assert "Secton_2_Typo" in out and "is not a section" in out
    assert "4 problem(s)" in result.stderr


def test_quiz_problem_line_points_at_the_answer(course, cli):
    """A quiz answer that names no choice is reported on its own line of quiz.yaml."""
    quiz = course / "curriculum" / "Phase_2" / "Section_1_Neurons" / "quiz.yaml"
    text = quiz.read_text().replace("    answer: b\n", "    answer: z\n", 1)
    quiz.write_text(text)
    wrong_line = text.splitlines().index("    answer: z") + 1
    data = json.loads(cli(course, "check", "--json").stdout)
    assert data["ok"] is False
    [problem] = data["problems"]
    assert problem["path"] == "curriculum/Phase_2/Section_1_Neurons/quiz.yaml"
    assert problem["line"] == wrong_line


def test_duplicate_section_ids_are_reported(course, cli, make_section):
    """Two folders numbered the same would share an id: check says so."""
    make_section(course, 1, 1, "Another_One")
    result = cli(course, "check")
    assert result.exit_code == 1 and "section id '1.1' is shared" in result.stdout


def test_overview_without_first_paragraph(course, cli):
    """An overview whose title has no paragraph after it is flagged (next would show nothing)."""
    overview = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "overview.md"
    overview.write_text("# Value objects\n")
    result = cli(course, "check")
    assert result.exit_code == 1 and "overview.md:1: overview.md has no paragraph" in result.stdout


def test_run_flag_runs_every_experiment(course, cli):
    """check --run reports an experiment that fails or outlasts its timeout, with its last words."""
    (course / "curriculum" / "Phase_1" / "Section_2_Backward_Pass" / "experiment.py").write_text(
        "raise SystemExit('the numbers did not add up')\n")
    (course / "curriculum" / "Phase_2" / "Section_1_Neurons" / "experiment.py").write_text(
        "import time\ntime.sleep(30)\n")
    result = cli(course, "check", "--run", "--timeout", "2")
    assert result.exit_code == 1
    assert "experiment 1.2 failed with exit code 1: the numbers did not add up" in result.stdout
    assert "experiment 2.1 took longer than 2 s" in result.stdout
    assert "1.1" not in result.stdout.replace("running curriculum/Phase_1/Section_1", "")


def test_check_without_run_does_not_execute_experiments(course, cli):
    """Plain check never runs code: an experiment that would leave a file leaves none."""
    marker = course / "ran.txt"
    (course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "experiment.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\n")
    assert cli(course, "check").exit_code == 0
    assert not marker.exists()


def test_strict_holds_sections_to_content_rules(course, cli):
    """--strict names each docs/authoring.md shortfall of the small course; plain check passes it."""
    assert cli(course, "check").exit_code == 0
    result = cli(course, "check", "--strict", "--json")
    assert result.exit_code == 1
    section = "curriculum/Phase_1/Section_1_Value_Objects"
    found = {(p["path"], p["line"], p["message"]) for p in json.loads(result.stdout)["problems"]
             if p["path"].startswith(section)}
    quiz_text = (course / section / "quiz.yaml").read_text().splitlines()
    no_hint_line = quiz_text.index("  - id: rule-name") + 1
    slope_line = quiz_text.index("  - id: slope") + 1
    assert found == {
        (f"{section}/overview.md", None, "overview.md has 23 words"),
        (f"{section}/overview.md", None, 'overview.md has no "Try this" heading'),
        (f"{section}/overview.md", None, 'overview.md has no "Key takeaways" heading'),
        (f"{section}/overview.md", None, 'overview.md has no "Further reading" heading'),
        (f"{section}/experiment.py", None, "experiment.py has no top-level main()"),
        (f"{section}/quiz.yaml", None, "quiz.yaml has 5 questions"),
        (f"{section}/quiz.yaml", no_hint_line, "question 'rule-name' has no hint"),
        (f"{section}/quiz.yaml", slope_line, "numeric question 'slope' doesn't state the precision it wants"),
    }


def test_strict_passes_a_section_that_meets_content_rules(course, cli, make_section):
    """A section with a long enough overview, all parts, 8 questions of 3 types with hints and main() passes --strict."""
    import shutil

    for phase in (course / "curriculum").glob("Phase_*"):
        for folder in phase.glob("Section_*"):
            shutil.rmtree(folder)
    folder = course / "curriculum" / "Phase_1" / "Section_1_Full"
    folder.mkdir(parents=True)
    body = " ".join(["word"] * 1200)
    (folder / "overview.md").write_text(
        f"# Full\n\nWhat you will do.\n\n{body}\n\n## Try this\n\nx\n\n## Key takeaways\n\ny\n\n"
        "## Further reading\n\nz\n")
    (folder / "experiment.py").write_text("def main():\n    return {}\n")
    kinds = ["single", "numeric", "text"]
    questions = []
    for i in range(8):
        kind = kinds[i % 3]
        key = "abc"[i // 3]  # keys spread over positions, choices of equal length
        extra = {"single": f"    choices: {{a: 'red', b: 'tan', c: 'sky'}}\n    answer: {key}\n",
                 "numeric": "    answer: 2\n", "text": "    answer: ['chain rule']\n"}[kind]
        stated = " (exact)" if kind == "numeric" else ""  # a number says how exact it must be
        questions.append(f"  - id: q{i}\n    type: {kind}\n    prompt: 'Q{i}?{stated}'\n{extra}"
                         f"    explanation: 'Because.'\n    hints: ['Think.']\n")
    (folder / "quiz.yaml").write_text("questions:\n" + "".join(questions))
    result = cli(course, "check", "--strict")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_strict_flags_arithmetic_that_markdown_would_eat(course, cli):
    """`2.1**3 and 1.9**3` in a hint renders as bold; --strict names the question and says to use backticks."""
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    text = quiz.read_text().replace('hints: ["Differentiate x squared."]',
                                    'hints: ["Compare 2.1**3 and 1.9**3, or *think* again."]')
    quiz.write_text(text)
    data = json.loads(cli(course, "check", "--strict", "--json").stdout)
    found = [p for p in data["problems"] if "Markdown turns" in p["message"]]
    assert len(found) == 1, found
    assert "'slope'" in found[0]["message"] and "'3 and 1.9'" in found[0]["message"]
    assert found[0]["line"] == text.splitlines().index("  - id: slope") + 1
