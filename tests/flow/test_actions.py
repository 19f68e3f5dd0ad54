"""Actions against two simulated servers: each reaches its own; errors are translated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import homeassistant.helpers.device_registry as dr
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

import custom_components.unraid_management_agent as integration
from custom_components.unraid_management_agent.api import Topic, UnraidServerError
from custom_components.unraid_management_agent.const import DOMAIN
from tests.helpers import START, settle, setup_entry
from uma_simulator import Simulator, create_app

PACKAGE = Path(integration.__file__).parent
SERVICES = load_yaml_dict(str(PACKAGE / "services.yaml"))
EN = json.loads((PACKAGE / "translations" / "en.json").read_text(encoding="utf-8"))
ICONS = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
UNREAD = "Unraid_Status_1795158000.notify"


@dataclass
class Server:
    """A simulated agent and the config entry for it."""

    sim: Simulator
    entry: MockConfigEntry

    def posts(self, since: int = 0) -> list[str]:
        """Return the POST requests it got since request ``since``, with their query."""
        return [
            f"{r.path}?{r.query}" if r.query else r.path
            for r in self.sim.request_log[since:]
            if r.method == "POST"
        ]

    def statuses(self, since: int = 0) -> list[int | None]:
        """Return the statuses of those POST requests."""
        return [r.status for r in self.sim.request_log[since:] if r.method == "POST"]

    def child_device(self, hass: HomeAssistant) -> dr.DeviceEntry:
        """Return a device of the entry besides the server itself (a disk, a container…)."""
        server = (DOMAIN, self.entry.unique_id)
        return next(
            device
            for device in dr.async_entries_for_config_entry(
                dr.async_get(hass), self.entry.entry_id
            )
            if server not in device.identifiers
        )


type StartServer = Callable[..., Any]


@pytest.fixture
async def start_server(
    hass: HomeAssistant,
    socket_enabled: None,
    aiohttp_server: Any,
    freezer: Any,
    unthrottled_requests: None,
) -> StartServer:
    """Start a simulator and set an entry up for it (no rate limit: many calls)."""
    freezer.move_to(START)
    count = 0

    async def start(**options: Any) -> Server:
        nonlocal count
        count += 1
        sim = Simulator(
            scenario="home",
            seed=count,
            start_time=START,
            rate_limit=1e9,
            rate_burst=10**9,
            **options,
        )
        sim.advance(0)
        server = await aiohttp_server(create_app(sim), host="127.0.0.1")
        # GUID-shaped and distinct: the agents share the scenario's GUID.
        unique = f"0000-0000-0000-{count:012d}"
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"tower{count}",
            unique_id=unique,
            data={"host": "127.0.0.1", "port": server.port},
        )
        entry.add_to_hass(hass)
        await setup_entry(hass, entry)
        return Server(sim, entry)

    return start


@pytest.fixture
async def two(start_server: StartServer) -> tuple[Server, Server]:
    """Two servers, both loaded."""
    return await start_server(), await start_server()


async def _call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


def _on(server: Server, **data: Any) -> dict[str, Any]:
    return {"config_entry_id": server.entry.entry_id, **data}


def _unarchive(sim: Simulator) -> None:
    for note in sim.state.notifications:
        if note["id"] == UNREAD:
            note["type"] = "unread"


# ---------------------------------------------------------------- declarations


def test_services_yaml_translations_and_icons_agree() -> None:
    """Every action has its fields translated, an icon, and a server target."""
    assert set(SERVICES) == set(EN["services"]) == set(ICONS["services"])
    for service, spec in SERVICES.items():
        fields = spec["fields"]
        assert {"config_entry_id", "device_id"} <= set(fields), service
        assert set(fields) == set(EN["services"][service]["fields"]), service
        assert EN["services"][service]["name"], service
        assert ICONS["services"][service]["service"].startswith("mdi:")
        for target in ("config_entry", "device"):
            key = f"{target}_id" if target == "device" else "config_entry_id"
            assert fields[key]["selector"][target]["integration"] == DOMAIN
    importance = SERVICES["create_notification"]["fields"]["importance"]["selector"]
    options = importance["select"]["options"]
    assert set(EN["selector"]["importance"]["options"]) == set(options)


async def test_actions_exist_without_entries(hass: HomeAssistant) -> None:
    """Registered at setup of the integration; an unknown entry is refused."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)
    described = (await async_get_all_descriptions(hass))[DOMAIN]
    for service, spec in SERVICES.items():
        assert set(described[service]["fields"]) == set(spec["fields"]), service
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "refresh_plugin_updates", {"config_entry_id": "nope"})
    assert err.value.translation_key == "entry_not_found"


