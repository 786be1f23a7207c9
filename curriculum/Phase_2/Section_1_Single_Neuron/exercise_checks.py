"""Checks for the Section 2.1 exercise: the neuron's forward pass and its decision line."""

from __future__ import annotations

from learnpath.exercises import Mismatch, central_difference, expect_close, expect_equal, for_all, st, task
from learnpath.nn import Value, weighted_sum

# Weights, biases and inputs small enough that sigmoid's slope is not lost to rounding.
small = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def _reference(weights: list[float], bias: float, inputs: list[float]) -> tuple[float, list[float], float]:
    """The library's neuron: its output, d(output)/d(each weight) and d(output)/d(bias)."""
    w = [Value(v) for v in weights]
    b = Value(bias)
    out = weighted_sum(w, inputs, b).sigmoid()
    out.backward()
    return out.data, [v.grad for v in w], b.grad


@task("neuron-forward", "The neuron's forward pass on Values",
      hints=["Start from the bias and add one product w * x per input.",
             "Keep everything a Value: use w * x, not w.data * x, so backward() can reach w.",
             "The activation comes last, once, on the whole sum: Value.sigmoid().",
             "Build new Values from the ones you are given; never change their .data or the input list.",
             "Far from 0 (a sum of -1000) the output must be 0 with a gradient of 0, not NaN: a sigmoid "
             "assembled from exp overflows there, the library's Value.sigmoid() does not."])
def check_neuron_forward(ex):
    def one_case(weights, bias, inputs):
        w = [Value(v) for v in weights]
        b = Value(bias)
        given_weights, given_inputs = list(w), list(inputs)
        case = f"weights {weights}, bias {bias}, inputs {inputs}"
        out = ex.neuron_forward(w, b, inputs)
        # The caller's Values and lists must come back as they were given.
        expect_equal(len(w) == len(given_weights) and all(x is y for x, y in zip(w, given_weights)), True,
                     what=f"whether the list of weights you were given is unchanged after the call, for {case}")
        expect_equal(inputs, given_inputs, what=f"the list of inputs you were given, after the call, for {case}")
        expect_equal([v.data for v in w] + [b.data], list(weights) + [bias],
                     what=f"the .data of the weights and the bias you were given, after the call, for {case}")
        expected, weight_grads, bias_grad = _reference(weights, bias, inputs)
        expect_close(getattr(out, "data", out), expected, what=f"the output for {case}")
        out.backward()
        for i, (v, g) in enumerate(zip(w, weight_grads)):
            expect_close(v.grad, g, what=f"d(output)/d(w{i + 1}) after backward() for {case}")
        expect_close(b.grad, bias_grad, what=f"d(output)/d(bias) after backward() for {case}")
        return out

    one_case([2.0, 1.0, -4.0], -1.0, [1.0, 1.0, 0.0])  # the washing-line example: 0.8808
    one_case([0.5, -0.25], 0.0, [2.0, 4.0])
    # Sums far from 0: the sigmoid must be 0 or 1 there with a gradient of (about) 0, never NaN.
    # A sigmoid built as 1 / (1 + e**-z) overflows e**-z once z is below about -709.8.
    one_case([1.0], -710.0, [0.0])
    one_case([2.0, 3.0], 0.0, [-200.0, -200.0])  # a sum of -1000
    one_case([1.0, -1.0], 5.0, [400.0, -400.0])  # a sum of 805
    one_case([1.0], -745.0, [-100.0])  # a sum of -845
    # Against central differences on the bias, independent of any library.
    for weights, bias, inputs in (([0.5, -0.25], 0.3, [2.0, 4.0]), ([1.5], -1.0, [-0.5])):
        b = Value(bias)
        ex.neuron_forward([Value(v) for v in weights], b, inputs).backward()
        numeric = central_difference(lambda t: ex.neuron_forward([Value(v) for v in weights], Value(t), inputs).data,
                                     bias)
        expect_close(b.grad, numeric, rel=1e-5, abs=1e-7,
                     what=f"d(output)/d(bias) against a central difference for weights {weights}, bias {bias}, "
                          f"inputs {inputs}")
    for_all(st.lists(small, min_size=1, max_size=4).flatmap(
        lambda ws: st.tuples(st.just(ws), small, st.lists(small, min_size=len(ws), max_size=len(ws)))),
        max_examples=40)(lambda case: one_case(*case))
    # Wide sums, either sign: the sigmoid's tails.
    wide = st.floats(-900, 900, allow_nan=False, allow_infinity=False)
    for_all(wide, wide, max_examples=30)(lambda bias, x: one_case([1.0], bias, [x]))


@task("decision-line", "The decision line from the weights",
      hints=["On the line the sum is 0: w1*x1 + w2*x2 + b = 0.",
             "Move everything except w2*x2 to the other side, then divide by w2.",
             "Check with the AND neuron: w = (1, 1), b = -1.5 gives x2 = -x1 + 1.5."])
def check_decision_line(ex):
    def one_case(w1, w2, b):
        answer = ex.decision_line(w1, w2, b)
        case = f"w1 = {w1}, w2 = {w2}, b = {b}"
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise Mismatch(f"decision_line({w1}, {w2}, {b})", expected="a pair (slope, intercept)", got=answer)
        slope, intercept = answer
        expect_close(slope, -w1 / w2, what=f"the slope for {case}")
        expect_close(intercept, -b / w2, what=f"the intercept for {case}")
        # Points on the returned line must give the neuron a sum of 0.
        for x1 in (-1.0, 0.0, 2.0):
            x2 = slope * x1 + intercept
            expect_close(w1 * x1 + w2 * x2 + b, 0.0, what=f"w1*x1 + w2*x2 + b at x1 = {x1} on your line, for {case}",
                         abs=1e-6 * (1 + abs(w1) + abs(b)))

    one_case(1.0, 1.0, -1.5)  # AND: (-1, 1.5)
    one_case(2.0, -4.0, 1.0)  # a negative w2 flips both signs: (0.5, 0.25)
    one_case(3.0, 0.5, 2.0)  # w2 below 1: (-6, -4)
    one_case(-1.0, 2.0, 0.0)  # through the origin: (0.5, 0)
    nonzero = st.floats(0.1, 10).flatmap(lambda v: st.sampled_from([v, -v]))
    for_all(st.floats(-10, 10), nonzero, st.floats(-10, 10), max_examples=60)(one_case)
