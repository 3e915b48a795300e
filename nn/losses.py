"""Loss functions: each takes a batch of predictions and targets, returns one Value.

All but `sse_loss` average over the batch, so that a batch's gradient is the
mean of its examples' gradients: (1/|B|) * sum of grad C_i.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, overload

from autograd import Value, total
from autograd.engine import (
    as_float,  # the one gate for numbers
    constant,  # a number in the graph, drawn as one
)

Target: TypeAlias = "int | float | Value"

# math.exp(x) is exactly 0.0 for every x below this: such a term of a softmax adds
# nothing to the sum and gets a gradient of exactly 0, so it is left out.
_EXP_UNDERFLOW = -746.0


def _plain(x: Any) -> Any:
    """A numpy array as (nested) lists of Python numbers; anything else as it is."""
    if hasattr(x, "tolist") and not isinstance(x, (numbers.Number, Value)):
        return x.tolist()
    return x


def _batch(preds: Any, targets: Any, who: str) -> tuple[list[Value], list[Value | float]]:
    """Accept one example or a batch (a list, a tuple or an array); check both sides
    have the same length and hold Values (predictions) and numbers (targets)."""
    preds, targets = _plain(preds), _plain(targets)
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
    what = f"{who}: a target"
    checked = [t if isinstance(t, Value) else as_float(t, what) for t in targets]
    return list(preds), checked


def sse_loss(preds: Value | Sequence[Value], targets: Target | Sequence[Target]) -> Value:
    """The sum of squared errors, C(W) = sum over examples of (f(X, W) - y)**2.

    Example:
        >>> sse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        5.0
    """
    return _sum(_sse_terms(preds, targets))


def mse_loss(preds: Value | Sequence[Value], targets: Target | Sequence[Target]) -> Value:
    """The mean of the squared errors over the batch: sse_loss / |B|.

    Example:
        >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        2.5
    """
    return _mean(_mse_terms(preds, targets))


def hinge_loss(scores: Value | Sequence[Value], labels: Target | Sequence[Target]) -> Value:
    """The mean of max(0, 1 - y * score) for labels y in {-1, +1} (a max-margin loss).

    Example:
        >>> hinge_loss([Value(2.0), Value(0.5)], [1, -1]).data
        0.75
    """
    return _mean(_hinge_terms(scores, labels))


# Each loss above is its reduction over its per-example terms: `LossKind` records both,
# and the compiled step writes code for one example's term and for the reduction.


def _sum(terms: list[Value]) -> Value:
    return sum(terms, constant(0.0))


def _mean(terms: list[Value]) -> Value:
    return _sum(terms) * (1.0 / len(terms))


def _squared_errors(preds: Any, targets: Any, who: str) -> list[Value]:
    preds, targets = _batch(preds, targets, who)
    return [(p - t) ** 2 for p, t in zip(preds, targets)]


def _sse_terms(preds: Any, targets: Any) -> list[Value]:
    return _squared_errors(preds, targets, "sse_loss")


def _mse_terms(preds: Any, targets: Any) -> list[Value]:
    return _squared_errors(preds, targets, "mse_loss")


def _hinge_terms(scores: Any, labels: Any) -> list[Value]:
    scores, labels = _batch(scores, labels, "hinge_loss")
    for y in labels:
        if float(y) not in (-1.0, 1.0):
            raise ValueError(
                f"hinge_loss wants labels -1 or +1, got {y!r}; map 0/1 labels with 2*y - 1"
            )
    return [(1 - float(y) * s).relu() for s, y in zip(scores, labels)]


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
    return -sum(terms, constant(0.0)) * (1.0 / len(probs))


def softmax(logits: Sequence[Value | float]) -> list[Value]:
    """exp(z_i) / sum_j exp(z_j) for one example's logits: probabilities that sum to 1.

    Computed stably: the largest logit is subtracted first (softmax does not
    change when every logit moves by the same amount), so no exp overflows.

    Example:
        >>> [round(p.data, 6) for p in softmax([Value(2.0), Value(1.0), Value(0.1)])]
        [0.659001, 0.242433, 0.098566]
        >>> [p.data for p in softmax([Value(1000.0), Value(1000.0)])]
        [0.5, 0.5]
    """
    row = _logits(logits, "softmax", at_least=1)
    _, exps, norm = _shifted_exps(row)
    return [constant(0.0) if e is None else e / norm for e in exps]


@overload
def cross_entropy(logits: Sequence[Value], target: int) -> Value: ...
@overload
def cross_entropy(logits: Sequence[Sequence[Value]], target: Sequence[int]) -> Value: ...
def cross_entropy(logits: Any, target: Any) -> Value:
    """Softmax then negative log-likelihood of the target class, computed stably.

    `logits` is one example's list of scores with `target` its class index, or a
    batch: a list of such lists with a list (or array) of indices (then the mean
    is taken). The loss is log(sum_j exp(z_j)) - z_target with z = logits - max:
    exact where it matters (no large number is added and subtracted again), the
    same for logits shifted by any constant, and no exp ever overflows.

    Example:
        >>> round(cross_entropy([Value(2.0), Value(1.0), Value(0.1)], 0).data, 6)
        0.41703
        >>> round(cross_entropy([Value(1000.0), Value(0.0)], 1).data, 1)
        1000.0
        >>> round(cross_entropy([Value(1e17), Value(1e17)], 0).data, 6)  # log 2
        0.693147
    """
    logits, target = _plain(logits), _plain(target)
    if isinstance(target, (list, tuple)):
        return _mean_total(_cross_entropy_terms(logits, target))
    return _cross_entropy_one(logits, target)


def _mean_total(terms: list[Value]) -> Value:
    return total(terms) * (1.0 / len(terms))


def _cross_entropy_terms(logits: Any, target: Any) -> list[Value]:
    """A batch's terms: one list of logits per class index."""
    logits, target = _plain(logits), _plain(target)
    if not isinstance(logits, (list, tuple)) or len(logits) != len(target):
        raise ValueError("cross_entropy: a batch needs one list of logits per target index")
    if not target:
        raise ValueError("cross_entropy: the batch is empty")
    return [_cross_entropy_one(row, t) for row, t in zip(logits, target)]


