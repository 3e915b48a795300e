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

import builtins
import gc
import inspect
import keyword
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias

from autograd.engine import DERIVATIVES, Value, _computed_nodes

# Precedence of a printed expression, loosest first: an operand binding looser than
# its operator gets parentheses.
_COND, _ADD, _MUL, _UNARY, _POW, _ATOM = range(6)

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

_IDENTIFIER = re.compile(r"\b(?!grad_)[A-Za-z_]\w*")
_CHUNK = 32  # terms per line of a long sum: deep expressions overflow the compiler's stack
_SKIP_MIN = 8  # a node with this many inputs skips its backward lines when its grad is 0


class _Chooser:
    """Answers the comparisons one evaluation of a rule makes, from a script of
    outcomes (True first), and records what was asked."""

    def __init__(self, script: list[bool]) -> None:
        self.script = script
        self.asked: list[tuple[str, bool]] = []

    def decide(self, condition: str) -> bool:
        i = len(self.asked)
        outcome = self.script[i] if i < len(self.script) else True
        self.asked.append((condition, outcome))
        return outcome


class _Condition:
    """A comparison of code: it prints as Python, and as a bool it gives the outcome
    the current evaluation of the rule explores."""

    __slots__ = ("chooser", "text")

    def __init__(self, text: str, chooser: _Chooser) -> None:
        self.text = text
        self.chooser = chooser

    def __bool__(self) -> bool:
        return self.chooser.decide(self.text)


Number: TypeAlias = "int | float"


class Code:
    """An expression of the generated program: arithmetic on it builds the text of
    the arithmetic, with the parentheses Python's precedence needs.

    Example:
        >>> y = Code("y")
        >>> print(1.0 - y * y)
        1.0 - y * y
        >>> print((y + 1.0) ** 2.0)
        (y + 1.0) ** 2.0
    """

    __slots__ = ("chooser", "item", "level", "text")

    def __init__(
        self,
        text: str,
        level: int = _ATOM,
        chooser: _Chooser | None = None,
        item: tuple[str, int] | None = None,
    ) -> None:
        self.text = text
        self.level = level
        self.chooser = chooser
        self.item = item  # (list, index) when the code is that list's item

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Code({self.text!r})"

    def _binary(self, op: str, level: int, other: object, reflected: bool = False) -> Code:
        left, right = (_as_code(other), self) if reflected else (self, _as_code(other))
        if op == "**":  # right-associative, and binds tighter than a unary minus on its left
            wrap_left, wrap_right = left.level <= _POW, right.level < _UNARY
        else:  # left-associative; float + and * are not associative either
            wrap_left, wrap_right = left.level < level, right.level <= level
        text = f"{_wrap(left, wrap_left)} {op} {_wrap(right, wrap_right)}"
        return Code(text, level, self.chooser)

    def __add__(self, other: object) -> Code:
        return self._binary("+", _ADD, other)

    def __radd__(self, other: object) -> Code:
        return self._binary("+", _ADD, other, reflected=True)

    def __sub__(self, other: object) -> Code:
        return self._binary("-", _ADD, other)

    def __rsub__(self, other: object) -> Code:
        return self._binary("-", _ADD, other, reflected=True)

    def __mul__(self, other: object) -> Code:
        return self._binary("*", _MUL, other)

    def __rmul__(self, other: object) -> Code:
        return self._binary("*", _MUL, other, reflected=True)

    def __truediv__(self, other: object) -> Code:
        return self._binary("/", _MUL, other)

    def __rtruediv__(self, other: object) -> Code:
        return self._binary("/", _MUL, other, reflected=True)

    def __pow__(self, other: object) -> Code:
        return self._binary("**", _POW, other)

    def __rpow__(self, other: object) -> Code:
        return self._binary("**", _POW, other, reflected=True)

    def __neg__(self) -> Code:
        return Code(f"-{_wrap(self, self.level <= _UNARY)}", _UNARY, self.chooser)

    def __abs__(self) -> Code:
        return self._call("abs")

    def _call(self, function: str) -> Code:
        return Code(f"{function}({self.text})", _ATOM, self.chooser)

    def exp(self) -> Code:
        return self._call("exp")

    def log(self) -> Code:
        return self._call("log")

    def sqrt(self) -> Code:
        return self._call("sqrt")

    def tanh(self) -> Code:
        return self._call("tanh")

    def sin(self) -> Code:
        return self._call("sin")

    def cos(self) -> Code:
        return self._call("cos")

    def _compare(self, op: str, other: object) -> _Condition:
        if self.chooser is None:
            raise TypeError(f"cannot decide {self.text} {op} ... outside a derivative rule")
        right = _as_code(other)
        return _Condition(
            f"{_wrap(self, self.level == _COND)} {op} {_wrap(right, right.level == _COND)}",
            self.chooser,
        )

    def __gt__(self, other: object) -> _Condition:
        return self._compare(">", other)

    def __ge__(self, other: object) -> _Condition:
        return self._compare(">=", other)

    def __lt__(self, other: object) -> _Condition:
        return self._compare("<", other)

    def __le__(self, other: object) -> _Condition:
        return self._compare("<=", other)

    def __eq__(self, other: object) -> _Condition:  # type: ignore[override]
        return self._compare("==", other)

    def __ne__(self, other: object) -> _Condition:  # type: ignore[override]
        return self._compare("!=", other)

    __hash__ = None  # type: ignore[assignment]


