"""Helpers for tests that run Home Assistant against the agent simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import homeassistant.helpers.entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.unraid_management_agent.const import DOMAIN
from uma_simulator import Simulator

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SERVER = "0781-5583-8355-81071a2b3c4d"


@dataclass
class Agent:
    """A running simulator and its address."""

    sim: Simulator
    server: TestServer

    @property
    def port(self) -> int:
        """The port the simulator listens on."""
        assert self.server.port is not None
        return self.server.port

    def entry_data(self, **extra: Any) -> dict[str, Any]:
        """Config entry data pointing at this simulator."""
        return {CONF_HOST: "127.0.0.1", CONF_PORT: self.port, **extra}

    def rest_requests(self) -> list[str]:
        """Paths of REST requests so far (the WebSocket upgrade excluded)."""
        return [r.path for r in self.sim.request_log if not r.path.endswith("/ws")]


LISTENER_TASK = "event stream"
SPIN_LIMIT = 20000
WAIT_LIMIT = 10.0


async def _spin(hass: HomeAssistant) -> None:
    """Give the loop one turn, polling sockets, without any timer.

    Tests freeze time (``freezer``), which also freezes the event loop's
    clock: a timed sleep would never end. A zero sleep still lets the loop
    poll its sockets, so loopback I/O completes.
    """
    await asyncio.sleep(0)
    await hass.async_block_till_done()


async def _wait(hass: HomeAssistant, done: Callable[[], bool]) -> bool:
    """Turn the loop until ``done()``; False if it never happened.

    Under ``freezer`` the loop's clock stands still, so this only spins the
    loop (sockets are still polled). Without it, short real sleeps also let
    the client's paced requests go out, bounded by ``WAIT_LIMIT`` seconds.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(SPIN_LIMIT):
        if done():
            return True
        now = loop.time()
        if now == start:
            await _spin(hass)
        elif now - start > WAIT_LIMIT:
            return False
        else:
            await asyncio.sleep(0.002)
            await hass.async_block_till_done()
    return False


async def settle(hass: HomeAssistant) -> None:
    """Wait until Home Assistant and our background work (polls) are idle.

    The event-stream listener runs for the life of the entry, so it is the
    one background task not waited for.
    """

    def idle() -> bool:
        return not any(
            not task.done()
            and not (
                isinstance(task, asyncio.Task) and LISTENER_TASK in task.get_name()
            )
            for task in hass._background_tasks
        )

    await _spin(hass)
    if not await _wait(hass, idle):
        pending = [
            task.get_name()
            for task in hass._background_tasks
            if not task.done() and LISTENER_TASK not in task.get_name()
        ]
        raise AssertionError(f"background work did not settle: {pending}")
    # Let frames already on the socket be read and applied.
    for _ in range(20):
        await _spin(hass)


async def wait_until(hass: HomeAssistant, condition: Callable[[], bool]) -> None:
    """Wait for loopback I/O to make ``condition`` true (never for time to pass)."""
    if not await _wait(hass, condition):
        raise AssertionError("condition not reached")


async def move_time(hass: HomeAssistant, freezer: Any, seconds: float) -> None:
    """Move Home Assistant's clock (and due loop timers) forward."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Look an entity id up by its unique id."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert found is not None, unique_id
    return found


def expected_states(sim: Simulator) -> dict[tuple[str, str], str]:
    """Return what the simulator's last collection says some entities must show.

    Keys are (platform, unique id); values are Home Assistant states.
    """
    caches = sim.caches
    expected: dict[tuple[str, str], str] = {}
    for container in caches["container_list_update"]:
        on = container["state"] in ("running", "paused", "restarting")
        expected["switch", f"{SERVER}_container_{container['name']}_running"] = (
            "on" if on else "off"
        )
        expected["sensor", f"{SERVER}_container_{container['name']}_state"] = container[
            "state"
        ]
    for vm in caches["vm_list_update"]:
        on = vm["state"] in ("running", "paused", "blocked")
        expected["switch", f"{SERVER}_vm_{vm['name']}_running"] = "on" if on else "off"
    system = caches["system_update"]
    expected["sensor", f"{SERVER}_cpu_usage"] = str(system["cpu_usage_percent"])
    expected["sensor", f"{SERVER}_ram_usage"] = str(system["ram_usage_percent"])
    array = caches["array_status_update"]
    expected["sensor", f"{SERVER}_array_state"] = array["state"].lower()
    for disk in caches["disk_list_update"]:
        if disk.get("role") in ("docker_vdisk", "log") or disk["name"] == "flash":
            continue
        temp = disk["temperature_celsius"]
        expected["sensor", f"{SERVER}_disk_{disk['id']}_temperature"] = (
            str(float(temp)) if temp else "unknown"
        )
    return expected


def _same(shown: str, want: str) -> bool:
    """Compare a state with an expected value, numerically when both are numbers."""
    try:
        return float(shown) == float(want)
    except ValueError:
        return shown == want


def assert_matches_simulator(hass: HomeAssistant, sim: Simulator) -> None:
    """Home Assistant shows what the simulator last collected."""
    mismatches = {}
    for (platform, unique_id), want in expected_states(sim).items():
        state = hass.states.get(entity_id(hass, platform, unique_id))
        assert state is not None, unique_id
        if not _same(state.state, want):
            mismatches[unique_id] = (state.state, want)
    assert not mismatches


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and wait until the listener has taken over the stream."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
