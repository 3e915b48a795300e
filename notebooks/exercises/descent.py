"""Exercises of notebook 4: gradient descent, its first-order argument, one update, and alpha."""

from __future__ import annotations

from typing import Any

from exercises import Exercise, call, close, shown


# (gradient of C, a small step): in two dimensions, (dC/dw, dC/db) and (dw, db), and one in three
CHANGE_CASES = [
    ([-120.78, 252.78], [0.01, -0.02]),
    ([3.0, -2.0], [0.0, 0.05]),
    ([0.5, 1.5, -4.0], [0.1, -0.2, 0.01]),
]


def _predicted_change_test(answer: Any) -> str | None:
    for grad, step in CHANGE_CASES:
        yours = call(answer, list(grad), list(step))
        right = sum(g * d for g, d in zip(grad, step))
        if not close(yours, right, 1e-9):
            return (
                f"for grad C = {grad} and the step {step} you predict a change of {shown(yours)}, "
                f"but grad C . step = {right:.6g}. Hint: every direction counts: multiply each "
                "partial derivative by the step along its own parameter and add them all up, "
                "dC/dw * dw + dC/db * db."
            )
    return None


def predicted_change(grad, step):
    return sum(g * d for g, d in zip(grad, step))  # grad C . step


def _predicted_change_mistake(grad: list[float], step: list[float]) -> float:
    return grad[0] * step[0]  # only w's direction: b's part of the change is lost


first_order_change = Exercise(
    title="the change of C predicted by the gradient",
    test=_predicted_change_test,
    solution=predicted_change,
    wrong=_predicted_change_mistake,
    why=(
        "For a small step the cost changes by about grad C . step, the sum over the "
        "parameters of (partial derivative) x (step along it): a plane tangent to C."
    ),
)


# (w, dC/dw, alpha) for one parameter
UPDATE_CASES = [(1.0, 0.5, 0.1), (-2.0, -120.78, 0.01), (0.3, 0.0, 0.5), (2.5, 252.78, 0.002)]


def _update_test(answer: Any) -> str | None:
    for w, grad, alpha in UPDATE_CASES:
        yours = call(answer, w, grad, alpha)
        right = w - alpha * grad
        if close(yours, right, 1e-12):
            continue
        where = f"for w = {w}, dC/dw = {grad}, alpha = {alpha} your new w is {shown(yours)}"
        if close(yours, w + alpha * grad, 1e-12):
            return (
                f"{where}: that step goes along the gradient, uphill, so C grows. Step "
                f"against it: w - alpha * dC/dw = {right:.6g}."
            )
        if close(yours, w - grad, 1e-12):
            return f"{where}: the learning rate is missing. w - alpha * dC/dw = {right:.6g}."
        if close(yours, -alpha * grad, 1e-12):
            return (
                f"{where}: that is the step alone, -alpha * dC/dw; the new w is the old w "
                f"plus that step, {right:.6g}."
            )
        return f"{where}, but w - alpha * dC/dw = {right:.6g}."
    return None


def update(w, grad, alpha):
    return w - alpha * grad  # a small step against the gradient


def _update_mistake(w: float, grad: float, alpha: float) -> float:
    return w + alpha * grad  # along the gradient: uphill


update_step = Exercise(
    title="one update of gradient descent",
    test=_update_test,
    solution=update,
    wrong=_update_mistake,
    why=(
        "w <- w - alpha * dC/dw moves w against the gradient, downhill, by a step "
        "proportional to the slope: big steps where C is steep, small ones near the bottom."
    ),
)


# (alpha that works for the sum of squared errors, number of examples N)
ALPHA_CASES = [(0.01, 30), (0.002, 100), (0.05, 1)]


def _alpha_test(answer: Any) -> str | None:
    for alpha_sum, n in ALPHA_CASES:
        yours = call(answer, alpha_sum, n)
        right = alpha_sum * n
        if close(yours, right, 1e-12):
            continue
        where = f"for alpha = {alpha_sum} on the sum over N = {n} examples you say {shown(yours)}"
        if close(yours, alpha_sum / n, 1e-12):
            return (
                f"{where}: that makes the steps N**2 times shorter. The mean's gradient is "
                "the sum's divided by N, so at the same alpha its steps are already N times "
                f"shorter: alpha must grow by N, to {right:.6g}."
            )
        return (
            f"{where}, but the same steps need {right:.6g}. Hint: the mean's gradient is the "
            "sum's gradient divided by N, and the step is alpha times the gradient."
        )
    return None


def alpha_for_mean(alpha_sum, n):
    return alpha_sum * n  # the mean's gradient is N times smaller, so alpha is N times larger


def _alpha_mistake(alpha_sum: float, n: int) -> float:
    return alpha_sum / n  # the mean divides by N, so divide alpha too? The wrong way round


mean_learning_rate = Exercise(
    title="the learning rate for the mean instead of the sum",
    test=_alpha_test,
    solution=alpha_for_mean,
    wrong=_alpha_mistake,
    why=(
        "grad(C / N) = grad(C) / N, so alpha * N on the mean takes exactly the steps "
        "alpha takes on the sum. With the mean, a good alpha no longer depends on N."
    ),
)
