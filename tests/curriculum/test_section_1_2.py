"""Section 1.2 (Forward Pass): the experiment's claims, the overview's counts and the quiz's answers."""

from __future__ import annotations

import importlib.util
import inspect
import re
import textwrap

import pytest

from learnpath.nn import Value
from learnpath.nn.graph import count_ops, draw

from sections import load_experiment, quiz_questions, quoted_code_missing, run_alone, section_dir

SECTION = "1.2"


def assert_matches_key(question_id: str, recomputed: float) -> None:
    """The numeric answer in quiz.yaml equals the recomputed number within the question's tolerance."""
    question = quiz_questions(SECTION)[question_id]
    assert question["type"] == "numeric"
    answer = float(question["answer"])
    allowed = max(float(question.get("tolerance", 1e-9)), float(question.get("rel_tolerance", 0)) * abs(answer))
    assert abs(recomputed - answer) <= allowed, f"{question_id}: key {answer}, recomputed {recomputed}"


def nodes_of(y: Value) -> list[Value]:
    return y.topological_order()


# ----------------------------------------------------------------------
# The experiment


def test_experiment_runs_alone_in_its_folder():
    """`python experiment.py` run in the section folder exits 0 and prints all four steps."""
    result = run_alone(SECTION)
    assert result.returncode == 0, result.stderr
    for step in ("Step 1", "Step 2", "Step 3", "Step 4"):
        assert step in result.stdout


def test_g_is_24_7041_with_values_and_with_floats(run_main):
    """The README expression gives g = 24.7041 on Values, and floats give the very same float."""
    figures, printed = run_main
    assert figures["g"] == pytest.approx(24.7041, abs=5e-5)
    assert figures["g"] == pytest.approx(24.5 + 10 / 49, abs=1e-12)
    assert figures["g"] == figures["g_float"]
    assert "g = 24.7041" in printed
    assert "Identical to the last bit: True" in " ".join(printed.split())


def test_node_counts_by_op(run_main):
    """33 nodes: 8 inputs and 25 operations (+ 13, * 3, - 2, / 2, relu 2, **2 1, **3 1, neg 1), 45 edges."""
    figures, printed = run_main
    assert figures["nodes"] == 33
    assert figures["inputs"] == 8
    assert figures["operations"] == 25
    assert figures["op_counts"] == {
        "input": 8, "+": 13, "*": 3, "-": 2, "/": 2, "relu": 2, "**2": 1, "**3": 1, "neg": 1
    }
    assert figures["edges"] == 45
    assert "33 nodes: 8 inputs (a, b and 6 constants) and 25 operations" in " ".join(printed.split())


def test_counts_agree_with_a_count_made_without_graph_py(run_main):
    """Counting ops straight from topological_order() gives the same numbers as count_ops."""
    figures, _ = run_main
    module = load_experiment(SECTION)
    g = module.readme_expression(Value(-4.0), Value(2.0), module.value_relu)
    by_hand: dict[str, int] = {}
    for node in g.topological_order():
        by_hand[node.op or "input"] = by_hand.get(node.op or "input", 0) + 1
    assert by_hand == figures["op_counts"]


def test_printed_order_is_topological(run_main):
    """Every node in the printed order comes after its parents, and g is last."""
    figures, printed = run_main
    assert figures["parents_first"] is True
    assert figures["order_ops"][:2] == ["input", "input"]
    assert figures["order_ops"][-1] == "+"
    assert "Every one of the 45 edges points forward in this list: True" in " ".join(printed.split())
    assert " 33  g " in printed  # the draw() table ends with the output node, labelled g


def test_overview_landmarks_in_the_printed_table(run_main):
    """The nodes the overview points at (#9 neg, #18 relu of -2, the constants) are where it says."""
    figures, _ = run_main
    ops = figures["order_ops"]
    assert ops[9 - 1] == "neg"
    assert ops[18 - 1] == "relu"
    assert [position for position, op in enumerate(ops, start=1) if op == "input"] == [1, 2, 4, 7, 15, 21, 29, 31]


