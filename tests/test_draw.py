"""Drawing: the DOT source, what a notebook is offered to show, rendering, the network picture."""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import sys

import pytest

import nn
from autograd import Value, draw_graph, save, topological_order
from autograd.draw import CONSTANT, GROUP, INPUT, PARAMETER, grad_color, name, number
from autograd.render import fit_to_page

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def small_graph():
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(6.5, label="b")
    n = x * w + b
    n.label = "n"
    y = n.tanh() * n
    y.label = "y"
    return x, w, b, n, y


def value_boxes(source: str) -> list[str]:
    """The DOT lines of value boxes (n1, n2, ...), in order."""
    return re.findall(r"^\s*n\d+ \[.*$", source, flags=re.M)


def op_ovals(source: str) -> list[str]:
    return re.findall(r"^\s*op\d+ \[.*$", source, flags=re.M)


def box_of(source: str, label: str) -> str:
    (line,) = [line for line in value_boxes(source) if f"<b>{label}</b>" in line]
    return line


def test_source_shows_every_value_with_label_data_grad_and_every_op():
    *_, y = small_graph()
    y.backward()
    nodes = topological_order(y)
    source = draw_graph(y).source
    assert len(value_boxes(source)) == len(nodes)  # no constants in this graph
    assert len(op_ovals(source)) == sum(1 for n in nodes if n.inputs)
    edges = source.count("->")
    assert edges == sum(len(n.inputs) + 1 for n in nodes if n.inputs)
    for node in nodes:
        if node.label:
            assert f"<b>{node.label}</b>" in source
        assert f">{number(node.data)}</td>" in source
        assert f">{number(node.grad)}</font>" in source
    for symbol in ("×", "+", "tanh"):
        assert f"label={symbol}" in source or f'label="{symbol}"' in source


def test_node_ids_are_short_and_the_source_is_the_same_for_the_same_graph():
    def build():
        x = Value(1.5, label="x")
        return (x * x + 2).tanh()

    first, second = draw_graph(build()).source, draw_graph(build()).source
    assert first == second  # nothing depends on memory addresses
    assert not re.search(r"\b(v|op)\d{6,}\b", first)


def test_constants_show_their_value_and_no_grad():
    x = Value(3.0, label="x")
    y = x * 2.5 + 1
    y.backward()
    source = draw_graph(y).source
    constants = [line for line in value_boxes(source) if "grad" not in line]
    assert len(constants) == 2
    assert any("label=2.5" in line for line in constants)
    assert all(f"fillcolor={CONSTANT!r}".replace("'", '"') in line for line in constants)


