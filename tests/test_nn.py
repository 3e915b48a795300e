"""nn: models, losses, optimizers, batching, training, saving."""

from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, gradcheck


def grads(params):
    return [p.grad for p in params]


# -- the mini-batch rule -------------------------------------------------------------


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=8))
@settings(max_examples=25, deadline=None)
def test_mse_gradient_of_a_batch_is_the_mean_of_the_examples_gradients(seed, size):
    rng = random.Random(seed)
    model = nn.MLP(2, [4, 1], seed=seed)
    params = model.parameters()
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(size)]
    y = [rng.uniform(-1, 1) for _ in range(size)]

    per_example = []
    for x, t in zip(X, y):
        model.zero_grad()
        nn.mse_loss([model(x)], [t]).backward()
        per_example.append(grads(params))
    model.zero_grad()
    nn.mse_loss([model(x) for x in X], y).backward()
    for i, g in enumerate(grads(params)):
        mean = sum(e[i] for e in per_example) / size
        assert g == pytest.approx(mean, abs=1e-12)


def test_sse_is_the_sum_and_mse_the_mean_of_squared_errors():
    preds = [Value(1.0), Value(-2.0), Value(0.5)]
    targets = [0.0, 1.0, 0.5]
    assert nn.sse_loss(preds, targets).data == 1.0 + 9.0 + 0.0
    assert nn.mse_loss(preds, targets).data == pytest.approx(10.0 / 3)
    model = nn.MLP(1, [3, 1], seed=2)
    X, y = [[0.3], [-0.7]], [1.0, -1.0]
    model.zero_grad()
    nn.sse_loss([model(x) for x in X], y).backward()
    total = grads(model.parameters())
    parts = []
    for x, t in zip(X, y):
        model.zero_grad()
        nn.sse_loss(model(x), t).backward()
        parts.append(grads(model.parameters()))
    for i, g in enumerate(total):
        assert g == pytest.approx(parts[0][i] + parts[1][i], abs=1e-12)


def test_sgd_step_is_w_minus_lr_times_grad():
    params = [Value(0.3), Value(-1.2), Value(2.0)]
    for p, g in zip(params, [0.5, -0.25, 4.0]):
        p.grad = g
    before = [(p.data, p.grad) for p in params]
    nn.SGD(params, lr=0.05).step()
    for p, (w, g) in zip(params, before):
        assert p.data == w - 0.05 * g


def test_sgd_momentum_and_weight_decay_follow_their_formulas():
    w = Value(1.0)
    opt = nn.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01)
    expected, v = 1.0, 0.0
    for g in [1.0, -0.5, 0.25]:
        w.grad = g
        opt.step()
        v = 0.9 * v + (g + 0.01 * expected)
        expected -= 0.1 * v
        assert w.data == pytest.approx(expected, abs=1e-15)


def test_adam_follows_its_published_update_equations():
    w = Value(0.5)
    opt = nn.Adam([w], lr=0.01, betas=(0.8, 0.99), eps=1e-8)
    m = v = 0.0
    expected = 0.5
    for t, g in enumerate([0.3, -1.0, 2.0, 0.1], start=1):
        w.grad = g
        opt.step()
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        expected -= 0.01 * (m / (1 - 0.8**t)) / (math.sqrt(v / (1 - 0.99**t)) + 1e-8)
        assert w.data == pytest.approx(expected, abs=1e-15)


def test_adam_minimises_a_quadratic():
    x = Value(5.0)
    opt = nn.Adam([x], lr=0.1)
    for _ in range(500):
        opt.zero_grad()
        ((x - 2) ** 2).backward()
        opt.step()
    assert x.data == pytest.approx(2.0, abs=1e-3)


# -- models ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", None])
def test_mlp_gradients_match_finite_differences(activation):
    model = nn.MLP(3, [4, 3, 1], activation=activation, seed=1)
    params = model.parameters()
    for p in params:
        if p.label.endswith(".b"):
            p.data = 0.1  # keep relu's pre-activations away from its kink at 0
    assert all(abs(v) > 1e-3 for v in pre_activations(model, [0.4, -0.9, 1.3]))
    x = [0.4, -0.9, 1.3]
    assert gradcheck(lambda *ps: (model(x) - 0.5) ** 2, params)


