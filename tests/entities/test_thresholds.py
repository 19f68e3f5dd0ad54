"""Disk temperature thresholds: attributes of the temperature, warning/critical sensors."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api.models import (
    DiskInfo,
    DiskSettingsExtended,
    SMARTAttribute,
)
from custom_components.unraid_management_agent.catalog.thresholds import (
    disk_heat,
    is_ssd,
    reached,
)
from custom_components.unraid_management_agent.data import Extra, UnraidData
from tests.helpers import Agent, settle, wait_until

from .conftest import coordinator_of, has_entity, state_of

PARITY = "WDC_WD120EFBX-68B0EN0_JEK5541440"
DISK1 = "ST12000VN0008-2YS101_ZJV6425204"
DISK3 = "WDC_WD120EFBX-68B0EN0_JEK1551760"  # spun down in ``home``
DISK4 = "ST12000VN0008-2YS101_ZJV5694575"  # its own thresholds: 40 / 50 °C
CACHE = "Samsung_SSD_980_PRO_2TB_S6B0NL0T101603"  # NVMe
THRESHOLDS = "/api/v1/settings/disk-thresholds"


def _attributes(hass: HomeAssistant, disk: str) -> dict[str, Any]:
    return dict(state_of(hass, "sensor", "disk", disk, "temperature").attributes)


def _heat(hass: HomeAssistant, disk: str, level: str) -> str:
    return state_of(hass, "binary_sensor", "disk", disk, f"temperature_{level}").state


async def _set_temperature(
    hass: HomeAssistant, agent: Agent, disk: str, c: int
) -> None:
    """Let a disk run at about ``c`` °C (±2) and wait for its sensor to show it."""
    sim = agent.sim
    sim.state.disk_base_temps[disk] = float(c)
    sim.publish("disk_list_update")
    await wait_until(
        hass,
        lambda: (
            abs(float(state_of(hass, "sensor", "disk", disk, "temperature").state) - c)
            <= 2
        ),
    )


async def test_thresholds_as_attributes(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Hard disks get the HDD thresholds, SSDs the SSD ones, a disk its own."""
    attributes = _attributes(hass, DISK1)
    assert attributes["temperature_warning"] == 45
    assert attributes["temperature_critical"] == 55
    assert _attributes(hass, PARITY)["temperature_warning"] == 45
    assert _attributes(hass, CACHE)["temperature_warning"] == 60
    assert _attributes(hass, CACHE)["temperature_critical"] == 70
    assert _attributes(hass, DISK4)["temperature_warning"] == 40
    assert _attributes(hass, DISK4)["temperature_critical"] == 50
    # Spun down: the temperature is unknown, its thresholds are not.
    assert state_of(hass, "sensor", "disk", DISK3, "temperature").state == STATE_UNKNOWN
    assert _attributes(hass, DISK3)["temperature_critical"] == 55
    for level in ("warning", "critical"):
        assert _heat(hass, DISK1, level) == STATE_OFF
        assert _heat(hass, DISK3, level) == STATE_UNKNOWN
    registry_entry = state_of(
        hass, "binary_sensor", "disk", DISK1, "temperature_warning"
    )
    assert registry_entry.attributes["device_class"] == "heat"
    assert registry_entry.name == "tower Disk 1 Temperature warning"


