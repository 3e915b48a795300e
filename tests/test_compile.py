"""Compiled gradients: the generated code computes what the graph and backward() compute.

The oracle is the graph path itself (an independent mechanism: nodes, the walk,
local gradients stored at forward time), compared bit for bit, plus analytic
derivatives where they are simple.
"""

from __future__ import annotations

import importlib
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import DERIVATIVES, Value, dot, no_grad, total
from autograd.codegen import HELPERS, SUM_IS_LEFT_TO_RIGHT
from autograd.compile import compile
from autograd.symbolic import Code, local_derivatives, print_tree
from tests.test_backward import random_dag

# the module whose SUM_IS_LEFT_TO_RIGHT a test switches
codegen_module = importlib.import_module("autograd.codegen")


def graph_path(fn, args, labels=()):
    """Value and gradients the slow way: build the graph, walk it back."""
    leaves = [Value(a, label) for a, label in zip(args, labels or [""] * len(args))]
    out = fn(*leaves)
    out.backward()
    return out.data, tuple(leaf.grad for leaf in leaves)


def same_bits(a, b):
    return repr(a) == repr(b)  # floats compared bit for bit (0.0 vs -0.0 too)


def outcome(run, point):
    """What a run gives at a point: its result, or the error it raises."""
    try:
        return run(point)
    except (ArithmeticError, ValueError) as e:
        return type(e), str(e)


def assert_compiled_equals_graph(fn, trace_at, points):
    compiled = compile(fn, *trace_at)
    labels = compiled.arg_names
    for point in points:
        got = outcome(lambda p: compiled(*p), point)
        expected = outcome(lambda p: graph_path(fn, p, labels), point)
        if isinstance(expected[0], float):  # a value and its gradients
            assert same_bits(got[0], expected[0]), (point, got, expected)
        assert got == expected, (point, got, expected)  # or the same error
    return compiled


finite = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.05, max_value=4.0)
negative = st.floats(min_value=-4.0, max_value=-0.05)

# (name, function, strategy for each argument, trace point): traced at one point,
# then checked at many others, on both sides of every kink and branch.
OPS = [
    ("+", lambda a, b: a + b, (finite, finite), (1.0, 2.0)),
    ("-", lambda a, b: a - b, (finite, finite), (1.0, 2.0)),
    ("*", lambda a, b: a * b, (finite, finite), (1.0, 2.0)),
    ("/", lambda a, b: a / b, (finite, positive | negative), (1.0, 2.0)),
    ("** int", lambda a: a**3, (finite,), (2.0,)),
    ("** -int", lambda a: a**-2, (positive | negative,), (2.0,)),
    ("** fraction", lambda a: a**0.5, (positive,), (2.0,)),
    ("** value", lambda a, b: a**b, (positive, finite), (2.0, 3.0)),
    ("number ** value", lambda b: 2.0**b, (finite,), (3.0,)),
    ("neg", lambda a: -a, (finite,), (1.0,)),
    ("abs", abs, (finite,), (1.0,)),
    ("exp", Value.exp, (finite,), (1.0,)),
    ("log", Value.log, (positive,), (1.0,)),
    ("sqrt", Value.sqrt, (positive,), (1.0,)),
    ("tanh", Value.tanh, (finite,), (1.0,)),
    ("sigmoid", Value.sigmoid, (finite,), (1.0,)),
    ("relu", Value.relu, (finite,), (1.0,)),
    ("sin", Value.sin, (finite,), (1.0,)),
    ("cos", Value.cos, (finite,), (1.0,)),
    ("total", lambda a, b, c: total([a, b, c, a]), (finite, finite, finite), (1.0, 2.0, 3.0)),
    ("dot", lambda a, b, c: dot([a, b], [c, a], b), (finite, finite, finite), (1.0, 2.0, 3.0)),
    ("constant operands", lambda a: (3.0 - a) / 2.0 + 2.0 * a - (-a), (finite,), (1.0,)),
]


