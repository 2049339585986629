"""Flask's API in notebook cells, in a real kernel: blueprints (``%%route
--blueprint`` and ``@bp.route`` cells), template filters, context processors, URL
processors, hooks and error handlers are live at once, a re-run cell replaces what
it defined and removes what it no longer defines, and a ``%%route`` body that
awaits is an async view."""

from __future__ import annotations

import pytest

from .conftest import Kernel, http, server_url


@pytest.fixture(scope="module")
def url(kernel: Kernel) -> str:
    kernel.run("from protoweb import Blueprint, g, render_template_string")
    return server_url(kernel)


def test_route_magic_puts_the_view_in_a_blueprint(kernel: Kernel, url: str) -> None:
    kernel.run("admin = Blueprint('admin', __name__, url_prefix='/admin')")
    kernel.run("app.register_blueprint(admin)")
    first = kernel.run("%%route GET /users --blueprint admin\n'users v1'", "bpr")
    assert "+GET /admin/users" in first.stdout
    assert http(f"{url}/admin/users").body == "users v1"
    assert kernel.eval("'admin.users' in app.endpoints") is True
    again = kernel.run("%%route GET /users --blueprint admin\n'users v2'", "bpr")
    assert "~GET /admin/users" in again.stdout
    assert http(f"{url}/admin/users").body == "users v2"


def test_a_renamed_blueprint_route_leaves_no_orphan(kernel: Kernel, url: str) -> None:
    kernel.run("%%route GET /old --blueprint admin\n'old'", "bp-rename")
    assert http(f"{url}/admin/old").status == 200
    result = kernel.run("%%route GET /new --blueprint admin\n'new'", "bp-rename")
    assert "+GET /admin/new" in result.stdout
    assert "-GET /admin/old" in result.stdout
    assert http(f"{url}/admin/old").status == 404
    assert kernel.eval("'old' in admin.routes") is False


def test_an_unknown_blueprint_is_one_clear_error(kernel: Kernel) -> None:
    result = kernel.execute("%%route GET /x --blueprint nowhere\n'x'")
    assert result.status == "error"
    assert "UsageError: %%route --blueprint: no Blueprint named 'nowhere'" in (
        result.stderr
    )
    assert kernel.eval("'nowhere.x' in app.endpoints") is False


def test_routes_added_before_registration_go_live_with_it(
    kernel: Kernel, url: str
) -> None:
    kernel.run("shop = Blueprint('shop', __name__, url_prefix='/shop')")
    kernel.run("%%route GET /cart --blueprint shop\n'cart'", "shop-cart")
    assert http(f"{url}/shop/cart").status == 404
    result = kernel.run("app.register_blueprint(shop)", "shop-reg")
    assert "+GET /shop/cart" in result.stdout
    assert http(f"{url}/shop/cart").body == "cart"
    kernel.run("@shop.route('/later')\ndef later():\n    return 'later'", "shop-later")
    assert http(f"{url}/shop/later").body == "later"
    kernel.run("@shop.route('/renamed')\ndef renamed():\n    return 'r'", "shop-later")
    assert http(f"{url}/shop/later").status == 404
    assert http(f"{url}/shop/renamed").body == "r"


def test_a_renamed_filter_leaves_no_orphan(kernel: Kernel, url: str) -> None:
    kernel.run(
        "@app.template_filter('shout')\ndef shout(s):\n    return s.upper() + '!'",
        "filter",
    )
    kernel.run(
        "@app.route('/f')\ndef f():\n"
        "    return render_template_string(\"{{ 'hi'|shout }}\")"
    )
    assert http(f"{url}/f").body == "HI!"
    kernel.run(
        "@app.template_filter('yell')\ndef yell(s):\n    return s.upper() + '!!'",
        "filter",
    )
    assert kernel.eval("sorted({'shout', 'yell'} & set(app.jinja_env.filters))") == [
        "yell"
    ]
    assert http(f"{url}/f").status == 500


def test_context_processor_cell_is_replaced_and_removed(
    kernel: Kernel, url: str
) -> None:
    kernel.run(
        "@app.route('/site')\ndef site_page():\n"
        "    return render_template_string('[{{ site }}]')"
    )
    kernel.run("@app.context_processor\ndef site():\n    return {'site': 'A'}", "cp")
    assert http(f"{url}/site").body == "[A]"
    kernel.run("@app.context_processor\ndef site():\n    return {'site': 'B'}", "cp")
    assert http(f"{url}/site").body == "[B]"
    assert kernel.eval("len(app.template_context_processors[None])") == 1
    kernel.run("pass", "cp")
    assert http(f"{url}/site").body == "[]"


def test_hooks_and_handlers_in_cells_are_owned(kernel: Kernel, url: str) -> None:
    kernel.run(
        "@app.errorhandler(404)\ndef missing(e):\n    return 'nothing here', 404",
        "handlers",
    )
    assert http(f"{url}/nope").body == "nothing here"
    kernel.run(
        "@admin.before_request\ndef guard():\n    g.who = 'admin'\n\n"
        "@app.url_value_preprocessor\ndef pull(endpoint, values):\n"
        "    g.pulled = endpoint",
        "handlers",
    )
    assert http(f"{url}/nope").body != "nothing here"
    assert kernel.eval("'guard' in str(app.before_request_funcs)") is True
    kernel.run("pass", "handlers")
    assert kernel.eval("'guard' in str(app.before_request_funcs)") is False
    assert kernel.eval("None in app.url_value_preprocessors") is False


def test_a_route_cell_that_awaits_is_an_async_view(kernel: Kernel, url: str) -> None:
    result = kernel.run(
        "%%route GET /wait/<int:n>\nimport asyncio\nawait asyncio.sleep(0.01)\n"
        "f'waited {n}'",
        "async",
    )
    assert "+GET /wait/<int:n>" in result.stdout
    assert (
        kernel.eval(
            "__import__('inspect').iscoroutinefunction(app.view_functions['wait'])"
        )
        is True
    )
    assert http(f"{url}/wait/3").body == "waited 3"
    kernel.run(
        "%%route GET /later --blueprint admin\nawait __import__('asyncio')"
        ".sleep(0)\n'async in a blueprint'",
        "async-bp",
    )
    assert http(f"{url}/admin/later").body == "async in a blueprint"


def test_setting_the_same_filter_again_keeps_it(kernel: Kernel, url: str) -> None:
    kernel.run("def money(cents):\n    return f'${cents / 100:.2f}'")
    cell = "app.jinja_env.filters['money'] = money"
    kernel.run(cell, "money")
    kernel.run(cell, "money")
    assert kernel.eval("'money' in app.jinja_env.filters") is True
    kernel.run("@app.after_request\ndef stamp(response):\n    return response", "hk")
    kernel.run("@app.before_request\ndef stamp():\n    pass", "hk")
    assert kernel.eval("None in app.after_request_funcs") is False
    assert kernel.eval("len(app.before_request_funcs[None])") == 1
