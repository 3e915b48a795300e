"""Training steps compiled to straight-line Python: what `fit(..., compile=True)` runs.

`CompiledStep(model, loss, X, y)` traces the model on one example and the loss on
a few, and writes one Python function per batch size that runs a whole
mini-batch: for each example, the model's forward pass and the example's term of
the loss; then the batch's loss from the terms; then the backward pass, example
by example, with the parameters and their gradients held in local variables
throughout. Every derivative comes from `DERIVATIVES`, through the code generator
of `autograd.compile`.

The loss and the gradients are the graph path's bit for bit: the same operations
on the same floats, each gradient summed in the order `backward()` walks the
batch's graph. The first batch of each size is also run on the graph path and
compared, unless the loss is one of `nn`'s (those are tested bit for bit).

How the loss splits into one term per example and a reduction of the terms, nn's
losses say in their records (`LossKind.terms` and `.reduce`): the step traces
those. For a loss of your own the split is found in traces of the whole loss on
probe predictions, by the terms' structure.

What a trace cannot follow is refused with an error that says to use
`compile=False`:

- a model whose graph changes with its inputs' values (Python control flow);
- a loss that does not split into one term per example, combined by operations on
  the terms (a sum, a mean, plus anything on the parameters such as an L2 penalty);
- a loss whose graph for one example changes with the predictions' values
  (`binary_cross_entropy` clamps probabilities that saturate).

Targets may change an example's graph (a class index picks its logit): the step
then holds one version of the loss's code per distinct target; if they only enter
as numbers (regression, ±1 labels), one version reads the target as a number.
A number the loss computes in Python from the predictions' values is followed
when it is one of them or their maximum (the shift of a stable log-sum-exp), and
is then computed per example, not frozen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from autograd import Value, total
from autograd.codegen import (
    Code,
    Codegen,
    Names,
    build_function,
    checked_nodes,
    listing,
    sum_lines,
)
from autograd.engine import computed_nodes
from nn.collector import cycle_collector_paused
from nn.losses import LossKind
from nn.module import Module

MAX_VERSIONS = 64  # distinct targets that may each get their own version of the loss code

_RESERVED = {
    "rows",
    "targets",
    "variants",
    "params",
    "check",
    "terms",
    "saved",
    "outputs",
    "term",
    "term_saved",
    "grad_terms",
    "grad_term",
    "variant",
    "t",
    "r",
    "loss",
    "step",
    "grads",
    "k",
}


_Split: TypeAlias = tuple[Callable[[Any, Any], list[Value]], Callable[[list[Value]], Value]]


class NotCompilable(ValueError):
    """The model or the loss does something a trace cannot follow: use compile=False."""


def _refuse(what: str) -> NotCompilable:
    return NotCompilable(f"compile=True cannot compile this: {what}; train with compile=False")


class _Interner:
    """Small ints for structural signatures, so two graphs compare as sequences of ints."""

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, ...], int] = {}

    def __call__(self, key: tuple[Any, ...]) -> int:
        return self.ids.setdefault(key, len(self.ids))


class _ModelTrace:
    """The model's graph for one example, with its nodes in a fixed (topological) order."""

    def __init__(self, model: Module, row: Sequence[float], param_index: dict[Value, int]):
        self.inputs = [Value(v, label=f"x{i}") for i, v in enumerate(row, start=1)]
        out = model(self.inputs)
        self.single = isinstance(out, Value)
        outputs = [out] if isinstance(out, Value) else out
        if not isinstance(outputs, (list, tuple)) or not outputs:
            raise _refuse("the model must return a Value or a list of Values")
        if not all(isinstance(o, Value) and o.inputs for o in outputs):
            raise _refuse("the model's outputs must be Values computed from its inputs")
        self.outputs: list[Value] = list(outputs)
        self.nodes: list[Value] = computed_nodes(total(self.outputs))[:-1]  # one walk for all
        self.index = {node: i for i, node in enumerate(self.nodes)}
        used_inside = {v for node in self.nodes for v in node.inputs}
        if any(o in used_inside for o in self.outputs):
            raise _refuse("an output of the model is also used inside it")
        self.varying: set[Value] = set(self.inputs) | {p for p in param_index}
        self.graded: set[Value] = set(param_index)  # nodes that depend on a parameter
        for node in self.nodes:
            if any(v in self.varying for v in node.inputs):
                self.varying.add(node)
            if any(v in self.graded for v in node.inputs):
                self.graded.add(node)
        x_index = {x: i for i, x in enumerate(self.inputs)}

        def ref(v: Value) -> tuple[Any, ...]:
            if v in self.index:
                return ("node", self.index[v])
            if v in x_index:
                return ("input", x_index[v])
            if v in param_index:
                return ("param", param_index[v])
            return ("constant", v.data)

        self.signature = (
            *((n.op, tuple(map(ref, n.inputs))) for n in self.nodes),
            tuple(map(ref, self.outputs)),
        )


