"""The protoweb panel as the browser shows it: URL link, route table, requests, errors.

The panel is found by the CSS class the extension gives its widget
(``protoweb-panel``); finding it on an element with ``jupyter-widgets`` proves it
was rendered by the widget manager, not by the text/HTML fallback.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from playwright.sync_api import Locator

from .jupyterlab import JupyterLabServer

PANEL = ".jp-OutputArea .jupyter-widgets.protoweb-panel"

#: What the panel's link looks like in each mode (the live server's port captured).
BASE_URL_PATTERNS = {
    "local": re.compile(r"^http://127\.0\.0\.1:(\d+)/$"),
    "proxy": re.compile(r"^/proxy/(\d+)/$"),
}


class PanelView:
    """Locators into one rendered panel.

    :param panel: the panel's root element.
    :param lab: the JupyterLab server, to make the panel's relative URLs absolute.
    """

    def __init__(self, panel: Locator, lab: JupyterLabServer) -> None:
        self.root = panel
        self.lab = lab
        self.link = panel.locator(".widget-html-content a[href]").first
        self.routes = panel.locator("table.protoweb-routes")
        self.requests = panel.locator("table.protoweb-requests")

    def base_url(self) -> str:
        """The live server's URL as the panel's link gives it (``href`` as written)."""
        href = self.link.get_attribute("href")
        if not href:
            raise AssertionError("the panel's URL link has no href")
        return href

    def absolute(self, href: str) -> str:
        """``href`` as the browser resolves it from a JupyterLab page."""
        return urljoin(self.lab.url + "/lab", href)

    def route_row(self, rule: str) -> Locator:
        """The route table's row for ``rule``."""
        exact = re.compile(f"^{re.escape(rule)}$")
        return self.routes.locator(
            "tbody tr", has=self.root.page.locator("code", has_text=exact)
        )

    def route_link(self, rule: str) -> Locator:
        """The link for ``rule`` in the route table."""
        return self.routes.locator("a", has_text=re.compile(f"^{re.escape(rule)}$"))
