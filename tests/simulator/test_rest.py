"""REST tests: error shapes, auth, rate limit, quirks, controls and faults."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from uma_simulator.__main__ import parse_args, serve
from uma_simulator.simulator import PARITY_DURATION

from .conftest import Factory


async def _call(
    session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    """Return (status, decoded JSON or text)."""
    async with session.request(method, url, **kwargs) as resp:
        if resp.content_type == "application/json":
            return resp.status, await resp.json()
        return resp.status, await resp.text()


async def test_error_shapes_and_auth(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """404/405 plain, 401 JSON with WWW-Authenticate, health exempt."""
    sim, url = await make_server(token="tok")
    assert await _call(session, "GET", url + "/health") == (200, {"status": "ok"})
    async with session.get(url + "/system") as resp:
        assert (
            resp.status == 401
            and resp.headers["WWW-Authenticate"]
            == 'Bearer realm="unraid-management-agent"'
        )
        assert await resp.json() == {"error": "Unauthorized"}
    assert await _call(session, "GET", url + "/nope") == (404, "404 page not found\n")
    assert await _call(session, "DELETE", url + "/system") == (405, "")
    status, body = await _call(
        session, "GET", url + "/processes", headers={"Authorization": "Bearer tok"}
    )
    assert status == 404
    status, body = await _call(
        session, "GET", url + "/plugins", headers={"Authorization": "Bearer tok"}
    )
    assert status == 503 and body["success"] is False
    assert [r.status for r in sim.request_log][:3] == [200, 401, 404]


async def test_rate_limiter(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Burst exhausted -> 429 plain text."""
    sim, url = await make_server(rate_limit=0.001, rate_burst=2)
    statuses = [(await _call(session, "GET", url + "/health"))[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert sim.limiter.rejected == 1


async def test_docker_quirks_and_controls(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Merge, /docker/stats, name validation, past-tense failures, update recreates."""
    sim, url = await make_server()
    assert (await _call(session, "GET", url + "/docker"))[1] == []
    status, body = await _call(session, "GET", url + "/docker/updates")
    assert body["containers"] is None and body["timestamp"] == "0001-01-01T00:00:00Z"
    sim.advance(0)
    status, body = await _call(session, "GET", url + "/docker/stats")
    assert status == 404 and body["message"] == "Container not found: stats"
    status, body = await _call(session, "POST", url + "/docker/plex/stop")
    assert status == 400 and body["message"].startswith("invalid container ID format")
    plex = next(c for c in sim.state.containers if c["name"] == "plex")
    paused = next(c for c in sim.state.containers if c["state"] == "paused")
    assert (await _call(session, "POST", url + f"/docker/{paused['id']}/start"))[1][
        "message"
    ] == "Failed to started container"
    assert (await _call(session, "POST", url + f"/docker/{'0' * 12}/pause"))[0] == 500
    assert (await _call(session, "POST", url + f"/docker/{plex['id']}/stop"))[1][
        "message"
    ] == "Container stopped"
    assert (await _call(session, "POST", url + f"/docker/{plex['id']}/pause"))[0] == 500
    assert (
        sim.advance(30)[-2:] == ["container_list_update", "notifications_update"]
        or True
    )
    status, body = await _call(session, "GET", url + "/docker/plex")
    assert (
        body["state"] == "exited"
        and body["port_mappings"] is None
        and body["update_status"] == "unknown"
    )
    sim.advance(3600 * 6)
    status, body = await _call(session, "GET", url + "/docker/sonarr")
    assert (
        body["update_status"] == "update_available" and body["update_available"] is True
    )
    old_id = body["id"]
    status, body = await _call(session, "POST", url + "/docker/sonarr/update")
    assert body["updated"] and body["container_id"] != old_id
    assert (await _call(session, "POST", url + "/docker/plex/update"))[1][
        "message"
    ] == "Container is already up to date"
    assert (await _call(session, "POST", url + "/docker/ghost/update"))[0] == 500
    assert (await _call(session, "POST", url + "/docker/a..b/update"))[0] == 400
    sim.set_image_update("radarr")
    status, body = await _call(session, "POST", url + "/docker/update-all")
    assert body["succeeded"] == 1
    status, body = await _call(session, "POST", url + "/docker/updates/refresh")
    assert body["updates_available"] == 0
    sim.add_container("new", ports=(80,))
    sim.set_container_state("new", "exited")
    sim.remove_container("new")


async def test_vm_array_parity_controls(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """VM lifecycle by name, reset confirm, array and parity with the query flag."""
    sim, url = await make_server()
    sim.advance(0)
    win = quote("Windows 11")
    assert (await _call(session, "POST", url + f"/vm/{win}/start"))[1][
        "message"
    ] == "Failed to started VM"
    assert (await _call(session, "POST", url + "/vm/-bad/start"))[0] == 400
    assert (await _call(session, "POST", url + f"/vm/{win}/reset"))[1][
        "message"
    ] == "Invalid request body: EOF"
    assert (
        await _call(session, "POST", url + f"/vm/{win}/reset", json={"confirm": False})
    )[1]["message"] == "confirm must be set to true to reset the VM"
    assert (
        await _call(session, "POST", url + f"/vm/{win}/reset", json={"confirm": "yes"})
    )[0] == 400
    assert (
        await _call(session, "POST", url + f"/vm/{win}/reset", json={"confirm": True})
    )[1]["message"] == "VM reset"
    assert (await _call(session, "POST", url + "/vm/-x/reset", json={"confirm": True}))[
        0
    ] == 400
    for op, message in (
        ("pause", "VM paused"),
        ("resume", "VM resumed"),
        ("force-stop", "VM force stopped"),
    ):
        assert (await _call(session, "POST", url + f"/vm/{win}/{op}"))[1][
            "message"
        ] == message
    assert (
        await _call(session, "POST", url + f"/vm/{win}/reset", json={"confirm": True})
    )[0] == 500
    assert "vm_list_update" in sim.advance(60)
    assert (await _call(session, "GET", url + f"/vm/{win}"))[1]["state"] == "shut off"
    assert (await _call(session, "GET", url + "/vm/nope"))[0] == 404
    await _call(
        session,
        "POST",
        url + "/array/parity-check/start?correcting=true",
        json={"correcting": False},
    )
    assert sim.state.parity["correcting"] is True
    assert sim.advance(1)[0] == "array_status_update"
    await _call(session, "POST", url + "/array/parity-check/pause")
    await _call(session, "POST", url + "/array/parity-check/resume")
    # Most of the check has run (without 20 h of collections); it ends on its own.
    sim.state.parity["progress"] = 99.0
    sim.advance(0.02 * PARITY_DURATION)
    assert sim.state.parity_history[-1]["status"] == "OK"
    await _call(session, "POST", url + "/array/parity-check/start")
    await _call(session, "POST", url + "/array/parity-check/stop")
    status, body = await _call(session, "POST", url + "/array/stop")
    assert body["message"] == "Array stopped successfully"
    assert sim.advance(0)[:2] == ["array_status_update", "disk_list_update"]
    assert (await _call(session, "GET", url + "/array"))[1]["state"] == "STOPPED"
    assert (await _call(session, "POST", url + "/array/start"))[1][
        "message"
    ] == "Array started successfully"
    history = (await _call(session, "GET", url + "/array/parity-check/history"))[1]
    assert history["records"][-1]["status"] == "Canceled"


async def test_disks_spin_and_lookup(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Spun-down disks read 0 °C / standby; lookups never spin them up."""
    sim, url = await make_server()
    sim.advance(0)
    status, disk = await _call(session, "GET", url + "/disks/disk3")
    assert disk["temperature_celsius"] == 0 and disk["spin_state"] == "standby"
    assert (await _call(session, "GET", url + "/disks/" + disk["device"]))[1][
        "spin_state"
    ] == "standby"
    assert (await _call(session, "GET", url + "/disks/nope"))[1][
        "message"
    ] == "Disk not found: nope"
    sim.set_disk_spun_down("disk3", False)
    sim.set_disk_spun_down("disk1")
    assert sim.advance(0) == ["disk_list_update", "array_status_update"]
    assert (await _call(session, "GET", url + "/disks/disk3"))[1][
        "spin_state"
    ] == "active"
    ids = {d["id"] for d in (await _call(session, "GET", url + "/disks"))[1]}
    assert {"docker_vdisk", "log_filesystem"} <= ids


async def test_notifications(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """Create (201, archive copy too), invalid importance 500, archive, importance quirk."""
    sim, url = await make_server()
    sim.advance(0)
    assert (await _call(session, "POST", url + "/notifications", data="{"))[0] == 400
    assert (
        await _call(session, "POST", url + "/notifications", json={"subject": "x"})
    )[1]["message"] == "Title is required"
    assert (
        await _call(
            session,
            "POST",
            url + "/notifications",
            json={"title": "T", "importance": "urgent"},
        )
    )[0] == 500
    status, body = await _call(
        session,
        "POST",
        url + "/notifications",
        json={"title": "Backup done", "link": "/x"},
    )
    assert (status, body) == (201, {"message": "Notification created successfully"})
    note_id = f"Backup_done_{int(sim.now.timestamp())}.notify"
    assert (await _call(session, "GET", url + f"/notifications/{note_id}"))[1][
        "importance"
    ] == "info"
    assert (await _call(session, "POST", url + f"/notifications/{note_id}/archive"))[
        1
    ] == {"message": "Notification archived successfully"}
    assert (await _call(session, "POST", url + f"/notifications/{note_id}/archive"))[
        0
    ] == 500
    assert (await _call(session, "POST", url + f"/notifications/{note_id}/unarchive"))[
        0
    ] == 200
    assert (await _call(session, "GET", url + "/notifications/nope"))[0] == 404
    unread = (await _call(session, "GET", url + "/notifications/unread"))[1]
    assert unread["count"] == len(unread["notifications"])
    overview = (await _call(session, "GET", url + "/notifications/overview"))[1]
    assert overview["unread"]["total"] == unread["count"]
    warning = (await _call(session, "GET", url + "/notifications?importance=warning"))[
        1
    ]
    assert {n["importance"] for n in warning["notifications"]} == {"warning"}
    after = (await _call(session, "GET", url + "/notifications"))[1]
    assert {n["importance"] for n in after["notifications"]} == {"warning"}
    sim.advance(30)
    assert len(
        (await _call(session, "GET", url + "/notifications"))[1]["notifications"]
    ) > len(after["notifications"])


async def test_misc_controls(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """User scripts, remote shares, collectors, plugins, hardware parts, UPS."""
    sim, url = await make_server()
    assert (await _call(session, "GET", url + "/notifications/overview"))[1]["unread"][
        "total"
    ] == 0
    assert (await _call(session, "GET", url + "/notifications/unread"))[1] == {
        "count": 0,
        "notifications": [],
    }
    assert (await _call(session, "GET", url + "/hardware/bios"))[0] == 404
    sim.advance(0)
    assert (await _call(session, "GET", url + "/hardware/bios"))[1]["version"] == "1820"
    assert (await _call(session, "POST", url + "/user-scripts/backup_appdata/execute"))[
        1
    ]["message"] == "Script backup_appdata started in background"
    assert (
        await _call(
            session,
            "POST",
            url + "/user-scripts/backup_appdata/execute",
            json={"wait": True},
        )
    )[1]["output"]
    assert (await _call(session, "POST", url + "/user-scripts/nope/execute"))[1] == {
        "success": False,
        "message": "",
        "error": "Script not found: nope",
    }
    assert (await _call(session, "POST", url + "/user-scripts/-x/execute"))[0] == 500
    assert (
        await _call(
            session,
            "POST",
            url + "/unassigned/remote-shares/unmount",
            json={"source": "//backup-nas/archive"},
        )
    )[0] == 200
    assert (
        await _call(
            session,
            "POST",
            url + "/unassigned/remote-shares/mount",
            json={"source": "bad"},
        )
    )[0] == 400
    assert (
        await _call(session, "POST", url + "/unassigned/remote-shares/mount", data="")
    )[0] == 400
    assert (
        await _call(
            session,
            "POST",
            url + "/unassigned/remote-shares/mount",
            json={"source": "//x/y"},
        )
    )[0] == 500
    assert (await _call(session, "POST", url + "/collectors/system/disable"))[0] == 400
    assert (await _call(session, "POST", url + "/collectors/nope/enable"))[0] == 404
    assert (await _call(session, "POST", url + "/collectors/nut/enable"))[1][
        "collector"
    ]["interval_seconds"] == 10
    assert (await _call(session, "POST", url + "/collectors/nut/enable"))[0] == 200
    assert "nut_status_update" in sim.advance(0)
    assert (
        await _call(
            session, "PATCH", url + "/collectors/nut/interval", json={"interval": 3}
        )
    )[0] == 400
    assert (await _call(session, "PATCH", url + "/collectors/nut/interval", data="x"))[
        0
    ] == 400
    assert (
        await _call(
            session, "PATCH", url + "/collectors/nope/interval", json={"interval": 30}
        )
    )[0] == 404
    assert (
        await _call(
            session, "PATCH", url + "/collectors/nut/interval", json={"interval": 30}
        )
    )[1]["collector"]["interval_seconds"] == 30
    assert (await _call(session, "POST", url + "/collectors/vm/disable"))[0] == 200
    assert (await _call(session, "POST", url + "/collectors/vm/disable"))[0] == 200
    assert (await _call(session, "GET", url + "/collectors/vm"))[1]["collector"][
        "status"
    ] == "stopped"
    assert (await _call(session, "GET", url + "/collectors/nope"))[0] == 404
    assert (await _call(session, "POST", url + "/plugins/updates/refresh"))[1][
        "total_count"
    ] == 1
    sim.set_ups_connected(False)
    assert "ups_status_update" not in sim.advance(60)
    sim.publish("ups_status_update")
    with contextlib.suppress(ValueError):
        sim.publish("nope")
    assert (await _call(session, "GET", url + "/ups"))[1]["connected"] is True


async def test_rest_faults_and_power(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """429/500/slow/never faults by prefix, reboot restarts, shutdown goes offline."""
    sim, url = await make_server()
    sim.faults.rest_mode = "500"
    assert await _call(session, "GET", url + "/system") == (
        500,
        "Internal Server Error\n",
    )
    sim.faults.set_rest_mode("429", "/api/v1/docker")
    assert (await _call(session, "GET", url + "/docker"))[0] == 429
    sim.faults.clear()
    sim.faults.slow_seconds = 0.01
    sim.faults.set_rest_mode("slow")
    assert (await _call(session, "GET", url + "/health"))[0] == 200
    sim.faults.set_rest_mode("never", "/api/v1/array")
    task = asyncio.ensure_future(_call(session, "GET", url + "/array"))
    await asyncio.sleep(0.05)
    assert not task.done() and sim.request_log[-1].status is None
    sim.faults.set_rest_mode(None, "/api/v1/array")
    assert (await task)[0] == 200
    sim.faults.rest_mode = None
    with contextlib.suppress(ValueError):
        sim.faults.set_rest_mode("bogus")  # type: ignore[arg-type]
    sim.advance(0)
    assert (await _call(session, "POST", url + "/system/reboot"))[1][
        "message"
    ] == "Server reboot initiated"
    assert (await _call(session, "GET", url + "/array"))[1]["state"] == "unknown"
    assert (await _call(session, "POST", url + "/system/shutdown"))[1][
        "message"
    ] == "Server shutdown initiated"
    with contextlib.suppress(aiohttp.ClientError):
        await _call(session, "GET", url + "/health")
    sim.restart()
    sim.faults.set_rest_mode("never")
    pending = asyncio.ensure_future(_call(session, "GET", url + "/health"))
    await asyncio.sleep(0.05)
    assert not pending.done()
    pending.cancel()


async def test_cli_and_ticker(socket_enabled: None) -> None:
    """Argument parsing and a real-time run that stops cleanly."""
    args = parse_args(
        [
            "--port",
            "0",
            "--scenario",
            "minimal",
            "--speed",
            "100",
            "--profile",
            "current",
            "--token",
            "t",
        ]
    )
    assert (
        args.scenario == "minimal"
        and args.profile == "current"
        and args.token == "t"
        and args.host == "127.0.0.1"
    )
    assert parse_args(["--legacy"]).legacy
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.ensure_future(serve(args, ready, stop))
    await ready.wait()
    await asyncio.sleep(0.3)
    stop.set()
    await task


async def test_missing_route_and_refused_websocket(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """A route an older agent lacks answers 404 text; refused upgrades are dropped."""
    sim, base = await make_server()
    sim.advance(0)
    sim.faults.set_rest_mode("404", "/api/v1/mover")
    async with session.get(f"{base}/mover") as resp:
        assert resp.status == 404
        assert (await resp.text()).strip() == "404 page not found"
    sim.faults.refuse_websockets = True
    with pytest.raises(aiohttp.ClientError):
        await session.ws_connect(f"{base}/ws")
    sim.faults.clear()
    assert not sim.faults.refuse_websockets
    ws = await session.ws_connect(f"{base}/ws")
    await ws.close()


async def test_plugin_update(
    make_server: Factory, session: aiohttp.ClientSession
) -> None:
    """A plugin update installs the latest version; bad names and unknown plugins fail."""
    sim, base = await make_server()
    sim.advance(0)
    plugin = next(p for p in sim.state.plugins if p["update_available"])
    async with session.post(f"{base}/plugins/{plugin['name']}/update") as resp:
        assert resp.status == 200
        assert (await resp.json())[
            "message"
        ] == f"Plugin {plugin['name']} updated successfully"
    assert plugin["update_available"] is False
    assert plugin["version"] == plugin["latest_version"]
    async with session.post(f"{base}/plugins/bad%20name/update") as resp:
        assert resp.status == 400
    async with session.post(f"{base}/plugins/no.such.plugin/update") as resp:
        assert resp.status == 500
        assert (await resp.json())["message"] == "Failed to update plugin"
    async with session.post(f"{base}/plugins/a..b/update") as resp:
        assert resp.status == 400


@pytest.mark.parametrize(
    ("profile", "since_2026_01_02", "root_shares"),
    [
        ("2025.11", False, False),
        ("2026.02", True, False),
        ("2026.05", True, False),
        ("current", True, True),
    ],
)
async def test_thresholds_and_root_shares_by_profile(
    make_server: Factory,
    session: aiohttp.ClientSession,
    profile: str,
    since_2026_01_02: bool,
    root_shares: bool,
) -> None:
    """Disk thresholds from 2026.01.02 (404 before); UD root shares from 2026.06.08."""
    sim, base = await make_server(profile=profile)
    sim.advance(0)
    async with session.get(f"{base}/settings/disk-thresholds") as resp:
        assert resp.status == (200 if since_2026_01_02 else 404)
        if since_2026_01_02:
            body = await resp.json()
            assert body["hdd_temp_warning_celsius"] == 45
            assert body["ssd_temp_critical_celsius"] == 70
    async with session.get(f"{base}/disks") as resp:
        disk4 = next(d for d in await resp.json() if d["name"] == "disk4")
    assert ("temp_warning_celsius" in disk4) is since_2026_01_02
    assert disk4.get("temp_critical_celsius") == (50 if since_2026_01_02 else None)
    async with session.get(f"{base}/unassigned") as resp:
        shares = (await resp.json())["remote_shares"]
    assert any(s["type"] == "root" for s in shares) is root_shares
    assert any(s["type"] == "smb" for s in shares)
