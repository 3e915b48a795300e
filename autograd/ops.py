"""One record per operation: everything the library knows about an op, in one place.

An `Op` holds its forward formula, its domain check, its derivative rule, its
symbol and precedence for drawings, and what the code generator needs. The
formulas are written in arithmetic and the helpers below, which work on floats
and on anything with the same methods: `Value` evaluates them on floats, the
code generator (`autograd.codegen`) on symbolic code, and `autograd.grad` on
Values, so one formula serves all three.

Adding an op is one `define(Op(...))` here (or in your own module) and a method
on `Value` that calls it; backward, `grad`, `compile` and `draw_graph` then know it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

__all__ = [
    "DERIVATIVES",
    "OPS",
    "Constant",
    "Op",
    "define",
    "dot_local_grads",
    "weighted_sum",
    "where",
]


class Constant(float):
    """A number operand whose derivative nobody reads (a plain-number exponent, a node
    that depends on no input). A rule may skip that input's derivative: `x ** 2` at
    x = 1e153 then never computes d/d2 = x**2 * ln x, which overflows."""

    __slots__ = ()


def where(v: Any) -> str:
    """' at node 'h'' for a labelled Value, for the end of an error message."""
    return f" at node '{v.label}'" if v.label else ""


class Op:
    """What the library knows about one operation.

    - `forward(*inputs)`: the result, on floats (and on code, for the generator);
    - `derivative(*inputs, y)`: d(y)/d(input) for each input, in order (the chain
      rule's local factors; published in `DERIVATIVES`);
    - `check(*input_values)`: raises the op's error for inputs outside its domain;
    - `overflow(*input_values)`: the message when the result is too large for a float;
    - `symbol`, `precedence`: how drawings print it (precedence 0: as a function
      call `symbol(x)`; higher binds tighter, e.g. + 1, * 2, unary minus 3, ** 4);
      `right_associative`: a chain groups from the right, `a ** b ** c` is
      `a ** (b ** c)` (drawings and generated code parenthesise by it);
    - `code(*operands)`: the expression the generator writes, when not `forward`;
      `form`: "sum" or "weighted_sum" for the n-ary sums, written as the engine
      sums (in order, in chunks of lines);
    - `silent_overflow`: Python's float arithmetic may give inf or nan without
      raising (the generated code checks its result); `propagates`: an inf or nan
      input always gives an inf or nan result (no check needed after it);
    - `helpers`: the functions the generated code calls by name for it (one of
      math's functions as `forward` is called by its name).

    Example:
        >>> OPS["tanh"].derivative(0.0, 0.0)
        (1.0,)
    """

    __slots__ = (
        "check",
        "code",
        "derivative",
        "form",
        "forward",
        "helpers",
        "name",
        "overflow",
        "precedence",
        "propagates",
        "right_associative",
        "silent_overflow",
        "symbol",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        derivative: Callable[..., tuple[Any, ...]],
        *,
        check: Callable[..., None] | None = None,
        overflow: Callable[..., str] | None = None,
        symbol: str = "",
        precedence: int = 0,
        right_associative: bool = False,
        code: Callable[..., Any] | None = None,
        form: str = "expression",
        silent_overflow: bool = False,
        propagates: bool = False,
    ) -> None:
        self.name = name
        self.forward = forward
        self.derivative = derivative
        self.check = check
        self.overflow = overflow or _overflowed(name, precedence)
        self.symbol = symbol or name
        self.precedence = precedence
        self.right_associative = right_associative
        by_name = _in_math(forward)
        self.code = code or (_called_by_name(forward) if by_name else forward)
        self.helpers: dict[str, Callable[..., Any]] = {forward.__name__: forward} if by_name else {}
        self.form = form
        self.silent_overflow = silent_overflow
        self.propagates = propagates

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"


OPS: dict[str, Op] = {}
# The chain rule's local factors, op by op: what backward(), `grad` and `compile`
# evaluate. Setting an entry changes the rule everywhere.
DERIVATIVES: dict[str, Callable[..., tuple[Any, ...]]] = {}


def define(op: Op) -> Op:
    """Register `op` under its name: Values, drawings and compiled code then know it.

    Example:
        >>> square = define(Op("square", lambda x: x * x, lambda x, y: (2.0 * x,)))
        >>> OPS["square"] is square, DERIVATIVES["square"](3.0, 9.0)
        (True, (6.0,))
        >>> del OPS["square"], DERIVATIVES["square"]
    """
    OPS[op.name] = op
    DERIVATIVES[op.name] = op.derivative
    return op


def _in_math(f: Callable[..., Any]) -> bool:
    return getattr(math, getattr(f, "__name__", ""), None) is f


def _called_by_name(f: Callable[..., Any]) -> Callable[..., Any]:
    """One of math's functions, on code: a call of the generated program's helper of
    that name (math's C function is the fastest forward on floats)."""
    return lambda *xs: next(x for x in xs if not _is_number(x)).call(f.__name__, *xs)


def _overflowed(name: str, precedence: int) -> Callable[..., str]:
    if precedence and name.isascii() and not name.isalpha():  # an infix operator
        return lambda a, b: (
            f"'{name}' overflowed: {a.data!r} {name} {b.data!r} is too large for a float{where(a)}"
        )
    return lambda *xs: (
        f"{name} overflowed: its result for {', '.join(repr(x.data) for x in xs)} is too large "
        f"for a float{where(xs[0])}"
    )


# -- helpers: a plain number goes to math, anything else (a Value, code) to its method --


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


def _exp(x: Any) -> Any:
    return math.exp(x) if _is_number(x) else x.exp()


def _log(x: Any) -> Any:
    return math.log(x) if _is_number(x) else x.log()


def _sin(x: Any) -> Any:
    return math.sin(x) if _is_number(x) else x.sin()


def _cos(x: Any) -> Any:
    return math.cos(x) if _is_number(x) else x.cos()


def _is_zero(x: Any) -> Any:
    return (x.data if hasattr(x, "data") else x) == 0.0  # a Value's == is identity


# -- the arithmetic operators -------------------------------------------------------------


def _divisor_not_zero(a: Any, b: Any) -> None:
    if b.data == 0.0:
        raise ZeroDivisionError(f"division by zero in '/': the divisor{where(b)} is 0.0")


define(
    Op(
        "+",
        operator.add,
        lambda a, b, y: (1.0, 1.0),
        precedence=1,
        silent_overflow=True,
        propagates=True,
    )
)
define(
    Op(
        "-",
        operator.sub,
        lambda a, b, y: (1.0, -1.0),
        symbol="\u2212",
        precedence=1,
        silent_overflow=True,
        propagates=True,
    )
)
define(
    Op(
        "*",
        operator.mul,
        lambda a, b, y: (b, a),
        symbol="\u00d7",
        precedence=2,
        silent_overflow=True,
        propagates=True,
    )
)
define(
    Op(
        "/",
        operator.truediv,
        lambda a, b, y: (1.0 / b, -y / b),
        check=_divisor_not_zero,
        symbol="\u00f7",
        precedence=2,
        silent_overflow=True,
    )
)


def _power_derivative(a: Any, b: Any, y: Any) -> tuple[Any, Any]:
    # a**0 = 1 whatever a is, so d/da is 0 there (as in PyTorch). A Value b (second
    # order) keeps b * a**(b - 1), 0 here too, so that its derivative in b, 1/a, survives.
    if _is_zero(b) and (not hasattr(b, "inputs") or _is_zero(a)):
        d_base: Any = 0.0
    else:
        d_base = b * a ** (b - 1.0)
    d_exponent = 0.0 if isinstance(b, Constant) else y * _log(a) if a > 0 else 0.0
    return d_base, d_exponent


def _power_domain(a: Any, b: Any) -> None:
    if a.data == 0.0 and b.data < 0.0:
        raise ZeroDivisionError(
            f"'**': 0.0 cannot be raised to the negative power {b.data!r}{where(a)}"
        )
    if a.data < 0.0 and not b.data.is_integer():
        raise ValueError(
            f"'**': a negative base to a fractional power is not a real number, "
            f"got {a.data!r} ** {b.data!r}{where(a)}"
        )


def _power_code(a: Any, b: Any) -> Any:
    # A constant integer exponent is Python's `**`, never complex (it raises for 0.0 ** -n
    # and for an overflow); any other goes through `power`, which raises for a < 0.
    if _is_number(b) and float(b).is_integer():
        return a**b
    return (a if not _is_number(a) else b).call("power", a, b)


define(
    Op(
        "**",
        operator.pow,
        _power_derivative,
        check=_power_domain,
        symbol="^",
        precedence=4,
        right_associative=True,
        code=_power_code,
        overflow=lambda a, b: (
            f"'**' overflows: {a.data!r} ** {b.data!r} is larger than a float can hold{where(a)}"
        ),
    )
)
define(
    Op("neg", operator.neg, lambda x, y: (-1.0,), symbol="\u2212x", precedence=3, propagates=True)
)
# At a kink (relu and abs at 0) the derivative is taken as 0.
define(
    Op("abs", abs, lambda x, y: (1.0,) if x > 0 else (-1.0,) if x < 0 else (0.0,), propagates=True)
)


# -- the functions ----------------------------------------------------------------------


def _log_domain(x: Any) -> None:
    if x.data <= 0.0:
        raise ValueError(f"log is undefined for x <= 0, got {x.data!r}{where(x)}")


def _sqrt_domain(x: Any) -> None:
    if x.data < 0.0:
        raise ValueError(f"sqrt is undefined for x < 0, got {x.data!r}{where(x)}")


def _sigmoid(x: Any) -> Any:
    if x >= 0.0:
        return 1.0 / (1.0 + _exp(-x))
    e = _exp(x)  # the same value, written so that exp cannot overflow
    return e / (1.0 + e)


define(
    Op(
        "exp",
        math.exp,
        lambda x, y: (y,),
        overflow=lambda x: (
            f"exp overflows for x = {x.data!r}{where(x)}: exp(x) is too large "
            f"for a float when x > 709.78; scale the input down"
        ),
    )
)
define(Op("log", math.log, lambda x, y: (1.0 / x,), check=_log_domain))
define(Op("sqrt", math.sqrt, lambda x, y: (0.5 / y,), check=_sqrt_domain))
define(Op("tanh", math.tanh, lambda x, y: (1.0 - y * y,)))
define(Op("sigmoid", _sigmoid, lambda x, y: (y * (1.0 - y),)))
# constant tuples: nothing allocated per node
define(Op("relu", lambda x: x if x > 0.0 else 0.0, lambda x, y: (1.0,) if x > 0 else (0.0,)))
define(Op("sin", math.sin, lambda x, y: (_cos(x),)))
define(Op("cos", math.cos, lambda x, y: (-_sin(x),)))


# -- n-ary: total(x1..xn) = x1 + ... + xn;  dot(w1..wn, x1..xn, b) = w1*x1 + ... + wn*xn + b --


def dot_local_grads(w: Any, x: Any) -> tuple[Any, ...]:
    """For inputs (w1..wn, x1..xn, b): d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    return (*x, *w, 1.0)


def _split_dot(wxb: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...], Any]:
    n = (len(wxb) - 1) // 2
    return wxb[:n], wxb[n : 2 * n], wxb[-1]


def _dot_derivative(*wxb_y: Any) -> tuple[Any, ...]:
    w, x, _ = _split_dot(wxb_y[:-1])
    return dot_local_grads(w, x)


def weighted_sum(w: Any, x: Any, b: Any) -> Any:
    """b + w1*x1 + ... + wn*xn, summed as Python's sum() sums (compensated from 3.12)."""
    return sum(map(operator.mul, w, x), b)


define(
    Op(
        "total",
        lambda *xs: sum(xs),
        lambda *xs_y: (1.0,) * (len(xs_y) - 1),
        symbol="Σ",
        form="sum",
        overflow=lambda *xs: "total overflowed: the sum is too large for a float",
        silent_overflow=True,
        propagates=True,
    )
)
define(
    Op(
        "dot",
        lambda *wxb: weighted_sum(*_split_dot(wxb)),
        _dot_derivative,
        symbol="w·x+b",
        form="weighted_sum",
        silent_overflow=True,
        propagates=True,
        overflow=lambda *xs: "dot overflowed: the weighted sum is too large for a float",
    )
)
