"""The one rule for names that become file paths: templates and static files.

A name is a relative path inside its folder (``css/site.css``): ``..``, an
absolute path, a backslash or a NUL is refused, so no name can reach outside the
folder when it is served or written by an export.
"""

from __future__ import annotations

import posixpath


def check_relative_name(name: str, kind: str) -> str:
    """``name``, normalised, if it is a relative path inside its folder.

    :param kind: what the name is for, in the error message (``"template"``).
    :raises ValueError: the name could point outside its folder.
    """
    normal = posixpath.normpath(name) if isinstance(name, str) and name else ""
    if (
        not normal
        or "\\" in name
        or "\x00" in name
        or normal.startswith(("/", ".."))
        or normal != name.strip("/")
        or normal == "."
    ):
        raise ValueError(
            f"{kind} name {name!r} is not allowed: use a relative path inside the"
            f" {kind} folder, such as 'pages/index.html', without '..', a leading"
            " '/', a backslash or a NUL"
        )
    return normal
