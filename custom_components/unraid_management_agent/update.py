"""Update entities: Unraid OS, container images and plugins."""

from __future__ import annotations

from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .actions import async_agent_call
from .api import Topic
from .catalog import ITEM_UPDATES
from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .descriptions import ItemUpdateDescription
from .entity import UnraidEntity, clip_state, track_item_groups

# Commands go to the agent one at a time.
PARALLEL_UPDATES = 1

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
    """An update of one item: a container image or a plugin."""

    entity_description: ItemUpdateDescription

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the entity (see ``UnraidEntity``)."""
        #: (item as reported, version) after an install through this entity.
        self._installed: tuple[Any, str] | None = None
        super().__init__(*args, **kwargs)
        self._attr_supported_features = UpdateEntityFeature.INSTALL

    def _compute(self) -> None:
        desc = self.entity_description
        data = self.coordinator.data
        key = self.item_key or ""
        item = self.item
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
            self._attr_in_progress,
        )

    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Install the update through the agent."""
        install = self.entity_description.install_fn
        self._attr_in_progress = True
        self.async_write_ha_state()
        desc = self.entity_description
        key = self.item_key or ""
        item = self.item
        latest = self._attr_latest_version
        try:
            await async_agent_call(
                self.entity_id, install(self.coordinator.client, key, item)
            )
            if desc.installed_callback is not None:
                desc.installed_callback(self.coordinator, key)
            elif latest is not None:
                self._installed = (item, latest)
        finally:
            self._attr_in_progress = False
            self._handle_channel_update()
