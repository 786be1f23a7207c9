"""Optimizers and learning-rate schedules: how parameters move once their gradients are known.

An optimizer holds a list of parameters and, on every `step()`, moves each
one against its gradient. The three here differ in what they remember:
- SGD remembers nothing: p -= lr * grad.
- SGD with momentum keeps a running velocity, so steps that agree add up
  and steps that zig-zag cancel out.
- Adam keeps running averages of the gradient and of its square, and scales
  each parameter's step by its own typical gradient size.

The same code serves both engines. A parameter is anything with `.data` and
`.grad`: a Value (floats) or a Tensor (arrays). The update arithmetic is
written with operators that mean the right thing for both: on a Tensor,
`p.data -= step` changes the array in place; on a Value it replaces the float.

A learning rate is a number or a schedule: a function from the step count
(0, 1, 2, ...) to a number. The schedules below are frozen dataclasses, so
they print what they are and can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Callable, Union

from learnpath.nn.value import Value

Schedule = Callable[[int], float]
LearningRate = Union[float, Schedule]


# ----------------------------------------------------------------------
# Learning-rate schedules. Each maps the step number k = 0, 1, 2, ... to a rate.
# ----------------------------------------------------------------------


@dataclass(frozen=True)
class Constant:
    """lr at every step."""

    lr: float

    def __call__(self, step: int) -> float:
        return self.lr


@dataclass(frozen=True)
class StepDecay:
    """lr * gamma ** (step // every): multiply the rate by gamma every `every` steps."""

    lr: float
    every: int
    gamma: float = 0.1

    def __call__(self, step: int) -> float:
        return self.lr * self.gamma ** (step // self.every)


@dataclass(frozen=True)
class LinearDecay:
    """From `start` at step 0 down in a straight line to `end` at step `steps`, then `end`.

    micrograd's demo rate 1.0 - 0.9 * k / 100 is LinearDecay(1.0, 0.1, 100).
    """

    start: float
    end: float
    steps: int

    def __call__(self, step: int) -> float:
        if step >= self.steps:
            return self.end
        return self.start - (self.start - self.end) * step / self.steps


@dataclass(frozen=True)
class Cosine:
    """Half a cosine wave from `lr` at step 0 to `min_lr` at step `steps`, then `min_lr`.

    lr(k) = min_lr + (lr - min_lr) * (1 + cos(pi * k / steps)) / 2: it falls slowly
    at first, fastest in the middle, and slowly again as it lands.
    """

    lr: float
    steps: int
    min_lr: float = 0.0

    def __call__(self, step: int) -> float:
        if step >= self.steps:
            return self.min_lr
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * step / self.steps))


@dataclass(frozen=True)
class Warmup:
    """Ramp up linearly for `steps` steps, then follow `then` (which starts counting from 0).

    During warm-up, step k gets then(0) * (k + 1) / steps: the first step is
    small, step `steps - 1` reaches then(0). Early gradients of a fresh network
    are large and unreliable; small first steps keep them from doing damage.
    """

    steps: int
    then: Schedule

    def __call__(self, step: int) -> float:
        if step < self.steps:
            return self.then(0) * (step + 1) / self.steps
        return self.then(step - self.steps)


# ----------------------------------------------------------------------
# Optimizers.
# ----------------------------------------------------------------------


