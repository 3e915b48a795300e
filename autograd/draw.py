"""Drawing computation graphs with Graphviz, and stepping through backpropagation.

The core engine never imports this module, and this module imports the
`graphviz` package only when a graph is actually drawn.
"""

from __future__ import annotations

import html
import json
import shutil
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.engine import Value, topological_order

INSTALL_DOT = (
    "Graphviz's 'dot' program was not found; install Graphviz to render drawings:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz"
)
INSTALL_PACKAGE = 'drawing needs the graphviz Python package: pip install "gradstep[viz]"'

COLLAPSE_LEVELS = ("neuron", "layer")


def _graphviz() -> Any:
    try:
        import graphviz  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise ImportError(INSTALL_PACKAGE) from None
    return graphviz


_digraph_class: Any = None


def new_digraph(**kwargs: Any) -> Any:
    """A graphviz.Digraph whose rendering errors say how to install Graphviz.

    Example:
        >>> g = new_digraph(name="example")
        >>> type(g).__name__
        'Drawing'
    """
    global _digraph_class
    if _digraph_class is None:
        graphviz = _graphviz()

        class Drawing(graphviz.Digraph):  # type: ignore[misc, name-defined]
            """A Digraph that renders inline in Jupyter; missing `dot` gets a clear error."""

            def pipe(self, *args: Any, **kw: Any) -> Any:
                try:
                    return super().pipe(*args, **kw)
                except graphviz.ExecutableNotFound:
                    raise RuntimeError(INSTALL_DOT) from None

            def _repr_mimebundle_(self, *args: Any, **kw: Any) -> Any:
                try:
                    return super()._repr_mimebundle_(*args, **kw)
                except graphviz.ExecutableNotFound:
                    raise RuntimeError(INSTALL_DOT) from None

        _digraph_class = Drawing
    return _digraph_class(**kwargs)


def save(graph: Any, path: str | Path) -> Path:
    """Render a drawing to a file; the format (svg, png, pdf, ...) comes from the extension.

    Example:
        >>> import tempfile, os
        >>> x = Value(2.0, label="x"); y = x * x
        >>> path = os.path.join(tempfile.mkdtemp(), "y.svg")
        >>> out = save(draw_graph(y), path)  # doctest: +NEEDS_DOT
        >>> out.read_text().lstrip().startswith("<?xml")
        True
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if not fmt:
        raise ValueError(f"say the format with an extension, e.g. {path}.svg or {path}.png")
    if shutil.which("dot") is None:
        raise RuntimeError(INSTALL_DOT)
    path.write_bytes(graph.pipe(format=fmt))
    return path


def _number(x: float) -> str:
    return f"{x:.4g}"


def _is_parameter(v: Value) -> bool:
    return not v.inputs and bool(v.label)


@dataclass(frozen=True)
class Contribution:
    """What one node sends to one input: local_grad * upstream, added to input.grad."""

    input: Value
    local_grad: float
    upstream: float
    product: float
    input_grad_after: float


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass (see `backward_steps`)."""

    index: int
    node: Value
    grad: float
    contributions: tuple[Contribution, ...]
    order: list[Value]  # every node, in the order backward visits them (shared by all steps)

    @property
    def done(self) -> set[Value]:
        """The nodes whose gradient is final at this step: every node that uses them
        has passed its share on (the nodes visited so far, and their inputs whose
        last user has been visited)."""
        final = set(self.order[: self.index + 1])
        last_user: dict[Value, int] = {}
        for position, node in enumerate(self.order):
            for child in node.inputs:
                last_user[child] = position
        final.update(node for node, position in last_user.items() if position <= self.index)
        return final

    def __str__(self) -> str:
        name = _name(self.node)
        head = f"step {self.index + 1}/{len(self.order)}: {name} has grad {_number(self.grad)}"
        if not self.contributions:
            return head + (" (a leaf: nothing to pass on)" if not self.node.inputs else "")
        lines = [head + f"; it passes gradient to its inputs through '{self.node.op}':"]
        for c in self.contributions:
            lines.append(
                f"  {_name(c.input)}: local {_number(c.local_grad)} x upstream "
                f"{_number(c.upstream)} = {_number(c.product)}, so its grad is now "
                f"{_number(c.input_grad_after)}"
            )
        return "\n".join(lines)


