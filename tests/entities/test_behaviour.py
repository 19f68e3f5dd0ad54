"""What an Unraid owner relies on: quiet disks, safe defaults, right readings."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.unraid_management_agent.const import DOMAIN, MANUFACTURER
from custom_components.unraid_management_agent.sensor import MAX_ENERGY_GAP
from tests.helpers import SERVER, Agent, move_time, settle, setup_entry, wait_until

from .conftest import coordinator_of, device, eid, has_entity, state_of

DISK1 = "ST12000VN0008-2YS101_ZJV6425204"
DISK3 = "WDC_WD120EFBX-68B0EN0_JEK1551760"

#: Every REST path the integration may read. None of them touches a disk
#: (there is no per-disk or SMART endpoint among them; the disk thresholds
#: are read from Unraid's settings files): reading never wakes one.
ALLOWED_READS = {
    "/api/v1/system",
    "/api/v1/array",
    "/api/v1/ups",
    "/api/v1/hardware/full",
    "/api/v1/registration",
    "/api/v1/notifications",
    "/api/v1/unassigned",
    "/api/v1/docker/updates",
    "/api/v1/plugins/check-updates",
    "/api/v1/os/update",
    "/api/v1/mover",
    "/api/v1/disks",
    "/api/v1/shares",
    "/api/v1/docker",
    "/api/v1/vm",
    "/api/v1/gpu",
    "/api/v1/network",
    "/api/v1/zfs/pools",
    "/api/v1/array/parity-check/schedule",
    "/api/v1/array/parity-check/history",
    "/api/v1/system/flash",
    "/api/v1/collectors/status",
    "/api/v1/settings/disk-thresholds",
    "/api/v1/ws",
}


async def test_spun_down_disk(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Temperature is unknown (never 0) while a disk sleeps; spin state says so."""
    sim = agent.sim
    assert state_of(hass, "sensor", "disk", DISK3, "temperature").state == STATE_UNKNOWN
    assert state_of(hass, "sensor", "disk", DISK3, "spin_state").state == "standby"
    assert state_of(hass, "sensor", "disk", DISK1, "temperature").state == "33.0"

    sim.set_disk_spun_down("disk1")
    sim.advance(0)  # the disk watcher's collection
    await wait_until(
        hass,
        lambda: (
            state_of(hass, "sensor", "disk", DISK1, "spin_state").state == "standby"
        ),
    )
    assert state_of(hass, "sensor", "disk", DISK1, "temperature").state == STATE_UNKNOWN
    # Still a working disk: its other sensors stay available.
    assert state_of(hass, "sensor", "disk", DISK1, "usage").state not in (
        STATE_UNKNOWN,
        STATE_UNAVAILABLE,
    )

    sim.set_disk_spun_down("disk1", spun_down=False)
    sim.advance(0)
    await wait_until(
        hass,
        lambda: state_of(hass, "sensor", "disk", DISK1, "spin_state").state == "active",
    )
    assert float(state_of(hass, "sensor", "disk", DISK1, "temperature").state) > 0


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_reads_never_touch_disks(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Setup, frames, polling and the 6-hourly extras read only known paths."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    sim.advance(300)  # every collector publishes at least once
    await settle(hass)
    sim.faults.refuse_websockets = True
    sim.faults.drop_websockets()
    await wait_until(hass, lambda: not coordinator.stream_connected)
    await settle(hass)
    await move_time(hass, freezer, 6 * 3600)  # a poll, the extras refresh
    await settle(hass)
    sim.faults.refuse_websockets = False
    await move_time(hass, freezer, 600)
    await settle(hass)
    reads = {r.path for r in sim.request_log if r.method == "GET"}
    assert reads <= ALLOWED_READS, reads - ALLOWED_READS
    assert all(r.method == "GET" for r in sim.request_log)


async def test_defaults_for_destructive_buttons(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Array stop, reboot, shutdown and update-all exist but are disabled until enabled."""
    registry = er.async_get(hass)
    for key in (
        "array_stop",
        "reboot",
        "shutdown",
        "array_start",
        "update_all_containers",
    ):
        entry = registry.async_get(eid(hass, "button", key))
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(entry.entity_id) is None
    reboot = registry.async_get(eid(hass, "button", "reboot"))
    assert reboot is not None
    assert reboot.original_device_class == "restart"
    for key in ("parity_check_start", "parity_check_stop"):
        entry = registry.async_get(eid(hass, "button", key))
        assert entry is not None
        assert entry.disabled_by is None


async def test_nic_defaults(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Physical interfaces (and the bridge holding the IP) on, virtual ones off."""
    registry = er.async_get(hass)
    for name, enabled in (
        ("eth0", True),
        ("eth1", True),
        ("eth2", True),
        ("br0", True),
        ("docker0", False),
        ("virbr0", False),
    ):
        for platform, key in (
            ("binary_sensor", "link"),
            ("sensor", "rx"),
            ("sensor", "tx"),
        ):
            entry = registry.async_get(eid(hass, platform, "nic", name, key))
            assert entry is not None
            assert (entry.disabled_by is None) is enabled, (name, key)
    # Docker's per-container links come and go under new names: no entities.
    for name in ("veth77eb60d", "vethbdc1db2"):
        assert not has_entity(hass, "binary_sensor", "nic", name, "link")


async def test_parity_reads_the_right_way(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """The parity problem sensor is on only when parity is not valid."""
    sim = agent.sim
    assert state_of(hass, "binary_sensor", "parity").state == STATE_OFF
    sim.state.array["parity_valid"] = False
    sim.publish("array_status_update")
    await wait_until(
        hass, lambda: state_of(hass, "binary_sensor", "parity").state == STATE_ON
    )
    registry = er.async_get(hass)
    entry = registry.async_get(eid(hass, "binary_sensor", "parity"))
    assert entry is not None
    assert entry.original_device_class == "problem"


def _energy(hass: HomeAssistant) -> float:
    return float(state_of(hass, "sensor", "ups", "ups", "energy").state)


async def test_ups_energy_integrates(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Each report's power counts until the next report; long gaps do not."""
    sim = agent.sim
    assert _energy(hass) == 0.0
    power = float(state_of(hass, "sensor", "ups", "ups", "power").state)
    sim.advance(60)  # the UPS collector reports every minute
    await wait_until(hass, lambda: _energy(hass) > 0)
    assert _energy(hass) == pytest.approx(power * 60 / 3_600_000, abs=1e-6)

    total = _energy(hass)
    sim.state.ups_connected = False  # no reports for a while
    sim.advance(MAX_ENERGY_GAP.total_seconds() + 120)
    sim.state.ups_connected = True
    sim.publish("ups_status_update")
    await settle(hass)
    assert _energy(hass) == pytest.approx(total, abs=1e-9)
    registry = er.async_get(hass)
    entry = registry.async_get(eid(hass, "sensor", "ups", "ups", "energy"))
    assert entry is not None
    assert entry.original_device_class == "energy"
    assert state_of(hass, "sensor", "ups", "ups", "energy").attributes[
        "state_class"
    ] == ("total_increasing")


async def test_ups_energy_restores(
    hass: HomeAssistant, agent: Agent, config_entry: MockConfigEntry, freezer: Any
) -> None:
    """The total survives a restart and keeps growing from there."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.tower_ups_energy", "12.5"),
                {"native_value": 12.5, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    assert _energy(hass) == 12.5
    agent.sim.advance(60)
    await wait_until(hass, lambda: _energy(hass) > 12.5)


async def test_devices(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """The server device, and child devices reached through it."""
    registry = dr.async_get(hass)
    server = registry.async_get_device(identifiers={(DOMAIN, SERVER)})
    assert server is not None
    assert server.name == "tower"
    assert server.manufacturer == MANUFACTURER == "Lime Technology"
    assert server.model == "Unraid"
    assert server.sw_version == "7.3.1"
    assert server.hw_version == "ASUSTeK COMPUTER INC. PRIME B760M-A"
    assert server.configuration_url == "http://127.0.0.1/"
    children = [
        child
        for child in dr.async_entries_for_config_entry(registry, loaded.entry_id)
        if child.id != server.id
    ]
    assert children
    assert all(child.via_device_id == server.id for child in children)
    ups = device(hass, "ups", "ups")
    assert ups is not None
    assert ups.name == "tower UPS"
    assert ups.manufacturer == "APC"  # a Back-UPS
    disk = device(hass, "disk", DISK1)
    assert disk is not None
    assert disk.name == "tower Disk 1"
    assert disk.serial_number == "ZJV6425204"
    assert disk.manufacturer == "Seagate"  # an ST… model
    plex = device(hass, "container", "plex")
    assert plex is not None
    assert plex.name == "tower plex"
    assert (plex.manufacturer, plex.model) == ("Docker", "plexinc/pms-docker")
    vm = device(hass, "vm", "Windows 11")
    assert vm is not None
    assert vm.name == "tower Windows 11"
    # Shares and NICs are things of their own, each on its device.
    entities = er.async_get(hass)
    share = entities.async_get(eid(hass, "sensor", "share", "media", "usage"))
    assert share is not None
    media = device(hass, "share", "media")
    assert media is not None
    assert media.name == "tower Share media"
    assert share.device_id == media.id
    assert share.entity_id == "sensor.tower_share_media_usage"
    eth0 = device(hass, "nic", "eth0")
    assert eth0 is not None
    assert eth0.name == "tower eth0"
    assert eth0.via_device_id == server.id


async def test_server_device_follows_an_upgrade(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A new Unraid version (or host name) reaches the device without a reload."""
    registry = dr.async_get(hass)
    sim = agent.sim
    sim.state.system["version"] = "7.3.2"
    sim.publish("system_update")

    def server() -> dr.DeviceEntry:
        found = registry.async_get_device(identifiers={(DOMAIN, SERVER)})
        assert found is not None
        return found

    await wait_until(hass, lambda: server().sw_version == "7.3.2")
    sim.publish("system_update")  # nothing changed: nothing written
    await settle(hass)
    assert server().name == "tower"


async def test_boot_time_does_not_jitter(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Uptime grows with every report; the boot time stays put."""
    before = state_of(hass, "sensor", "boot_time").state
    for _ in range(4):
        agent.sim.advance(15)
        await settle(hass)
    assert state_of(hass, "sensor", "boot_time").state == before


async def test_unreachable_server_makes_entities_unavailable(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """With no answer at all, every entity but the connection ones is unavailable."""
    coordinator = coordinator_of(loaded)
    agent.sim.faults.offline = True
    agent.sim.faults.drop_websockets()
    await wait_until(hass, lambda: not coordinator.stream_connected)
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert state_of(hass, "sensor", "cpu_usage").state == STATE_UNAVAILABLE
    assert (
        state_of(hass, "switch", "container", "plex", "running").state
        == STATE_UNAVAILABLE
    )
    assert state_of(hass, "sensor", "connection_mode").state == "offline"
    agent.sim.faults.offline = False
