"""Per-channel listeners, and problems logged once: the base of the coordinator."""

from __future__ import annotations

from collections.abc import Iterable
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .data import Channel, UnraidData
from .stats import CoordinatorStats

LOGGER = logging.getLogger(__package__)


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

    @callback
    def _notify(self, channel: Channel, keys: Iterable[str] | None = None) -> None:
        """Call the channel's listeners: all of them, or those of some items.

        Listeners of the whole channel (key None) are always called; with
        ``keys``, item listeners only for those items.
        """
        by_key = self._channel_listeners.get(channel)
        if not by_key:
            return
        if keys is None:
            callbacks = [cb for slot in by_key.values() for cb in slot]
        else:
            callbacks = list(by_key.get(None, ()))
            for key in keys:
                callbacks.extend(by_key.get(key, ()))
        for update_callback in callbacks:
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
