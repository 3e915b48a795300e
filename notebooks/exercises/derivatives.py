"""Exercises of notebook 1: derivatives."""

from __future__ import annotations

from typing import Any

from exercises import Exercise, call, close


def f(x: float) -> float:
    return x**3 - 2 * x


def _slope_test(answer: Any) -> str | None:
    for x in (-2.0, -0.5, 0.0, 1.0, 3.0):
        h = 1e-5
        numeric = (f(x + h) - f(x - h)) / (2 * h)
        yours = call(answer, x)
        if not close(yours, numeric, 1e-5):
            return (
                f"at x = {x} your f'(x) is {yours}, but the slope of f there is {numeric:.6f}. "
                "Hint: the power rule, d/dx x**n = n * x**(n - 1), term by term."
            )
    return None


def _slope_solution(x: float) -> float:
    return 3 * x**2 - 2


def _slope_mistake(x: float) -> float:
    return 3 * x**2  # forgot the derivative of -2x


power_rule = Exercise(
    title="the derivative of f(x) = x**3 - 2x",
    test=_slope_test,
    solution=_slope_solution,
    wrong=_slope_mistake,
    why="Checked against the central difference (f(x+h) - f(x-h)) / 2h at five points.",
)
