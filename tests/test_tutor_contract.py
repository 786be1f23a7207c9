"""What a tutor agent relies on: the questions without their answers, grading one answer given
in conversation without touching the rest, what review has due, and JSON that strict readers take."""

from __future__ import annotations

import json

from learnpath.record.attempts import read_attempts


def strict_json(text: str):
    """Parse as a strict reader would: Infinity and NaN are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_quiz_json_without_answers_gives_the_questions_and_nothing_that_answers_them(course, cli):
    """`quiz ID --json`: id, type, prompt, choices, points (tolerance where numeric); no answer,
    explanation, hint or why, and the choices keep quiz.yaml's keys for an answers file."""
    result = cli(course, "quiz", "1.1", "--json")
    assert result.exit_code == 0, result.stderr
    record = strict_json(result.stdout)
    assert record["section"] == "1.1" and record["pass_mark"] == 0.8
    first, _, slope, *_ = record["questions"]
    assert first == {"id": "leaf-grad", "type": "single",
                     "prompt": "What is the gradient of an input that the output does not depend on?",
                     "choices": {"a": "1", "b": "0", "c": "undefined"}, "points": 1.0}
    assert slope["tolerance"] == 0.001 and "answer" not in slope
    text = result.stdout
    for secret in ("explanation", "hints", "whys", "Nudging it moves nothing", "Differentiate x squared"):
        assert secret not in text
    assert not (course / ".learnpath" / "attempts.jsonl").exists()  # looking is not an attempt


def test_only_given_grades_logs_and_reviews_exactly_the_answered_questions(course, cli, tmp_path, answers):
    """One answer from a conversation: graded alone, logged alone, no tick, no other question sent
    to review; even after a perfect pass, the other questions stay out of review."""
    full = tmp_path / "all.yaml"
    full.write_text(answers.right)
    assert cli(course, "quiz", "1.1", "--answers", str(full)).exit_code == 0
    progress_after_pass = (course / "PROGRESS.md").read_text()

    one = tmp_path / "one.yaml"
    one.write_text("slope: 5\n")
    result = cli(course, "quiz", "1.1", "--answers", str(one), "--only-given", "--json")
    record = strict_json(result.stdout)
    assert [item["id"] for item in record["results"]] == ["slope"]
    assert record["score"] == 0 and record["total"] == 1 and record["partial"] is True
    assert result.exit_code == 1  # the one answer given was wrong
    last = read_attempts(course)[-1]
    assert last.kind.value == "partial" and [r.id for r in last.results] == ["slope"]
    assert (course / "PROGRESS.md").read_text() == progress_after_pass

    due = strict_json(cli(course, "review", "--json").stdout)
    assert [(q["section"], q["question"]) for q in due["later"]] == [("1.1", "slope")]


def test_only_given_never_ticks_even_when_every_answer_given_is_right(course, cli, tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text("leaf-grad: b\n")
    result = cli(course, "quiz", "1.1", "--answers", str(one), "--only-given")
    assert result.exit_code == 0
    progress = course / "PROGRESS.md"
    assert not progress.exists() or "[x] quiz" not in progress.read_text()
    assert "not ticked" in result.stdout


def test_only_given_needs_an_answers_file(course, cli):
    result = cli(course, "quiz", "1.1", "--only-given")
    assert result.exit_code == 2 and "--only-given grades an answers file" in result.stderr


def test_review_json_says_what_is_due_now_and_when_the_rest_comes_back(course, cli, tmp_path):
    """`review --json` without answers asks nothing and records nothing: today's due questions
    (as asked, without answers) and the date each other missed question comes back."""
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("leaf-grad: a\npick-ops: [a, b]\nslope: 6\nrule-name: chain rule\norder-steps: [a, b, c]\n")
    cli(course, "quiz", "1.1", "--answers", str(wrong))
    before = (course / ".learnpath" / "attempts.jsonl").read_bytes()
    record = strict_json(cli(course, "review", "--json").stdout)
    assert record["due"] == []  # missed today: back tomorrow
    [later] = record["later"]
    assert later["section"] == "1.1" and later["question"] == "leaf-grad" and later["box"] == 1
    assert record["next_due"] == later["due"]
    assert (course / ".learnpath" / "attempts.jsonl").read_bytes() == before


def test_review_json_lists_due_questions_without_their_answers(course, cli, tmp_path):
    import datetime as dt

    from learnpath.record.attempts import AttemptKind, append_attempt
    from learnpath.quiz.model import QuestionResult, QuizResult

    missed = QuestionResult("leaf-grad", False, 0.0, 1.0, "a", "b", "e")
    when = dt.datetime.now().astimezone() - dt.timedelta(days=3)
    append_attempt(course, "1.1", QuizResult(0, 1, 0.8, False, (missed,)), kind=AttemptKind.QUIZ, when=when)
    record = strict_json(cli(course, "review", "--json").stdout)
    [due] = record["due"]
    assert due["section"] == "1.1" and due["question"] == "leaf-grad" and due["overdue_days"] == 2
    assert due["asked"]["choices"] == {"a": "1", "b": "0", "c": "undefined"}
    assert "answer" not in due["asked"] and "explanation" not in json.dumps(record)
    assert record["later"] == [] and record["next_due"] == due["due"]


def test_the_readme_promises_the_tutor_shapes_and_they_hold(course, cli):
    """The README's key lists for `quiz --json` and the review outlook match what is printed."""
    from test_records import promised_keys

    shapes = promised_keys()
    asked = strict_json(cli(course, "quiz", "1.1", "--json").stdout)
    top, question = shapes["quiz --json"][:2]
    assert set(top) <= set(asked) and set(question) <= set(asked["questions"][0])
    outlook = strict_json(cli(course, "review", "--json").stdout)
    assert {"asked", "score", "total", "sections", "due", "later", "next_due"} <= set(outlook)


def test_dry_run_grades_and_writes_nothing(course, cli, tmp_path, answers):
    """--dry-run grades an answers file (JSON says recorded: false) and leaves every file as it was."""
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(answers.right)
    result = cli(course, "quiz", "1.1", "--answers", str(answers_file), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["passed"] is True and record["recorded"] is False
    assert not (course / "PROGRESS.md").exists() or "[x]" not in (course / "PROGRESS.md").read_text()
    assert not (course / ".learnpath").exists() or not any((course / ".learnpath").rglob("*.jsonl"))
    text = cli(course, "quiz", "1.1", "--answers", str(answers_file), "--dry-run").stdout
    assert "Nothing was written" in text and "ticked in PROGRESS.md" not in text


def test_a_blank_answer_in_an_only_given_template_counts_as_unanswered(course, cli, tmp_path):
    """`pick-ops: ~` beside a real answer: only the answered question is graded and logged."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("leaf-grad: b\npick-ops: ~\nslope:\n")
    result = cli(course, "quiz", "1.1", "--answers", str(answers), "--only-given", "--json")
    assert result.exit_code == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)["results"]] == ["leaf-grad"]
