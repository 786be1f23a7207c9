"""Checks for the Section 2.4 exercise: a stable softmax, and softmax cross-entropy with its gradient."""

from __future__ import annotations

import math

from learnpath.exercises import Mismatch, central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value
from learnpath.nn.losses import cross_entropy

logit = st.floats(-20, 20, allow_nan=False, allow_infinity=False)
rows = st.lists(logit, min_size=2, max_size=6)
# Rows that mix ordinary logits with huge ones of either sign: where overflow and underflow hide.
extreme = st.one_of(logit, st.sampled_from([-1000.0, 1000.0, -800.0, 750.0, -745.0]),
                    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False))
wide_rows = st.lists(extreme, min_size=2, max_size=6)

# Fixed rows where a wrong shift, a patched ln 0 or a lost digit shows.
HARD_ROWS = [
    [1000.0, 0.0, -1000.0],  # large both ways: [1, 0, 0]
    [-1000.0, -1001.0],  # all very negative
    [3.0, -1000.0],  # the largest value is small, the largest magnitude is negative
    [-1000.0, 2.0, 1.0],
    [-5.0, -1000.0, -7.0],  # all negative, one far below
    [1000.0, 1000.0, 0.0],  # a tie at the top
    [0.0, -740.0],  # e**-740 is a subnormal number: few digits left
    [0.0, -800.0],  # e**-800 underflows to 0
]


def _library(logits: list[float], target: int) -> tuple[float, list[float], list[float]]:
    """learnpath.nn's cross-entropy of one row: the loss, d(loss)/d(logits), and softmax (= gradient + one-hot)."""
    values = [Value(z) for z in logits]
    loss = cross_entropy(values, target)
    loss.backward()
    grad = [v.grad for v in values]
    probabilities = [g + (1.0 if i == target else 0.0) for i, g in enumerate(grad)]
    return loss.data, grad, probabilities


def _on(case: str, call):
    """Run the learner's `call`; if it raises, say which inputs it raised on (shown beside the error)."""
    try:
        return call()
    except Exception as problem:
        problem.learnpath_input = case
        raise


def _as_list(answer, call: str, length: int) -> list:
    if not isinstance(answer, (list, tuple)) or len(answer) != length:
        raise Mismatch(f"what {call} returns", expected=f"a list of {length} numbers", got=answer)
    return list(answer)


@task("softmax", "A softmax that cannot overflow",
      hints=["Exponentiate every logit and divide each by the sum of all of them.",
             "math.exp(1000) overflows. What can you subtract from every logit without changing the result?",
             "Subtract the same number from every logit: the one that makes the largest exponent exactly 0. "
             "Which logit is that, for [3, -1000]?",
             "Make a new list: the caller's list of logits must come back as it was."])
def check_softmax(ex):
    def one_case(logits):
        given = list(logits)
        call = f"softmax({given})"
        got = _as_list(_on(f"logits = {given}", lambda: ex.softmax(logits)), call, len(given))
        expect_equal(logits, given, what=f"the list of logits you were given, after {call}")
        _, _, expected = _library(given, 0)
        for i, (g, e) in enumerate(zip(got, expected)):
            expect_close(g, e, what=f"{call}[{i}]", abs=1e-12)
        expect_close(sum(got), 1.0, what=f"the sum of {call}")

    one_case([2.0, 1.0, -1.0])  # the docstring's example
    one_case([0.0, 0.0, 0.0, 0.0])  # all equal: 1/4 each
    for row in HARD_ROWS:
        one_case(list(row))
    one_case([5.0, 5.0 + 1e-9])
    for_all(rows, max_examples=50)(one_case)
    for_all(wide_rows, max_examples=50)(one_case)


