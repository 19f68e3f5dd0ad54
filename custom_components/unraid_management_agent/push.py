"""The event-stream listener: push first, polling while the stream is down."""

from __future__ import annotations

import asyncio
import logging
import random

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .api import (
    AgentEvent,
    FrameKind,
    Topic,
    UnraidAuthenticationError,
    UnraidError,
    UnraidRateLimitedError,
    UnraidTimeoutError,
    UnraidWebSocket,
)
from .api.models import CollectorStateEvent
from .const import BACKOFF_JITTER, BACKOFF_MAX, BACKOFF_MIN, BACKOFF_RESET_AFTER
from .coordinator import COLLECTOR_TOPICS, LOGGER, SUBSCRIPTION, UnraidCoordinator
from .data import USED_TOPICS, Local


class PushListener:
    """Keeps the agent's event stream open and applies its frames.

    While the stream is down the coordinator polls REST, and the listener
    reconnects with exponential backoff (1 s doubling to 5 min, jittered,
    never giving up; the delay resets once a connection has lasted a
    minute). After every reconnect it re-seeds over REST before applying
    frames, because the agent sends no snapshot on connect.
    """

    def __init__(
        self, coordinator: UnraidCoordinator, rng: random.Random | None = None
    ) -> None:
        """Create the listener for one coordinator."""
        self._coordinator = coordinator
        self._rng = rng or random.Random()
        self._attempt = 0
        self._outage_logged = False

    def next_delay(self, at_least: float = 0.0) -> float:
        """Return the next reconnect delay and record it."""
        base = min(BACKOFF_MAX, BACKOFF_MIN * 2.0 ** min(self._attempt, 16))
        self._attempt += 1
        delay = max(at_least, base * (1.0 - BACKOFF_JITTER * self._rng.random()))
        self._coordinator.stats.backoff.append((base, delay))
        return delay

    async def run(self) -> None:
        """Listen until cancelled (config entry unload or Home Assistant stop)."""
        coordinator = self._coordinator
        socket = coordinator.prepared_socket
        coordinator.prepared_socket = None
        if socket is None:
            self._enter_polling()
        try:
            while True:
                if socket is None:
                    socket, wait = await self._connect()
                    if socket is None:
                        if wait is None:
                            return
                        await asyncio.sleep(wait)
                        continue
                    await coordinator.async_seed()
                await self._listen(socket)
                socket = None
                self._enter_polling()
                await asyncio.sleep(self.next_delay())
        finally:
            if socket is not None:
                await socket.close()
            coordinator.stream_connected = False

    async def _connect(self) -> tuple[UnraidWebSocket | None, float | None]:
        """Open the stream; on failure return how long to wait (None: give up)."""
        coordinator = self._coordinator
        try:
            socket = await coordinator.client.connect_websocket(
                subscribe=SUBSCRIPTION, heartbeat=coordinator.heartbeat
            )
        except UnraidAuthenticationError:
            LOGGER.warning(
                "%s rejected the access token; re-authentication is needed",
                coordinator.name,
            )
            coordinator.config_entry.async_start_reauth(coordinator.hass)
            return None, None
        except UnraidRateLimitedError as err:
            LOGGER.debug("Event stream of %s: rate limited", coordinator.name)
            return None, self.next_delay(err.retry_after or 0.0)
        except UnraidError as err:
            LOGGER.debug("Event stream of %s: %s", coordinator.name, err)
            return None, self.next_delay()
        return socket, 0.0

    async def _listen(self, socket: UnraidWebSocket) -> None:
        """Apply frames until the stream ends, stalls or fails."""
        coordinator = self._coordinator
        connected_at = dt_util.utcnow()
        coordinator.stats.connects += 1
        coordinator.update_interval = None
        coordinator.stream_connected = True
        coordinator.notify_connection()
        if self._outage_logged:
            self._outage_logged = False
            LOGGER.info(
                "Event stream of %s is back; push updates resumed", coordinator.name
            )
        try:
            while True:
                event = await socket.receive(idle_limit=coordinator.silence_timeout)
                self.handle_event(event)
        except UnraidTimeoutError:
            reason = f"no frame for {coordinator.silence_timeout:g} s"
        except UnraidError as err:
            reason = str(err)
        finally:
            coordinator.stream_connected = False
            coordinator.notify_connection()
            await socket.close()
        coordinator.stats.disconnects += 1
        if dt_util.utcnow() - connected_at >= BACKOFF_RESET_AFTER:
            self._attempt = 0
        if not self._outage_logged:
            self._outage_logged = True
            LOGGER.info(
                "Lost the event stream of %s (%s); polling every %s s until it is back",
                coordinator.name,
                reason,
                int(coordinator.poll_interval.total_seconds()),
            )

    @callback
    def _enter_polling(self) -> None:
        """Poll REST now and at the poll interval until the stream is back."""
        coordinator = self._coordinator
        coordinator.update_interval = coordinator.poll_interval
        coordinator.notify_connection()
        coordinator.config_entry.async_create_background_task(
            coordinator.hass, coordinator.async_refresh(), "unraid poll"
        )

    @callback
    def handle_event(self, event: AgentEvent) -> None:
        """Apply one frame to the coordinator."""
        coordinator = self._coordinator
        stats = coordinator.stats
        stats.frames_total += 1
        coordinator.last_frame = dt_util.utcnow()
        if not coordinator.last_update_success:
            # Push delivers again: the server is back even if REST is not.
            coordinator.last_update_success = True
            LOGGER.info("%s is sending data again", coordinator.name)
            coordinator.async_update_listeners()
        coordinator.notify_connection()
        if event.kind is FrameKind.GARBAGE:
            stats.garbage += 1
            coordinator.log_once(
                "garbage",
                logging.WARNING,
                "Ignoring a frame from %s that is not an agent event",
                coordinator.name,
            )
            return
        if event.kind is FrameKind.UNKNOWN:
            stats.unknown += 1
            coordinator.log_once(
                f"unknown:{event.name}",
                logging.DEBUG,
                "Ignoring unknown event %r",
                event.name,
            )
            return
        if event.kind is FrameKind.AMBIGUOUS:
            stats.ambiguous += 1
            coordinator.schedule_list_refresh()
            return
        topic = event.topic
        if topic is None:  # pragma: no cover - TOPIC frames always carry one
            return
        stats.by_topic[topic] += 1
        if topic is Topic.COLLECTOR_STATE:
            self._collector_changed(event.payload)
        elif topic is Topic.SOURCE_STATUS:
            coordinator.schedule_full_refresh()
        elif topic in USED_TOPICS:
            coordinator.mark_topic_current(topic)
            coordinator.apply(topic, event.payload)
        else:
            stats.ignored += 1

    @callback
    def _collector_changed(self, change: CollectorStateEvent | None) -> None:
        if change is None or change.collector is None:
            return
        topic = COLLECTOR_TOPICS.get(change.collector)
        if topic is None:
            return
        LOGGER.info(
            "Collector %s of %s was %s",
            change.collector,
            self._coordinator.name,
            "enabled" if change.enabled else "disabled",
        )
        self._coordinator.set_collector_enabled(
            topic, enabled=change.enabled is not False
        )


__all__ = ["Local", "PushListener"]
