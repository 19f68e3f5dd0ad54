"""Buttons: parity checks, array, reboot/shutdown, container and VM actions."""

from __future__ import annotations

from typing import Any

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .actions import async_agent_call, async_agent_command
from .catalog import ITEM_BUTTONS, SERVER_BUTTONS
from .coordinator import UnraidConfigEntry
from .descriptions import ItemButtonDescription, ServerButtonDescription
from .entity import UnraidEntity, track_item_groups, track_server_entities
from .recollect import async_recollect

# Commands go to the agent one at a time.
PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up buttons, adding new ones as items appear."""
    track_server_entities(entry, SERVER_BUTTONS, ServerButton, async_add_entities)
    track_item_groups(entry, ITEM_BUTTONS, ItemButton, async_add_entities)


class ServerButton(UnraidEntity, ButtonEntity):
    """A button that sends one command about the whole server."""

    entity_description: ServerButtonDescription

    @property
    def available(self) -> bool:
        """Available while the server answers and the action applies."""
        return super().available and self.entity_description.available_fn(
            self.coordinator.data
        )

    def _compute(self) -> None:
        """Buttons have no state of their own."""

    def _state_tuple(self) -> tuple[Any, ...]:
        return ()

    async def async_press(self) -> None:
        """Send the command; failures raise with the agent's message."""
        desc = self.entity_description
        coordinator = self.coordinator
        command = desc.press_fn(coordinator.client)
        if desc.no_answer_fn is not None:
            sent = coordinator.data.snapshot()
            result = await async_agent_command(self.entity_id, command)
            if result is None:
                desc.no_answer_fn(coordinator, sent)
                return
        else:
            result = await async_agent_call(self.entity_id, command)
        if desc.done_fn is not None:
            desc.done_fn(coordinator, result)


class ItemButton(UnraidEntity, ButtonEntity):
    """A button acting on one item (restart a container, pause a VM…)."""

    entity_description: ItemButtonDescription

    def _compute(self) -> None:
        """Buttons have no state of their own."""

    def _state_tuple(self) -> tuple[Any, ...]:
        return ()

    async def async_press(self) -> None:
        """Send the command for the item as the agent knows it now."""
        desc = self.entity_description
        key = self.item_key or ""
        await async_agent_call(
            self.entity_id, desc.press_fn(self.coordinator.client, key, self.item)
        )
        if self._group is not None:
            await async_recollect(self.coordinator, self._group.channel)
