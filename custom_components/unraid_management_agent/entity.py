"""Base entity: per-topic updates, and writes only when something changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from homeassistant.const import MAX_LENGTH_STATE_STATE
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .data import LIST_KEYS, Channel, UnraidData
from .devices import (
    STALE_DEVICE_GRACE,
    clip,
    display_name,
    item_id,
    server_device_info,
    server_id,
)
from .tracker import ItemTracker, key_parser


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
        shared: ItemShared | None = None,
    ) -> None:
        """Create the entity; with ``group`` and ``item_key`` it describes one item.

        ``shared``: what all the entities of that item share (built once).
        """
        super().__init__(coordinator)
        self.entity_description = description
        self._channels = tuple(channels)
        self._group = group
        self._item_key = item_key
        #: The item, looked up once while an update runs (_NOTHING otherwise).
        self._resolved: Any = _NOTHING
        parts = [server_id(coordinator)]
        if group is not None and item_key is not None:
            parts += [group.prefix, item_id(item_key)]
            if shared is None:
                shared = ItemShared.of(coordinator, group, item_key)
            self._attr_device_info = shared.device_info
            if shared.placeholders is not None:
                self._attr_translation_placeholders = shared.placeholders
            if not shared.enabled:
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
        if self._resolved is not _NOTHING:
            return self._resolved
        return self._group.items_fn(self.coordinator.data).get(self._item_key)

    @property
    def source(self) -> Any:
        """What the description's functions read: the item, or the whole data."""
        if self._group is None:
            return self.coordinator.data
        return item_source(self.entity_description, self.coordinator.data, self.item)

    @property
    def available(self) -> bool:
        """Available while the server answers, our data is current and the item exists."""
        coordinator = self.coordinator
        # Also for entities without channels (reboot, shutdown): no commands
        # are offered while the server does not answer.
        if not coordinator.last_update_success:
            return False
        topic_available = coordinator.topic_available
        for channel in self._channels:
            if not topic_available(channel):
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
        for channel in getattr(self.entity_description, "source_channels", ()):
            self.async_on_remove(
                coordinator.async_add_channel_listener(
                    channel, self._handle_channel_update
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
        # One look-up of the item for the whole update (availability, the
        # values, the write): an item group may build its mapping each time.
        self._resolved = self.item
        try:
            available = self.available  # (once: _compute_state, _fingerprint)
            if available:
                self._compute()
            fingerprint = (available, self._state_tuple() if available else None)
            stats = self.coordinator.stats
            if fingerprint == self._written:
                stats.state_skips += 1
                return
            self._written = fingerprint
            stats.state_writes += 1
            self.async_write_ha_state()
        finally:
            self._resolved = _NOTHING

    def _fingerprint(self) -> object:
        """Return what was written: availability, and the state if available."""
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


def item_source(description: object, data: UnraidData, item: Any) -> Any:
    """Return what an item description's functions read (see ``source_fn``)."""
    source_fn = getattr(description, "source_fn", None)
    if source_fn is None or item is None:
        return item
    return source_fn(data, item)


@dataclass(frozen=True, slots=True)
class ItemShared:
    """What every entity of one item shares: one device info, one name.

    Home Assistant reads them when it adds the entities; hundreds of items
    with several entities each need not hold a copy per entity.
    """

    device_info: DeviceInfo
    placeholders: dict[str, str] | None
    enabled: bool

    @classmethod
    def of(
        cls, coordinator: UnraidCoordinator, group: ItemGroup, key: str
    ) -> ItemShared:
        """Build them for the item ``key`` of ``group`` as it is now."""
        item = group.items_fn(coordinator.data).get(key)
        return cls(
            device_info=(
                group.device_fn(coordinator, key, item)
                if group.device_fn is not None
                else server_device_info(coordinator)
            ),
            placeholders=(
                {"name": display_name(group.label_fn(key, item))}
                if group.label_fn is not None
                else None
            ),
            enabled=group.enabled_fn is None or group.enabled_fn(key, item),
        )


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

    def appeared() -> list[str]:
        # Only for entities not added yet: nothing else would change (server
        # entities are never removed for lack of data), and this runs on
        # every change of every channel the descriptions read.
        live = tracker.live
        data = coordinator.data
        return [
            key
            for key, desc in by_key.items()
            if key not in live and desc.exists_fn(data)
        ]

    tracker = ItemTracker(
        entry,
        (
            channel
            for description in by_key.values()
            for channel in description.channels
        ),
        appeared,
        lambda key: [
            entity_class(
                coordinator,
                cast("EntityDescription", by_key[key]),
                by_key[key].channels,
            )
        ],
        async_add_entities,
    )
    tracker.start()


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
        wanted = [
            desc
            for desc in descriptions
            if desc.exists_fn(item_source(desc, coordinator.data, item))
        ]
        if not wanted:
            return []
        shared = ItemShared.of(coordinator, group, key)
        return [
            entity_class(
                coordinator,
                cast("EntityDescription", desc),
                (group.channel, *getattr(desc, "channels", ())),
                group=group,
                item_key=key,
                shared=shared,
            )
            for desc in wanted
        ]

    tracker = ItemTracker(
        entry,
        (group.channel,),
        lambda: list(group.items_fn(coordinator.data)),
        build,
        async_add_entities,
    )
    # The entities of a vanished item go after the same grace as devices,
    # also those left without a device (from an earlier run or version).
    tracker.expire_after(
        STALE_DEVICE_GRACE,
        key_parser(
            f"{server_id(coordinator)}_{group.prefix}_",
            [desc.key for desc in descriptions],
        ),
    )
    tracker.start()
