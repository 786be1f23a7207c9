"""Answers and grading: typed answers, answers files, the five question types, shuffling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from learnpath.errors import AnswersError
from learnpath.quiz.answers import grade_quiz, grade_question, load_answers, parse_typed_answer
from learnpath.quiz.model import format_answer, shuffled
from learnpath.quiz.file import load_quiz

QUIZ = """\
pass_mark: 0.8
questions:
  - id: leaf-grad
    type: single
    prompt: p
    choices: {a: one, b: zero, c: two}
    answer: b
    explanation: flat
  - id: pick-ops
    type: multiple
    prompt: p
    choices: {a: add, b: mul, c: print, d: len}
    answer: [a, b]
    points: 2
    explanation: arithmetic
  - id: slope
    type: numeric
    prompt: p
    answer: 6
    tolerance: 0.01
    explanation: 2x
  - id: tiny
    type: numeric
    prompt: p
    answer: 1e-3
    explanation: exact
  - id: big
    type: numeric
    prompt: p
    answer: 1000
    rel_tolerance: 0.05
    explanation: roughly
  - id: rule-name
    type: text
    prompt: p
    answer: ["chain rule", "the chain rule"]
    explanation: chain
  - id: order-steps
    type: order
    prompt: p
    choices: {a: forward, b: backward, c: update}
    answer: [a, b, c]
    explanation: steps
"""


@pytest.fixture
def quiz(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(QUIZ, encoding="utf-8")
    return load_quiz(path)


def result(quiz, question_id, answer):
    return grade_question(quiz.question(question_id), answer)


# ---- grading each type -------------------------------------------------------------


def test_single_choice_needs_the_exact_key(quiz):
    """A single-choice question is right only for its key, in any letter case."""
    assert result(quiz, "leaf-grad", "b").correct
    assert result(quiz, "leaf-grad", "B").points == 1.0
    wrong = result(quiz, "leaf-grad", "a")
    assert not wrong.correct and wrong.points == 0.0 and wrong.max_points == 1.0


@pytest.mark.parametrize("picks, points, correct", [
    (("a", "b"), 2.0, True),       # both right picks
    (("a",), 1.0, False),          # half the right picks
    (("a", "b", "c"), 1.0, False),  # (2 right - 1 wrong) / 2 right
    (("a", "c"), 0.0, False),      # (1 - 1) / 2
    (("c", "d"), 0.0, False),      # below zero is floored at zero
    (("a", "b", "c", "d"), 0.0, False),
])
def test_multiple_choice_partial_credit(quiz, picks, points, correct):
    """Multiple choice earns (right picks - wrong picks) / right keys of the points, never below 0."""
    graded = result(quiz, "pick-ops", list(picks))
    assert graded.points == pytest.approx(points)
    assert graded.correct is correct


def test_multiple_choice_order_and_repeats_of_picks_do_not_matter(quiz):
    """Picking b then a, or a twice, is judged as the set of picks."""
    assert result(quiz, "pick-ops", "b, a").correct
    assert result(quiz, "pick-ops", ["a", "a", "b"]).correct


@pytest.mark.parametrize("answer, correct", [
    (6, True), (6.01, True), (5.995, True), (6.02, False), ("6.009", True), (-6, False),
])
def test_numeric_absolute_tolerance(quiz, answer, correct):
    """A numeric answer is right when it is within the question's tolerance of the key."""
    assert result(quiz, "slope", answer).correct is correct


def test_numeric_default_tolerance_is_tight(quiz):
    """Without a tolerance only (almost) the exact number counts: 1e-3 yes, 0.0011 no."""
    assert result(quiz, "tiny", "1e-3").correct
    assert result(quiz, "tiny", 0.001 + 1e-12).correct
    assert not result(quiz, "tiny", 0.0011).correct


@pytest.mark.parametrize("answer, correct", [(1049, True), (951, True), (1051, False), (949, False)])
def test_numeric_relative_tolerance(quiz, answer, correct):
    """rel_tolerance accepts answers within that fraction of the key (5% of 1000 here)."""
    assert result(quiz, "big", answer).correct is correct


@pytest.mark.parametrize("answer, correct", [
    ("chain rule", True), ("  The   CHAIN\trule ", True), ("Chain Rule", True),
    ("chainrule", False), ("chain rules", False),
])
def test_text_is_case_insensitive_with_white_space_folded(quiz, answer, correct):
    """A text answer matches any accepted answer ignoring case and runs of white space."""
    assert result(quiz, "rule-name", answer).correct is correct


def test_order_needs_the_exact_sequence(quiz):
    """An order question is right only for the keys in the right order."""
    assert result(quiz, "order-steps", ["a", "b", "c"]).correct
    assert result(quiz, "order-steps", "abc").correct
    assert not result(quiz, "order-steps", "b a c").correct


