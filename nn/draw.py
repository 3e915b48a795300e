"""The network picture: neurons in columns, one edge per weight."""

from __future__ import annotations

from typing import Any

from autograd.draw import new_digraph
from nn.module import MLP


def _colour(x: float, largest: float) -> str:
    """Red for positive, blue for negative, paler for smaller magnitudes."""
    t = 0.0 if largest == 0 else min(1.0, abs(x) / largest)
    fade = int(230 - t * 200)
    return f"#ff{fade:02x}{fade:02x}" if x >= 0 else f"#{fade:02x}{fade:02x}ff"


def draw_network(model: MLP, show: str = "grad") -> Any:
    """Draw an MLP as neurons in columns by layer with one edge per weight.

    Edge colour and width follow each weight's gradient (`show="grad"`, after a
    backward pass: which weights the gradient wants to move most) or its value
    (`show="value"`). Red is positive, blue negative. Each neuron shows its bias.

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], seed=0)
        >>> model([0.5, -1.0]).backward()
        >>> g = draw_network(model)
        >>> g.source.count("->")
        9
    """
    if not isinstance(model, MLP):
        raise TypeError(f"draw_network draws an nn.MLP, got {type(model).__name__}")
    if show not in ("grad", "value"):
        raise ValueError(f"show must be 'grad' or 'value', got {show!r}")

    def amount(p: Any) -> float:
        return float(p.grad if show == "grad" else p.data)

    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    largest = max((abs(amount(w)) for w in weights), default=0.0)

    graph = new_digraph(
        graph_attr={
            "rankdir": "LR",
            "splines": "line",
            "nodesep": "0.15",
            "ranksep": "1.4",
            "label": f"edge colour and width: weight {show} (red +, blue -)",
            "fontname": "Helvetica",
            "fontsize": "11",
        },
        node_attr={
            "shape": "circle",
            "fontname": "Helvetica",
            "fontsize": "9",
            "fixedsize": "true",
            "width": "0.55",
        },
    )
    previous = []
    with graph.subgraph(name="cluster_inputs") as column:
        column.attr(label="inputs", style="invis")
        for i in range(model.nin):
            node = f"x{i}"
            column.node(node, label=f"x{i}", style="filled", fillcolor="#eeeeee")
            previous.append(node)
    for li, layer in enumerate(model.layers, start=1):
        current = []
        with graph.subgraph(name=f"cluster_L{li}") as column:
            column.attr(
                label=f"L{li} ({layer.activation or 'linear'})",
                style="dashed",
                color="#bbbbbb",
                fontname="Helvetica",
                fontsize="10",
            )
            for ni, neuron in enumerate(layer.neurons, start=1):
                node = f"L{li}N{ni}"
                column.node(
                    node,
                    label=f"N{ni}\nb {neuron.b.data:.2g}",
                    style="filled",
                    fillcolor="#ffffff",
                    tooltip=neuron.b.label,
                )
                current.append(node)
        for ni, neuron in enumerate(layer.neurons):
            for source, w in zip(previous, neuron.w):
                a = amount(w)
                width = 0.4 + (4.0 * abs(a) / largest if largest else 0.0)
                graph.edge(
                    source,
                    current[ni],
                    color=_colour(a, largest),
                    penwidth=f"{width:.2f}",
                    arrowhead="none",
                    tooltip=f"{w.label}: {show} {a:.4g}",
                )
        previous = current
    return graph
