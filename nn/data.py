"""Mini-batches."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

X_ = TypeVar("X_")
Y_ = TypeVar("Y_")


def positive_int(value: Any, what: str) -> int:
    """Return `value` if it is an int >= 1, else raise ValueError naming `what`.

    Example:
        >>> positive_int(0, "batch_size")
        Traceback (most recent call last):
        ...
        ValueError: need batch_size >= 1 (an int), got 0
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"need {what} >= 1 (an int), got {value!r}")
    return value


def check_dataset(X: Sequence[Any], y: Sequence[Any]) -> None:
    """Raise ValueError unless X and y are non-empty and of the same length.

    Example:
        >>> check_dataset([[0.0], [1.0]], [0])
        Traceback (most recent call last):
        ...
        ValueError: X and y must have the same length, got 2 and 1
    """
    if not hasattr(X, "__len__") or not hasattr(y, "__len__"):
        raise TypeError("X and y must be lists (one entry per example)")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError("the dataset is empty: X and y have no examples")


def batches(
    X: Sequence[X_],
    y: Sequence[Y_],
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
) -> Iterator[tuple[list[X_], list[Y_]]]:
    """Yield (X_batch, y_batch) pairs that cover every example exactly once.

    The last batch may be smaller. With `shuffle`, the order is drawn from
    `random.Random(seed)`, so a seed makes it reproducible.

    Example:
        >>> [yb for _, yb in batches([[0], [1], [2], [3], [4]], [0, 1, 2, 3, 4], 2, shuffle=False)]
        [[0, 1], [2, 3], [4]]
    """
    check_dataset(X, y)
    positive_int(batch_size, "batch_size")
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    return _chunks(X, y, order, batch_size)  # checked now, not at the first next()


def _chunks(
    X: Sequence[X_], y: Sequence[Y_], order: list[int], size: int
) -> Iterator[tuple[list[X_], list[Y_]]]:
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]
