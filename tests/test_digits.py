"""The handwritten digits: the shipped file, train_test_split, and learning them."""

from __future__ import annotations

import csv
import gzip
import hashlib
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import no_grad
from nn.demo import main

PACKAGE = Path(nn.__file__).resolve().parent
DIGITS_FILE = PACKAGE / "digits.csv.gz"
# scikit-learn 1.9.1's sklearn/datasets/data/digits.csv.gz, from its wheel on PyPI
PUBLISHED_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
# optdigits.tes, as the dataset's description counts its classes 0..9
UCI_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.fixture(scope="module")
def digits():
    return nn.datasets.load_digits()


# -- the shipped file ------------------------------------------------------------------


def test_the_shipped_file_is_the_published_copy_and_small():
    raw = DIGITS_FILE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PUBLISHED_SHA256
    assert len(raw) < 100_000


def test_load_digits_has_1797_images_of_64_pixels_0_to_16(digits):
    X, y = digits
    assert len(X) == len(y) == 1797
    assert all(len(x) == 64 for x in X)
    pixels = [v for x in X for v in x]
    assert all(type(v) is float and v == int(v) and 0 <= v <= 16 for v in pixels)
    assert min(pixels) == 0.0 and max(pixels) == 16.0


def test_load_digits_labels_are_the_ints_0_to_9_in_the_documented_numbers(digits):
    _, y = digits
    assert all(type(t) is int for t in y)
    assert [Counter(y)[k] for k in range(10)] == UCI_CLASS_COUNTS


def test_load_digits_matches_the_file_read_independently(digits):
    X, y = digits
    with gzip.open(DIGITS_FILE, "rt") as f:
        rows = [[int(v) for v in row] for row in csv.reader(f)]
    assert [[int(v) for v in x] for x in X] == [row[:64] for row in rows]
    assert y == [row[64] for row in rows]


def test_load_digits_returns_fresh_lists(digits):
    X, y = nn.datasets.load_digits()
    X[0][0] = 99.0
    y[0] = 99
    assert nn.datasets.load_digits() == digits


