"""Shared test configuration: pytester runs the pytest plugin in isolated sessions."""

from __future__ import annotations

pytest_plugins = ["pytester"]
