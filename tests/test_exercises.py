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
    assert exercise.check(...) is False  # not answered: it says so, and how to see an answer
    said = capsys.readouterr().out
    assert "no answer yet" in said and f"ex.{exercise.name}.show_answer()" in said
    assert exercise.show(exercise.solution) not in said  # shown only when asked
    exercise.show_answer()
    said = capsys.readouterr().out
    answer = exercise.show(exercise.solution).splitlines()
    assert all(line.strip() in said for line in answer) and "✓ It passes the check." in said


@pytest.mark.parametrize(("module", "exercise"), ALL, ids=[f"{m}: {e.title}" for m, e in ALL])
def test_an_exercise_shown_in_a_cell_says_how_to_answer_and_gives_nothing_away(module, exercise):
    shown = repr(exercise)
    assert shown == str(exercise) and shown.startswith(f"<exercise {exercise.name}: ")
    assert f"ex.{exercise.name}.check(" in shown and f"ex.{exercise.name}.show_answer()" in shown
    assert exercise.why not in shown and repr(exercise.wrong) not in shown
    solution = exercise.show(exercise.solution)
    assert solution not in shown and solution.splitlines()[-1].strip() not in shown
    assert "<function" not in shown and "solution" not in shown


def test_the_readme_says_what_ex_is_where_it_names_an_exercise_call():
    readme = " ".join((HERE.parent / "README.md").read_text(encoding="utf-8").split())
    assert "ex.power_rule.show_answer()" in readme
    assert "`from exercises import derivatives as ex`" in readme
    assert re.search(r"`ex` is the notebook's exercises, imported at its top", readme)


def outputs_of(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for c in cells
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_an_exercise_with_a_check(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    used = {m for src in code for m in re.findall(r"from exercises import (\w+)", src)}
    assert used, f"{path.name} imports no exercises"
    checks = [src for src in code if re.search(r"\.check\(", src)]
    assert checks, f"{path.name} checks no exercise"
    assert all(exercises.exercises_in(MODULES[m]) for m in used)
    # the checks tell a learner to call ex.<name>.show_answer(): the notebook must say `ex`
    assert all(f"from exercises import {m} as ex" in "".join(code) for m in used)
    outputs = outputs_of(path)
    assert any("no answer yet" in text for text in outputs), f"{path.name}: no check ran"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_committed_notebook_shows_no_answer_until_asked(path):
    solutions = [
        exercise.show(exercise.solution)
        for module in MODULES.values()
        for exercise in exercises.exercises_in(module)
        if callable(exercise.solution)
    ]
    for text in outputs_of(path):
        assert ": one answer" not in text, f"{path.name} shows an answer: {text[:200]}"
        for solution in solutions:
            body = solution.splitlines()[-1].strip()  # the line that holds the answer
            assert body not in text, f"{path.name} shows the answer {body!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_calls_its_exercises_by_one_name(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    exercise_headings = [
        line
        for c in cells
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("#") and re.search(r"exercise|your turn|try it", line, re.I)
    ]
    assert exercise_headings, f"{path.name} has no exercise heading"
    assert all(h.startswith("### Exercise: ") for h in exercise_headings), exercise_headings
