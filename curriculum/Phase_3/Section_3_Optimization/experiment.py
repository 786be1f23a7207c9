"""Section 3.3: plain gradient descent, momentum and Adam, on a valley and on a spiral.

The valley is section 3.1's f(x, y) = (x**2 + 100 y**2) / 2 from (10, 1), and
the same valley turned by 45 degrees. The spiral is three interleaved arms of
100 points each, learned by a small MLP. Plain descent is the library's SGD;
momentum and Adam take their steps through momentum_step and adam_step, the
two functions of this section's exercise: the versions below by default (the
tests prove they step exactly as learnpath.nn.optim.SGD and Adam do), yours
with `learnpath run 3.3 --mine`.

Run it: python experiment.py  (or: learnpath run 3.3, or learnpath run 3.3 --mine)
"""

from __future__ import annotations

import math
import os

# Small matrix products run fastest on one thread; OpenBLAS's extra threads cost more than
# they save at this size, many times more on a busy machine. Set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from learnpath import lab  # noqa: E402
from learnpath.nn import Tensor, accuracy, cross_entropy, manual_seed  # noqa: E402
from learnpath.nn.data import make_spirals, minibatches  # noqa: E402
from learnpath.nn.layers import MLP  # noqa: E402
from learnpath.nn.optim import SGD, Adam  # noqa: E402
from learnpath.nn.plot import line_chart  # noqa: E402

CURVATURES = np.array([1.0, 100.0])
HESSIAN = np.diag(CURVATURES)  # f = p . HESSIAN p / 2, so the gradient is HESSIAN @ p
START = (10.0, 1.0)
# The same valley turned by 45 degrees: its floor runs along the diagonal x = y. TURN's rows are
# the floor's direction and the steep direction; the start is (10, 1) in those directions.
TURN = np.sqrt(0.5) * np.array([[1.0, 1.0], [1.0, -1.0]])
TURNED_HESSIAN = TURN.T @ HESSIAN @ TURN
TURNED_START = tuple(TURN.T @ np.array(START))
TARGET = 1e-8
MAX_STEPS = 20_000

SPIRAL_STEPS = 400
HIDDEN = 64
SEEDS = (0, 1, 2, 3, 4)  # starting weights compared in steps 2 and 3; seed 0 is the one drawn
BATCHES_COMPARED = 8  # random batches of each size compared with the full gradient in step 4


def momentum_step(param, grad, velocity, lr, mu):
    """One step of momentum, as the exercise asks for it: (new param, new velocity)."""
    velocity = mu * velocity + grad
    return param - lr * velocity, velocity


