"""Neurons, layers and multi-layer perceptrons; which of them a model file rebuilds."""

from __future__ import annotations

import itertools
import math
import numbers
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast, overload

from autograd import Value
from autograd.engine import (
    as_float,  # the one gate for numbers
    dot_values,  # dot() minus its checks: inputs are checked once per call
)
from nn import saving
from nn.data import as_seed, positive_int
from nn.saving import short, some

ACTIVATIONS = ("tanh", "relu", "sigmoid", None)
INITS = ("scaled", "uniform")


class _Default(str):
    """The default activation: equal to "tanh", but told apart from an explicit "tanh"
    so that micrograd's `nonlin=` can be checked against what was actually asked for."""

    __slots__ = ()


TANH = _Default("tanh")


class Module:
    """Base class: anything with parameters that a model is made of.

    A module's parameters are found by walking its attributes in the order they
    were set, as PyTorch does: a Value that is a leaf is a parameter, a Module is
    walked in turn, and so are the items of a list or a tuple. Each parameter's
    name is its path, e.g. `encoder.L1.N1.w1`, or `blocks.0.L1.N1.b` for the
    first module of a list `blocks` (list items count from 0, as in Python).
    Zeroing, state dicts and saving are shared.

    Example:
        >>> m = MLP(2, [3, 1], seed=0)
        >>> len(m.parameters())
        13
        >>> class Pair(Module):
        ...     def __init__(self):
        ...         self.a = MLP(1, [1], seed=0)
        ...         self.b = MLP(1, [1], seed=1)
        >>> [name for name, _ in Pair().named_parameters()]
        ['a.L1.N1.w1', 'a.L1.N1.b', 'b.L1.N1.w1', 'b.L1.N1.b']
    """

    # What the constructor rebuilds a saved model from (see `config`, `nn.load`).
    config_keys: ClassVar[tuple[str, ...]] = ()
    # List attributes whose items take math-like names instead of `attribute.index`:
    # {"layers": "L"} names an MLP's layers L1, L2, ... (counting from 1, as in the math).
    numbered: ClassVar[dict[str, str]] = {}
    # The attributes that hold a class's parameters, if the class lists them (the
    # built-in modules do): the walk then reads just those. Any other module is
    # walked through its __dict__, which on CPython 3.11 makes every later
    # attribute read on that instance slower, too slow for a neuron's forward pass.
    parameter_attributes: ClassVar[tuple[str, ...] | None] = None

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its structural name, each parameter once, in a fixed order.

        The names are unique however modules are composed; a parameter reached
        twice (shared between two modules) keeps its first name.

        Example:
            >>> [name for name, _ in MLP(1, [2, 1], seed=0).named_parameters()][:3]
            ['L1.N1.w1', 'L1.N1.b', 'L1.N2.w1']
        """
        found: list[tuple[str, Value]] = []
        _collect(self, "", found, set())
        first: dict[Value, str] = {}
        for name, p in found:
            first.setdefault(p, name)
        if len(set(first.values())) != len(first):  # only a custom `numbered` or a dotted attribute
            twice = [n for n, count in Counter(first.values()).items() if count > 1]
            raise ValueError(f"two parameters have the same name: {some(twice)}")
        return [(name, p) for p, name in first.items()]

    def parameters(self) -> list[Value]:
        """Every parameter, once, in the order of `named_parameters`."""
        found: list[Value] = []
        _collect(self, None, found, set())
        return list(dict.fromkeys(found))

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture."""
        if not self.config_keys:
            raise TypeError(
                f"{type(self).__name__} has no config: nn.load rebuilds Neuron, Layer and "
                "MLP only; for your own module keep its state_dict() and restore it with "
                "load_state_dict()"
            )
        return {key: _copy(getattr(self, key)) for key in self.config_keys}

    @staticmethod
    def parameter_count(**config: Any) -> int:
        """How many parameters a module built from `config` has, without building it
        (so a file cannot make `nn.load` allocate a huge model before it is checked)."""
        raise NotImplementedError

    def __call__(self, x: Any) -> Any:
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (backward accumulates into leaves).

        Example:
            >>> n = Neuron(2, seed=0)
            >>> n([1.0, 2.0]).backward()
            >>> n.zero_grad()
            >>> [p.grad for p in n.parameters()]
            [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Each parameter's structural name (see `named_parameters`) mapped to its value.

        Example:
            >>> Neuron(1, seed=0).state_dict()
            {'w1': 0.6888437030500962, 'b': 0.0}
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from `state` (as made by `state_dict`), exactly or not at all.

        Raises ValueError naming the missing, unexpected or non-numeric entries;
        on error no parameter is changed. Linear in the number of parameters.

        Example:
            >>> a, b = Neuron(2, seed=0), Neuron(2, seed=1)
            >>> b.load_state_dict(a.state_dict())
            >>> b.state_dict() == a.state_dict()
            True
        """
        if not isinstance(state, Mapping):
            raise ValueError(f"a state dict must be a dict, got {type(state).__name__}")
        named = self.named_parameters()
        names = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [key for key in state if key not in names]
        if missing or unexpected:
            raise ValueError(
                "state dict does not match the model: "
                f"missing {some(missing)}, unexpected {some(unexpected)}"
            )
        values = []
        for name, _ in named:
            try:
                values.append(as_float(state[name], f"parameter {name!r}"))
            except TypeError as e:
                raise ValueError(str(e)) from None
        for (_, p), v in zip(named, values):
            p.data = v

    def save(self, path: str | Path) -> None:
        """Write the architecture and every parameter to a JSON file.

        Floats are written with `repr`, so `nn.load` gets them back bit for bit.

        Example:
            >>> import tempfile, os
            >>> m = MLP(2, [4, 1], seed=0)
            >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
            >>> m.save(path)
            >>> load(path).state_dict() == m.state_dict()
            True
        """
        if _LOADABLE.get(type(self).__name__) is not type(self):
            raise TypeError(
                f"save writes Neuron, Layer and MLP models, not {type(self).__name__}: "
                "for your own module keep its state_dict() (e.g. as JSON) and restore it "
                "with load_state_dict()"
            )
        saving.write(path, type(self).__name__, self.config(), self.state_dict())


def _collect(obj: Any, name: str | None, found: list[Any], seen: set[int]) -> None:
    """Append the parameters `obj` holds to `found`, as (name, Value) pairs, or as
    Values alone when `name` is None (twice as fast: `parameters()` runs every step).
    A parameter reached twice (shared) is found twice; the callers keep the first."""
    if isinstance(obj, Value):
        if not obj.inputs:  # a computed Value (say, a cached output) is not a parameter
            found.append(obj if name is None else (name, obj))
        return
    if id(obj) in seen or not isinstance(obj, (Module, list, tuple)):
        return
    seen.add(id(obj))  # walk each module and list once: sharing and cycles end here
    if isinstance(obj, Module):
        # the class's own list only, not an inherited one: a subclass may add attributes
        listed = type(obj).__dict__.get("parameter_attributes")
        members = (
            getattr(obj, "__dict__", {}).items()
            if listed is None
            else ((key, getattr(obj, key)) for key in listed)
        )
        for key, member in members:
            numbered = obj.numbered.get(key)
            if numbered is not None and isinstance(member, (list, tuple)):
                for i, item in enumerate(member, start=1):
                    path = None if name is None else _join(name, f"{numbered}{i}")
                    _collect(item, path, found, seen)
            else:
                _collect(member, None if name is None else _join(name, key), found, seen)
    else:
        for i, item in enumerate(obj):
            _collect(item, None if name is None else _join(name, str(i)), found, seen)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


M = TypeVar("M", bound=Module)


@overload
def load(path: str | Path) -> Module: ...
@overload
def load(path: str | Path, model_class: type[M]) -> M: ...
def load(path: str | Path, model_class: type[Module] = Module) -> Module:
    """Rebuild a model saved with `Module.save`. The file is parsed as JSON data only.

    Every malformed, hostile or oversized file raises ValueError saying what is
    wrong (invalid JSON or UTF-8, nesting too deep, duplicate keys, an unknown
    model, a config key the model does not have, a value of the wrong type,
    parameters that do not fit the architecture), in time and memory
    proportional to the file's size: sizes are checked against the parameters
    the file holds before anything is built. OSError if it cannot be read.
    `load(path, MLP)` also checks that the file holds an MLP, and is typed as
    returning one (so that, e.g., `.layers` type-checks).

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
        >>> MLP(2, [3, 1], seed=0).save(path)
        >>> load(path)
        MLP(2 -> [3 tanh, 1 linear], 13 parameters)
        >>> len(load(path, MLP).layers)
        2
    """
    saved = saving.read(path)
    try:
        model = _build(saved)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    if not isinstance(model, model_class):
        raise ValueError(
            f"{path}: holds {_a(type(model).__name__)}, not {_a(model_class.__name__)}"
        )
    return model


def _a(name: str) -> str:
    """The name with its article: 'a Layer', 'an MLP' (an acronym is read letter by letter)."""
    vowel_sound = "AEFHILMNORSX" if name.isupper() else "AEIOUaeiou"
    return f"{'an' if name[:1] in vowel_sound else 'a'} {name}"


def _build(saved: saving.ModelFile) -> Module:
    """The model a model file describes; ValueError if it does not describe one."""
    model, config, parameters = saved.model, saved.config, saved.parameters
    cls = _LOADABLE.get(model)
    if cls is None:
        raise ValueError(f"unknown model {short(model)}; known: {', '.join(_LOADABLE)}")
    try:
        _check_config(cls, config)
        count = cls.parameter_count(**config)
        if count != len(parameters):
            raise ValueError(f"it has {count} parameters but the file holds {len(parameters)}")
        # Each parameter's label repeats the module's name: keep what is built
        # proportional to the file, whatever the name's length.
        name = config.get("name", "")
        if count * len(name) > 64 * saved.size:
            raise ValueError(
                f"its name of {len(name)} characters, repeated in each of its {count} "
                "parameters' labels, is too long for the file"
            )
        # the seed is irrelevant: every parameter is overwritten
        built: Module = cast(Any, cls)(**config, seed=0)
    except (TypeError, ValueError) as e:
        raise ValueError(f"bad {model} config: {e}") from None
    built.load_state_dict(parameters)
    return built


# What a config value of each key must be, checked before anything is built.
_CONFIG_TYPES: dict[str, tuple[str, Any]] = {
    "nin": ("an int", lambda v: type(v) is int),
    "nout": ("an int", lambda v: type(v) is int),
    "nouts": ("a list of ints", lambda v: type(v) is list and all(type(n) is int for n in v)),
    "activation": ("a str or null", lambda v: v is None or type(v) is str),
    "output_activation": ("a str or null", lambda v: v is None or type(v) is str),
    "name": ("a str", lambda v: type(v) is str),
}


def _check_config(cls: type[Module], config: dict[str, Any]) -> None:
    """Exactly the keys `cls.config()` writes, each of the right type."""
    unknown = [key for key in config if key not in cls.config_keys]
    missing = [key for key in cls.config_keys if key not in config]
    if unknown or missing:
        raise ValueError(
            f"unknown keys {some(unknown)}, missing keys {some(missing)}; "
            f"a {cls.__name__}'s config has exactly {', '.join(cls.config_keys)}"
        )
    for key, value in config.items():
        kind, is_kind = _CONFIG_TYPES[key]
        if not is_kind(value):
            raise ValueError(f"{key} must be {kind}, got {short(value)}")


def _check_activation(activation: str | None) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}: use one of 'tanh', 'relu', 'sigmoid' or None"
        )


def _check_inputs(x: Any, nin: int, who: str) -> list[Value]:
    if hasattr(x, "tolist") and not isinstance(x, (numbers.Number, Value)):
        x = x.tolist()  # a numpy array: its numbers as Python floats
    if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool) and nin == 1:
        x = [x]
    if not isinstance(x, Sequence) or isinstance(x, str):
        raise TypeError(f"{who} takes a list of {nin} numbers or Values, got {type(x).__name__}")
    if len(x) and isinstance(x[0], Sequence) and not isinstance(x[0], str):
        raise TypeError(
            f"{who} takes one example at a time (a list of {nin} numbers), got a list of "
            f"{len(x)} lists: for a batch, call the model on each example, "
            "e.g. [model(x) for x in X]"
        )
    if len(x) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(x)}")
    # Numbers become one labelled leaf each, shared by every neuron that reads them
    # (rather than a fresh constant per multiplication): smaller, legible graphs.
    return [
        xi if isinstance(xi, Value) else Value(xi, label=f"x{i}") for i, xi in enumerate(x, start=1)
    ]


def _rng(seed: int | None, rng: random.Random | None) -> random.Random | None:
    """The generator to draw weights from; None for Python's global `random` module,
    which an unseeded model draws from, so that `random.seed(n)` repeats it."""
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
    seed = as_seed(seed)  # checked even when rng wins, so a wrong seed is never ignored
    return rng if rng is not None or seed is None else random.Random(seed)


def _activation(activation: str | None, nonlin: bool | None, hidden: str | None) -> str | None:
    """The activation asked for, by gradstep's `activation=` or micrograd's `nonlin=`
    (True: `hidden`, relu for micrograd's names; False: linear)."""
    if nonlin is None:  # a plain str from here on: the default is "tanh" like any other
        return str(activation) if isinstance(activation, str) else activation
    if not isinstance(nonlin, bool):
        raise TypeError(f"nonlin (micrograd's switch) must be True or False, got {nonlin!r}")
    wanted = hidden if nonlin else None
    if activation is not TANH and activation != wanted:
        raise ValueError(
            f"activation={activation!r} and nonlin={nonlin} disagree: give one of them "
            f"(nonlin={nonlin} means activation={wanted!r})"
        )
    return wanted


def _check_init(init: str) -> None:
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}: use 'scaled' (the default) or 'uniform'")


def _check_name(name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"name (the parameters' label prefix) must be a str, got {name!r}")


class Neuron(Module):
    """activation(w · x + b): a weighted sum of the inputs, a bias, a nonlinearity.

    The bias starts at 0 and the weights uniform in an interval set by `init`:
    - "scaled" (the default): ±1/sqrt(nin), as PyTorch's Linear does. The weighted
      sum then stays about as large as one input however many inputs there are, so
      tanh and sigmoid start unsaturated: the better choice in general.
    - "uniform": ±1, micrograd's choice. Fine for a few inputs; with many, the sums
      grow with sqrt(nin) and saturate tanh. Use it to reproduce micrograd's runs.

    Weights are drawn from `rng`, else from `random.Random(seed)`, else from
    Python's global `random` module, so `random.seed(n)` repeats an unseeded model.
    `nonlin=True` (relu) or `nonlin=False` (linear) is micrograd's way to say
    `activation=`. Every parameter is labelled (`<name>.w1`, ..., `<name>.b`):
    inputs, neurons and weights all count from 1, as in w1*x1 + ... + wn*xn + b.

    Example:
        >>> n = Neuron(2, activation=None, seed=0)
        >>> n.w[0].data = 2.0; n.w[1].data = -1.0; n.b.data = 0.5
        >>> n([3.0, 1.0]).data
        5.5
    """

    config_keys = ("nin", "activation", "name")
    numbered: ClassVar[dict[str, str]] = {"w": "w"}  # parameters w1..wn, then b
    parameter_attributes = ("w", "b")

    def __init__(
        self,
        nin: int,
        activation: str | None = TANH,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "N",
        nonlin: bool | None = None,
        init: str = "scaled",
    ) -> None:
        nin = positive_int(nin, "nin")
        activation = _activation(activation, nonlin, "relu")
        _check_activation(activation)
        _check_name(name)
        _check_init(init)
        r = _rng(seed, rng)
        uniform = random.uniform if r is None else r.uniform
        bound = 1.0 / math.sqrt(nin) if init == "scaled" else 1.0
        self.nin = nin
        self.activation = activation
        self.name = name
        self.w = [Value(uniform(-bound, bound), label=f"{name}.w{i}") for i in range(1, nin + 1)]
        self.b = Value(0.0, label=f"{name}.b")

    def __call__(self, x: Any) -> Value:
        return self.forward(_check_inputs(x, self.nin, f"Neuron({self.nin})"))

    def forward(self, x: list[Value]) -> Value:
        """The neuron's output for inputs already checked (the layer checks them once)."""
        z = dot_values(self.w, x, self.b)  # one fused node for w . x + b
        if self.activation is None:
            return z
        return getattr(z, self.activation)()  # type: ignore[no-any-return]

    @staticmethod
    def parameter_count(**config: Any) -> int:
        return positive_int(config.get("nin"), "nin") + 1

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons that all read the same inputs; returns a list of `nout` Values.

    `seed`, `rng`, `nonlin` and `init` mean what they mean for `Neuron`.

    Example:
        >>> layer = Layer(3, 2, seed=0, name="L1")
        >>> [p.label for p in layer.parameters()][:4]
        ['L1.N1.w1', 'L1.N1.w2', 'L1.N1.w3', 'L1.N1.b']
        >>> len(layer([1.0, 2.0, 3.0]))
        2
    """

    config_keys = ("nin", "nout", "activation", "name")
    numbered: ClassVar[dict[str, str]] = {"neurons": "N"}
    parameter_attributes = ("neurons",)

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = TANH,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "L",
        nonlin: bool | None = None,
        init: str = "scaled",
    ) -> None:
        nin, nout = positive_int(nin, "nin"), positive_int(nout, "nout")
        activation = _activation(activation, nonlin, "relu")
        _check_name(name)
        r = _rng(seed, rng)
        self.neurons = [
            Neuron(nin, activation, rng=r, name=f"{name}.N{i + 1}", init=init) for i in range(nout)
        ]
        self.nin, self.nout, self.name = nin, nout, name
        self.activation = self.neurons[0].activation

    def __call__(self, x: Any) -> list[Value]:
        return self.forward(_check_inputs(x, self.nin, f"Layer({self.nin}, {self.nout})"))

    def forward(self, x: list[Value]) -> list[Value]:
        """The layer's outputs for inputs already checked."""
        return [n.forward(x) for n in self.neurons]

    @staticmethod
    def parameter_count(**config: Any) -> int:
        return (positive_int(config.get("nin"), "nin") + 1) * positive_int(
            config.get("nout"), "nout"
        )

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts`, each feeding the next.

    Hidden layers use `activation`; the output layer uses `output_activation`
    (linear by default). With one output neuron the model returns a Value,
    otherwise a list of Values. `seed` makes the initial weights reproducible;
    without it they come from Python's global `random`, as in micrograd.
    `init` chooses how the weights start (see `Neuron`). micrograd's MLP, relu
    hidden layers and uniform(-1, 1) weights, is `MLP(nin, nouts, nonlin=True,
    init="uniform")`: `nonlin` sets the hidden layers (True: relu, False: linear).

    Calling a model is typed as returning `Any` (as PyTorch's modules are): which
    of the two it returns depends on a number known only when the program runs,
    so a precise type (`Value | list[Value]`) would make every `model(x).data`
    a type error, and a narrower one would be false for the other kind of model.

    Example:
        >>> model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
        >>> model
        MLP(2 -> [16 tanh, 16 tanh, 1 linear], 337 parameters)
        >>> type(model([0.5, -0.2])).__name__
        'Value'
    """

    config_keys = ("nin", "nouts", "activation", "output_activation")
    numbered: ClassVar[dict[str, str]] = {"layers": "L"}
    parameter_attributes = ("layers",)

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = TANH,
        output_activation: str | None = None,
        *,
        seed: int | None = None,
        nonlin: bool | None = None,
        init: str = "scaled",
    ) -> None:
        nin = positive_int(nin, "nin")
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        nouts = [positive_int(n, "a layer size") for n in nouts]
        activation = _activation(activation, nonlin, "relu")
        _check_activation(activation)
        _check_activation(output_activation)
        _check_init(init)
        r = _rng(seed, None)
        sizes = [nin, *nouts]
        self.nin, self.nouts = nin, list(nouts)
        self.activation, self.output_activation = activation, output_activation
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < len(nouts) - 1 else output_activation,
                rng=r,
                name=f"L{i + 1}",
                init=init,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Any) -> Any:  # Value | list[Value]: see the class docstring
        values: list[Any] = _check_inputs(x, self.nin, f"MLP({self.nin}, {self.nouts})")
        for layer in self.layers:
            values = layer.forward(values)
        return (
            values[0] if len(values) == 1 else values
        )  # only the model's final output is unwrapped

    @staticmethod
    def parameter_count(**config: Any) -> int:
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [positive_int(config.get("nin"), "nin")] + [
            positive_int(n, "a layer size") for n in nouts
        ]
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes))

    def __repr__(self) -> str:
        layers = ", ".join(f"{layer.nout} {layer.activation or 'linear'}" for layer in self.layers)
        return f"MLP({self.nin} -> [{layers}], {len(self.parameters())} parameters)"


# What nn.load may build, by the name a file gives (a fixed list: a class of yours
# that happens to be called "MLP" is never built from a file).
_LOADABLE: dict[str, type[Module]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}
