"""The magics in a real kernel, checked over real HTTP from outside it.

One kernel serves the whole module (each test uses routes of its own); cells are
sent with a cell id, as JupyterLab sends them.
"""

from __future__ import annotations

import ast
import json
import re
import time

import pytest

from .conftest import Kernel, http, server_url


@pytest.fixture(scope="module")
def url(kernel: Kernel) -> str:
    return server_url(kernel)


def test_route_cell_is_live_at_once(kernel: Kernel, url: str) -> None:
    result = kernel.run(
        '%%route GET /hello/<name>\ngreeting = f"Hello {name}!"\ngreeting',
        cell_id="hello",
    )
    assert result.stdout.strip() == "+GET /hello/<name>"
    response = http(f"{url}/hello/Ada")
    assert (response.status, response.body) == (200, "Hello Ada!")


def test_rerunning_the_cell_replaces_the_route(kernel: Kernel, url: str) -> None:
    kernel.run("%%route /again\n'first'", cell_id="again")
    result = kernel.run("%%route /again\n'second'", cell_id="again")
    assert result.stdout.strip() == "~GET /again"
    assert http(f"{url}/again").body == "second"


def test_renamed_view_leaves_no_orphan(kernel: Kernel, url: str) -> None:
    kernel.run("%%route /old-name\n'old'", cell_id="rename")
    result = kernel.run("%%route /new-name\n'new'", cell_id="rename")
    assert result.stdout.strip() == "+GET /new-name  -GET /old-name"
    assert http(f"{url}/old-name").status == 404
    assert http(f"{url}/new-name").body == "new"
    assert "old_name" not in kernel.eval("sorted(app.endpoints)")


def test_a_cell_that_no_longer_defines_a_route_removes_it(
    kernel: Kernel, url: str
) -> None:
    kernel.run("%%route /dropped\n'here'", cell_id="dropped")
    result = kernel.run("x_dropped = 1", cell_id="dropped")
    assert result.stdout.strip() == "-GET /dropped"
    assert http(f"{url}/dropped").status == 404


def test_renaming_a_decorated_function_removes_its_old_route(
    kernel: Kernel, url: str
) -> None:
    kernel.run("@app.route('/fn-a')\ndef fn_a():\n    return 'a'", cell_id="fn")
    result = kernel.run(
        "@app.route('/fn-b')\ndef fn_b():\n    return 'b'", cell_id="fn"
    )
    assert result.stdout.strip() == "+GET /fn-b  -GET /fn-a"
    assert http(f"{url}/fn-a").status == 404


def test_a_run_that_fails_removes_nothing(kernel: Kernel, url: str) -> None:
    kernel.run("%%route /survivor\n'still here'", cell_id="fails")
    result = kernel.execute("raise RuntimeError('oops')", cell_id="fails")
    assert result.status == "error"
    assert http(f"{url}/survivor").body == "still here"


def test_methods_rule_variables_request_and_return(kernel: Kernel, url: str) -> None:
    kernel.run(
        "%%route GET,POST /items/<int:item_id>\n"
        "if request.method == 'POST':\n"
        "    return {'id': item_id, 'text': request.form['text']}\n"
        "f'item {item_id} of type {type(item_id).__name__}'",
        cell_id="items",
    )
    assert http(f"{url}/items/7").body == "item 7 of type int"
    posted = http(f"{url}/items/7", "POST", b"text=hi")
    assert json.loads(posted.body) == {"id": 7, "text": "hi"}
    assert "get_post_items" in kernel.eval("sorted(app.endpoints)")


def test_endpoint_name_option(kernel: Kernel, url: str) -> None:
    kernel.run("%%route POST /named --name make_thing\n'made', 201", cell_id="named")
    assert http(f"{url}/named", "POST", b"").status == 201
    assert "make_thing" in kernel.eval("sorted(app.endpoints)")


def test_ordinary_cell_with_app_route_is_live_and_recorded(
    kernel: Kernel, url: str
) -> None:
    cell = (
        "import math\n\n"
        "@app.route('/circle/<int:r>')\n"
        "def circle(r):\n"
        "    return f'{math.pi * r * r:.2f}'\n"
    )
    result = kernel.run(cell, cell_id="deco")
    assert result.stdout.strip() == "+GET /circle/<int:r>"
    assert http(f"{url}/circle/1").body == "3.14"
    recorded = kernel.eval(
        "(lambda h: (h.cell_label('circle'), [(c.python, c.cell_id) for c in h.cells"
        " if c.cell_id == 'deco'], 'circle' in h.views))"
        "(__import__('kernel_ext').current_workbench().history)"
    )
    label, runs, kept_apart = recorded
    assert label.startswith("In [") and [tuple(run) for run in runs] == [(cell, "deco")]
    assert not kept_apart, "the cell's text is the view's source"


