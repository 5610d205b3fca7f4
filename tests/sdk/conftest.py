"""Fixtures: the shared server, a local image server and a fresh tenant per test."""

from __future__ import annotations

import pytest

from tests.e2e.serverkit import ServerProcess, unique


@pytest.fixture()
def creds(server: ServerProcess) -> dict[str, str]:
    """A fresh tenant per test (each has its own FuseFaceUltra rate budget)."""
    return server.create_tenant(unique("sdk"))