# ---------------------------------------------------------------- targets

#: action -> (data, the request the agent gets)
ROUTES: dict[str, tuple[dict[str, Any], str]] = {
    "start_parity_check": (
        {"correcting": True},
        "/api/v1/array/parity-check/start?correcting=true",
    ),
    "create_notification": ({"title": "Backup done"}, "/api/v1/notifications"),
    "archive_notification": (
        {"notification_id": UNREAD},
        f"/api/v1/notifications/{UNREAD}/archive",
    ),
    "run_user_script": (
        {"script": "backup_appdata"},
        "/api/v1/user-scripts/backup_appdata/execute",
    ),
    "refresh_container_updates": ({}, "/api/v1/docker/updates/refresh"),
    "refresh_plugin_updates": ({}, "/api/v1/plugins/updates/refresh"),
}


@pytest.mark.parametrize("service", list(ROUTES))
async def test_each_action_reaches_the_server_it_names(
    hass: HomeAssistant, two: tuple[Server, Server], service: str
) -> None:
    """By config entry, by the server's device or a child device: that server only."""
    data, path = ROUTES[service]
    registry = dr.async_get(hass)
    for target, other in (two, two[::-1]):
        server_device = registry.async_get_device(
            identifiers={(DOMAIN, str(target.entry.unique_id))}
        )
        assert server_device is not None
        for chosen in (
            {"config_entry_id": target.entry.entry_id},
            {"device_id": server_device.id},
            {"device_id": target.child_device(hass).id},
        ):
            if service == "archive_notification":
                _unarchive(target.sim)  # each call archives it
            mine, theirs = len(target.sim.request_log), len(other.sim.request_log)
            await _call(hass, service, {**chosen, **data})
            assert target.posts(mine) == [path], chosen
            assert target.statuses(mine) == [
                201 if service == "create_notification" else 200
            ]
            assert other.posts(theirs) == []


async def test_target_errors(hass: HomeAssistant, two: tuple[Server, Server]) -> None:
    """No server, an unknown or foreign one, or one not loaded: translated refusals."""
    first, second = two

    async def refused(data: dict[str, Any]) -> str | None:
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, "refresh_container_updates", data)
        return err.value.translation_key

    assert await refused({}) == "server_required"
    assert await refused({"config_entry_id": "missing"}) == "entry_not_found"
    assert await refused({"device_id": "missing"}) == "device_not_found"
    other = MockConfigEntry(domain="other_integration", title="other")
    other.add_to_hass(hass)
    assert await refused({"config_entry_id": other.entry_id}) == "entry_not_found"
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other_integration", "x")}
    )
    assert await refused({"device_id": foreign.id}) == "device_not_found"
    both = {
        "config_entry_id": first.entry.entry_id,
        "device_id": second.child_device(hass).id,
    }
    assert await refused(both) == "server_twice"  # name the server once
    device = second.child_device(hass).id
    assert await hass.config_entries.async_unload(second.entry.entry_id)
    assert second.entry.state is ConfigEntryState.NOT_LOADED
    before = len(second.sim.request_log)
    for data in ({"config_entry_id": second.entry.entry_id}, {"device_id": device}):
        assert await refused(data) == "entry_not_loaded"
    assert second.posts(before) == []
    # The other server still answers.
    await _call(hass, "refresh_container_updates", _on(first))


# ---------------------------------------------------------------- each action


async def test_start_parity_check(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """Correcting or not, as asked (the query, not a body); a failure is translated."""
    server = two[0]
    await _call(hass, "start_parity_check", _on(server))
    assert server.posts()[-1].endswith("/parity-check/start?correcting=false")
    assert server.sim.state.parity["status"] == "running"
    assert server.sim.state.parity["correcting"] is False
    server.sim.faults.set_rest_mode("500", "/api/v1/array/parity-check/start")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "start_parity_check", _on(server, correcting=True))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "action_rejected"
    assert err.value.translation_placeholders == {
        "target": server.entry.title,
        "message": "Internal Server Error",
    }