def test_route_source_is_ordinary_decorated_python(kernel: Kernel) -> None:
    kernel.run(
        '%%route GET /src/<name>\nhtml = """<p>\n  {}\n</p>"""\nhtml.format(name)',
        cell_id="src",
    )
    source, cell_id, count = kernel.eval(
        "(lambda d: (d.source, d.cell_id, d.execution_count))"
        "(__import__('kernel_ext').current_workbench().history.views['src'])"
    )
    assert source == (
        '@app.route("/src/<name>", methods=["GET"])\n'
        "def src(name):\n"
        '    html = """<p>\n  {}\n</p>"""\n'
        "    return html.format(name)\n"
    )
    assert cell_id == "src" and count > 0
    ast.parse(source)
    cells = kernel.eval(
        "[(c.execution_count, c.cell_id, c.source)"
        " for c in __import__('kernel_ext').current_workbench().history.cells]"
    )
    assert (count, "src", cells[count - 1][2]) == cells[count - 1]
    assert cells[count - 1][2].startswith("%%route GET /src/<name>\n")
    assert cells[0][2] == "%load_ext protoweb"


def test_template_and_static_cells(kernel: Kernel, url: str) -> None:
    kernel.run("%%template greet.html\n<h1>Hi {{ who }}</h1>", cell_id="tpl")
    kernel.run("%%static site.css\nbody { color: red; }", cell_id="css")
    kernel.run(
        "%%route /greet/<who>\n"
        "from protoweb import render_template\n"
        "render_template('greet.html', who=who)",
        cell_id="greet",
    )
    assert http(f"{url}/greet/%3Cb%3E").body == "<h1>Hi &lt;b&gt;</h1>"
    css = http(f"{url}/static/site.css")
    assert css.body == "body { color: red; }\n"
    assert css.headers["Content-Type"].startswith("text/css")
    kernel.run("%%template greet.html\n<h2>Hello {{ who }}</h2>", cell_id="tpl")
    assert http(f"{url}/greet/Bo").body == "<h2>Hello Bo</h2>"


def test_broken_template_is_refused_and_the_old_one_stays(
    kernel: Kernel, url: str
) -> None:
    kernel.run("%%template keep.html\nkept {{ 1 + 1 }}", cell_id="keep")
    kernel.run(
        "%%route /keep\nfrom protoweb import render_template\n"
        "render_template('keep.html')",
        cell_id="keep-view",
    )
    result = kernel.execute("%%template keep.html\n{% if %}", cell_id="keep")
    assert result.status == "error"
    assert "UsageError" in result.stderr and "keep.html" in result.stderr
    assert (
        "%%template: template 'keep.html', line 1: Expected an expression,"
        " got 'end of statement block'\n    {% if %}\n"
    ) in result.stderr
    assert 'File "keep.html"' not in result.stderr
    assert http(f"{url}/keep").body == "kept 2"


def test_syntax_error_keeps_the_old_route(kernel: Kernel, url: str) -> None:
    kernel.run("%%route /syntax\n'fine'", cell_id="syntax")
    result = kernel.execute("%%route /syntax\nx = 1\ny = (\n'never'", cell_id="syntax")
    assert result.status == "error"
    assert "UsageError" in result.stderr
    assert "line 3 of the cell" in result.stderr
    assert http(f"{url}/syntax").body == "fine"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GTE /bad", "unknown HTTP method 'GTE'"),
        ("GET /bad/<int:", "is not a valid rule"),
        ("bad", "must start with '/'"),
        ("GET /bad --name 'not valid'", "not a valid Python name"),
        ("", "required: [METHODS] RULE"),
        ("GET /a /b", "usage: %%route [METHODS] RULE"),
    ],
)
def test_bad_route_lines_are_usage_errors(
    kernel: Kernel, line: str, message: str
) -> None:
    before = kernel.eval("len(app.endpoints)")
    result = kernel.execute(f"%%route {line}\n'body'", cell_id="bad-line")
    assert result.status == "error"
    assert "UsageError" in result.stderr
    assert message in result.stderr
    assert kernel.eval("len(app.endpoints)") == before


