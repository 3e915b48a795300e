"""Numbers at the edges: every real number type, huge and tiny values, overflowing gradients."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, grad


@pytest.fixture
def np():
    return pytest.importorskip("numpy")


# -- one gate for numbers ------------------------------------------------------------


@pytest.mark.parametrize("make", ["float32", "float64", "int64", "int8", "uint16", "float16"])
def test_numpy_scalars_are_numbers_everywhere(np, make):
    x = getattr(np, make)(2)
    v = Value(x)
    assert v.data == 2.0 and type(v.data) is float
    for y in (Value(1.5) * x, x * Value(1.5), Value(1.5) + x, x - Value(1.5), Value(3.0) / x):
        assert type(y) is Value and isinstance(y.data, float)
    assert (Value(1.5) * x).data == 3.0 and (x * Value(1.5)).data == 3.0
    assert Value(1.0) < x and x > Value(1.0) and not Value(3.0) <= x
    v.backward(x)
    assert v.grad == 2.0


def test_fractions_are_real_numbers():
    assert Value(Fraction(1, 4)).data == 0.25
    assert (Value(1.0) + Fraction(1, 2)).data == 1.5


@pytest.mark.parametrize(
    "bad, hint",
    [
        (Decimal("1.5"), r"float\(\)"),
        ("3", r"float\(s\)"),
        ([1.0, 2.0], "one by one"),
        (1j, "real number"),
        (True, "real number"),
        (None, "real number"),
    ],
)
def test_what_is_not_a_real_number_is_refused_with_a_hint(bad, hint):
    with pytest.raises(TypeError, match=hint):
        Value(bad)
    with pytest.raises(TypeError, match=hint):
        Value(1.0) * bad


def test_numpy_arrays_and_bools_are_refused_with_a_hint(np):
    for bad in (np.array([1.0, 2.0]), np.array(1.5), np.zeros((2, 2))):
        with pytest.raises(TypeError, match=r"\.tolist\(\)"):
            Value(bad)
        with pytest.raises(TypeError, match=r"\.tolist\(\)"):
            Value(1.0) + bad
        with pytest.raises(TypeError, match=r"\.tolist\(\)"):
            bad + Value(1.0)  # numpy defers to Value rather than making an array of Values
        with pytest.raises(TypeError, match=r"\.tolist\(\)"):
            _ = Value(1.0) < bad
    with pytest.raises(TypeError, match="real number"):
        Value(np.bool_(True))


@pytest.mark.parametrize(
    "huge", [10**400, -(10**400), Fraction(10**400, 3)], ids=["int", "-int", "Fraction"]
)
def test_a_number_too_large_for_a_float_is_a_value_error(huge):
    with pytest.raises(ValueError, match="too large for a float"):
        Value(huge)
    with pytest.raises(ValueError, match="too large for a float"):
        Value(1.0) * huge


def test_an_error_message_never_prints_a_huge_number_in_full():
    with pytest.raises(ValueError) as info:
        Value(10**10_000)
    assert "digits" in str(info.value) and len(str(info.value)) < 200


def test_item_is_the_float_a_value_holds():
    v = Value(3) * 2
    assert v.item() == 6.0 and type(v.item()) is float


# -- comparisons -----------------------------------------------------------------------


def test_comparisons_with_ints_beyond_float_range_are_exact():
    big = 10**400
    assert Value(1e308) < big and Value(1e308) <= big
    assert not Value(1e308) > big and not Value(1e308) >= big
    assert Value(-1e308) > -big and big > Value(1e308)
    assert Value(1.0) < Fraction(big) and Value(1.0) > -Fraction(big)


def test_comparisons_with_ints_are_exact_where_a_float_would_round():
    # float(2**53 + 1) == 2**53: a comparison through float would say "not less"
    assert Value(2.0**53) < 2**53 + 1
    assert not Value(2.0**53) >= 2**53 + 1


def test_comparisons_with_numpy_integers_are_exact_too(np):
    assert Value(2.0**53) < np.int64(2**53 + 1)
    assert Value(2.0**64) > np.uint64(2**64 - 1)


def test_a_numpy_long_double_beyond_float_range_is_too_large_not_infinite(np):
    huge = np.longdouble(10) ** 400
    if not np.isfinite(huge):
        pytest.skip("numpy's long double is a plain double here")
    with pytest.raises(ValueError, match="too large for a float"), np.errstate(over="ignore"):
        Value(huge)


def test_comparisons_with_infinity_work_and_with_nan_are_refused():
    assert Value(1e308) < math.inf and Value(-1e308) > -math.inf
    with pytest.raises(ValueError, match="nan"):
        _ = Value(1.0) < math.nan


# -- ** with a Value exponent: grad() agrees with backward() ----------------------------


@pytest.mark.parametrize("a", [0.0, 1e-300, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("b", [0.0, 1.0, 2.0, 3.0, 1.5])
def test_grad_and_backward_agree_on_power_with_a_value_exponent(a, b):
    base, exponent = Value(a), Value(b)
    out = base**exponent
    out.backward()
    first = [g.data for g in grad(base**exponent, [base, exponent], create_graph=False)]
    assert first == [base.grad, exponent.grad]
    # the oracle: d/da a**b = b a**(b-1) (0 at b = 0, as in PyTorch); d/db = a**b ln a (0 at a = 0)
    expected_da = 0.0 if b == 0 else b * a ** (b - 1)
    expected_db = a**b * math.log(a) if a > 0 else 0.0
    assert base.grad == pytest.approx(expected_da, rel=1e-12, abs=1e-300)
    assert exponent.grad == pytest.approx(expected_db, rel=1e-12, abs=1e-300)
    # d2/da2 = b (b-1) a**(b-2) is infinite at a = 0; at b = 0 the gradient keeps
    # b * a**(b-1) (for its derivative in b, 1/a), whose a**(b-1) has d/da = -1e600 at 1e-300
    if (a == 0.0 and 1.0 < b < 2.0) or (a == 1e-300 and b == 0.0):
        with pytest.raises(ValueError, match="create_graph=False"):
            grad(base**exponent, [base, exponent])
    else:
        assert [g.data for g in grad(base**exponent, [base, exponent])] == first


def test_zero_to_a_zero_value_exponent_has_zero_derivatives_in_both():
    a, b = Value(0.0), Value(0.0)
    (a**b).backward()
    da, db = grad(a**b, [a, b])
    assert (a.grad, b.grad) == (da.data, db.data) == (0.0, 0.0)


# -- gradients that overflow ------------------------------------------------------------


def test_a_gradient_that_overflows_raises_naming_the_node_and_restores_the_leaves():
    x = Value(1e-10, label="x")
    d = Value(1e-300, label="d")
    y = x / d  # 1e290: fine; but dy/dd = -y/d = -1e590 is not a float
    x.grad, d.grad = 5.0, 7.0
    with pytest.raises(OverflowError, match=r"gradient of node 'd' overflowed.*'/'"):
        y.backward()
    assert (x.grad, d.grad) == (5.0, 7.0)  # as they were: nothing silently inf or nan


def test_an_overflowing_seed_times_a_local_derivative_is_caught():
    w = Value(2.0, label="w")
    y = w * 1e10
    with pytest.raises(OverflowError, match="node 'w'"):
        y.backward(1e300)
    assert w.grad == 0.0


def test_log_of_a_subnormal_number_has_a_derivative_too_large_for_a_float():
    t = Value(5e-324, label="t")
    y = t.log()
    assert y.data == pytest.approx(-744.44, abs=0.01)
    with pytest.raises(OverflowError, match="node 't'"):
        y.backward()


def test_an_overflow_turned_into_nan_further_down_is_caught_too():
    x = Value(1e-10, label="x")
    d = Value(1e-300)
    y = (x / d).relu() * 0.0 + (x / d) * 1.0  # inf * 0 along one path would be nan
    with pytest.raises(OverflowError, match="overflowed"):
        y.backward()


def test_large_finite_gradients_whose_sum_overflows_are_fine():
    a, b = Value(1.0), Value(1.0)
    (a + b).backward(1.5e308)  # each grad is a float; only their sum is not
    assert a.grad == b.grad == 1.5e308


def test_grad_raises_the_same_overflow_error_as_backward():
    x = Value(1e-320, label="x")
    y = x / 5e-324  # 2.0; d/d(divisor) is finite as a Value rule, d/dx = 1/5e-324 is not
    with pytest.raises(OverflowError):
        y.backward()
    with pytest.raises(OverflowError):
        grad(y, [x])


def test_subnormal_numbers_flow_through_forward_and_backward():
    tiny = 5e-324
    x = Value(tiny)
    y = x * 0.5 + x * x  # underflows to 0.0 and keeps going
    y.backward()
    assert y.data == 0.0 and x.grad == 0.5 + 2 * tiny
    z = Value(tiny).sqrt()
    z.backward()  # d sqrt(x)/dx = 0.5 / sqrt(x): large but finite
    assert math.isfinite(z.data) and z.data > 0


# -- softmax and cross_entropy at the edges -------------------------------------------


def exact_shifts(xs: list[float]) -> list[decimal.Decimal]:
    """x - max(xs) for each x, computed exactly (as fractions), to 50 digits."""
    m = Fraction(max(xs))
    return [decimal.Decimal(d.numerator) / d.denominator for d in (Fraction(x) - m for x in xs)]


def reference_cross_entropy(xs: list[float], target: int) -> float:
    """log(sum exp(x_j)) - x_target in 50-digit arithmetic, from the floats' exact values."""
    with decimal.localcontext(decimal.Context(prec=50)):
        z = exact_shifts(xs)
        return float(sum(zi.exp() for zi in z).ln() - z[target])


