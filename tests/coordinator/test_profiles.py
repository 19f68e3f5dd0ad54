"""Every agent generation users run: what is pushed, what is polled, what is corrected."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.freshness import POLL_CADENCES
from tests.helpers import (
    SERVER,
    Agent,
    assert_matches_simulator,
    entity_id,
    move_time,
    settle,
)
from uma_simulator.profiles import PROFILES

ALL = [{"profile": name} for name in PROFILES]
IDS = list(PROFILES)

#: Endpoints of the topics each generation pushes itself (never polled while up).
PUSHED_ENDPOINTS = {
    "/api/v1/system",
    "/api/v1/array",
    "/api/v1/disks",
    "/api/v1/shares",
    "/api/v1/docker",
    "/api/v1/vm",
    "/api/v1/ups",
    "/api/v1/gpu",
    "/api/v1/network",
}


@pytest.fixture
def sim_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Return the profile under test, with the agent's limiter lifted.

    Minutes of polling pass in wall-clock seconds here (the client's own
    pacing is lifted in these tests too).
    """
    return {**request.param, "rate_limit": 1e9, "rate_burst": 10**9}


async def run_for(
    hass: HomeAssistant, agent: Agent, freezer: Any, seconds: int
) -> None:
    """Let the agent and Home Assistant run side by side."""
    for _ in range(seconds // 15):
        agent.sim.advance(15)
        await move_time(hass, freezer, 15)
        await settle(hass)


@pytest.mark.parametrize("sim_options", ALL, ids=IDS, indirect=True)
async def test_steady_push_reads_only_what_is_not_pushed(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """Ten minutes up: states match; REST only for topics this agent does not push."""
    coordinator = running
    profile = agent.sim.profile
    mark = len(agent.rest_requests())
    await run_for(hass, agent, freezer, 600)
    assert coordinator.stream_connected
    assert coordinator.stats.disconnects == 0
    assert coordinator.stats.stalls == 0
    assert_matches_simulator(hass, agent.sim)

    polled = agent.rest_requests()[mark:]
    assert not PUSHED_ENDPOINTS & set(polled), polled
    if profile.pushes("registration_update"):
        # From 2026.03 everything used is pushed, or absent, or a live check.
        assert polled == []
    else:
        # Topics not pushed are read about every minute, not more; an
        # endpoint the agent does not have is not asked for again.
        served = [
            path
            for path in ("/registration", "/notifications")
            if not profile.lacks(path)
        ]
        for path in served:
            assert 8 <= polled.count(f"/api/v1{path}") <= 11, polled
        if not served:
            assert polled == []
    # Live checks are never run by a read.
    assert "/api/v1/docker/updates" not in polled
    assert "/api/v1/plugins/check-updates" not in polled
    generation = coordinator.freshness.generation
    assert generation.named_events is profile.named_events


@pytest.mark.parametrize("sim_options", ALL, ids=IDS, indirect=True)
async def test_new_notification_arrives_within_a_minute(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """Pushed or not: a new Unraid notification fires the event within a minute."""
    if agent.sim.profile.lacks("/notifications"):
        # Agents before 2025.11.17 have no notifications: no event entity.
        assert not hass.states.async_entity_ids("event")
        return
    events = entity_id(hass, "event", f"{SERVER}_notification")
    agent.sim.add_notification("Parity check finished", importance="normal")
    await run_for(hass, agent, freezer, int(POLL_CADENCES[Topic.NOTIFICATIONS]) + 15)
    state = hass.states.get(events)
    assert state is not None
    assert state.attributes.get("title") == "Parity check finished"


@pytest.mark.parametrize("sim_options", ALL, ids=IDS, indirect=True)
async def test_value_bugs_are_corrected(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """Disk and share sizes are the real ones on every generation."""
    coordinator = running
    sim = agent.sim
    real_disks = {d["id"]: d for d in sim.state.disks}
    for key, disk in coordinator.data.disks.items():
        assert disk.size_bytes == real_disks[key]["size_bytes"], key
        if sim.profile.io_ticks:
            assert disk.io_utilization_percent is None
    real_shares = {s["name"]: s for s in sim.state.shares}
    for name, share in coordinator.data.shares.items():
        real = real_shares[name]
        # KiB from shares.ini: the real value, to the KiB.
        assert abs(share.free_bytes - real["free_bytes"]) < 1024, name
        assert abs(share.total_bytes - real["total_bytes"]) < 1024, name
    assert bool(coordinator.corrections) is (
        sim.profile.disk_size_halved or sim.profile.share_sizes_kib
    )


@pytest.mark.parametrize(
    "sim_options", [{"profile": "2026.05"}], ids=["2026.05"], indirect=True
)
async def test_live_check_endpoints_are_never_read(
    hass: HomeAssistant, agent: Agent, running: Any, freezer: Any
) -> None:
    """2026.03–06.00 run a registry sweep per /docker/updates read: never asked."""
    coordinator = running
    requests = agent.rest_requests()
    assert "/api/v1/docker/updates" not in requests
    assert "/api/v1/plugins/check-updates" not in requests
    # Polling (stream down) does not ask either.
    agent.sim.faults.refuse_websockets = True
    agent.sim.faults.drop_websockets()
    await move_time(hass, freezer, 30)
    await settle(hass)
    await move_time(hass, freezer, 30)
    await settle(hass)
    assert coordinator.stats.rest_refreshes >= 3
    requests = agent.rest_requests()
    assert "/api/v1/docker/updates" not in requests
    assert "/api/v1/plugins/check-updates" not in requests


@pytest.mark.parametrize(
    "sim_options", [{"profile": "2025.11.0"}], ids=["2025.11.0"], indirect=True
)
async def test_absent_endpoints_stay_known_through_a_failed_reseed(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """A re-read that fails leaves the old agent's absent topics known as absent.

    They are neither failed nor current: were they forgotten, their stale read
    time would count them as current data that has gone stale.
    """
    coordinator = running
    missing = set(coordinator.missing_topics)
    assert Topic.REGISTRATION in missing
    agent.sim.faults.rest_mode = "500"
    await coordinator.async_seed()
    assert not coordinator.last_update_success
    assert coordinator.missing_topics == missing
    agent.sim.faults.rest_mode = None
    agent.sim.upgrade("current")  # the agent now has them
    agent.sim.advance(0)
    await coordinator.async_seed()
    assert coordinator.last_update_success
    assert Topic.REGISTRATION not in coordinator.missing_topics
    assert coordinator.data.objects[Topic.REGISTRATION] is not None
