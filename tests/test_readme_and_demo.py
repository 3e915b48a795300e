"""The README's examples run as written, and the demo runs end to end."""

from __future__ import annotations

import json
import re
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


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="needs Graphviz's dot")
def test_demo_draws_one_examples_gradient_graph(tmp_path, capsys):
    path = tmp_path / "graph.svg"
    assert main(["--epochs", "1", "--no-progress", "--save", "", "--graph", str(path)]) == 0
    assert "drew the gradient graph" in capsys.readouterr().out
    svg = path.read_text()
    assert "<svg" in svg and "neuron L1.N1 (tanh)" in svg  # one box per neuron: 337 weights