class _Term:
    """One example's term of the loss, traced in a batch of three examples with the
    same target: probes before and after, the model's real outputs in the middle
    (bit 1, 4 and 2 of a node's `mask`: which examples it depends on). A loss with a
    record gives the three terms itself; for another, they are found in its graph."""

    def __init__(
        self,
        loss: Callable[..., Any],
        split: _Split | None,
        model: _ModelTrace,
        target: Any,
        param_index: dict[Value, int],
        intern: _Interner,
    ) -> None:
        self.target = target
        self.model = model
        outs = model.outputs
        k = len(outs)
        data = [o.data for o in outs]
        # Rotated and shifted copies of the real outputs: realistic values, but each
        # output's value and the position of the largest differ between the three.
        probe_a = [Value(data[(j + 1) % k] + 0.25) for j in range(k)]
        probe_c = [Value(data[(j + 2) % k] - 0.5) for j in range(k)]
        self.rows = rows = [probe_a, outs, probe_c]
        batch = [_pack(r, model.single) for r in rows]
        root: Value | None = None
        if split is not None:  # the loss gives the three terms
            terms = split[0](batch, [target] * 3)
            order = [node for term in terms for node in computed_nodes(term)]
        else:  # they are found in its graph, below
            terms, root = [], _loss_value(loss(batch, [target] * 3))
            order = computed_nodes(root)
        self.model_nodes = model_nodes = set(model.nodes)
        self.mask = mask = {p: 1 for p in probe_a} | {p: 4 for p in probe_c}
        mask.update((node, 2) for node in model_nodes)
        self.depends_on_params = set(param_index)
        for node in order:
            if node not in model_nodes:
                mask[node] = _union(mask.get(v, 0) for v in node.inputs)
                if any(v in self.depends_on_params for v in node.inputs):
                    self.depends_on_params.add(node)
        loss_nodes = [n for n in order if n not in model_nodes]
        signature = _signatures(
            loss_nodes, mask, self.rows, param_index, self.depends_on_params, intern
        )
        if root is not None:
            terms = self._find_terms(loss_nodes, root, signature)
        self.root = terms[1]
        self.signature = signature[self.root]
        if any(signature.get(term) != self.signature for term in terms):
            raise _refuse("the loss's graph for one example changes with the predictions' values")
        walks = [
            [n for n in reversed(computed_nodes(r)) if mask.get(n) == m and n not in model_nodes]
            for r, m in zip(terms, (1, 2, 4))
        ]
        self.nodes = walks[1]  # backward order
        self._check_reach()
        self.model_order = tuple(
            model.index[n] for n in reversed(computed_nodes(self.root)) if n in model_nodes
        )
        self._find_computed(walks)
        self.target_code: dict[Value, Code] = {}  # constants that are the target, as `t`

    def _find_terms(
        self, loss_nodes: list[Value], root: Value, signature: dict[Value, int]
    ) -> list[Value]:
        """The three examples' terms in a loss of your own's graph.

        The middle example's term is the one node of it that the rest uses; the
        others' are found by structure (the first example of a left fold also owns
        the fold's first `0 + term`)."""
        mask = self.mask
        middle = _term_root(loss_nodes, root, mask, 2, self.model_nodes)
        roots = [
            _only(
                [n for n in loss_nodes if mask[n] == m and signature.get(n) == signature[middle]],
                "the loss's graph for one example changes with the predictions' values",
            )
            for m in (1, 4)
        ]
        return [roots[0], middle, roots[1]]

    def _check_reach(self) -> None:
        for node in self.nodes:
            for v in node.inputs:
                if v in self.model_nodes and v not in self.model.outputs:
                    raise _refuse("the loss reaches inside the model beyond its outputs")
                if v in self.depends_on_params and self.mask.get(v, 0) == 0:
                    raise _refuse("an example's term of the loss uses the parameters directly")

    def _find_computed(self, walks: list[list[Value]]) -> None:
        """Constants of the three terms, position by position: where they differ, they
        were computed from the predictions' values (their maximum, or one of them)."""

        def constants(walk: list[Value]) -> list[Value]:
            return [
                v
                for node in walk
                for v in node.inputs
                if self.mask.get(v, 0) == 0 and v not in self.depends_on_params
            ]

        self.constants = constants(walks[1])
        values = list(zip(*map(constants, walks)))
        self.computed: dict[Value, tuple[str, int]] = {}  # constant -> ("max", 0) | ("output", j)
        for v, (a, b, c) in zip(self.constants, values):
            seen = [(a.data, self.rows[0]), (b.data, self.rows[1]), (c.data, self.rows[2])]
            if repr(a.data) == repr(b.data) == repr(c.data):
                continue
            if all(x == max(o.data for o in row) for x, row in seen):
                self.computed[v] = ("max", 0)
                continue
            same = [
                j
                for j in range(len(self.model.outputs))
                if all(x == row[j].data for x, row in seen)
            ]
            if not same:
                raise _refuse(
                    "the loss computes a number from the predictions' values outside "
                    "the graph, and it is neither one of them nor their maximum"
                )
            self.computed[v] = ("output", same[0])
        self.values = [b.data for _, b, _ in values]  # at the middle example


