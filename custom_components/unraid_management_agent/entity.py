"""Base entity: per-topic updates, and writes only when something changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import MAX_LENGTH_STATE_STATE
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)
import homeassistant.helpers.entity_registry as er
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .data import LIST_KEYS, Channel, UnraidData
from .devices import (
    STALE_CHECK_INTERVAL,
    STALE_DEVICE_GRACE,
    clip,
    display_name,
    item_id,
    server_device_info,
    server_id,
)

#: About how many entities one step of the event loop adds: a batch of new
#: items gets its entities over several steps, so nothing else waits long.
ADD_CHUNK = 40

#: While the entry is in these states, its platforms take new entities.
_ADDING_STATES = (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED)


def clip_state[T](value: T) -> T:
    """Cut a text to the length Home Assistant accepts for a state (others unchanged)."""
    if isinstance(value, str):
        return cast("T", clip(value, MAX_LENGTH_STATE_STATE))
    return value


class UnraidEntity(CoordinatorEntity[UnraidCoordinator]):
    """An entity fed by some of the coordinator's channels.

    It listens only to the channels it reads (for an item of a list topic:
    only to that item), recomputes its state when one of them changes, and
    writes to the state machine only when the result differs from what it
    last wrote. Subclasses implement ``_compute``.
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: UnraidCoordinator,
        description: EntityDescription,
        channels: Iterable[Channel],
        *,
        group: ItemGroup | None = None,
        item_key: str | None = None,
    ) -> None:
        """Create the entity; with ``group`` and ``item_key`` it describes one item."""
        super().__init__(coordinator)
        self.entity_description = description
        self._channels = tuple(channels)
        self._group = group
        self._item_key = item_key
        parts = [server_id(coordinator)]
        if group is not None and item_key is not None:
            parts += [group.prefix, item_id(item_key)]
            item = group.items_fn(coordinator.data).get(item_key)
            self._attr_device_info = (
                group.device_fn(coordinator, item_key, item)
                if group.device_fn is not None
                else server_device_info(coordinator)
            )
            if group.label_fn is not None:
                self._attr_translation_placeholders = {
                    "name": display_name(group.label_fn(item_key, item))
                }
            if group.enabled_fn is not None and not group.enabled_fn(item_key, item):
                self._attr_entity_registry_enabled_default = False
        else:
            self._attr_device_info = server_device_info(coordinator)
        parts.append(description.key)
        self._attr_unique_id = "_".join(parts)
        self._written: object = _NOTHING
        self._compute_state()

    @property
    def item_key(self) -> str | None:
        """The key of the item this entity describes, if any."""
        return self._item_key

    @property
    def item(self) -> Any:
        """The current model of this entity's item (None when it is gone)."""
        if self._group is None or self._item_key is None:
            return None
        return self._group.items_fn(self.coordinator.data).get(self._item_key)

    @property
    def source(self) -> Any:
        """What the description's functions read: the item, or the whole data."""
        return self.item if self._group is not None else self.coordinator.data

    @property
    def available(self) -> bool:
        """Available while the server answers, our data is current and the item exists."""
        coordinator = self.coordinator
        # Also for entities without channels (reboot, shutdown): no commands
        # are offered while the server does not answer.
        if not coordinator.last_update_success:
            return False
        if not all(coordinator.topic_available(channel) for channel in self._channels):
            return False
        return self._group is None or self.item is not None

    async def async_added_to_hass(self) -> None:
        """Subscribe to our channels (and to availability changes)."""
        await super().async_added_to_hass()
        coordinator = self.coordinator
        for channel in self._channels:
            key = (
                self._item_key
                if channel in LIST_KEYS and self._group is not None
                else None
            )
            self.async_on_remove(
                coordinator.async_add_channel_listener(
                    channel, self._handle_channel_update, key
                )
            )
        self._written = self._fingerprint()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Availability changed for the whole server."""
        self._handle_channel_update()

    @callback
    def _handle_channel_update(self) -> None:
        """Recompute; write only when the state or attributes changed."""
        self._compute_state()
        fingerprint = self._fingerprint()
        stats = self.coordinator.stats
        if fingerprint == self._written:
            stats.state_skips += 1
            return
        self._written = fingerprint
        stats.state_writes += 1
        self.async_write_ha_state()

    def _fingerprint(self) -> object:
        available = self.available
        return (available, self._state_tuple() if available else None)

    @callback
    def _compute_state(self) -> None:
        """Update the ``_attr_*`` values from the coordinator's data."""
        if self.available:
            self._compute()

    def _extra_attributes(self) -> dict[str, Any] | None:
        """Return the extra state attributes set by ``_compute``, if any."""
        if hasattr(self, "_attr_extra_state_attributes"):
            return self._attr_extra_state_attributes
        return None

    def _compute(self) -> None:
        """Set this entity's ``_attr_*`` values (data is known to be current)."""
        raise NotImplementedError

    def _state_tuple(self) -> tuple[Any, ...]:
        """Return what, when it changes, needs a state write."""
        raise NotImplementedError


