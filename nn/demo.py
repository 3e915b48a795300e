"""Train a small network on a toy dataset or on real handwritten digits, and show what it learned.

    python -m nn.demo                       # moons, 2-16-16-1 tanh MLP, hinge loss, SGD
    python -m nn.demo --dataset spiral      # 3 classes, cross-entropy
    python -m nn.demo --dataset linear      # regression: fit y = a*x + b
    python -m nn.demo --dataset digits      # 1,797 real 8x8 handwritten digits, 10 classes
    python -m nn.demo --graph loss.svg      # also draw one example's gradient graph
    python -m nn.demo --compile             # train through compiled straight-line Python

Prints the trained model's loss over the whole data set and its accuracy, the
decision boundary as a text plot (for digits: the test accuracy, a confusion
matrix and misclassified digits), and saves the trained model as JSON (reload
it with `nn.load(path, nn.MLP)`). Every flag is checked before training starts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import nn
from autograd import Value, draw_graph, no_grad, save
from nn.compiled import NotCompilable
from nn.losses import LossKind

DATASETS: dict[str, Callable[..., tuple[list[list[float]], list[Any]]]] = {
    "moons": nn.datasets.make_moons,
    "circles": nn.datasets.make_circles,
    "xor": nn.datasets.make_xor,
    "spiral": nn.datasets.make_spiral,
    "linear": nn.datasets.make_linear,
    "digits": lambda **_: nn.datasets.load_digits(),  # trained by train_digits
}
# What suits the digits (64 inputs, 10 classes, 1,437 training images) when no flag says
# otherwise: median test accuracy 98.3% over seeds 0-4, about 20 s a run on 2 cores.
DIGITS_DEFAULTS = {
    "hidden": [32],
    "optimizer": "adam",
    "batch_size": 32,
    "epochs": 20,
    "test_size": 0.2,
}
LOSSES: dict[str, Callable[..., Value]] = {
    "hinge": nn.hinge_loss,
    "mse": nn.mse_loss,
    "bce": nn.binary_cross_entropy,
    "cross_entropy": nn.cross_entropy,
}


# How many classes each data set has (0: a regression).
CLASSES = {"moons": 2, "circles": 2, "xor": 2, "spiral": 3, "linear": 0, "digits": 10}
# How the user typed the command, for usage and error lines (./run says how it was typed).
PROG = os.environ.get("GRADSTEP_DEMO_PROG") or "python -m nn.demo"


class OneLineErrors(argparse.ArgumentParser):
    """An argument parser whose error is one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def fitting_losses(classes: int) -> list[str]:
    """The losses that make sense for a data set with this many classes (0: a regression)."""
    if classes == 0:
        return ["mse"]
    return sorted(LOSSES) if classes == 2 else ["cross_entropy"]


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"wants a whole number >= 1, got {text!r}")
    return value


