"""Writing the lines of generated code: a forward line and backward lines per node.

`Codegen` turns graph nodes into straight-line Python on floats: each op's line
from its record in `autograd.ops`, each local derivative from `DERIVATIVES`
(through `autograd.symbolic`). `autograd.compile` builds a function's code with
it, and `nn.compiled` a whole training step.
"""

from __future__ import annotations

import builtins
import gc
import keyword
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autograd.engine import Value
from autograd.ops import OPS
from autograd.symbolic import (
    MUL,
    UNARY,
    Code,
    Tree,
    as_code,
    evaluate,
    local_derivatives,
    times,
    tree_code,
)

__all__ = [
    "HELPERS",
    "SUM_IS_LEFT_TO_RIGHT",
    "Code",
    "Codegen",
    "Names",
    "build_function",
    "checked_nodes",
    "listing",
    "sum_lines",
]

# Python 3.12 made sum() of floats compensated (Neumaier). `dot` computes its value
# with sum(), so the generated code adds left to right only where sum() does too.
SUM_IS_LEFT_TO_RIGHT = sum([1e100, 1.0, -1e100]) == 0.0

# What generated code may call besides its own variables. `power` stands for `**`
# where a negative base would give a complex number instead of raising.
HELPERS: dict[str, Any] = {
    "abs": abs,
    "mul": operator.mul,
    "cos": math.cos,
    "exp": math.exp,
    "inf": math.inf,
    "log": math.log,
    "max": max,
    "nan": math.nan,
    "sin": math.sin,
    "sqrt": math.sqrt,
    "sum": sum,
    "tanh": math.tanh,
}


def _power(a: float, b: float) -> float:
    if a < 0.0:  # the graph path refuses it too, with its own message
        raise ValueError("'**' of a negative base")
    y: float = a**b
    return y


HELPERS["power"] = _power


def _helpers() -> dict[str, Any]:
    """HELPERS and the functions the ops' records ask for (an op defined later too)."""
    return {name: f for op in OPS.values() for name, f in op.helpers.items()} | HELPERS


_IDENTIFIER = re.compile(r"\b(?!grad_)[A-Za-z_]\w*")
_CHUNK = 32  # terms per line of a long sum: deep expressions overflow the compiler's stack
_SKIP_MIN = 8  # a node with this many inputs skips its backward lines when its grad is 0

# -- naming -------------------------------------------------------------------------------


