"""What a learner meets in the first hour: mistakes named with their fix, help() that
explains, and the numbers of other libraries (numpy's scalars) taken as numbers."""

from __future__ import annotations

import itertools
import pydoc
import random
import warnings

import pytest

import nn
from autograd import Value


def moons() -> tuple[list[list[float]], list[int]]:
    X, y = nn.datasets.make_moons(n=60, noise=0.1, seed=0)
    return X, [2 * t - 1 for t in y]


def test_a_batch_given_to_a_model_says_to_call_it_per_example():
    model = nn.MLP(2, [3, 1], seed=0)
    for batch in ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0]] * 5, ([1.0, 2.0], [3.0, 4.0])):
        with pytest.raises(TypeError, match=r"one example at a time.*\[model\(x\) for x in X\]"):
            model(batch)
    with pytest.raises(TypeError, match="one example at a time"):
        nn.Neuron(2, seed=0)([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("optimizer", [nn.SGD, nn.Adam])
def test_an_optimizer_given_the_model_or_the_method_says_to_call_parameters(optimizer):
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"not the model.*model\.parameters\(\)"):
        optimizer(model, lr=0.1)
    with pytest.raises(TypeError, match=r"the method itself.*model\.parameters\(\).*parentheses"):
        optimizer(model.parameters, lr=0.1)
    with pytest.raises(TypeError, match=r"list of parameters.*got float"):
        optimizer(1.5, lr=0.1)


def test_numpy_scalars_are_numbers_for_the_optimizers_and_batch_sizes():
    np = pytest.importorskip("numpy")
    X, y = moons()
    reference = nn.MLP(2, [4, 1], seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    plain = nn.fit(reference, X, y, loss=nn.hinge_loss, epochs=2, batch_size=8,
                   optimizer=nn.SGD(reference.parameters(), lr=0.1, momentum=0.5),
                   progress=False)
    numpy = nn.fit(model, X, y, loss=nn.hinge_loss, epochs=np.int64(2),
                   batch_size=np.int64(8), progress=False,
                   optimizer=nn.SGD(model.parameters(), lr=np.float64(0.1),
                                    momentum=np.float32(0.5)))
    assert list(numpy) == list(plain)
    adam = nn.Adam(model.parameters(), lr=np.float32(0.01), betas=(np.float64(0.8), 0.9),
                   eps=np.float32(1e-6))
    assert adam.lr == float(np.float32(0.01)) and adam.betas == (0.8, 0.9)
    assert [len(b) for b, _ in nn.batches(X, y, np.int32(25), shuffle=False)] == [25, 25, 10]
    assert nn.clip_grad_norm(model.parameters(), np.float32(1.0)) >= 0.0


SEEDED = {
    "MLP": lambda seed: [p.data for p in nn.MLP(2, [4, 1], seed=seed).parameters()],
    "Neuron": lambda seed: [p.data for p in nn.Neuron(2, seed=seed).parameters()],
    "Layer": lambda seed: [p.data for p in nn.Layer(2, 3, seed=seed).parameters()],
    "make_moons": lambda seed: nn.datasets.make_moons(n=10, seed=seed),
    "make_circles": lambda seed: nn.datasets.make_circles(n=10, seed=seed),
    "make_xor": lambda seed: nn.datasets.make_xor(n=10, seed=seed),
    "make_spiral": lambda seed: nn.datasets.make_spiral(n=9, seed=seed),
    "make_linear": lambda seed: nn.datasets.make_linear(n=10, seed=seed),
    "train_test_split": lambda seed: nn.train_test_split(*moons(), seed=seed),
    "batches": lambda seed: list(nn.batches(*moons(), 16, seed=seed)),
    "batches unshuffled": lambda seed: list(nn.batches(*moons(), 16, shuffle=False, seed=seed)),
    "fit": lambda seed: list(nn.fit(nn.MLP(2, [2, 1], seed=0), *moons(), loss=nn.hinge_loss,
                                    epochs=2, progress=False, seed=seed)),
}


@pytest.mark.parametrize("who", SEEDED)
def test_every_seed_takes_numpy_integers_and_refuses_what_is_not_an_int(who):
    np = pytest.importorskip("numpy")
    make = SEEDED[who]
    assert make(np.int64(3)) == make(np.int32(3)) == make(3)
    for bad in (True, 0.5, 3.0, "3", np.float64(3.0)):
        with pytest.raises(TypeError, match=r"seed must be an int.*pass an int, e.g. seed=0"):
            make(bad)


def test_a_wrong_seed_is_refused_even_beside_an_rng():
    with pytest.raises(TypeError, match="seed must be an int"):
        nn.Neuron(2, seed=0.5, rng=random.Random(0))


@pytest.mark.parametrize("name", ["hinge", "mse", "cross_entropy", "binary_cross_entropy"])
def test_fit_given_a_loss_by_name_says_to_pass_the_function(name):
    X, y = moons()
    function = name if name.endswith("entropy") else f"{name}_loss"
    with pytest.raises(TypeError, match=rf"loss=nn\.{function}\b.*not the string '{name}'"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=name, progress=False)
    with pytest.raises(TypeError, match=r"loss must be a function.*got int"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=3, progress=False)


@pytest.mark.parametrize("keyword", ["lr", "learning_rate", "momentum"])
def test_fit_given_a_learning_rate_says_to_pass_an_optimizer(keyword):
    X, y = moons()
    model = nn.MLP(2, [2, 1], seed=0)
    hint = rf"fit\(\) has no '{keyword}'.*optimizer=nn\.SGD\(model\.parameters\(\), lr=0\.1\)"
    with pytest.raises(TypeError, match=hint):
        nn.fit(model, X, y, progress=False, **{keyword: 0.1})
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'epoch'.*epochs"):
        nn.fit(model, X, y, progress=False, epoch=3)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0),
        lambda ps: nn.SGD(ps, lr=True),
        lambda ps: nn.SGD(ps, lr="0.1"),
        lambda ps: nn.SGD(ps, lr=float("inf")),
        lambda ps: nn.SGD(ps, lr=0.1, momentum=1.0),
        lambda ps: nn.SGD(ps, lr=0.1, weight_decay=-1),
        lambda ps: nn.Adam(ps, betas=(0.9, 1.0)),
        lambda ps: nn.Adam(ps, betas=0.9),
        lambda ps: nn.Adam(ps, eps=0),
    ],
)
def test_bad_optimizer_settings_are_still_refused(make):
    with pytest.raises(ValueError, match="must be"):
        make([Value(1.0)])


