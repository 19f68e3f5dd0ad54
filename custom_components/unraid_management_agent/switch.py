"""Switches: container and VM running state, remote share mounts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .actions import async_agent_call
from .api import UnraidClient
from .catalog import ITEM_SWITCHES
from .coordinator import UnraidConfigEntry
from .descriptions import ItemSwitchDescription
from .entity import UnraidEntity, track_item_groups
from .recollect import async_recollect

# Commands go to the agent one at a time.
PARALLEL_UPDATES = 1

#: How long a confirmed command may run ahead of the agent's next report.
CONFIRMED_STATE_HOLD = timedelta(seconds=90)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up switches, adding new ones as items appear."""
    track_item_groups(entry, ITEM_SWITCHES, ItemSwitch, async_add_entities)


class ItemSwitch(UnraidEntity, SwitchEntity):
    """A switch whose state is what the agent reports.

    After the agent accepts a command (HTTP 200), the switch shows the
    commanded state until the agent's next report of the item, which then
    wins; a command the agent refuses raises and changes nothing.
    """

    entity_description: ItemSwitchDescription
    _commanded: tuple[bool, Any, datetime] | None = None
    _hold_timer: CALLBACK_TYPE | None = None

    def _compute(self) -> None:
        desc = self.entity_description
        item = self.item
        reported = desc.is_on_fn(item)
        commanded = self._commanded
        if commanded is not None:
            target, seen, until = commanded
            if item is seen and dt_util.utcnow() < until:
                reported = target
            else:
                self._commanded = None
        self._attr_is_on = reported

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_is_on,)

    async def _command(
        self, target: bool, send: Callable[[UnraidClient, str, Any], Awaitable[Any]]
    ) -> None:
        item = self.item
        await async_agent_call(
            self.entity_id, send(self.coordinator.client, self.item_key or "", item)
        )
        self._commanded = (target, item, dt_util.utcnow() + CONFIRMED_STATE_HOLD)
        self._cancel_hold()
        # If the agent never reports a change (the command had no effect),
        # the reported state comes back when the hold ends.
        self._hold_timer = async_call_later(
            self.hass, CONFIRMED_STATE_HOLD, self._hold_ended
        )
        self._handle_channel_update()
        if self._group is not None:
            await async_recollect(self.coordinator, self._group.channel)

    @callback
    def _hold_ended(self, _now: datetime) -> None:
        self._hold_timer = None
        self._commanded = None
        self._handle_channel_update()

    @callback
    def _cancel_hold(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer()
            self._hold_timer = None

    async def async_will_remove_from_hass(self) -> None:
        """Stop the hold timer."""
        self._cancel_hold()
        await super().async_will_remove_from_hass()

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start (or mount) the item."""
        await self._command(True, self.entity_description.turn_on_fn)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop (or unmount) the item."""
        await self._command(False, self.entity_description.turn_off_fn)
