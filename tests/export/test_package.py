"""pyproject.toml's dependencies: the framework first, each pinned as installed."""

from __future__ import annotations

from importlib import metadata

import pytest

import protoweb
from protoweb.export import ExportError
from protoweb.export import package as package_module
from protoweb.export.package import dependencies
from protoweb.export.targets import PROTOWEB, Target


def test_a_framework_that_is_not_installed_is_named_in_the_error() -> None:
    missing = Target("nowhere", "nowhere_web", "App", "nowhere-web-framework")
    with pytest.raises(ExportError, match="nowhere-web-framework is not installed"):
        dependencies(["json"], missing)


def test_protoweb_from_a_source_checkout_is_pinned_to_its_own_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_installed(distribution: str) -> str:
        raise metadata.PackageNotFoundError(distribution)

    monkeypatch.setattr(package_module, "_version", not_installed)
    major, minor = protoweb.__version__.split(".")[:2]
    assert dependencies(["json"], PROTOWEB) == [f"protoweb-cells~={major}.{minor}.0"]