@pytest.mark.parametrize("name, fn, strategies, trace_at", OPS, ids=[op[0] for op in OPS])
def test_every_op_compiles_to_the_graphs_value_and_gradient_at_new_points(
    name, fn, strategies, trace_at
):
    compiled = compile(fn, *trace_at)

    @settings(max_examples=80, deadline=None)
    @given(st.tuples(*strategies))
    def check(point):
        value, grads = compiled(*point)
        expected_value, expected_grads = graph_path(fn, point)
        assert same_bits(value, expected_value)
        assert grads == expected_grads

    check()


@pytest.mark.parametrize("name", ["relu", "abs", "sigmoid"])
def test_kinks_and_branches_are_conditionals_right_on_both_sides(name):
    fn = {"relu": Value.relu, "abs": abs, "sigmoid": Value.sigmoid}[name]
    points = [(-2.5,), (-1e-300,), (0.0,), (-0.0,), (1e-300,), (2.5,)]
    for trace_at in points:  # wherever it is traced, every side is right
        assert_compiled_equals_graph(fn, trace_at, points)
    slopes = {"relu": (0.0, 0.0, 1.0), "abs": (-1.0, 0.0, 1.0)}
    if name in slopes:
        compiled = compile(fn, 5.0)
        assert tuple(compiled(x)[1][0] for x in (-1.0, 0.0, 1.0)) == slopes[name]


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=4))
@settings(max_examples=60, deadline=None)
def test_random_dags_with_shared_nodes_compile_bit_for_bit(seed, n_inputs):
    def fn(*xs):
        g, _ = random_dag(seed, n_inputs, 30)  # same structure on every call
        return g(*xs)

    rng = random.Random(seed + 1)
    trace_at = [rng.uniform(-1.5, 1.5) for _ in range(n_inputs)]
    points = [[rng.uniform(-1.5, 1.5) for _ in range(n_inputs)] for _ in range(8)]
    compiled = assert_compiled_equals_graph(fn, trace_at, points)
    # and, independently of any graph, against central differences of its own values
    for point in points[:2]:
        try:
            _, grads = compiled(*point)
        except (ArithmeticError, ValueError):
            continue
        for i, g in enumerate(grads):
            h = 1e-6
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            slope = (compiled(*up)[0] - compiled(*down)[0]) / (2 * h)
            assert g == pytest.approx(slope, rel=1e-4, abs=1e-5)


def test_a_network_of_relu_neurons_matches_at_points_with_other_dead_units():
    rng = random.Random(3)
    w = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(6)]

    def net(a, b, c):
        hidden = [dot(ws, [a, b, c], 0.1).relu() for ws in w]
        return (total(hidden) - 1.0).relu() + abs(hidden[0] - hidden[1])

    points = [[rng.uniform(-3, 3) for _ in range(3)] for _ in range(200)]
    assert_compiled_equals_graph(net, points[0], points)


def test_the_gradient_code_comes_from_the_derivative_table(monkeypatch):
    """Change a rule in the table: the generated code and its gradients follow."""
    fn = lambda x: x.tanh()
    before = compile(fn, 0.5)
    assert "1.0 - v1 * v1" in before.source
    monkeypatch.setitem(DERIVATIVES, "tanh", lambda x, y: (3.0 * x + y,))
    after = compile(fn, 0.5)
    assert "3.0 * x + v1" in after.source and "1.0 - v1 * v1" not in after.source
    _value, (slope,) = after(0.25)
    assert slope == 3.0 * 0.25 + math.tanh(0.25)
    monkeypatch.setitem(DERIVATIVES, "relu", lambda x, y: (7.0,) if x < -1 else (5.0,))
    assert compile(Value.relu, 0.5)(-2.0)[1] == (7.0,)
    assert compile(Value.relu, 0.5)(2.0)[1] == (5.0,)