class Optimizer:
    """What every optimizer shares: the parameters, the step count, the learning rate."""

    def __init__(self, parameters: Iterable, lr: LearningRate) -> None:
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimizer got no parameters; pass model.parameters()")
        self.schedule: Schedule = lr if callable(lr) else Constant(float(lr))
        self.steps_taken = 0

    @property
    def lr(self) -> float:
        """The learning rate the next step() will use."""
        return self.schedule(self.steps_taken)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient; call it before each backward().

        backward() adds into the parameters' gradients (PyTorch's rule), so a
        loop that never clears them steps along the sum of every gradient so
        far. A Tensor's gradient becomes None (PyTorch's default,
        set_to_none=True: nothing to fill, and step() skips a parameter no
        later backward() reaches); set_to_none=False fills it with zeros. A
        Value's gradient is a plain number, so it becomes 0.0.
        """
        for p in self.parameters:
            if isinstance(p, Value):
                p.grad = 0.0
            elif set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad[...] = 0.0

    def step(self) -> None:
        """Move every parameter once, using its current .grad, then count the step."""
        lr = self.lr
        for i, p in enumerate(self.parameters):
            if p.grad is None:
                # no backward() has reached it yet (a Tensor's grad starts as None)
                continue
            self._update(i, p, lr)
        self.steps_taken += 1

    def _update(self, i: int, p, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum.

    Without momentum: p -= lr * grad.
    With momentum mu: velocity = mu * velocity + grad; p -= lr * velocity.
    (velocity starts at zero, so the first step equals plain SGD's.)
    """

    def __init__(self, parameters: Iterable, lr: LearningRate = 0.01, momentum: float = 0.0) -> None:
        super().__init__(parameters, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum
        self.velocity: list = [0.0 * p.data for p in self.parameters]

    def _update(self, i: int, p, lr: float) -> None:
        if self.momentum:
            self.velocity[i] = self.momentum * self.velocity[i] + p.grad
            p.data -= lr * self.velocity[i]
        else:
            p.data -= lr * p.grad


class Adam(Optimizer):
    """Adam: momentum on the gradient, and a step scaled by the gradient's running size.

    With g the gradient and t the number of updates this parameter has had, counting from 1:
        m = beta1 * m + (1 - beta1) * g          running mean of g
        v = beta2 * v + (1 - beta2) * g**2       running mean of g**2
        m_hat = m / (1 - beta1**t)               undo the pull towards the zero start
        v_hat = v / (1 - beta2**t)
        p -= lr * m_hat / (sqrt(v_hat) + eps)
    Each parameter's step is about lr in size whatever its gradient's scale.
    t is counted per parameter because step() skips a parameter no backward()
    has reached yet: its averages start when its gradients do.
    """

    def __init__(
        self,
        parameters: Iterable,
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(parameters, lr)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.m: list = [0.0 * p.data for p in self.parameters]
        self.v: list = [0.0 * p.data for p in self.parameters]
        self.t: list[int] = [0] * len(self.parameters)

    def _update(self, i: int, p, lr: float) -> None:
        self.t[i] += 1
        t = self.t[i]
        g = p.grad
        self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g
        self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * (g * g)
        m_hat = self.m[i] / (1.0 - self.beta1**t)
        v_hat = self.v[i] / (1.0 - self.beta2**t)
        p.data -= lr * m_hat / (v_hat**0.5 + self.eps)


class AdamW(Optimizer):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), for Tensors, as PyTorch's AdamW.

    Each step first shrinks every weight towards zero, p -= lr * weight_decay * p,
    and then takes Adam's step (see Adam). Adding weight_decay * p to the
    gradient instead (the old "L2 in Adam") would have it divided by Adam's
    running gradient size too, so weights with large gradients would hardly
    decay at all; decoupled, every weight decays at the same rate.

    `params` is a list of Tensors, or PyTorch-style groups with their own
    weight decay: [{"params": weights, "weight_decay": 0.1}, {"params": biases,
    "weight_decay": 0.0}]. All the arithmetic is done in place in the
    parameters' own arrays and precision.

    Fused: the optimizer moves every parameter's numbers into one long array
    (each parameter's .data becomes a view of its stretch of it) and keeps m
    and v the same way, so a step is a handful of NumPy operations over all
    the parameters at once instead of a dozen per parameter (PyTorch's
    "foreach" idea, taken one step further). The arithmetic is the same,
    element by element, so the numbers are bit for bit those of the
    one-parameter-at-a-time loop, which still runs whenever a step cannot be
    fused: a parameter without a gradient yet, or one whose .data was
    replaced (model.to(dtype) after the optimizer was made).
    """

    def __init__(
        self,
        params: Iterable,
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        params = list(params)
        groups = params if params and isinstance(params[0], dict) else [{"params": params}]
        flat, decays = [], []
        for group in groups:
            group_params = list(group["params"])
            flat += group_params
            decays += [float(group.get("weight_decay", weight_decay))] * len(group_params)
        super().__init__(flat, lr)
        import numpy as np  # here, not at the top: SGD and Adam on Values must not need NumPy

        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = decays  # one per parameter
        self.t: list[int] = [0] * len(self.parameters)
        dtypes = {p.data.dtype for p in self.parameters}
        distinct = len({id(p) for p in self.parameters}) == len(self.parameters)
        if len(dtypes) == 1 and distinct:
            self._fuse(np, dtypes.pop())
        else:
            self._flat = None
            self.m: list = [np.zeros_like(p.data) for p in self.parameters]
            self.v: list = [np.zeros_like(p.data) for p in self.parameters]

    def _fuse(self, np, dtype) -> None:
        # One array for all the parameters' numbers, one for m, one for v; each
        # parameter's .data (and its m and v) a view of its own stretch.
        sizes = [p.data.size for p in self.parameters]
        bounds = np.cumsum([0, *sizes]).tolist()
        self._stretches = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        self._flat = np.concatenate([p.data.ravel() for p in self.parameters]).astype(dtype, copy=False)
        self._flat_m, self._flat_v = np.zeros_like(self._flat), np.zeros_like(self._flat)
        self._flat_grad = np.empty_like(self._flat)
        self.m, self.v, self._views = [], [], []
        for p, stretch in zip(self.parameters, self._stretches):
            p.data = self._flat[stretch].reshape(p.data.shape)
            self._views.append(p.data)
            self.m.append(self._flat_m[stretch].reshape(p.data.shape))
            self.v.append(self._flat_v[stretch].reshape(p.data.shape))
        # Runs of neighbouring parameters with the same weight decay: a few multiplications per step, not one each.
        self._decay_runs: list[tuple[slice, float]] = []
        for stretch, decay in zip(self._stretches, self.weight_decay):
            if self._decay_runs and self._decay_runs[-1][1] == decay:
                self._decay_runs[-1] = (slice(self._decay_runs[-1][0].start, stretch.stop), decay)
            else:
                self._decay_runs.append((stretch, decay))

    def step(self) -> None:
        """Move every parameter once, all in one fused update when it can be."""
        if self._flat is None or not self._can_fuse():
            super().step()
            return
        import numpy as np

        lr = self.lr
        np.concatenate([p.grad.ravel() for p in self.parameters], out=self._flat_grad)
        for t in range(len(self.t)):
            self.t[t] += 1
        t, g, m, v = self.t[0], self._flat_grad, self._flat_m, self._flat_v
        for stretch, decay in self._decay_runs:
            if decay:
                self._flat[stretch] *= 1.0 - lr * decay
        # Exactly _update's arithmetic, on every parameter at once.
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        denominator = v**0.5
        denominator *= 1.0 / math.sqrt(1.0 - self.beta2**t)
        denominator += self.eps
        self._flat -= (lr / (1.0 - self.beta1**t)) * m / denominator
        self.steps_taken += 1

    def _can_fuse(self) -> bool:
        # Every parameter has a gradient, all have taken the same number of steps, and
        # every .data is still the view of the long array (not replaced since).
        first = self.t[0]
        return all(
            p.grad is not None and p.data is view and t == first
            for p, view, t in zip(self.parameters, self._views, self.t)
        )

    def _update(self, i: int, p, lr: float) -> None:
        self.t[i] += 1
        t, g, m, v = self.t[i], p.grad, self.m[i], self.v[i]
        if self.weight_decay[i]:
            p.data *= 1.0 - lr * self.weight_decay[i]
        m *= self.beta1
        m += (1.0 - self.beta1) * g  # m = beta1 m + (1 - beta1) g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)  # v = beta2 v + (1 - beta2) g**2
        # p -= lr * m_hat / (sqrt(v_hat) + eps), with the two bias corrections folded into numbers.
        denominator = v**0.5
        denominator *= 1.0 / math.sqrt(1.0 - self.beta2**t)
        denominator += self.eps
        p.data -= (lr / (1.0 - self.beta1**t)) * m / denominator


def clip_grad_norm_(parameters: Iterable, max_norm: float) -> float:
    """Scale all gradients down together so their global norm is at most max_norm; returns the norm before.

    The global norm is sqrt(sum of every gradient entry squared) over all the
    parameters. One unlucky batch can give a huge gradient; clipping keeps the
    step's direction and caps its length. As torch.nn.utils.clip_grad_norm_
    (the underscore: the gradients are changed in place).
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    total = math.sqrt(sum(float((g * g).sum()) for g in grads))
    scale = max_norm / (total + 1e-6)  # PyTorch's 1e-6 keeps a zero gradient from dividing by zero
    if scale < 1.0:
        for g in grads:
            g *= scale
    return total
