"""`learnpath quiz`, `hint` and `review` through the command line (no terminal: --answers)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from learnpath.record.attempts import append_attempt, read_attempts
from learnpath.catalog import load_catalog
from learnpath.record.progress import read_progress
from learnpath.quiz.answers import grade_quiz
from learnpath.quiz.file import load_quiz


def _state(root, section_id):
    catalog = load_catalog(root)
    return read_progress(catalog.progress_path, catalog.sections)[section_id]


def test_passing_answers_tick_the_quiz_box_with_score(course, cli, answers, tmp_path):
    """A score at the pass mark ticks the quiz box with score and date, exit 0."""
    path = tmp_path / "answers.yaml"
    path.write_text(answers.right)
    result = cli(course, "quiz", "1.1", "--answers", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Score: 5 / 5 (100%): passed" in result.stdout
    state = _state(course, "1.1")
    assert state.quiz_passed and state.quiz.score == 5 and state.quiz.total == 5
    assert state.quiz.date == datetime.now().date().isoformat()


def test_failing_answers_exit_1_tick_nothing_and_explain(course, cli, answers):
    """Below the pass mark: exit 1, no tick, the right answers and explanations shown."""
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.wrong)
    assert result.exit_code == 1
    assert "✗ leaf-grad: you said a; the answer is b" in result.stdout
    assert "Nudging it moves nothing" in result.stdout
    assert "not passed yet" in result.stdout
    assert not _state(course, "1.1").quiz_passed


def test_json_result_has_the_documented_keys(course, cli, answers):
    """--json prints {section, score, total, passed, results: [{id, correct, points, your_answer, answer, explanation}]}."""
    result = cli(course, "quiz", "1.1", "--answers", "-", "--json", input=answers.wrong)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["section"] == "1.1"
    assert data["score"] == 2 and data["total"] == 5 and data["passed"] is False
    first = data["results"][0]
    assert {"id", "correct", "points", "your_answer", "answer", "explanation"} <= set(first)
    assert first["id"] == "leaf-grad" and first["your_answer"] == "a" and first["answer"] == "b"
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id["pick-ops"]["your_answer"] == ["c"]


def test_every_attempt_is_logged(course, cli, answers):
    """Pass or fail, each graded attempt is appended to the attempt log with per-question results."""
    cli(course, "quiz", "1.1", "--answers", "-", input=answers.wrong)
    cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    log = read_attempts(course)
    assert [(a.section, a.passed) for a in log] == [("1.1", False), ("1.1", True)]
    assert [r.id for r in log[0].results][:2] == ["leaf-grad", "pick-ops"]


def test_unknown_question_in_answers_is_exit_2_with_line(course, cli):
    """An answers file naming a question the quiz lacks: exit 2, file:line, nothing written."""
    result = cli(course, "quiz", "1.1", "--answers", "-", input="leaf-grad: b\nno-such: a\n")
    assert result.exit_code == 2
    assert "<stdin>:2" in result.stderr and "no-such" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (course / "PROGRESS.md").exists()
    assert read_attempts(course) == []


def test_missing_answers_file_is_exit_2(course, cli, tmp_path):
    """A path that doesn't exist is bad input (exit 2), named in one line."""
    result = cli(course, "quiz", "1.1", "--answers", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_no_terminal_and_no_answers_exits_2_naming_answers(course, cli):
    """Without a terminal the interactive quiz refuses at once and names --answers."""
    result = cli(course, "quiz", "1.1")
    assert result.exit_code == 2
    assert "--answers" in result.stderr


def test_no_terminal_refusal_never_waits_on_stdin(course):
    """Run for real with stdin an open pipe nobody writes to: exit 2 within seconds, no hang."""
    child = subprocess.Popen(
        [sys.executable, "-m", "learnpath", "--root", str(course), "quiz", "1.1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        out, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert child.returncode == 2
    assert "--answers" in err and "Traceback" not in err


def test_closed_stdin_also_refuses(course):
    """With stdin closed outright (as in some CI runners) the refusal is the same."""
    result = subprocess.run(
        [sys.executable, "-m", "learnpath", "--root", str(course), "quiz", "1.1"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20,
    )
    assert result.returncode == 2 and "--answers" in result.stderr


def test_reveal_prints_answers_explanations_and_hints(course, cli):
    """--reveal shows every question with its answer, explanation and hints, and grades nothing."""
    result = cli(course, "quiz", "1.1", "--reveal")
    assert result.exit_code == 0
    out = result.stdout
    assert "leaf-grad" in out and "**Answer:** b" in out
    assert "Nudging it moves nothing" in out and "Hint 2: Nothing changes" in out
    data = json.loads(cli(course, "quiz", "1.1", "--reveal", "--json").stdout)
    assert data["questions"][1]["answer"] == ["a", "b"]
    assert data["questions"][0]["choices"] == {"a": "1", "b": "0", "c": "undefined"}
    assert read_attempts(course) == []


def test_seed_gives_the_same_order_and_answers_files_keep_quiz_yaml_keys(course, cli, answers):
    """--seed N shows the same shuffled order each time; an answers file is always graded in the
    keys written in quiz.yaml (so a tutor's file means the same thing every time), and an
    answers file with --seed is refused rather than silently read in other keys."""
    first = json.loads(cli(course, "quiz", "1.1", "--reveal", "--json", "--seed", "7").stdout)
    again = json.loads(cli(course, "quiz", "1.1", "--reveal", "--json", "--seed", "7").stdout)
    assert first == again
    original = json.loads(cli(course, "quiz", "1.1", "--reveal", "--json").stdout)
    assert sorted(q["id"] for q in first["questions"]) == sorted(q["id"] for q in original["questions"])
    assert first != original  # seed 7 moves something
    for flags in ((), ("--shuffle",), ("--no-shuffle",)):
        result = cli(course, "quiz", "1.1", *flags, "--answers", "-", "--json", input=answers.right)
        assert json.loads(result.stdout)["score"] == 5, (flags, result.stderr)
    refused = cli(course, "quiz", "1.1", "--seed", "7", "--answers", "-", input=answers.right)
    assert refused.exit_code == 2 and "keys as written in quiz.yaml" in refused.stderr


def test_reveal_and_answers_together_is_usage_error(course, cli, answers):
    """Revealing and grading at once makes no sense: exit 2."""
    result = cli(course, "quiz", "1.1", "--reveal", "--answers", "-", input=answers.right)
    assert result.exit_code == 2


def test_broken_quiz_is_one_line_with_file_and_line(course, cli, answers):
    """Malformed quiz.yaml: exit 2 and quiz.yaml:line on stderr, no traceback."""
    quiz = course / "curriculum" / "Phase_1" / "Section_1_Value_Objects" / "quiz.yaml"
    quiz.write_text("questions:\n  - id: x\n    type: single\n   bad indent: [\n")
    result = cli(course, "quiz", "1.1", "--answers", "-", input=answers.right)
    assert result.exit_code == 2
    assert "quiz.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_hint_levels(course, cli):
    """hint gives the gentlest hint first, --level K the K-th, and too high a level is exit 2."""
    first = cli(course, "hint", "1.1", "leaf-grad")
    assert first.exit_code == 0
    assert "Hint 1 of 2: Ask what changes when you nudge it." in first.stdout
    assert "--level 2" in first.stdout
    second = json.loads(cli(course, "hint", "1.1", "leaf-grad", "--level", "2", "--json").stdout)
    assert second == {"section": "1.1", "question": "leaf-grad", "level": 2, "hints": 2,
                      "hint": "Nothing changes: what slope is that?", "kind": "quiz"}
    too_far = cli(course, "hint", "1.1", "leaf-grad", "--level", "3")
    assert too_far.exit_code == 2 and "has 2 hint(s)" in too_far.stderr


def test_hint_for_unknown_question_names_the_real_ones(course, cli):
    """An unknown question id is exit 2 and lists the ids the quiz has."""
    result = cli(course, "hint", "1.1", "leaf-grd")
    assert result.exit_code == 2
    assert "leaf-grad" in result.stderr


def _missed_yesterday(course):
    """Log a failed attempt at 1.1 dated yesterday, so its missed questions are due today."""
    quiz = load_quiz(load_catalog(course).resolve("1.1").quiz)
    result = grade_quiz(quiz, {"leaf-grad": "a", "pick-ops": ("a", "b"), "slope": 6.0,
                          "rule-name": "chain rule", "order-steps": ("a", "b", "c")})
    append_attempt(course, "1.1", result, kind="quiz",
                   when=datetime.now(timezone.utc) - timedelta(days=1, hours=1))


def test_review_asks_missed_questions_and_logs_the_answers(course, cli):
    """review grades due questions from an answers file keyed section/question and logs a review."""
    _missed_yesterday(course)
    result = cli(course, "review", "--answers", "-", "--json", input="1.1/leaf-grad: b\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["asked"] == 1 and data["score"] == 1
    assert data["sections"][0]["section"] == "1.1"
    assert data["sections"][0]["results"][0]["id"] == "leaf-grad"
    kinds = [a.kind.value for a in read_attempts(course)]
    assert kinds == ["quiz", "review"]
    # answered right: not due again today
    again = cli(course, "review")
    assert again.exit_code == 0 and "Nothing to review" in again.stdout


def test_review_without_terminal_or_answers_refuses(course, cli):
    """Interactive review without a terminal exits 2 naming --answers."""
    _missed_yesterday(course)
    result = cli(course, "review")
    assert result.exit_code == 2 and "--answers" in result.stderr


def test_review_bad_key_is_exit_2(course, cli):
    """A review answers key without a section is bad input with its line."""
    _missed_yesterday(course)
    result = cli(course, "review", "--answers", "-", input="leaf-grad: b\n")
    assert result.exit_code == 2 and "<stdin>:1" in result.stderr
