"""Datasets in pure Python, each returned as (X, y) lists: seeded 2-D toys and real digits.

X is a list of points (lists of floats); y holds class labels 0..k-1 (ints),
or floats for `make_linear`. `hinge_loss` wants labels -1/+1: use 2*y - 1.
`load_digits` reads 1,797 real 8x8 images of handwritten digits shipped with the package.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import random
from importlib import resources

from nn.data import as_seed, positive_int

DIGITS_FILE = "digits.csv.gz"  # beside this module; its source and licence: digits-NOTICE.txt
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def _check(n: int, noise: float) -> None:
    positive_int(n, "n")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")


def make_moons(
    n: int = 100, noise: float = 0.1, seed: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles: class 0 on top, class 1 below and shifted.

    Example:
        >>> X, y = make_moons(n=6, noise=0.0, seed=0)
        >>> len(X), sorted(set(y))
        (6, [0, 1])
    """
    _check(n, noise)
    rng = random.Random(as_seed(seed))
    X, y = [], []
    for i in range(n):
        label = i % 2
        t = math.pi * rng.random()
        if label == 0:
            point = [math.cos(t), math.sin(t)]
        else:
            point = [1.0 - math.cos(t), 0.5 - math.sin(t)]
        X.append([c + rng.gauss(0.0, noise) for c in point])
        y.append(label)
    return X, y


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """A small circle (class 1) inside a large one (class 0); `factor` is the radius ratio.

    Example:
        >>> X, y = make_circles(n=4, noise=0.0, seed=0)
        >>> [round(math.hypot(*p), 6) for p in X]
        [1.0, 0.5, 1.0, 0.5]
    """
    _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    rng = random.Random(as_seed(seed))
    X, y = [], []
    for i in range(n):
        label = i % 2
        t = 2 * math.pi * rng.random()
        r = 1.0 if label == 0 else factor
        X.append([r * math.cos(t) + rng.gauss(0.0, noise), r * math.sin(t) + rng.gauss(0.0, noise)])
        y.append(label)
    return X, y


def make_xor(
    n: int = 100, noise: float = 0.0, seed: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """Points in the square [-1, 1]^2, class 1 where exactly one coordinate is positive.

    Example:
        >>> X, y = make_xor(n=50, seed=0)
        >>> all(label == ((a > 0) != (b > 0)) for (a, b), label in zip(X, y))
        True
    """
    _check(n, noise)
    rng = random.Random(as_seed(seed))
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
        y.append(int((a > 0) != (b > 0)))
        X.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
    return X, y


def make_spiral(
    n: int = 150, classes: int = 3, noise: float = 0.1, seed: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """`classes` spiral arms winding out from the origin, n points in all.

    Example:
        >>> X, y = make_spiral(n=9, classes=3, seed=0)
        >>> y
        [0, 1, 2, 0, 1, 2, 0, 1, 2]
    """
    _check(n, noise)
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes must be an int >= 2, got {classes!r}")
    rng = random.Random(as_seed(seed))
    X, y = [], []
    for i in range(n):
        label = i % classes
        r = rng.random()
        t = 4.0 * r + 2 * math.pi * label / classes + rng.gauss(0.0, noise)
        X.append([r * math.cos(t), r * math.sin(t)])
        y.append(label)
    return X, y


def make_linear(
    n: int = 100, a: float = 2.0, b: float = -1.0, noise: float = 0.1, seed: int | None = None
) -> tuple[list[list[float]], list[float]]:
    """Regression data on a line: y = a*x + b + noise, x uniform in [-1, 1].

    Example:
        >>> X, y = make_linear(n=3, a=2.0, b=1.0, noise=0.0, seed=0)
        >>> all(abs(t - (2 * x + 1)) < 1e-12 for (x,), t in zip(X, y))
        True
    """
    _check(n, noise)
    rng = random.Random(as_seed(seed))
    X, y = [], []
    for _ in range(n):
        x = rng.uniform(-1, 1)
        X.append([x])
        y.append(a * x + b + rng.gauss(0.0, noise))
    return X, y


def load_digits() -> tuple[list[list[float]], list[int]]:
    """The 1,797 handwritten digits: X holds each 8x8 image's 64 pixels, row by row, as
    floats 0..16 (how much ink: 0 is blank); y holds the digits 0..9, about 180 of each.

    Read from a 57 KB file shipped inside the package: nothing is downloaded. The
    data is the test set of "Optical Recognition of Handwritten Digits" by E. Alpaydin
    and C. Kaynak (UCI Machine Learning Repository, 1998, doi:10.24432/C50P49),
    licensed CC BY 4.0, in the copy that scikit-learn distributes; see
    `nn/digits-NOTICE.txt`. Scale the pixels (`v / 16`) before training a network.

    Example:
        >>> X, y = load_digits()
        >>> len(X), len(X[0]), y[:10]
        (1797, 64, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        >>> min(min(x) for x in X), max(max(x) for x in X)
        (0.0, 16.0)
    """
    raw = resources.files("nn").joinpath(DIGITS_FILE).read_bytes()
    if hashlib.sha256(raw).hexdigest() != DIGITS_SHA256:
        raise RuntimeError(
            f"the digits file shipped with gradstep ({DIGITS_FILE}) is damaged or was "
            "replaced: its checksum does not match; reinstall gradstep"
        )
    X, y = [], []
    for line in gzip.decompress(raw).decode("ascii").splitlines():
        *pixels, label = line.split(",")
        X.append([float(p) for p in pixels])
        y.append(int(label))
    return X, y