async def test_warning_and_critical(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """On at and above each threshold; unknown (not off) once the disk spins down."""
    await _set_temperature(hass, agent, DISK1, 49)
    assert _heat(hass, DISK1, "warning") == STATE_ON
    assert _heat(hass, DISK1, "critical") == STATE_OFF
    await _set_temperature(hass, agent, DISK1, 60)
    assert _heat(hass, DISK1, "warning") == STATE_ON
    assert _heat(hass, DISK1, "critical") == STATE_ON
    # Disk 4's own thresholds (40 / 50) count, not the global 45 / 55.
    await _set_temperature(hass, agent, DISK4, 44)
    assert _heat(hass, DISK4, "warning") == STATE_ON
    assert _heat(hass, DISK4, "critical") == STATE_OFF

    agent.sim.set_disk_spun_down("disk1")
    agent.sim.advance(0)
    await wait_until(hass, lambda: _heat(hass, DISK1, "warning") == STATE_UNKNOWN)
    assert _heat(hass, DISK1, "critical") == STATE_UNKNOWN
    assert _attributes(hass, DISK1)["temperature_warning"] == 45


async def test_changed_thresholds_and_failed_reads(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """New global thresholds are taken at the next read; a failed read keeps the last."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    await _set_temperature(hass, agent, DISK1, 40)
    assert _heat(hass, DISK1, "warning") == STATE_OFF
    sim.state.disk_thresholds["hdd_temp_warning_celsius"] = 35
    await coordinator.async_refresh_extras()
    await settle(hass)
    assert _attributes(hass, DISK1)["temperature_warning"] == 35
    assert _heat(hass, DISK1, "warning") == STATE_ON
    assert _attributes(hass, DISK4)["temperature_warning"] == 40  # its own

    sim.faults.set_rest_mode("500", THRESHOLDS)
    await coordinator.async_refresh_extras()
    await settle(hass)
    assert Extra.DISK_THRESHOLDS in coordinator.failed_topics
    # Only adds to the disk: the temperature and the sensors stay available.
    temperature = state_of(hass, "sensor", "disk", DISK1, "temperature")
    assert float(temperature.state) > 0
    assert temperature.attributes["temperature_warning"] == 35
    assert _heat(hass, DISK1, "warning") == STATE_ON


@pytest.mark.parametrize(
    "sim_options",
    [{"profile": "2025.11"}, {"profile": "2026.02"}],
    ids=["2025.11", "2026.02"],
)
async def test_agents_without_and_with_thresholds(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    sim_options: dict[str, Any],
) -> None:
    """Before 2026.01.02 (404) nothing is known: no attributes, no heat sensors."""
    coordinator = coordinator_of(loaded)
    old = sim_options["profile"] == "2025.11"
    assert (Extra.DISK_THRESHOLDS in coordinator.missing_topics) is old
    attributes = _attributes(hass, DISK1)
    assert ("temperature_warning" in attributes) is not old
    assert ("temperature_critical" in attributes) is not old
    for disk in (DISK1, DISK4):
        for level in ("warning", "critical"):
            assert (
                has_entity(hass, "binary_sensor", "disk", disk, f"temperature_{level}")
                is not old
            )
    if not old:
        assert _attributes(hass, DISK4)["temperature_critical"] == 50


def _disk(**values: Any) -> DiskInfo:
    return DiskInfo(id="x", name="disk1", **values)


def test_ssd_or_hard_disk() -> None:
    """NVMe, a model named SSD or SMART wear attributes make an SSD."""
    assert is_ssd(_disk(device="nvme0n1"))
    assert is_ssd(_disk(device="sdb", model="Samsung SSD 870 EVO 2TB"))
    wear = {"Wear_Leveling_Count": SMARTAttribute(id=177)}
    assert is_ssd(_disk(device="sdc", model="WDS100T2B0A", smart_attributes=wear))
    life = {"SSD_Life_Left": SMARTAttribute(id=231)}
    assert is_ssd(_disk(device="sdc", model="SA400S37240G", smart_attributes=life))
    spinning = {"Spin_Up_Time": SMARTAttribute(id=3)}
    assert not is_ssd(
        _disk(device="sdd", model="WDC WD120EFBX", smart_attributes=spinning)
    )
    assert not is_ssd(_disk())


def test_effective_thresholds() -> None:
    """A disk's own threshold first, then the global one; 0 is no threshold."""
    data = UnraidData()
    hdd = _disk(device="sdb", temp_warning_celsius=0, temp_critical_celsius=52)
    heat = disk_heat(data, hdd)
    assert (heat.warning, heat.critical) == (None, 52)  # no global ones known
    data.objects[Extra.DISK_THRESHOLDS] = DiskSettingsExtended(
        hdd_temp_warning_celsius=45,
        hdd_temp_critical_celsius=0,
        ssd_temp_warning_celsius=60,
        ssd_temp_critical_celsius=70,
    )
    heat = disk_heat(data, hdd)
    assert (heat.warning, heat.critical) == (45, 52)
    heat = disk_heat(data, _disk(device="sdb"))
    assert (heat.warning, heat.critical) == (45, None)
    heat = disk_heat(data, _disk(device="nvme1n1"))
    assert (heat.warning, heat.critical) == (60, 70)
    assert reached(45.0, 45) is True
    assert reached(44.9, 45) is False
    assert reached(None, 45) is None
    assert reached(50.0, None) is None
