"""The agent's four error-body shapes, transport failures and auth, over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json

import pytest

from custom_components.unraid_management_agent.api import (
    RequestLimiter,
    UnraidApiError,
    UnraidAuthenticationError,
    UnraidConnectionError,
    UnraidInvalidResponseError,
    UnraidNoAnswerError,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidRequestError,
    UnraidServerError,
    UnraidTimeoutError,
)

from .conftest import Agent, StartAgent, Stub


@pytest.fixture
async def silent_port(socket_enabled: None) -> AsyncIterator[int]:
    """Run a loopback server that accepts connections and never answers."""
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    release.set()
    server.close()
    await server.wait_closed()


# ------------------------------------------------------------ shape 1: success:false


async def test_success_false_bodies(agent: Agent) -> None:
    """``dto.Response`` errors: 404 not found, 400 validator text, 500 generic."""
    client = agent.client()
    with pytest.raises(UnraidNotFoundError) as err:
        await client.request("GET", "/docker/nope")
    assert (err.value.status, err.value.message) == (404, "Container not found: nope")
    assert str(err.value) == "HTTP 404: Container not found: nope"

    # a container name where the agent wants a hex id (client validation bypassed)
    with pytest.raises(UnraidRequestError) as err400:
        await client.request("POST", "/docker/plex/start")
    assert err400.value.status == 400
    assert err400.value.message == (
        "invalid container ID format: must be 12 or 64 hexadecimal characters"
    )

    with pytest.raises(UnraidServerError) as err500:
        await client.container_action("06db7fd87790", "start")  # paused
    assert err500.value.message == "Failed to started container"


async def test_success_false_with_200(stub: Stub) -> None:
    """``success:false`` is an error even with a 2xx status."""
    stub.answer("POST", "/array/stop", 200, {"success": False, "message": "nope"})
    with pytest.raises(UnraidApiError) as err:
        await stub.client().stop_array()
    assert type(err.value) is UnraidApiError
    assert (err.value.status, err.value.message) == (200, "nope")


# ------------------------------------------------------------ shape 2: {"error": …}


async def test_error_key_bodies(start_agent: StartAgent) -> None:
    """401 ``{"error":"Unauthorized"}`` with a token configured; 404 hardware parts."""
    agent = await start_agent(token="s3cret", collect=False)
    with pytest.raises(UnraidAuthenticationError) as err:
        await agent.client().get_system()
    assert (err.value.status, err.value.message) == (401, "Unauthorized")
    with pytest.raises(UnraidNotFoundError) as err404:
        await agent.client(token="s3cret").request("GET", "/hardware/bios")
    assert err404.value.message == "BIOS information not available"


# ------------------------------------------------------------ shape 3: {"message": …}


async def test_message_key_bodies(agent: Agent, stub: Stub) -> None:
    """201 ``{"message"}`` is a success; the same shape on an error status is kept."""
    message = await agent.client().create_notification("Hello")
    assert message == "Notification created successfully"
    stub.answer("POST", "/notifications", 400, {"message": "Title too long"})
    with pytest.raises(UnraidRequestError, match="Title too long"):
        await stub.client().create_notification("Hello")
    stub.answer("POST", "/notifications", 201, ["not", "an", "object"])
    assert await stub.client().create_notification("Hello") == ""
    stub.answer("POST", "/notifications/x.notify/archive", 200, b"")
    assert await stub.client().archive_notification("x.notify") == ""


# ------------------------------------------------------------ shape 4: plain text


async def test_plain_text_bodies(agent: Agent) -> None:
    """404 ``404 page not found``; 405 with an empty body."""
    client = agent.client()
    with pytest.raises(UnraidNotFoundError) as err:
        await client.request("GET", "/no/such/route")
    assert err.value.message == "404 page not found"
    with pytest.raises(UnraidRequestError) as err405:
        await client.request("DELETE", "/system")
    assert (err405.value.status, err405.value.message) == (405, "")
    assert str(err405.value) == "HTTP 405"


async def test_rest_mode_500(agent: Agent) -> None:
    """A recovered panic: 500 plain ``Internal Server Error``."""
    agent.sim.faults.set_rest_mode("500", "/api/v1/array")
    client = agent.client()
    with pytest.raises(UnraidServerError) as err:
        await client.get_array()
    assert err.value.message == "Internal Server Error"
    assert (await client.get_system()).hostname == "tower"  # other prefixes fine


async def test_rest_mode_429_pauses_limiter(agent: Agent) -> None:
    """429 plain text -> ``UnraidRateLimitedError``; the limiter pauses (1 s default)."""
    agent.sim.faults.rest_mode = "429"
    limiter = RequestLimiter()
    pauses: list[float] = []
    original = limiter.pause

    def spy(seconds: float) -> None:
        pauses.append(seconds)
        original(seconds)

    limiter.pause = spy  # type: ignore[method-assign]
    client = agent.client(limiter=limiter)
    with pytest.raises(UnraidRateLimitedError) as err:
        await client.get_system()
    assert (err.value.status, err.value.message) == (429, "Too Many Requests")
    assert err.value.retry_after is None
    assert pauses == [1.0]
    assert limiter._resume_at > asyncio.get_running_loop().time() + 0.9


async def test_real_rate_limit(start_agent: StartAgent) -> None:
    """The agent's own bucket refusing a request gives the same error."""
    agent = await start_agent(rate_limit=0.001, rate_burst=1)
    client = agent.client()
    assert (await client.get_system()).hostname == "tower"
    with pytest.raises(UnraidRateLimitedError):
        await client.get_array()
    assert agent.sim.limiter.rejected == 1