@pytest.mark.parametrize("op", sorted(set(DERIVATIVES) - {"total", "dot"}))
def test_each_rule_printed_as_code_evaluates_to_the_rule_itself(op):
    """For every op of the table: the code the generator prints for its local
    derivatives, run at many points, equals the rule run on the same floats."""
    arity = 2 if op in ("+", "-", "*", "/", "**") else 1
    names = [*["a", "b"][:arity], "y"]
    trees = local_derivatives(op, [Code(n) for n in names])
    code = [print_tree(t) for t in trees]
    rng = random.Random(0)
    for _ in range(300):
        point = [rng.choice([rng.uniform(-3, 3), 0.0, 1.0, -1.0]) for _ in names]
        if op == "**":
            point[0] = abs(point[0])
        scope = {**HELPERS, **dict(zip(names, point))}
        try:
            expected = DERIVATIVES[op](*point)
        except (ArithmeticError, ValueError):
            continue
        assert tuple(eval(c, scope) for c in code) == expected, (op, point, code)


def test_generated_code_parenthesises_only_where_python_would_regroup():
    a, b, c = Code("a"), Code("b"), Code("c")
    cases = {  # the grouping meant, as a function of numbers -> the code written for it
        "a ** b ** c": lambda a, b, c: a ** (b**c),
        "(a ** b) ** c": lambda a, b, c: (a**b) ** c,
        "-a ** b": lambda a, b, c: -(a**b),
        "(-a) ** b": lambda a, b, c: (-a) ** b,
        "a ** -b": lambda a, b, c: a ** (-b),
        "(a * b) ** c": lambda a, b, c: (a * b) ** c,
        "a ** (b * c)": lambda a, b, c: a ** (b * c),
        "a - (b - c)": lambda a, b, c: a - (b - c),
        "a / (b / c)": lambda a, b, c: a / (b / c),
        "a - b - c": lambda a, b, c: (a - b) - c,
    }
    point = {"a": 1.7, "b": 2.3, "c": 0.6}
    for text, meant in cases.items():
        assert str(meant(a, b, c)) == text
        assert eval(text, {}, point) == meant(**point)  # Python reads it as meant
    source = compile(lambda a, b, c: -(a**2) + (-a) ** 2 * c**b**c, 1.5, 2.0, 0.5).source
    assert "v2 = -v1" in source and "v4 = v3 ** 2.0" in source and "v6 = power(c, v5)" in source
    assert "grad_c = 0.0 if v5 == 0.0 else grad_v6 * (v5 * c ** (v5 - 1.0))" in source
    assert "grad_v3 = grad_v4 * (2.0 * v3 ** 1.0)" in source


def test_source_reads_like_the_chain_rule_and_is_short():
    x, w, b = 2.0, -3.0, 1.0
    compiled = compile(lambda x, w, b: (x * w + b).tanh(), x, w, b)
    source = compiled.source
    assert "grad_v2 = grad_v3 * (1.0 - v3 * v3)" in source
    assert "grad_x = grad_v1 * w" in source and "grad_w = grad_v1 * x" in source
    assert len(source.splitlines()) <= 20


def test_names_come_from_labels_and_argument_names():
    def neuron(x, weight, bias):
        n = x * weight + bias
        n.label = "n"
        out = n.relu()
        out.label = "L1.N1"  # not an identifier: made into one
        return out

    source = compile(neuron, 1.0, 2.0, 3.0).source
    assert source.startswith("def neuron(x, weight, bias):")
    assert "n = v1 + bias" in source and "L1_N1 = n if n > 0.0 else 0.0" in source
    assert "grad_n = grad_L1_N1 if n > 0 else 0.0" in source
    labelled_badly = compile(lambda *xs: xs[0] * xs[1], 1.0, 2.0).source
    assert labelled_badly.startswith("def f(x1, x2):")


def test_python_control_flow_is_frozen_at_the_trace():
    def fn(x):
        return x * x if x.data > 0 else -x  # decided once, when traced

    compiled = compile(fn, 2.0)
    assert compiled(-3.0) == (9.0, (-6.0,))  # the x > 0 branch, although x < 0 now
    assert graph_path(fn, [-3.0]) == (3.0, (-1.0,))


