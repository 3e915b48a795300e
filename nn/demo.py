"""Train a small network on a toy dataset and show what it learned.

    python -m nn.demo                       # moons, 2-16-16-1 tanh MLP, hinge loss, SGD
    python -m nn.demo --dataset spiral      # 3 classes, cross-entropy
    python -m nn.demo --dataset linear      # regression: fit y = a*x + b
    python -m nn.demo --graph loss.svg      # also draw one example's gradient graph
    python -m nn.demo --compile             # train through compiled straight-line Python

Prints the final loss and accuracy, the decision boundary as a text plot, and
saves the trained model as JSON (reload it with `nn.load`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

import nn
from autograd import Value, draw_graph, no_grad, save
from nn.compiled import NotCompilable

DATASETS: dict[str, Callable[..., tuple[list[list[float]], list[Any]]]] = {
    "moons": nn.datasets.make_moons,
    "circles": nn.datasets.make_circles,
    "xor": nn.datasets.make_xor,
    "spiral": nn.datasets.make_spiral,
    "linear": nn.datasets.make_linear,
}
LOSSES = {
    "hinge": nn.hinge_loss,
    "mse": nn.mse_loss,
    "bce": nn.binary_cross_entropy,
    "cross_entropy": nn.cross_entropy,
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m nn.demo",
        description="Train an MLP with mini-batch gradient descent and show the result.",
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="moons",
        help="toy dataset to learn (default: moons)",
    )
    parser.add_argument("--n", type=int, default=100, help="number of points (default: 100)")
    parser.add_argument("--noise", type=float, default=0.1, help="dataset noise (default: 0.1)")
    parser.add_argument(
        "--hidden",
        default=None,
        help="hidden layer sizes, comma-separated, '' for none (default: 16,16; none for linear)",
    )
    parser.add_argument(
        "--activation",
        choices=["tanh", "relu", "sigmoid"],
        default="tanh",
        help="hidden-layer activation (default: tanh)",
    )
    parser.add_argument(
        "--loss",
        choices=sorted(LOSSES),
        default=None,
        help="loss (default: hinge for two classes, cross_entropy for more, mse for linear)",
    )
    parser.add_argument(
        "--optimizer",
        choices=["sgd", "adam"],
        default="sgd",
        help="sgd (with momentum) or adam (default: sgd)",
    )
    parser.add_argument(
        "--lr", type=float, default=None, help="learning rate (default: 0.1 for sgd, 0.01 for adam)"
    )
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (default: 0.9)")
    parser.add_argument("--batch-size", type=int, default=10, help="mini-batch size (default: 10)")
    parser.add_argument(
        "--epochs", type=int, default=100, help="passes over the data (default: 100)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for data, weights, shuffling")
    parser.add_argument(
        "--save",
        default="model.json",
        help="where to save the trained model (default: model.json; '' to skip)",
    )
    parser.add_argument(
        "--graph",
        default=None,
        metavar="FILE.svg",
        help="draw the gradient graph of one example's loss (needs Graphviz)",
    )
    parser.add_argument(
        "--compile",
        action="store_true",
        help="train through generated straight-line Python (same results, several times faster)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress display")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.hidden is None:
        args.hidden = "" if args.dataset == "linear" else "16,16"
    try:
        hidden = [int(h) for h in args.hidden.split(",") if h.strip()]
    except ValueError:
        print(f"--hidden wants comma-separated integers, got {args.hidden!r}", file=sys.stderr)
        return 2

    X, y = DATASETS[args.dataset](n=args.n, noise=args.noise, seed=args.seed)
    classes = sorted(set(y)) if args.dataset != "linear" else []
    loss_name = args.loss or (
        "mse" if not classes else "hinge" if len(classes) == 2 else "cross_entropy"
    )
    loss = LOSSES[loss_name]
    nout = len(classes) if loss_name == "cross_entropy" else 1
    targets: list[Any] = list(y)
    if loss_name in ("hinge", "mse") and classes:
        targets = [2 * t - 1 for t in y]  # -1/+1 labels: the sign of the output is the class
    output_activation = "sigmoid" if loss_name == "bce" else None

    model = nn.MLP(
        2 if classes else 1,
        [*hidden, nout],
        activation=args.activation,
        output_activation=output_activation,
        seed=args.seed,
    )
    params = model.parameters()
    if args.optimizer == "adam":
        optimizer: nn.Optimizer = nn.Adam(params, lr=args.lr or 0.01)
    else:
        optimizer = nn.SGD(params, lr=args.lr or 0.1, momentum=args.momentum)
    print(
        f"{args.dataset}: {len(X)} points; model {model}; {loss_name} loss; "
        f"{type(optimizer).__name__}(lr={optimizer.lr}); batch size {args.batch_size}"
    )

    try:
        history = nn.fit(
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

    accuracy = final_accuracy(model, X, targets, loss)
    print(
        f"final loss {history[-1]:.6f}"
        + (f"  accuracy {accuracy:.1%}" if accuracy is not None else "")
    )
    if classes and len(X[0]) == 2:
        print(text_boundary(model, X, y, classes, loss_name))
    elif not classes and not hidden:
        w, b = model.parameters()
        sign = "-" if b.data < 0 else "+"
        print(f"learned y = {w.data:.4f} x {sign} {abs(b.data):.4f}")
    if args.save:
        model.save(args.save)
        print(f"saved the trained model to {args.save}")
    if args.graph and not draw_example_graph(model, X[0], targets[0], loss, args.graph):
        return 1
    return 0


def predict_class(output: Any, loss_name: str) -> int:
    if isinstance(output, list):
        return max(range(len(output)), key=lambda i: output[i].data)
    threshold = 0.5 if loss_name == "bce" else 0.0
    return int(output.data > threshold)


def final_accuracy(
    model: nn.MLP, X: list[list[float]], targets: list[Any], loss: Callable[..., Value]
) -> float | None:
    with no_grad():
        preds = [model(x) for x in X]
    return nn.accuracy(loss, preds, targets)


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
    legend = ", ".join(f"'{marks[k % len(marks)]}' class {k}" for k in classes)
    border = "+" + "-" * width + "+"
    body = "\n".join("|" + "".join(row) + "|" for row in grid)
    return (
        f"decision regions (background: the model's class; {legend}):\n{border}\n{body}\n{border}"
    )


def draw_example_graph(
    model: nn.MLP, x: list[float], target: Any, loss: Callable[..., Value], path: str
) -> bool:
    """Draw one example's loss graph with its gradients; one box per neuron if it is big."""
    example_loss = (
        loss([model(x)], [target]) if loss is not nn.cross_entropy else loss(model(x), target)
    )
    model.zero_grad()
    example_loss.backward()
    try:
        try:
            graph = draw_graph(example_loss)
            how = ""
        except ValueError:  # too many nodes to read: one box per neuron instead
            graph = draw_graph(example_loss, collapse="neuron")
            how = " (one box per neuron: the full graph is too big to read)"
        save(graph, path)
    except (ImportError, RuntimeError, ValueError) as e:
        print(f"could not draw the graph: {e}", file=sys.stderr)
        return False
    print(f"drew the gradient graph of one example's loss to {path}{how}")
    return True


if __name__ == "__main__":
    raise SystemExit(main())
