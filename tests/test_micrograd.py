"""Coming from micrograd: its names and habits work on gradstep, or say what to use.

Each test follows what micrograd's own notebooks and its lecture do with a Value or an
MLP (written here from scratch), and checks the result against an independent oracle:
gradients worked out by hand, or counted structure.
"""

from __future__ import annotations

import math
import pydoc
import random
from pathlib import Path

import pytest

import nn
from autograd import Value


def lecture_neuron() -> tuple[list[Value], Value]:
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b), at its numbers."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return [x1, x2, w1, w2, b], o


def test_a_draw_dot_style_walk_over_prev_and_op_finds_every_node_and_edge():
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    nodes: set[Value] = set()
    edges: set[tuple[Value, Value]] = set()

    def build(v: Value) -> None:  # the usual recursive walk of micrograd's drawings
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(y)
    # x, the constant 2, x*2, the constant 1, the sum, the relu: 6 nodes, 5 edges
    assert len(nodes) == 6 and len(edges) == 5
    assert sorted(n._op for n in nodes) == ["", "", "", "*", "+", "relu"]
    assert {n._op for n in nodes if not n._prev} == {""}
    assert "%.4f | %.4f" % (y.data, y.grad) == "3.0000 | 0.0000"  # noqa: UP031 (draw_dot's)


def test_prev_is_a_set_of_the_inputs_and_both_names_are_read_only():
    a = Value(3.0)
    b = a * a
    assert b._prev == {a} and isinstance(b._prev, set)
    assert b.inputs == (a, a)  # gradstep's own name keeps the order and the repeat
    assert a._prev == set() and a._op == ""
    for name in ("_prev", "_op", "_backward"):
        with pytest.raises(AttributeError):
            setattr(b, name, None)


def test_node_by_node_backward_gives_the_hand_derived_gradients():
    (x1, x2, w1, w2, b), o = lecture_neuron()
    topo: list[Value] = []
    seen: set[Value] = set()

    def build_topo(v: Value) -> None:
        if v not in seen:
            seen.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    # do/dn = 1 - o², and n = x1*w1 + x2*w2 + b
    dn = 1.0 - math.tanh(2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432) ** 2
    expected = [-3.0 * dn, 1.0 * dn, 2.0 * dn, 0.0 * dn, dn]
    manual = [v.grad for v in (x1, x2, w1, w2, b)]
    assert manual == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # and backward() agrees exactly with the walk done by hand
    leaves, o2 = lecture_neuron()
    o2.backward()
    assert [v.grad for v in leaves] == manual


def test_backward_called_by_hand_one_named_node_at_a_time():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    xw = x * w
    n = xw + 1.5
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(1.0 - math.tanh(-4.5) ** 2)
    n._backward()
    assert xw.grad == n.grad
    xw._backward()
    assert (x.grad, w.grad) == (pytest.approx(-3.0 * n.grad), pytest.approx(2.0 * n.grad))
    before = (x.grad, w.grad)
    x._backward()  # a leaf has no chain rule to apply
    assert (x.grad, w.grad) == before


def test_a_value_used_twice_gets_both_contributions_through_backward_by_hand():
    a = Value(3.0, label="a")
    b = a + a
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0


def test_constants_are_marked_by_the_engine_and_values_the_user_made_are_not():
    x = Value(0.25)
    y = 2 * x + Value(1.0)
    two = y.inputs[0].inputs[0]
    assert two.data == 2.0 and two.is_constant
    assert not x.is_constant and not y.inputs[1].is_constant and not y.is_constant
    assert not Value(5.0, label="").is_constant
    assert (x ** 3).inputs[1].is_constant
    with pytest.raises(AttributeError):
        x.is_constant = True  # type: ignore[misc]


def test_grad_set_to_none_counts_as_no_gradient_yet():
    w = Value(2.0, label="w")
    w.grad = None  # type: ignore[assignment]
    (w * w).backward()
    assert w.grad == 4.0
    w.grad = None  # type: ignore[assignment]
    w.backward()  # a leaf as the root
    assert w.grad == 1.0
    w.grad = None  # type: ignore[assignment]
    y = w * 3.0
    y.grad = 1.0
    y._backward()  # and node by node
    assert w.grad == 3.0
    y.grad = None  # type: ignore[assignment]
    y._backward()
    assert w.grad == 3.0


def test_bool_is_nonzero_data_and_round_rounds_the_data():
    assert not Value(0.0) and not Value(-0.0) and Value(1e-300) and Value(-2.0)
    assert round(Value(2.6)) == 3 and isinstance(round(Value(2.6)), int)
    assert round(Value(2.675), 2) == round(2.675, 2)
    assert round(Value(-1.5)) == -2  # Python's rounding of halves to even