def test_replay_recomputes_the_graph_and_reverse_order_fails(run_main):
    """Replaying the recorded graph with a = -3 gives 364.5137, like the expression; the reverse order fails."""
    figures, printed = run_main
    assert figures["replayed_g_at_a_minus_3"] == figures["direct_g_at_a_minus_3"]
    assert figures["direct_g_at_a_minus_3"] == pytest.approx(364.5137, abs=5e-5)
    assert figures["reverse_failure"].startswith("visit 1 (g)")
    assert "364.5137" in printed


# ----------------------------------------------------------------------
# The "Try this" predictions in the overview


def readme_graph(expression_source_change: tuple[str, str] | None = None):
    """g of the README expression, optionally with one line of readme_expression's source replaced."""
    module = load_experiment(SECTION)
    expression = module.readme_expression
    if expression_source_change is not None:
        source = textwrap.dedent(inspect.getsource(module.readme_expression))
        old, new = expression_source_change
        assert old in source
        namespace: dict = {}
        exec(source.replace(old, new), namespace)
        expression = namespace["readme_expression"]
    return expression(Value(-4.0), Value(2.0), module.value_relu), expression(-4.0, 2.0, module.float_relu)


def test_try_expand_the_cube():
    """b * b * b instead of b**3: same g, 34 nodes, 48 edges, five '*' and no '**3'."""
    g, g_float = readme_graph(("b**3", "b * b * b"))
    counts = count_ops(g)
    assert g.data == g_float == 24.70408163265306
    assert len(nodes_of(g)) == 34
    assert sum(len(node.parents) for node in nodes_of(g)) == 48
    assert counts["*"] == 5 and "**3" not in counts


def test_try_multiply_instead_of_divide():
    """f * 0.5 instead of f / 2.0: same g to the last bit, still 33 nodes, one '/' and four '*'."""
    g, _ = readme_graph(("g = f / 2.0", "g = f * 0.5"))
    counts = count_ops(g)
    assert g.data == 24.70408163265306
    assert len(nodes_of(g)) == 33
    assert counts["/"] == 1 and counts["*"] == 4


def test_try_change_an_input_keeps_the_shape():
    """a = -3 gives g = 364.5137 on Values and floats, with the same op counts as a = -4."""
    module = load_experiment(SECTION)
    g = module.readme_expression(Value(-3.0), Value(2.0), module.value_relu)
    g_at_minus_4 = module.readme_expression(Value(-4.0), Value(2.0), module.value_relu)
    assert g.data == module.readme_expression(-3.0, 2.0, module.float_relu)
    assert g.data == pytest.approx(364.5137, abs=5e-5)
    assert count_ops(g) == count_ops(g_at_minus_4)


def test_try_another_topological_order_replays_the_same():
    """Moving every input to the front is still a topological order, and replays to the same g."""
    module = load_experiment(SECTION)
    a = Value(-4.0)
    g = module.readme_expression(a, Value(2.0), module.value_relu)
    order = g.topological_order()
    inputs_first = sorted(order, key=lambda node: node.op != "")
    assert inputs_first != order
    assert module.replay(inputs_first, {a: -3.0}) == module.replay(order, {a: -3.0})


def test_try_deep_chain():
    """A chain of 100,000 '+ 1' steps has 200,001 nodes and topological_order handles it."""
    x = Value(0.0)
    for _ in range(100_000):
        x = x + 1
    assert x.data == 100_000.0
    assert len(x.topological_order()) == 200_001


def test_overview_claims_doubling_chain_and_five_nodes():
    """x = x + x thirty times is 31 nodes; 2 * x - 1 is five nodes."""
    x = Value(1.0)
    for _ in range(30):
        x = x + x
    assert len(x.topological_order()) == 31
    assert len((2 * Value(5.0) - 1).topological_order()) == 5


# ----------------------------------------------------------------------
# The quiz: every answer recomputed


