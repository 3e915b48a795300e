"""Loss functions: each takes a batch of predictions and targets, returns one Value.

All but `sse_loss` average over the batch, so that a batch's gradient is the
mean of its examples' gradients: (1/|B|) * sum of grad C_i.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias, overload

from autograd import Value

Target: TypeAlias = "int | float | Value"


def _batch(preds: Any, targets: Any, who: str) -> tuple[list[Any], list[Any]]:
    """Accept one example or a batch; check both sides have the same length."""
    if not isinstance(preds, (list, tuple)):
        preds, targets = [preds], [targets]
    elif not isinstance(targets, (list, tuple)):
        raise ValueError(f"{who}: got {len(preds)} predictions but a single target {targets!r}")
    if len(preds) != len(targets):
        raise ValueError(f"{who}: got {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError(f"{who}: the batch is empty")
    for p in preds:
        if not isinstance(p, Value):
            raise TypeError(
                f"{who}: predictions must be Values (one per example), got {type(p).__name__}; "
                "for a model with several outputs use cross_entropy"
            )
    for t in targets:
        if isinstance(t, bool) or not isinstance(t, (int, float, Value)):
            raise TypeError(f"{who}: targets must be numbers, got {type(t).__name__} {t!r}")
    return list(preds), list(targets)


def sse_loss(preds: Value | Sequence[Value], targets: Target | Sequence[Target]) -> Value:
    """The sum of squared errors, C(W) = sum over examples of (f(X, W) - y)**2.

    Example:
        >>> sse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        5.0
    """
    preds, targets = _batch(preds, targets, "sse_loss")
    return sum(((p - t) ** 2 for p, t in zip(preds, targets)), Value(0.0))


def mse_loss(preds: Value | Sequence[Value], targets: Target | Sequence[Target]) -> Value:
    """The mean of the squared errors over the batch: sse_loss / |B|.

    Example:
        >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        2.5
    """
    preds, targets = _batch(preds, targets, "mse_loss")
    return sse_loss(preds, targets) * (1.0 / len(preds))


def hinge_loss(scores: Value | Sequence[Value], labels: Target | Sequence[Target]) -> Value:
    """The mean of max(0, 1 - y * score) for labels y in {-1, +1} (a max-margin loss).

    Example:
        >>> hinge_loss([Value(2.0), Value(0.5)], [1, -1]).data
        0.75
    """
    scores, labels = _batch(scores, labels, "hinge_loss")
    for y in labels:
        if float(y) not in (-1.0, 1.0):
            raise ValueError(
                f"hinge_loss wants labels -1 or +1, got {y!r}; map 0/1 labels with 2*y - 1"
            )
    terms = ((1 - float(y) * s).relu() for s, y in zip(scores, labels))
    return sum(terms, Value(0.0)) * (1.0 / len(scores))


def binary_cross_entropy(
    probs: Value | Sequence[Value], labels: Target | Sequence[Target], eps: float = 1e-12
) -> Value:
    """The mean of -[y log p + (1 - y) log(1 - p)] for probabilities p, labels y in {0, 1}.

    Give it probabilities (a sigmoid output). A p outside [0, 1] is an error; a p
    that has saturated to exactly 0 or 1 is clamped to [eps, 1 - eps] (with zero
    gradient there, as a clamp has), so a confident model never hits log(0).

    Example:
        >>> round(binary_cross_entropy([Value(0.9), Value(0.2)], [1, 0]).data, 6)
        0.164252
    """
    probs, labels = _batch(probs, labels, "binary_cross_entropy")
    terms = []
    for p, y in zip(probs, labels):
        if float(y) not in (0.0, 1.0):
            raise ValueError(
                f"binary_cross_entropy wants labels 0 or 1, got {y!r}; "
                "map -1/+1 labels with (y + 1) / 2"
            )
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy wants probabilities in (0, 1), got {p.data!r}; "
                "apply .sigmoid() to the model's output first"
            )
        if p.data < eps:
            p = p * 0.0 + eps
        elif p.data > 1.0 - eps:
            p = p * 0.0 + (1.0 - eps)
        terms.append(p.log() if float(y) == 1.0 else (1 - p).log())
    return -sum(terms, Value(0.0)) * (1.0 / len(probs))


@overload
def cross_entropy(logits: Sequence[Value], target: int) -> Value: ...
@overload
def cross_entropy(logits: Sequence[Sequence[Value]], target: Sequence[int]) -> Value: ...
def cross_entropy(logits: Any, target: Any) -> Value:
    """Softmax then negative log-likelihood of the target class, computed stably.

    `logits` is one example's list of scores with `target` its class index, or a
    batch: a list of such lists with a list of indices (then the mean is taken).
    Subtracting the largest logit (a constant) keeps exp from overflowing.

    Example:
        >>> round(cross_entropy([Value(2.0), Value(1.0), Value(0.1)], 0).data, 6)
        0.41703
        >>> round(cross_entropy([Value(1000.0), Value(0.0)], 1).data, 1)
        1000.0
    """
    if isinstance(target, (list, tuple)):
        if not isinstance(logits, (list, tuple)) or len(logits) != len(target):
            raise ValueError("cross_entropy: a batch needs one list of logits per target index")
        if not target:
            raise ValueError("cross_entropy: the batch is empty")
        losses = [_cross_entropy_one(row, t) for row, t in zip(logits, target)]
        return sum(losses, Value(0.0)) * (1.0 / len(losses))
    return _cross_entropy_one(logits, target)


def _cross_entropy_one(logits: Any, target: Any) -> Value:
    if not isinstance(logits, (list, tuple)) or len(logits) < 2:
        raise ValueError(
            "cross_entropy wants a list of at least 2 logits (one per class); "
            "for a single output use binary_cross_entropy or hinge_loss"
        )
    if not all(isinstance(v, Value) for v in logits):
        raise TypeError("cross_entropy: logits must be Values")
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < len(logits):
        raise ValueError(
            f"cross_entropy: target must be a class index 0..{len(logits) - 1}, got {target!r}"
        )
    shift = max(v.data for v in logits)
    log_sum_exp: Value = sum(((v - shift).exp() for v in logits), Value(0.0)).log() + shift
    target_logit: Value = logits[target]
    return log_sum_exp - target_logit


def accuracy(loss: Any, preds: Sequence[Any], targets: Sequence[Any]) -> float | None:
    """The fraction of correct predictions, as judged by the kind of loss; None for regression.

    Example:
        >>> accuracy(hinge_loss, [Value(0.3), Value(-2.0)], [1, 1])
        0.5
    """
    if not preds:
        return None
    correct: int
    if loss is hinge_loss:
        correct = sum((p.data > 0) == (float(y) > 0) for p, y in zip(preds, targets))
    elif loss is binary_cross_entropy:
        correct = sum((p.data > 0.5) == (float(y) > 0.5) for p, y in zip(preds, targets))
    elif loss is cross_entropy:
        correct = sum(
            max(range(len(row)), key=lambda i: row[i].data) == t for row, t in zip(preds, targets)
        )
    else:
        return None
    return correct / len(preds)


__all__ = [
    "accuracy",
    "binary_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "mse_loss",
    "sse_loss",
]