_NOTHING = object()


@dataclass(frozen=True, kw_only=True)
class ItemGroup:
    """A family of items (containers, disks, shares…) that get entities.

    ``items_fn`` maps the data to the current items by key; ``device_fn``
    builds the child device of an item (None: the entities sit on the
    server device, named with ``label_fn`` through a ``{name}`` placeholder).
    """

    channel: Channel
    prefix: str
    items_fn: Callable[[UnraidData], Mapping[str, Any]]
    device_fn: Callable[[UnraidCoordinator, str, Any], DeviceInfo] | None = None
    label_fn: Callable[[str, Any], str] | None = None
    enabled_fn: Callable[[str, Any], bool] | None = None


class _Described(Protocol):
    """What the trackers need of a description (all ours are EntityDescriptions)."""

    @property
    def key(self) -> str: ...

    def exists_fn(self, item: Any, /) -> bool: ...


class _ServerDescribed(_Described, Protocol):
    @property
    def channels(self) -> tuple[Channel, ...]: ...


def track_server_entities(
    entry: UnraidConfigEntry,
    descriptions: Iterable[_ServerDescribed],
    entity_class: type[UnraidEntity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add server entities as their data appears (``exists_fn``)."""
    coordinator = entry.runtime_data
    by_key = {description.key: description for description in descriptions}
    ItemTracker(
        entry,
        (
            channel
            for description in by_key.values()
            for channel in description.channels
        ),
        lambda: [
            key for key, desc in by_key.items() if desc.exists_fn(coordinator.data)
        ],
        lambda key: [
            entity_class(
                coordinator,
                cast("EntityDescription", by_key[key]),
                by_key[key].channels,
            )
        ],
        async_add_entities,
    ).start()


def track_item_groups(
    entry: UnraidConfigEntry,
    groups: Iterable[tuple[ItemGroup, Iterable[_Described]]],
    entity_class: type[UnraidEntity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of each item of each group as items appear.

    An item entity reads its group's channel plus any ``channels`` its
    description names.
    """
    for group, descriptions in groups:
        _track_group(
            entry, group, tuple(descriptions), entity_class, async_add_entities
        )


def _track_group(
    entry: UnraidConfigEntry,
    group: ItemGroup,
    descriptions: tuple[_Described, ...],
    entity_class: type[UnraidEntity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    coordinator = entry.runtime_data

    def build(key: str) -> list[UnraidEntity]:
        item = group.items_fn(coordinator.data).get(key)
        if item is None:
            return []
        return [
            entity_class(
                coordinator,
                cast("EntityDescription", desc),
                (group.channel, *getattr(desc, "channels", ())),
                group=group,
                item_key=key,
            )
            for desc in descriptions
            if desc.exists_fn(item)
        ]

    tracker = ItemTracker(
        entry,
        (group.channel,),
        lambda: list(group.items_fn(coordinator.data)),
        build,
        async_add_entities,
    )
    if group.device_fn is None:
        # No device to remove: the entities of a vanished share, NIC, pool…
        # go by themselves after the same grace as devices.
        tracker.expire_after(
            STALE_DEVICE_GRACE,
            _key_parser(
                f"{server_id(coordinator)}_{group.prefix}_",
                [desc.key for desc in descriptions],
            ),
        )
    tracker.start()


def _key_parser(
    prefix: str, description_keys: list[str]
) -> Callable[[str], str | None]:
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
        self._missing: dict[str, datetime] = {}
        self._scanned: tuple[datetime, frozenset[str]] | None = None
        #: Keys waiting for their entities, oldest first.
        self._queue: dict[str, None] = {}
        self._adding: asyncio.Task[None] | None = None

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
            for entity in entities:
                entity.async_on_remove(self._forget_callback(key))
            new.extend(entities)
        if new:
            self._add(new)

    @callback
    def _expire(self, present: frozenset[str], grace: timedelta) -> None:
        """Note absent keys; remove the entities of those gone for ``grace``."""
        coordinator = self._entry.runtime_data
        if not all(coordinator.topic_available(ch) for ch in self._channels):
            self._missing.clear()
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
        self._missing = {
            key: since for key, since in self._missing.items() if key in gone
        }
        for key, entity_ids in gone.items():
            since = self._missing.setdefault(key, now)
            if now - since >= grace:
                del self._missing[key]
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
