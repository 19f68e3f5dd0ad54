"""How raw agent values become entity values (edge cases the scenarios lack)."""

from __future__ import annotations

from datetime import UTC, datetime

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.models import (
    ContainerUpdateInfo,
    ContainerUpdatesResult,
    DiskInfo,
    NotificationList,
    ParityCheckHistory,
    ParitySchedule,
    SystemInfo,
    UnassignedDevice,
    UnassignedDeviceList,
    UnassignedRemoteShare,
    UPSStatus,
    VMInfo,
    ZFSPool,
)
from custom_components.unraid_management_agent.catalog import (
    apps,
    hardware,
    server,
    storage,
)
from custom_components.unraid_management_agent.catalog._util import (
    array_state,
    next_parity_check,
    nic_enabled_by_default,
    parity_state,
    positive,
    slug,
    used_bytes,
)
from custom_components.unraid_management_agent.data import Extra, UnraidData
from custom_components.unraid_management_agent.devices import slot_label
from tests.helpers import Agent, wait_until

from .conftest import coordinator_of, state_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("unknown", None),
        ("STARTED", "started"),
        ("Stopped", "stopped"),
        ("RECON_DISK", "reconstructing"),
        ("ERROR:TOO_MANY_MISSING_DISKS", "error"),
        ("SOMETHING_NEW", "other"),
    ],
)
def test_array_state(raw: str | None, expected: str | None) -> None:
    """The array's mdState maps to the sensor's options."""
    assert array_state(raw) == expected


def test_small_helpers() -> None:
    """Parity state, used bytes, zero readings, slugs, slot labels."""
    assert parity_state(None) is None
    assert parity_state("") == "idle"
    assert parity_state("checking") == "other"
    assert used_bytes(None, 5) is None
    assert used_bytes(10, None) is None
    assert used_bytes(5, 10) == 0
    assert positive(0.0) is None
    assert positive(41.5) == 41.5
    assert slug(" Shut Off ") == "shut_off"
    assert slot_label("disk12") == "Disk 12"
    assert slot_label("cache") == "Cache"
    assert slot_label("Fast Pool") == "Fast Pool"


@pytest.mark.parametrize(
    ("name", "ip", "enabled"),
    [
        ("eth0", None, True),
        ("enp3s0", None, True),
        ("bond0", "10.0.0.2", True),
        ("br0", "10.0.0.2", True),
        ("br0", None, False),
        ("br0.10", "10.0.10.2", True),
        ("docker0", "172.17.0.1", False),
        ("wg0", "10.253.0.1", False),
        ("vethabc", None, False),
        ("lo", None, False),
    ],
)
def test_nic_default(name: str, ip: str | None, enabled: bool) -> None:
    """Physical NICs and bridges carrying an address are on by default."""

    class Nic:
        ip_address = ip

    assert nic_enabled_by_default(name, Nic()) is enabled


def test_next_parity_check() -> None:
    """Scheduled checks only, computed from the server's own clock."""
    data = UnraidData()
    assert next_parity_check(data) is None
    data.objects[Extra.PARITY_SCHEDULE] = ParitySchedule(
        mode="manual", cron="0 3 1 * *"
    )
    assert next_parity_check(data) is None
    data.objects[Extra.PARITY_SCHEDULE] = ParitySchedule(mode="monthly")
    assert next_parity_check(data) is None
    data.objects[Extra.PARITY_SCHEDULE] = ParitySchedule(
        mode="monthly", cron="0 3 1 * *"
    )
    assert next_parity_check(data) is None  # no server time yet
    data.objects[Topic.SYSTEM] = SystemInfo(
        hostname="tower", timestamp=datetime(2026, 11, 20, 8, tzinfo=UTC)
    )
    assert next_parity_check(data) == datetime(2026, 12, 1, 3, tzinfo=UTC)


def test_server_values_without_data() -> None:
    """Counts and history attributes are unknown until the agent reports them."""
    data = UnraidData()
    unread = next(d for d in server.SENSORS if d.key == "unread_alert")
    assert unread.value_fn(data) is None
    data.objects[Topic.NOTIFICATIONS] = NotificationList()
    assert unread.value_fn(data) is None
    last = next(d for d in server.SENSORS if d.key == "last_parity_check")
    assert last.attrs_fn is not None
    data.objects[Extra.PARITY_HISTORY] = ParityCheckHistory(records=())
    assert last.attrs_fn(data) is None


