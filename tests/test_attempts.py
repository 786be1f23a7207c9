"""The attempt log: appended whole, read back exactly, torn tails skipped, damage reported."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest

from learnpath.record.attempts import AttemptKind, append_attempt, log_path, read_attempts
from learnpath.errors import AttemptLogError
from learnpath.quiz.model import QuestionResult, QuizResult

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def quiz_result(*marks: tuple[str, bool]) -> QuizResult:
    """A graded attempt with one point per question: (id, correct) pairs."""
    results = tuple(
        QuestionResult(id=qid, correct=ok, points=1.0 if ok else 0.0, max_points=1.0,
                       your_answer="a", answer="a", explanation="e")
        for qid, ok in marks
    )
    score = sum(r.points for r in results)
    return QuizResult(score=score, total=float(len(results)), pass_mark=0.8,
                      passed=score >= 0.8 * len(results), results=results)


def test_no_log_means_no_attempts(tmp_path):
    """Before any quiz is taken the log is empty, and reading it creates nothing."""
    assert read_attempts(tmp_path) == []
    assert not (tmp_path / ".learnpath").exists()


def test_attempts_round_trip_in_order(tmp_path):
    """Appended attempts read back equal, oldest first, with kind, time and per-question results."""
    first = append_attempt(tmp_path, "1.1", quiz_result(("a", True), ("b", False)), when=WHEN)
    second = append_attempt(tmp_path, "1.2", quiz_result(("c", True)), kind="review",
                            when=WHEN + timedelta(days=1))
    back = read_attempts(tmp_path)
    assert [a.section for a in back] == ["1.1", "1.2"]
    assert back[0].kind is AttemptKind.QUIZ and back[1].kind is AttemptKind.REVIEW
    assert back[0].when == WHEN and back[0].score == 1.0 and back[0].total == 2.0
    assert not back[0].passed and back[1].passed
    assert [(r.id, r.correct, r.points, r.max_points) for r in back[0].results] == [
        ("a", True, 1.0, 1.0), ("b", False, 0.0, 1.0)]
    assert (back[0].results, back[1].results) == (first.results, second.results)
    assert [a.line for a in back] == [1, 2]


def test_each_attempt_is_one_json_line_with_the_documented_keys(tmp_path):
    """The file holds one JSON object per line with section, kind, when, score, total, passed, results."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    lines = log_path(tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == {"section", "kind", "when", "score", "total", "passed", "results"}
    assert record["when"] == "2026-03-01T09:30:00+01:00" and record["kind"] == "quiz"
    assert record["results"] == [{"id": "a", "correct": True, "points": 1.0, "max_points": 1.0}]


def test_default_time_is_now_with_an_offset(tmp_path):
    """Without `when` the attempt is stamped with the current local time including its UTC offset."""
    before = datetime.now().astimezone()
    attempt = append_attempt(tmp_path, "1.1", quiz_result(("a", True)))
    assert attempt.when.tzinfo is not None
    assert before - timedelta(seconds=1) <= attempt.when <= datetime.now().astimezone()


def test_torn_last_line_is_ignored(tmp_path):
    """Half a line at the end (a crash mid-write) is skipped; the whole attempts before it are read."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    with open(log_path(tmp_path), "ab") as log:
        log.write(b'{"section": "1.2", "kind": "qu')
    assert [a.section for a in read_attempts(tmp_path)] == ["1.1"]


def test_appending_after_a_torn_line_keeps_the_log_readable(tmp_path):
    """The next append drops the torn fragment instead of gluing a record onto it."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    with open(log_path(tmp_path), "ab") as log:
        log.write(b'{"section": "1.2", "ki')
    append_attempt(tmp_path, "1.3", quiz_result(("b", False)), when=WHEN)
    assert [a.section for a in read_attempts(tmp_path)] == ["1.1", "1.3"]


