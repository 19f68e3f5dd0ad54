"""Liveness under hostile input: bad numbers, failing updates, a dead listener, bad REST."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.push import PushListener
from tests.helpers import (
    LISTENER_TASK,
    SERVER,
    Agent,
    assert_matches_simulator,
    entity_id,
    move_time,
    settle,
    wait_until,
)

#: Numbers no agent can send: JSON extensions, overflowing floats, > 64 bits.
HOSTILE = ("Infinity", "-Infinity", "NaN", "1e309", "1e308", str(2**70))

#: Topics with numbers, and whether the first item is what is shown.
NUMERIC_TOPICS = (
    "system_update",
    "array_status_update",
    "disk_list_update",
    "share_list_update",
    "container_list_update",
    "vm_list_update",
    "ups_status_update",
    "gpu_metrics_update",
    "network_list_update",
)


def state(hass: HomeAssistant, platform: str, key: str) -> str:
    """Return the state of one of the server's entities by unique-id suffix."""
    return hass.states.get(entity_id(hass, platform, f"{SERVER}_{key}")).state


def _numeric_fields(item: dict[str, Any]) -> list[str]:
    return [
        key
        for key, value in item.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]


@pytest.mark.parametrize("topic", NUMERIC_TOPICS)
async def test_hostile_numbers_never_stop_updates(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    topic: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every number of a frame is hostile: ignored, nothing raised, the stream goes on."""
    coordinator = running
    sim = agent.sim
    cache = sim.caches[topic]
    item = cache[0] if isinstance(cache, list) else cache
    fields = _numeric_fields(item)
    assert fields
    sim.faults.send_nonfinite(
        topic, **{name: HOSTILE[n % len(HOSTILE)] for n, name in enumerate(fields)}
    )
    await wait_until(hass, lambda: coordinator.stats.by_topic[topic] >= 1)
    await settle(hass)
    assert coordinator.stats.apply_errors == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # Updates go on: a change on the server arrives by push.
    sim.set_container_state("plex", "exited")
    sim.publish("container_list_update")
    sim.publish("system_update")
    await wait_until(
        hass, lambda: state(hass, "switch", "container_plex_running") == "off"
    )
    await settle(hass)
    assert coordinator.stats.disconnects == 0
    assert coordinator.stream_connected
    assert_matches_simulator(hass, sim)


@pytest.mark.parametrize("uptime", ["1e308", str(2**70), "-5", "1e19"])
async def test_boot_time_is_bounded(
    hass: HomeAssistant, agent: Agent, running: Any, uptime: str
) -> None:
    """An absurd uptime leaves the last boot time as it was."""
    coordinator = running
    boot = coordinator.data.boot_time
    agent.sim.faults.send_nonfinite("system_update", uptime_seconds=uptime)
    await wait_until(hass, lambda: coordinator.stats.by_topic["system_update"] >= 1)
    await settle(hass)
    assert coordinator.data.boot_time == boot
    assert state(hass, "sensor", "boot_time") != STATE_UNAVAILABLE
    assert coordinator.stats.apply_errors == 0


async def test_entity_that_raises_is_contained(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One entity failing to take a value: logged once, counted, others updated."""
    coordinator = running
    cpu = entity_id(hass, "sensor", f"{SERVER}_cpu_usage")
    entity = next(
        e
        for e in hass.data["entity_components"]["sensor"].entities
        if e.entity_id == cpu
    )

    def explode() -> None:
        raise ValueError("Sensor cannot take this value")

    monkeypatch.setattr(entity, "async_write_ha_state", explode)
    for _ in range(3):
        agent.sim.advance(15)  # system frames with new values
        await settle(hass)
    agent.sim.set_container_state("plex", "exited")
    agent.sim.publish("container_list_update")
    await wait_until(
        hass, lambda: state(hass, "switch", "container_plex_running") == "off"
    )
    errors = [r for r in caplog.records if "failed to update" in r.getMessage()]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert coordinator.stats.apply_errors >= 1
    assert coordinator.stats.disconnects == 0


async def test_frame_that_cannot_be_applied_is_dropped(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A frame whose application raises is dropped; later frames still apply."""
    coordinator = running
    original = coordinator.apply

    def apply(channel: Any, payload: Any, **kwargs: Any) -> bool:
        if channel is Topic.ARRAY:
            raise RuntimeError("bug")
        return original(channel, payload, **kwargs)

    monkeypatch.setattr(coordinator, "apply", apply)
    for _ in range(2):
        agent.sim.publish("array_status_update")
    agent.sim.set_container_state("plex", "exited")
    agent.sim.publish("container_list_update")
    await wait_until(
        hass, lambda: state(hass, "switch", "container_plex_running") == "off"
    )
    dropped = [r for r in caplog.records if "could not be applied" in r.getMessage()]
    assert len(dropped) == 1 and dropped[0].exc_info is not None
    assert coordinator.stats.apply_errors == 2
    assert coordinator.stats.disconnects == 0


def _listener_task(hass: HomeAssistant) -> asyncio.Task[Any]:
    return next(
        task
        for task in hass.config_entries.async_entries("unraid_management_agent")[
            0
        ]._background_tasks
        if LISTENER_TASK in task.get_name() and not task.done()
    )


async def test_cancelled_listener_is_restarted(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """The listener task cancelled from outside: polling at once, then push again."""
    coordinator = running
    _listener_task(hass).cancel()
    await wait_until(hass, lambda: coordinator.stats.listener_restarts == 1)
    await settle(hass)
    assert not coordinator.stream_connected
    assert coordinator.update_interval is not None  # polling meanwhile
    agent.sim.set_container_state("plex", "exited")
    agent.sim.advance(30)  # published to nobody
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert coordinator.stream_connected
    assert state(hass, "switch", "container_plex_running") == "off"


async def test_crashed_listener_is_restarted(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug that escapes the listener: logged with its traceback, restarted."""
    coordinator = running
    crashes = iter([RuntimeError("listener bug")])

    async def crash(self: PushListener) -> tuple[Any, float | None]:
        raise next(crashes)

    monkeypatch.setattr(PushListener, "_connect", crash)
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.listener_restarts == 1)
    crashed = [r for r in caplog.records if "crashed" in r.getMessage()]
    assert len(crashed) == 1 and crashed[0].exc_info is not None
    monkeypatch.undo()
    _base, delay = coordinator.stats.backoff[-1]
    await move_time(hass, freezer, delay)
    await wait_until(hass, lambda: coordinator.stats.connects == 2)
    await settle(hass)
    assert coordinator.stream_connected


async def test_unload_does_not_restart_the_listener(
    hass: HomeAssistant, agent: Agent, running: Any, config_entry: Any
) -> None:
    """Unloading cancels the listener for good."""
    coordinator = running
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert coordinator.stats.listener_restarts == 0
    assert agent.sim.ws_client_count == 0


@pytest.mark.parametrize("fault", ["error200", "empty200"])
async def test_error_that_arrives_as_200_is_a_failed_read(
    hass: HomeAssistant,
    agent: Agent,
    running: Any,
    freezer: Any,
    fault: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 200 with an error body or none: the topic failed, last data kept, said once."""
    coordinator = running
    containers = dict(coordinator.data.containers)
    agent.sim.faults.set_rest_mode(fault, "/api/v1/docker")
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()  # polling now
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    for _ in range(2):
        await move_time(hass, freezer, 30)
        await settle(hass)
    assert coordinator.data.containers == containers  # nothing vanished
    assert Topic.CONTAINERS in coordinator.failed_topics
    assert state(hass, "switch", "container_plex_running") == STATE_UNAVAILABLE
    assert state(hass, "sensor", "cpu_usage") != STATE_UNAVAILABLE
    logged = [r for r in caplog.records if "Could not read container" in r.getMessage()]
    assert len(logged) == 1

    agent.sim.faults.clear()
    await move_time(hass, freezer, 30)
    await settle(hass)
    assert Topic.CONTAINERS not in coordinator.failed_topics
    assert state(hass, "switch", "container_plex_running") == "on"


async def test_hour_long_retry_after_is_capped(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """A proxy's 429 with Retry-After: 3600 holds reads and the stream 60 s at most."""
    coordinator = running
    agent.sim.faults.rest_mode = "429-hour"
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    await settle(hass)
    agent.sim.faults.clear()
    for _ in range(13):  # 65 s
        await move_time(hass, freezer, 5)
        await settle(hass)
    assert coordinator.stats.connects == 2
    assert coordinator.stream_connected


async def test_agent_restart_returns_to_push_within_5_s(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """After a 75 s restart where nothing answers, push is back within 5 s."""
    coordinator = running
    sim = agent.sim
    sim.faults.offline = True
    sim.faults.drop_websockets()
    await wait_until(hass, lambda: coordinator.stats.disconnects == 1)
    for _ in range(75):
        await move_time(hass, freezer, 1)
        await settle(hass)
    sim.restart()  # up again: sockets accept, first collection pending
    sim.advance(1)
    waited = 0
    while not coordinator.stream_connected and waited < 5:
        await move_time(hass, freezer, 1)
        await settle(hass)
        waited += 1
    assert coordinator.stream_connected, "push not back within 5 s"