def pre_activations(model, x):
    values = []
    for layer in model.layers:
        for n in layer.neurons:
            values.append(sum(w.data * float(xi) for w, xi in zip(n.w, x)) + n.b.data)
        x = [v.data for v in layer(x)]
    return values


def test_seeded_models_are_identical_and_unseeded_ones_differ():
    a = nn.MLP(2, [8, 1], seed=3).state_dict()
    assert a == nn.MLP(2, [8, 1], seed=3).state_dict()
    assert a != nn.MLP(2, [8, 1], seed=4).state_dict()


def test_parameter_counts_and_labels():
    model = nn.MLP(2, [16, 16, 1])
    assert len(model.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b"]
    assert labels[-1] == "L3.N1.b" and len(set(labels)) == 337
    assert "337 parameters" in repr(model) and "16 tanh" in repr(model)


def test_output_is_a_value_for_one_neuron_and_a_list_otherwise():
    assert isinstance(nn.MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = nn.MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    assert isinstance(nn.Layer(2, 1)([1.0, 2.0]), list)


def test_a_hidden_layer_of_one_neuron_works():
    model = nn.MLP(2, [3, 1, 1], seed=0)
    out = model([0.5, -0.5])
    out.backward()
    assert isinstance(out, Value)
    assert all(math.isfinite(p.grad) for p in model.parameters())


def test_zero_grad_clears_every_parameter():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_activations_are_applied():
    n = nn.Neuron(1, activation="relu", seed=0)
    n.w[0].data = -1.0
    assert n([2.0]).data == 0.0
    n = nn.Neuron(1, activation="sigmoid", seed=0)
    n.w[0].data = 0.0
    assert n([2.0]).data == 0.5


@pytest.mark.parametrize(
    "build, error",
    [
        (lambda: nn.MLP(2, [3, 1])([1.0, 2.0, 3.0]), "takes 2 inputs, got 3"),
        (lambda: nn.MLP(2, [3, 1], activation="softmax"), "unknown activation"),
        (lambda: nn.MLP(0, [1]), "nin >= 1"),
        (lambda: nn.MLP(2, []), "non-empty"),
        (lambda: nn.Layer(2, 0), "nout >= 1"),
    ],
)
def test_shape_and_configuration_errors(build, error):
    with pytest.raises(ValueError, match=error):
        build()


# -- losses ---------------------------------------------------------------------------


def test_hinge_loss_rejects_zero_one_labels_and_says_how_to_map():
    with pytest.raises(ValueError, match=r"2\*y - 1"):
        nn.hinge_loss([Value(0.3)], [0])


def test_binary_cross_entropy_matches_its_formula_and_clamps_saturation():
    p, q = Value(0.8), Value(0.3)
    loss = nn.binary_cross_entropy([p, q], [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    loss.backward()
    assert p.grad == pytest.approx(-1 / 0.8 / 2) and q.grad == pytest.approx(1 / 0.7 / 2)
    saturated = nn.binary_cross_entropy([Value(1.0)], [0])
    assert math.isfinite(saturated.data) and saturated.data > 20
    with pytest.raises(ValueError, match="sigmoid"):
        nn.binary_cross_entropy([Value(1.5)], [1])
    with pytest.raises(ValueError, match="0 or 1"):
        nn.binary_cross_entropy([Value(0.5)], [-1])


def test_cross_entropy_is_softmax_nll_and_stable():
    logits = [Value(1.0), Value(2.0), Value(0.5)]
    loss = nn.cross_entropy(logits, 1)
    z = sum(math.exp(v.data) for v in logits)
    assert loss.data == pytest.approx(-math.log(math.exp(2.0) / z))
    loss.backward()
    for i, v in enumerate(logits):  # d/dz_i = softmax_i - [i == target]
        assert v.grad == pytest.approx(math.exp(v.data) / z - (i == 1))
    big = nn.cross_entropy([Value(1000.0), Value(-1000.0)], 0)
    assert big.data == 0.0
    batch = nn.cross_entropy([[Value(0.0), Value(0.0)], [Value(0.0), Value(0.0)]], [0, 1])
    assert batch.data == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="class index"):
        nn.cross_entropy(logits, 3)


def test_losses_reject_mismatched_batches():
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        nn.mse_loss([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match="empty"):
        nn.mse_loss([], [])


# -- data and training ----------------------------------------------------------------


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=60))
@settings(max_examples=40, deadline=None)
def test_batches_cover_every_example_exactly_once(n, size):
    X = [[float(i)] for i in range(n)]
    y = list(range(n))
    seen = []
    sizes = []
    for xb, yb in nn.batches(X, y, size, shuffle=True, seed=1):
        assert [x[0] for x in xb] == [float(t) for t in yb]
        seen.extend(yb)
        sizes.append(len(yb))
    assert sorted(seen) == y
    assert all(s == size for s in sizes[:-1]) and 1 <= sizes[-1] <= size


def test_batches_are_reproducible_with_a_seed():
    X, y = list(range(20)), list(range(20))
    first = [yb for _, yb in nn.batches(X, y, 5, seed=7)]
    assert first == [yb for _, yb in nn.batches(X, y, 5, seed=7)]
    assert first != [yb for _, yb in nn.batches(X, y, 5, shuffle=False)]


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: nn.batches([1, 2], [1], 1), "same length"),
        (lambda: nn.batches([], [], 1), "empty"),
        (lambda: nn.batches([1], [1], 0), "batch_size"),
    ],
)
def test_batches_reject_bad_input_immediately(call, error):
    with pytest.raises(ValueError, match=error):
        call()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"optimizer_lr": 0.0}, "learning rate"),
        ({"optimizer_lr": -1.0}, "learning rate"),
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": 0}, "epochs"),
    ],
)
def test_fit_rejects_bad_settings(kwargs, error):
    model = nn.MLP(2, [2, 1], seed=0)
    X, y = nn.datasets.make_xor(n=10, seed=0)
    with pytest.raises(ValueError, match=error):
        lr = kwargs.pop("optimizer_lr", 0.1)
        nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=lr), progress=False, **kwargs)