class _Spy:
    """Stands in for the learner's softmax while cross_entropy_and_grad runs, to know whether it is used."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


def _wrong_softmax(ex) -> Mismatch | None:
    """A Mismatch if the learner's softmax is wrong on a small known row, else None."""
    for row in ([2.0, 1.0, -1.0], [1000.0, 0.0, -1000.0], [3.0, -1000.0]):
        want = _library(row, 0)[2]
        try:
            got = ex.softmax(list(row))
            right = len(got) == len(want) and all(abs(g - e) <= 1e-12 + 1e-6 * abs(e) for g, e in zip(got, want))
        except Exception as problem:
            got, right = f"{type(problem).__name__}: {problem}", False
        if not right:
            return Mismatch(f"cross-entropy-and-grad calls your softmax, which is wrong: fix task softmax first. "
                            f"Your softmax({row})", expected=want, got=got)
    return None


@task("cross-entropy-and-grad", "Softmax cross-entropy and its gradient",
      hints=["The loss is ln(sum of e**z_j) - z_target; the sum is what can overflow.",
             "ln(sum of e**z_j) = m + ln(sum of e**(z_j - m)) for any m; take m = max(logits).",
             "Never take the log of a probability: it can be 0, or a number with only a few digits left. "
             "Work with the shifted logits instead.",
             "The gradient is your softmax, with 1 subtracted at the target's position."])
def check_cross_entropy(ex):
    def one_case(logits, target):
        given = list(logits)
        call = f"cross_entropy_and_grad({given}, {target})"
        answer = _on(f"logits = {given}, target = {target}", lambda: ex.cross_entropy_and_grad(logits, target))
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise Mismatch(f"what {call} returns", expected="a pair (loss, gradient)", got=answer)
        loss, grad = answer
        expect_equal(logits, given, what=f"the list of logits you were given, after {call}")
        grad = _as_list(grad, f"the gradient of {call}", len(given))
        want_loss, want_grad, _ = _library(given, target)
        case = f"logits {given}, target {target}"
        expect_close(loss, want_loss, what=f"the loss for {case}", abs=1e-9)
        for i, (g, e) in enumerate(zip(grad, want_grad)):
            expect_close(g, e, what=f"d(loss)/d(logit {i}) for {case}", abs=1e-12)

    def all_cases():
        one_case([2.0, 1.0, -1.0], 0)  # the docstring's example: 0.3490 and [-0.2946, 0.2595, 0.0351]
        one_case([0.0, 0.0, 0.0], 2)  # ln 3
        for row in HARD_ROWS:  # every target: the far-below ones have probabilities that underflow
            for target in range(len(row)):
                one_case(list(row), target)
        # The gradient against central differences on the learner's own loss.
        logits, target = [0.5, -1.2, 2.0, 0.1], 1
        _, grad = ex.cross_entropy_and_grad(list(logits), target)
        for i in range(len(logits)):
            def loss_at(z, i=i):
                moved = list(logits)
                moved[i] = z
                return ex.cross_entropy_and_grad(moved, target)[0]
            expect_close(grad[i], central_difference(loss_at, logits[i]),
                         what=f"d(loss)/d(logit {i}) for logits {logits}, target {target}, against a central "
                              "difference", rel=1e-6, abs=1e-8)
        for_all(rows.flatmap(lambda r: st.tuples(st.just(r), st.integers(0, len(r) - 1))),
                max_examples=50)(lambda case: one_case(*case))
        for_all(wide_rows.flatmap(lambda r: st.tuples(st.just(r), st.integers(0, len(r) - 1))),
                max_examples=50)(lambda case: one_case(*case))
        loss, _ = ex.cross_entropy_and_grad([1000.0, -1000.0], 1)
        expect_equal(math.isfinite(loss), True, what="whether the loss for logits [1000, -1000], target 1, is finite")

    spy = _Spy(ex.softmax)
    ex.softmax = spy
    try:
        all_cases()
    except (Mismatch, ArithmeticError, ValueError):
        # Built on a wrong softmax, the gradient is wrong too: say which task to fix first.
        wrong = _wrong_softmax(ex) if spy.calls else None
        if wrong is not None:
            raise wrong
        raise
    finally:
        ex.softmax = spy.real