class Names:
    """Unique Python identifiers for the generated program, from labels where there are.

    Example:
        >>> names = Names(reserved={"check"})
        >>> names.new("L1.N1.w1"), names.new("check"), names.new(""), names.new("x"), names.new("x")
        ('L1_N1_w1', 'check_', 'v1', 'x', 'x_')
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken = set(_helpers()) | set(reserved) | set(keyword.kwlist) | {"math"}
        self.count = 0

    def copy(self) -> Names:
        """Another allocator that starts from the same names taken."""
        other = Names()
        other.taken, other.count = set(self.taken), self.count
        return other

    def new(self, label: str = "", prefix: str = "v") -> str:
        base = re.sub(r"\W", "_", label)
        if not base:
            self.count += 1
            base = f"{prefix}{self.count}"
        if base[0].isdigit():
            base = f"{prefix}_{base}"
        if base.startswith("grad_") or keyword.iskeyword(base):  # grad_ names are the grads'
            base = f"{prefix}_{base}"
        name = base
        if name in self.taken:
            name = f"{base}_"
            k = 1
            while name in self.taken:
                k += 1
                name = f"{base}_{k}"
        self.taken.add(name)
        return name


# -- generating lines ---------------------------------------------------------------------


class Codegen:
    """Writes the forward line and the backward lines of each node.

    `names` maps each node that varies (depends on the program's inputs) to its
    variable; the gradient of `name` is `grad_name`. Any other node is a constant:
    it prints as its value, or as `code_of[node]` when given (`nn.compiled` uses
    that for targets and for numbers a loss computes from its inputs' values).
    `wants_grad(node)` says which nodes need a gradient (e.g. not the data).
    """

    def __init__(
        self,
        names: dict[Value, str],
        wants_grad: Callable[[Value], bool],
        code_of: dict[Value, Code] | None = None,
        grad_names: dict[Value, str] | None = None,
        share: Sequence[Value] = (),
        items: dict[Value, tuple[str, str, int]] | None = None,
    ) -> None:
        self.names = names
        self.wants_grad = wants_grad
        self.code_of = code_of if code_of is not None else {}
        self.grad_names = grad_names if grad_names is not None else {}
        # `items`: values held in a list and their gradients in another, as (list, grad
        # list, index): the value is list[index], its gradient grad_list[index]
        self.items: dict[Value, tuple[str, int]] = {}
        self.grad_items: dict[Value, tuple[str, int]] = {}
        for v, (values, grads, index) in (items or {}).items():
            self.items[v], self.grad_items[v] = (values, index), (grads, index)
            self.names[v] = f"{values}[{index}]"
            self.grad_names[v] = f"{grads}[{index}]"
        # With `share` (the nodes whose backward lines this writes, and any other whose
        # gradient only this reads), a node of them that gets one contribution, its
        # user's gradient itself, shares that variable: no copy.
        self.shared = set(share)
        self.uses: dict[Value, int] = {}
        for node in share:
            for v in node.inputs:
                self.uses[v] = self.uses.get(v, 0) + 1
        self.assigned: set[Value] = set()  # nodes whose grad variable holds a value
        self.read: set[str] = set()  # forward variables the backward lines read

    def operand(self, v: Value) -> Code | float:
        name = self.names.get(v)
        if name is not None:
            return Code(name, item=self.items.get(v)) if self.items else Code(name)
        code = self.code_of.get(v)
        return code if code is not None else v.data

    def text(self, v: Value) -> str:
        name = self.names.get(v)  # the common case first: no Code object
        return name if name is not None else as_code(self.operand(v)).text

    def forward(self, node: Value) -> list[str]:
        """The line(s) computing `node`, as the engine computes its value (bit for bit):
        the op's formula (`autograd.ops`) evaluated on the operands as code."""
        y = self.names[node]
        op = OPS.get(node.op)
        if op is None:
            raise ValueError(f"cannot compile the op {node.op!r}")
        if op.form == "sum":
            return listing(f"{y} = sum((", [self.text(v) for v in node.inputs], "))", True)
        if op.form == "weighted_sum":
            return self._weighted_sum(node, y)
        expression = evaluate(op.code, [self.operand(v) for v in node.inputs], repr(op))
        return [f"{y} = {tree_code(expression).text}"]

    def _weighted_sum(self, node: Value, y: str) -> list[str]:
        xs = [self.text(v) for v in node.inputs]
        n = (len(xs) - 1) // 2
        ws, vs = self._slice(node.inputs[:n]), self._slice(node.inputs[n : 2 * n])
        if ws and vs:  # both runs of one list: computed as the engine computes it
            return [f"{y} = sum(map(mul, {ws}, {vs}), {xs[-1]})"]
        # names and numbers bind tighter than `*`: no parentheses needed
        products = [f"{w} * {x}" for w, x in zip(xs[:n], xs[n : 2 * n])]
        # A compensated sum of two numbers is their rounded sum: one product and the
        # bias are unrolled on every Python.
        if not SUM_IS_LEFT_TO_RIGHT and n > 1:
            return listing(f"{y} = sum((", products, f"), {xs[-1]})", tuple_=True)
        lines = []
        for start in range(0, n, _CHUNK // 2):  # b + w1*x1 + ... in the engine's order
            first = xs[-1] if start == 0 else y
            lines.append(f"{y} = {' + '.join([first, *products[start : start + _CHUNK // 2]])}")
        return lines

    def _slice(self, values: Sequence[Value]) -> str:
        """`a[3:7]` if `values` are the items a[3], a[4], a[5], a[6]; else ''."""
        first = self.items.get(values[0]) if values else None
        if first is None:
            return ""
        name, start = first
        for k, v in enumerate(values):
            if self.items.get(v) != (name, start + k):
                return ""
        return f"{name}[{start}:{start + len(values)}]"

    def grad_of(self, node: Value) -> str:
        """The variable holding d(output)/d(node): `grad_<name>` unless given."""
        return self.grad_names.get(node) or f"grad_{self.names[node]}"

    def seed(self, node: Value, value: str = "1.0") -> list[str]:
        """The line giving `node` its gradient `value` (none if it can share `value`)."""
        self.assigned.add(node)
        if self.uses and value.isidentifier() and node not in self.grad_names:
            self.grad_names[node] = value
            return []
        return [f"{self.grad_of(node)} = {value}"]

    def backward(self, node: Value) -> list[str]:
        """The chain rule at `node`: one line per input that needs a gradient,
        `grad_input += grad_node * d(node)/d(input)`, local derivatives from DERIVATIVES.

        A node with many inputs skips its lines when its gradient is exactly 0, as
        backward() does (a dead relu, a satisfied hinge margin)."""
        if node not in self.assigned:
            return []  # its gradient is 0: nothing flows back through it
        upstream = Code(self.grad_of(node))
        operands = [*(self.operand(v) for v in node.inputs), Code(self.names[node])]
        wanted = [i for i, v in enumerate(node.inputs) if v in self.names and self.wants_grad(v)]
        if not wanted:
            return []
        locals_ = local_derivatives(node.op, operands)
        before: list[str] = []
        lines: list[str] = []
        skip = len(wanted) >= _SKIP_MIN
        rolled = (  # only list-held gradients can be looped over
            self._loops(node, wanted, locals_, upstream) if self.grad_names and skip else {}
        )
        for i in wanted:
            if i in rolled:
                lines += rolled[i]
                continue
            child = node.inputs[i]
            expression = self._term(upstream, locals_[i])
            if expression is None:
                continue
            if not skip and self._shares(child, expression, upstream):
                self.assigned.add(child)
                self.grad_names[child] = upstream.text  # the same number: share it
                continue
            grad = self.grad_of(child)
            if child not in self.assigned:
                self.assigned.add(child)
                if not skip:
                    lines.append(f"{grad} = {expression.text}")
                    continue
                before.append(f"{grad} = 0.0")  # may be skipped below: start from 0
            if expression.text == f"-{upstream.text}":
                lines.append(f"{grad} -= {upstream.text}")
            else:
                lines.append(f"{grad} += {expression.text}")
        if skip and lines:
            return [*before, f"if {upstream.text}:", *("    " + line for line in lines)]
        return lines

    def _term(self, upstream: Code, local: Tree) -> Code | None:
        """upstream * local as code (None if it is exactly 0), noting what it reads."""
        if type(local) is Code and local.level >= UNARY:  # the common case, made quickly
            if local.text.isidentifier():
                self.read.add(local.text)
            else:
                self.read.update(_IDENTIFIER.findall(local.text))
            return Code(f"{upstream.text} * {local.text}", MUL)
        term = times(upstream, local)
        if isinstance(term, (int, float)) and term == 0.0:
            return None
        if not isinstance(local, (int, float)):
            self.read.update(_IDENTIFIER.findall(tree_code(local).text))
        return tree_code(term)

    def _shares(self, child: Value, expression: Code, upstream: Code) -> bool:
        """Whether `child`'s gradient is its one user's gradient itself: no copy needed."""
        return (
            child not in self.assigned
            and self.uses.get(child) == 1
            and child in self.shared
            and expression.text == upstream.text
            and child not in self.grad_names
        )

    def _loops(
        self, node: Value, wanted: list[int], locals_: list[Tree], upstream: Code
    ) -> dict[int, list[str]]:
        """Runs of inputs whose gradients are consecutive items of one list (already
        holding a value) and whose local derivatives are consecutive items of another,
        such as a dot of parameters held in lists: one loop per run, doing the same
        additions in the same order. Keyed by each run's first input; the others of
        the run map to no lines."""
        rolled: dict[int, list[str]] = {}

        def item(i: int) -> tuple[str, int, str, int] | None:
            """(grad list, index, factor list, index) if input i fits a loop."""
            local, child = locals_[i], node.inputs[i]
            g = self.grad_items.get(child)
            f = local.item if isinstance(local, Code) else None
            if g is None or f is None or child not in self.assigned:
                return None
            return g[0], g[1], f[0], f[1]

        items = [item(i) for i in wanted]
        start = 0
        while start < len(wanted):
            first = items[start]
            end = start + 1
            while first is not None and end < len(wanted):
                nxt, k = items[end], end - start
                if nxt != (first[0], first[1] + k, first[2], first[3] + k):
                    break
                if wanted[end] != wanted[start] + k:
                    break
                end += 1
            if first is not None and end - start >= _SKIP_MIN:
                grads, g, factors, f = first
                rolled[wanted[start]] = [
                    f"for k in range({end - start}):",
                    f"    {grads}[{g} + k] += {upstream.text} * {factors}[{f} + k]",
                ]
                rolled.update((i, []) for i in wanted[start + 1 : end])
                self.read.add(factors)
            start = end
        return rolled


def checked_nodes(nodes: Sequence[Value], varying: Callable[[Value], bool]) -> list[Value]:
    """The arithmetic results among `nodes` to check for inf and nan: those some op
    could hide (tanh(inf) is 1.0), and those no node in `nodes` uses (the outputs).
    Every other op raises rather than turn finite inputs into inf or nan.

    Example:
        >>> from autograd.engine import computed_nodes
        >>> x = Value(1.0)
        >>> h = (x * 2.0 + 1.0).tanh() * 3.0
        >>> [n.op for n in checked_nodes(computed_nodes(h), lambda v: True)]
        ['+', '*']
    """
    users: dict[Value, set[str]] = {}
    for node in nodes:
        for v in node.inputs:
            users.setdefault(v, set()).add(node.op)
    return [
        node
        for node in nodes
        if OPS[node.op].silent_overflow
        and varying(node)
        and (node not in users or not all(OPS[op].propagates for op in users[node]))
    ]


def build_function(name: str, source: str, namespace: dict[str, Any] | None = None) -> Any:
    """Compile generated source that defines `name`, with the helpers it may call."""
    scope: dict[str, Any] = {**_helpers(), **(namespace or {})}
    was_enabled = gc.isenabled()
    gc.disable()  # compiling allocates much and frees it at once: nothing for the collector
    try:
        code = builtins.compile(source, f"<compiled {name}>", "exec")
    finally:
        if was_enabled:
            gc.enable()
    exec(code, scope)
    return scope[name]


def sum_lines(target: str, names: Sequence[str], start: bool = True) -> list[str]:
    """`target = a + b + ...` over `names`, a few per line (a long sum nests too deep
    for the compiler); with `start=False` every line adds to `target`."""
    chunks = [" + ".join(names[i : i + _CHUNK]) for i in range(0, len(names), _CHUNK)]
    if start and chunks:
        return [f"{target} = {chunks[0]}", *(f"{target} += {c}" for c in chunks[1:])]
    return [f"{target} += {c}" for c in chunks]


def listing(opening: str, items: list[str], closing: str, tuple_: bool = False) -> list[str]:
    """`opening a, b, c closing` on one line, or one item per line when there are many.

    Example:
        >>> listing("f(", ["a"], ")", tuple_=True)
        ['f(a,)']
    """
    if len(items) <= _CHUNK:
        comma = "," if tuple_ and len(items) == 1 else ""
        return [f"{opening}{', '.join(items)}{comma}{closing}"]
    step = _CHUNK // 2
    return [
        opening,
        *(f"    {', '.join(items[i : i + step])}," for i in range(0, len(items), step)),
        closing,
    ]