def finite_float(text: str) -> float:
    """argparse type: a finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"wants a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"wants a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    value = finite_float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"wants a number > 0, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    value = finite_float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"wants a number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """argparse type: a number strictly between 0 and 1."""
    value = finite_float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"wants a number between 0 and 1, got {text!r}")
    return value


def momentum(text: str) -> float:
    """argparse type: a number in [0, 1)."""
    value = finite_float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"wants a number in [0, 1), got {text!r}")
    return value


def layer_sizes(text: str) -> list[int]:
    """argparse type: comma-separated layer sizes >= 1, or '' for none."""
    if not text.strip():
        return []
    try:
        return [positive_int(size.strip()) for size in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"wants comma-separated layer sizes >= 1 such as 16,16 (or '' for none), got {text!r}"
        ) from None


def model_file(text: str) -> str:
    """argparse type: a file path in an existing directory ('' to save nothing)."""
    if text:
        _check_writable(Path(text))
    return text


def graph_file(text: str) -> str:
    """argparse type: where to draw the graph. Checks now what drawing needs, so that a
    missing piece is reported before training rather than after it."""
    path = Path(text)
    try:
        import graphviz  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise argparse.ArgumentTypeError(
            'needs the graphviz Python package: pip install "gradstep[viz]" '
            "(./run demo installs it)"
        ) from None
    if path.suffix.lstrip(".").lower() not in graphviz.FORMATS:
        raise argparse.ArgumentTypeError(
            f"wants a file name whose extension says the format, such as loss.svg, loss.png "
            f"or loss.pdf; got {text!r}"
        )
    if shutil.which("dot") is None:
        raise argparse.ArgumentTypeError(
            "needs Graphviz's dot program, which is not on PATH: install Graphviz "
            "(apt-get install graphviz, brew install graphviz or conda install -c conda-forge "
            "graphviz) or leave out --graph"
        )
    _check_writable(path)
    return text


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{str(path)!r} is a directory; give a file name")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"there is no directory {str(path.parent)!r}")


# Every flag: its names and argparse's settings (the types below check each value).
FLAGS: list[tuple[str, dict[str, Any]]] = [
    ("--dataset", {
        "choices": sorted(DATASETS), "default": "moons",
        "help": "dataset to learn: a 2-D toy, or digits (real images; defaults to a 64-32-10 "
        "MLP, Adam, batch size 32, 20 epochs) (default: moons)"}),
    ("--n", {"type": positive_int, "default": 100, "help": "number of points (default: 100)"}),
    ("--noise", {
        "type": non_negative_float, "default": 0.1, "help": "dataset noise (default: 0.1)"}),
    ("--hidden", {
        "type": layer_sizes, "default": None,
        "help": "hidden layer sizes, comma-separated, '' for none (default: 16,16; none for "
        "linear)"}),
    ("--activation", {
        "choices": ["tanh", "relu", "sigmoid"], "default": "tanh",
        "help": "hidden-layer activation (default: tanh)"}),
    ("--loss", {
        "choices": sorted(LOSSES), "default": None,
        "help": "loss (default: hinge for two classes, cross_entropy for more, mse for linear)"}),
    ("--optimizer", {
        "choices": ["sgd", "adam"], "default": "sgd",
        "help": "sgd (with momentum) or adam (default: sgd)"}),
    ("--lr", {
        "type": positive_float, "default": None,
        "help": "learning rate (default: 0.1 for sgd, 0.01 for adam)"}),
    ("--momentum", {
        "type": momentum, "default": None, "help": "SGD momentum, in [0, 1) (default: 0.9)"}),
    ("--batch-size", {
        "type": positive_int, "default": 10, "help": "mini-batch size (default: 10)"}),
    ("--epochs", {
        "type": positive_int, "default": 100, "help": "passes over the data (default: 100)"}),
    ("--seed", {"type": int, "default": 0, "help": "seed for data, weights, shuffling"}),
    ("--save", {
        "type": model_file, "default": "model.json",
        "help": "where to save the trained model (default: model.json; '' to skip)"}),
    ("--graph", {
        "type": graph_file, "default": None, "metavar": "FILE.svg",
        "help": "draw the gradient graph of the example with the largest loss (needs "
        "Graphviz)"}),
    ("--compile", {
        "action": "store_true",
        "help": "train through generated straight-line Python (same results, several times "
        "faster)"}),
    ("--no-progress", {"action": "store_true", "help": "hide the progress display"}),
    ("--test-size", {
        "type": fraction, "default": None,
        "help": "digits only: the fraction held out to test on (default: 0.2)"}),
]  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The demo's flags, each checked here: a bad one is one line of error and exit 2."""
    parser = OneLineErrors(
        prog=PROG,
        description="Train an MLP with mini-batch gradient descent and show the result.",
    )
    for name, settings in FLAGS:
        parser.add_argument(name, **settings)
    args = parser.parse_args(argv)
    if args.dataset == "digits":  # its own defaults; flags given on the command line still win
        parser.set_defaults(**DIGITS_DEFAULTS)
        args = parser.parse_args(argv)
    check_together(parser, args)
    return args


