"""Loss functions: one number that says how wrong a model is, ready for backward().

Every loss here works on both engines:
- on the scalar engine, predictions are a Value or a list of Values (Phase 2);
- on the array engine, predictions are a Tensor (Phases 3 and 4).
Targets are plain numbers or arrays: they are data, not something to learn.

On Values each loss is written with Value arithmetic, so a learner can draw
its graph. On Tensors most are the same formula in Tensor operations; the
two that need care with large numbers (cross-entropy and binary
cross-entropy from logits) use fused, stable forms.

Which loss for which task:
- mse: regression, predicting a number.
- hinge: two classes labelled -1 and +1, raw scores (the max-margin loss of
  micrograd's demo); zero once every example is on the right side by 1.
- binary_cross_entropy: two classes labelled 0 and 1, probabilities in (0, 1)
  (or logits, with binary_cross_entropy_with_logits).
- cross_entropy: many classes, raw scores (logits) and integer class ids.
- l2_penalty: added to any of them to keep weights small.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from learnpath.nn.scalar import sum_values
from learnpath.nn.value import Number, Value

if TYPE_CHECKING:
    from learnpath.nn.tensor import Tensor

__all__ = [
    "mse",
    "hinge",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l2_penalty",
]


def mse(predictions, targets) -> Value | Tensor:
    """Mean of (prediction - target)**2."""
    if _on_values(predictions):
        pairs = _value_pairs(predictions, targets, "mse")
        return sum_values((p - t) ** 2 for p, t in pairs) * (1.0 / len(pairs))
    predictions, targets = _tensor_pair(predictions, targets, "mse")
    return ((predictions - targets) ** 2).mean()


def hinge(scores, targets) -> Value | Tensor:
    """Mean of max(0, 1 - y * score) for labels y in {-1, +1}: the max-margin loss.

    An example scores zero loss once it is on the correct side with a margin
    of at least 1; only the others push on the weights.
    """
    if _on_values(scores):
        pairs = _value_pairs(scores, targets, "hinge")
        return sum_values((1 - y * s).relu() for s, y in pairs) * (1.0 / len(pairs))
    scores, targets = _tensor_pair(scores, targets, "hinge")
    return (1.0 - targets * scores).relu().mean()


def binary_cross_entropy(probabilities, targets) -> Value | Tensor:
    """Mean of -(y log p + (1 - y) log(1 - p)) for labels y in {0, 1} and probabilities p in (0, 1)."""
    if _on_values(probabilities):
        pairs = _value_pairs(probabilities, targets, "binary_cross_entropy")
        terms = (-(y * p.log() + (1 - y) * (1 - p).log()) for p, y in pairs)
        return sum_values(terms) * (1.0 / len(pairs))
    probabilities, targets = _tensor_pair(probabilities, targets, "binary_cross_entropy")
    return -(targets * probabilities.log() + (1.0 - targets) * (1.0 - probabilities).log()).mean()


def binary_cross_entropy_with_logits(logits, targets) -> Value | Tensor:
    """binary_cross_entropy(sigmoid(z), y), computed without ever forming log(0).

    -(y log s + (1-y) log(1-s)) with s = sigmoid(z) simplifies to
    max(z, 0) - y*z + log(1 + e**-|z|), finite for any z. Its gradient with
    respect to z is sigmoid(z) - y.
    """
    if _on_values(logits):
        pairs = _value_pairs(logits, targets, "binary_cross_entropy_with_logits")
        terms = []
        for z, y in pairs:
            if z.data >= 0:
                terms.append(z - y * z + (1 + (-z).exp()).log())
            else:
                terms.append(-y * z + (1 + z.exp()).log())
        return sum_values(terms) * (1.0 / len(pairs))
    import numpy as np

    from learnpath.nn.tensor import make_node, stable_sigmoid

    logits, targets = _tensor_pair(logits, targets, "binary_cross_entropy_with_logits")
    z, y = logits.data, targets.data
    loss = (np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))).mean()
    return make_node(
        np.asarray(loss),
        "bce_logits",
        (logits, lambda g: (stable_sigmoid(z) - y) * (g / z.size)),
    )


def cross_entropy(logits, targets) -> Value | Tensor:
    """Mean of -log(softmax(logits)[target]) over examples, for integer class ids.

    On Values: `logits` is a list of rows (one list of Values per example) and
    `targets` a list of ints, or a single row with a single int.
    On Tensors: logits of shape (..., classes) and integer targets of shape (...);
    see learnpath.nn.functional.cross_entropy.
    """
    if _on_values(logits) or (isinstance(logits, (list, tuple)) and logits and _on_values(logits[0])):
        one_example = isinstance(targets, numbers.Integral)
        rows = [logits] if one_example else list(logits)
        ids = [targets] if one_example else list(targets)
        # Catch one row given with a list of ids, or a list of rows given with one id.
        if isinstance(rows[0], Value) or not isinstance(rows[0][0], Value):
            raise ValueError(
                "cross_entropy on Values needs a list of rows (one list of logits per example) "
                "with a list of class ids, or one row with one int class id"
            )
        if len(rows) != len(ids):
            raise ValueError(f"cross_entropy got {len(rows)} rows of logits but {len(ids)} targets")
        return sum_values(_value_cross_entropy(row, t) for row, t in zip(rows, ids)) * (1.0 / len(rows))
    from learnpath.nn.functional import cross_entropy as tensor_cross_entropy

    return tensor_cross_entropy(logits, targets)


def l2_penalty(parameters: Iterable, weight: float = 1.0) -> Value | Tensor:
    """weight * (sum of the squares of every parameter): pulls weights towards zero.

    The gradient it adds to each parameter p is 2 * weight * p. Parameters may
    be Values or Tensors (not mixed).
    """
    parameters = list(parameters)
    if not parameters:
        raise ValueError("l2_penalty got no parameters")
    if isinstance(parameters[0], Value):
        # Written exactly as weight * sum(p*p ...), so the float result matches that expression.
        return weight * sum_values(p * p for p in parameters)
    import numpy as np

    from learnpath.nn.tensor import make_node

    # One node for the whole sum: with many weight matrices this is far fewer nodes
    # than a square, a sum and an addition per matrix.
    total = weight * sum(float(np.vdot(p.data, p.data)) for p in parameters)

    def gradient_for(p) -> Callable:
        return lambda g: (2.0 * weight * g) * p.data

    return make_node(np.asarray(total), "l2", *[(p, gradient_for(p)) for p in parameters])


# ----------------------------------------------------------------------
# Helpers: which engine, and do the shapes match?
# ----------------------------------------------------------------------


def _on_values(predictions) -> bool:
    if isinstance(predictions, Value):
        return True
    return isinstance(predictions, (list, tuple)) and bool(predictions) and isinstance(predictions[0], Value)


def _value_pairs(predictions, targets, name: str) -> list[tuple[Value, Number]]:
    predictions = [predictions] if isinstance(predictions, Value) else list(predictions)
    targets = [targets] if isinstance(targets, (int, float)) else list(targets)
    if len(predictions) != len(targets):
        raise ValueError(f"{name}: {len(predictions)} predictions but {len(targets)} targets; give one target each")
    if not predictions:
        raise ValueError(f"{name}: no predictions")
    return list(zip(predictions, (float(t) if not isinstance(t, Value) else t for t in targets)))


def _tensor_pair(predictions, targets, name: str):
    from learnpath.nn.tensor import Tensor, as_tensor

    predictions = as_tensor(predictions)
    targets = targets.detach() if isinstance(targets, Tensor) else as_tensor(targets)
    if targets.shape != predictions.shape:
        raise ValueError(
            f"{name}: targets have shape {targets.shape} but predictions {predictions.shape}; "
            "reshape one so they match (e.g. scores.reshape(-1)): broadcasting them would "
            "compare every prediction with every target"
        )
    return predictions, targets


def _value_cross_entropy(row: Sequence[Value], target: int) -> Value:
    target = int(target)
    if not 0 <= target < len(row):
        raise ValueError(f"cross_entropy: class id {target} is not in 0..{len(row) - 1}")
    # Subtracting the largest logit (a constant, so no gradient flows through it)
    # keeps every exponent at most 0: no overflow.
    biggest = max(v.data for v in row)
    total = sum_values((v - biggest).exp() for v in row)
    return total.log() - (row[target] - biggest)
