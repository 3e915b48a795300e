"""The network picture: neurons in columns, one edge per weight."""

from __future__ import annotations

from typing import Any

from autograd.draw import new_digraph
from nn.module import MLP


def _colour(x: float, largest: float) -> str:
    """Red for positive, blue for negative, paler for smaller magnitudes."""
    t = _strength(x, largest)
    fade = int(225 - t * 205)
    return f"#ff{fade:02x}{fade:02x}" if x >= 0 else f"#{fade:02x}{fade:02x}ff"


def _strength(x: float, largest: float) -> float:
    # square root: small gradients stay visible next to the largest one
    return 0.0 if largest == 0 else min(1.0, abs(x) / largest) ** 0.5


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
    tallest = max(model.nin, *model.nouts)

    # neato with pinned positions: columns by layer, neurons in order top to bottom
    graph = new_digraph(
        engine="neato",
        graph_attr={
            "splines": "line",
            "outputorder": "edgesfirst",
            "fontname": "Helvetica",
            "fontsize": "11",
            "label": f"edge colour and width: weight {show} (red +, blue -)",
        },
        node_attr={
            "shape": "circle",
            "fontname": "Helvetica",
            "fontsize": "9",
            "fixedsize": "true",
            "width": "0.7",
            "style": "filled",
        },
    )

    def place(column: int, row: int, count: int) -> str:
        return f"{column * 2.6:.2f},{((count - 1) / 2 - row) * 0.85:.2f}!"  # centred on y = 0

    previous = []
    for i in range(model.nin):
        node = f"x{i + 1}"
        graph.node(node, label=f"x{i + 1}", pos=place(0, i, model.nin), fillcolor="#eeeeee")
        previous.append(node)
    top = f"0,{(tallest - 1) * 0.85 / 2 + 0.9:.2f}!"
    graph.node("title0", label="inputs", shape="plaintext", pos=top, fillcolor="white")
    for li, layer in enumerate(model.layers, start=1):
        current = []
        graph.node(
            f"title{li}",
            label=f"L{li} ({layer.activation or 'linear'})",
            shape="plaintext",
            fillcolor="white",
            pos=f"{li * 2.6:.2f},{top.split(',')[1]}",
        )
        for ni, neuron in enumerate(layer.neurons, start=1):
            node = f"L{li}N{ni}"
            graph.node(
                node,
                label=f"N{ni}\nb {neuron.b.data:.2g}",
                fillcolor="#ffffff",
                pos=place(li, ni - 1, layer.nout),
                tooltip=neuron.b.label,
            )
            current.append(node)
        for ni, neuron in enumerate(layer.neurons):
            for source, w in zip(previous, neuron.w):
                a = amount(w)
                width = 0.5 + 4.0 * _strength(a, largest)
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
