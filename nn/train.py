"""The training loop: mini-batch gradient descent until the loss is small enough."""

# No `from __future__ import annotations` here: help(fit) then shows the types
# themselves rather than their names in quotes.
import difflib
import functools
import inspect
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from autograd import Value, no_grad
from nn import losses
from nn.collector import cycle_collector_paused
from nn.compiled import CompiledStep
from nn.data import as_seed, batches, check_dataset, positive_int
from nn.losses import accuracy, mse_loss
from nn.module import Module
from nn.optim import SGD, Optimizer, _check_max_norm, clip_grad_norm


class History(list[float]):
    """What `fit` returns: a list of each epoch's mean loss, plus `accuracy` per epoch
    (empty for regression), `epochs`, how many epochs training was asked to run, and
    `stopped`, why it ended: "epochs", "tol", or "callback <name>".

    Example:
        >>> history = History(epochs=10); history += [0.9, 0.4, 0.2]
        >>> history.accuracy += [0.5, 0.8, 0.9]; history.stopped = "tol"
        >>> history
        History(3 of 10 epochs, stopped by tol: loss 0.9 -> 0.2, accuracy 50.0% -> 90.0%)
        >>> history[-1], max(history.accuracy)
        (0.2, 0.9)
    """

    def __init__(self, epochs: int = 0) -> None:
        super().__init__()
        self.accuracy: list[float] = []
        self.epochs = epochs
        self.stopped = "epochs"

    def __repr__(self) -> str:
        # a summary: the losses themselves are the list, `list(history)`
        ran = f"{len(self)} of {self.epochs} epochs" if self.epochs else f"{len(self)} epochs"
        if self.stopped != "epochs":
            ran += f", stopped by {self.stopped}"
        if self:
            ran += f": loss {self[0]:.4g} -> {self[-1]:.4g}"
        if self.accuracy:
            ran += f", accuracy {self.accuracy[0]:.1%} -> {self.accuracy[-1]:.1%}"
        return f"History({ran})"


class Diverged(FloatingPointError):
    """The loss or the parameters stopped being finite numbers."""


ModelT = TypeVar("ModelT", bound=Module)
# Called after each epoch with the model and the history so far; True stops training.
Callback = Callable[[ModelT, History], bool | None]


P = ParamSpec("P")
R = TypeVar("R")
# what a learner may pass to fit that belongs to the optimizer
OPTIMIZER_SETTINGS = ("lr", "learning_rate", "momentum", "weight_decay")


