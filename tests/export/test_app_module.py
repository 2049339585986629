"""app.py's configuration lines: what differs from the defaults, as ruff writes it."""

from __future__ import annotations

from protoweb.export.app_module import config_lines
from protoweb.export.targets import PROTOWEB


def test_config_values_are_written_with_double_quoted_strings() -> None:
    lines, imports, warnings = config_lines(
        {"HOSTS": ["a", "b's"], "LIMITS": {"page": 20}, "HOOK": object()},
        PROTOWEB,
        "app",
    )
    assert lines == [
        'app.config["HOSTS"] = ["a", "b\'s"]',
        'app.config["LIMITS"] = {"page": 20}',
    ]
    assert not imports
    assert warnings and "HOOK" in warnings[0]
