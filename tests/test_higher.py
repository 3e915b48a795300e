"""Higher-order gradients: grad(create_graph=True), hessian."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, dot, grad, hessian, topological_order, total
from autograd.engine import apply
from autograd.ops import DERIVATIVES, OPS, Op, define
from tests.test_backward import random_dag

finite = st.floats(min_value=-2.0, max_value=2.0)
positive = st.floats(min_value=0.2, max_value=3.0)
away_from_zero = finite.filter(lambda x: abs(x) > 0.1)


def sech2(x):
    return 1 / math.cosh(x) ** 2


# (name, op, first derivative, second derivative, inputs)
SECOND = [
    ("neg", lambda v: -v, lambda x: -1.0, lambda x: 0.0, finite),
    ("abs", abs, lambda x: math.copysign(1, x), lambda x: 0.0, away_from_zero),
    ("exp", Value.exp, math.exp, math.exp, finite),
    ("log", Value.log, lambda x: 1 / x, lambda x: -1 / x**2, positive),
    ("sqrt", Value.sqrt, lambda x: 0.5 / math.sqrt(x), lambda x: -0.25 * x**-1.5, positive),
    ("tanh", Value.tanh, sech2, lambda x: -2 * math.tanh(x) * sech2(x), finite),
    (
        "sigmoid",
        Value.sigmoid,
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s),
        finite,
    ),
    ("relu", Value.relu, lambda x: float(x > 0), lambda x: 0.0, away_from_zero),
    ("sin", Value.sin, math.cos, lambda x: -math.sin(x), finite),
    ("cos", Value.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), finite),
    ("square", lambda v: v**2, lambda x: 2 * x, lambda x: 2.0, finite),
    ("cube", lambda v: v**3, lambda x: 3 * x * x, lambda x: 6 * x, finite),
    ("inverse", lambda v: 1 / v, lambda x: -1 / x**2, lambda x: 2 / x**3, away_from_zero),
    (
        "2**x",
        lambda v: 2**v,
        lambda x: 2**x * math.log(2),
        lambda x: 2**x * math.log(2) ** 2,
        finite,
    ),
    ("x*x", lambda v: v * v, lambda x: 2 * x, lambda x: 2.0, finite),
    ("x-3x", lambda v: v - 3 * v, lambda x: -2.0, lambda x: 0.0, finite),
    (
        "x/(1+x*x)",
        lambda v: v / (1 + v * v),
        lambda x: (1 - x * x) / (1 + x * x) ** 2,
        lambda x: (2 * x**3 - 6 * x) / (1 + x * x) ** 3,
        finite,
    ),
    ("total", lambda v: total([v, v * v, 3.0]), lambda x: 1 + 2 * x, lambda x: 2.0, finite),
    ("dot", lambda v: dot([v, v], [v, 2.0], 1.0), lambda x: 2 * x + 2, lambda x: 2.0, finite),
]


@pytest.mark.parametrize("name, op, d1, d2, inputs", SECOND, ids=[s[0] for s in SECOND])
def test_second_derivatives_match_formulas_and_finite_differences(name, op, d1, d2, inputs):
    @settings(max_examples=40, deadline=None)
    @given(inputs)
    def check(a):
        x = Value(a)
        (first,) = grad(op(x), [x])
        (second,) = grad(first, [x])
        assert first.data == pytest.approx(d1(a), rel=1e-9, abs=1e-12)
        assert second.data == pytest.approx(d2(a), rel=1e-9, abs=1e-12)
        h = 1e-5

        def first_at(t):
            v = Value(t)
            return grad(op(v), [v], create_graph=False)[0].data

        numeric = (first_at(a + h) - first_at(a - h)) / (2 * h)
        assert second.data == pytest.approx(numeric, rel=1e-4, abs=1e-5)

    check()


def test_pow_with_a_value_exponent_has_mixed_second_derivatives():
    a, b = Value(1.5), Value(2.5)
    da, db = grad(a**b, [a, b])
    d2a_db = grad(da, [b])[0].data  # d/db (b a^(b-1)) = a^(b-1) (1 + b ln a)
    assert d2a_db == pytest.approx(1.5**1.5 * (1 + 2.5 * math.log(1.5)))
    assert grad(db, [a])[0].data == pytest.approx(d2a_db)


def test_third_derivative_of_a_polynomial_is_exact():
    x = Value(1.7)
    p = 4 * x**4 - 3 * x**3 + x - 7
    (d1,) = grad(p, [x])
    (d2,) = grad(d1, [x])
    (d3,) = grad(d2, [x])
    (d4,) = grad(d3, [x])
    assert d3.data == pytest.approx(96 * 1.7 - 18, abs=1e-12)
    assert d4.data == 96.0


@given(st.integers(min_value=0, max_value=5000))
@settings(max_examples=30, deadline=None)
def test_hessians_of_random_expressions_match_central_differences_and_are_symmetric(seed):
    rng = random.Random(seed)
    point = [rng.uniform(-1, 1) for _ in range(3)]

    def f(*xs):
        g, _ = random_dag(seed, 3, 15)
        return g(*xs)

    H = hessian(f, point)

    def gradient_at(p):
        xs = [Value(v) for v in p]
        return [g.data for g in grad(f(*xs), xs, create_graph=False)]

    h = 1e-5
    for j in range(3):
        up = point.copy()
        down = point.copy()
        up[j] += h
        down[j] -= h
        column = [(a - b) / (2 * h) for a, b in zip(gradient_at(up), gradient_at(down))]
        for i in range(3):
            assert H[i][j] == pytest.approx(column[i], rel=1e-4, abs=1e-5)
            assert H[i][j] == pytest.approx(H[j][i], rel=1e-9, abs=1e-12)


def test_first_order_results_are_the_same_as_backward():
    model = nn.MLP(3, [5, 4, 1], seed=2)
    params = model.parameters()
    out = (model([0.3, -1.2, 0.8]) - 0.25) ** 2
    values = grad(out, params)
    out.backward()
    assert [v.data for v in values] == pytest.approx([p.grad for p in params], rel=1e-12, abs=1e-15)
    floats_only = grad(out, params, create_graph=False)
    assert all(not v.inputs for v in floats_only)


def test_grad_leaves_every_grad_untouched():
    x = Value(2.0)
    y = (x * x).tanh()
    grad(y, [x])
    assert all(node.grad == 0.0 for node in topological_order(y))


def test_grad_of_something_that_does_not_depend_on_an_input_is_zero():
    x, y = Value(1.0), Value(2.0)
    assert [g.data for g in grad(x * 3, [x, y])] == [3.0, 0.0]


def test_grad_rejects_bad_arguments():
    with pytest.raises(TypeError, match="differentiates a Value"):
        grad(3.0, [])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inputs must be Values"):
        grad(Value(1.0), [1.0])  # type: ignore[list-item]


def test_gradient_descent_on_rosenbrock_needs_the_steps_the_readme_quotes():
    def rosenbrock(x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    point, steps = [-1.2, 1.0], 0
    while True:
        xs = [Value(p) for p in point]
        gx, gy = (g.data for g in grad(rosenbrock(*xs), xs, create_graph=False))
        if max(abs(gx), abs(gy)) <= 1e-3:
            break
        point = [point[0] - 0.001 * gx, point[1] - 0.001 * gy]
        steps += 1
    assert steps == 14_511


# -- the rules in the op records: every path agrees ---------------------------------------


def test_grad_of_a_square_at_1e153_equals_backward():
    """d(x**2)/dx = 2x is finite at 1e153, though the rule's d/d(exponent), x**2 ln x,
    is not: the constant exponent's derivative is never computed, on any path."""
    x = Value(1e153)
    (x**2).backward()
    (first,) = grad(x**2, [x])
    (second,) = grad(first, [x])
    compiled_value, (compiled_grad,) = autograd.compile(lambda x: x**2, 1e153)(1e153)
    assert x.grad == first.data == compiled_grad == 2e153
    assert second.data == 2.0 and compiled_value == 1e306


