"""Disks (child devices), shares, ZFS pools and Unassigned Devices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.helpers.device_registry import DeviceInfo

from ..api import Topic
from ..api.controls import remote_share_source_error
from ..api.models import (
    DiskInfo,
    ShareInfo,
    UnassignedDevice,
    UnassignedRemoteShare,
    ZFSPool,
)
from ..coordinator import UnraidCoordinator
from ..data import Extra, UnraidData
from ..descriptions import (
    ItemBinarySensorDescription,
    ItemSensorDescription,
    ItemSwitchDescription,
)
from ..devices import Kind, child_device_info, server_name, slot_label
from ..entity import ItemGroup
from .thresholds import DiskHeat, disk_heat, heat_attributes, reached
from .vendors import maker_of

#: Pseudo-disks get server-level sensors; the boot flash and empty slots no device.
_NOT_A_DISK_DEVICE = frozenset({"docker_vdisk", "log"})
_SMART_OK = frozenset({"PASSED", "OK"})
#: ``unknown`` (no device node) is shown as Home Assistant's unknown state.
SPIN_STATES = ["active", "standby"]
#: disks.ini statuses without the ``DISK_`` prefix.
DISK_STATUSES = [
    "ok",
    "np",
    "np_missing",
    "invalid",
    "wrong",
    "dsbl",
    "np_dsbl",
    "dsbl_new",
    "new",
    "other",
]
ZFS_HEALTH = [
    "online",
    "degraded",
    "faulted",
    "offline",
    "unavail",
    "removed",
    "suspended",
    "other",
]


def _disk_items(data: UnraidData) -> dict[str, DiskInfo]:
    return {
        key: disk
        for key, disk in data.disks.items()
        if disk.role not in _NOT_A_DISK_DEVICE
        and disk.name != "flash"
        and disk.status not in ("DISK_NP", "DISK_NP_DSBL")
    }


def _disk_device(
    coordinator: UnraidCoordinator, key: str, disk: DiskInfo
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.DISK,
        key,
        name=f"{server_name(coordinator)} {slot_label(disk.name or key)}",
        model=disk.model or None,
        manufacturer=maker_of(disk.model),
        serial_number=disk.serial_number or None,
    )


def disk_temperature(disk: DiskInfo) -> float | None:
    """Return the temperature; unknown (never 0) while the disk is spun down."""
    if disk.spin_state == "standby" or not disk.temperature_celsius:
        return None
    return disk.temperature_celsius


def smart_problem(disk: DiskInfo) -> bool | None:
    """Return True for a failing SMART verdict; None when SMART is unknown."""
    status = (disk.smart_status or "").upper()
    if not status or status == "UNKNOWN":
        return None
    return status not in _SMART_OK


def disk_status(disk: DiskInfo) -> str | None:
    """Map the disks.ini status (``DISK_DSBL``) to an option (``dsbl``)."""
    if not disk.status:
        return None
    status = disk.status.removeprefix("DISK_").lower()
    return status if status in DISK_STATUSES else "other"


def zfs_health(pool: Any) -> str | None:
    """Map a pool's health (``DEGRADED``) to an option (``degraded``)."""
    if not pool.health:
        return None
    health = str(pool.health).lower()
    return health if health in ZFS_HEALTH else "other"


def _has_filesystem(disk: DiskInfo) -> bool:
    return bool(disk.filesystem or disk.mount_point) and disk.size_bytes is not None


DISKS = ItemGroup(
    channel=Topic.DISKS,
    prefix="disk",
    items_fn=_disk_items,
    device_fn=_disk_device,
)

#: Disks, shares and pools hold terabytes: shown in TiB (users can change it).
_DATA_SIZE: dict[str, Any] = {
    "device_class": SensorDeviceClass.DATA_SIZE,
    "native_unit_of_measurement": UnitOfInformation.BYTES,
    "suggested_unit_of_measurement": UnitOfInformation.TEBIBYTES,
    "suggested_display_precision": 2,
}

#: Entities reading a disk with its temperature thresholds (``DiskHeat``).
_WITH_THRESHOLDS: dict[str, Any] = {
    "source_fn": disk_heat,
    "source_channels": (Extra.DISK_THRESHOLDS,),
}