def _loss_value(root: Any) -> Value:
    if not isinstance(root, Value):
        raise _refuse(f"the loss must return a Value, got {type(root).__name__}")
    return root


def _only(nodes: list[Value], problem: str) -> Value:
    if len(nodes) != 1:
        raise _refuse(problem)
    return nodes[0]


def _pack(values: list[Value], single: bool) -> Any:
    return values[0] if single else values


def _union(masks: Any) -> int:
    m = 0
    for x in masks:
        m |= x
    return m


def _signatures(
    nodes: list[Value],
    mask: dict[Value, int],
    rows: list[list[Value]],
    param_index: dict[Value, int],
    depends_on_params: set[Value],
    intern: _Interner,
) -> dict[Value, int]:
    """A structural signature for each node that belongs to one example alone: its op
    and its inputs' signatures, a prediction counting as its position, a constant as
    just a constant. Two examples' terms match when their roots' signatures do."""
    output_position = {v: j for row in rows for j, v in enumerate(row)}
    signature: dict[Value, int] = {}
    for node in nodes:  # topological
        m = mask.get(node, 0)
        if m == 0 or m & (m - 1):  # not one example's alone
            continue
        key = []
        for v in node.inputs:
            if v in signature:
                key.append(signature[v])
            elif v in output_position:
                key.append(intern(("output", output_position[v])))
            elif v in param_index:
                key.append(intern(("param", param_index[v])))
            elif mask.get(v, 0) == 0 and v not in depends_on_params:
                key.append(intern(("constant",)))
            else:
                key.append(intern(("other", id(v))))
        signature[node] = intern((node.op, *key))
    return signature


def _term_root(
    nodes: list[Value], root: Value, mask: dict[Value, int], row: int, model_nodes: set[Value]
) -> Value:
    """The one node of this example's term that the rest of the loss uses."""
    mine = {n for n in nodes if mask[n] == row and n not in model_nodes}
    used_elsewhere = {v for n in nodes if n not in mine for v in n.inputs if v in mine}
    if root in mine:
        used_elsewhere.add(root)
    if len(used_elsewhere) != 1:
        raise _refuse("the loss does not split into one term per example")
    (term,) = used_elsewhere
    return term


class _Reduction:
    """How a batch of n examples combines its terms into the loss, traced on probes:
    the loss's record gives the terms and their reduction; for a loss of your own,
    each term is found in the graph by its target's term's signature."""

    def __init__(self, step: CompiledStep, targets: list[Any], shift: float) -> None:
        n = len(targets)
        base = [o.data for o in step._canonical.outputs]
        probes = [
            [Value(x + shift * (r + 1)) for x in base[r % len(base) :] + base[: r % len(base)]]
            for r in range(n)
        ]
        batch = [_pack(p, step._canonical.single) for p in probes]
        if step._split is not None:
            terms, reduce = step._split
            self.term_roots: list[Value] = terms(batch, targets)
            root = reduce(self.term_roots)
        else:
            root = _loss_value(step.loss(batch, targets))
        order = computed_nodes(root)
        mask: dict[Value, int] = {v: 1 << r for r, row in enumerate(probes) for v in row}
        depends_on_params = set(step._param_index)
        for node in order:
            mask[node] = _union(mask.get(v, 0) for v in node.inputs)
            if any(v in depends_on_params for v in node.inputs):
                depends_on_params.add(node)
        if step._split is None:
            signature = _signatures(
                order, mask, probes, step._param_index, depends_on_params, step._intern
            )
            self.term_roots = self._find_terms(step, targets, order, mask, signature)
        in_terms = {
            n
            for r, term in enumerate(self.term_roots)
            for n in computed_nodes(term)
            if mask[n] == 1 << r
        }
        self.nodes = [n for n in order if n not in in_terms and (mask[n] or n in depends_on_params)]
        mine, roots = set(self.nodes), set(self.term_roots)
        for node in self.nodes:
            for v in node.inputs:
                if (mask.get(v, 0) or v in depends_on_params) and not (
                    v in mine or v in roots or v in step._param_index
                ):
                    raise _refuse("the loss combines more than one number per example")
        self.root = root
        self.params = step.params
        self._order_backward(step, order, in_terms)

    def _find_terms(
        self,
        step: CompiledStep,
        targets: list[Any],
        order: list[Value],
        mask: dict[Value, int],
        signature: dict[Value, int],
    ) -> list[Value]:
        """Each example's term root: the node whose signature is its target's term's."""
        by_row_signature: dict[tuple[int, int], list[Value]] = {}
        for node in order:
            if node in signature:
                by_row_signature.setdefault((mask[node], signature[node]), []).append(node)
        term_roots = []
        for r, target in enumerate(targets):
            term = step._term_for(target)
            found = by_row_signature.get((1 << r, term.signature), [])
            if len(found) != 1:
                raise _refuse("the loss does not split into one term per example")
            term_roots.append(found[0])
        return term_roots

    def _order_backward(self, step: CompiledStep, order: list[Value], in_terms: set[Value]) -> None:
        """The order backward() meets the examples in, the combining nodes it passes
        before and after them, and the signature of the whole combination."""
        index = {v: i for i, v in enumerate(self.nodes)}
        term_index = {v: r for r, v in enumerate(self.term_roots)}

        def ref(v: Value) -> tuple[Any, ...]:
            if v in index:
                return ("node", index[v])
            if v in term_index:
                return ("term", term_index[v])
            if v in step._param_index:
                return ("param", step._param_index[v])
            return ("constant", v.data)

        shape: list[Any] = [(v.op, tuple(map(ref, v.inputs))) for v in self.nodes]
        # The backward walk meets the examples one after another (each as one block);
        # combining nodes that reach the parameters must come all before or all after.
        position = {x: i for i, x in enumerate(reversed(order))}
        self.row_order = sorted(
            range(len(self.term_roots)), key=lambda r: position[self.term_roots[r]]
        )
        first = min(position[t] for t in self.term_roots)
        last = max(position[x] for x in in_terms)
        self.before = [x for x in reversed(self.nodes) if position[x] < last]
        self.after = [x for x in reversed(self.nodes) if position[x] > last]
        for x in self.before:
            if position[x] > first and any(v in step._param_index for v in x.inputs):
                raise _refuse("the loss uses the parameters between the examples' terms")
        self.signature = (*shape, ref(self.root), tuple(self.row_order), len(self.before))


