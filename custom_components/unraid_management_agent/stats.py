"""Counters the coordinator keeps for diagnostics and benchmarks."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class CoordinatorStats:
    """What the coordinator received and what it did with it."""

    frames_total: int = 0
    by_topic: Counter[str] = field(default_factory=Counter)
    garbage: int = 0
    unknown: int = 0
    ambiguous: int = 0
    ignored: int = 0
    unchanged: int = 0
    state_writes: int = 0
    state_skips: int = 0
    rest_refreshes: int = 0
    rest_errors: Counter[str] = field(default_factory=Counter)
    connects: int = 0
    disconnects: int = 0
    #: frames (or entity updates) that raised and were dropped
    apply_errors: int = 0
    #: streams closed because no data frame came for too long
    stalls: int = 0
    #: topics re-read over REST because the stream did not bring them
    freshness_reads: int = 0
    #: reconnects tried at once because REST answered again
    early_retries: int = 0
    #: times the listener task ended unexpectedly and was restarted
    listener_restarts: int = 0
    backoff: deque[tuple[float, float]] = field(
        default_factory=lambda: deque(maxlen=50)
    )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly copy."""
        return {
            "frames_total": self.frames_total,
            "frames_by_topic": {
                str(topic): count for topic, count in self.by_topic.items()
            },
            "garbage_frames": self.garbage,
            "unknown_frames": self.unknown,
            "ambiguous_frames": self.ambiguous,
            "ignored_frames": self.ignored,
            "unchanged_payloads": self.unchanged,
            "state_writes": self.state_writes,
            "state_writes_skipped": self.state_skips,
            "rest_refreshes": self.rest_refreshes,
            "rest_errors": dict(self.rest_errors),
            "connects": self.connects,
            "disconnects": self.disconnects,
            "apply_errors": self.apply_errors,
            "stalls": self.stalls,
            "freshness_reads": self.freshness_reads,
            "early_retries": self.early_retries,
            "listener_restarts": self.listener_restarts,
            "recent_backoff": [
                {"base": base, "delay": round(delay, 3)} for base, delay in self.backoff
            ],
        }