# ------------------------------------------------------------ transport failures


async def test_timeouts(agent: Agent) -> None:
    """``slow`` and ``never`` REST faults with a small ``request_timeout``."""
    sim = agent.sim
    sim.faults.slow_seconds = 0.3
    sim.faults.set_rest_mode("slow", "/api/v1/system")
    client = agent.client(request_timeout=0.1)
    with pytest.raises(UnraidTimeoutError, match="GET /system: no answer in time"):
        await client.get_system()
    sim.faults.set_rest_mode("never", "/api/v1/array")
    with pytest.raises(UnraidTimeoutError):
        await client.get_array()
    sim.faults.clear()
    assert (await client.get_array()).state == "STARTED"


async def test_per_call_time_limit(agent: Agent) -> None:
    """Image pulls get the long time limit: update-all and single updates."""
    sim = agent.sim
    sim.faults.slow_seconds = 0.15
    sim.faults.set_rest_mode("slow", "/api/v1/docker")
    client = agent.client(request_timeout=0.05)
    results = await asyncio.gather(
        client.update_all_containers(), client.update_container("plex", force=True)
    )
    assert results[0].succeeded == 1
    assert results[1].recreated is True
    with pytest.raises(UnraidTimeoutError):  # the default applies to the rest
        await client.request("POST", "/docker/update-all")
    sim.faults.clear()


async def test_connection_refused(free_port: int, session: object) -> None:
    """Nothing listening -> ``UnraidConnectionError`` (REST and WebSocket)."""
    from custom_components.unraid_management_agent.api import UnraidClient

    client = UnraidClient("127.0.0.1", free_port, session=session)  # type: ignore[arg-type]
    with pytest.raises(UnraidConnectionError, match="GET /system") as err:
        await client.get_system()
    # Nothing was sent: neither a timeout nor an unanswered request.
    assert not isinstance(err.value, UnraidTimeoutError | UnraidNoAnswerError)
    with pytest.raises(UnraidConnectionError, match="WebSocket connection failed"):
        await client.connect_websocket()


async def test_silent_server(silent_port: int, session: object) -> None:
    """A server that accepts and never answers times out, REST and handshake."""
    from custom_components.unraid_management_agent.api import UnraidClient

    client = UnraidClient(
        "127.0.0.1",
        silent_port,
        session=session,  # type: ignore[arg-type]
        request_timeout=0.1,
    )
    with pytest.raises(UnraidTimeoutError):
        await client.get_health()
    with pytest.raises(UnraidTimeoutError, match="handshake timed out"):
        await client.connect_websocket()


async def test_tls_to_plain_server(agent: Agent) -> None:
    """``use_ssl`` against the plain-HTTP agent fails as a connection error."""
    client = agent.client(use_ssl=True, verify_ssl=False)
    assert str(client.base_url) == f"https://127.0.0.1:{agent.port}"
    assert client._ssl is False
    with pytest.raises(UnraidConnectionError):
        await client.get_system()
    with pytest.raises(UnraidConnectionError):
        await client.connect_websocket()
    assert agent.client(use_ssl=True)._ssl is True
    assert agent.client()._ssl is True


async def test_shutdown_drops_connections(agent: Agent) -> None:
    """An agent that drops connections without answering: ``UnraidConnectionError``."""
    agent.sim.faults.offline = True
    with pytest.raises(UnraidConnectionError) as err:
        await agent.client().get_array()
    assert not isinstance(err.value, UnraidTimeoutError)


# ------------------------------------------------------------ bodies the client cannot use


@pytest.mark.parametrize(
    "body",
    [b"<html>hello</html>", b"\xff\xfe\x00", b"{", b"[" * 50_000 + b"]" * 50_000],
    ids=["html", "bad-utf8", "truncated", "deeply-nested"],
)
async def test_non_json_200(stub: Stub, body: bytes) -> None:
    """A 200 whose body is not JSON -> ``UnraidInvalidResponseError``."""
    stub.answer("GET", "/system", 200, body)
    with pytest.raises(
        UnraidInvalidResponseError, match="GET /system: body is not JSON"
    ):
        await stub.client().get_system()


