"""Adding item entities as items appear, in chunks, and expiring those long gone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)
import homeassistant.helpers.entity_registry as er
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .data import Channel
from .devices import STALE_CHECK_INTERVAL, item_id

if TYPE_CHECKING:
    from .coordinator import UnraidConfigEntry
    from .entity import UnraidEntity

#: About how many entities one step of the event loop adds: a batch of new
#: items gets its entities over several steps, so nothing else waits long.
ADD_CHUNK = 40

#: While the entry is in these states, its platforms take new entities.
_ADDING_STATES = (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED)


def key_parser(prefix: str, description_keys: list[str]) -> Callable[[str], str | None]:
    """Return a function reading the ``item_id`` out of an entity's unique id."""
    suffixes = sorted((f"_{key}" for key in description_keys), key=len, reverse=True)

    def parse(unique_id: str) -> str | None:
        if not unique_id.startswith(prefix):
            return None
        rest = unique_id[len(prefix) :]
        for suffix in suffixes:
            if rest.endswith(suffix) and len(rest) > len(suffix):
                return rest[: -len(suffix)]
        return None

    return parse


class ItemTracker:
    """Adds entities for items (containers, VMs, disks…) as they appear.

    ``keys`` lists the current item keys; ``build`` makes the entities of one
    new key. Keys are forgotten when all their entities are removed (their
    device was deleted), so an item that comes back later gets entities again.

    New keys are queued in the order they appear and get their entities
    about ``ADD_CHUNK`` at a time, one chunk per step of the event loop: a
    frame bringing hundreds of new containers must not hold Home Assistant
    up for seconds. A queued key whose item is gone by its turn is dropped
    (it is queued again if the item comes back).
    """

    def __init__(
        self,
        entry: UnraidConfigEntry,
        channels: Iterable[Channel],
        keys: Callable[[], Iterable[str]],
        build: Callable[[str], list[UnraidEntity]],
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Track one kind of item for one platform."""
        self._entry = entry
        self._channels = tuple(dict.fromkeys(channels))
        self._keys = keys
        self._build = build
        self._add = async_add_entities
        self._live: dict[str, int] = {}
        self._stale_after: timedelta | None = None
        self._parse: Callable[[str], str | None] = lambda _unique_id: None
        self._domain = ""
        self._scanned: tuple[datetime, frozenset[str]] | None = None
        #: Keys waiting for their entities, oldest first.
        self._queue: dict[str, None] = {}
        self._adding: asyncio.Task[None] | None = None

    @property
    def live(self) -> Mapping[str, int]:
        """The keys that have entities (with how many)."""
        return self._live

    @callback
    def expire_after(
        self, grace: timedelta, parse: Callable[[str], str | None]
    ) -> None:
        """Remove the entities of keys gone for ``grace`` (call during setup).

        ``parse`` reads an ``item_id`` out of a unique id (None: not this
        tracker's).
        Registry entries left from earlier runs are included, and absence
        only counts while the channels are read successfully.
        """
        self._stale_after = grace
        self._parse = parse
        self._domain = async_get_current_platform().domain

    @callback
    def start(self) -> None:
        """Add entities for the current items and follow future changes."""
        self._add_new()
        coordinator = self._entry.runtime_data
        for channel in self._channels:
            self._entry.async_on_unload(
                coordinator.async_add_channel_listener(channel, self._add_new)
            )
        if self._stale_after is not None:
            # Also when the agent reports nothing new for a long time.
            self._entry.async_on_unload(
                async_track_time_interval(
                    coordinator.hass, self._hourly, STALE_CHECK_INTERVAL
                )
            )

    @callback
    def _hourly(self, _now: datetime) -> None:
        if self._stale_after is not None:
            self._expire(frozenset(self._keys()), self._stale_after)

    @callback
    def _add_new(self) -> None:
        keys = list(self._keys())
        queue = self._queue
        for key in keys:
            if key not in self._live:
                queue[key] = None
        if queue and self._adding is None:
            # Not in this step: it may already be applying a large frame,
            # and other trackers may be following the same one.
            entry = self._entry
            self._adding = entry.async_create_task(
                entry.runtime_data.hass,
                self._add_queued(),
                "unraid add entities",
                eager_start=False,
            )
        if self._stale_after is not None:
            self._expire(frozenset(keys), self._stale_after)

    async def _add_queued(self) -> None:
        """Add the queued keys' entities, one chunk per step of the event loop."""
        try:
            while self._queue:
                if self._entry.state not in _ADDING_STATES:
                    # Unloading: the platform takes no more entities.
                    self._queue.clear()
                    return
                self._add_chunk()
                await asyncio.sleep(0)
        finally:
            self._adding = None

    @callback
    def _add_chunk(self) -> None:
        """Add the entities of the first queued keys, about ``ADD_CHUNK`` of them."""
        new: list[UnraidEntity] = []
        queue = self._queue
        while queue and len(new) < ADD_CHUNK:
            # Only keys without entities are queued, and each only once.
            key = next(iter(queue))
            del queue[key]
            entities = self._build(key)
            if not entities:
                continue
            self._live[key] = len(entities)
            forget = self._forget_callback(key)
            for entity in entities:
                entity.async_on_remove(forget)
            new.extend(entities)
        if new:
            self._add(new)

    @callback
    def _expire(self, present: frozenset[str], grace: timedelta) -> None:
        """Note absent keys; remove the entities of those gone for ``grace``."""
        coordinator = self._entry.runtime_data
        prefix = f"entity:{self._domain}:{self._channels[0]}:"
        clock = coordinator.absence
        if not all(coordinator.topic_available(ch) for ch in self._channels):
            # Absence counts only while the items are read.
            clock.keep_only(prefix, ())
            self._scanned = None
            return
        now = dt_util.utcnow()
        # The registry is scanned when the items change, else hourly.
        if self._scanned is not None:
            when, keys = self._scanned
            if keys == present and now - when < STALE_CHECK_INTERVAL:
                return
        self._scanned = (now, present)
        present_ids = {item_id(key) for key in present}
        registry = er.async_get(coordinator.hass)
        gone: dict[str, list[str]] = {}
        for entry in er.async_entries_for_config_entry(registry, self._entry.entry_id):
            if entry.domain != self._domain:
                continue
            key = self._parse(entry.unique_id)
            if key is not None and key not in present_ids:
                gone.setdefault(key, []).append(entry.entity_id)
        clock.keep_only(prefix, (prefix + key for key in gone))
        for key, entity_ids in gone.items():
            if now - clock.since(prefix + key, now) >= grace:
                clock.present(prefix + key)
                for entity_id in entity_ids:
                    registry.async_remove(entity_id)

    def _forget_callback(self, key: str) -> CALLBACK_TYPE:
        @callback
        def forget() -> None:
            remaining = self._live.get(key, 0) - 1
            if remaining > 0:
                self._live[key] = remaining
            else:
                self._live.pop(key, None)

        return forget
