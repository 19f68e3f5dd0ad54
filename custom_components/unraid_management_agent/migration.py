"""Taking over the entries of the other integration for this agent.

The integration ``ruaan-deysel/ha-unraid-management-agent`` uses the same
domain. Its config entries (version 1.1, like ours before 1.2) hold ``host``,
``port`` and ``enable_websocket`` (releases before 2026.2 also
``update_interval``), are keyed by ``host:port``, and name their entities
``{entry_id}_{key}`` on one server device identified by the entry id. When
this integration is installed in its place:

* :func:`migrate_entry` (``async_migrate_entry``) rewrites such an entry to
  our data, without options, keyed by its address like our entries on agents
  that tell no GUID;
* :func:`async_adopt_registry`, at its first setup once the agent's data are
  read, gives each of its entities whose meaning one of ours has our unique
  id (entity id, name, area, history kept) and its device our server
  identifier, and removes the rest, listed in one repair issue;
* ``identity.py`` then moves the entry, its device and entities to the
  server's GUID, as for any entry keyed by its address.

Their keys are mapped by data: server keys by :data:`SERVER_KEYS`, item keys
(``disk_{id}_usage``, ``container_{slug}_{hash}``…) by :data:`ITEM_RULES`,
whose token functions say how that integration named each of our items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
import hashlib
import logging
import re
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import homeassistant.helpers.issue_registry as ir
from homeassistant.util import slugify

from .catalog import (
    ITEM_BINARY_SENSORS,
    ITEM_BUTTONS,
    ITEM_SENSORS,
    ITEM_SWITCHES,
    SERVER_BINARY_SENSORS,
    SERVER_BUTTONS,
    SERVER_SENSORS,
)
from .catalog.apps import CONTAINERS, VMS
from .catalog.hardware import FANS, GPUS, NICS, UPS, UPS_KEY
from .catalog.storage import DISKS, REMOTE_SHARES, SHARES, UNASSIGNED_DEVICES, ZFS_POOLS
from .const import CONF_USE_SSL, CONF_VERIFY_SSL, DOMAIN
from .coordinator import UnraidCoordinator
from .data import USED_TOPICS, Channel, UnraidData
from .devices import item_id, server_id
from .entity import ItemGroup, item_source
from .identity import identity_of

_LOGGER = logging.getLogger(__name__)

#: The config flow's version (``config_flow.py``). 1.2 marks entries that
#: went through :func:`migrate_entry`; the other integration's are 1.1.
VERSION: Final = 1
MINOR_VERSION: Final = 2

#: Data keys only the other integration writes.
FOREIGN_KEYS: Final = frozenset({"enable_websocket", "update_interval"})

#: Translation key (and issue id prefix) of the list of removed entities.
ISSUE: Final = "migrated_entities_removed"

#: Their server-level keys → our unique id after the server id, per platform.
SERVER_KEYS: Final[Mapping[str, Mapping[str, str]]] = {
    "sensor": {
        "cpu_usage": "cpu_usage",
        "ram_usage": "ram_usage",
        "cpu_temperature": "cpu_temperature",
        "motherboard_temperature": "motherboard_temperature",
        "cpu_power": "cpu_power",
        "dram_power": "dram_power",
        "uptime": "boot_time",  # a boot timestamp in both
        "swap_usage": "swap_usage",
        "array_usage": "array_usage",
        "parity_progress": "parity_check_progress",
        "next_parity_check": "next_parity_check",
        "last_parity_check": "last_parity_check",
        "flash_usage": "flash_usage",
        "docker_vdisk_usage": "docker_vdisk_usage",
        "log_filesystem_usage": "log_usage",
        "registration_type": "registration",
        "notifications_unread_alert": "unread_alert",
        "notifications_unread_warning": "unread_warning",
        "notifications_unread_info": "unread_info",
    },
    "binary_sensor": {
        "parity_valid": "parity",  # a problem sensor in both: on = not valid
        "mover_running": "mover",
    },
    "button": {
        "array_start": "array_start",
        "array_stop": "array_stop",
        "parity_check_start": "parity_check_start",
        "parity_check_stop": "parity_check_stop",
        "parity_check_pause": "parity_check_pause",
        "parity_check_resume": "parity_check_resume",
        "system_reboot": "reboot",
        "system_shutdown": "shutdown",
    },
    "event": {"notification_event": "notification"},
}

#: Server-level keys of their releases before 2026.2.
LEGACY_SERVER_KEYS: Final[Mapping[str, Mapping[str, str]]] = {
    "button": {
        "array_start_button": "array_start",
        "array_stop_button": "array_stop",
        "parity_check_start_button": "parity_check_start",
        "parity_check_stop_button": "parity_check_stop",
    },
}

#: Their token(s) for one of our items, from its key and model.
type Tokens = Callable[[str, Any], Iterable[str | None]]


@dataclass(frozen=True, slots=True)
class ItemRule:
    """Their unique ids ``{prefix}_{token}_{suffix}`` for items of one of our groups.

    ``suffixes`` maps their suffix to our description key (``""``: their id
    ends with the token). With ``fixed``, their ids carry no token
    (``{prefix}_{suffix}``) and mean the item with that token.
    """

    prefix: str
    group: ItemGroup
    suffixes: Mapping[str, str]
    tokens: Tokens
    fixed: str | None = None
    legacy: bool = False


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _names(key: str, item: Any) -> set[str]:
    """Return the item's key and the name the agent reports (may differ by a ``/``)."""
    name = getattr(item, "name", None)
    return {key, name} if isinstance(name, str) and name else {key}


