"""Gradients as Values, so they can be differentiated again (Hessians, Newton's method).

`grad` walks the graph like `backward`, but evaluates each op's derivative rule
from `DERIVATIVES` on Values instead of floats: the gradient it returns is
itself a graph, built from the same chain rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.engine import Value, _graph_lock, computed_nodes, constant, no_grad
from autograd.ops import DERIVATIVES, Constant


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = True) -> list[Value]:
    """d(output)/d(input) for each input, as Values that record how they were computed.

    With `create_graph=True` (the default) each gradient is a function of the
    inputs that can be differentiated again with `grad` or `.backward()`.
    Anything that does not depend on the inputs counts as a constant. Unlike
    `backward()`, this leaves every `.grad` untouched. At relu's and abs's kink
    the derivative is 0, as in first order. A derivative too large for a float
    raises OverflowError, as in `backward()`.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x ** 3
        >>> (dy,) = grad(y, [x])          # 3 x**2
        >>> (d2y,) = grad(dy, [x])        # 6 x
        >>> dy.data, d2y.data
        (12.0, 12.0)
    """
    if not isinstance(output, Value):
        hips = (
            "; grad(f) returning a function is HIPS autograd's interface, which shares the "
            "import name autograd: this is gradstep's"
            if callable(output)
            else ""
        )
        raise TypeError(f"grad differentiates a Value, got {type(output).__name__}{hips}")
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad's inputs must be Values, got {type(x).__name__} at {i}")
    if not create_graph:
        with no_grad():
            return grad(output, inputs, create_graph=True)

    with _graph_lock:
        order = computed_nodes(output)
    # Which nodes depend on an input: only their derivatives need to stay Values.
    varies = set(inputs)
    for node in order:
        if any(child in varies for child in node.inputs):
            varies.add(node)

    def term(v: Value) -> Any:
        # a node that depends on no input is a Constant: the rules may skip its derivative
        return v if v in varies else Constant(v.data)

    grads: dict[Value, Any] = {output: constant(1.0)}
    for node in reversed(order):
        upstream = grads.get(node)
        if upstream is None or node not in varies:
            continue  # no path to an input: nothing to pass on
        rule = DERIVATIVES[node.op]
        try:
            local_grads = rule(*map(term, node.inputs), term(node))
        except ValueError as e:  # the derivative exists, but its own derivative is infinite
            raise ValueError(
                f"grad: the derivative of the '{node.op}' node with data {node.data!r} cannot "
                f"be differentiated again here ({e}); pass create_graph=False for first "
                "derivatives only"
            ) from None
        for child, local in zip(node.inputs, local_grads):
            if child not in varies:
                continue
            if not isinstance(local, Value) and not math.isfinite(local):
                raise OverflowError(  # as backward() raises: the derivative is too large
                    f"grad: the local derivative of the '{node.op}' node with data "
                    f"{node.data!r} is {local!r}: too large for a float"
                )
            contribution = local * upstream
            previous = grads.get(child)
            grads[child] = contribution if previous is None else previous + contribution
    return [_as_value(grads.get(x, 0.0)) for x in inputs]


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(float(g))


def hessian(f: Callable[..., Value], point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2f/(dx_i dx_j) at `point`, as lists of floats.

    Example:
        >>> hessian(lambda x, y: x * x * y + y ** 3, [1.0, 2.0])
        [[4.0, 2.0], [2.0, 12.0]]
    """
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(point, start=1)]
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"hessian: f must return a Value, got {type(out).__name__}")
    first = grad(out, xs)
    return [[g.data for g in grad(d, xs, create_graph=False)] for d in first]
