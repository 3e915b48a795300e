"""Derivative rules and forward formulas evaluated on code instead of numbers.

`Code` is an expression of a generated program: arithmetic on it builds the
text of that arithmetic, with the parentheses Python's precedence needs. An op's
formula (`autograd.ops`) evaluated on Code operands prints as the line that
computes it. A formula that branches on its operands (relu, abs) is evaluated
once for each outcome of each comparison it makes (`evaluate`), and the result
is a tree of conditionals that prints as one Python expression.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from autograd.engine import Number
from autograd.ops import DERIVATIVES, OPS, Constant

__all__ = [
    "ATOM",
    "MUL",
    "UNARY",
    "Code",
    "Tree",
    "as_code",
    "evaluate",
    "literal",
    "local_derivatives",
    "print_tree",
    "times",
    "tree_code",
]

# Precedence of a printed expression, loosest first: an operand binding looser than
# its operator gets parentheses.
COND, ADD, MUL, UNARY, POW, ATOM = range(6)


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
        level: int = ATOM,
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
        left, right = (as_code(other), self) if reflected else (self, as_code(other))
        if OPS[op].right_associative:  # `**`: binds tighter than a unary minus on its left
            wrap_left, wrap_right = left.level <= level, right.level < UNARY
        else:  # left-associative; float + and * are not associative either
            wrap_left, wrap_right = left.level < level, right.level <= level
        text = f"{_wrap(left, wrap_left)} {op} {_wrap(right, wrap_right)}"
        return Code(text, level, self.chooser)

    def __add__(self, other: object) -> Code:
        return self._binary("+", ADD, other)

    def __radd__(self, other: object) -> Code:
        return self._binary("+", ADD, other, reflected=True)

    def __sub__(self, other: object) -> Code:
        return self._binary("-", ADD, other)

    def __rsub__(self, other: object) -> Code:
        return self._binary("-", ADD, other, reflected=True)

    def __mul__(self, other: object) -> Code:
        return self._binary("*", MUL, other)

    def __rmul__(self, other: object) -> Code:
        return self._binary("*", MUL, other, reflected=True)

    def __truediv__(self, other: object) -> Code:
        return self._binary("/", MUL, other)

    def __rtruediv__(self, other: object) -> Code:
        return self._binary("/", MUL, other, reflected=True)

    def __pow__(self, other: object) -> Code:
        return self._binary("**", POW, other)

    def __rpow__(self, other: object) -> Code:
        return self._binary("**", POW, other, reflected=True)

    def __neg__(self) -> Code:
        return Code(f"-{_wrap(self, self.level <= UNARY)}", UNARY, self.chooser)

    def __abs__(self) -> Code:
        return self._call("abs")

    def _call(self, function: str) -> Code:
        return Code(f"{function}({self.text})", ATOM, self.chooser)

    def call(self, function: str, *args: object) -> Code:
        """`function(arg, ...)` as code, for a helper of the generated program."""
        return Code(f"{function}({', '.join(as_code(a).text for a in args)})", ATOM, self.chooser)

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
        right = as_code(other)
        return _Condition(
            f"{_wrap(self, self.level == COND)} {op} {_wrap(right, right.level == COND)}",
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
    return Code(text, UNARY if text.startswith("-") else ATOM)


def as_code(x: object) -> Code:
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


def _either(condition: str, yes: Tree, no: Tree) -> Tree:
    return yes if _same(yes, no) else _Branch(condition, yes, no)


def local_derivatives(op: str, operands: Sequence[Code | float]) -> list[Tree]:
    """d(out)/d(input) for each input of an `op` node, as code, from `DERIVATIVES[op]`.

    `operands` are the node's inputs and then its output, as code or as numbers
    (constants, whose derivatives the rule may skip). Each comparison the rule
    makes is explored both ways and the result branches on it.

    Example:
        >>> [print_tree(d) for d in local_derivatives("relu", [Code("x"), Code("y")])]
        ['1.0 if x > 0 else 0.0']
        >>> [print_tree(d) for d in local_derivatives("*", [Code("a"), 3.0, Code("y")])]
        ['3.0', 'a']
    """
    seen = [o if isinstance(o, Code) else Constant(o) for o in operands]
    trees: list[Tree] = evaluate(
        lambda *xs: tuple(DERIVATIVES[op](*xs)), seen, f"the rule for {op!r}"
    )
    return trees


def evaluate(formula: Callable[..., Any], operands: Sequence[Code | float], what: str) -> Any:
    """`formula(*operands)` on code: a Tree, or a list of Trees if it gives a tuple.

    Example:
        >>> print_tree(evaluate(lambda x: x if x > 0.0 else 0.0, [Code("x")], "relu"))
        'x if x > 0.0 else 0.0'
    """
    paths: list[tuple[list[tuple[str, bool]], tuple[Any, ...]]] = []
    script: list[bool] = []
    many = False
    while True:
        chooser = _Chooser(script)
        args = [
            Code(o.text, o.level, chooser, o.item) if isinstance(o, Code) else o for o in operands
        ]
        result = formula(*args)
        many = isinstance(result, tuple)
        paths.append((chooser.asked, result if many else (result,)))
        outcomes = [outcome for _, outcome in chooser.asked]
        while outcomes and not outcomes[-1]:  # depth first: flip the last True still to try
            outcomes.pop()
        if not outcomes:
            break
        script = [*outcomes[:-1], False]
    count = len(paths[0][1])
    if any(len(result) != count for _, result in paths):
        raise ValueError(f"{what} gives a different number of results per branch")
    trees = [_decision_tree(paths, 0, i) for i in range(count)]
    return trees if many else trees[0]


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
    return _either(condition, _decision_tree(yes, depth + 1, i), _decision_tree(no, depth + 1, i))


def print_tree(tree: Tree) -> str:
    """A derivative tree as one Python expression.

    Example:
        >>> print_tree(_Branch("x > 0", 1.0, _Branch("x < 0", -1.0, 0.0)))
        '1.0 if x > 0 else -1.0 if x < 0 else 0.0'
    """
    return tree_code(tree).text


def tree_code(tree: Tree) -> Code:
    if isinstance(tree, _Branch):
        yes, no = tree_code(tree.yes), tree_code(tree.no)
        return Code(f"{_wrap(yes, yes.level == COND)} if {tree.condition} else {no.text}", COND)
    return as_code(tree)


def times(upstream: Code, local: Tree) -> Tree:
    """upstream * local, leaf by leaf; x * 1.0 == x and x * -1.0 == -x exactly."""
    if isinstance(local, _Branch):
        return _either(local.condition, times(upstream, local.yes), times(upstream, local.no))
    if isinstance(local, Code):
        return upstream * local
    if local == 0.0:
        return 0.0  # adds nothing (backward() skips it the same way)
    if local == 1.0:
        return upstream
    if local == -1.0:
        return -upstream
    return upstream * local