def reference_softmax(xs: list[float]) -> list[float]:
    with decimal.localcontext(decimal.Context(prec=50)):
        exps = [zi.exp() for zi in exact_shifts(xs)]
        return [float(e / sum(exps)) for e in exps]


logit_rows = st.tuples(
    st.lists(st.floats(-50.0, 50.0), min_size=2, max_size=6),
    st.sampled_from([0.0, 1e6, -1e10, 1e17, 3e300, -1e307]),
)


@settings(max_examples=200, deadline=None)
@given(logit_rows, st.integers(0, 5))
def test_cross_entropy_is_precise_for_large_and_small_logits(row_offset, target):
    row, offset = row_offset
    xs = [x + offset for x in row]
    target %= len(xs)
    ours = nn.cross_entropy([Value(x) for x in xs], target).data
    expected = reference_cross_entropy(xs, target)
    assert abs(ours - expected) <= 1e-14 * (len(xs) + abs(expected))


def test_cross_entropy_of_equal_huge_logits_is_log_of_the_class_count():
    for big in (1e17, 1e300, -1e300):
        loss = nn.cross_entropy([Value(big), Value(big), Value(big)], 1)
        assert loss.data == pytest.approx(math.log(3), rel=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-512, 512), min_size=2, max_size=6),
    st.integers(-(2**45), 2**45),
    st.integers(0, 5),
)
def test_cross_entropy_and_its_gradient_do_not_change_when_every_logit_moves(eighths, c, t):
    row = [k / 8 for k in eighths]
    moved = [x + c for x in row]
    assert all(m - c == x for m, x in zip(moved, row))  # the shift itself is exact
    t %= len(row)
    a, b = [Value(x) for x in row], [Value(x) for x in moved]
    la, lb = nn.cross_entropy(a, t), nn.cross_entropy(b, t)
    la.backward()
    lb.backward()
    assert la.data == lb.data
    assert [v.grad for v in a] == [v.grad for v in b]


