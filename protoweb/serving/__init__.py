"""The live server: Werkzeug's threaded server in a background thread.

:class:`LiveServer` owns it (start, stop, restart, url); :mod:`.http_server` and
:mod:`.keepalive` extend Werkzeug's server and request handler where a live server
needs it.
"""

from __future__ import annotations

from .live_server import LiveServer as LiveServer
from .live_server import PortInUseError as PortInUseError
