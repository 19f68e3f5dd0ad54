"""The event-stream listener: push first, polling while the stream is down."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import logging
import random

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import (
    AgentEvent,
    FrameKind,
    Topic,
    UnraidAuthenticationError,
    UnraidConnectionError,
    UnraidError,
    UnraidRateLimitedError,
    UnraidStreamRefusedError,
    UnraidTimeoutError,
    UnraidWebSocket,
)
from .api.generations import COLLECTOR_TOPICS
from .api.models import CollectorStateEvent
from .channels import LOGGER
from .const import (
    BACKOFF_JITTER,
    BACKOFF_MAX,
    BACKOFF_MIN,
    BACKOFF_RESET_AFTER,
    FAST_RETRY_MAX,
    FAST_RETRY_WINDOW,
)
from .coordinator import LARGE_NOTIFICATIONS_FRAME, UnraidCoordinator
from .data import USED_TOPICS, Local


class PushListener:
    """Keeps the agent's event stream open and applies its frames.

    While the stream is down the coordinator polls REST, and the listener
    reconnects with exponential backoff (1 s doubling to 5 min, jittered,
    never giving up; the delay resets once a connection has lasted a
    minute). While nothing answers at all (an agent restarting), the
    first minutes of an outage retry every few seconds; a REST read that
    succeeds while the stream is down makes it try again at once. After
    every reconnect it re-seeds over REST before applying frames, because
    the agent sends no snapshot on connect.
    """

    def __init__(
        self, coordinator: UnraidCoordinator, rng: random.Random | None = None
    ) -> None:
        """Create the listener for one coordinator."""
        self._coordinator = coordinator
        self._rng = rng or random.Random()
        self._attempt = 0
        self._wake = asyncio.Event()
        self._waiting = False
        #: When the current outage began (None: the stream is fine).
        self._outage_since: datetime | None = None
        self._outage_attempts = 0
        #: The stream came back during the current outage (and may drop again).
        self._reconnected = False
        self._connected_at: datetime | None = None
        coordinator.on_rest_success = self.rest_answered

    # ------------------------------------------------------------- backoff

    def next_delay(self, at_least: float = 0.0, *, unreachable: bool = False) -> float:
        """Return the next reconnect delay and record it.

        ``unreachable``: nothing answered (refused, timed out); early in an
        outage that is most likely an agent restarting, so retry soon.
        """
        base = min(BACKOFF_MAX, BACKOFF_MIN * 2.0 ** min(self._attempt, 16))
        self._attempt += 1
        since = self._outage_since
        if (
            unreachable
            and base > FAST_RETRY_MAX
            and since is not None
            and dt_util.utcnow() - since < FAST_RETRY_WINDOW
        ):
            # Stay at this step: the doubling goes on once the window is over.
            base = FAST_RETRY_MAX
            self._attempt -= 1
        delay = max(at_least, base * (1.0 - BACKOFF_JITTER * self._rng.random()))
        self._coordinator.stats.backoff.append((base, delay))
        return delay

    @callback
    def rest_answered(self) -> None:
        """Retry the stream at once: REST answered while the stream was down.

        Once per outage: if the stream came back and dropped again (a proxy
        that cuts it, a stream that stalls), the backoff goes on as usual.
        """
        if self._waiting and not self._reconnected:
            self._attempt = 0
            self._coordinator.stats.early_retries += 1
            self._wake.set()

    async def _pause(self, seconds: float) -> None:
        """Wait before the next attempt; a REST success cuts it short."""
        self._wake.clear()
        self._waiting = True
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass
        finally:
            self._waiting = False

    # ------------------------------------------------------------- the loop

    async def run(self) -> None:
        """Listen until cancelled (config entry unload or Home Assistant stop)."""
        coordinator = self._coordinator
        socket = coordinator.prepared_socket
        coordinator.prepared_socket = None
        if socket is None:
            self._outage_began("the stream was not available at setup")
            self.enter_polling()
        try:
            while True:
                if socket is None:
                    self._outage_attempts += 1
                    socket, wait = await self._connect()
                    if socket is None:
                        if wait is None:
                            return
                        await self._pause(wait)
                        continue
                    await coordinator.async_seed()
                reason = await self._listen(socket)
                socket = None
                self._outage_began(reason)
                self.enter_polling()
                await self._pause(self.next_delay())
        finally:
            if socket is not None:
                await socket.close()
            coordinator.stream_connected = False

    async def _connect(self) -> tuple[UnraidWebSocket | None, float | None]:
        """Open the stream; on failure return how long to wait (None: give up)."""
        coordinator = self._coordinator
        try:
            socket = await coordinator.client.connect_websocket(
                subscribe=coordinator.subscription, heartbeat=coordinator.heartbeat
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
            unreachable = isinstance(err, UnraidConnectionError) and not isinstance(
                err, UnraidStreamRefusedError
            )
            return None, self.next_delay(unreachable=unreachable)
        return socket, 0.0

    async def _listen(self, socket: UnraidWebSocket) -> str:
        """Apply frames until the stream ends, stalls or fails; return why it ended."""
        coordinator = self._coordinator
        socket.parser = coordinator.parser
        self._connected_at = dt_util.utcnow()
        self._reconnected = self._outage_since is not None
        coordinator.stats.connects += 1
        coordinator.update_interval = None
        coordinator.stream_connected = True
        coordinator.notify_connection()
        freshness = coordinator.freshness
        try:
            while True:
                limit = freshness.stall_limit
                try:
                    event = await socket.receive(idle_limit=limit)
                except UnraidTimeoutError:
                    coordinator.stats.stalls += 1
                    return f"no data for {limit:g} s although the stream is open"
                self._apply(event)
                # One frame per step of the event loop: frames that queued up
                # (a burst, a slow moment) must not hold Home Assistant up.
                await asyncio.sleep(0)
                if (
                    event.topic is Topic.NOTIFICATIONS
                    and event.size > LARGE_NOTIFICATIONS_FRAME
                    and coordinator.notifications_too_large(event.size)
                ):
                    await socket.subscribe(coordinator.subscription)
                self._check_outage_over()
        except UnraidError as err:
            return str(err)
        except Exception as err:  # noqa: BLE001 - the stream must go on
            coordinator.log_once(
                "stream-crash",
                logging.ERROR,
                "Event stream of %s failed unexpectedly: %r",
                coordinator.name,
                err,
            )
            return repr(err)
        finally:
            coordinator.stream_connected = False
            coordinator.stats.disconnects += 1
            coordinator.freshness.stream_lost()
            coordinator.notify_connection()
            await socket.close()
            connected_at = self._connected_at
            if (
                connected_at is not None
                and dt_util.utcnow() - connected_at >= BACKOFF_RESET_AFTER
            ):
                self._attempt = 0

    @callback
    def _apply(self, event: AgentEvent) -> None:
        """Apply one frame; a frame that cannot be applied is dropped, not fatal."""
        try:
            self.handle_event(event)
        except Exception:  # noqa: BLE001 - one frame must not end the stream
            coordinator = self._coordinator
            coordinator.stats.apply_errors += 1
            what = event.topic or event.name or "malformed"
            coordinator.log_once(
                f"apply:{what}",
                logging.ERROR,
                "Dropped a %s frame from %s that could not be applied",
                what,
                coordinator.name,
                exc_info=True,
            )

    # ------------------------------------------------------------- outages

    @callback
    def _outage_began(self, reason: str) -> None:
        """Log an outage once when it starts (flapping connections included)."""
        coordinator = self._coordinator
        if self._outage_since is not None:
            LOGGER.debug("Event stream of %s lost again: %s", coordinator.name, reason)
            return
        self._outage_since = dt_util.utcnow()
        self._outage_attempts = 0
        self._reconnected = False
        LOGGER.info(
            "Lost the event stream of %s (%s); reading over REST until it is back",
            coordinator.name,
            reason,
        )

    @callback
    def _check_outage_over(self) -> None:
        """Log the end of an outage once the stream has stayed up a while."""
        since, connected_at = self._outage_since, self._connected_at
        if since is None or connected_at is None:
            return
        if dt_util.utcnow() - connected_at < BACKOFF_RESET_AFTER:
            return
        self._outage_since = None
        lasted = connected_at - since
        LOGGER.info(
            "Event stream of %s is back after %s and %d attempt%s; push updates resumed",
            self._coordinator.name,
            _duration(lasted),
            self._outage_attempts,
            "" if self._outage_attempts == 1 else "s",
        )

    @callback
    def enter_polling(self) -> None:
        """Poll REST now and at the poll interval until the stream is back."""
        coordinator = self._coordinator
        coordinator.update_interval = coordinator.poll_interval
        coordinator.notify_connection()
        coordinator.config_entry.async_create_background_task(
            coordinator.hass, coordinator.async_refresh(), "unraid poll"
        )

    # ------------------------------------------------------------- frames

    @callback
    def handle_event(self, event: AgentEvent) -> None:
        """Apply one frame to the coordinator."""
        coordinator = self._coordinator
        stats = coordinator.stats
        stats.frames_total += 1
        now = dt_util.utcnow()
        last = coordinator.last_frame
        coordinator.last_frame = now
        if not coordinator.last_update_success:
            # Push delivers again: the server is back even if REST is not.
            LOGGER.info("%s is sending data again", coordinator.name)
            coordinator.async_set_updated_data(coordinator.data)
        if last is None or not _same_minute(last, now):
            # The connection entities show the last frame to the minute.
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
            coordinator.freshness.frame(topic, now, event.sent_at)
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


class StreamSupervisor:
    """Runs the listener for the life of the config entry, whatever happens to it.

    If the listener's task ends other than by unloading (it crashed, or
    something cancelled it), polling takes over at once and the listener
    is started again after the usual backoff.
    """

    def __init__(self, coordinator: UnraidCoordinator, listener: PushListener) -> None:
        """Supervise ``listener``."""
        self._coordinator = coordinator
        self.listener = listener
        self.task: asyncio.Task[None] | None = None
        self._stopped = False
        self._restart: CALLBACK_TYPE | None = None

    @callback
    def start(self) -> None:
        """Start the listener and stop it with the config entry."""
        entry = self._coordinator.config_entry
        entry.async_on_unload(self.stop)
        self._launch()

    @callback
    def _launch(self, _now: datetime | None = None) -> None:
        coordinator = self._coordinator
        self._restart = None
        self.task = coordinator.config_entry.async_create_background_task(
            coordinator.hass,
            self.listener.run(),
            f"{coordinator.config_entry.domain} event stream {coordinator.name}",
        )
        self.task.add_done_callback(self._ended)

    @callback
    def stop(self) -> None:
        """Stop supervising (the entry unloads); the task is cancelled with it."""
        self._stopped = True
        if self._restart is not None:
            self._restart()
            self._restart = None
        if self.task is not None and not self.task.done():
            self.task.cancel()

    @callback
    def _ended(self, task: asyncio.Task[None]) -> None:
        coordinator = self._coordinator
        if self._stopped or coordinator.hass.is_stopping:
            return
        if task.cancelled():
            why = "it was cancelled"
        elif (error := task.exception()) is not None:
            why = f"it failed: {error!r}"
            LOGGER.error(
                "Event stream listener of %s crashed",
                coordinator.name,
                exc_info=error,
            )
        else:
            return  # gave up on purpose (re-authentication is under way)
        coordinator.stats.listener_restarts += 1
        delay = self.listener.next_delay()
        LOGGER.warning(
            "Event stream listener of %s ended (%s); polling, restarting in %.0f s",
            coordinator.name,
            why,
            delay,
        )
        coordinator.stream_connected = False
        self.listener.enter_polling()
        self._restart = async_call_later(coordinator.hass, delay, self._launch)


def _same_minute(one: datetime, other: datetime) -> bool:
    """Tell whether two times fall in the same minute (as the entities show them)."""
    return one.replace(second=0, microsecond=0) == other.replace(
        second=0, microsecond=0
    )


def _duration(delta: timedelta) -> str:
    """Say how long something lasted: ``42 s``, ``3 min 20 s``, ``2 h 5 min``."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


__all__ = ["Local", "PushListener", "StreamSupervisor"]