def test_unanswered_and_unreadable_answers_are_wrong_not_errors(quiz):
    """None and answers of a wrong shape earn nothing and never raise."""
    for question in quiz.questions:
        assert grade_question(question, None).points == 0.0
        assert grade_question(question, None).your_answer is None
        assert not grade_question(question, {"a": 1}).correct
        assert not grade_question(question, "zzz").correct


def test_grade_adds_points_and_applies_the_pass_mark(quiz):
    """grade totals the points, counts left-out questions as wrong, and passes at the pass mark."""
    everything = {"leaf-grad": "b", "pick-ops": ["a", "b"], "slope": 6, "tiny": 0.001, "big": 1000,
                  "rule-name": "chain rule", "order-steps": ["a", "b", "c"]}
    full = grade_quiz(quiz, everything)
    assert (full.score, full.total, full.passed) == (8.0, 8.0, True)
    # dropping one point-worth question: 7/8 = 0.875 >= 0.8
    assert grade_quiz(quiz, {k: v for k, v in everything.items() if k != "tiny"}).passed
    # half of pick-ops and one question left out: 6/8 = 0.75 < 0.8
    partial = grade_quiz(quiz, {**{k: v for k, v in everything.items() if k != "tiny"}, "pick-ops": ["a"]})
    assert partial.score == 6.0 and not partial.passed
    assert [r.id for r in partial.results] == list(quiz.ids)


def test_pass_mark_is_reached_despite_float_rounding(tmp_path):
    """0.1 + 0.7 of the points reaches a pass mark of 0.8 although the float sum is 0.7999..."""
    path = tmp_path / "quiz.yaml"
    path.write_text(
        "pass_mark: 0.8\nquestions:\n"
        "  - {id: a, type: numeric, prompt: p, answer: 1, points: 0.1, explanation: e}\n"
        "  - {id: b, type: numeric, prompt: p, answer: 1, points: 0.7, explanation: e}\n"
        "  - {id: c, type: numeric, prompt: p, answer: 1, points: 0.2, explanation: e}\n")
    outcome = grade_quiz(load_quiz(path), {"a": 1, "b": 1})
    assert outcome.passed


def test_grade_refuses_an_id_the_quiz_does_not_have(quiz):
    """An answer to a question that doesn't exist is an AnswersError listing the real ids."""
    with pytest.raises(AnswersError) as caught:
        grade_quiz(quiz, {"leaf-grd": "b"})
    assert "leaf-grad" in str(caught.value) and "did you mean leaf-grad" in str(caught.value)


# ---- typed answers -------------------------------------------------------------------


@pytest.mark.parametrize("question_id, typed, expected", [
    ("leaf-grad", "b", "b"), ("leaf-grad", " B ", "b"),
    ("pick-ops", " a, c ", ("a", "c")), ("pick-ops", "c a", ("a", "c")), ("pick-ops", "ac", ("a", "c")),
    ("pick-ops", "A;C", ("a", "c")),
    ("order-steps", "c a b", ("c", "a", "b")), ("order-steps", "cab", ("c", "a", "b")),
    ("slope", "1e-3", 0.001), ("slope", "-0.5", -0.5), ("slope", " 6 ", 6.0), ("slope", "1/4", 0.25),
    ("rule-name", "  chain   rule ", "chain rule"),
])
def test_parse_typed_answer_accepts_what_people_type(quiz, question_id, typed, expected):
    """Letters in any case, commas or spaces or nothing between keys, 1e-3 and fractions all read."""
    assert parse_typed_answer(quiz.question(question_id), typed) == expected


@pytest.mark.parametrize("question_id, typed, words", [
    ("leaf-grad", "", "empty"), ("leaf-grad", "z", "not a choice"), ("leaf-grad", "a b", "exactly one"),
    ("pick-ops", "a, z", "'z' is not a choice"), ("order-steps", "a b", "all 3"),
    ("order-steps", "a a b", "all 3"), ("slope", "six", "not a number"), ("slope", "1/0", "not a number"),
    ("slope", "inf", "not a number"), ("slope", "1" + "0" * 400 + "/3", "not a number"),
    ("rule-name", "   ", "empty"),
])
def test_parse_typed_answer_says_what_shape_is_expected(quiz, question_id, typed, words):
    """An unusable typed answer raises AnswersError with a short message of what to type."""
    with pytest.raises(AnswersError) as caught:
        parse_typed_answer(quiz.question(question_id), typed)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


# ---- answers files ---------------------------------------------------------------------


