"""Optimizers: move every parameter against its gradient."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from autograd import Value


def _check_params(params: Iterable[Value], who: str) -> list[Value]:
    if hasattr(params, "parameters"):
        raise TypeError(
            f"{who} takes the model's parameters, not the model: "
            f"{who}(model.parameters(), ...)"
        )
    if callable(params):
        raise TypeError(
            f"{who} takes a list of parameters, got the method itself: call it, "
            f"{who}(model.parameters(), ...) with the parentheses"
        )
    if not isinstance(params, Iterable):
        raise TypeError(
            f"{who} takes a list of parameters (e.g. model.parameters()), "
            f"got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError(f"{who}: got no parameters to optimize")
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"{who}: parameters must be Values, got {type(p).__name__}")
    return params


def _number(x: object, who: str, what: str, ok: Callable[[float], bool]) -> float:
    """`x` as a float, if it is a finite real number (numpy's too) for which `ok` holds;
    else a ValueError that says `who` wants `what`."""
    try:
        value = Value(x).data  # type: ignore[arg-type]  # the engine's one gate for numbers
    except (TypeError, ValueError):
        value = math.nan  # fails `ok`: one message for every kind of wrong
    if not ok(value):
        raise ValueError(f"{who}: {what}, got {x!r}")
    return value


def _check_lr(lr: float, who: str) -> float:
    return _number(lr, who, "the learning rate must be a number > 0", lambda v: v > 0)


class Optimizer:
    """What every optimizer shares: its parameters and `zero_grad`."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        who = type(self).__name__
        self.params = _check_params(params, who)
        self.lr = _check_lr(lr, who)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 before the next backward pass.

        Example:
            >>> w = Value(1.0); w.grad = 3.0
            >>> SGD([w], lr=0.1).zero_grad()
            >>> w.grad
            0.0
        """
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent: w <- w - lr * dC/dw for every parameter w.

    With `weight_decay` the gradient gains wd * w (an L2 penalty); with
    `momentum` mu the step follows a running velocity v <- mu * v + g.

    Example:
        >>> w = Value(1.0); w.grad = 0.5
        >>> SGD([w], lr=0.1).step()
        >>> w.data
        0.95
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _number(momentum, "SGD", "momentum must be in [0, 1)", _unit)
        self.weight_decay = _number(
            weight_decay, "SGD", "weight_decay must be >= 0", lambda v: v >= 0.0
        )
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Apply one update using the gradients of the last backward pass."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, w in enumerate(self.params):
            g = (w.grad or 0.0) + wd * w.data  # a grad of None (PyTorch's habit) is 0
            if mu:
                g = self.velocity[i] = mu * self.velocity[i] + g
            w.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): steps scaled by running moments of the gradient.

        m <- b1 m + (1 - b1) g            m_hat = m / (1 - b1**t)
        v <- b2 v + (1 - b2) g**2         v_hat = v / (1 - b2**t)
        w <- w - lr * m_hat / (sqrt(v_hat) + eps)

    Example:
        >>> w = Value(1.0); w.grad = 4.0
        >>> Adam([w], lr=0.1).step()
        >>> round(w.data, 6)  # the first step moves by lr, whatever the gradient's size
        0.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair of numbers in [0, 1), got {betas!r}")
        b1, b2 = (_number(b, "Adam", "each of betas must be in [0, 1)", _unit) for b in betas)
        self.betas = (b1, b2)
        self.eps = _number(eps, "Adam", "eps must be > 0", lambda v: v > 0)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """Apply one update using the gradients of the last backward pass."""
        self.t += 1
        b1, b2 = self.betas
        correction1 = 1.0 - b1**self.t
        correction2 = 1.0 - b2**self.t
        for i, w in enumerate(self.params):
            g = w.grad or 0.0  # a grad of None (PyTorch's habit) is 0
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            m_hat = self.m[i] / correction1
            v_hat = self.v[i] / correction2
            w.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale the gradients down so that their joint length is at most `max_norm`, and
    return the length they had (PyTorch's `clip_grad_norm_`).

    The length is the L2 norm of all the gradients together, sqrt(g1**2 + ... + gn**2).
    Clipping keeps the step's direction and bounds its size, so that one huge
    gradient (a cliff in the loss) cannot throw the parameters far away. Call it
    between `backward()` and `step()`. A gradient that is not finite raises
    FloatingPointError: there is no direction left to keep.

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> a.grad, b.grad = 3.0, 4.0
        >>> clip_grad_norm([a, b], max_norm=1.0)  # sqrt(3**2 + 4**2)
        5.0
        >>> a.grad, b.grad
        (0.6, 0.8)
    """
    params = _check_params(params, "clip_grad_norm")
    max_norm = _check_max_norm(max_norm, "clip_grad_norm")
    norm = math.hypot(*(p.grad or 0.0 for p in params))  # hypot: no overflow in the squares
    if not math.isfinite(norm):
        raise FloatingPointError(
            f"the gradients' norm is {norm}: a gradient overflowed; lower the learning rate"
        )
    if norm > max_norm:
        for p in params:
            p.grad = max_norm * (p.grad or 0.0) / norm
    return norm


def _check_max_norm(max_norm: float, who: str) -> float:
    return _number(max_norm, who, "the largest gradient norm must be a number > 0", lambda v: v > 0)


def _unit(v: float) -> bool:
    return 0.0 <= v < 1.0
