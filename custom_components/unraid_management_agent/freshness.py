"""Per-topic freshness: where each topic comes from, and when it is overdue.

Silence on the event stream is measured by data frames, topic by topic.
Each topic has a cadence: the agent's interval for it (its default, or the
one ``/collectors/status`` reports), raised to what the frames show (the
agent's low-power mode multiplies every interval by 4). A pushed topic
that has been silent for ``STALE_FACTOR`` cadences (plus a grace) is
re-read over REST; no data frame at all for ``STALE_FACTOR`` system
cadences (plus the grace) means the stream has stalled. Topics this agent does not push are read over REST at
their own cadence while the stream is up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median
from typing import Any, Final

from .api import Topic
from .api.generations import DEFAULT_INTERVALS, NEWEST, Generation, generation_for

#: Cadences of silence after which a pushed topic (or, for the system
#: topic, the whole stream) counts as stalled ...
STALE_FACTOR: Final = 4
#: ... plus this much for a frame that is late (the agent's collection
#: takes time; a just-switched low-power agent is not yet learned).
GRACE: Final = 15.0
#: Intervals between frames that are learned from (the latest ones).
SAMPLES: Final = 8
#: Frames closer together than this are bursts (a change published at
#: once), not the cadence.
MIN_INTERVAL: Final = 1.0
#: A learned cadence never exceeds this many times the configured one.
MAX_STRETCH: Final = 16

_HOUR: Final = 3600.0
#: How often a topic the agent does not push is read while the stream is up.
POLL_CADENCES: Final[dict[Topic, float]] = {
    Topic.NOTIFICATIONS: 60.0,
    Topic.REGISTRATION: 60.0,
    Topic.UNASSIGNED: 60.0,
    Topic.ZFS_POOLS: 60.0,
    Topic.MOVER: 60.0,
    Topic.HARDWARE: _HOUR,
    Topic.DOCKER_UPDATES: 6 * _HOUR,
    Topic.PLUGIN_UPDATES: 6 * _HOUR,
    Topic.OS_UPDATE: 6 * _HOUR,
}
DEFAULT_POLL_CADENCE: Final = 60.0


class Source(StrEnum):
    """Where a topic's current data came from."""

    PUSH = "push"
    REST = "rest"


@dataclass(slots=True)
class TopicClock:
    """What is known of one topic's timing."""

    interval: float
    """The agent's configured interval (seconds)."""
    last_data: datetime | None = None
    """When data last arrived (Home Assistant's clock)."""
    source: Source | None = None
    frames: int = 0
    _last_sent: datetime | None = None
    _intervals: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))

    @property
    def cadence(self) -> float:
        """The expected time between frames, in seconds."""
        if not self._intervals:
            return self.interval
        learned = median(self._intervals)
        return min(max(learned, self.interval), self.interval * MAX_STRETCH)

    def frame(self, now: datetime, sent_at: datetime | None) -> None:
        """Record a data frame; ``sent_at`` is the agent's time stamp."""
        stamp = sent_at or now
        if self._last_sent is not None:
            gap = (stamp - self._last_sent).total_seconds()
            if gap >= MIN_INTERVAL:
                self._intervals.append(gap)
        self._last_sent = stamp
        self.last_data = now
        self.source = Source.PUSH
        self.frames += 1

    def rest(self, now: datetime) -> None:
        """Record a REST read of the topic."""
        self.last_data = now
        self.source = Source.REST

    def gap(self) -> None:
        """Frames were missed (the stream dropped): the next gap is not a cadence."""
        self._last_sent = None


class Freshness:
    """The clocks of every topic the integration keeps, and the agent's generation."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        """Start with the agent's default intervals and the newest generation."""
        self.clocks: dict[Topic, TopicClock] = {
            topic: TopicClock(DEFAULT_INTERVALS.get(topic, 60.0)) for topic in topics
        }
        self.generation: Generation = NEWEST
        #: Topics seen on the stream although the generation does not list them.
        self.observed: set[Topic] = set()
        #: Topics no longer asked of the stream (read over REST instead).
        self.unsubscribed: set[Topic] = set()

    def set_agent_version(self, agent_version: str | None) -> None:
        """Follow the agent's version (its generation's facts)."""
        self.generation = generation_for(agent_version)

    def set_intervals(self, intervals: Mapping[Topic, float]) -> None:
        """Take the intervals the agent reports for its collectors."""
        for topic, seconds in intervals.items():
            clock = self.clocks.get(topic)
            if clock is not None and seconds > 0:
                clock.interval = seconds

    def pushed(self, topic: Topic) -> bool:
        """Tell whether this agent broadcasts ``topic`` (and it is asked for)."""
        if topic in self.unsubscribed:
            return False
        return topic in self.generation.pushed or topic in self.observed

    def unsubscribe(self, topic: Topic) -> None:
        """Stop expecting ``topic`` on the stream."""
        self.unsubscribed.add(topic)

    def readable(self, topic: Topic) -> bool:
        """Tell whether ``topic`` may be read (no slow live check on this agent)."""
        return topic not in self.generation.live_endpoints

    def frame(self, topic: Topic, now: datetime, sent_at: datetime | None) -> None:
        """Record a data frame of ``topic``."""
        clock = self.clocks.get(topic)
        if clock is None:
            return
        clock.frame(now, sent_at)
        if topic not in self.generation.pushed and topic not in self.unsubscribed:
            self.observed.add(topic)

    def rest(self, topic: Topic, now: datetime) -> None:
        """Record a REST read of ``topic``."""
        if (clock := self.clocks.get(topic)) is not None:
            clock.rest(now)

    def stream_lost(self) -> None:
        """Note that the stream dropped: frames were missed."""
        for clock in self.clocks.values():
            clock.gap()

    @property
    def stall_limit(self) -> float:
        """Seconds without any data frame after which the stream counts as stalled."""
        return STALE_FACTOR * self.clocks[Topic.SYSTEM].cadence + GRACE

    def limit(self, topic: Topic) -> float:
        """Seconds after which ``topic``'s data is overdue while the stream is up."""
        if self.pushed(topic):
            return STALE_FACTOR * self.clocks[topic].cadence + GRACE
        return POLL_CADENCES.get(topic, DEFAULT_POLL_CADENCE)

    def due(self, now: datetime, expected: Callable[[Topic], bool]) -> list[Topic]:
        """Topics to read over REST now (the stream being up).

        ``expected(topic)`` says whether data is to be had at all (the
        collector is on, the endpoint exists, a pushed topic has items).
        """
        overdue = []
        for topic, clock in self.clocks.items():
            if not self.readable(topic) or not expected(topic):
                continue
            last = clock.last_data
            if last is None or now - last >= timedelta(seconds=self.limit(topic)):
                overdue.append(topic)
        return overdue

    def as_dict(self) -> dict[str, Any]:
        """Per-topic source, last data time and cadence, for diagnostics."""
        return {
            "generation": self.generation.label,
            "stall_after_seconds": self.stall_limit,
            "topics": {
                str(topic): {
                    "pushed": self.pushed(topic),
                    "via": clock.source,
                    "last_data": clock.last_data,
                    "cadence_seconds": clock.cadence,
                    "overdue_after_seconds": self.limit(topic),
                    "frames": clock.frames,
                }
                for topic, clock in self.clocks.items()
            },
        }