@pytest.mark.parametrize("a", [0.5, 2.0, 3.7])
def test_hessian_of_a_power_at_a_zero_exponent_matches_its_closed_form(a):
    """f = a**b at b = 0: d2f/da2 = b (b-1) a**(b-2) = 0, d2f/da db = a**(b-1) (1 + b ln a)
    = 1/a, d2f/db2 = a**b ln(a)**2 = ln(a)**2."""
    h = hessian(lambda a, b: a**b, [a, 0.0])
    expected = [[0.0, 1.0 / a], [1.0 / a, math.log(a) ** 2]]
    for row, want in zip(h, expected):
        assert row == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_an_op_defined_by_its_record_alone_works_everywhere():
    """A record (forward, rule, symbol) and a call of `apply`: backward, grad, compile
    and draw_graph know the op with no other edit."""
    cube = Op("cube", lambda x: x * x * x, lambda x, y: (3.0 * x * x,))
    mean2 = Op("mean2", lambda a, b: (a + b) * 0.5, lambda a, b, y: (0.5, 0.5), symbol="avg")
    define(cube)
    define(mean2)
    try:

        def f(x, w):
            return apply(mean2, apply(cube, x), w * x)

        x, w = Value(1.5, label="x"), Value(-2.0, label="w")
        out = f(x, w)
        out.backward()
        # oracle: f = (x**3 + w x) / 2, df/dx = (3x**2 + w) / 2, df/dw = x / 2
        assert out.data == (1.5**3 - 3.0) / 2
        assert (x.grad, w.grad) == ((3 * 1.5**2 - 2.0) / 2, 0.75)
        dx, dw = grad(f(x, w), [x, w])
        assert (dx.data, dw.data) == (x.grad, w.grad)
        assert [g.data for g in grad(dx, [x, w])] == [3 * 1.5, 0.5]  # d2f/dx2 = 3x, d2f/dxdw
        compiled = autograd.compile(f, 1.5, -2.0)
        assert compiled(1.5, -2.0) == (out.data, (x.grad, w.grad))
        assert "x * x * x" in compiled.source
        # drawn by its record's symbol; a function of two arguments as one
        assert "cube" in autograd.draw_graph(apply(cube, x) * 2.0).source
        assert autograd.draw.name(apply(mean2, x, w)) == "avg(x, w)"
        # one of math's functions as the forward: the generated code calls it by name
        atan = define(Op("atan", math.atan, lambda x, y: (1.0 / (1.0 + x * x),)))
        value, (slope,) = autograd.compile(lambda x: apply(atan, x), 0.5)(2.0)
        assert (value, slope) == (math.atan(2.0), 1.0 / 5.0)
        (d2,) = grad(grad(apply(atan, x), [x])[0], [x])  # oracle: -2x / (1 + x**2)**2
        assert d2.data == pytest.approx(-3.0 / (1 + 1.5**2) ** 2, rel=1e-12)
    finally:
        for name in ("cube", "mean2", "atan"):
            OPS.pop(name, None), DERIVATIVES.pop(name, None)
