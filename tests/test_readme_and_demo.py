"""The README's examples run as written, and the demo runs end to end."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import nn
from nn.demo import main

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    return [b for b in blocks if not b.lstrip().startswith('"')]  # skip table excerpts


def test_readme_has_runnable_examples():
    assert len(python_blocks()) >= 2


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_example_runs_and_prints_what_its_comments_say(index, capsys):
    code = python_blocks()[index]
    exec(compile(code, f"README block {index}", "exec"), {})
    printed = capsys.readouterr().out
    for promised in re.findall(r"# (\w[^=\n]* = -?[\d.]+)$", code, flags=re.M):
        assert promised in printed


def test_readme_training_example_reaches_full_accuracy(capsys):
    code = next(b for b in python_blocks() if "nn.MLP" in b)
    exec(compile(code, "README training", "exec"), {})
    assert "training accuracy 100%" in capsys.readouterr().out


def test_demo_trains_prints_accuracy_and_saves_a_loadable_model(tmp_path, capsys):
    path = tmp_path / "model.json"
    assert main(["--epochs", "100", "--no-progress", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "accuracy 100.0%" in out
    assert "decision regions" in out and "|" in out
    model = nn.load(path)
    assert json.loads(path.read_text())["model"] == "MLP"
    assert len(model.parameters()) == 337


@pytest.mark.parametrize(
    "flags",
    [
        ["--dataset", "spiral", "--optimizer", "adam", "--epochs", "5"],
        ["--dataset", "linear", "--epochs", "5"],
        ["--dataset", "circles", "--loss", "bce", "--activation", "relu", "--epochs", "3"],
        ["--dataset", "xor", "--loss", "mse", "--hidden", "4", "--epochs", "3"],
    ],
)
def test_demo_runs_with_other_datasets_and_losses(flags, tmp_path, capsys):
    assert main([*flags, "--no-progress", "--save", str(tmp_path / "m.json")]) == 0
    assert "final model on all" in capsys.readouterr().out


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def smallest_text_px(svg: str) -> float:
    """The height in CSS pixels of the smallest text, at the size the SVG says it is."""
    width_pt = float(re.search(r'<svg width="([\d.]+)pt"', svg)[1])
    viewbox_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg)[1])
    scale = float(re.search(r'transform="scale\(([\d.]+)', svg)[1])
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    return smallest * scale * width_pt / viewbox_width * 96 / 72  # 96 px an inch, 72 pt


@needs_dot
def test_demo_draws_the_example_with_the_largest_loss_and_says_why_its_grads_are_so(
    tmp_path, capsys
):
    graph, model_file = tmp_path / "graph.svg", tmp_path / "m.json"
    flags = ["--epochs", "1", "--no-progress", "--save", str(model_file), "--graph", str(graph)]
    assert main(flags) == 0
    out = capsys.readouterr().out
    drew = re.search(
        r"drew the gradient graph of example (\d+)'s loss .*largest hinge loss, ([\d.]+)", out
    )
    assert drew, out
    # every example's hinge loss, from the saved model, by the formula max(0, 1 - y f(x))
    X, labels = nn.datasets.make_moons(n=100, noise=0.1, seed=0)
    model = nn.load(model_file, nn.MLP)
    losses = [max(0.0, 1 - (2 * t - 1) * model(x).data) for x, t in zip(X, labels)]
    assert int(drew[1]) == losses.index(max(losses)) and max(losses) > 0
    assert float(drew[2]) == pytest.approx(max(losses), abs=1e-4)
    # a hinge loss above 0 has d loss/d output = -y: the line says so, with y's sign
    target = 2 * labels[int(drew[1])] - 1
    assert f"misses the margin, so d loss/d output = -target = {-target:+d}" in out
    svg = graph.read_text()
    assert "<svg" in svg and "neuron L1.N1 (tanh)" in svg  # one box per neuron: 337 weights
    assert smallest_text_px(svg) >= 10, "the drawing's text is too small to read"


@needs_dot
def test_demo_whose_every_hinge_loss_is_0_draws_what_moves_the_output(tmp_path, capsys):
    graph = tmp_path / "graph.svg"
    assert main(["--no-progress", "--save", "", "--graph", str(graph)]) == 0  # 100 epochs
    out = capsys.readouterr().out
    assert "hinge loss 0.000000, accuracy 100.0%" in out  # every example meets the margin
    assert "'s output to" in out and "every hinge loss and its grads are 0" in out
    titles = " ".join(re.findall(r'xlink:title="([^"]*)"', graph.read_text()))
    grads = [
        float(g.replace("\N{MINUS SIGN}", "-"))
        for g in re.findall(r"grad (?:[bw]\d* )?(\N{MINUS SIGN}?[\d.]+)", titles)
    ]
    assert grads and any(g != 0 for g in grads), "a drawing of zeros teaches nothing"
