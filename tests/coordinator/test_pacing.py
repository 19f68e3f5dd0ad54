"""The client's request pace follows the agent's version: fast where it may, gentle where the web UI shares the bucket.

These tests run the real pacing (no ``unthrottled_requests``, no
``freezer``): the seed under the shared bucket takes about 2.5 s.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api.generations import (
    FIRST_PACE,
    rate_limit_for,
)
from custom_components.unraid_management_agent.const import DOMAIN
from tests.helpers import SERVER, Agent, setup_entry


@pytest.mark.parametrize(
    ("sim_options", "pace"),
    [
        ({"profile": "current"}, (40.0, 80)),  # 50/s, burst 100 per client
        ({"profile": "2026.05"}, (5.0, 10)),  # 10/s, burst 20 shared with the web UI
        ({"profile": "2026.02"}, (40.0, 80)),  # no limit
    ],
    ids=["current", "2026.05", "2026.02"],
)
async def test_seed_is_paced_by_agent_version(
    hass: HomeAssistant, agent: Agent, sim_options: dict[str, Any], pace: Any
) -> None:
    """After the system read, the pace is the generation's; the agent never says 429."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="tower", unique_id=SERVER, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data
    limiter = coordinator.client.limiter
    assert limiter.pace == pace
    assert rate_limit_for(agent.sim.profile.agent_version).pace == pace
    assert agent.sim.limiter.rejected == 0
    assert coordinator.stats.rest_refreshes == 1
    if pace != FIRST_PACE:
        # The seed fits the larger burst: all of it went at once.
        assert limiter._tokens > pace[1] - len(agent.rest_requests()) - 2
    await hass.config_entries.async_unload(entry.entry_id)
