"""Exercises of notebook 6: second derivatives, one Newton step and a Hessian, by hand."""

from __future__ import annotations

from typing import Any

from autograd import Value, grad, hessian
from exercises import Exercise, Unanswered, call, close, given


def f(x: Any) -> Any:
    """The function of the notebook's Newton section (floats or Values)."""
    return x**4 - 3 * x**2 + x


def _second_derivative_by_autograd(x: float) -> float:
    v = Value(x)
    (d1,) = grad(f(v), [v])
    (d2,) = grad(d1, [v])
    return float(d2.data)


def _d2f_test(answer: Any) -> str | None:
    for x in (-1.5, -0.5, 0.0, 0.7, 2.0):
        yours = call(answer, x)
        exact = _second_derivative_by_autograd(x)
        if not close(yours, exact):
            if close(yours, 4 * x**3 - 6 * x + 1):
                return (
                    f"at x = {x} your answer is f'(x) = 4x**3 - 6x + 1: that is the first "
                    "derivative. Differentiate it once more, term by term."
                )
            return (
                f"at x = {x} your f''(x) is {yours}, but grad(grad(f)) gives {exact:.6f}. "
                "Hint: first f'(x) = 4x**3 - 6x + 1, then the power rule again on each term "
                "(the derivative of the constant 1 is 0)."
            )
    return None


def d2f(x):
    return 12 * x**2 - 6  # f'(x) = 4x**3 - 6x + 1, differentiated again


def _d2f_mistake(x: float) -> float:
    return 4 * x**3 - 6 * x + 1  # stopped after the first derivative


second_derivative = Exercise(
    title="f''(x) of f(x) = x**4 - 3x**2 + x",
    test=_d2f_test,
    solution=d2f,
    wrong=_d2f_mistake,
    why="Checked against grad(grad(f)) at five points: autograd differentiated the "
    "derivative's own graph and got the same numbers.",
)


def _newton_step_test(answer: Any) -> str | None:
    x = float(given(answer))
    d1, d2 = 4 * 2.0**3 - 6 * 2.0 + 1, 12 * 2.0**2 - 6  # 21 and 42
    if close(x, 2.0 - d1 / d2):
        return None
    known = {
        2.0 - d2 / d1: "you divided f''(2) by f'(2): the step is f'(x) / f''(x), slope over "
        "curvature.",
        2.0 + d1 / d2: "the step has the right size but the wrong direction: Newton subtracts "
        "f'(x) / f''(x), as gradient descent subtracts the gradient.",
        2.0 - d1: "that is x - f'(x), a gradient step with alpha = 1: Newton divides the slope "
        "by the curvature f''(x) as well.",
        2.0 - 0.01 * d1: "that is gradient descent's step with alpha = 0.01. Newton's step is "
        "f'(x) / f''(x).",
    }
    for value, hint in known.items():
        if close(x, value):
            return f"x = {x:g}: {hint}"
    return (
        f"x = {x:g} is not where Newton's step lands. Hint: f'(2) = 4*8 - 6*2 + 1, "
        "f''(2) = 12*4 - 6, then x - f'(x) / f''(x)."
    )


newton_step = Exercise(
    title="one Newton step from x = 2",
    test=_newton_step_test,
    solution=1.5,
    wrong=0.0,  # 2 - f''(2) / f'(2) = 2 - 42/21: the fraction upside down
    why="f'(2) = 32 - 12 + 1 = 21 and f''(2) = 48 - 6 = 42, so x = 2 - 21/42 = 1.5: the "
    "bottom of the parabola that has f's value, slope and curvature at x = 2.",
)


def g(x1: Any, x2: Any) -> Any:
    """The function of the Hessian exercise (floats or Values)."""
    return x1**3 + x1 * x2**2


def _hessian_test(answer: Any) -> str | None:
    rows = given(answer)
    if not (
        isinstance(rows, (list, tuple))
        and len(rows) == 2
        and all(isinstance(row, (list, tuple)) and len(row) == 2 for row in rows)
    ):
        return f"got {rows!r}: the Hessian of a function of two inputs is 2 by 2, [[a, b], [c, d]]."
    if any(v is Ellipsis for row in rows for v in row):
        raise Unanswered  # the template [[..., ...], [..., ...]] not filled in yet
    exact = hessian(g, [1.0, 2.0])
    if all(close(rows[i][j], exact[i][j]) for i in range(2) for j in range(2)):
        return None
    if all(close(rows[i][i], exact[i][i]) for i in range(2)):
        return (
            "the diagonal is right; for the corners, differentiate dg/dx1 = 3*x1**2 + x2**2 "
            f"with respect to x2 (yours are {rows[0][1]} and {rows[1][0]})."
        )
    return (
        f"{rows} is not the Hessian at (1, 2). Hint: dg/dx1 = 3*x1**2 + x2**2 and "
        "dg/dx2 = 2*x1*x2; differentiate each with respect to x1 and to x2."
    )


hessian_by_hand = Exercise(
    title="the Hessian of g(x1, x2) = x1**3 + x1*x2**2 at (1, 2)",
    test=_hessian_test,
    solution=[[6.0, 4.0], [4.0, 2.0]],
    wrong=[[6.0, 0.0], [0.0, 2.0]],  # the mixed derivatives taken as 0
    why=(
        "[[6*x1, 2*x2], [2*x2, 2*x1]] at (1, 2), checked against autograd.hessian. The two "
        "corners are equal: the order of differentiation does not matter."
    ),
)
