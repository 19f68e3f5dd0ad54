"""Coordinator: one server's state, fed by WebSocket frames and REST reads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from .absence import AbsenceClock
from .agent_facts import AgentFacts
from .api import (
    PayloadParser,
    Topic,
    UnraidAuthenticationError,
    UnraidClient,
    UnraidError,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidWebSocket,
)
from .api.corrections import Correction
from .api.generations import COLLECTOR_TOPICS
from .api.models import SystemInfo
from .channels import LOGGER, ChannelCoordinator
from .const import DOMAIN, POLL_INTERVAL
from .data import LIST_KEYS, USED_TOPICS, Channel, Extra, Local, UnraidData, unread_only
from .freshness import Freshness

type UnraidConfigEntry = ConfigEntry[UnraidCoordinator]

#: Topics the stream is asked for; ``update`` keeps collector state changes,
#: which every agent sends under that name.
SUBSCRIPTION: tuple[str, ...] = (*USED_TOPICS, Topic.SOURCE_STATUS, "update")
#: A notifications frame this large carries a big archive (every unread and
#: archived notification, every 30 s): stop taking the topic by push and
#: read the counts and the unread ones over REST instead.
LARGE_NOTIFICATIONS_FRAME = 1024 * 1024

EXTRAS_REFRESH = timedelta(hours=6)
#: A REST-only read that failed is tried again this often (not only 6-hourly).
EXTRAS_RETRY = timedelta(minutes=5)
#: How often the topics' freshness is checked while the stream is up.
FRESHNESS_CHECK = timedelta(seconds=15)
PARITY_IDLE = ""


class ConnectionMode(StrEnum):
    """How the integration currently gets its data."""

    PUSH = "push"
    POLLING = "polling"
    OFFLINE = "offline"


class UnraidCoordinator(ChannelCoordinator):
    """Holds one server's state and tells each entity when its data changed.

    REST reads (the seed after every connect, and polling while the event
    stream is down) go through ``DataUpdateCoordinator``'s refresh, so
    setup errors, re-authentication and "unavailable" logging follow Home
    Assistant's rules. WebSocket frames bypass it: each frame replaces one
    topic's slot and notifies only the listeners of that topic (and, for
    list topics, of the items that changed).
    """

    config_entry: UnraidConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: UnraidConfigEntry, client: UnraidClient
    ) -> None:
        """Create the coordinator; nothing is fetched until the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"Unraid {entry.title}",
            update_interval=None,
            always_update=False,
        )
        self.client = client
        self.data = UnraidData()
        self.stream_connected = False
        self.last_frame: datetime | None = None
        self.failed_topics: set[Channel] = set()
        self.disabled_topics: set[Topic] = set()
        #: Endpoints this agent lacks (404): not read again until a re-seed.
        self.missing_topics: set[Channel] = set()
        self.freshness = Freshness(USED_TOPICS)
        #: Since when gone items have been missing (stored with the entry).
        self.absence = AbsenceClock(hass, entry.entry_id)
        self.facts = AgentFacts(self.name, self.freshness, client.limiter)
        #: Builds models only for the JSON that changed (frames, across reconnects).
        self.parser = PayloadParser()
        #: The payload each channel was last given, before corrections: the
        #: parser hands back that very object when the JSON did not change.
        self._given: dict[Channel, Any] = {}
        self.poll_interval = timedelta(seconds=POLL_INTERVAL)
        self._freshness_task: asyncio.Task[None] | None = None
        self._extras_retry_at = dt_util.utcnow() + EXTRAS_RETRY
        #: Called when REST answers while the stream is down (the listener
        #: then retries the stream at once).
        self.on_rest_success: CALLBACK_TYPE | None = None
        self.heartbeat: float | None = 30.0
        self.prepared_socket: UnraidWebSocket | None = None
        self._fetch_lock = asyncio.Lock()
        self._extras_due = True
        self._list_refresh = Debouncer(
            hass,
            LOGGER,
            cooldown=2.0,
            immediate=False,
            function=self._async_refresh_nonempty_lists,
        )
        self._full_refresh = Debouncer(
            hass,
            LOGGER,
            cooldown=10.0,
            immediate=False,
            function=self.async_request_refresh,
        )

    # ----------------------------------------------------------- applying data

    @property
    def subscription(self) -> tuple[str, ...]:
        """The topics to ask the stream for now."""
        dropped = self.freshness.unsubscribed
        return tuple(topic for topic in SUBSCRIPTION if topic not in dropped)

    @callback
    def notifications_too_large(self, size: int) -> bool:
        """Take notifications over REST from now on; True the first time."""
        if Topic.NOTIFICATIONS in self.freshness.unsubscribed:
            return False
        self.freshness.unsubscribe(Topic.NOTIFICATIONS)
        LOGGER.info(
            "%s sends %.1f MB of notifications (its archive) every 30 s; reading "
            "the counts and unread ones over REST instead",
            self.name,
            size / 1e6,
        )
        return True

    @callback
    def apply(self, channel: Channel, payload: Any, *, notify: bool = True) -> bool:
        """Replace a channel's slot; notify its listeners when it changed.

        ``notify=False`` while recovering from an outage: Home Assistant
        refreshes every entity right after, so per-channel calls are wasted.
        """
        if payload is not None and self._given.get(channel) is payload:
            # The very payload applied last: nothing to compare.
            self.stats.unchanged += 1
            return False
        self._given.pop(channel, None)
        changed = self._apply_payload(channel, payload, notify=notify)
        if channel is not Topic.NOTIFICATIONS:  # (never keep an archive)
            self._given[channel] = payload
        return changed

    @callback
    def _apply_payload(self, channel: Channel, payload: Any, *, notify: bool) -> bool:
        if isinstance(channel, Topic):
            payload = self.facts.correct(channel, payload)
        if isinstance(channel, Topic) and channel in LIST_KEYS:
            return self._apply_list(channel, payload, notify=notify)
        if channel is Topic.NOTIFICATIONS and payload is not None:
            payload = unread_only(payload)
        previous = self.data.objects.get(channel)
        if previous == payload:
            if previous is not payload:
                # Keep the new object: the next frame's will be that one.
                self.data.objects[channel] = payload
            self.stats.unchanged += 1
            return False
        self.data.objects[channel] = payload
        if channel is Topic.SYSTEM:
            self.data.note_uptime(payload)
            self._follow_agent(payload)
        elif channel is Topic.DOCKER_UPDATES:
            if payload is not None:
                self.set_container_updates(
                    (
                        (info.container_name, info.available)
                        for info in payload.containers or ()
                    ),
                    checked=True,
                )
        elif channel is Topic.ARRAY:
            self._watch_parity(previous, payload)
        elif channel is Extra.COLLECTORS:
            self._sync_disabled()
        if notify:
            self._notify(channel)
        return True

    @callback
    def _apply_list(
        self, topic: Topic, items: tuple[Any, ...], *, notify: bool
    ) -> bool:
        changed = self.data.replace_list(topic, items)
        if not changed:
            self.stats.unchanged += 1
            return False
        if topic is Topic.CONTAINERS:
            # REST /docker merges the update status in; frames lack it (None: skipped).
            self.set_container_updates((c.name, c.update_available) for c in items)
        if notify:
            self._notify(topic, changed)
        return True

    @callback
    def set_container_updates(
        self,
        updates: Iterable[tuple[str | None, bool | None]],
        *,
        checked: bool = False,
    ) -> None:
        """Record containers' update availability (by name): True, False or None.

        Sources: the agent's registry checks (``docker_updates_update``), REST
        ``/docker`` (which merges them in, unlike container frames) and
        updates the integration triggered itself. From a registry check
        (``checked``), None is a failed check and recorded as unknown;
        elsewhere None means "not reported" and is skipped.
        """
        if self.data.record_updates(updates, checked=checked):
            self._notify(Local.CONTAINER_UPDATES)

    @property
    def corrections(self) -> tuple[Correction, ...]:
        """The value bugs of this agent's version, undone on every payload."""
        return self.facts.corrections

    @callback
    def _follow_agent(self, system: SystemInfo | None) -> None:
        """Take the facts of the agent's version: what it pushes, what it gets wrong."""
        if not isinstance(system, SystemInfo) or system.is_placeholder:
            return
        version = system.agent_version
        corrections = self.facts.follow(version)
        if corrections is not None:
            self._given.clear()  # the same payloads, corrected otherwise
            for fix in corrections:
                self.log_once(
                    f"correction:{fix.note}",
                    logging.INFO,
                    "%s runs agent %s: correcting a known bug (%s)",
                    self.name,
                    version or "older than 2025.11.22",
                    fix.note,
                )

    @callback
    def _watch_parity(self, previous: Any, current: Any) -> None:
        """Re-read the parity history when a check has just finished."""
        was = getattr(previous, "parity_check_status", None)
        now = getattr(current, "parity_check_status", None)
        if was not in (None, PARITY_IDLE) and now == PARITY_IDLE:
            self._extras_due = True
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh_extras(), "unraid parity history"
            )

    # ------------------------------------------------------------- REST reads

    async def _async_setup(self) -> None:
        """Open the event stream before the first seed, so nothing falls between."""
        try:
            self.prepared_socket = await self.client.connect_websocket(
                subscribe=self.subscription,
                heartbeat=self.heartbeat,
            )
        except UnraidAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except UnraidError as err:
            LOGGER.debug(
                "Event stream of %s not available at setup: %s", self.name, err
            )
            self.update_interval = self.poll_interval

    async def _async_update_data(self) -> UnraidData:
        """Read every topic over REST (the seed, and each poll)."""
        async with self._fetch_lock:
            # The system topic first: its agent version tells what else to read.
            results = await self._fetch((Topic.SYSTEM,))
            if not self.stream_connected and self.on_rest_success is not None:
                self.on_rest_success()
            system = results.get(Topic.SYSTEM)
            if isinstance(system, SystemInfo) and system.is_placeholder:
                if self.data.system is None:
                    raise UpdateFailed(
                        translation_domain=DOMAIN, translation_key="agent_starting"
                    )
                # Restarted agent: keep what we have; its first collection is
                # published on the stream, and the next poll reads it.
                self.log_once(
                    "placeholder",
                    logging.INFO,
                    "%s is starting; keeping the last known state",
                    self.name,
                )
                return self.data
            self.clear_logged("placeholder")
            self._follow_agent(system)
            topics: tuple[Channel, ...] = tuple(
                topic
                for topic in USED_TOPICS
                if topic is not Topic.SYSTEM and self.freshness.readable(topic)
            )
            if self._extras_due:
                topics = (*topics, *Extra)
            results |= await self._fetch(topics)
            if self._extras_due and all(extra in results for extra in Extra):
                self._extras_due = False
            self.stats.rest_refreshes += 1
            notify = self.last_update_success
            for channel, payload in results.items():
                self.apply(channel, payload, notify=notify)
            return self.data

    async def _fetch(self, channels: Iterable[Channel]) -> dict[Channel, Any]:
        """Read channels concurrently (the client bounds the burst)."""
        channels = tuple(channels)
        if not channels:
            return {}
        outcomes = await asyncio.gather(
            *(self._read(channel) for channel in channels), return_exceptions=True
        )
        results: dict[Channel, Any] = {}
        errors: dict[Channel, BaseException] = {}
        for channel, outcome in zip(channels, outcomes, strict=True):
            if isinstance(outcome, UnraidNotFoundError) and channel is not Topic.SYSTEM:
                # Older agents lack some endpoints: that topic is just absent.
                self.log_once(
                    f"missing:{channel}",
                    logging.DEBUG,
                    "%s has no endpoint for %s",
                    self.name,
                    channel,
                )
                self.missing_topics.add(channel)
                results[channel] = () if channel in LIST_KEYS else None
            elif isinstance(outcome, BaseException):
                errors[channel] = outcome
                self.stats.rest_errors[type(outcome).__name__] += 1
            else:
                results[channel] = outcome
                self.missing_topics.discard(channel)
        for outcome in errors.values():
            if isinstance(outcome, UnraidAuthenticationError):
                raise ConfigEntryAuthFailed(
                    translation_domain=DOMAIN, translation_key="invalid_auth"
                ) from outcome
            if not isinstance(outcome, UnraidError):
                raise outcome
        # Marked before any raise: a re-read of a few topics that fails as a
        # whole (a silent topic's REST read) must still show them as not current.
        for channel in errors:
            if channel not in self.failed_topics:
                self.failed_topics.add(channel)
                self._notify(channel)
        if errors and (Topic.SYSTEM in errors or not results):
            first = errors.get(Topic.SYSTEM) or next(iter(errors.values()))
            retry_after = None
            if isinstance(first, UnraidRateLimitedError):
                retry_after = first.retry_after or 10.0
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(first)},
                retry_after=retry_after,
            ) from first
        for channel, outcome in errors.items():
            self.log_once(
                f"fetch:{channel}",
                logging.WARNING,
                "Could not read %s from %s: %s",
                channel,
                self.name,
                outcome,
            )
        now = dt_util.utcnow()
        for channel in results:
            if isinstance(channel, Topic):
                self.freshness.rest(channel, now)
            if channel in self.failed_topics:
                self.failed_topics.discard(channel)
                self.clear_logged(f"fetch:{channel}")
                self._notify(channel)
        return results

    async def _read(self, channel: Channel) -> Any:
        client = self.client
        if channel in self.freshness.unsubscribed and channel is Topic.NOTIFICATIONS:
            return await client.get_unread_notifications()
        if isinstance(channel, Topic):
            return await client.get_topic(channel)
        if channel is Extra.PARITY_SCHEDULE:
            return await client.get_parity_schedule()
        if channel is Extra.PARITY_HISTORY:
            return await client.get_parity_history()
        if channel is Extra.FLASH:
            return await client.get_flash()
        if channel is Extra.DISK_THRESHOLDS:
            return await client.get_disk_thresholds()
        return await client.get_collectors()

    @callback
    def _sync_disabled(self) -> None:
        """Follow which collectors the agent has switched off."""
        collectors = self.data.collectors
        disabled: set[Topic] = set()
        intervals: dict[Topic, float] = {}
        for collector in (collectors.collectors or ()) if collectors else ():
            topic = COLLECTOR_TOPICS.get(collector.name or "")
            if topic is None:
                continue
            if collector.enabled is False:
                disabled.add(topic)
            if collector.interval_seconds:
                intervals[topic] = collector.interval_seconds
        self.freshness.set_intervals(intervals)
        for topic in disabled ^ self.disabled_topics:
            self._notify(topic)
        self.disabled_topics = disabled

    async def async_refresh_topics(self, channels: Iterable[Channel]) -> None:
        """Re-read some channels over REST outside the regular refresh."""
        try:
            results = await self._fetch(channels)
        except (UpdateFailed, ConfigEntryAuthFailed) as err:
            LOGGER.debug("Partial refresh of %s failed: %s", self.name, err)
            return
        for channel, payload in results.items():
            self.apply(channel, payload)

    async def _async_refresh_nonempty_lists(self) -> None:
        """After an empty ``update`` list: re-read list topics that hold items."""
        await self.async_refresh_topics(t for t in LIST_KEYS if self.data.lists[t])

    async def async_refresh_extras(self, _now: datetime | None = None) -> None:
        """Re-read the REST-only data (parity, flash, collectors, disk thresholds)."""
        await self.async_refresh_topics(tuple(Extra))

    @callback
    def start_timers(self) -> None:
        """Refresh the REST-only data every few hours; watch topic freshness."""
        entry = self.config_entry
        entry.async_on_unload(
            async_track_time_interval(
                self.hass, self.async_refresh_extras, EXTRAS_REFRESH
            )
        )
        entry.async_on_unload(
            async_track_time_interval(self.hass, self.check_freshness, FRESHNESS_CHECK)
        )

    @callback
    def check_freshness(self, _now: datetime | None = None) -> None:
        """Re-read over REST what the stream should have brought and did not.

        Only while the stream is up: without it, every topic is polled.
        """
        if not self.stream_connected or (
            self._freshness_task is not None and not self._freshness_task.done()
        ):
            return
        now = dt_util.utcnow()
        due: list[Channel] = list(self.freshness.due(now, self._expects_data))
        if now >= self._extras_retry_at:
            # REST-only data whose last read failed: unavailable until read.
            due += [c for c in Extra if c in self.failed_topics]
            self._extras_retry_at = now + EXTRAS_RETRY
        if not due:
            return
        LOGGER.debug("%s: reading %s over REST", self.name, ", ".join(due))
        self.stats.freshness_reads += len(due)
        self._freshness_task = self.config_entry.async_create_background_task(
            self.hass, self.async_refresh_topics(due), "unraid topic refresh"
        )

    @callback
    def _expects_data(self, topic: Topic) -> bool:
        """Whether the agent has data for ``topic`` that the stream should bring."""
        if topic in self.disabled_topics or topic in self.missing_topics:
            return False
        if not self.freshness.pushed(topic):
            return True
        # A pushed topic with nothing to report (no UPS, no GPU) sends nothing.
        if topic in LIST_KEYS:
            return bool(self.data.lists[topic])
        return self.data.objects.get(topic) is not None

    # ------------------------------------------------------------- connection

    @property
    def mode(self) -> ConnectionMode:
        """How data arrives now: push, polling, or not at all."""
        if self.stream_connected:
            return ConnectionMode.PUSH
        return (
            ConnectionMode.POLLING
            if self.last_update_success
            else ConnectionMode.OFFLINE
        )

    @callback
    def notify_connection(self) -> None:
        """Tell the connection entities that the mode or last frame changed."""
        self._notify(Local.CONNECTION)

    async def async_seed(self) -> None:
        """Re-read everything over REST after a reconnect, then stop polling."""
        self.update_interval = None
        self._extras_due = True
        # Absent endpoints stay known as absent until a read answers (an
        # upgraded agent); a re-read that fails must not forget them.
        await self.async_refresh()

    @callback
    def schedule_list_refresh(self) -> None:
        """Debounced REST read of the list topics that hold items."""
        self._list_refresh.async_schedule_call()

    @callback
    def schedule_full_refresh(self) -> None:
        """Debounced REST read of everything (a data source changed health)."""
        self._full_refresh.async_schedule_call()

    @callback
    def mark_topic_current(self, topic: Topic) -> None:
        """Clear the failed mark of a topic that a frame just brought."""
        if topic in self.failed_topics:
            self.failed_topics.discard(topic)
            self.clear_logged(f"fetch:{topic}")
            self._notify(topic)

    @callback
    def set_collector_enabled(self, topic: Topic, *, enabled: bool) -> None:
        """Follow a collector being enabled or disabled on the agent."""
        if enabled:
            self.disabled_topics.discard(topic)
            self.config_entry.async_create_background_task(
                self.hass,
                self.async_refresh_topics((topic, Extra.COLLECTORS)),
                "unraid collector refresh",
            )
        else:
            self.disabled_topics.add(topic)
        self._notify(topic)

    @callback
    def topic_available(self, channel: Channel) -> bool:
        """Return True when a channel's data is current (read fine, collector on)."""
        if not self.last_update_success or channel in self.failed_topics:
            return False
        return not (isinstance(channel, Topic) and channel in self.disabled_topics)

    async def async_shutdown(self) -> None:
        """Stop timers and close a socket that was never handed over."""
        await super().async_shutdown()
        self._list_refresh.async_cancel()
        self._full_refresh.async_cancel()
        if self.prepared_socket is not None:
            await self.prepared_socket.close()
            self.prepared_socket = None
