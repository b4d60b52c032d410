"""The analyst walkthrough notebook runs top to bottom (real encoder), so it never rots."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.encoder
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "retrain_walkthrough.ipynb"


def test_walkthrough_notebook_runs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "trained macro-F1" in printed and "rows classified." in printed
