"""The scalar engine: `Value`, its derivative rules applied, and the backward pass.

A Value holds one float. Every operation on Values returns a new Value that
remembers its `inputs` and the local derivatives d(out)/d(input) at the point it
was computed (`local_grads`), from its op's record (`autograd.ops`). `backward()`
then applies the chain rule once per edge, walking the graph from the output to
the leaves.

Each node holds plain data (floats and tuples of its inputs), never a closure
that points back at itself, so a graph contains no reference cycles and is freed
by reference counting the moment it is no longer used.

The file reads: values, rules, the backward walk, threading. Its three guards:
- the number gate: every number entering becomes a finite float, or is refused
  with a message saying what to pass (`as_float`, under values);
- the overflow replay: a backward pass whose leaf grads are not all finite is
  replayed step by step to name the node that overflowed (`_raise_if_overflowed`);
- threading: `no_grad` holds per thread, and one lock lets one graph walk run at
  a time (`_graph_lock`, at the end).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import operator
import reprlib
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeAlias, TypeVar, cast, overload

from autograd.ops import DERIVATIVES, OPS, Constant, Op, dot_local_grads, where

Number: TypeAlias = "int | float"
Operand: TypeAlias = "Value | int | float"
F = TypeVar("F", bound=Callable[..., Any])


# -- values --------------------------------------------------------------------------------

_DIV, _POW = OPS["/"], OPS["**"]
_NEG, _ABS, _EXP, _LOG, _SQRT = OPS["neg"], OPS["abs"], OPS["exp"], OPS["log"], OPS["sqrt"]
_TANH, _SIGMOID, _RELU, _SIN, _COS = (
    OPS["tanh"], OPS["sigmoid"], OPS["relu"], OPS["sin"], OPS["cos"]
)  # fmt: skip
_TOTAL, _DOT = OPS["total"], OPS["dot"]


class Value:
    """A scalar that records how it was computed, so its gradient can flow back.

    `==` and hash are by identity, so graph nodes can key sets and dicts; `< <= > >=`
    compare `.data`.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * x + 3 * x
        >>> y.backward()
        >>> y.data, x.grad
        (10.0, 7.0)
    """

    # A dict of slots documents each attribute in help(Value).
    __slots__ = {
        "data": "The number this Value holds (a float).",
        "grad": "d(output)/d(this Value) after `output.backward()`; 0.0 until a pass reaches it.",
        "label": "A name for drawings and messages ('' for none); free to set.",
        "op": "The operation that computed this Value, e.g. '+' or 'tanh' ('' for a leaf).",
        "inputs": "The Values this one was computed from, in order (() for a leaf).",
        "local_grads": "d(this Value)/d(input) for each of `inputs`, at the computed point.",
        "_walk": "The token of the last graph walk that reached this node.",
        "_uses": "During that walk: how many nodes that use this one are not yet listed.",
    }
    # True only for a number that an operation turned into a Value (the 2 in `x * 2`,
    # see `constant`); a Value anyone makes with `Value(...)` is never a constant.
    is_constant: ClassVar[bool] = False
    # numpy defers to our reflected operators (np.float32(2) * v is a Value) and an
    # array operand reaches our type check instead of becoming an array of Values.
    __array_ufunc__ = None

    data: float
    grad: float
    label: str
    op: str
    inputs: tuple[Value, ...]
    local_grads: tuple[float, ...]
    _walk: object
    _uses: int

    def __init__(self, data: Number, label: str = "", _op: object = None) -> None:
        """A leaf holding `data` (any finite real number, stored as a float), named `label`.

        `_op` is there only to catch micrograd's `Value(data, _children, _op)` with a
        message saying what to do: a Value made from others comes from an operation.

        Example:
            >>> Value(3, label="x")
            Value(data=3.0, grad=0.0, label='x')
        """
        self.data = as_float(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str) or _op is not None:
            # micrograd's Value(data, _children) or Value(data, _children, _op)
            if _op is not None or isinstance(label, (tuple, set, list)):
                raise TypeError(
                    "Value(data, label): the second argument is a label; Values made from "
                    "others come from operations (a + b, a * b, a.tanh()), which record "
                    "them as `inputs` (micrograd's `_children`/`_prev`)"
                )
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.label = label
        self.op = ""
        self.inputs = ()
        self.local_grads = ()
        self._walk = None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        """float(v) is `v.data`."""
        return self.data

    def item(self) -> float:
        """The number this Value holds, as a float: the same as `.data` (PyTorch's name).

        Example:
            >>> (Value(2.0) * 3).item()
            6.0
        """
        return self.data

    def __format__(self, spec: str) -> str:
        """f"{v:.3f}" formats `v.data` with the spec; a plain f"{v}" gives repr(v)."""
        return format(self.data, spec) if spec else repr(self)

    def __bool__(self) -> bool:
        """False when `.data` is 0, as for Python's numbers (and PyTorch's scalars)."""
        return self.data != 0.0

    @overload
    def __round__(self, ndigits: None = None) -> int: ...
    @overload
    def __round__(self, ndigits: int) -> float: ...
    def __round__(self, ndigits: int | None = None) -> int | float:
        """round(v) and round(v, n) round the number, as for a float: `round(Value(2.6)) == 3`."""
        return round(self.data, ndigits)

    # -- micrograd's names, as read-only views ----------------------------------------

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for `inputs`, as a set (as micrograd keeps it)."""
        return set(self.inputs)

    @property
    def _op(self) -> str:
        """micrograd's name for `op`: the operation's symbol, '' for a leaf."""
        return self.op

    def _backward(self) -> None:
        """This node's chain rule, once: each input's grad += local derivative * self.grad.

        micrograd's name for one step of `backward()`, which calls it on every node in
        reverse topological order (and zeroes the intermediate grads first); a leaf's
        does nothing.

        Example:
            >>> x = Value(3.0); y = x * x; y.grad = 1.0
            >>> y._backward()
            >>> x.grad
            6.0
        """
        upstream = self.grad or 0.0  # None, PyTorch's "no gradient yet", counts as 0
        for child, local in zip(self.inputs, self.local_grads):
            child.grad = (child.grad or 0.0) + local * upstream

    # -- arithmetic -------------------------------------------------------------

    # + - * compute their record's forward (operator.add ...) inline, and name their
    # record rather than load it: these are the hottest lines of every forward pass.

    def __add__(self, other: Operand) -> Value:
        if not isinstance(other, Value):  # skip a call on the hot path
            other = _operand(other, "+")
        return _binary("+", self, other, self.data + other.data)

    def __radd__(self, other: Operand) -> Value:
        return _operand(other, "+") + self

    def __sub__(self, other: Operand) -> Value:
        other = _operand(other, "-")
        return _binary("-", self, other, self.data - other.data)

    def __rsub__(self, other: Operand) -> Value:
        return _operand(other, "-") - self

    def __mul__(self, other: Operand) -> Value:
        if not isinstance(other, Value):  # skip a call on the hot path
            other = _operand(other, "*")
        return _binary("*", self, other, self.data * other.data)

    def __rmul__(self, other: Operand) -> Value:
        return _operand(other, "*") * self

    def __truediv__(self, other: Operand) -> Value:
        return apply(_DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _operand(other, "/") / self

    def __pow__(self, other: Operand) -> Value:
        if not isinstance(other, Value):  # a constant: its derivative is never read
            return apply(_POW, self, other)
        if self.data < 0.0 and other.data.is_integer() and not (_paused_threads and _mode.depth):
            raise ValueError(
                f"'**': with a Value exponent the base must be > 0, because "
                f"d(a**b)/db = a**b * ln(a); got base {self.data!r}{where(self)}. "
                f"Use a plain number as the exponent if it is a constant."
            )
        return apply(_POW, self, other)

    def __rpow__(self, other: Operand) -> Value:
        return _operand(other, "**") ** self

    def __pos__(self) -> Value:
        return self

    def __neg__(self) -> Value:
        return _unary(_NEG, self)

    def __abs__(self) -> Value:
        return _unary(_ABS, self)

    # -- functions ----------------------------------------------------------------

    def exp(self) -> Value:
        """e ** self. Example: `Value(0.0).exp().data == 1.0`."""
        return _unary(_EXP, self)

    def log(self) -> Value:
        """The natural logarithm. Example: `Value(1.0).log().data == 0.0`."""
        return _unary(_LOG, self)

    def sqrt(self) -> Value:
        """The square root. Example: `Value(9.0).sqrt().data == 3.0`."""
        return _unary(_SQRT, self)

    def tanh(self) -> Value:
        """The hyperbolic tangent. Example: `Value(0.0).tanh().data == 0.0`."""
        return _unary(_TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x). Example: `Value(0.0).sigmoid().data == 0.5`."""
        return _unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x). Example: `Value(-2.0).relu().data == 0.0`."""
        return _unary(_RELU, self)

    def sin(self) -> Value:
        """The sine (radians). Example: `Value(0.0).sin().data == 0.0`."""
        return _unary(_SIN, self)

    def cos(self) -> Value:
        """The cosine (radians). Example: `Value(0.0).cos().data == 1.0`."""
        return _unary(_COS, self)

    # -- comparisons (on .data; == and hash stay by identity) ---------------------

    # An int is compared exactly, as Python compares a float with an int, so that
    # `Value(1e308) < 10**400` is True rather than an overflow.

    def __lt__(self, other: Operand) -> bool:
        return self.data < _compared(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(other, ">=")

    # -- reverse mode ---------------------------------------------------------------

    def backward(self, grad: Number = 1.0) -> None:
        """Fill `.grad` of every node this Value depends on with d(self)/d(node).

        Leaves accumulate across calls (call the model's or the optimizer's
        `zero_grad()`, or set `.grad = 0.0`, to start over; a grad set to None counts
        as 0.0, as PyTorch's habit has it); every intermediate node is recomputed from
        zero, so a second call gives the leaves exactly twice the gradient. If a gradient overflows
        (is too large for a float), raises OverflowError naming the node, with
        every leaf's grad left as it was: never a silent inf or nan. Passes in
        several threads may share nodes; each adds its full share to the leaves.

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward()
            >>> x.grad
            6.0
        """
        seed = as_float(grad, "backward's grad")
        with _graph_lock:
            leaves, before = _backpropagate(self, seed)
            # An overflow anywhere reaches at least one leaf as inf or nan (inf * 0):
            # one sum over the leaves finds it. The sum of finite grads may overflow
            # too; the replay then finds nothing wrong and the call returns normally.
            check = sum([leaf.grad for leaf in leaves])
            if check - check != 0.0:
                _raise_if_overflowed(self, seed, leaves, before)


# the number gate


def as_float(x: object, who: str) -> float:
    """The one gate for numbers: any finite real number (numbers.Real: int, float,
    Fraction, numpy's scalars...) becomes a float; `who` starts the error message.

    A bool is refused (True is not a measurement), and so is an array or a list,
    with a hint to pass its numbers one at a time.
    """
    if type(x) is not float:
        if type(x) is not int and (isinstance(x, bool) or not isinstance(x, numbers.Real)):
            raise TypeError(f"{who}: expected a real number (an int or a float), {_got(x)}")
        try:
            f = float(x)  # type: ignore[arg-type, unused-ignore]
        except OverflowError:
            f = math.inf
        if f - f != 0.0 and cast(Any, x) - x == 0:  # finite, but not as a float (10**400)
            raise ValueError(f"{who}: {_short_repr(x)} is too large for a float")
        x = f
    if x - x != 0.0:  # inf or nan
        raise ValueError(f"{who}: expected a finite number, got {x!r}")
    return x  # type: ignore[return-value, unused-ignore]


def _got(x: object) -> str:
    """'got <type> <value>' for an error message, with a hint for the usual mistakes."""
    got = f"got {type(x).__name__} {_short_repr(x)}"
    if isinstance(x, bool) or type(x).__name__ in ("bool_", "bool"):  # numpy's too
        number = 1.0 if x else 0.0
        return got + f"; a bool is not a measurement: write {number} (or float(x)) for the number"
    if isinstance(x, str):
        return got + "; convert it first, e.g. float(s)"
    if hasattr(x, "tolist") and not isinstance(x, numbers.Number):  # a numpy array
        return got + ", an array: convert it with .tolist() and use its numbers one by one"
    if isinstance(x, (list, tuple)):
        return got + ": use its numbers one by one"
    if isinstance(x, numbers.Number) and not isinstance(x, numbers.Complex):  # Decimal
        return got + "; convert it with float() first"
    return got


def _short_repr(x: object) -> str:
    """repr(x), kept short (and shallow: reprlib): a huge int as its number of digits."""
    if isinstance(x, int) and x.bit_length() > 200:
        return f"(an int of about {int(x.bit_length() * math.log10(2)) + 1} digits)"
    return _reprlib.repr(x)


_reprlib = reprlib.Repr()
_reprlib.maxstring = _reprlib.maxother = 60


def _operand(x: object, op: str) -> Value:
    if isinstance(x, Value):
        return x
    if type(x) is float and x - x == 0.0:  # the usual case, without formatting a message
        return constant(x)
    return constant(as_float(x, f"unsupported operand for '{op}'"))


def _compared(x: object, op: str) -> float | int:
    """What `.data` is compared with: an integer as a Python int (compared exactly,
    whatever its size), any other real number as a float (+-inf if too large)."""
    if isinstance(x, Value):
        return x.data
    if type(x) is int:
        return x
    who = f"'{op}' compares a Value with a number"
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}: expected a real number (an int or a float), {_got(x)}")
    if isinstance(x, numbers.Integral):
        return int(x)  # numpy's integers too
    try:
        f = float(x)
    except OverflowError:
        f = math.inf if cast(Any, x) > 0 else -math.inf
    if f != f:
        raise ValueError(f"{who}: cannot compare with nan (every comparison with nan is False)")
    return f


_new_value = Value.__new__


def _node(op: str, inputs: tuple[Value, ...], data: float, local_grads: tuple[Any, ...]) -> Value:
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = op
    out.inputs = inputs
    out.local_grads = local_grads
    out._walk = None
    return out


def _leaf(data: float) -> Value:
    return _node("", (), data, ())


class _Constant(Value):
    """A number that an operation turned into a Value: drawn as its number, without a grad."""

    __slots__ = ()
    is_constant = True


def constant(data: float) -> Value:
    """A number in the graph as a constant Value (drawn as its number, without a grad),
    as an operation makes of the 2 in `x * 2`. `data` must already be a finite float.

    Example:
        >>> constant(2.0).is_constant, Value(2.0).is_constant
        (True, False)
    """
    out = _new_value(_Constant)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = ""
    out.inputs = ()
    out.local_grads = ()
    out._walk = None
    return out


# -- rules: an op's record applied, and the fused sums -------------------------------------


def _unary(op: Op, x: Value) -> Value:
    """`op` applied to `x`: its domain check, its forward on floats, its local derivative."""
    if op.check is not None:
        op.check(x)
    data = x.data
    try:
        y = op.forward(data)
    except OverflowError:
        y = math.inf
    if y - y != 0.0:  # inf or nan: only an overflow gets here, as inputs are finite
        raise OverflowError(op.overflow(x))
    if _paused_threads and _mode.depth:
        return _leaf(y)
    name = op.name
    try:
        local = DERIVATIVES[name](data, y)
    except (ZeroDivisionError, OverflowError):
        raise ValueError(
            f"{name} has no finite derivative at x = {data!r}{where(x)}; "
            f"keep the input away from it, e.g. add a small epsilon"
        ) from None
    out = _new_value(Value)  # _node's body, written out: every activation comes here
    out.data = y
    out.grad = 0.0
    out.label = ""
    out.op = name
    out.inputs = (x,)
    out.local_grads = local
    out._walk = None
    return out


def _binary(name: str, a: Value, b: Value, y: float) -> Value:
    """The node for the op `name` on `a` and `b`, whose result is `y`. (The op's name,
    not its record: the record is read only on the way to an error.)"""
    if y - y != 0.0:  # inf or nan: only an overflow gets here, as inputs are finite
        raise OverflowError(OPS[name].overflow(a, b))
    if _paused_threads and _mode.depth:
        return _leaf(y)
    try:
        local = DERIVATIVES[name](a.data, b.data, y)
    except (ZeroDivisionError, OverflowError):
        raise ValueError(
            f"'{name}' has no finite derivative at {a.data!r} {name} {b.data!r}{where(a)}; "
            f"keep the input away from it, e.g. add a small epsilon"
        ) from None
    # _node's body, written out: this is the hottest path of every forward pass
    out = _new_value(Value)
    out.data = y
    out.grad = 0.0
    out.label = ""
    out.op = name
    out.inputs = (a, b)
    out.local_grads = local
    out._walk = None
    return out


def apply(op: Op, *inputs: Operand) -> Value:
    """`op` (a record of `autograd.ops`) applied to one or two inputs: what a Value
    method does. A new op needs only its record and a method that calls this. The
    rule sees a second input that is a constant (a number) as a `Constant`.

    Example:
        >>> from autograd.ops import OPS
        >>> apply(OPS["*"], Value(3.0), 2).data
        6.0
    """
    if len(inputs) == 1:
        return _unary(op, _operand(inputs[0], op.name))
    if len(inputs) != 2:
        raise TypeError(f"apply: {op!r} takes one or two inputs here, got {len(inputs)}")
    a, b = (_operand(v, op.name) for v in inputs)
    if b.is_constant and type(b.data) is float:  # made here from a number: the rule may
        b.data = Constant(b.data)  # skip its derivative (see autograd.ops.Constant)
    if op.check is not None:
        op.check(a, b)
    try:
        y = op.forward(a.data, b.data)
    except OverflowError:
        y = math.inf
    return _binary(op.name, a, b, y)


def total(values: Sequence[Operand]) -> Value:
    """The sum of many Values as one node (one op, one backward loop), not a chain of `+`.

    Example:
        >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
        >>> s = total(xs)
        >>> s.backward()
        >>> s.data, [x.grad for x in xs], len(s.inputs)
        (6.0, [1.0, 1.0, 1.0], 3)
    """
    inputs = tuple(_operand(v, "total") for v in values)
    if not inputs:
        raise ValueError("total needs at least one value to add")
    data = [v.data for v in inputs]
    y = _TOTAL.forward(*data)
    if y - y != 0.0:
        raise OverflowError(_TOTAL.overflow(*inputs))
    if _paused_threads and _mode.depth:
        return _leaf(y)
    return _node("total", inputs, y, DERIVATIVES["total"](*data, y))


def dot(weights: Sequence[Value], inputs: Sequence[Operand], bias: Operand = 0.0) -> Value:
    """w1*x1 + ... + wn*xn + b as one node: what a neuron computes before its activation.

    The graph gets one node with 2n + 1 inputs instead of 2n nodes, and backward
    runs one loop over them; the gradients are those of the written-out sum.

    Example:
        >>> w = [Value(2.0), Value(-1.0)]; x = [Value(3.0), Value(4.0)]; b = Value(0.5)
        >>> z = dot(w, x, b)
        >>> z.backward()
        >>> z.data, [wi.grad for wi in w], [xi.grad for xi in x], b.grad
        (2.5, [3.0, 4.0], [2.0, -1.0], 1.0)
    """
    ws = [_operand(v, "dot") for v in weights]
    xs = [_operand(v, "dot") for v in inputs]
    if len(ws) != len(xs):
        raise ValueError(f"dot needs as many weights as inputs, got {len(ws)} and {len(xs)}")
    if not ws:
        raise ValueError("dot needs at least one weight and input")
    return dot_values(ws, xs, _operand(bias, "dot"))


def dot_values(ws: Sequence[Value], xs: Sequence[Value], b: Value) -> Value:
    """`dot` for arguments already known to be Values of matching lengths (nn's neurons,
    which check their inputs once per call).

    Example:
        >>> dot_values([Value(2.0)], [Value(3.0)], Value(1.0)).data
        7.0
    """
    w_data = [w.data for w in ws]
    x_data = [x.data for x in xs]
    y = sum(map(operator.mul, w_data, x_data), b.data)  # weighted_sum, inline: every neuron
    if y - y != 0.0:
        raise OverflowError(_DOT.overflow())
    if _paused_threads and _mode.depth:
        return _leaf(y)
    return _node("dot", (*ws, *xs, b), y, dot_local_grads(w_data, x_data))


# -- the backward walk ---------------------------------------------------------------------


def _backpropagate(root: Value, seed: float) -> tuple[list[Value], list[float]]:
    """The chain rule over the graph below `root`: the walk of `computed_nodes`,
    with each node's gradient passed on to its inputs as soon as the node is
    released, which is when every node that uses it has passed its share on.

    Returns the leaves reached and their grads from before the pass.
    """
    walk = object()
    root._walk = walk
    root._uses = 0
    leaves: list[Value] = []
    if not root.inputs:
        leaves.append(root)
    stack = [root] if root.inputs else []
    while stack:  # count each computed node's uses, zero its grad, collect the leaves
        for child in stack.pop().inputs:
            if child.inputs:
                if child._walk is walk:
                    child._uses += 1
                else:
                    child._walk = walk
                    child._uses = 1
                    child.grad = 0.0
                    stack.append(child)
            elif child._walk is not walk:
                child._walk = walk
                leaves.append(child)
    before = [leaf.grad for leaf in leaves]
    if None in before:  # `p.grad = None`, PyTorch's "no gradient yet"
        for leaf in leaves:
            if leaf.grad is None:
                leaf.grad = 0.0
    if root.inputs:
        root.grad = 0.0
    root.grad += seed
    ready = [root] if root.inputs else []
    while ready:
        node = ready.pop()
        upstream = node.grad
        if upstream:  # a zero upstream gradient adds exactly nothing
            for child, local in zip(node.inputs, node.local_grads):
                child.grad += local * upstream
                if child.inputs:
                    child._uses -= 1
                    if not child._uses:
                        ready.append(child)
        else:
            for child in node.inputs:
                if child.inputs:
                    child._uses -= 1
                    if not child._uses:
                        ready.append(child)
    return leaves, before


def _raise_if_overflowed(
    root: Value, seed: float, leaves: list[Value], before: list[float]
) -> None:
    """Replay a backward pass whose leaf grads are not all finite, checking every step,
    and raise OverflowError naming the first gradient that stopped being finite.
    The leaves' grads are put back as they were before the pass."""

    def fail(node: Value, how: str) -> None:
        for leaf, g in zip(leaves, before):
            leaf.grad = g
        raise OverflowError(
            f"backward: the gradient of {_which_node(node)} overflowed: {how}. "
            "The leaves' grads are left as they were; scale the loss or the inputs down"
        )

    order = computed_nodes(root)  # the same order _backpropagate releases nodes in
    for leaf, g in zip(leaves, before):
        leaf.grad = g
    for node in order:
        node.grad = 0.0
    root.grad += seed
    if not math.isfinite(root.grad):
        fail(root, f"{root.grad - seed!r} + the seed {seed!r} is not finite")
    for node in reversed(order):
        upstream = node.grad
        if upstream:
            for child, local in zip(node.inputs, node.local_grads):
                g = child.grad + local * upstream
                if not math.isfinite(g):
                    fail(
                        child,
                        f"{child.grad!r} + {local!r} * {upstream!r} (from the '{node.op}' node"
                        f"{where(node)} that uses it) is {g!r}",
                    )
                child.grad = g


def _which_node(v: Value) -> str:
    if v.label:
        return f"node '{v.label}'"
    return f"the '{v.op}' node with data {v.data!r}" if v.op else f"a leaf with data {v.data!r}"


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each listed after all of its inputs.

    Example:
        >>> x = Value(1.0); y = x * 2; z = y + x
        >>> [n.op for n in topological_order(z)]
        ['', '', '*', '+']
    """
    leaves: list[Value] = []
    with _graph_lock:
        order = computed_nodes(root, leaves)
    return leaves + order  # leaves depend on nothing, so they may all come first


def computed_nodes(root: Value, leaves: list[Value] | None = None) -> list[Value]:
    """The computed (non-leaf) nodes below `root`, each after all of its inputs.

    Iterative, so any depth works: first count how many times each node is used
    as an input, then release a node once every node that uses it has been
    listed. Leaves need no count (nothing waits for them): they are only
    collected, into `leaves`, if it is given. The counts live on the nodes (a
    dict would do, but this walk is half of backward's time and slot access is
    faster than hashing), tagged with a token unique to this walk so that counts
    left by an interrupted walk never matter.
    """
    walk = object()
    root._walk = walk
    root._uses = 0
    if not root.inputs:
        if leaves is not None:
            leaves.append(root)
        return []
    stack = [root]
    while stack:
        for child in stack.pop().inputs:
            if child.inputs:
                if child._walk is walk:
                    child._uses += 1
                else:
                    child._walk = walk
                    child._uses = 1
                    stack.append(child)
            elif leaves is not None and child._walk is not walk:
                child._walk = walk
                leaves.append(child)
    order = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for child in node.inputs:
            if child.inputs:
                child._uses -= 1
                if not child._uses:
                    ready.append(child)
    order.reverse()
    return order


# -- threading: no_grad holds per thread ---------------------------------------------------


class _GradMode(threading.local):
    depth = 0  # how many `no_grad` blocks this thread is inside (0 in a new thread)


_mode = _GradMode()
# How many threads are inside a no_grad block right now. While it is 0 (nearly
# always) the hot path skips the slower thread-local lookup: `_paused_threads and
# _mode.depth` costs one global read, as a single module-wide flag would.
_paused_threads = 0
_mode_lock = threading.Lock()  # guards _paused_threads
# One graph walk at a time: walks tag the nodes they reach (see computed_nodes), and
# backward's `+=` into shared leaves must not interleave with another thread's.
_graph_lock = threading.Lock()


class _NoGrad:
    """What `no_grad()` returns: a context manager, and a decorator."""

    def __enter__(self) -> None:
        global _paused_threads
        if not _mode.depth:
            with _mode_lock:
                _paused_threads += 1
        _mode.depth += 1

    def __exit__(self, *exc_info: object) -> None:
        global _paused_threads
        if _mode.depth:  # 0 only if a block entered in another thread ends in this one
            _mode.depth -= 1
            if not _mode.depth:
                with _mode_lock:
                    _paused_threads -= 1

    def __call__(self, fn: F) -> F:
        if not callable(fn):
            raise TypeError(f"no_grad decorates a function, got {type(fn).__name__}")
        if inspect.isgeneratorfunction(fn) or inspect.iscoroutinefunction(fn):
            raise TypeError(
                f"no_grad cannot decorate {fn.__name__!r}: it runs in pieces (a generator "
                "or a coroutine); write `with no_grad():` inside it instead"
            )

        @functools.wraps(fn)
        def without_recording(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return cast(F, without_recording)


@overload
def no_grad() -> _NoGrad: ...
@overload
def no_grad(fn: F) -> F: ...
def no_grad(fn: F | None = None) -> _NoGrad | F:
    """Compute without recording a graph: results are leaves, nothing to backprop.

    Use it as `with no_grad():`, or as a decorator, `@no_grad` or `@no_grad()`.
    It holds for the current thread only (as in PyTorch): other threads go on
    recording. Blocks nest.

    Example:
        >>> with no_grad():
        ...     y = Value(2.0) * 3
        >>> y.inputs
        ()
        >>> @no_grad
        ... def predict(x):
        ...     return x * 3
        >>> predict(Value(2.0)).inputs
        ()
    """
    return _NoGrad() if fn is None else _NoGrad()(fn)


__all__ = [
    "DERIVATIVES",
    "Number",
    "Operand",
    "Value",
    "apply",
    "as_float",
    "computed_nodes",
    "constant",
    "dot",
    "dot_values",
    "no_grad",
    "topological_order",
    "total",
]
