"""Drawing computation graphs with Graphviz: what a picture of a graph holds.

How a drawing displays and saves is `autograd.render`'s job; the step-through of
the backward pass lives in `autograd.stepthrough`. The core engine never imports
this module, and `graphviz` is imported only when a graph is actually drawn.
"""

from __future__ import annotations

import html
import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from autograd.engine import Value, topological_order
from autograd.ops import OPS
from autograd.render import Drawing, new_digraph

MANY_INPUTS = 8  # collapsed drawings show more inputs than this as one box
FONT = "Helvetica"  # one family for every word and number; Graphviz knows its metrics
PAGE = 600.0  # points (800 px): what a notebook cell shows without scrolling at 1280 px
NODESEP, RANKSEP = 11.0, 18.0  # points between nodes in a rank, and between ranks

# One meaning per colour (the legend under each drawing says which are present).
PARAMETER = "#cfe2ff"  # a leaf the training changes (nn's labels: L1.N1.w1, L1.N1.b)
INPUT = "#d9f2d9"  # any other Value made by hand, labelled or not: data given to it
CONSTANT = "#eeeeee"  # a number an operation turned into a Value (`is_constant`)
COMPUTED = "#ffffff"  # the result of an operation
GROUP = "#e0d4f7"  # a collapsed neuron or layer (a lavender apart from the constants' grey)
CURRENT = "#d62728"  # in a step of the backward pass: the node passing gradient on
PARTIAL = "#8c8c8c"  # a grad still being summed: more contributions are coming
BORDER = "#555555"


def number(x: float) -> str:
    """How drawings and captions write a number: 4 significant digits, a true minus sign.

    Example:
        >>> number(-0.123456), number(2.0), number(12346.0)
        ('−0.1235', '2', '1.235e+04')
    """
    return f"{x:.4g}".replace("-", "−", 1) if x < 0 else f"{x:.4g}"


def is_parameter(v: Value) -> bool:
    """A leaf labelled the way nn labels parameters (`L1.N1.w1`): something training changes."""
    return not v.inputs and "." in v.label


def name(v: Value, limit: int = 24) -> str:
    """A short readable name: the label, or the expression that computed the node.

    Example:
        >>> x = Value(2.0, label="x"); w = Value(3.0, label="w")
        >>> name(x * w), name((x * w + 1).tanh()), name(Value(0.5))
        ('x×w', 'tanh(x×w+1)', '0.5')
    """
    text = _expression(v, limit)
    return text if text is not None else f"({_symbol(v.op)} = {number(v.data)})"


def _expression(v: Value, budget: int) -> str | None:
    """The expression that computed `v` if it fits in `budget` characters, else None.

    Each part is written within what is left of the budget, so a graph of any size
    costs at most about `budget` calls: a part that does not fit ends the search.
    """
    if budget <= 0:
        return None
    if v.label or not v.inputs:
        text = v.label or number(v.data)
        return text if len(text) <= budget else None
    op = OPS.get(v.op)
    if op is None or op.form != "expression" or len(v.inputs) > 2:
        return None  # a sum of many terms is named by its value
    if len(v.inputs) == 1:
        inner = _expression(v.inputs[0], budget - len(op.symbol) - 2)
        if inner is None:
            return None
        if op.precedence:  # the one prefix operator, unary minus
            return f"−{_paren(v.inputs[0], inner, '**', right=False)}"
        return f"{op.symbol}({inner})"
    a, b = v.inputs
    if not op.precedence:  # a function of two arguments: symbol(a, b)
        left = _expression(a, budget - len(op.symbol) - 5)
        right = None if left is None else _expression(b, budget - len(op.symbol) - len(left) - 4)
        if right is None:
            return None
        text = f"{op.symbol}({left}, {right})"
        return text if len(text) <= budget else None
    left = _expression(a, budget - len(op.symbol) - 1)  # room for the symbol and a character
    if left is None:
        return None
    left = _paren(a, left, v.op, right=False)
    right = _expression(b, budget - len(left) - len(op.symbol))
    if right is None:
        return None
    text = f"{left}{op.symbol}{_paren(b, right, v.op, right=True)}"
    return text if len(text) <= budget else None


def grad_of(v: Value) -> float:
    """`v.grad`, with None (what `p.grad = None` leaves: no gradient yet) read as 0.0,
    as backward() reads it: a drawing before any backward pass shows 0.

    Example:
        >>> v = Value(1.0); v.grad = None
        >>> grad_of(v)
        0.0
    """
    grad: float | None = v.grad
    return 0.0 if grad is None else grad