def test_cross_entropy_across_the_whole_float_range():
    top, bottom = Value(1e308), Value(-1e308)
    loss = nn.cross_entropy([top, bottom], 0)
    loss.backward()
    assert loss.data == 0.0 and top.grad == 0.0 and bottom.grad == 0.0
    with pytest.raises(OverflowError, match="too large for a float"):
        nn.cross_entropy([Value(1e308), Value(-1e308)], 1)  # the loss itself is 2e308


def test_cross_entropy_gradient_is_softmax_minus_one_hot_for_large_logits():
    xs = [1e10 + 1.0, 1e10, 1e10 - 2.0]
    logits = [Value(x) for x in xs]
    nn.cross_entropy(logits, 2).backward()
    shifted = [x - xs[0] for x in xs]
    z = sum(math.exp(s) for s in shifted)
    for i, v in enumerate(logits):
        assert v.grad == pytest.approx(math.exp(shifted[i]) / z - (i == 2), rel=1e-14)


@settings(max_examples=100, deadline=None)
@given(logit_rows)
def test_softmax_sums_to_one_and_matches_the_exact_value(row_offset):
    row, offset = row_offset
    xs = [x + offset for x in row]
    probs = nn.softmax([Value(x) for x in xs])
    assert abs(sum(p.data for p in probs) - 1.0) <= 4 * len(xs) * 2**-53
    for p, expected in zip(probs, reference_softmax(xs)):
        assert p.data == pytest.approx(expected, rel=1e-14, abs=1e-300)