def test_view_error_gives_500_and_the_server_keeps_serving(
    kernel: Kernel, url: str
) -> None:
    kernel.run("%%route /boom\nvalue = 0\n1 / value", cell_id="boom")
    response = http(f"{url}/boom")
    assert response.status == 500
    assert "ZeroDivisionError" in response.body
    assert http(f"{url}/hello/again").body == "Hello again!"
    log = kernel.run("%protoweb log 5").stdout
    assert "GET /boom 500" in log and "ZeroDivisionError" in log
    count = kernel.eval(
        "__import__('kernel_ext').current_workbench().history.view_cells['boom']"
    )
    assert f"view 'boom' defined in In [{count}] raised" in log
    assert re.search(r'File "<cell In\[\d+\] %%route>", line 3, in boom', log)
    assert "    1 / value" in log


def test_the_error_page_names_the_cells_of_its_frames(kernel: Kernel, url: str) -> None:
    """A helper from an ordinary cell shows as ``Cell In[N]``, as in IPython's own
    tracebacks, not as the kernel's temporary file."""
    helper = kernel.run(
        "def mean_of(numbers):\n    return sum(numbers) / len(numbers)",
        cell_id="mean-helper",
    )
    kernel.run("%%route /mean\nmean_of([])", cell_id="mean")
    response = http(f"{url}/mean")
    assert response.status == 500
    count = helper.reply["content"]["execution_count"]
    assert f"Cell In[{count}], line 2, in mean_of" in response.body
    assert "ipykernel_" not in response.body


def test_what_a_view_prints_does_not_land_in_the_running_cell(
    kernel: Kernel, url: str
) -> None:
    kernel.run("%%route /noisy\nprint('printed-by-view')\n'ok'", cell_id="noisy")
    result = kernel.run(
        "import urllib.request, time\n"
        f"urllib.request.urlopen('{url}/noisy').read()\n"
        "time.sleep(0.2)"
    )
    assert "printed-by-view" not in result.stdout


def test_status_first_line(kernel: Kernel, url: str) -> None:
    lines = kernel.run("%protoweb status").stdout.splitlines()
    count = kernel.eval("len([e for e in app.endpoints if e != 'static'])")
    assert lines[0] == f"protoweb: serving {count} routes at {url}/"
    assert kernel.run("%protoweb").stdout.splitlines()[0] == lines[0]


def test_routes_verb_lists_each_rule_with_its_cell(kernel: Kernel) -> None:
    out = kernel.run("%protoweb routes").stdout
    assert out.splitlines()[0].split() == ["METHODS", "RULE", "ENDPOINT", "CELL"]
    assert re.search(r"GET\s+/hello/<name>\s+hello\s+In \[\d+\]", out)
    assert "/static/" not in out


def test_route_cell_notes_protoweb_helpers_it_uses_but_the_notebook_lacks(
    kernel: Kernel,
) -> None:
    body = "%%route /helpers/<target>\nlink = url_for('index')\nredirect(target)"
    kernel.run("for _n in ('url_for', 'redirect'):\n    globals().pop(_n, None)")
    out = kernel.run(body, cell_id="helpers").stdout.splitlines()
    assert (
        "note: the view uses redirect, url_for, which the notebook has not"
        " imported: run `from protoweb import redirect, url_for`"
    ) in out
    kernel.run("from protoweb import redirect, url_for")
    assert "note" not in kernel.run(body, cell_id="helpers").stdout
    local = "%%route /local-helper\nurl_for = str\nurl_for(1)"
    kernel.run("del url_for")
    assert "note" not in kernel.run(local, cell_id="local-helper").stdout


def test_route_cell_notes_a_body_that_can_only_return_none(kernel: Kernel) -> None:
    note = "note: the body has no return and does not end with an expression"
    assert note in kernel.run("%%route /nothing\nx = 1", cell_id="nothing").stdout
    for body in (
        "x = 1\nx",
        "if request.args:\n    return 'a'\nelse:\n    x = 'b'",
        "raise ValueError('no')",
        "abort(404)",
    ):
        result = kernel.run(f"%%route /something\n{body}", cell_id="something")
        assert note not in result.stdout, body


