"""learnpath.nn.optim: updates match hand-computed steps on Values and Tensors; schedules give their stated values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learnpath.nn.optim import SGD, Adam, AdamW, Constant, Cosine, LinearDecay, StepDecay, Warmup
from learnpath.nn.tensor import Tensor
from learnpath.nn.value import Value


def two_values() -> list[Value]:
    return [Value(1.0), Value(-2.0)]


def one_tensor() -> list[Tensor]:
    return [Tensor(np.array([1.0, -2.0]))]


def set_grads(params, grads) -> None:
    if isinstance(params[0], Value):
        for p, g in zip(params, grads):
            p.grad = g
    else:
        params[0].grad = np.array(grads, dtype=np.float64)


def current(params) -> list[float]:
    return [p.data for p in params] if isinstance(params[0], Value) else list(params[0].data)


@pytest.fixture(params=["values", "tensor"])
def params(request):
    return two_values() if request.param == "values" else one_tensor()


def test_sgd_two_steps(params):
    """SGD: p -= lr * grad, twice: 1 -> 0.95 -> 0.9 and -2 -> -2.025 -> -2.05."""
    optimizer = SGD(params, lr=0.1)
    set_grads(params, [0.5, 0.25])
    optimizer.step()
    np.testing.assert_allclose(current(params), [0.95, -2.025], rtol=1e-15)
    optimizer.step()
    np.testing.assert_allclose(current(params), [0.9, -2.05], rtol=1e-15)


def test_momentum_two_steps(params):
    """Momentum 0.9: v1 = g, v2 = 0.9 v1 + g = (0.95, 0.475); p2 = p1 - 0.1 v2 = (0.855, -2.0725)."""
    optimizer = SGD(params, lr=0.1, momentum=0.9)
    set_grads(params, [0.5, 0.25])
    optimizer.step()
    np.testing.assert_allclose(current(params), [0.95, -2.025], rtol=1e-15)
    optimizer.step()
    np.testing.assert_allclose(current(params), [0.855, -2.0725], rtol=1e-14)


def test_adam_two_steps(params):
    """Adam's first step is lr * g / (|g| + eps); the second uses the bias-corrected running averages."""
    optimizer = Adam(params, lr=0.1)
    set_grads(params, [0.5, 0.25])
    optimizer.step()
    first = [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 - 0.1 * 0.25 / (0.25 + 1e-8)]
    np.testing.assert_allclose(current(params), first, rtol=1e-15)
    set_grads(params, [1.0, 0.25])
    optimizer.step()
    # First coordinate by hand: m = 0.9*0.05 + 0.1*1.0 = 0.145; v = 0.999*0.00025 + 0.001*1.0 = 0.00124975;
    # m_hat = 0.145 / (1 - 0.9**2) = 0.145 / 0.19; v_hat = 0.00124975 / (1 - 0.999**2) = 0.00124975 / 0.001999.
    # Second coordinate: the gradient did not change, so m_hat = 0.25 and v_hat = 0.0625 exactly.
    second = [
        first[0] - 0.1 * (0.145 / 0.19) / (math.sqrt(0.00124975 / 0.001999) + 1e-8),
        first[1] - 0.1 * 0.25 / (0.25 + 1e-8),
    ]
    np.testing.assert_allclose(current(params), second, rtol=1e-13)


def test_adam_bias_correction_counts_each_parameters_own_updates():
    """A parameter that no backward() reached on step 1 gets a full first Adam step (lr * g/|g|) on step 2, not a shrunken one."""
    early, late = Tensor([1.0]), Tensor([1.0])
    optimizer = Adam([early, late], lr=0.1)
    early.grad = np.array([0.5])  # `late` still has grad None: skipped
    optimizer.step()
    late.grad = np.array([0.5])
    optimizer.step()
    np.testing.assert_allclose(late.data, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8)], rtol=1e-15)


def test_zero_grad(params):
    """zero_grad clears every gradient: a Value's to 0.0, a Tensor's to None (PyTorch's default) or, asked, to zeros in place."""
    optimizer = SGD(params, lr=0.1)
    set_grads(params, [0.5, 0.25])
    optimizer.zero_grad()
    if isinstance(params[0], Value):
        assert [p.grad for p in params] == [0.0, 0.0]
        return
    assert params[0].grad is None
    set_grads(params, [0.5, 0.25])
    held = params[0].grad
    optimizer.zero_grad(set_to_none=False)
    assert params[0].grad is held and list(held) == [0.0, 0.0]


def test_a_loop_without_zero_grad_steps_along_the_sum_of_all_gradients(params):
    """backward() adds into the parameters, so a second step without zero_grad uses both gradients; with it, only the newest."""
    def loss_of(ps):
        return (ps[0] * 3.0 + ps[1] * 2.0) if isinstance(ps[0], Value) else (ps[0] * np.array([3.0, 2.0])).sum()

    optimizer = SGD(params, lr=0.1)
    loss_of(params).backward()
    loss_of(params).backward()  # forgot optimizer.zero_grad()
    grads = [p.grad for p in params] if isinstance(params[0], Value) else list(params[0].grad)
    assert grads == [6.0, 4.0]
    optimizer.zero_grad()
    loss_of(params).backward()
    grads = [p.grad for p in params] if isinstance(params[0], Value) else list(params[0].grad)
    assert grads == [3.0, 2.0]


