"""Binary sensors: array and parity health, disk problems, links, mounts."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .catalog import ITEM_BINARY_SENSORS, SERVER_BINARY_SENSORS
from .coordinator import UnraidConfigEntry
from .descriptions import ItemBinarySensorDescription, ServerBinarySensorDescription
from .entity import UnraidEntity, track_item_groups, track_server_entities

# Coordinator is used to centralize the data updates.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up binary sensors, adding new ones as items appear."""
    track_server_entities(
        entry, SERVER_BINARY_SENSORS, CatalogBinarySensor, async_add_entities
    )
    track_item_groups(
        entry, ITEM_BINARY_SENSORS, CatalogBinarySensor, async_add_entities
    )


class CatalogBinarySensor(UnraidEntity, BinarySensorEntity):
    """A binary sensor of the catalog: of the server, or of one item of a group."""

    entity_description: ServerBinarySensorDescription | ItemBinarySensorDescription

    def _compute(self) -> None:
        desc = self.entity_description
        source = self.source
        self._attr_is_on = desc.is_on_fn(source)
        attrs_fn = getattr(desc, "attrs_fn", None)
        if attrs_fn is not None:
            self._attr_extra_state_attributes = attrs_fn(source) or {}

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_is_on, self._extra_attributes())
