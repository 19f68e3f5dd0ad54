"""Per-channel listeners, and problems logged once: the base of the coordinator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .data import Channel, UnraidData
from .stats import CoordinatorStats

LOGGER = logging.getLogger(__package__)

#: At most this many listeners are called in one step of the event loop: a
#: frame that changes hundreds of items (500 containers gone at once) has
#: their entities written over a few steps, so nothing else waits long.
NOTIFY_CHUNK = 300


class ChannelCoordinator(DataUpdateCoordinator[UnraidData]):
    """A coordinator whose listeners subscribe to one channel, or one item of it.

    A listener that raises is contained: the others are still called, and
    the failure is logged once and counted.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the coordinator with no listeners yet."""
        super().__init__(*args, **kwargs)
        self.stats = CoordinatorStats()
        self._channel_listeners: dict[
            Channel, dict[str | None, list[CALLBACK_TYPE]]
        ] = {}
        self._logged: set[str] = set()

    @callback
    def async_add_channel_listener(
        self, channel: Channel, update_callback: CALLBACK_TYPE, key: str | None = None
    ) -> CALLBACK_TYPE:
        """Call ``update_callback`` when ``channel`` (or one item of it) changes."""
        by_key = self._channel_listeners.setdefault(channel, {})
        slot = by_key.setdefault(key, [])
        slot.append(update_callback)

        @callback
        def remove() -> None:
            slot.remove(update_callback)
            if not slot:
                by_key.pop(key, None)

        return remove

    def listener_count(self, channel: Channel) -> int:
        """How many listeners a channel has (its items' included): its entities."""
        return sum(
            len(slot) for slot in self._channel_listeners.get(channel, {}).values()
        )

    @callback
    def _notify(self, channel: Channel, keys: Iterable[str] | None = None) -> None:
        """Call the channel's listeners: all of them, or those of some items.

        Listeners of the whole channel (key None) are always called, first;
        with ``keys``, item listeners only for those items. Past
        ``NOTIFY_CHUNK`` listeners, the rest are called in later steps of
        the event loop (those removed meanwhile are skipped).
        """
        by_key = self._channel_listeners.get(channel)
        if not by_key:
            return
        if keys is None:
            calls = [(key, cb) for key, slot in by_key.items() for cb in slot]
        else:
            calls = [(None, cb) for cb in by_key.get(None, ())]
            for key in keys:
                calls.extend((key, cb) for cb in by_key.get(key, ()))
        if len(calls) > NOTIFY_CHUNK:
            self.config_entry.async_create_task(  # type: ignore[union-attr]
                self.hass,
                self._notify_later(channel, calls[NOTIFY_CHUNK:]),
                "unraid entity updates",
                eager_start=False,
            )
            calls = calls[:NOTIFY_CHUNK]
        for _key, update_callback in calls:
            self._call(channel, update_callback)

    async def _notify_later(
        self, channel: Channel, calls: list[tuple[str | None, CALLBACK_TYPE]]
    ) -> None:
        """Call the rest of a large notification, ``NOTIFY_CHUNK`` per loop step."""
        for start in range(0, len(calls), NOTIFY_CHUNK):
            if start:
                await asyncio.sleep(0)
            by_key = self._channel_listeners.get(channel, {})
            for key, update_callback in calls[start : start + NOTIFY_CHUNK]:
                if update_callback in by_key.get(key, ()):
                    self._call(channel, update_callback)

    @callback
    def _call(self, channel: Channel, update_callback: CALLBACK_TYPE) -> None:
        try:
            update_callback()
        except Exception:  # noqa: BLE001
            # One entity that cannot take a value must not stop the others
            # (nor, from a frame, the event stream).
            self.stats.apply_errors += 1
            self.log_once(
                f"listener:{channel}",
                logging.ERROR,
                "An entity of %s failed to update from %s",
                self.name,
                channel,
                exc_info=True,
            )

    @callback
    def log_once(
        self, kind: str, level: int, msg: str, *args: object, exc_info: bool = False
    ) -> None:
        """Log a problem the first time it happens (until it is cleared)."""
        if kind in self._logged:
            return
        self._logged.add(kind)
        LOGGER.log(level, msg, *args, exc_info=exc_info)

    @callback
    def clear_logged(self, kind: str) -> bool:
        """Forget a logged problem; True if it had been logged."""
        if kind in self._logged:
            self._logged.discard(kind)
            return True
        return False
