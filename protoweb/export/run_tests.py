"""The second check of an export: its generated tests, run in a fresh interpreter.

Run by the exporter as ``python -c``, beside the project's folder. It runs pytest on
``tests/`` without plugins or cache, then reports the outcome and whether IPython
(or, for a Flask export, protoweb) was imported along the way.

Arguments: the tests folder, and the framework the project must not import
(or ``-``).
Standard output, last line: the marker and a JSON report.
"""

import json
import sys

MARKER = "@@protoweb-export@@"


class Outcomes:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1
        elif report.failed:
            self.failed += 1


def main():
    import pytest

    tests, forbidden = sys.argv[1], sys.argv[2]
    outcomes = Outcomes()
    status = pytest.main(
        ["-q", "-p", "no:cacheprovider", "--color=no", tests], plugins=[outcomes]
    )
    loaded = [
        name for name in ("IPython", "ipykernel", forbidden) if name in sys.modules
    ]
    report = {
        "status": int(status),
        "passed": outcomes.passed,
        "failed": outcomes.failed,
        "loaded": loaded,
    }
    print(MARKER + json.dumps(report))


if __name__ == "__main__":
    main()
