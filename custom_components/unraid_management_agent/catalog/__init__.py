"""What entities exist: descriptions grouped by area.

Each area module declares its item groups and descriptions; this package
assembles them per platform. Platforms import only from here.
"""

from __future__ import annotations

from ..descriptions import (
    ItemBinarySensorDescription,
    ItemButtonDescription,
    ItemSensorDescription,
    ItemSwitchDescription,
    ItemUpdateDescription,
)
from ..entity import ItemGroup
from . import apps, hardware, server, storage

type Grouped[D] = tuple[tuple[ItemGroup, tuple[D, ...]], ...]

SERVER_SENSORS = server.SENSORS
SERVER_BINARY_SENSORS = server.BINARY_SENSORS
SERVER_BUTTONS = server.BUTTONS

ITEM_SENSORS: Grouped[ItemSensorDescription] = (
    (storage.DISKS, storage.DISK_SENSORS),
    (storage.SHARES, storage.SHARE_SENSORS),
    (storage.ZFS_POOLS, storage.ZFS_SENSORS),
    (storage.REMOTE_SHARES, storage.REMOTE_SHARE_SENSORS),
    (apps.CONTAINERS, apps.CONTAINER_SENSORS),
    (apps.VMS, apps.VM_SENSORS),
    (hardware.GPUS, hardware.GPU_SENSORS),
    (hardware.UPS, hardware.UPS_SENSORS),
    (hardware.NICS, hardware.NIC_SENSORS),
    (hardware.FANS, hardware.FAN_SENSORS),
)
ITEM_BINARY_SENSORS: Grouped[ItemBinarySensorDescription] = (
    (storage.DISKS, storage.DISK_BINARY_SENSORS),
    (storage.ZFS_POOLS, storage.ZFS_BINARY_SENSORS),
    (storage.UNASSIGNED_DEVICES, storage.UD_BINARY_SENSORS),
    (storage.REMOTE_SHARES, storage.REMOTE_SHARE_BINARY_SENSORS),
    (hardware.UPS, hardware.UPS_BINARY_SENSORS),
    (hardware.NICS, hardware.NIC_BINARY_SENSORS),
)
ITEM_BUTTONS: Grouped[ItemButtonDescription] = (
    (apps.CONTAINERS, apps.CONTAINER_BUTTONS),
    (apps.VMS, apps.VM_BUTTONS),
)
ITEM_SWITCHES: Grouped[ItemSwitchDescription] = (
    (apps.CONTAINERS, apps.CONTAINER_SWITCHES),
    (apps.VMS, apps.VM_SWITCHES),
    (storage.REMOTE_SHARES, storage.REMOTE_SHARE_SWITCHES),
)
ITEM_UPDATES: Grouped[ItemUpdateDescription] = (
    (apps.CONTAINERS, apps.CONTAINER_UPDATES),
    (hardware.PLUGINS, hardware.PLUGIN_UPDATES),
)
