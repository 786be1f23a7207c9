"""Reading quiz.yaml: a sound quiz loads; every broken one names its line and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from learnpath.errors import QuizError
from learnpath.quiz.model import QuestionType
from learnpath.quiz.file import find_problems, load_quiz

GOOD = """\
pass_mark: 0.75
questions:
  - id: leaf-grad
    type: single
    prompt: "What is the gradient of a leaf nobody uses?"
    choices: {a: "one", b: "zero", c: 2}
    answer: b
    explanation: "Nudging it moves nothing."
    hints: ["Nudge it.", "What slope is flat?"]
  - id: pick-ops
    type: multiple
    prompt: "Which build graph nodes?"
    choices:
      a: adding
      b: multiplying
      c: printing
    answer: [a, b]
    points: 2
    explanation: "Arithmetic builds the graph."
  - id: slope
    type: numeric
    prompt: "d(x*x)/dx at x = 3?"
    answer: 6
    tolerance: 1e-3
    explanation: "2x at 3 is 6."
  - id: rule-name
    type: text
    prompt: "Which rule multiplies slopes along a path?"
    answer: ["chain rule", "the chain rule"]
    explanation: "The chain rule."
  - id: order-steps
    type: order
    prompt: "Order one training step."
    choices: {a: forward, b: backward, c: update}
    answer: [a, b, c]
    explanation: "Compute, find slopes, step."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def one_question(body: str) -> str:
    """A quiz whose single question starts on line 2 with `body` (dedented) under `- `."""
    lines = textwrap.dedent(body).strip("\n").splitlines()
    return "questions:\n" + "\n".join(("  - " if i == 0 else "    ") + line
                                       for i, line in enumerate(lines)) + "\n"


def test_good_quiz_loads_with_every_field(tmp_path):
    """A sound quiz loads with types, keys, answers, defaults and lines as written."""
    quiz = load_quiz(write(tmp_path, GOOD))
    assert quiz.pass_mark == 0.75
    assert quiz.ids == ("leaf-grad", "pick-ops", "slope", "rule-name", "order-steps")
    single, multiple, numeric, text, order = quiz.questions
    assert single.type is QuestionType.SINGLE and single.answer == "b"
    assert single.choices == (("a", "one"), ("b", "zero"), ("c", "2"))
    assert single.hints == ("Nudge it.", "What slope is flat?") and single.line == 3
    assert multiple.answer == ("a", "b") and multiple.points == 2.0
    assert numeric.answer == 6.0 and numeric.tolerance == 0.001 and numeric.rel_tolerance is None
    assert text.answer == ("chain rule", "the chain rule") and text.points == 1.0
    assert order.answer == ("a", "b", "c") and order.line == 31
    assert find_problems(tmp_path / "quiz.yaml") == []


def test_defaults_apply_when_optional_keys_are_left_out(tmp_path):
    """Without pass_mark, points or tolerance the documented defaults are used."""
    quiz = load_quiz(write(tmp_path, one_question("""
        id: q
        type: numeric
        prompt: p
        answer: 0.5
        explanation: e
    """)))
    assert quiz.pass_mark == 0.8
    assert quiz.questions[0].points == 1.0 and quiz.questions[0].tolerance == 1e-9


@pytest.mark.parametrize("written, value", [("1e-3", 0.001), ("0.001", 0.001), ("-2.5E2", -250.0),
                                            ('"1e-3"', 0.001), ("3", 3.0)])
def test_numbers_may_be_written_either_way(tmp_path, written, value):
    """1e-3 (which YAML 1.1 reads as text) and 0.001 are both numbers to the loader."""
    quiz = load_quiz(write(tmp_path, one_question(f"""
        id: q
        type: numeric
        prompt: p
        answer: {written}
        explanation: e
    """)))
    assert quiz.questions[0].answer == value