def test_a_value_computed_from_data_is_a_constant_of_the_trace():
    compiled = compile(lambda x: x - x.data, 2.0)  # x.data is the number 2.0 here
    assert compiled(5.0) == (3.0, (1.0,))


def test_domain_errors_at_new_points_raise_what_the_graph_raises():
    fn = lambda x, y: (x / y).log() + (x * y + 4.0).sqrt()
    compiled = compile(fn, 2.0, 3.0)
    for point in [(2.0, 0.0), (-2.0, 3.0), (0.0, 3.0), (-3.0, 3.0)]:
        with pytest.raises((ValueError, ZeroDivisionError)) as compiled_error:
            compiled(*point)
        with pytest.raises(type(compiled_error.value)) as graph_error:
            graph_path(fn, point, labels=("x", "y"))
        assert str(compiled_error.value) == str(graph_error.value)
    with pytest.raises(ValueError, match="negative base to a fractional power"):
        compile(lambda x: x**0.5, 4.0)(-4.0)
    with pytest.raises(ValueError, match="base must be > 0"):
        compile(lambda x, p: x**p, 4.0, 2.0)(-4.0, 2.0)
    with pytest.raises(ZeroDivisionError, match="negative power"):
        compile(lambda x: x**-1, 4.0)(0.0)


def test_an_overflow_raises_even_where_a_later_op_would_hide_it():
    compiled = compile(lambda x: (x * x * x).tanh(), 1.0)  # tanh(inf) would be 1.0
    with pytest.raises(OverflowError, match="'\\*' overflowed"):
        compiled(1e103)
    with pytest.raises(OverflowError, match="exp overflows"):
        compile(lambda x: (x * 1000.0).exp(), 0.1)(1.0)


def test_a_gradient_that_overflows_raises_instead_of_returning_inf():
    compiled = compile(lambda x: x.log(), 1.0)  # d/dx = 1/x is inf at x = 1e-310
    assert compiled(1e-300)[1][0] == 1 / 1e-300
    # the engine's own words where backward() checks its leaves, else compile's
    with pytest.raises(OverflowError, match=r"gradient .*'x'.* overflowed"):
        compiled(1e-310)


def test_a_very_wide_dot_and_sum_compile_and_match():
    n = 5000
    rng = random.Random(0)
    weights = [Value(rng.uniform(-0.01, 0.01)) for _ in range(n)]

    def layer(*xs):
        return (dot(weights, xs, xs[0]) + 0.5 * total(xs)).tanh() + sum(xs[:2000], Value(0.0))

    points = [[rng.uniform(-1, 1) for _ in range(n)] for _ in range(2)]
    compiled = assert_compiled_equals_graph(layer, points[0], points)
    assert max(len(line) for line in compiled.source.splitlines()) < 1000


def test_dot_is_generated_in_the_summation_order_of_this_pythons_sum(monkeypatch):
    """dot's value is sum(products, bias); Python 3.12 made sum() of floats compensated.
    The sum() form is exact on every Python, the unrolled one where sum() adds left
    to right, which SUM_IS_LEFT_TO_RIGHT detects."""
    fn = lambda a, b, c: dot([a, b, c], [c, b, a], 0.5) * total([a, b])
    points = [(0.1, 0.2, 0.3), (1e16, 1.0, -1e16), (-2.0, 3.0, 1e-9)]
    here = sum([1e100, 1.0, -1e100]) == 0.0
    assert here == SUM_IS_LEFT_TO_RIGHT
    for left_to_right in (True, False):
        monkeypatch.setattr(codegen_module, "SUM_IS_LEFT_TO_RIGHT", left_to_right)
        compiled = compile(fn, 1.0, 2.0, 3.0)
        dot_line = compiled.source.splitlines()[1]
        assert dot_line.startswith("    v1 = ")
        assert ("sum((" in dot_line) is not left_to_right
        if here or not left_to_right:
            for point in points:
                assert compiled(*point) == graph_path(fn, point)


