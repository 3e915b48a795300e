"""Neurons, layers and multi-layer perceptrons, and saving them as JSON."""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from autograd import Value
from autograd.engine import _dot  # dot() minus its checks: inputs are checked once per call
from nn.data import positive_int

ACTIVATIONS = ("tanh", "relu", "sigmoid", None)
FORMAT = "gradstep.model"
FORMAT_VERSION = 1


class Module:
    """Base class: anything with parameters that a model is made of.

    Subclasses list their parameters and their constructor arguments (`config`);
    everything else (zeroing, state dicts, saving) is shared.

    Example:
        >>> m = MLP(2, [3, 1], seed=0)
        >>> len(m.parameters())
        13
    """

    registry: ClassVar[dict[str, type[Module]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module.registry[cls.__name__] = cls  # what nn.load may build, by name

    def parameters(self) -> list[Value]:
        """Every trainable Value, in a fixed order."""
        return []

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture."""
        raise NotImplementedError

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
        """Each parameter's label mapped to its value.

        Example:
            >>> Neuron(1, seed=0, name="N").state_dict()
            {'N.w1': 0.6888437030500962, 'N.b': 0.0}
        """
        return {p.label: p.data for p in self.parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set every parameter from `state` (as made by `state_dict`).

        Raises ValueError naming the missing, unexpected or non-numeric entries;
        on error no parameter is changed.

        Example:
            >>> a, b = Neuron(2, seed=0), Neuron(2, seed=1)
            >>> b.load_state_dict(a.state_dict())
            >>> b.state_dict() == a.state_dict()
            True
        """
        if not isinstance(state, dict):
            raise ValueError(f"a state dict must be a dict, got {type(state).__name__}")
        params = self.parameters()
        expected = [p.label for p in params]
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in set(expected)]
        if missing or unexpected:
            raise ValueError(
                "state dict does not match the model: "
                f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}"
            )
        for key in expected:
            v = state[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"parameter {key!r} must be a finite number, got {v!r}")
        for p in params:
            p.data = float(state[p.label])

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
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "model": type(self).__name__,
            "config": self.config(),
            "parameters": self.state_dict(),
        }
        Path(path).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def load(path: str | Path) -> Module:
    """Rebuild a model saved with `Module.save`. The file is parsed as JSON data only.

    Raises ValueError saying what is wrong for a file that is not JSON, is
    truncated, names an unknown model, or whose parameters do not fit.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
        >>> MLP(2, [3, 1], seed=0).save(path)
        >>> load(path)
        MLP(2 -> [3 tanh, 1 linear], 13 parameters)
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not a gradstep model file (invalid JSON: {e})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'{path}: not a gradstep model file (no "format": "{FORMAT}")')
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: model file version {document.get('version')!r} is not supported "
            f"(this gradstep reads version {FORMAT_VERSION})"
        )
    for key, kind in (("model", str), ("config", dict), ("parameters", dict)):
        if not isinstance(document.get(key), kind):
            raise ValueError(f"{path}: {key!r} is missing or not a {kind.__name__}")
    cls = Module.registry.get(document["model"])
    if cls is None:
        raise ValueError(
            f"{path}: unknown model {document['model']!r}; "
            f"known: {', '.join(sorted(Module.registry))}"
        )
    config = {**document["config"], "seed": 0}  # the seed is irrelevant: all is overwritten
    try:
        count = cls.parameter_count(**document["config"])
        if count > 1_000_000 and count != len(document["parameters"]):  # don't build it
            raise ValueError(
                f"it has {count} parameters but the file holds {len(document['parameters'])}"
            )
        model = cls(**config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path}: bad {document['model']} config: {e}") from None
    try:
        model.load_state_dict(document["parameters"])
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return model


def _check_activation(activation: str | None) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}: use one of 'tanh', 'relu', 'sigmoid' or None"
        )


def _check_inputs(x: Any, nin: int, who: str) -> list[Value]:
    if isinstance(x, (Value, int, float)) and not isinstance(x, bool) and nin == 1:
        x = [x]
    if not isinstance(x, Sequence) or isinstance(x, str):
        raise TypeError(f"{who} takes a list of {nin} numbers or Values, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(x)}")
    # Numbers become one labelled leaf each, shared by every neuron that reads them
    # (rather than a fresh constant per multiplication): smaller, legible graphs.
    return [
        xi if isinstance(xi, Value) else Value(xi, label=f"x{i}")
        for i, xi in enumerate(x, start=1)
    ]


def _rng(seed: int | None, rng: random.Random | None) -> random.Random:
    return rng if rng is not None else random.Random(seed)


class Neuron(Module):
    """activation(w · x + b): a weighted sum of the inputs, a bias, a nonlinearity.

    Weights start uniform in ±1/sqrt(nin) (as PyTorch's Linear does), the bias at
    0. Every parameter is labelled (`<name>.w1`, ..., `<name>.b`): inputs, neurons and
    weights all count from 1, as in w1*x1 + ... + wn*xn + b.

    Example:
        >>> n = Neuron(2, activation=None, seed=0)
        >>> n.w[0].data = 2.0; n.w[1].data = -1.0; n.b.data = 0.5
        >>> n([3.0, 1.0]).data
        5.5
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "tanh",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "N",
    ) -> None:
        positive_int(nin, "nin")
        _check_activation(activation)
        r = _rng(seed, rng)
        bound = 1.0 / math.sqrt(nin)
        self.nin = nin
        self.activation = activation
        self.name = name
        self.w = [Value(r.uniform(-bound, bound), label=f"{name}.w{i}") for i in range(1, nin + 1)]
        self.b = Value(0.0, label=f"{name}.b")

    def __call__(self, x: Any) -> Value:
        return self.forward(_check_inputs(x, self.nin, f"Neuron({self.nin})"))

    def forward(self, x: list[Value]) -> Value:
        """The neuron's output for inputs already checked (the layer checks them once)."""
        z = _dot(self.w, x, self.b)  # one fused node for w . x + b
        if self.activation is None:
            return z
        return getattr(z, self.activation)()  # type: ignore[no-any-return]

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation, "name": self.name}

    @staticmethod
    def parameter_count(**config: Any) -> int:
        return positive_int(config.get("nin"), "nin") + 1

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons that all read the same inputs; returns a list of `nout` Values.

    Example:
        >>> layer = Layer(3, 2, seed=0, name="L1")
        >>> [p.label for p in layer.parameters()][:4]
        ['L1.N1.w1', 'L1.N1.w2', 'L1.N1.w3', 'L1.N1.b']
        >>> len(layer([1.0, 2.0, 3.0]))
        2
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "tanh",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "L",
    ) -> None:
        positive_int(nout, "nout")
        r = _rng(seed, rng)
        self.nin, self.nout, self.activation, self.name = nin, nout, activation, name
        self.neurons = [
            Neuron(nin, activation, rng=r, name=f"{name}.N{i + 1}") for i in range(nout)
        ]

    def __call__(self, x: Any) -> list[Value]:
        return self.forward(_check_inputs(x, self.nin, f"Layer({self.nin}, {self.nout})"))

    def forward(self, x: list[Value]) -> list[Value]:
        """The layer's outputs for inputs already checked."""
        return [n.forward(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "name": self.name,
        }

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
    otherwise a list of Values. `seed` makes the initial weights reproducible.

    Example:
        >>> model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
        >>> model
        MLP(2 -> [16 tanh, 16 tanh, 1 linear], 337 parameters)
        >>> type(model([0.5, -0.2])).__name__
        'Value'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "tanh",
        output_activation: str | None = None,
        *,
        seed: int | None = None,
    ) -> None:
        positive_int(nin, "nin")
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        _check_activation(activation)
        _check_activation(output_activation)
        r = random.Random(seed)
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
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Any) -> Value | list[Value]:
        values: list[Any] = _check_inputs(x, self.nin, f"MLP({self.nin}, {self.nouts})")
        for layer in self.layers:
            values = layer.forward(values)
        return (
            values[0] if len(values) == 1 else values
        )  # only the model's final output is unwrapped

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

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
