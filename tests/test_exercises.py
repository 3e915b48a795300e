"""Every notebook has exercises, and every exercise's check can say both right and not yet."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(HERE))
exercises = importlib.import_module("exercises")

MODULES = {
    info.name: importlib.import_module(f"exercises.{info.name}")
    for info in pkgutil.iter_modules(exercises.__path__)
}
ALL = [(name, ex) for name, module in MODULES.items() for ex in exercises.exercises_in(module)]
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))


@pytest.mark.parametrize(("module", "exercise"), ALL, ids=[f"{m}: {e.title}" for m, e in ALL])
def test_the_solution_passes_and_the_typical_mistake_does_not(module, exercise, capsys):
    assert exercise.check(exercise.solution) is True
    assert "✓" in capsys.readouterr().out
    assert exercise.check(exercise.wrong) is False
    said = capsys.readouterr().out
    assert "✗" in said and "not yet" in said and len(said) > 60  # it says why, not only no
    assert exercise.check(...) is False  # not answered: the solution is shown instead
    assert "no answer yet" in capsys.readouterr().out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_an_exercise_with_a_check(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    used = {m for src in code for m in re.findall(r"from exercises import (\w+)", src)}
    assert used, f"{path.name} imports no exercises"
    checks = [src for src in code if re.search(r"\.check\(", src)]
    assert checks, f"{path.name} checks no exercise"
    assert all(exercises.exercises_in(MODULES[m]) for m in used)
    outputs = [
        "".join(o.get("text", ""))
        for c in cells
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    ]
    assert any("✓" in text for text in outputs), f"{path.name}: no check ran in its outputs"
