"""Every op: forward value and gradient against analytic formulas and finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck

finite = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.1, max_value=5.0)
away_from_zero = finite.filter(lambda x: abs(x) > 0.1)


def central_difference(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# (op name, Value op, float op, analytic derivative, input strategy)
UNARY = [
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, finite),
    ("abs", abs, abs, lambda x: math.copysign(1.0, x), away_from_zero),
    ("exp", Value.exp, math.exp, math.exp, finite),
    ("log", Value.log, math.log, lambda x: 1 / x, positive),
    ("sqrt", Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), positive),
    ("tanh", Value.tanh, math.tanh, lambda x: 1 - math.tanh(x) ** 2, finite),
    (
        "sigmoid",
        Value.sigmoid,
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        finite,
    ),
    ("relu", Value.relu, lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0, away_from_zero),
    ("sin", Value.sin, math.sin, math.cos, finite),
    ("cos", Value.cos, math.cos, lambda x: -math.sin(x), finite),
]


@pytest.mark.parametrize("name, vop, fop, deriv, inputs", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_matches_math_and_its_derivative(name, vop, fop, deriv, inputs):
    @settings(max_examples=60, deadline=None)
    @given(inputs)
    def check(x):
        v = Value(x)
        y = vop(v)
        y.backward()
        assert y.op == name
        assert y.inputs == (v,)
        assert y.data == pytest.approx(fop(x), rel=1e-12, abs=1e-12)
        assert v.grad == pytest.approx(deriv(x), rel=1e-9, abs=1e-12)
        assert v.grad == pytest.approx(central_difference(fop, x), rel=1e-5, abs=1e-6)

    check()


# (symbol, Value op, float op, d/da, d/db, strategy for a, strategy for b)
BINARY = [
    ("+", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: 1, lambda a, b: 1, finite, finite),
    ("-", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: 1, lambda a, b: -1, finite, finite),
    ("*", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: b, lambda a, b: a, finite, finite),
    (
        "/",
        lambda a, b: a / b,
        lambda a, b: a / b,
        lambda a, b: 1 / b,
        lambda a, b: -a / b**2,
        finite,
        away_from_zero,
    ),
    (
        "**",
        lambda a, b: a**b,
        lambda a, b: a**b,
        lambda a, b: b * a ** (b - 1),
        lambda a, b: a**b * math.log(a),
        positive,
        st.floats(min_value=-3.0, max_value=3.0),
    ),
]


@pytest.mark.parametrize("sym, vop, fop, da, db, sa, sb", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_with_values_and_numbers_on_either_side(sym, vop, fop, da, db, sa, sb):
    @settings(max_examples=60, deadline=None)
    @given(sa, sb)
    def check(a, b):
        expected = fop(a, b)
        # Value op Value: both gradients
        va, vb = Value(a), Value(b)
        out = vop(va, vb)
        out.backward()
        assert out.op == sym
        assert out.inputs == (va, vb)  # operand order is kept
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert va.grad == pytest.approx(da(a, b), rel=1e-9, abs=1e-12)
        assert vb.grad == pytest.approx(db(a, b), rel=1e-9, abs=1e-12)
        assert va.grad == pytest.approx(
            central_difference(lambda t: fop(t, b), a), rel=1e-5, abs=1e-5
        )
        assert vb.grad == pytest.approx(
            central_difference(lambda t: fop(a, t), b), rel=1e-5, abs=1e-5
        )
        # Value op number, and number op Value
        va = Value(a)
        out = vop(va, b)
        out.backward()
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert va.grad == pytest.approx(da(a, b), rel=1e-9, abs=1e-12)
        vb = Value(b)
        out = vop(a, vb)
        out.backward()
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert vb.grad == pytest.approx(db(a, b), rel=1e-9, abs=1e-12)

    check()


@given(st.floats(min_value=-3.0, max_value=3.0), st.integers(min_value=-3, max_value=4))
@settings(max_examples=100, deadline=None)
def test_power_with_integer_exponent_works_for_negative_bases(a, k):
    if abs(a) < 1e-3:
        a = 0.5
    x = Value(a)
    y = x**k
    y.backward()
    assert y.data == pytest.approx(a**k, rel=1e-12, abs=1e-12)
    assert x.grad == pytest.approx(k * a ** (k - 1) if k else 0.0, rel=1e-9, abs=1e-12)


def test_kinks_take_derivative_zero():
    for op in (abs, Value.relu):
        x = Value(0.0)
        op(x).backward()
        assert x.grad == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    x = Value(-800.0)
    x.sigmoid().backward()
    assert x.grad == 0.0


@given(finite, finite)
@settings(max_examples=50, deadline=None)
def test_comparisons_compare_data_and_return_bool(a, b):
    va, vb = Value(a), Value(b)
    assert (va < vb) is (a < b)
    assert (va <= b) is (a <= b)
    assert (va > vb) is (a > b)
    assert (a >= vb) is (a >= b)  # reflected: float >= Value


def test_equality_and_hash_are_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b
    assert a == a
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_value_stores_floats_and_label():
    v = Value(3, label="x")
    assert v.data == 3.0 and type(v.data) is float
    assert v.grad == 0.0 and v.label == "x" and v.op == "" and v.inputs == ()
    assert "x" in repr(v) and "3.0" in repr(v)
    assert float(v) == 3.0
    assert f"{v:.2f}" == "3.00" and f"{v}" == repr(v)
    assert +v is v


@given(finite, finite, finite)
@settings(max_examples=50, deadline=None)
def test_a_composite_expression_passes_gradcheck(a, b, c):
    x, y, z = Value(a, label="x"), Value(b, label="y"), Value(c, label="z")
    f = lambda x, y, z: (x * y + z.sin()).tanh() * (x - z).exp() / (1 + y * y)
    assert gradcheck(f, [x, y, z])