def _key(key: str, _item: Any) -> Iterable[str]:
    return (key,)


def _old_safe(key: str, _item: Any) -> Iterable[str]:
    """Disk ids, share and fan names as their releases before 2026.2 wrote them."""
    return (
        key.replace(" ", "_").replace("/", "_").lower(),
        key.lower().replace(" ", "_"),
    )


def _old_pool(key: str, _item: Any) -> Iterable[str]:
    return (key.replace(" ", "_").lower(),)


def _container_sensor(key: str, item: Any) -> Iterable[str]:
    return {re.sub(r"[^a-z0-9_]", "_", name.lower()) for name in _names(key, item)}


def _container_switch(key: str, item: Any) -> Iterable[str]:
    return {f"{slugify(name)}_{_md5(name)[:6]}" for name in _names(key, item)}


def _container_button(key: str, item: Any) -> Iterable[str]:
    return {slugify(name) for name in _names(key, item)}


def _container_id(_key: str, item: Any) -> Iterable[str | None]:
    return (item.id,)


def _vm_switch(key: str, vm: Any) -> Iterable[str]:
    """Return the libvirt id when it differs from the name, else name and digest."""
    ident = vm.id or key
    return (slugify(ident) if ident != key else f"{slugify(key)}_{_md5(key)[:6]}",)


def _vm_switch_old(key: str, _vm: Any) -> Iterable[str]:
    return (f"{slugify(key)}_{_md5(key)[:6]}",)


def _vm_id(key: str, vm: Any) -> Iterable[str]:
    return (vm.id or key,)


def _vm_button(key: str, vm: Any) -> Iterable[str]:
    return (f"{slugify(key)}_{_md5(vm.id or key)[:8]}",)


def _gpu(_key: str, gpu: Any) -> Iterable[str | None]:
    return (None if gpu.index is None else str(gpu.index),)


_CHIP = re.compile(r"^(?:hwmon\d+|it\d+)_(.+)$", re.IGNORECASE)


def _fan(_key: str, fan: Any) -> Iterable[str | None]:
    """Return the fan name without its chip (``hwmon4_fan1``, ``it8688/fan3``: ``fan1``)."""
    name = fan.name or ""
    if "/" in name:
        name = name.rsplit("/", 1)[1]
    elif match := _CHIP.match(name):
        name = match.group(1)
    return (name.lower().replace(" ", "_") or None,)


def _remote(key: str, share: Any) -> Iterable[str]:
    return {slugify(text) for text in (share.source, key) if text}


