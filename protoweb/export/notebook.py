"""Reading a saved notebook's code cells (nbformat 4 JSON), without Jupyter.

``protoweb export NOTEBOOK.ipynb DIR`` runs these cells in a fresh shell and
exports that session: what the notebook does when run from the top, not the
outputs it happens to have saved.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ExportError
from .session import Cell


def read_notebook(path: str | Path) -> list[Cell]:
    """The notebook's code cells, in order, with their ids.

    :raises ExportError: the file is missing or is not a notebook.
    """
    notebook = Path(path)
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{notebook}: no such notebook") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportError(f"{notebook} is not a readable notebook: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ExportError(f"{notebook} is not a Jupyter notebook (no 'cells' list)")
    if data.get("nbformat", 4) < 4:
        raise ExportError(
            f"{notebook} is in notebook format {data.get('nbformat')}; save it in"
            " format 4 (any current Jupyter does) and export again"
        )
    cells = []
    for cell in data["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        cells.append(Cell(text, cell_id=cell.get("id")))
    return cells