wide = st.floats(min_value=-1e150, max_value=1e150)  # products stay finite


@settings(max_examples=200, deadline=None)
@given(wide, wide, wide)
def test_a_one_input_dot_reads_bias_plus_product_on_every_python(w, x, b):
    """Two terms add alike in any order and with or without compensation, so the
    generated code (and the docstring example that prints it) is the same on 3.10-3.13."""
    fn = lambda w, x, b: dot([w], [x], b)
    compiled = assert_compiled_equals_graph(fn, (1.0, 2.0, 3.0), [(w, x, b)])
    assert compiled.source.splitlines()[1] == "    v1 = b + w * x"


def test_constant_and_identity_functions():
    assert compile(lambda x: x, 2.0)(5.0) == (5.0, (1.0,))
    assert compile(lambda x, y: Value(3.0) * 2.0, 1.0, 2.0)(5.0, 6.0) == (6.0, (0.0, 0.0))
    assert compile(lambda x, y: x * 2.0, 1.0, 2.0)(5.0, 6.0) == (10.0, (2.0, 0.0))


def test_bad_arguments_are_refused_as_the_engine_refuses_them():
    compiled = compile(lambda x, y: x * y, 1.0, 2.0)
    with pytest.raises(TypeError, match="takes 2 arguments \\(x, y\\), got 1"):
        compiled(1.0)
    with pytest.raises(TypeError, match="bool"):
        compiled(True, 1.0)
    with pytest.raises(TypeError, match="str"):
        compiled("1", 1.0)
    with pytest.raises(ValueError, match="finite"):
        compiled(math.inf, 1.0)
    assert compiled(3, 4) == (12.0, (4.0, 3.0))  # ints are numbers, as in Value
    with pytest.raises(TypeError, match="must return a Value"):
        compile(lambda x: 3.0, 1.0)
    with pytest.raises(TypeError, match="needs a function"):
        compile(3.0)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="outside no_grad"), no_grad():
        compile(lambda x: x * 2, 1.0)


def test_compile_is_exported_and_documented():
    assert autograd.compile is compile
    assert "frozen at the trace" in (compile.__doc__ or "")


# -- nn: fit(compile=True) ---------------------------------------------------------------

import nn  # noqa: E402
from nn.compiled import CompiledStep, NotCompilable  # noqa: E402


def train(compiled, make, loss, sizes, activation, optimizer, epochs, batch_size, labels=None):
    X, y = make(n=60, seed=1)
    if labels is not None:
        y = [labels(t) for t in y]
    model = nn.MLP(len(X[0]), sizes, activation=activation, seed=2)
    history = nn.fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer(model.parameters()),
        epochs=epochs,
        batch_size=batch_size,
        progress=False,
        compile=compiled,
    )
    return list(history), history.accuracy, [p.data for p in model.parameters()]


FITS = {
    "moons, hinge, tanh, SGD with momentum": (
        nn.datasets.make_moons,
        nn.hinge_loss,
        [16, 16, 1],
        "tanh",
        lambda p: nn.SGD(p, lr=0.1, momentum=0.9),
        lambda t: 2 * t - 1,
    ),
    "moons, hinge, relu": (
        nn.datasets.make_moons,
        nn.hinge_loss,
        [16, 16, 1],
        "relu",
        lambda p: nn.SGD(p, lr=0.1),
        lambda t: 2 * t - 1,
    ),
    "spiral, cross-entropy, Adam": (
        nn.datasets.make_spiral,
        nn.cross_entropy,
        [16, 16, 3],
        "relu",
        lambda p: nn.Adam(p, lr=0.02),
        None,
    ),
    "regression, mse, sigmoid": (
        nn.datasets.make_linear,
        nn.mse_loss,
        [8, 1],
        "sigmoid",
        lambda p: nn.SGD(p, lr=0.05, weight_decay=1e-3),
        None,
    ),
    "regression, sse, no hidden layer": (
        nn.datasets.make_linear,
        nn.sse_loss,
        [1],
        None,
        lambda p: nn.SGD(p, lr=0.005),
        None,
    ),
}


