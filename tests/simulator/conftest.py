"""Fixtures for the simulator tests: real loopback servers, no Home Assistant instance."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from uma_simulator import Simulator, create_app

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

type Factory = Callable[..., Awaitable[tuple[Simulator, str]]]


@pytest.fixture
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide fixture: these tests need no ``hass``."""


@pytest.fixture
async def make_server(aiohttp_server: Any, socket_enabled: None) -> Factory:
    """Return a factory starting a simulator on 127.0.0.1; yields (sim, base URL)."""

    async def factory(**kwargs: Any) -> tuple[Simulator, str]:
        kwargs.setdefault("start_time", START)
        sim = Simulator(**kwargs)
        server = await aiohttp_server(create_app(sim), host="127.0.0.1")
        return sim, f"http://127.0.0.1:{server.port}/api/v1"

    return factory


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an aiohttp client session, closed after the test."""
    async with aiohttp.ClientSession() as client:
        yield client