def _symbol(op: str) -> str:
    """How drawings write an op: its record's symbol (× for *, Σ for total, tanh...)."""
    record = OPS.get(op)
    return record.symbol if record is not None else op


def _paren(v: Value, text: str, parent: str, right: bool) -> str:
    """Parenthesise a part of an expression only where arithmetic needs it."""
    mine = OPS[v.op].precedence if v.inputs and not v.label and v.op in OPS else 0
    if not mine:
        return text  # a name, a number or a function call binds tightest
    theirs = OPS[parent].precedence
    needed = mine < theirs or (mine == theirs and (right or OPS[parent].right_associative))
    return f"({text})" if needed else text


@dataclass(frozen=True)
class GradView:
    """How one node's grad shows in a step of the backward pass."""

    grad: float | None  # None: no gradient has reached it yet
    state: str  # "final", "partial" (more to come) or "changed" (just received some)


NOT_REACHED = GradView(None, "partial")


@dataclass(frozen=True)
class Frame:
    """A moment of the backward pass as `draw_graph(highlight=...)` shows it.

    `views` holds each node's grad at that moment (a node left out has received
    none yet); `current` is outlined, and while it is `passing` gradient on its
    edges are red. `cell_chars`, the width of every number cell, keeps one layout
    for all the frames of a player. A `BackwardStep` gives its own with `frame()`.

    Example:
        >>> x = Value(2.0, label="x"); y = x * x
        >>> frame = Frame({y: GradView(1.0, "changed")}, current=y, passing=False)
        >>> "#d62728" in draw_graph(y, highlight=frame).source  # y outlined in red
        True
    """

    views: Mapping[Value, GradView]
    current: Value
    passing: bool = True
    cell_chars: int = 0

    def frame(self) -> Frame:
        return self


class Highlight(Protocol):
    """What `draw_graph(highlight=...)` takes: a `BackwardStep`, or a `Frame`."""

    def frame(self) -> Frame: ...


@dataclass(frozen=True)
class GroupBox:
    """What the box of a collapsed group says: a title, rows of (what, value), and the
    grads whose largest magnitude colours it when the drawing is coloured by grad."""

    title: str
    rows: list[tuple[str, str]]
    grads: list[float]


class Grouping(Protocol):
    """How `draw_graph(collapse=...)` draws groups of nodes as one box each.

    A library registers its groupings by name in `GROUPINGS` (nn registers
    "neuron" and "layer", read from its parameters' names).
    """

    legend: str  # what each box shows, for the legend under the drawing

    def assign(self, order: list[Value]) -> dict[Value, str]:
        """The group of each node that belongs to one (`order` is topological)."""
        ...

    def sort_key(self, group: str) -> Any:
        """Where a group's box comes among the others."""
        ...

    def column(self, group: str) -> str:
        """Boxes of one column are kept one below the other, in order."""
        ...

    def box(self, group: str, members: list[Value]) -> GroupBox:
        """What a group's box says about its members (those in the drawing)."""
        ...


GROUPINGS: dict[str, Grouping] = {}
INPUTS = "inputs"  # the group of many inputs drawn as one box


def _grouping(collapse: str | None) -> Grouping | None:
    if collapse is None:
        return None
    grouping = GROUPINGS.get(collapse) if isinstance(collapse, str) else None
    if grouping is None:
        choices = ["None", *map(repr, GROUPINGS)]
        known = f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else "None"
        hint = "" if GROUPINGS else " ('neuron' and 'layer' come with nn: import nn)"
        raise ValueError(f"collapse must be {known}, got {collapse!r}{hint}")
    return grouping


def _members(
    order: list[Value], nodes: list[Value], grouping: Grouping | None
) -> dict[str, list[Value]]:
    """The drawn nodes of each group, the groups in drawing order.

    Many labelled inputs that no group takes (the 64 pixels of a digit) become
    one box too, "inputs", drawn last: one box per pixel would fill the page,
    with an edge from each to every neuron.
    """
    if grouping is None:
        return {}
    group = grouping.assign(order)
    inputs = [n for n in order if not n.inputs and n.label and n not in group]
    if len(inputs) > MANY_INPUTS:
        group.update(dict.fromkeys(inputs, INPUTS))
    members: dict[str, list[Value]] = {}
    for n in nodes:
        if n in group:
            members.setdefault(group[n], []).append(n)
    named = sorted((g for g in members if g != INPUTS), key=grouping.sort_key)
    return {g: members[g] for g in [*named, INPUTS] if g in members}