def write_answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_answers_file_in_every_shape(quiz, tmp_path):
    """An answers file uses the quiz's shapes (key, list, number incl. 1e-3, text) and grades."""
    path = write_answers(tmp_path, "leaf-grad: b\npick-ops: [a, b]\nslope: 6.001\ntiny: 1e-3\n"
                                   "big: 1000\nrule-name: The Chain Rule\norder-steps: [a, b, c]\n")
    answers = load_answers(path, quiz)
    assert answers == {"leaf-grad": "b", "pick-ops": ("a", "b"), "slope": 6.001, "tiny": 0.001,
                       "big": 1000.0, "rule-name": "The Chain Rule", "order-steps": ("a", "b", "c")}
    assert grade_quiz(quiz, answers).score == 8.0


def test_answers_file_scalars_are_read_as_written(tmp_path):
    """`yes` answers a text question as the word yes, not as true."""
    quiz_path = tmp_path / "quiz.yaml"
    quiz_path.write_text("questions:\n  - {id: q, type: text, prompt: p, answer: [yes], explanation: e}\n")
    quiz = load_quiz(quiz_path)
    answers = load_answers(write_answers(tmp_path, "q: yes\n"), quiz)
    assert answers == {"q": "yes"} and grade_quiz(quiz, answers).passed


def test_answers_from_stdin(quiz, monkeypatch):
    """"-" reads the answers from standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO("leaf-grad: b\nslope: 6\n"))
    assert load_answers("-", quiz) == {"leaf-grad": "b", "slope": 6.0}


def test_left_out_and_empty_answers_count_as_unanswered(quiz, tmp_path):
    """A question left out, or given no value, is unanswered (wrong), not an error."""
    answers = load_answers(write_answers(tmp_path, "leaf-grad: b\nslope:\n"), quiz)
    assert answers == {"leaf-grad": "b", "slope": None}
    graded = grade_quiz(quiz, answers)
    assert graded.score == 1.0 and not graded.passed


@pytest.mark.parametrize("text, line, words", [
    ("leaf-grad: b\nleaf-grd: a\n", 2, "no question 'leaf-grd'"),
    ("leaf-grad: b\npick-ops: [a, z]\n", 2, "'z' is not a choice"),
    ("slope: six\n", 1, "not a number"),
    ("leaf-grad: [a, b]\n", 1, "can't be used"),
    ("order-steps: [a, b]\n", 1, "all 3"),
    ("pick-ops: {a: 1}\n", 1, "can't be used"),
    ("leaf-grad: b\nleaf-grad: c\n", 2, "answered twice"),
    ("leaf-grad: [b\n", 2, "not valid YAML"),
    ("- leaf-grad: b\n", 1, "not a mapping"),
    ("", 1, "empty"),
])
def test_bad_answers_file_names_file_and_line(quiz, tmp_path, text, line, words):
    """Each unusable answers file raises AnswersError naming the file, the line and the fix."""
    path = write_answers(tmp_path, text)
    with pytest.raises(AnswersError) as caught:
        load_answers(path, quiz)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)
    assert caught.value.fix


def test_unknown_id_error_lists_the_valid_ids(quiz, tmp_path):
    """The unknown-id error tells the learner every id the quiz does have."""
    with pytest.raises(AnswersError) as caught:
        load_answers(write_answers(tmp_path, "nope: b\n"), quiz)
    for question_id in quiz.ids:
        assert question_id in str(caught.value)


def test_missing_answers_file(quiz, tmp_path):
    """A missing answers file is an AnswersError that mentions `-` for stdin."""
    with pytest.raises(AnswersError) as caught:
        load_answers(tmp_path / "nothing.yaml", quiz)
    assert "nothing.yaml" in str(caught.value) and "-" in caught.value.fix


# ---- shuffling and showing ----------------------------------------------------------------


def test_shuffle_is_deterministic_and_keeps_answers_right(quiz):
    """The same seed gives the same quiz; keys are relabelled a, b, c... and the answers follow."""
    first, again = shuffled(quiz, 7), shuffled(quiz, 7)
    assert first == again
    assert sorted(first.ids) == sorted(quiz.ids)
    orders = {shuffled(quiz, seed).ids for seed in range(20)}
    assert len(orders) > 1, "different seeds give different orders"
    for seed in range(20):
        for question in shuffled(quiz, seed).questions:
            original = quiz.question(question.id)
            if not question.choices:
                assert question == original
                continue
            assert question.choice_keys == tuple("abcd"[: len(question.choices)])
            text_of = dict(original.choices)
            new_text = dict(question.choices)
            if question.type.value == "single":
                assert new_text[question.answer] == text_of[original.answer]
            elif question.type.value == "order":
                assert [new_text[k] for k in question.answer] == [text_of[k] for k in original.answer]
            else:
                assert sorted(new_text[k] for k in question.answer) == sorted(
                    text_of[k] for k in original.answer)
                assert list(question.answer) == sorted(question.answer)
            assert grade_question(question, question.answer).correct


def test_shuffle_changes_choice_order_for_some_seed(quiz):
    """Shuffling actually moves choices, not only questions."""
    texts = {tuple(t for _, t in shuffled(quiz, s).question("pick-ops").choices) for s in range(20)}
    assert len(texts) > 1


@pytest.mark.parametrize("question_id, answer, shown", [
    ("leaf-grad", "b", "b"), ("pick-ops", ("a", "c"), "a, c"), ("slope", 0.25, "0.25"),
    ("slope", 6.0, "6"), ("tiny", 1e-3, "0.001"), ("rule-name", ("chain rule", "the chain rule"),
                                                   "chain rule"),
    ("order-steps", ("c", "a", "b"), "c, a, b"), ("slope", None, "(no answer)"),
])
def test_format_answer(quiz, question_id, answer, shown):
    """format_answer writes answers the way a person would type them; a text key shows its
    first wording, not every accepted variant slash-separated."""
    assert format_answer(quiz.question(question_id), answer) == shown


TEXT_QUIZ = """\
questions:
  - id: sort-name
    type: text
    prompt: p
    answer: ["topological sort"]
    accept: "^topo ?sort(ing)?$"
    explanation: e
  - id: cafe
    type: text
    prompt: p
    answer: ["caf\u00e9 rule"]
    explanation: e
  - id: pick
    type: single
    prompt: p
    choices:
      a: {text: "2", why: "That is a's own value."}
      b: {text: "3", why: "Right: the other factor."}
      c: "6"
    answer: b
    explanation: e
  - id: picks
    type: multiple
    prompt: p
    choices:
      a: {text: x, why: "x is right."}
      b: {text: y, why: "y is wrong."}
      c: z
    answer: [a]
    explanation: e
