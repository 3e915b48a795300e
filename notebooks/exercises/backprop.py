"""Exercises of notebook 2: the chain rule, one node's contribution, accumulation.

Each solution is written as the learner's answer cell asks (same name, no type hints),
because a check that is left unanswered shows it as it stands. Every answer is judged
against central differences, never against the engine that the notebook teaches.
"""

from __future__ import annotations

from typing import Any

from exercises import Exercise, call, close, given

ROUNDED = 1e-3  # numbers worked out by hand: three significant digits are enough
STEP = 1e-6


# 1. One chain-rule step by hand: y = (2x + 1)**3.


def y_of(x: float) -> float:
    return (2 * x + 1) ** 3


def _chain_test(answer: Any) -> str | None:
    for x in (-1.0, 0.0, 0.3, 1.5):
        numeric = (y_of(x + STEP) - y_of(x - STEP)) / (2 * STEP)
        yours = call(answer, x)
        if close(yours, numeric, 1e-5):
            continue
        if close(yours, 3 * (2 * x + 1) ** 2, 1e-9):
            return (
                f"at x = {x} you have 3 * (2x + 1)**2 = {yours:g}: the outer slope only, "
                f"while y changes {numeric:g} per unit of x. Hint: u = 2x + 1 itself moves "
                "twice as fast as x; multiply by du/dx."
            )
        return (
            f"at x = {x} your dy/dx is {yours}, but nudging x gives {numeric:.6f}. Hint: "
            "with u = 2x + 1, dy/dx = dy/du * du/dx, where dy/du = 3u**2 (the power rule)."
        )
    return None


def dy_dx(x):
    u = 2 * x + 1
    return 3 * u**2 * 2  # dy/du * du/dx


def _chain_mistake(x: float) -> float:
    return 3 * (2 * x + 1) ** 2  # the outer slope, without the inner one


chain_rule = Exercise(
    title="dy/dx for y = (2x + 1)**3",
    test=_chain_test,
    solution=dy_dx,
    wrong=_chain_mistake,
    why=(
        "The chain rule multiplies slopes along the path: dy/du = 3u**2 from the cube, "
        "times du/dx = 2 from 2x + 1. Checked against nudging x at four points."
    ),
)


# 2. One node's turn: what m = u * v sends to u.

U, V, UPSTREAM = 1.5, -4.0, 0.5


def _contribution_test(answer: Any) -> str | None:
    yours = float(given(answer))
    local = ((U + STEP) * V - (U - STEP) * V) / (2 * STEP)  # dm/du, by nudging u
    right = local * UPSTREAM
    if close(yours, right, ROUNDED):
        return None
    if close(yours, U * UPSTREAM, ROUNDED):
        return (
            f"{yours:g} is u times upstream, but the local derivative of m = u * v with respect "
            "to u is not u itself. Hint: nudge u by h and m moves by h * v: the local "
            "derivative is the other factor."
        )
    if close(yours, local, ROUNDED):
        return (
            f"{yours:g} is the local derivative dm/du alone. Hint: m's own grad (upstream, "
            f"{UPSTREAM}) says how much y moves per unit of m: multiply by it."
        )
    return (
        f"{yours:g} is not what m sends to u. Hint: contribution = local derivative dm/du "
        "times the upstream grad dy/dm."
    )


contribution = Exercise(
    title="what m = u * v sends back to u",
    test=_contribution_test,
    solution=-2.0,
    wrong=0.75,  # u times upstream: the wrong factor
    why=(
        "The local derivative of m = u * v with respect to u is v = -4 (nudge u by h and m "
        "moves by -4h); times the upstream grad 0.5 that is -2. u.grad goes up by -2."
    ),
)


# 3. A node used twice: q = a * b + a.

A, B = 2.0, 5.0


def q_of(a: float, b: float) -> float:
    return a * b + a


def _accumulation_test(answer: Any) -> str | None:
    yours = float(given(answer))
    right = (q_of(A + STEP, B) - q_of(A - STEP, B)) / (2 * STEP)
    if close(yours, right, ROUNDED):
        return None
    if close(yours, B, ROUNDED):
        return (
            f"{yours:g} is what reaches a through a * b (local b = {B:g}). But a is also "
            "added on its own, + a: a second path, with local derivative 1. Hint: the "
            "contributions of both paths add up."
        )
    if close(yours, 1.0, ROUNDED):
        return (
            "1 is what reaches a directly through + a. But a is also a factor of a * b: "
            "a second path. Hint: the contributions of both paths add up."
        )
    return (
        f"{yours:g} is not a.grad. Hint: a reaches q along two paths, through a * b and "
        "directly; work out what each path sends and add them."
    )


accumulation = Exercise(
    title="a.grad for q = a * b + a",
    test=_accumulation_test,
    solution=6.0,
    wrong=5.0,  # only the path through a * b
    why=(
        f"a.grad = {B:g} + 1 = {B + 1:g}: through a * b, a receives b * 1 = {B:g}, and "
        "through + a, 1 * 1 = 1; backward adds them. b + 1 is also the slope of q = a*b + a with respect to a."
    ),
)