def _within(order: list[Value], center: Value, depth: int) -> set[Value]:
    neighbours: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for child in node.inputs:
            neighbours[node].append(child)
            neighbours[child].append(node)
    if center not in neighbours:
        raise ValueError("around= must be a node of the graph being drawn")
    seen = {center}
    frontier = deque([(center, 0)])
    while frontier:
        node, d = frontier.popleft()
        if d == depth:
            continue
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                frontier.append((other, d + 1))
    return seen


def grad_color(magnitude: float, largest: float) -> str:
    """White for no gradient, deepening to orange for the largest |grad| in the picture.

    Example:
        >>> grad_color(0.0, 2.0), grad_color(2.0, 2.0)
        ('#ffffff', '#ff8c00')
    """
    t = 0.0 if largest == 0 else min(1.0, magnitude / largest)
    g = int(255 - t * (255 - 140))
    b = int(255 - t * 255)
    return f"#ff{g:02x}{b:02x}"


def _legend(items: list[tuple[str, str]]) -> str:
    """A one-row legend: before each meaning, a swatch ("#rrggbb"), an outlined box
    ("outline:#rrggbb") or a sample of coloured text."""
    cells = []
    for sample, text in items:
        if sample.startswith("#"):
            cells.append(f'<td border="1" bgcolor="{sample}" width="14" height="12"></td>')
        elif sample.startswith("outline:"):
            outline = sample.split(":", 1)[1]
            cells.append(f'<td border="2" color="{outline}" width="14" height="12"></td>')
        else:
            cells.append(f"<td>{sample}</td>")
        cells.append(f'<td align="left">{text}</td><td width="8"></td>')
    return f'<<table border="0" cellspacing="2" color="{BORDER}"><tr>{"".join(cells)}</tr></table>>'


