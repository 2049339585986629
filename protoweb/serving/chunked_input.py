"""A chunked request body reader that accepts only well-formed chunk sizes."""

from __future__ import annotations

import re

from werkzeug.serving import DechunkedInput

_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}(?:;[^\r\n]*)?\r?\n")


class StrictDechunkedInput(DechunkedInput):
    """Werkzeug's chunked-body reader, refusing chunk sizes that are not plain hex
    (``int(x, 16)`` would take ``0x10``, ``1_0`` or `` 10 ``)."""

    def read_chunk_len(self) -> int:
        line = self._rfile.readline(1024)
        if _CHUNK_SIZE.fullmatch(line) is None:
            raise OSError("Invalid chunk header")
        return int(line.split(b";", 1)[0], 16)