def literal(x: Number) -> Code:
    """A number as code that reads back as exactly the same number.

    Example:
        >>> literal(0.1).text, literal(-2).text, literal(1e-300 * 1e-300).text
        ('0.1', '-2', '0.0')
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"a derivative rule produced {type(x).__name__} {x!r}, not a number")
    text = repr(x)  # repr round-trips a float exactly; inf and nan are names in HELPERS
    return Code(text, _UNARY if text.startswith("-") else _ATOM)


def _as_code(x: object) -> Code:
    return x if isinstance(x, Code) else literal(x)  # type: ignore[arg-type]


def _wrap(code: Code, parenthesize: bool) -> str:
    return f"({code.text})" if parenthesize else code.text


# -- evaluating a rule on code ------------------------------------------------------------


class _Branch:
    """`yes if condition else no` in a derivative, kept as a tree until printed."""

    __slots__ = ("condition", "no", "yes")

    def __init__(self, condition: str, yes: Tree, no: Tree) -> None:
        self.condition, self.yes, self.no = condition, yes, no


Tree: TypeAlias = "int | float | Code | _Branch"


def _same(a: Tree, b: Tree) -> bool:
    if isinstance(a, _Branch) and isinstance(b, _Branch):
        return a.condition == b.condition and _same(a.yes, b.yes) and _same(a.no, b.no)
    if isinstance(a, Code) and isinstance(b, Code):
        return a.text == b.text
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return repr(float(a)) == repr(float(b))  # 0.0 and -0.0 differ
    return False


def _branch(condition: str, yes: Tree, no: Tree) -> Tree:
    return yes if _same(yes, no) else _Branch(condition, yes, no)


def local_derivatives(op: str, operands: Sequence[Code | float]) -> list[Tree]:
    """d(out)/d(input) for each input of an `op` node, as code, from `DERIVATIVES[op]`.

    `operands` are the node's inputs and then its output, as code or as numbers
    (constants). Each comparison the rule makes is explored both ways and the
    result branches on it.

    Example:
        >>> [print_tree(d) for d in local_derivatives("relu", [Code("x"), Code("y")])]
        ['1.0 if x > 0 else 0.0']
        >>> [print_tree(d) for d in local_derivatives("*", [Code("a"), 3.0, Code("y")])]
        ['3.0', 'a']
    """
    rule = DERIVATIVES[op]
    paths: list[tuple[list[tuple[str, bool]], tuple[Any, ...]]] = []
    script: list[bool] = []
    while True:
        chooser = _Chooser(script)
        args = [
            Code(o.text, o.level, chooser, o.item) if isinstance(o, Code) else o for o in operands
        ]
        paths.append((chooser.asked, tuple(rule(*args))))
        outcomes = [outcome for _, outcome in chooser.asked]
        while outcomes and not outcomes[-1]:  # depth first: flip the last True still to try
            outcomes.pop()
        if not outcomes:
            break
        script = [*outcomes[:-1], False]
    if len(paths) == 1:
        return list(paths[0][1])  # the rule compared nothing: no branches
    count = len(paths[0][1])
    if any(len(result) != count for _, result in paths):
        raise ValueError(f"the rule for {op!r} gives a different number of derivatives per branch")
    return [_decision_tree(paths, 0, i) for i in range(count)]


def _decision_tree(
    paths: list[tuple[list[tuple[str, bool]], tuple[Any, ...]]], depth: int, i: int
) -> Tree:
    """The i-th derivative over the paths that share their first `depth` answers.

    Recursive, but only as deep as one rule has comparisons (two, for abs)."""
    asked, result = paths[0]
    if len(asked) == depth:
        return result[i]  # type: ignore[no-any-return]
    condition = asked[depth][0]
    yes = [p for p in paths if p[0][depth][1]]
    no = [p for p in paths if not p[0][depth][1]]
    return _branch(condition, _decision_tree(yes, depth + 1, i), _decision_tree(no, depth + 1, i))


def print_tree(tree: Tree) -> str:
    """A derivative tree as one Python expression.

    Example:
        >>> print_tree(_Branch("x > 0", 1.0, _Branch("x < 0", -1.0, 0.0)))
        '1.0 if x > 0 else -1.0 if x < 0 else 0.0'
    """
    return _tree_code(tree).text


def _tree_code(tree: Tree) -> Code:
    if isinstance(tree, _Branch):
        yes, no = _tree_code(tree.yes), _tree_code(tree.no)
        return Code(f"{_wrap(yes, yes.level == _COND)} if {tree.condition} else {no.text}", _COND)
    return _as_code(tree)


def _times(upstream: Code, local: Tree) -> Tree:
    """upstream * local, leaf by leaf; x * 1.0 == x and x * -1.0 == -x exactly."""
    if isinstance(local, _Branch):
        return _branch(local.condition, _times(upstream, local.yes), _times(upstream, local.no))
    if isinstance(local, Code):
        return upstream * local
    if local == 0.0:
        return 0.0  # adds nothing (backward() skips it the same way)
    if local == 1.0:
        return upstream
    if local == -1.0:
        return -upstream
    return upstream * local


# -- naming -------------------------------------------------------------------------------


class Names:
    """Unique Python identifiers for the generated program, from labels where there are.

    Example:
        >>> names = Names(reserved={"check"})
        >>> names.new("L1.N1.w1"), names.new("check"), names.new(""), names.new("x"), names.new("x")
        ('L1_N1_w1', 'check_', 'v1', 'x', 'x_')
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken = set(HELPERS) | set(reserved) | set(keyword.kwlist) | {"math"}
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

