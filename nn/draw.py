"""Drawing networks: the network picture (neurons in columns, one edge per weight, a
legend for the colours), and the neuron and layer boxes of `draw_graph(collapse=...)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd import Value
from autograd.draw import (
    BORDER,
    FONT,
    GROUPINGS,
    INPUT,
    PAGE,
    GroupBox,
    grad_of,
    is_parameter,
    number,
)
from autograd.render import Drawing, new_digraph
from nn.module import ACTIVATIONS, MLP, Layer

COLUMN = 2.4  # inches between layers
ROW = 0.95  # inches between neurons, for layers of up to 7; taller layers are packed closer
TALLEST = 7.0  # inches: a picture a learner can see whole


def _colour(x: float, largest: float) -> str:
    """Red for positive, blue for negative, paler for smaller magnitudes, white for 0."""
    t = _strength(x, largest)
    fade = int(255 - t * 235)
    return f"#ff{fade:02x}{fade:02x}" if x >= 0 else f"#{fade:02x}{fade:02x}ff"


def _strength(x: float, largest: float) -> float:
    # square root: small gradients stay visible next to the largest one
    return 0.0 if largest == 0 else min(1.0, abs(x) / largest) ** 0.5


def _pos(column: int, row: int, count: int, spacing: float) -> str:
    return f"{column * COLUMN:.2f},{((count - 1) / 2 - row) * spacing:.2f}!"  # centred on y = 0


def draw_network(model: MLP, show: str = "grad") -> Drawing:
    """Draw an MLP as neurons in columns by layer, with one edge per weight.

    With `show="grad"` (after a backward pass) every edge is coloured and sized by
    its weight's gradient and every neuron filled by its bias's gradient: where
    the gradient wants to move the parameters most. `show="value"` shows the
    parameters themselves. Red is positive, blue negative, paler is smaller, on
    one scale for all parameters; the legend under the picture gives it.

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], seed=0)
        >>> model([0.5, -1.0]).backward()
        >>> g = draw_network(model)
        >>> g.source.count("->"), "L2.N1.b" in g.source
        (9, True)
    """
    if not isinstance(model, MLP):
        raise TypeError(f"draw_network draws an nn.MLP, got {type(model).__name__}")
    if show not in ("grad", "value"):
        raise ValueError(f"show must be 'grad' or 'value', got {show!r}")
    tallest = max(model.nin, *model.nouts)
    style = _Style(show, 0.0, min(ROW, TALLEST / tallest))
    style.largest = max((abs(style.amount(p)) for p in model.parameters()), default=0.0)
    graph = new_digraph(
        f"network picture of {model!r}: edges and neuron fills show each parameter's {style.word}",
        engine="neato",  # positions pinned: columns by layer, neurons in order top to bottom
        graph_attr={
            "splines": "line",
            "outputorder": "edgesfirst",
            "fontname": FONT,
            "fontsize": "12",
            "labelloc": "b",
            "label": _legend(style.largest, style.word),
            "size": f"{PAGE / 72:.2f},100",  # inches: a wider network is scaled to the page
        },
        node_attr={"fontname": FONT, "fontsize": "12", "style": "filled", "color": BORDER},
    )
    top = (tallest - 1) * style.row / 2 + 0.6
    titles = ["inputs"] + [
        f"L{i} ({layer.activation or 'linear'})" for i, layer in enumerate(model.layers, 1)
    ]
    for column, title in enumerate(titles):
        graph.node(
            f"title{column}",
            label=title,
            shape="plaintext",
            style="",
            pos=f"{column * COLUMN:.2f},{top:.2f}!",
        )
    previous = []
    for i in range(1, model.nin + 1):
        graph.node(
            f"x{i}",
            label=f"x{i}",
            shape="circle",
            width=f"{min(0.55, style.row * 0.8):.2f}",
            fixedsize="true",
            fillcolor=INPUT,
            pos=_pos(0, i - 1, model.nin, style.row),
            tooltip=f"input x{i}",
        )
        previous.append(f"x{i}")
    for li, layer in enumerate(model.layers, start=1):
        previous = _draw_layer(graph, layer, li, previous, style)
    drawing: Drawing = graph
    return drawing


@dataclass
class _Style:
    """What the network picture shows (`show`: "grad" or "value") and on what scale."""

    show: str
    largest: float  # the largest magnitude shown: the colour scale's end
    row: float  # inches between neurons

    @property
    def word(self) -> str:
        return "grad" if self.show == "grad" else "value"

    @property
    def compact(self) -> bool:
        return self.row < 0.7  # one line per neuron instead of two

    def amount(self, p: Value) -> float:
        return float(grad_of(p) if self.show == "grad" else p.data)

    def shown(self, x: float) -> str:  # rounding noise (5e-18 beside 0.2) reads as 0
        return number(0.0 if abs(x) < 1e-9 * self.largest else x)


def _draw_layer(graph: Any, layer: Layer, li: int, previous: list[str], style: _Style) -> list[str]:
    """A layer's neurons, filled by their bias, and an edge per weight from the column
    before; returns the neurons' node names."""
    current = []
    word, compact, largest = style.word, style.compact, style.largest
    for ni, neuron in enumerate(layer.neurons, start=1):
        node = f"L{li}N{ni}"
        b = style.amount(neuron.b)
        graph.node(
            node,
            label=f"N{ni}{':' if compact else chr(10)} b {word} {style.shown(b)}",
            shape="box",
            style="rounded,filled",
            # wide enough for its label: about 0.085 inch a character at 10-11 pt
            width=f"{max(1.45, 0.085 * len(f'N{ni}: b {word} {style.shown(b)}') + 0.3):.2f}",
            height=f"{style.row * 0.75:.2f}" if compact else "0.55",
            fixedsize="true",
            fontsize="10" if compact else "11",
            fillcolor=_colour(b, largest),
            fontcolor="white" if _strength(b, largest) > 0.7 else "black",
            pos=_pos(li, ni - 1, layer.nout, style.row),
            tooltip=f"{neuron.b.label}: bias {word} {style.shown(b)}",
        )
        current.append(node)
    for ni, neuron in enumerate(layer.neurons):
        for source, w in zip(previous, neuron.w):
            a = style.amount(w)
            graph.edge(
                source,
                current[ni],
                color=_colour(a, largest) if a else "#dddddd",
                penwidth=f"{0.6 + 5.0 * _strength(a, largest):.2f}",
                arrowhead="none",
                tooltip=f"{w.label}: weight {word} {number(a)}",
            )
    return current


