"""The example notebook runs from top to bottom (so it never rots)."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_batch_notebook_executes():
    notebook = nbformat.read(EXAMPLES / "batch.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    table_html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "scam-compounds-en.txt" in table_html