def test_disk_values() -> None:
    """SMART verdicts, disk statuses and pool health."""
    assert storage.smart_problem(DiskInfo(smart_status=None)) is None
    assert storage.smart_problem(DiskInfo(smart_status="UNKNOWN")) is None
    assert storage.smart_problem(DiskInfo(smart_status="passed")) is False
    assert storage.smart_problem(DiskInfo(smart_status="FAILED")) is True
    assert storage.disk_status(DiskInfo()) is None
    assert storage.disk_status(DiskInfo(status="DISK_DSBL")) == "dsbl"
    assert storage.disk_status(DiskInfo(status="DISK_SOMETHING")) == "other"
    assert storage.disk_temperature(DiskInfo(temperature_celsius=0.0)) is None
    assert (
        storage.disk_temperature(DiskInfo(spin_state="standby", temperature_celsius=30))
        is None
    )
    assert storage.zfs_health(ZFSPool()) is None
    assert storage.zfs_health(ZFSPool(health="DEGRADED")) == "degraded"
    assert storage.zfs_health(ZFSPool(health="SPLIT")) == "other"


def test_unassigned_items() -> None:
    """Devices by serial (or device name), remote shares by source."""
    data = UnraidData()
    assert storage.UNASSIGNED_DEVICES.items_fn(data) == {}
    assert storage.REMOTE_SHARES.items_fn(data) == {}
    data.objects[Topic.UNASSIGNED] = UnassignedDeviceList(
        devices=(
            UnassignedDevice(serial_number="S1", device="sdx"),
            UnassignedDevice(device="sdy"),
            UnassignedDevice(),
        ),
        remote_shares=(
            UnassignedRemoteShare(source="//nas/a"),
            UnassignedRemoteShare(),
        ),
    )
    assert list(storage.UNASSIGNED_DEVICES.items_fn(data)) == ["S1", "sdy"]
    assert list(storage.REMOTE_SHARES.items_fn(data)) == ["//nas/a"]


def test_vm_and_ups_values() -> None:
    """Unknown libvirt states are unknown; on battery for APC and NUT."""
    assert apps.vm_state(VMInfo()) is None
    assert apps.vm_state(VMInfo(state="shut off")) == "shut_off"
    assert apps.vm_state(VMInfo(state="pmsuspended")) is None
    assert hardware.on_battery(UPSStatus()) is None
    assert hardware.on_battery(UPSStatus(status="OB LB")) is True
    assert hardware.on_battery(UPSStatus(status="ONBATT")) is True
    assert hardware.on_battery(UPSStatus(status="OL CHRG")) is False
    assert hardware.PLUGINS.items_fn(UnraidData()) == {}


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (None, None),
        ("plexinc/pms-docker:latest", "plexinc/pms-docker"),
        ("registry:5000/team/app", "registry:5000/team/app"),
        ("registry:5000/team/app:1.2", "registry:5000/team/app"),
    ],
)
def test_image_name(image: str | None, expected: str | None) -> None:
    """The model of a container device is its image without the tag."""
    assert apps._image_name(image) == expected


def test_container_versions() -> None:
    """Digests from the agent's check, else the tag; latest only when known."""
    data = UnraidData()
    container = apps.ContainerInfo(name="plex", version="1.40")
    assert apps.container_installed(data, "plex", container) == "1.40"
    assert apps.container_latest(data, "plex", container) is None
    data.container_updates["plex"] = True
    assert apps.container_latest(data, "plex", container) == "1.40 (new image)"
    data.objects[Topic.DOCKER_UPDATES] = ContainerUpdatesResult(
        containers=(
            ContainerUpdateInfo(container_name="/other"),
            ContainerUpdateInfo(
                container_name="/plex",
                current_digest="sha256:" + "a" * 64,
                latest_digest="sha256:" + "b" * 64,
            ),
        )
    )
    assert apps.container_installed(data, "plex", container) == "a" * 12
    assert apps.container_latest(data, "plex", container) == "b" * 12
    data.container_updates["plex"] = False
    assert apps.container_latest(data, "plex", container) == "a" * 12
    assert apps.container_installed(data, "sonarr", apps.ContainerInfo()) == "latest"


async def test_unknown_disk_layout_values(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A disabled disk and a pool name without a number read as expected."""
    sim = agent.sim
    disk = next(d for d in sim.state.disks if d["name"] == "disk2")
    disk["status"] = "DISK_DSBL"
    disk["smart_status"] = "FAILED"
    sim.publish("disk_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(
        hass, lambda: coordinator.data.disks[disk["id"]].status == "DISK_DSBL"
    )
    assert state_of(hass, "sensor", "disk", disk["id"], "status").state == "dsbl"
    assert state_of(hass, "binary_sensor", "disk", disk["id"], "smart").state == "on"
