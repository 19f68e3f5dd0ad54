"""Push first: the REST seed, then WebSocket frames with no REST calls."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
import pytest

from custom_components.unraid_management_agent.coordinator import SUBSCRIPTION
from tests.helpers import (
    SERVER,
    Agent,
    assert_matches_simulator,
    entity_id,
    move_time,
    settle,
    setup_entry,
    wait_until,
)

SEED_PATHS = 23


async def test_seed_gives_values_before_the_first_frame(
    hass: HomeAssistant, agent: Agent, config_entry: Any
) -> None:
    """Entities have the REST seed's values before any frame arrived."""
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    assert coordinator.stats.frames_total == 0
    assert len(agent.rest_requests()) == SEED_PATHS
    assert_matches_simulator(hass, agent.sim)
    assert (
        hass.states.get(entity_id(hass, "sensor", f"{SERVER}_connection_mode")).state
        == "push"
    )


async def test_control_shows_from_the_next_frame_without_rest(
    hass: HomeAssistant, agent: Agent, config_entry: Any
) -> None:
    """A container stopped on the server shows in HA from the next frame alone."""
    await setup_entry(hass, config_entry)
    switch = entity_id(hass, "switch", f"{SERVER}_container_plex_running")
    assert hass.states.get(switch).state == STATE_ON
    requests = len(agent.sim.request_log)

    agent.sim.set_container_state("plex", "exited")
    agent.sim.publish("container_list_update")
    await wait_until(hass, lambda: hass.states.get(switch).state == "off")

    assert len(agent.sim.request_log) == requests
    assert_matches_simulator(hass, agent.sim)


async def _run_an_hour(
    hass: HomeAssistant, agent: Agent, freezer: Any, coordinator: Any
) -> None:
    """Advance the simulator and HA's clock together for an hour, 15 s at a time."""
    for _ in range(240):
        before = coordinator.stats.frames_total
        topics = agent.sim.advance(15)
        expected = len([t for t in topics if t in SUBSCRIPTION])
        await wait_until(
            hass, lambda b=before, e=expected: coordinator.stats.frames_total >= b + e
        )
        await move_time(hass, freezer, 15)


async def test_steady_push_makes_no_rest_requests_for_an_hour(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """With the stream up and no faults, nothing is polled after the seed."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    seeded = len(agent.rest_requests())

    await _run_an_hour(hass, agent, freezer, coordinator)
    await settle(hass)

    assert len(agent.rest_requests()) == seeded
    assert coordinator.stats.frames_total > 400
    assert coordinator.mode.value == "push"
    assert coordinator.stats.connects == 1
    assert_matches_simulator(hass, agent.sim)


@pytest.mark.parametrize("sim_options", [{"legacy": True}])
async def test_legacy_agent_steady_push(
    hass: HomeAssistant, agent: Agent, config_entry: Any, freezer: Any
) -> None:
    """An agent before 2026.03 (every frame says "update") drives the same updates."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    coordinator = config_entry.runtime_data
    for _ in range(8):
        before = coordinator.stats.frames_total
        topics = agent.sim.advance(15)
        pushed = [topic for topic in topics if agent.sim.profile.pushes(topic)]
        await wait_until(
            hass,
            lambda b=before, n=len(pushed): coordinator.stats.frames_total >= b + n,
        )
        await move_time(hass, freezer, 15)
    assert coordinator.stats.unknown == 0
    assert coordinator.stats.by_topic["system_update"] >= 8
    assert_matches_simulator(hass, agent.sim)
