"""Which Unraid server an entry is: its GUID, or its host name on old agents.

The server's GUID (that of its USB flash, to which the Unraid key is bound)
comes from ``/registration`` (agents from v2025.11.15) or ``/system/flash``
(from v2026.01.01). Agents without either are identified by their host name,
or by ``host:port`` when even that is unknown. An entry set up that way moves
to the GUID once its agent has been upgraded to expose it: the entry's
unique id, its devices' identifiers and its entities' unique ids are renamed
together, so the entity ids, history and dashboards stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import re
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er

from .api import Topic
from .const import DOMAIN
from .data import Extra, UnraidData

if TYPE_CHECKING:
    from .coordinator import UnraidCoordinator

_LOGGER = logging.getLogger(__name__)

#: An Unraid GUID: the flash drive's vendor and product ids and its serial.
_GUID = re.compile(r"^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True, slots=True)
class ServerIdentity:
    """What identifies one server, lower-cased: its GUID if known, its names."""

    guid: str | None
    hostname: str | None
    address: str
    """``host:port`` as configured."""

    @property
    def unique_id(self) -> str:
        """Return the config entry unique id this server gets."""
        return self.guid or self.hostname or self.address

    def matches(self, unique_id: str | None) -> bool:
        """Tell whether an entry with ``unique_id`` is this server.

        An entry keyed by a GUID matches that GUID only; one keyed by a
        fallback (set up on an agent that had no GUID to give) matches the
        host name or address it was keyed by.
        """
        if unique_id is None:
            return False
        if unique_id == self.guid:
            return True
        return not is_guid(unique_id) and unique_id in (self.hostname, self.address)


def identity_of(
    guid: str | None, hostname: str | None, host: str, port: int
) -> ServerIdentity:
    """Build an identity from what the agent told and the configured address."""
    return ServerIdentity(
        guid=guid.strip().lower() if guid and guid.strip() else None,
        hostname=hostname.strip().lower() if hostname and hostname.strip() else None,
        address=f"{host}:{port}".lower(),
    )


def is_guid(unique_id: str) -> bool:
    """Tell whether ``unique_id`` is shaped like an Unraid GUID."""
    return _GUID.match(unique_id) is not None


def guid_in(data: UnraidData) -> str | None:
    """Return the server's GUID from the data, if the agent serves it."""
    for source in (data.registration, data.flash):
        guid = getattr(source, "guid", None)
        if isinstance(guid, str) and guid.strip():
            return guid.strip().lower()
    return None


def should_adopt(entry: ConfigEntry, guid: str | None) -> bool:
    """Tell whether ``entry`` is keyed by a fallback that ``guid`` now replaces."""
    unique_id = entry.unique_id
    return (
        guid is not None
        and unique_id is not None
        and unique_id != guid
        and not is_guid(unique_id)
    )


def async_adopt_guid(hass: HomeAssistant, entry: ConfigEntry, guid: str) -> bool:
    """Move ``entry`` (not loaded yet) from its fallback unique id to ``guid``.

    Returns False, and changes nothing, when another entry already holds the
    GUID: the same server was added twice, and only the user can tell which
    entry to keep.
    """
    old = entry.unique_id
    if old is None or not should_adopt(entry, guid):
        return False  # keyed by a GUID already
    for other in hass.config_entries.async_entries(DOMAIN):
        if other.entry_id != entry.entry_id and other.unique_id == guid:
            _LOGGER.warning(
                "%s is the same Unraid server as %s (GUID now known); "
                "keeping both entries as they are: remove one of them",
                entry.title,
                other.title,
            )
            return False
    _rename(hass, entry, old, guid)
    hass.config_entries.async_update_entry(entry, unique_id=guid)
    _LOGGER.info("%s is now identified by its GUID (was %r)", entry.title, old)
    return True


def renamed_id(value: str, old: str, new: str) -> str:
    """Return a unique id or identifier with the server's part ``old`` made ``new``."""
    if value == old or value.startswith(f"{old}_"):
        return new + value[len(old) :]
    return value


def _rename(hass: HomeAssistant, entry: ConfigEntry, old: str, new: str) -> None:
    entities = er.async_get(hass)
    for item in er.async_entries_for_config_entry(entities, entry.entry_id):
        unique_id = renamed_id(item.unique_id, old, new)
        if unique_id != item.unique_id:
            entities.async_update_entity(item.entity_id, new_unique_id=unique_id)
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = {
            (domain, renamed_id(value, old, new) if domain == DOMAIN else value)
            for domain, value in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)


def async_follow_identity(coordinator: UnraidCoordinator) -> None:
    """Key the entry by the server's GUID, now or once its agent serves it.

    Called at setup, before the entities are created: a GUID already known
    is adopted at once. One that turns up later (the agent was upgraded and
    restarted) reloads the entry, which adopts it on the way up.
    """
    hass = coordinator.hass
    entry = coordinator.config_entry
    guid = guid_in(coordinator.data)
    if guid is not None:
        async_adopt_guid(hass, entry, guid)
    if entry.unique_id is not None and is_guid(entry.unique_id):
        return
    asked: list[str] = []

    @callback
    def check() -> None:
        found = guid_in(coordinator.data)
        if (
            found is None
            or asked
            or not should_adopt(entry, found)
            or any(  # held by another entry: adopting it would fail
                other.unique_id == found
                for other in hass.config_entries.async_entries(DOMAIN)
            )
        ):
            return
        asked.append(found)
        _LOGGER.info("%s now reports its GUID: reloading to adopt it", entry.title)
        hass.config_entries.async_schedule_reload(entry.entry_id)

    for channel in (Topic.REGISTRATION, Extra.FLASH):
        entry.async_on_unload(coordinator.async_add_channel_listener(channel, check))