def test_a_single_text_answer_is_accepted_and_read_as_written(tmp_path):
    """A text question may give one accepted answer; `yes` stays the word, not true."""
    quiz = load_quiz(write(tmp_path, one_question("""
        id: q
        type: text
        prompt: p
        answer: yes
        explanation: e
    """)))
    assert quiz.questions[0].answer == ("yes",)


# (what is broken, quiz text, the line named, words the message or fix must contain)
BAD = [
    ("malformed YAML", "questions:\n  - id: q\n    prompt: [unclosed\n    type: single\n", 4, "not valid YAML"),
    ("bad indentation", "questions:\n  - id: q\n   type: single\n", 3, "not valid YAML"),
    ("a tab", "questions:\n\t- id: q\n", 2, "not valid YAML"),
    ("empty file", "", 1, "empty"),
    ("top level a list", "- id: q\n  type: single\n", 1, "not a mapping"),
    ("top level text", "just words\n", 1, "not a mapping"),
    ("no questions", "pass_mark: 0.8\n", 1, "missing `questions`"),
    ("questions not a list", "questions: {id: q}\n", 1, "non-empty list"),
    ("questions empty", "questions: []\n", 1, "non-empty list"),
    ("question not a mapping", "questions:\n  - just text\n", 2, "not a mapping"),
    ("missing explanation",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1"), 2, "missing `explanation`"),
    ("missing id", one_question("type: numeric\nprompt: p\nanswer: 1\nexplanation: e"), 2, "missing `id`"),
    ("missing type", one_question("id: q\nprompt: p\nanswer: 1\nexplanation: e"), 2, "missing `type`"),
    ("missing prompt", one_question("id: q\ntype: numeric\nanswer: 1\nexplanation: e"), 2, "missing `prompt`"),
    ("missing answer", one_question("id: q\ntype: numeric\nprompt: p\nexplanation: e"), 2, "missing `answer`"),
    ("misspelt explanation",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplaination: e"), 6,
     "did you mean explanation?"),
    ("points as words",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\npoints: two"), 7,
     "`points` must be a number"),
    ("points zero",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\npoints: 0"), 7,
     "from 0.01 to 1000"),
    ("points too small to write down",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\npoints: 0.001"), 7,
     "from 0.01 to 1000"),
    ("points too big to add up",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\npoints: 1.0e+308"), 7,
     "from 0.01 to 1000"),
    ("points infinite",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\npoints: .inf"), 7,
     "from 0.01 to 1000"),
    ("tolerance infinite",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\ntolerance: .inf"), 7,
     "`tolerance` must be a number"),
    ("accept not a regex",
     one_question("id: q\ntype: text\nprompt: p\nanswer: [x]\nexplanation: e\naccept: '(x'"), 7,
     "not a valid regular expression"),
    ("accept on a single question",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {a: x, b: y}\nanswer: a\n"
                  "explanation: e\naccept: x"), 8, "`accept` is only for text ones"),
    ("choice mapping without text",
     one_question("id: q\ntype: single\nprompt: p\nchoices:\n  a: {why: w}\n  b: y\nanswer: a\n"
                  "explanation: e"), 6, "missing `text`"),
    ("choice mapping with a stray key",
     one_question("id: q\ntype: single\nprompt: p\nchoices:\n  a: {text: x, wy: w}\n  b: y\n"
                  "answer: a\nexplanation: e"), 6, "did you mean why?"),
    ("choice why empty",
     one_question("id: q\ntype: single\nprompt: p\nchoices:\n  a: {text: x, why: ''}\n  b: y\n"
                  "answer: a\nexplanation: e"), 6, "`why` must be non-empty text"),
    ("hints not a list",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\nhints: one hint"), 7,
     "list of non-empty texts"),
    ("hints holding a number",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e\nhints: [ok, 3]"), 7,
     "list of non-empty texts"),
    ("prompt a list", one_question("id: q\ntype: numeric\nprompt: [a]\nanswer: 1\nexplanation: e"), 4,
     "non-empty text"),
    ("blank explanation", one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: ' '"), 6,
     "non-empty text"),
    ("id with capitals", one_question("id: Leaf_Grad\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e"),
     2, "a-z, 0-9 and -"),
    ("id with a slash", one_question("id: ../x\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e"),
     2, "a-z, 0-9 and -"),
    ("duplicate id",
     "questions:\n"
     "  - {id: q, type: numeric, prompt: p, answer: 1, explanation: e}\n"
     "  - {id: q, type: numeric, prompt: p, answer: 2, explanation: e}\n", 3, "used twice (first on line 2)"),
    ("key written twice",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nanswer: 2\nexplanation: e"), 6,
     "twice (first on line 5)"),
    ("unknown type", one_question("id: q\ntype: singel\nprompt: p\nanswer: 1\nexplanation: e"), 3,
     "did you mean single?"),
    ("single without choices", one_question("id: q\ntype: single\nprompt: p\nanswer: a\nexplanation: e"), 2,
     "has no `choices`"),
    ("order without choices", one_question("id: q\ntype: order\nprompt: p\nanswer: [a]\nexplanation: e"), 2,
     "has no `choices`"),
    ("numeric with choices",
     one_question("id: q\ntype: numeric\nprompt: p\nchoices: {a: x, b: y}\nanswer: 1\nexplanation: e"), 5,
     "takes no `choices`"),
    ("text with choices",
     one_question("id: q\ntype: text\nprompt: p\nchoices: {a: x, b: y}\nanswer: [x]\nexplanation: e"), 5,
     "takes no `choices`"),
    ("one choice only",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {a: x}\nanswer: a\nexplanation: e"), 5,
     "at least two"),
    ("choice key with capitals",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {A: x, b: y}\nanswer: b\nexplanation: e"), 5,
     "a-z and 0-9"),
    ("empty choice text",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {a: x, b: }\nanswer: a\nexplanation: e"), 5,
     "needs a text"),
    ("single answer not a choice",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {a: x, b: y}\nanswer: c\nexplanation: e"), 6,
     "not one of the choices"),
    ("single answer a list",
     one_question("id: q\ntype: single\nprompt: p\nchoices: {a: x, b: y}\nanswer: [a]\nexplanation: e"), 6,
     "one key"),
    ("multiple answer not a choice",
     one_question("id: q\ntype: multiple\nprompt: p\nchoices: {a: x, b: y}\nanswer: [a, z]\nexplanation: e"),
     6, "'z', which is not a choice"),
    ("multiple answer a bare key",
     one_question("id: q\ntype: multiple\nprompt: p\nchoices: {a: x, b: y}\nanswer: a\nexplanation: e"), 6,
     "list of keys"),
    ("order answer missing a key",
     one_question("id: q\ntype: order\nprompt: p\nchoices: {a: x, b: y, c: z}\nanswer: [c, a]\n"
                  "explanation: e"), 6, "leaves out b"),
    ("order answer repeating a key",
     one_question("id: q\ntype: order\nprompt: p\nchoices: {a: x, b: y}\nanswer: [a, a]\nexplanation: e"), 6,
     "twice"),
    ("numeric answer not a number",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: six\nexplanation: e"), 5, "must be a number"),
    ("numeric answer true", one_question("id: q\ntype: numeric\nprompt: p\nanswer: true\nexplanation: e"), 5,
     "must be a number"),
    ("numeric answer infinite",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: .inf\nexplanation: e"), 5, "must be a number"),
    ("negative tolerance",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\ntolerance: -0.1\nexplanation: e"), 6,
     "at least 0"),
    ("negative rel_tolerance",
     one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nrel_tolerance: -1e-2\nexplanation: e"), 6,
     "at least 0"),
    ("tolerance on a text question",
     one_question("id: q\ntype: text\nprompt: p\nanswer: [x]\ntolerance: 0.1\nexplanation: e"), 6,
     "only for numeric"),
    ("text answer empty list", one_question("id: q\ntype: text\nprompt: p\nanswer: []\nexplanation: e"), 5,
     "list of accepted answers"),
    ("text answer a mapping", one_question("id: q\ntype: text\nprompt: p\nanswer: {a: b}\nexplanation: e"), 5,
     "list of accepted answers"),
    ("pass_mark above 1", "pass_mark: 1.5\n" + one_question(
        "id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e"), 1, "at most 1"),
    ("pass_mark zero", "pass_mark: 0\n" + one_question(
        "id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e"), 1, "above 0"),
    ("pass_mark as words", "pass_mark: most\n" + one_question(
        "id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplanation: e"), 1, "fraction"),
    ("unknown top-level key", "pass_mark: 0.8\nquestion:\n  - id: q\n", 2, "did you mean questions?"),
    ("python tag", "questions: !!python/object/apply:os.system ['true']\n", 1, "not valid YAML"),
    ("bad explicit int", "pass_mark: !!int many\nquestions: []\n", 1, "not valid YAML"),
    ("control character", "questions:\n  - id: q\x07\n", 2, "not allowed in YAML"),
]


@pytest.mark.parametrize("what, text, line, words", BAD, ids=[case[0] for case in BAD])
def test_bad_quiz_names_line_and_fix(tmp_path, what, text, line, words):
    """Each broken quiz raises QuizError naming quiz.yaml, the right line and what to do."""
    path = write(tmp_path, text)
    with pytest.raises(QuizError) as caught:
        load_quiz(path)
    error = caught.value
    assert error.path == path
    assert error.line == line, str(error)
    assert words in str(error)
    assert str(error).startswith(f"{path}:{line}: ")
    assert error.fix, "every problem says how to fix it"
    assert "\n" not in str(error)


def test_find_problems_lists_every_problem_in_line_order(tmp_path):
    """find_problems reports all problems of a quiz at once, sorted by line, for `learnpath check`."""
    path = write(tmp_path, """\
        pass_mark: 2
        questions:
          - id: a
            type: single
            prompt: p
            choices: {a: x, b: y}
            answer: c
            explanation: e
          - id: a
            type: numeric
            prompt: p
            answer: lots
            explaination: e
    """)
    problems = find_problems(path)
    assert [p.line for p in problems] == [1, 7, 9, 12, 13]
    assert all(isinstance(p, QuizError) for p in problems)
    with pytest.raises(QuizError) as caught:
        load_quiz(path)
    assert caught.value.line == 1


def test_misspelt_key_is_reported_once_not_also_as_missing(tmp_path):
    """A typo of a required key gives the 'did you mean' problem only, not a second 'missing' one."""
    path = write(tmp_path, one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1\nexplaination: e"))
    assert [p.message for p in find_problems(path)] == ["question 'q' has an unknown key 'explaination'"]


def test_missing_file_is_a_quiz_error(tmp_path):
    """A quiz.yaml that isn't there is reported as a QuizError naming the path, not an OSError."""
    with pytest.raises(QuizError) as caught:
        load_quiz(tmp_path / "quiz.yaml")
    assert caught.value.path == tmp_path / "quiz.yaml" and "missing" in str(caught.value)


def test_non_utf8_file_is_a_quiz_error_with_its_line(tmp_path):
    """Bytes that aren't UTF-8 give a QuizError naming the line they are on."""
    path = tmp_path / "quiz.yaml"
    path.write_bytes(b"questions:\n  - id: caf\xe9\n")
    with pytest.raises(QuizError) as caught:
        load_quiz(path)
    assert caught.value.line == 2 and "UTF-8" in str(caught.value)


def test_loading_never_runs_yaml_tags(tmp_path):
    """A python/object tag is refused (safe loading), so loading can't run code."""
    marker = tmp_path / "ran"
    path = write(tmp_path, f"questions: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(QuizError):
        load_quiz(path)
    assert not marker.exists()


def test_absurdly_deep_nesting_is_a_quiz_error(tmp_path):
    """Thousands of nested brackets give a QuizError, not a RecursionError."""
    path = write(tmp_path, "questions: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(QuizError) as caught:
        load_quiz(path)
    assert "nested too deeply" in str(caught.value)


def test_aliases_are_followed_like_plain_values(tmp_path):
    """YAML anchors and aliases work: a shared explanation can be reused."""
    text = GOOD.replace('explanation: "Nudging it moves nothing."',
                        'explanation: &same "Nudging it moves nothing."').replace(
        'explanation: "2x at 3 is 6."', "explanation: *same")
    quiz = load_quiz(write(tmp_path, text))
    assert quiz.question("slope").explanation == "Nudging it moves nothing."


# ---- the JSON Schema --------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
SHIPPED_QUIZZES = sorted((REPO / "curriculum").glob("Phase_*/Section_*/quiz.yaml"))

# Problems only the loader can see: YAML syntax, repeats, and answers checked against choices.
SCHEMA_CANNOT_SAY = {
    "malformed YAML", "bad indentation", "a tab", "python tag", "bad explicit int", "control character",
    "duplicate id", "key written twice", "single answer not a choice", "multiple answer not a choice",
    "order answer missing a key", "numeric answer infinite", "accept not a regex", "tolerance infinite",
}
MORE_GOOD = [
    GOOD.replace("pass_mark: 0.75\n", ""),
    one_question("id: q\ntype: numeric\nprompt: p\nanswer: 1e-3\nrel_tolerance: 0.1\nexplanation: e"),
    one_question("id: q\ntype: text\nprompt: p\nanswer: chain rule\nexplanation: e\nhints: [h]"),
    one_question("id: '42'\ntype: single\nprompt: p\nchoices: {a: 1, b: 2}\nanswer: a\nexplanation: e"),
    one_question("id: q\ntype: single\nprompt: p\nchoices:\n  a: {text: x, why: w}\n  b: {text: 2}\n"
                 "  c: z\nanswer: a\nexplanation: e"),
    one_question("id: q\ntype: text\nprompt: p\nanswer: [x]\naccept: '^x+$'\nexplanation: e\npoints: 0.5"),
]


def quiz_validator():
    jsonschema = pytest.importorskip("jsonschema")
    from learnpath.schema import quiz_schema

    schema = quiz_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_valid_draft_2020_12():
    """The shipped schema is itself a valid JSON Schema (draft 2020-12)."""
    validator = quiz_validator()
    assert validator.schema["$schema"].endswith("2020-12/schema")


AGREEMENT_CASES = [("good", GOOD)] + [(f"good {n}", text) for n, text in enumerate(MORE_GOOD, 1)] + [
    (what, text) for what, text, _, _ in BAD if what not in SCHEMA_CANNOT_SAY]


@pytest.mark.parametrize("what, text", AGREEMENT_CASES, ids=[case[0] for case in AGREEMENT_CASES])
def test_schema_and_loader_agree(tmp_path, what, text):
    """On good quizzes and on broken ones a schema can judge, the schema and the loader give the same verdict."""
    validator = quiz_validator()
    loader_accepts = not find_problems(write(tmp_path, text))
    schema_accepts = validator.is_valid(yaml.safe_load(text))
    assert schema_accepts == loader_accepts


@pytest.mark.parametrize("path", SHIPPED_QUIZZES, ids=[p.parent.name for p in SHIPPED_QUIZZES])
def test_shipped_quiz_passes_loader_and_schema(path):
    """Every quiz.yaml in the repo's curriculum loads cleanly and validates against the schema."""
    assert [str(problem) for problem in find_problems(path)] == []
    validator = quiz_validator()
    errors = [error.message for error in validator.iter_errors(yaml.safe_load(path.read_text("utf-8")))]
    assert errors == []


def test_the_documented_example_is_a_valid_quiz(tmp_path):
    """The whole example in docs/quiz-format.md loads without a problem, modeline and all."""
    doc = (REPO / "docs" / "quiz-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    quiz = load_quiz(write(tmp_path, example))
    assert len(quiz.questions) == 5
    assert {q.type for q in quiz.questions} == set(QuestionType)
