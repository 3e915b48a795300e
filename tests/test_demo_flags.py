"""The demo checks every flag before it trains: one line of error, exit 2, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from nn.demo import main

ROOT = Path(__file__).resolve().parent.parent


def run_demo(*flags, env=None, code=""):
    """`python -m nn.demo FLAGS` in a fresh interpreter (after `code`, if any)."""
    runner = (
        f"{code}\nimport runpy, sys\nsys.argv = ['nn.demo', *sys.argv[1:]]\n"
        "runpy.run_module('nn.demo', run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-c", runner, *flags, "--no-progress", "--save", ""],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


BAD_FLAGS = [
    (["--epochs", "-5"], "--epochs"),
    (["--epochs", "0"], "--epochs"),
    (["--epochs", "2.5"], "--epochs"),
    (["--hidden", "0"], "--hidden"),
    (["--hidden", "16,-1"], "--hidden"),
    (["--hidden", "16,,16"], "--hidden"),
    (["--hidden", "a,b"], "--hidden"),
    (["--batch-size", "0"], "--batch-size"),
    (["--n", "0"], "--n"),
    (["--n", "1"], "--n"),  # moons has two classes
    (["--n", "2", "--dataset", "spiral"], "--n"),  # three classes: cross-entropy needs them
    (["--noise", "-1"], "--noise"),
    (["--noise", "nan"], "--noise"),
    (["--momentum", "1.5"], "--momentum"),
    (["--momentum", "-0.1"], "--momentum"),
    (["--optimizer", "adam", "--momentum", "0.5"], "--momentum"),
    (["--lr", "-1"], "--lr"),
    (["--lr", "0"], "--lr"),  # not silently 0.1
    (["--lr", "inf"], "--lr"),
    (["--seed", "x"], "--seed"),
    (["--dataset", "linear", "--loss", "hinge"], "--loss"),
    (["--dataset", "spiral", "--loss", "bce"], "--loss"),
    (["--save", "no/such/dir/m.json"], "--save"),
    (["--save", "."], "--save"),
    (["--graph", "loss"], "--graph"),  # no extension: no format
    (["--graph", "no/such/dir/loss.svg"], "--graph"),
    (["--test-size", "0.3"], "--test-size"),  # moons trains and judges on all its points
]


@pytest.mark.parametrize("flags, named", BAD_FLAGS, ids=[" ".join(f) for f, _ in BAD_FLAGS])
def test_a_bad_flag_is_one_line_of_error_and_exit_2(flags, named):
    result = run_demo(*flags)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("python -m nn.demo: error:") and named in lines[0]
    assert result.stdout == ""  # said before any training


def test_too_few_points_to_draw_every_class_is_a_usage_error():
    # xor's labels are random: two points can both fall in one class (seed 3 does)
    result = run_demo("--dataset", "xor", "--n", "2", "--seed", "3")
    assert result.returncode == 2
    assert "only 1 of the xor data set's 2 classes" in result.stderr


def test_graph_without_dot_says_so_before_training(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH without Graphviz's dot
    result = run_demo("--graph", str(tmp_path / "loss.svg"), env=env)
    assert result.returncode == 2
    assert "Graphviz's dot" in result.stderr and "apt-get install graphviz" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_graph_without_the_graphviz_package_says_what_to_install(tmp_path):
    result = run_demo(
        "--graph", str(tmp_path / "loss.svg"), code="import sys; sys.modules['graphviz'] = None"
    )
    assert result.returncode == 2
    assert 'pip install "gradstep[viz]"' in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "flags, optimizer",
    [
        ([], "SGD(lr=0.1, momentum=0.9)"),
        (["--momentum", "0.5"], "SGD(lr=0.1, momentum=0.5)"),
        (["--optimizer", "adam"], "Adam(lr=0.01)"),
        (["--lr", "0.5"], "SGD(lr=0.5, momentum=0.9)"),
    ],
)
def test_the_header_names_the_optimizer_as_it_was_made(flags, optimizer, capsys):
    assert main([*flags, "--epochs", "1", "--no-progress", "--save", ""]) == 0
    assert f"; {optimizer}; batch size" in capsys.readouterr().out.splitlines()[0]


@pytest.mark.parametrize(
    "flags, loss",
    [
        ([], nn.hinge_loss),
        (["--dataset", "spiral", "--optimizer", "adam"], nn.cross_entropy),
        (["--dataset", "linear"], nn.mse_loss),
        (["--loss", "mse"], nn.mse_loss),
        (["--dataset", "xor", "--loss", "mse"], nn.mse_loss),
        (["--dataset", "circles", "--loss", "bce"], nn.binary_cross_entropy),
    ],
)
def test_the_last_line_is_the_final_models_loss_over_all_data_and_its_accuracy(
    flags, loss, tmp_path, capsys
):
    path = tmp_path / "m.json"
    assert main([*flags, "--epochs", "5", "--no-progress", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    match = re.search(r"final model on all (\d+) training points: \w+ loss ([\d.]+)", out)
    assert match, out
    # recompute from the saved model, independently of the demo's own arithmetic
    dataset = flags[flags.index("--dataset") + 1] if "--dataset" in flags else "moons"
    X, labels = getattr(nn.datasets, f"make_{dataset}")(n=int(match[1]), noise=0.1, seed=0)
    y = labels
    if loss in (nn.hinge_loss, nn.mse_loss) and dataset != "linear":
        y = [2 * t - 1 for t in labels]  # the sign of the output is the class
    model = nn.load(path, nn.MLP)
    preds = [model(x) for x in X]
    assert float(match[2]) == pytest.approx(loss(preds, y).data, abs=1e-6)
    last = out.split("final model")[1].splitlines()[0]
    if dataset == "linear":
        assert "accuracy" not in last
        return
    # the class each output stands for, worked out here from the outputs themselves
    if loss is nn.cross_entropy:
        guesses = [max(range(len(p)), key=lambda i, p=p: p[i].data) for p in preds]
    else:
        threshold = 0.5 if loss is nn.binary_cross_entropy else 0.0
        guesses = [int(p.data > threshold) for p in preds]
    right = sum(g == t for g, t in zip(guesses, labels))
    assert last.endswith(f"accuracy {right / len(X):.1%}")


def test_the_text_plot_says_which_mark_and_region_is_which_class(capsys):
    assert main(["--epochs", "20", "--no-progress", "--save", ""]) == 0
    out = capsys.readouterr().out
    legend = "class 0: points 'o', region blank; class 1: points 'x', region '.'"
    assert legend in out
    # the legend is the plot's: a mark of each class, on a region of each class
    plot = out.split(legend)[1]
    assert "o" in plot and "x" in plot and "." in plot


@pytest.mark.skipif(os.name != "posix", reason="a stand-in dot written as a shell script")
def test_a_dot_that_fails_is_one_line_after_training_not_a_traceback(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").write_text(
        "#!/bin/sh\ncat >/dev/null\necho 'Warning: something odd' >&2\n"
        "echo 'Error: <stdin>: syntax error in line 1' >&2\nexit 1\n"
    )
    (bin_dir / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = run_demo("--epochs", "1", "--graph", str(tmp_path / "g.svg"), env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "could not draw the graph: Graphviz's dot failed (exit status 1): "
        "Error: <stdin>: syntax error in line 1"
    ]
    assert "final model on all" in result.stdout  # the training was done and reported
