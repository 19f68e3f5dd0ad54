"""Since when each gone item has been missing, kept across restarts.

Devices and entities of items the agent no longer reports are removed after
a grace period (7 days). The clock of each absence is stored with the
config entry, so a Home Assistant restarted weekly still removes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN

STORAGE_VERSION: Final = 1
#: Writes are gathered: absences change at most hourly.
SAVE_DELAY: Final = 30.0


class AbsenceClock:
    """When each absent thing (keyed by the caller) was first seen missing."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the clock of one config entry (empty until loaded)."""
        self._store: Store[dict[str, str]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.absences"
        )
        self._since: dict[str, datetime] = {}
        self._dirty = False

    async def async_load(self) -> None:
        """Read the absences recorded before this start."""
        stored = await self._store.async_load()
        if not isinstance(stored, dict):
            return
        for key, text in stored.items():
            when = dt_util.parse_datetime(text) if isinstance(text, str) else None
            if when is not None:
                self._since.setdefault(key, when)

    async def async_flush(self) -> None:
        """Write what has not been written yet (the entry unloads)."""
        if self._dirty:
            self._dirty = False
            await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the stored clock (the entry is being removed)."""
        await self._store.async_remove()

    @callback
    def since(self, key: str, now: datetime) -> datetime:
        """Return when ``key`` went missing, starting its clock at ``now``."""
        when = self._since.get(key)
        if when is None:
            when = self._since[key] = now
            self._save()
        return when

    @callback
    def present(self, key: str) -> None:
        """``key`` is there (again): stop its clock."""
        if self._since.pop(key, None) is not None:
            self._save()

    @callback
    def keep_only(self, prefix: str, keys: Iterable[str]) -> None:
        """Forget the absences under ``prefix`` other than ``keys``."""
        wanted = set(keys)
        stale = [k for k in self._since if k.startswith(prefix) and k not in wanted]
        for key in stale:
            del self._since[key]
        if stale:
            self._save()

    def keys(self, prefix: str) -> set[str]:
        """Return the keys under ``prefix`` being timed (without the prefix)."""
        return {k[len(prefix) :] for k in self._since if k.startswith(prefix)}

    @callback
    def _save(self) -> None:
        self._dirty = True
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> dict[str, str]:
        self._dirty = False
        return {key: when.isoformat() for key, when in self._since.items()}