def _unassigned(key: str, device: Any) -> Iterable[str]:
    return {slugify(text) for text in (device.device, key) if text}


_DISK = {"usage": "usage", "temperature": "temperature"}
_GPU = {"utilization": "utilization", "temperature": "temperature", "power": "power"}
_VM_BUTTONS = ("force_stop", "restart", "pause", "resume")

#: Their item keys, per platform, in the order they are tried.
ITEM_RULES: Final[Mapping[str, tuple[ItemRule, ...]]] = {
    "sensor": (
        ItemRule(
            "disk",
            DISKS,
            _DISK | {"read_bytes": "read", "write_bytes": "written"},
            _key,
        ),
        ItemRule("disk", DISKS, _DISK, _old_safe, legacy=True),
        ItemRule("share", SHARES, {"usage": "usage"}, _key),
        ItemRule("share", SHARES, {"usage": "usage"}, _old_safe, legacy=True),
        ItemRule("zfs", ZFS_POOLS, {"usage": "usage", "health": "health"}, _key),
        ItemRule(
            "zfs_pool",
            ZFS_POOLS,
            {"usage": "usage", "health": "health"},
            _old_pool,
            legacy=True,
        ),
        ItemRule("network", NICS, {"rx": "rx", "tx": "tx"}, _key),
        ItemRule("fan", FANS, {"": "speed"}, _fan),
        ItemRule("fan", FANS, {"": "speed"}, _old_safe, legacy=True),
        ItemRule("gpu", GPUS, _GPU, _gpu),
        ItemRule("gpu", GPUS, _GPU, _gpu, fixed="0", legacy=True),
        ItemRule(
            "ups",
            UPS,
            {k: k for k in ("battery", "load", "runtime", "power", "energy")},
            _key,
            fixed=UPS_KEY,
        ),
        ItemRule(
            "container",
            CONTAINERS,
            {
                "cpu": "cpu",
                "memory": "memory",
                "memory_percent": "memory_percent",
                "network_rx_rate": "network_rx",
                "network_tx_rate": "network_tx",
            },
            _container_sensor,
        ),
        ItemRule("remote_share", REMOTE_SHARES, {"usage": "usage"}, _remote),
    ),
    "binary_sensor": (
        ItemRule("network", NICS, {"": "link"}, _key),
        ItemRule(
            "unassigned_device", UNASSIGNED_DEVICES, {"mounted": "mounted"}, _unassigned
        ),
        ItemRule("remote_share", REMOTE_SHARES, {"mounted": "mounted"}, _remote),
    ),
    "switch": (
        ItemRule("container", CONTAINERS, {"": "running"}, _container_switch),
        ItemRule(
            "container_switch", CONTAINERS, {"": "running"}, _container_id, legacy=True
        ),
        ItemRule("vm", VMS, {"": "running"}, _vm_switch),
        ItemRule("vm", VMS, {"": "running"}, _vm_switch_old, legacy=True),
        ItemRule("vm_switch", VMS, {"": "running"}, _vm_id, legacy=True),
        ItemRule("remote_share", REMOTE_SHARES, {"mount": "mount"}, _remote),
    ),
    "button": (
        ItemRule("container", CONTAINERS, {"restart": "restart"}, _container_button),
        ItemRule("vm", VMS, {k: k for k in _VM_BUTTONS}, _vm_button),
    ),
}

#: Our server descriptions by (platform, key), and our item descriptions by
#: (platform, group prefix, key): whether we give the server (the item) the
#: entity one of theirs maps to.
_SERVER: Final[dict[tuple[str, str], Any]] = {
    (platform, description.key): description
    for platform, descriptions in (
        ("sensor", SERVER_SENSORS),
        ("binary_sensor", SERVER_BINARY_SENSORS),
        ("button", SERVER_BUTTONS),
    )
    for description in descriptions
}
_OURS: Final[dict[tuple[str, str, str], Any]] = {
    (platform, group.prefix, description.key): description
    for platform, grouped in (
        ("sensor", ITEM_SENSORS),
        ("binary_sensor", ITEM_BINARY_SENSORS),
        ("button", ITEM_BUTTONS),
        ("switch", ITEM_SWITCHES),
    )
    for group, descriptions in grouped
    for description in descriptions
}


