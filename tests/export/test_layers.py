"""The exporter is a pure layer: importing it (or the CLI) loads no IPython and
runs nothing; its verifying scripts run only as scripts."""

from __future__ import annotations

from pathlib import Path

from .conftest import fresh_python


def test_importing_the_exporter_and_the_cli_loads_no_ipython(tmp_path: Path) -> None:
    completed = fresh_python(
        "import sys\n"
        "import protoweb.export, protoweb.cli\n"
        "import protoweb.export.calibrate, protoweb.export.run_tests\n"
        "loaded = sorted(n for n in sys.modules\n"
        "    if n.split('.')[0] in ('IPython', 'ipykernel', 'kernel_ext', 'pytest'))\n"
        "print(loaded)",
        tmp_path,
    )
    assert completed.stdout.strip() == "[]"
    assert completed.stderr == ""
