"""The plotting helpers, drawn on matplotlib's headless backend."""

from __future__ import annotations

import subprocess
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import nn  # noqa: E402
from nn.plot import LivePlot, plot_decision_boundary, plot_history  # noqa: E402


def history_of(losses, accuracy=()):
    history = nn.History()
    history += losses
    history.accuracy += accuracy
    return history


def test_history_plots_loss_and_accuracy_per_epoch_with_labelled_axes():
    figure = plot_history(history_of([0.9, 0.5, 0.3], [0.4, 0.7, 0.9]))
    loss, accuracy = figure.axes
    assert (loss.get_xlabel(), loss.get_ylabel()) == ("epoch", "loss")
    assert (accuracy.get_xlabel(), accuracy.get_ylabel()) == ("epoch", "accuracy")
    assert list(loss.lines[0].get_ydata()) == [0.9, 0.5, 0.3]
    assert list(loss.lines[0].get_xdata()) == [1, 2, 3]  # epochs count from 1
    assert list(accuracy.lines[0].get_ydata()) == [0.4, 0.7, 0.9]


def test_a_regression_history_has_one_panel():
    assert len(plot_history([3.0, 2.0, 1.0]).axes) == 1


def test_log_scale_only_for_positive_losses_that_span_orders_of_magnitude():
    assert plot_history([10.0, 1.0, 0.01]).axes[0].get_yscale() == "log"
    assert plot_history([10.0, 1.0, 0.0, 0.0]).axes[0].get_yscale() == "linear"  # 0 has no log
    assert plot_history([0.5, 0.4, 0.3]).axes[0].get_yscale() == "linear"


def test_extra_curves_join_the_panel_their_name_says():
    figure = plot_history(
        history_of([0.9, 0.5], [0.6, 0.8]),
        curves={"test loss": [1.0, 0.7], "test accuracy": [0.5, 0.75]},
    )
    loss, accuracy = figure.axes
    assert [line.get_label() for line in loss.lines] == ["training loss", "test loss"]
    assert [line.get_label() for line in accuracy.lines] == ["training accuracy", "test accuracy"]


def test_an_empty_history_is_refused():
    with pytest.raises(ValueError, match="at least one epoch"):
        plot_history([])


def test_the_decision_boundary_lies_where_the_model_changes_its_mind():
    model = nn.MLP(2, [1], seed=0)  # linear: the class is x1 - 0.25 > 0
    (w1, w2), b = model.layers[0].neurons[0].w, model.layers[0].neurons[0].b
    w1.data, w2.data, b.data = 1.0, 0.0, -0.25
    X = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]]
    y = [0, 1, 0, 1]
    ax = plot_decision_boundary(model, X, y, resolution=41)
    (boundary,) = [
        c for c in ax.collections if hasattr(c, "get_paths") and c.get_linewidths()[0] == 0.8
    ]
    xs = [x for path in boundary.get_paths() for x, _ in path.vertices]
    assert xs and all(abs(x - 0.25) < 0.07 for x in xs)  # within a grid cell of x1 = 0.25
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")


def test_several_outputs_take_the_largest_and_labels_may_be_signs():
    X, y = nn.datasets.make_spiral(n=30, classes=3, seed=0)
    ax = plot_decision_boundary(nn.MLP(2, [5, 3], seed=0), X, y, resolution=12)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"class 0", "class 1", "class 2"}
    X, y = nn.datasets.make_moons(n=20, seed=0)
    ax = plot_decision_boundary(nn.MLP(2, [4, 1], seed=0), X, [2 * t - 1 for t in y])
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"class -1", "class 1"}


def test_bad_input_is_refused():
    model = nn.MLP(3, [1], seed=0)
    with pytest.raises(ValueError, match="2 inputs"):
        plot_decision_boundary(model, [[1.0, 2.0, 3.0]], [0])
    with pytest.raises(ValueError, match="same length"):
        plot_decision_boundary(nn.MLP(2, [1], seed=0), [[1.0, 2.0]], [0, 1])
    with pytest.raises(ValueError, match="every"):
        LivePlot([[0.0, 0.0]], [0], every=0)


