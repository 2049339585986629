"""Export: from a prototype to a package that proves itself.

The engine is pure code: it imports nothing from IPython and nothing runs at
import. Its caller (``kernel_ext``, for ``%protoweb export`` and ``protoweb
export NOTEBOOK.ipynb``) builds a :class:`Prototype` (the cells as plain Python,
the views whose source is in no cell, the live app, the recorded requests) and
calls :func:`export_project`.
"""

from __future__ import annotations

from .errors import DestinationNotEmptyError as DestinationNotEmptyError
from .errors import ExportError as ExportError
from .errors import UntraceableNameError as UntraceableNameError
from .errors import VerificationError as VerificationError
from .project import ExportResult as ExportResult
from .project import export_project as export_project
from .prototype import Cell as Cell
from .prototype import Prototype as Prototype
from .prototype import ViewSource as ViewSource
