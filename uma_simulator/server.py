"""The aiohttp application: gorilla/mux-style routing and the agent's middleware chain."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from http import HTTPStatus
import re
import time
from typing import TYPE_CHECKING

from aiohttp import web

from . import routes_control as rc, routes_read as rr, routes_updates as ru
from .responses import SECURITY_HEADERS, NoAnswer, json_reply, text_error

if TYPE_CHECKING:
    from .simulator import RequestRecord, Simulator

type Handler = Callable[
    ["Simulator", web.Request, dict[str, str]], Awaitable[web.StreamResponse]
]

SIM_KEY = web.AppKey("uma_simulator", object)
PREFIX = "/api/v1"
NA = rc.docker_not_here

#: (method or "*", path pattern under /api/v1, handler) in the agent's registration order
ROUTES: list[tuple[str, str, Handler | None]] = [
    ("GET", "/health", rr.get_health),
    ("GET", "/health/report", NA),
    ("GET", "/diagnostics/self-test", NA),
    ("GET", "/diagnostics/bundle", NA),
    ("GET", "/system", rr.get_cached),
    ("GET", "/array", rr.get_cached),
    ("GET", "/disks", rr.get_cached),
    ("GET", "/disks/{id}", rr.get_disk),
    ("GET", "/shares", rr.get_cached),
    ("GET", "/docker", rr.get_docker),
    ("GET", "/docker/networks", rr.get_cached),
    ("GET", "/docker/port-conflicts", NA),
    ("GET", "/docker/updates", rr.get_docker_updates),
    ("POST", "/docker/updates/refresh", ru.docker_updates_refresh),
    ("POST", "/docker/update-all", ru.docker_update_all),
    ("GET", "/docker/{id}", rr.get_docker_one),
    ("GET", "/docker/{id}/check-update", NA),
    ("GET", "/docker/{id}/size", NA),
    ("GET", "/docker/{id}/logs", NA),
    ("POST", "/docker/{id}/update", ru.docker_update),
    ("GET", "/vm", rr.get_cached),
    ("GET", "/vm/{id}", rr.get_vm),
    ("GET", "/ups", rr.get_cached),
    ("GET", "/nut", rr.get_cached),
    ("GET", "/gpu", rr.get_cached),
    ("POST", "/system/reboot", rc.system_power),
    ("POST", "/system/shutdown", rc.system_power),
    ("GET", "/system/flash", rr.get_flash),
    ("GET", "/network", rr.get_cached),
    ("GET", "/network/access-urls", NA),
    ("GET", "/zfs/pools", rr.get_cached),
    ("GET", "/zfs/pools/{name}", rr.get_zfs_pool),
    ("GET", "/zfs/datasets", rr.get_cached),
    ("GET", "/zfs/snapshots", rr.get_cached),
    ("GET", "/zfs/arc", rr.get_cached),
    ("GET", "/hardware/full", rr.get_cached),
    *[
        ("GET", f"/hardware/{part}", handler)
        for part, handler in rr.HARDWARE_PARTS.items()
    ],
    *[("POST", f"/docker/{{id}}/{op}", rc.docker_op) for op in rc.DOCKER_OPS],
    ("POST", "/docker/{id}/remove", NA),
    ("POST", "/docker/{id}/autostart", NA),
    *[("POST", f"/vm/{{name}}/{op}", rc.vm_op) for op in rc.VM_OPS],
    ("POST", "/vm/{name}/reset", rc.vm_reset),
    ("POST", "/vm/{name}/clone", NA),
    ("POST", "/vm/{name}/snapshot", NA),
    ("GET", "/vm/{name}/snapshots", NA),
    ("DELETE", "/vm/{name}/snapshots/{snapshot_name}", NA),
    ("POST", "/vm/{name}/snapshots/{snapshot_name}/restore", NA),
    ("POST", "/array/start", rc.array_op),
    ("POST", "/array/stop", rc.array_op),
    *[
        ("POST", f"/array/parity-check/{op}", rc.parity_op)
        for op in ("start", "stop", "pause", "resume")
    ],
    ("GET", "/array/parity-check/history", rr.get_parity_history),
    ("GET", "/array/parity-check/schedule", rr.get_parity_schedule),
    ("POST", "/array/clear-disk-stats", NA),
    ("GET", "/shares/{name}/config", NA),
    ("GET", "/network/{interface}/config", NA),
    *[("GET", f"/settings/{s}", NA) for s in ("system", "docker", "vm", "disks")],
    ("GET", "/settings/disk-thresholds", rr.get_disk_thresholds),
    *[("GET", f"/settings/{s}", NA) for s in ("mover", "services", "network-services")],
    ("GET", "/plugins", NA),
    ("GET", "/plugins/check-updates", rr.get_plugin_check),
    ("POST", "/plugins/updates/refresh", ru.plugins_refresh),
    ("POST", "/plugins/update-all", NA),
    ("POST", "/plugins/{name}/update", ru.plugin_update),
    ("GET", "/updates", NA),
    ("GET", "/os/update", rr.get_cached),
    ("GET", "/mover", rr.get_cached),
    ("POST", "/shares/{name}/config", NA),
    ("POST", "/settings/system", NA),
    ("GET", "/user-scripts", rr.get_user_scripts),
    ("POST", "/user-scripts/{name}/execute", rc.user_script_execute),
    ("GET", "/registration", rr.get_cached),
    ("GET", "/logs", NA),
    ("GET", "/logs/{filename}", NA),
    ("GET", "/notifications", rr.get_notifications),
    ("GET", "/notifications/unread", rr.get_notifications_by_type),
    ("GET", "/notifications/archive", rr.get_notifications_by_type),
    ("GET", "/notifications/overview", rr.get_notifications_overview),
    ("GET", "/notifications/{id}", rr.get_notification),
    ("POST", "/notifications", rc.notification_create),
    ("POST", "/notifications/{id}/archive", rc.notification_archive),
    ("POST", "/notifications/{id}/unarchive", rc.notification_archive),
    ("DELETE", "/notifications/{id}", NA),
    ("POST", "/notifications/archive/all", NA),
    ("GET", "/unassigned", rr.get_cached),
    ("GET", "/unassigned/devices", NA),
    ("GET", "/unassigned/remote-shares", NA),
    ("POST", "/unassigned/remote-shares/mount", rc.remote_share),
    ("POST", "/unassigned/remote-shares/unmount", rc.remote_share),
    ("GET", "/collectors/status", rr.get_collectors),
    ("POST", "/collectors/{name}/enable", rc.collector_toggle),
    ("POST", "/collectors/{name}/disable", rc.collector_toggle),
    ("PATCH", "/collectors/{name}/interval", rc.collector_interval),
    ("GET", "/collectors/{name}", rr.get_collector),
    ("GET", "/fans", rr.get_cached),
    ("GET", "/fans/sensors", NA),
    ("GET", "/tuning", rr.get_cached),
    ("GET", "/docker/stats", NA),
    ("GET", "/temperatures", rr.get_temperatures),
    ("*", "/ws", None),
]

_COMPILED = [
    (
        method,
        re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$"),
        handler,
    )
    for method, pattern, handler in ROUTES
]


def match(method: str, path: str) -> tuple[str, Handler | None, dict[str, str]]:
    """Match like gorilla/mux: first full match wins; else 405 or 404."""
    method_mismatch = False
    if path.startswith(PREFIX + "/"):
        sub = path[len(PREFIX) :]
        for route_method, regex, handler in _COMPILED:
            found = regex.match(sub)
            if found is None:
                continue
            if route_method in ("*", method):
                return "ok", handler, found.groupdict()
            method_mismatch = True
    return ("405" if method_mismatch else "404"), None, {}


def create_app(sim: Simulator) -> web.Application:
    """Build the aiohttp application serving ``/api/v1/...`` and ``/api/v1/ws``."""
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app[SIM_KEY] = sim
    app.router.add_route("*", "/{tail:.*}", _dispatch)

    async def on_shutdown(_: web.Application) -> None:
        sim.shutting_down = True
        sim.faults.wake()
        sim.hub.close_all(graceful=True)

    app.on_shutdown.append(on_shutdown)
    return app


async def _dispatch(request: web.Request) -> web.StreamResponse:
    """Log the request, apply faults and middleware, and run the handler."""
    from .simulator import RequestRecord

    sim: Simulator = request.app[SIM_KEY]  # type: ignore[assignment]
    record = RequestRecord(
        len(sim.request_log),
        request.method,
        request.path,
        request.query_string,
        None,
        time.monotonic(),
        sim.elapsed,
    )
    sim.request_log.append(record)
    request["uma_after"] = []
    response = await _handle(sim, request, record)
    if response is None:
        record.status = 0
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)
    record.status = response.status
    if request["uma_after"]:
        await response.prepare(request)
        await response.write_eof()
        for callback in request["uma_after"]:
            callback()
    return response


async def _handle(
    sim: Simulator, request: web.Request, record: RequestRecord
) -> web.StreamResponse | None:
    """Return the response, or ``None`` to drop the connection without answering."""
    path = request.path
    if sim.faults.offline:
        return None
    if path == PREFIX + "/ws":
        if sim.faults.refuse_websockets:
            return None
        if (status := sim.faults.websocket_status) is not None:
            return text_error(status, HTTPStatus(status).phrase)
    if path != PREFIX + "/ws":
        mode = sim.faults.mode_for(path)
        if mode == "404":
            return text_error(404, "404 page not found")
        if mode == "429":
            return text_error(429, "Too Many Requests")
        if mode == "429-hour":
            # Not the agent (its 429 has no Retry-After): a proxy in front of it.
            response = text_error(429, "Too Many Requests")
            response.headers["Retry-After"] = "3600"
            return response
        if mode == "500":
            return text_error(500, "Internal Server Error")
        if mode == "error200":
            # The agent writes its status line before encoding the body.
            return json_reply(200, {"error": "Failed to read data"})
        if mode == "empty200":
            # A marshal failure (a NaN) after the 200 status line: no body.
            return web.Response(status=200, content_type="application/json")
        if mode == "slow":
            await asyncio.sleep(sim.faults.slow_seconds)
        elif mode == "never":
            await sim.faults.hold(path)
            if sim.shutting_down:
                return None
    if sim.profile.lacks(path[len(PREFIX) :]):
        return text_error(404, "404 page not found")
    outcome, handler, params = match(request.method, path)
    if outcome == "404":
        return text_error(404, "404 page not found")
    if outcome == "405":
        return web.Response(status=405)
    headers = dict(SECURITY_HEADERS)
    if not sim.allow_request(request.remote or ""):
        return _with(text_error(429, "Too Many Requests"), headers)
    if (
        sim.token
        and path != PREFIX + "/health"
        and _bearer(request) != sim.token.strip()
    ):
        return json_reply(
            401,
            {"error": "Unauthorized"},
            {**headers, "WWW-Authenticate": 'Bearer realm="unraid-management-agent"'},
        )
    if handler is None:
        return await _websocket(sim, request, headers)
    try:
        answer = await handler(sim, request, params)
    except NoAnswer:
        return None
    return _with(answer, headers)


def _bearer(request: web.Request) -> str:
    """Extract the bearer token (scheme case-insensitive, value trimmed)."""
    header = request.headers.get("Authorization", "")
    if len(header) < 7 or header[:7].lower() != "bearer ":
        return ""
    return header[7:].strip()


def _with(response: web.StreamResponse, headers: dict[str, str]) -> web.StreamResponse:
    """Add the security/CORS headers of the matched-route middleware."""
    for key, value in headers.items():
        response.headers.setdefault(key, value)
    return response


async def _websocket(
    sim: Simulator, request: web.Request, headers: dict[str, str]
) -> web.StreamResponse:
    """Upgrade ``/api/v1/ws`` (gorilla's handshake errors for non-WebSocket requests)."""
    if request.method != "GET":
        return _with(text_error(405, "Method Not Allowed"), headers)
    probe = web.WebSocketResponse()
    if not probe.can_prepare(request).ok:
        return _with(text_error(400, "Bad Request"), headers)
    return await sim.hub.serve(request)
