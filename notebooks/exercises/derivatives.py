"""Exercises of notebook 1: derivatives.

Each solution is written as the learner's answer cell asks (same name, no type hints),
because a check that is left unanswered shows it as it stands.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from exercises import Exercise, call, close


def f(x: float) -> float:
    return x**3 - 2 * x


# 1. A numerical derivative: the central difference.


def _central_test(answer: Any) -> str | None:
    # Judged against the formula itself on functions whose forward difference is far off,
    # so that a one-sided estimate cannot pass by being nearly right.
    cases: list[tuple[str, Callable[[float], float], float, float]] = [
        ("f(x) = x**3 - 2x", f, 1.5, 0.1),
        ("exp", math.exp, 0.0, 0.01),
        ("sin", math.sin, 1.0, 0.001),
    ]
    for text, g, x, h in cases:
        central = (g(x + h) - g(x - h)) / (2 * h)
        forward = (g(x + h) - g(x)) / h
        yours = call(answer, g, x, h)
        if close(yours, central, 1e-9):
            continue
        if close(yours, forward, 1e-9):
            return (
                f"for {text} you computed the forward difference, (f(x + h) - f(x)) / h. "
                "Hint: look both ways, from x - h to x + h; that run is 2h long, so divide "
                "by (2 * h)."
            )
        return (
            f"for {text} at x = {x}, h = {h} your estimate is {yours}, the central difference "
            f"is {central:.8f}. Hint: (f(x + h) - f(x - h)) / (2 * h), with the brackets."
        )
    return None


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def _central_mistake(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x)) / h  # the forward difference: one-sided


numerical_slope = Exercise(
    title="the central difference",
    test=_central_test,
    solution=central_difference,
    wrong=_central_mistake,
    why="Looking both ways cancels the curve's bend: the error shrinks like h**2 instead of h.",
)


# 2. An exact derivative, by hand.


def p(x: float) -> float:
    return x**4 - 2 * x**2 + 3 * x


def _slope_test(answer: Any) -> str | None:
    for x in (-2.0, -0.5, 0.0, 1.0, 3.0):
        h = 1e-5
        numeric = (p(x + h) - p(x - h)) / (2 * h)
        yours = call(answer, x)
        if not close(yours, numeric, 1e-5):
            return (
                f"at x = {x} your p'(x) is {yours}, but the slope of p there is {numeric:.6f}. "
                "Hint: the power rule, d/dx x**n = n * x**(n - 1), term by term; "
                "3 * x is 3 * x**1."
            )
    return None


def slope_of_p(x):
    return 4 * x**3 - 4 * x + 3


def _slope_mistake(x: float) -> float:
    return 4 * x**3 - 4 * x  # forgot the derivative of 3x


power_rule = Exercise(
    title="the derivative of p(x) = x**4 - 2x**2 + 3x",
    test=_slope_test,
    solution=slope_of_p,
    wrong=_slope_mistake,
    why="Checked against the central difference (p(x + h) - p(x - h)) / (2h) at five points.",
)


# 3. Partial derivatives: one input moves, the others are held still.


def q(x1: float, x2: float) -> float:
    return x1**2 * x2 + 3 * x2


def _partials_test(answer: Any) -> str | None:
    step = 1e-5
    for x1, x2 in ((1.0, 2.0), (-1.5, 0.5), (2.0, -3.0), (0.0, 1.0)):
        yours = call(answer, x1, x2)
        if not (isinstance(yours, tuple | list) and len(yours) == 2):
            return f"return two numbers, (dq/dx1, dq/dx2); got {yours!r}"
        d1 = (q(x1 + step, x2) - q(x1 - step, x2)) / (2 * step)
        d2 = (q(x1, x2 + step) - q(x1, x2 - step)) / (2 * step)
        hints = {
            "dq/dx1": "x2 is held still, so it is a number: in x1**2 * x2 it is a constant "
            "factor that stays, and 3 * x2 does not change when x1 moves.",
            "dq/dx2": "x1 is held still, so x1**2 * x2 is a number times x2, and 3 * x2 adds 3.",
        }
        for which, mine, numeric in (("dq/dx1", yours[0], d1), ("dq/dx2", yours[1], d2)):
            if not close(mine, numeric, 1e-5):
                return (
                    f"at x1 = {x1}, x2 = {x2} your {which} is {mine}, but nudging only "
                    f"{which[-2:]} gives {numeric:.6f}. Hint: {hints[which]}"
                )
    return None


def partials_of_q(x1, x2):
    return 2 * x1 * x2, x1**2 + 3


def _partials_mistake(x1: float, x2: float) -> tuple[float, float]:
    return 2 * x1, x1**2 + 3  # dropped the factor x2, which is held still, not gone


partial_derivatives = Exercise(
    title="the partial derivatives of q(x1, x2) = x1**2 * x2 + 3 * x2",
    test=_partials_test,
    solution=partials_of_q,
    wrong=_partials_mistake,
    why=(
        "The gradient of q is (2*x1*x2, x1**2 + 3): checked by nudging each input alone at "
        "four points."
    ),
)
