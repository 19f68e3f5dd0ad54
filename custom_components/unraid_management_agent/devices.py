"""Devices: the server, and a child device per disk, container, VM, GPU and UPS."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
import hashlib
import re

from homeassistant.const import CONF_HOST
from homeassistant.core import callback
import homeassistant.helpers.device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .api import Topic
from .const import CONF_USE_SSL, DOMAIN, MANUFACTURER
from .coordinator import UnraidCoordinator

#: How long a vanished container, VM or disk keeps its device. The array
#: being stopped for maintenance takes every container away for a while;
#: their devices (with the user's names and areas) must survive that.
STALE_DEVICE_GRACE = timedelta(days=7)
#: How often absences are looked for.
STALE_CHECK_INTERVAL = timedelta(hours=1)
#: Key prefix of device absences in the entry's absence clock.
_DEVICE = "device:"

#: Longest item key used as it is in unique ids and device identifiers.
MAX_KEY_LENGTH = 64
#: How much of a longer key its id keeps in front of the digest.
_KEY_HEAD = 32
#: Longest device name or entity name placeholder shown.
MAX_NAME_LENGTH = 64
#: Longest other device text (model, version, serial number).
MAX_TEXT_LENGTH = 255


class Kind(StrEnum):
    """Kinds of child devices, with the list topic that lists them."""

    DISK = "disk"
    CONTAINER = "container"
    VM = "vm"
    GPU = "gpu"
    UPS = "ups"
    SHARE = "share"
    NIC = "nic"
    POOL = "zfs"

    @property
    def topic(self) -> Topic:
        """The topic whose items are devices of this kind."""
        return _KIND_TOPICS[self]


_KIND_TOPICS = {
    Kind.DISK: Topic.DISKS,
    Kind.CONTAINER: Topic.CONTAINERS,
    Kind.VM: Topic.VMS,
    Kind.GPU: Topic.GPU,
    Kind.UPS: Topic.UPS,
    Kind.SHARE: Topic.SHARES,
    Kind.NIC: Topic.NETWORK,
    Kind.POOL: Topic.ZFS_POOLS,
}

_SLOT = re.compile(r"^([a-z]+?)(\d*)$")


def slot_label(name: str) -> str:
    """Turn a disk slot (``disk1``, ``parity2``, ``cache``) into ``Disk 1``."""
    match = _SLOT.match(name)
    if not match:
        return name
    word, number = match.groups()
    return f"{word.capitalize()} {number}".strip()


def item_id(key: str) -> str:
    """Return the form of an item key used in unique ids and device identifiers.

    Keys of up to ``MAX_KEY_LENGTH`` characters are used as they are, so the
    ids of ordinary items never change. A longer key becomes its first
    characters and a digest of all of it: short and stable, and never equal
    to a key used as it is (it is one character longer than those).
    """
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.blake2b(
        key.encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
    return f"{key[:_KEY_HEAD]}~{digest}"


def clip(text: str, limit: int) -> str:
    """Return ``text`` cut to ``limit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def display_name(name: str) -> str:
    """Return a name (of a device, or in an entity's name) short enough to show."""
    return clip(name, MAX_NAME_LENGTH)


def _clip_text(text: str | None) -> str | None:
    return None if text is None else clip(text, MAX_TEXT_LENGTH)


def server_id(coordinator: UnraidCoordinator) -> str:
    """Return the stable id of the server (the config entry's unique id)."""
    entry = coordinator.config_entry
    return entry.unique_id or entry.entry_id


def child_identifier(coordinator: UnraidCoordinator, kind: Kind, key: str) -> str:
    """Return the device-registry identifier of a child device."""
    return f"{server_id(coordinator)}_{kind}_{item_id(key)}"


def server_name(coordinator: UnraidCoordinator) -> str:
    """Return the server's host name, or the entry title before it is known."""
    system = coordinator.data.system
    if system is not None and system.hostname and not system.is_placeholder:
        return display_name(system.hostname)
    return display_name(coordinator.config_entry.title)


def web_ui_url(coordinator: UnraidCoordinator) -> str:
    """Return the URL of the Unraid web UI (served by the server itself, not by the agent)."""
    entry = coordinator.config_entry
    scheme = "https" if entry.data.get(CONF_USE_SSL) else "http"
    return f"{scheme}://{entry.data[CONF_HOST]}/"


def server_device_info(coordinator: UnraidCoordinator) -> DeviceInfo:
    """Device info of the server."""
    data = coordinator.data
    system = data.system
    hardware = data.hardware
    hw_version = None
    if hardware is not None and hardware.baseboard is not None:
        board = hardware.baseboard
        hw_version = (
            " ".join(p for p in (board.manufacturer, board.product_name) if p) or None
        )
    if hw_version is None and system is not None:
        hw_version = system.server_model or None
    return DeviceInfo(
        identifiers={(DOMAIN, server_id(coordinator))},
        name=server_name(coordinator),
        manufacturer=MANUFACTURER,
        model="Unraid",
        sw_version=_clip_text(system.version) if system is not None else None,
        hw_version=_clip_text(hw_version),
        configuration_url=web_ui_url(coordinator),
    )