def draw_graph(
    root: Value,
    rankdir: str = "auto",
    *,
    parameters: Iterable[Value] | None = None,
    max_nodes: int = 500,
    around: Value | None = None,
    depth: int = 2,
    collapse: str | None = None,
    color_by_grad: bool = False,
    highlight: Highlight | None = None,
    legend: bool = True,
    format: str | None = None,
) -> Drawing:
    """Draw the graph that computed `root`: every Value with its label, data and grad.

    Each Value is a box (its label, then data and grad); each operation a small
    oval between its inputs and its result. One meaning per colour, named in a
    legend under the drawing: blue for parameters (what training changes: nn's
    labels such as `L1.N1.w1`, or the leaves given as `parameters=`), green for
    the other leaves, the Values you made (inputs), grey for the numbers that an
    operation turned into constants (shown by their value, as `2` in `2 * x`),
    white for computed results. Options:

    - `color_by_grad`: fill each box by |grad| instead, so the eye finds where
      gradient flows (white 0, orange the largest; the legend gives the scale).
    - `around=node, depth=k`: draw only the nodes within k steps of `node`.
    - `collapse="neuron"` or `"layer"`: one box per neuron or layer, in order,
      each with its output, the output's grad and its parameters' gradients
      (groupings nn registers in `GROUPINGS`; a library may add its own).
    - `highlight=step` (from `backward_steps`): that step of the backward pass,
      the node passing gradient on and the edges it uses in red; grads that are
      not final yet are grey, grads no contribution has reached yet are blank.
    - `max_nodes`: refuse graphs larger than this, saying what to do instead.

    `rankdir="auto"` draws left to right when that fits a notebook's width (about
    800 px), else top to bottom when that fits better; "LR", "TB", "RL" or "BT"
    choose. A drawing still too wide is scaled down to that width. `format` (as for
    graphviz.Digraph: "svg", "png", "pdf"...) is what `.render(path)` writes.

    Returns a `graphviz.Digraph`. In Jupyter it displays as an SVG that shrinks
    to the cell's width (and as a PNG where SVG is refused, as in an untrusted
    notebook); `save(g, "g.svg")` writes a file.

    Example:
        >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
        >>> y = (x * w).tanh(); y.label = "y"
        >>> y.backward()
        >>> source = draw_graph(y).source
        >>> "tanh" in source and ">x<" in source and "grad" in source
        True
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph draws a Value's graph, got {type(root).__name__}")
    if rankdir not in ("auto", "LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'auto', 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    grouping = _grouping(collapse)
    frame = highlight.frame() if highlight is not None else None
    order = topological_order(root)
    nodes = order
    if around is not None:
        near = _within(order, around, depth)
        nodes = [n for n in order if n in near]
    members = _members(order, nodes, grouping)
    group = {n: g for g, vs in members.items() for n in vs}
    singles = [n for n in nodes if n not in group]
    _check_size(len(singles) + len(members), max_nodes)
    picture = _Picture(
        _new_graph(root, nodes, collapse, rankdir),
        ids={node: f"n{i}" for i, node in enumerate(order, start=1)},  # stable, readable ids
        group=group,
        parameters=set(parameters) if parameters is not None else None,
        color_by_grad=color_by_grad,
    )
    picture.group_ids = {g: f"g{i}" for i, g in enumerate(members, start=1)}
    grads = [abs(grad_of(n)) for n in singles if picture.kind(n) != "constant"]
    grads += [abs(grad_of(p)) for vs in members.values() for p in vs if not p.inputs]
    picture.largest = max(grads, default=0.0)  # the top of the colour scale
    for g, vs in members.items():
        picture.group_box(g, vs, grouping)
    picture.keep_in_order(list(members), grouping)
    texts = [number(n.data) for n in singles] + [number(grad_of(n)) for n in singles]
    width = int(max([len(t) for t in texts] + [frame.cell_chars if frame else 0, 4]) * 6 + 8)
    for v in singles:
        view = frame.views.get(v, NOT_REACHED) if frame is not None else None
        picture.value_box(v, view, width, outlined=frame is not None and v is frame.current)
    picture.edges(nodes, frame.current if frame is not None and frame.passing else None)
    if legend:
        grouped = grouping.legend if grouping is not None and members else None
        picture.legend(singles, grouped, frame is not None)
    picture.graph.graph_attr["rankdir"] = picture.orientation() if rankdir == "auto" else rankdir
    drawing: Drawing = picture.graph
    if format is not None:
        drawing.format = format  # graphviz checks it: ValueError for an unknown format
    return drawing


def _check_size(count: int, max_nodes: int) -> None:
    if count > max_nodes:
        raise ValueError(
            f"the graph has {count} nodes to draw, more than "
            f"max_nodes={max_nodes}: draw a piece of it with around=node, depth=k, or one box "
            f"per neuron with collapse='neuron' (or 'layer'), or raise max_nodes if you "
            f"really want it all"
        )


def _new_graph(root: Value, nodes: list[Value], collapse: str | None, rankdir: str) -> Any:
    what = (
        f"one box per {collapse}" if collapse else f"{sum(1 for n in nodes if n.inputs)} operations"
    )
    return new_digraph(
        f"computation graph of {name(root)}: {len(nodes)} values, {what} "
        "(a Graphviz drawing: each box shows a value's data and grad)",
        graph_attr={
            "rankdir": rankdir,
            "bgcolor": "white",
            "nodesep": "0.15",
            "ranksep": "0.25",
            "fontname": FONT,
            "fontsize": "10",
            "labelloc": "b",
            "size": f"{PAGE / 72:.2f},100",  # inches: wider drawings are scaled down
        },
        node_attr={"fontname": FONT, "fontsize": "10"},
        edge_attr={"arrowsize": "0.6", "color": "#666666"},
    )


class _Picture:
    """One drawing being built: how each kind of node looks, and the edges between them."""

    def __init__(
        self,
        graph: Any,
        ids: dict[Value, str],
        group: dict[Value, str],
        parameters: set[Value] | None,
        color_by_grad: bool,
    ) -> None:
        self.graph = graph
        self.ids = ids
        self.group = group  # node -> the neuron or layer it is drawn inside
        self.group_ids: dict[str, str] = {}
        self.parameters = parameters
        self.color_by_grad = color_by_grad
        self.largest = 0.0  # the largest |grad| shown: the colour scale's top
        self.sizes: dict[str, tuple[float, float]] = {}  # each node's estimated (width, height)
        self.links: list[tuple[str, str]] = []

    def node(self, node_id: str, size: tuple[float, float], **attrs: str) -> None:
        self.sizes[node_id] = size
        self.graph.node(node_id, **attrs)

    def edge(self, source: str, target: str, **attrs: str) -> None:
        self.links.append((source, target))
        self.graph.edge(source, target, **attrs)

    def orientation(self) -> str:
        """Left to right if the drawing fits the page that way, else top to bottom if
        that is narrower: estimated from the nodes' sizes and their ranks, as dot
        places them (each node one rank after the latest of its inputs)."""
        rank = dict.fromkeys(self.sizes, 0)
        users: dict[str, list[str]] = {n: [] for n in self.sizes}
        waiting = dict.fromkeys(self.sizes, 0)
        for a, b in self.links:
            users[a].append(b)
            waiting[b] += 1
        ready = [n for n, count in waiting.items() if count == 0]
        while ready:
            node = ready.pop()
            for user in users[node]:
                rank[user] = max(rank[user], rank[node] + 1)
                waiting[user] -= 1
                if waiting[user] == 0:
                    ready.append(user)
        ranks: dict[int, list[tuple[float, float]]] = {}
        for node, r in rank.items():
            ranks.setdefault(r, []).append(self.sizes[node])
        across = sum(max(w for w, _ in sizes) for sizes in ranks.values())
        across += RANKSEP * (len(ranks) - 1)
        down = max(
            sum(w for w, _ in sizes) + NODESEP * (len(sizes) - 1) for sizes in ranks.values()
        )
        # left to right reads best: keep it if shrinking by a fifth makes it fit
        return "LR" if across <= 1.25 * PAGE or across <= down else "TB"

    def kind(self, v: Value) -> str:
        if v.inputs:
            return "computed"
        if self.parameters is not None:
            return "constant" if v.is_constant else "parameter" if v in self.parameters else "input"
        return "constant" if v.is_constant else "parameter" if is_parameter(v) else "input"

    def node_id(self, v: Value) -> str:
        g = self.group.get(v)
        return self.group_ids[g] if g else self.ids[v]

    def value_box(self, v: Value, view: GradView | None, cell_width: int, outlined: bool) -> None:
        """A box with the label on top, then data and grad; a constant is its number."""
        kind = self.kind(v)
        if kind == "constant":
            self.node(
                self.ids[v],
                (len(number(v.data)) * 6 + 14, 18),
                label=number(v.data),
                shape="box",
                style="rounded,filled",
                fillcolor=CONSTANT,
                color="#999999",
                height="0.25",
                width="0.3",
                margin="0.04,0.02",
                tooltip=f"the constant {number(v.data)}",
            )
            return
        fill = {"parameter": PARAMETER, "input": INPUT}.get(kind, COMPUTED)
        if self.color_by_grad and (view is None or view.state == "final"):
            fill = grad_color(abs(grad_of(v)), self.largest)
        grad_text, grad_colour = number(grad_of(v)), "black"
        if view is not None:
            grad_text = "" if view.grad is None else number(view.grad)
            grad_colour = {"changed": CURRENT, "partial": PARTIAL}.get(view.state, "black")
        # a fixed size: the text measured by Graphviz's fonts never moves the layout
        cell = f'align="right" width="{cell_width}" height="17" fixedsize="true"'
        rows = [f'<tr><td colspan="2"><b>{html.escape(v.label)}</b></td></tr>'] if v.label else []
        rows.append(f'<tr><td align="left">data</td><td {cell}>{number(v.data)}</td></tr>')
        rows.append(
            f'<tr><td align="left">grad</td><td {cell}>'
            f'<font color="{grad_colour}">{grad_text or "&nbsp;"}</font></td></tr>'
        )
        label_width = len(v.label) * 6.5 + 10
        self.node(
            self.ids[v],
            (max(label_width, cell_width + 34) + 6, 17 * len(rows) + 8),
            label=_table(fill, "".join(rows)),
            shape="box",
            style="rounded",
            margin="0.02",
            penwidth="3",
            color=CURRENT if outlined else "white",  # an outline that takes no room when off
            tooltip=f"{name(v)}: {kind}, data {number(v.data)}, grad {number(grad_of(v))}",
        )

    def group_box(self, g: str, members: list[Value], grouping: Grouping | None) -> None:
        """One box for a group: what the grouping says of it, or for the inputs, how
        many they are and the largest of their grads."""
        if g == INPUTS or grouping is None:
            biggest = max(members, key=lambda v: abs(grad_of(v)))
            title = f"inputs {members[0].label}..{members[-1].label}"
            rows = [
                ("values", str(len(members))),
                ("largest grad", f"{number(grad_of(biggest))} ({biggest.label})"),
            ]
            fill = grad_color(abs(grad_of(biggest)), self.largest) if self.color_by_grad else INPUT
            self._box(g, title, rows, fill)
            return
        box = grouping.box(g, members)
        fill = GROUP
        if self.color_by_grad:
            fill = grad_color(max((abs(x) for x in box.grads), default=0.0), self.largest)
        self._box(g, box.title, box.rows, fill)

    def _box(self, g: str, title: str, rows: list[tuple[str, str]], fill: str) -> None:
        body = f'<tr><td colspan="2"><b>{html.escape(title)}</b></td></tr>' + "".join(
            f'<tr><td align="left">{html.escape(a)}</td>'
            f'<td align="right">{html.escape(b)}</td></tr>'
            for a, b in rows
        )
        width = max([len(title) * 6.5] + [(len(a) + len(b)) * 6 + 16 for a, b in rows]) + 10
        self.node(
            self.group_ids[g],
            (width, 17 * (len(rows) + 1) + 6),
            label=_table(fill, body),
            shape="plaintext",
            tooltip=f"{title}: " + "; ".join(f"{a} {b}" for a, b in rows),
        )

    def keep_in_order(self, groups: list[str], grouping: Grouping | None) -> None:
        """Invisible edges within each column keep its boxes in order (N1 on top)."""
        columns: dict[str, list[str]] = {}
        for g in groups:
            column = grouping.column(g) if grouping is not None and g != INPUTS else g
            columns.setdefault(column, []).append(self.group_ids[g])
        for same in columns.values():
            if len(same) > 1:
                with self.graph.subgraph() as s:
                    s.attr(rank="same")
                    for a, b in itertools.pairwise(same):
                        s.edge(a, b, style="invis")

    def edges(self, nodes: list[Value], passing: Value | None) -> None:
        """Each op as a small oval: inputs -> op -> result. The node `passing` gradient
        on has its edges in red, pointing back the way the gradient goes."""
        visible = set(nodes)
        drawn: set[tuple[str, str]] = set()
        for v in nodes:
            if not v.inputs:
                continue
            target = self.node_id(v)
            inside_group = v in self.group
            hot = {"color": CURRENT, "penwidth": "2.5", "dir": "back"} if v is passing else {}
            if not inside_group:
                op_id = f"op{self.ids[v][1:]}"
                symbol = _symbol(v.op)
                self.node(
                    op_id,
                    (max(22.0, len(symbol) * 6 + 10), 18),
                    label=html.escape(symbol),
                    shape="ellipse",
                    width="0.3",
                    height="0.25",
                    margin="0.02",
                    style="filled",
                    fillcolor="#fff4cc",
                    color="#b59b3a",
                    tooltip=f"the operation {v.op}",
                )
                self.edge(op_id, target, **hot)
                target = op_id
            for child in v.inputs:
                source = self.node_id(child)
                if child not in visible or source == self.node_id(v):
                    continue  # outside the drawing, or inside one collapsed box
                if inside_group and (source, target) in drawn:
                    continue  # one edge per neuron-to-neuron link; elsewhere one per use
                drawn.add((source, target))
                self.edge(source, target, **hot)

    def legend(self, singles: list[Value], grouped: str | None, stepping: bool) -> None:
        """One line under the drawing naming each colour it uses."""
        items: list[tuple[str, str]] = []
        if self.color_by_grad:
            items += [("#ffffff", "grad 0"), (grad_color(1, 1), f"|grad| {number(self.largest)}")]
        else:
            kinds = {self.kind(n) for n in singles} | (
                {"input"} if INPUTS in self.group_ids else set()
            )
            colours = {"parameter": PARAMETER, "input": INPUT, "constant": CONSTANT}
            items += [(colours[k], k) for k in colours if k in kinds]
            if grouped:
                items.append((GROUP, grouped))
        if stepping:
            items.append((f"outline:{CURRENT}", "passing its grad back now"))
            items.append((f'<font color="{CURRENT}">0.96</font>', "a grad just received"))
            items.append((f'<font color="{PARTIAL}">0.96</font>', "a grad not final yet"))
        if items:
            self.graph.attr(label=_legend(items))


def _table(fill: str, rows: str) -> str:
    return (
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="2" '
        f'color="{BORDER}" bgcolor="{fill}">{rows}</table>>'
    )
