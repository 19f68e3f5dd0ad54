"""Long updates and update checks: the agent's 30 s write timeout and its bounded checks.

The simulator completes an update at once and, when its configured duration
reaches the agent's write timeout, closes the connection unanswered. The
update checks wait on the simulator's clock, so a test moves the agent's
clock (``sim.advance``) and Home Assistant's (``move_time``) on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.unraid_management_agent.update import PENDING_INSTALL_LIMIT
from tests.helpers import Agent, move_time, settle, wait_until
from uma_simulator.collect import collect_docker_updates
from uma_simulator.longops import cut_check
from uma_simulator.wire import go_time

from .conftest import coordinator_of, eid, has_entity

PLEX = ("update", "container", "plex", "image")
RADARR = ("update", "container", "radarr", "image")
PROWLARR = ("update", "container", "prowlarr", "image")
PLUGIN = ("update", "plugin", "community.applications", "update")


def _state(hass: HomeAssistant, entity: tuple[str, ...]) -> State:
    state = hass.states.get(eid(hass, *entity))
    assert state is not None
    return state


def _posts(agent: Agent, path: str) -> list[int | None]:
    """Statuses of the POSTs to ``path`` (0: closed without an answer)."""
    return [
        r.status
        for r in agent.sim.request_log
        if r.method == "POST" and r.path == "/api/v1" + path
    ]


async def _offer(hass: HomeAssistant, agent: Agent, *names: str) -> None:
    """Let the registry have a newer image for ``names``; wait for the offers."""
    for name in names:
        agent.sim.set_image_update(name)
    agent.sim.publish("docker_updates_update")
    await wait_until(
        hass,
        lambda: all(
            _state(hass, ("update", "container", n, "image")).state == STATE_ON
            for n in names
        ),
    )


def _press_check(hass: HomeAssistant) -> asyncio.Task[None]:
    """Press "check for container updates" without waiting for it.

    Not a task of Home Assistant's: waiting for those would wait for the
    check, which waits for the test to move the agent's clock.
    """
    return asyncio.get_running_loop().create_task(
        hass.services.async_call(
            "button",
            "press",
            {"entity_id": eid(hass, "button", "check_container_updates")},
            blocking=True,
        )
    )


async def _install(hass: HomeAssistant, entity: tuple[str, ...]) -> None:
    await hass.services.async_call(
        "update", "install", {"entity_id": eid(hass, *entity)}, blocking=True
    )


async def test_unanswered_update_confirmed_by_new_id(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Past the write timeout: no error, in progress until the recreated container shows."""
    sim = agent.sim
    await _offer(hass, agent, "plex")
    old_id = sim.find_container("plex")["id"]  # type: ignore[index]
    sim.durations.container_update = 45

    await _install(hass, PLEX)
    assert _posts(agent, "/docker/plex/update") == [0]
    state = _state(hass, PLEX)
    assert state.state == STATE_ON
    assert state.attributes["in_progress"] is True
    new_id = sim.find_container("plex")["id"]  # type: ignore[index]
    assert new_id != old_id  # the agent did it all the same

    sim.publish("container_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(hass, lambda: coordinator.data.containers["plex"].id == new_id)
    state = _state(hass, PLEX)
    assert state.state == STATE_OFF
    assert state.attributes["in_progress"] is False


async def test_unanswered_update_not_done(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Past the agent's own 10 minutes: not done; the next check clears the progress."""
    sim = agent.sim
    await _offer(hass, agent, "radarr")
    sim.durations.container_update = 700
    await _install(hass, RADARR)
    assert _state(hass, RADARR).attributes["in_progress"] is True

    # A frame with the same container carries no update status: still unknown.
    coordinator = coordinator_of(loaded)
    before = coordinator.data.containers["radarr"]
    sim.publish("container_list_update")
    await wait_until(hass, lambda: coordinator.data.containers["radarr"] is not before)
    await settle(hass)
    assert _state(hass, RADARR).attributes["in_progress"] is True

    # The next registry check still sees the same container with its update.
    sim.advance(1)
    sim.publish("docker_updates_update")
    await wait_until(
        hass, lambda: _state(hass, RADARR).attributes["in_progress"] is False
    )
    assert _state(hass, RADARR).state == STATE_ON


async def test_unanswered_update_rest_status_and_limit(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """REST ``/docker`` reporting the same container clears it; so does the time limit."""
    sim = agent.sim
    await _offer(hass, agent, "plex", "radarr")
    sim.durations.container_update = 700
    await _install(hass, PLEX)
    assert _state(hass, PLEX).attributes["in_progress"] is True
    coordinator = coordinator_of(loaded)
    sim.publish("container_list_update")  # frames first: no update status
    # A check cut before it began (zero-valued slots) tells nothing either.
    check = collect_docker_updates(sim, go_time(sim.now))
    sim.publish_raw("docker_updates_update", cut_check(check, 1, 0))
    await wait_until(
        hass,
        lambda: not (coordinator.data.docker_updates.containers or ())[0].container_id,  # type: ignore[union-attr]
    )
    assert _state(hass, PLEX).attributes["in_progress"] is True
    await coordinator.async_refresh()  # REST /docker merges the update status in
    await settle(hass)
    assert _state(hass, PLEX).attributes["in_progress"] is False
    assert _state(hass, PLEX).state == STATE_ON

    await _install(hass, RADARR)
    assert _state(hass, RADARR).attributes["in_progress"] is True
    await move_time(hass, freezer, PENDING_INSTALL_LIMIT.total_seconds() - 10)
    assert _state(hass, RADARR).attributes["in_progress"] is True
    await move_time(hass, freezer, 20)
    state = _state(hass, RADARR)
    assert state.attributes["in_progress"] is False
    assert state.state == STATE_ON


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_unanswered_update_all(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Update all, past the write timeout: its updates in progress, then done."""
    sim = agent.sim
    await _offer(hass, agent, "plex", "radarr")
    sim.durations.container_update = 20  # two of them: 40 s
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": eid(hass, "button", "update_all_containers")},
        blocking=True,
    )
    assert _posts(agent, "/docker/update-all") == [0]
    for entity in (PLEX, RADARR):
        assert _state(hass, entity).attributes["in_progress"] is True
    assert _state(hass, PROWLARR).attributes["in_progress"] is False

    sim.publish("container_list_update")
    await wait_until(
        hass,
        lambda: all(
            _state(hass, e).state == STATE_OFF
            and _state(hass, e).attributes["in_progress"] is False
            for e in (PLEX, RADARR)
        ),
    )
    # sonarr had an update too: recreated, it is confirmed as well.
    assert _state(hass, ("update", "container", "sonarr", "image")).state == STATE_OFF


async def test_unanswered_plugin_update(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A plugin update past the write timeout: done when the next list drops it.

    The agent lists only plugins with an update: one it no longer lists has
    none (its entity is unavailable until it has one again).
    """
    sim = agent.sim
    sim.advance(30)  # the staggered plugin collection
    await wait_until(hass, lambda: has_entity(hass, *PLUGIN))
    sim.durations.plugin_update = 45
    await _install(hass, PLUGIN)
    assert _posts(agent, "/plugins/community.applications/update") == [0]
    assert _state(hass, PLUGIN).attributes["in_progress"] is True

    sim.publish("plugin_updates_update")
    await wait_until(hass, lambda: _state(hass, PLUGIN).state == STATE_UNAVAILABLE)

    # Its next update: offered again, from the version now installed.
    plugin = next(p for p in sim.state.plugins if p["name"] == PLUGIN[2])
    plugin.update(update_available=True, latest_version="2026.10.01")
    sim.publish("plugin_updates_update")
    await wait_until(hass, lambda: _state(hass, PLUGIN).state == STATE_ON)
    state = _state(hass, PLUGIN)
    assert state.attributes["in_progress"] is False
    assert state.attributes["installed_version"] == "2026.09.01"
    assert state.attributes["latest_version"] == "2026.10.01"


async def test_killed_plugin_update(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """``plugin update`` killed after 60 s: the list does not change; the limit ends it.

    The agent publishes its plugin list only when it changed (and without a
    time stamp), so nothing tells a killed update from a slow one but time.
    """
    sim = agent.sim
    sim.advance(30)
    await wait_until(hass, lambda: has_entity(hass, *PLUGIN))
    sim.durations.plugin_update = 90
    await _install(hass, PLUGIN)
    assert _state(hass, PLUGIN).attributes["in_progress"] is True
    sim.advance(1)
    sim.publish("plugin_updates_update")  # the same list again
    await settle(hass)
    assert _state(hass, PLUGIN).attributes["in_progress"] is True
    await move_time(hass, freezer, PENDING_INSTALL_LIMIT.total_seconds() + 1)
    state = _state(hass, PLUGIN)
    assert state.attributes["in_progress"] is False
    assert state.state == STATE_ON
    assert state.attributes["installed_version"] == "2026.08.10"


async def _turns(condition: Callable[[], bool]) -> None:
    """Turn the event loop (sockets polled) until ``condition``.

    Not Home Assistant's waits: they would wait for the pressed button,
    which waits for the test to move the agent's clock.
    """
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


async def test_update_check_outwaits_the_agent(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """A 24 s check: the client waits for it, so the agent never cuts it short."""
    sim = agent.sim
    sim.durations.registry_check = 8  # 12 containers, 5 at a time: 24 s
    press = _press_check(hass)
    await _turns(lambda: sim.sleeping == 1)
    sim.advance(10)
    freezer.tick(timedelta(seconds=11))  # the client's clock passes 10 s
    async_fire_time_changed(hass)
    for _ in range(200):
        await asyncio.sleep(0)
    assert not press.done()
    assert sim.sleeping == 1  # the check goes on
    sim.advance(14)
    await _turns(press.done)
    await press
    assert _posts(agent, "/docker/updates/refresh") == [200]
    check = coordinator_of(loaded).data.docker_updates
    assert check is not None
    assert sum(bool(info.container_name) for info in check.containers or ()) == 12
    await settle(hass)
    assert _state(hass, PLEX).state == STATE_OFF


async def test_update_check_past_its_bound(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A check cut at 30 s loses its answer: no error, its result comes by push."""
    sim = agent.sim
    syncthing = ("update", "container", "syncthing", "image")  # the last one
    sim.publish("docker_updates_update")  # the last full check
    await wait_until(hass, lambda: _state(hass, syncthing).state == STATE_OFF)
    sim.durations.registry_check = 15  # 45 s needed: the last two never start
    press = _press_check(hass)
    await _turns(lambda: sim.sleeping == 1)
    sim.advance(30)
    await _turns(press.done)
    await press
    assert _posts(agent, "/docker/updates/refresh") == [0]
    coordinator = coordinator_of(loaded)
    await wait_until(
        hass,
        lambda: (
            coordinator.data.docker_updates is not None
            and not (coordinator.data.docker_updates.containers or ())[
                -1
            ].container_name
        ),
    )
    # Unchecked slots tell nothing: the last containers keep what was known.
    assert _state(hass, syncthing).state == STATE_OFF


async def test_failed_registry_check_is_unknown(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A check without a latest digest is unknown, not "up to date"."""
    sim = agent.sim
    homeassistant = ("update", "container", "homeassistant", "image")
    sim.publish("docker_updates_update")  # its registry is out of reach
    await wait_until(hass, lambda: _state(hass, PLEX).state == STATE_OFF)
    assert _state(hass, homeassistant).state == STATE_UNKNOWN

    sim.state.registry_unreachable.clear()
    sim.publish("docker_updates_update")
    await wait_until(hass, lambda: _state(hass, homeassistant).state == STATE_OFF)
    sim.state.registry_unreachable.add("homeassistant")
    sim.publish("docker_updates_update")
    await wait_until(hass, lambda: _state(hass, homeassistant).state == STATE_UNKNOWN)
    assert _state(hass, homeassistant).attributes["installed_version"] is not None