def choice_text(question_id: str, key: str) -> str:
    choice = quiz_questions(SECTION)[question_id]["choices"][key]
    return choice["text"] if isinstance(choice, dict) else choice


def test_quiz_hand_forward():
    """(a*b).relu() + (b - a)**2 at a = -1, b = 3 is 16."""
    a, b = Value(-1.0), Value(3.0)
    assert_matches_key("hand-forward", ((a * b).relu() + (b - a) ** 2).data)


def test_quiz_graph_uses():
    """From the recorded graph alone: a replay with new a works, reverse-order gradients match backward(), draw lists every node; g.data does not follow a."""
    module = load_experiment(SECTION)
    a, b = Value(-4.0), Value(2.0)
    g = module.readme_expression(a, b, module.value_relu)
    order = g.topological_order()
    replayed = module.replay(order, {a: -3.0})
    works_a = replayed == pytest.approx(module.readme_expression(-3.0, 2.0, module.float_relu))
    for node in order:
        node.grad = 0.0
    g.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    works_b = a.grad == pytest.approx(138.8338, abs=1e-4) and b.grad == pytest.approx(645.5773, abs=1e-4)
    before = g.data
    a.data = -3.0
    works_c = g.data != before
    works_d = len(draw(g).splitlines()) == len(order) + 1
    truth = {"a": works_a, "b": works_b, "c": works_c, "d": works_d}
    assert sorted(quiz_questions(SECTION)["graph-uses"]["answer"]) == sorted(k for k, v in truth.items() if v)


def test_quiz_constants_are_nodes():
    """3 * x + x / 2 - 1 has four input nodes."""
    x = Value(5.0)
    assert_matches_key("constants-are-nodes", count_ops(3 * x + x / 2 - 1)["input"])


def test_quiz_plus_equals():
    """After c += 1 the name c holds a new node whose parents are the old node and an input 1.0: the keyed choice."""
    c = Value(1.0) + Value(2.0)
    old = c
    c += 1
    assert c is not old and old.data == 3.0
    assert c.parents[0] is old and c.parents[1].op == "" and c.parents[1].data == 1.0
    key = quiz_questions(SECTION)["plus-equals"]["answer"]
    assert choice_text("plus-equals", key).startswith("c is a new node made from old")


def test_quiz_topo_order():
    """topological_order of p*q + r is p, q, p*q, r, y, which is the key's order."""
    p, q, r = Value(1.0, label="p"), Value(2.0, label="q"), Value(3.0, label="r")
    y = p * q + r
    product = y.parents[0]
    by_text = {"p": p, "q": q, "the product p * q": product, "r": r, "the + node, y": y}
    question = quiz_questions(SECTION)["topo-order"]
    assert [by_text[choice_text("topo-order", key)] for key in question["answer"]] == y.topological_order()


def test_quiz_why_acyclic_key():
    """The key of why-acyclic is the reason about parents existing first."""
    key = quiz_questions(SECTION)["why-acyclic"]["answer"]
    assert choice_text("why-acyclic", key).startswith("A node's parents exist before it is made")


def test_quiz_creates_nodes():
    """Exactly a + 1, -a and a.relu() add nodes; the key lists those three."""
    def graph_size_after(action) -> int:
        a = Value(2.0)
        result = action(a)
        return len(result.topological_order()) if isinstance(result, Value) else len(a.topological_order())

    actions = {
        "a": lambda a: a + 1,
        "b": lambda a: a.data + 1,
        "c": lambda a: -a,
        "d": lambda a: setattr(a, "grad", 5.0),
        "e": lambda a: a.relu(),
        "f": lambda a: repr(a),
    }
    texts = {"a": "a + 1", "b": "a.data + 1", "c": "-a", "d": "a.grad = 5.0", "e": "a.relu()", "f": "print(a)"}
    for key, text in texts.items():
        assert choice_text("creates-nodes", key) == f"`{text}`"
    adds_nodes = sorted(key for key, action in actions.items() if graph_size_after(action) > 1)
    assert sorted(quiz_questions(SECTION)["creates-nodes"]["answer"]) == adds_nodes


