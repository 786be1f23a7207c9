"""Checks for the Section 2.4 exercise: a stable softmax, and softmax cross-entropy with its gradient."""

from __future__ import annotations

import math

from learnpath.exercises import central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value
from learnpath.nn.losses import cross_entropy

logit = st.floats(-20, 20, allow_nan=False, allow_infinity=False)
rows = st.lists(logit, min_size=2, max_size=6)


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


@task("softmax", "A softmax that cannot overflow",
      hints=["Exponentiate every logit and divide each by the sum of all of them.",
             "math.exp(1000) overflows. What can you subtract from every logit without changing the result?",
             "Subtract max(logits): the largest exponent becomes 0, and the common factor cancels in the division."])
def check_softmax(ex):
    def one_case(logits):
        got = _on(f"logits = {logits}", lambda: ex.softmax(list(logits)))
        _, _, expected = _library(list(logits), 0)
        expect_equal(len(got), len(logits), what=f"how many probabilities softmax({logits}) returns")
        for i, (g, e) in enumerate(zip(got, expected)):
            expect_close(g, e, what=f"softmax({logits})[{i}]", abs=1e-12)
        expect_close(sum(got), 1.0, what=f"the sum of softmax({logits})")

    one_case([2.0, 1.0, -1.0])  # the docstring's example
    one_case([0.0, 0.0, 0.0, 0.0])  # all equal: 1/4 each
    one_case([1000.0, 0.0, -1000.0])  # large: [1, 0, 0], no OverflowError
    one_case([-1000.0, -1001.0])  # all very negative: still sums to 1
    one_case([5.0, 5.0 + 1e-9])
    for_all(rows, max_examples=60)(one_case)


@task("cross-entropy", "Softmax cross-entropy and its gradient",
      hints=["The loss is ln(sum of e**z_j) - z_target; the sum is what can overflow.",
             "ln(sum of e**z_j) = m + ln(sum of e**(z_j - m)) for any m; take m = max(logits).",
             "The gradient is your softmax, with 1 subtracted at the target's position."])
def check_cross_entropy(ex):
    def one_case(logits, target):
        loss, grad = _on(f"logits = {logits}, target = {target}",
                         lambda: ex.cross_entropy_and_grad(list(logits), target))
        want_loss, want_grad, _ = _library(list(logits), target)
        case = f"logits {logits}, target {target}"
        expect_close(loss, want_loss, what=f"the loss for {case}", abs=1e-9)
        expect_equal(len(grad), len(logits), what=f"how many gradient entries for {case}")
        for i, (g, e) in enumerate(zip(grad, want_grad)):
            expect_close(g, e, what=f"d(loss)/d(logit {i}) for {case}", abs=1e-12)

    one_case([2.0, 1.0, -1.0], 0)  # the docstring's example: 0.3490 and [-0.2946, 0.2595, 0.0351]
    one_case([0.0, 0.0, 0.0], 2)  # ln 3
    one_case([1000.0, 0.0, -1000.0], 1)  # loss 1000, gradient [1, -1, 0]
    one_case([1000.0, 0.0, -1000.0], 0)  # loss 0, gradient [0, 0, 0]
    # The gradient against central differences on the learner's own loss.
    logits, target = [0.5, -1.2, 2.0, 0.1], 1
    _, grad = ex.cross_entropy_and_grad(list(logits), target)
    for i in range(len(logits)):
        def loss_at(z, i=i):
            moved = list(logits)
            moved[i] = z
            return ex.cross_entropy_and_grad(moved, target)[0]
        expect_close(grad[i], central_difference(loss_at, logits[i]),
                     what=f"d(loss)/d(logit {i}) for logits {logits}, target {target}, against a central difference",
                     rel=1e-6, abs=1e-8)
    for_all(rows.flatmap(lambda r: st.tuples(st.just(r), st.integers(0, len(r) - 1))),
            max_examples=60)(lambda case: one_case(*case))
    # Finite far out, whatever the target.
    loss, _ = ex.cross_entropy_and_grad([1000.0, -1000.0], 1)
    expect_equal(math.isfinite(loss), True, what="whether the loss for logits [1000, -1000], target 1, is finite")