@pytest.mark.parametrize("name", FITS)
def test_fit_compiled_equals_fit_epoch_by_epoch_bit_for_bit(name):
    make, loss, sizes, activation, optimizer, labels = FITS[name]
    # 60 examples in batches of 16: the last batch of each epoch has 12
    graph = train(False, make, loss, sizes, activation, optimizer, 25, 16, labels)
    compiled = train(True, make, loss, sizes, activation, optimizer, 25, 16, labels)
    assert compiled[0] == graph[0]  # every epoch's loss
    assert compiled[1] == graph[1]  # every epoch's accuracy
    assert compiled[2] == graph[2]  # the trained parameters
    assert graph[0][-1] < graph[0][0]  # it did train


def outputs(preds):
    return [[v.data for v in p] if isinstance(p, list) else p.data for p in preds]


def graph_batch(model, loss, X, y):
    """The batch's loss, gradients and predictions the graph's way."""
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    preds = [model(x) for x in X]
    batch_loss = loss(preds, y)
    batch_loss.backward()
    return batch_loss.data, [p.grad for p in params], outputs(preds)


def compiled_batch(step, model, X, y):
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    preds, batch_loss = step(X, y)
    batch_loss.backward()
    return batch_loss.data, [p.grad for p in params], outputs(preds)


LOSSES = {
    "hinge": (nn.hinge_loss, lambda rng, k: rng.choice([-1, 1]), 1),
    "mse": (nn.mse_loss, lambda rng, k: rng.uniform(-2, 2), 1),
    "sse": (nn.sse_loss, lambda rng, k: rng.uniform(-2, 2), 1),
    "cross_entropy": (nn.cross_entropy, lambda rng, k: rng.randrange(k), 4),
}


@given(
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(sorted(LOSSES)),
    st.sampled_from(["tanh", "relu", "sigmoid"]),
    st.integers(min_value=1, max_value=9),
)
@settings(max_examples=40, deadline=None)
def test_a_compiled_batch_equals_the_graph_for_random_models_losses_and_batches(
    seed, loss_name, activation, batch_size
):
    loss, target, outputs = LOSSES[loss_name]
    rng = random.Random(seed)
    nin = rng.randint(1, 4)
    model = nn.MLP(nin, [rng.randint(1, 5), outputs], activation=activation, seed=seed)
    X = [[rng.uniform(-3, 3) for _ in range(nin)] for _ in range(20)]
    y = [target(rng, outputs) for _ in range(20)]
    step = CompiledStep(model, loss, X, y)
    for start in range(0, 20, batch_size):  # several batches, the last maybe smaller
        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        assert compiled_batch(step, model, xb, yb) == graph_batch(model, loss, xb, yb)


def test_class_targets_get_one_version_each_and_the_shift_is_computed_per_example():
    model = nn.MLP(2, [3, 3], activation="relu", seed=0)
    X = [[0.1, 0.2], [40000.0, -30000.0], [-50000.0, 90000.0], [0.3, -0.1]]  # logits far apart
    y = [0, 1, 2, 1]
    step = CompiledStep(model, nn.cross_entropy, X, y)  # traced at X[0]: small logits
    source = step.source(4)
    assert "if variant == 0:" in source and "elif variant == 2:" in source
    assert "shift = max(" in source
    assert compiled_batch(step, model, X, y) == graph_batch(model, nn.cross_entropy, X, y)
    logits = [[v.data for v in model(x)] for x in X]
    assert max(map(max, logits)) - min(map(min, logits)) > 700  # a frozen shift would overflow


