"""Benchmark the coordinator on the simulator's ``large`` server.

Prints, per topic: the time to decode and apply one frame in the
coordinator (entities included) against ``orjson.loads`` of the same frame
(the floor), and the state writes caused by a frame with unchanged data
and by a frame with one changed value; then the setup time; then, for one
frame that brings 500 new containers, how long until all their entities are
there and the longest the event loop was blocked meanwhile (one callback or
task step; Home Assistant stalls while it runs); then the cost of one
``notifications_update`` frame carrying a 50,000-notification archive (the
agent caps none; after such a frame the integration reads notifications over
REST) and how many notifications are kept.

Run: ``.venv/bin/python scripts/bench.py`` (no network beyond loopback).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import copy
from datetime import UTC, datetime
from pathlib import Path
import socket
import statistics
import sys
import time
from typing import Any
from unittest.mock import patch

from aiohttp import ThreadedResolver, web
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from homeassistant import loader  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.unraid_management_agent.api import (  # noqa: E402
    RequestLimiter,
    Topic,
    decode_frame,
)
from custom_components.unraid_management_agent.const import DOMAIN  # noqa: E402
from custom_components.unraid_management_agent.push import PushListener  # noqa: E402
from uma_simulator import Simulator, create_app  # noqa: E402

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
REPEAT = 200
BATCH = 500
SLOW = 0.1
ARCHIVE = 50_000


def _mutate(topic: str, data: Any) -> Any:
    """Change exactly one value that exactly one entity shows."""
    changed = copy.deepcopy(data)
    if topic == "system_update":
        changed["cpu_usage_percent"] = round(changed["cpu_usage_percent"] + 1.0, 2)
    elif topic == "container_list_update":
        running = next(c for c in changed if c["state"] == "running")
        running["cpu_percent"] = round(running["cpu_percent"] + 1.0, 2)
    elif topic == "disk_list_update":
        disk = next(d for d in changed if d.get("temperature_celsius"))
        disk["temperature_celsius"] += 1
    elif topic == "vm_list_update":
        vm = next(v for v in changed if v["state"] == "running")
        vm["guest_cpu_percent"] = round(vm["guest_cpu_percent"] + 1.0, 2)
    elif topic == "network_list_update":
        nic = next(n for n in changed if n["name"].startswith("eth"))
        nic["rx_bytes_per_sec"] += 1000.0
    elif topic == "array_status_update":
        changed["used_percent"] = round(changed["used_percent"] + 0.01, 2)
    elif topic == "share_list_update":
        changed[0]["usage_percent"] = round(changed[0]["usage_percent"] + 0.01, 2)
    elif topic == "gpu_metrics_update":
        changed[0]["utilization_gpu_percent"] = round(
            changed[0]["utilization_gpu_percent"] + 1, 1
        )
    else:
        return None
    return changed


def _frame(topic: str, data: Any) -> bytes:
    return orjson.dumps(
        {"event": topic, "timestamp": "2026-11-20T18:00:00+10:00", "data": data}
    )


class LoopBlocks:
    """The durations of the event loop's callbacks (each blocks the loop)."""

    def __init__(self) -> None:
        """Start with nothing measured."""
        self.durations: list[float] = []

    @contextmanager
    def measure(self) -> Iterator[None]:
        """Time every callback and task step the loop runs meanwhile."""
        # Every callback and task step goes through Handle._run (asyncio's
        # debug mode would time them too, but slows everything down).
        original = asyncio.events.Handle._run  # noqa: SLF001
        durations = self.durations

        def timed(handle: asyncio.Handle) -> None:
            start = time.perf_counter()
            try:
                original(handle)
            finally:
                durations.append(time.perf_counter() - start)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]  # noqa: SLF001
        try:
            yield
        finally:
            asyncio.events.Handle._run = original  # type: ignore[method-assign]  # noqa: SLF001