def test_parameters_inputs_and_constants_have_one_colour_each():
    model = nn.MLP(2, [1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    source = draw_graph(loss).source
    assert f'bgcolor="{PARAMETER}"' in box_of(source, "L1.N1.w1")
    assert f'bgcolor="{PARAMETER}"' in box_of(source, "L1.N1.b")
    assert f'bgcolor="{INPUT}"' in box_of(source, "x1")
    legend = source[source.index("label=<<table") :]
    assert ">parameter<" in legend and ">input<" in legend and ">constant<" in legend

    # by hand: the leaves given as parameters= are parameters, other labelled leaves inputs
    x, w = Value(2.0, label="x"), Value(0.5, label="w")
    source = draw_graph((x * w).tanh(), parameters=[w]).source
    assert f'bgcolor="{PARAMETER}"' in box_of(source, "w")
    assert f'bgcolor="{INPUT}"' in box_of(source, "x")
    assert ">constant<" not in source  # the legend names only what the drawing holds


@pytest.mark.parametrize("label", ['say "hi"', "<b>", "{a|b}", "back\\slash", "a & b"])
def test_awkward_labels_are_escaped(label):
    x = Value(1.0, label=label)
    source = draw_graph(x * 2).source
    assert f"<b>{html.escape(label)}</b>" in source


@needs_dot
@pytest.mark.parametrize("label", ['say "hi"', "<b>", "{a|b}", "back\\slash"])
def test_awkward_labels_render(label, tmp_path):
    x = Value(1.0, label=label)
    path = save(draw_graph(x * 2), tmp_path / "g.svg")
    assert "<svg" in path.read_text()


@needs_dot
def test_rendering_writes_valid_svg_png_and_pdf(tmp_path):
    *_, y = small_graph()
    y.backward()
    graph = draw_graph(y)
    assert "<svg" in save(graph, tmp_path / "g.svg").read_text()
    assert save(graph, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert save(graph, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


@needs_dot
def test_a_notebook_is_offered_a_scalable_svg_a_png_and_words():
    *_, y = small_graph()
    y.backward()
    data, metadata = draw_graph(y)._repr_mimebundle_()
    assert data["image/svg+xml"].startswith('<svg style="max-width:100%;height:auto"')
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG")
    # the PNG is drawn at 1.5x and displayed at the SVG's size, so it stays sharp
    points = re.search(r'width="([\d.]+)pt"', data["image/svg+xml"]).group(1)
    assert metadata["image/png"]["width"] == pytest.approx(float(points) * 96 / 72, abs=2)
    assert "computation graph of y" in data["text/plain"]
    assert " at 0x" not in data["text/plain"] and "<autograd" not in data["text/plain"]


def test_fit_to_page_keeps_the_picture_and_lets_it_shrink():
    svg = '<?xml version="1.0"?>\n<!-- x -->\n<svg width="900pt" height="80pt">\n<g/></svg>'
    fitted = fit_to_page(svg)
    assert fitted.startswith('<svg style="max-width:100%;height:auto" width="900pt"')
    assert fitted.endswith("<g/></svg>")


def test_save_needs_an_extension(tmp_path):
    *_, y = small_graph()
    with pytest.raises(ValueError, match="extension"):
        save(draw_graph(y), tmp_path / "graph")


def test_a_missing_dot_says_how_to_install_graphviz(monkeypatch, tmp_path):
    *_, y = small_graph()
    graph = draw_graph(y)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on the PATH
    with pytest.raises(RuntimeError, match=r"apt-get install graphviz(.|\n)*brew(.|\n)*conda"):
        graph.pipe(format="svg")
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        graph._repr_mimebundle_()
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        save(graph, tmp_path / "g.svg")


def test_a_missing_graphviz_package_says_what_to_install():
    code = (
        "import sys; sys.modules['graphviz'] = None\n"
        "from autograd import Value, draw_graph\n"
        "try:\n"
        "    draw_graph(Value(1.0) * 2)\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert 'pip install "gradstep[viz]"' in out


def test_importing_the_packages_does_not_import_graphviz():
    code = "import sys, autograd, nn; print('graphviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_names_say_what_computed_a_node():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    assert name(x * w) == "x×w"
    assert name((x * w + 1).tanh()) == "tanh(x×w+1)"
    assert name(-x) == "−x"
    a, b, c = Value(1.5, label="a"), Value(2.0, label="b"), Value(0.5, label="c")
    assert name(a**b**c) == "a^(b^c)" and name((a**b) ** c) == "(a^b)^c"  # both grouped
    assert name(-(a**b) + c) == "−(a^b)+c" and name((-a) ** 2 * c) == "(−a)^2×c"
    assert name(a - (b - c)) == "a−(b−c)" and name((a + b) ** (c * a)) == "(a+b)^(c×a)"
    long = x
    for _ in range(13):
        long = long * x
    assert name(long) == f"(× = {number(long.data)})"  # too long to read: the op and value
    deep = x
    for _ in range(100_000):
        deep = deep + 1.0
    assert name(deep) == f"(+ = {number(deep.data)})"  # no recursion into a deep graph


@pytest.mark.parametrize(
    "options", [{}, {"color_by_grad": True}, {"collapse": "neuron"}, {"collapse": "layer"}]
)
def test_a_grad_set_to_none_is_drawn_as_a_grad_of_0_before_backward(options):
    def drawn(grad):
        model = nn.MLP(2, [3, 1], seed=0)
        x = Value(0.5, label="x")
        loss = (model([x, 0.5]) - 1.0) ** 2
        for p in [x, *model.parameters()]:
            p.grad = grad  # `zero_grad(set_to_none=True)`'s habit: no gradient yet
        return draw_graph(loss, **options).source, nn.draw_network(model).source

    assert drawn(None) == drawn(0.0)


def test_max_nodes_refuses_big_graphs_and_says_what_to_do():
    model = nn.MLP(2, [32, 32, 1], seed=0)
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    with pytest.raises(ValueError, match=r"more than max_nodes=500.*around=node.*collapse"):
        draw_graph(loss)


def collapsed_model():
    model = nn.MLP(2, [12, 12, 1], seed=0)
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    loss.backward()
    return model, loss


def group_titles(source: str) -> list[str]:
    return re.findall(r"<b>(?:neuron|layer) (L[\d.N]+) \(", source)


def test_collapse_draws_one_box_per_neuron_in_order_with_its_gradients():
    model, loss = collapsed_model()
    source = draw_graph(loss, collapse="neuron").source
    expected = [f"L{i}.N{j}" for i in (1, 2) for j in range(1, 13)] + ["L3.N1"]
    assert group_titles(source) == expected  # N10 after N9: natural order
    # within each layer, invisible edges chain the neurons top to bottom in that order
    chain = re.findall(r"^\s*(g\d+) -> (g\d+) \[style=invis\]", source, flags=re.M)
    assert chain[:11] == [(f"g{k}", f"g{k + 1}") for k in range(1, 12)]
    neuron = model.layers[0].neurons[1]
    box = next(line for line in source.splitlines() if "<b>neuron L1.N2 (tanh)</b>" in line)
    for p in neuron.parameters():  # few weights: every parameter's grad is written out
        assert f">{number(p.grad)}</td>" in box
    assert "its grad" in box and "output" in box
    wide = next(line for line in source.splitlines() if "<b>neuron L2.N1 (tanh)</b>" in line)
    biggest = max(model.layers[1].neurons[0].w, key=lambda w: abs(w.grad))
    assert f"{number(biggest.grad)} ({biggest.label.split('.')[-1]})" in wide  # many: the largest
    assert len(value_boxes(source)) < 10  # the inputs and the loss's nodes


def test_collapse_by_layer():
    _, loss = collapsed_model()
    source = draw_graph(loss, collapse="layer").source
    assert group_titles(source) == ["L1", "L2", "L3"]
    assert ">12</td>" in source  # the number of neurons


def test_collapsed_boxes_are_coloured_by_their_largest_parameter_grad():
    model, loss = collapsed_model()
    source = draw_graph(loss, collapse="neuron", color_by_grad=True).source
    fills = {
        g: f
        for f, g in re.findall(
            r'bgcolor="(#[0-9a-f]{6})"><tr><td colspan="2"><b>neuron (L[\d.N]+)', source
        )
    }
    assert GROUP not in fills.values()
    largest = max(abs(p.grad) for p in model.parameters())
    for g, fill in fills.items():
        layer, neuron = g.split(".")
        params = model.layers[int(layer[1:]) - 1].neurons[int(neuron[1:]) - 1].parameters()
        assert fill == grad_color(max(abs(p.grad) for p in params), largest)
    assert "#ff8c00" in fills.values()  # the largest gradient is the deepest orange


def test_around_draws_only_the_neighbourhood():
    x, _w, _b, _n, y = small_graph()
    source = draw_graph(y, around=x, depth=1).source
    assert len(value_boxes(source)) == 2  # x and x*w
    assert "<b>w</b>" not in source
    with pytest.raises(ValueError, match="around="):
        draw_graph(y, around=Value(1.0))


def test_color_by_grad_fills_the_largest_gradient_darkest_and_says_the_scale():
    x, _w, _b, _n, y = small_graph()
    y.backward()
    source = draw_graph(y, color_by_grad=True).source
    largest = max(topological_order(y), key=lambda v: abs(v.grad))
    assert largest is x
    assert 'bgcolor="#ff8c00"><tr><td colspan="2"><b>x</b>' in source
    assert f"|grad| {number(abs(x.grad))}" in source  # the legend's top of the scale


def test_bad_options_are_rejected():
    *_, y = small_graph()
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="XY")
    with pytest.raises(ValueError, match="collapse"):
        draw_graph(y, collapse="neurons")
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)  # type: ignore[arg-type]


# -- the network picture ------------------------------------------------------------------


def test_draw_network_has_a_node_per_neuron_and_an_edge_per_weight():
    model = nn.MLP(2, [4, 4, 1], seed=0)
    model([0.3, -0.7]).backward()
    source = nn.draw_network(model).source
    neurons = re.findall(r"^\s*(x\d+|L\d+N\d+) \[", source, flags=re.M)
    assert neurons[:2] == ["x1", "x2"]  # inputs count from 1, as the weights do
    assert len(neurons) == 2 + 4 + 4 + 1
    assert source.count("->") == 2 * 4 + 4 * 4 + 4 * 1


def test_draw_network_shows_bias_gradients_and_a_legend_with_the_scale():
    model = nn.MLP(2, [3, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    source = nn.draw_network(model).source
    biases = [n.b for layer in model.layers for n in layer.neurons]
    for b in biases:
        assert f"b grad {number(b.grad)}" in source
    largest = max(abs(p.grad) for p in model.parameters())
    assert largest == max(abs(b.grad) for b in biases)  # in this net a bias has the largest
    assert f">{number(-largest)}</td>" in source and f">{number(largest)}</td>" in source
    assert "edge: a weight's grad" in source and "fill: a neuron's bias grad" in source


def test_draw_network_widths_follow_the_gradient():
    model = nn.MLP(1, [2, 1], seed=0)
    w_small, w_big = model.layers[1].neurons[0].w
    w_small.grad, w_big.grad = 0.1, -2.0
    for n in model.layers[0].neurons:
        n.w[0].grad = 0.0
    source = nn.draw_network(model).source
    widths = dict(re.findall(r"(L1N\d) -> L2N1 \[[^\]]*penwidth=([\d.]+)", source))
    assert float(widths["L1N2"]) > float(widths["L1N1"])
    assert nn.draw_network(model, show="value").source != source
    with pytest.raises(ValueError, match="show"):
        nn.draw_network(model, show="size")


def test_draw_network_packs_tall_layers_to_fit_a_screen():
    model = nn.MLP(2, [40, 1], seed=0)
    source = nn.draw_network(model).source
    heights = [float(y) for y in re.findall(r'pos="[\d.]+,(-?[\d.]+)!"', source)]
    assert max(heights) - min(heights) <= 8.0  # inches


@needs_dot
def test_draw_network_renders(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    assert "<svg" in save(nn.draw_network(model), tmp_path / "net.svg").read_text()


def test_many_inputs_collapse_into_one_box_with_their_largest_gradient():
    model = nn.MLP(12, [3, 2], seed=0)
    out = model([0.1 * i for i in range(12)])
    loss = (out[0] - out[1]) ** 2
    loss.backward()
    source = draw_graph(loss, collapse="layer").source
    assert "<b>inputs x1..x12</b>" in source
    assert "<b>x3</b>" not in source  # no box per input
    inputs = [n for n in topological_order(loss) if n.label.startswith("x")]
    biggest = max(inputs, key=lambda v: abs(v.grad))
    assert f"{number(biggest.grad)} ({biggest.label})" in source
    assert ">input<" in source  # the legend names the inputs' colour
    few = draw_graph((nn.MLP(2, [2, 1], seed=0)([1.0, 2.0]) - 1) ** 2, collapse="neuron").source
    assert "<b>x1</b>" in few and "inputs x1" not in few  # two inputs keep their boxes


def test_naming_a_node_looks_at_a_few_nodes_however_big_its_graph(monkeypatch):
    import autograd.draw as draw

    calls = []
    original = draw._expression

    def counted(v, budget):
        calls.append(v)
        return original(v, budget)

    monkeypatch.setattr(draw, "_expression", counted)
    z = Value(1.0, label="x")
    for _ in range(40):  # each node uses the one before twice: 2**40 paths down
        z = z * z
    assert name(z) == f"(× = {number(z.data)})"
    assert len(calls) < 60


def test_a_library_can_register_its_own_grouping(monkeypatch):
    """collapse= takes any grouping registered by name: here, one box per labelled pair."""
    from autograd.draw import GROUPINGS, GroupBox

    class Pairs:
        legend = "a pair: the sum of its grads"

        def assign(self, order):
            return {v: v.label[0] for v in order if v.label[:1] in ("a", "b")}

        def sort_key(self, group):
            return group

        def column(self, group):
            return "pairs"

        def box(self, group, members):
            total = sum(v.grad for v in members)
            return GroupBox(f"pair {group}", [("grad sum", number(total))], [total])

    monkeypatch.setitem(GROUPINGS, "pairs", Pairs())
    a1, a2, b1 = Value(1.0, label="a1"), Value(2.0, label="a2"), Value(3.0, label="b1")
    y = (a1 * a2) * b1
    y.label = "y"
    y.backward()
    source = draw_graph(y, collapse="pairs").source
    assert "<b>pair a</b>" in source and "<b>pair b</b>" in source
    assert f">{number(a1.grad + a2.grad)}</td>" in source
    assert "a pair: the sum of its grads" in source  # the legend
    assert re.search(r"^\s*g1 -> g2 \[style=invis\]", source, flags=re.M)  # one column, in order
    with pytest.raises(ValueError, match=r"collapse must be None, 'neuron', 'layer' or 'pairs'"):
        draw_graph(y, collapse="pair")


def test_collapse_without_nn_says_to_import_it():
    code = (
        "from autograd import Value, draw_graph\n"
        "try:\n    draw_graph(Value(1.0), collapse='neuron')\n"
        "except ValueError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "import nn" in out.stdout