def test_a_cell_that_makes_a_new_app_is_told_it_is_not_served(kernel: Kernel) -> None:
    kernel.run("served_app = app")
    pasted = kernel.run(
        "from protoweb import Flask\napp = Flask(__name__)\n"
        "@app.route('/pasted')\ndef pasted():\n    return 'p'"
    ).stdout
    assert "warning: 'app' is now a new App" in pasted
    assert "%reload_ext protoweb" in pasted
    assert "warning" not in kernel.run("x_after_paste = 1").stdout  # said once
    assert "warning" not in kernel.run("app = served_app").stdout


def test_request_verb_shows_status_headers_blank_line_and_json(
    kernel: Kernel,
) -> None:
    kernel.run(
        "%%route POST /echo\n"
        "{'json': request.get_json(), 'test': request.headers.get('X-Test')}",
        cell_id="echo",
    )
    out = kernel.run(
        '%protoweb request POST /echo -d \'{"a": [1, 2]}\' -H "X-Test: yes"'
    ).stdout
    head, _, body = out.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "Content-Type: application/json" in head.splitlines()
    assert body.strip() == json.dumps({"json": {"a": [1, 2]}, "test": "yes"}, indent=2)


def test_request_verb_shows_the_body_as_the_view_made_it(kernel: Kernel) -> None:
    kernel.run(
        "%%route /page\n'<!doctype html><html><body><p>page</p></body></html>'",
        cell_id="page",
    )
    out = kernel.run("%protoweb request GET /page").stdout
    assert out.endswith("\n\n<!doctype html><html><body><p>page</p></body></html>\n")
    assert "<script" not in out


def test_request_verb_form_data_and_bad_input(kernel: Kernel) -> None:
    kernel.run("%%route POST /form\nrequest.form['a']", cell_id="form")
    assert kernel.run("%protoweb request POST /form -d a=42").stdout.endswith(
        "\n\n42\n"
    )
    bad_header = kernel.execute('%protoweb request GET /form -H "no colon"')
    assert "UsageError" in bad_header.stderr and "Name: value" in bad_header.stderr
    bad_method = kernel.execute("%protoweb request FETCH /form")
    assert "UsageError" in bad_method.stderr
    no_method = kernel.execute("%protoweb request /form")
    assert (
        "%protoweb request: the following arguments are required: path (usage:"
        ' %protoweb request METHOD PATH [-d DATA] [-H "Name: value"])'
    ) in no_method.stderr


def test_request_verb_says_what_a_failing_view_raised(kernel: Kernel) -> None:
    kernel.run(
        "%%route /divide\nnumbers = []\nsum(numbers) / len(numbers)", cell_id="divide"
    )
    out = kernel.run("%protoweb request GET /divide").stdout
    assert out.startswith("HTTP/1.1 500 ")
    last = out.rstrip().splitlines()[-1]
    assert re.fullmatch(
        r"view 'divide' \(defined in In \[\d+\]\) raised ZeroDivisionError:"
        r" division by zero -- the traceback: %protoweb log 1",
        last,
    ), last
    assert "the traceback" not in kernel.run("%protoweb request GET /hello/x").stdout


def test_unknown_verb_is_a_usage_error(kernel: Kernel) -> None:
    result = kernel.execute("%protoweb frobnicate")
    assert "UsageError" in result.stderr and "status" in result.stderr


def test_help_documents_every_verb(kernel: Kernel) -> None:
    reply = kernel.run("%protoweb?").reply
    text = reply["content"]["payload"][0]["data"]["text/plain"]
    for usage in (
        "%protoweb status",
        "%protoweb routes",
        "%protoweb log [N]",
        "%protoweb show PATH",
        "%protoweb open PATH",
        '%protoweb request METHOD PATH [-d DATA] [-H "Name: value"]',
        "%protoweb stop",
        "%protoweb start",
        "%protoweb restart",
    ):
        assert usage in text
    route_help = kernel.run("%%route?").reply["content"]["payload"][0]["data"]
    assert "--name ENDPOINT" in route_help["text/plain"]


def test_help_for_one_verb_is_its_line_magic_usage(kernel: Kernel) -> None:
    text = kernel.run("%protoweb help show").stdout
    assert text.startswith("usage: %protoweb show [--height HEIGHT] [path]")
    assert "::" not in text and "%%protoweb" not in text


def test_template_and_static_cells_confirm_in_one_line(kernel: Kernel) -> None:
    first = kernel.run("%%template confirm.html\n<p>hi</p>", cell_id="confirm-t")
    assert first.stdout == "+template confirm.html\n"
    again = kernel.run("%%template confirm.html\n<p>hi!</p>", cell_id="confirm-t")
    assert again.stdout == "~template confirm.html\n"
    static = kernel.run("%%static confirm.css\np {}", cell_id="confirm-s")
    assert static.stdout == "+static /static/confirm.css\n"


