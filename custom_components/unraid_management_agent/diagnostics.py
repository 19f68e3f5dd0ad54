"""Diagnostics: the configuration, the connection and the data, redacted."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .const import CONF_TOKEN
from .coordinator import UnraidConfigEntry

#: Keys whose values identify the owner, the hardware or the network.
TO_REDACT = {
    CONF_HOST,
    CONF_TOKEN,
    "guid",
    "serial",
    "serial_number",
    "mac_address",
    "ip_address",
    "ip_addresses",
    "hostname",
    "server_name",
    "unique_id",
    "title",
    "smb_server",
    "smb_user",
    "smb_domain",
    "nfs_server",
    "source",
    "asset_tag",
    "uuid",
    "id",
}


def _plain(value: Any) -> Any:
    """Turn models, tuples and times into JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not None
        }
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: UnraidConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    data = coordinator.data
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "connection": {
                "mode": coordinator.mode.value,
                "last_update_success": coordinator.last_update_success,
                "last_frame": coordinator.last_frame,
                "poll_interval": coordinator.poll_interval.total_seconds(),
                "silence_timeout": coordinator.silence_timeout,
                "failed_topics": sorted(coordinator.failed_topics),
                "disabled_topics": sorted(coordinator.disabled_topics),
                "rest_requests": coordinator.client.request_count,
            },
            "stats": coordinator.stats.as_dict(),
            "data": _plain(
                {
                    "objects": {str(k): v for k, v in data.objects.items()},
                    # Values only: disk keys are ids that embed serial numbers.
                    "lists": {str(k): list(v.values()) for k, v in data.lists.items()},
                    "container_updates": data.container_updates,
                    "boot_time": data.boot_time,
                }
            ),
        },
        TO_REDACT,
    )
