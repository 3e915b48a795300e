"""Drawing: the DOT source, rendering, the backward step-through, the network picture."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, backward_player, backward_steps, draw_graph, save, topological_order
from tests.test_backward import random_dag

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


def count_records(source: str) -> int:
    return len(re.findall(r"^\s*v\d+ \[", source, flags=re.M))


def count_ops(source: str) -> int:
    return len(re.findall(r"^\s*op\d+ \[", source, flags=re.M))


def test_source_shows_every_node_with_label_data_grad_and_op():
    *_, y = small_graph()
    y.backward()
    nodes = topological_order(y)
    source = draw_graph(y).source
    assert count_records(source) == len(nodes)
    assert count_ops(source) == sum(1 for n in nodes if n.inputs)
    edges = source.count("->")
    assert edges == sum(len(n.inputs) + 1 for n in nodes if n.inputs)
    for node in nodes:
        if node.label:
            assert f"<td>{node.label}</td>" in source
        assert f"data {node.data:.4g}" in source
        assert f"grad {node.grad:.4g}" in source
    for op in ("*", "+", "tanh"):
        assert f"label={op}" in source or f'label="{op}"' in source


@pytest.mark.parametrize("label", ['say "hi"', "<b>", "{a|b}", "back\\slash", "a & b"])
def test_awkward_labels_are_escaped(label):
    x = Value(1.0, label=label)
    y = x * 2
    source = draw_graph(y).source
    import html

    assert f"<td>{html.escape(label)}</td>" in source


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
    assert "image/svg+xml" in graph._repr_mimebundle_()


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


def test_max_nodes_refuses_big_graphs_and_says_what_to_do():
    model = nn.MLP(2, [32, 32, 1], seed=0)
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    with pytest.raises(ValueError, match=r"more than max_nodes=500.*around=node.*collapse"):
        draw_graph(loss)


def test_collapse_draws_one_box_per_neuron_or_layer():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = (model([0.5, 0.5]) - 1.0) ** 2
    loss.backward()
    by_neuron = draw_graph(loss, collapse="neuron").source
    groups = set(re.findall(r"^\s*\"?group_(L\d\.N\d+)\"? \[", by_neuron, flags=re.M))
    assert groups == {f"L1.N{i}" for i in range(1, 17)} | {f"L2.N{i}" for i in range(1, 17)} | {
        "L3.N1"
    }
    by_layer = draw_graph(loss, collapse="layer").source
    assert set(re.findall(r"^\s*\"?group_(L\d)\"? \[", by_layer, flags=re.M)) == {"L1", "L2", "L3"}
    assert count_records(by_layer) < 10  # inputs, the target, the loss nodes


def test_around_draws_only_the_neighbourhood():
    x, _w, _b, _n, y = small_graph()
    source = draw_graph(y, around=x, depth=1).source
    assert count_records(source) == 2  # x and x*w
    assert "<td>w</td>" not in source
    with pytest.raises(ValueError, match="around="):
        draw_graph(y, around=Value(1.0))


def test_color_by_grad_fills_the_largest_gradient_darkest():
    x, _w, _b, _n, y = small_graph()
    y.backward()
    source = draw_graph(y, color_by_grad=True).source
    largest = max(topological_order(y), key=lambda v: abs(v.grad))
    assert largest is x
    assert re.search(r'bgcolor="#ff8c00"><tr><td>x</td>', source)


def test_bad_options_are_rejected():
    *_, y = small_graph()
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="XY")
    with pytest.raises(ValueError, match="collapse"):
        draw_graph(y, collapse="neurons")
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)  # type: ignore[arg-type]


# -- stepping through backward ------------------------------------------------------------


@given(st.integers(min_value=0, max_value=5000))
@settings(max_examples=40, deadline=None)
def test_backward_steps_end_with_the_same_grads_as_backward(seed):
    f, _ = random_dag(seed, 3, 20)
    rng = random.Random(seed)
    xs = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(3)]
    root = f(*xs)
    root.backward()
    expected = {node: node.grad for node in topological_order(root)}
    for node in expected:
        if not node.inputs:
            node.grad = 0.0  # leaves (inputs and constants) accumulate across passes
    steps = list(backward_steps(root))
    order = [s.node for s in steps]
    assert len(order) == len(expected)
    position = {node: i for i, node in enumerate(order)}
    for node in order:  # every node after all the nodes that use it
        for child in node.inputs:
            assert position[child] > position[node]
    for node, grad in expected.items():
        assert node.grad == pytest.approx(grad, rel=1e-12, abs=1e-15)


def test_a_step_shows_the_product_rule_and_accumulation():
    x = Value(3.0, label="x")
    y = x * x
    first = next(backward_steps(y))
    assert first.node is y and first.grad == 1.0
    assert [c.product for c in first.contributions] == [3.0, 3.0]
    assert [c.input_grad_after for c in first.contributions] == [3.0, 6.0]
    assert "x: local 3 x upstream 1 = 3, so its grad is now 6" in str(first)


def test_highlight_marks_the_current_node_and_blanks_unfinished_grads():
    _x, _w, b, n, y = small_graph()
    steps = list(backward_steps(y))
    step = next(s for s in steps if s.node is n)
    source = draw_graph(y, highlight=step).source
    assert source.count('border="3" color="#d62728"') == 1
    assert source.count('color="#d62728" dir=back') == 2  # n sends gradient to its 2 inputs
    assert "<td>x</td><td>data 2</td><td>grad &nbsp;" in source  # not final yet
    assert f"<td>n</td><td>data {n.data:.4g}</td><td>grad {n.grad:.4g}</td>" in source
    # b's only user is n, which has just passed its share on: b's grad is final
    assert f"<td>b</td><td>data {b.data:.4g}</td><td>grad {b.grad:.4g}</td>" in source


@needs_dot
def test_the_html_player_has_one_frame_per_step(tmp_path):
    x, w, _b, n, y = small_graph()
    player = backward_player(y)
    steps = len(topological_order(y))
    html_text = player.to_html()
    assert html_text.count('class="frame"') == steps
    assert html_text.count("<svg") == steps
    assert 'type="range"' in html_text and "previous" in html_text and "next" in html_text
    assert player._repr_html_() == html_text
    assert "<svg" in player.save(tmp_path / "player.html").read_text()
    assert x.grad == pytest.approx(w.data * n.grad)  # playing it ran the backward pass


@needs_dot
def test_the_player_refuses_too_many_frames():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="max_frames"):
        backward_player(model([1.0, 2.0]), max_frames=5)


# -- the network picture ------------------------------------------------------------------


def test_draw_network_has_a_node_per_neuron_and_an_edge_per_weight():
    model = nn.MLP(2, [4, 4, 1], seed=0)
    model([0.3, -0.7]).backward()
    source = nn.draw_network(model).source
    neurons = re.findall(r"^\s*(x\d+|L\d+N\d+) \[", source, flags=re.M)
    assert len(neurons) == 2 + 4 + 4 + 1
    assert source.count("->") == 2 * 4 + 4 * 4 + 4 * 1


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


@needs_dot
def test_draw_network_renders(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    assert "<svg" in save(nn.draw_network(model), tmp_path / "net.svg").read_text()