class CompiledLoss(Value):
    """A batch loss computed by a `CompiledStep`: `.data` is the loss, and `backward()`
    adds the gradient the step already computed to each parameter's `.grad`, what the
    graph's `backward()` would add.

    Example:
        >>> w = Value(2.0)
        >>> loss = CompiledLoss(1.5, [w], (0.25,))
        >>> loss.backward()
        >>> loss.data, w.grad
        (1.5, 0.25)
    """

    __slots__ = ("_grads", "_params")

    def __init__(self, data: float, params: list[Value], grads: Sequence[float]) -> None:
        super().__init__(data)
        self._params = params
        self._grads = grads

    def backward(self, grad: float = 1.0) -> None:
        if grad != 1.0:
            raise ValueError("a compiled batch loss backpropagates a seed of 1.0 only")
        for p, g in zip(self._params, self._grads):
            p.grad += g


class CompiledStep:
    """`model` and `loss` on a mini-batch as one generated Python function per batch size.

    `step(xb, yb)` returns `(preds, batch_loss)` as `preds = [model(x) for x in xb];
    batch_loss = loss(preds, yb)` would, without building a graph: `preds` are plain
    Values holding the outputs, and `batch_loss.backward()` adds the batch's gradient
    to the parameters. `X` and `y`, the training set, are read once: the targets to
    plan the loss's code, the inputs to convert them to floats. With `batch_size`
    the code for batches of that size is built at once, so that anything the trace
    cannot follow is refused before training. `step.source(n)` is the code for
    batches of `n`. The module docstring says what it refuses.

    Example:
        >>> import nn
        >>> X, y = nn.datasets.make_moons(n=20, seed=0)
        >>> y = [2 * t - 1 for t in y]
        >>> model = nn.MLP(2, [4, 1], seed=0)
        >>> step = CompiledStep(model, nn.hinge_loss, X, y)
        >>> preds, loss = step(X[:10], y[:10])
        >>> loss.data == nn.hinge_loss([model(x) for x in X[:10]], y[:10]).data
        True
    """

    def __init__(
        self,
        model: Module,
        loss: Callable[..., Any],
        X: Sequence[Any],
        y: Sequence[Any],
        batch_size: int | None = None,
    ) -> None:
        with cycle_collector_paused():  # the traces hold no cycles to collect
            self._build(model, loss, X, y, batch_size)

    def _build(
        self,
        model: Module,
        loss: Callable[..., Any],
        X: Sequence[Any],
        y: Sequence[Any],
        batch_size: int | None,
    ) -> None:
        kind = LossKind.of(loss)
        if kind is not None and kind.refused:
            raise _refuse(f"{kind.name}: {kind.refused}")
        # how the loss splits into per-example terms and their reduction, if it says so
        self._split: _Split | None = None
        if kind is not None and kind.terms is not None and kind.reduce is not None:
            self._split = (kind.terms, kind.reduce)
        if not len(X) or len(X) != len(y):
            raise ValueError(f"X and y must be non-empty, of one length: {len(X)} and {len(y)}")
        self.model, self.loss = model, loss
        self.params = model.parameters()
        self._param_index = {p: i for i, p in enumerate(self.params)}
        self._intern = _Interner()
        self._X = X  # keeps the rows alive, so that their ids stay theirs
        first = self._convert(X[0], check_length=False)
        self._nin = len(first)
        self._rows = {id(x): self._convert(x) for x in X}
        self._canonical = _ModelTrace(model, first, self._param_index)
        other = self._rows[id(X[1])] if len(X) > 1 else tuple(v + 0.5 for v in first)
        self._model_trace(other)  # a second example: the model's graph must not change
        self._terms: dict[tuple[type, Any], _Term] = {}
        self._numeric: _Term | None = None
        self._numeric = self._plan_targets(y)
        self._functions: dict[int, tuple[Any, str]] = {}
        self._row_code: _RowCode | None = None
        # a loss with a record reduces its terms the same way for any values
        self._combination_checked = self._split is not None
        # nn's own losses are tested bit for bit; a loss of your own is also checked
        # against the graph path on its first batch of each size
        self._check = kind is None
        if batch_size is not None:  # build that code now: what cannot be traced fails now
            self._function(min(batch_size, len(X)), list(y[:batch_size]))

    # -- inputs and targets --------------------------------------------------------

    def _convert(self, x: Any, check_length: bool = True) -> tuple[float, ...]:
        """The row as floats, or the graph path's own error for a bad row."""
        values = [x] if isinstance(x, (int, float, Value)) else x
        want = self._nin if check_length else None
        try:
            row: tuple[float, ...] | None = tuple(_number(v) for v in values)
        except (TypeError, ValueError, OverflowError):
            row = None
        if row is None or (want is not None and len(row) != want):
            self.model(x)  # raises the model's own error for this row
            raise ValueError(f"compile=True: cannot read the row {x!r} as {want} numbers")
        return row

    def _model_trace(self, row: tuple[float, ...]) -> _ModelTrace:
        trace = _ModelTrace(self.model, row, self._param_index)
        if trace.signature != self._canonical.signature:
            raise _refuse("the model's graph changes with its inputs' values")
        return trace

    def _plan_targets(self, y: Sequence[Any]) -> _Term | None:
        """One version of the loss code that reads the target as a number, if the
        targets enter the loss only as numbers (returned); else one version per target."""
        distinct = list(dict.fromkeys(_key(t) for t in y))
        if len(distinct) >= 2 and all(kind in (int, float) for kind, _ in distinct):
            by_value = sorted(distinct, key=lambda k: k[1])
            sample = list(dict.fromkeys([distinct[0], distinct[1], by_value[0], by_value[-1]]))
            terms = [self._trace_term(t) for _, t in sample]
            if self._numeric_targets(terms, [float(t) for _, t in sample]):
                return terms[0]
            if len(distinct) <= MAX_VERSIONS:
                self._terms.update(zip(sample, terms))  # each is its target's version
        if len(distinct) > MAX_VERSIONS:
            raise _refuse(
                f"the loss's graph changes with the target and there are {len(distinct)} "
                f"distinct targets (at most {MAX_VERSIONS})"
            )
        for _, t in distinct:
            self._term_for(t)
        self._terms = {key: self._terms[key] for key in distinct}  # in the targets' order
        return None

    @staticmethod
    def _numeric_targets(terms: list[_Term], targets: list[float]) -> bool:
        """Whether the terms traced for `targets` differ only in constants equal to the
        target; if so, mark those in the first term as the target `t`."""
        first = terms[0]
        if any(t.signature != first.signature for t in terms):
            return False
        if any(list(t.computed.values()) != list(first.computed.values()) for t in terms):
            return False
        target_code: dict[Value, Code] = {}
        for i, constant in enumerate(first.constants):
            if constant in first.computed:
                continue
            values = [t.values[i] for t in terms]
            if len({repr(v) for v in values}) == 1:
                continue
            if not all(v == target for v, target in zip(values, targets)):
                return False
            target_code[constant] = Code("t")
        first.target_code = target_code
        return True

    def _trace_term(self, target: Any) -> _Term:
        return _Term(
            self.loss, self._split, self._canonical, target, self._param_index, self._intern
        )

    def _term_for(self, target: Any) -> _Term:
        if self._numeric is not None:
            return self._numeric
        key = _key(target)
        term = self._terms.get(key)
        if term is None:
            term = self._terms[key] = self._trace_term(target)
            self._functions = {}  # the code holds one version per target: regenerate it
            self._row_code = None
        return term

    # -- running ---------------------------------------------------------------------

    def __call__(self, xb: Sequence[Any], yb: Sequence[Any]) -> tuple[list[Any], Value]:
        n = len(xb)
        if n == 0 or n != len(yb):
            return self._graph_path(xb, yb)  # the loss raises its own error
        rows = [self._rows.get(id(x)) or self._convert(x) for x in xb]
        if self._numeric is None:
            for t in yb:
                self._term_for(t)
            version = {key: i for i, key in enumerate(self._terms)}
            variants = [version[_key(t)] for t in yb]
            targets: list[Any] = list(yb)
        else:
            variants = [0] * n
            targets = [_number(t) for t in yb]
        first_time = n not in self._functions
        run = self._function(n, list(yb))[0]
        try:
            loss, outputs, grads, check = run(
                rows, targets, variants, [p.data for p in self.params]
            )
            check += loss + sum(grads)
            if check - check != 0.0:
                raise FloatingPointError
        except (ArithmeticError, ValueError):
            # an overflow, a domain error, an inf or a nan: the graph path raises its own
            # error for it (or, if it does not, gives its result)
            return self._graph_path(xb, yb)
        if self._canonical.single:
            preds: list[Any] = list(map(Value, outputs))
        else:
            preds = [list(map(Value, row)) for row in outputs]
        if first_time and self._check:
            self._compare_with_graph(xb, yb, loss, grads)
        return preds, CompiledLoss(loss, self.params, grads)

    def _graph_path(self, xb: Sequence[Any], yb: Sequence[Any]) -> tuple[list[Any], Value]:
        preds = [self.model(x) for x in xb]
        return preds, self.loss(preds, yb)

    def _compare_with_graph(
        self, xb: Sequence[Any], yb: Sequence[Any], loss: float, grads: Sequence[float]
    ) -> None:
        """Run the first batch of each size on the graph path too: they must agree."""
        before = [p.grad for p in self.params]
        for p in self.params:
            p.grad = 0.0
        try:
            _, batch_loss = self._graph_path(xb, yb)
            batch_loss.backward()
            same = batch_loss.data == loss and all(p.grad == g for p, g in zip(self.params, grads))
        finally:
            for p, g in zip(self.params, before):
                p.grad = g
        if not same:
            raise RuntimeError(
                "compile=True computed another loss or gradient than the graph path "
                f"(loss {loss!r} against {batch_loss.data!r}); train with compile=False"
            )

    # -- generating -----------------------------------------------------------------

    def source(self, batch_size: int) -> str:
        """The generated code for batches of `batch_size` examples.

        Example:
            >>> import nn
            >>> step = CompiledStep(nn.MLP(1, [1], seed=0), nn.mse_loss, [[1.0], [2.0]], [3.0, 5.0])
            >>> print(step.source(1))
            def step(rows, targets, variants, params):
                check = term = grad_term = t = variant = u2 = u3 = v1 = 0.0
                x1 = grad_u2 = grad_u3 = grad_v1 = 0.0
                (L1_N1_w1, L1_N1_b) = params
                grad_L1_N1_w1 = grad_L1_N1_b = 0.0
                terms = []
                saved = []
                outputs = []
                for (x1,), t, variant in zip(rows, targets, variants):
                    v1 = L1_N1_b + L1_N1_w1 * x1
                    check += v1
                    u2 = v1 - t
                    u3 = u2 ** 2.0
                    check += u2
                    term = u3
                    term_saved = (u2,)
                    outputs.append(v1)
                    terms.append(term)
                    saved.append(((x1,), term_saved))
                (term1,) = terms
                r2 = 0.0 + term1
                r3 = r2 * 1.0
                loss = r3
                check += r3
                grad_r3 = 1.0
                grad_terms = (grad_r3,)
                for r in range(0, -1, -1):
                    (x1,), term_saved = saved[r]
                    grad_term = grad_terms[r]
                    t = targets[r]
                    (u2,) = term_saved
                    grad_u2 = grad_term * (2.0 * u2 ** 1.0)
                    grad_v1 = grad_u2
                    grad_L1_N1_w1 += grad_v1 * x1
                    grad_L1_N1_b += grad_v1
                return loss, outputs, (grad_L1_N1_w1, grad_L1_N1_b), check
        """
        targets = (
            [self._numeric.target] * batch_size
            if self._numeric is not None
            else [key[1] for key in self._terms][:batch_size]
        )
        targets += targets[-1:] * (batch_size - len(targets))
        return self._function(batch_size, targets)[1]

    def _function(self, n: int, targets: list[Any]) -> tuple[Any, str]:
        built = self._functions.get(n)
        if built is None:
            for t in targets:
                self._term_for(t)  # every target's version, before the code is written
            if self._row_code is None:
                self._row_code = self._example_code()
            row = self._row_code
            if not self._combination_checked:
                # the same combination for other targets and other values, or it is refused
                few = (targets * 3)[:3]
                one = _Reduction(self, few, 0.125)
                other = _Reduction(self, few[1:] + few[:1], 0.375)
                if other.signature != one.signature:
                    raise _refuse("the way the loss combines the examples depends on their values")
                self._combination_checked = True
            text = row.assemble(row.combine_code(_Reduction(self, targets, 0.125)))
            built = self._functions[n] = (build_function("step", text), text)
        return built

    def _example_code(self) -> _RowCode:
        """The code for one example: the model's forward and backward passes and each
        version of the loss's term; the same for every batch size."""
        canon = self._canonical
        names = Names(reserved=_RESERVED)
        name: dict[Value, str] = {p: names.new(p.label, prefix="p") for p in self.params}
        name.update((x, names.new(x.label)) for x in canon.inputs)
        model_nodes = [v for v in canon.nodes if v in canon.varying]
        name.update((v, names.new(v.label)) for v in model_nodes)
        outputs = [name[o] for o in canon.outputs]
        row_names = {name[x] for x in canon.inputs} | {name[v] for v in model_nodes}
        forward = Codegen(name, wants_grad=lambda v: v in canon.graded)
        model_forward = [line for v in model_nodes for line in forward.forward(v)]
        model_forward += sum_lines(
            "check", [name[v] for v in checked_nodes(model_nodes, lambda v: True)], start=False
        )
        versions = [self._numeric] if self._numeric is not None else list(self._terms.values())
        shared_order = len({term.model_order for term in versions}) == 1
        reads: set[str] = set()
        branches = []  # (forward lines, backward lines) per version
        hot = {*row_names, *(f"grad_{name[v]}" for v in model_nodes if v in canon.graded)}
        for term in versions:
            # each version names its nodes from the same start: one runs per example
            fwd, bwd, read = self._term_code(term, names, name, hot)
            if not shared_order:
                lines, model_read = self._model_backward(name, model_nodes, term.model_order)
                bwd += lines
                read |= model_read
            reads |= read
            branches.append((fwd, bwd))
        shared_backward: list[str] = []
        if shared_order:
            shared_backward, read = self._model_backward(name, model_nodes, versions[0].model_order)
            reads |= read
        saved_row = sorted(reads & row_names)
        out = outputs[0] if canon.single else f"({', '.join(outputs)},)"
        loop = [
            *model_forward,
            *_by_variant([fwd for fwd, _ in branches]),
            f"outputs.append({out})",
            "terms.append(term)",
            *listing("saved.append(((", saved_row, "), term_saved))", tuple_=True),
        ]
        back = [
            *listing("(", saved_row, "), term_saved = saved[r]", tuple_=True),
            "grad_term = grad_terms[r]",
            *(["t = targets[r]"] if self._numeric is not None else []),
            *(["variant = variants[r]"] if len(branches) > 1 else []),
            *_by_variant([bwd for _, bwd in branches]),
            *shared_backward,
        ]
        params = [name[p] for p in self.params]
        # CPython numbers a function's variables in the order the code first names them,
        # and one numbered past 255 takes an extra instruction at each use: the names
        # used for each example come first, the parameters (each used once) after.
        hot_first = sorted(hot - set(params), key=lambda h: (h.startswith("grad_"), len(h), h))
        return _RowCode(names, params, [name[x] for x in canon.inputs], loop, back, hot_first)

    def _model_backward(
        self, name: dict[Value, str], model_nodes: list[Value], order: tuple[int, ...]
    ) -> tuple[list[str], set[str]]:
        """The model's backward lines for one example, and the forward names they read."""
        canon = self._canonical
        gen = Codegen(name, lambda v: v in canon.graded, share=model_nodes)
        gen.assigned.update(self.params)
        gen.assigned.update(canon.outputs)
        lines = [line for i in order for line in gen.backward(canon.nodes[i])]
        return lines, gen.read

    def _term_code(
        self, term: _Term, base: Names, name: dict[Value, str], hot: set[str]
    ) -> tuple[list[str], list[str], set[str]]:
        """One version of the loss's term: its forward lines, its backward lines, and
        the names of the model's forward pass they read. Adds its names to `base`'s
        taken names and its per-example variables to `hot`."""
        canon = self._canonical
        outputs = [name[o] for o in canon.outputs]
        names = base.copy()
        tname = dict(name)
        for v in reversed(term.nodes):
            tname[v] = names.new(v.label, prefix="u")
            hot |= {tname[v], f"grad_{tname[v]}"}
        code_of = dict(term.target_code)
        computed = []  # numbers the loss took from the outputs' values, once per example
        shift = ""
        for constant, (kind, j) in term.computed.items():
            if kind == "max" and not shift:
                shift = names.new("shift")
                hot.add(shift)
                computed.append(f"{shift} = max({', '.join(outputs)})")
            code_of[constant] = Code(shift if kind == "max" else outputs[j])
        own = set(term.nodes)
        wanted = own | set(canon.outputs)
        gen = Codegen(tname, wanted.__contains__, code_of=code_of, share=term.nodes)
        topological = list(reversed(term.nodes))
        fwd = [*computed, *(line for v in topological for line in gen.forward(v))]
        fwd += sum_lines(
            "check", [tname[v] for v in checked_nodes(topological, own.__contains__)], False
        )
        bwd = gen.seed(term.root, "grad_term")
        bwd += [line for v in term.nodes for line in gen.backward(v)]
        bwd += [
            f"grad_{out} = 0.0" for o, out in zip(canon.outputs, outputs) if o not in gen.assigned
        ]
        own_names = {tname[v] for v in term.nodes} | {line.split()[0] for line in computed}
        saved = sorted(gen.read & own_names)
        fwd += [f"term = {tname[term.root]}", *listing("term_saved = (", saved, ")", True)]
        bwd[:0] = listing("(", saved, ") = term_saved", tuple_=True)
        base.taken |= names.taken  # what the rest of the function names must avoid
        return fwd, bwd, gen.read - own_names


