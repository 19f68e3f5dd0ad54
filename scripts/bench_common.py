"""What the benchmarks share: the frames, the clocks, and the coordinator harness."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import copy
from datetime import UTC, datetime
import gc
from pathlib import Path
import statistics
import sys
import time
from typing import Any

import orjson
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from custom_components.unraid_management_agent.api import decode_frame  # noqa: E402
from custom_components.unraid_management_agent.push import PushListener  # noqa: E402

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
REPEAT = 200
BATCH = 500
SLOW = 0.1
ARCHIVE = 50_000
#: Frames at least this long must cost at most ``BIG_GOAL`` times the floor.
BIG_FRAME = 5_000
BIG_GOAL = 3.0
SMALL_GOAL = 10.0
MEMORY_GOAL_MB = 20.0
FLAT_GOAL = 0.10
#: The topics the integration takes from the ``large`` server.
TOPICS = (
    "system_update",
    "array_status_update",
    "disk_list_update",
    "share_list_update",
    "container_list_update",
    "vm_list_update",
    "network_list_update",
    "gpu_metrics_update",
    "ups_status_update",
    "hardware_update",
    "zfs_pools_update",
    "registration_update",
    "unassigned_devices_update",
    "notifications_update",
)


def _bump(item: dict[str, Any], key: str, by: float) -> None:
    item[key] = round(item[key] + by, 2)


def mutate(topic: str, data: Any) -> Any:
    """Change exactly one value that exactly one entity shows (None: not here)."""
    changed = copy.deepcopy(data)
    if topic == "system_update":
        _bump(changed, "cpu_usage_percent", 1.0)
    elif topic == "container_list_update":
        _bump(next(c for c in changed if c["state"] == "running"), "cpu_percent", 1.0)
    elif topic == "disk_list_update":
        next(d for d in changed if d.get("temperature_celsius"))[
            "temperature_celsius"
        ] += 1
    elif topic == "vm_list_update":
        vm = next(v for v in changed if v["state"] == "running")
        _bump(vm, "guest_cpu_percent", 1.0)
    elif topic == "network_list_update":
        next(n for n in changed if n["name"].startswith("eth"))["rx_bytes_per_sec"] += (
            1000.0
        )
    elif topic == "array_status_update":
        _bump(changed, "used_percent", 0.01)
    elif topic == "share_list_update":
        _bump(changed[0], "usage_percent", 0.01)
    elif topic == "gpu_metrics_update":
        _bump(changed[0], "utilization_gpu_percent", 1.0)
    elif topic == "ups_status_update":
        _bump(changed, "load_percent", 1.0)
    elif topic == "zfs_pools_update":
        _bump(changed[0], "capacity_percent", 1.0)
    elif topic == "unassigned_devices_update":
        _bump(changed["remote_shares"][0], "usage_percent", 1.0)
    elif topic == "notifications_update":
        unread = changed["overview"]["unread"]
        unread["info"] += 1
        unread["total"] += 1
    else:
        return None
    return changed


def make_frame(topic: str, data: Any) -> bytes:
    """Return one frame as the agent sends it."""
    return orjson.dumps(
        {"event": topic, "timestamp": "2026-11-20T18:00:00+10:00", "data": data}
    )


class LoopBlocks:
    """The durations of the event loop's callbacks (each blocks the loop)."""

    def __init__(self) -> None:
        """Start with nothing measured."""
        self.durations: list[float] = []
        #: The callbacks that blocked longer than half ``SLOW``, described.
        self.slow: list[tuple[float, str]] = []

    @property
    def longest(self) -> float:
        """The longest block, in seconds."""
        return max(self.durations, default=0.0)

    @contextmanager
    def measure(self) -> Iterator[None]:
        """Time every callback and task step the loop runs meanwhile."""
        # Every callback and task step goes through Handle._run (asyncio's
        # debug mode would time them too, but slows everything down).
        original = asyncio.events.Handle._run  # noqa: SLF001
        durations = self.durations
        slow = self.slow

        def timed(handle: asyncio.Handle) -> None:
            start = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - start
                durations.append(took)
                if took > SLOW / 2:
                    slow.append((took, describe(handle)))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]  # noqa: SLF001
        try:
            yield
        finally:
            asyncio.events.Handle._run = original  # type: ignore[method-assign]  # noqa: SLF001