def test_softmax_gradient_is_its_jacobian():
    xs = [0.3, -1.2, 2.0, 0.0]
    for k in range(len(xs)):
        logits = [Value(x) for x in xs]
        probs = nn.softmax(logits)
        probs[k].backward()
        p = [math.exp(x) / sum(math.exp(y) for y in xs) for x in xs]
        for j, v in enumerate(logits):  # d p_k / d x_j = p_k (delta_kj - p_j)
            assert v.grad == pytest.approx(p[k] * ((k == j) - p[j]), rel=1e-12, abs=1e-15)


def test_softmax_of_logits_far_apart_gives_exact_zeros_and_ones():
    probs = nn.softmax([Value(1e308), Value(-1e308), Value(0.0)])
    assert [p.data for p in probs] == [1.0, 0.0, 0.0]
    assert [p.data for p in nn.softmax([2.0, 2.0])] == [0.5, 0.5]  # numbers work too
    with pytest.raises(ValueError, match="at least 1 logits"):
        nn.softmax([])


def test_cross_entropy_is_minus_log_softmax():
    xs = [0.5, -0.25, 3.0]
    probs = nn.softmax([Value(x) for x in xs])
    for t in range(3):
        loss = nn.cross_entropy([Value(x) for x in xs], t)
        assert loss.data == pytest.approx(-math.log(probs[t].data), rel=1e-15)


# -- losses given numpy arrays ----------------------------------------------------------


def test_losses_take_numpy_arrays_of_targets_as_batches(np):
    preds = [Value(0.5), Value(-1.5), Value(2.0)]
    targets = [1.0, -1.0, 1.0]
    for loss in (nn.sse_loss, nn.mse_loss, nn.hinge_loss):
        assert loss(preds, np.array(targets)).data == loss(preds, targets).data
        assert loss(preds, np.array(targets, dtype=np.float32)).data == loss(preds, targets).data
    probs = [Value(0.25), Value(0.5)]
    assert (
        nn.binary_cross_entropy(probs, np.array([1, 0])).data
        == nn.binary_cross_entropy(probs, [1, 0]).data
    )
    rows = [[Value(0.1), Value(0.9)], [Value(2.0), Value(-1.0)]]
    assert nn.cross_entropy(rows, np.array([1, 0])).data == nn.cross_entropy(rows, [1, 0]).data
    assert nn.cross_entropy(rows[0], np.int64(1)).data == nn.cross_entropy(rows[0], 1).data
    assert nn.mse_loss(Value(1.0), np.float32(3.0)).data == 4.0


def test_a_numpy_array_of_the_wrong_length_is_still_a_batch(np):
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        nn.mse_loss([Value(1.0), Value(2.0)], np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="one list of logits per target"):
        nn.cross_entropy([[Value(0.0), Value(1.0)]], np.array([0, 1]))


@pytest.mark.parametrize("bad", [True, 1.0, "1", None])
def test_cross_entropy_wants_an_integer_class_index(bad):
    with pytest.raises(ValueError, match="class index"):
        nn.cross_entropy([Value(0.0), Value(1.0)], bad)


def test_loss_targets_go_through_the_number_gate():
    with pytest.raises(TypeError, match="a target: expected a real number"):
        nn.mse_loss([Value(1.0)], ["1"])
    with pytest.raises(ValueError, match="finite"):
        nn.mse_loss([Value(1.0)], [math.nan])
    assert nn.mse_loss([Value(1.0)], [Fraction(1, 2)]).data == 0.25


def test_cross_entropy_second_derivatives_are_the_softmax_covariance():
    # d2 CE / dz_i dz_j = p_i (delta_ij - p_j), through the same stable graph
    xs = [0.5, -1.0, 2.0]
    logits = [Value(x) for x in xs]
    first = grad(nn.cross_entropy(logits, 1), logits)
    p = [math.exp(x) / sum(math.exp(y) for y in xs) for x in xs]
    for i, g in enumerate(first):
        assert g.data == pytest.approx(p[i] - (i == 1), rel=1e-12)
        second = grad(g, logits)
        for j, h in enumerate(second):
            assert h.data == pytest.approx(p[i] * ((i == j) - p[j]), rel=1e-12, abs=1e-15)


def test_a_number_exponent_takes_no_gradient_so_a_large_base_backpropagates():
    x = Value(1e153, label="x")
    y = x**2  # 1e306: finite, and dy/dx = 2e153 is finite too
    y.backward()
    assert x.grad == 2e153
    e = Value(2.0, label="e")  # a Value exponent still gets its gradient: y * ln(x)
    z = Value(3.0) ** e
    z.backward()
    assert e.grad == pytest.approx(9 * math.log(3.0))