def check_together(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The checks that need two flags at once."""
    classes = CLASSES[args.dataset]
    if args.loss is not None and args.loss not in fitting_losses(classes):
        kind = f"has {classes} classes" if classes else "is a regression (numbers, not classes)"
        parser.error(
            f"--loss {args.loss} does not fit the {args.dataset} data set, which {kind}: "
            f"use --loss {' or --loss '.join(fitting_losses(classes))}"
        )
    if args.n < classes:
        parser.error(
            f"--n {args.n} is too few points for the {args.dataset} data set's {classes} "
            f"classes: use --n {classes} or more"
        )
    if args.momentum is not None and args.optimizer != "sgd":
        parser.error(f"--momentum is for --optimizer sgd; {args.optimizer} has its own")
    if args.test_size is not None and args.dataset != "digits":
        parser.error(
            f"--test-size is for --dataset digits; the {args.dataset} data set is learned and "
            "judged on all its points (use --n for how many)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo with these flags (None: the command line's); return the exit code."""
    args = parse_args(argv)
    hidden = args.hidden
    if hidden is None:
        hidden = [] if args.dataset == "linear" else [16, 16]
    if args.dataset == "digits":
        return train_digits(args, hidden)

    X, y = DATASETS[args.dataset](n=args.n, noise=args.noise, seed=args.seed)
    classes = sorted(set(y)) if CLASSES[args.dataset] else []
    if len(classes) < CLASSES[args.dataset]:  # random labels (xor) can miss a class
        print(
            f"{PROG}: error: --n {args.n} drew only {len(classes)} of the {args.dataset} "
            f"data set's {CLASSES[args.dataset]} classes: use a larger --n (see --help)",
            file=sys.stderr,
        )
        return 2
    loss_name = args.loss or (
        "mse" if not classes else "hinge" if len(classes) == 2 else "cross_entropy"
    )
    loss = LOSSES[loss_name]
    kind = loss_kind(loss_name)
    targets: list[Any] = list(y)
    if classes:  # the target each loss wants for a class: -1/+1 for hinge and mse
        targets = [kind.label(t) for t in y]
    model = nn.MLP(
        2 if classes else 1,
        [*hidden, len(classes) if kind.one_output_per_class else 1],
        activation=args.activation,
        output_activation=kind.output_activation,
        seed=args.seed,
    )
    optimizer = make_optimizer(model, args)
    print(
        f"{args.dataset}: {len(X)} points; model {model}; {loss_name} loss; "
        f"{describe(optimizer)}; batch size {args.batch_size}"
    )

    failed = train(model, X, targets, loss, optimizer, args)
    if failed:
        return failed
    preds = predict(model, X)
    print(final_summary(preds, targets, loss_name, labels=y if classes else None))
    if classes and len(X[0]) == 2:
        print(text_boundary(model, X, y, classes, loss_name))
    elif not classes and not hidden:
        w, b = model.parameters()
        sign = "-" if b.data < 0 else "+"
        print(f"learned y = {w.data:.4f} x {sign} {abs(b.data):.4f}")
    return save_and_draw(args, model, X, targets, preds, loss_name)


def save_and_draw(
    args: argparse.Namespace,
    model: nn.MLP,
    X: list[list[float]],
    targets: list[Any],
    preds: list[Any],
    loss_name: str,
) -> int:
    """Save the model and draw the graph, as the flags ask; the exit code."""
    if args.save:
        model.save(args.save)
        print(f"saved the trained model to {args.save}")
    if args.graph and not draw_example_graph(model, X, targets, preds, loss_name, args.graph):
        return 1
    return 0


def train(
    model: nn.MLP,
    X: list[list[float]],
    targets: list[Any],
    loss: Callable[..., Value],
    optimizer: nn.Optimizer,
    args: argparse.Namespace,
) -> int:
    """nn.fit as the flags say; 0, or the exit code after saying why training stopped."""
    try:
        nn.fit(
            model,
            X,
            targets,
            loss=loss,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            progress=not args.no_progress,
            seed=args.seed,
            compile=args.compile,
        )
    except nn.Diverged as e:
        print(f"training stopped: {e}", file=sys.stderr)
        return 1
    except NotCompilable as e:
        print(f"--compile: {e}", file=sys.stderr)
        return 2
    return 0


def make_optimizer(model: nn.MLP, args: argparse.Namespace) -> nn.Optimizer:
    """Adam or SGD with momentum, at the flags' learning rate or the default for each."""
    if args.optimizer == "adam":
        return nn.Adam(model.parameters(), lr=0.01 if args.lr is None else args.lr)
    return nn.SGD(
        model.parameters(),
        lr=0.1 if args.lr is None else args.lr,
        momentum=0.9 if args.momentum is None else args.momentum,
    )


def describe(optimizer: nn.Optimizer) -> str:
    """The optimizer as it was made, e.g. SGD(lr=0.1, momentum=0.9)."""
    momentum = getattr(optimizer, "momentum", None)
    extra = f", momentum={momentum}" if momentum is not None else ""
    return f"{type(optimizer).__name__}(lr={optimizer.lr}{extra})"


def predict(model: nn.MLP, X: list[list[float]]) -> list[Any]:
    """The model's output for each example, without building graphs."""
    with no_grad():
        return [model(x) for x in X]


def loss_kind(loss_name: str) -> LossKind:
    """What the named loss is (its record in nn.losses): every loss the demo offers has one."""
    kind = LossKind.of(LOSSES[loss_name])
    assert kind is not None, f"{loss_name} has no record in nn.losses"
    return kind


def predict_class(output: Any, loss_name: str) -> int:
    """The class an output stands for, as its loss reads it; mse, a regression loss, is
    trained here on -1/+1 targets, so its output's sign is the class, as for hinge."""
    decide = loss_kind(loss_name).predict_class
    return decide(output) if decide is not None else int(output.data > 0.0)


def final_summary(
    preds: list[Any],
    targets: list[Any],
    loss_name: str,
    labels: Sequence[int] | None = None,
    what: str = "points",
) -> str:
    """The trained model's loss over the whole data set and, given the class `labels`, its
    accuracy: both of this final model (the progress display shows each epoch's mean over
    its batches instead). Any loss on classes has an accuracy, mse's included."""
    with no_grad():
        total = LOSSES[loss_name](preds, targets).data
    line = f"final model on all {len(preds)} training {what}: {loss_name} loss {total:.6f}"
    if labels is None:
        return line
    right = sum(predict_class(p, loss_name) == label for p, label in zip(preds, labels))
    return f"{line}, accuracy {right / len(preds):.1%}"


def text_boundary(
    model: nn.MLP,
    X: list[list[float]],
    y: list[int],
    classes: list[int],
    loss_name: str,
    width: int = 64,
    height: int = 24,
) -> str:
    """The plane as characters: the model's class in each cell, training points on top."""
    shades = " .:-=+*#%@"[: max(2, len(classes))] if len(classes) > 2 else " ."
    marks = "ox*#@&"
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    pad_x, pad_y = 0.1 * (max(xs) - min(xs)), 0.1 * (max(ys) - min(ys))
    x0, x1 = min(xs) - pad_x, max(xs) + pad_x
    y0, y1 = min(ys) - pad_y, max(ys) + pad_y
    grid = []
    with no_grad():
        for r in range(height):
            py = y1 - (r + 0.5) * (y1 - y0) / height
            row = []
            for c in range(width):
                px = x0 + (c + 0.5) * (x1 - x0) / width
                row.append(shades[predict_class(model([px, py]), loss_name) % len(shades)])
            grid.append(row)
    for (px, py), label in zip(X, y):
        c = min(width - 1, int((px - x0) / (x1 - x0) * width))
        r = min(height - 1, int((y1 - py) / (y1 - y0) * height))
        grid[r][c] = marks[label % len(marks)]
    legend = "; ".join(
        f"class {k}: points '{marks[k % len(marks)]}', region "
        + ("blank" if shades[k % len(shades)] == " " else f"'{shades[k % len(shades)]}'")
        for k in classes
    )
    border = "+" + "-" * width + "+"
    body = "\n".join("|" + "".join(row) + "|" for row in grid)
    return (
        "decision regions (the training points over the class the model gives each place; "
        f"{legend}):\n{border}\n{body}\n{border}"
    )


def draw_example_graph(
    model: nn.MLP,
    X: list[list[float]],
    targets: list[Any],
    preds: list[Any],
    loss_name: str,
    path: str,
) -> bool:
    """Draw the loss graph, with its gradients, of the example with the largest loss (the
    one training still has most to say about), and say why its grads are what they are."""
    loss = LOSSES[loss_name]
    with no_grad():
        losses = [loss(p, t).data for p, t in zip(preds, targets)]
    # When every hinge loss is 0, the example nearest the margin is the one to look at.
    near = [-t * p.data if loss_name == "hinge" else 0.0 for p, t in zip(preds, targets)]
    i = max(range(len(losses)), key=lambda k: (losses[k], near[k]))
    output = model(X[i])
    root = loss(output, targets[i])
    if loss_name == "hinge" and root.data == 0:  # every grad of every loss is 0: show instead
        root = output  # how each weight moves the output, which is what a loss's grad scales
    model.zero_grad()
    root.backward()
    try:
        graph, how = readable_graph(root, model)
        with contextlib.redirect_stderr(io.StringIO()):  # dot's words: in its error, if any
            save(graph, path)
    except (ImportError, RuntimeError, ValueError, OSError, subprocess.CalledProcessError) as e:
        print(f"could not draw the graph: {one_line(e)}", file=sys.stderr)
        return False
    drawn = "output" if root is output else "loss"
    print(
        f"drew the gradient graph of example {i}'s {drawn} to {path}{how}: of the {len(X)} "
        f"examples it has the largest {loss_name} loss, {losses[i]:.4f}"
    )
    print(why_these_grads(output, targets[i], losses[i], loss_name))
    return True


def readable_graph(example_loss: Value, model: nn.MLP) -> tuple[Any, str]:
    """Every node if that is readable, else one box per neuron, else (when neuron-to-neuron
    links alone would be hundreds of edges) one box per layer; and how it was drawn."""
    try:
        graph: Any = draw_graph(example_loss, max_nodes=150)  # more is unreadable on a page
        how = ""
    except ValueError:  # too many nodes to read: one box per neuron or layer instead
        links = sum(layer.nin * layer.nout for layer in model.layers)
        level = "neuron" if links <= 400 else "layer"
        graph = draw_graph(example_loss, collapse=level)
        how = f" (one box per {level}: the full graph is too big to read)"
    # A file is no notebook cell: keep the text at its size (10 pt) instead of scaling a
    # wide drawing down to a page's width, where it would be about 6 px high.
    graph.graph_attr.pop("size", None)
    return graph, how


def why_these_grads(output: Any, target: Any, loss: float, loss_name: str) -> str:
    """One line on where the example's gradients come from: the loss's gradient at the
    model's output (as backward found it), which backward carries to every weight."""
    then = "; backward carries it through every weight that made the output"
    if loss_name == "cross_entropy":
        grads = ", ".join(f"{o.grad:+.3f}" for o in output)
        return (
            f"its grads: d loss/d logits = softmax(logits) - one-hot(class {target}) = "
            f"[{grads}]{then}"
        )
    y, g = output.data, output.grad
    if loss_name == "hinge" and loss == 0:
        return (
            f"its grads: every example meets the margin (here target {target:+d} * output "
            f"{y:.3f} >= 1, the nearest), so every hinge loss and its grads are 0; drawn "
            "instead: d output/d weight, how each weight moves this output"
        )
    if loss_name == "hinge":
        return (
            f"its grads: target {target:+d} * output {y:.3f} < 1 misses the margin, so "
            f"d loss/d output = -target = {g:+g}{then}"
        )
    if loss_name == "bce":
        return (
            f"its grads: the output {y:.3f} is the model's probability of class 1, for class "
            f"{target}: d loss/d output = (p - y) / (p (1 - p)) = {g:+.4f}{then}"
        )
    return (
        f"its grads: output {y:.4f} against target {float(target):+.4g}: d loss/d output = "
        f"2 (output - target) = {g:+.4f}{then}"
    )


def one_line(error: Exception) -> str:
    """An error as one line: for a program that failed, its last words."""
    if isinstance(error, subprocess.CalledProcessError):
        said = error.stderr.decode(errors="replace") if error.stderr else ""
        last = [line.strip() for line in said.splitlines() if line.strip()][-1:]
        return f"Graphviz's dot failed (exit status {error.returncode}){': ' if last else ''}" + (
            last[0] if last else ""
        )
    return " ".join(str(error).split())


def train_digits(args: argparse.Namespace, hidden: list[int]) -> int:
    """Train on a stratified split of the handwritten digits; report on the held-out test set."""
    X, y = nn.datasets.load_digits()
    X = [[v / 16.0 for v in x] for x in X]  # pixels 0..16 to 0..1, the scale the weights start at
    try:
        X_train, X_test, y_train, y_test = nn.train_test_split(
            X, y, test_size=args.test_size, seed=args.seed
        )
        model = nn.MLP(64, [*hidden, 10], activation=args.activation, seed=args.seed)
        optimizer = make_optimizer(model, args)
    except ValueError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    print(
        f"digits: {len(X):,} handwritten digits, 8x8 pixels (UCI; E. Alpaydin, C. Kaynak; "
        f"CC BY 4.0)\n{len(X_train):,} to train, {len(X_test):,} to test "
        f"(a stratified split, seed {args.seed})"
    )
    print(
        f"model {model}; cross_entropy loss; {describe(optimizer)}; "
        f"batch size {args.batch_size}; {args.epochs} epochs"
    )
    failed = train(model, X_train, y_train, nn.cross_entropy, optimizer, args)
    if failed:
        return failed

    test_predicted = predict_digits(model, X_test)
    test_correct = sum(p == t for p, t in zip(test_predicted, y_test))
    preds = predict(model, X_train)
    print(final_summary(preds, y_train, "cross_entropy", labels=y_train, what="images"))
    print(f"test accuracy {test_correct / len(y_test):.1%} ({test_correct} of {len(y_test)})")
    print(confusion_matrix(y_test, test_predicted))
    wrong = [(x, t, p) for x, t, p in zip(X_test, y_test, test_predicted) if p != t]
    if wrong:
        print(f"misclassified test digits ({min(8, len(wrong))} of {len(wrong)}):")
        print(digit_pictures(wrong[:8]))
    return save_and_draw(args, model, X_train, y_train, preds, "cross_entropy")


def predict_digits(model: nn.MLP, X: list[list[float]]) -> list[int]:
    """The class with the largest logit for each example."""
    with no_grad():
        return [predict_class(model(x), "cross_entropy") for x in X]


def confusion_matrix(truth: list[int], predicted: list[int], classes: int = 10) -> str:
    """A table of counts: row t, column p counts the examples of class t predicted as p.

    Example:
        >>> print(confusion_matrix([0, 0, 1], [0, 1, 1], classes=2))
        confusion matrix (rows: true digit, columns: predicted; the diagonal is right):
                0   1
          0     1   1
          1     .   1
    """
    counts = [[0] * classes for _ in range(classes)]
    for t, p in zip(truth, predicted):
        counts[t][p] += 1
    lines = [
        "confusion matrix (rows: true digit, columns: predicted; the diagonal is right):",
        "     " + "".join(f"{c:>4}" for c in range(classes)),
    ]
    for t, row in enumerate(counts):
        lines.append(f"  {t:<3}" + "".join(f"{n or '.':>4}" for n in row))
    return "\n".join(lines)


SHADES = " .:-=+*#%@"  # from no ink to full ink


def digit_pictures(digits: list[tuple[list[float], int, int]], per_row: int = 4) -> str:
    """8x8 images (pixels 0..1) drawn in characters, `per_row` side by side, each under
    a caption with its true class and the model's guess.

    Example:
        >>> one = [1.0 if col in (3, 4) else 0.0 for row in range(8) for col in range(8)]
        >>> print(digit_pictures([(one, 1, 7)]))
        true 1, guess 7
              @@@@
              @@@@
              @@@@
              @@@@
              @@@@
              @@@@
              @@@@
              @@@@
    """
    lines = []
    for start in range(0, len(digits), per_row):
        chunk = digits[start : start + per_row]
        lines.append("  ".join(f"{f'true {t}, guess {p}':<16}" for _, t, p in chunk).rstrip())
        for r in range(8):
            lines.append(
                "  ".join(  # two characters a pixel keep the digit's proportions
                    "".join(2 * SHADES[round(v * (len(SHADES) - 1))] for v in x[8 * r : 8 * r + 8])
                    for x, _, _ in chunk
                ).rstrip()
            )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
