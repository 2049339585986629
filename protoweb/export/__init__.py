"""Export: from a prototyping session to a package that proves itself.

The engine is pure code and imports nothing from IPython: the notebook extension
(``%protoweb export``) and the ``protoweb export`` command each build a
:class:`SessionSource` (the cells as they ran, the ``%%route`` views' generated
source, the live app, the recorded requests) and call :func:`export_project`.
"""

from __future__ import annotations

from .errors import DestinationNotEmptyError as DestinationNotEmptyError
from .errors import ExportError as ExportError
from .errors import UntraceableNameError as UntraceableNameError
from .errors import VerificationError as VerificationError
from .project import ExportResult as ExportResult
from .project import export_project as export_project
from .session import Cell as Cell
from .session import SessionSource as SessionSource
from .session import ViewSource as ViewSource
