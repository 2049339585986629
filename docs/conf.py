"""Sphinx configuration for the protoweb documentation."""

from __future__ import annotations

import os
import sys
from importlib import metadata

# Build from a checkout even when protoweb is not installed.
sys.path.insert(0, os.path.abspath(".."))

project = "protoweb"
copyright = "protoweb contributors"
author = "protoweb contributors"
try:
    release = metadata.version("protoweb")
except metadata.PackageNotFoundError:
    release = "dev"
version = ".".join(release.split(".")[:2])

# No intersphinx: the docs build runs without network access.
extensions = ["sphinx.ext.autodoc"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

exclude_patterns = ["_build"]

html_theme = "alabaster"
html_title = f"protoweb {version}"
