"""Fixtures for the client tests: the simulator on loopback, no Home Assistant instance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import socket
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.unraid_management_agent.api import UnraidClient
from custom_components.unraid_management_agent.api.models import Model
from uma_simulator import Simulator, create_app
from uma_simulator.wire import go_json

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide fixture: these tests need no ``hass``."""


@dataclass
class Agent:
    """A simulator served on 127.0.0.1 and a way to build clients for it."""

    sim: Simulator
    server: TestServer
    session: aiohttp.ClientSession

    @property
    def port(self) -> int:
        """The port the simulator listens on."""
        assert self.server.port is not None
        return self.server.port

    @property
    def url(self) -> str:
        """The API base URL."""
        return f"http://127.0.0.1:{self.port}/api/v1"

    def client(self, **kwargs: Any) -> UnraidClient:
        """Return a client talking to this simulator over loopback."""
        return UnraidClient("127.0.0.1", self.port, session=self.session, **kwargs)

    async def raw(self, path: str, token: str | None = None) -> Any:
        """GET ``path`` with plain aiohttp and return the decoded JSON."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.session.get(self.url + path, headers=headers) as resp:
            assert resp.status == 200, (path, resp.status)
            return json.loads(await resp.read())

    def rest_paths(self) -> list[str]:
        """Paths of REST requests seen so far (the WebSocket upgrade excluded)."""
        return [
            r.path for r in self.sim.request_log if not r.path.endswith("/api/v1/ws")
        ]


type StartAgent = Callable[..., Awaitable[Agent]]


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an aiohttp client session, closed after the test."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def start_agent(
    aiohttp_server: Any, session: aiohttp.ClientSession
) -> StartAgent:
    """Return a factory starting a simulator; ``collect`` runs its first collection."""

    async def factory(*, collect: bool = True, **options: Any) -> Agent:
        options.setdefault("start_time", START)
        options.setdefault("seed", 1)
        sim = Simulator(**options)
        if collect:
            sim.advance(0)
        server = await aiohttp_server(create_app(sim), host="127.0.0.1")
        return Agent(sim, server, session)

    return factory


@pytest.fixture
async def agent(start_agent: StartAgent) -> Agent:
    """Start the ``home`` scenario, past its first collection."""
    return await start_agent(scenario="home")


@dataclass
class Stub:
    """A bare loopback server answering canned responses (shapes the simulator lacks)."""

    server: TestServer
    session: aiohttp.ClientSession
    #: (method, path) -> (status, body, headers); unknown paths answer 404 text
    routes: dict[tuple[str, str], tuple[int, bytes, dict[str, str]]]
    seen: list[web.Request]
    #: request bodies, in the order of ``seen``
    bodies: list[bytes]

    def client(self, **kwargs: Any) -> UnraidClient:
        """Return a client talking to this stub."""
        assert self.server.port is not None
        return UnraidClient(
            "127.0.0.1", self.server.port, session=self.session, **kwargs
        )

    def answer(
        self,
        method: str,
        path: str,
        status: int,
        body: bytes | str | object,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve ``body`` (bytes/str as is, anything else as JSON) at ``path``."""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.routes[method, "/api/v1" + path] = (status, body, headers or {})


@pytest.fixture
async def stub(aiohttp_server: Any, session: aiohttp.ClientSession) -> Stub:
    """Serve canned answers on loopback."""
    routes: dict[tuple[str, str], tuple[int, bytes, dict[str, str]]] = {}
    seen: list[web.Request] = []
    bodies: list[bytes] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request)
        bodies.append(await request.read())
        status, body, headers = routes.get(
            (request.method, request.path), (404, b"404 page not found\n", {})
        )
        return web.Response(status=status, body=body, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    return Stub(server, session, routes, seen, bodies)


@pytest.fixture
def free_port(socket_enabled: None) -> int:
    """Return a loopback port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wire(payload: Any) -> Any:
    """Return ``payload`` exactly as the agent puts it on the wire."""
    return json.loads(go_json(payload))


async def wait_for(condition: Callable[[], bool], limit: float = 5.0) -> None:
    """Poll until loopback I/O makes ``condition`` true (not a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.001)


def _equal_scalar(value: object, raw: object, where: str) -> None:
    if isinstance(value, datetime):
        assert isinstance(raw, str), where
        assert value == datetime.fromisoformat(raw), where
    elif isinstance(value, float):
        assert isinstance(raw, int | float) and not isinstance(raw, bool), where
        assert value == raw, where
    else:
        assert type(value) is type(raw), (where, value, raw)
        assert value == raw, (where, value, raw)


def assert_matches(value: object, raw: object, where: str = "$") -> None:
    """Assert that a parsed model (or tuple/dict of them) equals the agent's JSON.

    Every field of the model is compared with the JSON value of the same key:
    ``null``/missing gives ``None``, Go's zero time gives ``None``, nested
    models and lists are compared element by element.
    """
    if isinstance(value, Model):
        assert isinstance(raw, dict), where
        for field in dataclasses.fields(value):  # type: ignore[arg-type]
            assert_matches(
                getattr(value, field.name), raw.get(field.name), f"{where}.{field.name}"
            )
    elif value is None:
        assert raw is None or raw == "" or str(raw).startswith("0001-01-01"), (
            where,
            raw,
        )
    elif isinstance(value, tuple):
        assert isinstance(raw, list), where
        assert len(value) == len(raw), where
        for index, (item, raw_item) in enumerate(zip(value, raw, strict=True)):
            assert_matches(item, raw_item, f"{where}[{index}]")
    elif isinstance(value, dict):
        assert isinstance(raw, dict), where
        assert set(value) == set(raw), where
        for key, item in value.items():
            assert_matches(item, raw[key], f"{where}[{key}]")
    else:
        _equal_scalar(value, raw, where)
