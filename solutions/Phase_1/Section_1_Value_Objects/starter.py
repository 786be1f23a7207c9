"""Section 1.1 exercise: local derivatives, and a referee that checks them.

A Value records, for each parent, the local derivative d(out)/d(parent) when it
is made. Here you write that record for *, ** and /, and, first, a central
difference: the numerical slope you will use to check every derivative you write.

The `Value` below is the library's (learnpath/nn/value.py) with three operators
taken out. `__add__`, `__sub__` and `__neg__` are written for you: read `__add__`
first, it is the pattern. Run this file (python exercise.py) to compare your
local derivatives with central differences; run `learnpath exercise 1.1` to grade it.
"""

from __future__ import annotations

from learnpath.nn import value as library


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """The slope of f at x, estimated from one step h to each side: (f(x + h) - f(x - h)) / 2h.

    Example: for f(x) = x * x at x = 3 with h = 0.1, (3.1**2 - 2.9**2) / 0.2 = 1.2 / 0.2 = 6.0.
    """
    # TODO: evaluate f one step h to each side of x, and divide the difference by the distance between the two points.
    raise NotImplementedError("task central-difference: write central_difference")


class Value(library.Value):
    """A Value whose *, ** and / you write; everything else comes from learnpath.nn."""

    __slots__ = ()

    def __add__(self, other: Value | float) -> Value:
        other = as_value(other)
        # d(a+b)/da = 1 and d(a+b)/db = 1.
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __sub__(self, other: Value | float) -> Value:
        other = as_value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __neg__(self) -> Value:
        return Value(-self.data, (self,), (-1.0,), "neg")

    def __mul__(self, other: Value | float) -> Value:
        """self * other, with local derivatives (d/dself, d/dother).

        Example: Value(2.0) * Value(-5.0) has data -10.0 and local_grads (-5.0, 2.0).
        """
        other = as_value(other)
        # TODO: return a new Value like __add__ does: data, parents (self, other), the two local derivatives, "*".
        raise NotImplementedError("task mul-grad: write Value.__mul__")

    def __pow__(self, exponent: float) -> Value:
        """self ** exponent for a plain number exponent, with local derivative d/dself.

        Example: Value(2.0) ** 3 has data 8.0 and local_grads (12.0,), since 3 * 2**2 = 12.
        It must hold everywhere the power is a real number, x = 0 included: x**0 is the
        constant 1, whose slope is 0 at every x, 0 too (Value(0.0) ** 0 has data 1.0 and
        local_grads (0.0,)), while Value(0.0) ** 1 has local_grads (1.0,).
        """
        # TODO: one parent (self), one local derivative (the power rule), op f"**{exponent:g}".
        raise NotImplementedError("task pow-grad: write Value.__pow__")

    def __truediv__(self, other: Value | float) -> Value:
        """self / other, with local derivatives (d/dself, d/dother).

        Example: Value(6.0) / Value(-2.0) has data -3.0 and local_grads (-0.5, -1.5):
        1/b = -0.5, and -a/b**2 = -6/4 = -1.5.
        """
        other = as_value(other)
        # TODO: return a new Value: data, parents (self, other), the two local derivatives, "/".
        raise NotImplementedError("task div-grad: write Value.__truediv__")

    # A plain number on the left (2 * a, 1 / a) lands here; these use your methods above.
    def __radd__(self, other: float) -> Value:
        return as_value(other) + self

    def __rsub__(self, other: float) -> Value:
        return as_value(other) - self

    def __rmul__(self, other: float) -> Value:
        return as_value(other) * self

    def __rtruediv__(self, other: float) -> Value:
        return as_value(other) / self


def as_value(x: Value | float) -> Value:
    """x itself if it is already one of this file's Values, otherwise a new input node holding x."""
    return x if isinstance(x, Value) else Value(x)


def compare_with_central_differences() -> None:
    """Your local derivatives next to what central differences measure, at a few points."""
    cases = [
        ("a * b, d/da at a=2, b=-5", lambda a: (Value(a) * Value(-5.0)).data, 2.0,
         lambda: (Value(2.0) * Value(-5.0)).local_grads[0]),
        ("a * b, d/db at a=2, b=-5", lambda b: (Value(2.0) * Value(b)).data, -5.0,
         lambda: (Value(2.0) * Value(-5.0)).local_grads[1]),
        ("x ** 3, d/dx at x=2", lambda x: (Value(x) ** 3).data, 2.0, lambda: (Value(2.0) ** 3).local_grads[0]),
        ("x ** 0.5, d/dx at x=4", lambda x: (Value(x) ** 0.5).data, 4.0, lambda: (Value(4.0) ** 0.5).local_grads[0]),
        ("a / b, d/da at a=6, b=-2", lambda a: (Value(a) / Value(-2.0)).data, 6.0,
         lambda: (Value(6.0) / Value(-2.0)).local_grads[0]),
        ("a / b, d/db at a=6, b=-2", lambda b: (Value(6.0) / Value(b)).data, -2.0,
         lambda: (Value(6.0) / Value(-2.0)).local_grads[1]),
    ]
    print(f"{'derivative':28} {'yours':>12} {'central diff.':>14}")
    for name, f, x, yours in cases:
        try:
            mine = f"{yours():12.6f}"
        except NotImplementedError:
            mine = f"{'(not yet)':>12}"
        try:
            numeric = f"{central_difference(f, x):14.6f}"
        except NotImplementedError:
            numeric = f"{'(not yet)':>14}"
        print(f"{name:28} {mine} {numeric}")


if __name__ == "__main__":
    compare_with_central_differences()
