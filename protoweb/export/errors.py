"""Why an export stopped: each error names what to fix, and nothing was written."""

from __future__ import annotations


class ExportError(Exception):
    """The export could not be made; DIR was left as it was."""


class UntraceableNameError(ExportError):
    """A name that a view (or a kept statement) uses is defined by no cell.

    :param name: the name that could not be traced.
    :param user: who uses it, e.g. ``"view 'index' (In [4])"``.
    """

    def __init__(self, name: str, user: str, hint: str = "") -> None:
        self.name = name
        self.user = user
        message = (
            f"name {name!r} is used by {user}, but no cell of the session defines it"
        )
        super().__init__(f"{message}; {hint}" if hint else message)


class DestinationNotEmptyError(ExportError):
    """The destination folder has files in it and ``force`` was not given."""


class VerificationError(ExportError):
    """The package was written to a temporary folder but did not prove itself.

    :param output: what the failing check printed (an import traceback, pytest's
        report), for the user to read.
    """

    def __init__(self, message: str, output: str = "") -> None:
        self.output = output
        super().__init__(f"{message}\n{output}".rstrip() if output else message)