def test_fit_rejects_mismatched_data():
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="same length"):
        nn.fit(model, [[0.0, 1.0]], [1, 0], progress=False)
    with pytest.raises(ValueError, match="empty"):
        nn.fit(model, [], [], progress=False)


@pytest.mark.parametrize("make", [nn.datasets.make_moons, nn.datasets.make_circles])
def test_fit_learns_moons_and_circles(make):
    X, y = make(n=100, seed=0)
    targets = [2 * t - 1 for t in y]
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = nn.fit(
        model,
        X,
        targets,
        loss=nn.hinge_loss,
        optimizer=nn.SGD(model.parameters(), lr=0.1, momentum=0.9),
        epochs=60,
        batch_size=10,
        progress=False,
    )
    assert history.accuracy[-1] >= 0.95
    assert history[-1] < history[0]


def test_fit_learns_a_three_class_spiral_with_cross_entropy():
    X, y = nn.datasets.make_spiral(n=90, classes=3, noise=0.05, seed=0)
    model = nn.MLP(2, [16, 16, 3], seed=0)
    history = nn.fit(
        model,
        X,
        y,
        loss=nn.cross_entropy,
        optimizer=nn.Adam(model.parameters(), lr=0.02),
        epochs=120,
        batch_size=15,
        progress=False,
    )
    assert history.accuracy[-1] >= 0.9


def test_fit_stops_early_below_tol():
    X, y = nn.datasets.make_linear(n=30, noise=0.0, seed=0)
    model = nn.MLP(1, [1], seed=0)
    history = nn.fit(
        model,
        X,
        y,
        optimizer=nn.SGD(model.parameters(), lr=0.2),
        epochs=1000,
        batch_size=30,
        tol=1e-8,
        progress=False,
    )
    assert history.stopped == "tol" and len(history) < 1000 and history[-1] < 1e-8
    w, b = model.parameters()
    assert w.data == pytest.approx(2.0, abs=1e-3) and b.data == pytest.approx(-1.0, abs=1e-3)


