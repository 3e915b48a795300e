"""The Python that runs in the playground's page (under Pyodide), and "the code" it shows.

The page's worker drives a `Playground`: `setup` runs the very code the page shows
(`code`) to make the data, the model and the optimizer; `train` runs `nn.fit` for a
slice of epochs at a time, so that the page can pause, step and redraw in between;
`point` draws one example's gradient graph and steps through its backward pass;
`run` is the page's Python cell, in the same namespace as the model. The tests import
this file under CPython and run the same code, to check the page's numbers.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import time
import traceback
from collections.abc import Callable
from typing import Any

import nn
from autograd import Value, draw_graph, no_grad
from autograd.stepthrough import BackwardStep, backward_steps

DATASETS = ("moons", "circles", "xor", "spiral", "linear")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = {"hinge": "hinge_loss", "bce": "binary_cross_entropy", "mse": "mse_loss"}
OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULTS: dict[str, Any] = {
    "dataset": "moons",
    "n": 200,
    "noise": 0.1,
    "test": 50,  # percent of the points held out
    "hidden": [8, 8],
    "activation": "tanh",
    "loss": "hinge",
    "optimizer": "momentum",
    "lr": 0.1,
    "batch": 10,
    "seed": 0,
}
MAX_LAYERS, MAX_NEURONS = 6, 16


def settings(given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The page's settings, checked and completed with the defaults.

    Example:
        >>> settings({"dataset": "linear", "hidden": [4]})["loss"]  # regression: squared error
        'mse'
    """
    s = {**DEFAULTS, **(given or {})}
    _choice(s, "dataset", DATASETS)
    _choice(s, "activation", ACTIVATIONS)
    _choice(s, "loss", tuple(LOSSES))
    _choice(s, "optimizer", OPTIMIZERS)
    s["hidden"] = [int(h) for h in s["hidden"]]
    if len(s["hidden"]) > MAX_LAYERS or not all(1 <= h <= MAX_NEURONS for h in s["hidden"]):
        raise ValueError(
            f"hidden: up to {MAX_LAYERS} layers of 1 to {MAX_NEURONS} neurons, got {s['hidden']}"
        )
    for key, low, high in (("n", 10, 1000), ("test", 0, 90), ("batch", 1, 1000)):
        s[key] = int(s[key])
        if not low <= s[key] <= high:
            raise ValueError(f"{key} must be between {low} and {high}, got {s[key]}")
    s["seed"] = int(s["seed"])
    s["noise"], s["lr"] = float(s["noise"]), float(s["lr"])
    if not 0 <= s["noise"] <= 1 or not 0 < s["lr"] <= 10:
        raise ValueError(f"noise in [0, 1] and lr in (0, 10], got {s['noise']} and {s['lr']}")
    if s["dataset"] == "linear":
        s["loss"] = "mse"  # a regression: the classification losses do not apply
    return s


def _choice(s: dict[str, Any], key: str, options: tuple[str, ...]) -> None:
    if s[key] not in options:
        raise ValueError(f"{key} must be one of {', '.join(options)}; got {s[key]!r}")


def compiles(s: dict[str, Any]) -> bool:
    """Whether `nn.fit(..., compile=True)` takes this set-up (binary cross-entropy clamps
    probabilities at 0 and 1, a branch a trace cannot follow)."""
    return s["loss"] != "bce"


def code(s: dict[str, Any], epochs: int | None = None) -> str:
    """The Python that makes this set-up with the installed library and trains it.

    Without `epochs` it stops before training (what the page runs to set up).

    Example:
        >>> print(code(settings(), epochs=10).splitlines()[2])
        X, y = nn.datasets.make_moons(n=200, noise=0.1, seed=0)
    """
    s = settings(s)
    make = {
        "moons": "make_moons(n={n}, noise={noise}, seed={seed})",
        "circles": "make_circles(n={n}, noise={noise}, seed={seed})",
        "xor": "make_xor(n={n}, noise={noise}, seed={seed})",
        "spiral": "make_spiral(n={n}, classes=2, noise={noise}, seed={seed})",
        "linear": "make_linear(n={n}, noise={noise}, seed={seed})",
    }[s["dataset"]].format(**s)
    lines = ["import nn", "", f"X, y = nn.datasets.{make}"]
    if s["loss"] in ("hinge", "mse") and s["dataset"] != "linear":
        lines.append(f"y = [2 * t - 1 for t in y]  # {s['loss']} wants labels -1 and +1")
    if s["test"]:
        stratify = ", stratify=False" if s["dataset"] == "linear" else ""
        lines.append(
            "X_train, X_test, y_train, y_test = nn.train_test_split("
            f"X, y, test_size={s['test'] / 100}, seed={s['seed']}{stratify})"
        )
    else:
        lines.append("X_train, X_test, y_train, y_test = X, [], y, []  # no test set")
    nin = 1 if s["dataset"] == "linear" else 2
    activation = "None" if s["activation"] == "linear" else f'"{s["activation"]}"'
    output = ', output_activation="sigmoid"' if s["loss"] == "bce" else ""
    lines.append(
        f"model = nn.MLP({nin}, {[*s['hidden'], 1]}, activation={activation}{output}, "
        f"seed={s['seed']})"
    )
    optimizer = {
        "sgd": "nn.SGD(model.parameters(), lr={lr})",
        "momentum": "nn.SGD(model.parameters(), lr={lr}, momentum=0.9)",
        "adam": "nn.Adam(model.parameters(), lr={lr})",
    }[s["optimizer"]].format(**s)
    lines += [f"optimizer = {optimizer}", f"loss = nn.{LOSSES[s['loss']]}"]
    if epochs is None:
        return "\n".join(lines) + "\n"
    lines += [
        "history = nn.fit(model, X_train, y_train, loss=loss, optimizer=optimizer,",
        f"                 epochs={epochs}, batch_size={s['batch']}, seed={s['seed']}, "
        f"compile={compiles(s)}, progress=False)",
        'print(f"epoch {len(history)}: training loss {history[-1]:.6f}")',
    ]
    return "\n".join(lines) + "\n"