async def test_create_notification(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """201 with the agent's message; the fields as given; the agent's default."""
    server = two[0]
    answer = await _call(
        hass,
        "create_notification",
        _on(
            server,
            title="Backup done",
            subject="Backup",
            description="All shares copied",
            importance="warning",
            link="/Main",
        ),
        response=True,
    )
    assert answer == {"message": "Notification created successfully"}
    assert server.statuses()[-1] == 201
    created = [
        n
        for n in server.sim.state.notifications
        if n["title"] == "Backup done" and n["type"] == "unread"
    ]
    assert len(created) == 1
    assert created[0]["subject"] == "Backup"
    assert created[0]["description"] == "All shares copied"
    assert created[0]["importance"] == "warning"
    assert created[0]["link"] == "/Main"
    await _call(hass, "create_notification", _on(server, title="Plain"))
    plain = [n for n in server.sim.state.notifications if n["title"] == "Plain"]
    assert {n["importance"] for n in plain} == {"info"}
    await _call(
        hass, "create_notification", _on(server, title="Stock", importance="normal")
    )


async def test_create_notification_failures(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """Bad input is refused before sending; the agent's 500 is a failure."""
    server = two[0]
    before = len(server.sim.request_log)
    with pytest.raises(vol.Invalid):  # the agent would answer 500
        await _call(
            hass, "create_notification", _on(server, title="x", importance="urgent")
        )
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "create_notification", _on(server, title=""))
    assert err.value.translation_key == "invalid_request"
    assert server.posts(before) == []
    with pytest.raises(HomeAssistantError) as failed:
        await _call(hass, "create_notification", _on(server, title="!!!"))
    assert not isinstance(failed.value, ServiceValidationError)
    assert failed.value.translation_key == "action_rejected"
    assert (failed.value.translation_placeholders or {})["message"] == (
        "Failed to create notification"
    )
    assert server.statuses(before) == [500]


async def test_normal_importance_needs_a_recent_agent(
    hass: HomeAssistant, start_server: StartServer
) -> None:
    """Before 2026.08.00 ``normal`` is a 500: refused without sending."""
    server = await start_server(profile="2026.05")
    before = len(server.sim.request_log)
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "create_notification", _on(server, title="x", importance="normal")
        )
    assert err.value.translation_key == "importance_not_supported"
    assert (err.value.translation_placeholders or {})["version"] == "2026.05.00"
    assert server.posts(before) == []
    await _call(hass, "create_notification", _on(server, title="x", importance="info"))
    # What that agent answers to ``normal`` (controllers/notification.go@v2026.05.00).
    with pytest.raises(UnraidServerError, match="Failed to create notification"):
        await server.entry.runtime_data.client.create_notification(
            "x", importance="normal"
        )
    assert server.statuses(before) == [201, 500]


async def test_archive_notification(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """Archived on its server only; the same file name elsewhere stays unread."""
    first, second = two
    await _call(hass, "archive_notification", _on(first, notification_id=UNREAD))

    def kinds(server: Server) -> set[str]:
        return {n["type"] for n in server.sim.state.notifications if n["id"] == UNREAD}

    assert kinds(first) == {"archive"}
    assert kinds(second) == {"unread"}
    await settle(hass)
    listing = first.entry.runtime_data.data.notifications
    assert UNREAD not in {n.id for n in listing.notifications}


async def test_archive_notification_failures(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """Every failure is a 500: "not found" is told apart by the agent's own list."""
    server = two[0]
    before = len(server.sim.request_log)
    for bad in ("Unraid_Status.txt", "../x.notify", "a/b.notify", ""):
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, "archive_notification", _on(server, notification_id=bad))
        assert err.value.translation_key == "invalid_request", bad
    assert server.posts(before) == []
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "archive_notification", _on(server, notification_id="Gone_1.notify")
        )
    assert err.value.translation_key == "notification_not_found"
    assert err.value.translation_placeholders == {
        "notification_id": "Gone_1.notify",
        "target": server.entry.title,
    }
    assert server.statuses(before) == [500]
    # Listed as unread here but failing there (already moved): a failure.
    server.sim.state.notifications = [
        n for n in server.sim.state.notifications if n["id"] != UNREAD
    ]
    with pytest.raises(HomeAssistantError) as failed:
        await _call(hass, "archive_notification", _on(server, notification_id=UNREAD))
    assert not isinstance(failed.value, ServiceValidationError)
    assert failed.value.translation_key == "action_rejected"
    assert (failed.value.translation_placeholders or {})["message"] == (
        "Failed to archive notification"
    )


async def test_run_user_script(hass: HomeAssistant, two: tuple[Server, Server]) -> None:
    """In the background, or waiting for its output (returned as response data)."""
    server = two[0]
    answer = await _call(
        hass, "run_user_script", _on(server, script="backup_appdata"), response=True
    )
    assert answer == {
        "message": "Script backup_appdata started in background",
        "output": None,
    }
    answer = await _call(
        hass,
        "run_user_script",
        _on(server, script="clear_cache", wait=True),
        response=True,
    )
    assert answer == {
        "message": "Script clear_cache completed successfully",
        "output": "clear_cache: done\n",
    }
    # Without asking for the response.
    assert (
        await _call(hass, "run_user_script", _on(server, script="clear_cache")) is None
    )