def test_a_live_plot_updates_one_picture_in_a_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    code = (
        "import nn\n"
        "X, y = nn.datasets.make_moons(n=30, seed=0)\n"
        "model = nn.MLP(2, [6, 1], seed=0)\n"
        "live = nn.plot.LivePlot(X, y, every=3)\n"
        "nn.fit(model, X, [2 * t - 1 for t in y], loss=nn.hinge_loss, epochs=7, batch_size=10,\n"
        "       progress=False, callbacks=[live])\n"
        "print(live.epochs_drawn)"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 1  # one picture, updated in place: the last drawing stays
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "[3, 6, 7]" in printed  # every 3 epochs, and after the last


def test_importing_nn_does_not_import_matplotlib():
    code = "import sys, nn; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_callbacks_know_when_an_epoch_is_the_last_one():
    X, y = nn.datasets.make_linear(n=20, a=2.0, b=-1.0, noise=0.0, seed=0)
    model = nn.MLP(1, [1], seed=0)
    seen = []

    def watch(model, history):
        seen.append((len(history), history.stopped))

    history = nn.fit(
        model,
        X,
        y,
        optimizer=nn.SGD(model.parameters(), lr=0.3),
        epochs=500,
        batch_size=20,
        tol=1e-6,
        progress=False,
        callbacks=[watch],
    )
    assert history.stopped == "tol" and history.epochs == 500
    assert seen[-1] == (len(history), "tol")  # a live plot draws its last picture then
    assert all(stopped == "epochs" for _, stopped in seen[:-1])


def test_each_data_set_keeps_one_colour_in_both_panels():
    figure = plot_history(
        history_of([0.9, 0.5], [0.6, 0.8]),
        curves={"test loss": [1.0, 0.7], "test accuracy": [0.5, 0.75]},
    )
    loss, accuracy = figure.axes
    assert loss.lines[0].get_color() == accuracy.lines[0].get_color()  # training
    assert loss.lines[1].get_color() == accuracy.lines[1].get_color()  # test
    assert loss.lines[0].get_color() != loss.lines[1].get_color()


def test_a_confusion_matrix_writes_each_count_in_its_cell_and_colours_mistakes_apart():
    from matplotlib.colors import to_rgb

    from nn.plot import MISTAKE, RIGHT, plot_confusion_matrix

    matrix = [[5, 0, 1], [2, 7, 0], [0, 0, 4]]
    ax = plot_confusion_matrix(matrix, title="Test set")
    written = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert written == {((0, 0), "5"), ((2, 0), "1"), ((0, 1), "2"), ((1, 1), "7"), ((2, 2), "4")}
    pixels = ax.images[0].get_array()  # row t, column p: one RGB colour per cell
    assert tuple(pixels[1][1][:3]) == to_rgb(RIGHT)  # the diagonal: right answers
    assert tuple(pixels[1][0][:3]) == to_rgb(MISTAKE)  # 2 examples of class 1 read as 0
    assert tuple(pixels[0][1][:3]) == (1.0, 1.0, 1.0)  # no mistake of that kind: blank
    assert ax.get_title() == "Test set: 16 of 19 right (84.2%)"  # 5 + 7 + 4 of all 19
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]


def test_a_confusion_matrix_names_its_classes_and_refuses_what_is_not_one():
    from nn.plot import plot_confusion_matrix

    np = pytest.importorskip("numpy")
    ax = plot_confusion_matrix(np.array([[3, 1], [0, 2]]), labels=["cat", "dog"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_title() == "5 of 6 right (83.3%)"
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="counts"):
        plot_confusion_matrix([[1, 0.5], [0, 1]])
    with pytest.raises(ValueError, match="counts"):
        plot_confusion_matrix([[1, -1], [0, 1]])
    with pytest.raises(ValueError, match="labels names 3 classes"):
        plot_confusion_matrix([[1, 0], [0, 1]], labels=["a", "b", "c"])


def test_plotting_without_matplotlib_says_how_to_install_it(monkeypatch):
    from nn.plot import plot_confusion_matrix

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r'pip install "gradstep\[plot\]"'):
        plot_confusion_matrix([[1, 0], [0, 1]])