def child_device_info(
    coordinator: UnraidCoordinator,
    kind: Kind,
    key: str,
    *,
    name: str,
    model: str | None = None,
    manufacturer: str | None = None,
    sw_version: str | None = None,
    serial_number: str | None = None,
) -> DeviceInfo:
    """Device info of a child of the server (disk, container, VM, GPU, UPS, share…)."""
    return DeviceInfo(
        identifiers={(DOMAIN, child_identifier(coordinator, kind, key))},
        name=display_name(name),
        model=_clip_text(model),
        manufacturer=_clip_text(manufacturer),
        sw_version=_clip_text(sw_version),
        serial_number=_clip_text(serial_number),
        via_device=(DOMAIN, server_id(coordinator)),
    )


def _parse_identifier(
    coordinator: UnraidCoordinator, identifier: str
) -> tuple[Kind, str] | None:
    prefix = f"{server_id(coordinator)}_"
    if not identifier.startswith(prefix):
        return None
    kind, _, key = identifier[len(prefix) :].partition("_")
    try:
        return Kind(kind), key
    except ValueError:
        return None


def device_item(
    coordinator: UnraidCoordinator, device: dr.DeviceEntry
) -> tuple[Kind, str] | None:
    """Return the (kind, ``item_id``) of a child device, None for the server itself."""
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and (item := _parse_identifier(coordinator, identifier)):
            return item
    return None


def item_present(coordinator: UnraidCoordinator, kind: Kind, ident: str) -> bool:
    """Return True when the agent currently reports this disk, container, VM, GPU or UPS.

    ``ident`` is the item's ``item_id``, as in its device identifier.
    """
    if kind is Kind.UPS:
        ups = coordinator.data.ups
        return ups is not None and bool(ups.connected)
    items = coordinator.data.lists[kind.topic]
    if len(ident) <= MAX_KEY_LENGTH:
        # A short key is its own id, and only long keys have long ids.
        return ident in items
    return any(item_id(key) == ident for key in items if len(key) > MAX_KEY_LENGTH)


def device_is_current(coordinator: UnraidCoordinator, device: dr.DeviceEntry) -> bool:
    """Return True for the server and for items the agent still reports."""
    item = device_item(coordinator, device)
    return item is None or item_present(coordinator, *item)


class StaleDeviceTracker:
    """Removes child devices whose item has been gone for the grace period.

    Absence only counts while the item's topic is being read successfully,
    so a failed fetch or a disabled collector never deletes anything.
    """

    def __init__(self, coordinator: UnraidCoordinator) -> None:
        """Track the devices of one coordinator (absences in its clock)."""
        self._coordinator = coordinator

    @property
    def missing(self) -> set[str]:
        """The ids of the devices whose items are missing now."""
        return self._coordinator.absence.keys(_DEVICE)

    @callback
    def check(self, _now: datetime | None = None) -> None:
        """Record absences and remove devices gone for longer than the grace."""
        coordinator = self._coordinator
        registry = dr.async_get(coordinator.hass)
        now = dt_util.utcnow()
        clock = coordinator.absence
        devices = dr.async_entries_for_config_entry(
            registry, coordinator.config_entry.entry_id
        )
        clock.keep_only(_DEVICE, (_DEVICE + device.id for device in devices))
        for device in devices:
            item = device_item(coordinator, device)
            if item is None:
                continue
            kind, key = item
            if not coordinator.topic_available(kind.topic) or item_present(
                coordinator, kind, key
            ):
                # Present, or not known: absence counts only while read.
                clock.present(_DEVICE + device.id)
                continue
            if now - clock.since(_DEVICE + device.id, now) >= STALE_DEVICE_GRACE:
                clock.present(_DEVICE + device.id)
                registry.async_remove_device(device.id)


@callback
def async_track_devices(coordinator: UnraidCoordinator) -> StaleDeviceTracker:
    """Keep the entry's devices current until it unloads.

    Child devices gone for ``STALE_DEVICE_GRACE`` are removed (checked every
    ``STALE_CHECK_INTERVAL``), and the server device follows the Unraid
    version, host name and board as the agent reports them.
    """
    hass = coordinator.hass
    entry = coordinator.config_entry
    tracker = StaleDeviceTracker(coordinator)
    entry.async_on_unload(
        async_track_time_interval(hass, tracker.check, STALE_CHECK_INTERVAL)
    )
    written: list[DeviceInfo] = [server_device_info(coordinator)]

    @callback
    def refresh_server() -> None:
        info = server_device_info(coordinator)
        if info == written[0]:
            return
        written[0] = info
        registry = dr.async_get(hass)
        device = registry.async_get_device(identifiers=info["identifiers"])
        if device is not None:
            registry.async_update_device(
                device.id,
                name=info.get("name"),
                sw_version=info.get("sw_version"),
                hw_version=info.get("hw_version"),
            )

    for topic in (Topic.SYSTEM, Topic.HARDWARE):
        entry.async_on_unload(
            coordinator.async_add_channel_listener(topic, refresh_server)
        )
    tracker.check()
    return tracker