def _name(v: Value) -> str:
    if v.label:
        return v.label
    return f"({v.op} = {_number(v.data)})" if v.op else f"constant {_number(v.data)}"


def backward_steps(root: Value, grad: float = 1.0) -> Iterator[BackwardStep]:
    """Run `root.backward(grad)` one node at a time, yielding what each node does.

    Each step names the node, its (now final) grad, and for each input the local
    derivative, the upstream grad, their product and the input's grad after adding
    it: a node used twice visibly receives two contributions. When the iteration
    ends every grad equals what `root.backward(grad)` gives.

    Example:
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> for step in backward_steps(y):
        ...     print(step)
        step 1/2: (* = 9) has grad 1; it passes gradient to its inputs through '*':
          x: local 3 x upstream 1 = 3, so its grad is now 3
          x: local 3 x upstream 1 = 3, so its grad is now 6
        step 2/2: x has grad 6 (a leaf: nothing to pass on)
    """
    order = topological_order(root)
    order.reverse()
    for node in order:
        if node.inputs:
            node.grad = 0.0
    root.grad += float(grad)
    for index, node in enumerate(order):
        upstream = node.grad
        contributions = []
        for child, local in zip(node.inputs, node.local_grads):
            product = local * upstream
            child.grad += product
            contributions.append(Contribution(child, local, upstream, product, child.grad))
        yield BackwardStep(index, node, upstream, tuple(contributions), order)


def _groups(order: list[Value], level: str) -> dict[Value, str]:
    """Assign nodes to the neuron or layer whose parameters they are computed from.

    Parameters are labelled leaves named like "L1.N3.w1": the neuron is "L1.N3",
    the layer "L1". A node joins a group if one of its inputs is a parameter of
    that group, or if all its inputs already belong to that group.
    """
    group: dict[Value, str] = {}
    for node in order:
        if _is_parameter(node) and "." in node.label:
            parts = node.label.split(".")
            group[node] = parts[0] if level == "layer" else ".".join(parts[:-1])
            continue
        if not node.inputs:
            continue
        from_params = {group[i] for i in node.inputs if _is_parameter(i) and i in group}
        if len(from_params) == 1:
            group[node] = from_params.pop()
            continue
        from_inputs = {group.get(i) for i in node.inputs}
        if len(from_inputs) == 1 and None not in from_inputs:
            group[node] = from_inputs.pop()  # type: ignore[assignment]
    return group


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


