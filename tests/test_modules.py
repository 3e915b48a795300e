"""Modules made of modules: structural parameter names, exact state dicts, numpy inputs."""

from __future__ import annotations

import pytest

import nn
from autograd import Value


class Pair(nn.Module):
    """Two MLPs side by side: the composite the names must keep apart."""

    def __init__(self, seed: int = 0) -> None:
        self.a = nn.MLP(2, [3, 1], seed=seed)
        self.b = nn.MLP(2, [3, 1], seed=seed + 1)

    def __call__(self, x):
        return self.a(x) + self.b(x)


class Stack(nn.Module):
    """Modules in a list, a scale Value, and things that are not parameters."""

    def __init__(self) -> None:
        self.blocks = [nn.Layer(2, 2, seed=0, name="first"), nn.Neuron(2, seed=1)]
        self.scale = Value(2.0, label="scale")
        self.sizes = [2, 2]  # numbers: not parameters
        self.last_output = Value(1.0) * 3.0  # a computed Value: not a parameter


def test_an_mlps_parameter_names_are_its_labels():
    model = nn.MLP(2, [4, 3, 1], seed=0)
    named = model.named_parameters()
    assert [name for name, _ in named] == [p.label for p in model.parameters()]
    assert named[0][0] == "L1.N1.w1" and named[2][0] == "L1.N1.b" and named[-1][0] == "L3.N1.b"
    assert [p for _, p in named] == model.parameters()


def test_two_mlps_in_one_module_have_unique_structural_names():
    pair = Pair()
    names = [name for name, _ in pair.named_parameters()]
    assert len(names) == len(set(names)) == 26 == len(pair.parameters())
    assert names[:3] == ["a.L1.N1.w1", "a.L1.N1.w2", "a.L1.N1.b"]
    assert names[13:15] == ["b.L1.N1.w1", "b.L1.N1.w2"]
    assert len(pair.state_dict()) == 26


def test_a_composite_round_trips_its_state_exactly_and_never_cross_assigns():
    source, target = Pair(seed=0), Pair(seed=10)
    target.load_state_dict(source.state_dict())
    for (name, p), (other, q) in zip(source.named_parameters(), target.named_parameters()):
        assert name == other and p.data == q.data
    x = [0.3, -0.7]
    assert target(x).data == source(x).data


def test_a_state_dict_that_cannot_be_loaded_exactly_is_refused_and_changes_nothing():
    pair = Pair()
    before = pair.state_dict()
    lone = nn.MLP(2, [3, 1], seed=5).state_dict()  # names without the a./b. prefix
    with pytest.raises(ValueError, match=r"missing \['a\.L1\.N1\.w1'"):
        pair.load_state_dict(lone)
    assert pair.state_dict() == before
    with pytest.raises(ValueError, match="unexpected"):
        pair.load_state_dict({**before, "c.L1.N1.w1": 1.0})
    with pytest.raises(ValueError, match="real number"):
        pair.load_state_dict({**before, "a.L1.N1.b": "1.0"})
    with pytest.raises(ValueError, match="too large for a float"):
        pair.load_state_dict({**before, "a.L1.N1.b": 10**400})
    assert pair.state_dict() == before


def test_lists_of_modules_are_numbered_from_0_like_python_and_non_parameters_are_skipped():
    names = [name for name, _ in Stack().named_parameters()]
    assert names == [
        "blocks.0.N1.w1",
        "blocks.0.N1.w2",
        "blocks.0.N1.b",
        "blocks.0.N2.w1",
        "blocks.0.N2.w2",
        "blocks.0.N2.b",
        "blocks.1.w1",
        "blocks.1.w2",
        "blocks.1.b",
        "scale",
    ]


def test_a_shared_parameter_or_module_is_listed_once_under_its_first_name():
    class Tied(nn.Module):
        def __init__(self) -> None:
            self.encoder = nn.Neuron(1, seed=0)
            self.decoder = nn.Neuron(1, seed=1)
            self.decoder.w = self.encoder.w  # weight tying
            self.again = self.encoder  # the same module twice
            self.me = self  # a cycle

    tied = Tied()
    named = tied.named_parameters()
    assert [name for name, _ in named] == ["encoder.w1", "encoder.b", "decoder.b"]
    assert len(tied.parameters()) == 3
    tied.load_state_dict(tied.state_dict())


def test_a_subclass_keeps_the_attributes_it_adds():
    class Scaled(nn.MLP):
        def __init__(self) -> None:
            super().__init__(1, [1], seed=0)
            self.temperature = Value(1.0)

    assert [name for name, _ in Scaled().named_parameters()] == [
        "L1.N1.w1",
        "L1.N1.b",
        "temperature",
    ]


def test_standalone_neurons_and_layers_are_named_relative_to_themselves():
    assert list(nn.Neuron(2, seed=0, name="out").state_dict()) == ["w1", "w2", "b"]
    assert list(nn.Layer(1, 2, seed=0).state_dict()) == ["N1.w1", "N1.b", "N2.w1", "N2.b"]


def test_only_the_built_in_models_save_and_a_composite_says_what_to_do(tmp_path):
    with pytest.raises(TypeError, match="state_dict"):
        Pair().save(tmp_path / "pair.json")

    class MLP(nn.MLP):  # a class of one's own that happens to share the name
        pass

    with pytest.raises(TypeError, match="state_dict"):
        MLP(1, [1]).save(tmp_path / "mine.json")
    nn.MLP(1, [1], seed=0).save(tmp_path / "real.json")
    assert type(nn.load(tmp_path / "real.json")) is nn.MLP  # never the look-alike


def test_models_take_numpy_arrays_and_scalars_as_inputs():
    np = pytest.importorskip("numpy")
    model = nn.MLP(2, [3, 1], seed=0)
    x = [0.25, -0.5]
    assert model(np.array(x)).data == model(x).data
    assert model(np.array(x, dtype=np.float32)).data == model(x).data
    single = nn.MLP(1, [2, 1], seed=0)
    assert single(np.float32(0.5)).data == single(0.5).data == single(np.array([0.5])).data
    with pytest.raises(TypeError, match=r"one example at a time.*\[model\(x\) for x in X\]"):
        model(np.array([[0.25, -0.5], [1.0, 2.0]]))  # a batch is not one input


def test_bad_names_and_rngs_are_refused_at_construction():
    with pytest.raises(TypeError, match="name"):
        nn.Neuron(2, name=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="name"):
        nn.Layer(2, 2, name=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rng"):
        nn.Neuron(2, rng="not a generator")  # type: ignore[arg-type]


def test_names_that_would_collide_are_an_error_not_a_silent_merge():
    class Clash(nn.Module):
        numbered = {"left": "x", "right": "x"}  # noqa: RUF012

        def __init__(self) -> None:
            self.left = [Value(1.0)]
            self.right = [Value(2.0)]

    with pytest.raises(ValueError, match="same name: \\['x1'\\]"):
        Clash().state_dict()