def test_numeric_targets_are_read_as_numbers_not_compiled_in():
    X, y = nn.datasets.make_linear(n=200, seed=0)
    step = CompiledStep(nn.MLP(1, [4, 1], seed=0), nn.mse_loss, X, y)
    source = step.source(8)
    assert "- t" in source and "variant ==" not in source
    assert len(source.splitlines()) < 120


def test_a_users_loss_with_an_l2_penalty_on_the_parameters_compiles():
    X, y = nn.datasets.make_moons(n=40, seed=0)
    y = [2 * t - 1 for t in y]
    model = nn.MLP(2, [8, 8, 1], activation="relu", seed=1)
    params = model.parameters()

    def penalized(preds, targets):
        return nn.hinge_loss(preds, targets) + 1e-4 * dot(params, params)

    step = CompiledStep(model, penalized, X, y)
    assert compiled_batch(step, model, X, y) == graph_batch(model, penalized, X, y)

    def penalty_first(preds, targets):  # the parameters' part meets backward() first
        return 1e-4 * dot(params, params) + nn.hinge_loss(preds, targets)

    step = CompiledStep(model, penalty_first, X, y)
    assert compiled_batch(step, model, X, y) == graph_batch(model, penalty_first, X, y)


def test_what_a_trace_cannot_follow_is_refused_with_advice():
    X, y = nn.datasets.make_moons(n=20, seed=0)
    model = nn.MLP(2, [4, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    with pytest.raises(NotCompilable, match=r"binary_cross_entropy.*compile=False"):
        CompiledStep(model, nn.binary_cross_entropy, X, y)

    def scaled_by_a_value(preds, targets):  # a number from .data that is not a shift
        return nn.mse_loss(preds, targets) * preds[0].data

    with pytest.raises(NotCompilable, match="depends on their values"):
        CompiledStep(nn.MLP(2, [4, 1], seed=0), scaled_by_a_value, X, y, batch_size=10)

    def shifted_by_a_value(preds, targets):  # the same, in each example's term
        return nn.mse_loss([p - p.data * 0.5 for p in preds], targets)

    with pytest.raises(NotCompilable, match="from the predictions' values"):
        CompiledStep(nn.MLP(2, [4, 1], seed=0), shifted_by_a_value, X, y)

    def product_of_errors(preds, targets):  # no term per example
        out = Value(1.0)
        for p, t in zip(preds, targets):
            out = out * (p - t) + (p - t)
        return out

    with pytest.raises(NotCompilable, match="one term per example"):
        CompiledStep(nn.MLP(2, [4, 1], seed=0), product_of_errors, X, y, batch_size=10)

    class Branchy(nn.Module):
        def __init__(self):
            self.w = Value(0.5, label="w")

        def parameters(self):
            return [self.w]

        def __call__(self, x):
            return self.w * x[0] if x[0] > 0 else self.w * x[1]

    with pytest.raises(NotCompilable, match="changes with its inputs' values"):
        CompiledStep(Branchy(), nn.mse_loss, [[1.0, 2.0], [-1.0, 2.0]], [0.0, 1.0])
    with pytest.raises(NotCompilable, match="compile=False"):
        nn.fit(Branchy(), [[1.0, 2.0], [-1.0, 2.0]], [0.0, 1.0], compile=True, progress=False)


def test_bad_rows_and_targets_raise_the_graph_paths_errors():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        CompiledStep(model, nn.mse_loss, [[1.0, 2.0], [1.0, 2.0, 3.0]], [0.0, 1.0])
    with pytest.raises(TypeError, match="bool"):
        CompiledStep(model, nn.mse_loss, [[1.0, 2.0], [True, 2.0]], [0.0, 1.0])
    with pytest.raises(ValueError, match="labels -1 or \\+1"):
        CompiledStep(model, nn.hinge_loss, [[1.0, 2.0], [0.5, 2.0]], [0, 1])
    step = CompiledStep(model, nn.mse_loss, [[1.0, 2.0], [0.5, 2.0]], [0.0, 1.0])
    with pytest.raises(ValueError, match="takes 2 inputs, got 1"):
        step([[1.0]], [0.0])  # a row not seen when it was built: checked as it comes


def test_overflow_diverges_exactly_as_the_graph_path_does():
    def diverge(compiled):
        X, y = nn.datasets.make_linear(n=40, seed=0)
        model = nn.MLP(1, [8, 1], activation="relu", seed=0)
        with pytest.raises(nn.Diverged) as error:
            nn.fit(
                model,
                X,
                [1e150 * t for t in y],
                optimizer=nn.SGD(model.parameters(), lr=10.0),
                epochs=50,
                batch_size=8,
                progress=False,
                compile=compiled,
            )
        return str(error.value), [p.data for p in model.parameters()]

    assert diverge(True) == diverge(False)  # same message, same last good parameters


def test_an_inf_hidden_by_tanh_still_raises_in_a_compiled_batch():
    model = nn.MLP(1, [1, 1], activation="tanh", seed=0)
    model.layers[0].neurons[0].w[0].data = 1e300
    step = CompiledStep(model, nn.mse_loss, [[0.5], [1.0]], [0.0, 1.0])
    assert compiled_batch(step, model, [[0.5]], [0.0]) == graph_batch(
        model, nn.mse_loss, [[0.5]], [0.0]
    )
    with pytest.raises(OverflowError, match="overflowed"):  # 1e300 * 1e10, then tanh(inf)
        step([[1e10]], [0.0])


def test_a_very_wide_layer_compiles():
    rng = random.Random(0)
    nin = 5000
    model = nn.MLP(nin, [2, 2], activation="relu", seed=0)
    X = [[rng.uniform(0, 1) for _ in range(nin)] for _ in range(3)]
    y = [0, 1, 1]
    step = CompiledStep(model, nn.cross_entropy, X, y)
    assert compiled_batch(step, model, X, y) == graph_batch(model, nn.cross_entropy, X, y)


def test_the_demo_trains_the_same_with_compile(capsys):
    from nn.demo import main

    flags = ["--dataset", "spiral", "--optimizer", "adam", "--epochs", "8", "--no-progress"]
    assert main([*flags, "--save", ""]) == 0
    graph = capsys.readouterr().out
    assert main([*flags, "--save", "", "--compile"]) == 0
    assert capsys.readouterr().out == graph
    assert main(["--dataset", "circles", "--loss", "bce", "--compile", "--save", ""]) == 2
    assert "--compile: compile=True cannot compile this: binary_cross_entropy" in (
        capsys.readouterr().err
    )


def test_the_readme_shows_the_source_compile_prints():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    shown = readme.split("`f.source` is the backward pass")[1].split("```text\n")[1]
    shown = shown.split("```")[0].rstrip("\n")

    def neuron(x, w, b):
        return (x * w + b).tanh()

    assert compile(neuron, 2.0, -3.0, 1.0).source == shown


def test_a_cross_entropy_written_another_way_compiles_the_same():
    """Whatever ops a loss uses, the compiled step traces them (nn.cross_entropy may
    change its body): here `total`, and the shift taken off the target's logit."""

    def log_softmax_loss(batch, targets):
        terms = []
        for logits, t in zip(batch, targets):
            shift = max(v.data for v in logits)
            log_sum = total([(v - shift).exp() for v in logits]).log()
            terms.append(log_sum - (logits[t] - shift))
        return total(terms) * (1.0 / len(terms))

    rng = random.Random(4)
    model = nn.MLP(3, [5, 4], activation="relu", seed=4)
    X = [[rng.uniform(-30, 30) for _ in range(3)] for _ in range(12)]
    y = [rng.randrange(4) for _ in range(12)]
    step = CompiledStep(model, log_softmax_loss, X, y)
    for start in (0, 5):
        xb, yb = X[start : start + 7], y[start : start + 7]
        assert compiled_batch(step, model, xb, yb) == graph_batch(model, log_softmax_loss, xb, yb)