def _cross_entropy_one(logits: Any, target: Any) -> Value:
    row = _logits(logits, "cross_entropy", at_least=2)
    is_index = isinstance(target, numbers.Integral) and not isinstance(target, bool)
    index = int(target) if is_index else -1  # numpy's integers count, bools do not
    if not 0 <= index < len(row):
        raise ValueError(
            f"cross_entropy: target must be a class index 0..{len(row) - 1}, got {target!r}"
        )
    shifted, _, norm = _shifted_exps(row)
    z = shifted[index]
    if z is None:
        raise OverflowError(
            f"cross_entropy: the loss is too large for a float: the target's logit "
            f"{row[index].data!r} is further below the largest, "
            f"{max(v.data for v in row)!r}, than a float can hold"
        )
    return norm.log() - z


def _logits(logits: Any, who: str, at_least: int) -> list[Value]:
    """One example's logits as a list of Values (numbers become constants)."""
    logits = _plain(logits)
    if not isinstance(logits, (list, tuple)) or len(logits) < at_least:
        hint = "; for one output use binary_cross_entropy or hinge_loss" if at_least > 1 else ""
        raise ValueError(f"{who} wants a list of at least {at_least} logits (one per class){hint}")
    return [v if isinstance(v, Value) else constant(as_float(v, f"{who}: a logit")) for v in logits]


def _shifted_exps(row: list[Value]) -> tuple[list[Value | None], list[Value | None], Value]:
    """The stable machinery of softmax and cross_entropy: z_i = v_i - max (at most 0),
    exp(z_i), and their sum (at least 1, from the largest logit's e**0).

    A term whose exp underflows to 0 is left out of the graph (None): it adds
    exactly 0 to the sum and its gradient is exactly 0. Its z is None only when
    v_i - max is too large for a float.
    """
    largest = max(v.data for v in row)
    shifted: list[Value | None] = []
    exps: list[Value | None] = []
    for v in row:
        gap = v.data - largest  # -inf if too large for a float
        z = None if gap - gap != 0.0 else v - largest
        shifted.append(z)
        exps.append(None if z is None or gap < _EXP_UNDERFLOW else z.exp())
    return shifted, exps, total([e for e in exps if e is not None])


def _sign_class(p: Any) -> int:
    return int(p.data > 0.0)


def _half_class(p: Any) -> int:
    return int(p.data > 0.5)


def _largest_class(row: Any) -> int:
    return max(range(len(row)), key=lambda i: row[i].data)