def is_foreign(data: Mapping[str, Any]) -> bool:
    """Tell whether config entry data were written by the other integration."""
    return not FOREIGN_KEYS.isdisjoint(data)


@callback
def migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry to version 1.2; the other integration's to our schema."""
    if entry.version > VERSION:
        return False  # written by a newer release: nothing to go back to
    if entry.version == VERSION and entry.minor_version >= MINOR_VERSION:
        return True  # a newer minor version stays readable
    changes: dict[str, Any] = {}
    if is_foreign(entry.data):
        host = str(entry.data[CONF_HOST]).strip()
        port = int(entry.data[CONF_PORT])
        changes["data"] = {
            CONF_HOST: host,
            CONF_PORT: port,
            CONF_USE_SSL: False,  # it only ever spoke plain HTTP
            CONF_VERIFY_SSL: True,
        }
        changes["options"] = {}
        # Lower-cased, as our entries on agents without a GUID; the GUID
        # replaces it at the first setup (identity.py).
        address = identity_of(None, None, host, port).unique_id
        if not any(
            other.unique_id == address
            for other in hass.config_entries.async_entries(DOMAIN)
            if other.entry_id != entry.entry_id
        ):
            changes["unique_id"] = address
        _LOGGER.info("Taking over %s from the other Unraid integration", entry.title)
    hass.config_entries.async_update_entry(
        entry, version=VERSION, minor_version=MINOR_VERSION, **changes
    )
    return True


def _tokens(rule: ItemRule, data: UnraidData) -> dict[str, str | None]:
    """Their token → our item key (None where two of our items share a token)."""
    found: dict[str, str | None] = {}
    for key, item in rule.group.items_fn(data).items():
        for token in set(rule.tokens(key, item)):
            if token:
                found[token] = key if token not in found else None
    return found


def _candidates(rule: ItemRule, key: str) -> Iterable[tuple[str, str]]:
    """(their token, our description key) pairs that ``key`` may stand for."""
    for suffix, ours in rule.suffixes.items():
        if rule.fixed is not None:
            if key == f"{rule.prefix}_{suffix}":
                yield rule.fixed, ours
            continue
        head = f"{rule.prefix}_"
        if not key.startswith(head):
            continue
        rest = key[len(head) :]
        if not suffix:
            yield rest, ours
        elif rest.endswith(f"_{suffix}") and len(rest) > len(suffix) + 1:
            yield rest[: -len(suffix) - 1], ours


def translate(
    platform: str,
    key: str,
    data: UnraidData,
    available: Callable[[Channel], bool],
    cache: dict[int, dict[str, str | None]] | None = None,
) -> tuple[str, int] | None:
    """Map their key (after ``{entry_id}_``) to our unique id after the server id.

    Returns it with its rank (0, or 1 for a key of their older releases:
    the lower rank wins when two of their entities mean the same), or None
    when nothing of ours means the same: no such entity, or an item the
    agent does not report now. Its last data count even while a collector
    is off; with none (a failed read) item keys cannot be matched, as our
    entities would appear later, beside theirs. ``cache`` keeps the token
    maps between calls on the same data.
    """
    cache = {} if cache is None else cache
    for rank, table in enumerate((SERVER_KEYS, LEGACY_SERVER_KEYS)):
        if (ours := table.get(platform, {}).get(key)) is not None:
            return _server(platform, ours, rank, data, available)
    for rule in ITEM_RULES.get(platform, ()):
        candidates = list(_candidates(rule, key))
        if not candidates:
            continue
        if (tokens := cache.get(id(rule))) is None:
            tokens = cache[id(rule)] = _tokens(rule, data)
        for token, description_key in candidates:
            if (item_key := tokens.get(token)) is None:
                continue
            description = _OURS.get((platform, rule.group.prefix, description_key))
            item = rule.group.items_fn(data)[item_key]
            if description is not None and not description.exists_fn(
                item_source(description, data, item)
            ):
                continue  # we give this item no such entity
            suffix = f"{rule.group.prefix}_{item_id(item_key)}_{description_key}"
            return suffix, int(rule.legacy)
    return None