def test_quiz_reverse_replay():
    """Replaying in reverse topological order fails at its first visit, on g: the keyed choice."""
    module = load_experiment(SECTION)
    a = Value(-4.0)
    g = module.readme_expression(a, Value(2.0), module.value_relu)
    with pytest.raises(LookupError, match="visit 1 "):
        module.replay(list(reversed(g.topological_order())), {a: -3.0})
    key = quiz_questions(SECTION)["reverse-replay"]["answer"]
    assert choice_text("reverse-replay", key).startswith("g comes first")


def test_quiz_valid_orders():
    """Of the four lists for t = a + b, y = t * b, exactly the keyed ones list every node after its parents."""
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    t = a + b
    t.label = "t"
    y = t * b
    y.label = "y"
    nodes = {"a": a, "b": b, "t": t, "y": y}

    def valid(text: str) -> bool:
        order = [nodes[name.strip()] for name in text.split(",")]
        return all(order.index(parent) < order.index(node) for node in order for parent in node.parents)

    question = quiz_questions(SECTION)["valid-orders"]
    truth = sorted(key for key in question["choices"] if valid(choice_text("valid-orders", key)))
    assert sorted(question["answer"]) == truth


def test_quiz_deep_recursion():
    """A recursive walk over x + 1 + 1 + ... (5,000 additions) raises RecursionError at the default limit; the stack walk lists 10,001 nodes."""
    import sys

    from sections import CURRICULUM
    assert sys.getrecursionlimit() == 1000
    spec = importlib.util.spec_from_file_location(
        "solution_1_2", CURRICULUM.parent / "solutions/Phase_1/Section_2_Forward_Pass/exercise.py")
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    deep = solution.chain(5_000)
    with pytest.raises(RecursionError):
        solution.topological_order_recursive(deep)
    assert len(solution.topological_order(deep)) == 10_001 == len(deep.topological_order())
    key = quiz_questions(SECTION)["deep-recursion"]["answer"]
    assert choice_text("deep-recursion", key).startswith("It stops with RecursionError")


def test_quiz_listed_twice():
    """The stack walk without the visited check on pop lists x twice for y = x * 2 + x, and only x."""
    def walk_without_pop_check(root):
        order, visited, stack = [], set(), [(root, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            visited.add(node)
            stack.append((node, True))
            for parent in reversed(node.parents):
                if parent not in visited:
                    stack.append((parent, False))
        return order

    x = Value(1.5, label="x")
    y = x * 2 + x
    order = walk_without_pop_check(y)
    repeated = [node for node in set(order) if order.count(node) > 1]
    assert repeated == [x] and order.count(x) == 2
    question = quiz_questions(SECTION)["listed-twice"]
    assert question["answer"] == [x.label]
    for right in ("x", "X", "the node x", "input x", "`x`", "x node"):
        assert re.fullmatch(question["accept"], right.lower()), right
    for wrong in ("y", "x * 2", "2", "x*2", "the product", "xx"):
        assert not re.fullmatch(question["accept"], wrong.lower()), wrong


def test_overview_states_the_push_count_exactly():
    """The overview no longer says each node is pushed twice; it says a node can be pushed more often and the visited check skips copies."""
    overview = (section_dir(SECTION) / "overview.md").read_text(encoding="utf-8")
    assert "pushed twice" not in overview
    assert "the `visited` check skips the extra copies" in overview


def test_code_quoted_in_the_overview_is_in_value_py():
    """Every line of every code block under '## The code' in overview.md appears in learnpath/nn/value.py."""
    assert quoted_code_missing(SECTION, ["learnpath/nn/value.py"], under="## The code") == []


def test_every_printed_line_fits_80_columns():
    """Run alone in an 80-column terminal, every line the experiment prints fits in 80 columns."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "experiment.py"], cwd=section_dir(SECTION), capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
