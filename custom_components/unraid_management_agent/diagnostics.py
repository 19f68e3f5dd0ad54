"""Diagnostics: the configuration, the connection and the data, redacted."""

from __future__ import annotations

import dataclasses
from datetime import datetime
import re
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
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
    "smb_server",
    "smb_user",
    "smb_domain",
    "nfs_server",
    "source",
    "asset_tag",
    "uuid",
    "id",
}

#: Keys whose values also turn up inside other strings: a disk's serial in
#: its ``identification`` and ``id``, a remote server's name in a mount
#: point, the host name in notification subjects. Every occurrence of
#: these values is masked, wherever it is. (User and domain names are
#: ordinary words, such as "unraid", that are not masked in other text.)
_EMBEDDED = TO_REDACT - {"id", "source", "asset_tag", "smb_user", "smb_domain"}

#: Values too short or too generic to mask inside other text (the
#: placeholders firmware puts in DMI serial numbers).
_MIN_EMBEDDED = 3
_GENERIC = {"default string", "to be filled by o.e.m.", "not specified", "unknown"}


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


def _sensitive_values(value: Any, found: set[str]) -> set[str]:
    """Collect the string values of ``_EMBEDDED`` keys anywhere in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _EMBEDDED:
                items = item if isinstance(item, list) else [item]
                found.update(
                    text.strip()
                    for text in items
                    if isinstance(text, str)
                    and len(text.strip()) >= _MIN_EMBEDDED
                    and text.strip().lower() not in _GENERIC
                )
            else:
                _sensitive_values(item, found)
    elif isinstance(value, list):
        for item in value:
            _sensitive_values(item, found)
    return found


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """Mask every occurrence of a sensitive value inside strings and keys."""
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, dict):
        return {
            _scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: UnraidConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    data = coordinator.data
    freshness = coordinator.freshness.as_dict()
    for topic in coordinator.freshness.clocks:  # which entities each topic feeds
        freshness["topics"][str(topic)]["entities"] = coordinator.listener_count(topic)
    dump = _plain(
        {
            "entry": {
                "title": REDACTED,
                "unique_id": REDACTED,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "connection": {
                "mode": coordinator.mode.value,
                "last_update_success": coordinator.last_update_success,
                "last_frame": coordinator.last_frame,
                "poll_interval": coordinator.poll_interval.total_seconds(),
                "failed_topics": sorted(coordinator.failed_topics),
                "disabled_topics": sorted(coordinator.disabled_topics),
                "missing_topics": sorted(coordinator.missing_topics),
                "rest_requests": coordinator.client.request_count,
            },
            "freshness": freshness,
            "stats": coordinator.stats.as_dict(),
            "data": {
                "objects": {str(k): v for k, v in data.objects.items()},
                # Values only: disk keys are ids that embed serial numbers.
                "lists": {str(k): list(v.values()) for k, v in data.lists.items()},
                "container_updates": data.container_updates,
                "boot_time": data.boot_time,
            },
        }
    )
    sensitive = _sensitive_values(dump, set())
    redacted = async_redact_data(dump, TO_REDACT)
    # Longest first, so a value containing another is masked whole; not
    # inside a longer word or number (``10.0.0.2`` in ``10.0.0.25``).
    # ``(?!)`` matches nothing, for the (theoretical) case of no values.
    alternatives = "|".join(
        re.escape(text) for text in sorted(sensitive, key=len, reverse=True)
    )
    pattern = re.compile(
        rf"(?<![A-Za-z0-9])(?:{alternatives or '(?!)'})(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    return _scrub(redacted, pattern)  # type: ignore[no-any-return]
