"""What tab completion offers on a ``%protoweb`` line."""

from __future__ import annotations

from kernel_ext.completion import candidates
from kernel_ext.workbench import Workbench
from protoweb import App


def bench() -> Workbench:
    app = App("t")
    app.add_url_rule("/hello", "hello", lambda: "hi")
    app.add_url_rule("/user/<name>", "user", lambda name: name)
    app.static_files["site.css"] = "body {}"
    return Workbench(None, app)


def test_verbs() -> None:
    token, found = candidates("%protoweb r", bench())
    assert token == "r" and found == ["routes", "request", "restart"]
    assert "status" in candidates("%protoweb ", bench())[1]


def test_paths_for_show_open_and_request() -> None:
    assert candidates("%protoweb show /", bench())[1] == [
        "/hello",
        "/static/site.css",
    ]
    assert candidates("%protoweb open /h", bench())[1] == ["/hello"]
    assert candidates("%protoweb request GET /st", bench())[1] == ["/static/site.css"]


def test_methods_for_request_and_nothing_for_options() -> None:
    assert candidates("%protoweb request p", bench())[1] == ["POST", "PUT", "PATCH"]
    assert candidates("%protoweb request GET /hello -", bench())[1] == []
    assert candidates("%protoweb status x", bench())[1] == []