def test_fit_raises_on_divergence_and_keeps_the_last_good_parameters():
    X, y = nn.datasets.make_linear(n=30, seed=0)
    model = nn.MLP(1, [8, 1], seed=0)
    with (
        pytest.warns(RuntimeWarning, match="grew several-fold"),  # said before it overflows
        pytest.raises(nn.Diverged, match=r"diverged at epoch \d+.*lower the learning rate"),
    ):
        nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=1e6), epochs=50, progress=False)
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_fit_prints_progress_lines_without_tqdm(capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    X, y = nn.datasets.make_xor(n=20, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    nn.fit(model, X, [2 * t - 1 for t in y], loss=nn.hinge_loss, epochs=20, progress=True)
    err = capsys.readouterr().err
    assert "epoch 20/20" in err and "accuracy" in err


# -- datasets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        nn.datasets.make_moons,
        nn.datasets.make_circles,
        nn.datasets.make_xor,
        nn.datasets.make_spiral,
        nn.datasets.make_linear,
    ],
)
def test_datasets_are_seeded_lists(make):
    X, y = make(n=30, seed=5)
    assert (X, y) == make(n=30, seed=5)
    assert (X, y) != make(n=30, seed=6)
    assert len(X) == len(y) == 30 and all(isinstance(p, list) for p in X)


# -- saving and loading ---------------------------------------------------------------


def test_save_and_load_round_trip_bit_exactly(tmp_path):
    model = nn.MLP(2, [5, 3, 1], activation="relu", output_activation="sigmoid", seed=11)
    for p in model.parameters():
        p.data = p.data / 3.0 + 1e-17  # awkward floats
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert repr(loaded) == repr(model)
    for a, b in zip(model.parameters(), loaded.parameters()):
        assert a.data.hex() == b.data.hex() and a.label == b.label
    x = [0.3, -0.8]
    assert loaded(x).data == model(x).data


def write(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    return path


def good_document():
    return json.loads(
        json.dumps(
            {
                "format": "gradstep.model",
                "version": 1,
                "model": "MLP",
                "config": {"nin": 1, "nouts": [1], "activation": "tanh", "output_activation": None},
                "parameters": {"L1.N1.w1": 0.5, "L1.N1.b": 0.0},
            }
        )
    )


@pytest.mark.parametrize(
    "mutate, error",
    [
        (lambda d: "not json at all", "invalid JSON"),
        (lambda d: json.dumps(d)[:40], "invalid JSON"),
        (lambda d: json.dumps([1, 2]), "not a gradstep model"),
        (lambda d: json.dumps({**d, "version": 99}), "version 99"),
        (lambda d: json.dumps({**d, "model": "os.system"}), "unknown model"),
        (lambda d: json.dumps({**d, "config": {**d["config"], "nin": "2"}}), "bad MLP config"),
        (lambda d: json.dumps({**d, "config": {**d["config"], "evil": 1}}), "bad MLP config"),
        (lambda d: json.dumps({**d, "parameters": {"L1.N1.w1": 0.5}}), "file holds 1"),
        (lambda d: json.dumps({**d, "parameters": {**d["parameters"], "x": 1.0}}), "holds 3"),
        (lambda d: json.dumps({**d, "parameters": {"L1.N1.w1": 0.5, "x": 0.0}}), "unexpected"),
        (
            lambda d: json.dumps({**d, "parameters": {"L1.N1.w1": "0.5", "L1.N1.b": 0}}),
            "expected a real number",
        ),
        (lambda d: json.dumps({**d, "parameters": None}), "'parameters'"),
    ],
)
def test_load_rejects_malformed_files_with_a_clear_message(tmp_path, mutate, error):
    path = write(tmp_path, mutate(good_document()))
    with pytest.raises(ValueError, match=error):
        nn.load(path)


def test_load_state_dict_changes_nothing_on_error():
    model = nn.MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError):
        model.load_state_dict({"L1.N1.w1": 1.0, "L1.N1.b": float("nan")})
    assert model.state_dict() == before


def test_load_refuses_a_huge_architecture_before_building_it(tmp_path):
    document = good_document()
    document["config"]["nouts"] = [100_000, 100_000, 1]
    path = write(tmp_path, json.dumps(document))
    with pytest.raises(ValueError, match="parameters but the file holds 2"):
        nn.load(path)