def _heat(
    name: str, limit: Callable[[DiskHeat], int | None]
) -> ItemBinarySensorDescription:
    """On while the disk is at or above its warning (or critical) temperature.

    Unknown while it is spun down; only for disks with a known threshold.
    """
    return ItemBinarySensorDescription(
        key=f"temperature_{name}",
        translation_key=f"disk_temperature_{name}",
        device_class=BinarySensorDeviceClass.HEAT,
        is_on_fn=lambda heat: reached(disk_temperature(heat.disk), limit(heat)),
        exists_fn=lambda heat: limit(heat) is not None,
        **_WITH_THRESHOLDS,
    )


DISK_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="temperature",
        translation_key="disk_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda heat: disk_temperature(heat.disk),
        attrs_fn=heat_attributes,
        **_WITH_THRESHOLDS,
    ),
    ItemSensorDescription(
        key="spin_state",
        translation_key="spin_state",
        device_class=SensorDeviceClass.ENUM,
        options=SPIN_STATES,
        value_fn=lambda disk: (
            disk.spin_state if disk.spin_state in SPIN_STATES else None
        ),
        exists_fn=lambda disk: disk.spin_state is not None,
    ),
    ItemSensorDescription(
        key="status",
        translation_key="disk_status",
        device_class=SensorDeviceClass.ENUM,
        options=DISK_STATUSES,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=disk_status,
    ),
    ItemSensorDescription(
        key="usage",
        translation_key="disk_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda disk: disk.usage_percent,
        exists_fn=_has_filesystem,
    ),
    ItemSensorDescription(
        key="used",
        translation_key="disk_used",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda disk: disk.used_bytes,
        exists_fn=_has_filesystem,
        **_DATA_SIZE,
    ),
    ItemSensorDescription(
        key="free",
        translation_key="disk_free",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda disk: disk.free_bytes,
        exists_fn=_has_filesystem,
        **_DATA_SIZE,
    ),
    ItemSensorDescription(
        key="read",
        translation_key="disk_read",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda disk: disk.read_bytes,
        **_DATA_SIZE,
    ),
    ItemSensorDescription(
        key="written",
        translation_key="disk_written",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda disk: disk.write_bytes,
        **_DATA_SIZE,
    ),
    ItemSensorDescription(
        key="io_utilization",
        translation_key="disk_io_utilization",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda disk: disk.io_utilization_percent,
    ),
    ItemSensorDescription(
        key="power_on_hours",
        translation_key="disk_power_on_hours",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda disk: disk.power_on_hours,
        exists_fn=lambda disk: disk.power_on_hours is not None,
    ),
)

DISK_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="smart",
        translation_key="disk_smart",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=smart_problem,
        attrs_fn=lambda disk: {
            "smart_status": disk.smart_status,
            "smart_errors": disk.smart_errors,
        },
    ),
    _heat("warning", lambda heat: heat.warning),
    _heat("critical", lambda heat: heat.critical),
)

# Shares (a device each) -----------------------------------------------------


def _share_device(
    coordinator: UnraidCoordinator, key: str, _share: ShareInfo
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.SHARE,
        key,
        name=f"{server_name(coordinator)} Share {key}",
        model="User share",
    )


SHARES = ItemGroup(
    channel=Topic.SHARES,
    prefix="share",
    items_fn=lambda data: data.shares,
    device_fn=_share_device,
)

SHARE_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="usage",
        translation_key="share_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda share: share.usage_percent,
    ),
    ItemSensorDescription(
        key="free",
        translation_key="share_free",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda share: share.free_bytes,
        **_DATA_SIZE,
    ),
)

# ZFS pools (a device each) --------------------------------------------------


def _pool_device(
    coordinator: UnraidCoordinator, key: str, _pool: ZFSPool
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.POOL,
        key,
        name=f"{server_name(coordinator)} Pool {key}",
        model="ZFS pool",
    )