# Ops whose result is inf or nan whenever an input is: a non-finite number passing
# through them reaches a later check. Every other op can hide one (tanh(inf) is 1.0).
_PROPAGATING = frozenset({"+", "-", "*", "dot", "total", "neg", "abs"})
# Ops that can turn finite inputs into inf or nan without raising (the rest raise).
_ARITHMETIC = frozenset({"+", "-", "*", "/", "dot", "total"})


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
        return name if name is not None else _as_code(self.operand(v)).text

    def forward(self, node: Value) -> list[str]:
        """The line(s) computing `node`, as the engine computes its value (bit for bit)."""
        y = self.names[node]
        op, xs = node.op, [self.text(v) for v in node.inputs]
        if op in ("+", "-", "*", "/"):
            a, b = (_as_code(self.operand(v)) for v in node.inputs)
            return [f"{y} = {a._binary(op, _ADD if op in '+-' else _MUL, b).text}"]
        if op == "**":
            base, exponent = (_as_code(self.operand(v)) for v in node.inputs)
            constant = node.inputs[1]
            if (
                constant not in self.names
                and constant not in self.code_of
                and constant.data.is_integer()
            ):
                # never complex; Python itself raises for 0.0 ** -n and for an overflow
                return [f"{y} = {(base**exponent).text}"]
            return [f"{y} = power({xs[0]}, {xs[1]})"]
        if op == "neg":
            return [f"{y} = {(-_as_code(self.operand(node.inputs[0]))).text}"]
        if op in ("abs", "exp", "log", "sqrt", "tanh", "sin", "cos"):
            return [f"{y} = {op}({xs[0]})"]
        if op == "relu":
            return [f"{y} = {xs[0]} if {xs[0]} > 0.0 else 0.0"]
        if op == "sigmoid":  # two forms, as the engine has, so that exp never overflows
            x = xs[0]
            return [f"{y} = 1.0 / (1.0 + exp(-{x})) if {x} >= 0.0 else exp({x}) / (1.0 + exp({x}))"]
        if op == "total":
            return listing(f"{y} = sum((", xs, "))", tuple_=True)
        if op == "dot":
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
        raise ValueError(f"cannot compile the op {op!r}")

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

    def backward(self, node: Value, skip_zero: bool = True) -> list[str]:
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
        skip = skip_zero and len(wanted) >= _SKIP_MIN
        rolled = (  # only list-held gradients can be looped over
            self._loops(node, wanted, locals_, upstream)
            if self.grad_names and len(wanted) >= _SKIP_MIN
            else {}
        )
        for i in wanted:
            if i in rolled:
                lines += rolled[i]
                continue
            child = node.inputs[i]
            local = locals_[i]
            if type(local) is Code and local.level >= _UNARY:  # the common case, made quickly
                expression = Code(f"{upstream.text} * {local.text}", _MUL)
                if local.text.isidentifier():
                    self.read.add(local.text)
                else:
                    self.read.update(_IDENTIFIER.findall(local.text))
            else:
                term = _times(upstream, local)
                if isinstance(term, (int, float)) and term == 0.0:
                    continue
                expression = _tree_code(term)
                if not isinstance(local, (int, float)):
                    self.read.update(_IDENTIFIER.findall(_tree_code(local).text))
            if (
                child not in self.assigned
                and not skip
                and self.uses.get(child) == 1
                and child in self.shared
                and expression.text == upstream.text
                and child not in self.grad_names
            ):
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
        >>> x = Value(1.0)
        >>> h = (x * 2.0 + 1.0).tanh() * 3.0
        >>> [n.op for n in checked_nodes(_computed_nodes(h), lambda v: True)]
        ['+', '*']
    """
    users: dict[Value, set[str]] = {}
    for node in nodes:
        for v in node.inputs:
            users.setdefault(v, set()).add(node.op)
    return [
        node
        for node in nodes
        if node.op in _ARITHMETIC
        and varying(node)
        and (node not in users or not users[node] <= _PROPAGATING)
    ]


def build_function(name: str, source: str, namespace: dict[str, Any] | None = None) -> Any:
    """Compile generated source that defines `name`, with the helpers it may call."""
    scope: dict[str, Any] = {**HELPERS, **(namespace or {})}
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


# -- compile() ----------------------------------------------------------------------------


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
    for node in _computed_nodes(out):  # topological: a node varies if one of its inputs does
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


def _indexed(text: str) -> tuple[str, int] | None:
    """("a", 3) for the text "a[3]", else None."""
    name, bracket, index = text.partition("[")
    if not bracket or not index.endswith("]") or not index[:-1].isdigit():
        return None
    return name, int(index[:-1])


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


__all__ = ["CompiledFunction", "compile"]
