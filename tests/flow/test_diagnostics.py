"""Diagnostics: the dump through Home Assistant's API, and what it must not contain."""

from __future__ import annotations

import json
import re
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.matchers import path_type

from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.diagnostics import (
    async_get_config_entry_diagnostics,
)
from tests.conftest import Agent, setup_entry
from uma_simulator import Simulator
from uma_simulator.identifying import values_under

from .common import GUID, HOSTNAME

TOKEN = "s3cret-t0ken"
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
MAC = re.compile(r"(?i)(?<![0-9a-f:])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![0-9a-f:])")


def _secrets(sim: Simulator) -> dict[str, set[str]]:
    """Collect the simulator's identifying values from its own published data."""
    caches = sim.caches
    return {
        "host": {"127.0.0.1"},
        "token": {TOKEN},
        "hostname": {HOSTNAME, caches["system_update"]["hostname"]},
        "guid": {caches["registration_update"]["guid"]},
        "serials": values_under(caches, {"serial_number", "serial"})
        - {"Default string"},  # the board's DMI placeholder, not a serial
        "macs": values_under(caches, {"mac_address"}),
        "ips": values_under(caches, {"ip_address", "ip_addresses"}),
        "remote servers": values_under(caches, {"smb_server", "nfs_server"}),
    }


@pytest.fixture
def token_entry(hass: HomeAssistant, agent: Agent) -> MockConfigEntry:
    """Add an entry for the simulator, which needs a token."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=HOSTNAME,
        unique_id=GUID,
        data=agent.entry_data(token=TOKEN),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.mark.parametrize("sim_options", [{"token": TOKEN}])
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: Any,
    agent: Agent,
    token_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """The dump is complete, stable and leaks nothing that identifies the owner."""
    await setup_entry(hass, token_entry)
    dump = await get_diagnostics_for_config_entry(hass, hass_client, token_entry)

    assert dump == snapshot(
        matcher=path_type(
            {
                r"entry\.data\.port": (int,),
                r"connection\.rest_requests": (int,),
                r"freshness\.topics\.\w+\.last_data": (str,),
            },
            regex=True,
        )
    )
    assert dump["connection"]["mode"] == "push"
    topics = dump["freshness"]["topics"]
    assert {topic["via"] for topic in topics.values()} == {"rest"}  # the seed
    assert topics["system_update"]["cadence_seconds"] == 15
    assert dump["entry"]["options"] == {}
    assert dump["data"]["objects"]["system_update"]["cpu_model"]

    text = json.dumps(dump)
    secrets = _secrets(agent.sim)
    for kind in ("serials", "macs", "ips", "remote servers"):
        assert secrets[kind], kind  # the scenario has some: the check is real
    leaks = {
        kind: sorted(value for value in values if value.lower() in text.lower())
        for kind, values in secrets.items()
    }
    assert not any(leaks.values()), leaks
    assert not IPV4.findall(text)
    assert not MAC.findall(text)


async def test_diagnostics_mask_embedded_values(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """A host name in a notification, a serial in a device id: masked there too."""
    agent.sim.add_notification(
        "Unraid Status",
        subject=f"Notice [{HOSTNAME.upper()}] - array health",
        description="Array is healthy",
    )
    await setup_entry(hass, server_entry)
    dump = await async_get_config_entry_diagnostics(hass, server_entry)
    text = json.dumps(dump)
    assert HOSTNAME not in text.lower()
    assert "Notice [**REDACTED**] - array health" in text
    # Short and generic values are left alone inside other words.
    assert "Default string" in text
