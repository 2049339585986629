"""Fixtures for the core tests: ``fw`` runs a test on protoweb and on Flask."""

from __future__ import annotations

from .twins import fw as fw
