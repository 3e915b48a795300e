"""Plots every course notebook would otherwise write by hand: a training history, a
decision boundary, both live while `fit` runs, and a confusion matrix.

matplotlib is imported only when something is plotted; without it, the error says
how to install it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

from autograd import no_grad
from nn.module import Module
from nn.train import History

INSTALL_MATPLOTLIB = 'plotting needs matplotlib: pip install "gradstep[plot]"'
CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
REGION_COLOURS = ["#cfe2ff", "#ffe0c7", "#d5f0d5", "#f8d0d0", "#e6dcf3", "#eadbd6"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ImportError(INSTALL_MATPLOTLIB) from None
    return plt


def _scale_for(values: Sequence[float]) -> str:
    """Log scale when a positive curve spans orders of magnitude; linear otherwise (a
    loss that reaches exactly 0 cannot be drawn on a log scale)."""
    positive = [v for v in values if v == v]
    if positive and min(positive) > 0 and max(positive) / min(positive) > 100:
        return "log"
    return "linear"


def plot_history(
    history: Sequence[float],
    *,
    curves: Mapping[str, Sequence[float]] | None = None,
    title: str | None = None,
) -> Any:
    """The loss per epoch on the left and, when there is one, the accuracy on the right.

    `history` is what `nn.fit` returns (its `.accuracy` is plotted too) or any
    list of losses. `curves` adds more lines, for example a test set's accuracy
    recorded by a callback: a name containing "loss" joins the loss panel, any
    other the accuracy panel. Returns the matplotlib Figure.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> history = History(); history += [0.9, 0.4, 0.2]; history.accuracy += [0.5, 0.8, 0.9]
        >>> figure = plot_history(history, curves={"test accuracy": [0.5, 0.7, 0.85]})
        >>> [ax.get_ylabel() for ax in figure.axes]
        ['loss', 'accuracy']
    """
    plt = _pyplot()
    losses = [float(v) for v in history]
    if not losses:
        raise ValueError("plot_history needs at least one epoch's loss")
    accuracy = list(getattr(history, "accuracy", []))
    extra = dict(curves or {})
    accuracy_curves = {k: v for k, v in extra.items() if "loss" not in k}
    loss_curves = {k: v for k, v in extra.items() if "loss" in k}
    panels = 2 if accuracy or accuracy_curves else 1
    figure, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 3.4), squeeze=False)
    left = axes[0][0]
    epochs = range(1, len(losses) + 1)
    marker = "o" if len(losses) <= 30 else None
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    sets = {"training": 0}  # one colour per data set, the same in both panels

    def colour(name: str) -> str:
        return palette[sets.setdefault(name.split()[0], len(sets)) % len(palette)]

    left.plot(epochs, losses, marker=marker, color=colour("training"), label="training loss")
    for name, values in loss_curves.items():
        left.plot(range(1, len(values) + 1), values, marker=marker, color=colour(name), label=name)
    left.set_yscale(_scale_for(losses + [v for c in loss_curves.values() for v in c]))
    left.set_xlabel("epoch")
    left.set_ylabel("loss")
    left.set_title("loss (mean over each epoch's batches)")
    left.legend()
    if panels == 2:
        right = axes[0][1]
        if accuracy:
            right.plot(
                range(1, len(accuracy) + 1),
                accuracy,
                marker=marker,
                color=colour("training"),
                label="training accuracy",
            )
        for name, values in accuracy_curves.items():
            right.plot(
                range(1, len(values) + 1), values, marker=marker, color=colour(name), label=name
            )
        shown = accuracy + [v for c in accuracy_curves.values() for v in c]
        right.set_ylim(
            max(0.0, min(shown, default=0.0) - 0.05), 1.005
        )  # room for the curves, never > 1
        right.set_xlabel("epoch")
        right.set_ylabel("accuracy")
        right.set_title("accuracy")
        right.legend(loc="lower right")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_decision_boundary(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    *,
    ax: Any = None,
    threshold: float = 0.0,
    resolution: int = 60,
    title: str | None = None,
) -> Any:
    """The plane coloured by the class `model` predicts, with the points of X on top.

    For a model with one output the class is `output > threshold` (0 for hinge
    or mse on -1/+1 labels, 0.5 for a sigmoid output); with several outputs, the
    largest. Labels may be 0..k-1 or -1/+1. Draws on `ax` (or a new figure) and
    returns the Axes.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.datasets.make_moons(n=20, seed=0)
        >>> ax = plot_decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=10)
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('x1', 'x2')
    """
    plt = _pyplot()
    if not X or len(X[0]) != 2:
        raise ValueError("plot_decision_boundary draws models of 2 inputs: X must hold 2-D points")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    labels = sorted(set(y))
    index = {label: i for i, label in enumerate(labels)}
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    pad_x, pad_y = 0.15 * (max(xs) - min(xs) or 1), 0.15 * (max(ys) - min(ys) or 1)
    x0, x1, y0, y1 = min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y
    gx = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        outputs = [[model([a, b]) for a in gx] for b in gy]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4))
    _regions(ax, gx, gy, outputs, threshold, len(labels))
    for label in labels:
        points = [p for p, t in zip(X, y) if t == label]
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            s=14,
            color=CLASS_COLOURS[index[label] % len(CLASS_COLOURS)],
            edgecolors="white",
            linewidths=0.4,
            label=f"class {label}",
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title or "regions: the class the model predicts")
    return ax


def _regions(
    ax: Any,
    gx: list[float],
    gy: list[float],
    outputs: list[list[Any]],
    threshold: float,
    labels: int,
) -> None:
    """Colour the plane by the class predicted at each grid point; black lines between."""
    if not isinstance(outputs[0][0], list):  # one score: the boundary is where it crosses
        scores = [[out.data for out in row] for row in outputs]
        low, high = min(map(min, scores)), max(map(max, scores))
        ax.contourf(
            gx,
            gy,
            scores,
            levels=[min(low, threshold) - 1, threshold, max(high, threshold) + 1],
            colors=REGION_COLOURS[:2],
        )
        if low < threshold < high:
            ax.contour(gx, gy, scores, levels=[threshold], colors="black", linewidths=0.8)
    else:  # several scores: the class is the largest; boundaries where the largest changes
        grid = [[max(range(len(out)), key=lambda i: out[i].data) for out in row] for row in outputs]
        classes = max(labels, 1 + max(map(max, grid)))
        from matplotlib.colors import ListedColormap  # type: ignore[import-not-found, import-untyped, unused-ignore]

        ax.contourf(
            gx,
            gy,
            grid,
            levels=[k - 0.5 for k in range(classes + 1)],
            cmap=ListedColormap(REGION_COLOURS[:classes]),
        )
        ax.contour(
            gx,
            gy,
            grid,
            levels=[k + 0.5 for k in range(classes - 1)],
            colors="black",
            linewidths=0.8,
        )


RIGHT, MISTAKE = "#2b6cb0", "#f4a261"  # mistakes in a warm colour, to stand out


def plot_confusion_matrix(
    matrix: Sequence[Sequence[int]],
    *,
    labels: Sequence[Any] | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """A confusion matrix as a picture: row t, column p holds the count of examples of
    class t predicted as p, written in its cell.

    Right answers (the diagonal) are blue, mistakes orange, empty cells blank, so
    the mistakes stand out. The title says how many are right, after `title` if
    given. `labels` names the classes (default 0, 1, ...). Draws on `ax` (or a new
    figure) and returns the Axes.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> ax = plot_confusion_matrix([[5, 1], [0, 4]], labels=["cat", "dog"], title="Test")
        >>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
        ('Test: 9 of 10 right (90.0%)', 'predicted class', 'true class')
    """
    counts = [list(row) for row in matrix]
    size = len(counts)
    if size == 0 or any(len(row) != size for row in counts):
        shape = [len(row) for row in counts]
        raise ValueError(
            f"a confusion matrix is square, one row per class; got row lengths {shape}"
        )
    for row in counts:
        for n in row:
            whole = isinstance(n, Real) and not isinstance(n, bool) and float(n).is_integer()
            if not whole or n < 0:
                raise ValueError(f"a confusion matrix holds counts (whole numbers >= 0), got {n!r}")
    names = list(range(size)) if labels is None else list(labels)
    if len(names) != size:
        raise ValueError(f"labels names {len(names)} classes, the matrix has {size}")
    plt = _pyplot()
    from matplotlib.colors import to_rgb  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from matplotlib.patches import Patch  # type: ignore[import-not-found, import-untyped, unused-ignore]

    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 + 0.5 * size, 0.6 + 0.5 * size))
    ax.imshow(
        [
            [to_rgb(RIGHT if t == p else MISTAKE if counts[t][p] else "white") for p in range(size)]
            for t in range(size)
        ]
    )
    for t in range(size):
        for p in range(size):
            if counts[t][p]:  # empty cells stay blank
                colour = "white" if t == p else "black"
                ax.text(p, t, f"{counts[t][p]:g}", ha="center", va="center", color=colour)
    ax.set_xticks(range(size), labels=names)
    ax.set_yticks(range(size), labels=names)
    ax.set_xticks([i + 0.5 for i in range(size - 1)], minor=True)  # a thin grid between cells
    ax.set_yticks([i + 0.5 for i in range(size - 1)], minor=True)
    ax.grid(which="minor", color="0.85")
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    right, total = sum(counts[i][i] for i in range(size)), sum(map(sum, counts))
    score = f"{right:g} of {total:g} right" + (f" ({right / total:.1%})" if total else "")
    ax.set_title(f"{title}: {score}" if title else score)
    ax.legend(
        handles=[Patch(color=RIGHT, label="right answers"), Patch(color=MISTAKE, label="mistakes")],
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
    )
    return ax


class LivePlot:
    """A `fit` callback that redraws the loss curve and the decision boundary while
    training runs, in place in a Jupyter output (one picture, updated every `every`
    epochs and after the last), so cause and effect are seen as they happen; the
    output keeps the last picture. Where no notebook displays it, it draws nothing.

    Example:
        >>> import nn
        >>> X, y = nn.datasets.make_moons(n=20, seed=0)
        >>> model = nn.MLP(2, [4, 1], seed=0)
        >>> live = LivePlot(X, y, every=5)
        >>> history = nn.fit(model, X, [2 * t - 1 for t in y], loss=nn.hinge_loss, epochs=10,
        ...                  batch_size=10, progress=False, callbacks=[live])
        >>> live.epochs_drawn  # outside a notebook nothing is drawn
        []
    """

    def __init__(
        self,
        X: Sequence[Sequence[float]],
        y: Sequence[Any],
        *,
        every: int = 5,
        threshold: float = 0.0,
    ) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be an int >= 1, got {every!r}")
        self.X, self.y, self.every, self.threshold = X, y, every, threshold
        self.epochs_drawn: list[int] = []
        self._handle: Any = None

    def __call__(self, model: Module, history: History) -> None:
        last = len(history) == history.epochs
        if len(history) % self.every == 0 or last or history.stopped != "epochs":
            self.draw(model, history)

    def draw(self, model: Module, history: History) -> None:
        """Draw now: the loss so far beside the current decision boundary."""
        display = _notebook_display()
        if display is None:
            return
        plt = _pyplot()
        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
        epochs = range(1, len(history) + 1)
        left.plot(epochs, list(history), marker="o" if len(history) <= 30 else None)
        left.set_yscale(_scale_for(list(history)))
        left.set_xlabel("epoch")
        left.set_ylabel("loss")
        left.set_title(f"loss after {len(history)} epochs: {history[-1]:.4g}")
        plot_decision_boundary(
            model, self.X, self.y, ax=right, threshold=self.threshold, resolution=40
        )
        figure.tight_layout()
        if self._handle is None:
            self._handle = display(figure, display_id=True)
        else:
            self._handle.update(figure)
        plt.close(figure)
        self.epochs_drawn.append(len(history))


def _notebook_display() -> Any:
    """IPython's display when running in a notebook kernel, else None."""
    try:
        from IPython import get_ipython  # type: ignore[import-not-found, import-untyped, unused-ignore]
        from IPython.display import display  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    return display
