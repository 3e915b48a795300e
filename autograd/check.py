"""Check backward() against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.engine import Value, no_grad


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Compare the gradients backward() gives with central finite differences.

    For each input x, the numerical slope is (f(x + eps) - f(x - eps)) / (2 eps);
    it must agree with x.grad to within `atol + rtol * |slope|`. The inputs'
    data and grad are left as they were. Returns True, or raises an
    AssertionError listing every input whose gradient disagrees.

    Example:
        >>> x, y = Value(0.5, label="x"), Value(-1.5, label="y")
        >>> gradcheck(lambda a, b: (a * b).tanh() + a.exp(), [x, y])
        True
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"gradcheck inputs must be Values, got {type(x).__name__} at position {i}"
            )
    saved = [(x.data, x.grad) for x in inputs]
    try:
        out = f(*inputs)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        for x in inputs:
            x.grad = 0.0
        out.backward()
        analytic = [x.grad for x in inputs]

        mismatches = []
        for i, x in enumerate(inputs):
            x0 = saved[i][0]
            with no_grad():
                x.data = x0 + eps
                plus = _evaluate(f, inputs)
                x.data = x0 - eps
                minus = _evaluate(f, inputs)
            x.data = x0
            numeric = (plus - minus) / (2 * eps)
            if not abs(analytic[i] - numeric) <= atol + rtol * abs(numeric):
                name = f"'{x.label}'" if x.label else f"#{i}"
                mismatches.append(
                    f"  input {name} = {x0!r}: backward gives {analytic[i]!r}, "
                    f"finite differences give {numeric!r}"
                )
    finally:
        for x, (data, grad) in zip(inputs, saved):
            x.data, x.grad = data, grad
    if mismatches:
        raise AssertionError("gradient mismatch:\n" + "\n".join(mismatches))
    return True


def _evaluate(f: Callable[..., Value], inputs: list[Value]) -> float:
    out = f(*inputs)
    return out.data if isinstance(out, Value) else float(out)