ZFS_POOLS = ItemGroup(
    channel=Topic.ZFS_POOLS,
    prefix="zfs",
    items_fn=lambda data: data.zfs_pools,
    device_fn=_pool_device,
)

ZFS_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="health",
        translation_key="zfs_health",
        device_class=SensorDeviceClass.ENUM,
        options=ZFS_HEALTH,
        value_fn=zfs_health,
    ),
    ItemSensorDescription(
        key="usage",
        translation_key="zfs_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda pool: pool.capacity_percent,
    ),
    ItemSensorDescription(
        key="free",
        translation_key="zfs_free",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda pool: pool.free_bytes,
        **_DATA_SIZE,
    ),
)

ZFS_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="problem",
        translation_key="zfs_problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda pool: (
            None if not pool.health else pool.health.upper() != "ONLINE"
        ),
    ),
)

# Unassigned Devices (on the server device) ----------------------------------


def _ud_devices(data: UnraidData) -> dict[str, UnassignedDevice]:
    listing = data.unassigned
    if listing is None:
        return {}
    return {
        (device.serial_number or device.device or ""): device
        for device in listing.devices or ()
        if device.serial_number or device.device
    }


#: Where Unassigned Devices mounts its root shares.
ROOT_SHARE_PREFIX = "/mnt/rootshare/"


def remote_share_key(share: UnassignedRemoteShare) -> str | None:
    """Return a remote share's stable key: its source, or a root share's mount point.

    A UD root share is reported with its configured source ``//server/share``
    while unmounted, and with the bare name it is mounted under
    (``/mnt/rootshare/<name>``) while mounted; its mount point is the same in
    both states.
    """
    if share.type == "root" and (share.mount_point or "").startswith(ROOT_SHARE_PREFIX):
        return share.mount_point
    return share.source or None


def _remote_shares(data: UnraidData) -> dict[str, UnassignedRemoteShare]:
    listing = data.unassigned
    if listing is None:
        return {}
    shares: dict[str, UnassignedRemoteShare] = {}
    for share in listing.remote_shares or ():
        key = remote_share_key(share)
        if key is not None:
            shares[key] = share
    return shares


def _mountable(share: UnassignedRemoteShare) -> bool:
    """Whether the agent mounts and unmounts this share by the source it reports.

    It takes only ``//server/share`` and ``server:/export``; a root share is
    reported, once mounted, under a bare name it refuses.
    """
    return (
        share.type != "root" and remote_share_source_error(share.source or "") is None
    )


def _remote_label(key: str, _share: UnassignedRemoteShare | None) -> str:
    return key.removeprefix(ROOT_SHARE_PREFIX)


UNASSIGNED_DEVICES = ItemGroup(
    channel=Topic.UNASSIGNED,
    prefix="ud",
    items_fn=_ud_devices,
    label_fn=lambda key, device: (device.identification or device.model or key).replace(
        "_", " "
    ),
)

REMOTE_SHARES = ItemGroup(
    channel=Topic.UNASSIGNED,
    prefix="remote",
    items_fn=_remote_shares,
    label_fn=_remote_label,
)

UD_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="mounted",
        translation_key="ud_mounted",
        is_on_fn=lambda device: device.status == "mounted" if device.status else None,
    ),
)

REMOTE_SHARE_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="mounted",
        translation_key="remote_share_mounted",
        entity_registry_enabled_default=False,
        is_on_fn=lambda share: share.status == "mounted" if share.status else None,
    ),
)

REMOTE_SHARE_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="usage",
        translation_key="remote_share_usage",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda share: (
            share.usage_percent if share.status == "mounted" else None
        ),
    ),
)

REMOTE_SHARE_SWITCHES: tuple[ItemSwitchDescription, ...] = (
    ItemSwitchDescription(
        key="mount",
        translation_key="remote_share_mount",
        is_on_fn=lambda share: share.status == "mounted" if share.status else None,
        # Switches exist only for shares whose key is their source.
        turn_on_fn=lambda client, key, _share: client.remote_share_action(
            key, mount=True
        ),
        turn_off_fn=lambda client, key, _share: client.remote_share_action(
            key, mount=False
        ),
        exists_fn=_mountable,
    ),
)