class LossKind:
    """What a loss is, said once: how one of its predictions becomes a class, which
    target it wants for a class, how it splits into per-example terms and reduces
    them, and whether `fit(compile=True)` can compile it (`refused` says why not).

    `predict_class(prediction)` is None for a regression loss; `label(c)` is the target
    for class c (hinge and mse want -1/+1); `one(prediction, target)` is the loss of
    one example; `term(prediction, target)` its term, and `reduction` ("mean" or "sum")
    how the batch's terms combine into the loss.

    A loss that is `reduce(terms(predictions, targets))` says so: `terms` gives a
    batch's per-example terms (checking the batch as the loss does) and `reduce`
    combines them. `fit(compile=True)` then writes its code from these two; for a
    loss without them (one of your own) it infers the split from traces.

    Example:
        >>> kind = LossKind.of(hinge_loss)
        >>> kind.predict_class(Value(0.3)), kind.label(0), kind.reduction
        (1, -1, 'mean')
    """

    def __init__(
        self,
        fn: Callable[..., Value],
        term: Callable[[Any, Any], Value],
        reduction: str,
        predict_class: Callable[[Any], int] | None = None,
        label: Callable[[int], Any] = int,
        one_output_per_class: bool = False,
        output_activation: str | None = None,
        refused: str | None = None,
        terms: Callable[[Any, Any], list[Value]] | None = None,
        reduce: Callable[[list[Value]], Value] | None = None,
    ) -> None:
        self.fn, self.name = fn, fn.__name__
        self.term, self.reduction = term, reduction
        self.predict_class, self.label = predict_class, label
        self.one_output_per_class = one_output_per_class
        self.output_activation = output_activation
        self.refused = refused
        self.terms, self.reduce = terms, reduce
        _KINDS[fn] = self

    def one(self, prediction: Any, target: Any) -> Value:
        """The loss of one example (a batch of one)."""
        return (
            self.fn(prediction, target)
            if self.one_output_per_class
            else self.fn([prediction], [target])
        )

    @staticmethod
    def of(loss: Any) -> LossKind | None:
        """The record of one of nn's losses; None for a loss of your own."""
        try:
            return _KINDS.get(loss)
        except TypeError:  # unhashable: not one of ours
            return None


_KINDS: dict[Any, LossKind] = {}


def _signed(c: int) -> int:
    return 2 * c - 1


def _record(
    fn: Callable[..., Value],
    terms: Callable[[Any, Any], list[Value]],
    reduce: Callable[[list[Value]], Value],
    reduction: str,
    **facts: Any,
) -> LossKind:
    """The record of a loss that is reduce(terms(...)); one example's term comes from terms."""

    def term(prediction: Any, target: Any) -> Value:
        return terms([prediction], [target])[0]

    return LossKind(fn, term, reduction, terms=terms, reduce=reduce, **facts)


_record(sse_loss, _sse_terms, _sum, "sum")
_record(mse_loss, _mse_terms, _mean, "mean", label=_signed)
_record(hinge_loss, _hinge_terms, _mean, "mean", predict_class=_sign_class, label=_signed)
# binary_cross_entropy is -sum(log-likelihoods) / n, not a reduction of the terms below;
# the compiled step refuses it anyway (its clamp is a branch on the predictions' values).
LossKind(
    binary_cross_entropy,
    lambda p, y: -(p.log() if float(y) == 1.0 else (1 - p).log()),
    "mean",
    _half_class,
    output_activation="sigmoid",
    refused="it clamps probabilities that reach 0 or 1, a branch on the "
    "predictions' values that a trace cannot see",
)
_record(
    cross_entropy,
    _cross_entropy_terms,
    _mean_total,
    "mean",
    predict_class=_largest_class,
    one_output_per_class=True,
)


def accuracy(loss: Any, preds: Sequence[Any], targets: Sequence[Any]) -> float | None:
    """The fraction of correct predictions, as judged by the kind of loss; None for regression.

    Example:
        >>> accuracy(hinge_loss, [Value(0.3), Value(-2.0)], [1, 1])
        0.5
    """
    kind = LossKind.of(loss)
    if not preds or kind is None or kind.predict_class is None:
        return None
    decide = kind.predict_class
    if kind.one_output_per_class:
        correct = sum(decide(row) == t for row, t in zip(preds, targets))
    else:  # a target is a class by the same rule as a prediction
        correct = sum(decide(p) == decide(Value(float(y))) for p, y in zip(preds, targets))
    return int(correct) / len(preds)


__all__ = [
    "LossKind",
    "accuracy",
    "binary_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "mse_loss",
    "softmax",
    "sse_loss",
]
