"""Mini-batches and train/test splits."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

X_ = TypeVar("X_")
Y_ = TypeVar("Y_")


def positive_int(value: Any, what: str) -> int:
    """Return `value` as an int if it is an integer >= 1 (numpy's integers too),
    else raise ValueError naming `what`.

    Example:
        >>> positive_int(0, "batch_size")
        Traceback (most recent call last):
        ...
        ValueError: need batch_size >= 1 (an int), got 0
    """
    if not _integral(value) or value < 1:
        raise ValueError(f"need {what} >= 1 (an int), got {value!r}")
    return int(value)


def _integral(value: Any) -> bool:
    # numbers.Integral takes numpy's integers; a bool is one too, but never meant as a number
    return not isinstance(value, bool) and isinstance(value, numbers.Integral)


def as_seed(seed: Any) -> int | None:
    """The one gate for `seed=`: None, or any integer (numpy's too) as an int.

    Example:
        >>> as_seed(None), as_seed(7)
        (None, 7)
        >>> as_seed(0.5)
        Traceback (most recent call last):
        ...
        TypeError: seed must be an int (or None), got float 0.5: pass an int, e.g. seed=0
    """
    if seed is None:
        return None
    if not _integral(seed):
        raise TypeError(
            f"seed must be an int (or None), got {type(seed).__name__} {seed!r}: "
            "pass an int, e.g. seed=0"
        )
    return int(seed)


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
    batch_size = positive_int(batch_size, "batch_size")
    seed = as_seed(seed)  # checked even without shuffle: a wrong seed is never ignored
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


def train_test_split(
    X: Sequence[X_],
    y: Sequence[Y_],
    test_size: float = 0.2,
    seed: int | None = 0,
    stratify: bool = True,
) -> tuple[list[X_], list[X_], list[Y_], list[Y_]]:
    """Split a dataset at random into X_train, X_test, y_train, y_test.

    The test set gets the fraction `test_size` of the examples, rounded up (as
    scikit-learn does: 20% of 1,797 is 360). With `stratify`, every class (every
    distinct label) is split in that proportion too, so both sets keep the class mix
    of the whole; for regression targets use `stratify=False`. The same `seed` gives
    the same split. Both sets come out shuffled; the rows are not copied.

    Example:
        >>> X, y = [[float(i)] for i in range(10)], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5)
        >>> len(X_train), len(X_test), sorted(y_test)
        (5, 5, [0, 0, 0, 1, 1])
    """
    check_dataset(X, y)
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"test_size is the fraction of examples to hold out, between 0 and 1 "
            f"(e.g. 0.2); got {test_size!r}"
        )
    n = len(X)
    n_test = math.ceil(test_size * n - 1e-9)  # the epsilon keeps 0.3 * 10 = 3.0000000000000004 at 3
    if not 0 < n_test < n:
        empty = "test" if n_test == 0 else "training"
        raise ValueError(
            f"test_size={test_size!r} of {n} examples leaves the {empty} set empty: "
            f"use a {'larger' if n_test == 0 else 'smaller'} test_size or more examples"
        )
    rng = random.Random(as_seed(seed))
    test = _stratified_sample(y, n_test, rng) if stratify else rng.sample(range(n), n_test)
    in_test = set(test)
    train = [i for i in range(n) if i not in in_test]
    rng.shuffle(train)
    rng.shuffle(test)
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def _stratified_sample(y: Sequence[Any], k: int, rng: random.Random) -> list[int]:
    """k indices of y drawn so that each class gets its share k * n_class / n, rounded
    so the shares add up to k: the places left after rounding down go to the classes
    with the largest remainders, ties drawn at random."""
    by_class: dict[Any, list[int]] = {}
    try:
        for i, label in enumerate(y):
            by_class.setdefault(label, []).append(i)
    except TypeError:
        raise TypeError(
            "stratify=True needs class labels that can be hashed, such as ints or "
            "strings; for other targets pass stratify=False"
        ) from None
    n = len(y)
    share = {label: divmod(k * len(members), n) for label, members in by_class.items()}
    labels = list(by_class)
    rng.shuffle(labels)  # the order among equal remainders (sorted() keeps it)
    left = k - sum(whole for whole, _ in share.values())
    bonus = set(sorted(labels, key=lambda c: share[c][1], reverse=True)[:left])
    return [
        i
        for label, members in by_class.items()
        for i in rng.sample(members, share[label][0] + (label in bonus))
    ]