class _RowCode:
    """The generated code for one example, and how a batch's function is assembled
    around it with the code that combines the terms (which depends on the batch size)."""

    def __init__(
        self,
        names: Names,
        params: list[str],
        inputs: list[str],
        loop: list[str],
        back: list[str],
        hot: list[str],
    ) -> None:
        self.names, self.params, self.inputs, self.loop, self.back = (
            names,
            params,
            inputs,
            loop,
            back,
        )
        self.hot = hot

    def combine_code(self, reduction: _Reduction) -> list[list[str]]:
        """Forward, backward-before-the-examples and backward-after code of the loss
        from the terms, and the order in which backward() meets the examples.

        It runs once per batch, so it reads the parameters from the list `params` and
        adds to their gradients in a list `grads`: a dot of parameters (an L2 penalty)
        is then the engine's own sum(map(mul, ...)), and its backward a loop doing the
        same additions in the same order as the lines it stands for.
        """
        names = self.names.copy()  # the same starting point for every reduction
        rname: dict[Value, str] = {}
        rname.update((v, names.new(f"term{r}")) for r, v in enumerate(reduction.term_roots, 1))
        rname.update((v, names.new(v.label, prefix="r")) for v in reduction.nodes)
        items = {p: ("params", "grads", k) for k, p in enumerate(reduction.params)}
        share = [*reduction.nodes, *reduction.term_roots]
        gen = Codegen(rname, lambda v: True, share=share, items=items)
        gen.assigned.update(reduction.params)
        terms = [rname[v] for v in reduction.term_roots]
        forward = listing("(", terms, ") = terms", tuple_=True)
        forward += [line for v in reduction.nodes for line in gen.forward(v)]
        forward.append(f"loss = {rname[reduction.root]}")
        forward += sum_lines(
            "check", [rname[v] for v in checked_nodes(reduction.nodes, lambda v: True)], False
        )
        before = gen.seed(reduction.root)
        before += [line for v in reduction.before for line in gen.backward(v)]
        grad_terms = [gen.grad_of(v) if v in gen.assigned else "0.0" for v in reduction.term_roots]
        before += listing("grad_terms = (", grad_terms, ")", tuple_=True)
        after = [line for v in reduction.after for line in gen.backward(v)]
        n = len(reduction.term_roots)
        order = reduction.row_order
        rows_back = (
            f"range({n - 1}, -1, -1)"
            if order == list(range(n - 1, -1, -1))
            else f"({', '.join(map(str, order))},)"
        )
        return [forward, before, after, [rows_back]]

    def assemble(self, combine: list[list[str]]) -> str:
        forward, before, after, (rows_back,) = combine
        grads = [f"grad_{p}" for p in self.params]
        early = any("grads[" in line for line in before)  # the loss adds to them before...
        late = any("grads[" in line for line in after)  # ... or after the examples do
        hot = ["check", "term", "grad_term", "t", "variant", *self.hot]
        body = [
            *(f"{' = '.join(hot[i : i + 8])} = 0.0" for i in range(0, len(hot), 8)),
            *listing("(", self.params, ") = params", tuple_=True),
            *(
                [f"grads = [0.0] * {len(grads)}"]
                if early
                else (f"{' = '.join(grads[i : i + 16])} = 0.0" for i in range(0, len(grads), 16))
            ),
            "terms = []",
            "saved = []",
            "outputs = []",
            *listing("for (", self.inputs, "), t, variant in zip(rows, targets, variants):", True),
            *(f"    {line}" for line in self.loop),
            *forward,
            *before,
            *(listing("(", grads, ") = grads", tuple_=True) if early else []),
            f"for r in {rows_back}:",
            *(f"    {line}" for line in self.back),
            *(listing("grads = [", grads, "]") if late else []),
            *after,
            *(
                ["return loss, outputs, grads, check"]
                if late
                else listing("return loss, outputs, (", grads, "), check", tuple_=True)
            ),
        ]
        return "\n".join(
            ["def step(rows, targets, variants, params):", *("    " + x for x in body)]
        )


def _by_variant(pieces: list[list[str]]) -> list[str]:
    """One piece of code per version of the loss's term, chosen by `variant`."""
    if len(pieces) == 1:
        return pieces[0]
    lines = []
    for i, piece in enumerate(pieces):
        lines.append(f"{'if' if i == 0 else 'elif'} variant == {i}:")
        lines += [f"    {line}" for line in piece]
    return lines


def _key(t: Any) -> tuple[type, Any]:
    try:
        hash(t)
    except TypeError:
        raise _refuse(f"targets must be numbers, got {type(t).__name__} {t!r}") from None
    return (type(t), t)


def _number(v: Any) -> float:
    if type(v) is float or type(v) is int:
        f = float(v)
        if f - f == 0.0:
            return f
    if isinstance(v, Value):
        return v.data
    return Value(v).data  # the engine's checks and messages
