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
    "flags, lr", [([], "0.1"), (["--optimizer", "adam"], "0.01"), (["--lr", "0.5"], "0.5")]
)
def test_the_learning_rate_is_the_one_given_or_the_optimizers_default(flags, lr, capsys):
    assert main([*flags, "--epochs", "1", "--no-progress", "--save", ""]) == 0
    assert f"(lr={lr})" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flags, loss",
    [
        ([], nn.hinge_loss),
        (["--dataset", "spiral", "--optimizer", "adam"], nn.cross_entropy),
        (["--dataset", "linear"], nn.mse_loss),
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
    X, y = getattr(nn.datasets, f"make_{dataset}")(n=int(match[1]), noise=0.1, seed=0)
    if loss is nn.hinge_loss:
        y = [2 * t - 1 for t in y]
    model = nn.load(path, nn.MLP)
    preds = [model(x) for x in X]
    assert float(match[2]) == pytest.approx(loss(preds, y).data, abs=1e-6)
    accuracy = nn.accuracy(loss, preds, y)
    if accuracy is None:
        assert "accuracy" not in out.split("final model")[1].splitlines()[0]
    else:
        assert f"accuracy {accuracy:.1%}" in out
