"""The backward pass: order, accumulation, depth, and no_grad."""

from __future__ import annotations

import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck, no_grad, topological_order

UNARY = ["exp_small", "tanh", "sigmoid", "sin", "cos", "square", "neg", "softabs"]
BINARY = ["+", "-", "*", "/safe"]


def apply_unary(name: str, v):
    if name == "exp_small":
        return (v * 0.1).exp()
    if name == "tanh":
        return v.tanh()
    if name == "sigmoid":
        return v.sigmoid()
    if name == "sin":
        return v.sin()
    if name == "cos":
        return v.cos()
    if name == "square":
        return v**2
    if name == "neg":
        return -v
    return (v * v + 1).sqrt()  # smooth |v|


def apply_binary(name: str, a, b):
    if name == "+":
        return a + b
    if name == "-":
        return a - b
    if name == "*":
        return a * b
    return a / (b * b + 1)


def random_dag(seed: int, n_inputs: int, n_ops: int):
    """An expression that reuses earlier nodes at random (shared subexpressions)."""
    rng = random.Random(seed)

    def f(*inputs):
        nodes = list(inputs)
        for _ in range(n_ops):
            if rng.random() < 0.4:
                nodes.append(apply_unary(rng.choice(UNARY), rng.choice(nodes)))
            else:
                nodes.append(apply_binary(rng.choice(BINARY), rng.choice(nodes), rng.choice(nodes)))
        return sum(nodes[-3:], nodes[0]).tanh()

    return f, rng


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=4))
@settings(max_examples=60, deadline=None)
def test_random_dags_with_shared_subexpressions_pass_gradcheck(seed, n_inputs):
    data_rng = random.Random(seed + 1)
    inputs = [Value(data_rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(n_inputs)]
    state = {"seed": seed}

    def f(*xs):
        g, _ = random_dag(state["seed"], n_inputs, 25)  # same structure on every call
        return g(*xs)

    assert gradcheck(f, inputs)


def test_gradcheck_reports_each_wrong_gradient_by_label():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    wrong = Value(0.0)

    def f(a, b):
        out = a * b
        if out.inputs:  # recorded (not under gradcheck's no_grad): break d/da only
            out.local_grads = (5.0, out.local_grads[1])
        return out + wrong

    with pytest.raises(AssertionError) as err:
        gradcheck(f, [x, y])
    assert "'x'" in str(err.value) and "1.0" in str(err.value)
    assert "'y'" not in str(err.value)
    assert x.grad == 0.0 and x.data == 1.0  # left as they were


def test_gradcheck_rejects_bad_arguments():
    with pytest.raises(TypeError, match="Values"):
        gradcheck(lambda a: a, [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="return a Value"):
        gradcheck(lambda a: 3.0, [Value(1.0)])  # type: ignore[arg-type,return-value]


def test_a_reused_node_accumulates_every_path():
    x = Value(3.0)
    y = x * x * x  # x used three times
    y.backward()
    assert x.grad == 27.0


def test_backward_twice_gives_leaves_exactly_twice_the_gradient():
    x = Value(0.7, label="x")
    h = x.tanh()
    y = h * h + h * x + (h * 3).exp()  # h reused many times
    y.backward()
    first = x.grad
    h_grad = h.grad
    y.backward()
    assert x.grad == 2 * first
    assert h.grad == h_grad  # intermediates are recomputed, not accumulated


def test_backward_with_a_seed_scales_every_gradient():
    x, w = Value(2.0), Value(-3.0)
    (x * w + 1).tanh().backward(grad=0.5)
    gx, gw = x.grad, w.grad
    x2, w2 = Value(2.0), Value(-3.0)
    (x2 * w2 + 1).tanh().backward()
    assert gx == pytest.approx(0.5 * x2.grad) and gw == pytest.approx(0.5 * w2.grad)


def test_backward_on_a_leaf_accumulates_the_seed():
    x = Value(1.0)
    x.backward()
    x.backward(2.0)
    assert x.grad == 3.0


def test_topological_order_lists_inputs_before_the_nodes_that_use_them():
    f, _ = random_dag(7, 3, 60)
    xs = [Value(0.1 * i) for i in range(3)]
    root = f(*xs)
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert order[-1] is root
    for node in order:
        for child in node.inputs:
            assert position[child] < position[node]


def test_a_million_node_chain_with_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001**1_000_000, rel=1e-9)
    del y  # freeing a deep chain must not recurse either


def test_a_hundred_thousand_term_sum():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(x * x for x in xs)
    total.backward()
    assert total.data == sum(float(i) ** 2 for i in range(100_000))
    assert all(x.grad == 2 * x.data for x in xs)


def test_no_grad_records_nothing_and_restores_recording():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
        z = y.tanh()
    assert y.inputs == () and z.inputs == () and y.op == ""
    assert y.data == 7.0
    w = x * 3
    assert w.inputs[0] is x


def test_no_grad_restores_recording_after_an_error():
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert (Value(1.0) * 2).inputs != ()
