"""User code type-checks: the README's examples pass `mypy --strict` as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme_and_demo import python_blocks

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="the type-checking tests need mypy (the test extra has it)")


def mypy_strict(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `mypy --strict` on `files` as a user's own modules, outside this project."""
    for name, code in files.items():
        (tmp_path / name).write_text(code)
    (tmp_path / "empty.ini").write_text("[mypy]\n")  # none of this project's settings
    return subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--config-file", "empty.ini",
            "--cache-dir", str(tmp_path / ".mypy_cache"), *files,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(ROOT)},  # autograd and nn, wherever installed
        timeout=300,
    )


def test_the_readme_examples_pass_mypy_strict(tmp_path):
    blocks = {f"readme_block_{i}.py": code for i, code in enumerate(python_blocks())}
    # Type errors that must be found, so that a pass above means something.
    blocks["user_mistakes.py"] = (
        "import nn\n"
        "model = nn.load('model.json')\n"
        "print(model.layers)  # a Module, not necessarily an MLP\n"
        "logits = nn.MLP(2, [3]).layers[0]([1.0, 2.0])\n"
        "print(nn.cross_entropy(logits, [1]))  # one example, one class index\n"
        "print(nn.load('model.json', nn.MLP).layers[0].neurons[0].w[0].data.upper())\n"
    )
    result = mypy_strict(tmp_path, blocks)
    found = result.stdout.splitlines()
    assert [line for line in found if "readme_block" in line] == []
    mistakes = [line.split(":")[1] for line in found if line.startswith("user_mistakes.py")]
    assert mistakes == ["3", "5", "6"], result.stdout


def test_typed_models_and_losses_let_user_code_type_check(tmp_path):
    code = (
        "import nn\n"
        "from autograd import Value\n"
        "X, y = nn.datasets.make_spiral(n=9, seed=0)\n"
        "model = nn.MLP(2, [4, 3], seed=0)\n"
        "one: Value = nn.cross_entropy(model(X[0]), y[0])\n"
        "batch: Value = nn.cross_entropy([model(x) for x in X], y)\n"
        "score: float = nn.MLP(2, [1])(X[0]).data\n"
        "model.save('m.json')\n"
        "first: list[Value] = nn.load('m.json', nn.MLP).layers[0].parameters()\n"
    )
    result = mypy_strict(tmp_path, {"user.py": code})
    assert result.returncode == 0, result.stdout
