"""nn.load against hostile files: every one a ValueError naming the problem, cheaply."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

import nn


def document(**changes):
    base = {
        "format": "gradstep.model",
        "version": 1,
        "model": "MLP",
        "config": {"nin": 1, "nouts": [1], "activation": "tanh", "output_activation": None},
        "parameters": {"L1.N1.w1": 0.5, "L1.N1.b": 0.0},
    }
    return {**base, **changes}


def write(tmp_path, content) -> str:
    path = tmp_path / "model.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_the_untouched_document_loads(tmp_path):
    model = nn.load(write(tmp_path, document()))
    assert model.state_dict() == {"L1.N1.w1": 0.5, "L1.N1.b": 0.0}


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps(document())[:-1] + ', "extra": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"format": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
    ],
    ids=["array", "inside the document", "objects"],
)
def test_deep_nesting_is_a_value_error_not_a_recursion_error(tmp_path, text):
    with pytest.raises(ValueError, match="nested too deeply"):
        nn.load(write(tmp_path, text))


@pytest.mark.parametrize(
    "config, error",
    [
        ({"rng": "not a generator"}, "unknown keys \\['rng'\\]"),
        ({"seed": 3}, "unknown keys \\['seed'\\]"),
        ({"name": "L"}, "unknown keys \\['name'\\]"),  # an MLP's config has no name
        ({"nin": True}, "nin must be an int"),
        ({"nin": 1.0}, "nin must be an int"),
        ({"nouts": [1.0]}, "nouts must be a list of ints"),
        ({"nouts": [[[1]]]}, "nouts must be a list of ints"),
        ({"activation": 3}, "activation must be a str or null"),
        ({"activation": "softmax"}, "unknown activation"),
    ],
)
def test_config_keys_and_values_are_checked_strictly(tmp_path, config, error):
    doc = document()
    doc["config"] = {**doc["config"], **config}
    with pytest.raises(ValueError, match=f"bad MLP config: .*{error}"):
        nn.load(write(tmp_path, doc))


def test_a_missing_config_key_is_named(tmp_path):
    doc = document()
    del doc["config"]["output_activation"]
    with pytest.raises(ValueError, match="missing keys \\['output_activation'\\]"):
        nn.load(write(tmp_path, doc))


@pytest.mark.parametrize(
    "model, config, error",
    [
        ("Neuron", {"nin": 1, "activation": None, "name": 7}, "name must be a str"),
        ("Neuron", {"nin": 1, "activation": None, "name": "N", "rng": 0}, "'rng'"),
        ("Layer", {"nin": 1, "nout": 1, "activation": None, "name": ["L"]}, "name must be a str"),
    ],
)
def test_neuron_and_layer_configs_are_checked_too(tmp_path, model, config, error):
    doc = document(model=model, config=config, parameters={"w1": 0.5, "b": 0.0})
    with pytest.raises(ValueError, match=error):
        nn.load(write(tmp_path, doc))


@pytest.mark.parametrize(
    "version", [True, 1.0, "1", None, [1], 2], ids=["true", "1.0", "'1'", "null", "[1]", "2"]
)
def test_the_version_must_be_the_integer_1(tmp_path, version):
    with pytest.raises(ValueError, match="version"):
        nn.load(write(tmp_path, document(version=version)))


@pytest.mark.parametrize(
    "text, error",
    [
        (json.dumps(document())[:-1] + ', "comment": "hi"}', "unknown keys \\['comment'\\]"),
        (
            json.dumps(document()).replace('"L1.N1.b": 0.0', '"L1.N1.b": 0.0, "L1.N1.b": 9.0'),
            "'L1.N1.b' appears twice",
        ),
        (json.dumps(document()).replace('"tanh"', '"tanh", "nin": 5'), "'nin' appears twice"),
        (json.dumps(document()).replace("0.5", "1" * 400), "too large for a float"),
        (json.dumps(document()).replace("0.5", "1" * 10_000), "invalid JSON"),
        (json.dumps(document()).replace("0.5", "NaN"), "finite"),
        (json.dumps(document()).replace("0.5", "1e999"), "finite"),
        (json.dumps(document()).replace("0.5", "true"), "real number"),
        (json.dumps(document(model="Module")), "unknown model"),
        (json.dumps(document(model="a" * 10_000)), "unknown model 'aaa"),
    ],
    ids=[
        "extra top-level key",
        "duplicate parameter",
        "duplicate config key",
        "huge int parameter",
        "int of 10,000 digits",
        "NaN",
        "1e999",
        "bool parameter",
        "base class",
        "long model name",
    ],
)
def test_malformed_documents_are_value_errors_naming_the_problem(tmp_path, text, error):
    with pytest.raises(ValueError, match=error) as info:
        nn.load(write(tmp_path, text))
    assert len(str(info.value)) < 500  # a hostile file cannot flood the message


def test_something_that_is_not_a_regular_file_is_refused_before_reading(tmp_path):
    import os

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with pytest.raises(ValueError, match="not a regular file"):
        nn.load("/dev/zero")  # reading it would never end
    with pytest.raises(ValueError, match="not a regular file"):
        nn.load(tmp_path)  # a directory
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.json")


def test_a_file_that_is_not_utf8_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="UTF-8"):
        nn.load(write(tmp_path, b'{"format": "\xff\xfe"}'))


@pytest.mark.parametrize(
    "model, config",
    [
        ("MLP", {"nin": 10**6, "nouts": [10**6], "activation": None, "output_activation": None}),
        ("MLP", {"nin": 1, "nouts": [1] * 1_000, "activation": None, "output_activation": None}),
        ("Layer", {"nin": 999_999, "nout": 1, "activation": None, "name": "L"}),
        ("Neuron", {"nin": 10**18, "activation": None, "name": "N"}),
    ],
    ids=["10^12 weights", "1,000 layers", "999,999 weights", "10^18 weights"],
)
def test_a_small_file_cannot_make_load_build_a_big_model(tmp_path, model, config):
    path = write(tmp_path, document(model=model, config=config))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="parameters but the file holds 2"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: nothing was built


def test_a_long_name_cannot_multiply_into_gigabytes_of_labels(tmp_path):
    n = 20_000
    params = {f"w{i}": 0.0 for i in range(1, n + 1)} | {"b": 0.0}
    config = {"nin": n, "activation": None, "name": "x" * 1_000_000}  # 1 MB, n times over
    path = write(tmp_path, document(model="Neuron", config=config, parameters=params))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="name of 1000000 characters"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_a_saved_neuron_with_a_custom_name_round_trips(tmp_path):
    neuron = nn.Neuron(3, activation="relu", seed=2, name="gate")
    neuron.save(tmp_path / "n.json")
    loaded = nn.load(tmp_path / "n.json")
    assert loaded.state_dict() == neuron.state_dict()
    assert [p.label for p in loaded.parameters()] == ["gate.w1", "gate.w2", "gate.w3", "gate.b"]


def test_load_state_dict_is_linear_in_the_number_of_parameters():
    # A complexity guard, not a speed target: loading a state dict must cost about as
    # much as making one (it was quadratic: 13 s for 20,000 parameters).
    model = nn.MLP(10, [100, 100, 90], seed=0)
    assert len(model.parameters()) > 20_000
    state = model.state_dict()

    def best_of_three(fn):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    make = best_of_three(model.state_dict)
    load = best_of_three(lambda: model.load_state_dict(state))
    assert load < 50 * make + 0.05


def test_a_20k_parameter_model_file_round_trips(tmp_path):
    model = nn.MLP(10, [100, 100, 90], seed=0)
    model.save(tmp_path / "big.json")
    assert nn.load(tmp_path / "big.json").state_dict() == model.state_dict()
