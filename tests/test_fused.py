"""The n-ary ops (total, dot) against the same math written with + and *."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, backward_steps, dot, draw_graph, gradcheck, topological_order, total

floats = st.floats(min_value=-3.0, max_value=3.0)


@given(st.lists(floats, min_size=1, max_size=12))
@settings(max_examples=80, deadline=None)
def test_total_equals_a_chain_of_additions(numbers):
    fused = [Value(x) for x in numbers]
    chained = [Value(x) for x in numbers]
    a = total(fused)
    b = sum(chained[1:], chained[0])
    assert a.data == pytest.approx(b.data, abs=1e-12)
    (a * a).backward()
    (b * b).backward()
    for f, c in zip(fused, chained):
        assert f.grad == pytest.approx(c.grad, abs=1e-12)


@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=12), floats)
@settings(max_examples=80, deadline=None)
def test_dot_equals_the_written_out_weighted_sum(pairs, bias):
    w1 = [Value(w) for w, _ in pairs]
    x1 = [Value(x) for _, x in pairs]
    b1 = Value(bias)
    w2 = [Value(w) for w, _ in pairs]
    x2 = [Value(x) for _, x in pairs]
    b2 = Value(bias)
    fused = dot(w1, x1, b1).tanh()
    unfused = sum((w * x for w, x in zip(w2, x2)), b2).tanh()
    assert fused.data == pytest.approx(unfused.data, abs=1e-12)
    fused.backward()
    unfused.backward()
    for a, b in zip([*w1, *x1, b1], [*w2, *x2, b2]):
        assert a.grad == pytest.approx(b.grad, abs=1e-12)


def test_dot_and_total_pass_gradcheck_with_reused_inputs():
    rng = random.Random(0)
    xs = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    f = lambda a, b, c, d: dot([a, b, a], [c, d, b], c).sin() * total([a, b, a, d, 2.0])
    assert gradcheck(f, xs)


def test_dot_with_itself_gives_twice_the_value():
    ps = [Value(1.5), Value(-2.0)]
    dot(ps, ps).backward()  # sum of squares
    assert [p.grad for p in ps] == [3.0, -4.0]


def test_fused_and_unfused_neurons_agree_to_1e_12():
    rng = random.Random(3)
    for activation in ("tanh", "relu", "sigmoid", None):
        neuron = nn.Neuron(5, activation=activation, seed=rng.randrange(1000))
        x = [Value(rng.uniform(-2, 2)) for _ in range(5)]
        out = neuron(x)
        out.backward()
        fused = [p.grad for p in neuron.parameters()] + [v.grad for v in x]
        neuron.zero_grad()
        x2 = [Value(v.data) for v in x]
        z = sum((w * xi for w, xi in zip(neuron.w, x2)), neuron.b)
        written = z if activation is None else getattr(z, activation)()
        written.backward()
        unfused = [p.grad for p in neuron.parameters()] + [v.grad for v in x2]
        assert out.data == pytest.approx(written.data, abs=1e-12)
        assert fused == pytest.approx(unfused, abs=1e-12)


def test_a_neuron_is_one_dot_node_in_the_graph():
    neuron = nn.Neuron(3, activation="tanh", seed=0)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op == "tanh" and out.inputs[0].op == "dot"
    assert len(out.inputs[0].inputs) == 2 * 3 + 1


def test_steps_and_drawing_work_on_fused_graphs():
    neuron = nn.Neuron(2, activation="tanh", seed=0, name="N")
    out = neuron([0.5, -1.0])
    steps = list(backward_steps(out))
    dot_step = next(s for s in steps if s.node.op == "dot")
    assert len(dot_step.contributions) == 5
    source = draw_graph(out).source
    assert 'label="w·x+b"' in source and "<b>N.w1</b>" in source
    assert source.count("->") == sum(len(n.inputs) + 1 for n in topological_order(out) if n.inputs)


def test_dot_and_total_reject_bad_input():
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot([Value(1.0)], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="at least one"):
        dot([], [])
    with pytest.raises(ValueError, match="at least one"):
        total([])
    with pytest.raises(TypeError, match="unsupported operand"):
        total([Value(1.0), "2"])  # type: ignore[list-item]