def describe(handle: asyncio.Handle) -> str:
    """Say what a callback was: a task's step names the task and where it is."""
    owner = getattr(handle._callback, "__self__", None)  # noqa: SLF001
    if isinstance(owner, asyncio.Task):
        return f"task {owner.get_name()!r}: {owner.get_coro()!r}"[:200]
    return repr(handle)[:200]


@contextmanager
def gc_pauses() -> Iterator[list[float]]:
    """Collect the durations of the garbage collector's passes meanwhile."""
    pauses: list[float] = []
    started: list[float] = []

    def track(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append(time.perf_counter() - started.pop())

    gc.callbacks.append(track)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(track)


#: Calls per reading of the CPU clock.
CPU_BATCH = 10


def per_call(
    fn: Callable[[], object], repeat: int = REPEAT, *, cpu: bool = False
) -> float:
    """Median microseconds per call: wall time, or this thread's CPU time.

    CPU time leaves out what other processes on the machine take; it is
    read per ``CPU_BATCH`` calls (the clock costs a system call).
    """
    clock, batch = (time.thread_time, CPU_BATCH) if cpu else (time.perf_counter, 1)
    samples = []
    for _ in range(repeat):
        start = clock()
        for _ in range(batch):
            fn()
        samples.append((clock() - start) / batch)
    return statistics.median(samples) * 1e6


def goal_for(size: int) -> float:
    """Return how many times the floor a frame of ``size`` bytes may cost."""
    return BIG_GOAL if size >= BIG_FRAME else SMALL_GOAL


def mark(ok: bool) -> str:
    """Return a table cell for a goal met or not."""
    return "yes" if ok else "**no**"


def rss_mb() -> float:
    """Return this process's resident memory in MB, after a full collection."""
    gc.collect()
    return psutil.Process().memory_info().rss / 1e6


class FrameCosts:
    """Per-frame costs of one coordinator, measured through its listener."""

    def __init__(self, coordinator: Any, caches: dict[str, Any]) -> None:
        """Measure ``coordinator`` with the frames of ``caches`` (topic -> data)."""
        self.coordinator = coordinator
        self.listener = PushListener(coordinator)
        self.caches = caches

    def feed(self, frame: bytes) -> None:
        """Decode and apply one frame, as the event stream does."""
        self.listener.handle_event(decode_frame(frame, self.coordinator.parser))

    def measure(
        self, topic: str, repeat: int = REPEAT, *, cpu: bool = False
    ) -> dict[str, Any]:
        """Unchanged and one-value-changed frames of ``topic``: µs and writes."""
        stats = self.coordinator.stats
        calls = repeat * (CPU_BATCH if cpu else 1)
        data = self.caches[topic]
        frame = make_frame(topic, data)
        self.feed(frame)  # settle on this exact payload
        floor = per_call(lambda: orjson.loads(frame), repeat, cpu=cpu)
        before = stats.state_writes
        unchanged = per_call(lambda: self.feed(frame), repeat, cpu=cpu)
        row: dict[str, Any] = {
            "topic": topic,
            "size": len(frame),
            "floor": floor,
            "unchanged": unchanged,
            "unchanged_writes": (stats.state_writes - before) / calls,
            "changed": None,
            "changed_writes": None,
        }
        mutated = mutate(topic, data)
        if mutated is not None:
            # Each frame differs from the one before in one value.
            frames = [make_frame(topic, mutated), frame]
            turn = iter(range(10**9))
            before = stats.state_writes
            row["changed"] = per_call(
                lambda: self.feed(frames[next(turn) % 2]), repeat, cpu=cpu
            )
            row["changed_writes"] = (stats.state_writes - before) / calls
        self.feed(frame)
        return row
