"""The Unraid Management Agent integration."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import homeassistant.helpers.config_validation as cv
import homeassistant.helpers.device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .absence import AbsenceClock
from .api import UnraidClient
from .const import CONF_TOKEN, CONF_USE_SSL, CONF_VERIFY_SSL, DOMAIN
from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .devices import async_track_devices, device_is_current
from .identity import async_follow_identity
from .migration import async_adopt_registry, async_clear_issue, migrate_entry
from .push import PushListener, StreamSupervisor
from .repairs import async_clear_repairs, async_track_repairs
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.UPDATE,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, for every server (action-setup rule)."""
    async_setup_services(hass)
    return True


def build_client(hass: HomeAssistant, data: dict[str, object]) -> UnraidClient:
    """Create an API client from config entry data."""
    use_ssl = bool(data.get(CONF_USE_SSL, False))
    return UnraidClient(
        str(data[CONF_HOST]),
        int(str(data[CONF_PORT])),
        session=async_get_clientsession(
            hass, verify_ssl=bool(data.get(CONF_VERIFY_SSL, True))
        ),
        use_ssl=use_ssl,
        verify_ssl=bool(data.get(CONF_VERIFY_SSL, True)),
        token=str(data[CONF_TOKEN]) if data.get(CONF_TOKEN) else None,
    )


async def async_migrate_entry(hass: HomeAssistant, entry: UnraidConfigEntry) -> bool:
    """Bring older entries, and the other integration's, to this version."""
    return migrate_entry(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: UnraidConfigEntry) -> bool:
    """Set up one Unraid server: seed over REST, then listen for pushes."""
    if entry.options:
        # The polling interval was an option before 2026.12: it is gone.
        hass.config_entries.async_update_entry(entry, options={})
    coordinator = UnraidCoordinator(hass, entry, build_client(hass, dict(entry.data)))
    await coordinator.absence.async_load()
    entry.async_on_unload(coordinator.absence.async_flush)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    async_adopt_registry(coordinator)  # the other integration's entities
    async_follow_identity(coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.start_timers()
    async_track_devices(coordinator)
    async_track_repairs(coordinator)
    StreamSupervisor(coordinator, PushListener(coordinator)).start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: UnraidConfigEntry) -> bool:
    """Unload a config entry; the event stream task is cancelled with it."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: UnraidConfigEntry) -> None:
    """Forget the entry's stored absences and its repair issues."""
    await AbsenceClock(hass, entry.entry_id).async_remove()
    async_clear_repairs(hass, entry.entry_id)
    async_clear_issue(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: UnraidConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a child device (container, VM, disk) that is gone."""
    if entry.state is not ConfigEntryState.LOADED:
        # No data to compare with (the server is unreachable): keep the
        # server's own device, let the user remove the others; current
        # items get theirs back at the next setup.
        return (DOMAIN, entry.unique_id or entry.entry_id) not in device.identifiers
    coordinator = entry.runtime_data
    return not device_is_current(coordinator, device)
