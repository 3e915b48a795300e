"""Bad input fails loudly, early, and says what was wrong."""

from __future__ import annotations

import pytest

from autograd import Value, dot, total


@pytest.mark.parametrize("bad", ["3", True, None, [1.0], 1j])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="int or a float"):
        Value(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_value_rejects_non_finite_numbers(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_value_rejects_a_non_string_label():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_string_in_a_value_message_suggests_converting():
    with pytest.raises(TypeError, match=r"float\(s\)"):
        Value("3")


@pytest.mark.parametrize(
    "expr",
    [
        lambda v: v + "a",
        lambda v: "a" + v,
        lambda v: v * None,
        lambda v: v - True,
        lambda v: v / [1],
        lambda v: v ** "2",
        lambda v: 2j * v,
    ],
)
def test_arithmetic_with_a_non_number_is_a_type_error(expr):
    with pytest.raises(TypeError, match="unsupported operand"):
        expr(Value(1.0))


@pytest.mark.parametrize("expr", [lambda v: v < "a", lambda v: v >= None])
def test_comparison_with_a_non_number_is_a_type_error(expr):
    with pytest.raises(TypeError, match="compares"):
        expr(Value(1.0))


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_names_op_value_and_node(x):
    with pytest.raises(ValueError, match=rf"log is undefined for x <= 0, got {x!r} at node 'h'"):
        Value(x, label="h").log()


def test_sqrt_of_negative_names_op_and_value():
    with pytest.raises(ValueError, match=r"sqrt is undefined for x < 0, got -1.0"):
        Value(-1).sqrt()


def test_negative_base_to_fractional_power_is_a_value_error():
    with pytest.raises(ValueError, match=r"negative base.*-8.0 \*\* 0.5"):
        Value(-8) ** 0.5


def test_a_value_exponent_needs_a_positive_base():
    with pytest.raises(ValueError, match=r"base must be > 0.*-2.0"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match=r"base must be > 0"):
        (-2) ** Value(2.0)


def test_division_by_zero_names_the_op_and_the_node():
    with pytest.raises(ZeroDivisionError, match=r"'/'.*'d'"):
        Value(1.0) / Value(0.0, label="d")
    with pytest.raises(ZeroDivisionError, match=r"'/'"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match=r"'/'"):
        1 / Value(0.0)


def test_zero_to_a_negative_power_is_zero_division():
    with pytest.raises(ZeroDivisionError, match=r"'\*\*'.*negative power -1.0"):
        Value(0) ** -1


def test_exp_overflow_says_so():
    with pytest.raises(OverflowError, match=r"exp overflows for x = 1000.0"):
        Value(1000).exp()


@pytest.mark.parametrize(
    "expr",
    [
        lambda: Value(1e308) * 10,
        lambda: Value(1e308) + 1e308,
        lambda: Value(-1e308) - 1e308,
        lambda: Value(1e308) / 1e-10,
        lambda: total([Value(1e308), Value(1e308)]),
        lambda: dot([Value(1e200)], [Value(1e200)]),
    ],
)
def test_arithmetic_overflow_is_an_error_not_a_silent_inf(expr):
    with pytest.raises(OverflowError, match="overflowed"):
        expr()


def test_overflow_is_caught_without_recording_too():
    from autograd import no_grad

    with pytest.raises(OverflowError), no_grad():
        Value(1e308) * 10


def test_power_overflow_says_so():
    with pytest.raises(OverflowError, match=r"'\*\*' overflows"):
        Value(10.0) ** 400


@pytest.mark.parametrize("expr", [lambda v: v.sqrt(), lambda v: v**0.5], ids=["sqrt", "pow"])
def test_an_infinite_derivative_is_refused_rather_than_turned_into_nan(expr):
    with pytest.raises(ValueError, match="no finite derivative"):
        expr(Value(0.0))


def test_backward_rejects_a_bad_seed():
    with pytest.raises(TypeError):
        Value(1.0).backward("1")  # type: ignore[arg-type]
