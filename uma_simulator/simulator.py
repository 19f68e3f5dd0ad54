"""The :class:`Simulator`: simulated clock, collector schedule, caches and WebSocket hub."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from .collectors import (
    COLLECTOR_TOPICS,
    ENABLE_DEFAULTS,
    ORDER,
    STAGGER,
    TOPICS,
    Collector,
    default_collectors,
)
from .dto import make
from .faults import Faults
from .hub import Hub
from .longops import Durations
from .mutations import MutationsMixin
from .profiles import CURRENT, LEGACY, PROFILES, Profile, distort
from .ratelimit import RateLimiter
from .scenarios import build_state, resolve_spec
from .wire import go_time

#: simulated seconds a full parity check takes
PARITY_DURATION = 20 * 3600.0


@dataclass
class RequestRecord:
    """One HTTP request seen by the simulator (``status`` is ``None`` while pending)."""

    index: int
    method: str
    path: str
    query: str
    status: int | None
    monotonic: float
    sim_elapsed: float


class Simulator(MutationsMixin):
    """A simulated Unraid Management Agent.

    ``scenario`` is ``"home"``, ``"large"`` or ``"minimal"``; ``seed`` makes every
    generated value deterministic; ``profile`` is the agent generation (see
    :data:`uma_simulator.profiles.PROFILES`: ``"2025.11.0"``, ``"2025.11"``, ``"2026.02"``,
    ``"2026.05"``, ``"current"``) with its pushed topics, endpoints, limits and
    value bugs; ``legacy=True`` stands for ``"2026.02"``, the last agents whose
    every WebSocket event is ``"update"`` and that ignore subscriptions;
    ``token`` enables bearer-token auth (current agents only); ``speed`` scales
    the real-time ticker of :meth:`start`; ``ups``/``gpu`` set to ``False``
    remove the UPS or the GPUs from the scenario; ``rate_limit``/``rate_burst``
    override the profile's token bucket.
    """

    def __init__(
        self,
        scenario: str = "home",
        seed: int = 1,
        legacy: bool = False,
        token: str | None = None,
        speed: float = 1.0,
        start_time: datetime | None = None,
        *,
        ups: bool | None = None,
        gpu: bool | None = None,
        rate_limit: float | None = None,
        rate_burst: int | None = None,
        profile: str | None = None,
    ) -> None:
        """Create the simulator; nothing is collected until the first :meth:`advance`."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.spec = resolve_spec(scenario, ups=ups, gpu=gpu)
        self.scenario = self.spec.name
        self.seed = seed
        name = profile or (LEGACY if legacy else CURRENT)
        if name not in PROFILES:
            raise ValueError(f"unknown profile {name!r}; choose from {list(PROFILES)}")
        self.profile: Profile = PROFILES[name]
        self.legacy = not self.profile.named_events
        if token and not self.profile.token_auth:
            raise ValueError(f"agents of profile {name} have no bearer-token auth")
        self.token = token
        self.speed = speed
        self.start_time = start_time or datetime.now(UTC)
        self.rng = Random(seed)
        self.state = build_state(self.spec, seed, self.start_time)
        self.state.agent_version = self.profile.agent_version
        self.state.system["agent_version"] = self.profile.agent_version
        self.faults = Faults(self)
        self.hub = Hub(self)
        default = self.profile.rate or (float("inf"), 2**62)
        self.limiter = RateLimiter(
            default[0] if rate_limit is None else rate_limit,
            default[1] if rate_burst is None else rate_burst,
        )
        self.request_log: list[RequestRecord] = []
        #: how long updates and update checks take (see ``longops``)
        self.durations = Durations()
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self.caches: dict[str, Any] = {}
        self.collectors: dict[str, Collector] = default_collectors(self.spec.zfs)
        self.last_network_sample: float | None = None
        self.shutting_down = False
        self._elapsed = 0.0
        self._boot_elapsed = 0.0
        self._started = False
        self._triggers: list[str] = []
        self._ticker: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ clock
    @property
    def elapsed(self) -> float:
        """Simulated seconds since the simulator was created."""
        return self._elapsed

    @property
    def now(self) -> datetime:
        """The simulated wall clock."""
        return self.start_time + timedelta(seconds=self._elapsed)

    @property
    def uptime(self) -> float:
        """Seconds since the simulated server booted."""
        return self.state.boot_uptime + self._elapsed - self._boot_elapsed

    @property
    def collected(self) -> bool:
        """Whether the first collection since the last (re)start has run."""
        return self._started

    @property
    def ws_client_count(self) -> int:
        """Number of connected WebSocket clients."""
        return len(self.hub.clients)

    def advance(self, seconds: float) -> list[str]:
        """Move the simulated clock by ``seconds`` and run every collection that falls due.

        The first call after a (re)start first runs the immediate collections of a
        starting agent; changes waiting on a file-watch trigger (array, disks) are
        collected next. Returns the published topic names in order.
        """
        if seconds < 0:
            raise ValueError("cannot move the clock backwards")
        self.hub.advance_calls += 1
        published: list[str] = []
        if not self._started:
            published += self._boot()
        while self._triggers:
            published += self._run(self._triggers.pop(0))
        target = self._elapsed + seconds
        while True:
            due = self._next_due()
            if due is None or due[0] > target:
                break
            when, collector = due
            self._evolve(when - self._elapsed)
            self._elapsed = when
            published += self._run(collector.name)
            collector.next_due = when + collector.interval
            self.hub.tick()
        self._evolve(target - self._elapsed)
        self._elapsed = target
        self.hub.tick()
        for wake, future in self._sleepers:
            if wake <= target and not future.done():
                future.set_result(None)
        return published

    async def sleep(self, seconds: float) -> None:
        """Wait until :meth:`advance` has moved the simulated clock ``seconds`` on."""
        if seconds <= 0:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._elapsed + seconds, future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            self._sleepers.remove(entry)

    @property
    def sleeping(self) -> int:
        """How many requests are in :meth:`sleep` (slow checks under way)."""
        return len(self._sleepers)

    def _boot(self) -> list[str]:
        """Start every enabled collector: immediate runs now, staggered ones later."""
        self._started = True
        published = []
        for name in ORDER:
            collector = self.collectors[name]
            if not collector.enabled:
                continue
            collector.status = "running"
            collector.last_run = go_time(self.now)
            if name in STAGGER:
                collector.next_due = self._elapsed + STAGGER[name]
            else:
                published += self._run(name)
                collector.next_due = self._elapsed + collector.interval
        return published

    def _next_due(self) -> tuple[float, Collector] | None:
        """Return the earliest due running collector (ties in the agent's order)."""
        best: tuple[float, Collector] | None = None
        for name in ORDER:
            c = self.collectors[name]
            if (
                c.status == "running"
                and c.next_due is not None
                and (best is None or c.next_due < best[0])
            ):
                best = (c.next_due, c)
        return best

    def _run(self, collector: str) -> list[str]:
        """Collect and publish every topic of ``collector`` that has something to say."""
        published = []
        for topic in COLLECTOR_TOPICS[collector]:
            payload = TOPICS[topic](self, go_time(self.now))
            if payload is not None:
                self.emit(topic, payload)
                published.append(topic)
        return published

    def trigger(self, collector: str) -> None:
        """Queue a file-watch triggered collection for the next :meth:`advance`."""
        if (
            collector not in self._triggers
            and self.collectors[collector].status == "running"
        ):
            self._triggers.append(collector)

    def _evolve(self, seconds: float) -> None:
        """Advance time-dependent processes (the parity check) by ``seconds``."""
        parity = self.state.parity
        if parity["status"] != "running" or seconds <= 0:
            return
        parity["progress"] = min(
            100.0, parity["progress"] + seconds / PARITY_DURATION * 100
        )
        if parity["progress"] >= 100.0:
            self.finish_parity("OK")

    def finish_parity(self, status: str) -> None:
        """End the running parity operation and append its history record."""
        parity = self.state.parity
        duration = int(parity["progress"] / 100 * PARITY_DURATION)
        size = self.spec.disk_size
        action = "Dual Parity-Check" if self.spec.parity_disks > 1 else "Parity-Check"
        self.state.parity_history.append(
            make(
                "ParityCheckRecord",
                action=action,
                date=go_time(self.now),
                duration_seconds=duration,
                speed_mbps=round(size / PARITY_DURATION / 1e6, 1),
                status=status,
                errors=0,
                size_bytes=size,
            )
        )
        parity.update(status="", progress=0.0)
        self.trigger("array")

    # ------------------------------------------------------------------ publishing
    def emit(self, topic: str, payload: Any) -> None:
        """Store ``payload`` as the cache of ``topic`` and broadcast it."""
        payload = distort(self.profile, topic, payload)
        self.caches[topic] = payload
        self.hub.broadcast(topic, payload)

    def publish(self, topic: str) -> None:
        """Publish the current state of ``topic`` now (what the next collection would send).

        Nothing is sent when the topic has nothing to report (no UPS answering, no GPU,
        empty ZFS list).
        """
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        payload = TOPICS[topic](self, go_time(self.now))
        if payload is not None:
            self.emit(topic, payload)

    def allow_request(self, remote: str) -> bool:
        """Take a rate-limit token for a request from ``remote``."""
        return self.limiter.allow("" if self.profile.rate_global else remote)

    def publish_raw(self, event: str, data: Any) -> None:
        """Broadcast an arbitrary event (e.g. ``source_status_changed``, ``agent_stream``).

        It is sent whatever the profile pushes.
        """
        self.hub.broadcast(event, data, forced=True)

    # ------------------------------------------------------------------ collectors
    def set_collector_enabled(self, name: str, enabled: bool) -> str | None:
        """Enable or disable a collector like the collector manager; return an error text."""
        collector = self.collectors.get(name)
        if collector is None:
            return f"unknown collector: {name}"
        if enabled:
            if collector.status == "running":
                return None
            if collector.interval <= 0:
                collector.interval = ENABLE_DEFAULTS.get(name, 30)
            self._start_collector(collector)
        else:
            if collector.required:
                return f"cannot disable {name} collector (always required)"
            if collector.status != "running":
                return None
            collector.status = "stopped"
            collector.enabled = False
            collector.next_due = None
        event = make(
            "CollectorStateEvent",
            event="collector_state_change",
            collector=name,
            enabled=enabled,
            status=collector.status,
            interval=collector.interval,
            timestamp=go_time(self.now),
        )
        self.hub.broadcast("update", event)
        return None

    def _start_collector(self, collector: Collector) -> None:
        """Start ``collector``: it collects at once (or after its stagger)."""
        collector.status = "running"
        collector.enabled = True
        collector.last_run = go_time(self.now)
        collector.next_due = self._elapsed + STAGGER.get(collector.name, 0.0)

    def set_collector_interval(self, name: str, interval: int) -> str | None:
        """Change a collector's interval (restarting it if running); return an error text."""
        collector = self.collectors.get(name)
        if collector is None:
            return f"unknown collector: {name}"
        if not 5 <= interval <= 86400:
            return "invalid interval: must be between 5 and 86400 seconds"
        collector.interval = interval
        if collector.status == "running":
            self._start_collector(collector)
        return None

    # ------------------------------------------------------------------ lifecycle
    def restart(self, uptime: float = 30.0) -> None:
        """Restart the simulated server: sockets close, caches empty, uptime resets.

        REST answers are the pre-collection placeholders until the next :meth:`advance`.
        """
        self.hub.close_all(graceful=True)
        self.caches.clear()
        self.collectors = default_collectors(self.spec.zfs)
        self._started = False
        self._triggers.clear()
        self.last_network_sample = None
        self.state.boot_uptime = uptime
        self._boot_elapsed = self._elapsed
        self.faults.offline = False
        self.limiter.reset()

    def upgrade(self, profile: str) -> None:
        """Install the agent of generation ``profile``: it restarts as that one.

        The server (its disks, containers, GUID) stays the same; what the new
        agent pushes, serves and gets wrong is that of ``profile``.
        """
        if profile not in PROFILES:
            raise ValueError(
                f"unknown profile {profile!r}; choose from {list(PROFILES)}"
            )
        self.profile = PROFILES[profile]
        self.legacy = not self.profile.named_events
        self.state.agent_version = self.profile.agent_version
        self.state.system["agent_version"] = self.profile.agent_version
        self.restart()

    def start(self) -> None:
        """Start the real-time ticker: :meth:`advance` on wall-clock time × ``speed``."""
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        """Stop the real-time ticker."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    async def _tick(self, period: float = 0.25) -> None:
        """Drive :meth:`advance` from the event loop clock."""
        loop = asyncio.get_running_loop()
        last = loop.time()
        self.advance(0)
        while True:
            await asyncio.sleep(period)
            current = loop.time()
            self.advance((current - last) * self.speed)
            last = current