def test_complete_last_record_without_newline_is_kept(tmp_path):
    """A whole record whose final newline was removed by an editor is still read and appended after."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    path = log_path(tmp_path)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert [a.section for a in read_attempts(tmp_path)] == ["1.1"]
    append_attempt(tmp_path, "1.2", quiz_result(("a", True)), when=WHEN)
    assert [a.section for a in read_attempts(tmp_path)] == ["1.1", "1.2"]


@pytest.mark.parametrize("bad_line", [
    b"not json at all",
    b'{"section": "1.1"}',
    b'{"section": "1.1", "kind": "exam", "when": "2026-03-01T09:30:00", "score": 1, "total": 1,'
    b' "passed": true, "results": []}',
    b'{"section": "1.1", "kind": "quiz", "when": "yesterday", "score": 1, "total": 1,'
    b' "passed": true, "results": []}',
    b'{"section": "1.1", "kind": "quiz", "when": "2026-03-01T09:30:00", "score": "1", "total": 1,'
    b' "passed": true, "results": []}',
    b'{"section": "1.1", "kind": "quiz", "when": "2026-03-01T09:30:00", "score": 1, "total": 1,'
    b' "passed": true, "results": [{"id": "a"}]}',
    b"[1, 2, 3]",
    b"\xff\xfe",
    # nested too deep for the JSON reader: RecursionError, not ValueError
    b"[" * 100_000 + b"]" * 100_000,
    # dated far in the future: its card would never come due (or overflow the date)
    b'{"section": "1.1", "kind": "quiz", "when": "9999-12-31T23:59:59+00:00", "score": 1,'
    b' "total": 1, "passed": true, "results": []}',
    # a number no float holds (OverflowError), and one past any real score
    b'{"section": "1.1", "kind": "quiz", "when": "2026-03-01T09:30:00", "score": 1' + b"0" * 4000
    + b', "total": 1, "passed": true, "results": []}',
    b'{"section": "1.1", "kind": "quiz", "when": "2026-03-01T09:30:00", "score": 1e300, "total": 1e300,'
    b' "passed": true, "results": []}',
    b'{"section": "1.1", "kind": "quiz", "when": "2026-03-01T09:30:00", "score": -1, "total": 1,'
    b' "passed": false, "results": []}',
])
def test_a_bad_middle_line_is_skipped_with_a_warning_naming_it(tmp_path, bad_line):
    """A bad line between good ones is skipped; the warning names file:line; the others are kept."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    with open(log_path(tmp_path), "ab") as log:
        log.write(bad_line + b"\n")
    append_attempt(tmp_path, "1.2", quiz_result(("a", True)), when=WHEN)
    warnings = []
    assert [a.section for a in read_attempts(tmp_path, warnings.append)] == ["1.1", "1.2"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{log_path(tmp_path)}:2: skipped")


def test_blank_lines_are_skipped(tmp_path):
    """Empty lines (e.g. left by a hand edit) are not treated as damage."""
    append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    with open(log_path(tmp_path), "ab") as log:
        log.write(b"\n  \n")
    append_attempt(tmp_path, "1.2", quiz_result(("a", True)), when=WHEN)
    assert [a.line for a in read_attempts(tmp_path)] == [1, 4]


def _append_many(root: str, worker: int, count: int) -> None:
    for n in range(count):
        append_attempt(root, f"{worker}.{n}", quiz_result(*[(f"q{i}", True) for i in range(30)]))


def test_concurrent_appends_lose_and_tear_nothing(tmp_path):
    """Four processes appending at once leave every attempt intact, each on its own line."""
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(tmp_path), w, 25)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(30)
        assert process.exitcode == 0
    sections = sorted(a.section for a in read_attempts(tmp_path))
    assert sections == sorted(f"{w}.{n}" for w in range(4) for n in range(25))


def test_unwritable_log_folder_is_an_attempt_log_error(tmp_path):
    """When .learnpath can't be created the learner gets one AttemptLogError line, not an OSError."""
    (tmp_path / ".learnpath").write_text("a file where the folder should be")
    with pytest.raises(AttemptLogError) as caught:
        append_attempt(tmp_path, "1.1", quiz_result(("a", True)), when=WHEN)
    assert "can't write the attempt log" in str(caught.value)
