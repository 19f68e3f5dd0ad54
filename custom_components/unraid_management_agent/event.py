"""Event entity: one event per new Unraid notification."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Topic
from .api.models import Notification
from .coordinator import UnraidConfigEntry, UnraidCoordinator
from .entity import UnraidEntity

# Coordinator is used to centralize the data updates.
PARALLEL_UPDATES = 0

IMPORTANCES = ["alert", "warning", "normal", "info"]

NOTIFICATION_EVENT = EventEntityDescription(
    key="notification",
    translation_key="notification",
    event_types=IMPORTANCES,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the notification event entity (agents from 2025.11.17 have them)."""
    if Topic.NOTIFICATIONS not in entry.runtime_data.missing_topics:
        async_add_entities([NotificationEvent(entry.runtime_data)])


class NotificationEvent(UnraidEntity, EventEntity):
    """Fires once for every notification that appears after setup.

    Notifications that exist when the entity starts are only remembered,
    so nothing replays after a restart of Home Assistant or of the agent.
    """

    entity_description: EventEntityDescription
    _unrecorded_attributes = frozenset({"description", "link"})

    def __init__(self, coordinator: UnraidCoordinator) -> None:
        """Create the entity and remember the notifications that exist now."""
        self._seen: set[str] | None = None
        super().__init__(coordinator, NOTIFICATION_EVENT, (Topic.NOTIFICATIONS,))

    def _current(self) -> tuple[Notification, ...] | None:
        """Return the notifications the agent lists (None until it has said)."""
        notifications = self.coordinator.data.notifications
        if notifications is None:
            return None
        return notifications.notifications or ()

    def _compute(self) -> None:
        current = self._current()
        if self._seen is None and current is not None:
            self._seen = {n.id for n in current if n.id}

    def _state_tuple(self) -> tuple[Any, ...]:
        return ()

    @callback
    def _handle_channel_update(self) -> None:
        """Fire for each notification not seen before, oldest first."""
        current = self._current()
        if current is None or self._seen is None:
            # The first list the agent sends (here or after a failed read
            # at setup) only tells what already exists.
            super()._handle_channel_update()
            return
        fresh = [
            n
            for n in current
            if n.id and n.id not in self._seen and n.type != "archive"
        ]
        self._seen.update(n.id for n in current if n.id)
        if not fresh:
            super()._handle_channel_update()
            return
        fresh.sort(key=lambda n: (n.timestamp is None, n.timestamp))
        for note in fresh:
            importance = note.importance if note.importance in IMPORTANCES else "info"
            self._trigger_event(
                importance,
                {
                    "id": note.id,
                    "title": note.title,
                    "subject": note.subject,
                    "description": note.description,
                    "link": note.link,
                    "timestamp": note.timestamp.isoformat() if note.timestamp else None,
                },
            )
            self.coordinator.stats.state_writes += 1
            self.async_write_ha_state()
