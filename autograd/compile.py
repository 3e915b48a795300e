"""Compiled gradients: trace a function once, then run its forward and backward
passes as straight-line Python on floats.

`compile(fn, *example_args)` calls `fn` once on Values and turns the recorded graph
into one Python function: a line per node for the forward pass, then the backward
pass, node by node in the order `backward()` takes them. Nothing is allocated per
operation and nothing walks a graph, so it runs several times faster than
building and walking the graph again for each new input.

Every local derivative comes from `DERIVATIVES`. The rule is evaluated on
symbolic operands that print as code, so the table entry
`"tanh": lambda x, y: (1.0 - y * y,)` becomes the line
`grad_v2 = grad_v3 * (1.0 - v3 * v3)`. A rule that branches on its operands
(relu, abs) is evaluated once for each outcome of each comparison it makes, and
the generated line branches the same way, so a kink is right at any point.

The building blocks (`Codegen`, `build_function`) are shared with `nn.compiled`,
which generates a whole training step the same way.
"""

from __future__ import annotations

import inspect
import keyword
import math
from collections.abc import Callable
from typing import Any

from autograd.codegen import Codegen, Names, build_function, checked_nodes, listing, sum_lines
from autograd.engine import Number, Value, computed_nodes


class CompiledFunction:
    """`fn` as straight-line Python on floats: `compiled(*args)` returns the value and
    its gradient with respect to each argument; `.source` is the generated code.

    Built by `compile`; see there.
    """

    def __init__(self, fn: Callable[..., Value], leaves: list[Value], out: Value) -> None:
        self.fn = fn
        self.arg_names = [leaf.label for leaf in leaves]
        name, self.source = _source(_function_name(fn), leaves, out)
        self._run = build_function(name, self.source)

    def __call__(self, *args: Number) -> tuple[float, tuple[float, ...]]:
        if len(args) != len(self.arg_names):
            raise TypeError(
                f"{self!r} takes {len(self.arg_names)} arguments "
                f"({', '.join(self.arg_names)}), got {len(args)}"
            )
        xs = [_number(a) for a in args]
        try:
            return self._run(*xs)  # type: ignore[no-any-return]
        except (ArithmeticError, ValueError):
            # A domain error, a division by zero or an overflow: the graph path at this
            # point raises the engine's own error (or, if it does not, gives its result).
            return self.graph_path(*xs)

    def graph_path(self, *args: float) -> tuple[float, tuple[float, ...]]:
        """The same result computed the slow way: `fn` on Values, then `backward()`.

        Example:
            >>> f = compile(lambda x: x * x, 3.0)
            >>> f.graph_path(5.0) == f(5.0)
            True
        """
        leaves = [Value(a, label=n) for a, n in zip(args, self.arg_names)]
        out = self.fn(*leaves)
        out.backward()
        grads = tuple(leaf.grad for leaf in leaves)
        for leaf in leaves:
            if not math.isfinite(leaf.grad):
                raise OverflowError(
                    f"the gradient with respect to {leaf.label!r} overflowed to {leaf.grad!r} "
                    f"at {dict(zip(self.arg_names, args))}"
                )
        return out.data, grads

    def __repr__(self) -> str:
        return f"<compiled {_function_name(self.fn)}({', '.join(self.arg_names)})>"


def _number(a: object) -> float:
    if type(a) is float and a - a == 0.0:
        return a
    return Value(a).data  # type: ignore[arg-type]  # the engine's checks and messages


def _function_name(fn: Callable[..., Any]) -> str:
    name = getattr(fn, "__name__", "")
    return name if name.isidentifier() and not keyword.iskeyword(name) else "f"


def _argument_names(fn: Callable[..., Any], count: int) -> list[str]:
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    names = positional[:count]
    return names + [f"x{i}" for i in range(len(names) + 1, count + 1)]