def test_a_route_cell_gets_a_live_status_line(kernel: Kernel, url: str) -> None:
    result = kernel.run("%%route /lined\n'lined'", cell_id="lined")
    widget = "application/vnd.jupyter.widget-view+json"
    views = [d for d in result.displays if widget in d]
    assert len(views) == 1
    assert views[0]["text/plain"] == "GET /lined"
    line = (
        "__import__('kernel_ext.extension').extension.current_extension()"
        ".panel.cell_lines['lined'].value"
    )
    assert "/lined" in kernel.eval(line) and "no requests yet" in kernel.eval(line)
    assert http(f"{url}/lined?seen=1").status == 200
    deadline = time.monotonic() + 10
    while "seen=1" not in kernel.eval(line) and time.monotonic() < deadline:
        time.sleep(0.1)
    value = kernel.eval(line)
    assert "/lined?seen=1" in value and "pw-s-2" in value


def test_a_blueprint_route_cell_gets_a_live_status_line(kernel: Kernel) -> None:
    kernel.run(
        "from protoweb import Blueprint\n"
        "lined_bp = Blueprint('lined_bp', __name__, url_prefix='/lb')\n"
        "app.register_blueprint(lined_bp)",
        cell_id="lined-bp-setup",
    )
    result = kernel.run("%%route /page --blueprint lined_bp\n'bp'", cell_id="lined-bp")
    widget = "application/vnd.jupyter.widget-view+json"
    views = [d for d in result.displays if widget in d]
    assert [view["text/plain"] for view in views] == ["GET /lb/page"]


def test_tab_completion_of_verbs_methods_and_paths(kernel: Kernel) -> None:
    assert {"request", "restart", "routes"} <= set(kernel.complete("%protoweb r"))
    assert "/hello/<name>" not in kernel.complete("%protoweb show /")
    assert "/again" in kernel.complete("%protoweb show /ag")
    assert "POST" in kernel.complete("%protoweb request PO")
    assert "/echo" in kernel.complete("%protoweb request POST /ec")


def test_show_displays_an_iframe_of_the_live_page(kernel: Kernel, url: str) -> None:
    displays = kernel.run("%protoweb show /hello/x").displays
    assert f'<iframe src="{url}/hello/x"' in displays[0]["text/html"]


def test_open_displays_a_link(kernel: Kernel, url: str) -> None:
    displays = kernel.run("%protoweb open /again").displays
    assert any(f"{url}/again" in d.get("text/html", "") for d in displays)


def test_app_has_a_rich_display_of_its_routes(kernel: Kernel) -> None:
    data = kernel.run("app").displays[0]
    assert "/hello/&lt;name&gt;" in data["text/html"]
    assert "/hello/<name>" in data["text/plain"]


def test_panel_follows_the_requests(kernel: Kernel, url: str) -> None:
    panel = "__import__('kernel_ext.extension').extension.current_extension().panel"
    assert kernel.eval(f"{panel}.use_widgets") is True
    http(f"{url}/again?panel=1")
    http(f"{url}/boom")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        requests_html, error_html = kernel.eval(
            f"({panel}.requests.value, {panel}.error.value)"
        )
        if "/again?panel=1" in requests_html and "/boom" in error_html:
            break
        time.sleep(0.05)
    assert "/again?panel=1" in requests_html
    assert "ZeroDivisionError" in error_html and "In [" in error_html
    assert url in kernel.eval(f"{panel}.header.value")


def test_panel_is_displayed_with_a_text_fallback(kernel: Kernel) -> None:
    data = kernel.run("%protoweb panel").displays[0]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"].startswith("protoweb: serving ")


def test_stop_start_restart_keep_the_port(kernel: Kernel, url: str) -> None:
    assert kernel.run("%protoweb stop").stdout.startswith("protoweb: stopped")
    with pytest.raises(OSError):
        http(f"{url}/again", timeout=2)
    assert kernel.run("%protoweb start").stdout.strip().endswith(f"{url}/")
    assert http(f"{url}/again").body == "second"
    assert kernel.run("%protoweb restart").stdout.strip().endswith(f"{url}/")
    assert http(f"{url}/again").body == "second"
