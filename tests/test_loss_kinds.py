"""Each of nn's losses says what it is (nn.LossKind): the record must tell the truth."""

from __future__ import annotations

import math
import random

import pytest

import nn
from autograd import Value
from nn.compiled import CompiledStep
from nn.losses import LossKind

LOSSES = [nn.sse_loss, nn.mse_loss, nn.hinge_loss, nn.binary_cross_entropy, nn.cross_entropy]


def batch(loss, rng):
    n = 5
    if loss is nn.cross_entropy:
        preds = [[Value(rng.uniform(-3, 3)) for _ in range(4)] for _ in range(n)]
        return preds, [rng.randrange(4) for _ in range(n)]
    if loss is nn.binary_cross_entropy:
        return [Value(rng.uniform(0.05, 0.95)) for _ in range(n)], [
            rng.randrange(2) for _ in range(n)
        ]
    if loss is nn.hinge_loss:
        return [Value(rng.uniform(-2, 2)) for _ in range(n)], [
            rng.choice([-1, 1]) for _ in range(n)
        ]
    return [Value(rng.uniform(-2, 2)) for _ in range(n)], [rng.uniform(-2, 2) for _ in range(n)]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
def test_the_terms_and_the_reduction_make_the_loss(loss):
    rng = random.Random(0)
    kind = LossKind.of(loss)
    assert kind is not None and kind.fn is loss
    for _ in range(20):
        preds, targets = batch(loss, rng)
        terms = [kind.term(p, t).data for p, t in zip(preds, targets)]
        expected = sum(terms) / (len(terms) if kind.reduction == "mean" else 1)
        assert loss(preds, targets).data == pytest.approx(expected, rel=1e-12)
        assert kind.one(preds[0], targets[0]).data == pytest.approx(terms[0], rel=1e-12)


def test_a_class_from_a_prediction_as_accuracy_judges_it():
    """Independent oracle: the class rule written out for each loss."""
    hinge, bce, ce = (
        LossKind.of(f) for f in (nn.hinge_loss, nn.binary_cross_entropy, nn.cross_entropy)
    )
    assert [hinge.predict_class(Value(x)) for x in (-0.1, 0.0, 0.2)] == [0, 0, 1]
    assert [bce.predict_class(Value(x)) for x in (0.2, 0.5, 0.7)] == [0, 0, 1]
    assert ce.predict_class([Value(0.1), Value(2.0), Value(-1.0)]) == 1
    assert [hinge.label(c) for c in (0, 1)] == [-1, 1] and [bce.label(c) for c in (0, 1)] == [0, 1]
    assert LossKind.of(nn.mse_loss).predict_class is None
    assert nn.accuracy(nn.mse_loss, [Value(1.0)], [1.0]) is None


def test_a_loss_of_your_own_has_no_record():
    assert LossKind.of(lambda p, t: p) is None and LossKind.of([]) is None
    assert nn.accuracy(lambda p, t: p, [Value(1.0)], [1]) is None


def test_compile_refuses_a_loss_whose_record_says_why():
    model = nn.MLP(1, [1], seed=0, activation="sigmoid")
    with pytest.raises(ValueError, match="clamps probabilities"):
        nn.fit(
            model,
            [[0.0], [1.0]],
            [0, 1],
            loss=nn.binary_cross_entropy,
            epochs=1,
            compile=True,
            progress=False,
        )
    history = nn.fit(
        model, [[0.0], [1.0]], [0, 1], loss=nn.binary_cross_entropy, epochs=1, progress=False
    )
    assert math.isfinite(history[-1])


@pytest.mark.parametrize(
    "loss, target, outputs",
    [
        (nn.mse_loss, lambda rng: rng.uniform(-2, 2), 1),
        (nn.sse_loss, lambda rng: rng.uniform(-2, 2), 1),
        (nn.hinge_loss, lambda rng: rng.choice([-1, 1]), 1),
        (nn.cross_entropy, lambda rng: rng.randrange(3), 3),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_the_record_gives_the_code_that_inferring_the_split_from_traces_gives(
    loss, target, outputs
):
    """nn's losses are compiled from their records, a loss of your own from traces of
    the whole loss: the same loss either way must give the same code."""
    rng = random.Random(1)
    X = [[rng.uniform(-2, 2) for _ in range(2)] for _ in range(8)]
    y = [target(rng) for _ in X]
    model = nn.MLP(2, [3, outputs], activation="tanh", seed=1)
    from_record = CompiledStep(model, loss, X, y)
    inferred = CompiledStep(model, lambda p, t: loss(p, t), X, y)
    for n in (1, 3, 8):
        assert from_record.source(n) == inferred.source(n)


def test_compile_takes_the_split_from_the_record_without_calling_the_loss():
    """The loss function of this record cannot be called: the compiled step still
    computes the loss and its gradient, checked against plain floats."""

    def half_squared_error(preds, targets):
        raise AssertionError("the compiled step called the loss function")

    def terms(preds, targets):
        return [(p - t) ** 2 * 0.5 for p, t in zip(preds, targets)]

    def reduce(terms):
        return sum(terms, Value(0.0)) * (1.0 / len(terms))

    LossKind(
        half_squared_error, lambda p, t: terms([p], [t])[0], "mean", terms=terms, reduce=reduce
    )
    X, y = [[0.5], [-1.0], [2.0]], [1.0, 0.0, -1.0]
    model = nn.MLP(1, [1], seed=3)
    (w, b) = model.parameters()
    step = CompiledStep(model, half_squared_error, X, y)
    _, batch_loss = step(X, y)
    batch_loss.backward()

    def loss_at(w_, b_):
        return sum(0.5 * (w_ * x + b_ - t) ** 2 for (x,), t in zip(X, y)) / len(X)

    assert batch_loss.data == pytest.approx(loss_at(w.data, b.data), rel=1e-12)
    h = 1e-6
    dw = (loss_at(w.data + h, b.data) - loss_at(w.data - h, b.data)) / (2 * h)
    db = (loss_at(w.data, b.data + h) - loss_at(w.data, b.data - h)) / (2 * h)
    assert (w.grad, b.grad) == (pytest.approx(dw, rel=1e-6), pytest.approx(db, rel=1e-6))
