"""A live server in a process of its own, for tests that measure it from outside.

``python -m tests.serving.served_app '{"request_deadline": 2, "nofile": 64}'``
prints ``PORT <n>`` once serving and stops when its stdin closes. ``nofile`` lowers
the process's ``RLIMIT_NOFILE`` before the server starts; the other keys are
:class:`~protoweb.serving.limits.ServerLimits` fields.
"""

from __future__ import annotations

import json
import resource
import sys

from protoweb import App, LiveServer, request
from protoweb.serving.limits import ServerLimits


def main() -> None:
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    nofile = options.pop("nofile", None)
    if nofile is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))
    idle = options.pop("idle_timeout", 10.0)
    app = App("served", root_path="/nonexistent")

    @app.route("/")
    def index() -> str:
        return "Hello"

    @app.post("/echo")
    def echo() -> str:
        return request.get_data(as_text=True)

    server = LiveServer(
        app, request_timeout=idle, limits=ServerLimits(**options)
    ).start()
    print(f"PORT {server.port}", flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