"""


@pytest.fixture
def text_quiz(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(TEXT_QUIZ, encoding="utf-8")
    return load_quiz(path)


@pytest.mark.parametrize("answer, correct", [
    ("topological sort", True), ("a topological sort", True), ("A topological sort.", True),
    ("the topological sort!", True), ('"topological sort"', True), ("(topological sort)", True),
    ("toposort", True), ("topo sorting", True), ("a toposort", True),
    ("topological", False), ("topological sorts", False), ("sort", False), ("the", False),
    ("topological sort and more", False), ("x" * 10_000, False),
])
def test_text_forgives_articles_punctuation_and_matches_accept(text_quiz, answer, correct):
    """Surrounding punctuation and a leading a/an/the don't matter; `accept` adds a pattern."""
    assert grade_question(text_quiz.question("sort-name"), answer).correct is correct


def test_text_in_decomposed_unicode_matches(text_quiz):
    """An e with a combining accent (NFD, as some keyboards type it) equals the composed e."""
    assert grade_question(text_quiz.question("cafe"), "cafe\u0301 rule").correct
    assert grade_question(text_quiz.question("cafe"), "CAF\u00c9 RULE").correct


def test_choices_with_why_load_and_name_the_picked_choice(text_quiz):
    """{text, why} choices keep their text as the choice and their why per key."""
    pick = text_quiz.question("pick")
    assert pick.choices == (("a", "2"), ("b", "3"), ("c", "6"))
    assert pick.why("a") == "That is a's own value." and pick.why("c") is None
    assert pick.whys_for("b") == ("Right: the other factor.",)
    assert text_quiz.question("picks").whys_for(("a", "b")) == ("x is right.", "y is wrong.")


def test_whys_follow_their_choice_when_shuffled(text_quiz):
    """After shuffling and relabelling, each why still belongs to the choice it was written for."""
    for seed in range(30):
        question = shuffled(text_quiz, seed).question("pick")
        texts = dict(question.choices)
        assert {texts[key]: why for key, why in question.whys} == {
            "2": "That is a's own value.", "3": "Right: the other factor."}
        assert texts[question.answer] == "3"


def test_shuffle_labels_any_number_of_choices():
    """800 choices get 800 distinct labels (a..z, aa..zz, aaa...) and the answer follows."""
    from learnpath.quiz.model import Question, QuestionType, Quiz, choice_labels

    labels = choice_labels(800)
    assert len(set(labels)) == 800 and labels[:3] == ["a", "b", "c"] and labels[26] == "aa"
    question = Question(id="q", type=QuestionType.SINGLE, prompt="p",
                        choices=tuple((key, f"text {key}") for key in labels), answer="zz",
                        tolerance=0, rel_tolerance=None, points=1, explanation="e", hints=(), line=1)
    moved = shuffled(Quiz(Path("q.yaml"), 0.8, (question,)), 3).questions[0]
    assert dict(moved.choices)[moved.answer] == "text zz"


def test_shuffled_quiz_remembers_its_seed(quiz):
    """The seed travels with the shuffled quiz, so it can be written into the attempt log."""
    assert shuffled(quiz, 1234).seed == 1234 and quiz.seed is None
