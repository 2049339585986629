"""Each definition is named by the ``In [N]`` the front end showed for its cell.

The front end shows the ``execution_count`` of the cell's execute_reply; the
route table, the assets, the hooks' tracebacks and the error log must all say
the same number, on every IPython the ``jupyter`` extra allows.
"""

from __future__ import annotations

import re
import time

from .conftest import Kernel, http, server_url

HISTORY = "__import__('kernel_ext').current_workbench().history"


def prompt(result) -> int:
    return int(result.reply["content"]["execution_count"])


def routes_row(kernel: Kernel, rule: str) -> str:
    table = kernel.run("%protoweb routes").stdout
    return next(line for line in table.splitlines() if f" {rule} " in line)


def test_routes_are_named_by_their_cells_prompt(kernel: Kernel) -> None:
    magic = kernel.run("%%route /numbered\n'numbered'", cell_id="numbered")
    assert routes_row(kernel, "/numbered").endswith(f"In [{prompt(magic)}]")
    decorated = kernel.run(
        "@app.route('/decorated')\ndef decorated():\n    return 'decorated'",
        cell_id="decorated",
    )
    assert routes_row(kernel, "/decorated").endswith(f"In [{prompt(decorated)}]")
    again = kernel.run("%%route /numbered\n'numbered again'", cell_id="numbered")
    assert routes_row(kernel, "/numbered").endswith(f"In [{prompt(again)}]")
    cells = kernel.eval(f"{{c.cell_id: c.execution_count for c in {HISTORY}.cells}}")
    assert cells["numbered"] == prompt(again)
    assert cells["decorated"] == prompt(decorated)


def test_templates_and_static_files_are_named_by_their_cells_prompt(
    kernel: Kernel,
) -> None:
    template = kernel.run("%%template numbered.html\n<p>{{ 1 }}</p>", cell_id="tpl")
    static = kernel.run("%%static numbered.css\np { color: red }", cell_id="css")
    cells = kernel.eval(f"{{c.cell_id: c.execution_count for c in {HISTORY}.cells}}")
    assert [cells["tpl"], cells["css"]] == [prompt(template), prompt(static)]


def test_the_error_log_names_the_cell_of_a_view_and_of_a_hook(kernel: Kernel) -> None:
    url = server_url(kernel)
    view = kernel.run("%%route /fails\nvalue = 0\n1 / value", cell_id="fails")
    assert http(f"{url}/fails").status == 500
    hook = kernel.run(
        "@app.before_request\n"
        "def refuse():\n"
        "    if request.args.get('refuse'):\n"
        "        raise RuntimeError('refused by the hook')",
        cell_id="hook",
    )
    assert http(f"{url}/numbered?refuse=1").status == 500
    deadline = time.monotonic() + 10
    log = ""
    while "refused by the hook" not in log and time.monotonic() < deadline:
        log = kernel.run("%protoweb log 5").stdout
    n = prompt(view)
    assert f"view 'fails' defined in In [{n}] raised" in log
    assert f'File "<cell In[{n}] %%route>", line 3, in fails' in log
    assert re.search(rf"Cell In\[{prompt(hook)}\], line 4, in refuse", log), log