def compile(fn: Callable[..., Value], *example_args: Number) -> CompiledFunction:
    """Trace `fn` once at `example_args` and turn it into straight-line Python on floats.

    `fn` takes Values and returns one Value. Calling the result with plain numbers,
    `compiled(*args)`, returns `(value, grads)`: the float `fn` gives and the tuple of
    d(value)/d(arg) for each argument, what the graph and `backward()` give (the value
    bit for bit; the gradient too, summed in backward's order). `compiled.source` is
    the generated code: a line per node, names from labels and argument names.

    Relu and abs kinks are conditionals in the code, so they are right anywhere. But
    `fn` runs only once: Python control flow in it (`if x.data > 0:`), and numbers it
    computes from `.data`, are frozen at the trace, as with `torch.jit.trace`.
    Constants are the values they had then; only the arguments vary.

    The engine's errors survive: an input outside an op's domain, a division by 0,
    an overflow, or a result or gradient that is inf or nan makes the call run `fn`
    on the graph path at that point instead, which raises the engine's own error
    (a gradient that overflows raises OverflowError).

    Example:
        >>> f = compile(lambda x, w, b: (x * w + b).tanh(), 2.0, -3.0, 1.0)
        >>> value, (dx, dw, db) = f(0.5, 1.0, 0.0)
        >>> round(value, 6), round(dx, 6), round(dw, 6), round(db, 6)
        (0.462117, 0.786448, 0.393224, 0.786448)
        >>> print(f.source)
        def f(x, w, b):
            v1 = x * w
            v2 = v1 + b
            v3 = tanh(v2)
        <BLANKLINE>
            grad_v3 = 1.0
            grad_v2 = grad_v3 * (1.0 - v3 * v3)
            grad_v1 = grad_v2
            grad_b = grad_v2
            grad_x = grad_v1 * w
            grad_w = grad_v1 * x
        <BLANKLINE>
            check = v2 + grad_x + grad_w + grad_b  # inf or nan anywhere: the graph path runs
            if check - check != 0.0:
                raise FloatingPointError
            return v3, (grad_x, grad_w, grad_b)
    """
    if not callable(fn):
        raise TypeError(f"compile needs a function, got {type(fn).__name__}")
    if not (Value(1.0) + 1.0).inputs:
        raise RuntimeError("compile traces a graph: call it outside no_grad()")
    arg_names = _argument_names(fn, len(example_args))
    leaves = [Value(a, label=n) for a, n in zip(example_args, arg_names)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"compile: fn must return a Value, got {type(out).__name__}")
    return CompiledFunction(fn, leaves, out)


def _source(function: str, leaves: list[Value], out: Value) -> tuple[str, str]:
    """The generated function's name (not a helper's) and its source."""
    names_for = Names()
    function = names_for.new(function)
    names = {leaf: names_for.new(leaf.label) for leaf in leaves}
    order = []
    for node in computed_nodes(out):  # topological: a node varies if one of its inputs does
        if any(v in names for v in node.inputs):
            names[node] = names_for.new(node.label)
            order.append(node)
    gen = Codegen(names, wants_grad=lambda v: True)
    body = [line for node in order for line in gen.forward(node)]
    if out in names:
        body += ["", *gen.seed(out)]
        for node in reversed(order):
            body += gen.backward(node)
    grads = [f"grad_{names[leaf]}" if leaf in gen.assigned else "0.0" for leaf in leaves]
    checked = [names[n] for n in checked_nodes(order, lambda v: True)]
    checked += [g for g in grads if g != "0.0"]
    if checked:
        body += ["", *sum_lines("check", checked)]
        body[-1] += "  # inf or nan anywhere: the graph path runs"
        body += ["if check - check != 0.0:", "    raise FloatingPointError"]
    body += listing(f"return {gen.text(out)}, (", grads, ")", tuple_=True)
    lines = listing(f"def {function}(", [names[leaf] for leaf in leaves], "):")
    lines += [f"    {line}" if line else "" for line in body]
    return function, "\n".join(lines)


__all__ = ["CompiledFunction", "compile"]