def test_help_describes_every_attribute_and_the_constructor():
    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    for name in ("data", "grad", "label", "op", "inputs", "local_grads"):
        block = text.split(f"\n |  {name}\n", 1)
        assert len(block) == 2, name
        assert block[1].lstrip(" |").strip(), f"{name} has no description"
    assert "Initialize self" not in text
    assert "zero_grad()" in text and "call `zero_grad`" not in text


def test_help_describes_formatting_truth_float_and_how_values_compare():
    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    assert "Default object formatter" not in text
    for method in ("__format__", "__bool__", "__float__"):
        after = text.split(f"\n |  {method}(", 1)[1].split("\n", 2)[1]
        assert after.strip(" |"), f"{method} has no docstring"
    said = " ".join(text.replace("|", " ").split())
    assert "`==` and hash are by identity" in said and "`< <= > >=` compare `.data`" in said
    a, b = Value(1.0), Value(1.0)  # what the class docstring says holds
    assert a != b and len({a, b}) == 2 and a <= b and not a < b
    assert f"{a:.2f}" == "1.00" and f"{a}" == repr(a) and float(a) == 1.0


def test_micrograd_constructor_with_children_says_what_to_do():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(TypeError, match=r"a \+ b.*inputs.*_prev"):
        Value(3.0, (a, b))  # type: ignore[arg-type]
    for children in [(a, b), {a, b}, [a, b], ()]:  # the three-argument form says the same
        with pytest.raises(TypeError, match=r"a \+ b.*inputs.*_prev"):
            Value(3.0, children, "+")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"second argument is a label.*operations"):
        Value(3.0, "c", "+")
    assert Value(3.0, "c").label == "c"


def test_a_bool_is_refused_with_the_float_hint():
    with pytest.raises(TypeError, match=r"write 1\.0 \(or float\(x\)\)"):
        Value(True)
    with pytest.raises(TypeError, match=r"write 0\.0"):
        Value(1.0) * False


# -- nn: micrograd's Neuron, Layer and MLP ------------------------------------------------


