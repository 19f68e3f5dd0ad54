"""Fan speeds (``SystemInfo.fans``) and the links' duplex and auto-negotiation."""

from __future__ import annotations

from typing import Any

from homeassistant.const import (
    REVOLUTIONS_PER_MINUTE,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.models import (
    FanInfo,
    NetworkInfo,
    SystemInfo,
)
from custom_components.unraid_management_agent.catalog.hardware import (
    fans,
    nic_auto_negotiation,
    nic_duplex,
)
from custom_components.unraid_management_agent.data import UnraidData
from tests.helpers import Agent, wait_until

from .conftest import eid, has_entity, state_of

LARGE = [{"scenario": "large"}]


def _rpm(hass: HomeAssistant, name: str) -> str:
    return state_of(hass, "sensor", "fan", name, "speed").state


@pytest.mark.parametrize("sim_options", LARGE)
async def test_fans_disabled_by_default(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    sim_options: dict[str, Any],
) -> None:
    """One speed sensor per fan on the server device, off until enabled (noisy)."""
    registry = er.async_get(hass)
    for name in ("CPU Fan", "Chassis Fan 1"):
        entry = registry.async_get(eid(hass, "sensor", "fan", name, "speed"))
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert entry.translation_key == "fan_speed"
        assert entry.original_name == f"{name} speed"
    assert not has_entity(hass, "sensor", "fan", "Fan", "speed")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("sim_options", LARGE)
async def test_fan_speeds_follow_their_names(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    sim_options: dict[str, Any],
) -> None:
    """Numbers in rpm, each fan's own whatever order the agent lists them in."""
    sim = agent.sim
    state = state_of(hass, "sensor", "fan", "CPU Fan", "speed")
    assert state.attributes["unit_of_measurement"] == REVOLUTIONS_PER_MINUTE
    assert state.attributes["state_class"] == "measurement"
    reported = {fan["name"]: fan["rpm"] for fan in sim.caches["system_update"]["fans"]}
    assert {name: int(_rpm(hass, name)) for name in reported} == reported

    # The agent lists its fans from a map: in another order every time.
    system = sim.state.system
    system["fans"] = [
        {"name": "Chassis Fan 1", "rpm": 650},
        {"name": "CPU Fan", "rpm": 1450},
    ]
    sim.publish("system_update")

    # The system collection moves each fan a little: the order must not swap them.
    await wait_until(hass, lambda: abs(int(_rpm(hass, "CPU Fan")) - 1450) <= 20)
    assert abs(int(_rpm(hass, "Chassis Fan 1")) - 650) <= 20

    # A fan the agent no longer reports: unavailable; none at all (``null``) too.
    system["fans"] = [{"name": "CPU Fan", "rpm": 1400}]
    sim.publish("system_update")
    await wait_until(hass, lambda: _rpm(hass, "Chassis Fan 1") == STATE_UNAVAILABLE)
    assert _rpm(hass, "CPU Fan") != STATE_UNAVAILABLE
    system["fans"] = None
    sim.publish("system_update")
    await wait_until(hass, lambda: _rpm(hass, "CPU Fan") == STATE_UNAVAILABLE)


async def test_home_has_no_fans(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A board whose hwmon has no fan inputs (``fans: null``): no fan sensors."""
    assert agent.sim.caches["system_update"]["fans"] is None
    registry = er.async_get(hass)
    assert not [
        entry
        for entry in registry.entities.values()
        if entry.translation_key == "fan_speed"
    ]


def test_fan_keys() -> None:
    """By name; no name is ``Fan``; a repeated name gets a number."""
    data = UnraidData()
    assert fans(data) == {}
    data.objects[Topic.SYSTEM] = SystemInfo(fans=None)
    assert fans(data) == {}
    first, second, third = FanInfo(name="X", rpm=1), FanInfo(rpm=2), FanInfo(name="X")
    data.objects[Topic.SYSTEM] = SystemInfo(
        fans=(first, second, third, FanInfo(name=" ", rpm=4))
    )
    keyed = fans(data)
    assert list(keyed) == ["X", "Fan", "X 2", "Fan 2"]
    assert keyed["X"] is first and keyed["Fan"] is second and keyed["X 2"] is third


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_duplex_and_auto_negotiation(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """The duplex and auto-negotiation (ethtool) of the physical interfaces."""
    duplex = state_of(hass, "sensor", "nic", "eth0", "duplex")
    assert duplex.state == "full"
    assert duplex.attributes["options"] == ["full", "half"]
    assert duplex.name == "tower eth0 Duplex"
    # No link: ethtool says ``Unknown! (255)``.
    assert state_of(hass, "sensor", "nic", "eth2", "duplex").state == STATE_UNKNOWN
    auto = state_of(hass, "binary_sensor", "nic", "eth0", "auto_negotiation")
    assert auto.state == STATE_ON
    assert auto.name == "tower eth0 Auto-negotiation"
    # Bridges and virtual interfaces have no ethtool settings.
    assert not has_entity(hass, "sensor", "nic", "br0", "duplex")
    assert not has_entity(hass, "binary_sensor", "nic", "docker0", "auto_negotiation")

    sim = agent.sim
    eth0 = next(nic for nic in sim.state.network if nic["name"] == "eth0")
    eth0.update(duplex="Half", auto_negotiation="off", speed_mbps=100)
    sim.publish("network_list_update")
    await wait_until(
        hass, lambda: state_of(hass, "sensor", "nic", "eth0", "duplex").state == "half"
    )
    assert (
        state_of(hass, "binary_sensor", "nic", "eth0", "auto_negotiation").state
        == STATE_OFF
    )


async def test_duplex_and_auto_negotiation_disabled_by_default(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Both are diagnostic and off until enabled."""
    registry = er.async_get(hass)
    for platform, key in (("sensor", "duplex"), ("binary_sensor", "auto_negotiation")):
        entry = registry.async_get(eid(hass, platform, "nic", "eth0", key))
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert entry.entity_category == "diagnostic"


@pytest.mark.parametrize(
    ("duplex", "auto", "expected"),
    [
        ("Full", "on", ("full", True)),
        (" half ", "OFF", ("half", False)),
        ("Unknown! (255)", "", (None, None)),
        (None, None, (None, None)),
        ("Quarter", "maybe", (None, None)),
    ],
)
def test_duplex_values(
    duplex: str | None, auto: str | None, expected: tuple[str | None, bool | None]
) -> None:
    """The words of ethtool map to the options; anything else is unknown."""
    nic = NetworkInfo(name="eth0", duplex=duplex, auto_negotiation=auto)
    assert (nic_duplex(nic), nic_auto_negotiation(nic)) == expected
