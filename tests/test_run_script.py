"""./run: a virtual environment made by a Python older than 3.10 is noticed, not kept."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="./run is a bash script")


def fake_python(path: Path, version: str) -> Path:
    """A stand-in interpreter that reports `version` the way ./run asks for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    major, minor = (int(n) for n in version.split(".")[:2])
    path.write_text(f"#!/bin/sh\necho {version}\nexit {int((major, minor) < (3, 10))}\n")
    path.chmod(0o755)
    return path


def run(tmp_path: Path, venv: Path, python: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRADSTEP_VENV": str(venv), "PYTHON": str(python)}
    return subprocess.run(
        ["bash", str(ROOT / "run"), "lint"], capture_output=True, text=True, env=env, timeout=60
    )


def test_a_venv_made_by_python_3_9_is_noticed_and_a_too_old_python_is_refused(tmp_path):
    venv = tmp_path / "venv"
    fake_python(venv / "bin" / "python", "3.9.18")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.9.18\n")
    result = run(tmp_path, venv, fake_python(tmp_path / "python3.9", "3.9.18"))
    assert result.returncode == 1
    assert f"{venv} was made by Python 3.9.18, and gradstep needs 3.10 or newer" in result.stderr
    assert "PYTHON=python3.12 ./run lint" in result.stderr  # what to do
    assert venv.exists()  # nothing is deleted before a good Python is at hand


def test_a_venv_whose_python_no_longer_runs_is_noticed(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(tmp_path / "gone")
    (venv / "pyvenv.cfg").write_text("home = /opt/python3.12/bin\n")
    result = run(tmp_path, venv, tmp_path / "no-python-here")
    assert "was made by a Python that no longer runs (home = /opt/python3.12/bin)" in result.stderr
    assert "no-python-here is not found or not working" in result.stderr


def test_a_folder_that_is_not_a_venv_is_never_deleted(tmp_path):
    folder = tmp_path / "mine"
    (folder / "notes.txt").parent.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = run(tmp_path, folder, fake_python(tmp_path / "python3.12", "3.12.1"))
    assert result.returncode == 1
    assert "is not a virtual environment" in result.stderr
    assert (folder / "notes.txt").read_text() == "keep me"