def test_nonlin_true_is_relu_and_false_is_linear():
    n = nn.Neuron(2, nonlin=True, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, -1.0, 0.5
    assert n.activation == "relu"
    assert n([1.0, 3.0]).data == 0.0  # relu(1 - 3 + 0.5)
    assert n([3.0, 1.0]).data == 2.5
    linear = nn.Neuron(2, nonlin=False, seed=0)
    linear.w[0].data, linear.w[1].data = 1.0, -1.0
    assert linear.activation is None and linear([1.0, 3.0]).data == -2.0
    assert [x.activation for x in nn.Layer(2, 3, nonlin=False, seed=0).neurons] == [None] * 3
    model = nn.MLP(2, [4, 4, 1], nonlin=True, seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", None]
    assert repr(model) == "MLP(2 -> [4 relu, 4 relu, 1 linear], 37 parameters)"


def test_nonlin_and_activation_that_disagree_are_refused():
    for cls, args in ((nn.Neuron, (2,)), (nn.Layer, (2, 3)), (nn.MLP, (2, [3, 1]))):
        with pytest.raises(ValueError, match="disagree"):
            cls(*args, activation="tanh", nonlin=True)
        with pytest.raises(ValueError, match="disagree"):
            cls(*args, activation="relu", nonlin=False)
        assert cls(*args, activation="relu", nonlin=True, seed=0).activation == "relu"
    with pytest.raises(TypeError, match="True or False"):
        nn.Neuron(2, nonlin="relu")  # type: ignore[arg-type]


def test_an_unseeded_model_is_repeated_by_random_seed_as_in_micrograd():
    random.seed(1337)
    first = [p.data for p in nn.MLP(2, [16, 16, 1], nonlin=True, init="uniform").parameters()]
    random.seed(1337)
    again = [p.data for p in nn.MLP(2, [16, 16, 1], nonlin=True, init="uniform").parameters()]
    assert first == again
    # the draws are micrograd's: nin uniform(-1, 1) weights per neuron, the bias at 0
    random.seed(1337)
    expected = [random.uniform(-1, 1) for _ in range(2)] + [0.0]
    assert first[:3] == expected


def test_a_seeded_model_neither_reads_nor_moves_the_global_generator():
    random.seed(7)
    state = random.getstate()
    a = [p.data for p in nn.MLP(3, [4, 1], seed=5).parameters()]
    assert random.getstate() == state
    random.seed(8)
    assert [p.data for p in nn.MLP(3, [4, 1], seed=5).parameters()] == a


@pytest.mark.parametrize("cls, args", [(nn.Neuron, (16,)), (nn.Layer, (16, 16))])
def test_init_sets_the_range_of_the_first_weights(cls, args):
    def weights(model):
        return [p.data for p in model.parameters() if not p.label.endswith(".b")]

    scaled = weights(cls(*args, seed=0))
    uniform = weights(cls(*args, seed=0, init="uniform"))
    assert max(map(abs, scaled)) <= 1 / math.sqrt(16)
    assert max(map(abs, uniform)) <= 1.0
    assert max(map(abs, uniform)) > 0.5  # 16+ draws from (-1, 1): all below 0.5 has p < 1e-4
    with pytest.raises(ValueError, match=r"unknown init 'normal'.*'uniform'"):
        cls(*args, init="normal")


def test_an_optimizer_takes_a_grad_of_none_as_no_gradient_yet():
    for make in (lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9), lambda ps: nn.Adam(ps, lr=0.1)):
        w, v = Value(1.0), Value(2.0)
        w.grad, v.grad = None, 0.5  # type: ignore[assignment]
        opt = make([w, v])
        opt.step()
        assert w.data == 1.0 and v.data < 2.0
        opt.zero_grad()
        assert (w.grad, v.grad) == (0.0, 0.0)
    w.grad = None  # type: ignore[assignment]
    assert nn.clip_grad_norm([w], 1.0) == 0.0


def micrograd_demo(value_class, model, steps):
    """micrograd's demo loop on the moons: hinge loss, L2, decaying lr; each step's
    loss, and the accuracy at the last step."""
    X, y = nn.datasets.make_moons(n=100, noise=0.1, seed=0)
    y = [2 * t - 1 for t in y]
    losses = []
    for k in range(steps):
        scores = [model([value_class(a) for a in x]) for x in X]
        data = sum((1 + -t * s).relu() for t, s in zip(y, scores)) * (1.0 / len(X))
        total = data + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(total.data)
    return losses, sum((t > 0) == (s.data > 0) for t, s in zip(y, scores)) / len(y)


def test_micrograd_settings_reproduce_micrograd_demo_losses():
    mg_engine = pytest.importorskip("micrograd.engine")
    mg_nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs, _ = micrograd_demo(mg_engine.Value, mg_nn.MLP(2, [16, 16, 1]), 4)
    random.seed(1337)
    ours, _ = micrograd_demo(Value, nn.MLP(2, [16, 16, 1], nonlin=True, init="uniform"), 4)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    assert theirs[-1] < theirs[0]  # it trains: not two equal but idle runs


# -- drawing ------------------------------------------------------------------------------


def test_an_unlabelled_value_the_user_made_is_drawn_with_its_grad_not_as_a_constant():
    pytest.importorskip("graphviz")
    from autograd import draw_graph

    a = Value(0.25)
    z = (a * a).relu() + 1
    z.backward()
    source = draw_graph(z).source
    assert 'tooltip="0.25: input, data 0.25, grad 0.5"' in source  # d(a²)/da = 2a
    assert 'tooltip="the constant 1"' in source
    assert "the constant 0.25" not in source


def test_the_numbers_losses_add_are_constants_not_inputs():
    pytest.importorskip("graphviz")
    from autograd import draw_graph

    p = Value(0.5, label="p")
    loss = nn.mse_loss([p], [1.0])
    source = draw_graph(loss).source
    assert 'tooltip="0: input' not in source  # the sum's start is not something you made
    assert 'tooltip="the constant 0"' in source


def test_format_is_what_render_writes(tmp_path):
    pytest.importorskip("graphviz")
    import shutil

    from autograd import draw_graph

    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    assert draw_graph(y).format == "pdf"  # graphviz's default, as before
    g = draw_graph(y, format="svg")
    assert g.format == "svg"
    with pytest.raises(ValueError, match="format"):
        draw_graph(y, format="sv")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    written = g.render(tmp_path / "gout")
    assert written.endswith("gout.svg") and (tmp_path / "gout.svg").read_text().startswith("<")


def test_the_readme_states_the_moons_its_demo_figures_hold_for_and_they_do():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Coming from micrograd")[1].split("\n## ")[0]
    said = " ".join(section.split())
    dataset = "nn.datasets.make_moons(n=100, noise=0.1, seed=0)"
    assert dataset in said and "random.seed(1337)" in said
    assert "88% accuracy at step 99" in said and "reach its 100%" in said
    assert "only their imports changed" not in said  # a network also needs the one-line change
    random.seed(1337)
    assert micrograd_demo(Value, nn.MLP(2, [16, 16, 1]), 100)[1] == 0.88
    random.seed(1337)
    micrograds = nn.MLP(2, [16, 16, 1], nonlin=True, init="uniform")
    assert micrograd_demo(Value, micrograds, 100)[1] == 1.0
