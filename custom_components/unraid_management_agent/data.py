"""The integration's view of one Unraid server, one slot per topic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import dataclasses
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from homeassistant.util import dt as dt_util

from .api import Topic
from .api.models import (
    ArrayStatus,
    CollectorsStatus,
    ContainerInfo,
    ContainerUpdatesResult,
    DiskInfo,
    DiskSettingsExtended,
    FlashDriveHealth,
    GPUMetrics,
    HardwareInfo,
    MoverStatus,
    NetworkInfo,
    NotificationList,
    OSUpdateStatus,
    ParityCheckHistory,
    ParitySchedule,
    PluginList,
    Registration,
    ShareInfo,
    SystemInfo,
    UnassignedDeviceList,
    UPSStatus,
    VMInfo,
    ZFSPool,
)


class Extra(StrEnum):
    """Data the agent serves over REST only (no WebSocket topic)."""

    PARITY_SCHEDULE = "parity_schedule"
    PARITY_HISTORY = "parity_history"
    FLASH = "flash"
    COLLECTORS = "collectors"
    DISK_THRESHOLDS = "disk_thresholds"


class Local(StrEnum):
    """Channels the integration itself produces."""

    CONNECTION = "connection"
    CONTAINER_UPDATES = "container_updates"


type Channel = Topic | Extra | Local

#: The boot time moves only when uptime says it moved by more than this.
BOOT_TIME_TOLERANCE = timedelta(seconds=60)
#: Uptimes beyond this are not believed (and would overflow a datetime).
MAX_UPTIME = timedelta(days=36500)


def _container_key(item: ContainerInfo) -> str | None:
    return item.name.lstrip("/") if item.name else None


def _gpu_key(item: GPUMetrics) -> str | None:
    if item.pci_id:
        return item.pci_id
    if item.uuid:
        return item.uuid
    return None if item.index is None else f"gpu{item.index}"


def _name_key(item: Any) -> str | None:
    name = item.name
    return name if isinstance(name, str) and name else None


def _disk_key(item: DiskInfo) -> str | None:
    return item.id or item.name or None


#: Object topics the integration keeps; each holds one model (or None).
OBJECT_TOPICS: Final[tuple[Topic, ...]] = (
    Topic.SYSTEM,
    Topic.ARRAY,
    Topic.UPS,
    Topic.HARDWARE,
    Topic.REGISTRATION,
    Topic.NOTIFICATIONS,
    Topic.UNASSIGNED,
    Topic.DOCKER_UPDATES,
    Topic.PLUGIN_UPDATES,
    Topic.OS_UPDATE,
    Topic.MOVER,
)

#: List topics the integration keeps, with the stable key of an item.
#: Containers are keyed by name: their id changes when they are recreated.
LIST_KEYS: Final[Mapping[Topic, Callable[[Any], str | None]]] = {
    Topic.DISKS: _disk_key,
    Topic.SHARES: _name_key,
    Topic.CONTAINERS: _container_key,
    Topic.VMS: _name_key,
    Topic.GPU: _gpu_key,
    Topic.NETWORK: _name_key,
    Topic.ZFS_POOLS: _name_key,
}

#: Every topic read over REST on a (re)seed and while polling.
USED_TOPICS: Final[tuple[Topic, ...]] = OBJECT_TOPICS + tuple(LIST_KEYS)


class UnraidData:
    """Current state of one server: the latest payload of every topic.

    Object topics hold a model (``None`` until known); list topics hold a
    dict of items by their stable key. The coordinator replaces a slot when
    a frame or a REST answer brings a different value; nothing here is
    ever mutated in place, so entities may keep references.
    """

    __slots__ = ("boot_time", "container_updates", "lists", "objects")

    def __init__(self) -> None:
        """Start empty."""
        self.objects: dict[Channel, Any] = {}
        self.lists: dict[Topic, dict[str, Any]] = {topic: {} for topic in LIST_KEYS}
        #: container name -> update available (None: the agent's check failed)
        self.container_updates: dict[str, bool | None] = {}
        self.boot_time: datetime | None = None

    def replace_list(self, topic: Topic, items: tuple[Any, ...]) -> list[str]:
        """Take a list topic's new items; return the keys that changed (or went).

        An item that is the very model already held (the parser reuses the
        model of unchanged JSON) is not compared.
        """
        new = index_items(topic, items)
        old = self.lists[topic]
        changed: list[str] = []
        adopt = False
        for key, item in new.items():
            held = old.get(key)
            if held is not item:
                if held != item:
                    changed.append(key)
                adopt = True
        changed.extend(key for key in old if key not in new)
        if changed or adopt:
            # Equal items are taken too: the next frame's are these very objects.
            self.lists[topic] = new
        return changed

    def record_updates(
        self, updates: Iterable[tuple[str | None, bool | None]], *, checked: bool
    ) -> bool:
        """Record containers' update availability by name; True if any changed.

        None is recorded (as unknown) only from a registry check (``checked``).
        """
        changed = False
        for raw_name, available in updates:
            if not raw_name or (available is None and not checked):
                continue
            name = raw_name.lstrip("/")
            if self.container_updates.get(name) != available:
                self.container_updates[name] = available
                changed = True
        return changed

    def note_uptime(self, system: SystemInfo | None) -> None:
        """Derive the boot time once; ignore the second-level jitter of uptime."""
        if system is None or system.uptime_seconds is None or system.is_placeholder:
            return
        if not 0 <= system.uptime_seconds < MAX_UPTIME.total_seconds():
            return
        sampled = system.timestamp or dt_util.utcnow()
        try:
            candidate = (sampled - timedelta(seconds=system.uptime_seconds)).replace(
                microsecond=0
            )
        except OverflowError:  # a time stamp near year 1
            return
        known = self.boot_time
        if known is None or abs(candidate - known) > BOOT_TIME_TOLERANCE:
            self.boot_time = candidate

    def snapshot(self) -> UnraidData:
        """Return a copy that later data leave as it is (payloads are shared).

        Slots are replaced, never changed in place, so copying the mappings
        is enough.
        """
        copy = UnraidData()
        copy.objects = dict(self.objects)
        copy.lists = dict(self.lists)
        copy.container_updates = dict(self.container_updates)
        copy.boot_time = self.boot_time
        return copy

    # Object topics -----------------------------------------------------
    @property
    def system(self) -> SystemInfo | None:
        """``system_update``."""
        return self.objects.get(Topic.SYSTEM)

    @property
    def array(self) -> ArrayStatus | None:
        """``array_status_update``."""
        return self.objects.get(Topic.ARRAY)

    @property
    def ups(self) -> UPSStatus | None:
        """``ups_status_update``."""
        return self.objects.get(Topic.UPS)

    @property
    def hardware(self) -> HardwareInfo | None:
        """``hardware_update``."""
        return self.objects.get(Topic.HARDWARE)

    @property
    def registration(self) -> Registration | None:
        """``registration_update``."""
        return self.objects.get(Topic.REGISTRATION)

    @property
    def notifications(self) -> NotificationList | None:
        """``notifications_update``."""
        return self.objects.get(Topic.NOTIFICATIONS)

    @property
    def unassigned(self) -> UnassignedDeviceList | None:
        """``unassigned_devices_update``."""
        return self.objects.get(Topic.UNASSIGNED)

    @property
    def docker_updates(self) -> ContainerUpdatesResult | None:
        """``docker_updates_update``."""
        return self.objects.get(Topic.DOCKER_UPDATES)

    @property
    def plugin_updates(self) -> PluginList | None:
        """``plugin_updates_update``."""
        return self.objects.get(Topic.PLUGIN_UPDATES)

    @property
    def os_update(self) -> OSUpdateStatus | None:
        """``os_update_update``."""
        return self.objects.get(Topic.OS_UPDATE)

    @property
    def mover(self) -> MoverStatus | None:
        """``mover_update``."""
        return self.objects.get(Topic.MOVER)

    @property
    def parity_schedule(self) -> ParitySchedule | None:
        """REST ``/array/parity-check/schedule``."""
        return self.objects.get(Extra.PARITY_SCHEDULE)

    @property
    def parity_history(self) -> ParityCheckHistory | None:
        """REST ``/array/parity-check/history``."""
        return self.objects.get(Extra.PARITY_HISTORY)

    @property
    def flash(self) -> FlashDriveHealth | None:
        """REST ``/system/flash``."""
        return self.objects.get(Extra.FLASH)

    @property
    def collectors(self) -> CollectorsStatus | None:
        """REST ``/collectors/status``."""
        return self.objects.get(Extra.COLLECTORS)

    @property
    def disk_thresholds(self) -> DiskSettingsExtended | None:
        """REST ``/settings/disk-thresholds``."""
        return self.objects.get(Extra.DISK_THRESHOLDS)

    # List topics -------------------------------------------------------
    @property
    def disks(self) -> dict[str, DiskInfo]:
        """``disk_list_update`` by disk id."""
        return self.lists[Topic.DISKS]

    @property
    def shares(self) -> dict[str, ShareInfo]:
        """``share_list_update`` by share name."""
        return self.lists[Topic.SHARES]

    @property
    def containers(self) -> dict[str, ContainerInfo]:
        """``container_list_update`` by container name."""
        return self.lists[Topic.CONTAINERS]

    @property
    def vms(self) -> dict[str, VMInfo]:
        """``vm_list_update`` by VM name."""
        return self.lists[Topic.VMS]

    @property
    def gpus(self) -> dict[str, GPUMetrics]:
        """``gpu_metrics_update`` by PCI id, UUID or index."""
        return self.lists[Topic.GPU]

    @property
    def network(self) -> dict[str, NetworkInfo]:
        """``network_list_update`` by interface name."""
        return self.lists[Topic.NETWORK]

    @property
    def zfs_pools(self) -> dict[str, ZFSPool]:
        """``zfs_pools_update`` by pool name."""
        return self.lists[Topic.ZFS_POOLS]


def index_items(topic: Topic, items: tuple[Any, ...]) -> dict[str, Any]:
    """Key a list payload by each item's stable key, dropping keyless items."""
    key_of = LIST_KEYS[topic]
    indexed: dict[str, Any] = {}
    for item in items:
        key = key_of(item)
        if key is not None:
            indexed[key] = item
    return indexed


def unread_only(notes: NotificationList) -> NotificationList:
    """Keep the counts and the unread notifications; the archive is not used."""
    items = notes.notifications
    if not items or all(note.type != "archive" for note in items):
        return notes
    return dataclasses.replace(
        notes, notifications=tuple(note for note in items if note.type != "archive")
    )