def _explains_keywords(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` with Python's bare "unexpected keyword argument" replaced by a hint; its
    signature, types and docstring stay as they are (help() shows them)."""
    names = list(inspect.signature(fn).parameters)

    @functools.wraps(fn)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        for keyword in kwargs.keys() - names:
            where = f"{fn.__name__}() has no {keyword!r}"
            if keyword in OPTIMIZER_SETTINGS:
                raise TypeError(
                    f"{where}: the optimizer holds the learning rate; pass one, e.g. "
                    f"optimizer=nn.SGD(model.parameters(), lr=0.1)"
                )
            close = difflib.get_close_matches(keyword, names, n=1)
            hint = f"did you mean {close[0]}=?" if close else f"it takes {', '.join(names)}"
            raise TypeError(
                f"{fn.__name__}() got an unexpected keyword argument {keyword!r}; {hint}"
            )
        return fn(*args, **kwargs)

    return checked


@_explains_keywords
def fit(
    model: ModelT,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: Callable[[Any, Any], Value] = mse_loss,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int = 32,
    tol: float | None = None,
    progress: bool = True,
    seed: int | None = 0,
    callbacks: Sequence[Callback[ModelT]] = (),
    max_grad_norm: float | None = None,
    compile: bool = False,
) -> History:
    """Train `model` by mini-batch gradient descent; return the per-epoch History.

    Each batch: predictions, the batch loss (a mean, so its gradient is the mean
    of the examples' gradients), zero_grad, backward, one optimizer step. Stops
    after `epochs`, or early once an epoch's mean loss is below `tol`. If the
    loss or a parameter stops being finite, the parameters are put back to the
    last good values and `Diverged` is raised: lower the learning rate. If the
    loss grows several-fold over a few epochs, past where it started, a
    RuntimeWarning says so once: the learning rate is likely too large.

    The History returned is a list of each epoch's mean loss, with
    `history.accuracy` per epoch (for classification losses), `history.epochs`
    asked for and `history.stopped`, why training ended ("epochs", "tol" or
    "callback <name>").

    `optimizer` defaults to SGD(lr=0.1); `seed` fixes the batch shuffling.
    Progress shows as a bar (tqdm, when installed) or a line every few epochs.
    With `max_grad_norm`, each step's gradients are clipped to that joint length
    first (see `clip_grad_norm`).

    `callbacks` are functions called after every epoch as `callback(model,
    history)`, in order; one that returns True stops training, and
    `history.stopped` then names it. They serve for live plots, learning-rate
    schedules, validation and early stopping (examples below).

    `compile=True` runs each batch as generated straight-line Python
    (`nn.compiled.CompiledStep`): several times faster, with the same losses,
    accuracies and parameters, bit for bit; what it cannot trace raises
    `nn.compiled.NotCompilable` before training starts.

    Example:
        >>> import nn
        >>> X, y = nn.datasets.make_linear(n=20, a=2.0, b=-1.0, noise=0.0, seed=0)
        >>> model = nn.MLP(1, [1], seed=0)
        >>> history = fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=0.3),
        ...               epochs=200, batch_size=20, tol=1e-10, progress=False)
        >>> round(history[-1], 9) <= 1e-10, history.stopped
        (True, 'tol')

    Callbacks, on the moons with a held-out validation set:
        >>> from autograd import no_grad
        >>> X, y = nn.datasets.make_moons(n=40, noise=0.1, seed=0)
        >>> X_val, y_val = nn.datasets.make_moons(n=40, noise=0.1, seed=1)
        >>> y, y_val = [2 * t - 1 for t in y], [2 * t - 1 for t in y_val]
        >>> model = nn.MLP(2, [8, 1], seed=0)
        >>> opt = nn.SGD(model.parameters(), lr=0.2, momentum=0.9)
        >>> def live_plot(model, history):  # in a notebook: redraw a figure instead
        ...     bar = "#" * round(40 * history[-1])
        ...     print(f"epoch {len(history)} loss {history[-1]:.2f} {bar}")
        >>> def halve_lr(model, history):  # a learning-rate schedule
        ...     opt.lr /= 2
        >>> history = fit(model, X, y, loss=nn.hinge_loss, optimizer=opt, epochs=3,
        ...               batch_size=10, progress=False, callbacks=[live_plot, halve_lr])
        epoch 1 loss 0.56 ######################
        epoch 2 loss 0.20 ########
        epoch 3 loss 0.19 #######
        >>> opt.lr  # 0.2 halved three times
        0.025
        >>> val_losses = []
        >>> def validate(model, history):  # the loss on data the model does not train on
        ...     with no_grad():  # no graph needed: nothing is differentiated
        ...         val_losses.append(nn.hinge_loss([model(x) for x in X_val], y_val).data)
        >>> def early_stopping(model, history, patience=5):  # True stops training
        ...     # (to go back to the best epoch's weights, keep its model.state_dict())
        ...     best = min(val_losses)
        ...     return val_losses.index(best) < len(val_losses) - patience
        >>> opt.lr = 0.2
        >>> history = fit(model, X, y, loss=nn.hinge_loss, optimizer=opt, epochs=500,
        ...               batch_size=10, progress=False, callbacks=[validate, early_stopping])
        >>> history.stopped, len(history) < 500, len(val_losses) == len(history)
        ('callback early_stopping', True, True)
    """
    check_dataset(X, y)
    _check_loss(loss)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    seed = as_seed(seed)
    if tol is not None and not tol > 0:
        raise ValueError(f"tol must be > 0 or None, got {tol!r}")
    callbacks = _check_callbacks(callbacks)
    if max_grad_norm is not None:
        _check_max_norm(max_grad_norm, "fit")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)

    step = CompiledStep(model, loss, X, y, batch_size) if compile else None
    training = _Training(model, loss, optimizer, params, step, max_grad_norm)
    history = History(epochs)
    report = _progress(epochs, progress)
    warned, initial = False, [p.data for p in params]
    for epoch in range(1, epochs + 1):
        shuffled = batches(
            X, y, batch_size, shuffle=True, seed=None if seed is None else seed + epoch
        )
        mean_loss, acc = training.epoch(shuffled, epoch)
        history.append(mean_loss)
        if acc is not None:
            history.accuracy.append(acc)
        report(epoch, history[-1], acc)
        if not warned:
            warned = _warn_if_growing(history, optimizer) or (
                epoch == RECENT
                and min(history) > STAYED * training.first_loss  # cheap first: rarely true
                and _warn_if_above_start(history, optimizer, training.loss_at(initial, X, y))
            )
        if tol is not None and history[-1] < tol:
            history.stopped = "tol"  # set first, so that callbacks know this epoch is the last
        stoppers = [_name(c) for c in callbacks if _wants_to_stop(c, c(model, history))]
        if stoppers and history.stopped == "epochs":  # the first to ask gets the credit
            history.stopped = f"callback {stoppers[0]}"
        if history.stopped != "epochs":
            break
    report(None, history[-1], history.accuracy[-1] if history.accuracy else None)
    return history


@dataclass
class _Training:
    """What every batch of one `fit` uses, and how an epoch and a batch run."""

    model: Module
    loss: Callable[[Any, Any], Value]
    optimizer: Optimizer
    params: list[Value]
    step: CompiledStep | None  # None: the graph path
    max_grad_norm: float | None
    first_loss: float = math.nan  # the first batch's loss, before any step

    def epoch(self, shuffled: Iterable[tuple[Any, Any]], epoch: int) -> tuple[float, float | None]:
        """One pass over the batches: the mean of the batch losses, and the accuracy
        (None for a loss that does not classify)."""
        batch_losses: list[float] = []
        correct, judged = 0.0, 0
        for xb, yb in shuffled:
            # paused until the batch's graph is freed, as `batch` returns: else the
            # collector would run right after, over every node of that graph
            with cycle_collector_paused():
                batch_loss, batch_accuracy = self.batch(xb, yb, epoch)
            batch_losses.append(batch_loss)
            if self.first_loss != self.first_loss:  # nan: this was the first batch
                self.first_loss = batch_loss
            if batch_accuracy is not None:
                correct += batch_accuracy * len(yb)
                judged += len(yb)
        return sum(batch_losses) / len(batch_losses), correct / judged if judged else None

    def batch(self, xb: Any, yb: Any, epoch: int) -> tuple[float, float | None]:
        """One step on one batch: its loss and accuracy. If the loss or a parameter
        stops being finite, the parameters are put back and Diverged is raised."""
        params, last_good = self.params, [p.data for p in self.params]
        try:
            if self.step is None:
                preds = [self.model(x) for x in xb]
                batch_loss = self.loss(preds, yb)
            else:
                preds, batch_loss = self.step(xb, yb)
            self.optimizer.zero_grad()
            batch_loss.backward()  # a gradient that overflows raises, naming its node
        except OverflowError as e:
            _restore(params, last_good)
            raise Diverged(f"diverged at epoch {epoch} ({e}): lower the learning rate") from None
        if self.max_grad_norm is not None:
            try:
                clip_grad_norm(params, self.max_grad_norm)
            except FloatingPointError as e:
                _restore(params, last_good)
                raise Diverged(f"diverged at epoch {epoch}: {e}") from None
        self.optimizer.step()
        # A Value's data is always finite (overflow raises), but a step can still
        # push a parameter to inf through an overflowing gradient.
        if not all(math.isfinite(p.data) for p in params):
            _restore(params, last_good)
            raise Diverged(
                f"diverged at epoch {epoch}: a parameter stopped being finite; "
                f"lower the learning rate (it is {getattr(self.optimizer, 'lr', '?')})"
            )
        return batch_loss.data, accuracy(self.loss, preds, yb)

    def loss_at(self, values: list[float], X: Sequence[Any], y: Sequence[Any]) -> float:
        """The loss over all the data with the parameters set to `values` (then put back)."""
        now = [p.data for p in self.params]
        _restore(self.params, values)
        try:
            with no_grad():
                return float(self.loss([self.model(x) for x in X], y).data)
        finally:
            _restore(self.params, now)


GROWTH, RECENT = 4.0, 5  # "several-fold over recent epochs"
STAYED = 2.0  # a loss that stays above twice its start for RECENT epochs


def _warn_if_growing(history: History, optimizer: Optimizer) -> bool:
    """Warn (and return True) if the last epoch's loss is more than GROWTH times the
    lowest of the RECENT epochs before it and above the first epoch's: steps that
    overshoot the minimum, as a too-large learning rate makes them, rather than
    mini-batch noise on the way down (a single batch's loss is too noisy to judge)."""
    last, lowest = history[-1], min(history[-RECENT - 1 :])
    if not (last > GROWTH * lowest > 0.0 and last > history[0]):
        return False
    lr = getattr(optimizer, "lr", None)
    warnings.warn(
        f"the loss grew several-fold, from {lowest:.4g} to {last:.4g} by epoch {len(history)}: "
        "the steps overshoot the minimum; try a smaller learning rate"
        + ("" if lr is None else f" than {lr:g}"),
        RuntimeWarning,
        stacklevel=4,  # the line that called fit (through _explains_keywords)
    )
    return True


def _warn_if_above_start(history: History, optimizer: Optimizer, start: float) -> bool:
    """Warn (and return True) if every epoch so far ended above STAYED times the loss
    before training, `start`: the steps never even got down to where they began."""
    if not min(history) > STAYED * start:
        return False
    lr = getattr(optimizer, "lr", None)
    warnings.warn(
        f"the loss stayed above {min(history):.4g} for {len(history)} epochs, more than "
        f"{STAYED:g} times the {start:.4g} it was before training: the steps overshoot the "
        "minimum; try a smaller learning rate" + ("" if lr is None else f" than {lr:g}"),
        RuntimeWarning,
        stacklevel=4,  # the line that called fit (through _explains_keywords)
    )
    return True


def _check_loss(loss: object) -> None:
    # a loss called, loss=nn.hinge_loss(), fails inside it before we could see it
    if isinstance(loss, str):
        name = loss if loss.endswith("entropy") else f"{loss}_loss"
        example = f"nn.{name}" if name in losses.__all__ else "nn.hinge_loss"
        raise TypeError(
            f"loss must be a function: pass it, e.g. loss={example}, not the string {loss!r}"
        )
    if not callable(loss):
        raise TypeError(
            f"loss must be a function(predictions, targets), got {type(loss).__name__} "
            f"{loss!r}: pass one, e.g. loss=nn.mse_loss"
        )


def _check_callbacks(callbacks: Sequence[Callback[ModelT]]) -> list[Callback[ModelT]]:
    if callable(callbacks) or not isinstance(callbacks, (list, tuple)):
        raise TypeError(
            f"callbacks takes a list of functions, got {type(callbacks).__name__}: "
            "for one function f, pass callbacks=[f]"
        )
    for c in callbacks:
        if not callable(c):
            raise TypeError(f"each callback must be a function(model, history), got {c!r}")
    return list(callbacks)


def _name(callback: Callable[..., object]) -> str:
    return getattr(callback, "__name__", type(callback).__name__)


def _wants_to_stop(callback: Callable[..., object], answer: object) -> bool:
    if answer is None or isinstance(answer, bool):
        return answer is True
    raise TypeError(
        f"callback {_name(callback)} returned {answer!r}: a callback returns True to stop "
        "training, and None or False to go on"
    )


def _restore(params: list[Value], values: list[float]) -> None:
    for p, v in zip(params, values):
        p.data = v


def _progress(epochs: int, enabled: bool) -> Callable[[int | None, float, float | None], None]:
    """A callback (epoch, loss, accuracy) that shows progress; epoch None closes it."""
    if not enabled:
        return lambda epoch, loss, acc: None
    tqdm = _find_tqdm()
    if tqdm is not None:
        bar = tqdm(total=epochs, desc="training", unit="epoch", mininterval=0.5)

        def show_bar(epoch: int | None, loss: float, acc: float | None) -> None:
            if epoch is None:
                bar.close()
                return
            bar.set_postfix_str(_loss_and_accuracy(loss, acc), refresh=False)
            bar.update(1)

        return show_bar
    every = max(1, epochs // 10)

    def show_line(epoch: int | None, loss: float, acc: float | None) -> None:
        if epoch is not None and (epoch % every == 0 or epoch == 1):
            print(
                f"epoch {epoch:>{len(str(epochs))}}/{epochs}  {_loss_and_accuracy(loss, acc)}",
                file=sys.stderr,
            )

    return show_line


def _find_tqdm() -> Any:
    """tqdm's notebook widget where ipywidgets is installed, its text bar otherwise
    (which also reads well in a notebook saved as a web page); None without tqdm."""
    try:
        import ipywidgets  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
        from tqdm.auto import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        try:
            from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError:
            return None
    return tqdm


def _loss_and_accuracy(loss: float, acc: float | None) -> str:
    return f"loss {loss:.4f}" + ("" if acc is None else f"  accuracy {acc:.1%}")