def adam_step(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam, as the exercise asks for it: (new param, new m, new v)."""
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad**2
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


class StepRule:
    """An optimizer for Tensors whose update is one of the step functions above (or the learner's).

    It keeps each parameter's running state (the velocity, or Adam's m, v and t)
    and hands the parameter's array and gradient to the rule at every step.
    """

    def __init__(self, parameters, rule, **settings):
        self.parameters = list(parameters)
        self.rule, self.settings = rule, settings
        self.state = [None] * len(self.parameters)

    def zero_grad(self) -> None:
        for p in self.parameters:
            p.grad = None

    def step(self) -> None:
        for i, p in enumerate(self.parameters):
            if p.grad is None:
                continue  # no backward() has reached it yet
            p.data = np.asarray(self._update(i, p.data, np.asarray(p.grad)), dtype=float)

    def _update(self, i, data, grad):
        raise NotImplementedError


class Momentum(StepRule):
    def _update(self, i, data, grad):
        velocity = np.zeros_like(data) if self.state[i] is None else self.state[i]
        data, self.state[i] = self.rule(data, grad, velocity, self.settings["lr"], self.settings["mu"])
        return data


class AdamRule(StepRule):
    def _update(self, i, data, grad):
        m, v, t = (np.zeros_like(data), np.zeros_like(data), 0) if self.state[i] is None else self.state[i]
        data, m, v = self.rule(data, grad, m, v, t + 1, self.settings["lr"])
        self.state[i] = (m, v, t + 1)
        return data


def valley_steps(make_optimizer, hessian=HESSIAN, start=START) -> int | None:
    """Updates until f < TARGET on a valley f = p.H p / 2, for the optimizer that make_optimizer([p]) builds."""
    p = Tensor(np.array(start))
    optimizer = make_optimizer([p])
    for step in range(MAX_STEPS):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging walk overflows to inf, on purpose
            f = 0.5 * float(p.data @ hessian @ p.data)
        if f < TARGET:
            return step
        if not math.isfinite(f):
            return None
        p.grad = hessian @ p.data  # the gradient; on the unturned valley (x, 100 y), as in section 3.1
        optimizer.step()
    return None


def valley_path(make_optimizer, steps: int) -> list[tuple[float, float]]:
    """The first `steps` points an optimizer visits on the valley."""
    p = Tensor(np.array(START))
    optimizer = make_optimizer([p])
    path = [tuple(p.data)]
    for _ in range(steps):
        p.grad = CURVATURES * p.data
        optimizer.step()
        path.append(tuple(p.data))
    return path


def full_batches(n: int, size: int, count: int, rng) -> list[np.ndarray]:
    """`count` random batches of exactly `size` rows, from successive shuffles.

    minibatches() ends each shuffle with a shorter batch (300 rows in batches of
    128 give 128, 128 and 44); skipping those keeps every batch the size it claims.
    """
    batches: list[np.ndarray] = []
    while len(batches) < count:
        batches += [idx for idx in minibatches(n, size, seed=rng) if len(idx) == size]
    return batches[:count]


def spiral_model(seed: int = 0) -> MLP:
    """2 inputs, one hidden layer of 64 ReLUs, 3 class scores; the same starting weights for the same seed."""
    manual_seed(seed)
    return MLP(2, [HIDDEN, 3])


def train_spiral(make_optimizer, X, y, steps: int = SPIRAL_STEPS, seed: int = 0, model=None, label="spiral"):
    """Full-batch training with cross-entropy; returns the model and the loss before each step.

    A model passed in is trained further; otherwise a fresh one starts from `seed`.
    """
    model = spiral_model(seed) if model is None else model
    optimizer = make_optimizer(model.parameters())
    losses = []
    with lab.progress(steps, label) as bar:
        for step in range(steps):
            loss = cross_entropy(model(X), y)
            losses.append(loss.item())
            optimizer.zero_grad()  # backward() adds into .grad: clear the last step's first
            loss.backward()
            optimizer.step()
            bar.update(step + 1, loss=losses[-1])
    return model, losses


def gradient_of(model, X, y) -> np.ndarray:
    """The loss gradient for every parameter, flattened into one long vector."""
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    return np.concatenate([p.grad.ravel() for p in model.parameters()])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> dict:
    figures: dict = {}
    # Momentum and Adam step through these two functions: this file's, or with --mine the learner's.
    parts = lab.mine(__file__, momentum_step=momentum_step, adam_step=adam_step)
    figures["mine"] = parts.mine
    if parts.mine:
        lab.say("Momentum and Adam run on your momentum_step and adam_step from exercise.py.")

    def momentum(lr, mu):
        return lambda ps: Momentum(ps, parts.momentum_step, lr=lr, mu=mu)

    def adam(lr):
        return lambda ps: AdamRule(ps, parts.adam_step, lr=lr)

    # Step 1. The valley: how many updates each optimizer needs to reach f < 1e-8.
    lab.step("The valley, and the valley turned")
    best_plain = 2 / 101  # the best constant rate for plain descent here (section 3.1)
    tuned_lr, tuned_mu = 4 / (1 + 10) ** 2, (9 / 11) ** 2  # heavy-ball settings for curvatures 1 and 100
    runs = {
        "plain, lr 2/101": lambda ps: SGD(ps, lr=best_plain),
        "momentum 0.9, lr 2/101": momentum(best_plain, 0.9),
        "plain, lr 0.01": lambda ps: SGD(ps, lr=0.01),
        "momentum 0.9, lr 0.01": momentum(0.01, 0.9),
        "momentum 0.669, lr 0.0331": momentum(tuned_lr, tuned_mu),
        "Adam, lr 0.1": adam(0.1),
        "Adam, lr 0.5": adam(0.5),
    }
    counts = {name: valley_steps(make) for name, make in runs.items()}
    turned = {name: valley_steps(runs[name], TURNED_HESSIAN, TURNED_START)
              for name in ("plain, lr 2/101", "momentum 0.9, lr 2/101", "Adam, lr 0.1", "Adam, lr 0.5")}
    figures["valley_steps"] = counts
    figures["turned_valley_steps"] = turned
    lab.say("The valley f = (x**2 + 100 y**2) / 2 from (10, 1), and the same valley turned by 45 degrees "
            "(its floor along the diagonal, the start at the same place relative to it): updates until "
            "f < 1e-8.")
    print(f"  {'':<27} {'valley':>7} {'turned':>7}")
    for name, count in counts.items():
        print(f"  {name:<27} {count:>7} {turned[name] if name in turned else '':>7}")
    plain = counts["plain, lr 2/101"]
    ratios = {"same rate, momentum 0.9": plain / counts["momentum 0.9, lr 2/101"],
              "at lr 0.01": counts["plain, lr 0.01"] / counts["momentum 0.9, lr 0.01"],
              "each with its best factor per step": plain / counts["momentum 0.669, lr 0.0331"]}
    figures["momentum_ratios"] = ratios
    lab.say("Momentum's advantage (plain updates / momentum updates):")
    for name, ratio in ratios.items():
        print(f"    {name}: {ratio:.1f}x")
    lab.say("Plain descent and momentum do the same on both valleys: they treat every direction alike. "
            "Adam divides each coordinate by its own gradient size, which evens out the valley only when "
            "its steep and gentle directions lie along the coordinates. Turned, each coordinate mixes both, "
            f"and Adam at lr 0.1 needs {turned['Adam, lr 0.1']} updates against plain descent's "
            f"{turned['plain, lr 2/101']}.")
    path = valley_path(runs["momentum 0.9, lr 2/101"], 12)
    figures["momentum_first_ys"] = [y for _, y in path[:8]]
    lab.say("With momentum 0.9 at lr 2/101, y over the first 7 steps:")
    print("    " + " ".join(f"{y:+.2f}" for _, y in path[1:8]))
    lab.say("The velocity carries y past the floor and back: a swing that shrinks slowly, while along x "
            "the velocity builds up speed that plain descent never has.")

    # Step 2. The spiral, with each optimizer at an ordinary learning rate.
    lab.step("The spiral, three optimizers")
    X, y = make_spirals(300, n_classes=3, noise=0.2, seed=0)
    settings = {
        "SGD lr 1.0": lambda ps: SGD(ps, lr=1.0),
        "momentum lr 0.1": momentum(0.1, 0.9),
        "Adam lr 0.01": adam(0.01),
    }
    curves, final, by_seed = {}, {}, {name: {} for name in settings}
    for seed in SEEDS:
        for name, make in settings.items():
            model, losses = train_spiral(make, X, y, seed=seed, label=f"{name}, seed {seed}")
            by_seed[name][seed] = {"loss": losses[-1], "accuracy": accuracy(model(X), y)}
            if seed == 0:
                curves[name] = losses
    final = {name: results[0] for name, results in by_seed.items()}
    figures["spiral"] = final
    figures["spiral_by_seed"] = by_seed
    lab.say(f"Three spiral arms, 300 points, MLP(2, [{HIDDEN}, 3]), {SPIRAL_STEPS} full-batch steps, the same "
            "starting weights (seed 0) for every optimizer:")
    print(line_chart(curves, log_y=True, title="cross-entropy on the spiral (seed 0)", x_label="step",
                     height=12))
    lab.say("SGD at lr 1.0 and momentum at lr 0.1 run so close that momentum's marks cover most of SGD's; "
            "the table tells them apart.")
    marks = (0, 10, 25, 50, 100, 200, SPIRAL_STEPS - 1)
    figures["spiral_loss_at"] = {name: {k: curve[k] for k in marks} for name, curve in curves.items()}
    lab.say("The same curves in numbers, the loss before step:")
    print("  " + f"{'':<16}" + "".join(f"{k:>7}" for k in marks))
    for name, curve in curves.items():
        print(f"  {name:<16}" + "".join(f"{curve[k]:7.3f}" for k in marks))
    lab.say(f"The loss before the last step and the training accuracy after it, seed 0, and the range "
            f"over starting seeds "
            f"{SEEDS[0]} to {SEEDS[-1]}:")
    for name, results in by_seed.items():
        losses_ = [r["loss"] for r in results.values()]
        accs = [r["accuracy"] for r in results.values()]
        print(f"  {name:<16} {final[name]['loss']:.3f}, {final[name]['accuracy']:.1%}"
              f"   (seeds: {min(losses_):.3f} to {max(losses_):.3f}, {min(accs):.1%} to {max(accs):.1%})")

    # Step 3. A learning rate ten times too high.
    lab.step("Ten times too high")
    model, losses = train_spiral(lambda ps: SGD(ps, lr=10.0), X, y, label="SGD lr 10")
    hidden = model[1](model[0](X)).data  # the ReLU layer's outputs on every point
    dead = int(np.sum(np.all(hidden == 0.0, axis=0)))
    predicted = np.unique(model(X).data.argmax(axis=1))
    # With every hidden unit dead, the scores are the output bias alone; watch it for three more steps.
    bias_cycle, classes_cycle, cycle_losses = [], [], []
    optimizer = SGD(model.parameters(), lr=10.0)
    for _ in range(3):
        loss = cross_entropy(model(X), y)
        cycle_losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        bias_cycle.append(model[2].bias.data.copy().tolist())
        classes_cycle.append(int(model(X).data[0].argmax()))
    figures["too_high"] = {"losses_start": losses[:4], "peak": max(losses), "final": losses[-1],
                           "accuracy": accuracy(model(X), y), "dead_units": dead,
                           "classes_predicted": predicted.tolist(), "bias_cycle": bias_cycle,
                           "classes_cycle": classes_cycle, "cycle_losses": cycle_losses}
    lab.say(f"SGD with lr 10.0, ten times step 2's. The loss over the first steps: "
            + " ".join(f"{v:.2f}" for v in losses[:6])
            + f"; peak {max(losses):.1f}; after {SPIRAL_STEPS} steps {losses[-1]:.3f}, worse than guessing "
            f"(ln 3 = {math.log(3):.4f}). {dead} of {HIDDEN} hidden units now output 0 for every point, so "
            "every point gets the same scores, the output bias alone: one class for all, "
            f"accuracy {accuracy(model(X), y):.1%}.")
    lab.say("The loss is not stuck, though: the output bias still learns, and at lr 10 it overshoots. "
            "Three more steps:")
    for b, c, l in zip(bias_cycle, classes_cycle, cycle_losses):
        print(f"    loss {l:.4f}, then bias ({', '.join(f'{v:+.3f}' for v in b)}), every point called {c}")
    lab.say("Each step moves every entry of the bias one place along: a cycle of period 3 in which the "
            "predicted class rotates and the loss stays the same.")
    _, slower = train_spiral(lambda ps: SGD(ps, lr=1.0), X, y, steps=100, model=model, label="SGD lr 1, on")
    figures["too_high"]["then_lr_1"] = slower[-1]
    lab.say(f"Trained on at lr 1.0 for 100 steps (only the bias can move), the loss goes to {slower[-1]:.4f}, "
            "ln 3: the best the bias alone can do on three equal classes. The dead units stay dead.")
    seeds_dead = {}
    for seed in SEEDS[1:]:
        other, other_losses = train_spiral(lambda ps: SGD(ps, lr=10.0), X, y, seed=seed, label=f"lr 10, seed {seed}")
        h = other[1](other[0](X)).data
        seeds_dead[seed] = {"dead_units": int(np.sum(np.all(h == 0.0, axis=0))),
                            "accuracy": accuracy(other(X), y), "last_losses": other_losses[-30:]}
    figures["too_high_by_seed"] = seeds_dead
    lab.say("Seeds 1 to 4 at lr 10: hidden units dead, accuracy, and the loss over the last 30 steps:")
    for seed, r in seeds_dead.items():
        print(f"    seed {seed}: {r['dead_units']} of {HIDDEN} dead, {r['accuracy']:.1%}, loss "
              f"{min(r['last_losses']):.3f} to {max(r['last_losses']):.3f}")

    # Step 4. Mini-batches: how far a batch's gradient points from the full one.
    lab.step("Mini-batch noise")
    model = spiral_model()
    full = gradient_of(model, X, y)
    figures["batch_cosines"] = {}
    lab.say("At the starting weights, the gradient of random mini-batches against the full-batch gradient "
            "(cosine similarity: 1 means the same direction):")
    rng = np.random.default_rng(0)
    for size in (8, 32, 128):
        sims = [cosine(gradient_of(model, X[idx], y[idx]), full)
                for idx in full_batches(len(X), size, BATCHES_COMPARED, rng)]
        figures["batch_cosines"][size] = float(np.mean(sims))
        print(f"  batch of {size:>3}: mean cosine {np.mean(sims):.2f} over {len(sims)} batches"
              f" (lowest {min(sims):.2f})")
    lab.say("Smaller batches are cheaper per step and noisier.")
    return figures


if __name__ == "__main__":
    main()