async def test_error_status_with_odd_bodies(stub: Stub) -> None:
    """Error statuses keep whatever text the body had."""
    client = stub.client()
    stub.answer("GET", "/system", 500, b"[" * 50_000 + b"]" * 50_000)
    with pytest.raises(UnraidServerError) as err:
        await client.get_system()
    assert err.value.message.startswith("[[[")
    stub.answer("GET", "/array", 403, {"error": "Forbidden: origin not allowed"})
    with pytest.raises(UnraidRequestError, match="Forbidden: origin not allowed"):
        await client.get_array()
    stub.answer("GET", "/ups", 503, {"success": False, "message": ""})
    with pytest.raises(UnraidServerError) as err503:
        await client.get_ups()
    assert err503.value.message == ""
    stub.answer("GET", "/nut", 401, b"")
    with pytest.raises(UnraidAuthenticationError, match="HTTP 401: Unauthorized"):
        await client.get_nut()
    stub.answer("GET", "/gpu", 429, b"", {"Retry-After": "7"})
    with pytest.raises(UnraidRateLimitedError) as err429:
        await client.get_gpus()
    assert err429.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("GET", "/array/parity-check/schedule", "get_parity_schedule"),
        ("GET", "/array/parity-check/history", "get_parity_history"),
        ("GET", "/system/flash", "get_flash"),
        ("GET", "/collectors/status", "get_collectors"),
        ("GET", "/settings/disk-thresholds", "get_disk_thresholds"),
        ("GET", "/notifications/overview", "get_notification_overview"),
        ("GET", "/array", "get_array"),
        ("POST", "/docker/update-all", "update_all_containers"),
        ("POST", "/docker/updates/refresh", "refresh_docker_updates"),
        ("POST", "/plugins/updates/refresh", "refresh_plugin_updates"),
    ],
)
async def test_object_expected(stub: Stub, method: str, path: str, call: str) -> None:
    """A JSON array where the agent sends an object -> ``UnraidInvalidResponseError``."""
    stub.answer(method, path, 200, [1, 2, 3])
    with pytest.raises(UnraidInvalidResponseError, match="expected an object"):
        await getattr(stub.client(), call)()


async def test_object_expected_for_commands_with_arguments(stub: Stub) -> None:
    """The same for the commands that take arguments."""
    client = stub.client()
    stub.answer("POST", "/docker/plex/update", 200, "null")
    with pytest.raises(UnraidInvalidResponseError):
        await client.update_container("plex")
    stub.answer("POST", "/user-scripts/x/execute", 200, '"done"')
    with pytest.raises(UnraidInvalidResponseError):
        await client.execute_user_script("x")


# ------------------------------------------------------------ bearer token


async def test_token_on_every_request(start_agent: StartAgent) -> None:
    """The token goes on every REST request and on the WebSocket upgrade."""
    agent = await start_agent(token="s3cret")
    client = agent.client(token="s3cret")
    assert (await client.get_system()).hostname == "tower"
    assert (await client.start_array()).success is True
    stream = await client.connect_websocket()
    try:
        agent.sim.publish("system_update")
        event = await stream.receive(idle_limit=2.0)
        assert event.payload.hostname == "tower"
    finally:
        await stream.close()
    assert [r.status for r in agent.sim.request_log] == [200, 200, 101]


async def test_token_header_is_sent(stub: Stub) -> None:
    """``Authorization: Bearer`` and ``Accept`` on reads; JSON content type on bodies."""
    stub.answer("GET", "/health", 200, {"status": "ok"})
    stub.answer("POST", "/vm/a b/reset", 200, {"success": True})  # decoded path
    client = stub.client(token="t0k")
    assert await client.get_health() is True
    assert (await client.reset_vm("a b")).success is True
    read, reset = stub.seen
    assert read.headers["Authorization"] == "Bearer t0k"
    assert read.headers["Accept"] == "application/json"
    assert reset.headers["Authorization"] == "Bearer t0k"
    assert reset.headers["Content-Type"] == "application/json"
    assert json.loads(stub.bodies[1]) == {"confirm": True}
    assert "Authorization" not in (await _headers_without_token(stub))


async def _headers_without_token(stub: Stub) -> dict[str, str]:
    await stub.client().get_health()
    return dict(stub.seen[-1].headers)


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_wrong_or_missing_token(
    start_agent: StartAgent, token: str | None
) -> None:
    """A missing or wrong token: auth errors on REST and on ``connect_websocket``."""
    agent = await start_agent(token="s3cret")
    client = agent.client(token=token)
    assert await client.get_health() is True  # /health is exempt
    with pytest.raises(UnraidAuthenticationError):
        await client.get_system()
    with pytest.raises(UnraidAuthenticationError):
        await client.reboot()
    with pytest.raises(UnraidAuthenticationError) as err:
        await client.connect_websocket()
    assert err.value.status == 401
    assert agent.sim.ws_client_count == 0


async def test_handshake_refusals(start_agent: StartAgent, stub: Stub) -> None:
    """429 on the upgrade -> rate-limited; any other status -> connection error."""
    agent = await start_agent(rate_limit=0.001, rate_burst=1)
    client = agent.client()
    await client.get_health()
    with pytest.raises(UnraidRateLimitedError):
        await client.connect_websocket()
    with pytest.raises(UnraidConnectionError, match="handshake failed: 404"):
        await stub.client().connect_websocket()