async def _add_batch(hass: Any, sim: Simulator, coordinator: Any) -> tuple[Any, ...]:
    """Publish one frame with ``BATCH`` new containers; time adding their entities."""
    before = len(hass.states.async_all())
    known = len(coordinator.data.containers)
    for index in range(BATCH):
        sim.add_container(f"batch-{index:03d}", f"example/batch{index}:1.0")
    arrived = asyncio.Event()

    def check() -> None:
        if len(coordinator.data.containers) == known + BATCH:
            arrived.set()

    remove = coordinator.async_add_channel_listener(Topic.CONTAINERS, check)
    blocks = LoopBlocks()
    # Published (encoded and written) first: the simulator's work is not ours.
    sim.publish("container_list_update")
    with blocks.measure():
        start = time.perf_counter()
        await arrived.wait()
        await hass.async_block_till_done()
        seconds = time.perf_counter() - start
    remove()
    added = len(hass.states.async_all()) - before
    durations = blocks.durations
    slow = sum(1 for took in durations if took > SLOW)
    return added, seconds, max(durations), len(durations), slow


def _per_call(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median microseconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


async def main() -> None:
    """Run the benchmark and print the table."""
    RequestLimiter.__init__.__defaults__ = (
        1e9,
        1_000_000,
        64,
    )  # measure us, not pacing
    sim = Simulator(scenario="large", seed=1, start_time=START)
    sim.advance(0)
    runner = web.AppRunner(create_app(sim))
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    await web.SockSite(runner, sock).start()

    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=ThreadedResolver(),  # no zeroconf outside a full HA start
    ):
        await _run(sim, port)
    await runner.cleanup()


async def _run(sim: Simulator, port: int) -> None:
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="tower",
            unique_id="bench",
            data={"host": "127.0.0.1", "port": port},
        )
        entry.add_to_hass(hass)
        start = time.perf_counter()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        setup_seconds = time.perf_counter() - start
        coordinator = entry.runtime_data
        entities = len(hass.states.async_all())
        listener = PushListener(coordinator)
        stats = coordinator.stats

        rows = []
        for topic in (
            "system_update",
            "array_status_update",
            "disk_list_update",
            "share_list_update",
            "container_list_update",
            "vm_list_update",
            "network_list_update",
            "gpu_metrics_update",
            "notifications_update",
        ):
            data = sim.caches[topic]
            frame = _frame(topic, data)
            listener.handle_event(decode_frame(frame))  # settle on this exact payload
            floor = _per_call(lambda f=frame: orjson.loads(f))
            before = stats.state_writes
            ours = _per_call(lambda f=frame: listener.handle_event(decode_frame(f)))
            unchanged_writes = (stats.state_writes - before) / REPEAT
            changed = _mutate(topic, data)
            one_change = "-"
            if changed is not None:
                frames = [_frame(topic, changed), frame] * 10
                before = stats.state_writes
                for alternate in frames:
                    listener.handle_event(decode_frame(alternate))
                one_change = f"{(stats.state_writes - before) / len(frames):.1f}"
            rows.append((topic, len(frame), floor, ours, unchanged_writes, one_change))
        added, seconds, longest, steps, slow = await _add_batch(hass, sim, coordinator)
        sim.faults.flood_archive(ARCHIVE)
        sim.publish("notifications_update")
        big = _frame("notifications_update", sim.caches["notifications_update"])
        start = time.perf_counter()
        listener.handle_event(decode_frame(big))
        archive_ms = (time.perf_counter() - start) * 1000
        floor_ms = _per_call(lambda: orjson.loads(big), repeat=5) / 1000
        notes = coordinator.data.notifications
        kept = len(notes.notifications or ()) if notes is not None else 0

        print(f"Simulator 'large': {entities} entities, setup {setup_seconds:.2f} s\n")
        print(
            "| topic | frame bytes | orjson.loads µs | coordinator µs | × floor | writes/frame unchanged | writes/frame one value changed |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for topic, size, floor, ours, unchanged, one in rows:
            print(
                f"| {topic} | {size:,} | {floor:.0f} | {ours:.0f} | {ours / floor:.1f} | {unchanged:.1f} | {one} |"
            )
        print(
            f"\n| batch | entities added | seconds until all added | loop steps | longest loop block ms | steps over {SLOW * 1000:.0f} ms |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        print(
            f"| {BATCH} new containers in one frame | {added:,} | {seconds:.2f} | {steps:,} | {longest * 1000:.0f} | {slow} |"
        )
        print(
            "\n| notification archive | frame MB | orjson.loads ms | decode and apply ms (once, then REST) | notifications kept |"
        )
        print("|---|---:|---:|---:|---:|")
        print(
            f"| {ARCHIVE:,} archived | {len(big) / 1e6:.1f} | {floor_ms:.0f} | {archive_ms:.0f} | {kept} |"
        )
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


if __name__ == "__main__":
    asyncio.run(main())