def _server(
    platform: str,
    key: str,
    rank: int,
    data: UnraidData,
    available: Callable[[Channel], bool],
) -> tuple[str, int] | None:
    """Return our server entity ``key`` unless we surely give this server none.

    Sure only when it reads topics, all read fine; when in doubt (REST-only
    extras such as the flash or parity history may not be read yet) it is
    kept, as ours would appear later beside theirs.
    """
    description = _SERVER.get((platform, key))
    channels = tuple(getattr(description, "channels", ()))
    if (
        description is None
        or not set(channels) <= set(USED_TOPICS)
        or not all(available(channel) for channel in channels)
    ):
        return key, rank
    return (key, rank) if description.exists_fn(data) else None


@callback
def async_adopt_registry(coordinator: UnraidCoordinator) -> None:
    """Give the other integration's entities and device our ids, remove the rest.

    Called at setup once the data are read, before the entities are added
    and before the entry moves to its GUID. Does nothing for our own
    entries: only theirs have unique ids and identifiers made of the entry id.
    """
    hass = coordinator.hass
    entry = coordinator.config_entry
    if entry.unique_id is None:
        return  # our server id would be the entry id: nothing to tell apart
    server = server_id(coordinator)
    _adopt_device(hass, entry, server)
    head = f"{entry.entry_id}_"
    registry = er.async_get(hass)
    theirs = [
        item
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.platform == DOMAIN and item.unique_id.startswith(head)
    ]
    if not theirs:
        return
    plans: list[tuple[int, str, str]] = []
    removed: list[str] = []
    cache: dict[int, dict[str, str | None]] = {}
    for item in theirs:
        found = translate(
            item.domain,
            item.unique_id[len(head) :],
            coordinator.data,
            coordinator.topic_available,
            cache,
        )
        if found is None:
            removed.append(item.entity_id)
        else:
            suffix, rank = found
            plans.append((rank, item.entity_id, f"{server}_{suffix}"))
    taken: set[tuple[str, str]] = set()
    for _rank, entity_id, unique_id in sorted(plans):
        domain = entity_id.partition(".")[0]
        if (domain, unique_id) in taken or registry.async_get_entity_id(
            domain, DOMAIN, unique_id
        ):
            removed.append(entity_id)  # another of theirs means the same
            continue
        registry.async_update_entity(entity_id, new_unique_id=unique_id)
        taken.add((domain, unique_id))
    for entity_id in removed:
        registry.async_remove(entity_id)
    _LOGGER.info(
        "%s: %d entities of the other Unraid integration kept, %d removed",
        entry.title,
        len(taken),
        len(removed),
    )
    if removed:
        _report_removed(hass, entry, removed)


def _adopt_device(hass: HomeAssistant, entry: ConfigEntry, server: str) -> None:
    """Identify their server device (``(DOMAIN, entry_id)``) as ours."""
    devices = dr.async_get(hass)
    theirs = (DOMAIN, entry.entry_id)
    device = devices.async_get_device(identifiers={theirs})
    if device is None or entry.entry_id not in device.config_entries:
        return
    ours = (DOMAIN, server)
    if devices.async_get_device(identifiers={ours}) is not None:
        return  # cannot be: leave both to the user
    devices.async_update_device(
        device.id, new_identifiers=(device.identifiers - {theirs}) | {ours}
    )


def issue_id(entry_id: str) -> str:
    """Return the id of the repair issue listing an entry's removed entities."""
    return f"{ISSUE}_{entry_id}"


def _report_removed(
    hass: HomeAssistant, entry: ConfigEntry, removed: list[str]
) -> None:
    """Tell the user once which entities are gone."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry.entry_id),
        is_fixable=False,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE,
        translation_placeholders={
            "server": entry.title,
            "entities": "\n".join(f"- `{entity_id}`" for entity_id in sorted(removed)),
        },
    )


@callback
def async_clear_issue(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the list of removed entities (the entry is being removed)."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id))