def _grad_color(magnitude: float, largest: float) -> str:
    """White for no gradient, deepening to orange for the largest |grad| in the picture."""
    t = 0.0 if largest == 0 else min(1.0, magnitude / largest)
    g = int(255 - t * (255 - 140))
    b = int(255 - t * 255)
    return f"#ff{g:02x}{b:02x}"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    *,
    max_nodes: int = 500,
    around: Value | None = None,
    depth: int = 2,
    collapse: str | None = None,
    color_by_grad: bool = False,
    highlight: BackwardStep | None = None,
) -> Any:
    """Draw the graph that computed `root`: every Value with its label, data and grad.

    Each Value is a box (label | data | grad); each operation a small oval between
    its inputs and its result. Parameters (labelled leaves) are blue, constants
    grey, intermediate results white. Options:

    - `color_by_grad`: fill each box by |grad|, so the eye finds where gradient flows.
    - `around=node, depth=k`: draw only the nodes within k steps of `node`.
    - `collapse="neuron"` or `"layer"`: one box per neuron or layer (found from
      parameter labels such as "L1.N3.w1"), for graphs too big to read.
    - `highlight=step` (from `backward_steps`): mark that step's node and the edges
      it sends gradient along; grads not yet final show as blank.
    - `max_nodes`: refuse graphs larger than this, saying what to do instead.

    Returns a `graphviz.Digraph`: it renders inline in Jupyter; `save(g, "g.svg")`
    writes a file.

    Example:
        >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
        >>> y = (x * w).tanh(); y.label = "y"
        >>> y.backward()
        >>> source = draw_graph(y).source
        >>> "tanh" in source and "x" in source and "grad" in source
        True
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph draws a Value's graph, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if collapse not in (None, *COLLAPSE_LEVELS):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    order = topological_order(root)
    nodes = order
    if around is not None:
        near = _within(order, around, depth)
        nodes = [n for n in order if n in near]
    group = _groups(order, collapse) if collapse else {}
    shown = {n: group.get(n) for n in nodes}
    count = len({g if g else n for n, g in shown.items()})
    if count > max_nodes:
        raise ValueError(
            f"the graph has {count} nodes to draw, more than max_nodes={max_nodes}: draw a piece "
            f"of it with around=node, depth=k, or one box per neuron with collapse='neuron' "
            f"(or 'layer'), or raise max_nodes if you really want it all"
        )

    done: set[Value] | None = None
    current: Value | None = None
    if highlight is not None:
        done = highlight.done
        current = highlight.node

    graph = new_digraph(
        graph_attr={"rankdir": rankdir, "bgcolor": "white"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.6", "color": "#555555"},
    )
    largest = max((abs(n.grad) for n in nodes), default=0.0)

    def node_id(v: Value) -> str:
        g = shown.get(v)
        return f"group_{g}" if g else f"v{id(v)}"

    # groups: one box each, showing the group's size and the output it passes on
    members: dict[str, list[Value]] = {}
    for n, g in shown.items():
        if g:
            members.setdefault(g, []).append(n)
    for g, vs in members.items():
        out = vs[-1]
        texts = [
            f"<b>{html.escape(g)}</b>",
            f"{len(vs)} nodes",
            f"out data {_number(out.data)}",
            f"out grad {_number(out.grad)}",
        ]
        cells = "".join(f"<td>{t}</td>" for t in texts)
        graph.node(
            f"group_{g}",
            label=f'<<table border="0" cellborder="1" cellspacing="0"><tr>{cells}</tr></table>>',
            shape="plaintext",
            style="filled",
            fillcolor="#e8e0f8",
        )

    for v in nodes:
        if shown.get(v):
            continue
        if done is not None and v not in done:
            grad_text = "grad &nbsp; &nbsp; &nbsp;"
        else:
            grad_text = f"grad {_number(v.grad)}"
        if _is_parameter(v):
            fill = "#d6e9ff"
        elif not v.inputs:
            fill = "#eeeeee"
        else:
            fill = "#ffffff"
        if color_by_grad and (done is None or v in done):
            fill = _grad_color(abs(v.grad), largest)
        texts = [html.escape(v.label)] if v.label else []
        texts += [f"data {_number(v.data)}", grad_text]
        row = "".join(f"<td>{t}</td>" for t in texts)
        border = "3" if v is current else "1"
        colour = "#d62728" if v is current else "#333333"
        graph.node(
            node_id(v),
            label=(
                f'<<table border="{border}" color="{colour}" cellborder="1" cellspacing="0" '
                f'bgcolor="{fill}"><tr>{row}</tr></table>>'
            ),
            shape="plaintext",
        )

    visible = set(nodes)
    drawn_edges: set[tuple[str, str]] = set()
    for v in nodes:
        if not v.inputs:
            continue
        target = node_id(v)
        inside_group = bool(shown.get(v))
        if not inside_group:
            op_id = f"op{id(v)}"
            graph.node(
                op_id,
                label=html.escape(v.op),
                shape="ellipse",
                width="0.3",
                height="0.3",
                fontsize="10",
                style="filled",
                fillcolor="#fff7d6",
            )
            graph.edge(op_id, target)
            target = op_id
        for i, child in enumerate(v.inputs):
            if child not in visible:
                continue
            source = node_id(child)
            if source == node_id(v):
                continue  # an edge inside a collapsed group
            key = (source, target)
            if inside_group and key in drawn_edges:
                continue
            drawn_edges.add(key)
            attrs: dict[str, str] = {}
            if v is current and highlight is not None:
                c = highlight.contributions[i]
                attrs = {
                    "color": "#d62728",
                    "penwidth": "2.5",
                    "dir": "back",
                    "fontcolor": "#d62728",
                    "fontsize": "10",
                    "label": html.escape(
                        f"{_number(c.local_grad)} x {_number(c.upstream)} = {_number(c.product)}"
                    ),
                }
            graph.edge(source, target, **attrs)
    return graph


class BackwardPlayer:
    """A self-contained HTML player: one SVG frame per backward step, with
    previous/next buttons and a slider. Displays inline in Jupyter.

    Example:
        >>> x = Value(1.5, label="x"); y = (x * x).tanh()
        >>> player = BackwardPlayer(y)  # doctest: +NEEDS_DOT
        >>> len(player.frames) == len(player.captions) == 3
        True
    """

    def __init__(self, root: Value, max_frames: int = 200, **draw_options: Any) -> None:
        self.frames: list[str] = []
        self.captions: list[str] = []
        for count, step in enumerate(backward_steps(root), start=1):
            if count > max_frames:
                raise ValueError(
                    f"more than max_frames={max_frames} backward steps: play a smaller "
                    "expression, or raise max_frames"
                )
            svg = draw_graph(root, highlight=step, **draw_options).pipe(format="svg")
            text = svg.decode("utf-8")
            self.frames.append(text[text.find("<svg") :])
            self.captions.append(str(step))

    def to_html(self) -> str:
        """The player as one HTML fragment (plain HTML and JavaScript)."""
        uid = f"gradstep-player-{id(self)}"
        frames = "".join(
            f'<div class="frame" style="display:{"block" if i == 0 else "none"}">{svg}</div>'
            for i, svg in enumerate(self.frames)
        )
        last = len(self.frames) - 1
        return f"""<div id="{uid}" style="font-family:sans-serif">
