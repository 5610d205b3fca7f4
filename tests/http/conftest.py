"""Fixtures: the shared server, a native API client per test (fresh tenant), image server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.serverkit import ServerProcess, unique


@pytest.fixture()
def creds(server: ServerProcess) -> dict[str, str]:
    return server.create_tenant(unique("native"))


@pytest.fixture()
def api(server: ServerProcess, creds: dict[str, str]) -> Iterator[httpx.Client]:
    """An httpx client with this test's tenant's Bearer key."""
    with httpx.Client(base_url=server.base_url, timeout=60,
                      headers={"Authorization": f"Bearer {creds['api_key']}"}) as client:
        yield client