async def test_run_user_script_failures(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """Every failure is a 500 ``{"success":false,"error":…}``; not found is the user's."""
    server = two[0]
    before = len(server.sim.request_log)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "run_user_script", _on(server, script="no spaces"))
    assert err.value.translation_key == "invalid_request"
    assert server.posts(before) == []
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "run_user_script", _on(server, script="missing"))
    assert err.value.translation_key == "script_not_found"
    assert err.value.translation_placeholders == {
        "script": "missing",
        "target": server.entry.title,
    }
    server.sim.faults.failing_scripts.add("clear_cache")
    with pytest.raises(HomeAssistantError) as failed:
        await _call(
            hass, "run_user_script", _on(server, script="clear_cache", wait=True)
        )
    assert not isinstance(failed.value, ServiceValidationError)
    assert failed.value.translation_key == "action_rejected"
    assert (failed.value.translation_placeholders or {})["message"] == (
        "Script execution failed: exit status 1"
    )
    assert server.statuses(before) == [500, 500]


async def test_refresh_container_updates(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """The check's answer is applied at once, as if pushed."""
    server = two[0]
    coordinator = server.entry.runtime_data
    server.sim.faults.muted.add("docker_updates_update")  # only the answer tells
    server.sim.set_image_update("plex", True)
    assert coordinator.data.container_updates.get("plex") is not True
    await _call(hass, "refresh_container_updates", _on(server))
    assert coordinator.data.container_updates["plex"] is True
    result = coordinator.data.objects[Topic.DOCKER_UPDATES]
    assert "plex" in {c.container_name for c in result.containers if c.available}
    server.sim.faults.set_rest_mode("500", "/api/v1/docker/updates/refresh")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "refresh_container_updates", _on(server))
    assert err.value.translation_key == "action_rejected"


async def test_refresh_plugin_updates(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """The plugins with an update, applied at once."""
    server = two[0]
    coordinator = server.entry.runtime_data
    server.sim.faults.muted.add("plugin_updates_update")
    plugin = next(p for p in server.sim.state.plugins if p["name"] == "user.scripts")
    plugin.update(update_available=True, latest_version="2026.09.01")
    await _call(hass, "refresh_plugin_updates", _on(server))
    listing = coordinator.data.plugin_updates
    assert listing is not None
    assert "user.scripts" in {p.name for p in listing.plugins}


async def test_refresh_actions_on_an_older_agent(
    hass: HomeAssistant, start_server: StartServer
) -> None:
    """Agents before 2026.06.01 lack both checks: a plain 404, a failure."""
    server = await start_server(profile="2026.05")
    for service in ("refresh_container_updates", "refresh_plugin_updates"):
        with pytest.raises(HomeAssistantError) as err:
            await _call(hass, service, _on(server))
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == "action_rejected"
    assert server.statuses()[-2:] == [404, 404]


async def _turns(done: Callable[[], bool]) -> None:
    """Turn the loop (its clock is frozen) until ``done()``."""
    for _ in range(5000):
        if done():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


async def test_waited_script_past_the_answer_limit(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """A script waited on past 30 s loses its answer: the outcome is unknown."""
    server = two[0]
    server.sim.durations.user_script = 40
    call = asyncio.ensure_future(
        _call(
            hass,
            "run_user_script",
            _on(server, script="backup_appdata", wait=True),
            response=True,
        )
    )
    await _turns(lambda: server.sim.sleeping == 1)
    server.sim.advance(40)
    await _turns(call.done)
    with pytest.raises(HomeAssistantError) as failed:
        await call
    assert failed.value.translation_key == "script_unanswered"
    assert server.statuses() == [0]


async def test_update_check_past_the_answer_limit(
    hass: HomeAssistant, two: tuple[Server, Server]
) -> None:
    """A check cut at 30 s loses its answer: no error, the agent pushes its result."""
    server = two[0]
    server.sim.durations.plugin_check = 45
    call = asyncio.ensure_future(_call(hass, "refresh_plugin_updates", _on(server)))
    await _turns(lambda: server.sim.sleeping == 1)
    server.sim.advance(30)
    await _turns(call.done)
    assert await call is None
    assert server.statuses() == [0]