def test_a_damaged_file_is_refused(monkeypatch):
    monkeypatch.setattr(nn.datasets, "DIGITS_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match=r"damaged.*reinstall"):
        nn.datasets.load_digits()


def test_the_data_is_credited_and_packaged():
    notice = (PACKAGE / "digits-NOTICE.txt").read_text()
    for credit in ("Alpaydin", "Kaynak", "CC BY 4.0", "10.24432/C50P49", PUBLISHED_SHA256):
        assert credit in notice
    assert "CC BY 4.0" in (nn.datasets.load_digits.__doc__ or "")
    readme = (PACKAGE.parent / "README.md").read_text()
    assert "Alpaydin" in readme and "CC BY 4.0" in readme
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
    assert {"digits.csv.gz", "digits-NOTICE.txt"} <= set(
        project["tool"]["setuptools"]["package-data"]["nn"]
    )


# -- train_test_split --------------------------------------------------------------------


@given(
    n=st.integers(min_value=2, max_value=300),
    percent=st.integers(min_value=1, max_value=99),
    stratify=st.booleans(),
    seed=st.integers(min_value=0, max_value=10**6),
)
@settings(max_examples=60, deadline=None)
def test_split_sizes_round_the_test_share_up_and_cover_every_example_once(
    n, percent, stratify, seed
):
    n_test = -(-n * percent // 100)  # ceil(n * percent / 100), in integers
    X = [[i] for i in range(n)]
    y = [i % 3 for i in range(n)]
    if not 0 < n_test < n:
        with pytest.raises(ValueError, match="set empty"):
            nn.train_test_split(X, y, test_size=percent / 100, seed=seed, stratify=stratify)
        return
    X_train, X_test, y_train, y_test = nn.train_test_split(
        X, y, test_size=percent / 100, seed=seed, stratify=stratify
    )
    assert (len(X_train), len(X_test)) == (n - n_test, n_test)
    assert sorted(X_train + X_test) == X
    assert all(t == x[0] % 3 for x, t in zip(X_train + X_test, y_train + y_test))


@given(
    labels=st.lists(st.sampled_from("abcde"), min_size=2, max_size=200),
    percent=st.integers(min_value=1, max_value=99),
    seed=st.integers(min_value=0, max_value=10**6),
)
@settings(max_examples=60, deadline=None)
def test_stratified_split_gives_every_class_its_share_to_within_one(labels, percent, seed):
    n = len(labels)
    n_test = -(-n * percent // 100)
    if not 0 < n_test < n:
        return
    _, _, _, y_test = nn.train_test_split(
        list(range(n)), labels, test_size=percent / 100, seed=seed
    )
    in_test, overall = Counter(y_test), Counter(labels)
    for label, count in overall.items():
        assert abs(in_test[label] - n_test * count / n) < 1


def test_stratified_digits_split_keeps_the_class_mix(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, test_size=0.2, seed=0)
    assert (len(X_train), len(X_test)) == (1437, 360)
    for k, count in enumerate(UCI_CLASS_COUNTS):
        assert abs(Counter(y_test)[k] - 360 * count / 1797) < 1
        assert Counter(y_train)[k] == count - Counter(y_test)[k]


def test_unstratified_split_can_lose_the_class_mix():
    y = [0] * 50 + [1] * 50
    shares = {
        Counter(nn.train_test_split(y, y, test_size=0.2, seed=s, stratify=False)[3])[0]
        for s in range(20)
    }
    assert shares != {10}  # a plain random draw: the test set's share of class 0 varies


def test_split_is_reproducible_with_a_seed_and_varies_without(digits):
    X, y = digits
    first = nn.train_test_split(X, y, seed=3)
    assert nn.train_test_split(X, y, seed=3) == first
    assert nn.train_test_split(X, y, seed=4)[3] != first[3]
    assert nn.train_test_split(X, y, seed=3, stratify=False) != first


def test_split_shuffles_both_sets():
    y = [0] * 50 + [1] * 50  # sorted by class: an unshuffled split would keep the runs
    _, _, y_train, y_test = nn.train_test_split(list(range(100)), y, test_size=0.5, seed=0)
    for part in (y_train, y_test):
        assert sum(a != b for a, b in itertools.pairwise(part)) > 5


@pytest.mark.parametrize("test_size", [0, 0.0, 1, 1.0, -0.2, 1.5, True, "0.2", None])
def test_split_rejects_a_test_size_that_is_not_a_fraction(test_size):
    with pytest.raises(ValueError, match=r"test_size .*between 0 and 1"):
        nn.train_test_split([[0.0]] * 10, [0] * 10, test_size=test_size)


@pytest.mark.parametrize(
    ("n", "test_size", "empty"),
    [(10, 1e-12, "test"), (10, 0.95, "training"), (1, 0.5, "training")],
)
def test_split_refuses_to_leave_a_set_empty(n, test_size, empty):
    with pytest.raises(ValueError, match=f"leaves the {empty} set empty"):
        nn.train_test_split([[0.0]] * n, [0] * n, test_size=test_size)


def test_split_rejects_mismatched_or_empty_data_and_unhashable_labels():
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        nn.train_test_split([[0.0]] * 3, [0, 1])
    with pytest.raises(ValueError, match="empty"):
        nn.train_test_split([], [])
    with pytest.raises(TypeError, match="stratify=False"):
        nn.train_test_split([[0.0]] * 4, [[0], [1], [0], [1]], test_size=0.5)
    assert len(nn.train_test_split([[0.0]] * 4, [[0]] * 4, test_size=0.5, stratify=False)[1]) == 2


# -- learning the digits ---------------------------------------------------------------


def scaled(X):
    return [[v / 16.0 for v in x] for x in X]


def test_a_short_run_on_a_subset_beats_90_percent_on_the_test_set(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = nn.train_test_split(scaled(X), y, seed=0)
    model = nn.MLP(64, [32, 10], seed=0)
    nn.fit(
        model,
        X_train[:800],
        y_train[:800],
        loss=nn.cross_entropy,
        optimizer=nn.Adam(model.parameters(), lr=0.01),
        epochs=3,
        batch_size=32,
        progress=False,
    )
    with no_grad():
        outputs = [model(x) for x in X_test]
    assert nn.accuracy(nn.cross_entropy, outputs, y_test) >= 0.90


def test_a_model_with_the_wrong_number_of_inputs_is_refused_at_once(digits):
    X, y = digits
    model = nn.MLP(2, [16, 10], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="takes 2 inputs, got 64"):
        nn.fit(model, X, y, loss=nn.cross_entropy, epochs=1, progress=False)
    assert model.state_dict() == before


@pytest.mark.parametrize("bad", [10, -1, 2.0])
def test_a_label_outside_the_models_classes_is_refused(digits, bad):
    X, y = digits
    model = nn.MLP(64, [10], seed=0)
    with pytest.raises(ValueError, match=rf"class index 0\.\.9, got {bad!r}"):
        nn.fit(model, X[:4], [*y[:3], bad], loss=nn.cross_entropy, epochs=1, progress=False)


def test_the_digits_demo_reports_test_accuracy_confusions_and_mistakes(tmp_path, capsys):
    path = tmp_path / "digits.json"
    assert main(["--dataset", "digits", "--epochs", "1", "--no-progress", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1,437 to train, 360 to test" in out
    assert "MLP(64 -> [32 tanh, 10 linear]" in out and "Adam" in out and "batch size 32" in out
    assert "final model on all 1437 training images: cross_entropy loss" in out
    line = next(line for line in out.splitlines() if "test accuracy" in line)
    assert float(line.split()[2].rstrip("%")) > 80
    table = out.split("confusion matrix")[1].splitlines()
    assert table[1].split() == [str(k) for k in range(10)]
    diagonal = [int(table[2 + k].split()[1 + k]) for k in range(10)]
    assert sum(diagonal) == int(line.split("(")[1].split()[0])  # the correct ones
    assert "misclassified test digits" in out and "true " in out and "@@" in out
    assert nn.load(path).nin == 64


def demo_exit_code(flags: list[str]) -> int:
    """The demo's exit code: a flag the parser refuses exits there, with 2."""
    try:
        return main(flags)
    except SystemExit as e:
        return int(e.code or 0)


def test_the_digits_demo_refuses_a_loss_for_two_classes(capsys):
    assert demo_exit_code(["--dataset", "digits", "--loss", "hinge", "--save", ""]) == 2
    assert "use --loss cross_entropy" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("size", "says"), [("0.9999", "training set empty"), ("0", "between 0 and 1")]
)
def test_the_digits_demo_refuses_an_empty_split(size, says, capsys):
    flags = ["--dataset", "digits", "--test-size", size, "--no-progress", "--save", ""]
    assert demo_exit_code(flags) == 2
    assert says in capsys.readouterr().err


def test_flags_given_win_over_the_digits_defaults(capsys):
    flags = ["--dataset", "digits", "--hidden", "8", "--epochs", "1", "--batch-size", "64"]
    assert main([*flags, "--optimizer", "sgd", "--no-progress", "--save", ""]) == 0
    out = capsys.readouterr().out
    assert "MLP(64 -> [8 tanh, 10 linear]" in out and "SGD" in out and "batch size 64" in out
