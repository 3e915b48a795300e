"""`autograd` is also HIPS autograd's import name: when another one is found, say so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, grad

ROOT = Path(__file__).resolve().parent.parent


def import_nn_beside(files: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`import nn` in a fresh interpreter whose path finds `files` first, as a notebook's
    folder comes first on the path."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return subprocess.run(
        [sys.executable, "-c", "import nn; print(nn.MLP)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        timeout=60,
    )


@pytest.mark.parametrize(
    "files, found",
    [
        ({"autograd.py": "class Value:\n    pass\n"}, "autograd.py"),  # a learner's own engine
        (  # HIPS autograd's layout, which imports numpy first
            {"autograd/__init__.py": "from autograd.differential_operators import grad\n",
             "autograd/differential_operators.py": "def grad(fun, argnum=0): ...\n"},
            "autograd/__init__.py",
        ),
    ],
    ids=["own-autograd.py", "hips-like-package"],
)
def test_nn_refuses_an_autograd_that_is_not_gradstep_and_says_what_to_do(files, found, tmp_path):
    result = import_nn_beside(files, tmp_path)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("ImportError: gradstep's nn needs gradstep's autograd")
    assert str(tmp_path / found) in message
    assert "rename it" in message and "virtual environment" in message


def test_an_autograd_that_fails_to_import_is_named_with_its_error(tmp_path):
    result = import_nn_beside({"autograd/__init__.py": "import numpy_not_installed\n"}, tmp_path)
    message = result.stderr.strip().splitlines()[-1]
    assert "gradstep's nn needs gradstep's autograd" in message
    assert "No module named 'numpy_not_installed'" in message


def test_a_folder_named_autograd_without_python_in_it_is_harmless(tmp_path):
    (tmp_path / "autograd").mkdir()  # e.g. a folder of notes: a namespace package, found last
    result = import_nn_beside({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "nn.module.MLP" in result.stdout


def test_hips_style_grad_of_a_function_says_which_autograd_this_is():
    with pytest.raises(TypeError, match=r"HIPS autograd's interface.*this is gradstep's"):
        grad(lambda x: x * x, [Value(1.0)])  # type: ignore[arg-type]
