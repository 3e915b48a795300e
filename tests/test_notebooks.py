"""The notebooks: committed with their outputs, and they run top to bottom."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_the_course_has_its_seven_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_has_outputs_and_no_errors(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for i, cell in enumerate(code):
        # an exercise's answer cell (a `...` for the learner to replace) prints nothing
        assert cell.outputs or "..." in cell.source, (
            f"code cell {i} of {path.name} was committed without its output"
        )
        assert cell.execution_count is not None
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name} cell {i}: {out.get('ename')}"
    pictures = sum(
        1
        for cell in code
        for out in cell.outputs
        if out.get("data", {}).keys() & {"image/png", "image/svg+xml"}
    )
    assert pictures >= 2, f"{path.name} should show its ideas, not only tell them"


@pytest.mark.skipif(shutil.which("dot") is None, reason="the notebooks draw with Graphviz's dot")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    # in the notebook's own folder, as Jupyter runs it: its exercises are imported from there
    # the timeout only stops a hung cell: how long a notebook takes is measured in the
    # README, not asserted here, where a busy machine would make it flaky
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on any error
