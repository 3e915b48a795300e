"""./run: a virtual environment made by a Python older than 3.10 is noticed, not kept."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def fake_venv(tmp_path: Path, extra: str, programs: dict[str, str]) -> Path:
    """A venv that ./run takes as set up for `extra`: its python is this interpreter
    (3.10 or newer, with gradstep installed), plus the given stand-in programs."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    programs = {"python": f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', **programs}
    for name, script in programs.items():
        (venv / "bin" / name).write_text(script)
        (venv / "bin" / name).chmod(0o755)
    (venv / f".installed-{extra}").touch()  # newer than pyproject.toml: no pip install
    return venv


def test_the_demo_writes_where_the_command_was_typed_and_says_how_it_was_typed(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    venv = fake_venv(tmp_path, "viz,progress", {})
    env = {**os.environ, "GRADSTEP_VENV": str(venv)}
    flags = ["--epochs", "1", "--no-progress", "--save", "m.json"]
    result = subprocess.run(
        ["bash", str(ROOT / "run"), "demo", *flags],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (work / "m.json").is_file() and not (ROOT / "m.json").exists()
    assert "saved the trained model to m.json" in result.stdout
    typed = os.path.relpath(ROOT / "run", work)  # e.g. ../gradstep/run
    bad = subprocess.run(
        ["bash", typed, "demo", "--epochs", "0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith(f"{typed} demo: error:")


def test_the_demo_runs_gradstep_not_a_module_of_the_users_folder(tmp_path):
    (tmp_path / "nn").mkdir()  # a folder of the user's that happens to be called nn
    (tmp_path / "nn" / "__init__.py").write_text("raise SystemExit('the wrong nn')\n")
    env = {**os.environ, "GRADSTEP_VENV": str(fake_venv(tmp_path, "viz,progress", {}))}
    result = subprocess.run(
        ["bash", str(ROOT / "run"), "demo", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0 and "the wrong nn" not in result.stderr
    assert "usage:" in result.stdout


def notebooks_command(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    """./run notebooks, with a stand-in jupyter that prints the flags it was given."""
    venv = fake_venv(tmp_path, "notebooks", {"jupyter": '#!/bin/sh\necho "jupyter $*"\n'})
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(GRADSTEP_VENV=str(venv), **env_vars)
    return subprocess.run(
        ["bash", str(ROOT / "run"), "notebooks"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="how Linux tells it has no display")
def test_notebooks_without_a_display_print_the_url_instead_of_opening_a_browser(tmp_path):
    if Path("/proc/version").exists() and "microsoft" in Path("/proc/version").read_text().lower():
        pytest.skip("WSL opens Windows' browser")
    result = notebooks_command(tmp_path)
    assert "--no-browser" in result.stdout.split()
    assert "open one of the URLs JupyterLab prints below" in result.stderr
    with_display = notebooks_command(tmp_path / "x", DISPLAY=":0")
    assert "--no-browser" not in with_display.stdout.split() and with_display.stderr == ""


def test_notebooks_as_root_are_allowed_and_otherwise_not_asked_for(tmp_path):
    result = notebooks_command(tmp_path)
    assert result.stdout.startswith("jupyter lab notebooks/")
    assert ("--allow-root" in result.stdout.split()) == (os.geteuid() == 0)


CI = ROOT / ".ci"
needs_ci = pytest.mark.skipif(not (CI / "pythons").exists(), reason="the repository's CI scripts")


def claimed_versions() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text()
    return re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)


def fake_interpreter(path: Path, version: str) -> Path:
    """Answers .ci/pythons' question (python -c CODE VERSION) as a Python `version` would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\n[ "$3" = "{version}" ] || exit 1\necho "{path}"\n')
    path.chmod(0o755)
    return path


@needs_ci
def test_ci_finds_a_python_for_every_version_the_package_claims(tmp_path):
    versions = claimed_versions()
    assert versions[0] == "3.10" and len(versions) >= 4
    named = {
        f"PYTHON{v.replace('.', '_')}": str(fake_interpreter(tmp_path / v, v)) for v in versions
    }
    result = subprocess.run(
        [str(CI / "pythons")],
        capture_output=True,
        text=True,
        env={**os.environ, **named},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{v} {tmp_path / v}" for v in versions]


@needs_ci
def test_ci_fails_loudly_for_a_python_it_cannot_find(tmp_path):
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "PYENV_ROOT": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [str(CI / "pythons"), "3.10", "3.99"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert "no working Python 3.99" in result.stderr and "pyenv install 3.99" in result.stderr
    named = {**env, "PYTHON3_99": str(tmp_path / "missing")}  # named, but not there
    result = subprocess.run(
        [str(CI / "pythons"), "3.99"], capture_output=True, text=True, env=named, timeout=60
    )
    assert result.returncode == 1 and "is not a working Python 3.99" in result.stderr