def test_fit_warns_once_when_the_loss_grows_several_fold():
    X, y = moons()
    model = nn.MLP(2, [16, 16, 1], seed=0)
    with pytest.warns(RuntimeWarning, match=r"before training.*smaller learning rate than 10") as w:
        history = nn.fit(model, X, y, loss=nn.hinge_loss, epochs=8, batch_size=10,
                         optimizer=nn.SGD(model.parameters(), lr=10), progress=False)
    assert min(history) > 2.0  # the hinge loss of a fresh model is about 1
    assert [r.filename for r in w] == [__file__]  # it points at the line that called fit


def test_the_warning_that_the_loss_grows_points_at_the_line_that_called_fit():
    X, y = nn.datasets.make_linear(n=30, seed=0)
    model = nn.MLP(1, [8, 1], seed=0)
    with pytest.warns(RuntimeWarning, match="grew several-fold") as w, pytest.raises(nn.Diverged):
        nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=1e6), epochs=50,
               progress=False)
    assert [r.filename for r in w] == [__file__]


def test_fit_warns_when_the_loss_swings_up_several_fold():
    history = nn.History()
    history += [6.0, 47.0]
    with pytest.warns(RuntimeWarning, match=r"grew several-fold, from 6 to 47 by epoch 2"):
        assert nn.train._warn_if_growing(history, nn.SGD([Value(1.0)], lr=10))
    history[-1] = 20.0  # three-fold: the noise of small batches can do that
    assert not nn.train._warn_if_growing(history, nn.SGD([Value(1.0)], lr=10))


def test_fit_is_quiet_when_the_loss_only_wobbles_on_its_way_down():
    X, y = moons()
    model = nn.MLP(2, [8, 1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = nn.fit(model, X, y, loss=nn.hinge_loss, epochs=40, batch_size=5,
                         optimizer=nn.SGD(model.parameters(), lr=0.3, momentum=0.9),
                         progress=False)
    assert any(b > a for a, b in itertools.pairwise(history))  # it did wobble


def test_help_of_fit_shows_types_and_describes_the_history():
    text = pydoc.render_doc(nn.fit, renderer=pydoc.plaintext)
    assert "'ModelT'" not in text and "'History'" not in text
    for attribute in ("history.accuracy", "history.epochs", "history.stopped"):
        assert attribute in text


def test_a_history_shows_a_summary():
    history = nn.History(epochs=100)
    assert repr(history) == "History(0 of 100 epochs)"
    history += [2.0, 0.5, 0.25]
    history.accuracy += [0.5, 0.75, 0.875]
    assert repr(history) == "History(3 of 100 epochs: loss 2 -> 0.25, accuracy 50.0% -> 87.5%)"
    history.stopped = "callback early_stopping"
    assert "stopped by callback early_stopping" in repr(history)
    assert list(history) == [2.0, 0.5, 0.25]  # still the list of losses


def test_loading_the_wrong_kind_of_model_names_it_with_the_right_article(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [1], seed=0).save(path)
    with pytest.raises(ValueError, match="holds an MLP, not a Layer"):
        nn.load(path, nn.Layer)
    nn.Layer(2, 1, seed=0).save(path)
    with pytest.raises(ValueError, match="holds a Layer, not an MLP"):
        nn.load(path, nn.MLP)
