"""Update entities: Unraid OS, container images and plugins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .actions import async_agent_command
from .api import Topic
from .catalog import ITEM_UPDATES
from .const import SIGNAL_UPDATE_ALL_UNANSWERED
from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .data import UnraidData
from .descriptions import ItemUpdateDescription
from .entity import ItemGroup, UnraidEntity, clip_state, track_item_groups

# Commands go to the agent one at a time.
PARALLEL_UPDATES = 1

#: How long an install left unanswered may wait for the agent's reports:
#: the agent gives a container update 10 minutes (``controllers/docker.go:657``)
#: and ``plugin update`` 60 s (``lib/shell.go:97``).
PENDING_INSTALL_LIMIT = timedelta(minutes=10)

OS_UPDATE = UpdateEntityDescription(
    key="unraid_os",
    translation_key="unraid_os",
    device_class=UpdateDeviceClass.FIRMWARE,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up update entities, adding new ones as items appear."""
    coordinator = entry.runtime_data
    async_add_entities(
        [OSUpdate(coordinator, OS_UPDATE, (Topic.OS_UPDATE, Topic.SYSTEM))]
    )
    track_item_groups(entry, ITEM_UPDATES, ItemUpdate, async_add_entities)


class OSUpdate(UnraidEntity, UpdateEntity):
    """Unraid OS: installed and latest version (installing is done in Unraid)."""

    entity_description: UpdateEntityDescription

    def __init__(
        self,
        coordinator: UnraidCoordinator,
        description: UpdateEntityDescription,
        channels: Any,
    ) -> None:
        """Create the entity."""
        super().__init__(coordinator, description, channels)

    def _compute(self) -> None:
        data = self.coordinator.data
        status = data.os_update
        system = data.system
        installed = (status.current_version if status else None) or (
            system.version if system else None
        )
        latest = installed
        if status is not None and status.update_available and status.latest_version:
            latest = status.latest_version
        self._attr_installed_version = clip_state(installed)
        self._attr_latest_version = clip_state(latest)

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_installed_version, self._attr_latest_version)


class ItemUpdate(UnraidEntity, UpdateEntity):
    """An update of one item: a container image or a plugin.

    An install the agent takes and leaves unanswered (it outlasted the
    agent's 30 s write timeout) has an unknown outcome, not a failed one:
    the entity stays in progress until the agent's reports tell (the
    description's ``settle_fn``), or for ``PENDING_INSTALL_LIMIT``.
    """

    entity_description: ItemUpdateDescription

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the entity (see ``UnraidEntity``)."""
        #: (item as reported, version) after an install through this entity.
        self._installed: tuple[Any, str] | None = None
        #: What an unanswered install was sent on (``marker_fn``), if any.
        self._pending: tuple[Any] | None = None
        self._pending_timer: CALLBACK_TYPE | None = None
        super().__init__(*args, **kwargs)
        self._attr_supported_features = (
            UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS
        )

    @property
    def in_progress(self) -> bool | None:
        """Installing now, or an unanswered install not yet reported on."""
        return self._attr_in_progress or self._pending is not None

    async def async_added_to_hass(self) -> None:
        """Also follow "update all" commands left unanswered."""
        await super().async_added_to_hass()
        if self.entity_description.follows_update_all:
            signal = SIGNAL_UPDATE_ALL_UNANSWERED.format(
                self.coordinator.config_entry.entry_id
            )
            self.async_on_remove(
                async_dispatcher_connect(self.hass, signal, self._update_all_unanswered)
            )

    async def async_will_remove_from_hass(self) -> None:
        """Stop waiting for a report."""
        self._stop_waiting()
        await super().async_will_remove_from_hass()

    def _compute(self) -> None:
        desc = self.entity_description
        data = self.coordinator.data
        key = self.item_key or ""
        item = self.item
        if self._pending is not None:
            done = desc.settle_fn(data, key, item, self._pending[0])
            if done is not None:
                self._stop_waiting()
                if done and desc.installed_callback is not None:
                    desc.installed_callback(self.coordinator, key)
        # Tags and names are the agent's free texts, of any length.
        self._attr_installed_version = clip_state(desc.installed_fn(data, key, item))
        self._attr_latest_version = clip_state(desc.latest_fn(data, key, item))
        installed = self._installed
        if installed is not None:
            seen, version = installed
            if item is seen:
                # Installed through us; the agent reports it on its next check.
                self._attr_installed_version = version
            else:
                self._installed = None
        if desc.title_fn is not None:
            self._attr_title = clip_state(desc.title_fn(key, item))

    def _state_tuple(self) -> tuple[Any, ...]:
        return (
            self._attr_installed_version,
            self._attr_latest_version,
            self.in_progress,
        )

    @callback
    def _wait_for_report(self, marker: Any) -> None:
        """Stay in progress until the agent's reports tell, at most for a while."""
        self._stop_waiting()
        self._pending = (marker,)
        self._pending_timer = async_call_later(
            self.hass, PENDING_INSTALL_LIMIT, self._waited_long_enough
        )

    @callback
    def _stop_waiting(self) -> None:
        self._pending = None
        if self._pending_timer is not None:
            self._pending_timer()
            self._pending_timer = None

    @callback
    def _waited_long_enough(self, _now: datetime) -> None:
        """Show what the agent reports: it has long given up by now."""
        self._pending_timer = None
        self._pending = None
        self._handle_channel_update()

    @callback
    def _update_all_unanswered(self, sent: UnraidData) -> None:
        """Wait for reports if this item offered an update when "update all" was sent."""
        desc = self.entity_description
        key = self.item_key or ""
        # Item entities always have their group.
        item = cast("ItemGroup", self._group).items_fn(sent).get(key)
        latest = desc.latest_fn(sent, key, item) if item is not None else None
        if latest is None or latest == desc.installed_fn(sent, key, item):
            return
        self._wait_for_report(desc.marker_fn(sent, key, item))
        self._handle_channel_update()

    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Install the update through the agent."""
        desc = self.entity_description
        self._attr_in_progress = True
        self.async_write_ha_state()
        key = self.item_key or ""
        item = self.item
        latest = self._attr_latest_version
        marker = desc.marker_fn(self.coordinator.data, key, item)
        try:
            result = await async_agent_command(
                self.entity_id, desc.install_fn(self.coordinator.client, key, item)
            )
            if result is None:
                self._wait_for_report(marker)
            elif desc.installed_callback is not None:
                desc.installed_callback(self.coordinator, key)
            elif latest is not None:
                self._installed = (item, latest)
        finally:
            self._attr_in_progress = False
            self._handle_channel_update()