class Playground:
    """One set-up in the page: its data, model and optimizer, trained a slice at a time."""

    def __init__(self, given: dict[str, Any], render: Callable[[str], str] | None = None) -> None:
        self.settings = settings(given)
        self.render = render  # DOT text -> SVG (viz.js in the page)
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(code(self.settings), self.namespace)  # the code the page shows, verbatim
        self.history: list[float] = []
        self.accuracy: list[float] = []
        # for the Python cell: the drawing and engine names, and the losses so far
        self.namespace.update(Value=Value, draw_graph=draw_graph, history=self.history)
        self.steps: list[BackwardStep] = []
        self.root: Value | None = None

    def __getattr__(self, name: str) -> Any:  # model, X_train, ...: what the code made
        try:
            return self.__dict__["namespace"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def classification(self) -> bool:
        return bool(self.settings["dataset"] != "linear")

    def data(self) -> dict[str, Any]:
        """The points for the page: training and test sets, labels as classes 0/1."""
        cls = (lambda t: int(t > 0)) if self.settings["loss"] != "bce" else int
        if not self.classification:
            cls = float
        return {
            "train": [[*x, cls(t)] for x, t in zip(self.X_train, self.y_train)],
            "test": [[*x, cls(t)] for x, t in zip(self.X_test, self.y_test)],
        }

    def train(self, epochs: int, budget: float = 0.2) -> dict[str, Any]:
        """Train up to `epochs` more epochs, stopping after the first epoch that ends past
        `budget` seconds; the same numbers as one `nn.fit` over all epochs, since the
        shuffling seed of epoch e is seed + e either way."""
        start = time.perf_counter()
        ends = [start]  # when each epoch ended: the first also builds the compiled step

        def enough(model: Any, history: nn.History) -> bool:
            ends.append(time.perf_counter())
            return ends[-1] - start > budget

        done = len(self.history)
        try:
            history = nn.fit(
                self.model,
                self.X_train,
                self.y_train,
                loss=self.loss,
                optimizer=self.optimizer,
                epochs=epochs,
                batch_size=self.settings["batch"],
                seed=self.settings["seed"] + done,
                compile=compiles(self.settings),
                progress=False,
                callbacks=[enough],
            )
        except nn.Diverged as e:
            return {"error": str(e)}
        self.history += history
        self.accuracy += history.accuracy
        epochs_alone = [b - a for a, b in itertools.pairwise(ends[1:])]
        return {"losses": list(history), "epoch_seconds": epochs_alone, **self.status()}

    def status(self) -> dict[str, Any]:
        """Epoch, losses, accuracies and the weights the page draws."""
        train_loss, train_acc = self.evaluate(self.X_train, self.y_train)
        test_loss, test_acc = self.evaluate(self.X_test, self.y_test)
        return {
            "epoch": len(self.history),
            "loss": self.history[-1] if self.history else train_loss,
            "accuracy": self.accuracy[-1] if self.accuracy else train_acc,
            "test_loss": test_loss,
            "test_accuracy": test_acc,
            "weights": [
                [[*(w.data for w in neuron.w), neuron.b.data] for neuron in layer.neurons]
                for layer in self.model.layers
            ],
            "code": code(self.settings, max(len(self.history), 1)),
        }

    def evaluate(self, X: list[Any], y: list[Any]) -> tuple[float | None, float | None]:
        """The loss and accuracy on a set, without a graph (None for an empty set)."""
        if not X:
            return None, None
        with no_grad():
            preds = [self.model(x) for x in X]
            loss = self.loss(preds, y).data
        if not self.classification:
            return loss, None
        cut = 0.5 if self.settings["loss"] == "bce" else 0.0
        right = sum((p.data > cut) == (t > cut) for p, t in zip(preds, y))
        return loss, right / len(y)

    def point(self, index: int, split: str = "train") -> dict[str, Any]:
        """One example's loss, its gradient graph (one box per neuron), its backward pass
        as frames (one for the seed, then one per neuron or operation passing gradient on),
        a note when its grads are all 0 or tiny, and the points of largest loss.

        A hinge loss of 0 (the example meets the margin) has every grad 0: the graph of
        the output is drawn instead, as the demo does, its grads d output / d value."""
        X, y = (self.X_train, self.y_train) if split == "train" else (self.X_test, self.y_test)
        x, target = X[index], y[index]
        output = self.model(x)
        root = self.loss([output], [target])
        root.label = "loss"
        largest = self.largest_losses()
        note = ""
        if self.settings["loss"] == "hinge" and root.data == 0:
            times = "\N{MULTIPLICATION SIGN}"
            note = (
                f"It meets the margin (target {times} output = {float(target):+g} {times} "
                f"{output.data:.3f} ≥ 1), "
                "so its hinge loss and every grad are 0. "
                "Drawn instead: d output / d value, how each weight moves this output."
            )
            root = output
        elif largest and root.data < 0.01 * largest[0]["loss"]:
            note = (
                f"Its loss is tiny next to the largest ({largest[0]['loss']:.4f}), "
                "and so are its grads: it barely moves the weights."
            )
        self.model.zero_grad()
        steps = list(backward_steps(root))  # fills every grad, as root.backward() would
        # A neuron is drawn as one box holding its weighted sum and its activation: the
        # activation's step only hands the gradient on inside that box, so it gets no frame.
        self.steps = [
            s
            for s in steps
            if s.contributions
            and not (len(s.contributions) == 1 and s.contributions[0].input.op == "dot")
        ]
        self.root = root
        self.namespace.update(example=x, target=target, example_loss=root)
        return {
            "x": list(x),
            "target": target,
            "loss": self.loss([output], [target]).data if root is output else root.data,
            "of": "output" if root is output else "loss",
            "note": note,
            "largest": largest,
            "svg": self._svg(draw_graph(root, collapse="neuron")),
            "frames": len(self.steps) + 1,
            "caption": self._first_caption(),
        }

    def largest_losses(self, count: int = 3) -> list[dict[str, Any]]:
        """The `count` points (training or test) of largest loss above 0, largest first."""
        losses = []
        with no_grad():
            for split, X, y in (("train", self.X_train, self.y_train),
                                ("test", self.X_test, self.y_test)):
                for i, (x, t) in enumerate(zip(X, y)):
                    losses.append({"split": split, "index": i,
                                   "loss": self.loss([self.model(x)], [t]).data})
        losses.sort(key=lambda p: -p["loss"])
        return [p for p in losses[:count] if p["loss"] > 0]

    def frame(self, k: int) -> dict[str, Any]:
        """Frame k of the clicked example's backward pass: 0 is the seed (every grad as
        backward leaves it, the output's own grad 1), then one step each."""
        if self.root is None:
            raise ValueError("click a point first")
        if k == 0:
            picture = draw_graph(self.root, collapse="neuron")
            caption = self._first_caption()
        else:
            step = self.steps[k - 1]
            picture = draw_graph(self.root, collapse="neuron", highlight=step)
            caption = str(step)
        return {"k": k, "svg": self._svg(picture), "caption": caption}

    def _first_caption(self) -> str:
        of = "loss" if self.root is not None and self.root.label == "loss" else "output"
        return (
            f"The backward pass starts at the {of} with grad 1 (d {of} / d {of}). Press "
            "next: each step, one neuron or operation passes its grad back to its inputs."
        )

    def _svg(self, drawing: Any) -> str:
        return self.render(drawing.source) if self.render else drawing.source

    def run(self, source: str) -> str:
        """Run a cell as a notebook would: print what it prints, then its last
        expression's value; an error shows as its traceback."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                tree = ast.parse(source, "<cell>", "exec")
                last = tree.body[-1] if tree.body else None
                if isinstance(last, ast.Expr):  # shown as a notebook shows a cell's value
                    tree.body.pop()
                else:
                    last = None
                exec(compile(tree, "<cell>", "exec"), self.namespace)
                if last is not None:
                    value = eval(
                        compile(ast.Expression(last.value), "<cell>", "eval"), self.namespace
                    )
                    if value is not None:
                        print(repr(value))
            except Exception as e:  # shown from the cell's own frame on, as a notebook does
                tb = e.__traceback__.tb_next if e.__traceback__ else None
                print("".join(traceback.format_exception(type(e), e, tb)), end="")
        return out.getvalue()