<div style="margin-bottom:6px">
<button data-go="-1">&#9664; previous</button>
<input type="range" min="0" max="{last}" value="0" style="width:50%;vertical-align:middle">
<button data-go="1">next &#9654;</button>
</div>
<pre class="caption" style="background:#f6f6f6;padding:6px;white-space:pre-wrap"></pre>
{frames}
<script>
(function() {{
  var root = document.getElementById("{uid}");
  var frames = root.querySelectorAll(".frame");
  var captions = {json.dumps(self.captions)};
  var slider = root.querySelector("input");
  function show(i) {{
    i = Math.max(0, Math.min(frames.length - 1, i));
    for (var k = 0; k < frames.length; k++) frames[k].style.display = k === i ? "block" : "none";
    slider.value = i;
    root.querySelector(".caption").textContent = captions[i];
  }}
  root.querySelectorAll("button").forEach(function(b) {{
    b.addEventListener("click", function() {{
      show(parseInt(slider.value) + parseInt(b.getAttribute("data-go")));
    }});
  }});
  slider.addEventListener("input", function() {{ show(parseInt(slider.value)); }});
  show(0);
}})();
</script>
</div>"""

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, path: str | Path) -> Path:
        """Write the player as a standalone HTML page."""
        path = Path(path)
        path.write_text(
            f"<!doctype html><meta charset='utf-8'>\n{self.to_html()}\n", encoding="utf-8"
        )
        return path


def backward_player(root: Value, **options: Any) -> BackwardPlayer:
    """Step through `root.backward()` frame by frame, inline in a notebook.

    Runs the backward pass (filling every grad) and renders one drawing per step.

    Example:
        >>> x = Value(0.5, label="x"); y = x.exp() * x
        >>> "<svg" in backward_player(y).to_html()  # doctest: +NEEDS_DOT
        True
    """
    return BackwardPlayer(root, **options)
