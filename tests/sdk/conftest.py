"""Fixtures: the shared server, a local image server and a fresh tenant per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.serverkit import ImageServer, ServerProcess, shared_server, unique


@pytest.fixture(scope="session")
def server() -> ServerProcess:
    return shared_server()


@pytest.fixture(scope="session")
def images() -> Iterator[ImageServer]:
    srv = ImageServer()
    yield srv
    srv.close()


@pytest.fixture()
def creds(server: ServerProcess) -> dict[str, str]:
    """A fresh tenant per test (each has its own FuseFaceUltra rate budget)."""
    return server.create_tenant(unique("sdk"))
