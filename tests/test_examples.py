"""The example notebooks run clean, top to bottom, and show their figures."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_runs_clean(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": EXAMPLES}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert not [out for out in outputs if out.get("name") == "stderr"], "a warning or progress bar"
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(figures) >= 3, "the notebook's figures did not render"


def test_notebooks_are_stored_without_outputs() -> None:
    """Outputs would go stale as the model changes: the test above makes them fresh."""
    for path in EXAMPLES.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert all(
            not cell.outputs and cell.execution_count is None
            for cell in notebook.cells
            if cell.cell_type == "code"
        ), path