def test_zero_grad_stops_a_stale_gradient_of_a_parameter_the_loss_did_not_use():
    """backward() never reaches a parameter outside its graph, so it keeps its old grad; zero_grad() clears it."""
    used, unused = Tensor([1.0]), Tensor([1.0])
    optimizer = SGD([used, unused], lr=0.1)
    (used * unused).sum().backward()
    (used * 2.0).sum().backward()  # `unused` is outside this graph: its grad is still 1.0 from before
    np.testing.assert_array_equal(unused.grad, [1.0])
    optimizer.zero_grad()
    (used * 2.0).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(unused.data, [1.0])


def test_schedule_drives_the_step_size():
    """With a schedule, step k uses lr(k): LinearDecay(1.0, 0.1, 100) gives 1.0 then 0.991."""
    (p,) = one_tensor()
    optimizer = SGD([p], lr=LinearDecay(1.0, 0.1, 100))
    assert optimizer.lr == 1.0
    p.grad = np.array([1.0, 1.0])
    optimizer.step()
    assert optimizer.lr == pytest.approx(0.991, rel=1e-15)
    optimizer.step()
    np.testing.assert_allclose(p.data, [1.0 - 1.0 - 0.991, -2.0 - 1.0 - 0.991])


def test_adam_minimizes_a_quadratic_on_tensors():
    """Adam drives (p - 3)**2 to its minimum from 0 in a few hundred steps (the optimizer works end to end)."""
    p = Tensor(np.zeros(3))
    optimizer = Adam([p], lr=0.1)
    for _ in range(300):
        loss = ((p - 3.0) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    np.testing.assert_allclose(p.data, 3.0, atol=1e-2)


def test_optimizer_refuses_bad_settings():
    """No parameters, or momentum of 1 or more, are refused with a message."""
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        SGD(two_values(), lr=0.1, momentum=1.0)


def test_constant_and_step_decay():
    """Constant is the same at every step; StepDecay(1, every=10, gamma=0.5) halves at 10, 20, ..."""
    assert Constant(0.1)(0) == Constant(0.1)(500) == 0.1
    decay = StepDecay(1.0, every=10, gamma=0.5)
    assert [decay(k) for k in (0, 9, 10, 19, 20, 35)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]


def test_linear_decay_is_micrograds_rate_to_the_bit():
    """LinearDecay(1.0, 0.1, 100)(k) is exactly 1.0 - 0.9*k/100 for k < 100, and 0.1 from then on."""
    schedule = LinearDecay(1.0, 0.1, 100)
    assert all(schedule(k) == 1.0 - 0.9 * k / 100 for k in range(100))
    assert schedule(100) == schedule(250) == 0.1


def test_cosine():
    """Cosine(1.0, 100, min_lr=0.1): 1.0 at 0, halfway (0.55) at 50, 0.1 at 100 and after."""
    schedule = Cosine(1.0, 100, min_lr=0.1)
    assert schedule(0) == 1.0
    assert schedule(50) == pytest.approx(0.55, rel=1e-15)
    assert schedule(25) == pytest.approx(0.1 + 0.9 * (1 + math.sqrt(0.5)) / 2, rel=1e-15)
    assert schedule(100) == schedule(400) == 0.1


def test_warmup():
    """Warmup(4, then): then(0) * (k+1)/4 for k < 4, then the inner schedule counted from 0."""
    schedule = Warmup(4, Constant(0.8))
    assert [schedule(k) for k in range(6)] == pytest.approx([0.2, 0.4, 0.6, 0.8, 0.8, 0.8], rel=1e-15)
    with_cosine = Warmup(10, Cosine(1.0, 100))
    assert with_cosine(9) == 1.0 and with_cosine(10) == 1.0
    assert with_cosine(60) == pytest.approx(0.5, rel=1e-15)
    assert with_cosine(110) == 0.0


def test_fused_adamw_is_bit_for_bit_the_one_parameter_at_a_time_loop():
    """AdamW's fused step (one update over all parameters) gives exactly the per-parameter loop's numbers, decay groups included."""
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    starts = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(5)]

    def run(fused: bool, dtype):
        params = [Tensor(s.astype(dtype)) for s in starts]
        opt = AdamW([{"params": params[:2], "weight_decay": 0.1}, {"params": params[2:], "weight_decay": 0.0}], lr=0.01)
        assert (opt._flat is not None) and opt._can_fuse() is False  # fused storage, no gradients yet
        if not fused:
            opt._flat = None  # the per-parameter loop, on the same state
        for step in grads:
            for p, g in zip(params, step):
                p.grad = g.astype(dtype)
            opt.step()
        return [p.data.copy() for p in params]

    for dtype in (np.float64, np.float32):
        for a, b in zip(run(True, dtype), run(False, dtype)):
            np.testing.assert_array_equal(a, b)


def test_fused_adamw_falls_back_when_a_parameter_has_no_gradient_or_new_data():
    """A parameter without a gradient is skipped (PyTorch's rule), and a replaced .data is still updated."""
    a, b = Tensor([1.0, 2.0]), Tensor([3.0])
    opt = AdamW([a, b], lr=0.1, weight_decay=0.0)
    a.grad = np.array([1.0, -1.0])
    opt.step()  # b has no gradient: not moved
    assert b.data.tolist() == [3.0] and a.data[0] < 1.0
    b.data = np.array([5.0])  # replaced, no longer a view of the optimizer's array
    a.grad, b.grad = np.array([1.0, 1.0]), np.array([1.0])
    opt.step()
    assert b.data[0] == pytest.approx(5.0 - 0.1)
