"""Exercises of notebook 5: a batch's gradient, the hinge loss and a momentum step, by hand."""

from __future__ import annotations

from typing import Any

from exercises import Exercise, call, close, shown


# each case: one list per example of the batch, holding that example's gradient dC_i/dw
BATCHES = [
    [[1.0, -2.0], [3.0, 0.0], [2.0, 5.0]],
    [[0.5, 0.25, -1.0]],
    [[4.0, -1.0, 0.0], [0.0, 1.0, 2.0], [-2.0, 3.0, 1.0], [2.0, 1.0, 1.0]],
]


def _batch_gradient_test(answer: Any) -> str | None:
    for per_example in BATCHES:
        yours = call(answer, [list(g) for g in per_example])
        size = len(per_example)
        right = [sum(column) / size for column in zip(*per_example)]
        if not isinstance(yours, (list, tuple)) or len(yours) != len(right):
            return (
                f"for the gradients {per_example} you returned {yours!r}: the batch gradient "
                f"is a list with one number per parameter ({len(right)} here)."
            )
        if all(close(a, b, 1e-12) for a, b in zip(yours, right)):
            continue
        where = f"for the {size} gradients {per_example} you say {shown(yours)}"
        sums = [sum(column) for column in zip(*per_example)]
        if all(close(a, b, 1e-12) for a, b in zip(yours, sums)):
            return (
                f"{where}: that is the sum of the C_i's gradients. C_B is the mean of the "
                f"C_i, so divide by |B| = {size}: {right}."
            )
        return (
            f"{where}, but the mean of the examples' gradients, parameter by parameter, is "
            f"{right}. Hint: for each parameter, add its gradients over the batch and divide "
            "by the batch size."
        )
    return None


def batch_gradient(per_example):
    size = len(per_example)
    return [sum(column) / size for column in zip(*per_example)]  # one mean per parameter


def _batch_gradient_mistake(per_example: list[list[float]]) -> list[float]:
    return [sum(column) for column in zip(*per_example)]  # the sum: forgot 1/|B|


mean_gradient = Exercise(
    title="the gradient of a mini-batch",
    test=_batch_gradient_test,
    solution=batch_gradient,
    wrong=_batch_gradient_mistake,
    why=(
        "grad C_B = (1/|B|) * sum over i in B of grad C_i: the derivative of a mean is "
        "the mean of the derivatives, parameter by parameter."
    ),
)


# (score, label y)
HINGE_CASES = [(2.0, 1), (1.0, 1), (0.5, 1), (-0.3, 1), (-1.5, -1), (0.2, -1), (1.2, -1)]


def _hinge_test(answer: Any) -> str | None:
    for score, y in HINGE_CASES:
        yours = call(answer, score, y)
        right = max(0.0, 1.0 - y * score)
        if close(yours, right, 1e-12):
            continue
        where = f"for score {score} and label y = {y} your loss is {shown(yours)}, but it is {right:.6g}"
        if 0 < y * score < 1:
            return (
                f"{where}: y * score = {y * score:.6g} is on the right side but inside the "
                "margin, so it still costs something. Hint: max(0, 1 - y * score)."
            )
        return f"{where}. Hint: max(0, 1 - y * score), which is 0 once y * score >= 1."
    return None


def hinge(score, y):
    return max(0.0, 1.0 - y * score)  # zero once the example is right by a margin of 1


def _hinge_mistake(score: float, y: int) -> float:
    return max(0.0, -y * score)  # no margin: right by a hair already costs nothing


hinge_loss = Exercise(
    title="the hinge loss of one example",
    test=_hinge_test,
    solution=hinge,
    wrong=_hinge_mistake,
    why=(
        "max(0, 1 - y * score) is zero, with zero gradient, once y * score >= 1: an "
        "example classified right with a margin stops pulling on the weights."
    ),
)


# (w, v, dC/dw, alpha, mu)
MOMENTUM_CASES = [
    (1.0, 0.0, 0.5, 0.1, 0.9),
    (0.95, 0.5, 0.5, 0.1, 0.9),
    (-0.3, 2.0, -1.0, 0.05, 0.5),
]


def _momentum_test(answer: Any) -> str | None:
    for w, v, grad, alpha, mu in MOMENTUM_CASES:
        yours = call(answer, w, v, grad, alpha, mu)
        v_new = mu * v + grad
        right = (w - alpha * v_new, v_new)
        where = f"for w = {w}, v = {v}, dC/dw = {grad}, alpha = {alpha}, mu = {mu}"
        if not isinstance(yours, (list, tuple)) or len(yours) != 2:
            return f"{where} you returned {yours!r}: return two numbers, (new w, new v)."
        if close(yours[0], right[0], 1e-12) and close(yours[1], right[1], 1e-12):
            continue
        if not close(yours[1], v_new, 1e-12):
            return (
                f"{where} your new v is {shown(yours[1])}, but v <- mu * v + dC/dw = {v_new:.6g}: "
                "the old velocity, shrunk by mu, plus the new gradient."
            )
        if close(yours[0], w - alpha * grad, 1e-12):
            return (
                f"{where} your new w is {shown(yours[0])}: that is plain gradient descent, "
                f"w - alpha * dC/dw. With momentum the step follows the new velocity: "
                f"w - alpha * v = {right[0]:.6g}."
            )
        return f"{where} your new w is {shown(yours[0])}, but w - alpha * v = {right[0]:.6g}."
    return None


def momentum_step(w, v, grad, alpha, mu):
    v = mu * v + grad  # the velocity: past gradients, each step shrunk by mu, plus the new one
    return w - alpha * v, v


def _momentum_mistake(
    w: float, v: float, grad: float, alpha: float, mu: float
) -> tuple[float, float]:
    return w - alpha * grad, mu * v + grad  # the velocity is kept but never used


momentum = Exercise(
    title="one step of SGD with momentum",
    test=_momentum_test,
    solution=momentum_step,
    wrong=_momentum_mistake,
    why=(
        "v <- mu * v + g; w <- w - alpha * v. A gradient that keeps its sign builds up "
        "speed (up to 1 / (1 - mu) times the plain step); one that flips sign cancels out."
    ),
)
