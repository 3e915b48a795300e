"""fit's callbacks (after every epoch; can stop training) and gradient clipping."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value


def moons():
    X, y = nn.datasets.make_moons(n=30, noise=0.1, seed=0)
    return X, [2 * t - 1 for t in y]


def test_each_callback_is_called_after_every_epoch_with_the_model_and_the_history_so_far():
    X, y = moons()
    model = nn.MLP(2, [4, 1], seed=0)
    seen = []

    def record(m, history):
        seen.append((m, list(history), list(history.accuracy)))

    history = nn.fit(
        model, X, y, loss=nn.hinge_loss, epochs=4, batch_size=10, progress=False, callbacks=[record]
    )
    assert len(seen) == 4
    for epoch, (m, losses, accuracies) in enumerate(seen, start=1):
        assert m is model
        assert losses == history[:epoch] and accuracies == history.accuracy[:epoch]
    assert history.stopped == "epochs"


def test_a_callback_that_returns_true_stops_training_and_is_named_in_history_stopped():
    X, y = moons()
    calls = []

    def after_three(model, history):
        return len(history) == 3

    def count(model, history):  # listed after the stopper: still sees the last epoch
        calls.append(len(history))

    history = nn.fit(
        nn.MLP(2, [4, 1], seed=0),
        X,
        y,
        loss=nn.hinge_loss,
        epochs=50,
        batch_size=10,
        progress=False,
        callbacks=[after_three, count],
    )
    assert len(history) == 3 and calls == [1, 2, 3]
    assert history.stopped == "callback after_three"


def test_a_learning_rate_schedule_changes_the_rate_the_optimizer_steps_with():
    X, y = moons()
    model = nn.MLP(2, [4, 1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    snapshots = []

    def freeze_after_two_epochs(m, history):
        snapshots.append([p.data for p in m.parameters()])
        if len(history) == 2:
            opt.lr = 0.0  # from now on a step moves nothing

    nn.fit(
        model,
        X,
        y,
        loss=nn.hinge_loss,
        optimizer=opt,
        epochs=5,
        batch_size=10,
        progress=False,
        callbacks=[freeze_after_two_epochs],
    )
    assert opt.lr == 0.0
    assert snapshots[0] != snapshots[1]  # the first rate moved the parameters
    assert snapshots[1] == snapshots[2] == snapshots[3] == snapshots[4]


@pytest.mark.parametrize("answer", [1, 0.5, "stop", []])
def test_a_callback_answering_neither_true_false_nor_none_is_an_error(answer):
    X, y = moons()
    with pytest.raises(TypeError, match=r"returns True to stop training"):
        nn.fit(
            nn.MLP(2, [1], seed=0),
            X,
            y,
            epochs=2,
            progress=False,
            callbacks=[lambda model, history: answer],
        )


def test_callbacks_must_be_a_list_of_functions():
    X, y = moons()
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match=r"callbacks=\[f\]"):
        nn.fit(model, X, y, epochs=1, progress=False, callbacks=print)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="function"):
        nn.fit(model, X, y, epochs=1, progress=False, callbacks=[3])  # type: ignore[list-item]


def params_with_grads(*grads):
    params = [Value(0.0) for _ in grads]
    for p, g in zip(params, grads):
        p.grad = g
    return params


def test_clip_grad_norm_scales_the_gradients_to_max_norm_and_returns_the_norm_before():
    params = params_with_grads(3.0, -4.0, 12.0)  # sqrt(9 + 16 + 144) = 13
    assert nn.clip_grad_norm(params, max_norm=6.5) == 13.0
    assert [p.grad for p in params] == [1.5, -2.0, 6.0]  # halved: same direction


def test_clip_grad_norm_leaves_gradients_within_the_limit_alone():
    params = params_with_grads(0.3, 0.4)
    assert nn.clip_grad_norm(params, max_norm=1.0) == pytest.approx(0.5)
    assert [p.grad for p in params] == [0.3, 0.4]


def test_clip_grad_norm_does_not_overflow_on_huge_finite_gradients():
    params = params_with_grads(3e200, 4e200)  # the squares overflow; the norm does not
    assert nn.clip_grad_norm(params, max_norm=1.0) == pytest.approx(5e200)
    assert [p.grad for p in params] == pytest.approx([0.6, 0.8])


@pytest.mark.parametrize("bad", [0, -1.0, math.inf, math.nan, True, "1"])
def test_clip_grad_norm_refuses_a_bad_max_norm(bad):
    with pytest.raises(ValueError, match="largest gradient norm must be a number > 0"):
        nn.clip_grad_norm(params_with_grads(1.0), max_norm=bad)


def test_clip_grad_norm_refuses_non_finite_gradients():
    with pytest.raises(FloatingPointError, match="overflowed"):
        nn.clip_grad_norm(params_with_grads(1.0, math.inf), max_norm=1.0)


def test_fit_with_max_grad_norm_takes_steps_no_longer_than_lr_times_max_norm():
    X, y = nn.datasets.make_linear(n=20, a=30.0, b=5.0, noise=0.0, seed=0)  # steep: big grads
    model = nn.MLP(1, [1], seed=0)
    before = [p.data for p in model.parameters()]
    # the full-batch gradient, by hand: C = mean((w x + b - t)^2)
    w, b = before
    residuals = [w * x + b - t for (x,), t in zip(X, y)]
    dw = sum(2 * r * x for r, (x,) in zip(residuals, X)) / len(X)
    db = sum(2 * r for r in residuals) / len(X)
    norm = math.hypot(dw, db)
    assert norm > 1.0
    nn.fit(
        model,
        X,
        y,
        optimizer=nn.SGD(model.parameters(), lr=0.5),
        epochs=1,
        batch_size=len(X),
        progress=False,
        max_grad_norm=1.0,
    )
    step = [(a - p.data) / 0.5 for a, p in zip(before, model.parameters())]
    assert step == pytest.approx([dw / norm, db / norm], rel=1e-9)  # unit length, same way


def test_a_gradient_that_overflows_in_backward_is_a_divergence_with_the_weights_put_back():
    X, y = nn.datasets.make_linear(n=30, a=2.0, b=-1.0, noise=0.0, seed=0)
    X = [[x * 5e153] for (x,) in X]  # every square fits a float, their weight's gradient does not
    model = nn.MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(nn.Diverged, match=r"backward: the gradient of node 'L1.N1.w1' overflowed"):
        nn.fit(
            model,
            X,
            y,
            loss=nn.sse_loss,
            optimizer=nn.SGD(model.parameters(), lr=1e-300),
            epochs=3,
            batch_size=30,
            progress=False,
        )
    assert model.state_dict() == before  # put back as they were before the failed step