def _legend(largest: float, word: str) -> str:
    """The scale: colour from blue (most negative) through white (0) to red (most positive),
    and what the widths and fills mean."""
    steps = [-1.0, -0.25, 0.0, 0.25, 1.0]
    swatches = "".join(
        f'<td border="1" bgcolor="{_colour(s * largest, largest) if largest else "#ffffff"}" '
        f'width="26" height="14"></td>'
        for s in steps
    )
    low, high = number(-largest), number(largest)
    return (
        f'<<table border="0" cellspacing="3" color="{BORDER}"><tr>'
        f'<td align="right">{low}</td>{swatches}<td align="left">{high}</td>'
        f'<td width="12"></td><td align="left">edge: a weight\'s {word} (wider: larger)<br/>'
        f"fill: a neuron's bias {word}</td></tr></table>>"
    )


class NeuronGrouping:
    """`draw_graph(loss, collapse="neuron")` (or `"layer"`): one box per neuron or layer.

    nn names each parameter by where it sits (`L1.N3.w1`: layer L1, its neuron
    N3, weight 1; see `Module.named_parameters`), and labels it so: a parameter's
    neuron is its label without the last part, its layer the first part. A
    computed node joins a group if one of its inputs is a parameter of that group,
    or if all its inputs already belong to that group.

    Example:
        >>> from autograd import draw_graph
        >>> model = MLP(2, [3, 1], seed=0)
        >>> source = draw_graph(model([1.0, 2.0]), collapse="layer").source
        >>> "<b>layer L1 (tanh)</b>" in source and "<b>layer L2 (linear)</b>" in source
        True
    """

    def __init__(self, level: str) -> None:
        self.level = level  # "neuron" or "layer"
        self.legend = f"a {level}: its output and its parameters' grads"

    def assign(self, order: list[Value]) -> dict[Value, str]:
        group: dict[Value, str] = {}
        for node in order:
            if is_parameter(node):
                parts = node.label.split(".")
                group[node] = parts[0] if self.level == "layer" else ".".join(parts[:-1])
                continue
            if not node.inputs:
                continue
            from_params = {group[i] for i in node.inputs if is_parameter(i) and i in group}
            if len(from_params) == 1:
                group[node] = from_params.pop()
                continue
            from_inputs = {group.get(i) for i in node.inputs}
            if len(from_inputs) == 1 and None not in from_inputs:
                group[node] = from_inputs.pop()  # type: ignore[assignment]
        return group

    def sort_key(self, group: str) -> list[Any]:
        return _natural_key(group)

    def column(self, group: str) -> str:
        return group.split(".")[0]  # a layer: its neurons one below the other, N1 on top

    def box(self, group: str, members: list[Value]) -> GroupBox:
        """A neuron: its output and the output's grad; a layer: how many neurons; both:
        their parameters' gradients."""
        params = sorted(
            (v for v in members if is_parameter(v)), key=lambda p: _natural_key(p.label)
        )
        computed = [v for v in members if v.inputs]
        out = computed[-1] if computed else members[-1]
        ops = [v.op for v in computed]
        activation = ops[-1] if ops and ops[-1] in ACTIVATIONS else "linear"
        rows: list[tuple[str, str]] = []
        if self.level == "neuron":
            rows += [("output", number(out.data)), ("its grad", number(grad_of(out)))]
        else:
            rows.append(("neurons", str(len({p.label.rsplit(".", 1)[0] for p in params}))))
        rows += _parameter_grad_rows(params, group)
        return GroupBox(f"{self.level} {group} ({activation})", rows, [grad_of(p) for p in params])


def _natural_key(label: str) -> list[Any]:
    """Sort "L1.N10" after "L1.N9": numbers inside labels compare as numbers."""
    key: list[Any] = []
    for part in label.split("."):
        head = part.rstrip("0123456789")
        tail = part[len(head) :]
        key.append((head, int(tail) if tail else -1))
    return key


def _parameter_grad_rows(params: list[Value], group: str) -> list[tuple[str, str]]:
    """The parameters' gradients, as a learner reads them: each of them if few, else the
    largest, named within the group (`w2` in a neuron, `N3.w2` in a layer)."""

    def short(p: Value) -> str:
        return p.label[len(group) + 1 :] if p.label.startswith(group + ".") else p.label

    rows = []
    for kind in ("w", "b"):
        some = [p for p in params if short(p).split(".")[-1].startswith(kind)]
        if len(some) <= 3:
            rows += [(f"grad {short(p)}", number(grad_of(p))) for p in some]
        else:
            big = max(some, key=lambda p: abs(grad_of(p)))
            rows.append((f"largest grad {kind}", f"{number(grad_of(big))} ({short(big)})"))
    return rows


GROUPINGS.update(neuron=NeuronGrouping("neuron"), layer=NeuronGrouping("layer"))
