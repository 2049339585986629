"""The first check of an export, run in a fresh interpreter (``python -c``).

It imports the exported package the way a server would, checks that neither
IPython nor (for a Flask export) protoweb came along, and replays the recorded
requests twice, each time on a freshly imported app, so the parent can tell a
faithful answer from one that depends on time or randomness. It imports nothing
from protoweb itself: the package must stand on its own.

Arguments: the package name and the framework it must not import (or ``-``).
Standard input: a JSON list of ``{"path": ..., "options": {...}}`` requests.
Standard output, last line: the marker and a JSON report.
"""

import base64
import importlib
import json
import sys

MARKER = "@@protoweb-export@@"


def fresh_app(package):
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    module = importlib.import_module(package + ".app")
    wsgi = importlib.import_module(package + ".wsgi")
    importlib.import_module(package + ".__main__")
    if wsgi.app is not module.app or not callable(module.app):
        raise RuntimeError(package + ".wsgi:app is not the app of " + package + ".app")
    module.app.config["TESTING"] = True
    return module.app


def replay(app, requests):
    client = app.test_client()
    answers = []
    for request in requests:
        options = dict(request["options"])
        if "data_b64" in options:
            options["data"] = base64.b64decode(options.pop("data_b64"))
        if "headers" in options:
            options["headers"] = [tuple(pair) for pair in options["headers"]]
        try:
            response = client.open(request["path"], **options)
            answers.append(
                {
                    "status": response.status_code,
                    "content_type": response.content_type,
                    "body_b64": base64.b64encode(response.get_data()).decode(),
                }
            )
            response.close()
        except Exception as error:  # the view raised: reported, not fatal
            answers.append({"error": f"{type(error).__name__}: {error}"})
    return answers


def main():
    package, forbidden = sys.argv[1], sys.argv[2]
    requests = json.loads(sys.stdin.read())
    passes = [replay(fresh_app(package), requests) for _ in range(2)]
    loaded = [
        name for name in ("IPython", "ipykernel", forbidden) if name in sys.modules
    ]
    print(MARKER + json.dumps({"passes": passes, "loaded": loaded}))


if __name__ == "__main__":
    main()
